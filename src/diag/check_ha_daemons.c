/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ha_daemons.c - the `diag ha` checks of the running daemons and
 * the kernel setting the pair needs: ha.conntrackd, ha.keepalived,
 * ha.tcp-liberal (see check_ha.c for the list and why).
 *
 * conntrackd is asked through its own client (`conntrackd -C CONF -s`,
 * run by ctl/ha_run.c without a shell) and its text read by
 * ha_ctd_stats_parse(); keepalived by its pid file and by which virtual
 * addresses this node holds.  Changes nothing.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/ha.h"
#include "diag/check_ha.h"

/* Judge the numbers of `conntrackd -s`. */
static enum diag_status
ha_ctd_judge(const struct ha_ctd_stats *s, struct diag_result *res)
{
	diag_evidence(res, "active: %llu internal, %llu external (the "
		      "peer's)", s->active_internal, s->active_external);
	diag_evidence(res, "sync link: %llu packets sent, %llu received, "
		      "%llu send errors, %llu receive errors", s->pkts_sent,
		      s->pkts_recv, s->err_send, s->err_recv);
	diag_evidence(res, "cache failures %llu, malformed messages %llu, "
		      "lost %llu", s->failed, s->malformed, s->lost);
	if (!s->seen_cache || !s->seen_sync) {
		diag_message(res, "conntrackd answered, but not with the "
			     "statistics of a sync mode");
		return DIAG_FAIL;
	}
	if (!s->pkts_recv) {
		diag_message(res, "conntrackd runs but has received nothing "
			     "from the peer");
		diag_fix(res, "start conntrackd on the peer; let UDP port "
			 "3780 through on the sync link");
		return DIAG_FAIL;
	}
	if (s->err_send || s->err_recv || s->failed || s->malformed ||
	    s->lost) {
		diag_message(res, "conntrackd runs and hears the peer, with "
			     "errors (%llu send, %llu receive, %llu cache, "
			     "%llu lost)", s->err_send, s->err_recv,
			     s->failed, s->lost);
		return DIAG_WARN;
	}
	diag_message(res, "conntrackd runs and hears the peer (%llu "
		      "packets), no errors", s->pkts_recv);
	return DIAG_PASS;
}

static enum diag_status
ha_conntrackd_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const char *bin = ha_conntrackd_bin();
	struct ha_ctd_stats s;
	struct ha_conf c;
	struct ha_paths p;
	struct masq_err e;
	struct stat sb;
	enum diag_status st = diag_ha_conf(ctx, &c, &p, res);
	const char *argv[] = { bin, "-C", p.conntrackd_conf, "-s", NULL };
	char out[8192];
	int rc;

	if (st != DIAG_PASS)
		return st;
	if (!bin)
		return diag_skip(res, "conntrackd is not installed");
	if (stat(p.conntrackd_conf, &sb) < 0) {
		diag_message(res, "no %s", p.conntrackd_conf);
		diag_fix(res, "ha apply%s%s", p.custom ? " dir " : "", p.dir);
		return DIAG_FAIL;
	}
	err_init(&e);
	rc = ha_run(argv, out, sizeof(out), &e);
	if (rc < 0) {
		st = diag_error(res, &e);
	} else if (rc != 0) {
		diag_message(res, "conntrackd does not answer on %s (not "
			     "running?)", p.ctl_socket);
		if (p.custom)
			diag_fix(res, "conntrackd -C %s -d",
				 p.conntrackd_conf);
		else
			diag_fix(res, "systemctl start conntrackd");
		st = DIAG_FAIL;
	} else {
		ha_ctd_stats_parse(out, &s);
		st = ha_ctd_judge(&s, res);
	}
	err_done(&e);
	return st;
}

/* Is the process of the pid in @path alive? */
static bool
ha_pidfile_alive(const char *path, long *pid)
{
	FILE *f = fopen(path, "re");
	bool ok;

	*pid = 0;
	if (!f)
		return false;
	ok = fscanf(f, "%ld", pid) == 1 && *pid > 0 &&
	     (kill((pid_t)*pid, 0) == 0 || errno == EPERM);
	fclose(f);
	return ok;
}

static enum diag_status
ha_keepalived_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct ha_conf c;
	struct ha_paths p;
	char pidfile[HA_PATH_MAX + 32];
	enum diag_status st = diag_ha_conf(ctx, &c, &p, res);
	size_t i, held = 0;
	long pid;

	if (st != DIAG_PASS)
		return st;
	if (!c.n_vips)
		return diag_skip(res, "no virtual address ('ha vip')");
	snprintf(pidfile, sizeof(pidfile), "%s/keepalived.pid",
		 p.custom ? p.dir : "/run");
	if (!ha_pidfile_alive(pidfile, &pid)) {
		diag_message(res, "keepalived is not running (no live pid "
			     "in %s)", pidfile);
		if (p.custom)
			diag_fix(res, "keepalived -f %s -p %s",
				 p.keepalived_conf, pidfile);
		else
			diag_fix(res, "systemctl start keepalived");
		return DIAG_FAIL;
	}
	diag_evidence(res, "keepalived pid %ld; configured %s, priority %u",
		      pid, c.master ? "master" : "backup", c.priority);
	for (i = 0; i < c.n_vips; i++) {
		bool h = ha_vip_held(&c.vips[i]);

		held += h;
		diag_evidence(res, "%s/%u on %s: %s", c.vips[i].addr,
			      c.vips[i].plen, c.vips[i].ifname,
			      h ? "held here" : "not here");
	}
	if (held && held < c.n_vips) {
		diag_message(res, "this node holds %zu of %zu virtual "
			     "addresses: the pair is split", held, c.n_vips);
		diag_fix(res, "check that every VIP interface is up on both "
			 "nodes");
		return DIAG_FAIL;
	}
	diag_message(res, "keepalived runs; this node is %s", held ?
		     "MASTER (holds every virtual address)" :
		     "BACKUP (holds none of the virtual addresses)");
	return DIAG_PASS;
}

static enum diag_status
ha_tcp_liberal_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct ha_conf c;
	struct ha_paths p;
	unsigned long long v;
	enum diag_status st = diag_ha_conf(ctx, &c, &p, res);

	if (st != DIAG_PASS)
		return st;
	if (diag_proc_u64(ctx, "sys/net/netfilter/nf_conntrack_tcp_be_liberal",
			  &v) < 0)
		return diag_skip(res, "no nf_conntrack_tcp_be_liberal "
				 "(nf_conntrack not loaded)");
	diag_evidence(res, "net.netfilter.nf_conntrack_tcp_be_liberal = %llu",
		      v);
	if (v != 1) {
		diag_message(res, "TCP window checking is strict: after a "
			     "failover the new master may drop the taken-over "
			     "connections' segments (conntrackd does not "
			     "replicate windows)");
		diag_fix(res, "sysctl -w "
			 "net.netfilter.nf_conntrack_tcp_be_liberal=1");
		return DIAG_WARN;
	}
	/* loose pick-up makes a mid-stream segment that reaches the new
	 * master before its commit a connection of its own, translated
	 * anew (another port when the rule says 'random' or the port is
	 * taken); the commit then fails for it with "exists" */
	if (diag_proc_u64(ctx, "sys/net/netfilter/nf_conntrack_tcp_loose",
			  &v) == 0) {
		diag_evidence(res, "net.netfilter.nf_conntrack_tcp_loose = %llu",
			      v);
		if (v) {
			diag_message(res, "TCP window checking is liberal, "
				     "but loose pick-up is on: a segment that "
				     "reaches the new master before its commit "
				     "starts a new translation");
			diag_fix(res, "sysctl -w "
				 "net.netfilter.nf_conntrack_tcp_loose=0");
			return DIAG_WARN;
		}
	}
	diag_message(res, "TCP window checking is liberal and loose pick-up "
		     "off, as a pair needs");
	return DIAG_PASS;
}

const struct diag_check diag_ha_conntrackd_check = {
	.id = "ha.conntrackd",
	.title = "conntrackd runs and replicates with the peer",
	.faq = NULL,
	.needs = DIAG_NEEDS_ROOT,
	.run = ha_conntrackd_run,
};

const struct diag_check diag_ha_keepalived_check = {
	.id = "ha.keepalived",
	.title = "keepalived runs; this node holds all VIPs or none",
	.faq = NULL,
	.needs = 0,
	.run = ha_keepalived_run,
};

const struct diag_check diag_ha_tcp_liberal_check = {
	.id = "ha.tcp-liberal",
	.title = "TCP windows liberal (not replicated), loose pick-up off",
	.faq = NULL,
	.needs = 0,
	.run = ha_tcp_liberal_run,
};

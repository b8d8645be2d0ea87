/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_show_ha.c - `show ha [dir DIR]`: the NAT pair as it runs on this
 * gateway: which role it has now (the virtual addresses it holds), the
 * last transition the notify script recorded, the peer, and conntrackd's
 * sync counters.  Reads only; `diag ha` judges.
 *
 * Owns the output only: the settings, files and counters are ctl/ha.h's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "shell/cmd_ha.h"
#include "shell/cmd_int.h"

/* The notify script's last event, if its state file says one. */
static void
show_ha_last(struct cmd_ctx *ctx, const struct ha_paths *p)
{
	char buf[64], event[8], when[32];
	long long t;
	size_t n = 0;
	FILE *f = fopen(p->state, "re");
	struct tm tm;
	time_t tt;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	if (!f || ha_state_parse(buf, event, &t) < 0) {
		out_null(ctx->out, "last_change", "last change: %s (no "
			 "transition recorded yet)\n");
		return;
	}
	tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "%lld", t);
	out_obj_open(ctx->out, "last_change");
	out_str(ctx->out, "event", "last change: %s", event);
	out_int(ctx->out, "time", NULL, t);
	out_text(ctx->out, " at %s\n", when);
	out_obj_close(ctx->out);
}

/* conntrackd's counters, or "not running". */
static void
show_ha_sync(struct cmd_ctx *ctx, const struct ha_paths *p)
{
	const char *bin = ha_conntrackd_bin();
	const char *argv[] = { bin, "-C", p->conntrackd_conf, "-s", NULL };
	struct ha_ctd_stats s;
	struct masq_err e;
	char out[8192];
	bool up;

	err_init(&e);
	up = bin && ha_run(argv, out, sizeof(out), &e) == 0;
	err_done(&e);
	out_obj_open(ctx->out, "conntrackd");
	out_bool(ctx->out, "running", NULL, up);
	if (!up) {
		out_text(ctx->out, "conntrackd: not answering on %s\n",
			 p->ctl_socket);
		out_obj_close(ctx->out);
		return;
	}
	ha_ctd_stats_parse(out, &s);
	out_u64(ctx->out, "sent", "sync: %" PRIu64 " packets sent",
		s.pkts_sent);
	out_u64(ctx->out, "received", ", %" PRIu64 " received", s.pkts_recv);
	out_u64(ctx->out, "errors", ", %" PRIu64 " errors",
		s.err_send + s.err_recv + s.failed + s.malformed + s.lost);
	out_u64(ctx->out, "internal", "; connections: %" PRIu64 " here",
		s.active_internal);
	out_u64(ctx->out, "external", ", %" PRIu64 " from the peer\n",
		s.active_external);
	out_obj_close(ctx->out);
}

static const struct cmd_kw show_ha_kws[] = {
	{ "dir", CMD_ARG_FILE, "DIR", "the files 'ha apply dir DIR' wrote "
	  "(default: the standard paths)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_show_ha(struct cmd_ctx *ctx, const struct cmd_args *a,
	    struct masq_err *e)
{
	const struct masq_tok *v[1];
	struct ha_paths p;
	struct ha_conf c;
	struct store *s;
	size_t i, held = 0;

	if (cmd_args_bind(&cmd_show_ha_entry, a, v, e) < 0)
		return -1;
	if (ha_paths_init(&p, v[0] ? v[0]->s : NULL, e) < 0)
		return cmds_ha_mark(e, v[0]);
	if (cmd_ctx_store(ctx, &s, e) < 0 || ha_conf_load(s, &c, e) < 0)
		return -1;
	if (!ha_conf_any(&c)) {
		err_set(e, MASQ_EFAIL, "no NAT pair is configured");
		return err_hint(e, "'ha sync dev IFACE peer ADDR' and 'ha vip "
				"IFACE ADDR/PLEN'");
	}
	for (i = 0; i < c.n_vips; i++)
		held += ha_vip_held(&c.vips[i]);
	out_obj_open(ctx->out, NULL);
	out_str(ctx->out, "state", "ha: this node is %s", !held ? "backup" :
		held == c.n_vips ? "master" : "split");
	out_u64(ctx->out, "held", " (holds %" PRIu64, held);
	out_u64(ctx->out, "vips", " of %" PRIu64 " virtual addresses)",
		c.n_vips);
	out_str(ctx->out, "role", "; configured %s", c.master ? "master" :
		"backup");
	out_int(ctx->out, "priority", " priority %lld\n", c.priority);
	show_ha_last(ctx, &p);
	if (c.sync_dev[0]) {
		out_str(ctx->out, "peer", "peer: %s", c.peer);
		out_str(ctx->out, "sync_dev", " on %s\n", c.sync_dev);
		show_ha_sync(ctx, &p);
	}
	out_obj_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_show_ha_entry = {
	.name = "show ha",
	.usage = "[dir DIR]",
	.summary = "the NAT pair now: role, last failover, sync counters",
	.help = "Which role this gateway has now (master when it holds every\n"
		"virtual address, backup when none, split otherwise), the last\n"
		"transition keepalived's notify script recorded and when, the\n"
		"peer, and conntrackd's sync counters (packets sent and\n"
		"received, errors, connections here and from the peer).  JSON\n"
		"keys state, held, vips, role, priority, last_change {event,\n"
		"time}, peer, sync_dev, conntrackd {running, sent, received,\n"
		"errors, internal, external}.  'diag ha' judges them.",
	.kws = show_ha_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_show_ha,
};

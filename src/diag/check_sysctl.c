/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_sysctl.c - the checks that read kernel settings of the current
 * network namespace from /proc/sys and /sys: forwarding
 * (sysctl.ip-forward), conntrack table size and hash buckets against
 * memory and the fill (conntrack.sizing), and idle timeouts that cut long
 * quiet sessions (timeouts.idle).
 *
 * Does not own: changing any setting (the fix is a command for the user).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "diag/diag.h"
#include "nat/ct.h"

/* ---- sysctl.ip-forward (FAQ 7.4) ---- */

static enum diag_status
ip_forward_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const struct nat_ruleset *rs;
	unsigned long long v4, v6;
	struct masq_err e;
	bool want6 = false;
	enum diag_status st = DIAG_PASS;

	err_init(&e);
	if (diag_ctx_rules(ctx, &rs, &e) == -1) {
		st = diag_error(res, &e);
		goto out;
	}
	want6 = nat_ruleset_has_ipv6(rs);
	if (diag_proc_u64(ctx, "sys/net/ipv4/ip_forward", &v4) == -1) {
		diag_message(res, "cannot read /proc/sys/net/ipv4/ip_forward");
		st = DIAG_ERROR;
		goto out;
	}
	diag_evidence(res, "net.ipv4.ip_forward = %llu", v4);
	if (want6) {
		if (diag_proc_u64(ctx, "sys/net/ipv6/conf/all/forwarding",
				  &v6) == -1)
			v6 = 0;
		diag_evidence(res, "net.ipv6.conf.all.forwarding = %llu "
			      "(IPv6 rules are staged)", v6);
	}
	if (!v4) {
		diag_message(res, "IPv4 forwarding is off: nothing is routed "
			     "or masqueraded");
		diag_fix(res, "sysctl -w net.ipv4.ip_forward=1");
		diag_evidence(res, "to keep it after a reboot: echo "
			      "net.ipv4.ip_forward=1 > "
			      "/etc/sysctl.d/90-masqsh.conf");
		st = DIAG_FAIL;
	} else if (want6 && !v6) {
		diag_message(res, "IPv6 forwarding is off but IPv6 rules are "
			     "staged");
		diag_fix(res, "sysctl -w net.ipv6.conf.all.forwarding=1");
		diag_evidence(res, "to keep it after a reboot: echo "
			      "net.ipv6.conf.all.forwarding=1 > "
			      "/etc/sysctl.d/90-masqsh.conf");
		st = DIAG_FAIL;
	} else {
		diag_message(res, "forwarding is on%s",
			     want6 ? " (IPv4 and IPv6)" : "");
	}
out:
	err_done(&e);
	return st;
}

const struct diag_check diag_ip_forward_check = {
	.id = "sysctl.ip-forward",
	.title = "IP forwarding is enabled",
	.faq = "7.4",
	.needs = 0,
	.run = ip_forward_run,
};

/* ---- conntrack.sizing (FAQ 7.21, 7.34) ---- */

/* What one entry costs in kernel memory, slab overhead included. */
#define CT_ENTRY_BYTES 320ULL

/* What the table's size depends on. */
struct ct_size {
	unsigned long long max, count, buckets, mem_kb;
};

/* The kernel's own counters (unless a test redirected /proc), then the
 * sysctls, the hash size and the memory. */
static void
ct_size_read(struct diag_ctx *ctx, struct ct_size *z)
{
	unsigned long long hashsize = 0;
	struct ct_handle *h;
	struct ct_stats cs;
	struct masq_err e;
	char buf[4096], *p;

	memset(z, 0, sizeof(*z));
	err_init(&e);
	h = strcmp(ctx->proc, "/proc") ? NULL : ct_open(&e);
	if (h && ct_stats_get(h, &cs, &e) == 0) {
		z->max = cs.max;
		z->count = cs.count;
	}
	ct_close(h);
	err_done(&e);
	if (!z->max)
		diag_proc_u64(ctx, "sys/net/netfilter/nf_conntrack_max",
			      &z->max);
	if (!z->count)
		diag_proc_u64(ctx, "sys/net/netfilter/nf_conntrack_count",
			      &z->count);
	diag_proc_u64(ctx, "sys/net/netfilter/nf_conntrack_buckets",
		      &z->buckets);
	diag_sys_u64(ctx, "module/nf_conntrack/parameters/hashsize",
		     &hashsize);
	if (!z->buckets)
		z->buckets = hashsize;
	if (diag_proc_read(ctx, "meminfo", buf, sizeof(buf)) == 0 &&
	    (p = strstr(buf, "MemTotal:")))
		sscanf(p + 9, "%llu", &z->mem_kb);
}

/* Memory and hash buckets for a table of z->max entries. */
static enum diag_status
ct_size_judge(struct diag_result *res, const struct ct_size *z,
	      enum diag_status st)
{
	unsigned long long need = z->max * CT_ENTRY_BYTES / 1024;

	if (z->mem_kb && need > z->mem_kb / 4) {
		diag_message(res, "nf_conntrack_max %llu would take %llu MiB, "
			     "over a quarter of the %llu MiB of memory",
			     z->max, need / 1024, z->mem_kb / 1024);
		diag_fix(res, "sysctl -w net.netfilter.nf_conntrack_max=%llu",
			 z->mem_kb / 4 * 1024 / CT_ENTRY_BYTES);
		return DIAG_WARN;
	}
	if (z->buckets && z->max / z->buckets > 8) {
		diag_message(res, "%llu entries over %llu hash buckets: long "
			     "chains make every lookup slow", z->max,
			     z->buckets);
		diag_fix(res, "echo %llu > /sys/module/nf_conntrack/parameters/"
			 "hashsize", z->max / 4);
		return DIAG_WARN;
	}
	return st;
}

static enum diag_status
ct_sizing_run(struct diag_ctx *ctx, struct diag_result *res)
{
	enum diag_status st = DIAG_PASS;
	struct ct_size z;
	unsigned int pct;

	ct_size_read(ctx, &z);
	if (!z.max) {
		diag_message(res, "cannot read nf_conntrack_max");
		return DIAG_ERROR;
	}
	pct = (unsigned int)(z.count * 100 / z.max);
	diag_evidence(res, "entries %llu of nf_conntrack_max %llu (%u%%)",
		      z.count, z.max, pct);
	diag_evidence(res, "hash buckets %llu (%.1f entries per bucket at "
		      "max)", z.buckets,
		      z.buckets ? (double)z.max / (double)z.buckets : 0.0);
	if (z.mem_kb)
		diag_evidence(res, "memory %llu MiB; a full table takes about "
			      "%llu MiB", z.mem_kb / 1024,
			      z.max * CT_ENTRY_BYTES >> 20);
	diag_message(res, "table %u%% full (%llu/%llu), %llu buckets",
		     pct, z.count, z.max, z.buckets);
	if (pct >= 90) {
		diag_message(res, "the table is %u%% full (%llu/%llu): new "
			     "connections will be dropped", pct, z.count,
			     z.max);
		diag_fix(res, "sysctl -w net.netfilter.nf_conntrack_max=%llu",
			 z.max * 2);
		return DIAG_FAIL;
	}
	if (pct >= 75) {
		diag_message(res, "the table is %u%% full (%llu/%llu)", pct,
			     z.count, z.max);
		diag_fix(res, "sysctl -w net.netfilter.nf_conntrack_max=%llu",
			 z.max * 2);
		st = DIAG_WARN;
	}
	return ct_size_judge(res, &z, st);
}

const struct diag_check diag_ct_sizing_check = {
	.id = "conntrack.sizing",
	.title = "conntrack table size, hash buckets and fill",
	.faq = "7.21",
	.needs = DIAG_NEEDS_CT,
	.run = ct_sizing_run,
};

/* ---- timeouts.idle (FAQ 7.13, 7.18) ---- */

struct tmo {
	const char *name;	/* under net.netfilter. */
	unsigned long long low;	/* below this: warn */
	unsigned long long good;	/* what the fix sets */
	const char *what;
};

static const struct tmo tmos[] = {
	{ "nf_conntrack_tcp_timeout_established", 7200, 432000,
	  "idle TCP sessions (telnet, ssh) are cut" },
	{ "nf_conntrack_udp_timeout", 10, 30,
	  "UDP replies arriving later are dropped" },
	{ "nf_conntrack_udp_timeout_stream", 60, 120,
	  "UDP streams (VPN, games) are cut" },
	{ NULL, 0, 0, NULL },
};

static enum diag_status
timeouts_run(struct diag_ctx *ctx, struct diag_result *res)
{
	enum diag_status st = DIAG_PASS;
	unsigned long long v;
	char rel[128];
	const struct tmo *t;
	unsigned int bad = 0;

	for (t = tmos; t->name; t++) {
		snprintf(rel, sizeof(rel), "sys/net/netfilter/%s", t->name);
		if (diag_proc_u64(ctx, rel, &v) == -1) {
			diag_evidence(res, "net.netfilter.%s: unreadable",
				      t->name);
			continue;
		}
		diag_evidence(res, "net.netfilter.%s = %llu s%s", t->name, v,
			      v < t->low ? " (short)" : "");
		if (v >= t->low)
			continue;
		if (!bad++) {
			diag_message(res, "net.netfilter.%s is %llu s (under "
				     "%llu s): %s", t->name, v, t->low,
				     t->what);
			diag_fix(res, "sysctl -w net.netfilter.%s=%llu",
				 t->name, t->good);
		}
		st = DIAG_WARN;
	}
	if (bad > 1)
		diag_evidence(res, "%u timeouts are short; set each the same "
			      "way", bad);
	if (st == DIAG_PASS)
		diag_message(res, "idle timeouts are long enough");
	return st;
}

const struct diag_check diag_timeouts_check = {
	.id = "timeouts.idle",
	.title = "conntrack timeouts that cut idle sessions",
	.faq = "7.13",
	.needs = DIAG_NEEDS_CT,
	.run = timeouts_run,
};

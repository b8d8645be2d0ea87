/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_timeouts.c - `show timeouts`, `timeouts set` and `timeouts reset`:
 * argument handling and output only.
 *
 * The names, the HOWTO triple's mapping, the sysctl reads/writes (in this
 * network namespace only) and the settings live in src/nat/timeouts.c, so
 * `apply` and masqtop use the same ones.  A change is written to the kernel
 * first and stored after; when storing fails the old values are written
 * back, so the kernel and the database never disagree because of us.
 */
#include "config.h"

#include <inttypes.h>
#include <unistd.h>

#include "nat/timeouts.h"
#include "shell/cmd_int.h"

/* The store for reading: the context's, or the file opened read-only when
 * it exists (showing must not create a database).  *ro is the one to
 * close.  0 with *s NULL when there is none. */
static int
store_peek(struct cmd_ctx *ctx, struct store **s, struct store **ro,
	   struct masq_err *e)
{
	const char *path = ctx->db_path ? ctx->db_path : store_default_path();

	*s = ctx->store;
	*ro = NULL;
	if (*s || access(path, F_OK) < 0)
		return 0;
	if (store_open_ro(ro, path, e) < 0)
		return -1;
	*s = *ro;
	return 0;
}

/* Where value @v of state @i comes from. */
static void
print_source(struct out *o, uint32_t v, bool has_set, uint32_t set,
	     uint32_t dflt)
{
	if (has_set && v == set) {
		out_str(o, "source", NULL, "masqsh");
		out_text(o, "masqsh setting");
	} else if (v == dflt) {
		out_str(o, "source", NULL, "default");
		out_text(o, "kernel default");
		if (has_set)
			out_text(o, " (masqsh setting %u not in force: "
				 "'apply' sets it)", set);
	} else {
		out_str(o, "source", NULL, "other");
		out_text(o, "changed by someone else (default %u", dflt);
		if (has_set)
			out_text(o, ", masqsh setting %u", set);
		out_text(o, ")");
	}
}

static int
cmd_show_timeouts(struct cmd_ctx *ctx, const struct cmd_args *a,
		  struct masq_err *e)
{
	const struct nat_timeout *t = NULL;
	struct nat_timeout_set set = { 0 }, dflt = { 0 };
	struct store *s = NULL, *ro = NULL;
	struct out *o = ctx->out;
	uint32_t v, d;
	size_t i, n;
	int rc = -1;

	(void)a;	/* the dispatcher refused any word */
	if (store_peek(ctx, &s, &ro, e) < 0 ||
	    (s && nat_timeouts_load(s, &set, &dflt, e) < 0))
		goto out;
	t = nat_timeouts_table(&n);
	out_arr_open(o, NULL);
	out_text(o, "%-8s %-15s %8s  %s\n", "PROTO", "STATE", "SECONDS",
		 "SOURCE");
	for (i = 0; i < n; i++) {
		if (nat_timeout_read(i, &v, e) < 0)
			goto out;
		d = dflt.has[i] ? dflt.val[i] : t[i].kernel_default;
		out_obj_open(o, NULL);
		out_str(o, "name", NULL, t[i].name);
		out_str(o, "proto", "%-8s ", t[i].proto);
		out_str(o, "state", "%-15s ", *t[i].state ? t[i].state : "-");
		out_u64(o, "seconds", "%8" PRIu64 "  ", v);
		out_u64(o, "default", NULL, d);
		if (set.has[i])
			out_u64(o, "setting", NULL, set.val[i]);
		else
			out_null(o, "setting", NULL);
		print_source(o, v, set.has[i], set.val[i], d);
		out_str(o, "sysctl", NULL, t[i].sysctl);
		out_text(o, "\n");
		out_obj_close(o);
	}
	out_arr_close(o);
	rc = 0;
out:
	if (ro)
		store_close(ro);
	return rc;
}

/* One line of the plan or the result. */
static void
print_change(struct out *o, const char *verb, const char *name, uint32_t to,
	     bool has_was, uint32_t was)
{
	out_obj_open(o, NULL);
	out_text(o, "%s ", verb);
	out_str(o, "name", "%s", name);
	out_u64(o, "seconds", " to %" PRIu64, to);
	if (has_was)
		out_u64(o, "was", " (was %" PRIu64 ")", was);
	else
		out_null(o, "was", NULL);
	out_text(o, "\n");
	out_obj_close(o);
}

/* Write @ts, store it with @save (1: save, 0: forget), print @verb lines. */
static int
timeouts_change(struct cmd_ctx *ctx, const struct nat_timeout_set *ts,
		bool save, struct masq_err *e)
{
	const struct nat_timeout *t;
	struct nat_timeout_set old;
	struct masq_err le;
	struct store *s;
	size_t i, n;
	int rc;

	t = nat_timeouts_table(&n);
	if (ctx->check_only) {
		out_arr_open(ctx->out, NULL);
		for (i = 0; i < n; i++)
			if (ts->has[i])
				print_change(ctx->out, save ? "would set" :
					     "would reset", t[i].name,
					     ts->val[i], false, 0);
		out_arr_close(ctx->out);
		return 0;
	}
	if (cmd_ctx_store(ctx, &s, e) < 0 || nat_timeouts_write(ts, &old, e) < 0)
		return -1;
	rc = save ? nat_timeouts_save(s, ts, &old, e) :
		    nat_timeouts_forget(s, ts, e);
	if (rc < 0) {
		err_init(&le);
		nat_timeouts_write(&old, NULL, &le);	/* best effort */
		err_done(&le);
		return err_prefix(e, "the timeouts are unchanged");
	}
	out_arr_open(ctx->out, NULL);
	for (i = 0; i < n; i++)
		if (ts->has[i])
			print_change(ctx->out, save ? "set" : "reset",
				     t[i].name, ts->val[i], true, old.val[i]);
	out_arr_close(ctx->out);
	return 0;
}

static int
cmd_timeouts_set(struct cmd_ctx *ctx, const struct cmd_args *a,
		 struct masq_err *e)
{
	struct nat_timeout_set ts;

	if (nat_timeouts_parse(a->v, a->n, &ts, e) < 0)
		return -1;
	return timeouts_change(ctx, &ts, true, e);
}

static int
cmd_timeouts_reset(struct cmd_ctx *ctx, const struct cmd_args *a,
		   struct masq_err *e)
{
	struct nat_timeout_set sel, set, dflt, ts = { 0 };
	const struct nat_timeout *t;
	struct store *s;
	size_t i, n, k = 0;

	if (nat_timeouts_parse_names(a->v, a->n, &sel, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0 ||
	    nat_timeouts_load(s, &set, &dflt, e) < 0)
		return -1;
	t = nat_timeouts_table(&n);
	for (i = 0; i < n; i++) {
		if (!sel.has[i] || !set.has[i])
			continue;	/* not masqsh's: leave it alone */
		ts.has[i] = true;
		ts.val[i] = dflt.has[i] ? dflt.val[i] : t[i].kernel_default;
		k++;
	}
	if (!k) {
		out_arr_open(ctx->out, NULL);
		out_text(ctx->out, "no timeout set by masqsh: nothing to "
			 "reset\n");
		out_arr_close(ctx->out);
		return 0;
	}
	return timeouts_change(ctx, &ts, false, e);
}

/* SECONDS may carry a unit (2h): a word, checked by nat_timeouts_parse */
#define TO_KW(n, h) { n, CMD_ARG_WORD, "SECONDS", h, CMD_KW_REPEAT, NULL }
#define TO_STATES(kw) \
	kw("tcp-syn-sent", "TCP: SYN sent, no answer yet"), \
	kw("tcp-syn-recv", "TCP: SYN answered, handshake not done"), \
	kw("tcp-established", "TCP: open connection, idle"), \
	kw("tcp-fin-wait", "TCP: one side sent FIN"), \
	kw("tcp-close-wait", "TCP: FIN seen, the other side still open"), \
	kw("tcp-last-ack", "TCP: both FINs, last ACK awaited"), \
	kw("tcp-time-wait", "TCP: closed, waiting for stray packets"), \
	kw("tcp-close", "TCP: after a RST"), \
	kw("tcp-unacknowledged", "TCP: data not acknowledged"), \
	kw("tcp-retrans", "TCP: too many retransmissions"), \
	kw("udp-unreplied", "UDP: no reply seen (or one packet each way)"), \
	kw("udp-stream", "UDP: replies seen (a stream)"), \
	kw("icmp", "ICMP echo and the like"), \
	kw("icmpv6", "ICMPv6"), \
	kw("generic", "every other protocol")

static const struct cmd_kw timeouts_set_kws[] = {
	TO_KW("tcp", "HOWTO: established TCP connections"),
	TO_KW("tcpfin", "HOWTO: TCP after a FIN (fin-wait, close-wait, "
	      "last-ack, time-wait)"),
	TO_KW("udp", "HOWTO: all UDP (udp-unreplied and udp-stream)"),
	TO_STATES(TO_KW),
	{ NULL, 0, NULL, NULL, 0, NULL },
};

#define TO_NAME(n, h) { n, CMD_ARG_NONE, NULL, h, CMD_KW_REPEAT, NULL }
static const struct cmd_kw timeouts_reset_kws[] = {
	TO_NAME("tcp", "HOWTO: tcp-established"),
	TO_NAME("tcpfin", "HOWTO: the TCP states after a FIN"),
	TO_NAME("udp", "HOWTO: udp-unreplied and udp-stream"),
	TO_STATES(TO_NAME),
	{ NULL, 0, NULL, NULL, 0, NULL },
};

#define TIMEOUTS_NAMES \
	"States: tcp-syn-sent, tcp-syn-recv, tcp-established, tcp-fin-wait,\n" \
	"tcp-close-wait, tcp-last-ack, tcp-time-wait, tcp-close,\n" \
	"tcp-unacknowledged, tcp-retrans, udp-unreplied, udp-stream, icmp,\n" \
	"icmpv6, generic.  The HOWTO's three words stand for several:\n" \
	"tcp = tcp-established; tcpfin = tcp-fin-wait, tcp-close-wait,\n" \
	"tcp-last-ack and tcp-time-wait (every state after the first FIN,\n" \
	"as the 2.2 kernel's single FIN timeout); udp = udp-unreplied and\n" \
	"udp-stream (ipchains had one timeout for all UDP).\n"

const struct cmd_entry cmd_show_timeouts_entry = {
	.name = "show timeouts",
	.usage = "",
	.summary = "conntrack timeouts per protocol/state and who set them",
	.help = "The timeouts the kernel applies in this network namespace\n"
		"(from /proc/sys/net/netfilter), one per protocol and state,\n"
		"and where each comes from: the kernel default (or the value\n"
		"found before masqsh first changed it), a masqsh setting, or\n"
		"changed by someone else (neither).  With -j: an array of\n"
		"objects with the keys name, proto, state, seconds, default,\n"
		"setting, source (default, masqsh or other) and sysctl.",
	.kws = NULL,
	.flags = CMD_KERNEL,
	.exec = cmd_show_timeouts,
};

const struct cmd_entry cmd_timeouts_set_entry = {
	.name = "timeouts set",
	.usage = "NAME SECONDS [NAME SECONDS..]",
	.summary = "set conntrack timeouts (tcp 7200 tcpfin 10 udp 60)",
	.help = "Set conntrack timeouts in this network namespace now, and\n"
		"keep them in the rule database so that every 'apply' sets\n"
		"them again and keeps them with its revision ('rollback'\n"
		"brings them back).  SECONDS is 1 or more, optionally with\n"
		"a unit: 90s, 15m, 2h, 5d.  The value the kernel had before\n"
		"masqsh first changed a state is recorded for 'timeouts\n"
		"reset'.  Other network namespaces are never touched.  With\n"
		"-n: only check the words and print what would be set.\n"
		TIMEOUTS_NAMES,
	.kws = timeouts_set_kws,
	.flags = CMD_WRITES | CMD_KERNEL,
	.exec = cmd_timeouts_set,
};

const struct cmd_entry cmd_timeouts_reset_entry = {
	.name = "timeouts reset",
	.usage = "[NAME..]",
	.summary = "put masqsh's timeouts back to the kernel defaults",
	.help = "Write back the value each state had before masqsh first\n"
		"changed it (the kernel default when none was recorded) and\n"
		"forget masqsh's setting.  Without names, every state masqsh\n"
		"set; states masqsh never set are left alone.\n"
		TIMEOUTS_NAMES,
	.kws = timeouts_reset_kws,
	.flags = CMD_WRITES | CMD_KERNEL,
	.exec = cmd_timeouts_reset,
};

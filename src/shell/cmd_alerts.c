/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_alerts.c - `show alerts [all]`: the alerts table that `masqsh
 * engine` keeps (src/ctl/alerts.c), active ones or the whole history.
 * Argument handling and output only.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "shell/cmd_int.h"

static void
time_text(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) ||
	    !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "-");
}

static int
cmd_show_alerts(struct cmd_ctx *ctx, const struct cmd_args *a,
		struct masq_err *e)
{
	const struct masq_tok *v[2];
	struct store_alert *al = NULL;
	char raised[32], cleared[32];
	struct store *s;
	size_t n = 0, i;
	bool all;

	if (cmd_args_bind(&cmd_show_alerts_entry, a, v, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	all = v[0] != NULL;
	if (store_alerts_list(s, all, &al, &n, e) < 0)
		return -1;
	if (!n && !out_is_json(ctx->out)) {
		out_text(ctx->out, all ? "no alerts\n" : "no active alerts\n");
		return 0;
	}
	out_arr_open(ctx->out, NULL);
	out_text(ctx->out, "%-5s %-19s %-19s %-13s %-15s %s\n", "ID", "RAISED",
		 "CLEARED", "KIND", "HOST", "MESSAGE");
	for (i = 0; i < n; i++) {
		time_text(al[i].raised_at, raised, sizeof(raised));
		time_text(al[i].cleared_at, cleared, sizeof(cleared));
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "id", "%-5lld ", al[i].id);
		out_text(ctx->out, "%-19s %-19s ", raised, cleared);
		out_int(ctx->out, "raised_at", NULL, al[i].raised_at);
		if (al[i].cleared_at)
			out_int(ctx->out, "cleared_at", NULL,
				al[i].cleared_at);
		else
			out_null(ctx->out, "cleared_at", NULL);
		out_bool(ctx->out, "active", NULL, !al[i].cleared_at);
		out_str(ctx->out, "kind", "%-13s ", al[i].kind);
		out_str(ctx->out, "key", NULL, al[i].key);
		if (al[i].host[0])
			out_str(ctx->out, "host", "%-15s ", al[i].host);
		else
			out_null(ctx->out, "host", "%-15s ");
		out_str(ctx->out, "message", "%s\n", al[i].message);
		out_obj_close(ctx->out);
	}
	out_arr_close(ctx->out);
	store_alerts_free(al, n);
	return 0;
}

static const struct cmd_kw show_alerts_kws[] = {
	{ "all", CMD_ARG_NONE, NULL, "cleared alerts too (the history)", 0,
	  NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_show_alerts_entry = {
	.name = "show alerts",
	.usage = "[all]",
	.summary = "alerts raised by the engine: active, or 'all' with history",
	.help = "List the alerts that 'masqsh engine' raised and has not\n"
		"cleared: a conntrack table nearly full, a source-port budget\n"
		"(external address x protocol x destination) nearly used up,\n"
		"the kernel failing to insert connections, or a re-apply that\n"
		"failed.  Each names the inside host behind it where there is\n"
		"one.  With 'all', cleared alerts too, with when they ended.",
	.kws = show_alerts_kws,
	.flags = 0,
	.exec = cmd_show_alerts,
};

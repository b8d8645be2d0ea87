/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_alerts.c - alerts: `show alerts [all]`, and how `engine` keeps the
 * alerts table (db/002_alerts.sql) in step with what it sees.
 *
 * An alert is raised once per condition (kind + key) and refreshed while
 * the condition lasts; it is cleared, with the time, when the condition
 * ends, so `show alerts` is what is wrong now and `show alerts all` the
 * history.  Kinds: table-fill, port-budget, insert-failed (the watch) and
 * apply (a start-up or detect re-apply that failed).  Does not own the
 * watching (src/nat/engine_scan.c) or the storage (core/store.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "core/xalloc.h"
#include "shell/cmd_engine.h"
#include "shell/cmds_int.h"

static const char *const engine_watch_kinds[] = {
	"table-fill", "port-budget", "insert-failed", NULL,
};

void
engine_alert_set(struct engine *eng, const char *kind, const char *key,
		 const char *message, const char *host)
{
	struct masq_err e;
	bool created = false;

	err_init(&e);
	if (store_alert_raise(eng->s, kind, key, message, host, NULL,
			      &created, &e) < 0)
		engine_log(eng, LOG_ERR, "cannot record an alert: %s", e.msg);
	if (created || e.code)
		engine_log(eng, LOG_WARNING, "alert %s: %s%s%s", kind, message,
			   host && *host ? "; host " : "", host ? host : "");
	err_done(&e);
}

static bool
kind_in(const char *kind, const char *const *kinds)
{
	for (; *kinds; kinds++)
		if (!strcmp(kind, *kinds))
			return true;
	return false;
}

/* Clear the active alerts of @kinds (NULL: all) that @keep does not
 * name: @keep holds "kind\tkey" strings, @nkeep of them. */
static void
alerts_clear(struct engine *eng, const char *const *kinds, char **keep,
	     size_t nkeep)
{
	struct store_alert *v = NULL;
	struct masq_err e;
	char buf[400];
	size_t n = 0, i, j;

	err_init(&e);
	if (store_alerts_list(eng->s, false, &v, &n, &e) < 0) {
		engine_log(eng, LOG_ERR, "cannot read alerts: %s", e.msg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (kinds && !kind_in(v[i].kind, kinds))
			continue;
		snprintf(buf, sizeof(buf), "%s\t%s", v[i].kind, v[i].key);
		for (j = 0; j < nkeep && strcmp(keep[j], buf); j++)
			;
		if (j < nkeep)
			continue;
		if (store_alert_clear(eng->s, v[i].id, &e) < 0) {
			engine_log(eng, LOG_ERR, "cannot clear an alert: %s",
				   e.msg);
			err_done(&e);
			err_init(&e);
			continue;
		}
		engine_log(eng, LOG_NOTICE, "cleared %s alert: %s", v[i].kind,
			   v[i].key);
	}
out:
	store_alerts_free(v, n);
	err_done(&e);
}

void
engine_alert_drop(struct engine *eng, const char *kind)
{
	const char *kinds[2] = { kind, NULL };

	alerts_clear(eng, kind ? kinds : NULL, NULL, 0);
}

void
engine_alerts_adopt(struct engine *eng)
{
	struct store_alert *v = NULL;
	struct masq_err e;
	size_t n = 0, i;

	err_init(&e);
	if (store_alerts_list(eng->s, false, &v, &n, &e) < 0) {
		engine_log(eng, LOG_ERR, "cannot read alerts: %s", e.msg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		engine_log(eng, LOG_NOTICE, "alert %lld (%s: %s) is still "
			   "active; checking it again", (long long)v[i].id,
			   v[i].kind, v[i].key);
		/* the counter's growth is unknown until the second scan:
		 * hold the alert as if it had just grown */
		if (!strcmp(v[i].kind, "insert-failed")) {
			eng->insert_grew = (int64_t)time(NULL);
			snprintf(eng->insert_msg, sizeof(eng->insert_msg),
				 "%s", v[i].message);
		}
	}
out:
	store_alerts_free(v, n);
	err_done(&e);
}

void
engine_alerts_sync(struct engine *eng, const struct engine_scan *sc,
		   const char *insert_msg, const char *host)
{
	char **keep = xcalloc(sc->n + 2, sizeof(*keep)), msg[400];
	size_t i, nkeep = 0;

	for (i = 0; i < sc->n; i++) {
		const struct engine_finding *f = &sc->v[i];
		unsigned int pct = (unsigned int)(f->used * 100 /
						  (f->limit ? f->limit : 1));
		const char *kind = f->kind == ENGINE_FIND_FILL ?
				   "table-fill" : "port-budget";

		if (f->kind == ENGINE_FIND_FILL)
			snprintf(msg, sizeof(msg), "conntrack table %u%% full "
				 "(%llu of %llu entries); most from inside "
				 "host %s (%llu)", pct,
				 (unsigned long long)f->used,
				 (unsigned long long)f->limit,
				 f->host[0] ? f->host : "-",
				 (unsigned long long)f->host_used);
		else
			snprintf(msg, sizeof(msg), "source ports for %s: %llu "
				 "of %llu used (%u%%); inside host %s holds "
				 "%llu", f->key, (unsigned long long)f->used,
				 (unsigned long long)f->limit, pct,
				 f->host[0] ? f->host : "-",
				 (unsigned long long)f->host_used);
		engine_alert_set(eng, kind, f->key, msg, f->host);
		keep[nkeep++] = xasprintf("%s\t%s", kind, f->key);
	}
	if (insert_msg) {
		engine_alert_set(eng, "insert-failed", "conntrack", insert_msg,
				 host);
		keep[nkeep++] = xasprintf("insert-failed\tconntrack");
	}
	alerts_clear(eng, engine_watch_kinds, keep, nkeep);
	for (i = 0; i < nkeep; i++)
		free(keep[i]);
	free(keep);
}

/* ---- show alerts ------------------------------------------------------------ */

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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alerts.c - how the engine keeps the alerts table (db/002_alerts.sql) in
 * step with what it sees.
 *
 * An alert is raised once per condition (kind + key) and refreshed while
 * the condition lasts; it is cleared, with the time, when the condition
 * ends, so `show alerts` is what is wrong now and `show alerts all` the
 * history.  Kinds: table-fill, port-budget, insert-failed (the watch) and
 * apply (a start-up or detect re-apply that failed).  Does not own the
 * watching (src/nat/engine_scan.c), the storage (core/store.c) or showing
 * them (src/shell/cmd_alerts.c, masqtop).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "ctl/engine_int.h"

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
		ctl_logf(eng->log, LOG_ERR, "cannot record an alert: %s",
			 e.msg);
	if (created || e.code)
		ctl_logf(eng->log, LOG_WARNING, "alert %s: %s%s%s", kind,
			 message, host && *host ? "; host " : "",
			 host ? host : "");
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
		ctl_logf(eng->log, LOG_ERR, "cannot read alerts: %s", e.msg);
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
			ctl_logf(eng->log, LOG_ERR, "cannot clear an alert: "
				 "%s", e.msg);
			err_done(&e);
			err_init(&e);
			continue;
		}
		ctl_logf(eng->log, LOG_NOTICE, "cleared %s alert: %s",
			 v[i].kind, v[i].key);
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
		ctl_logf(eng->log, LOG_ERR, "cannot read alerts: %s", e.msg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		ctl_logf(eng->log, LOG_NOTICE, "alert %lld (%s: %s) is still "
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

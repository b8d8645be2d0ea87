/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alerts.c - the engine's active alerts for masqtop's header, and the
 * stamp of the rules (see alerts.h).  One read-only open, a few queries,
 * one close per read: cheap enough every few seconds, and a database
 * created or upgraded while masqtop runs is picked up on the next read.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/store.h"
#include "tui/alerts.h"

static uint64_t
stamp_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ull;
	return h;
}

/* The stamp of @s's rules (see top_db_read()). */
static uint64_t
rules_stamp(struct store *s)
{
	uint64_t h = 1469598103934665603ull;
	struct store_row *rows;
	struct masq_err e;
	int64_t rev = 0;
	size_t n, i;
	int k;

	err_init(&e);
	if (store_revision_last_id(s, &rev, &e) == -1)
		err_reset(&e);	/* no revisions yet (an old schema) */
	h = stamp_add(h, &rev, sizeof(rev));
	for (k = STORE_MASQ; k <= STORE_FORWARD; k++) {
		if (store_rows_list(s, (enum store_kind)k, &rows, &n, &e) == -1) {
			err_done(&e);
			return TOP_DB_UNREADABLE;
		}
		h = stamp_add(h, &n, sizeof(n));
		for (i = 0; i < n; i++) {
			h = stamp_add(h, &rows[i].id, sizeof(rows[i].id));
			h = stamp_add(h, rows[i].spec, strlen(rows[i].spec) + 1);
		}
		store_rows_free(rows, n);
	}
	err_done(&e);
	return h > TOP_DB_UNREADABLE ? h : h + 2;
}

void
top_pair_read(const char *db, const char *ha_dir,
	      const struct top_pair *prev, struct top_pair *p)
{
	struct store *s = NULL;
	struct ha_paths paths;
	struct ha_conf c;
	struct masq_err e;

	memset(p, 0, sizeof(*p));
	err_init(&e);
	if (store_open_ro(&s, db ? db : store_default_path(), &e) == -1 ||
	    ha_conf_load(s, &c, &e) == -1 || !ha_conf_any(&c) ||
	    ha_paths_init(&paths, ha_dir, &e) == -1)
		goto out;
	p->configured = true;
	p->master = c.master;
	snprintf(p->peer, sizeof(p->peer), "%s", c.sync_dev[0] ? c.peer : "");
	ha_status_get(&c, &paths, &p->st);
	p->peer_heard = p->st.ctd_running && p->st.ctd.pkts_recv >
			(prev && prev->st.ctd_running ? prev->st.ctd.pkts_recv : 0);
out:
	if (s)
		store_close(s);
	err_done(&e);
}

void
top_alerts_read(const char *db, struct top_alerts *a)
{
	top_db_read(db, a, NULL);
}

void
top_db_read(const char *db, struct top_alerts *a, uint64_t *stamp)
{
	struct store *s = NULL;
	struct store_alert *v = NULL;
	struct masq_err e;
	size_t n = 0;
	char *p;

	a->active = -1;
	a->newest[0] = '\0';
	if (!db)
		db = store_default_path();
	if (stamp)
		*stamp = access(db, F_OK) == -1 ? TOP_DB_NONE :
			 TOP_DB_UNREADABLE;
	err_init(&e);
	if (store_open_ro(&s, db, &e) == -1)
		goto out;
	if (stamp)
		*stamp = rules_stamp(s);
	if (store_alerts_list(s, false, &v, &n, &e) == -1)
		goto out;
	a->active = n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
	/* Oldest first: the newest raised is the last. */
	if (n)
		snprintf(a->newest, sizeof(a->newest), "%s: %s", v[n - 1].kind,
			 v[n - 1].message);
	/* One header line: no control characters reach the terminal. */
	for (p = a->newest; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
out:
	store_alerts_free(v, n);
	store_close(s);
	err_done(&e);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alerts.h - the engine's active alerts, as masqtop's header shows them.
 *
 * Owns: reading the alerts `masqsh engine` raised (core/store.h) from the
 * rule database, read-only, into a small summary: how many are active and
 * the newest one's text; and a stamp that tells when the rules changed.
 * A database that is missing, older than the alerts table, locked or
 * unreadable is "no alerts line", never an error: masqtop works without
 * the engine.
 * Does not own: when to read (dbpoll.c reads at start and then every few
 * seconds off the UI thread), drawing (render.c).
 */
#ifndef MASQ_TUI_ALERTS_H
#define MASQ_TUI_ALERTS_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl/ha.h"

#define TOP_ALERT_TEXT 160

struct top_alerts {
	int active;			/* active alerts; -1: no database */
	char newest[TOP_ALERT_TEXT];	/* "KIND: MESSAGE" of the newest */
};

/* Read the active alerts of the database at @db (NULL: the default path)
 * into @a.  Cannot fail (see above). */
void top_alerts_read(const char *db, struct top_alerts *a);

/* Stamps of the rules in a database (top_db_read()). */
#define TOP_DB_NONE 0		/* no database file */
#define TOP_DB_UNREADABLE 1	/* a file that cannot be read */

/*
 * top_alerts_read() and, in the same read-only open, a stamp of what
 * names the rule behind a connection: the newest revision's id and every
 * staged masq rule and port forward (id, position, text).  Equal stamps:
 * nothing that changes the rule column changed (an apply, a rollback or
 * a staged edit from any shell changes it).  Otherwise a hash, or
 * TOP_DB_NONE / TOP_DB_UNREADABLE.  Cannot fail.
 */
void top_db_read(const char *db, struct top_alerts *a, uint64_t *stamp);

/*
 * The NAT pair's line: whether one is configured in the database, and
 * what `show ha` computes for it now (ctl/ha.h: ha_status_get(), the same
 * function, at the standard paths).  peer_heard: conntrackd's received
 * packets moved since the previous read (the first read: any at all).
 */
struct top_pair {
	bool configured;
	bool master;			/* the configured role */
	char peer[HA_ADDRSTRLEN];	/* "" : no sync link */
	bool peer_heard;
	struct ha_status st;
};

/*
 * Read the pair of the database at @db (NULL: the default path) into
 * @p, its files under @ha_dir (NULL: the standard paths); @prev is the previous read (NULL: none).  Runs conntrackd -s: for
 * the poller's thread, not the screen's.  Cannot fail: no database, no
 * pair or an unreadable one is "not configured".
 */
void top_pair_read(const char *db, const char *ha_dir,
		   const struct top_pair *prev, struct top_pair *p);

#endif

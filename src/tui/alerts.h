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

#include <stdint.h>

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

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dbpoll.h - masqtop's reads of the rule database: the engine's alerts and
 * the rules behind the rule column, kept current off the UI thread.
 *
 * Owns: the one other thread.  Every TOP_DBPOLL_PERIOD seconds (or at
 * once when kicked) it opens the database read-only and reads the active
 * alerts, the NAT pair's state (alerts.h: top_pair_read(), which runs
 * conntrackd -s: another reason it is not the UI's) and the stamp of the
 * rules (alerts.h: the newest revision and
 * every staged rule), and says when the stamp changed -- so an apply, a
 * rollback or an edit made from any shell reaches the rule column within
 * a period.  SQLite may wait on a lock; the screen never does: the UI
 * thread only takes what is ready.  Batch mode runs no thread:
 * top_dbpoll_take() reads when a period has passed.
 * Does not own: loading the rules (loop.c does, on the UI thread: a load
 * may set the process's heap policy, core/mem.h, which is not for a
 * second thread to touch; with the database in WAL mode it never waits
 * on a writer), the alerts' text (alerts.c).
 */
#ifndef MASQ_TUI_DBPOLL_H
#define MASQ_TUI_DBPOLL_H

#include <stdbool.h>

#include "tui/alerts.h"

#define TOP_DBPOLL_PERIOD 3	/* seconds between reads */

struct top_dbpoll;

/* What a read brought. */
struct top_dbnews {
	bool alerts;		/* @a holds a newer read */
	struct top_alerts a;
	bool rules;		/* the rules changed: load them again */
	struct top_pair pair;	/* the NAT pair, read with @a */
};

/*
 * Read @db (NULL: the default path; the pair's files under @ha_dir, NULL:
 * the standard paths) now, into @news (both parts set),
 * then, with @thread, start reading it in the background.  Returns the
 * poller (free with top_dbpoll_free()).  Cannot fail: without a thread
 * (pthread_create failed) it reads in top_dbpoll_take().
 */
struct top_dbpoll *top_dbpoll_new(const char *db, const char *ha_dir,
				  bool thread, struct top_dbnews *news);

/*
 * What was read since the last take, into @news (its parts false when
 * nothing new).  Never waits on the thread; without one reads here, at
 * most every period (@now: monotonic seconds).  Returns whether anything
 * is new.
 */
bool top_dbpoll_take(struct top_dbpoll *p, double now,
		     struct top_dbnews *news);

/* Read again soon (a masqsh command may have changed the rules).  Without
 * a thread the next take reads. */
void top_dbpoll_kick(struct top_dbpoll *p);

/* Stop the thread and free @p; NULL is fine. */
void top_dbpoll_free(struct top_dbpoll *p);

#endif

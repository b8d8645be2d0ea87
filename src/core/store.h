/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store.h - the rule database (SQLite).  The only module that includes
 * sqlite3.h.
 *
 * Owns: opening/creating the database (mode 0600, parent directory made
 * 0700 if missing; created only by a write, see enum store_mode; read
 * without write access, also in WAL mode), numbered migrations from db/ (compiled in), WAL, busy
 * timeout, foreign keys; staged rules as canonical text rows; settings;
 * revisions (what was applied: the rules' text and the exact compiled
 * ruleset).  Does not own: what a rule means -- rows hold the canonical
 * keyword text that src/nat writes (nat_rule_format_kw()) and reads back
 * (nat_rule_from_text()).
 *
 * Every write is one SQLite transaction: on error nothing is changed.
 */
#ifndef MASQ_STORE_H
#define MASQ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct store;

enum store_kind {
	STORE_MASQ = 0,		/* masquerade/SNAT rules */
	STORE_FORWARD = 1,	/* port forwards */
};

struct store_row {
	int64_t id;		/* stable id, shown to the user */
	unsigned int pos;	/* 1-based order within its kind */
	char *spec;		/* canonical keyword text, owned */
};

/* Default path: $MASQSH_DB, else MASQSH_DBDIR "/masq.db". Borrowed. */
const char *store_default_path(void);

/*
 * How a database is opened.  Only a write ever creates a file: reading,
 * and every mode under -n, leaves the disk as it is (no database, no
 * -wal/-shm, no directory), and reading never needs write access.
 */
enum store_mode {
	/* A read-only connection; works on a read-only file, directory or
	 * mount; never migrates.  A missing database is an error. */
	STORE_READ,
	/* Read-write; the database must exist and be writable. */
	STORE_WRITE,
	/* Read-write; a missing database is created now (0600, missing
	 * parent directories 0700) and migrated. */
	STORE_CREATE,
	/* Read-write; a missing database reads as a new, empty one and the
	 * first write creates it (as STORE_CREATE).  For commands that stage
	 * something: a typo in --db followed by a failing command leaves no
	 * file behind. */
	STORE_STAGE,
	/* -n: STORE_READ, but a missing database reads as a new, empty one
	 * (in memory) and is never created. */
	STORE_CHECK,
};

/*
 * Open the database at @path (NULL: the default) as @mode.  On error -1,
 * *s NULL, MASQ_ESTORE: "no database at PATH" when it does not exist
 * (STORE_READ, STORE_WRITE), "cannot write PATH" when a writing mode may
 * not write it, SQLite's words otherwise.
 */
int store_open_mode(struct store **s, const char *path, enum store_mode mode,
		    struct masq_err *e);
/* store_open_mode(STORE_CREATE). */
int store_open(struct store **s, const char *path, struct masq_err *e);
/* store_open_mode(STORE_READ). */
int store_open_ro(struct store **s, const char *path, struct masq_err *e);
void store_close(struct store *s);
/* Whether this process could write the existing database at @path (the
 * file and its directory); false when it does not exist.  Cannot fail. */
bool store_writable(const char *path);
/* A read-only connection: writes fail (MASQ_ESTORE). */
bool store_readonly(const struct store *s);
/* The database does not exist (yet): @s reads as an empty one. */
bool store_missing(const struct store *s);
int store_schema_version(struct store *s);
const char *store_path(const struct store *s);

/* Explicit transactions around several calls (import replace, -f). */
int store_begin(struct store *s, struct masq_err *e);
int store_commit(struct store *s, struct masq_err *e);
void store_rollback(struct store *s);
/*
 * Inside a transaction: write what it changed so far to the database's
 * write-ahead log and reserve the room its COMMIT still needs, so that a
 * full disk shows now, before anything outside the database is changed
 * (apply: before the kernel).  0 outside a transaction.
 */
int store_reserve(struct store *s, struct masq_err *e);

/* Rows of @kind in order.  Caller frees with store_rows_free(). */
int store_rows_list(struct store *s, enum store_kind kind,
		    struct store_row **rows, size_t *n, struct masq_err *e);
void store_rows_free(struct store_row *rows, size_t n);
/* Insert before position @at (1-based; 0 or past the end: append). */
int store_row_insert(struct store *s, enum store_kind kind, unsigned int at,
		     const char *spec, int64_t *id, struct masq_err *e);
/* Current 1-based position of row @id; MASQ_EFAIL if there is none. */
int store_row_pos(struct store *s, enum store_kind kind, int64_t id,
		  unsigned int *pos, struct masq_err *e);
/* Delete by id; MASQ_EFAIL "no masq rule N" if absent. */
int store_row_delete(struct store *s, enum store_kind kind, int64_t id,
		     struct masq_err *e);
/* Move rule @id to position @to (1-based, clamped to the end). */
int store_row_move(struct store *s, enum store_kind kind, int64_t id,
		   unsigned int to, struct masq_err *e);
/* Replace all rows of @kind by @specs, in one transaction. */
int store_rows_replace(struct store *s, enum store_kind kind,
		       const char *const *specs, size_t n, struct masq_err *e);

/* Settings: small key/value pairs.  *val NULL when unset; caller frees. */
int store_setting_get(struct store *s, const char *key, char **val,
		      struct masq_err *e);
/* @val NULL deletes the key. */
int store_setting_set(struct store *s, const char *key, const char *val,
		      struct masq_err *e);

/* Revisions: every successful apply. */
struct store_revision {
	int64_t id;
	int64_t applied_at;	/* unix time */
	char *rules;		/* the staged rules as text (masqsh -f form) */
	char *compiled;		/* the exact ruleset text loaded */
	char *status;		/* "applied", "pending" (confirm), "reverted" */
	/* db/003; 0 / NULL on rows written before it */
	int64_t deadline;	/* pending: confirm by this unix time */
	int64_t prev;		/* the revision that ran before this one */
	char *origin;		/* "apply", "rollback to 3", ... */
	char *user;		/* who ran it */
	char *rule_ids;		/* store ids, one per rules line, space-separated */
	/* db/004; NULL on rows written before it (unknown) */
	char *timeouts;		/* the stored conntrack timeouts it put in
				 * force, "tcp-established 7200 ..." ("": none) */
};
int store_revision_add(struct store *s, const char *rules,
		       const char *compiled, const char *status, int64_t *id,
		       struct masq_err *e);
/* The newest revision; returns 1 (and zeroed @r) when there is none. */
int store_revision_last(struct store *s, struct store_revision *r,
			struct masq_err *e);
void store_revision_done(struct store_revision *r);

/* ---- revisions: history, rollback, apply confirm (src/ctl) ---- */

/* Statuses a revision goes through: "applied" (no confirm asked),
 * "pending" -> "confirmed" or "reverted". */
#define STORE_REV_APPLIED "applied"
#define STORE_REV_PENDING "pending"
#define STORE_REV_CONFIRMED "confirmed"
#define STORE_REV_REVERTED "reverted"

/*
 * Record @r (every field; applied_at 0 means now; NULL strings are stored
 * as "" for rules/compiled and NULL otherwise).  *@id gets the new id.
 */
int store_revision_record(struct store *s, const struct store_revision *r,
			  int64_t *id, struct masq_err *e);
/* Revision @id (with its texts); 1 (zeroed @r) when there is none. */
int store_revision_get(struct store *s, int64_t id, struct store_revision *r,
		       struct masq_err *e);
/* The newest pending revision; 1 (zeroed @r) when none is pending. */
int store_revision_pending(struct store *s, struct store_revision *r,
			   struct masq_err *e);
/*
 * Every revision, newest first, without the compiled text (compiled is
 * ""), at most @limit of them (0: all).  Free with store_revisions_free().
 */
int store_revisions_list(struct store *s, size_t limit,
			 struct store_revision **v, size_t *n,
			 struct masq_err *e);
void store_revisions_free(struct store_revision *v, size_t n);
/* Set the status of @id when it is now @from (NULL: any).  *@changed
 * (may be NULL) says whether a row changed. */
int store_revision_set_status(struct store *s, int64_t id, const char *from,
			      const char *to, bool *changed,
			      struct masq_err *e);
/*
 * Replace all rows of @kind by @specs, giving row i the id @ids[i] when
 * @ids is not NULL and @ids[i] > 0 (a fresh id otherwise).  The caller
 * clears both kinds first (store_rows_replace with n 0) so no id is in
 * use.  One transaction.
 */
int store_rows_restore(struct store *s, enum store_kind kind,
		       const int64_t *ids, const char *const *specs, size_t n,
		       struct masq_err *e);

/*
 * Alerts raised by `masqsh engine` (db/002_alerts.sql).  An alert is
 * active until cleared; at most one is active per (@kind, @key).
 */
#include <stdbool.h>

struct store_alert {
	int64_t id;
	int64_t raised_at;	/* unix time */
	int64_t cleared_at;	/* unix time; 0 while active */
	char *kind;		/* "port-budget", "table-fill", ... */
	char *key;		/* what it is about, e.g. "198.51.100.2 udp 192.0.2.10:53" */
	char *message;
	char *host;		/* the culprit inside host, "" when none */
};
/*
 * Raise the alert @kind/@key, or refresh the message and host of the one
 * already active (its raised_at stays).  *@created says which (both out
 * parameters may be NULL).  @host NULL or "" stores none.  On error
 * nothing is changed.
 */
int store_alert_raise(struct store *s, const char *kind, const char *key,
		      const char *message, const char *host, int64_t *id,
		      bool *created, struct masq_err *e);
/* Mark alert @id cleared now; clearing a cleared or unknown one is a
 * no-op. */
int store_alert_clear(struct store *s, int64_t id, struct masq_err *e);
/* Active alerts (@all: every alert ever raised), oldest first.  Caller
 * frees with store_alerts_free(). */
int store_alerts_list(struct store *s, bool all, struct store_alert **v,
		      size_t *n, struct masq_err *e);
void store_alerts_free(struct store_alert *v, size_t n);

/* ---- light reads for the apply path ---- */

struct store_setting {
	char *key;		/* the whole key, owned */
	char *val;		/* owned, never NULL */
};
/*
 * Every setting whose key starts with @prefix ("" for all), in key order,
 * in one query.  *@v is NULL when there is none.  Caller frees with
 * store_settings_free().
 */
int store_settings_prefix(struct store *s, const char *prefix,
			  struct store_setting **v, size_t *n,
			  struct masq_err *e);
void store_settings_free(struct store_setting *v, size_t n);
/*
 * The id of the newest revision, without reading its texts; returns 1
 * (and *@id 0) when there is none.
 */
int store_revision_last_id(struct store *s, int64_t *id, struct masq_err *e);
/*
 * Whether revision @id holds exactly @rules, @compiled, @rule_ids and
 * @timeouts (a row without rule_ids or timeouts counts as ""; NULL
 * @rule_ids or @timeouts as "").  1 yes, 0 no (also when there is no such
 * revision), -1 on error.
 */
int store_revision_same(struct store *s, int64_t id, const char *rules,
			const char *compiled, const char *rule_ids,
			const char *timeouts, struct masq_err *e);

#endif

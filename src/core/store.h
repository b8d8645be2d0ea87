/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store.h - the rule database (SQLite).  The only module that includes
 * sqlite3.h.
 *
 * Owns: opening/creating the database (mode 0600, parent directory made
 * 0700 if missing), numbered migrations from db/ (compiled in), WAL, busy
 * timeout, foreign keys; staged rules as canonical text rows; settings;
 * revisions (what was applied: the rules' text and the exact compiled
 * ruleset).  Does not own: what a rule means -- rows hold the canonical
 * keyword text produced by src/nat/rule.c, which parses it back.
 *
 * Every write is one SQLite transaction: on error nothing is changed.
 */
#ifndef MASQ_STORE_H
#define MASQ_STORE_H

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

/* Open (creating and migrating as needed).  On error -1, *s NULL. */
int store_open(struct store **s, const char *path, struct masq_err *e);
/* Open an existing database read-only; never creates or migrates. */
int store_open_ro(struct store **s, const char *path, struct masq_err *e);
void store_close(struct store *s);
int store_schema_version(struct store *s);
const char *store_path(const struct store *s);

/* Explicit transactions around several calls (import replace, -f). */
int store_begin(struct store *s, struct masq_err *e);
int store_commit(struct store *s, struct masq_err *e);
void store_rollback(struct store *s);

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
};
int store_revision_add(struct store *s, const char *rules,
		       const char *compiled, const char *status, int64_t *id,
		       struct masq_err *e);
/* The newest revision; returns 1 (and zeroed @r) when there is none. */
int store_revision_last(struct store *s, struct store_revision *r,
			struct masq_err *e);
void store_revision_done(struct store_revision *r);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_store.c - unit tests for src/core/store.c: creation (modes, parent
 * directories, migrations, schema version), the rule rows (order, ids never
 * reused, delete/move, all-or-nothing replace, nested transactions),
 * settings, revisions, refusing a newer schema, read-only opens; the
 * opening modes (only a write creates a database, -n never does, reading
 * needs no write access, also without -wal/-shm); and apply's guard
 * (ctl/revision_guard.c: the verdict and its words; nat/nft_change.c: what
 * counts as a removed running rule).
 *
 * Each test runs against a fresh database under its own mkdtemp()
 * directory, removed afterwards.  The test talks to SQLite directly only to
 * play "another program" (a newer masqsh, a look at the WAL mode).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/store.h"
#include "core/tok.h"
#include "nat/nft.h"
#include "nat/nft_int.h"
#include "nat/rule.h"
#include "ctl/revision.h"

extern const size_t store_migrations_count;

/* root: made and removed by main() in the parent, so a failed (forked)
 * test cannot leave files behind; tmpdir: one per test under it. */
static char root[] = "/tmp/check_store.XXXXXX";
static char tmpdir[128];
static char dbpath[256];

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/t.XXXXXX", root);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/lib/masqsh/masq.db", tmpdir);
}

static void
teardown(void)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct store *
open_ok(void)
{
	struct store *s = NULL;
	struct masq_err e;

	err_init(&e);
	ck_assert_msg(store_open(&s, dbpath, &e) == 0, "open: %s", e.msg);
	ck_assert_ptr_nonnull(s);
	err_done(&e);
	return s;
}

static int64_t
add(struct store *s, enum store_kind k, unsigned int at, const char *spec)
{
	struct masq_err e;
	int64_t id = 0;

	err_init(&e);
	ck_assert_msg(store_row_insert(s, k, at, spec, &id, &e) == 0,
		      "insert %s: %s", spec, e.msg);
	ck_assert_int_gt(id, 0);
	err_done(&e);
	return id;
}

/* The rows of @k as "spec spec ..." checking positions run 1..n. */
static char *
order(struct store *s, enum store_kind k)
{
	static char buf[512];
	struct store_row *rows;
	struct masq_err e;
	size_t n, i;

	err_init(&e);
	ck_assert_msg(store_rows_list(s, k, &rows, &n, &e) == 0, "%s", e.msg);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(rows[i].pos, i + 1);
		if (i)
			strcat(buf, " ");
		strcat(buf, rows[i].spec);
	}
	store_rows_free(rows, n);
	err_done(&e);
	return buf;
}

static int64_t
id_at(struct store *s, enum store_kind k, size_t pos)
{
	struct store_row *rows;
	struct masq_err e;
	size_t n;
	int64_t id;

	err_init(&e);
	ck_assert_int_eq(store_rows_list(s, k, &rows, &n, &e), 0);
	ck_assert_uint_ge(n, pos);
	id = rows[pos - 1].id;
	store_rows_free(rows, n);
	return id;
}

static void
raw_exec(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

START_TEST(test_create)
{
	char dir[300];
	struct stat st;
	struct store *s;
	sqlite3 *db;
	sqlite3_stmt *q;

	umask(0277);		/* the modes must not depend on it */
	s = open_ok();
	umask(022);
	ck_assert_str_eq(store_path(s), dbpath);
	ck_assert_int_eq(store_schema_version(s), (int)store_migrations_count);
	ck_assert_int_ge(store_schema_version(s), 1);

	ck_assert_int_eq(stat(dbpath, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	snprintf(dir, sizeof(dir), "%s/lib/masqsh", tmpdir);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	snprintf(dir, sizeof(dir), "%s/lib", tmpdir);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	add(s, STORE_MASQ, 0, "out eth0");
	store_close(s);

	/* a look from outside: WAL mode and the tables are there */
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q,
					    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	ck_assert_int_eq(sqlite3_exec(db, "SELECT id, kind, pos, spec, created "
				      "FROM rules; SELECT key, value FROM "
				      "settings; SELECT id, applied_at, rules, "
				      "compiled, status FROM revisions",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_reopen)
{
	struct store *s = open_ok();
	int64_t a = add(s, STORE_MASQ, 0, "out eth0");
	int64_t b = add(s, STORE_FORWARD, 0, "in eth0 dport 80 to 10.0.0.2");

	store_close(s);
	s = open_ok();
	ck_assert_int_eq(store_schema_version(s), (int)store_migrations_count);
	ck_assert_str_eq(order(s, STORE_MASQ), "out eth0");
	ck_assert_str_eq(order(s, STORE_FORWARD), "in eth0 dport 80 to 10.0.0.2");
	ck_assert_int_eq(id_at(s, STORE_MASQ, 1), a);
	ck_assert_int_eq(id_at(s, STORE_FORWARD, 1), b);
	store_close(s);
}
END_TEST

START_TEST(test_insert_order)
{
	struct store *s = open_ok();
	int64_t a, b, c, x;

	a = add(s, STORE_MASQ, 0, "a");
	b = add(s, STORE_MASQ, 0, "b");
	c = add(s, STORE_MASQ, 0, "c");
	ck_assert(a < b && b < c);
	ck_assert_str_eq(order(s, STORE_MASQ), "a b c");
	x = add(s, STORE_MASQ, 2, "x");
	ck_assert_str_eq(order(s, STORE_MASQ), "a x b c");
	ck_assert_int_eq(id_at(s, STORE_MASQ, 2), x);
	ck_assert_int_eq(id_at(s, STORE_MASQ, 3), b);
	add(s, STORE_MASQ, 1, "first");
	add(s, STORE_MASQ, 99, "past");
	add(s, STORE_MASQ, 7, "end");
	ck_assert_str_eq(order(s, STORE_MASQ), "first a x b c past end");
	/* the kinds are numbered apart */
	add(s, STORE_FORWARD, 0, "f1");
	add(s, STORE_FORWARD, 1, "f0");
	ck_assert_str_eq(order(s, STORE_FORWARD), "f0 f1");
	ck_assert_str_eq(order(s, STORE_MASQ), "first a x b c past end");
	store_close(s);
}
END_TEST

START_TEST(test_delete)
{
	struct store *s = open_ok();
	struct masq_err e;
	int64_t a, b, c, d;
	char want[64];

	err_init(&e);
	a = add(s, STORE_MASQ, 0, "a");
	b = add(s, STORE_MASQ, 0, "b");
	c = add(s, STORE_MASQ, 0, "c");
	ck_assert_int_eq(store_row_delete(s, STORE_MASQ, 42, &e), -1);
	ck_assert_int_eq(e.code, MASQ_EFAIL);
	ck_assert_str_eq(e.msg, "no masq rule 42");
	/* a masq id is not a forward */
	ck_assert_int_eq(store_row_delete(s, STORE_FORWARD, a, &e), -1);
	ck_assert_int_eq(e.code, MASQ_EFAIL);
	snprintf(want, sizeof(want), "no forward rule %lld", (long long)a);
	ck_assert_str_eq(e.msg, want);
	ck_assert_str_eq(order(s, STORE_MASQ), "a b c");

	ck_assert_int_eq(store_row_delete(s, STORE_MASQ, b, &e), 0);
	ck_assert_str_eq(order(s, STORE_MASQ), "a c");
	ck_assert_int_eq(store_row_delete(s, STORE_MASQ, b, &e), -1);
	/* the highest id deleted is still never handed out again */
	ck_assert_int_eq(store_row_delete(s, STORE_MASQ, c, &e), 0);
	store_close(s);
	s = open_ok();
	d = add(s, STORE_MASQ, 0, "d");
	ck_assert_int_gt(d, c);
	ck_assert_str_eq(order(s, STORE_MASQ), "a d");
	ck_assert_int_eq(store_row_delete(s, STORE_MASQ, a, &e), 0);
	ck_assert_str_eq(order(s, STORE_MASQ), "d");
	store_close(s);
	err_done(&e);
}
END_TEST

static const struct {
	unsigned int from;	/* 1-based position of the rule to move */
	unsigned int to;
	const char *want;
} move_cases[] = {
	{ 4, 1, "d a b c" },
	{ 1, 4, "b c d a" },
	{ 2, 3, "a c b d" },
	{ 3, 2, "a c b d" },
	{ 2, 2, "a b c d" },
	{ 1, 99, "b c d a" },
	{ 3, 0, "a b d c" },
	{ 4, 4, "a b c d" },
};

START_TEST(test_move)
{
	struct store *s = open_ok();
	struct masq_err e;

	err_init(&e);
	add(s, STORE_MASQ, 0, "a");
	add(s, STORE_MASQ, 0, "b");
	add(s, STORE_MASQ, 0, "c");
	add(s, STORE_MASQ, 0, "d");
	add(s, STORE_FORWARD, 0, "f");
	ck_assert_int_eq(store_row_move(s, STORE_MASQ,
					id_at(s, STORE_MASQ,
					      move_cases[_i].from),
					move_cases[_i].to, &e), 0);
	ck_assert_str_eq(order(s, STORE_MASQ), move_cases[_i].want);
	ck_assert_str_eq(order(s, STORE_FORWARD), "f");

	ck_assert_int_eq(store_row_move(s, STORE_MASQ, 77, 1, &e), -1);
	ck_assert_int_eq(e.code, MASQ_EFAIL);
	ck_assert_str_eq(e.msg, "no masq rule 77");
	ck_assert_str_eq(order(s, STORE_MASQ), move_cases[_i].want);
	store_close(s);
	err_done(&e);
}
END_TEST

START_TEST(test_replace)
{
	static const char *const bad[] = { "x", NULL, "z" };
	static const char *const empty[] = { "x", "" };
	static const char *const good[] = { "x", "y", "z" };
	struct store *s = open_ok();
	struct masq_err e;
	int64_t a;

	err_init(&e);
	a = add(s, STORE_MASQ, 0, "a");
	add(s, STORE_MASQ, 0, "b");
	add(s, STORE_FORWARD, 0, "f");

	/* the second spec cannot be stored: nothing at all changes */
	ck_assert_int_eq(store_rows_replace(s, STORE_MASQ, bad, 3, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_ptr_nonnull(strstr(e.msg, dbpath));
	ck_assert_str_eq(order(s, STORE_MASQ), "a b");
	ck_assert_int_eq(id_at(s, STORE_MASQ, 1), a);
	ck_assert_int_eq(store_rows_replace(s, STORE_MASQ, empty, 2, &e), -1);
	ck_assert_str_eq(order(s, STORE_MASQ), "a b");

	ck_assert_int_eq(store_rows_replace(s, STORE_MASQ, good, 3, &e), 0);
	ck_assert_str_eq(order(s, STORE_MASQ), "x y z");
	ck_assert_int_gt(id_at(s, STORE_MASQ, 1), a);
	ck_assert_str_eq(order(s, STORE_FORWARD), "f");
	ck_assert_int_eq(store_rows_replace(s, STORE_FORWARD, NULL, 0, &e), 0);
	ck_assert_str_eq(order(s, STORE_FORWARD), "");
	ck_assert_str_eq(order(s, STORE_MASQ), "x y z");
	store_close(s);
	err_done(&e);
}
END_TEST

START_TEST(test_transactions)
{
	static const char *const bad[] = { "q", NULL };
	struct store *s = open_ok();
	struct masq_err e;

	err_init(&e);
	ck_assert_int_eq(store_commit(s, &e), -1);	/* none open */
	store_rollback(s);				/* harmless */

	/* a rolled back transaction leaves nothing */
	ck_assert_int_eq(store_begin(s, &e), 0);
	add(s, STORE_MASQ, 0, "gone");
	store_rollback(s);
	ck_assert_str_eq(order(s, STORE_MASQ), "");

	/* a failing call inside undoes only itself */
	ck_assert_int_eq(store_begin(s, &e), 0);
	add(s, STORE_MASQ, 0, "a");
	ck_assert_int_eq(store_rows_replace(s, STORE_MASQ, bad, 2, &e), -1);
	ck_assert_str_eq(order(s, STORE_MASQ), "a");

	/* nested: the inner rollback drops only the inner work */
	ck_assert_int_eq(store_begin(s, &e), 0);
	add(s, STORE_MASQ, 0, "b");
	store_rollback(s);
	ck_assert_int_eq(store_begin(s, &e), 0);
	add(s, STORE_MASQ, 0, "c");
	ck_assert_int_eq(store_setting_set(s, "k", "v", &e), 0);
	ck_assert_int_eq(store_commit(s, &e), 0);
	ck_assert_str_eq(order(s, STORE_MASQ), "a c");
	ck_assert_int_eq(store_commit(s, &e), 0);
	ck_assert_int_eq(store_commit(s, &e), -1);
	store_close(s);

	s = open_ok();
	ck_assert_str_eq(order(s, STORE_MASQ), "a c");

	/* closing with a transaction open throws it away */
	ck_assert_int_eq(store_begin(s, &e), 0);
	add(s, STORE_MASQ, 0, "lost");
	store_close(s);
	s = open_ok();
	ck_assert_str_eq(order(s, STORE_MASQ), "a c");
	store_close(s);
	err_done(&e);
}
END_TEST

START_TEST(test_settings)
{
	struct store *s = open_ok();
	struct masq_err e;
	char *v = (char *)1;

	err_init(&e);
	ck_assert_int_eq(store_setting_get(s, "timeouts.tcp", &v, &e), 0);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(store_setting_set(s, "timeouts.tcp", "7200", &e), 0);
	ck_assert_int_eq(store_setting_set(s, "clamp", "pmtu", &e), 0);
	ck_assert_int_eq(store_setting_get(s, "timeouts.tcp", &v, &e), 0);
	ck_assert_str_eq(v, "7200");
	free(v);
	ck_assert_int_eq(store_setting_set(s, "timeouts.tcp", "60", &e), 0);
	store_close(s);
	s = open_ok();
	ck_assert_int_eq(store_setting_get(s, "timeouts.tcp", &v, &e), 0);
	ck_assert_str_eq(v, "60");
	free(v);
	ck_assert_int_eq(store_setting_set(s, "timeouts.tcp", NULL, &e), 0);
	ck_assert_int_eq(store_setting_get(s, "timeouts.tcp", &v, &e), 0);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(store_setting_get(s, "clamp", &v, &e), 0);
	ck_assert_str_eq(v, "pmtu");
	free(v);
	/* an empty key is refused */
	ck_assert_int_eq(store_setting_set(s, "", "x", &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	store_close(s);
	err_done(&e);
}
END_TEST

START_TEST(test_revisions)
{
	struct store *s = open_ok();
	struct store_revision r;
	struct masq_err e;
	int64_t id1 = 0, id2 = 0;
	time_t now = time(NULL);

	err_init(&e);
	ck_assert_int_eq(store_revision_last(s, &r, &e), 1);
	ck_assert_int_eq(r.id, 0);
	ck_assert_ptr_null(r.rules);
	ck_assert_int_eq(store_revision_add(s, "masq add out eth0\n",
					    "table ip masqsh {}\n", "applied",
					    &id1, &e), 0);
	ck_assert_int_eq(store_revision_add(s, "", "table ip masqsh { }\n",
					    "pending", &id2, &e), 0);
	ck_assert_int_gt(id2, id1);
	ck_assert_int_eq(store_revision_last(s, &r, &e), 0);
	ck_assert_int_eq(r.id, id2);
	ck_assert_str_eq(r.rules, "");
	ck_assert_str_eq(r.compiled, "table ip masqsh { }\n");
	ck_assert_str_eq(r.status, "pending");
	ck_assert_int_ge(r.applied_at, now - 1);
	ck_assert_int_le(r.applied_at, time(NULL) + 1);
	store_revision_done(&r);
	ck_assert_ptr_null(r.status);
	store_close(s);
}
END_TEST

/* store_settings_prefix(): exactly the keys under the prefix, in key
 * order, including one whose next byte is the largest (the range end). */
START_TEST(test_settings_prefix)
{
	static const char *const keys[][2] = {
		{ "timeout.udp-stream", "180" },
		{ "timeout.tcp-established", "7200" },
		{ "timeout.\xff", "edge" },
		{ "timeouts", "not under 'timeout.'" },
		{ "timeout", "nor this" },
		{ "clamp", "pmtu" },
	};
	struct store *s = open_ok();
	struct store_setting *v = NULL;
	struct masq_err e;
	size_t n = 99, i;

	err_init(&e);
	ck_assert_int_eq(store_settings_prefix(s, "timeout.", &v, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	store_settings_free(v, n);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_int_eq(store_setting_set(s, keys[i][0], keys[i][1],
						   &e), 0);
	ck_assert_int_eq(store_settings_prefix(s, "timeout.", &v, &n, &e), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0].key, "timeout.tcp-established");
	ck_assert_str_eq(v[0].val, "7200");
	ck_assert_str_eq(v[1].key, "timeout.udp-stream");
	ck_assert_str_eq(v[2].key, "timeout.\xff");
	ck_assert_str_eq(v[2].val, "edge");
	store_settings_free(v, n);
	/* the empty prefix is every setting */
	ck_assert_int_eq(store_settings_prefix(s, "", &v, &n, &e), 0);
	ck_assert_uint_eq(n, sizeof(keys) / sizeof(keys[0]));
	store_settings_free(v, n);
	store_close(s);
	err_done(&e);
}
END_TEST

START_TEST(test_revision_last_id)
{
	struct store *s = open_ok();
	struct masq_err e;
	int64_t id = -1, a = 0, b = 0;

	err_init(&e);
	ck_assert_int_eq(store_revision_last_id(s, &id, &e), 1);
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(store_revision_add(s, "masq add out eth0\n", "t\n",
					    "applied", &a, &e), 0);
	ck_assert_int_eq(store_revision_add(s, "", "u\n", "pending", &b, &e),
			 0);
	ck_assert_int_eq(store_revision_last_id(s, &id, &e), 0);
	ck_assert_int_eq(id, b);
	ck_assert_int_gt(b, a);
	store_close(s);
	err_done(&e);
}
END_TEST

/* ---- revisions: history, confirm state, restore (cmd_revisions.c) ---- */

static int64_t
rev_record(struct store *s, const char *rules, const char *status,
	   int64_t deadline, int64_t prev, const char *origin)
{
	struct store_revision r = { 0 };
	struct masq_err e;
	int64_t id = 0;

	err_init(&e);
	r.rules = (char *)rules;
	r.compiled = (char *)"table ip masqsh {}\n";
	r.status = (char *)status;
	r.deadline = deadline;
	r.prev = prev;
	r.origin = (char *)origin;
	r.user = (char *)"tester";
	r.rule_ids = (char *)"7";
	r.timeouts = (char *)"tcp-established 7200";
	ck_assert_msg(store_revision_record(s, &r, &id, &e) == 0, "%s", e.msg);
	ck_assert_int_gt(id, 0);
	err_done(&e);
	return id;
}

START_TEST(test_revision_history)
{
	struct store *s = open_ok();
	struct store_revision r, *v;
	struct masq_err e;
	int64_t a, b, c;
	size_t n;
	bool changed;

	err_init(&e);
	ck_assert_int_eq(store_revision_pending(s, &r, &e), 1);
	ck_assert_int_eq(store_revisions_list(s, 0, &v, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	store_revisions_free(v, n);
	a = rev_record(s, "masq add out eth0\n", STORE_REV_APPLIED, 0, 0,
		       "apply");
	b = rev_record(s, "masq add out eth1\n", STORE_REV_PENDING, 12345, a,
		       "apply confirm 60");
	/* older code's rows still read (NULLs for the new columns) */
	ck_assert_int_eq(store_revision_add(s, "", "", STORE_REV_APPLIED, &c,
					    &e), 0);

	ck_assert_int_eq(store_revision_get(s, b, &r, &e), 0);
	ck_assert_str_eq(r.rules, "masq add out eth1\n");
	ck_assert_str_eq(r.status, "pending");
	ck_assert_int_eq(r.deadline, 12345);
	ck_assert_int_eq(r.prev, a);
	ck_assert_str_eq(r.origin, "apply confirm 60");
	ck_assert_str_eq(r.user, "tester");
	ck_assert_str_eq(r.rule_ids, "7");
	ck_assert_str_eq(r.timeouts, "tcp-established 7200");
	store_revision_done(&r);
	ck_assert_int_eq(store_revision_get(s, c, &r, &e), 0);
	ck_assert_ptr_null(r.origin);
	ck_assert_ptr_null(r.timeouts);		/* unknown, not "" */
	ck_assert_int_eq(r.deadline, 0);
	store_revision_done(&r);
	ck_assert_int_eq(store_revision_get(s, c + 100, &r, &e), 1);

	ck_assert_int_eq(store_revision_pending(s, &r, &e), 0);
	ck_assert_int_eq(r.id, b);
	store_revision_done(&r);

	/* newest first, without the compiled text; limit */
	ck_assert_int_eq(store_revisions_list(s, 0, &v, &n, &e), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(v[0].id, c);
	ck_assert_int_eq(v[2].id, a);
	ck_assert_str_eq(v[1].compiled, "");
	ck_assert_str_eq(v[2].rules, "masq add out eth0\n");
	store_revisions_free(v, n);
	ck_assert_int_eq(store_revisions_list(s, 2, &v, &n, &e), 0);
	ck_assert_uint_eq(n, 2);
	store_revisions_free(v, n);

	/* a status changes only from the expected one */
	ck_assert_int_eq(store_revision_set_status(s, b, STORE_REV_APPLIED,
						   STORE_REV_REVERTED, &changed,
						   &e), 0);
	ck_assert(!changed);
	ck_assert_int_eq(store_revision_set_status(s, b, STORE_REV_PENDING,
						   STORE_REV_CONFIRMED,
						   &changed, &e), 0);
	ck_assert(changed);
	ck_assert_int_eq(store_revision_pending(s, &r, &e), 1);
	ck_assert_int_eq(store_revision_get(s, b, &r, &e), 0);
	ck_assert_str_eq(r.status, "confirmed");
	store_revision_done(&r);
	err_done(&e);
	store_close(s);
}
END_TEST

START_TEST(test_rows_restore)
{
	static const char *const specs[] = { "out eth0", "out eth1", "out ppp0" };
	int64_t ids[] = { 42, 0, 7 }, fresh, max;
	struct store *s = open_ok();
	struct masq_err e;

	err_init(&e);
	max = add(s, STORE_MASQ, 0, "out old0");
	add(s, STORE_FORWARD, 0, "in eth0 dport 80 to 10.0.0.1");
	ck_assert_int_eq(store_rows_replace(s, STORE_MASQ, NULL, 0, &e), 0);
	ck_assert_int_eq(store_rows_replace(s, STORE_FORWARD, NULL, 0, &e), 0);
	ck_assert_int_eq(store_rows_restore(s, STORE_MASQ, ids, specs, 3, &e),
			 0);
	ck_assert_str_eq(order(s, STORE_MASQ), "out eth0 out eth1 out ppp0");
	ck_assert_int_eq(id_at(s, STORE_MASQ, 1), 42);
	ck_assert_int_eq(id_at(s, STORE_MASQ, 3), 7);
	fresh = id_at(s, STORE_MASQ, 2);
	ck_assert_int_gt(fresh, max);
	ck_assert_int_ne(fresh, 42);
	ck_assert_int_ne(fresh, 7);
	/* an id already in use (here by the other kind) fails, and the
	 * whole restore is undone */
	add(s, STORE_FORWARD, 0, "in eth0 dport 81 to 10.0.0.2");
	ids[0] = id_at(s, STORE_FORWARD, 1);
	ck_assert_int_eq(store_rows_restore(s, STORE_MASQ, ids, specs, 1, &e),
			 -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_str_eq(order(s, STORE_MASQ), "out eth0 out eth1 out ppp0");
	err_done(&e);
	store_close(s);
}
END_TEST

/* ---- alerts (masqsh engine, db/002_alerts.sql) ---- */

/* sqlite3_exec() of @sql on the file, as another program would. */
static int
raw_exec_rc(const char *sql)
{
	sqlite3 *db;
	int rc;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* The alerts (@all: with the cleared ones) as "kind/key=message@host#id
 * ..." with ids relative to @base. */
static char *
alerts_text(struct store *s, bool all, int64_t base)
{
	static char buf[1024];
	struct store_alert *v;
	struct masq_err e;
	size_t n, i;
	int len = 0;

	err_init(&e);
	ck_assert_msg(store_alerts_list(s, all, &v, &n, &e) == 0, "%s", e.msg);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			ck_assert_int_gt(v[i].id, v[i - 1].id);
		ck_assert_int_gt(v[i].raised_at, 0);
		ck_assert(all || v[i].cleared_at == 0);
		len += snprintf(buf + len, sizeof(buf) - (size_t)len,
				"%s%s/%s=%s@%s#%lld%s", i ? " " : "",
				v[i].kind, v[i].key, v[i].message, v[i].host,
				(long long)(v[i].id - base),
				v[i].cleared_at ? "(cleared)" : "");
	}
	store_alerts_free(v, n);
	err_done(&e);
	return buf;
}

/*
 * One step of an alerts scenario: raise (@msg non-NULL) or clear the
 * alert raised at step @clear_step, then the active list and the whole
 * history must read @active and @all (ids relative to the first).
 */
static const struct alert_step {
	const char *kind, *key, *msg, *host;
	int clear_step;		/* -1: raise; else clear the id of that step */
	int created;		/* raise: 1 new row, 0 refreshed */
	const char *active, *all;
} alert_steps[] = {
	{ "port-budget", "gw udp dst:53", "50 of 100", "192.168.1.10", -1, 1,
	  "port-budget/gw udp dst:53=50 of 100@192.168.1.10#0",
	  "port-budget/gw udp dst:53=50 of 100@192.168.1.10#0" },
	/* the same condition again: refreshed in place, no second row */
	{ "port-budget", "gw udp dst:53", "90 of 100", "192.168.1.11", -1, 0,
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0",
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0" },
	/* same key, other kind: a separate alert; NULL host stores none */
	{ "table-fill", "gw udp dst:53", "full", NULL, -1, 1,
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0 "
	  "table-fill/gw udp dst:53=full@#1",
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0 "
	  "table-fill/gw udp dst:53=full@#1" },
	{ "insert-failed", "conntrack", "12 failed", "", -1, 1,
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0 "
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2",
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0 "
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2" },
	/* clearing: gone from the active list, kept in the history */
	{ NULL, NULL, NULL, NULL, 0, 0,
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2",
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0(cleared) "
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2" },
	/* clearing it again is a no-op */
	{ NULL, NULL, NULL, NULL, 0, 0,
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2",
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0(cleared) "
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2" },
	/* the condition comes back: a new alert, a new id */
	{ "port-budget", "gw udp dst:53", "85 of 100", "192.168.1.10", -1, 1,
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2 "
	  "port-budget/gw udp dst:53=85 of 100@192.168.1.10#3",
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0(cleared) "
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2 "
	  "port-budget/gw udp dst:53=85 of 100@192.168.1.10#3" },
	{ NULL, NULL, NULL, NULL, 3, 0,
	  "table-fill/gw udp dst:53=full@#1 "
	  "port-budget/gw udp dst:53=85 of 100@192.168.1.10#3",
	  "port-budget/gw udp dst:53=90 of 100@192.168.1.11#0(cleared) "
	  "table-fill/gw udp dst:53=full@#1 "
	  "insert-failed/conntrack=12 failed@#2(cleared) "
	  "port-budget/gw udp dst:53=85 of 100@192.168.1.10#3" },
};

START_TEST(test_alerts)
{
	int64_t ids[sizeof(alert_steps) / sizeof(alert_steps[0])];
	struct store *s = open_ok();
	struct masq_err e;
	size_t i;

	err_init(&e);
	ck_assert_str_eq(alerts_text(s, true, 0), "");
	for (i = 0; i < sizeof(alert_steps) / sizeof(alert_steps[0]); i++) {
		const struct alert_step *t = &alert_steps[i];
		bool created = !t->created;

		ids[i] = 0;
		if (t->clear_step < 0) {
			ck_assert_msg(store_alert_raise(s, t->kind, t->key,
							t->msg, t->host,
							&ids[i], &created,
							&e) == 0,
				      "step %zu: %s", i, e.msg);
			ck_assert_msg(created == (bool)t->created,
				      "step %zu: created %d", i, created);
			ck_assert_int_gt(ids[i], 0);
		} else {
			ck_assert_msg(store_alert_clear(s, ids[t->clear_step],
							&e) == 0,
				      "step %zu: %s", i, e.msg);
		}
		ck_assert_str_eq(alerts_text(s, false, ids[0]), t->active);
		ck_assert_str_eq(alerts_text(s, true, ids[0]), t->all);
	}
	/* clearing an id that never existed is a no-op too */
	ck_assert_int_eq(store_alert_clear(s, 99999, &e), 0);
	/* the alerts outlive the connection */
	store_close(s);
	s = open_ok();
	ck_assert_str_eq(alerts_text(s, true, ids[0]),
			 alert_steps[i - 1].all);
	err_done(&e);
	store_close(s);
}
END_TEST

START_TEST(test_alerts_refused)
{
	struct store *s = open_ok(), *ro = NULL;
	struct masq_err e;
	int64_t id = 0;
	bool created = true;
	time_t before = time(NULL);
	struct store_alert *v;
	size_t n;

	err_init(&e);
	ck_assert_int_eq(store_alert_raise(s, "table-fill", "table", "m",
					   NULL, &id, NULL, &e), 0);
	/* an empty kind is refused and changes nothing */
	ck_assert_int_eq(store_alert_raise(s, "", "k", "m", NULL, NULL,
					   &created, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	err_done(&e);
	err_init(&e);
	ck_assert_str_eq(alerts_text(s, true, id), "table-fill/table=m@#0");
	/* a refresh keeps raised_at; out parameters may be NULL */
	ck_assert_int_eq(store_alert_raise(s, "table-fill", "table", "m2",
					   "10.0.0.1", NULL, NULL, &e), 0);
	ck_assert_int_eq(store_alerts_list(s, false, &v, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(v[0].id, id);
	ck_assert_int_ge(v[0].raised_at, before);
	ck_assert_int_le(v[0].raised_at, time(NULL));
	store_alerts_free(v, n);
	store_close(s);
	/* read-only: listing works, raising and clearing do not */
	ck_assert_int_eq(store_open_ro(&ro, dbpath, &e), 0);
	ck_assert_str_eq(alerts_text(ro, false, id),
			 "table-fill/table=m2@10.0.0.1#0");
	ck_assert_int_eq(store_alert_raise(ro, "table-fill", "x", "m", NULL,
					   NULL, NULL, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	err_done(&e);
	err_init(&e);
	ck_assert_int_eq(store_alert_clear(ro, id, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	store_close(ro);
	/* the schema itself allows one active alert per kind and key */
	ck_assert_int_eq(raw_exec_rc("INSERT INTO alerts (raised_at, kind, "
				     "key, message) VALUES (1, 'table-fill', "
				     "'table', 'dup')"), SQLITE_CONSTRAINT);
	ck_assert_int_eq(raw_exec_rc("INSERT INTO alerts (raised_at, kind, "
				     "key, message, cleared_at) VALUES (1, "
				     "'table-fill', 'table', 'old', 2)"),
			 SQLITE_OK);
	err_done(&e);
}
END_TEST

START_TEST(test_newer_schema)
{
	struct store *s = open_ok();
	struct masq_err e;
	char sql[64];

	err_init(&e);
	add(s, STORE_MASQ, 0, "keep");
	store_close(s);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu",
		 store_migrations_count + 1);
	raw_exec(sql);

	ck_assert_int_eq(store_open(&s, dbpath, &e), -1);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_ptr_nonnull(strstr(e.msg, "newer"));
	ck_assert_ptr_nonnull(strstr(e.msg, dbpath));
	ck_assert_int_eq(store_open_ro(&s, dbpath, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "newer"));

	/* and it was left alone */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu",
		 store_migrations_count);
	raw_exec(sql);
	s = open_ok();
	ck_assert_str_eq(order(s, STORE_MASQ), "keep");
	store_close(s);
	err_done(&e);
}
END_TEST

START_TEST(test_readonly)
{
	struct store *s = NULL, *w;
	struct masq_err e;
	struct stat st;
	int64_t id;

	err_init(&e);
	ck_assert_int_eq(store_open_ro(&s, dbpath, &e), -1);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_ptr_nonnull(strstr(e.msg, dbpath));
	ck_assert_int_eq(stat(dbpath, &st), -1);
	ck_assert_int_eq(errno, ENOENT);

	w = open_ok();
	add(w, STORE_MASQ, 0, "a");
	ck_assert_int_eq(store_open_ro(&s, dbpath, &e), 0);
	ck_assert_str_eq(order(s, STORE_MASQ), "a");
	/* the reader sees the writer's later commits */
	add(w, STORE_MASQ, 0, "b");
	ck_assert_str_eq(order(s, STORE_MASQ), "a b");
	ck_assert_int_eq(store_row_insert(s, STORE_MASQ, 0, "c", &id, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_str_eq(order(s, STORE_MASQ), "a b");
	store_close(s);
	store_close(w);
}
END_TEST

START_TEST(test_not_a_db)
{
	struct store *s = NULL;
	struct masq_err e;
	char path[300];
	FILE *fp;

	err_init(&e);
	snprintf(path, sizeof(path), "%s/junk.db", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("this is not an SQLite database, not even close; "
	      "it only pretends to be one for a moment.\n", fp);
	fclose(fp);
	ck_assert_int_eq(store_open(&s, path, &e), -1);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	ck_assert_ptr_nonnull(strstr(e.msg, "not a database"));
	err_done(&e);
}
END_TEST

START_TEST(test_default_path)
{
	setenv("MASQSH_DB", "/srv/x.db", 1);
	ck_assert_str_eq(store_default_path(), "/srv/x.db");
	setenv("MASQSH_DB", "", 1);
	ck_assert_str_eq(store_default_path(), MASQSH_DBDIR "/masq.db");
	unsetenv("MASQSH_DB");
	ck_assert_str_eq(store_default_path(), MASQSH_DBDIR "/masq.db");
	ck_assert_ptr_nonnull(strstr(store_default_path(),
				     "/lib/masqsh/masq.db"));
}
END_TEST

/* ---- opening modes: only a write creates, reading needs no write access ---- */

/* Does @base followed by @tail exist? */
static bool
exists(const char *base, const char *tail)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", base, tail);
	return stat(p, &st) == 0;
}

START_TEST(test_mode_missing)
{
	static const enum store_mode refuse[] = { STORE_READ, STORE_WRITE };
	struct store *s = NULL;
	struct masq_err e;
	size_t i;

	err_init(&e);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(store_open_mode(&s, dbpath, refuse[i], &e), -1);
		ck_assert_ptr_null(s);
		ck_assert_int_eq(e.code, MASQ_ESTORE);
		ck_assert_ptr_nonnull(strstr(e.msg, "no database at"));
		ck_assert_ptr_nonnull(strstr(e.msg, dbpath));
	}
	/* not even the directory */
	ck_assert(!exists(tmpdir, "/lib"));
	err_done(&e);
}
END_TEST

START_TEST(test_mode_check)
{
	struct store *s = NULL, *w;
	struct masq_err e;
	int64_t id;

	err_init(&e);
	/* -n on a new path: an empty database in memory, nothing on disk */
	ck_assert_int_eq(store_open_mode(&s, dbpath, STORE_CHECK, &e), 0);
	ck_assert(store_missing(s));
	ck_assert_str_eq(order(s, STORE_MASQ), "");
	add(s, STORE_MASQ, 0, "only in memory");
	ck_assert_str_eq(order(s, STORE_MASQ), "only in memory");
	store_close(s);
	ck_assert(!exists(tmpdir, "/lib"));

	/* on an existing one: read-only */
	w = open_ok();
	add(w, STORE_MASQ, 0, "a");
	store_close(w);
	ck_assert_int_eq(store_open_mode(&s, dbpath, STORE_CHECK, &e), 0);
	ck_assert(!store_missing(s));
	ck_assert(store_readonly(s));
	ck_assert_str_eq(order(s, STORE_MASQ), "a");
	ck_assert_int_eq(store_row_insert(s, STORE_MASQ, 0, "b", &id, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	store_close(s);
	err_done(&e);
}
END_TEST

START_TEST(test_mode_stage)
{
	struct store *s = NULL;
	struct masq_err e;
	struct stat st;
	int64_t pos;
	unsigned int p;

	err_init(&e);
	ck_assert_int_eq(store_open_mode(&s, dbpath, STORE_STAGE, &e), 0);
	ck_assert(store_missing(s));
	/* reads and failed edits create nothing */
	ck_assert_str_eq(order(s, STORE_MASQ), "");
	ck_assert_int_eq(store_row_pos(s, STORE_MASQ, 3, &p, &e), -1);
	ck_assert_int_eq(store_revision_last_id(s, &pos, &e), 1);
	ck_assert(!exists(tmpdir, "/lib"));
	/* the first write does, safely */
	umask(0);
	add(s, STORE_MASQ, 0, "first");
	umask(022);
	ck_assert(!store_missing(s));
	ck_assert_int_eq(stat(dbpath, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	add(s, STORE_MASQ, 0, "second");
	store_close(s);
	s = open_ok();
	ck_assert_str_eq(order(s, STORE_MASQ), "first second");
	store_close(s);
	/* on an existing database it is an ordinary writer */
	ck_assert_int_eq(store_open_mode(&s, dbpath, STORE_STAGE, &e), 0);
	ck_assert(!store_missing(s) && !store_readonly(s));
	add(s, STORE_MASQ, 0, "third");
	store_close(s);
	err_done(&e);
}
END_TEST

/* A database with neither -wal nor -shm next to it (a copy, or one no
 * writer has opened since): read-only opens create neither, and a user
 * who may not write the directory reads it. */
START_TEST(test_ro_bare)
{
	char dir[300], wal[300], shm[300];
	struct store *s = open_ok();
	struct masq_err e;
	pid_t pid;
	int st;

	err_init(&e);
	add(s, STORE_MASQ, 0, "a");
	add(s, STORE_MASQ, 0, "b");
	store_close(s);
	snprintf(wal, sizeof(wal), "%s-wal", dbpath);
	snprintf(shm, sizeof(shm), "%s-shm", dbpath);
	ck_assert_int_eq(unlink(wal), 0);	/* empty: all checkpointed */
	ck_assert_int_eq(unlink(shm), 0);

	ck_assert_int_eq(store_open_ro(&s, dbpath, &e), 0);
	ck_assert_str_eq(order(s, STORE_MASQ), "a b");
	store_close(s);
	ck_assert(!exists(dbpath, "-wal") && !exists(dbpath, "-shm"));

	/* another user, the file 0644 and every directory 0755 */
	snprintf(dir, sizeof(dir), "%s/lib/masqsh", tmpdir);
	ck_assert_int_eq(chmod(root, 0755), 0);
	ck_assert_int_eq(chmod(tmpdir, 0755), 0);
	snprintf(wal, sizeof(wal), "%s/lib", tmpdir);
	ck_assert_int_eq(chmod(wal, 0755), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(chmod(dbpath, 0644), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* as root: become nobody; else the directory is read-only */
		if (geteuid() == 0 ? setgid(65534) || setuid(65534) :
		    chmod(dir, 0555))
			_exit(2);
		if (store_open_ro(&s, dbpath, &e) != 0) {
			fprintf(stderr, "read-only open: %s\n", e.msg);
			_exit(3);
		}
		_exit(strcmp(order(s, STORE_MASQ), "a b") ? 4 : 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	chmod(dir, 0700);
	chmod(root, 0700);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert(!exists(dbpath, "-wal") && !exists(dbpath, "-shm"));
	err_done(&e);
}
END_TEST

START_TEST(test_writable)
{
	struct store *s = open_ok();

	store_close(s);
	ck_assert(store_writable(dbpath));
	ck_assert(!store_writable("/nonexistent/masq.db"));
	if (geteuid() != 0) {
		chmod(dbpath, 0400);
		ck_assert(!store_writable(dbpath));
	}
}
END_TEST

START_TEST(test_revision_same)
{
	struct store *s = open_ok();
	struct masq_err e;
	int64_t id;

	err_init(&e);
	ck_assert_int_eq(store_revision_same(s, 1, "r", "c", "1", NULL, &e),
			 0);
	ck_assert_int_eq(store_revision_add(s, "r", "c", "applied", &id, &e), 0);
	/* rows without rule_ids count as "" */
	ck_assert_int_eq(store_revision_same(s, id, "r", "c", NULL, NULL,
					     &e), 1);
	ck_assert_int_eq(store_revision_same(s, id, "r", "c", "", NULL,
					     &e), 1);
	ck_assert_int_eq(store_revision_same(s, id, "r", "c", "1", NULL,
					     &e), 0);
	ck_assert_int_eq(store_revision_same(s, id, "r", "c2", NULL, NULL,
					     &e), 0);
	ck_assert_int_eq(store_revision_same(s, id, "r2", "c", NULL, NULL,
					     &e), 0);
	ck_assert_int_eq(store_revision_same(s, id + 1, "r", "c", NULL, NULL,
					     &e), 0);
	/* rows without timeouts (db/004) count as "" too */
	ck_assert_int_eq(store_revision_same(s, id, "r", "c", NULL, "", &e), 1);
	ck_assert_int_eq(store_revision_same(s, id, "r", "c", NULL,
					     "tcp-established 7200", &e), 0);
	/* a row with timeouts: they count */
	id = rev_record(s, "r", STORE_REV_APPLIED, 0, 0, "apply");
	ck_assert_int_eq(store_revision_same(s, id, "r", "table ip masqsh {}\n",
					     "7", "tcp-established 7200", &e),
			 1);
	ck_assert_int_eq(store_revision_same(s, id, "r", "table ip masqsh {}\n",
					     "7", "tcp-established 60", &e), 0);
	ck_assert_int_eq(store_revision_same(s, id, "r", "table ip masqsh {}\n",
					     "7", NULL, &e), 0);
	store_close(s);
	err_done(&e);
}
END_TEST

/* ---- apply's guard: the decision and the words (ctl/revision_guard.c) ---- */

static const struct {
	bool applied;
	size_t rules;
	unsigned int running, removed;
	enum ctl_verdict script, tty;
	const char *text;	/* ctl_risk_text(), DB for the path */
} judge_cases[] = {
	/* nothing of ours runs: nothing to lose */
	{ false, 0, 0, 0, CTL_GO, CTL_GO, NULL },
	{ true, 0, 0, 0, CTL_GO, CTL_GO, NULL },
	/* never applied */
	{ false, 0, 5, 5, CTL_REFUSE, CTL_ASK,
	  "DB holds no rules and was never applied; applying it would remove "
	  "all 5 nft rules running in table masqsh" },
	{ false, 3, 1, 0, CTL_REFUSE, CTL_ASK,
	  "DB was never applied; its 3 rules would replace all 1 nft rule "
	  "running in table masqsh" },
	{ false, 1, 2, 2, CTL_REFUSE, CTL_ASK,
	  "DB was never applied; its 1 rule would replace all 2 nft rules "
	  "running in table masqsh" },
	/* applied, nothing staged */
	{ true, 0, 4, 4, CTL_REFUSE, CTL_ASK,
	  "no rules are staged in DB; applying would remove all 4 nft rules "
	  "running in table masqsh" },
	/* applied, rules staged: a script goes on; a person is asked when
	 * more than half go */
	{ true, 2, 4, 3, CTL_GO, CTL_ASK,
	  "applying would remove 3 of the 4 nft rules running in table "
	  "masqsh (the new table has 2)" },
	{ true, 2, 3, 2, CTL_GO, CTL_ASK, NULL },
	{ true, 2, 4, 2, CTL_GO, CTL_GO, NULL },
	{ true, 1, 1, 1, CTL_GO, CTL_ASK, NULL },
	{ true, 5, 6, 0, CTL_GO, CTL_GO, NULL },
};

START_TEST(test_apply_judge)
{
	struct ctl_risk r = {
		.applied = judge_cases[_i].applied,
		.rules = judge_cases[_i].rules,
		.running = judge_cases[_i].running,
		.removed = judge_cases[_i].removed,
		.staged = 2,
	};
	char *text;

	ck_assert_int_eq(ctl_judge(&r, false), judge_cases[_i].script);
	ck_assert_int_eq(ctl_judge(&r, true), judge_cases[_i].tty);
	if (!judge_cases[_i].text)
		return;
	text = ctl_risk_text(&r, "DB");
	ck_assert_str_eq(text, judge_cases[_i].text);
	free(text);
}
END_TEST

/* Compile "masq add" specs (ids 1, 2, ...) or "fwd:" forwards. */
static struct nat_compiled *
compile_specs(const char *const *specs)
{
	struct nat_compiled *c = NULL;
	struct nat_ruleset rs;
	struct masq_err e;
	struct tok_list tl;
	struct nat_rule r;
	struct nat_forward f;
	int64_t id;

	err_init(&e);
	nat_ruleset_init(&rs);
	for (id = 1; *specs; specs++, id++) {
		bool fw = !strncmp(*specs, "fwd:", 4);

		ck_assert_int_eq(tok_split(&tl, *specs + (fw ? 4 : 0), 0, &e), 0);
		if (fw) {
			nat_forward_init(&f);
			ck_assert_msg(nat_forward_parse_kw(&f, tl.v, tl.n, &e) == 0,
				      "%s: %s", *specs, e.msg);
			f.id = id;
			nat_ruleset_add_fwd(&rs, &f);
			nat_forward_done(&f);
		} else {
			nat_rule_init(&r);
			ck_assert_msg(nat_rule_parse_kw(&r, tl.v, tl.n, &e) == 0,
				      "%s: %s", *specs, e.msg);
			r.id = id;
			nat_ruleset_add_masq(&rs, &r);
			nat_rule_done(&r);
		}
		tok_list_done(&tl);
	}
	ck_assert_msg(nat_compile(&rs, &c, &e) == 0, "compile: %s", e.msg);
	nat_ruleset_done(&rs);
	err_done(&e);
	return c;
}

/* What counts as removed: the running rules whose masqsh rule (comment)
 * has no nft rule in the new set, as a multiset. */
START_TEST(test_change_of)
{
	static const char *const run[] = {
		"out eth0 from 10.1.0.0/16",
		"out eth0 from 10.2.0.0/16",	/* + eth1, below */
		"out eth0 from 10.3.0.0/16",
		"fwd:in eth0 proto tcp dport 80 to 10.1.0.2",
		NULL,
	};
	/* 0.1 compiled "out eth0,eth1" to one nft rule per interface (now
	 * one rule with a set): a table it applied runs masq 2 twice */
	static const char *const run2[] = {
		"out eth0", "out eth1 from 10.2.0.0/16", NULL,
	};
	static const char *const edited[] = {	/* same ids, other rules */
		"out eth1 from 10.9.0.0/16",
		"out eth0 from 10.2.0.0/16",		/* one of two stays */
		"out eth0 from 10.3.0.0/16",
		"fwd:in eth0 proto tcp dport 81 to 10.1.0.2",
		NULL,
	};
	static const char *const fewer[] = { "out eth0", NULL };
	static const char *const none[] = { NULL };
	struct nat_compiled *a = compile_specs(run), *b;
	struct nft_chainset *from, *to;
	struct nat_change d;

	b = compile_specs(run2);
	from = &b->tab[NFT_TAB_IP].chains[1];
	to = &a->tab[NFT_TAB_IP].chains[1];
	ck_assert_uint_eq(from->n_rules, 2);
	nft_chainset_add_rule(to, from->rules[1], &from->origin[1]);
	from->n_rules = 1;	/* taken */
	nat_compiled_free(b);

	b = compile_specs(edited);
	nat_change_of(a, b, &d);
	ck_assert_uint_eq(d.running, 5);
	ck_assert_uint_eq(d.staged, 4);
	ck_assert_uint_eq(d.removed, 1);	/* the second nft rule of 2 */
	nat_compiled_free(b);

	b = compile_specs(fewer);
	nat_change_of(a, b, &d);
	ck_assert_uint_eq(d.removed, 4);	/* only masq 1 goes on */
	nat_compiled_free(b);

	b = compile_specs(none);
	nat_change_of(a, b, &d);
	ck_assert_uint_eq(d.staged, 0);
	ck_assert_uint_eq(d.removed, 5);
	nat_change_of(b, a, &d);
	ck_assert_uint_eq(d.running, 0);
	ck_assert_uint_eq(d.removed, 0);
	nat_compiled_free(b);
	nat_compiled_free(a);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_reopen);
	tcase_add_test(tc, test_insert_order);
	tcase_add_test(tc, test_delete);
	tcase_add_loop_test(tc, test_move, 0,
			    sizeof(move_cases) / sizeof(move_cases[0]));
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_transactions);
	tcase_add_test(tc, test_settings);
	tcase_add_test(tc, test_settings_prefix);
	tcase_add_test(tc, test_revision_last_id);
	tcase_add_test(tc, test_revisions);
	tcase_add_test(tc, test_revision_history);
	tcase_add_test(tc, test_rows_restore);
	tcase_add_test(tc, test_alerts);
	tcase_add_test(tc, test_alerts_refused);
	tcase_add_test(tc, test_newer_schema);
	tcase_add_test(tc, test_readonly);
	tcase_add_test(tc, test_not_a_db);
	tcase_add_test(tc, test_default_path);
	tcase_add_test(tc, test_mode_missing);
	tcase_add_test(tc, test_mode_check);
	tcase_add_test(tc, test_mode_stage);
	tcase_add_test(tc, test_ro_bare);
	tcase_add_test(tc, test_writable);
	tcase_add_test(tc, test_revision_same);
	tcase_add_loop_test(tc, test_apply_judge, 0,
			    sizeof(judge_cases) / sizeof(judge_cases[0]));
	tcase_add_test(tc, test_change_of);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

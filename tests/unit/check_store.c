/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_store.c - unit tests for src/core/store.c: creation (modes, parent
 * directories, migrations, schema version), the rule rows (order, ids never
 * reused, delete/move, all-or-nothing replace, nested transactions),
 * settings, revisions, refusing a newer schema, and read-only opens.
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
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/store.h"

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
	tcase_add_test(tc, test_revisions);
	tcase_add_test(tc, test_newer_schema);
	tcase_add_test(tc, test_readonly);
	tcase_add_test(tc, test_not_a_db);
	tcase_add_test(tc, test_default_path);
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

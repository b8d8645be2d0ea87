/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store.c - the rule database (see store.h).  The only file that includes
 * sqlite3.h.
 *
 * Owns: creating the file safely (0600, parent 0700, whatever the umask),
 * and only when something is written (enum store_mode: a database that
 * does not exist yet is an empty one in memory until then); reading
 * without write access and without leaving files behind (read-only
 * connections, "immutable" when there is no -shm to use); the connection
 * settings (WAL, busy timeout, foreign keys), the schema
 * version (PRAGMA user_version) and the migrations compiled in from db/,
 * and every SQL statement masqsh runs.  Does not own what a rule means:
 * rows are canonical text that src/nat/ parses back.
 *
 * Transactions: every write function brackets itself with BEGIN IMMEDIATE
 * (taking the write lock up front, so the busy timeout applies and WAL never
 * refuses a late read-to-write upgrade) or, when the caller already opened
 * one with store_begin(), with a SAVEPOINT.  Either way a failed write
 * leaves nothing behind, and calls compose inside an outer transaction.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/store.h"
#include "core/xalloc.h"

#ifndef MASQSH_DBDIR
#define MASQSH_DBDIR "/var/lib/masqsh"
#endif

#define STORE_BUSY_MS 5000

/* Generated from db/NNN_*.sql by db/embed.sh. */
extern const char *const store_migrations[];
extern const size_t store_migrations_count;

struct store {
	sqlite3 *db;
	char *path;
	bool ro;		/* a read-only connection */
	bool mem;		/* no file yet: an empty stand-in in memory */
	bool may_create;	/* ...which the first write turns into the file */
	bool wrote;		/* a write transaction was opened */
	unsigned int depth;	/* store_begin() nesting */
};

static int store_materialize(struct store *s, struct masq_err *e);

static const char *
store_kind_name(enum store_kind kind)
{
	return kind == STORE_FORWARD ? "forward" : "masq";
}

/* The directory holding @path ("." when it names none).  Caller frees. */
static char *
store_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (!slash) {
		free(dir);
		return xstrdup(".");
	}
	*(slash == dir ? slash + 1 : slash) = '\0';
	return dir;
}

/*
 * Who holds the write lock of the WAL database @path: SQLite takes it as
 * a POSIX lock on byte 120 of PATH-shm, which /proc/locks lists with the
 * holder's pid.  0 when that cannot be told.
 */
static long
store_lock_holder(const char *path)
{
	char *shm = xasprintf("%s-shm", path), line[256];
	unsigned int maj, min;
	unsigned long ino;
	long pid = 0, p, start;
	struct stat st;
	FILE *f;

	if (stat(shm, &st) == -1 || !(f = fopen("/proc/locks", "re"))) {
		free(shm);
		return 0;
	}
	while (!pid && fgets(line, sizeof(line), f)) {
		char kind[16], how[16];

		if (sscanf(line, "%*[^:]: %15s %*s %15s %ld %x:%x:%lu %ld",
			   kind, how, &p, &maj, &min, &ino, &start) == 7 &&
		    !strcmp(kind, "POSIX") && !strcmp(how, "WRITE") &&
		    start == 120 && ino == (unsigned long)st.st_ino &&
		    maj == major(st.st_dev) && min == minor(st.st_dev) &&
		    p != (long)getpid())
			pid = p;
	}
	fclose(f);
	free(shm);
	return pid;
}

/* "pid N (COMM)" of @pid into @buf. */
static const char *
store_pid_name(long pid, char *buf, size_t size)
{
	char path[64], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((f = fopen(path, "re"))) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	if (*comm)
		snprintf(buf, size, "pid %ld (%s)", pid, comm);
	else
		snprintf(buf, size, "pid %ld", pid);
	return buf;
}

/*
 * "PATH: WHAT: why", MASQ_ESTORE, with a hint on what to do.  A full
 * filesystem, a read-only database and a lock held past the busy timeout
 * get words of their own (they are the user's to fix); anything else is
 * SQLite's message.  Returns -1.
 */
static int
store_why(struct masq_err *e, const char *path, const char *what, int rc,
	  int sys, const char *msg)
{
	char *dir = store_dir(path), who[96];
	long pid;

	if (rc == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT) {
		err_set(e, MASQ_ESTORE, "%s: %s: the filesystem holding %s is "
			"full", path, what, dir);
		err_hint(e, "nothing was changed; free space on the filesystem "
			 "of %s (df %s) and run it again", dir, dir);
	} else if (rc == SQLITE_READONLY || sys == EROFS) {
		err_set(e, MASQ_ESTORE, "%s: %s: the database is read-only",
			path, what);
		err_hint(e, "nothing was changed; %s and the filesystem of %s "
			 "must be writable (remount it read-write, or fix "
			 "the file's mode)", path, dir);
	} else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		pid = store_lock_holder(path);
		err_set(e, MASQ_ESTORE, "%s: %s: the database is locked by %s "
			"(waited %d ms)", path, what, pid ?
			store_pid_name(pid, who, sizeof(who)) :
			"another process", STORE_BUSY_MS);
		err_hint(e, "nothing was changed; another masqsh (a shell in "
			 "the middle of a transaction?) or a sqlite3 session "
			 "holds the write lock: finish it, then run this "
			 "again");
	} else {
		err_set(e, MASQ_ESTORE, "%s: %s: %s", path, what, msg);
	}
	free(dir);
	return -1;
}

/* "PATH: WHAT: sqlite's message" (see store_why()).  Returns -1. */
static int
store_fail(struct store *s, struct masq_err *e, const char *what)
{
	int rc = sqlite3_extended_errcode(s->db) & 0xff;

	return store_why(e, s->path, what, rc,
			 rc == SQLITE_IOERR || rc == SQLITE_FULL ||
			 rc == SQLITE_CANTOPEN ? sqlite3_system_errno(s->db) :
			 0, sqlite3_errmsg(s->db));
}

const char *
store_default_path(void)
{
	const char *p = getenv("MASQSH_DB");

	return p && *p ? p : MASQSH_DBDIR "/masq.db";
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

/* ---- statements ---------------------------------------------------------- */

static int
store_exec(struct store *s, const char *sql, const char *what,
	   struct masq_err *e)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, what);
	return 0;
}

static int
store_prep(struct store *s, sqlite3_stmt **st, const char *sql,
	   const char *what, struct masq_err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_fail(s, e, what);
	}
	return 0;
}

/* Run a statement that returns no rows; finalizes it.  */
static int
store_done(struct store *s, sqlite3_stmt *st, const char *what,
	   struct masq_err *e)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(s, e, what);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * Step @st to its end, one array element of @size bytes per row: zeroed,
 * then filled by @fill.  The array goes to *@v and its length to *@n; on a
 * failed step what was read is given to @drop and -1 returned with @e set
 * from @what.  Finalizes @st either way.  (Every list below is this loop.)
 */
typedef void store_fill_fn(sqlite3_stmt *st, void *el);
typedef void store_drop_fn(void *v, size_t n);

static int
store_collect(struct store *s, sqlite3_stmt *st, size_t size,
	      store_fill_fn *fill, store_drop_fn *drop, void **v, size_t *n,
	      const char *what, struct masq_err *e)
{
	unsigned char *a = NULL;
	size_t k = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			a = xreallocarray(a, cap, size);
		}
		memset(a + k * size, 0, size);
		fill(st, a + k * size);
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fail(s, e, what);
		drop(a, k);
		return -1;
	}
	*v = a;
	*n = k;
	return 0;
}

static char *
store_col_dup(sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	return xstrdup(v ? v : "");
}

/* NULL for an SQL NULL. */
static char *
store_col_dup_null(sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	return v ? xstrdup(v) : NULL;
}

/* Run "SQL" with up to three integer parameters (the rest ignored). */
static int
store_run3(struct store *s, const char *sql, int64_t a, int64_t b, int64_t c,
	   const char *what, struct masq_err *e)
{
	sqlite3_stmt *st;
	int n;

	if (store_prep(s, &st, sql, what, e) == -1)
		return -1;
	n = sqlite3_bind_parameter_count(st);
	if (n >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (n >= 2)
		sqlite3_bind_int64(st, 2, b);
	if (n >= 3)
		sqlite3_bind_int64(st, 3, c);
	return store_done(s, st, what, e);
}

/* One integer from "SQL" with up to two integer parameters; @none when no
 * row comes back.  */
static int
store_int(struct store *s, const char *sql, int64_t a, int64_t b,
	  int64_t none, int64_t *out, const char *what, struct masq_err *e)
{
	sqlite3_stmt *st;
	int rc, n;

	if (store_prep(s, &st, sql, what, e) == -1)
		return -1;
	n = sqlite3_bind_parameter_count(st);
	if (n >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (n >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = none;
	else
		store_fail(s, e, what);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* ---- transactions --------------------------------------------------------- */

/*
 * Put what this connection committed on disk.  The connections run with
 * synchronous = NORMAL (see store_settings()): COMMIT writes the WAL but
 * syncs nothing, and the syncing is left to a checkpoint, which syncs the
 * WAL, copies it into the database file and syncs that.  SQLite runs one
 * when the last connection closes; store_close() runs this passive one
 * first (when this connection began a write), so that a masqsh that
 * exits while another one (the engine, a REPL) keeps the database open
 * has its commits on disk too.  Only frames that a read still open
 * elsewhere needs stay unsynced until that reader lets go.  Errors are
 * not fatal here: the commits are in the WAL, and the next checkpoint
 * retries.
 */
static void
store_sync(struct store *s)
{
	if (!s->ro && !s->mem && s->wrote)
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
					  NULL, NULL);
}

/*
 * Open the bracket of one write function.  *@outer tells store_wend()
 * whether it opened the transaction itself or only a savepoint inside the
 * caller's.
 */
static int
store_wbegin(struct store *s, bool *outer, struct masq_err *e)
{
	if (store_materialize(s, e) == -1)
		return -1;
	*outer = sqlite3_get_autocommit(s->db) != 0;
	s->wrote = true;
	return store_exec(s, *outer ? "BEGIN IMMEDIATE" : "SAVEPOINT store_w",
			  "cannot start a transaction", e);
}

/* Close the bracket: commit when @ret is 0, else undo everything since
 * store_wbegin() (@e already holds the error).  Returns @ret or -1. */
static int
store_wend(struct store *s, bool outer, int ret, struct masq_err *e)
{
	if (ret == 0) {
		if (store_exec(s, outer ? "COMMIT" : "RELEASE store_w",
			       "cannot commit", e) == 0)
			return 0;
		ret = -1;
	}
	/* SQLite may already have rolled the whole transaction back (e.g. on
	 * SQLITE_FULL); then there is nothing left to undo. */
	if (sqlite3_get_autocommit(s->db))
		return ret;
	if (outer)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	else
		sqlite3_exec(s->db, "ROLLBACK TO store_w; RELEASE store_w",
			     NULL, NULL, NULL);
	return ret;
}

/*
 * Frames the commit of a transaction may still append to the WAL after
 * store_reserve(): with nothing dirty left SQLite writes page 1 again as
 * the commit frame; one more for slack.
 */
#define STORE_COMMIT_FRAMES 2

int
store_reserve(struct store *s, struct masq_err *e)
{
	sqlite3_file *wal = NULL;
	sqlite3_int64 size, want;
	int64_t psize;
	int rc, chunk, page;

	if (s->mem || sqlite3_get_autocommit(s->db))
		return 0;
	rc = sqlite3_db_cacheflush(s->db);
	if (rc != SQLITE_OK)
		return store_why(e, s->path, "cannot write the transaction",
				 rc & 0xff, sqlite3_system_errno(s->db),
				 sqlite3_errstr(rc));
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
				 &wal) != SQLITE_OK || !wal || !wal->pMethods)
		return 0;
	if (wal->pMethods->xFileSize(wal, &size) != SQLITE_OK)
		return 0;
	if (store_int(s, "PRAGMA page_size", 0, 0, 4096, &psize,
		      "cannot read the page size", e) == -1)
		return -1;
	page = (int)psize;
	/* a frame is a 24-byte header and a page */
	want = size + STORE_COMMIT_FRAMES * (sqlite3_int64)(page + 24);
	chunk = page;
	wal->pMethods->xFileControl(wal, SQLITE_FCNTL_CHUNK_SIZE, &chunk);
	rc = wal->pMethods->xFileControl(wal, SQLITE_FCNTL_SIZE_HINT, &want);
	if (rc == SQLITE_OK || rc == SQLITE_NOTFOUND)
		return 0;
	return store_why(e, s->path, "cannot reserve room for the commit",
			 SQLITE_FULL, ENOSPC, "");
}

int
store_begin(struct store *s, struct masq_err *e)
{
	char sql[64];

	if (s->depth == 0 && store_materialize(s, e) == -1)
		return -1;
	s->wrote = true;
	if (s->depth == 0 || sqlite3_get_autocommit(s->db)) {
		if (store_exec(s, "BEGIN IMMEDIATE",
			       "cannot start a transaction", e) == -1)
			return -1;
		s->depth = 1;
		return 0;
	}
	snprintf(sql, sizeof(sql), "SAVEPOINT store_t%u", s->depth);
	if (store_exec(s, sql, "cannot start a transaction", e) == -1)
		return -1;
	s->depth++;
	return 0;
}

int
store_commit(struct store *s, struct masq_err *e)
{
	char sql[64];

	if (s->depth == 0)
		return err_set(e, MASQ_ESTORE, "%s: no transaction to commit",
			       s->path);
	if (sqlite3_get_autocommit(s->db)) {
		s->depth = 0;
		return err_set(e, MASQ_ESTORE,
			       "%s: the transaction was rolled back after an error",
			       s->path);
	}
	if (s->depth > 1) {
		snprintf(sql, sizeof(sql), "RELEASE store_t%u", s->depth - 1);
		if (store_exec(s, sql, "cannot commit", e) == -1) {
			store_rollback(s);
			return -1;
		}
		s->depth--;
		return 0;
	}
	if (store_exec(s, "COMMIT", "cannot commit", e) == -1) {
		store_rollback(s);
		return -1;
	}
	s->depth = 0;
	return 0;
}

void
store_rollback(struct store *s)
{
	char sql[96];

	if (s->depth == 0)
		return;
	if (sqlite3_get_autocommit(s->db)) {
		s->depth = 0;		/* SQLite already undid it all */
		return;
	}
	if (s->depth > 1) {
		snprintf(sql, sizeof(sql), "ROLLBACK TO store_t%u; RELEASE store_t%u",
			 s->depth - 1, s->depth - 1);
		sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		s->depth--;
		return;
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->depth = 0;
}

/* ---- opening and migrating ------------------------------------------------- */

/* Make the missing directories above @path, each 0700. */
static int
store_mkparents(const char *path, struct masq_err *e)
{
	char *dir = xstrdup(path), *p;
	int ret = -1;

	for (p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == 0) {
			if (chmod(dir, 0700) == -1) {
				err_sys(e, MASQ_ESTORE, errno, "%s", dir);
				goto out;
			}
		} else if (errno != EEXIST) {
			err_sys(e, MASQ_ESTORE, errno,
				"cannot create directory %s", dir);
			goto out;
		}
		*p = '/';
	}
	ret = 0;
out:
	free(dir);
	return ret;
}

/*
 * Create @path 0600 if it does not exist yet, before SQLite touches it,
 * making missing parent directories (0700) first.  An existing file costs
 * one open(): the parents are only walked when the file's directory is
 * missing.
 *
 * The -wal and -shm files need nothing here: SQLite's unix VFS creates
 * them with the database file's mode (and owner, as root), fchmod()ing
 * past the umask, so a 0600 database gets 0600 ones (tests/cli/
 * file_modes.sh checks it under umask 022).  An existing database is left
 * as it is, looser mode included, and so are its directories: that is
 * the administrator's choice (a group that reads the rules, a file made
 * by a package), the side files follow it, and no command rewrites the
 * modes of a file it did not create.
 */
static int
store_create_file(const char *path, struct masq_err *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd == -1 && errno == ENOENT) {
		if (store_mkparents(path, e) == -1)
			return -1;
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	}
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		return err_sys(e, MASQ_ESTORE, errno, "cannot create %s", path);
	}
	if (fchmod(fd, 0600) == -1) {
		err_sys(e, MASQ_ESTORE, errno, "cannot set the mode of %s", path);
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static int
store_version(struct store *s, int64_t *v, struct masq_err *e)
{
	return store_int(s, "PRAGMA user_version", 0, 0, 0, v,
			 "cannot read the schema version", e);
}

static int
store_check_version(struct store *s, int64_t v, struct masq_err *e)
{
	if (v >= 0 && (uint64_t)v <= store_migrations_count)
		return 0;
	err_set(e, MASQ_ESTORE, "%s: database schema version %lld is newer "
		"than this masqsh knows (%zu)", s->path, (long long)v,
		store_migrations_count);
	return err_hint(e, "upgrade masqsh, or use another database with --db");
}

/* Run the migrations past the file's version, one transaction each. */
static int
store_migrate(struct store *s, struct masq_err *e)
{
	char sql[64], what[64];
	int64_t v;
	size_t i;
	bool outer;

	for (;;) {
		if (store_wbegin(s, &outer, e) == -1)
			return -1;
		/* re-read under the write lock: another masqsh may have
		 * migrated meanwhile */
		if (store_version(s, &v, e) == -1 ||
		    store_check_version(s, v, e) == -1)
			return store_wend(s, outer, -1, e);
		i = (size_t)v;
		if (i == store_migrations_count)
			return store_wend(s, outer, 0, e);
		snprintf(what, sizeof(what), "migration %03zu failed", i + 1);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", i + 1);
		if (store_exec(s, store_migrations[i], what, e) == -1 ||
		    store_exec(s, sql, what, e) == -1)
			return store_wend(s, outer, -1, e);
		if (store_wend(s, outer, 0, e) == -1)
			return -1;
	}
}

/*
 * Process-wide SQLite settings, before the first connection initialises
 * the library.  No bulk page-cache preallocation: SQLite would otherwise
 * write the headers of 20 page slots (~80 KiB) on the first read, which
 * costs more page faults than a whole "masq list" needs; pages are
 * allocated one at a time instead.  Also no memory statistics, which we
 * never read.  Both are ignored (SQLITE_MISUSE) if the library was already
 * initialised by someone else, which is harmless.
 */
static void
store_sqlite_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)NULL, 0, 0);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * The connection settings.  The WAL file and its index (-wal, -shm) are
 * kept between runs (PERSIST_WAL) instead of being created and unlinked
 * by every masqsh; journal_size_limit = 0 truncates the checkpointed WAL
 * to zero bytes on close, so what stays on disk is an empty -wal and the
 * 32 KiB index.  synchronous = NORMAL leaves the syncing to the
 * checkpoint at close (store_sync()): a sync costs milliseconds on a busy
 * disk, and FULL spent five of them on one apply and one per commit of a
 * script, where NORMAL takes four per writing process (WAL header, its
 * directory, WAL, database file) and none for a reader.  What changes:
 * a long-lived connection (the REPL, the engine) has its commits synced
 * by the next checkpoint (every 1,000 WAL pages) or when it closes, not
 * at each commit.  The database stays consistent after a crash either
 * way; a power loss can only lose such not-yet-synced commits.
 */
static int
store_settings(struct store *s, struct masq_err *e)
{
	int one = 1;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (!s->ro)
		sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL,
				     &one);
	return store_exec(s, s->ro ? "PRAGMA foreign_keys = ON" :
			  "PRAGMA foreign_keys = ON; "
			  "PRAGMA synchronous = NORMAL; "
			  "PRAGMA journal_size_limit = 0", "cannot open", e);
}

/* ---- connecting -------------------------------------------------------------- */

/* How store_dial() opens the connection. */
enum store_how {
	STORE_HOW_RW,		/* read-write, the file must exist */
	STORE_HOW_RO,		/* read-only */
	STORE_HOW_FROZEN,	/* read-only and immutable: no -wal/-shm used */
	STORE_HOW_MEMORY,	/* an empty database in memory */
};

/*
 * "file:PATH?mode=ro&immutable=1" with PATH percent-encoded.  SQLite
 * reads such a file without locks and without its -wal and -shm, so
 * nothing is created next to it.  Caller frees.
 */
static char *
store_uri_frozen(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *tail = "?mode=ro&immutable=1";
	char *uri = xmalloc(strlen("file:") + 3 * strlen(path) +
			    strlen(tail) + 1), *o = uri;
	const unsigned char *p;

	o += sprintf(o, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._~-", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	strcpy(o, tail);
	return uri;
}

/* Open s->db as @how; on error s->db may hold a handle to close. */
static int
store_dial(struct store *s, enum store_how how, struct masq_err *e)
{
	int flags = SQLITE_OPEN_READONLY;
	char *uri = NULL;
	const char *name = s->path;
	int rc;

	s->ro = how == STORE_HOW_RO || how == STORE_HOW_FROZEN;
	s->mem = how == STORE_HOW_MEMORY;
	if (how == STORE_HOW_RW) {
		flags = SQLITE_OPEN_READWRITE;
	} else if (how == STORE_HOW_MEMORY) {
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
		name = ":memory:";
	} else if (how == STORE_HOW_FROZEN) {
		flags |= SQLITE_OPEN_URI;
		name = uri = store_uri_frozen(s->path);
	}
	rc = sqlite3_open_v2(name, &s->db, flags, NULL);
	free(uri);
	if (rc == SQLITE_OK)
		return 0;
	if (!s->db)
		return err_set(e, MASQ_ESTORE, "%s: cannot open: out of memory",
			       s->path);
	return store_fail(s, e, "cannot open");
}

/* Drop the connection of @s (none open: nothing to do). */
static void
store_hangup(struct store *s)
{
	sqlite3_close_v2(s->db);
	s->db = NULL;
}

/*
 * Settings, then the schema version: the first real read, where a file
 * that is not a database fails with SQLite's words.  A read-only
 * connection needs the version to be current; a writable one migrates.
 * The steady state costs one read and no write: WAL mode is a property of
 * the file, switched on with the first migration, so a file whose version
 * is current is left as it is and no write transaction is taken.
 */
static int
store_ready(struct store *s, struct masq_err *e)
{
	int64_t v;

	if (store_settings(s, e) == -1 || store_version(s, &v, e) == -1 ||
	    store_check_version(s, v, e) == -1)
		return -1;
	if ((uint64_t)v == store_migrations_count)
		return 0;
	if (s->ro) {
		err_set(e, MASQ_ESTORE, "%s: database schema version %lld is "
			"older than this masqsh (%zu)", s->path, (long long)v,
			store_migrations_count);
		return err_hint(e, "run masqsh once to upgrade it");
	}
	if (!s->mem && store_exec(s, "PRAGMA journal_mode = WAL",
				  "cannot switch to WAL", e) == -1)
		return -1;
	return store_migrate(s, e);
}

/* Does @path + @suffix exist?  @empty_too: an empty file counts as none. */
static bool
store_side_file(const char *path, const char *suffix, bool empty_too)
{
	char *side = xasprintf("%s%s", path, suffix);
	struct stat st;
	bool there = stat(side, &st) == 0 && (!empty_too || st.st_size > 0);

	free(side);
	return there;
}

/*
 * A read-only connection that never needs write access and never creates
 * a file.  In WAL mode SQLite reads through the -shm index, which it must
 * create when it is missing: impossible on a read-only mount or for a user
 * who may not write the directory, and a reader must not leave files
 * behind anyway.  When there is no -shm and the -wal is missing or empty,
 * every commit is in the database file itself (each masqsh writer
 * checkpoints and empties the WAL when it closes; a running writer keeps
 * the -shm), so the file is read "immutable", with neither of them.  The
 * same when the normal open fails for want of write access under those
 * conditions.  A -wal holding commits without a -shm to go with it cannot
 * be read without writing: that is an error naming it.
 */
static int
store_connect_ro(struct store *s, struct masq_err *e)
{
	bool wal = store_side_file(s->path, "-wal", true);
	int rc;

	if (!wal && !store_side_file(s->path, "-shm", false))
		return store_dial(s, STORE_HOW_FROZEN, e) == -1 ? -1 :
			store_ready(s, e);
	if (store_dial(s, STORE_HOW_RO, e) == 0 && store_ready(s, e) == 0)
		return 0;
	rc = s->db ? sqlite3_extended_errcode(s->db) & 0xff : SQLITE_CANTOPEN;
	if ((rc != SQLITE_CANTOPEN && rc != SQLITE_READONLY) || wal) {
		if (wal && (rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY))
			err_hint(e, "its write-ahead log %s-wal holds changes "
				 "that only a process allowed to write there "
				 "can read in", s->path);
		return -1;
	}
	store_hangup(s);
	err_reset(e);
	if (store_dial(s, STORE_HOW_FROZEN, e) == -1)
		return -1;
	return store_ready(s, e);
}

/* "no database at PATH" (ENOENT) or the reason @path cannot be looked at. */
static int
store_absent(const char *path, int err, struct masq_err *e)
{
	if (err != ENOENT)
		return err_sys(e, MASQ_ESTORE, err, "cannot open %s", path);
	err_set(e, MASQ_ESTORE, "no database at %s", path);
	return err_hint(e, "nothing was staged there yet ('masq add' creates "
			"it); check --db and $MASQSH_DB");
}

/* MASQ_ESTORE with the reason when this process may not write @path. */
static int
store_check_writable(const char *path, struct masq_err *e)
{
	char *dir;

	if (access(path, W_OK) == 0)
		return 0;
	err_sys(e, MASQ_ESTORE, errno, "cannot write %s", path);
	if (errno == EROFS) {
		dir = store_dir(path);
		err_hint(e, "nothing was changed; the filesystem of %s is "
			 "read-only: remount it read-write", dir);
		free(dir);
		return -1;
	}
	return err_hint(e, "reading needs no write access, changing the rules "
			"does (run as root?)");
}

bool
store_writable(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	bool ok;

	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	ok = access(path, W_OK) == 0 && access(slash ? dir : ".", W_OK) == 0;
	free(dir);
	return ok;
}

int
store_open_mode(struct store **sp, const char *path, enum store_mode mode,
		struct masq_err *e)
{
	struct store *s;
	struct stat st;
	bool missing;
	int rc;

	*sp = NULL;
	if (!path)
		path = store_default_path();
	store_sqlite_setup();
	missing = stat(path, &st) == -1;
	if (missing && (errno != ENOENT || mode == STORE_READ ||
			mode == STORE_WRITE))
		return store_absent(path, errno, e);
	if (mode == STORE_CREATE && missing &&
	    store_create_file(path, e) == -1)
		return -1;
	if (!missing && mode != STORE_READ && mode != STORE_CHECK &&
	    store_check_writable(path, e) == -1)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	if (missing && mode != STORE_CREATE)
		rc = store_dial(s, STORE_HOW_MEMORY, e) == -1 ? -1 :
			store_ready(s, e);
	else if (mode == STORE_READ || mode == STORE_CHECK)
		rc = store_connect_ro(s, e);
	else
		rc = store_dial(s, STORE_HOW_RW, e) == -1 ? -1 :
			store_ready(s, e);
	if (rc == -1) {
		store_close(s);
		return -1;
	}
	/* only now: migrating the stand-in must not create the file */
	s->may_create = s->mem && mode == STORE_STAGE;
	*sp = s;
	return 0;
}

/*
 * The first write to a database that did not exist (STORE_STAGE) creates
 * the file and moves the connection there; what was read before came
 * from the empty stand-in in memory, which is what the new file holds.
 */
static int
store_materialize(struct store *s, struct masq_err *e)
{
	struct store *f;

	if (!s->mem || !s->may_create)
		return 0;
	if (store_open_mode(&f, s->path, STORE_CREATE, e) == -1)
		return -1;
	store_hangup(s);
	s->db = f->db;
	s->mem = false;
	s->ro = false;
	f->db = NULL;
	store_close(f);
	return 0;
}

int
store_open(struct store **s, const char *path, struct masq_err *e)
{
	return store_open_mode(s, path, STORE_CREATE, e);
}

int
store_open_ro(struct store **s, const char *path, struct masq_err *e)
{
	return store_open_mode(s, path, STORE_READ, e);
}

bool
store_readonly(const struct store *s)
{
	return s->ro;
}

bool
store_missing(const struct store *s)
{
	return s->mem;
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	if (s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (s->db)
		store_sync(s);
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

int
store_schema_version(struct store *s)
{
	struct masq_err e;
	int64_t v;

	err_init(&e);
	if (store_version(s, &v, &e) == -1)
		v = -1;
	err_done(&e);
	return (int)v;
}

/* ---- rules ------------------------------------------------------------------ */

static void
store_row_fill(sqlite3_stmt *st, void *el)
{
	struct store_row *r = el;

	r->id = sqlite3_column_int64(st, 0);
	r->pos = (unsigned int)sqlite3_column_int64(st, 1);
	r->spec = store_col_dup(st, 2);
}

static void
store_row_drop(void *v, size_t n)
{
	store_rows_free(v, n);
}

int
store_rows_list(struct store *s, enum store_kind kind, struct store_row **rows,
		size_t *n, struct masq_err *e)
{
	static const char *const what = "cannot list rules";
	sqlite3_stmt *st;
	void *v;

	*rows = NULL;
	*n = 0;
	if (store_prep(s, &st, "SELECT id, pos, spec FROM rules WHERE kind = ?1 "
		       "ORDER BY pos", what, e) == -1)
		return -1;
	sqlite3_bind_int(st, 1, kind);
	if (store_collect(s, st, sizeof(**rows), store_row_fill,
			  store_row_drop, &v, n, what, e) == -1)
		return -1;
	*rows = v;
	return 0;
}

void
store_rows_free(struct store_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n && rows; i++)
		free(rows[i].spec);
	free(rows);
}

/*
 * Add @delta to pos of the rows of @kind with lo <= pos <= hi.  (kind, pos)
 * is unique and SQLite checks it row by row, so the rows go through
 * negative positions first.
 */
static int
store_shift(struct store *s, enum store_kind kind, int64_t lo, int64_t hi,
	    int delta, struct masq_err *e)
{
	static const char *const what = "cannot renumber rules";
	sqlite3_stmt *st;

	if (lo > hi)
		return 0;
	if (store_prep(s, &st, "UPDATE rules SET pos = -(pos + ?4) "
		       "WHERE kind = ?1 AND pos BETWEEN ?2 AND ?3", what, e) == -1)
		return -1;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	sqlite3_bind_int(st, 4, delta);
	if (store_done(s, st, what, e) == -1)
		return -1;
	return store_run3(s, "UPDATE rules SET pos = -pos "
			  "WHERE kind = ?1 AND pos < 0", kind, 0, 0, what, e);
}

static int
store_count(struct store *s, enum store_kind kind, int64_t *n,
	    struct masq_err *e)
{
	return store_int(s, "SELECT count(*) FROM rules WHERE kind = ?1",
			 kind, 0, 0, n, "cannot count rules", e);
}

/* Position of rule @id of @kind; MASQ_EFAIL when there is none. */
static int
store_pos_of(struct store *s, enum store_kind kind, int64_t id, int64_t *pos,
	     struct masq_err *e)
{
	if (store_int(s, "SELECT pos FROM rules WHERE kind = ?1 AND id = ?2",
		      kind, id, 0, pos, "cannot find rule", e) == -1)
		return -1;
	if (*pos == 0) {
		err_set(e, MASQ_EFAIL, "no %s rule %lld", store_kind_name(kind),
			(long long)id);
		return err_hint(e, "'%s list' shows the rule numbers",
				store_kind_name(kind));
	}
	return 0;
}

int
store_row_pos(struct store *s, enum store_kind kind, int64_t id,
	      unsigned int *pos, struct masq_err *e)
{
	int64_t p;

	if (store_pos_of(s, kind, id, &p, e) == -1)
		return -1;
	*pos = (unsigned int)p;
	return 0;
}

static int
store_insert_at(struct store *s, enum store_kind kind, int64_t pos,
		const char *spec, int64_t *id, struct masq_err *e)
{
	static const char *const what = "cannot add rule";
	sqlite3_stmt *st;

	if (store_prep(s, &st, "INSERT INTO rules (kind, pos, spec) "
		       "VALUES (?1, ?2, ?3)", what, e) == -1)
		return -1;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, pos);
	if (spec)
		sqlite3_bind_text(st, 3, spec, -1, SQLITE_STATIC);
	if (store_done(s, st, what, e) == -1)
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_row_insert(struct store *s, enum store_kind kind, unsigned int at,
		 const char *spec, int64_t *id, struct masq_err *e)
{
	int64_t n, pos;
	bool outer;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_count(s, kind, &n, e) == -1)
		goto out;
	pos = at == 0 || at > n ? n + 1 : at;
	if (store_shift(s, kind, pos, n, 1, e) == -1 ||
	    store_insert_at(s, kind, pos, spec, id, e) == -1)
		goto out;
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

int
store_row_delete(struct store *s, enum store_kind kind, int64_t id,
		 struct masq_err *e)
{
	int64_t pos, n;
	bool outer;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_pos_of(s, kind, id, &pos, e) == -1 ||
	    store_run3(s, "DELETE FROM rules WHERE id = ?1", id, 0, 0,
		       "cannot delete rule", e) == -1 ||
	    store_count(s, kind, &n, e) == -1 ||
	    store_shift(s, kind, pos + 1, n + 1, -1, e) == -1)
		goto out;
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

int
store_row_move(struct store *s, enum store_kind kind, int64_t id,
	       unsigned int to, struct masq_err *e)
{
	int64_t from, n, dest;
	bool outer;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_pos_of(s, kind, id, &from, e) == -1 ||
	    store_count(s, kind, &n, e) == -1)
		goto out;
	dest = to == 0 || to > n ? n : to;
	if (dest != from) {
		/* park the row at 0, close the gap, open one at dest */
		if (store_run3(s, "UPDATE rules SET pos = 0 WHERE id = ?1",
			       id, 0, 0, "cannot move rule", e) == -1)
			goto out;
		if (dest < from ? store_shift(s, kind, dest, from - 1, 1, e) :
				  store_shift(s, kind, from + 1, dest, -1, e))
			goto out;
		if (store_run3(s, "UPDATE rules SET pos = ?2 WHERE id = ?1",
			       id, dest, 0, "cannot move rule", e) == -1)
			goto out;
	}
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

int
store_rows_replace(struct store *s, enum store_kind kind,
		   const char *const *specs, size_t n, struct masq_err *e)
{
	bool outer;
	size_t i;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_run3(s, "DELETE FROM rules WHERE kind = ?1", kind, 0, 0,
		       "cannot replace rules", e) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (store_insert_at(s, kind, (int64_t)i + 1, specs[i], NULL,
				    e) == -1)
			goto out;
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

/* ---- settings ----------------------------------------------------------------- */

int
store_setting_get(struct store *s, const char *key, char **val,
		  struct masq_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*val = NULL;
	if (store_prep(s, &st, "SELECT value FROM settings WHERE key = ?1",
		       "cannot read setting", e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		*val = xstrdup(v ? v : "");
	} else if (rc != SQLITE_DONE) {
		store_fail(s, e, "cannot read setting");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_setting_set(struct store *s, const char *key, const char *val,
		  struct masq_err *e)
{
	static const char *const what = "cannot write setting";
	sqlite3_stmt *st;
	bool outer;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_prep(s, &st, val ?
		       "INSERT OR REPLACE INTO settings (key, value) "
		       "VALUES (?1, ?2)" :
		       "DELETE FROM settings WHERE key = ?1", what, e) == -1)
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (val)
		sqlite3_bind_text(st, 2, val, -1, SQLITE_STATIC);
	ret = store_done(s, st, what, e);
out:
	return store_wend(s, outer, ret, e);
}

/* ---- revisions ----------------------------------------------------------------- */

int
store_revision_add(struct store *s, const char *rules, const char *compiled,
		   const char *status, int64_t *id, struct masq_err *e)
{
	static const char *const what = "cannot record the revision";
	sqlite3_stmt *st;
	bool outer;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_prep(s, &st, "INSERT INTO revisions (applied_at, rules, "
		       "compiled, status) VALUES (?1, ?2, ?3, ?4)", what,
		       e) == -1)
		goto out;
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	sqlite3_bind_text(st, 2, rules, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, compiled, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
	if (store_done(s, st, what, e) == -1)
		goto out;
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

/* The columns every revision query selects, in store_rev_fill()'s order;
 * @compiled is the compiled column, or '' when it is not wanted. */
#define STORE_REV_COLS(compiled)					\
	"SELECT id, applied_at, rules, " compiled ", status, deadline, "	\
	"prev, origin, user, rule_ids, timeouts FROM revisions "

static void
store_rev_fill(sqlite3_stmt *st, void *el)
{
	struct store_revision *r = el;

	r->id = sqlite3_column_int64(st, 0);
	r->applied_at = sqlite3_column_int64(st, 1);
	r->rules = store_col_dup(st, 2);
	r->compiled = store_col_dup(st, 3);
	r->status = store_col_dup(st, 4);
	r->deadline = sqlite3_column_int64(st, 5);
	r->prev = sqlite3_column_int64(st, 6);
	r->origin = store_col_dup_null(st, 7);
	r->user = store_col_dup_null(st, 8);
	r->rule_ids = store_col_dup_null(st, 9);
	r->timeouts = store_col_dup_null(st, 10);
}

/* One revision from "@sql" with one integer parameter @a (ignored when
 * the statement has none).  1 when no row. */
static int
store_rev_one(struct store *s, const char *sql, int64_t a,
	      struct store_revision *r, struct masq_err *e)
{
	sqlite3_stmt *st;
	int rc, ret = -1;

	memset(r, 0, sizeof(*r));
	if (store_prep(s, &st, sql, "cannot read revisions", e) == -1)
		return -1;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_rev_fill(st, r);
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		ret = 1;
	} else {
		store_fail(s, e, "cannot read revisions");
	}
	sqlite3_finalize(st);
	return ret;
}

int
store_revision_last(struct store *s, struct store_revision *r,
		    struct masq_err *e)
{
	return store_rev_one(s, STORE_REV_COLS("compiled")
			     "ORDER BY id DESC LIMIT 1", 0, r, e);
}

void
store_revision_done(struct store_revision *r)
{
	free(r->rules);
	free(r->compiled);
	free(r->status);
	free(r->origin);
	free(r->user);
	free(r->rule_ids);
	free(r->timeouts);
	memset(r, 0, sizeof(*r));
}

/* ---- revisions: history, rollback, apply confirm ---------------------------- */

static void
store_bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void
store_bind_int_or_null(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int
store_revision_record(struct store *s, const struct store_revision *r,
		      int64_t *id, struct masq_err *e)
{
	static const char *const what = "cannot record the revision";
	sqlite3_stmt *st;
	bool outer;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_prep(s, &st, "INSERT INTO revisions (applied_at, rules, "
		       "compiled, status, deadline, prev, origin, user, "
		       "rule_ids, timeouts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		       "?8, ?9, ?10)",
		       what, e) == -1)
		goto out;
	sqlite3_bind_int64(st, 1, r->applied_at ? r->applied_at :
			   (int64_t)time(NULL));
	sqlite3_bind_text(st, 2, r->rules ? r->rules : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->compiled ? r->compiled : "", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->status ? r->status : STORE_REV_APPLIED, -1,
			  SQLITE_STATIC);
	store_bind_int_or_null(st, 5, r->deadline);
	store_bind_int_or_null(st, 6, r->prev);
	store_bind_text_or_null(st, 7, r->origin);
	store_bind_text_or_null(st, 8, r->user);
	store_bind_text_or_null(st, 9, r->rule_ids);
	store_bind_text_or_null(st, 10, r->timeouts);
	if (store_done(s, st, what, e) == -1)
		goto out;
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

int
store_revision_get(struct store *s, int64_t id, struct store_revision *r,
		   struct masq_err *e)
{
	return store_rev_one(s, STORE_REV_COLS("compiled") "WHERE id = ?1",
			     id, r, e);
}

int
store_revision_pending(struct store *s, struct store_revision *r,
		       struct masq_err *e)
{
	return store_rev_one(s, STORE_REV_COLS("compiled")
			     "WHERE status = 'pending' ORDER BY id DESC "
			     "LIMIT 1", 0, r, e);
}

static void
store_rev_drop(void *v, size_t n)
{
	store_revisions_free(v, n);
}

int
store_revisions_list(struct store *s, size_t limit, struct store_revision **v,
		     size_t *n, struct masq_err *e)
{
	static const char *const what = "cannot read revisions";
	sqlite3_stmt *st;
	void *a;

	*v = NULL;
	*n = 0;
	if (store_prep(s, &st, STORE_REV_COLS("''") "ORDER BY id DESC "
		       "LIMIT ?1", what, e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, limit ? (int64_t)limit : -1);
	if (store_collect(s, st, sizeof(**v), store_rev_fill, store_rev_drop,
			  &a, n, what, e) == -1)
		return -1;
	*v = a;
	return 0;
}

void
store_revisions_free(struct store_revision *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_revision_done(&v[i]);
	free(v);
}

int
store_revision_set_status(struct store *s, int64_t id, const char *from,
			  const char *to, bool *changed, struct masq_err *e)
{
	static const char *const what = "cannot change the revision's status";
	sqlite3_stmt *st;
	bool outer;
	int ret = -1;

	if (changed)
		*changed = false;
	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_prep(s, &st, from ?
		       "UPDATE revisions SET status = ?2 WHERE id = ?1 AND "
		       "status = ?3" :
		       "UPDATE revisions SET status = ?2 WHERE id = ?1",
		       what, e) == -1)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	if (from)
		sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
	if (store_done(s, st, what, e) == -1)
		goto out;
	if (changed)
		*changed = sqlite3_changes(s->db) > 0;
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

int
store_rows_restore(struct store *s, enum store_kind kind, const int64_t *ids,
		   const char *const *specs, size_t n, struct masq_err *e)
{
	static const char *const what = "cannot restore rules";
	sqlite3_stmt *st;
	bool outer;
	size_t i;
	int ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_run3(s, "DELETE FROM rules WHERE kind = ?1", kind, 0, 0,
		       what, e) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (!ids || ids[i] <= 0) {
			if (store_insert_at(s, kind, (int64_t)i + 1, specs[i],
					    NULL, e) == -1)
				goto out;
			continue;
		}
		if (store_prep(s, &st, "INSERT INTO rules (id, kind, pos, spec) "
			       "VALUES (?1, ?2, ?3, ?4)", what, e) == -1)
			goto out;
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int(st, 2, kind);
		sqlite3_bind_int64(st, 3, (int64_t)i + 1);
		sqlite3_bind_text(st, 4, specs[i], -1, SQLITE_STATIC);
		if (store_done(s, st, what, e) == -1)
			goto out;
	}
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

/* ---- alerts (masqsh engine) -------------------------------------------------- */

int
store_alert_raise(struct store *s, const char *kind, const char *key,
		  const char *message, const char *host, int64_t *id,
		  bool *created, struct masq_err *e)
{
	static const char *const what = "cannot record the alert";
	sqlite3_stmt *st = NULL;
	int64_t old = 0;
	bool outer;
	int rc, ret = -1;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	if (store_prep(s, &st, "SELECT id FROM alerts WHERE kind = ?1 AND "
		       "key = ?2 AND cleared_at IS NULL", what, e) == -1)
		goto out;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		old = sqlite3_column_int64(st, 0);
	} else if (rc != SQLITE_DONE) {
		store_fail(s, e, what);
		sqlite3_finalize(st);
		goto out;
	}
	sqlite3_finalize(st);
	if (store_prep(s, &st, old ?
		       "UPDATE alerts SET message = ?3, host = ?4 WHERE id = ?5" :
		       "INSERT INTO alerts (raised_at, kind, key, message, host) "
		       "VALUES (?5, ?1, ?2, ?3, ?4)", what, e) == -1)
		goto out;
	if (!old) {
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
	if (host && *host)
		sqlite3_bind_text(st, 4, host, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, old ? old : (int64_t)time(NULL));
	if (store_done(s, st, what, e) == -1)
		goto out;
	if (id)
		*id = old ? old : sqlite3_last_insert_rowid(s->db);
	if (created)
		*created = !old;
	ret = 0;
out:
	return store_wend(s, outer, ret, e);
}

int
store_alert_clear(struct store *s, int64_t id, struct masq_err *e)
{
	bool outer;
	int ret;

	if (store_wbegin(s, &outer, e) == -1)
		return -1;
	ret = store_run3(s, "UPDATE alerts SET cleared_at = ?1 WHERE id = ?2 "
			 "AND cleared_at IS NULL", (int64_t)time(NULL), id, 0,
			 "cannot clear the alert", e);
	return store_wend(s, outer, ret, e);
}

static void
store_alert_fill(sqlite3_stmt *st, void *el)
{
	struct store_alert *a = el;

	a->id = sqlite3_column_int64(st, 0);
	a->raised_at = sqlite3_column_int64(st, 1);
	a->cleared_at = sqlite3_column_int64(st, 2);
	a->kind = store_col_dup(st, 3);
	a->key = store_col_dup(st, 4);
	a->message = store_col_dup(st, 5);
	a->host = store_col_dup(st, 6);
}

static void
store_alert_drop(void *v, size_t n)
{
	store_alerts_free(v, n);
}

int
store_alerts_list(struct store *s, bool all, struct store_alert **v,
		  size_t *n, struct masq_err *e)
{
	static const char *const what = "cannot read alerts";
	sqlite3_stmt *st;
	void *a;

	*v = NULL;
	*n = 0;
	if (store_prep(s, &st, all ?
		       "SELECT id, raised_at, cleared_at, kind, key, message, "
		       "host FROM alerts ORDER BY id" :
		       "SELECT id, raised_at, cleared_at, kind, key, message, "
		       "host FROM alerts WHERE cleared_at IS NULL ORDER BY id",
		       what, e) == -1)
		return -1;
	if (store_collect(s, st, sizeof(**v), store_alert_fill,
			  store_alert_drop, &a, n, what, e) == -1)
		return -1;
	*v = a;
	return 0;
}

void
store_alerts_free(struct store_alert *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].key);
		free(v[i].message);
		free(v[i].host);
	}
	free(v);
}

/* ---- light reads for the apply path ----------------------------------------- */

static void
store_setting_fill(sqlite3_stmt *st, void *el)
{
	struct store_setting *a = el;

	a->key = store_col_dup(st, 0);
	a->val = store_col_dup(st, 1);
}

static void
store_setting_drop(void *v, size_t n)
{
	store_settings_free(v, n);
}

int
store_settings_prefix(struct store *s, const char *prefix,
		      struct store_setting **v, size_t *n, struct masq_err *e)
{
	static const char *const what = "cannot read settings";
	size_t len = strlen(prefix);
	char *hi = xstrdup(prefix);
	sqlite3_stmt *st;
	void *a;
	int ret = -1;

	*v = NULL;
	*n = 0;
	/* the smallest key above every key that starts with @prefix */
	while (len && (unsigned char)hi[len - 1] == 0xff)
		hi[--len] = '\0';
	if (len)
		hi[len - 1] = (char)((unsigned char)hi[len - 1] + 1);
	if (store_prep(s, &st, "SELECT key, value FROM settings WHERE "
		       "key >= ?1 AND (?2 IS NULL OR key < ?2) ORDER BY key",
		       what, e) == -1)
		goto out;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	if (len)
		sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	if (store_collect(s, st, sizeof(**v), store_setting_fill,
			  store_setting_drop, &a, n, what, e) == -1)
		goto out;
	*v = a;
	ret = 0;
out:
	free(hi);	/* bound SQLITE_STATIC: only after the finalize */
	return ret;
}

void
store_settings_free(struct store_setting *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].val);
	}
	free(v);
}

int
store_revision_last_id(struct store *s, int64_t *id, struct masq_err *e)
{
	sqlite3_stmt *st;
	int rc, ret = -1;

	*id = 0;
	/* the rowid alone: no payload, so no overflow pages of the texts */
	if (store_prep(s, &st, "SELECT id FROM revisions ORDER BY id DESC "
		       "LIMIT 1", "cannot read revisions", e) == -1)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		ret = 1;
	} else {
		store_fail(s, e, "cannot read revisions");
	}
	sqlite3_finalize(st);
	return ret;
}

int
store_revision_same(struct store *s, int64_t id, const char *rules,
		    const char *compiled, const char *rule_ids,
		    const char *timeouts, struct masq_err *e)
{
	sqlite3_stmt *st;
	int rc, ret = -1;

	/* compared inside SQLite: the texts are not copied out */
	if (store_prep(s, &st, "SELECT rules = ?2 AND compiled = ?3 AND "
		       "IFNULL(rule_ids, '') = ?4 AND IFNULL(timeouts, '') = ?5 "
		       "FROM revisions WHERE id = ?1",
		       "cannot read revisions", e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, rules, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, compiled, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rule_ids ? rule_ids : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, timeouts ? timeouts : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ret = sqlite3_column_int(st, 0) ? 1 : 0;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else
		store_fail(s, e, "cannot read revisions");
	sqlite3_finalize(st);
	return ret;
}

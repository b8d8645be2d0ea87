/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_cmd.c - see fuzz_cmd.h. */
#include "config.h"

#define _GNU_SOURCE 1
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_cmd.h"

static struct fuzz_cmd *cleanup_fc;

static bool
left_out(const struct cmd_entry *ent, bool kernel, bool files)
{
	static const char *const names[] = {
		"watch", "engine", "diag", "diag mtu", "diag dynaddr",
		"report", "__confirm-timer", NULL,
	};
	const struct cmd_kw *kw;
	size_t i;

	for (i = 0; names[i]; i++)
		if (!strcmp(ent->name, names[i]))
			return true;
	if (files && (!strcmp(ent->name, "import shorewall") ||
		      !strcmp(ent->name, "export shorewall")))
		return false;
	for (kw = ent->kws; kw && kw->name; kw++)
		if (kw->type == CMD_ARG_FILE)
			return true;
	return !kernel && (ent->flags & CMD_KERNEL);
}

/* Everything in the scratch directory, then the directory. */
static void
cleanup(void)
{
	static const char *const names[] = {
		"masq.db", "masq.db-wal", "masq.db-shm", "masq.db-journal",
		"in", "out", NULL,
	};
	char path[160];
	size_t i;

	for (i = 0; names[i]; i++) {
		fuzz_cmd_path(cleanup_fc, path, sizeof(path), names[i]);
		unlink(path);
	}
	rmdir(cleanup_fc->dir);
}

void
fuzz_cmd_path(const struct fuzz_cmd *fc, char *buf, size_t size,
	      const char *name)
{
	snprintf(buf, size, "%s/%s", fc->dir, name);
}

void
fuzz_cmd_write(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fwrite(p, 1, n, fp) != n || fclose(fp) != 0)
		abort();
}

void
fuzz_cmd_init(struct fuzz_cmd *fc, bool files)
{
	static const struct cmd_entry *table[64];
	bool kernel = unshare(CLONE_NEWNET) == 0;
	size_t i, n = 0;

	memset(fc, 0, sizeof(*fc));
	/*
	 * tmpfs when there is one: SQLite fsyncs every write transaction,
	 * which on a disk made the store-driven targets (cli, import, store)
	 * run at a few hundred inputs a second.
	 */
	snprintf(fc->dir, sizeof(fc->dir), "/dev/shm/masqsh-fuzz.XXXXXX");
	if (!mkdtemp(fc->dir)) {
		snprintf(fc->dir, sizeof(fc->dir), "/tmp/masqsh-fuzz.XXXXXX");
		if (!mkdtemp(fc->dir))
			abort();
	}
	fuzz_cmd_path(fc, fc->db, sizeof(fc->db), "masq.db");
	cleanup_fc = fc;
	atexit(cleanup);
	for (i = 0; cmd_table[i] && n + 1 < sizeof(table) / sizeof(*table); i++)
		if (!left_out(cmd_table[i], kernel, files))
			table[n++] = cmd_table[i];
	table[n] = NULL;
	fc->devnull = fopen("/dev/null", "w");
	if (!fc->devnull)
		abort();
	fc->ctx.db_path = fc->db;
	fc->ctx.table = table;
	fc->ctx.out = out_new(fc->devnull, false);
	if (!kernel)
		fprintf(stderr, "fuzz: no network namespace of its own (not "
			"root?): the kernel's commands are left out\n");
}

int
fuzz_cmd_run(struct fuzz_cmd *fc, const char *line)
{
	struct masq_err e;
	int rc;

	err_init(&e);
	rc = cmd_run_line(&fc->ctx, line, &e);
	err_print(fc->devnull, &e, "fuzz", NULL);
	err_done(&e);
	return rc;
}

void
fuzz_cmd_close_store(struct fuzz_cmd *fc)
{
	if (fc->ctx.store) {
		store_close(fc->ctx.store);
		fc->ctx.store = NULL;
	}
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_store.c - the store opened on a mutated database file: the input
 * is the file.  The reading commands run on it in check mode, then one
 * write (which may migrate the schema) on the file itself.  Property: a
 * file that is not a masqsh database, or holds rows that no longer
 * parse, is a storage error (exit 4) or is read -- never a crash, a
 * hang or another exit class for `masq list`.
 * Which commands run, and in which namespace: fuzz_cmd.h.
 */
#include "config.h"

#include <unistd.h>

#include "fuzz.h"
#include "fuzz_cmd.h"

static struct fuzz_cmd fc;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_cmd_init(&fc, false);
	return 0;
}

static void
remove_db(void)
{
	static const char *const side[] = { "-wal", "-shm", "-journal", NULL };
	char path[200];
	size_t i;

	unlink(fc.db);
	for (i = 0; side[i]; i++) {
		snprintf(path, sizeof(path), "%s%s", fc.db, side[i]);
		unlink(path);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const reads[] = {
		"forward list", "revisions", "show compiled", "check",
		"helper list", "show alerts", "diff", NULL,
	};
	size_t i;
	int rc;

	if (size > 256 * 1024)
		return 0;
	fuzz_cmd_close_store(&fc);
	remove_db();
	fuzz_cmd_write(fc.db, data, size);
	fc.ctx.check_only = true;
	rc = fuzz_cmd_run(&fc, "masq list");
	fuzz_assert(rc == 0 || rc == 4, "masq list on a mutated file: %d",
		    rc);
	for (i = 0; reads[i]; i++)
		fuzz_cmd_run(&fc, reads[i]);
	fuzz_cmd_close_store(&fc);
	fc.ctx.check_only = false;
	fuzz_cmd_run(&fc, "masq add out eth0 from 10.9.0.0/16");
	fuzz_cmd_close_store(&fc);
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_cmd.h - what the targets that drive whole commands share
 * (fuzz_cli, fuzz_import, fuzz_store): a scratch directory, a command
 * context whose output goes to /dev/null, and the table of commands a
 * fuzzer may run.
 *
 * fuzz_cmd_init() first moves the process into a network namespace of
 * its own (root only), so the commands that talk to the kernel see an
 * empty one and the host's is never touched; without root those
 * commands are left out.  Left out always: what runs until stopped
 * (watch, engine, the confirm timer), what sends probes or reads the
 * whole system (diag, diag mtu, diag dynaddr, report), and what names a
 * file -- unless the target asks for the file commands (import and
 * export, which it then points only at files in its scratch directory).
 */
#ifndef MASQ_FUZZ_CMD_H
#define MASQ_FUZZ_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "shell/cmd.h"

struct fuzz_cmd {
	struct cmd_ctx ctx;
	FILE *devnull;
	char dir[64];		/* the scratch directory */
	char db[96];		/* dir/masq.db */
};

/* Set up @fc (abort on failure).  @files: keep import/export. */
void fuzz_cmd_init(struct fuzz_cmd *fc, bool files);

/* Run @line through the dispatcher; its error, if any, is printed to
 * /dev/null (err_print is fuzzed with it).  Returns the exit class. */
int fuzz_cmd_run(struct fuzz_cmd *fc, const char *line);

/* A path in the scratch directory. */
void fuzz_cmd_path(const struct fuzz_cmd *fc, char *buf, size_t size,
		   const char *name);

/* Write @n bytes to @path (abort on failure). */
void fuzz_cmd_write(const char *path, const void *p, size_t n);

/* Drop the store the context holds open (before its file changes). */
void fuzz_cmd_close_store(struct fuzz_cmd *fc);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hist.h - the interactive shell's saved history (~/.masqsh_history)
 * without readline's file functions: those open the file by name and
 * follow symbolic links.  The file is opened once, O_NOFOLLOW, must be a
 * regular file owned by the user, is created 0600 and capped by an atomic
 * rewrite (temporary file, fsync, rename).  No readline here: the lines
 * read go to a callback (repl.c's add_history).
 */
#ifndef MASQ_SHELL_HIST_H
#define MASQ_SHELL_HIST_H

#include <stddef.h>

#include "core/err.h"

struct hist {
	char *path;
	int fd;			/* read + append; -1: no saved history */
};

/*
 * Open (creating it 0600) the history file in @home and pass each saved
 * line to @add.  On -1 @e says why (the path included) and @h is closed:
 * the shell runs without saved history.
 */
int hist_open(struct hist *h, const char *home, void (*add)(const char *),
	      struct masq_err *e);

/* Append @line (one write).  On -1 @e says why; @h is closed. */
int hist_append(struct hist *h, const char *line, struct masq_err *e);

/*
 * Keep the last @keep lines of the file (rewritten atomically only when
 * it holds more) and close @h.  On -1 @e says why; the file is unchanged.
 */
int hist_close(struct hist *h, size_t keep, struct masq_err *e);

#endif

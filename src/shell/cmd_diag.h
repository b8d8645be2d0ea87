/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_diag.h - what the `diag` command files share (cmd_diag.c and
 * cmd_diag_mtu.c): a diagnostic context bound to the shell's store, and
 * printing results with the exit status of `diag`.
 */
#ifndef MASQ_SHELL_CMD_DIAG_H
#define MASQ_SHELL_CMD_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "diag/diag.h"
#include "shell/cmd.h"

struct cmd_diag {
	struct diag_ctx d;
	struct store *own;	/* opened here read-only, or NULL */
};

/*
 * Prepare @cd: diag_ctx_init() plus the store -- the shell's if open,
 * else the database opened read-only; no database means no staged rules
 * (never created by a diagnostic).  -1 with @e filled if the database
 * exists but cannot be read.  Call cmd_diag_done() either way.
 */
int cmd_diag_init(struct cmd_ctx *ctx, struct cmd_diag *cd,
		  struct masq_err *e);
void cmd_diag_done(struct cmd_diag *cd);

/*
 * Print @n results (text or JSON, as `diag` does; @verbose adds the
 * evidence lines in text).  Returns 0, or -1 with @e set to MASQ_EFAIL
 * naming the checks when any result is FAIL or ERROR (exit status 1).
 */
int cmd_diag_report(struct cmd_ctx *ctx, const struct diag_result *res,
		    size_t n, bool verbose, struct masq_err *e);

#endif

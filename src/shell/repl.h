/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * repl.h - the interactive shell (GNU readline).  repl.c is the only file
 * of masqsh that includes readline.
 */
#ifndef MASQ_SHELL_REPL_H
#define MASQ_SHELL_REPL_H

#include "shell/cmd.h"

/*
 * Read commands from the terminal until EOF, 'exit' or 'quit', running
 * each through cmd_run_line() and printing errors without leaving.  Sets
 * ctx->interactive and ctx->confirm for its duration.  History lives in
 * ~/.masqsh_history (capped).  Returns the exit status: 0.
 */
int repl_run(struct cmd_ctx *ctx);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * masqsh_run.h - masqsh command lines run from inside masqtop.
 *
 * Owns: the bridge from masqtop's keys (':' and 'd', keymap.c) to
 * masqsh's own command table: a line runs exactly as the masqsh shell
 * would run it, its output caught as text.
 * Does not own: the grammar, the commands or their errors (src/shell),
 * showing the text (keymap.c, screen.c).
 */
#ifndef MASQ_TUI_MASQSH_RUN_H
#define MASQ_TUI_MASQSH_RUN_H

#include <stdbool.h>

#include "tui/app.h"

/*
 * Run masqsh command @line through masqsh's command table (cmd_run_line),
 * with app->db as its database; @ask: the command may ask its questions
 * through app->ui.  *@text gets everything it printed, its error rendered
 * as masqsh renders it included (caller frees).  Returns cmd_run_line()'s
 * exit class (0 success).  Commands that run until interrupted (watch,
 * engine), and `apply`/`rollback` with `confirm` (whose timer needs
 * masqsh), are refused with MASQ_EUSAGE.
 */
int top_masqsh_run(struct top_app *app, const char *line, bool ask,
		   char **text);

#endif

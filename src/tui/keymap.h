/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keymap.h - masqtop's key bindings and the command language they speak.
 *
 * Owns: the keymap (a table of key -> command string + note, tmux-style,
 * from which the help screen is generated so it cannot drift from the
 * keys) and the command interpreter the keys go through (its "masqsh
 * LINE" command hands LINE to masqsh's own command table, masqsh_run.h).
 * A command returns TOP_RF_* flags (htop-style); it never draws.  What
 * needs the user goes through app->ui (app.h).
 * Does not own: the state commands act on (app.h), reading keys
 * (screen.c), the loop that runs them (loop.c).
 */
#ifndef MASQ_TUI_KEYMAP_H
#define MASQ_TUI_KEYMAP_H

#include "tui/app.h"

/* What a command asks of the loop. */
enum {
	TOP_RF_REDRAW = 1 << 0,		/* draw again (no new data needed) */
	TOP_RF_REBUILD = 1 << 1,	/* recompute header/rows, then draw */
	TOP_RF_QUIT = 1 << 2,
	TOP_RF_RETIME = 1 << 3,		/* the refresh interval changed */
	TOP_RF_RULES = 1 << 4,		/* the staged rules may have changed */
	TOP_RF_REREAD = 1 << 5,		/* the kernel's table may have changed:
					 * read it whole now */
};

/* Keys that are not characters (screen.c maps curses' codes onto these,
 * so this header needs no curses). */
enum {
	TOP_KEY_UP = 0x10000,
	TOP_KEY_DOWN,
	TOP_KEY_PGUP,
	TOP_KEY_PGDN,
	TOP_KEY_HOME,
	TOP_KEY_END,
	TOP_KEY_ENTER,
	TOP_KEY_RESIZE,
};

/* One key binding. */
struct top_key {
	int key;		/* a character or TOP_KEY_* */
	const char *name;	/* as help shows it: "q", "Enter", "PgDn" */
	const char *cmd;	/* the command it runs */
	const char *note;	/* one line of help */
};

/* The bindings, ended by { 0 }. */
extern const struct top_key top_keymap[];

/* Binding of @key, or NULL. */
const struct top_key *top_key_find(int key);

/*
 * Run command @cmd ("sort next", "view next", "interval +1", "delete",
 * ...) on @app.  Returns TOP_RF_* flags.  An unknown command or a failure
 * is reported in app->status (never fatal).
 */
int top_cmd_run(struct top_app *app, const char *cmd);

/* The help text, one "KEY  NOTE" per line, from top_keymap.  Caller
 * frees. */
char *top_help_text(void);

#endif

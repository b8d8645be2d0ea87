/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * app.h - masqtop's running state and its command language.
 *
 * Owns: struct top_app (model, cursor, refresh interval, pause, status
 * line), the keymap (a table of key -> command string + note, tmux-style,
 * from which the help screen is generated so it cannot drift from the
 * keys) and the command interpreter the keys go through (its "masqsh
 * LINE" command hands LINE to masqsh's own command table).  A command
 * returns TOP_RF_* flags (htop-style); it never draws.  What needs the
 * user (a prompt, a y/n question, the details or help pane) goes through
 * struct top_ui_ops, which screen.c implements with curses and the unit
 * tests with stubs.
 * Does not own: drawing (screen.c), the kernel loop (loop.c).
 */
#ifndef MASQ_TUI_APP_H
#define MASQ_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ctent.h"
#include "core/err.h"
#include "tui/model.h"

struct ct_handle;

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

struct top_ui_ops {
	/* Ask for a line; returns it (caller frees) or NULL on Escape. */
	char *(*prompt)(void *ui, const char *label, const char *init);
	/* y/n question; true for yes. */
	bool (*confirm)(void *ui, const char *question);
	void (*details)(void *ui, const struct ct_entry *ce);
	void (*help)(void *ui);
	/* Show @text (a command's output) under @title until a key; NULL:
	 * its first line goes to the status line. */
	void (*pager)(void *ui, const char *title, const char *text);
};

struct top_app {
	struct top_model m;
	struct top_grid grid;		/* the rows last built */
	struct ct_handle *ct;		/* conntrack handle (borrowed) */
	const char *db;			/* rule database (masqsh commands) */
	int interval_ms;		/* refresh, 100 .. 60000 */
	bool paused;
	size_t cursor;			/* view row under the cursor */
	size_t top;			/* view row at the top of the screen */
	size_t page;			/* rows that fit on the screen */
	char status[512];		/* one-line message, "" none */
	const struct top_ui_ops *ui;
	void *ui_data;
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

/*
 * Run masqsh command @line through masqsh's command table (cmd_run_line),
 * with app->db as its database; @ask: the command may ask its questions
 * through app->ui.  *@text gets everything it printed, its error rendered
 * as masqsh renders it included (caller frees).  Returns cmd_run_line()'s
 * exit class (0 success).  Commands that run until interrupted (watch,
 * engine) are refused with MASQ_EUSAGE.
 */
int top_shell_run(struct top_app *app, const char *line, bool ask,
		  char **text);

/* The help text, one "KEY  NOTE" per line, from top_keymap.  Caller
 * frees. */
char *top_help_text(void);

/* Keep the cursor inside [0, total) and visible in a page of app->page
 * rows; adjusts app->top.  Cannot fail. */
void top_cursor_clamp(struct top_app *app, size_t total);

#endif

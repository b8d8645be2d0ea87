/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * app.h - masqtop's running state: what the keys' commands act on.
 *
 * Owns: struct top_app (the model, the rows last built, the cursor over
 * them, the refresh interval, pause, the status line), the cursor's
 * rules (kept inside the rows and on the screen; the entry under it,
 * found again after events moved it) and struct top_ui_ops, the one way
 * to reach the user (a prompt, a y/n question, the details, help or
 * pager pane), which screen.c implements with curses and the unit tests
 * with stubs.
 * Does not own: the commands (keymap.h), drawing (screen.c), the kernel
 * (loop.c).
 */
#ifndef MASQ_TUI_APP_H
#define MASQ_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ctent.h"
#include "tui/model.h"

struct ct_handle;

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

/* Keep the cursor inside [0, total) and visible in a page of app->page
 * rows; adjusts app->top.  Cannot fail. */
void top_cursor_clamp(struct top_app *app, size_t total);

/*
 * The entry under the cursor, rebuilt into @ce: false when the view is
 * not the connections view, the cursor is on no row, or the entry is gone
 * since the rows were built (found again by its id when events moved it).
 */
bool top_cursor_entry(const struct top_app *app, struct ct_entry *ce);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * screen.h - masqtop's curses screen: the only file that includes curses.
 *
 * Owns: terminal setup and restore, colours (only when the terminal has
 * them and NO_COLOR is unset), drawing the header, the rows of the grid
 * and the status line, reading keys, and the prompt / confirm / details /
 * help panes behind struct top_ui_ops.  Does not own: what is shown
 * (model.h, view.h, render.h) or what keys do (keymap.h).
 */
#ifndef MASQ_TUI_SCREEN_H
#define MASQ_TUI_SCREEN_H

#include <stddef.h>

#include "tui/app.h"

struct top_screen;

/* Take over the terminal and hook the UI operations into @app.  NULL
 * when the terminal cannot be set up (stdout is not a terminal). */
struct top_screen *top_screen_open(struct top_app *app);
/* Restore the terminal.  NULL is fine. */
void top_screen_close(struct top_screen *s);

/* Rows available for the grid (updates app->page). */
size_t top_screen_page(struct top_screen *s, struct top_app *app);

/* Next key without waiting (a character or TOP_KEY_*), or -1. */
int top_screen_key(struct top_screen *s);

/* Draw everything from app->m.hdr and app->grid. */
void top_screen_draw(struct top_screen *s, struct top_app *app);

#endif

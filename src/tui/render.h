/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * render.h - masqtop's text: the header lines, a row laid out to a width,
 * and batch mode (plain text or one JSON document per iteration).
 *
 * Owns: every character masqtop prints, so the curses screen and batch
 * mode show the same words.  Does not own: curses (screen.c), the model
 * (view.h).  Nothing here writes escape codes.
 */
#ifndef MASQ_TUI_RENDER_H
#define MASQ_TUI_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tui/model.h"

#define TOP_HDR_LINES 4		/* always; */
#define TOP_HDR_MAX 5		/* and the pair's line when one is set */
#define TOP_LINE 1024		/* widest line masqtop lays out */

/* Header lines of @m clipped to @width columns into @lines (room for
 * TOP_HDR_MAX).  Returns how many: top_hdr_count().  Cannot fail. */
size_t top_hdr_lines(const struct top_model *m, int width,
		     char lines[][TOP_LINE]);
/* TOP_HDR_LINES, or TOP_HDR_MAX when a NAT pair is configured. */
size_t top_hdr_count(const struct top_model *m);

/* The fill bar alone ("[####      ]", @w cells between the brackets). */
void top_bar(char *buf, int w, uint64_t used, uint64_t max);

/*
 * One row: @cells (or the column titles when @cells is NULL) laid out in
 * the columns' widths, one blank apart, clipped to @width (< TOP_LINE),
 * into @buf of TOP_LINE bytes.  Returns the length.  Cannot fail.
 */
size_t top_row_line(const struct top_col *cols, size_t ncols,
		    const char (*cells)[TOP_CELL], int width, char *buf);

/*
 * Batch mode: print the current view of @m once: header lines, the column
 * titles and every row, each line at most @width columns; or with @json
 * one JSON document on one line (header numbers and all rows).  Expects
 * top_hdr_compute() to have run.  Returns 0, or -1 when @fp failed.
 */
int top_batch_print(FILE *fp, struct top_model *m, int width, bool json);

/* The same, with at most @maxrows rows (0: all), the ones a screen that
 * many rows tall would show first (--lines). */
int top_batch_print_rows(FILE *fp, struct top_model *m, int width, bool json,
			 size_t maxrows);

#endif

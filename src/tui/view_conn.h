/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view_conn.h - the connections view: one row per entry, in any column's
 * order, and the order alone for batch mode.
 *
 * Owns: ordering the entries that pass the filter (a bounded heap for a
 * window near the top) and their cells.  Does not own: the columns
 * (model.h: nat/ct_cols.h's text columns), laying rows out (render.h).
 */
#ifndef MASQ_TUI_VIEW_CONN_H
#define MASQ_TUI_VIEW_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "tui/model.h"

/* Build the connections view's rows [@first, @first + @nrows) into @g,
 * as top_view_build() (view.h) asks.  Cannot fail. */
void top_view_conn_build(struct top_model *m, size_t first, size_t nrows,
			 struct top_grid *g);

/*
 * Every entry the connections view shows, as dense table indexes in the
 * current order (batch mode streams rows from it).  Relies on the
 * TOP_F_MATCH flags of top_hdr_compute().  Caller frees.  Cannot fail.
 */
uint32_t *top_view_conn_order(struct top_model *m, size_t *len);

/* The connections view's cells of @e into @cells (one per column of
 * top_view_cols(TOP_V_CONN)), written by nat/ct_cols.h's column writers.
 * Cannot fail. */
void top_conn_cells(const struct top_model *m, const struct top_ent *e,
		    char (*cells)[TOP_CELL]);

#endif

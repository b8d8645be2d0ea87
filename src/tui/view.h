/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view.h - a window of masqtop's current view, as rows.
 *
 * Owns: picking the builder of the current view -- connections
 * (view_conn.h), inside hosts, rules and timeouts (view_agg.h), port
 * budgets (view_ports.h) -- the one place that knows which builds which.
 * Each builder depends on the model (model.h) alone, never on another
 * builder or on this file.
 * Does not own: the model, its header numbers and the views' columns
 * (model.h), laying rows out in text (render.h), drawing.
 */
#ifndef MASQ_TUI_VIEW_H
#define MASQ_TUI_VIEW_H

#include <stddef.h>

#include "tui/model.h"

/*
 * Fill @g with rows [@first, @first + @nrows) of the current view in the
 * current order (g->total says how many there are; the window is clipped).
 * Expects top_hdr_compute() to have run.  @g starts zeroed and is reused
 * across calls; free with top_grid_done().  Cannot fail.
 */
void top_view_build(struct top_model *m, size_t first, size_t nrows,
		    struct top_grid *g);

#endif

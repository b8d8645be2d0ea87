/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view.c - building the current view (see view.h): the one place that
 * knows which builder makes which view.  The builders know the model
 * only; none calls back here.
 */
#include "config.h"

#include "tui/view.h"
#include "tui/view_agg.h"
#include "tui/view_conn.h"
#include "tui/view_ports.h"

typedef void view_build_fn(struct top_model *m, size_t first, size_t nrows,
			   struct top_grid *g);

static view_build_fn *const builders[TOP_V_COUNT] = {
	[TOP_V_CONN] = top_view_conn_build,
	[TOP_V_HOSTS] = top_view_agg_build,
	[TOP_V_PORTS] = top_view_ports_build,
	[TOP_V_RULES] = top_view_agg_build,
	[TOP_V_TIMEOUTS] = top_view_agg_build,
};

void
top_view_build(struct top_model *m, size_t first, size_t nrows,
	       struct top_grid *g)
{
	g->cols = top_view_cols(m->view, &g->ncols);
	g->first = first;
	g->nrows = 0;
	g->total = 0;
	builders[m->view](m, first, nrows, g);
}

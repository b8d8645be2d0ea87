/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view_agg.h - the grouped views: inside hosts, rules and timeouts.
 *
 * Owns: grouping the entries that pass the filter and sorting the groups.
 * Does not own: the columns (model.h), the port budgets (view_ports.h).
 */
#ifndef MASQ_TUI_VIEW_AGG_H
#define MASQ_TUI_VIEW_AGG_H

#include <stddef.h>

#include "tui/model.h"

/* Build the rows [@first, @first + @nrows) of m->view, which is
 * TOP_V_HOSTS, TOP_V_RULES or TOP_V_TIMEOUTS, into @g, as top_view_build()
 * (view.h) asks.  Cannot fail. */
void top_view_agg_build(struct top_model *m, size_t first, size_t nrows,
			struct top_grid *g);

#endif

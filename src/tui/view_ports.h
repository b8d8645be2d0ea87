/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view_ports.h - the ports view: the source-port budget per masq'ed
 * address x protocol, of the entries shown.
 *
 * Owns: listing and sorting the budgets.  Does not own: counting them
 * (model.h: top_budget_fill(), nat/ct_budget.c), the columns (model.h).
 */
#ifndef MASQ_TUI_VIEW_PORTS_H
#define MASQ_TUI_VIEW_PORTS_H

#include <stddef.h>

#include "tui/model.h"

/* Build the ports view's rows [@first, @first + @nrows) into @g, as
 * top_view_build() (view.h) asks.  Cannot fail. */
void top_view_ports_build(struct top_model *m, size_t first, size_t nrows,
			  struct top_grid *g);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view_ports.c - the ports view: the source-port budget per masq'ed
 * address x protocol (used / available, USE%), of the entries shown.
 *
 * The budgets are nat/ct_budget.c's, counted as `show ports` counts them
 * (model.c: top_budget_fill()), and listed in its order; another sort
 * column sorts on itself first.  Without a filter the view lists the
 * budgets the header already counted.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/view_ports.h"

/* USE% as `show ports` prints it (one decimal, rounded); "-" unsized. */
static void
budget_pct(const struct ct_budget_slot *g, char *buf, size_t len)
{
	if (g->size)
		snprintf(buf, len, "%.1f", 100.0 * (double)g->n / g->size);
	else
		snprintf(buf, len, "-");
}

struct port_sort {
	int col;
	bool reverse;
};

/* A budget and its place in ct_budget_list()'s order. */
struct port_row {
	const struct ct_budget_slot *s;
	size_t i;
};

/* ct_budget_list()'s order is USE%'s (and every tie's); other columns
 * sort first on themselves. */
static int
cmp_port(const void *x, const void *y, void *data)
{
	const struct port_sort *ps = data;
	const struct port_row *pa = x, *pb = y;
	const struct ct_budget_slot *a = pa->s, *b = pb->s;
	int r = 0;

	switch (ps->col) {
	case 0:		/* address, then protocol */
		r = (a->key.family > b->key.family) -
		    (a->key.family < b->key.family);
		if (!r)
			r = memcmp(a->key.gw.b, b->key.gw.b, sizeof(a->key.gw));
		/* fall through */
	case 1:
		if (!r)
			r = (a->key.proto > b->key.proto) -
			    (a->key.proto < b->key.proto);
		break;
	case 2:		/* counts read best biggest first */
		r = (a->n < b->n) - (a->n > b->n);
		break;
	case 3:
		r = (a->size < b->size) - (a->size > b->size);
		break;
	}
	if (!r)
		r = (pa->i > pb->i) - (pa->i < pb->i);
	return ps->reverse ? -r : r;
}

void
top_view_ports_build(struct top_model *m, size_t first, size_t nrows,
		     struct top_grid *g)
{
	struct port_sort ps = { m->sort[TOP_V_PORTS], m->reverse };
	const struct ct_budget_slot **v, *b;
	struct port_row *rows;
	struct ct_budget own;
	const struct ct_budget *bu = &m->budget;
	char (*c)[TOP_CELL];
	char tmp[8];
	size_t i;

	/* Without a filter the view shows what the header counted (the
	 * NAT-only switch drops no SNAT'ed entry). */
	ct_budget_init(&own, TOP_BUDGET_FLAGS, m->rules);
	if (m->filter) {
		top_budget_fill(m, &own, true);
		bu = &own;
	}
	v = ct_budget_list(bu);
	g->total = bu->budgets.n;
	rows = xcalloc(g->total + 1, sizeof(*rows));
	for (i = 0; i < g->total; i++)
		rows[i] = (struct port_row){ v[i], i };
	qsort_r(rows, g->total, sizeof(*rows), cmp_port, &ps);
	if (first < g->total) {
		g->nrows = g->total - first < nrows ? g->total - first : nrows;
		top_grid_reserve(g, g->nrows, g->ncols);
		for (i = 0; i < g->nrows; i++) {
			b = rows[first + i].s;
			c = &g->cell[i * g->ncols];
			g->ref[i] = UINT32_MAX;
			g->rid[i] = 0;
			ctent_addr_format(b->key.family, &b->key.gw, c[0]);
			snprintf(c[1], TOP_CELL, "%s",
				 top_proto_text(b->key.proto, tmp));
			snprintf(c[2], TOP_CELL, "%" PRIu64, b->n);
			if (b->size)
				snprintf(c[3], TOP_CELL, "%" PRIu32, b->size);
			else
				strcpy(c[3], "-");
			budget_pct(b, c[4], TOP_CELL);
		}
	}
	free(rows);
	free(v);
	ct_budget_done(&own);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * app.c - masqtop's running state (see app.h): the cursor over the rows
 * last built, and the entry under it.
 *
 * A row of the connections view names its entry twice: by its dense
 * table index, which events may move, and by the entry's id, which they
 * do not; the index is tried first and the id settles it.
 */
#include "config.h"

#include "tui/app.h"

void
top_cursor_clamp(struct top_app *app, size_t total)
{
	size_t page = app->page ? app->page : 1;

	if (app->cursor >= total)
		app->cursor = total ? total - 1 : 0;
	if (app->cursor < app->top)
		app->top = app->cursor;
	if (app->cursor >= app->top + page)
		app->top = app->cursor - page + 1;
	if (total <= page)
		app->top = 0;
	else if (app->top > total - page)
		app->top = total - page;
}

bool
top_cursor_entry(const struct top_app *app, struct ct_entry *ce)
{
	const struct top_grid *g = &app->grid;
	size_t r;
	long i;

	if (app->m.view != TOP_V_CONN || app->cursor < g->first ||
	    app->cursor - g->first >= g->nrows)
		return false;
	r = app->cursor - g->first;
	i = g->ref[r];
	if ((size_t)i >= top_table_count(app->m.table) ||
	    top_table_at(app->m.table, (size_t)i)->id != g->rid[r])
		i = top_table_find_id(app->m.table, g->rid[r]);
	if (i < 0)
		return false;	/* gone since it was drawn */
	top_ent_to_ct(app->m.table, top_table_at(app->m.table, (size_t)i),
		      app->m.now, ce);
	return true;
}

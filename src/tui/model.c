/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * model.c - masqtop's display model (see model.h): the views' names and
 * columns, filter and NAT-only matching, the header numbers with the
 * busiest port budget, and the grid storage.
 *
 * Port budgets are nat/ct_budget.c's, the very scan `show ports`, `diag
 * ports` and the engine use, fed from the table one entry at a time with
 * the rule ids the table holds, so every tool sizes and counts them
 * alike.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/ct_cols.h"
#include "tui/model.h"

/* The connections view's columns, in nat/ct_cols.h's order of its text
 * columns. */
static const enum ct_col_id conn_ids[] = {
	CT_COL_PROTO, CT_COL_SRC, CT_COL_GW, CT_COL_DST, CT_COL_STATE,
	CT_COL_EXPIRES, CT_COL_BYTES, CT_COL_PACKETS, CT_COL_RULE, CT_COL_TO,
};

_Static_assert(TOP_CELL >= CT_CELL_MAX, "a cell holds any column's text");

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct top_col *
conn_cols(size_t *n)
{
	static struct top_col cols[N(conn_ids)];
	const struct ct_col *c;
	uint32_t seen = 0;
	size_t i;

	if (!cols[0].key) {
		for (i = 0; i < N(conn_ids); i++) {
			c = &ct_cols[conn_ids[i]];
			/* every text column, in the table's order */
			assert(c->title);
			assert(!(seen >> conn_ids[i]));
			seen |= CT_COL_BIT(conn_ids[i]);
			cols[i] = (struct top_col){ c->title, c->key,
						    (int)c->width, c->right,
						    c->type == CT_T_NUM };
		}
		assert(seen == CT_COLS_TEXT);
	}
	*n = N(conn_ids);
	return cols;
}

int
top_conn_col_id(size_t i)
{
	assert(i < N(conn_ids));
	return (int)conn_ids[i];
}

static const struct top_col host_cols[] = {
	{ "INSIDE-HOST", "host", 39, false, false },
	{ "CONNS", "conns", 7, true, true },
	{ "TCP", "tcp", 7, true, true },
	{ "UDP", "udp", 7, true, true },
	{ "BYTES", "bytes", 12, true, true },
};

static const struct top_col port_cols[] = {
	{ "MASQ-ADDRESS", "gw", 39, false, false },
	{ "PROTO", "proto", 6, false, false },
	{ "USED", "used", 7, true, true },
	{ "AVAILABLE", "available", 9, true, true },
	{ "USE%", "use_pct", 5, true, true },
};

static const struct top_col rule_cols[] = {
	{ "RULE", "rule", 6, true, true },
	{ "CONNS", "conns", 8, true, true },
	{ "SHARE%", "share_pct", 6, true, true },
};

static const struct top_col tmo_cols[] = {
	{ "PROTO", "proto", 6, false, false },
	{ "STATE", "state", 11, false, false },
	{ "CONNS", "conns", 8, true, true },
	{ "MIN", "min", 7, true, true },
	{ "AVG", "avg", 7, true, true },
	{ "MAX", "max", 7, true, true },
};

static const struct {
	const char *name;
	const struct top_col *cols;
	size_t ncols;
	int sort;		/* default sort column */
} views[TOP_V_COUNT] = {
	/* columns: conn_cols(); sorted by expires */
	[TOP_V_CONN] = { "connections", NULL, 0, 5 },
	[TOP_V_HOSTS] = { "hosts", host_cols, N(host_cols), 1 },
	/* by USE%: the busiest budget first, as `show ports` lists them */
	[TOP_V_PORTS] = { "ports", port_cols, N(port_cols), 4 },
	[TOP_V_RULES] = { "rules", rule_cols, N(rule_cols), 0 },
	[TOP_V_TIMEOUTS] = { "timeouts", tmo_cols, N(tmo_cols), 0 },
};

const char *
top_view_name(enum top_view_id v)
{
	return views[v].name;
}

const struct top_col *
top_view_cols(enum top_view_id v, size_t *n)
{
	if (v == TOP_V_CONN)
		return conn_cols(n);
	*n = views[v].ncols;
	return views[v].cols;
}

int
top_view_col_find(enum top_view_id v, const char *key)
{
	const struct top_col *cols;
	size_t i, n;

	cols = top_view_cols(v, &n);
	for (i = 0; i < n; i++)
		if (!strcasecmp(cols[i].key, key) ||
		    !strcasecmp(cols[i].title, key))
			return (int)i;
	return -1;
}

void
top_model_init(struct top_model *m, struct top_table *table)
{
	int v;

	memset(m, 0, sizeof(*m));
	m->table = table;
	m->nat_only = true;
	m->acct = -1;
	ct_budget_init(&m->budget, TOP_BUDGET_FLAGS, NULL);
	for (v = 0; v < TOP_V_COUNT; v++)
		m->sort[v] = views[v].sort;
	m->hdr.alerts.active = -1;
	m->hdr.read_age = -1;
}

static void
filter_clear(struct top_model *m)
{
	filter_free(m->filter);
	free(m->filter_text);
	m->filter = NULL;
	m->filter_text = NULL;
}

void
top_model_done(struct top_model *m)
{
	filter_clear(m);
	ct_budget_done(&m->budget);
}

int
top_model_set_filter(struct top_model *m, const char *text,
		     struct masq_err *e)
{
	struct filter *f = NULL;
	char *canon = NULL;

	if (text && text[strspn(text, " \t")]) {
		f = filter_compile_str(text, e);
		if (!f)
			return -1;
		canon = filter_format(f);
		if (!*canon) {
			free(canon);
			canon = NULL;
		}
	}
	filter_clear(m);
	m->filter = f;
	m->filter_text = canon;
	return 0;
}

bool
top_model_match(const struct top_model *m, const struct top_ent *e)
{
	struct ct_entry ce;

	if (m->nat_only && !(e->status & CT_ST_NAT_MASK))
		return false;
	if (!m->filter)
		return true;
	top_ent_to_ct(m->table, e, m->now, &ce);
	return filter_match(m->filter, &ce);
}

const char *
top_proto_text(uint8_t p, char *buf)
{
	const char *n = ctent_proto_name(p);

	if (n)
		return n;
	snprintf(buf, 8, "%u", p);
	return buf;
}

void
top_budget_fill(const struct top_model *m, struct ct_budget *b,
		bool matching)
{
	size_t i, n = top_table_count(m->table);
	const struct top_ent *e;
	struct ct_entry ce;

	for (i = 0; i < n; i++) {
		e = top_table_at(m->table, i);
		if (!(e->status & CT_ST_SRC_NAT) ||
		    (matching && !(e->flags & TOP_F_MATCH)))
			continue;
		top_ent_to_ct(m->table, e, m->now, &ce);
		ct_budget_add(b, &ce);
	}
}

/* Count m->budget over every entry and put the busiest into m->hdr. */
static void
hdr_ports(struct top_model *m)
{
	struct top_hdr *h = &m->hdr;
	const struct ct_budget_slot **v, *best;
	char tmp[8];

	ct_budget_done(&m->budget);
	ct_budget_init(&m->budget, TOP_BUDGET_FLAGS, m->rules);
	top_budget_fill(m, &m->budget, false);
	v = ct_budget_list(&m->budget);
	best = v[0];		/* NULL when there is none */
	h->busy_gw[0] = '\0';
	h->busy_proto[0] = '\0';
	h->busy_used = h->busy_size = 0;
	if (best) {
		ctent_addr_format(best->key.family, &best->key.gw, h->busy_gw);
		snprintf(h->busy_proto, sizeof(h->busy_proto), "%s",
			 top_proto_text(best->key.proto, tmp));
		h->busy_used = best->n;
		h->busy_size = best->size;
	}
	free(v);
}

void
top_hdr_compute(struct top_model *m)
{
	struct top_hdr *h = &m->hdr;
	size_t i, n = top_table_count(m->table);
	struct top_ent *e;

	h->count = h->entries = n;
	h->shown = h->tcp = h->udp = h->icmp = h->other = h->unreplied = 0;
	for (i = 0; i < n; i++) {
		e = top_table_at(m->table, i);
		if (top_model_match(m, e)) {
			e->flags |= TOP_F_MATCH;
			h->shown++;
		} else {
			e->flags &= (uint8_t)~TOP_F_MATCH;
		}
		switch (e->proto) {
		case 6:
			h->tcp++;
			break;
		case 17:
			h->udp++;
			break;
		case 1:
		case 58:
			h->icmp++;
			break;
		default:
			h->other++;
		}
		if (!(e->status & CT_ST_SEEN_REPLY))
			h->unreplied++;
	}
	hdr_ports(m);
}

void
top_grid_reserve(struct top_grid *g, size_t nrows, size_t ncols)
{
	if (nrows * ncols > g->cap) {
		g->cap = nrows * ncols;
		g->cell = xrealloc(g->cell, g->cap * sizeof(*g->cell));
		g->ref = xrealloc(g->ref, g->cap * sizeof(*g->ref));
		g->rid = xrealloc(g->rid, g->cap * sizeof(*g->rid));
	}
}

void
top_grid_done(struct top_grid *g)
{
	free(g->cell);
	free(g->ref);
	free(g->rid);
	memset(g, 0, sizeof(*g));
}

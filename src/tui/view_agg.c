/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view_agg.c - the grouped views: inside hosts (connections and bytes
 * per inside source address), rules (connections per masq rule) and
 * timeouts (per protocol and state: count, min / avg / max of the time
 * left).
 *
 * Each build groups the entries that pass the filter in a small hash map
 * (one pass), sorts the groups on the view's sort column and formats the
 * window asked for.  Groups are few (hosts, rules, states), so this is
 * cheap next to the connections view.  Port budgets are not grouped here:
 * they are nat/ct_budget.c's (view_ports.c).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/ct_rule.h"
#include "tui/view_agg.h"

struct agg_key {
	union ct_addr addr;
	uint32_t rule;
	uint8_t family, proto, state, pad;
};

struct agg {
	struct agg_key k;
	uint64_t conns, tcp, udp, bytes, sum;
	uint32_t min, max;
};

struct agg_map {
	struct agg *v;
	size_t n, cap;
	uint32_t *slots;	/* 1 + index */
	size_t nslots;
};

static uint32_t
key_hash(const struct agg_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static void
map_rehash(struct agg_map *m)
{
	size_t i, s;

	free(m->slots);
	m->nslots = m->nslots ? m->nslots * 2 : 64;
	m->slots = xcalloc(m->nslots, sizeof(*m->slots));
	for (i = 0; i < m->n; i++) {
		s = key_hash(&m->v[i].k) & (m->nslots - 1);
		while (m->slots[s])
			s = (s + 1) & (m->nslots - 1);
		m->slots[s] = (uint32_t)(i + 1);
	}
}

static struct agg *
map_get(struct agg_map *m, const struct agg_key *k)
{
	size_t s;
	struct agg *a;

	if ((m->n + 1) * 2 > m->nslots)
		map_rehash(m);
	s = key_hash(k) & (m->nslots - 1);
	while (m->slots[s]) {
		a = &m->v[m->slots[s] - 1];
		if (!memcmp(&a->k, k, sizeof(*k)))
			return a;
		s = (s + 1) & (m->nslots - 1);
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	a = &m->v[m->n];
	memset(a, 0, sizeof(*a));
	a->k = *k;
	a->min = UINT32_MAX;
	m->slots[s] = (uint32_t)(++m->n);
	return a;
}

static void
map_done(struct agg_map *m)
{
	free(m->v);
	free(m->slots);
}

/* Group key of @e in view @v; false when @e has no group there. */
static bool
ent_key(const struct top_model *m, enum top_view_id v,
	const struct top_ent *e, struct agg_key *k)
{
	union ct_addr tmp;

	memset(k, 0, sizeof(*k));
	k->family = e->family;
	switch (v) {
	case TOP_V_HOSTS:
		k->addr = *top_ent_addr(m->table, e, TOP_OSRC, &tmp);
		return true;
	case TOP_V_RULES:
		k->family = 0;
		k->rule = e->rule;
		return true;
	case TOP_V_TIMEOUTS:
		k->family = 0;
		k->proto = e->proto;
		if (e->proto == 6 && e->tcp_state)
			k->state = e->tcp_state;
		else
			k->state = 100 + (e->status & CT_ST_ASSURED ? 2 :
					  e->status & CT_ST_SEEN_REPLY ? 1 : 0);
		return true;
	default:
		return false;
	}
}

static void
agg_add(const struct top_model *m, struct agg *a, const struct top_ent *e)
{
	uint64_t bytes, pkts;
	uint32_t x = top_ent_expires(e, m->now);

	a->conns++;
	a->tcp += e->proto == 6;
	a->udp += e->proto == 17;
	if (top_ent_counters(m->table, e, &bytes, &pkts))
		a->bytes += bytes;
	a->sum += x;
	if (x < a->min)
		a->min = x;
	if (x > a->max)
		a->max = x;
}

/* Group the entries (@all: every NAT'ed one; else those that match). */
static void
map_fill(const struct top_model *m, enum top_view_id v, bool all,
	 struct agg_map *map)
{
	size_t i, n = top_table_count(m->table);
	const struct top_ent *e;
	struct agg_key k;

	for (i = 0; i < n; i++) {
		e = top_table_at(m->table, i);
		if (!all && !(e->flags & TOP_F_MATCH))
			continue;
		if (ent_key(m, v, e, &k))
			agg_add(m, map_get(map, &k), e);
	}
}

static const char *
state_text(uint8_t s)
{
	static const char *const st[] = { "UNREPLIED", "REPLIED", "ASSURED" };

	return s >= 100 ? st[s - 100] : ctent_tcp_state_name(s);
}

/* Numeric value of column @col of group @a in view @v (for sorting). */
static uint64_t
agg_num(const struct top_model *m, enum top_view_id v, const struct agg *a,
	int col)
{
	switch (v) {
	case TOP_V_HOSTS:
		return col == 1 ? a->conns : col == 2 ? a->tcp :
		       col == 3 ? a->udp : a->bytes;
	case TOP_V_RULES:
		return col == 0 ? a->k.rule : a->conns;
	case TOP_V_TIMEOUTS:
		return col == 2 ? a->conns : col == 3 ? a->min :
		       col == 4 ? a->sum / (a->conns ? a->conns : 1) : a->max;
	default:
		return 0;
	}
}

struct agg_sort {
	const struct top_model *m;
	enum top_view_id v;
	int col;
	bool reverse;
};

static int
cmp_agg(const void *x, const void *y, void *data)
{
	const struct agg_sort *s = data;
	const struct agg *a = x, *b = y;
	bool by_key = (s->v == TOP_V_HOSTS && s->col == 0) ||
		      (s->v == TOP_V_TIMEOUTS && s->col <= 1);
	uint64_t na, nb;
	int r;

	if (by_key) {
		r = memcmp(&a->k, &b->k, sizeof(a->k));
		if (s->v == TOP_V_TIMEOUTS)
			r = a->k.proto != b->k.proto ?
				    (a->k.proto < b->k.proto ? -1 : 1) : r;
	} else {
		na = agg_num(s->m, s->v, a, s->col);
		nb = agg_num(s->m, s->v, b, s->col);
		r = na < nb ? -1 : na > nb;
		/* Counts read best biggest first. */
		if (s->col != 0 || s->v != TOP_V_RULES)
			r = -r;
	}
	if (s->reverse)
		r = -r;
	return r ? r : memcmp(&a->k, &b->k, sizeof(a->k));
}

static void
agg_cells(enum top_view_id v, const struct agg *a, uint64_t total,
	  char (*c)[TOP_CELL])
{
	char tmp[8];

	switch (v) {
	case TOP_V_HOSTS:
		ctent_addr_format(a->k.family, &a->k.addr, c[0]);
		snprintf(c[1], TOP_CELL, "%" PRIu64, a->conns);
		snprintf(c[2], TOP_CELL, "%" PRIu64, a->tcp);
		snprintf(c[3], TOP_CELL, "%" PRIu64, a->udp);
		snprintf(c[4], TOP_CELL, "%" PRIu64, a->bytes);
		break;
	case TOP_V_RULES:
		if (a->k.rule & CT_RULE_FWD) {	/* a port forward: "fwdN" */
			char ref[CT_RULE_REFSIZ];

			snprintf(c[0], TOP_CELL, "%s",
				 ct_rule_ref(a->k.rule, ref));
		} else if (a->k.rule) {
			snprintf(c[0], TOP_CELL, "%" PRIu32, a->k.rule);
		} else {
			strcpy(c[0], "-");
		}
		snprintf(c[1], TOP_CELL, "%" PRIu64, a->conns);
		snprintf(c[2], TOP_CELL, "%" PRIu64,
			 total ? a->conns * 100 / total : 0);
		break;
	case TOP_V_TIMEOUTS:
		snprintf(c[0], TOP_CELL, "%s", top_proto_text(a->k.proto, tmp));
		snprintf(c[1], TOP_CELL, "%s", state_text(a->k.state));
		snprintf(c[2], TOP_CELL, "%" PRIu64, a->conns);
		snprintf(c[3], TOP_CELL, "%" PRIu32, a->min);
		snprintf(c[4], TOP_CELL, "%" PRIu64, a->sum / a->conns);
		snprintf(c[5], TOP_CELL, "%" PRIu32, a->max);
		break;
	default:
		break;
	}
}

void
top_view_agg_build(struct top_model *m, size_t first, size_t nrows,
		   struct top_grid *g)
{
	struct agg_map map = { 0 };
	struct agg_sort s = { m, m->view, m->sort[m->view], m->reverse };
	size_t i;

	map_fill(m, m->view, false, &map);
	qsort_r(map.v, map.n, sizeof(*map.v), cmp_agg, &s);
	g->total = map.n;
	if (first < map.n) {
		g->nrows = map.n - first < nrows ? map.n - first : nrows;
		top_grid_reserve(g, g->nrows, g->ncols);
		for (i = 0; i < g->nrows; i++) {
			g->ref[i] = UINT32_MAX;
			g->rid[i] = 0;
			agg_cells(m->view, &map.v[first + i], m->hdr.shown,
				  &g->cell[i * g->ncols]);
		}
	}
	map_done(&map);
}

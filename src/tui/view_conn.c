/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view_conn.c - the connections view: one row per entry, the `show masq`
 * columns (proto, inside source, masq'ed as, remote, state, expires in,
 * bytes, packets, rule), sorted on any column.
 *
 * Only the window asked for is ordered: rows near the top come from a
 * bounded max-heap over the matching entries (O(n log k), no allocation
 * proportional to the table); a window deep in the list sorts all of
 * them.  Ties are broken by the kernel id so the order is stable between
 * ticks.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "tui/view.h"

enum { C_PROTO, C_SRC, C_GW, C_DST, C_STATE, C_EXP, C_BYTES, C_PKTS, C_RULE };

struct sort_ctx {
	const struct top_model *m;
	int col;
	bool reverse;
};

const char *
top_ent_state(const struct top_ent *e)
{
	if (e->proto == 6 && e->tcp_state != CT_TCP_NONE)
		return ctent_tcp_state_name(e->tcp_state);
	if (!(e->status & CT_ST_SEEN_REPLY))
		return "UNREPLIED";
	return e->status & CT_ST_ASSURED ? "ASSURED" : "REPLIED";
}

int
top_ent_gw(const struct top_ent *e)
{
	if (e->status & CT_ST_SRC_NAT)
		return TOP_RDST;
	if (e->status & CT_ST_DST_NAT)
		return TOP_ODST;
	return -1;
}

static void
put_ep(const struct top_model *m, const struct top_ent *e, int i, char *buf)
{
	union ct_addr tmp;

	ctent_endpoint_format(e->family, top_ent_addr(m->table, e, i, &tmp),
			      e->p[i], buf);
}

void
top_conn_cells(const struct top_model *m, const struct top_ent *e,
	       char (*c)[TOP_CELL])
{
	const char *pn = ctent_proto_name(e->proto);
	uint64_t bytes, pkts;
	int gw = top_ent_gw(e);

	if (pn)
		snprintf(c[C_PROTO], TOP_CELL, "%s", pn);
	else
		snprintf(c[C_PROTO], TOP_CELL, "%u", e->proto);
	put_ep(m, e, TOP_OSRC, c[C_SRC]);
	if (gw >= 0)
		put_ep(m, e, gw, c[C_GW]);
	else
		strcpy(c[C_GW], "-");
	put_ep(m, e, TOP_ODST, c[C_DST]);
	snprintf(c[C_STATE], TOP_CELL, "%s", top_ent_state(e));
	snprintf(c[C_EXP], TOP_CELL, "%" PRIu32, top_ent_expires(e, m->now));
	if (top_ent_counters(m->table, e, &bytes, &pkts)) {
		snprintf(c[C_BYTES], TOP_CELL, "%" PRIu64, bytes);
		snprintf(c[C_PKTS], TOP_CELL, "%" PRIu64, pkts);
	} else {
		strcpy(c[C_BYTES], "-");
		strcpy(c[C_PKTS], "-");
	}
	if (e->rule)
		snprintf(c[C_RULE], TOP_CELL, "%" PRIu32, e->rule);
	else
		strcpy(c[C_RULE], "-");
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_ep(const struct top_model *m, const struct top_ent *a, int ia,
       const struct top_ent *b, int ib)
{
	union ct_addr ta, tb;
	const union ct_addr *x, *y;
	int r;

	if (ia < 0 || ib < 0)
		return (ia < 0) - (ib < 0);	/* no gateway sorts last */
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	if (a->family == AF_INET) {
		r = cmp_u64(ntohl(a->a[ia]), ntohl(b->a[ib]));
	} else {
		x = top_ent_addr(m->table, a, ia, &ta);
		y = top_ent_addr(m->table, b, ib, &tb);
		r = memcmp(x, y, 16);
	}
	return r ? r : cmp_u64(a->p[ia], b->p[ib]);
}

static int
cmp_ent(const struct sort_ctx *s, const struct top_ent *a,
	const struct top_ent *b)
{
	const struct top_model *m = s->m;
	uint64_t ab = 0, ap = 0, bb = 0, bp = 0;
	int r = 0;

	switch (s->col) {
	case C_PROTO:
		r = cmp_u64(a->proto, b->proto);
		break;
	case C_SRC:
		r = cmp_ep(m, a, TOP_OSRC, b, TOP_OSRC);
		break;
	case C_GW:
		r = cmp_ep(m, a, top_ent_gw(a), b, top_ent_gw(b));
		break;
	case C_DST:
		r = cmp_ep(m, a, TOP_ODST, b, TOP_ODST);
		break;
	case C_STATE:
		r = strcmp(top_ent_state(a), top_ent_state(b));
		break;
	case C_EXP:
		r = cmp_u64(top_ent_expires(a, m->now),
			    top_ent_expires(b, m->now));
		break;
	case C_BYTES:
	case C_PKTS:
		top_ent_counters(m->table, a, &ab, &ap);
		top_ent_counters(m->table, b, &bb, &bp);
		r = s->col == C_BYTES ? cmp_u64(ab, bb) : cmp_u64(ap, bp);
		break;
	case C_RULE:
		r = cmp_u64(a->rule, b->rule);
		break;
	}
	if (s->reverse)
		r = -r;
	return r ? r : cmp_u64(a->id, b->id);
}

static int
cmp_idx(const void *x, const void *y, void *data)
{
	const struct sort_ctx *s = data;
	struct top_table *t = s->m->table;

	return cmp_ent(s, top_table_at(t, *(const uint32_t *)x),
		       top_table_at(t, *(const uint32_t *)y));
}

/* Max-heap on the sort order: h[0] is the last of the k best so far. */
static void
heap_down(const struct sort_ctx *s, uint32_t *h, size_t n, size_t i)
{
	uint32_t tmp;
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && cmp_idx(&h[c + 1], &h[c], (void *)s) > 0)
			c++;
		if (cmp_idx(&h[c], &h[i], (void *)s) <= 0)
			return;
		tmp = h[c];
		h[c] = h[i];
		h[i] = tmp;
		i = c;
	}
}

static void
heap_up(const struct sort_ctx *s, uint32_t *h, size_t i)
{
	uint32_t tmp;

	while (i && cmp_idx(&h[i], &h[(i - 1) / 2], (void *)s) > 0) {
		tmp = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

/* The first @k matching entries in order into @out; returns how many. */
static size_t
select_top(const struct sort_ctx *s, uint32_t *out, size_t k)
{
	struct top_table *t = s->m->table;
	size_t i, n = top_table_count(t), len = 0;
	uint32_t cand;

	for (i = 0; i < n; i++) {
		if (!(top_table_at(t, i)->flags & TOP_F_MATCH))
			continue;
		cand = (uint32_t)i;
		if (len < k) {
			out[len] = cand;
			heap_up(s, out, len++);
		} else if (cmp_idx(&cand, &out[0], (void *)s) < 0) {
			out[0] = cand;
			heap_down(s, out, len, 0);
		}
	}
	qsort_r(out, len, sizeof(*out), cmp_idx, (void *)s);
	return len;
}

/* Every matching entry, sorted, into a fresh array (caller frees). */
static uint32_t *
select_all(const struct sort_ctx *s, size_t *len)
{
	struct top_table *t = s->m->table;
	size_t i, n = top_table_count(t);
	uint32_t *v = xmalloc((n ? n : 1) * sizeof(*v));

	*len = 0;
	for (i = 0; i < n; i++)
		if (top_table_at(t, i)->flags & TOP_F_MATCH)
			v[(*len)++] = (uint32_t)i;
	qsort_r(v, *len, sizeof(*v), cmp_idx, (void *)s);
	return v;
}

void
top_view_conn_build(struct top_model *m, size_t first, size_t nrows,
		    struct top_grid *g)
{
	struct sort_ctx s = { m, m->sort[TOP_V_CONN], m->reverse };
	size_t k = first + nrows, len, i;
	uint32_t *order;

	g->total = m->hdr.shown;
	if (first >= g->total || !nrows)
		return;
	if (k > g->total)
		k = g->total;
	if (k <= 4096) {
		order = xmalloc(k * sizeof(*order));
		len = select_top(&s, order, k);
	} else {
		order = select_all(&s, &len);
	}
	if (len > k)
		len = k;
	g->nrows = len > first ? len - first : 0;
	top_grid_reserve(g, g->nrows, g->ncols);
	for (i = 0; i < g->nrows; i++) {
		g->ref[i] = order[first + i];
		g->rid[i] = top_table_at(m->table, order[first + i])->id;
		top_conn_cells(m, top_table_at(m->table, order[first + i]),
			       &g->cell[i * g->ncols]);
	}
	free(order);
}

uint32_t *
top_view_conn_order(struct top_model *m, size_t *len)
{
	struct sort_ctx s = { m, m->sort[TOP_V_CONN], m->reverse };

	return select_all(&s, len);
}

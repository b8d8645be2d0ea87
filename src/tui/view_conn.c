/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * view_conn.c - the connections view: one row per entry, the columns of
 * `show masq` (nat/ct_cols.h: proto, inside source, masq'ed as, remote,
 * state, expires in, bytes, packets, rule, forward-to), sorted on any
 * column.
 *
 * The cells are nat/ct_cols.c's text of the entry, rebuilt as a struct
 * ct_entry (top_ent_to_ct()) only for the rows asked for: the window on
 * screen, or each row as batch mode streams it.  Only the window asked
 * for is ordered: rows near the top come from a bounded max-heap over the
 * matching entries (O(n log k), no allocation proportional to the table);
 * a window deep in the list sorts all of them.  Ties are broken by the
 * kernel id so the order is stable between ticks.  Sorting reads the
 * compact struct top_ent directly.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/ct_cols.h"
#include "tui/view_conn.h"

/* The sort: on the connections column whose enum ct_col_id is @id. */
struct sort_ctx {
	const struct top_model *m;
	int id;
	bool reverse;
};

/* "ESTABLISHED" (TCP), else UNREPLIED / REPLIED / ASSURED.  Static text. */
static const char *
ent_state(const struct top_ent *e)
{
	return ctent_state_text(e->proto, e->tcp_state, e->status);
}

/* Which address/port slot of @e (TOP_RDST for SNAT, TOP_ODST for DNAT)
 * is the gateway side, as ctent_gateway(); -1 without NAT. */
static int
ent_gw(const struct top_ent *e)
{
	if (e->status & CT_ST_SRC_NAT)
		return TOP_RDST;
	if (e->status & CT_ST_DST_NAT)
		return TOP_ODST;
	return -1;
}

/* The slot of the port shown with address slot @i (-1: none): for ICMP
 * the gateway side shows the echo id, which the tuples keep in sport (an
 * ICMP REMOTE shows no port; its sort only uses the id to break ties). */
static int
port_slot(const struct top_ent *e, int i)
{
	if (i < 0 || !ctent_proto_is_icmp(e->proto))
		return i;
	return i == TOP_RDST ? TOP_RSRC : i == TOP_ODST ? TOP_OSRC : i;
}

/* The slot of the forward-to endpoint (the reply source), -1 w/o DNAT. */
static int
to_slot(const struct top_ent *e)
{
	return e->status & CT_ST_DST_NAT ? TOP_RSRC : -1;
}

void
top_conn_cells(const struct top_model *m, const struct top_ent *e,
	       char (*c)[TOP_CELL])
{
	struct ct_entry ce;
	size_t i, n;

	top_ent_to_ct(m->table, e, m->now, &ce);
	top_view_cols(TOP_V_CONN, &n);
	for (i = 0; i < n; i++)
		ct_col_text((enum ct_col_id)top_conn_col_id(i), &ce, c[i]);
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
	return r ? r : cmp_u64(a->p[port_slot(a, ia)], b->p[port_slot(b, ib)]);
}

static int
cmp_ent(const struct sort_ctx *s, const struct top_ent *a,
	const struct top_ent *b)
{
	const struct top_model *m = s->m;
	uint64_t ab = 0, ap = 0, bb = 0, bp = 0;
	int r = 0;

	switch (s->id) {
	case CT_COL_PROTO:
		r = cmp_u64(a->proto, b->proto);
		break;
	case CT_COL_SRC:
		r = cmp_ep(m, a, TOP_OSRC, b, TOP_OSRC);
		break;
	case CT_COL_GW:
		r = cmp_ep(m, a, ent_gw(a), b, ent_gw(b));
		break;
	case CT_COL_DST:
		r = cmp_ep(m, a, TOP_ODST, b, TOP_ODST);
		break;
	case CT_COL_STATE:
		r = strcmp(ent_state(a), ent_state(b));
		break;
	case CT_COL_EXPIRES:
		r = cmp_u64(top_ent_expires(a, m->now),
			    top_ent_expires(b, m->now));
		break;
	case CT_COL_BYTES:
	case CT_COL_PACKETS:
		top_ent_counters(m->table, a, &ab, &ap);
		top_ent_counters(m->table, b, &bb, &bp);
		r = s->id == CT_COL_BYTES ? cmp_u64(ab, bb) : cmp_u64(ap, bp);
		break;
	case CT_COL_RULE:
		r = cmp_u64(a->rule, b->rule);
		break;
	case CT_COL_TO:
		r = cmp_ep(m, a, to_slot(a), b, to_slot(b));
		break;
	}
	if (s->reverse)
		r = -r;
	return r ? r : cmp_u64(a->id, b->id);
}

/*
 * Sorting works on precomputed keys: each candidate becomes a struct skey
 * whose k is monotone in the column's order (a < b implies k(a) <= k(b);
 * reversed by complementing), computed once per entry instead of twice
 * per comparison.  For most columns k is the whole story ("exact"), so a
 * tie goes straight to the kernel id; where it is only a prefix (IPv6
 * endpoints, the state text) a tie falls back to cmp_ent().
 */
struct skey {
	uint64_t k;
	uint32_t id;
	uint32_t idx;		/* dense table index */
};

/* Endpoint key: IPv4 address and port exactly; IPv6 by its first 62
 * bits, after every IPv4; no gateway after both. */
static uint64_t
ep_key(const struct top_model *m, const struct top_ent *e, int i)
{
	const union ct_addr *a;
	union ct_addr tmp;
	uint64_t hi = 0;
	int b;

	if (i < 0)
		return UINT64_MAX;
	if (e->family == AF_INET)
		return (uint64_t)ntohl(e->a[i]) << 16 | e->p[port_slot(e, i)];
	a = top_ent_addr(m->table, e, i, &tmp);
	for (b = 0; b < 8; b++)
		hi = hi << 8 | a->b[b];
	return 1ull << 62 | hi >> 2;
}

static uint64_t
ent_skey(const struct sort_ctx *s, const struct top_ent *e)
{
	const struct top_model *m = s->m;
	uint64_t bytes = 0, pkts = 0, k = 0;
	const char *st;
	int i;

	switch (s->id) {
	case CT_COL_PROTO:
		k = e->proto;
		break;
	case CT_COL_SRC:
		k = ep_key(m, e, TOP_OSRC);
		break;
	case CT_COL_GW:
		k = ep_key(m, e, ent_gw(e));
		break;
	case CT_COL_DST:
		k = ep_key(m, e, TOP_ODST);
		break;
	case CT_COL_STATE:
		st = ent_state(e);
		for (i = 0; i < 8; i++)
			k = k << 8 | (uint8_t)(*st ? *st++ : 0);
		break;
	case CT_COL_EXPIRES:
		k = top_ent_expires(e, m->now);
		break;
	case CT_COL_BYTES:
	case CT_COL_PACKETS:
		top_ent_counters(m->table, e, &bytes, &pkts);
		k = s->id == CT_COL_BYTES ? bytes : pkts;
		break;
	case CT_COL_RULE:
		k = e->rule;
		break;
	case CT_COL_TO:
		k = ep_key(m, e, to_slot(e));
		break;
	}
	return s->reverse ? ~k : k;
}

/* Does the key alone decide the column's order? */
static bool
key_exact(const struct sort_ctx *s)
{
	struct top_table *t = s->m->table;
	size_t i, n;

	switch (s->id) {
	case CT_COL_STATE:
		return false;
	case CT_COL_SRC:
	case CT_COL_GW:
	case CT_COL_DST:
	case CT_COL_TO:
		n = top_table_count(t);
		for (i = 0; i < n; i++)
			if (top_table_at(t, i)->family != AF_INET)
				return false;
		return true;
	default:
		return true;
	}
}

static inline int
cmp_sk(const struct sort_ctx *s, bool exact, const struct skey *a,
       const struct skey *b)
{
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	if (!exact)
		return cmp_ent(s, top_table_at(s->m->table, a->idx),
			       top_table_at(s->m->table, b->idx));
	return a->id < b->id ? -1 : a->id > b->id;
}

static void
sk_swap(struct skey *a, struct skey *b)
{
	struct skey t = *a;

	*a = *b;
	*b = t;
}

/* Max-heap on the sort order: h[0] is the last of the k best so far. */
static void
heap_down(const struct sort_ctx *s, bool ex, struct skey *h, size_t n,
	  size_t i)
{
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && cmp_sk(s, ex, &h[c + 1], &h[c]) > 0)
			c++;
		if (cmp_sk(s, ex, &h[c], &h[i]) <= 0)
			return;
		sk_swap(&h[c], &h[i]);
		i = c;
	}
}

static void
heap_up(const struct sort_ctx *s, bool ex, struct skey *h, size_t i)
{
	while (i && cmp_sk(s, ex, &h[i], &h[(i - 1) / 2]) > 0) {
		sk_swap(&h[i], &h[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

/*
 * In-place introsort of @v: quicksort with a median-of-three pivot,
 * insertion sort for short runs, heapsort past the depth limit.  No
 * buffer (qsort()'s merge sort would double the peak memory of a 250k
 * sort) and no call per comparison.
 */
static void
sk_sort(const struct sort_ctx *s, bool ex, struct skey *v, size_t n,
	int depth)
{
	size_t i, j, lo, hi, mid;
	struct skey p;

	while (n > 16) {
		if (depth-- <= 0) {
			for (i = n / 2; i-- > 0;)
				heap_down(s, ex, v, n, i);
			for (i = n - 1; i > 0; i--) {
				sk_swap(&v[0], &v[i]);
				heap_down(s, ex, v, i, 0);
			}
			return;
		}
		mid = n / 2;
		if (cmp_sk(s, ex, &v[mid], &v[0]) < 0)
			sk_swap(&v[mid], &v[0]);
		if (cmp_sk(s, ex, &v[n - 1], &v[mid]) < 0) {
			sk_swap(&v[n - 1], &v[mid]);
			if (cmp_sk(s, ex, &v[mid], &v[0]) < 0)
				sk_swap(&v[mid], &v[0]);
		}
		p = v[mid];
		lo = 0;
		hi = n - 1;
		for (;;) {
			while (cmp_sk(s, ex, &v[lo], &p) < 0)
				lo++;
			while (cmp_sk(s, ex, &p, &v[hi]) < 0)
				hi--;
			if (lo >= hi)
				break;
			sk_swap(&v[lo++], &v[hi--]);
		}
		/* [0, hi] <= p <= [hi + 1, n): recurse on the smaller. */
		if (hi + 1 < n - hi - 1) {
			sk_sort(s, ex, v, hi + 1, depth);
			v += hi + 1;
			n -= hi + 1;
		} else {
			sk_sort(s, ex, v + hi + 1, n - hi - 1, depth);
			n = hi + 1;
		}
	}
	for (i = 1; i < n; i++) {
		p = v[i];
		for (j = i; j > 0 && cmp_sk(s, ex, &p, &v[j - 1]) < 0; j--)
			v[j] = v[j - 1];
		v[j] = p;
	}
}

static void
sk_sort_all(const struct sort_ctx *s, bool ex, struct skey *v, size_t n)
{
	int depth = 0;
	size_t x;

	for (x = n; x; x >>= 1)
		depth += 2;
	sk_sort(s, ex, v, n, depth);
}

/* The first @k matching entries in order into @out; returns how many. */
static size_t
select_top(const struct sort_ctx *s, struct skey *out, size_t k)
{
	struct top_table *t = s->m->table;
	size_t i, n = top_table_count(t), len = 0;
	bool ex = key_exact(s);
	struct top_ent *e;
	struct skey cand;

	for (i = 0; i < n; i++) {
		e = top_table_at(t, i);
		if (!(e->flags & TOP_F_MATCH))
			continue;
		cand = (struct skey){ ent_skey(s, e), e->id, (uint32_t)i };
		if (len < k) {
			out[len] = cand;
			heap_up(s, ex, out, len++);
		} else if (cmp_sk(s, ex, &cand, &out[0]) < 0) {
			out[0] = cand;
			heap_down(s, ex, out, len, 0);
		}
	}
	sk_sort_all(s, ex, out, len);
	return len;
}

/* Every matching entry, sorted, into a fresh array (caller frees). */
static struct skey *
select_all(const struct sort_ctx *s, size_t *len)
{
	struct top_table *t = s->m->table;
	size_t i, n = top_table_count(t);
	struct skey *v = xmalloc((n ? n : 1) * sizeof(*v));
	struct top_ent *e;

	*len = 0;
	for (i = 0; i < n; i++) {
		e = top_table_at(t, i);
		if (e->flags & TOP_F_MATCH)
			v[(*len)++] = (struct skey){ ent_skey(s, e), e->id,
						     (uint32_t)i };
	}
	sk_sort_all(s, key_exact(s), v, *len);
	return v;
}

void
top_view_conn_build(struct top_model *m, size_t first, size_t nrows,
		    struct top_grid *g)
{
	struct sort_ctx s = { m, top_conn_col_id((size_t)m->sort[TOP_V_CONN]),
				m->reverse };
	size_t k = first + nrows, len, i;
	struct skey *order;

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
		g->ref[i] = order[first + i].idx;
		g->rid[i] = order[first + i].id;
		top_conn_cells(m, top_table_at(m->table, order[first + i].idx),
			       &g->cell[i * g->ncols]);
	}
	free(order);
}

uint32_t *
top_view_conn_order(struct top_model *m, size_t *len)
{
	struct sort_ctx s = { m, top_conn_col_id((size_t)m->sort[TOP_V_CONN]),
				m->reverse };
	struct skey *v = select_all(&s, len);
	uint32_t *idx = (uint32_t *)v;
	size_t i;

	/* Compact to indexes in place: idx[i] lies below v[i]. */
	for (i = 0; i < *len; i++)
		idx[i] = v[i].idx;
	return xrealloc(v, (*len ? *len : 1) * sizeof(*idx));
}

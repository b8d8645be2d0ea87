/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_set.c - the anonymous sets a list in a rule compiles to: "from
 * A,B,C" becomes ONE nft rule "ip saddr { A, B, C }" (a lookup in a set
 * sent in the same batch) instead of one nft rule per value, so a new
 * connection is matched by one tree lookup instead of a walk through
 * thousands of rules.
 *
 * Owns: turning values (networks, port ranges, protocol numbers) into set
 * elements, and the set objects themselves, as nft builds them: flags
 * anonymous|constant (|interval for networks and ports), named "__set%d"
 * (the kernel numbers it), found by the rule's lookup through a set id
 * unique in the batch.  Interval sets refuse overlapping elements, so
 * overlapping and adjacent intervals are merged first: the set matches
 * exactly what the values matched one by one.  Does not own: the loads
 * before the lookup (nft_build.c), sending (nft_apply.c) or printing
 * (nft_print.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/set.h>

#include "core/xalloc.h"
#include "nat/nft_int.h"

/* The set name nft uses: the kernel replaces %d with a free number. */
#define ANON_NAME "__set%d"

static int
ival_cmp(const void *a, const void *b)
{
	const struct nft_ival *x = a, *y = b;

	return memcmp(x->lo, y->lo, sizeof(x->lo));
}

/* @v + 1 over @len big-endian bytes; false when @v is all ones. */
static bool
be_inc(uint8_t *v, uint32_t len)
{
	uint32_t i;

	for (i = len; i-- > 0;)
		if (++v[i] != 0)
			return true;
	return false;
}

size_t
nft_ivals_merge(struct nft_ival *v, size_t n, uint32_t klen)
{
	size_t i, k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), ival_cmp);
	for (i = 1; i < n; i++) {
		uint8_t next[16];
		bool top;

		memcpy(next, v[k].hi, sizeof(next));
		top = !be_inc(next, klen);	/* v[k] reaches the maximum */
		if (top || memcmp(v[i].lo, next, klen) <= 0) {
			/* overlapping or adjacent: one interval */
			if (memcmp(v[i].hi, v[k].hi, klen) > 0)
				memcpy(v[k].hi, v[i].hi, sizeof(v[k].hi));
			continue;
		}
		v[++k] = v[i];
	}
	return k + 1;
}

static void
elem_add(struct nftnl_set *s, const uint8_t *key, uint32_t klen,
	 uint32_t flags)
{
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();

	if (!e)
		abort();	/* only on allocation failure */
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, klen);
	if (flags)
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, flags);
	nftnl_set_elem_add(s, e);
}

/* A new anonymous set of @t; its id is unique in the batch (the family in
 * the top bit: both tables go in one batch). */
static struct nftnl_set *
set_new(struct nft_tab *t, uint32_t key_type, uint32_t klen, bool interval,
	uint32_t *id)
{
	struct nftnl_set *s = nftnl_set_alloc();
	uint32_t flags = NFT_SET_ANONYMOUS | NFT_SET_CONSTANT;

	if (!s)
		abort();
	if (interval)
		flags |= NFT_SET_INTERVAL;
	*id = (t->family == NFPROTO_IPV6 ? 0x80000000u : 0) |
	      (uint32_t)(t->n_sets + 1);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, (uint32_t)t->family);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NAT_TABLE_NAME);
	nftnl_set_set_str(s, NFTNL_SET_NAME, ANON_NAME);
	nftnl_set_set_u32(s, NFTNL_SET_ID, *id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, klen);
	return s;
}

uint32_t
nft_set_add_ivals(struct nft_tab *t, uint32_t key_type, uint32_t klen,
		  struct nft_ival *v, size_t n, const struct nft_origin *o)
{
	uint32_t id;
	struct nftnl_set *s = set_new(t, key_type, klen, true, &id);
	size_t i;

	n = nft_ivals_merge(v, n, klen);
	for (i = 0; i < n; i++) {
		uint8_t end[16];

		elem_add(s, v[i].lo, klen, 0);
		memcpy(end, v[i].hi, sizeof(end));
		/* an interval up to the maximum has no end element, as nft
		 * sends it: hi + 1 does not exist */
		if (be_inc(end, klen))
			elem_add(s, end, klen, NFT_SET_ELEM_INTERVAL_END);
	}
	nft_tab_add_set(t, s, o);
	return id;
}

uint32_t
nft_set_add_values(struct nft_tab *t, uint32_t key_type, uint32_t klen,
		   const uint8_t *vals, size_t n, const struct nft_origin *o)
{
	uint32_t id;
	struct nftnl_set *s = set_new(t, key_type, klen, false, &id);
	size_t i, j;

	for (i = 0; i < n; i++) {
		/* a hash set refuses a key twice ("tcp,tcp") */
		for (j = 0; j < i; j++)
			if (!memcmp(vals + j * klen, vals + i * klen, klen))
				break;
		if (j == i)
			elem_add(s, vals + i * klen, klen, 0);
	}
	nft_tab_add_set(t, s, o);
	return id;
}

void
nft_rule_add_lookup(struct nftnl_rule *r, uint32_t id, bool inv)
{
	struct nftnl_expr *x = nftnl_expr_alloc("lookup");

	if (!x)
		abort();
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, ANON_NAME);
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SET_ID, id);
	if (inv)
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS,
				   NFT_LOOKUP_F_INV);
	nftnl_rule_add_expr(r, x);
}

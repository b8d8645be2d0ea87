/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_tab.c - the in-memory shape of our tables (nft_int.h): a set of
 * tables, their chains, the rules of each chain with the masqsh rule they
 * came from, and the ct objects; adding to it and freeing it.
 *
 * The compiler (nft_build.c, nft_ct.c) fills it, the read-back
 * (nft_read.c) fills it from a kernel dump, the apply path (nft_apply.c)
 * and the printer (nft_print.c) read it.  Does not own: what goes in.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <libnftnl/chain.h>
#include <libnftnl/object.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "core/xalloc.h"
#include "nat/nft_int.h"

struct nat_compiled *
nft_compiled_new(void)
{
	struct nat_compiled *c = xcalloc(1, sizeof(*c));

	c->tab[NFT_TAB_IP].family = NFPROTO_IPV4;
	c->tab[NFT_TAB_IP6].family = NFPROTO_IPV6;
	return c;
}

struct nft_chainset *
nft_tab_add_chain(struct nft_tab *t, struct nftnl_chain *ch)
{
	struct nft_chainset *cs;

	t->chains = xreallocarray(t->chains, t->n_chains + 1,
				  sizeof(*t->chains));
	cs = &t->chains[t->n_chains++];
	memset(cs, 0, sizeof(*cs));
	cs->chain = ch;
	return cs;
}

void
nft_chainset_add_rule(struct nft_chainset *cs, struct nftnl_rule *r,
		      const struct nft_origin *o)
{
	static const struct nft_origin none = { NFT_ORIGIN_NONE, 0 };

	if (cs->n_rules == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 16;
		cs->rules = xreallocarray(cs->rules, cs->cap,
					  sizeof(*cs->rules));
		cs->origin = xreallocarray(cs->origin, cs->cap,
					   sizeof(*cs->origin));
	}
	cs->rules[cs->n_rules] = r;
	cs->origin[cs->n_rules] = o ? *o : none;
	cs->n_rules++;
}

static void
objs_done(struct nft_tab *t)
{
	size_t i;

	for (i = 0; i < t->n_objs; i++)
		nftnl_obj_free(t->objs[i]);
	free(t->objs);
	t->objs = NULL;
	t->n_objs = 0;
}

static void
sets_done(struct nft_tab *t)
{
	size_t i;

	for (i = 0; i < t->n_sets; i++)
		nftnl_set_free(t->sets[i]);
	free(t->sets);
	free(t->set_origin);
	t->sets = NULL;
	t->set_origin = NULL;
	t->n_sets = 0;
}

void
nft_tab_done(struct nft_tab *t)
{
	size_t i, j;

	for (i = 0; i < t->n_chains; i++) {
		struct nft_chainset *cs = &t->chains[i];

		for (j = 0; j < cs->n_rules; j++)
			nftnl_rule_free(cs->rules[j]);
		free(cs->rules);
		free(cs->origin);
		nftnl_chain_free(cs->chain);
	}
	objs_done(t);
	sets_done(t);
	free(t->chains);
	if (t->table)
		nftnl_table_free(t->table);
	t->chains = NULL;
	t->n_chains = 0;
	t->table = NULL;
	t->present = false;
}

void
nat_compiled_free(struct nat_compiled *c)
{
	if (!c)
		return;
	nft_tab_done(&c->tab[NFT_TAB_IP]);
	nft_tab_done(&c->tab[NFT_TAB_IP6]);
	free(c);
}

unsigned int
nat_compiled_rule_count(const struct nat_compiled *c)
{
	unsigned int n = 0;
	size_t t, i;

	for (t = 0; t < 2; t++)
		for (i = 0; i < c->tab[t].n_chains; i++)
			n += (unsigned int)c->tab[t].chains[i].n_rules;
	return n;
}

void
nft_tab_add_obj(struct nft_tab *t, struct nftnl_obj *o)
{
	t->objs = xreallocarray(t->objs, t->n_objs + 1, sizeof(*t->objs));
	t->objs[t->n_objs++] = o;
}

void
nft_tab_add_set(struct nft_tab *t, struct nftnl_set *s,
		const struct nft_origin *o)
{
	static const struct nft_origin none = { NFT_ORIGIN_NONE, 0 };

	t->sets = xreallocarray(t->sets, t->n_sets + 1, sizeof(*t->sets));
	t->set_origin = xreallocarray(t->set_origin, t->n_sets + 1,
				      sizeof(*t->set_origin));
	t->sets[t->n_sets] = s;
	t->set_origin[t->n_sets] = o ? *o : none;
	t->n_sets++;
}

const struct nftnl_set *
nft_tab_lookup_set(const struct nft_tab *t, const struct nftnl_expr *x)
{
	bool by_id = nftnl_expr_is_set(x, NFTNL_EXPR_LOOKUP_SET_ID);
	uint32_t id = by_id ? nftnl_expr_get_u32(x, NFTNL_EXPR_LOOKUP_SET_ID) :
		0;
	const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_LOOKUP_SET);
	size_t i;

	for (i = 0; i < t->n_sets; i++) {
		struct nftnl_set *s = t->sets[i];
		const char *sn;

		if (by_id && nftnl_set_is_set(s, NFTNL_SET_ID)) {
			if (nftnl_set_get_u32(s, NFTNL_SET_ID) == id)
				return s;
			continue;
		}
		sn = nftnl_set_get_str(s, NFTNL_SET_NAME);
		if (name && sn && !strcmp(name, sn))
			return s;
	}
	return NULL;
}

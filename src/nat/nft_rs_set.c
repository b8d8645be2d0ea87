/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_rs_set.c - the sets of every owner's tables, with their elements,
 * as plain data (nft_ruleset.h): NFT_MSG_NEWSET and NFT_MSG_NEWSETELEM
 * messages parsed here with libmnl's attribute walk, not libnftnl's
 * (whose set parsers exit() on an attribute of the wrong length: see
 * nft_valid.c), each attribute's type checked before it is read.
 *
 * Owns: those two messages and the lookup of a set by name.  Does not
 * own: the dumps (nft_ruleset.c asks for them through nft_dump.c), what
 * a lookup means (nft_eval.c).  Attributes we do not read are skipped.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "core/xalloc.h"
#include "nat/nft_int.h"
#include "nat/nft_ruleset.h"

_Static_assert(NFT_RS_SET_INTERVAL == NFT_SET_INTERVAL &&
	       NFT_RS_SET_MAP == NFT_SET_MAP &&
	       NFT_RS_SET_CONCAT == NFT_SET_CONCAT &&
	       NFT_RS_ELEM_INTERVAL_END == NFT_SET_ELEM_INTERVAL_END,
	       "set flags");

#define MAXATTR 32

/* The attributes of @p (@len bytes) by type into @tb (MAXATTR), the
 * last of each type; false when they do not walk. */
static bool
attrs(const void *p, size_t len, const struct nlattr **tb)
{
	const struct nlattr *attr;	/* the name the libmnl macro uses */

	memset(tb, 0, MAXATTR * sizeof(*tb));
	mnl_attr_for_each_payload(p, len) {
		uint16_t t = mnl_attr_get_type(attr);

		if (t < MAXATTR)
			tb[t] = attr;
	}
	/* a walk that stops short of the end met a bad length */
	return (size_t)((const char *)p + len - (const char *)attr) <
	       sizeof(struct nlattr);
}

static bool
nested(const struct nlattr *a, const struct nlattr **tb)
{
	return a && attrs(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
			  tb);
}

/* A NUL-terminated string attribute into @dst (@size), else false. */
static bool
str_get(const struct nlattr *a, char *dst, size_t size)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return false;
	snprintf(dst, size, "%s", mnl_attr_get_str(a));
	return true;
}

static uint32_t
u32_get(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return 0;
	return ntohl(mnl_attr_get_u32(a));
}

/* An nft_data nest (NFTA_DATA_VALUE) into @buf; its length. */
static uint32_t
value_get(const struct nlattr *a, uint8_t *buf)
{
	const struct nlattr *tb[MAXATTR];
	uint32_t len;

	if (!nested(a, tb) || !tb[NFTA_DATA_VALUE])
		return 0;
	len = mnl_attr_get_payload_len(tb[NFTA_DATA_VALUE]);
	memcpy(buf, mnl_attr_get_payload(tb[NFTA_DATA_VALUE]),
	       len < NFT_RS_DATA ? len : NFT_RS_DATA);
	return len;
}

/* A map's value: data or a verdict (NFTA_DATA_VERDICT). */
static void
elem_data(const struct nlattr *a, struct nft_rs_elem *el)
{
	const struct nlattr *tb[MAXATTR], *vb[MAXATTR];

	el->data_len = value_get(a, el->data);
	if (!nested(a, tb) || !nested(tb[NFTA_DATA_VERDICT], vb))
		return;
	el->has_verdict = true;
	el->verdict = (int)u32_get(vb[NFTA_VERDICT_CODE]);
	str_get(vb[NFTA_VERDICT_CHAIN], el->chain, sizeof(el->chain));
}

int
nft_rs_set_msg(const struct nlmsghdr *nlh, struct nft_ruleset *rs)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[MAXATTR];
	struct nft_rs_set st;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)) ||
	    !attrs(mnl_nlmsg_get_payload_offset(nlh, sizeof(*g)),
		   mnl_nlmsg_get_payload_len(nlh) - sizeof(*g), tb))
		return -1;
	memset(&st, 0, sizeof(st));
	st.family = g->nfgen_family;
	if (!str_get(tb[NFTA_SET_TABLE], st.table, sizeof(st.table)) ||
	    !str_get(tb[NFTA_SET_NAME], st.name, sizeof(st.name)))
		return -1;
	st.flags = u32_get(tb[NFTA_SET_FLAGS]);
	st.key_len = u32_get(tb[NFTA_SET_KEY_LEN]);
	st.data_len = u32_get(tb[NFTA_SET_DATA_LEN]);
	rs->sets = xreallocarray(rs->sets, rs->n_sets + 1, sizeof(*rs->sets));
	rs->sets[rs->n_sets++] = st;
	return 0;
}

/* The set @table @name of @family, for writing. */
static struct nft_rs_set *
set_get(struct nft_ruleset *rs, int family, const char *table,
	const char *name)
{
	size_t i;

	for (i = 0; i < rs->n_sets; i++)
		if (rs->sets[i].family == family &&
		    !strcmp(rs->sets[i].table, table) &&
		    !strcmp(rs->sets[i].name, name))
			return &rs->sets[i];
	return NULL;
}

static int
elem_add(struct nft_rs_set *st, const struct nlattr *a)
{
	const struct nlattr *tb[MAXATTR];
	struct nft_rs_elem el;

	if (mnl_attr_get_type(a) != NFTA_LIST_ELEM || !nested(a, tb))
		return -1;
	memset(&el, 0, sizeof(el));
	el.key_len = value_get(tb[NFTA_SET_ELEM_KEY], el.key);
	el.key_end_len = value_get(tb[NFTA_SET_ELEM_KEY_END], el.key_end);
	el.flags = u32_get(tb[NFTA_SET_ELEM_FLAGS]);
	if (tb[NFTA_SET_ELEM_DATA])
		elem_data(tb[NFTA_SET_ELEM_DATA], &el);
	st->elems = xreallocarray(st->elems, st->n_elems + 1,
				  sizeof(*st->elems));
	st->elems[st->n_elems++] = el;
	return 0;
}

int
nft_rs_elem_msg(const struct nlmsghdr *nlh, struct nft_ruleset *rs)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[MAXATTR], *a;
	char table[NFT_RS_NAMESZ], name[NFT_RS_NAMESZ];
	struct nft_rs_set *st;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)) ||
	    !attrs(mnl_nlmsg_get_payload_offset(nlh, sizeof(*g)),
		   mnl_nlmsg_get_payload_len(nlh) - sizeof(*g), tb) ||
	    !str_get(tb[NFTA_SET_ELEM_LIST_TABLE], table, sizeof(table)) ||
	    !str_get(tb[NFTA_SET_ELEM_LIST_SET], name, sizeof(name)))
		return -1;
	st = set_get(rs, g->nfgen_family, table, name);
	if (!st || !tb[NFTA_SET_ELEM_LIST_ELEMENTS])
		return 0;	/* of no set we know: left out */
	mnl_attr_for_each_nested(a, tb[NFTA_SET_ELEM_LIST_ELEMENTS])
		if (elem_add(st, a) < 0)
			return -1;
	return 0;
}

void
nft_rs_sets_free(struct nft_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n_sets; i++)
		free(rs->sets[i].elems);
	free(rs->sets);
	rs->sets = NULL;
	rs->n_sets = 0;
}

const struct nft_rs_set *
nft_rs_set_find(const struct nft_ruleset *rs, const struct nft_rs_chain *c,
		const char *name)
{
	return set_get((struct nft_ruleset *)rs, c->family, c->table, name);
}

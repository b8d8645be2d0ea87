/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_read.c - reading our tables back from the kernel over netlink: a
 * table, chain, rule, object and set dump per family (and one dump of
 * elements per set: the kernel only gives them set by set) (the one dump loop of
 * nft_dump.c), filtered to table "masqsh", parsed into the same libnftnl
 * structure the compiler builds so that one printer serves both.
 * Whatever a hand edit put in our table is kept; nothing outside it is
 * read (every owner's tables: nft_ruleset.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/object.h>
#include <libnftnl/set.h>

#include "core/xalloc.h"
#include "nat/caps.h"
#include "nat/nft_int.h"

/* Is @table (NULL when the message had none) ours?  Checked before any
 * name is compared: libnftnl gives NULL for a missing attribute, and
 * strcmp(NULL) crashed on such a message (fuzz_nft_read; regress keeps
 * the inputs). */
static bool
ours(const char *table)
{
	return table && !strcmp(table, NAT_TABLE_NAME);
}

/* Where a dump callback puts what it parsed. */
struct nft_rd {
	struct nft_tab *t;
	int err;		/* non-zero: a message did not parse */
};

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_table *tb = nftnl_table_alloc();

	if (!tb || nft_table_parse(nlh, tb) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	/* A second table of ours in one family cannot come from the kernel;
	 * keep the first rather than leak it. */
	if (!ours(nftnl_table_get_str(tb, NFTNL_TABLE_NAME)) ||
	    (int)nftnl_table_get_u32(tb, NFTNL_TABLE_FAMILY) != rd->t->family ||
	    rd->t->table)
		goto out;
	rd->t->present = true;
	rd->t->table = tb;
	return MNL_CB_OK;
out:
	if (tb)
		nftnl_table_free(tb);
	return MNL_CB_OK;
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_chain *ch = nftnl_chain_alloc();

	if (!ch || nft_chain_parse(nlh, ch) < 0) {
		rd->err = EINVAL;
		if (ch)
			nftnl_chain_free(ch);
		return MNL_CB_OK;
	}
	/* A chain without a name is not one we can print or find. */
	if (!ours(nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE)) ||
	    !nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME)) {
		nftnl_chain_free(ch);
		return MNL_CB_OK;
	}
	nft_tab_add_chain(rd->t, ch);
	return MNL_CB_OK;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *chain;
	size_t i;

	if (!r || nft_rule_parse(nlh, r) < 0) {
		rd->err = EINVAL;
		goto drop;
	}
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	if (!ours(nftnl_rule_get_str(r, NFTNL_RULE_TABLE)) || !chain)
		goto drop;
	for (i = 0; i < rd->t->n_chains; i++) {
		struct nft_chainset *cs = &rd->t->chains[i];

		if (!strcmp(chain, nftnl_chain_get_str(cs->chain,
						       NFTNL_CHAIN_NAME))) {
			nft_chainset_add_rule(cs, r, NULL);
			return MNL_CB_OK;
		}
	}
drop:
	if (r)
		nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int
obj_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_obj *o = nftnl_obj_alloc();

	if (!o || nft_obj_parse(nlh, o) < 0) {
		rd->err = 1;
		if (o)
			nftnl_obj_free(o);
		return MNL_CB_OK;
	}
	if (!ours(nftnl_obj_get_str(o, NFTNL_OBJ_TABLE))) {
		nftnl_obj_free(o);
		return MNL_CB_OK;
	}
	nft_tab_add_obj(rd->t, o);
	return MNL_CB_OK;
}

static int
set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s || nft_set_parse(nlh, s) < 0) {
		rd->err = EINVAL;
		goto drop;
	}
	/* A set without a name cannot be found by a lookup or asked for
	 * its elements. */
	if (!ours(nftnl_set_get_str(s, NFTNL_SET_TABLE)) ||
	    !nftnl_set_get_str(s, NFTNL_SET_NAME))
		goto drop;
	nft_tab_add_set(rd->t, s, NULL);
	return MNL_CB_OK;
drop:
	if (s)
		nftnl_set_free(s);
	return MNL_CB_OK;
}

/* The value of the string attribute @type of @nlh, or NULL. */
static const char *
msg_str(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nfgenmsg))
		return NULL;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	return NULL;
}

/* Elements: added to the set of ours they name (read before them). */
static int
setelem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	const char *table = msg_str(nlh, NFTA_SET_ELEM_LIST_TABLE);
	const char *name = msg_str(nlh, NFTA_SET_ELEM_LIST_SET);
	size_t i;

	if (!ours(table) || !name)
		return MNL_CB_OK;
	for (i = 0; i < rd->t->n_sets; i++) {
		struct nftnl_set *s = rd->t->sets[i];
		const char *sn = nftnl_set_get_str(s, NFTNL_SET_NAME);

		if (sn && !strcmp(sn, name)) {
			if (nft_set_elems_parse(nlh, s) < 0)
				rd->err = EINVAL;
			return MNL_CB_OK;
		}
	}
	return MNL_CB_OK;
}

int
nft_read_msg(const struct nlmsghdr *nlh, struct nft_tab *t)
{
	struct nft_rd rd = { t, 0 };

	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWTABLE:
		table_cb(nlh, &rd);
		break;
	case NFT_MSG_NEWCHAIN:
		chain_cb(nlh, &rd);
		break;
	case NFT_MSG_NEWRULE:
		rule_cb(nlh, &rd);
		break;
	case NFT_MSG_NEWOBJ:
		obj_cb(nlh, &rd);
		break;
	case NFT_MSG_NEWSET:
		set_cb(nlh, &rd);
		break;
	case NFT_MSG_NEWSETELEM:
		setelem_cb(nlh, &rd);
		break;
	}
	return rd.err ? -1 : 0;
}

/* One dump of our table in @t's family, parsed into @t. */
static int
read_dump(struct mnl_socket *nl, uint16_t type, struct nft_tab *t, mnl_cb_t cb,
	  struct masq_err *e)
{
	struct nft_rd rd = { t, 0 };

	if (nft_dump(nl, type, t->family, NAT_TABLE_NAME, cb, &rd, e) < 0)
		return -1;
	if (rd.err)
		return err_set(e, MASQ_EFAIL, "cannot parse table %s as the "
			       "kernel sent it", NAT_TABLE_NAME);
	return 0;
}

/* The sets of our table in @t's family and the elements of each. */
static int
read_sets(struct mnl_socket *nl, struct nft_tab *t, struct masq_err *e)
{
	struct nft_rd rd = { t, 0 };
	size_t i;

	if (read_dump(nl, NFT_MSG_GETSET, t, set_cb, e) < 0)
		return -1;
	for (i = 0; i < t->n_sets; i++) {
		/* a copy: the callback may replace the set's name string */
		char name[256];

		snprintf(name, sizeof(name), "%s",
			 nftnl_set_get_str(t->sets[i], NFTNL_SET_NAME));
		if (nft_dump_set(nl, NFT_MSG_GETSETELEM, t->family,
				 NAT_TABLE_NAME, name, setelem_cb, &rd, e) < 0)
			return -1;
	}
	if (rd.err)
		return err_set(e, MASQ_EFAIL, "cannot parse the sets of table "
			       "%s as the kernel sent them", NAT_TABLE_NAME);
	return 0;
}

int
nft_kernel_read(struct nat_compiled **cp, struct masq_err *e)
{
	struct nat_compiled *c = nft_compiled_new();
	struct mnl_socket *nl = nft_sock_open(0, e);
	int i;

	*cp = NULL;
	if (!nl)
		goto fail;
	for (i = 0; i < 2; i++) {
		struct nft_tab *t = &c->tab[i];

		if (read_dump(nl, NFT_MSG_GETTABLE, t, table_cb, e) < 0)
			goto fail;
		if (!t->present)
			continue;
		if (read_dump(nl, NFT_MSG_GETCHAIN, t, chain_cb, e) < 0 ||
		    read_dump(nl, NFT_MSG_GETRULE, t, rule_cb, e) < 0 ||
		    read_dump(nl, NFT_MSG_GETOBJ, t, obj_cb, e) < 0 ||
		    read_sets(nl, t, e) < 0)
			goto fail;
	}
	mnl_socket_close(nl);
	*cp = c;
	return 0;
fail:
	if (nl)
		mnl_socket_close(nl);
	nat_compiled_free(c);
	return -1;
}

int
nat_kernel_print(char **text, bool with_counters, struct masq_err *e)
{
	struct nat_compiled *c;

	*text = NULL;
	if (nft_kernel_read(&c, e) < 0)
		return -1;
	*text = nft_tabs_print(c, with_counters);
	nat_compiled_free(c);
	return 0;
}

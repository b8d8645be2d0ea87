/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_ruleset.c - every owner's nftables tables as plain data (see
 * nft_ruleset.h): a chain, rule and object dump of every family through
 * nft_dump.c's loop, each libnftnl object turned into plain structs inside
 * its callback and freed there, so nothing of libnftnl leaves this file.
 *
 * An expression keeps what a reader needs to follow a packet: which load
 * fills which register, masks, comparisons, verdicts, NAT, reject,
 * counters, xt target names (iptables-nft) and object references.  An
 * attribute libnftnl does not have reads as 0, as nftnl_expr_get_u32()
 * gives it.  Nothing is changed in the kernel.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>

#include "core/xalloc.h"
#include "nat/caps.h"
#include "nat/nft_int.h"
#include "nat/nft_ruleset.h"
#include "nat/nl.h"

_Static_assert(NFT_RS_INET == NFPROTO_INET && NFT_RS_IP == NFPROTO_IPV4 &&
	       NFT_RS_ARP == NFPROTO_ARP && NFT_RS_NETDEV == NFPROTO_NETDEV &&
	       NFT_RS_BRIDGE == NFPROTO_BRIDGE && NFT_RS_IP6 == NFPROTO_IPV6,
	       "families");
_Static_assert(NFT_RS_PREROUTING == NF_INET_PRE_ROUTING &&
	       NFT_RS_INPUT == NF_INET_LOCAL_IN &&
	       NFT_RS_FORWARD == NF_INET_FORWARD &&
	       NFT_RS_OUTPUT == NF_INET_LOCAL_OUT &&
	       NFT_RS_POSTROUTING == NF_INET_POST_ROUTING, "hooks");
_Static_assert(NFT_RS_DROP == NF_DROP && NFT_RS_ACCEPT == NF_ACCEPT,
	       "verdicts");
_Static_assert((int)NFT_RS_EQ == NFT_CMP_EQ && (int)NFT_RS_NEQ == NFT_CMP_NEQ &&
	       (int)NFT_RS_LT == NFT_CMP_LT && (int)NFT_RS_LTE == NFT_CMP_LTE &&
	       (int)NFT_RS_GT == NFT_CMP_GT && (int)NFT_RS_GTE == NFT_CMP_GTE &&
	       (int)NFT_RS_EQ == NFT_RANGE_EQ &&
	       (int)NFT_RS_NEQ == NFT_RANGE_NEQ, "operators");
_Static_assert(NFT_RS_BASE_LL == NFT_PAYLOAD_LL_HEADER &&
	       NFT_RS_BASE_NETWORK == NFT_PAYLOAD_NETWORK_HEADER &&
	       NFT_RS_BASE_TRANSPORT == NFT_PAYLOAD_TRANSPORT_HEADER,
	       "payload bases");

/* The reader's state across the dumps. */
struct rs_rd {
	struct nft_ruleset *rs;
	size_t last;		/* chain of the previous rule: rules come
				 * chain by chain */
	int err;		/* a message did not parse */
};

static void
name_copy(char *dst, const char *src)
{
	snprintf(dst, NFT_RS_NAMESZ, "%s", src ? src : "");
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rs_rd *rd = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nft_ruleset *rs = rd->rs;
	struct nft_rs_chain ch;

	if (!c || nft_chain_parse(nlh, c) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	memset(&ch, 0, sizeof(ch));
	ch.family = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	name_copy(ch.table, nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	name_copy(ch.name, nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	ch.hook = -1;
	ch.policy = NFT_RS_ACCEPT;
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		ch.base = true;
		ch.hook = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		ch.prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY))
			ch.policy = (int)nftnl_chain_get_u32(c,
							    NFTNL_CHAIN_POLICY);
		snprintf(ch.type, sizeof(ch.type), "%s",
			 nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE) ?
			 nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE) : "filter");
	}
	rs->chains = xreallocarray(rs->chains, rs->n_chains + 1,
				   sizeof(*rs->chains));
	rs->chains[rs->n_chains++] = ch;
out:
	if (c)
		nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* Attribute @attr of @ex into @buf (NFT_RS_DATA bytes); its length. */
static uint32_t
data_get(const struct nftnl_expr *ex, uint16_t attr, uint8_t *buf,
	 bool *has)
{
	uint32_t len = 0;
	const void *p = nftnl_expr_get(ex, attr, &len);

	if (has)
		*has = p != NULL;
	if (!p)
		return 0;
	memcpy(buf, p, len < NFT_RS_DATA ? len : NFT_RS_DATA);
	return len;
}

/* A meta, payload or ct load; false for a statement (no dreg). */
static bool
load_get(const struct nftnl_expr *ex, const char *name, struct nft_rs_expr *x)
{
	uint16_t at = !strcmp(name, "meta") ? NFTNL_EXPR_META_DREG :
		!strcmp(name, "payload") ? NFTNL_EXPR_PAYLOAD_DREG :
		!strcmp(name, "ct") ? NFTNL_EXPR_CT_DREG : 0;
	uint32_t key;

	if (!at || !nftnl_expr_is_set(ex, at))
		return false;
	x->kind = NFT_RS_X_LOAD;
	x->dreg = nftnl_expr_get_u32(ex, at);
	/* by name: NFTNL_EXPR_PAYLOAD_DREG and NFTNL_EXPR_CT_DREG are the
	 * same number (both NFTNL_EXPR_BASE), so a ct load compared by
	 * attribute read as a payload load (diag ha's ct state check) */
	if (name[0] == 'm') {
		key = nftnl_expr_get_u32(ex, NFTNL_EXPR_META_KEY);
		x->load = key == NFT_META_NFPROTO ? NFT_RS_LOAD_NFPROTO :
			key == NFT_META_L4PROTO ? NFT_RS_LOAD_L4PROTO :
			key == NFT_META_PROTOCOL ? NFT_RS_LOAD_PROTOCOL :
			NFT_RS_LOAD_OTHER;
	} else if (name[0] == 'p') {
		x->load = NFT_RS_LOAD_PAYLOAD;
		x->base = nftnl_expr_get_u32(ex, NFTNL_EXPR_PAYLOAD_BASE);
		x->off = nftnl_expr_get_u32(ex, NFTNL_EXPR_PAYLOAD_OFFSET);
		x->len = nftnl_expr_get_u32(ex, NFTNL_EXPR_PAYLOAD_LEN);
	} else if (nftnl_expr_get_u32(ex, NFTNL_EXPR_CT_KEY) == NFT_CT_STATE) {
		x->load = NFT_RS_LOAD_CT_STATE;
	}
	return true;
}

/* Comparisons and masks: cmp, range, bitwise, lookup. */
static bool
match_get(const struct nftnl_expr *ex, const char *name,
	  struct nft_rs_expr *x)
{
	if (!strcmp(name, "cmp")) {
		x->kind = NFT_RS_X_CMP;
		x->sreg = nftnl_expr_get_u32(ex, NFTNL_EXPR_CMP_SREG);
		x->op = (enum nft_rs_op)nftnl_expr_get_u32(ex,
							 NFTNL_EXPR_CMP_OP);
		x->data_len = data_get(ex, NFTNL_EXPR_CMP_DATA, x->data,
				       &x->has_data);
	} else if (!strcmp(name, "range")) {
		x->kind = NFT_RS_X_RANGE;
		x->sreg = nftnl_expr_get_u32(ex, NFTNL_EXPR_RANGE_SREG);
		x->op = (enum nft_rs_op)nftnl_expr_get_u32(ex,
							 NFTNL_EXPR_RANGE_OP);
		x->data_len = data_get(ex, NFTNL_EXPR_RANGE_FROM_DATA,
				       x->data, &x->has_data);
		x->data2_len = data_get(ex, NFTNL_EXPR_RANGE_TO_DATA,
					x->data2, NULL);
	} else if (!strcmp(name, "bitwise")) {
		x->kind = NFT_RS_X_BITWISE;
		x->sreg = nftnl_expr_get_u32(ex, NFTNL_EXPR_BITWISE_SREG);
		x->dreg = nftnl_expr_get_u32(ex, NFTNL_EXPR_BITWISE_DREG);
		x->data_len = data_get(ex, NFTNL_EXPR_BITWISE_MASK, x->data,
				       &x->has_data);
	} else if (!strcmp(name, "lookup")) {
		x->kind = NFT_RS_X_LOOKUP;
	} else {
		return false;
	}
	return true;
}

/* Statements: verdicts, counters, reject, NAT, targets, objrefs. */
static void
stmt_get(const struct nftnl_expr *ex, const char *name, struct nft_rs_expr *x)
{
	if (!strcmp(name, "immediate") &&
	    nftnl_expr_get_u32(ex, NFTNL_EXPR_IMM_DREG) == NFT_REG_VERDICT) {
		x->kind = NFT_RS_X_VERDICT;
		x->verdict = (int)nftnl_expr_get_u32(ex, NFTNL_EXPR_IMM_VERDICT);
	} else if (!strcmp(name, "counter")) {
		x->kind = NFT_RS_X_COUNTER;
		x->packets = nftnl_expr_get_u64(ex, NFTNL_EXPR_CTR_PACKETS);
	} else if (!strcmp(name, "reject")) {
		x->kind = NFT_RS_X_REJECT;
	} else if (!strcmp(name, "masq")) {
		x->kind = NFT_RS_X_MASQ;
	} else if (!strcmp(name, "nat")) {
		x->kind = NFT_RS_X_NAT;
		x->snat = nftnl_expr_get_u32(ex, NFTNL_EXPR_NAT_TYPE) ==
			  NFT_NAT_SNAT;
	} else if (!strcmp(name, "target")) {
		x->kind = NFT_RS_X_TARGET;
		if (nftnl_expr_is_set(ex, NFTNL_EXPR_TG_NAME))
			snprintf(x->obj, sizeof(x->obj), "%s",
				 nftnl_expr_get_str(ex, NFTNL_EXPR_TG_NAME));
	} else if (!strcmp(name, "objref")) {
		x->kind = NFT_RS_X_OBJREF;
		x->helper = nftnl_expr_is_set(ex, NFTNL_EXPR_OBJREF_IMM_TYPE) &&
			    nftnl_expr_get_u32(ex, NFTNL_EXPR_OBJREF_IMM_TYPE) ==
			    NFT_OBJECT_CT_HELPER;
		if (nftnl_expr_is_set(ex, NFTNL_EXPR_OBJREF_IMM_NAME))
			snprintf(x->obj, sizeof(x->obj), "%s",
				 nftnl_expr_get_str(ex,
						    NFTNL_EXPR_OBJREF_IMM_NAME));
	}
}

static int
expr_cb(struct nftnl_expr *ex, void *data)
{
	struct nft_rs_rule *r = data;
	const char *name = nftnl_expr_get_str(ex, NFTNL_EXPR_NAME);
	struct nft_rs_expr *x;

	r->x = xreallocarray(r->x, r->n_x + 1, sizeof(*r->x));
	x = &r->x[r->n_x++];
	memset(x, 0, sizeof(*x));
	if (!name)
		return 0;
	snprintf(x->name, sizeof(x->name), "%s", name);
	if (!load_get(ex, name, x) && !match_get(ex, name, x))
		stmt_get(ex, name, x);
	return 0;
}

/* The chain @r belongs to, or -1. */
static long
chain_find(struct rs_rd *rd, const struct nftnl_rule *r)
{
	const struct nft_ruleset *rs = rd->rs;
	int family = (int)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
	const char *table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	size_t i, k;

	if (!table || !chain)
		return -1;
	for (k = 0; k < rs->n_chains; k++) {
		i = (rd->last + k) % rs->n_chains;
		if (rs->chains[i].family == family &&
		    !strcmp(rs->chains[i].table, table) &&
		    !strcmp(rs->chains[i].name, chain))
			return (long)(rd->last = i);
	}
	return -1;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rs_rd *rd = data;
	struct nft_ruleset *rs = rd->rs;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nft_rs_rule pr;
	long chain;

	if (!r || nft_rule_parse(nlh, r) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	chain = chain_find(rd, r);
	if (chain < 0)
		goto out;
	memset(&pr, 0, sizeof(pr));
	pr.chain = (size_t)chain;
	pr.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	nftnl_expr_foreach(r, expr_cb, &pr);
	rs->chains[chain].n_rules++;
	rs->rules = xreallocarray(rs->rules, rs->n_rules + 1,
				  sizeof(*rs->rules));
	rs->rules[rs->n_rules++] = pr;
out:
	if (r)
		nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int
obj_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rs_rd *rd = data;
	struct nft_ruleset *rs = rd->rs;
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nft_rs_helper h;

	if (!o || nft_obj_parse(nlh, o) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	if (nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE) != NFT_OBJECT_CT_HELPER)
		goto out;
	memset(&h, 0, sizeof(h));
	h.family = (int)nftnl_obj_get_u32(o, NFTNL_OBJ_FAMILY);
	name_copy(h.table, nftnl_obj_get_str(o, NFTNL_OBJ_TABLE));
	name_copy(h.name, nftnl_obj_get_str(o, NFTNL_OBJ_NAME));
	if (nftnl_obj_is_set(o, NFTNL_OBJ_CT_HELPER_NAME))
		snprintf(h.helper, sizeof(h.helper), "%s",
			 nftnl_obj_get_str(o, NFTNL_OBJ_CT_HELPER_NAME));
	rs->helpers = xreallocarray(rs->helpers, rs->n_helpers + 1,
				    sizeof(*rs->helpers));
	rs->helpers[rs->n_helpers++] = h;
out:
	if (o)
		nftnl_obj_free(o);
	return MNL_CB_OK;
}

/* A message of any of the three dumps, by its type. */
static int
any_cb(const struct nlmsghdr *nlh, void *data)
{
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWCHAIN:
		return chain_cb(nlh, data);
	case NFT_MSG_NEWRULE:
		return rule_cb(nlh, data);
	case NFT_MSG_NEWOBJ:
		return obj_cb(nlh, data);
	}
	return MNL_CB_OK;
}

/* Sets @e when a message did not parse; empties @rs on error. */
static int
rs_finish(struct nft_ruleset *rs, const struct rs_rd *rd, int ret,
	  struct masq_err *e)
{
	if (ret == 0 && rd->err)
		ret = err_set(e, MASQ_EKERNEL, "the kernel's nftables answer "
			      "did not parse");
	if (ret == -1)
		nft_ruleset_done(rs);
	return ret;
}

int
nft_ruleset_parse(const void *buf, size_t len, struct nft_ruleset *rs,
		  struct masq_err *e)
{
	struct rs_rd rd = { rs, 0, 0 };
	int ret = 0;

	memset(rs, 0, sizeof(*rs));
	if (nl_cb_run(buf, len, 0, 0, any_cb, &rd) < 0 && errno != ENOENT)
		ret = err_sys(e, MASQ_EKERNEL, errno, "reading the nftables "
			      "ruleset failed");
	return rs_finish(rs, &rd, ret, e);
}

int
nft_ruleset_read(struct nft_ruleset *rs, struct masq_err *e)
{
	struct rs_rd rd = { rs, 0, 0 };
	struct mnl_socket *nl;
	int ret = -1;

	memset(rs, 0, sizeof(*rs));
	nl = nat_nfnl_open("reading the nftables ruleset", 0, e);
	if (!nl)
		return -1;
	if (nft_dump(nl, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NULL, chain_cb,
		     &rd, e) == 0 &&
	    nft_dump(nl, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NULL, rule_cb,
		     &rd, e) == 0 &&
	    nft_dump(nl, NFT_MSG_GETOBJ, NFPROTO_UNSPEC, NULL, obj_cb,
		     &rd, e) == 0)
		ret = 0;
	mnl_socket_close(nl);
	return rs_finish(rs, &rd, ret, e);
}

void
nft_ruleset_done(struct nft_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n_rules; i++)
		free(rs->rules[i].x);
	free(rs->rules);
	free(rs->chains);
	free(rs->helpers);
	memset(rs, 0, sizeof(*rs));
}

const char *
nft_rs_family_name(int family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "?";
}

const char *
nft_rs_hook_name(int hook)
{
	static const char *const names[] = {
		"prerouting", "input", "forward", "output", "postrouting",
		"ingress",
	};

	if (hook >= 0 && hook < (int)(sizeof(names) / sizeof(names[0])))
		return names[hook];
	return "?";
}

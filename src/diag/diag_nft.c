/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag_nft.c - a summary of every nftables table in this namespace, read
 * over netlink with libnftnl (the checks ident, nat.others and helpers):
 * each chain with its hook, priority, type and policy, what its rules do
 * (masquerade, snat, dnat; matching tcp port 113 and the verdict; setting
 * a ct helper), and the ct helper objects.
 *
 * Rules are understood by walking their expressions: a transport-header
 * payload load at offset 2 (the destination port) into a register, then a
 * cmp or range on that register covering 113, then the verdict (an
 * immediate drop/accept, or reject).  iptables-nft's xt targets
 * (MASQUERADE, SNAT, DNAT, REJECT) count as their native equivalents.
 * Port sets (lookup) are not resolved.  Nothing is changed in the kernel.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>

#include "core/xalloc.h"
#include "diag/diag_int.h"
#include "nat/caps.h"

#define IDENT_PORT 113

struct rd {
	struct diag_nft *d;
	int err;
};

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rd *rd = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct diag_nft_chain ch;
	const char *s;

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	memset(&ch, 0, sizeof(ch));
	ch.family = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	snprintf(ch.table, sizeof(ch.table), "%s",
		 nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	snprintf(ch.name, sizeof(ch.name), "%s",
		 nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	ch.hook = -1;
	ch.policy = NF_ACCEPT;
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		ch.base = true;
		ch.hook = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		ch.prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY))
			ch.policy = (int)nftnl_chain_get_u32(c,
							    NFTNL_CHAIN_POLICY);
		s = nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE) ?
			nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE) : "filter";
		snprintf(ch.type, sizeof(ch.type), "%s", s);
	}
	rd->d->chains = xreallocarray(rd->d->chains, rd->d->n_chains + 1,
				      sizeof(*rd->d->chains));
	rd->d->chains[rd->d->n_chains++] = ch;
out:
	if (c)
		nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* What one rule's expressions amount to. */
struct rule_sum {
	struct diag_nft_chain *ch;
	uint32_t dport_reg;	/* register holding the dport; 0: none */
	bool m113;		/* matched tcp/udp dport 113 */
	int verdict;		/* -1 none, NF_DROP, NF_ACCEPT */
	bool reject;
};

static uint16_t
reg_u16(const struct nftnl_expr *ex, uint16_t attr)
{
	uint32_t len = 0;
	const void *p = nftnl_expr_get(ex, attr, &len);
	uint16_t v;

	if (!p || len != 2)
		return 0;
	memcpy(&v, p, 2);
	return ntohs(v);
}

static void
target(struct rule_sum *rs, const char *name)
{
	if (!strcmp(name, "MASQUERADE"))
		rs->ch->n_masq++;
	else if (!strcmp(name, "SNAT"))
		rs->ch->n_snat++;
	else if (!strcmp(name, "DNAT"))
		rs->ch->n_dnat++;
	else if (!strcmp(name, "REJECT"))
		rs->reject = true;
}

static int
expr_cb(struct nftnl_expr *ex, void *data)
{
	struct rule_sum *rs = data;
	const char *name = nftnl_expr_get_str(ex, NFTNL_EXPR_NAME);
	struct diag_nft_chain *ch = rs->ch;
	uint16_t lo, hi;

	if (!strcmp(name, "payload")) {
		if (nftnl_expr_get_u32(ex, NFTNL_EXPR_PAYLOAD_BASE) ==
		    NFT_PAYLOAD_TRANSPORT_HEADER &&
		    nftnl_expr_get_u32(ex, NFTNL_EXPR_PAYLOAD_OFFSET) == 2 &&
		    nftnl_expr_get_u32(ex, NFTNL_EXPR_PAYLOAD_LEN) == 2)
			rs->dport_reg = nftnl_expr_get_u32(ex,
						NFTNL_EXPR_PAYLOAD_DREG);
		else if (rs->dport_reg == nftnl_expr_get_u32(ex,
						NFTNL_EXPR_PAYLOAD_DREG))
			rs->dport_reg = 0;
	} else if (!strcmp(name, "cmp")) {
		if (rs->dport_reg && nftnl_expr_get_u32(ex,
				NFTNL_EXPR_CMP_SREG) == rs->dport_reg &&
		    nftnl_expr_get_u32(ex, NFTNL_EXPR_CMP_OP) == NFT_CMP_EQ &&
		    reg_u16(ex, NFTNL_EXPR_CMP_DATA) == IDENT_PORT)
			rs->m113 = true;
	} else if (!strcmp(name, "range")) {
		lo = reg_u16(ex, NFTNL_EXPR_RANGE_FROM_DATA);
		hi = reg_u16(ex, NFTNL_EXPR_RANGE_TO_DATA);
		if (rs->dport_reg && nftnl_expr_get_u32(ex,
				NFTNL_EXPR_RANGE_SREG) == rs->dport_reg &&
		    nftnl_expr_get_u32(ex, NFTNL_EXPR_RANGE_OP) ==
		    NFT_RANGE_EQ && lo <= IDENT_PORT && hi >= IDENT_PORT)
			rs->m113 = true;
	} else if (!strcmp(name, "immediate")) {
		if (nftnl_expr_get_u32(ex, NFTNL_EXPR_IMM_DREG) ==
		    NFT_REG_VERDICT)
			rs->verdict = (int)nftnl_expr_get_u32(ex,
							 NFTNL_EXPR_IMM_VERDICT);
	} else if (!strcmp(name, "reject")) {
		rs->reject = true;
	} else if (!strcmp(name, "masq")) {
		ch->n_masq++;
	} else if (!strcmp(name, "nat")) {
		if (nftnl_expr_get_u32(ex, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_SNAT)
			ch->n_snat++;
		else
			ch->n_dnat++;
	} else if (!strcmp(name, "target")) {
		target(rs, nftnl_expr_get_str(ex, NFTNL_EXPR_TG_NAME));
	} else if (!strcmp(name, "objref")) {
		if (nftnl_expr_is_set(ex, NFTNL_EXPR_OBJREF_IMM_TYPE) &&
		    nftnl_expr_get_u32(ex, NFTNL_EXPR_OBJREF_IMM_TYPE) ==
		    NFT_OBJECT_CT_HELPER && ch->n_helper_refs < 4)
			snprintf(ch->helper_refs[ch->n_helper_refs++],
				 sizeof(ch->helper_refs[0]), "%s",
				 nftnl_expr_get_str(ex,
						    NFTNL_EXPR_OBJREF_IMM_NAME));
	}
	return 0;
}

static struct diag_nft_chain *
chain_find(struct diag_nft *d, int family, const char *table,
	   const char *name)
{
	size_t i;

	for (i = 0; i < d->n_chains; i++)
		if (d->chains[i].family == family &&
		    !strcmp(d->chains[i].table, table) &&
		    !strcmp(d->chains[i].name, name))
			return &d->chains[i];
	return NULL;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rd *rd = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct rule_sum rs = { NULL, 0, false, -1, false };

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	rs.ch = chain_find(rd->d, (int)nftnl_rule_get_u32(r,
				NFTNL_RULE_FAMILY),
			   nftnl_rule_get_str(r, NFTNL_RULE_TABLE),
			   nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
	if (!rs.ch)
		goto out;
	rs.ch->n_rules++;
	nftnl_expr_foreach(r, expr_cb, &rs);
	if (rs.m113) {
		if (rs.reject)
			rs.ch->ident_reject++;
		else if (rs.verdict == NF_DROP)
			rs.ch->ident_drop++;
		else if (rs.verdict == NF_ACCEPT)
			rs.ch->ident_accept++;
	}
out:
	if (r)
		nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int
obj_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rd *rd = data;
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct diag_nft_helper h;

	if (!o || nftnl_obj_nlmsg_parse(nlh, o) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	if (nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE) != NFT_OBJECT_CT_HELPER)
		goto out;
	memset(&h, 0, sizeof(h));
	h.family = (int)nftnl_obj_get_u32(o, NFTNL_OBJ_FAMILY);
	snprintf(h.table, sizeof(h.table), "%s",
		 nftnl_obj_get_str(o, NFTNL_OBJ_TABLE));
	snprintf(h.name, sizeof(h.name), "%s",
		 nftnl_obj_get_str(o, NFTNL_OBJ_NAME));
	if (nftnl_obj_is_set(o, NFTNL_OBJ_CT_HELPER_NAME))
		snprintf(h.helper, sizeof(h.helper), "%s",
			 nftnl_obj_get_str(o, NFTNL_OBJ_CT_HELPER_NAME));
	rd->d->helpers = xreallocarray(rd->d->helpers, rd->d->n_helpers + 1,
				       sizeof(*rd->d->helpers));
	rd->d->helpers[rd->d->n_helpers++] = h;
out:
	if (o)
		nftnl_obj_free(o);
	return MNL_CB_OK;
}

static int
dump(struct mnl_socket *nl, uint16_t type, mnl_cb_t cb, struct rd *rd,
     struct masq_err *e)
{
	size_t bufsz = 1 << 17;
	char *buf = xmalloc(bufsz);
	uint32_t seq = (uint32_t)time(NULL) + type;
	uint32_t portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh;
	ssize_t n;
	int r, ret = -1;

	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_UNSPEC, NLM_F_DUMP,
				    seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot ask the kernel for "
			"its nftables ruleset");
		nat_err_perm(e);
		goto out;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, bufsz);
		if (n < 0) {
			err_sys(e, MASQ_EKERNEL, errno, "reading the nftables "
				"ruleset failed");
			nat_err_perm(e);
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, rd);
		if (r < 0) {
			if (errno == ENOENT)
				break;
			err_sys(e, MASQ_EKERNEL, errno, "reading the nftables "
				"ruleset failed");
			nat_err_perm(e);
			goto out;
		}
		if (r == MNL_CB_STOP)
			break;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

int
diag_nft_read(struct diag_nft *d, struct masq_err *e)
{
	struct mnl_socket *nl;
	struct rd rd = { d, 0 };
	int ret = -1;

	memset(d, 0, sizeof(*d));
	nl = nat_nfnl_open("reading the nftables ruleset", 0, e);
	if (!nl)
		return -1;
	if (dump(nl, NFT_MSG_GETCHAIN, chain_cb, &rd, e) == -1 ||
	    dump(nl, NFT_MSG_GETRULE, rule_cb, &rd, e) == -1 ||
	    dump(nl, NFT_MSG_GETOBJ, obj_cb, &rd, e) == -1)
		goto out;
	if (rd.err) {
		err_set(e, MASQ_EKERNEL, "the kernel's nftables answer did not "
			"parse");
		goto out;
	}
	ret = 0;
out:
	mnl_socket_close(nl);
	if (ret == -1)
		diag_nft_done(d);
	return ret;
}

void
diag_nft_done(struct diag_nft *d)
{
	free(d->chains);
	free(d->helpers);
	memset(d, 0, sizeof(*d));
}

const char *
diag_nft_family_name(int family)
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
diag_nft_hook_name(int hook)
{
	static const char *const names[] = {
		"prerouting", "input", "forward", "output", "postrouting",
		"ingress",
	};

	if (hook >= 0 && hook < (int)(sizeof(names) / sizeof(names[0])))
		return names[hook];
	return "?";
}

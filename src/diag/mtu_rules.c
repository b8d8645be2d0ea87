/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mtu_rules.c - would this host's nftables ruleset drop an incoming ICMP
 * "fragmentation needed"?  Reads every table's chains and rules over
 * netlink and runs a model packet through the base chains on prerouting,
 * input and forward: IPv4, ICMP type 3 code 4, conntrack state related.
 *
 * The evaluation is a small register machine over the rule's expressions:
 * loads of what the model packet defines (meta nfproto/l4proto, ip
 * protocol, the first two ICMP bytes, ct state) give known bytes, anything
 * else (addresses, interfaces, set lookups) is unknown and makes a match
 * "maybe".  Rules are walked in order until one surely matches with a
 * verdict; jumps are not followed.  A heuristic, and the result says so.
 */
#include "config.h"

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
#include <libnftnl/rule.h>

#include "core/xalloc.h"
#include "diag/mtu.h"
#include "nat/caps.h"

enum tri { T_NO = 0, T_MAYBE, T_YES };

struct regv {
	bool known;
	uint8_t d[16];
	uint32_t len;
};

struct eval {
	struct regv reg[20];
	enum tri match;
	int verdict;		/* NF_ACCEPT, NF_DROP, -1: none/other */
	bool counter;
	uint64_t packets;
};

struct dump {
	struct nftnl_chain **chains;
	size_t n_chains;
	struct nftnl_rule **rules;
	size_t n_rules;
};

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	d->chains = xreallocarray(d->chains, d->n_chains + 1,
				  sizeof(*d->chains));
	d->chains[d->n_chains++] = c;
	return MNL_CB_OK;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	d->rules = xreallocarray(d->rules, d->n_rules + 1, sizeof(*d->rules));
	d->rules[d->n_rules++] = r;
	return MNL_CB_OK;
}

static int
dump_all(struct mnl_socket *nl, uint16_t type, mnl_cb_t cb, struct dump *d,
	 struct masq_err *e)
{
	char buf[16384];
	struct nlmsghdr *nlh;
	unsigned int seq = (unsigned int)time(NULL);
	unsigned int portid = mnl_socket_get_portid(nl);
	int n;

	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_UNSPEC,
				    NLM_F_DUMP, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err_sys(e, MASQ_EKERNEL, errno,
			"cannot read the nftables ruleset");
		return nat_err_perm(e);
	}
	while ((n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		n = mnl_cb_run(buf, (size_t)n, seq, portid, cb, d);
		if (n <= 0)
			break;
	}
	if (n < 0 && errno != ENOENT) {
		err_sys(e, MASQ_EKERNEL, errno,
			"cannot read the nftables ruleset");
		return nat_err_perm(e);
	}
	return 0;
}

/* The model packet's bytes, or false when the load is something else. */
static bool
model_load(const struct nftnl_expr *x, const char *name, struct regv *v)
{
	uint32_t base, off, len, key;

	memset(v, 0, sizeof(*v));
	if (!strcmp(name, "meta")) {
		key = nftnl_expr_get_u32(x, NFTNL_EXPR_META_KEY);
		v->len = 1;
		if (key == NFT_META_NFPROTO)
			v->d[0] = NFPROTO_IPV4;
		else if (key == NFT_META_L4PROTO || key == NFT_META_PROTOCOL)
			v->d[0] = 1;	/* icmp */
		else
			return false;
		if (key == NFT_META_PROTOCOL) {
			v->len = 2;
			v->d[0] = 0x08;	/* ETH_P_IP, network order */
			v->d[1] = 0x00;
		}
		v->known = true;
		return true;
	}
	if (!strcmp(name, "payload")) {
		base = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_BASE);
		off = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET);
		len = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_LEN);
		v->len = len > 16 ? 16 : len;
		if (base == NFT_PAYLOAD_NETWORK_HEADER && off == 9 && len == 1)
			v->d[0] = 1;
		else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 0 &&
			 len <= 2) {
			v->d[0] = 3;
			v->d[1] = 4;
		} else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 1 &&
			   len == 1)
			v->d[0] = 4;
		else
			return false;
		v->known = true;
		return true;
	}
	if (!strcmp(name, "ct") &&
	    nftnl_expr_get_u32(x, NFTNL_EXPR_CT_KEY) == NFT_CT_STATE) {
		uint32_t st = 1u << 2;	/* NF_CT_STATE_BIT(IP_CT_RELATED) */

		v->len = 4;
		memcpy(v->d, &st, 4);
		v->known = true;
		return true;
	}
	return false;
}

static int
cmp_bytes(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)	/* big-endian compare, as nft does */
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static void
and_match(struct eval *ev, enum tri t)
{
	if (t < ev->match)
		ev->match = t;
}

static int
expr_cb(struct nftnl_expr *x, void *data)
{
	struct eval *ev = data;
	const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_NAME);
	uint32_t dreg = 0, sreg, len = 0, op, i;
	const uint8_t *d;
	struct regv v;
	int c;

	if (!strcmp(name, "meta") || !strcmp(name, "payload") ||
	    !strcmp(name, "ct") || !strcmp(name, "rt") ||
	    !strcmp(name, "socket") || !strcmp(name, "fib")) {
		uint16_t at = !strcmp(name, "meta") ? NFTNL_EXPR_META_DREG :
			!strcmp(name, "payload") ? NFTNL_EXPR_PAYLOAD_DREG :
			!strcmp(name, "ct") ? NFTNL_EXPR_CT_DREG : 0;

		if (!at || !nftnl_expr_is_set(x, at))
			return 0;
		dreg = nftnl_expr_get_u32(x, at);
		if (dreg >= 20)
			return 0;
		if (!model_load(x, name, &v))
			v.known = false;
		ev->reg[dreg] = v;
	} else if (!strcmp(name, "bitwise")) {
		sreg = nftnl_expr_get_u32(x, NFTNL_EXPR_BITWISE_SREG);
		dreg = nftnl_expr_get_u32(x, NFTNL_EXPR_BITWISE_DREG);
		d = nftnl_expr_get(x, NFTNL_EXPR_BITWISE_MASK, &len);
		if (sreg >= 20 || dreg >= 20)
			return 0;
		v = ev->reg[sreg];
		if (d && len <= 16)
			for (i = 0; i < len; i++)
				v.d[i] &= d[i];
		else
			v.known = false;
		ev->reg[dreg] = v;
	} else if (!strcmp(name, "cmp")) {
		sreg = nftnl_expr_get_u32(x, NFTNL_EXPR_CMP_SREG);
		op = nftnl_expr_get_u32(x, NFTNL_EXPR_CMP_OP);
		d = nftnl_expr_get(x, NFTNL_EXPR_CMP_DATA, &len);
		if (sreg >= 20 || !ev->reg[sreg].known || !d || len > 16) {
			and_match(ev, T_MAYBE);
			return 0;
		}
		c = cmp_bytes(ev->reg[sreg].d, d, len);
		and_match(ev, (op == NFT_CMP_EQ && !c) ||
			  (op == NFT_CMP_NEQ && c) ||
			  (op == NFT_CMP_LT && c < 0) ||
			  (op == NFT_CMP_LTE && c <= 0) ||
			  (op == NFT_CMP_GT && c > 0) ||
			  (op == NFT_CMP_GTE && c >= 0) ? T_YES : T_NO);
	} else if (!strcmp(name, "lookup") || !strcmp(name, "range")) {
		and_match(ev, T_MAYBE);
	} else if (!strcmp(name, "counter")) {
		ev->counter = true;
		ev->packets = nftnl_expr_get_u64(x, NFTNL_EXPR_CTR_PACKETS);
	} else if (!strcmp(name, "reject")) {
		ev->verdict = NF_DROP;
	} else if (!strcmp(name, "immediate") &&
		   nftnl_expr_get_u32(x, NFTNL_EXPR_IMM_DREG) ==
		   NFT_REG_VERDICT) {
		int vd = (int)nftnl_expr_get_u32(x, NFTNL_EXPR_IMM_VERDICT);

		ev->verdict = vd == NF_ACCEPT || vd == NF_DROP ? vd : -1;
	}
	return 0;
}

static const char *
family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_NETDEV:
		return "netdev";
	case NFPROTO_BRIDGE:
		return "bridge";
	default:
		return NULL;	/* ip6, arp: never see an IPv4 ICMP */
	}
}

static void
drop_add(struct mtu_drop **v, size_t *n, enum mtu_drop_kind kind,
	 const struct nftnl_chain *c, const char *hook,
	 const struct nftnl_rule *r, const struct eval *ev)
{
	struct mtu_drop *d;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	d = &(*v)[(*n)++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	snprintf(d->family, sizeof(d->family), "%s",
		 family_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY)));
	snprintf(d->table, sizeof(d->table), "%s",
		 nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	snprintf(d->chain, sizeof(d->chain), "%s",
		 nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	snprintf(d->hook, sizeof(d->hook), "%s", hook);
	d->ours = !strcmp(d->table, "masqsh");
	if (r) {
		d->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		d->has_counter = ev->counter;
		d->packets = ev->packets;
	}
}

static void
chain_eval(const struct dump *dp, const struct nftnl_chain *c,
	   struct mtu_drop **v, size_t *n)
{
	const char *table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	const char *name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	uint32_t fam = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY), hook;
	const char *hname;
	struct eval ev;
	size_t i;

	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) || !family_name(fam))
		return;
	hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	hname = hook == NF_INET_PRE_ROUTING ? "prerouting" :
		hook == NF_INET_LOCAL_IN ? "input" :
		hook == NF_INET_FORWARD ? "forward" : NULL;
	if (!hname || fam == NFPROTO_NETDEV || fam == NFPROTO_BRIDGE)
		return;
	for (i = 0; i < dp->n_rules; i++) {
		const struct nftnl_rule *r = dp->rules[i];

		if (nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY) != fam ||
		    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), table) ||
		    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), name))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.match = T_YES;
		ev.verdict = -1;
		nftnl_expr_foreach((struct nftnl_rule *)r, expr_cb, &ev);
		if (ev.match == T_NO || ev.verdict < 0)
			continue;
		if (ev.verdict == NF_ACCEPT) {
			if (ev.match == T_YES)
				return;
			continue;
		}
		drop_add(v, n, ev.match == T_YES ? MTU_DROP_RULE :
			 MTU_DROP_MAYBE, c, hname, r, &ev);
		if (ev.match == T_YES)
			return;
	}
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
	    nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP)
		drop_add(v, n, MTU_DROP_POLICY, c, hname, NULL, NULL);
}

int
mtu_rules_drops(struct mtu_drop **v, size_t *n, struct masq_err *e)
{
	struct mnl_socket *nl;
	struct dump dp;
	size_t i;
	int ret = -1;

	*v = NULL;
	*n = 0;
	memset(&dp, 0, sizeof(dp));
	nl = nat_nfnl_open("reading the nftables ruleset", 0, e);
	if (!nl)
		goto out;
	if (dump_all(nl, NFT_MSG_GETCHAIN, chain_cb, &dp, e) < 0 ||
	    dump_all(nl, NFT_MSG_GETRULE, rule_cb, &dp, e) < 0)
		goto out;
	for (i = 0; i < dp.n_chains; i++)
		chain_eval(&dp, dp.chains[i], v, n);
	ret = 0;
out:
	for (i = 0; i < dp.n_chains; i++)
		nftnl_chain_free(dp.chains[i]);
	for (i = 0; i < dp.n_rules; i++)
		nftnl_rule_free(dp.rules[i]);
	free(dp.chains);
	free(dp.rules);
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

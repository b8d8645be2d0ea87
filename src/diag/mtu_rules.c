/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mtu_rules.c - would this host's nftables ruleset drop an incoming ICMP
 * "fragmentation needed"?  Takes every table's chains and rules from nat
 * (nat/nft_ruleset.h, as plain data) and runs a model packet through the
 * base chains on prerouting, input and forward: IPv4, ICMP type 3 code 4,
 * conntrack state related.
 *
 * The evaluation is a small register machine over the rule's expressions:
 * loads of what the model packet defines (meta nfproto/l4proto, ip
 * protocol, the first two ICMP bytes, ct state) give known bytes, anything
 * else (addresses, interfaces, set lookups) is unknown and makes a match
 * "maybe".  Rules are walked in order until one surely matches with a
 * verdict; jumps are not followed.  A heuristic, and the result says so.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "diag/mtu.h"
#include "nat/nft_ruleset.h"

enum tri { T_NO = 0, T_MAYBE, T_YES };

struct regv {
	bool known;
	uint8_t d[16];
	uint32_t len;
};

struct eval {
	struct regv reg[20];
	enum tri match;
	int verdict;		/* NFT_RS_ACCEPT, NFT_RS_DROP, -1: none/other */
	bool counter;
	uint64_t packets;
};

/* The model packet's header bytes a payload load reads. */
static bool
model_payload(const struct nft_rs_expr *x, struct regv *v)
{
	v->len = x->len > 16 ? 16 : x->len;
	if (x->base == NFT_RS_BASE_NETWORK && x->off == 9 && x->len == 1)
		v->d[0] = 1;
	else if (x->base == NFT_RS_BASE_TRANSPORT && x->off == 0 &&
		 x->len <= 2) {
		v->d[0] = 3;
		v->d[1] = 4;
	} else if (x->base == NFT_RS_BASE_TRANSPORT && x->off == 1 &&
		   x->len == 1)
		v->d[0] = 4;
	else
		return false;
	v->known = true;
	return true;
}

/* The model packet's bytes, or false when the load is something else. */
static bool
model_load(const struct nft_rs_expr *x, struct regv *v)
{
	memset(v, 0, sizeof(*v));
	switch (x->load) {
	case NFT_RS_LOAD_NFPROTO:
		v->len = 1;
		v->d[0] = NFT_RS_IP;
		break;
	case NFT_RS_LOAD_L4PROTO:
		v->len = 1;
		v->d[0] = 1;	/* icmp */
		break;
	case NFT_RS_LOAD_PROTOCOL:
		v->len = 2;
		v->d[0] = 0x08;	/* ETH_P_IP, network order */
		v->d[1] = 0x00;
		break;
	case NFT_RS_LOAD_PAYLOAD:
		return model_payload(x, v);
	case NFT_RS_LOAD_CT_STATE: {
		uint32_t st = 1u << 2;	/* NF_CT_STATE_BIT(IP_CT_RELATED) */

		v->len = 4;
		memcpy(v->d, &st, 4);
		break;
	}
	default:
		return false;
	}
	v->known = true;
	return true;
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

/* A load, or a mask over a register: the register's new value. */
static void
eval_reg(struct eval *ev, const struct nft_rs_expr *x)
{
	struct regv v;
	uint32_t i;

	if (x->kind == NFT_RS_X_LOAD) {
		if (!x->dreg || x->dreg >= 20)
			return;
		if (!model_load(x, &v))
			v.known = false;
		ev->reg[x->dreg] = v;
		return;
	}
	if (x->sreg >= 20 || x->dreg >= 20)	/* bitwise */
		return;
	v = ev->reg[x->sreg];
	if (x->has_data && x->data_len <= 16)
		for (i = 0; i < x->data_len; i++)
			v.d[i] &= x->data[i];
	else
		v.known = false;
	ev->reg[x->dreg] = v;
}

static void
eval_cmp(struct eval *ev, const struct nft_rs_expr *x)
{
	enum nft_rs_op op = x->op;
	int c;

	if (x->sreg >= 20 || !ev->reg[x->sreg].known || !x->has_data ||
	    x->data_len > 16) {
		and_match(ev, T_MAYBE);
		return;
	}
	c = cmp_bytes(ev->reg[x->sreg].d, x->data, x->data_len);
	and_match(ev, (op == NFT_RS_EQ && !c) || (op == NFT_RS_NEQ && c) ||
		  (op == NFT_RS_LT && c < 0) || (op == NFT_RS_LTE && c <= 0) ||
		  (op == NFT_RS_GT && c > 0) || (op == NFT_RS_GTE && c >= 0) ?
		  T_YES : T_NO);
}

static void
eval_expr(struct eval *ev, const struct nft_rs_expr *x)
{
	switch (x->kind) {
	case NFT_RS_X_LOAD:
	case NFT_RS_X_BITWISE:
		eval_reg(ev, x);
		break;
	case NFT_RS_X_CMP:
		eval_cmp(ev, x);
		break;
	case NFT_RS_X_LOOKUP:
	case NFT_RS_X_RANGE:
		and_match(ev, T_MAYBE);
		break;
	case NFT_RS_X_COUNTER:
		ev->counter = true;
		ev->packets = x->packets;
		break;
	case NFT_RS_X_REJECT:
		ev->verdict = NFT_RS_DROP;
		break;
	case NFT_RS_X_VERDICT:
		ev->verdict = x->verdict == NFT_RS_ACCEPT ||
			      x->verdict == NFT_RS_DROP ? x->verdict : -1;
		break;
	default:
		break;
	}
}

static const char *
family_name(int f)
{
	switch (f) {
	case NFT_RS_IP:
		return "ip";
	case NFT_RS_INET:
		return "inet";
	case NFT_RS_NETDEV:
		return "netdev";
	case NFT_RS_BRIDGE:
		return "bridge";
	default:
		return NULL;	/* ip6, arp: never see an IPv4 ICMP */
	}
}

static void
drop_add(struct mtu_drop **v, size_t *n, enum mtu_drop_kind kind,
	 const struct nft_rs_chain *c, const char *hook,
	 const struct nft_rs_rule *r, const struct eval *ev)
{
	struct mtu_drop *d;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	d = &(*v)[(*n)++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	snprintf(d->family, sizeof(d->family), "%s", family_name(c->family));
	snprintf(d->table, sizeof(d->table), "%s", c->table);
	snprintf(d->chain, sizeof(d->chain), "%s", c->name);
	snprintf(d->hook, sizeof(d->hook), "%s", hook);
	d->ours = !strcmp(d->table, "masqsh");
	if (r) {
		d->handle = r->handle;
		d->has_counter = ev->counter;
		d->packets = ev->packets;
	}
}

/* The model packet through the rules of chain @ci, in order. */
static void
chain_eval(const struct nft_ruleset *rs, size_t ci, struct mtu_drop **v,
	   size_t *n)
{
	const struct nft_rs_chain *c = &rs->chains[ci];
	const char *hname;
	struct eval ev;
	size_t i, k;

	if (!c->base || !family_name(c->family))
		return;
	hname = c->hook == NFT_RS_PREROUTING ? "prerouting" :
		c->hook == NFT_RS_INPUT ? "input" :
		c->hook == NFT_RS_FORWARD ? "forward" : NULL;
	if (!hname || c->family == NFT_RS_NETDEV ||
	    c->family == NFT_RS_BRIDGE)
		return;
	for (i = 0; i < rs->n_rules; i++) {
		const struct nft_rs_rule *r = &rs->rules[i];

		if (r->chain != ci)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.match = T_YES;
		ev.verdict = -1;
		for (k = 0; k < r->n_x; k++)
			eval_expr(&ev, &r->x[k]);
		if (ev.match == T_NO || ev.verdict < 0)
			continue;
		if (ev.verdict == NFT_RS_ACCEPT) {
			if (ev.match == T_YES)
				return;
			continue;
		}
		drop_add(v, n, ev.match == T_YES ? MTU_DROP_RULE :
			 MTU_DROP_MAYBE, c, hname, r, &ev);
		if (ev.match == T_YES)
			return;
	}
	if (c->policy == NFT_RS_DROP)
		drop_add(v, n, MTU_DROP_POLICY, c, hname, NULL, NULL);
}

int
mtu_rules_drops(struct mtu_drop **v, size_t *n, struct masq_err *e)
{
	struct nft_ruleset rs;
	size_t i;

	*v = NULL;
	*n = 0;
	if (nft_ruleset_read(&rs, e) < 0)
		return -1;
	for (i = 0; i < rs.n_chains; i++)
		chain_eval(&rs, i, v, n);
	nft_ruleset_done(&rs);
	return 0;
}

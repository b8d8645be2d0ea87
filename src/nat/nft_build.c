/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_build.c - the compiler: a struct nat_ruleset becomes table "masqsh"
 * (family ip, plus ip6 when IPv6 rules exist) as libnftnl objects.
 *
 * Each table has two base chains at the standard priorities: prerouting
 * (dstnat, the port forwards) and postrouting (srcnat, the masq rules in
 * order).  Every nft rule carries a counter and the comment "masqsh masq
 * ID" / "masqsh forward ID".  A column holding several values (sources,
 * destinations, exclusions, protocols, ports) becomes one lookup in an
 * anonymous set (nft_set.c), so a masqsh rule is one nft rule; so do
 * several interfaces, but with `snat detect`, which fans out to one nft
 * rule per interface, each with that interface's own address.  One value stays a plain compare.  The
 * expressions are
 * the ones nft itself generates for the same text, so that `nft list`
 * prints what nft_print.c prints.  Does not own: sending (nft_apply.c) or
 * printing (nft_print.c).  With `clamp mss` set, the ip table also gets a
 * "forward" filter chain holding the MSS clamp rule.  A hairpin forward
 * adds its legs (fwd_hairpin.c) and an "output" nat chain for the
 * gateway's own connections to the public address.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/udata.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/links.h"
#include "nat/nft_int.h"
#include "nat/nft_ct.h"

#define TH_DPORT_OFF 2

/* One nft rule of a masq rule: the lists are sets.  Only `snat detect`
 * fans out, one nft rule per interface (each with its own address). */
struct combo {
	const struct nat_ifname *oif;		/* NULL: every one of the rule's */
	const struct nat_net *snat_addr;	/* detect: the resolved address */
};

/* Cache of the last "detect" lookup, so 10k rules ask once per name. */
struct detect_cache {
	char name[NAT_IFNAMSIZ];
	int family;
	bool have;
	struct nat_net addr;
	bool found;
};

/* ---- expression builders (register 1 unless said otherwise) ---- */

static struct nftnl_expr *
expr_new(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *x = nftnl_expr_alloc(name);

	if (!x)
		abort();	/* only on allocation failure */
	nftnl_rule_add_expr(r, x);
	return x;
}

static void
meta_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *x = expr_new(r, "meta");

	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void
payload_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *x = expr_new(r, "payload");

	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, len);
}

static void
cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *x = expr_new(r, "cmp");

	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, data, len);
}

static void
cmp_u32(struct nftnl_rule *r, uint32_t op, uint32_t v)
{
	cmp(r, op, &v, sizeof(v));
}

static void
bitwise_mask(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *x = expr_new(r, "bitwise");

	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_XOR, zero, len);
}

static void
imm_data(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *x = expr_new(r, "immediate");

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, reg);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, data, len);
}

static void
imm_port(struct nftnl_rule *r, uint32_t reg, uint16_t port)
{
	uint16_t be = htons(port);

	imm_data(r, reg, &be, sizeof(be));
}

static void
match_ifname(struct nftnl_rule *r, uint32_t key, const struct nat_ifname *i)
{
	char buf[NAT_IFNAMSIZ];

	meta_load(r, key);
	if (i->wildcard) {
		cmp(r, NFT_CMP_EQ, i->name, (uint32_t)strlen(i->name));
		return;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, i->name, strnlen(i->name, sizeof(buf) - 1));
	cmp(r, NFT_CMP_EQ, buf, sizeof(buf));
}

/* iifname != IF (a forward's hairpin leg): match_ifname() with "!=". */
static void
match_ifname_neq(struct nftnl_rule *r, const struct nat_ifname *i)
{
	char buf[NAT_IFNAMSIZ];
	uint32_t len = sizeof(buf);

	meta_load(r, NFT_META_IIFNAME);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, i->name, strnlen(i->name, sizeof(buf) - 1));
	if (i->wildcard)
		len = (uint32_t)strlen(i->name);
	cmp(r, NFT_CMP_NEQ, buf, len);
}

/*
 * [io]ifname in the interfaces @v: a compare for one, else a lookup in an
 * interval set of 16-byte names, as nft builds `oifname { "eth0", "ppp*" }`:
 * a name is the interval [name, name], "ppp+" is [ppp\0.., ppp\xff..].
 */
static void
match_ifnames(struct nftnl_rule *r, struct nft_tab *t, uint32_t key,
	      const struct nat_ifname *v, size_t n, const struct nft_origin *o)
{
	struct nft_ival *iv;
	uint32_t id;
	size_t i, len;

	if (n == 1) {
		match_ifname(r, key, v);
		return;
	}
	iv = xreallocarray(NULL, n, sizeof(*iv));
	for (i = 0; i < n; i++) {
		len = strnlen(v[i].name, NAT_IFNAMSIZ - 1);
		memset(&iv[i], 0, sizeof(iv[i]));
		memcpy(iv[i].lo, v[i].name, len);
		memcpy(iv[i].hi, v[i].name, len);
		if (v[i].wildcard)
			memset(iv[i].hi + len, 0xff, NAT_IFNAMSIZ - len);
	}
	id = nft_set_add_ivals(t, NFT_KEY_IFNAME, NAT_IFNAMSIZ, iv, n, o);
	free(iv);
	meta_load(r, key);
	nft_rule_add_lookup(r, id, false);
}

/* ip/ip6 saddr|daddr [!=] NET, as nft encodes a prefix. */
static void
match_net(struct nftnl_rule *r, int family, bool daddr,
	  const struct nat_net *n, uint32_t op)
{
	uint32_t alen = family == NFPROTO_IPV4 ? 4 : 16;
	uint32_t off;
	uint8_t mask[16], val[16];
	unsigned int i;

	if (family == NFPROTO_IPV4)
		off = daddr ? 16 : 12;
	else
		off = daddr ? 24 : 8;
	if (n->plen == 0 && op == NFT_CMP_EQ)
		return;		/* matches everything */
	if (n->plen % 8 == 0 && n->plen > 0) {
		payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, n->plen / 8u);
		cmp(r, op, n->addr, n->plen / 8u);
		return;
	}
	memset(mask, 0, sizeof(mask));
	for (i = 0; i < n->plen; i++)
		mask[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	for (i = 0; i < alen; i++)
		val[i] = n->addr[i] & mask[i];
	payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, alen);
	bitwise_mask(r, mask, alen);
	cmp(r, op, val, alen);
}

static void
match_port(struct nftnl_rule *r, const struct nat_port_range *p, bool neg)
{
	uint16_t lo = htons(p->lo), hi = htons(p->hi);

	payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT_OFF, 2);
	if (p->lo == p->hi) {
		cmp(r, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, &lo, 2);
	} else if (neg) {
		struct nftnl_expr *x = expr_new(r, "range");

		nftnl_expr_set_u32(x, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_RANGE_OP, NFT_RANGE_NEQ);
		nftnl_expr_set(x, NFTNL_EXPR_RANGE_FROM_DATA, &lo, 2);
		nftnl_expr_set(x, NFTNL_EXPR_RANGE_TO_DATA, &hi, 2);
	} else {
		cmp(r, NFT_CMP_GTE, &lo, 2);
		cmp(r, NFT_CMP_LTE, &hi, 2);
	}
}

/* The interval a network covers, as @alen big-endian bytes. */
static void
net_ival(const struct nat_net *n, uint32_t alen, struct nft_ival *iv)
{
	unsigned int i;

	memset(iv, 0, sizeof(*iv));
	for (i = 0; i < alen * 8; i++) {
		uint8_t bit = (uint8_t)(0x80u >> (i % 8));

		if (i < n->plen) {
			iv->lo[i / 8] |= n->addr[i / 8] & bit;
			iv->hi[i / 8] |= n->addr[i / 8] & bit;
		} else {
			iv->hi[i / 8] |= bit;
		}
	}
}

/*
 * ip/ip6 saddr|daddr in the networks @v (@inv: in none of them).  One
 * network stays a compare, as 0.1 compiled it; several become one lookup
 * in an anonymous interval set (nft_set.c) instead of one nft rule each
 * (or, for exclusions, one "!=" each).
 */
static void
match_nets(struct nftnl_rule *r, struct nft_tab *t, bool daddr,
	   const struct nat_net *v, size_t n, bool inv,
	   const struct nft_origin *o)
{
	uint32_t alen = t->family == NFPROTO_IPV4 ? 4 : 16, id, off;
	struct nft_ival *iv;
	size_t i;

	if (n == 0)
		return;
	if (n == 1) {
		match_net(r, t->family, daddr, v, inv ? NFT_CMP_NEQ :
			  NFT_CMP_EQ);
		return;
	}
	iv = xreallocarray(NULL, n, sizeof(*iv));
	for (i = 0; i < n; i++)
		net_ival(&v[i], alen, &iv[i]);
	id = nft_set_add_ivals(t, alen == 4 ? NFT_KEY_IPADDR :
			       NFT_KEY_IP6ADDR, alen, iv, n, o);
	free(iv);
	if (t->family == NFPROTO_IPV4)
		off = daddr ? 16 : 12;
	else
		off = daddr ? 24 : 8;
	payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, alen);
	nft_rule_add_lookup(r, id, inv);
}

/* [th] dport in the port list @dp (negated: in none): a compare for one
 * port or range, else a lookup in an interval set. */
static void
match_ports(struct nftnl_rule *r, struct nft_tab *t,
	    const struct nat_ports *dp, const struct nft_origin *o)
{
	struct nft_ival iv[NAT_MAX_PORTS];
	uint32_t id;
	size_t i;

	if (dp->n == 0)
		return;
	if (dp->n == 1) {
		match_port(r, &dp->v[0], dp->neg);
		return;
	}
	memset(iv, 0, sizeof(iv));
	for (i = 0; i < dp->n; i++) {
		iv[i].lo[0] = (uint8_t)(dp->v[i].lo >> 8);
		iv[i].lo[1] = (uint8_t)dp->v[i].lo;
		iv[i].hi[0] = (uint8_t)(dp->v[i].hi >> 8);
		iv[i].hi[1] = (uint8_t)dp->v[i].hi;
	}
	id = nft_set_add_ivals(t, NFT_KEY_INET_SERVICE, 2, iv, dp->n, o);
	payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT_OFF, 2);
	nft_rule_add_lookup(r, id, dp->neg);
}

/* meta l4proto in the protocols @v (@neg: in none). */
static void
match_protos(struct nftnl_rule *r, struct nft_tab *t, const uint8_t *v,
	     size_t n, bool neg, const struct nft_origin *o)
{
	uint32_t id;

	if (n == 0)
		return;
	if (n == 1) {
		meta_load(r, NFT_META_L4PROTO);
		cmp(r, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, v, 1);
		return;
	}
	id = nft_set_add_values(t, NFT_KEY_INET_PROTO, 1, v, n, o);
	meta_load(r, NFT_META_L4PROTO);
	nft_rule_add_lookup(r, id, neg);
}

static void
match_mark(struct nftnl_rule *r, const struct nat_mark *m)
{
	struct nftnl_expr *x;

	if (m->ct) {
		x = expr_new(r, "ct");
		nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, NFT_CT_MARK);
		nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	} else {
		meta_load(r, NFT_META_MARK);
	}
	if (m->mask != 0xffffffffu)
		bitwise_mask(r, &m->mask, 4);
	cmp_u32(r, m->neg ? NFT_CMP_NEQ : NFT_CMP_EQ, m->value & m->mask);
}

static void
xfrm_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *x = expr_new(r, "xfrm");

	nftnl_expr_set_u32(x, NFTNL_EXPR_XFRM_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_XFRM_KEY, key);
	nftnl_expr_set_u8(x, NFTNL_EXPR_XFRM_DIR, 1);	/* XFRM_POLICY_OUT */
	nftnl_expr_set_u32(x, NFTNL_EXPR_XFRM_SPNUM, 0);
}

/* ipsec out ip/ip6 saddr|daddr NET: the tunnel endpoint, a prefix
 * encoded as match_net() does (fewer bytes compared, or a mask). */
static void
match_xfrm_net(struct nftnl_rule *r, bool daddr, const struct nat_net *n)
{
	bool v4 = n->family == AF_INET;
	uint32_t alen = v4 ? 4 : 16;
	uint8_t mask[16], val[16];
	unsigned int i;

	xfrm_load(r, daddr ? (v4 ? NFT_XFRM_KEY_DADDR_IP4 :
			      NFT_XFRM_KEY_DADDR_IP6) :
		  (v4 ? NFT_XFRM_KEY_SADDR_IP4 : NFT_XFRM_KEY_SADDR_IP6));
	if (n->plen % 8 == 0 && n->plen > 0) {
		cmp(r, NFT_CMP_EQ, n->addr, n->plen / 8u);
		return;
	}
	memset(mask, 0, sizeof(mask));
	for (i = 0; i < n->plen; i++)
		mask[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	for (i = 0; i < alen; i++)
		val[i] = n->addr[i] & mask[i];
	bitwise_mask(r, mask, alen);
	cmp(r, NFT_CMP_EQ, val, alen);
}

static void
match_ipsec(struct nftnl_rule *r, const struct nat_ipsec *s)
{
	bool opts = s->has_reqid || s->has_spi || s->has_tsrc || s->has_tdst;
	struct nftnl_expr *x;

	if (s->policy == NAT_IPSEC_NO || (s->policy == NAT_IPSEC_YES && !opts)) {
		x = expr_new(r, "rt");
		nftnl_expr_set_u32(x, NFTNL_EXPR_RT_KEY, NFT_RT_XFRM);
		nftnl_expr_set_u32(x, NFTNL_EXPR_RT_DREG, NFT_REG_1);
		cmp(r, NFT_CMP_EQ, &(uint8_t){ s->policy == NAT_IPSEC_YES }, 1);
	}
	if (s->policy == NAT_IPSEC_NO)
		return;
	if (s->has_reqid) {
		xfrm_load(r, NFT_XFRM_KEY_REQID);
		cmp_u32(r, NFT_CMP_EQ, s->reqid);
	}
	if (s->has_spi) {
		xfrm_load(r, NFT_XFRM_KEY_SPI);
		cmp_u32(r, NFT_CMP_EQ, htonl(s->spi));
	}
	if (s->has_tsrc)
		match_xfrm_net(r, false, &s->tsrc);
	if (s->has_tdst)
		match_xfrm_net(r, true, &s->tdst);
}

static void
match_owner(struct nftnl_rule *r, const struct nat_owner *o)
{
	uint32_t op = o->neg ? NFT_CMP_NEQ : NFT_CMP_EQ;

	if (o->has_uid) {
		meta_load(r, NFT_META_SKUID);
		cmp_u32(r, op, o->uid);
	}
	if (o->has_gid) {
		meta_load(r, NFT_META_SKGID);
		cmp_u32(r, op, o->gid);
	}
}

static void
add_counter(struct nftnl_rule *r)
{
	expr_new(r, "counter");
}

static void
add_accept(struct nftnl_rule *r)
{
	struct nftnl_expr *x = expr_new(r, "immediate");

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
}

/*
 * nat TYPE to ADDR[-ADDR][:LO[-HI]] with @flags.  Registers as nft uses
 * them: addresses in 1 (and 2), ports after them.
 */
static void
add_nat(struct nftnl_rule *r, uint32_t type, int family, const uint8_t *lo,
	const uint8_t *hi, const struct nat_port_range *ports, uint32_t flags)
{
	uint32_t alen = family == NFPROTO_IPV4 ? 4 : 16;
	uint32_t reg = NFT_REG_1;
	struct nftnl_expr *x;
	bool range = memcmp(lo, hi, alen) != 0;

	imm_data(r, reg++, lo, alen);
	if (range)
		imm_data(r, reg++, hi, alen);
	if (ports) {
		imm_port(r, reg, ports->lo);
		if (ports->hi != ports->lo)
			imm_port(r, reg + 1, ports->hi);
	}
	x = expr_new(r, "nat");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, type);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, (uint32_t)family);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	if (range)
		nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_2);
	if (ports) {
		flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
		nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, reg);
		if (ports->hi != ports->lo)
			nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MAX,
					   reg + 1);
	}
	if (flags)
		nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FLAGS, flags);
}

/*
 * NPTv6, "snat prefix to NET": nft 1.0.6 loads the prefix's first and
 * last address and sets NF_NAT_RANGE_NETMAP (`nft --debug=netlink`:
 * "nat snat ip6 addr_min reg 1 addr_max reg 2 flags 0x40"); the kernel
 * then replaces the prefix bits and keeps the host bits.  Replies are
 * mapped back by conntrack, so no prerouting rule is needed.
 */
static void
add_prefix(struct nftnl_rule *r, int family, const struct nat_net *p)
{
	uint8_t hi[16];
	unsigned int i;

	memcpy(hi, p->addr, sizeof(hi));
	for (i = p->plen; i < 128; i++)
		hi[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	add_nat(r, NFT_NAT_SNAT, family, p->addr, hi, NULL,
		NF_NAT_RANGE_NETMAP);
}

static void
add_masq(struct nftnl_rule *r, const struct nat_port_range *ports,
	 uint32_t flags)
{
	struct nftnl_expr *x;

	if (ports) {
		imm_port(r, NFT_REG_1, ports->lo);
		if (ports->hi != ports->lo)
			imm_port(r, NFT_REG_2, ports->hi);
		flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
	}
	x = expr_new(r, "masq");
	if (ports) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_MASQ_REG_PROTO_MIN, NFT_REG_1);
		if (ports->hi != ports->lo)
			nftnl_expr_set_u32(x, NFTNL_EXPR_MASQ_REG_PROTO_MAX,
					   NFT_REG_2);
	}
	if (flags)
		nftnl_expr_set_u32(x, NFTNL_EXPR_MASQ_FLAGS, flags);
}

/* ---- tables, chains, rules ---- */

static struct nft_chainset *
tab_chain_type(struct nft_tab *t, const char *name, const char *type,
	       uint32_t hook, int32_t prio)
{
	struct nftnl_chain *ch = nftnl_chain_alloc();

	if (!ch)
		abort();
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_FAMILY, (uint32_t)t->family);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, NAT_TABLE_NAME);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	return nft_tab_add_chain(t, ch);
}

static struct nft_chainset *
tab_chain(struct nft_tab *t, const char *name, uint32_t hook, int32_t prio)
{
	return tab_chain_type(t, name, "nat", hook, prio);
}

static void
tab_make(struct nft_tab *t)
{
	if (t->present)
		return;
	t->present = true;
	t->table = nftnl_table_alloc();
	if (!t->table)
		abort();
	nftnl_table_set_u32(t->table, NFTNL_TABLE_FAMILY, (uint32_t)t->family);
	nftnl_table_set_str(t->table, NFTNL_TABLE_NAME, NAT_TABLE_NAME);
	tab_chain(t, "prerouting", NF_INET_PRE_ROUTING, -100);
	tab_chain(t, "postrouting", NF_INET_POST_ROUTING, 100);
}

static struct nftnl_rule *
rule_new(const struct nft_tab *t, const struct nft_chainset *cs)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		abort();
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, (uint32_t)t->family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NAT_TABLE_NAME);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN,
			   nftnl_chain_get_str(cs->chain, NFTNL_CHAIN_NAME));
	return r;
}

/*
 * The comment "masqsh KIND ID" as the rule's user data.  The TLV is
 * written by hand (type NFTNL_UDATA_RULE_COMMENT, length with the NUL,
 * the text), byte for byte what nftnl_udata_put_strz() makes, without
 * its buffer allocation and snprintf: this runs once per nft rule.
 */
static void
rule_comment(struct nftnl_rule *r, const char *kind, int64_t id)
{
	uint8_t tlv[2 + 64];	/* "masqsh " + kind (<= 32) + " " + id */
	size_t k = strnlen(kind, 32), o = 2;

	memcpy(tlv + o, "masqsh ", 7);
	o += 7;
	memcpy(tlv + o, kind, k);
	o += k;
	tlv[o++] = ' ';
	o = (size_t)((uint8_t *)strbuf_put_i64((char *)tlv + o, id) - tlv);
	tlv[o++] = '\0';
	tlv[0] = NFTNL_UDATA_RULE_COMMENT;
	tlv[1] = (uint8_t)(o - 2);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, tlv, (uint32_t)o);
}

static int
detect_addr(struct detect_cache *dc, const struct nat_rule *mr,
	    const struct nat_ifname *oif, int family, struct masq_err *e)
{
	struct nat_net *v = NULL;
	size_t n = 0;
	int af = family == NFPROTO_IPV4 ? AF_INET : AF_INET6;

	if (!oif || oif->wildcard)
		return err_set(e, MASQ_EFAIL,
			       "masq rule %lld: 'detect' needs a named "
			       "interface, not '%s+'", (long long)mr->id,
			       oif ? oif->name : "");
	if (dc->have && dc->family == af && !strcmp(dc->name, oif->name))
		goto found;
	if (links_addrs(oif->name, af, &v, &n, e) < 0)
		return err_prefix(e, "masq rule %lld", (long long)mr->id);
	dc->have = true;
	dc->family = af;
	snprintf(dc->name, sizeof(dc->name), "%s", oif->name);
	dc->found = n > 0;
	if (n > 0)
		dc->addr = v[0];
	free(v);
found:
	if (!dc->found) {
		err_set(e, MASQ_EFAIL, "masq rule %lld: interface '%s' has no "
			"global %s address for 'detect'", (long long)mr->id,
			oif->name, af == AF_INET ? "IPv4" : "IPv6");
		return err_hint(e, "add an address to %s, or give the "
				"address with 'snat ADDR'", oif->name);
	}
	return 0;
}

static void
masq_emit(struct nft_tab *t, struct nft_chainset *cs,
	  const struct nat_rule *mr, const struct combo *k)
{
	struct nftnl_rule *r = rule_new(t, cs);
	struct nft_origin o = { NFT_ORIGIN_MASQ, mr->id };
	const struct nat_port_range *ports = mr->has_ports ? &mr->ports : NULL;
	uint32_t flags = 0;

	if (mr->has_src_if)
		match_ifname(r, NFT_META_IIFNAME, &mr->src_if);
	if (k->oif)
		match_ifname(r, NFT_META_OIFNAME, k->oif);
	else if (mr->n_oifs > 0)
		match_ifnames(r, t, NFT_META_OIFNAME, mr->oifs, mr->n_oifs, &o);
	match_nets(r, t, false, mr->src.inc, mr->src.n_inc, false, &o);
	match_nets(r, t, false, mr->src.exc, mr->src.n_exc, true, &o);
	match_nets(r, t, true, mr->dst.inc, mr->dst.n_inc, false, &o);
	match_nets(r, t, true, mr->dst.exc, mr->dst.n_exc, true, &o);
	match_protos(r, t, mr->proto.v, mr->proto.n, mr->proto.neg, &o);
	match_ports(r, t, &mr->dport, &o);
	if (mr->mark.set)
		match_mark(r, &mr->mark);
	if (mr->owner.set)
		match_owner(r, &mr->owner);
	match_ipsec(r, &mr->ipsec);
	add_counter(r);
	nft_ct_rule_timeout(r, mr);	/* "ct timeout set", nft_ct.c */
	if (mr->random)
		flags |= NF_NAT_RANGE_PROTO_RANDOM;
	if (mr->fully_random)
		flags |= NF_NAT_RANGE_PROTO_RANDOM_FULLY;
	if (mr->persistent)
		flags |= NF_NAT_RANGE_PERSISTENT;
	switch (mr->action) {
	case NAT_NONAT:
		add_accept(r);
		break;
	case NAT_SNAT:
		add_nat(r, NFT_NAT_SNAT, t->family, mr->to.lo, mr->to.hi,
			ports, flags);
		break;
	case NAT_DETECT:
		add_nat(r, NFT_NAT_SNAT, t->family, k->snat_addr->addr,
			k->snat_addr->addr, ports, flags);
		break;
	case NAT_PREFIX:
		add_prefix(r, t->family, &mr->prefix);
		break;
	case NAT_MASQUERADE:
	default:
		add_masq(r, ports, flags);
		break;
	}
	rule_comment(r, "masq", mr->id);
	nft_chainset_add_rule(cs, r, &o);
}

/* Loop over one fan-out dimension: @n values, or once with NULL. */
#define FAN(var, arr, n)						\
	for (size_t var##_i = 0; var##_i < ((n) ? (n) : 1); var##_i++)	\
		for (var = (n) ? &(arr)[var##_i] : NULL, var##_once = 1;	\
		     var##_once; var##_once = 0)

static int
compile_masq(struct nat_compiled *c, const struct nat_rule *mr,
	     struct detect_cache *dc, struct masq_err *e)
{
	struct nft_tab *t = &c->tab[nat_rule_family(mr) == AF_INET6 ?
				    NFT_TAB_IP6 : NFT_TAB_IP];
	struct nft_chainset *cs;
	const struct nat_ifname *oif;
	int oif_once;

	tab_make(t);
	cs = &t->chains[1];
	if (mr->action != NAT_DETECT) {
		struct combo k = { NULL, NULL };

		masq_emit(t, cs, mr, &k);	/* the interfaces: one set */
		return 0;
	}
	/* snat detect: one nft rule per interface, each to its address */
	FAN(oif, mr->oifs, mr->n_oifs) {
		struct combo k;

		memset(&k, 0, sizeof(k));
		k.oif = oif;
		if (detect_addr(dc, mr, oif, t->family, e) < 0)
			return -1;
		k.snat_addr = &dc->addr;
		masq_emit(t, cs, mr, &k);
	}
	return 0;
}

/*
 * One DNAT rule of forward @f, its lists as sets (nft_set.c).  The
 * inbound leg (@pub NULL) matches iifname IF [ip daddr DST] [ip saddr
 * SRC]; the hairpin leg matches iifname != IF ip daddr @pub, so what
 * arrives on IF stays subject to "from"; in the output chain (@cs not
 * prerouting) there is no inbound interface: ip daddr @pub.
 */
static void
fwd_emit(struct nft_tab *t, struct nft_chainset *cs,
	 const struct nat_forward *f, const uint8_t *pv, size_t np,
	 const struct nat_net *pub)
{
	struct nftnl_rule *r = rule_new(t, cs);
	struct nft_origin o = { NFT_ORIGIN_FWD, f->id };

	if (pub) {
		if (cs == &t->chains[0])
			match_ifname_neq(r, &f->iif);
		match_net(r, t->family, true, pub, NFT_CMP_EQ);
	} else {
		match_ifname(r, NFT_META_IIFNAME, &f->iif);
		if (f->has_dst)
			match_net(r, t->family, true, &f->dst, NFT_CMP_EQ);
		match_nets(r, t, false, f->src.inc, f->src.n_inc, false, &o);
		match_nets(r, t, false, f->src.exc, f->src.n_exc, true, &o);
	}
	match_protos(r, t, pv, np, false, &o);
	match_ports(r, t, &f->dport, &o);
	add_counter(r);
	add_nat(r, NFT_NAT_DNAT, t->family, f->to.addr, f->to.addr,
		f->has_toport ? &f->toport : NULL, 0);
	rule_comment(r, "forward", f->id);
	nft_chainset_add_rule(cs, r, &o);
}

/*
 * The hairpin's masquerade leg, first in postrouting: a client on the
 * server's own network (@lan) whose connection the hairpin DNAT sent to
 * the server would get the reply straight from the server, with the
 * server's address as source, and drop it.  Masquerading that leg makes
 * the server answer the gateway.  Matched on the source network rather
 * than on the inbound interface, which postrouting does not know; the
 * port is the server's (after the DNAT).
 */
static void
fwd_hairpin_masq(struct nft_tab *t, const struct nat_forward *f,
		 const struct nat_net *lan, const uint8_t *pv, size_t np)
{
	struct nftnl_rule *r = rule_new(t, &t->chains[1]);
	struct nft_origin o = { NFT_ORIGIN_FWD, f->id };

	match_net(r, t->family, false, lan, NFT_CMP_EQ);
	match_net(r, t->family, true, &f->to, NFT_CMP_EQ);
	match_protos(r, t, pv, np, false, &o);
	if (f->has_toport)
		match_port(r, &f->toport, false);
	else
		match_ports(r, t, &f->dport, &o);
	add_counter(r);
	add_masq(r, NULL, 0);
	rule_comment(r, "forward", f->id);
	nft_chainset_add_rule(&t->chains[1], r, &o);
}

/* The "output" nat chain (locally generated connections), made the
 * first time a hairpin forward needs it. */
static struct nft_chainset *
tab_output(struct nft_tab *t)
{
	size_t i;

	for (i = 0; i < t->n_chains; i++)
		if (!strcmp(nftnl_chain_get_str(t->chains[i].chain,
						NFTNL_CHAIN_NAME), "output"))
			return &t->chains[i];
	return tab_chain(t, "output", NF_INET_LOCAL_OUT, -100);
}

/* A forward is one nft rule (its lists are sets), plus, with hairpin,
 * one per public address in prerouting and in output, and the
 * masquerade of the LAN-to-LAN leg. */
static void
compile_fwd_legs(struct nft_tab *t, const struct nat_forward *f,
		 const struct nat_hairpin *hp)
{
	static const uint8_t both[] = { IPPROTO_TCP, IPPROTO_UDP };
	const uint8_t *pv = f->proto.n ? f->proto.v : both;
	size_t np = f->proto.n ? f->proto.n : 2, ai;

	if (f->dport.n == 0)
		return;		/* nothing to forward (0.1 made no rule) */
	fwd_emit(t, &t->chains[0], f, pv, np, NULL);
	for (ai = 0; ai < hp->n_pub; ai++) {
		fwd_emit(t, &t->chains[0], f, pv, np, &hp->pub[ai]);
		fwd_emit(t, tab_output(t), f, pv, np, &hp->pub[ai]);
	}
	if (hp->n_pub && hp->has_lan)
		fwd_hairpin_masq(t, f, &hp->lan, pv, np);
}

static int
compile_fwd(struct nat_compiled *c, const struct nat_forward *f,
	    struct masq_err *e)
{
	struct nft_tab *t = &c->tab[f->to.family == AF_INET6 ?
				    NFT_TAB_IP6 : NFT_TAB_IP];
	struct nat_hairpin hp;

	if (nat_hairpin_resolve(f, &hp, e) < 0)
		return -1;
	tab_make(t);
	compile_fwd_legs(t, f, &hp);
	nat_hairpin_done(&hp);
	return 0;
}

/*
 * `clamp mss`: a filter chain on the forward hook at mangle priority,
 *   [oifname IF] tcp flags syn tcp option maxseg size set rt mtu|N
 * with a counter and the comment "masqsh clamp".  The bytes are nft's own
 * for that text (meta l4proto dependency, flags via a one-byte mask, rt
 * tcpmss converted to network order before the option write).
 */
static void
compile_clamp(struct nat_compiled *c, const struct nat_clamp *cl)
{
	struct nft_tab *t = &c->tab[NFT_TAB_IP];
	struct nft_chainset *cs;
	struct nftnl_rule *r;
	struct nftnl_udata_buf *u;
	struct nftnl_expr *x;
	uint8_t flag = 0x02, zero = 0;	/* TCP SYN */

	cs = tab_chain_type(t, "forward", "filter", NF_INET_FORWARD, -150);
	r = rule_new(t, cs);
	if (cl->has_oif)
		match_ifname(r, NFT_META_OIFNAME, &cl->oif);
	meta_load(r, NFT_META_L4PROTO);
	cmp(r, NFT_CMP_EQ, &(uint8_t){ IPPROTO_TCP }, 1);
	payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
	bitwise_mask(r, &flag, 1);
	cmp(r, NFT_CMP_NEQ, &zero, 1);
	if (cl->mss) {
		imm_port(r, NFT_REG_1, cl->mss);
	} else {
		x = expr_new(r, "rt");
		nftnl_expr_set_u32(x, NFTNL_EXPR_RT_KEY, NFT_RT_TCPMSS);
		nftnl_expr_set_u32(x, NFTNL_EXPR_RT_DREG, NFT_REG_1);
		x = expr_new(r, "byteorder");
		nftnl_expr_set_u32(x, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_BYTEORDER_OP,
				   NFT_BYTEORDER_HTON);
		nftnl_expr_set_u32(x, NFTNL_EXPR_BYTEORDER_LEN, 2);
		nftnl_expr_set_u32(x, NFTNL_EXPR_BYTEORDER_SIZE, 2);
	}
	x = expr_new(r, "exthdr");
	nftnl_expr_set_u32(x, NFTNL_EXPR_EXTHDR_SREG, NFT_REG_1);
	nftnl_expr_set_u8(x, NFTNL_EXPR_EXTHDR_TYPE, 2);	/* maxseg */
	nftnl_expr_set_u32(x, NFTNL_EXPR_EXTHDR_OFFSET, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_EXTHDR_LEN, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	add_counter(r);
	u = nftnl_udata_buf_alloc(64);
	if (!u)
		abort();
	nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, "masqsh clamp");
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
			    nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	nft_chainset_add_rule(cs, r, NULL);
}

int
nat_compile(const struct nat_ruleset *rs, struct nat_compiled **cp,
	    struct masq_err *e)
{
	struct nat_compiled *c = nft_compiled_new();
	struct detect_cache dc;
	size_t i;

	memset(&dc, 0, sizeof(dc));
	*cp = NULL;
	/* The ip table always exists, so applying nothing empties it. */
	tab_make(&c->tab[NFT_TAB_IP]);
	for (i = 0; i < rs->n_fwd; i++) {
		if (compile_fwd(c, &rs->fwd[i], e) < 0) {
			nat_compiled_free(c);
			return -1;
		}
	}
	for (i = 0; i < rs->n_masq; i++) {
		if (compile_masq(c, &rs->masq[i], &dc, e) < 0) {
			nat_compiled_free(c);
			return -1;
		}
	}
	if (rs->clamp.on)
		compile_clamp(c, &rs->clamp);
	if (nft_ct_compile(c, rs, e) < 0) {	/* ct objects, helpers */
		nat_compiled_free(c);
		return -1;
	}
	*cp = c;
	return 0;
}

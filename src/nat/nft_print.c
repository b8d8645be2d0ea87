/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_print.c - the one printer of our tables: walks libnftnl objects
 * (compiled, or parsed from a kernel dump) and writes them the way
 * `nft list table` (nftables 1.0.6) does, byte for byte.
 *
 * It is a small decompiler: loads (meta, payload, ct, rt, xfrm) are
 * remembered until the cmp/range that consumes them, a bitwise mask turns
 * into a prefix or "& MASK ==", "meta l4proto tcp" followed by a transport
 * port load prints as "tcp dport" (nft's dependency elimination), and
 * immediates feed nat/masq (and the MSS clamp's "tcp option maxseg size
 * set").  Anything else prints as "# unknown expr NAME"
 * so a hand-edited rule never disappears from a diff.  Does not own: what
 * to compile (nft_build.c) or where the objects come from.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/udata.h>

#include "nat/nft_int.h"

enum lhs_kind {
	LHS_NONE = 0,
	LHS_IFNAME,		/* iifname / oifname */
	LHS_PROTO,		/* meta l4proto */
	LHS_HEX32,		/* meta mark, ct mark */
	LHS_U32,		/* skuid, skgid, reqid */
	LHS_BE32,		/* spi */
	LHS_ADDR,		/* ip/ip6 saddr/daddr, ipsec addresses */
	LHS_PORT,		/* th/tcp/udp dport, sport */
	LHS_RT_IPSEC,
	LHS_TCPFLAGS,		/* tcp flags (with a mask: "tcp flags syn") */
	LHS_RAW,		/* something we only show in hex */
};

struct reg {
	uint8_t d[16];
	uint32_t len;
	bool set;
	const char *sym;	/* a load, not data: "rt mtu" */
};

struct pctx {
	FILE *fp;
	int family;
	bool counters;
	bool first;
	int pend_l4;			/* "meta l4proto X" not printed yet */
	int l4ctx;			/* protocol known from an earlier match */
	enum lhs_kind kind;
	char lhs[64];
	int addr_family;		/* for LHS_ADDR */
	uint32_t load_len;
	bool masked;
	uint8_t mask[16];
	bool have_gte;
	uint8_t gte[16];
	uint32_t gte_len;
	struct reg reg[8];
};

static void
emit(struct pctx *p, const char *s)
{
	if (!p->first)
		fputc(' ', p->fp);
	p->first = false;
	fputs(s, p->fp);
}

static const char *
proto_str(uint8_t n, char *buf, size_t sz)
{
	const struct protoent *pe = getprotobynumber(n);

	if (pe)
		return pe->p_name;
	snprintf(buf, sz, "%u", n);
	return buf;
}

static void
flush_l4(struct pctx *p)
{
	char num[8], buf[64];

	if (p->pend_l4 < 0)
		return;
	snprintf(buf, sizeof(buf), "meta l4proto %s",
		 proto_str((uint8_t)p->pend_l4, num, sizeof(num)));
	p->pend_l4 = -1;
	emit(p, buf);
}

static void
flush_gte(struct pctx *p);

static void
set_lhs(struct pctx *p, enum lhs_kind k, const char *s)
{
	flush_gte(p);
	p->kind = k;
	p->masked = false;
	snprintf(p->lhs, sizeof(p->lhs), "%s", s);
}

static void
load_meta(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t key = nftnl_expr_get_u32(x, NFTNL_EXPR_META_KEY);
	char buf[32];

	flush_l4(p);
	switch (key) {
	case NFT_META_IIFNAME:
		set_lhs(p, LHS_IFNAME, "iifname");
		break;
	case NFT_META_OIFNAME:
		set_lhs(p, LHS_IFNAME, "oifname");
		break;
	case NFT_META_L4PROTO:
		set_lhs(p, LHS_PROTO, "meta l4proto");
		break;
	case NFT_META_MARK:
		set_lhs(p, LHS_HEX32, "meta mark");
		break;
	case NFT_META_SKUID:
		set_lhs(p, LHS_U32, "meta skuid");
		break;
	case NFT_META_SKGID:
		set_lhs(p, LHS_U32, "meta skgid");
		break;
	default:
		snprintf(buf, sizeof(buf), "meta key %u", key);
		set_lhs(p, LHS_RAW, buf);
		break;
	}
}

static const char *
l4_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_DCCP:
		return "dccp";
	case IPPROTO_UDPLITE:
		return "udplite";
	default:
		return NULL;
	}
}

static void
load_payload(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t base = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_LEN);
	bool v4 = p->family == NFPROTO_IPV4;
	const char *pfx = v4 ? "ip" : "ip6";
	char buf[64];

	p->load_len = len;
	if (base == NFT_PAYLOAD_TRANSPORT_HEADER && len == 2 &&
	    (off == 0 || off == 2)) {
		const char *l4 = l4_name(p->pend_l4 >= 0 ? p->pend_l4 :
					 p->l4ctx);
		const char *f = off == 0 ? "sport" : "dport";

		if (l4) {
			/* nft drops the dependency it can infer */
			if (p->pend_l4 >= 0)
				p->l4ctx = p->pend_l4;
			p->pend_l4 = -1;
			snprintf(buf, sizeof(buf), "%s %s", l4, f);
		} else {
			flush_l4(p);
			snprintf(buf, sizeof(buf), "th %s", f);
		}
		set_lhs(p, LHS_PORT, buf);
		return;
	}
	if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 13 && len == 1 &&
	    (p->pend_l4 == IPPROTO_TCP ||
	     (p->pend_l4 < 0 && p->l4ctx == IPPROTO_TCP))) {
		if (p->pend_l4 >= 0)
			p->l4ctx = p->pend_l4;
		p->pend_l4 = -1;
		set_lhs(p, LHS_TCPFLAGS, "tcp flags");
		return;
	}
	flush_l4(p);
	if (base == NFT_PAYLOAD_NETWORK_HEADER &&
	    ((v4 && (off == 12 || off == 16) && len <= 4) ||
	     (!v4 && (off == 8 || off == 24) && len <= 16))) {
		bool d = off == (v4 ? 16u : 24u);

		snprintf(buf, sizeof(buf), "%s %s", pfx, d ? "daddr" : "saddr");
		set_lhs(p, LHS_ADDR, buf);
		p->addr_family = v4 ? AF_INET : AF_INET6;
		return;
	}
	snprintf(buf, sizeof(buf), "@%s,%u,%u",
		 base == NFT_PAYLOAD_LL_HEADER ? "ll" :
		 base == NFT_PAYLOAD_NETWORK_HEADER ? "nh" : "th",
		 off * 8, len * 8);
	set_lhs(p, LHS_RAW, buf);
}

static void
load_xfrm(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t key = nftnl_expr_get_u32(x, NFTNL_EXPR_XFRM_KEY);
	uint8_t dir = nftnl_expr_get_u8(x, NFTNL_EXPR_XFRM_DIR);
	const char *d = dir ? "out" : "in";
	char buf[64];

	flush_l4(p);
	switch (key) {
	case NFT_XFRM_KEY_REQID:
		snprintf(buf, sizeof(buf), "ipsec %s reqid", d);
		set_lhs(p, LHS_U32, buf);
		break;
	case NFT_XFRM_KEY_SPI:
		snprintf(buf, sizeof(buf), "ipsec %s spi", d);
		set_lhs(p, LHS_BE32, buf);
		break;
	case NFT_XFRM_KEY_SADDR_IP4:
	case NFT_XFRM_KEY_DADDR_IP4:
	case NFT_XFRM_KEY_SADDR_IP6:
	case NFT_XFRM_KEY_DADDR_IP6: {
		bool v6 = key == NFT_XFRM_KEY_SADDR_IP6 ||
			  key == NFT_XFRM_KEY_DADDR_IP6;
		bool s = key == NFT_XFRM_KEY_SADDR_IP4 ||
			 key == NFT_XFRM_KEY_SADDR_IP6;

		snprintf(buf, sizeof(buf), "ipsec %s %s %s", d,
			 v6 ? "ip6" : "ip", s ? "saddr" : "daddr");
		set_lhs(p, LHS_ADDR, buf);
		p->addr_family = v6 ? AF_INET6 : AF_INET;
		p->load_len = v6 ? 16 : 4;
		break;
	}
	default:
		snprintf(buf, sizeof(buf), "ipsec %s key %u", d, key);
		set_lhs(p, LHS_RAW, buf);
		break;
	}
}

static unsigned int
mask_plen(const uint8_t *m, uint32_t len, bool *is_prefix)
{
	unsigned int n = 0, i;

	*is_prefix = true;
	for (i = 0; i < len * 8; i++) {
		bool bit = m[i / 8] & (0x80u >> (i % 8));

		if (bit && n != i)
			*is_prefix = false;
		if (bit)
			n++;
	}
	return n;
}

static void
fmt_value(struct pctx *p, const uint8_t *d, uint32_t len, char *out,
	  size_t sz)
{
	uint32_t v = 0;
	size_t i, o = 0;

	if (len == 4)
		memcpy(&v, d, 4);
	switch (p->kind) {
	case LHS_IFNAME: {
		size_t n = strnlen((const char *)d, len);

		snprintf(out, sz, "\"%.*s%s\"", (int)n, (const char *)d,
			 n == len ? "*" : "");
		return;
	}
	case LHS_PROTO:
		if (len == 1) {
			snprintf(out, sz, "%s", proto_str(d[0], out, sz));
			return;
		}
		break;
	case LHS_HEX32:
		if (len == 4) {
			snprintf(out, sz, "0x%08x", v);
			return;
		}
		break;
	case LHS_U32:
		if (len == 4) {
			snprintf(out, sz, "%u", v);
			return;
		}
		break;
	case LHS_BE32:
		if (len == 4) {
			snprintf(out, sz, "%u", ntohl(v));
			return;
		}
		break;
	case LHS_PORT:
		if (len == 2) {
			snprintf(out, sz, "%u", (unsigned)(d[0] << 8 | d[1]));
			return;
		}
		break;
	case LHS_ADDR: {
		uint8_t a[16] = { 0 };
		uint32_t full = p->addr_family == AF_INET ? 4 : 16;
		unsigned int plen = len * 8;
		bool pfx = true;

		if (len > full)
			break;
		memcpy(a, d, len);
		if (p->masked)
			plen = mask_plen(p->mask, full, &pfx);
		if (!pfx)
			break;
		inet_ntop(p->addr_family, a, out, (socklen_t)sz);
		if (plen < full * 8) {
			size_t l = strlen(out);

			snprintf(out + l, sz - l, "/%u", plen);
		}
		return;
	}
	default:
		break;
	}
	o += (size_t)snprintf(out, sz, "0x");
	for (i = 0; i < len && o + 3 < sz; i++)
		o += (size_t)snprintf(out + o, sz - o, "%02x", d[i]);
}

static void
print_rel(struct pctx *p, const char *op, const uint8_t *d, uint32_t len)
{
	char val[96], buf[400];
	const char *sep = *op ? " " : "";

	fmt_value(p, d, len, val, sizeof(val));
	if (p->kind == LHS_RT_IPSEC && len == 1 && !*op) {
		snprintf(buf, sizeof(buf), "rt ipsec %s",
			 d[0] ? "exists" : "missing");
	} else if (p->masked && p->kind != LHS_ADDR) {
		char m[96];
		enum lhs_kind k = p->kind;

		p->kind = LHS_RAW;
		if (p->load_len == 4) {
			uint32_t mv;

			memcpy(&mv, p->mask, 4);
			snprintf(m, sizeof(m), "0x%08x", mv);
		} else
			fmt_value(p, p->mask, p->load_len, m, sizeof(m));
		p->kind = k;
		snprintf(buf, sizeof(buf), "%s & %s %s %s", p->lhs, m,
			 *op ? op : "==", val);
	} else {
		snprintf(buf, sizeof(buf), "%s %s%s%s", p->lhs, op, sep, val);
	}
	emit(p, buf);
}

/* "tcp flags syn,ack" for "tcp flags & (syn|ack) != 0".  False (nothing
 * printed) when the mask holds no known flag. */
static bool
tcp_flags_print(struct pctx *p)
{
	static const char *const names[8] = {
		"fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr",
	};
	char buf[96];
	size_t o;
	int i;

	if (!p->mask[0])
		return false;
	o = (size_t)snprintf(buf, sizeof(buf), "%s ", p->lhs);
	for (i = 0; i < 8; i++)
		if (p->mask[0] & (1u << i))
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
					      buf[o - 1] == ' ' ? "" : ",",
					      names[i]);
	emit(p, buf);
	return true;
}

static void
flush_gte(struct pctx *p)
{
	if (!p->have_gte)
		return;
	p->have_gte = false;
	print_rel(p, ">=", p->gte, p->gte_len);
}

static const char *
cmp_op(uint32_t op)
{
	switch (op) {
	case NFT_CMP_EQ:
		return "";
	case NFT_CMP_NEQ:
		return "!=";
	case NFT_CMP_LT:
		return "<";
	case NFT_CMP_LTE:
		return "<=";
	case NFT_CMP_GT:
		return ">";
	default:
		return ">=";
	}
}

static void
do_cmp(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t op = nftnl_expr_get_u32(x, NFTNL_EXPR_CMP_OP);
	uint32_t len = 0;
	const uint8_t *d = nftnl_expr_get(x, NFTNL_EXPR_CMP_DATA, &len);

	if (len > 16)
		len = 16;
	if (p->kind == LHS_PROTO && op == NFT_CMP_EQ && len == 1 &&
	    !p->masked) {
		p->pend_l4 = d[0];	/* maybe "tcp dport" follows */
		return;
	}
	if (p->kind == LHS_TCPFLAGS && op == NFT_CMP_NEQ && len == 1 &&
	    p->masked && !d[0] && tcp_flags_print(p))
		return;
	if (op == NFT_CMP_LTE && p->have_gte && p->gte_len == len) {
		char lo[96], hi[96], buf[400];

		p->have_gte = false;
		fmt_value(p, p->gte, len, lo, sizeof(lo));
		fmt_value(p, d, len, hi, sizeof(hi));
		snprintf(buf, sizeof(buf), "%s %s-%s", p->lhs, lo, hi);
		emit(p, buf);
		return;
	}
	flush_gte(p);
	if (op == NFT_CMP_GTE) {
		p->have_gte = true;
		memcpy(p->gte, d, len);
		p->gte_len = len;
		return;
	}
	print_rel(p, cmp_op(op), d, len);
}

static void
do_range(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t op = nftnl_expr_get_u32(x, NFTNL_EXPR_RANGE_OP);
	uint32_t l1 = 0, l2 = 0;
	const uint8_t *a = nftnl_expr_get(x, NFTNL_EXPR_RANGE_FROM_DATA, &l1);
	const uint8_t *b = nftnl_expr_get(x, NFTNL_EXPR_RANGE_TO_DATA, &l2);
	char lo[96], hi[96], buf[400];

	flush_gte(p);
	fmt_value(p, a, l1 > 16 ? 16 : l1, lo, sizeof(lo));
	fmt_value(p, b, l2 > 16 ? 16 : l2, hi, sizeof(hi));
	snprintf(buf, sizeof(buf), "%s %s%s-%s", p->lhs,
		 op == NFT_RANGE_NEQ ? "!= " : "", lo, hi);
	emit(p, buf);
}

static void
do_bitwise(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t len = 0;
	const uint8_t *m = nftnl_expr_get(x, NFTNL_EXPR_BITWISE_MASK, &len);

	if (!m || len > 16) {
		emit(p, "# unknown expr bitwise");
		return;
	}
	p->masked = true;
	memset(p->mask, 0, sizeof(p->mask));
	memcpy(p->mask, m, len);
}

static void
do_immediate(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t dreg = nftnl_expr_get_u32(x, NFTNL_EXPR_IMM_DREG);
	uint32_t len = 0;
	const void *d;
	char buf[128];

	if (dreg == NFT_REG_VERDICT) {
		int v = (int)nftnl_expr_get_u32(x, NFTNL_EXPR_IMM_VERDICT);
		const char *ch = nftnl_expr_get_str(x, NFTNL_EXPR_IMM_CHAIN);

		switch (v) {
		case NF_ACCEPT:
			emit(p, "accept");
			break;
		case NF_DROP:
			emit(p, "drop");
			break;
		case NFT_RETURN:
			emit(p, "return");
			break;
		case NFT_CONTINUE:
			emit(p, "continue");
			break;
		case NFT_JUMP:
		case NFT_GOTO:
			snprintf(buf, sizeof(buf), "%s %s",
				 v == NFT_JUMP ? "jump" : "goto",
				 ch ? ch : "?");
			emit(p, buf);
			break;
		default:
			emit(p, "# unknown verdict");
			break;
		}
		return;
	}
	d = nftnl_expr_get(x, NFTNL_EXPR_IMM_DATA, &len);
	if (dreg < 8 && d && len <= 16) {
		memcpy(p->reg[dreg].d, d, len);
		p->reg[dreg].len = len;
		p->reg[dreg].set = true;
		p->reg[dreg].sym = NULL;
	} else {
		emit(p, "# unknown expr immediate");
	}
}

static const struct reg *
reg_get(struct pctx *p, const struct nftnl_expr *x, uint16_t attr)
{
	uint32_t r;

	if (!nftnl_expr_is_set(x, attr))
		return NULL;
	r = nftnl_expr_get_u32(x, attr);
	return r < 8 && p->reg[r].set ? &p->reg[r] : NULL;
}

/*
 * The upper end of a range, or NULL when there is none: the kernel dumps
 * an omitted max register as the min one.
 */
static const struct reg *
reg_max(struct pctx *p, const struct nftnl_expr *x, uint16_t amin,
	uint16_t amax)
{
	if (nftnl_expr_is_set(x, amin) && nftnl_expr_is_set(x, amax) &&
	    nftnl_expr_get_u32(x, amin) == nftnl_expr_get_u32(x, amax))
		return NULL;
	return reg_get(p, x, amax);
}

static void
print_nat_flags(FILE *fp, uint32_t f)
{
	const char *sep = " ";

	if (f & NF_NAT_RANGE_PROTO_RANDOM) {
		fprintf(fp, "%srandom", sep);
		sep = ",";
	}
	if (f & NF_NAT_RANGE_PROTO_RANDOM_FULLY) {
		fprintf(fp, "%sfully-random", sep);
		sep = ",";
	}
	if (f & NF_NAT_RANGE_PERSISTENT)
		fprintf(fp, "%spersistent", sep);
}

static void
print_port(FILE *fp, const struct reg *lo, const struct reg *hi)
{
	if (!lo || lo->len < 2)
		return;
	fprintf(fp, ":%u", (unsigned)(lo->d[0] << 8 | lo->d[1]));
	if (hi && hi->len >= 2)
		fprintf(fp, "-%u", (unsigned)(hi->d[0] << 8 | hi->d[1]));
}

static void
do_nat(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t type = nftnl_expr_get_u32(x, NFTNL_EXPR_NAT_TYPE);
	uint32_t fam = nftnl_expr_get_u32(x, NFTNL_EXPR_NAT_FAMILY);
	uint32_t flags = nftnl_expr_is_set(x, NFTNL_EXPR_NAT_FLAGS) ?
		nftnl_expr_get_u32(x, NFTNL_EXPR_NAT_FLAGS) : 0;
	const struct reg *a1 = reg_get(p, x, NFTNL_EXPR_NAT_REG_ADDR_MIN);
	const struct reg *a2 = reg_max(p, x, NFTNL_EXPR_NAT_REG_ADDR_MIN,
				       NFTNL_EXPR_NAT_REG_ADDR_MAX);
	const struct reg *p1 = reg_get(p, x, NFTNL_EXPR_NAT_REG_PROTO_MIN);
	const struct reg *p2 = reg_max(p, x, NFTNL_EXPR_NAT_REG_PROTO_MIN,
				       NFTNL_EXPR_NAT_REG_PROTO_MAX);
	int af = fam == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	bool br = af == AF_INET6 && p1;
	char s1[INET6_ADDRSTRLEN] = "", s2[INET6_ADDRSTRLEN] = "";

	emit(p, type == NFT_NAT_DNAT ? "dnat to " : "snat to ");
	if (a1)
		inet_ntop(af, a1->d, s1, sizeof(s1));
	if (a2)
		inet_ntop(af, a2->d, s2, sizeof(s2));
	if (a1)
		fprintf(p->fp, br ? "[%s]" : "%s", s1);
	if (a2)
		fprintf(p->fp, br ? "-[%s]" : "-%s", s2);
	print_port(p->fp, p1, p2);
	print_nat_flags(p->fp, flags);
}

static void
do_masq(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t flags = nftnl_expr_is_set(x, NFTNL_EXPR_MASQ_FLAGS) ?
		nftnl_expr_get_u32(x, NFTNL_EXPR_MASQ_FLAGS) : 0;
	const struct reg *p1 = reg_get(p, x, NFTNL_EXPR_MASQ_REG_PROTO_MIN);
	const struct reg *p2 = reg_max(p, x, NFTNL_EXPR_MASQ_REG_PROTO_MIN,
				       NFTNL_EXPR_MASQ_REG_PROTO_MAX);

	emit(p, "masquerade");
	if (p1) {
		fputs(" to", p->fp);
		fputc(' ', p->fp);
		print_port(p->fp, p1, p2);
	}
	print_nat_flags(p->fp, flags);
}

/* rt tcpmss into a register: a symbol the option write prints. */
static void
do_rt_mss(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t dreg = nftnl_expr_get_u32(x, NFTNL_EXPR_RT_DREG);

	if (dreg >= 8) {
		emit(p, "# unknown expr rt");
		return;
	}
	memset(&p->reg[dreg], 0, sizeof(p->reg[dreg]));
	p->reg[dreg].set = true;
	p->reg[dreg].len = 2;
	p->reg[dreg].sym = "rt mtu";
}

/* hton of a loaded symbol in place: nft's conversion before a write. */
static void
do_byteorder(struct pctx *p, const struct nftnl_expr *x)
{
	uint32_t sreg = nftnl_expr_get_u32(x, NFTNL_EXPR_BYTEORDER_SREG);
	uint32_t dreg = nftnl_expr_get_u32(x, NFTNL_EXPR_BYTEORDER_DREG);

	if (sreg >= 8 || dreg >= 8 || !p->reg[sreg].sym) {
		emit(p, "# unknown expr byteorder");
		return;
	}
	p->reg[dreg] = p->reg[sreg];
}

/* "tcp option maxseg size set VALUE"; other extension headers are shown
 * as unknown. */
static void
do_exthdr(struct pctx *p, const struct nftnl_expr *x)
{
	const struct reg *v = reg_get(p, x, NFTNL_EXPR_EXTHDR_SREG);
	char buf[96];

	if (!v || !nftnl_expr_is_set(x, NFTNL_EXPR_EXTHDR_OP) ||
	    nftnl_expr_get_u32(x, NFTNL_EXPR_EXTHDR_OP) !=
	    NFT_EXTHDR_OP_TCPOPT ||
	    nftnl_expr_get_u8(x, NFTNL_EXPR_EXTHDR_TYPE) != 2 ||
	    nftnl_expr_get_u32(x, NFTNL_EXPR_EXTHDR_OFFSET) != 2 ||
	    nftnl_expr_get_u32(x, NFTNL_EXPR_EXTHDR_LEN) != 2 ||
	    (!v->sym && v->len != 2)) {
		emit(p, "# unknown expr exthdr");
		return;
	}
	if (v->sym)
		snprintf(buf, sizeof(buf), "tcp option maxseg size set %s",
			 v->sym);
	else
		snprintf(buf, sizeof(buf), "tcp option maxseg size set %u",
			 (unsigned)(v->d[0] << 8 | v->d[1]));
	emit(p, buf);
}

static void
do_counter(struct pctx *p, const struct nftnl_expr *x)
{
	char buf[96];
	unsigned long long pk = 0, by = 0;

	if (p->counters) {
		pk = (unsigned long long)nftnl_expr_get_u64(x,
						NFTNL_EXPR_CTR_PACKETS);
		by = (unsigned long long)nftnl_expr_get_u64(x,
						NFTNL_EXPR_CTR_BYTES);
	}
	snprintf(buf, sizeof(buf), "counter packets %llu bytes %llu", pk, by);
	emit(p, buf);
}

static int
expr_print_cb(struct nftnl_expr *x, void *data)
{
	struct pctx *p = data;
	const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_NAME);
	char buf[80];

	if (strcmp(name, "payload") && strcmp(name, "cmp"))
		flush_l4(p);
	if (strcmp(name, "cmp"))
		flush_gte(p);
	if (!strcmp(name, "meta") && nftnl_expr_is_set(x, NFTNL_EXPR_META_DREG)) {
		load_meta(p, x);
	} else if (!strcmp(name, "payload") &&
		   nftnl_expr_is_set(x, NFTNL_EXPR_PAYLOAD_DREG)) {
		load_payload(p, x);
	} else if (!strcmp(name, "ct") &&
		   nftnl_expr_is_set(x, NFTNL_EXPR_CT_DREG) &&
		   nftnl_expr_get_u32(x, NFTNL_EXPR_CT_KEY) == NFT_CT_MARK) {
		set_lhs(p, LHS_HEX32, "ct mark");
		p->load_len = 4;
	} else if (!strcmp(name, "rt") &&
		   nftnl_expr_get_u32(x, NFTNL_EXPR_RT_KEY) == NFT_RT_XFRM) {
		set_lhs(p, LHS_RT_IPSEC, "rt ipsec");
	} else if (!strcmp(name, "rt") &&
		   nftnl_expr_get_u32(x, NFTNL_EXPR_RT_KEY) == NFT_RT_TCPMSS) {
		do_rt_mss(p, x);
	} else if (!strcmp(name, "byteorder")) {
		do_byteorder(p, x);
	} else if (!strcmp(name, "exthdr") &&
		   nftnl_expr_is_set(x, NFTNL_EXPR_EXTHDR_SREG)) {
		do_exthdr(p, x);
	} else if (!strcmp(name, "xfrm")) {
		load_xfrm(p, x);
	} else if (!strcmp(name, "cmp")) {
		do_cmp(p, x);
	} else if (!strcmp(name, "range")) {
		do_range(p, x);
	} else if (!strcmp(name, "bitwise")) {
		do_bitwise(p, x);
	} else if (!strcmp(name, "immediate")) {
		do_immediate(p, x);
	} else if (!strcmp(name, "counter")) {
		do_counter(p, x);
	} else if (!strcmp(name, "nat")) {
		do_nat(p, x);
	} else if (!strcmp(name, "masq")) {
		do_masq(p, x);
	} else {
		snprintf(buf, sizeof(buf), "# unknown expr %s", name);
		emit(p, buf);
	}
	if (!strcmp(name, "meta") && nftnl_expr_is_set(x, NFTNL_EXPR_META_DREG))
		p->load_len = 4;
	return 0;
}

static int
udata_cb(const struct nftnl_udata *attr, void *data)
{
	const char **comment = data;
	const char *v = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len > 0 &&
	    v[len - 1] == '\0')
		*comment = v;
	return 0;
}

static void
rule_print(FILE *fp, int family, struct nftnl_rule *r, bool counters)
{
	struct pctx p;
	const char *comment = NULL;
	uint32_t ulen = 0;
	const void *ud;

	memset(&p, 0, sizeof(p));
	p.fp = fp;
	p.family = family;
	p.counters = counters;
	p.first = true;
	p.pend_l4 = -1;
	p.l4ctx = -1;
	fputs("\t\t", fp);
	nftnl_expr_foreach(r, expr_print_cb, &p);
	flush_gte(&p);
	flush_l4(&p);
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &ulen);
	if (ud)
		nftnl_udata_parse(ud, ulen, udata_cb, &comment);
	if (comment) {
		if (!p.first)
			fputc(' ', fp);
		fprintf(fp, "comment \"%s\"", comment);
	}
	fputc('\n', fp);
}

static const char *
hook_name(uint32_t h)
{
	static const char *const n[] = {
		"prerouting", "input", "forward", "output", "postrouting",
		"ingress",
	};

	return h < sizeof(n) / sizeof(n[0]) ? n[h] : "?";
}

/* "srcnat", "dstnat + 5", or the number, as nft 1.0.6 prints it. */
static void
prio_print(FILE *fp, int32_t prio, uint32_t hook)
{
	static const struct {
		const char *name;
		int32_t v;
		int hook;		/* -1: any */
	} std[] = {
		{ "raw", -300, -1 }, { "mangle", -150, -1 },
		{ "dstnat", -100, NF_INET_PRE_ROUTING },
		{ "dstnat", -100, NF_INET_LOCAL_OUT },
		{ "filter", 0, -1 }, { "security", 50, -1 },
		{ "srcnat", 100, NF_INET_POST_ROUTING },
		{ "srcnat", 100, NF_INET_LOCAL_IN },
	};
	size_t i;

	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		int32_t off = prio - std[i].v;

		if (std[i].hook >= 0 && (uint32_t)std[i].hook != hook)
			continue;
		if (off < -10 || off > 10)
			continue;
		if (off == 0)
			fprintf(fp, "%s", std[i].name);
		else
			fprintf(fp, "%s %c %d", std[i].name,
				off < 0 ? '-' : '+', off < 0 ? -off : off);
		return;
	}
	fprintf(fp, "%d", prio);
}

static void
chain_print(FILE *fp, const struct nft_tab *t, const struct nft_chainset *cs,
	    bool counters)
{
	const struct nftnl_chain *ch = cs->chain;
	size_t i;

	fprintf(fp, "\tchain %s {\n", nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME));
	if (nftnl_chain_is_set(ch, NFTNL_CHAIN_HOOKNUM)) {
		uint32_t hook = nftnl_chain_get_u32(ch, NFTNL_CHAIN_HOOKNUM);
		const char *type = nftnl_chain_get_str(ch, NFTNL_CHAIN_TYPE);
		uint32_t pol = nftnl_chain_is_set(ch, NFTNL_CHAIN_POLICY) ?
			nftnl_chain_get_u32(ch, NFTNL_CHAIN_POLICY) : NF_ACCEPT;

		fprintf(fp, "\t\ttype %s hook %s priority ", type ? type : "?",
			hook_name(hook));
		prio_print(fp, nftnl_chain_get_s32(ch, NFTNL_CHAIN_PRIO), hook);
		fprintf(fp, "; policy %s;\n", pol == NF_DROP ? "drop" : "accept");
	}
	for (i = 0; i < cs->n_rules; i++)
		rule_print(fp, t->family, cs->rules[i], counters);
	fputs("\t}\n", fp);
}

void
nft_tab_print(FILE *fp, const struct nft_tab *t, bool with_counters)
{
	size_t i;

	if (!t->present)
		return;
	fprintf(fp, "table %s %s {\n", t->family == NFPROTO_IPV6 ? "ip6" : "ip",
		NAT_TABLE_NAME);
	for (i = 0; i < t->n_chains; i++) {
		if (i > 0)
			fputc('\n', fp);
		chain_print(fp, t, &t->chains[i], with_counters);
	}
	fputs("}\n", fp);
}

char *
nft_tabs_print(const struct nat_compiled *c, bool with_counters)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		abort();
	nft_tab_print(fp, &c->tab[NFT_TAB_IP], with_counters);
	nft_tab_print(fp, &c->tab[NFT_TAB_IP6], with_counters);
	fclose(fp);
	return buf;
}

char *
nat_compiled_print(const struct nat_compiled *c)
{
	return nft_tabs_print(c, false);
}

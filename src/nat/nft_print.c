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
 * set"); a NAT address range that is a whole prefix prints as one, as nft
 * does ("snat to 198.51.100.2/31").  Anything else prints as "# unknown expr NAME"
 * so a hand-edited rule never disappears from a diff.  Does not own: what
 * to compile (nft_build.c) or where the objects come from.
 *
 * Speed: `apply` prints every table it loads (the revision record), so
 * 10,000 rules go through here each time.  The text goes into one growing
 * buffer (struct strbuf) rather than a stdio stream, numbers and IPv4
 * addresses are formatted by hand, expression names are told apart by a
 * switch, and protocol names are looked up once per print.
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
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "core/ctent.h"
#include "core/esc.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/nft_int.h"
#include "nat/nft_ct.h"

/* One print: the buffer and the protocol names looked up so far. */
struct pout {
	struct strbuf b;
	bool proto_known[256];
	char *proto[256];		/* NULL: no name in /etc/protocols */
	bool script;			/* for nft -f (nat_compiled_print_script) */
};

static const char hexdig[] = "0123456789abcdef";

/* As "0x%08x". */
static void
put_hex32(struct strbuf *b, uint32_t v)
{
	char *t = strbuf_room(b, 10);
	int i;

	t[0] = '0';
	t[1] = 'x';
	for (i = 9; i >= 2; i--, v >>= 4)
		t[i] = hexdig[v & 0xf];
	strbuf_commit(b, t + 10);
}

/* The address, as the one formatter (core/ctent.h) writes it. */
static void
put_addr(struct strbuf *b, int af, const uint8_t *a)
{
	char *p = strbuf_room(b, CT_ADDRSTRLEN);

	ctent_addr_format(af, a, p);
	strbuf_commit(b, p + strlen(p));
}

/*
 * A name or comment as the kernel sent it: anyone who can edit our table
 * can put any byte into one, and a terminal must not get control bytes
 * from `show nft` (fuzz_nft_read found one in a comment), so they are
 * escaped as core/esc.h does (\x1a).  NULL, a missing name, prints "?".
 */
void
nft_put_text(struct strbuf *b, const char *s, size_t n)
{
	size_t len = 0;

	if (!s) {
		strbuf_putc(b, '?');
		return;
	}
	/* as everything masqsh prints from outside: core/esc.h */
	while (len < n && s[len])
		len++;
	esc_sbuf(b, s, len, 0);
}

static void
pout_done(struct pout *o)
{
	size_t i;

	for (i = 0; i < 256; i++)
		free(o->proto[i]);
	strbuf_done(&o->b);
}

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
	struct pout *o;
	const struct nft_tab *tab;		/* its sets, for a lookup */
	struct strbuf *b;			/* &o->b */
	int family;
	bool counters;
	bool first;
	int pend_l4;			/* "meta l4proto X" not printed yet */
	int l4ctx;			/* protocol known from an earlier match */
	enum lhs_kind kind;
	char lhs[64];
	size_t lhs_len;
	int addr_family;		/* for LHS_ADDR */
	uint32_t load_len;
	bool masked;
	uint8_t mask[16];
	bool have_gte;
	uint8_t gte[16];
	uint32_t gte_len;
	struct reg reg[8];
};

/* Start the next word of the rule. */
static void
emit_sep(struct pctx *p)
{
	if (!p->first)
		strbuf_putc(p->b, ' ');
	p->first = false;
}

static void
emit(struct pctx *p, const char *s)
{
	emit_sep(p);
	nft_put_text(p->b, s, SIZE_MAX);
}

/* The name of protocol @n, or its number in @buf. */
static const char *
proto_str(struct pout *o, uint8_t n, char *buf, size_t sz)
{
	if (!o->proto_known[n]) {
		const struct protoent *pe = getprotobynumber(n);

		o->proto_known[n] = true;
		o->proto[n] = pe ? xstrdup(pe->p_name) : NULL;
	}
	if (o->proto[n])
		return o->proto[n];
	snprintf(buf, sz, "%u", n);
	return buf;
}

static void
flush_l4(struct pctx *p)
{
	char num[8];

	if (p->pend_l4 < 0)
		return;
	emit(p, "meta l4proto ");
	strbuf_puts(p->b, proto_str(p->o, (uint8_t)p->pend_l4, num, sizeof(num)));
	p->pend_l4 = -1;
}

static void
flush_gte(struct pctx *p);

/* The left-hand side @a, or "@a @b" when @b is given. */
static void
set_lhs2(struct pctx *p, enum lhs_kind k, const char *a, const char *b)
{
	size_t n = strnlen(a, sizeof(p->lhs) - 1), m;

	flush_gte(p);
	p->kind = k;
	p->masked = false;
	memcpy(p->lhs, a, n);
	if (b && n + 1 < sizeof(p->lhs) - 1) {
		p->lhs[n++] = ' ';
		m = strnlen(b, sizeof(p->lhs) - 1 - n);
		memcpy(p->lhs + n, b, m);
		n += m;
	}
	p->lhs[n] = '\0';
	p->lhs_len = n;
}

static void
set_lhs(struct pctx *p, enum lhs_kind k, const char *s)
{
	set_lhs2(p, k, s, NULL);
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
			set_lhs2(p, LHS_PORT, l4, f);
		} else {
			flush_l4(p);
			set_lhs2(p, LHS_PORT, "th", f);
		}
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

		set_lhs2(p, LHS_ADDR, pfx, d ? "daddr" : "saddr");
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

/* The value @d/@len as the current left-hand side shows it.  Raw data is
 * hex, at most 46 bytes of it (what the old fixed buffer held). */
static void
put_value(struct pctx *p, const uint8_t *d, uint32_t len)
{
	struct strbuf *b = p->b;
	uint32_t v = 0;
	size_t i;

	if (len == 4)
		memcpy(&v, d, 4);
	switch (p->kind) {
	case LHS_IFNAME: {
		size_t n = strnlen((const char *)d, len);

		strbuf_putc(b, '"');
		nft_put_text(b, (const char *)d, n);
		if (n == len)
			strbuf_putc(b, '*');
		strbuf_putc(b, '"');
		return;
	}
	case LHS_PROTO:
		if (len == 1) {
			char num[8];

			strbuf_puts(b, proto_str(p->o, d[0], num, sizeof(num)));
			return;
		}
		break;
	case LHS_HEX32:
		if (len == 4) {
			put_hex32(b, v);
			return;
		}
		break;
	case LHS_U32:
		if (len == 4) {
			strbuf_u64(b, v);
			return;
		}
		break;
	case LHS_BE32:
		if (len == 4) {
			strbuf_u64(b, ntohl(v));
			return;
		}
		break;
	case LHS_PORT:
		if (len == 2) {
			strbuf_u64(b, (unsigned)(d[0] << 8 | d[1]));
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
		put_addr(b, p->addr_family, a);
		if (plen < full * 8) {
			strbuf_putc(b, '/');
			strbuf_u64(b, plen);
		}
		return;
	}
	default:
		break;
	}
	strbuf_add(b, "0x", 2);
	for (i = 0; i < len && i < 46; i++) {
		strbuf_putc(b, hexdig[d[i] >> 4]);
		strbuf_putc(b, hexdig[d[i] & 0xf]);
	}
}

/*
 * The prefix length of the mask on a 32-bit host-order load (meta/ct
 * mark, skuid), or -1: nft 1.0.6 prints "& MASK == V" as "V/LEN" when MASK
 * is LEN leading one-bits (0 included: "meta mark 0x00000000/0").
 */
static int
host_mask_plen(const struct pctx *p)
{
	uint32_t m;
	int n = 0;

	if ((p->kind != LHS_HEX32 && p->kind != LHS_U32) || p->load_len != 4)
		return -1;
	memcpy(&m, p->mask, 4);
	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m & (0xffffffffu >> n)))
		return -1;	/* a one after the leading ones */
	return n;
}

static void
print_rel(struct pctx *p, const char *op, const uint8_t *d, uint32_t len)
{
	int plen;

	if (p->kind == LHS_RT_IPSEC && len == 1 && !*op) {
		emit(p, d[0] ? "rt ipsec exists" : "rt ipsec missing");
		return;
	}
	emit_sep(p);
	strbuf_add(p->b, p->lhs, p->lhs_len);
	if (p->masked && (plen = host_mask_plen(p)) >= 0) {
		strbuf_putc(p->b, ' ');
		if (*op) {
			strbuf_puts(p->b, op);
			strbuf_putc(p->b, ' ');
		}
		put_value(p, d, len);
		strbuf_putc(p->b, '/');
		strbuf_u64(p->b, (unsigned)plen);
		return;
	}
	if (p->masked && p->kind != LHS_ADDR) {
		enum lhs_kind k = p->kind;

		strbuf_add(p->b, " & ", 3);
		if (p->load_len == 4) {
			uint32_t mv;

			memcpy(&mv, p->mask, 4);
			put_hex32(p->b, mv);
		} else {
			p->kind = LHS_RAW;
			put_value(p, p->mask, p->load_len > sizeof(p->mask) ?
				  (uint32_t)sizeof(p->mask) : p->load_len);
			p->kind = k;
		}
		strbuf_putc(p->b, ' ');
		strbuf_puts(p->b, *op ? op : "==");
		strbuf_putc(p->b, ' ');
	} else {
		strbuf_putc(p->b, ' ');
		if (*op) {
			strbuf_puts(p->b, op);
			strbuf_putc(p->b, ' ');
		}
	}
	put_value(p, d, len);
}

/* "tcp flags syn,ack" for "tcp flags & (syn|ack) != 0".  False (nothing
 * printed) when the mask holds no known flag. */
static bool
tcp_flags_print(struct pctx *p)
{
	static const char *const names[8] = {
		"fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr",
	};
	bool any = false;
	int i;

	if (!p->mask[0])
		return false;
	emit_sep(p);
	strbuf_add(p->b, p->lhs, p->lhs_len);
	strbuf_putc(p->b, ' ');
	for (i = 0; i < 8; i++) {
		if (!(p->mask[0] & (1u << i)))
			continue;
		if (any)
			strbuf_putc(p->b, ',');
		strbuf_puts(p->b, names[i]);
		any = true;
	}
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

	/* A cmp without data (not from the kernel, which always sends it)
	 * has nothing to print: d was NULL for put_value() (fuzz_nft_read). */
	if (!d) {
		flush_gte(p);
		emit(p, "# unknown expr cmp");
		return;
	}
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
		p->have_gte = false;
		emit_sep(p);
		strbuf_add(p->b, p->lhs, p->lhs_len);
		strbuf_putc(p->b, ' ');
		put_value(p, p->gte, len);
		strbuf_putc(p->b, '-');
		put_value(p, d, len);
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

	flush_gte(p);
	if (!a || !b) {		/* as a cmp without data */
		emit(p, "# unknown expr range");
		return;
	}
	emit_sep(p);
	strbuf_add(p->b, p->lhs, p->lhs_len);
	strbuf_puts(p->b, op == NFT_RANGE_NEQ ? " != " : " ");
	put_value(p, a, l1 > 16 ? 16 : l1);
	strbuf_putc(p->b, '-');
	put_value(p, b, l2 > 16 ? 16 : l2);
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
			emit(p, v == NFT_JUMP ? "jump " : "goto ");
			nft_put_text(p->b, ch, SIZE_MAX);
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
print_nat_flags(struct strbuf *b, uint32_t f)
{
	char sep = ' ';

	if (f & NF_NAT_RANGE_PROTO_RANDOM) {
		strbuf_putc(b, sep);
		strbuf_puts(b, "random");
		sep = ',';
	}
	if (f & NF_NAT_RANGE_PROTO_RANDOM_FULLY) {
		strbuf_putc(b, sep);
		strbuf_puts(b, "fully-random");
		sep = ',';
	}
	if (f & NF_NAT_RANGE_PERSISTENT) {
		strbuf_putc(b, sep);
		strbuf_puts(b, "persistent");
	}
}

static void
print_port(struct strbuf *b, const struct reg *lo, const struct reg *hi)
{
	if (!lo || lo->len < 2)
		return;
	strbuf_putc(b, ':');
	strbuf_u64(b, (unsigned)(lo->d[0] << 8 | lo->d[1]));
	if (hi && hi->len >= 2) {
		strbuf_putc(b, '-');
		strbuf_u64(b, (unsigned)(hi->d[0] << 8 | hi->d[1]));
	}
}

/*
 * The prefix length that @lo-@hi (@len bytes, network order) spans, or -1:
 * nft 1.0.6's range_expr_to_prefix(), which `nft list` applies to a NAT
 * address range.  lo XOR hi must be k low one-bits and lo must have its k
 * low bits clear; then the range is lo/(bits - k).  lo == hi is a prefix
 * too (k = 0: "198.51.100.2/32").
 */
static int
range_plen(const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	unsigned int k = 0, i;
	bool ones = true;

	for (i = len * 8; i-- > 0;) {	/* from the least significant bit */
		unsigned int byte = i / 8, bit = 7 - i % 8;
		bool x = ((lo[byte] ^ hi[byte]) >> bit) & 1;

		if (x && !ones)
			return -1;	/* a one above a zero: not 2^k - 1 */
		if (!x) {
			ones = false;
			continue;
		}
		if ((lo[byte] >> bit) & 1)
			return -1;	/* lo not aligned to the block */
		k++;
	}
	return (int)(len * 8 - k);
}

/* The NAT target address(es) as nft 1.0.6's nat_stmt_print() writes them:
 * a range that is a prefix as "ADDR/LEN"; an IPv6 address or range in
 * brackets when a port follows (a prefix never is). */
static void
print_nat_addr(struct strbuf *b, int af, const struct reg *a1,
	       const struct reg *a2, bool port)
{
	uint32_t alen = af == AF_INET6 ? 16 : 4;
	bool br = af == AF_INET6 && port;
	int plen = -1;

	if (a1 && a2 && a1->len >= alen && a2->len >= alen)
		plen = range_plen(a1->d, a2->d, alen);
	if (plen >= 0) {
		put_addr(b, af, a1->d);
		strbuf_putc(b, '/');
		strbuf_u64(b, (unsigned)plen);
		return;
	}
	if (a1) {
		if (br)
			strbuf_putc(b, '[');
		put_addr(b, af, a1->d);
		if (br)
			strbuf_putc(b, ']');
	}
	if (a2) {
		strbuf_puts(b, br ? "-[" : "-");
		put_addr(b, af, a2->d);
		if (br)
			strbuf_putc(b, ']');
	}
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

	/* NETMAP is how nft encodes "prefix to" (NPTv6 in an ip6 table) */
	if (flags & NF_NAT_RANGE_NETMAP)
		emit(p, type == NFT_NAT_DNAT ? "dnat prefix to " :
		     "snat prefix to ");
	else
		emit(p, type == NFT_NAT_DNAT ? "dnat to " : "snat to ");
	print_nat_addr(p->b, af, a1, a2, p1 != NULL);
	print_port(p->b, p1, p2);
	print_nat_flags(p->b, flags);
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
		strbuf_puts(p->b, " to ");
		print_port(p->b, p1, p2);
	}
	print_nat_flags(p->b, flags);
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
	emit(p, "tcp option maxseg size set ");
	if (v->sym)
		strbuf_puts(p->b, v->sym);
	else
		strbuf_u64(p->b, (unsigned)(v->d[0] << 8 | v->d[1]));
}

static void
do_counter(struct pctx *p, const struct nftnl_expr *x)
{
	unsigned long long pk = 0, by = 0;

	if (p->counters) {
		pk = (unsigned long long)nftnl_expr_get_u64(x,
						NFTNL_EXPR_CTR_PACKETS);
		by = (unsigned long long)nftnl_expr_get_u64(x,
						NFTNL_EXPR_CTR_BYTES);
	}
	emit(p, "counter packets ");
	strbuf_u64(p->b, pk);
	strbuf_puts(p->b, " bytes ");
	strbuf_u64(p->b, by);
}

/* One element of a set as the printer needs it. */
struct pelem {
	uint8_t key[16];
	bool end;		/* NFT_SET_ELEM_INTERVAL_END */
};

struct pelems {
	struct pelem *v;
	size_t n, cap;
	uint32_t klen;
	bool bad;		/* a key that is not klen bytes */
};

static int
pelem_cb(struct nftnl_set_elem *e, void *data)
{
	struct pelems *pe = data;
	uint32_t len = 0;
	const void *k = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
	struct pelem *el;

	if (!k || len != pe->klen) {
		pe->bad = true;
		return 0;
	}
	if (pe->n == pe->cap) {
		pe->cap = pe->cap ? pe->cap * 2 : 16;
		pe->v = xreallocarray(pe->v, pe->cap, sizeof(*pe->v));
	}
	el = &pe->v[pe->n++];
	memset(el, 0, sizeof(*el));
	memcpy(el->key, k, len);
	el->end = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
		(nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) &
		 NFT_SET_ELEM_INTERVAL_END);
	return 0;
}

/* Ascending keys; at one key an end before a start (the end of the
 * interval below, adjacent to the one that starts there). */
static int
pelem_cmp(const void *a, const void *b)
{
	const struct pelem *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	return c ? c : (int)y->end - (int)x->end;
}

/* One element: @lo, or the interval [@lo, @hi] as a prefix ("10.0.0.0/8")
 * where it is one of an address, else as "LO-HI", as nft prints it. */
static void
put_elem(struct pctx *p, const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	uint8_t m[16];
	bool pfx;
	unsigned int i, plen;

	if (!memcmp(lo, hi, len)) {
		put_value(p, lo, len);
		return;
	}
	/* a prefix: the bits lo and hi share are leading ones of the mask,
	 * lo has none of the others set and hi all of them */
	memset(m, 0, sizeof(m));
	for (i = 0; i < len; i++)
		m[i] = (uint8_t)~(lo[i] ^ hi[i]);
	plen = mask_plen(m, len, &pfx);
	for (i = 0; pfx && i < len; i++)
		if ((lo[i] & (uint8_t)~m[i]) != 0 || (hi[i] | m[i]) != 0xff)
			pfx = false;
	if (p->kind == LHS_IFNAME && pfx && plen % 8 == 0) {
		/* "ppp*": every name that starts with these bytes */
		strbuf_putc(p->b, '"');
		nft_put_text(p->b, (const char *)lo, strnlen((const char *)lo,
							     plen / 8));
		strbuf_add(p->b, "*\"", 2);
		return;
	}
	if (p->kind == LHS_ADDR && pfx) {
		memcpy(p->mask, m, len);
		p->masked = true;
		put_value(p, lo, len);
		p->masked = false;
		return;
	}
	put_value(p, lo, len);
	strbuf_putc(p->b, '-');
	put_value(p, hi, len);
}

/* The elements of an interval set: each start with the end after it (the
 * last key before it); a start without one runs to the maximum. */
static void
put_intervals(struct pctx *p, const struct pelems *pe, bool *first)
{
	uint8_t hi[16];
	size_t i;

	for (i = 0; i < pe->n; i++) {
		const struct pelem *s = &pe->v[i];

		if (s->end)
			continue;	/* nft's leading "0 end": no interval */
		memset(hi, 0xff, sizeof(hi));
		if (i + 1 < pe->n && pe->v[i + 1].end) {
			uint32_t k = pe->klen;

			memcpy(hi, pe->v[i + 1].key, sizeof(hi));
			while (k-- > 0 && hi[k]-- == 0)
				;	/* end - 1 */
		}
		strbuf_puts(p->b, *first ? "" : ", ");
		*first = false;
		put_elem(p, s->key, hi, pe->klen);
	}
}

/* "LHS [!=] @NAME": a lookup in a named set (a hand edit of our table;
 * we never make one), as nft prints it.  Its elements are not shown. */
static bool
named_lookup(struct pctx *p, const struct nftnl_set *s, bool inv)
{
	const char *name = nftnl_set_get_str(s, NFTNL_SET_NAME);

	if (!name)
		return false;
	emit_sep(p);
	strbuf_add(p->b, p->lhs, p->lhs_len);
	strbuf_puts(p->b, inv ? " != @" : " @");
	nft_put_text(p->b, name, SIZE_MAX);
	return true;
}

/* "LHS [!=] { A, B-C, NET/LEN }" for a lookup in an anonymous set, the
 * elements sorted as nft sorts them; a named set by its name.  False
 * (printed as unknown) for a set not in the table. */
static bool
do_lookup(struct pctx *p, const struct nftnl_expr *x)
{
	const struct nftnl_set *s = nft_tab_lookup_set(p->tab, x);
	struct pelems pe;
	bool inv, first = true;
	uint32_t flags;
	size_t i;

	flush_gte(p);
	inv = nftnl_expr_is_set(x, NFTNL_EXPR_LOOKUP_FLAGS) &&
		(nftnl_expr_get_u32(x, NFTNL_EXPR_LOOKUP_FLAGS) &
		 NFT_LOOKUP_F_INV);
	if (s && !(nftnl_set_get_u32(s, NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS))
		return named_lookup(p, s, inv);
	if (!s || !nftnl_set_is_set(s, NFTNL_SET_KEY_LEN))
		return false;
	memset(&pe, 0, sizeof(pe));
	pe.klen = nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN);
	if (pe.klen == 0 || pe.klen > 16)
		return false;
	flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
	/* libnftnl walks a non-const set; it only reads it */
	nftnl_set_elem_foreach((struct nftnl_set *)s, pelem_cb, &pe);
	if (pe.bad) {
		free(pe.v);
		return false;
	}
	if (pe.n > 0)	/* a set without elements: qsort(NULL) is UB */
		qsort(pe.v, pe.n, sizeof(*pe.v), pelem_cmp);
	emit_sep(p);
	strbuf_add(p->b, p->lhs, p->lhs_len);
	strbuf_puts(p->b, inv ? " != { " : " { ");
	p->masked = false;
	if (flags & NFT_SET_INTERVAL) {
		put_intervals(p, &pe, &first);
	} else {
		for (i = 0; i < pe.n; i++) {
			strbuf_puts(p->b, i ? ", " : "");
			put_value(p, pe.v[i].key, pe.klen);
		}
	}
	strbuf_puts(p->b, " }");
	free(pe.v);
	return true;
}

enum expr_kind {
	X_OTHER = 0, X_META, X_PAYLOAD, X_CT, X_RT, X_BYTEORDER, X_EXTHDR,
	X_XFRM, X_CMP, X_RANGE, X_BITWISE, X_IMMEDIATE, X_COUNTER, X_NAT,
	X_MASQ, X_LOOKUP,
};

/* One strcmp() per expression instead of a chain of them. */
static enum expr_kind
expr_kind(const char *name)
{
	static const struct {
		const char *name;
		enum expr_kind k;
	} tab[] = {
		{ "meta", X_META }, { "payload", X_PAYLOAD }, { "ct", X_CT },
		{ "rt", X_RT }, { "byteorder", X_BYTEORDER },
		{ "exthdr", X_EXTHDR }, { "xfrm", X_XFRM }, { "cmp", X_CMP },
		{ "range", X_RANGE }, { "bitwise", X_BITWISE },
		{ "immediate", X_IMMEDIATE }, { "counter", X_COUNTER },
		{ "nat", X_NAT }, { "masq", X_MASQ }, { "lookup", X_LOOKUP },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].name[0] == name[0] && tab[i].name[1] == name[1] &&
		    !strcmp(tab[i].name, name))
			return tab[i].k;
	return X_OTHER;
}

/* A load into a register (or byteorder/exthdr over one); false when it
 * is one the printer cannot show. */
static bool
print_load(struct pctx *p, struct nftnl_expr *x, enum expr_kind k)
{
	switch (k) {
	case X_META:
		if (!nftnl_expr_is_set(x, NFTNL_EXPR_META_DREG))
			return false;
		load_meta(p, x);
		p->load_len = 4;
		return true;
	case X_PAYLOAD:
		if (!nftnl_expr_is_set(x, NFTNL_EXPR_PAYLOAD_DREG))
			return false;
		load_payload(p, x);
		return true;
	case X_CT:
		if (!nftnl_expr_is_set(x, NFTNL_EXPR_CT_DREG) ||
		    nftnl_expr_get_u32(x, NFTNL_EXPR_CT_KEY) != NFT_CT_MARK)
			return false;
		set_lhs(p, LHS_HEX32, "ct mark");
		p->load_len = 4;
		return true;
	case X_RT:
		switch (nftnl_expr_get_u32(x, NFTNL_EXPR_RT_KEY)) {
		case NFT_RT_XFRM:
			set_lhs(p, LHS_RT_IPSEC, "rt ipsec");
			return true;
		case NFT_RT_TCPMSS:
			do_rt_mss(p, x);
			return true;
		}
		return false;
	case X_BYTEORDER:
		do_byteorder(p, x);
		return true;
	case X_EXTHDR:
		if (!nftnl_expr_is_set(x, NFTNL_EXPR_EXTHDR_SREG))
			return false;
		do_exthdr(p, x);
		return true;
	case X_XFRM:
		load_xfrm(p, x);
		return true;
	default:
		return false;
	}
}

/* Matches and statements; false for an expression the printer does not
 * know. */
static bool
print_stmt(struct pctx *p, struct nftnl_expr *x, enum expr_kind k)
{
	switch (k) {
	case X_CMP:
		do_cmp(p, x);
		break;
	case X_RANGE:
		do_range(p, x);
		break;
	case X_BITWISE:
		do_bitwise(p, x);
		break;
	case X_IMMEDIATE:
		do_immediate(p, x);
		break;
	case X_COUNTER:
		do_counter(p, x);
		break;
	case X_NAT:
		do_nat(p, x);
		break;
	case X_MASQ:
		do_masq(p, x);
		break;
	case X_LOOKUP:
		return do_lookup(p, x);
	default:
		return print_load(p, x, k);
	}
	return true;
}

static int
expr_print_cb(struct nftnl_expr *x, void *data)
{
	struct pctx *p = data;
	const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_NAME);
	enum expr_kind k = expr_kind(name);
	char ref[80];	/* "ct timeout set", nft_ct.c */

	if (k != X_PAYLOAD && k != X_CMP)
		flush_l4(p);
	if (k != X_CMP)
		flush_gte(p);
	if (print_stmt(p, x, k))
		return 0;
	if (nft_ct_objref_text(x, ref, sizeof(ref))) {
		emit(p, ref);
		return 0;
	}
	emit(p, "# unknown expr ");
	nft_put_text(p->b, name, SIZE_MAX);
	return 0;
}

const char *
nft_rule_comment(const struct nftnl_rule *r)
{
	const char *comment = NULL;
	const uint8_t *ud;
	uint32_t len = 0, off = 0;

	/* Walked here, not by nftnl_udata_parse(): libnftnl (1.2.4) does
	 * not check a TLV's length against the buffer, and a callback
	 * reading the value read past it (fuzz_nft_read). */
	ud = nftnl_rule_get_data((struct nftnl_rule *)r, NFTNL_RULE_USERDATA,
				 &len);
	while (ud && len - off >= 2) {
		uint8_t type = ud[off], n = ud[off + 1];

		if (n > len - off - 2)
			break;
		if (type == NFTNL_UDATA_RULE_COMMENT && n > 0 &&
		    ud[off + 2 + n - 1] == '\0')
			comment = (const char *)ud + off + 2;
		off += 2u + n;
	}
	return comment;
}

static void
rule_print(struct pout *o, const struct nft_tab *t, struct nftnl_rule *r,
	   bool counters)
{
	struct pctx p;
	const char *comment;
	int family = t->family;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.tab = t;
	p.b = &o->b;
	p.family = family;
	p.counters = counters;
	p.first = true;
	p.pend_l4 = -1;
	p.l4ctx = -1;
	strbuf_add(&o->b, "\t\t", 2);
	nftnl_expr_foreach(r, expr_print_cb, &p);
	flush_gte(&p);
	flush_l4(&p);
	comment = nft_rule_comment(r);
	if (comment) {
		if (!p.first)
			strbuf_putc(&o->b, ' ');
		strbuf_add(&o->b, "comment \"", 9);
		nft_put_text(&o->b, comment, SIZE_MAX);
		strbuf_putc(&o->b, '"');
	}
	strbuf_putc(&o->b, '\n');
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
prio_print(struct strbuf *b, int32_t prio, uint32_t hook)
{
	static const struct {
		const char *name;
		int32_t v;
		int hook;		/* -1: any */
	} std[] = {
		{ "raw", -300, -1 }, { "mangle", -150, -1 },
		/* nft 1.0.6 names these on these hooks only: it prints an
		 * output nat chain's -100 as the number, and refuses
		 * "priority dstnat" there (nft -f of `export nft`) */
		{ "dstnat", -100, NF_INET_PRE_ROUTING },
		{ "filter", 0, -1 }, { "security", 50, -1 },
		{ "srcnat", 100, NF_INET_POST_ROUTING },
	};
	size_t i;

	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		/* in 64 bits: a priority near INT32_MIN/MAX is valid (nft
		 * takes any 32-bit one) and overflowed (fuzz_nft_read) */
		int64_t off = (int64_t)prio - std[i].v;

		if (std[i].hook >= 0 && (uint32_t)std[i].hook != hook)
			continue;
		if (off < -10 || off > 10)
			continue;
		if (off == 0)
			strbuf_puts(b, std[i].name);
		else
			strbuf_addf(b, "%s %c %d", std[i].name,
				    off < 0 ? '-' : '+',
				    (int)(off < 0 ? -off : off));
		return;
	}
	strbuf_addf(b, "%d", prio);
}

static void
chain_print(struct pout *o, const struct nft_tab *t,
	    const struct nft_chainset *cs, bool counters)
{
	const struct nftnl_chain *ch = cs->chain;
	size_t i;

	strbuf_puts(&o->b, "\tchain ");
	nft_put_text(&o->b, nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME),
		     SIZE_MAX);
	strbuf_puts(&o->b, " {\n");
	if (nftnl_chain_is_set(ch, NFTNL_CHAIN_HOOKNUM)) {
		uint32_t hook = nftnl_chain_get_u32(ch, NFTNL_CHAIN_HOOKNUM);
		const char *type = nftnl_chain_get_str(ch, NFTNL_CHAIN_TYPE);
		uint32_t pol = nftnl_chain_is_set(ch, NFTNL_CHAIN_POLICY) ?
			nftnl_chain_get_u32(ch, NFTNL_CHAIN_POLICY) : NF_ACCEPT;

		strbuf_puts(&o->b, "\t\ttype ");
		nft_put_text(&o->b, type, SIZE_MAX);
		strbuf_addf(&o->b, " hook %s priority ", hook_name(hook));
		prio_print(&o->b, nftnl_chain_get_s32(ch, NFTNL_CHAIN_PRIO),
			   hook);
		strbuf_addf(&o->b, "; policy %s;\n",
			  pol == NF_DROP ? "drop" : "accept");
	}
	for (i = 0; i < cs->n_rules; i++)
		rule_print(o, t, cs->rules[i], counters);
	strbuf_puts(&o->b, "\t}\n");
}

static void
tab_print(struct pout *o, const struct nft_tab *t, bool with_counters)
{
	size_t i;

	if (!t->present)
		return;
	strbuf_addf(&o->b, "table %s %s {\n",
		  t->family == NFPROTO_IPV6 ? "ip6" : "ip", NAT_TABLE_NAME);
	/* ct objects first, as nft does (nft_ct.c) */
	nft_ct_objs_print(&o->b, t, o->script);
	for (i = 0; i < t->n_chains; i++) {
		if (i > 0)
			strbuf_putc(&o->b, '\n');
		chain_print(o, t, &t->chains[i], with_counters);
	}
	strbuf_puts(&o->b, "}\n");
}

void
nft_tab_print(FILE *fp, const struct nft_tab *t, bool with_counters)
{
	struct pout o;

	memset(&o, 0, sizeof(o));
	tab_print(&o, t, with_counters);
	if (o.b.len)
		fwrite(strbuf_str(&o.b), 1, o.b.len, fp);
	pout_done(&o);
}

static char *
tabs_print(const struct nat_compiled *c, bool with_counters, bool script)
{
	struct pout o;
	char *text;

	memset(&o, 0, sizeof(o));
	o.script = script;
	tab_print(&o, &c->tab[NFT_TAB_IP], with_counters);
	tab_print(&o, &c->tab[NFT_TAB_IP6], with_counters);
	text = strbuf_take(&o.b);
	pout_done(&o);
	return text;
}

char *
nft_tabs_print(const struct nat_compiled *c, bool with_counters)
{
	return tabs_print(c, with_counters, false);
}

char *
nat_compiled_print(const struct nat_compiled *c)
{
	return tabs_print(c, false, false);
}

char *
nat_compiled_print_script(const struct nat_compiled *c)
{
	return tabs_print(c, false, true);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_nft.c - the compiler, printer, apply and read-back (src/nat/nft_*).
 *
 * Golden cases build rule sets directly in C, compile them and compare
 * nat_compiled_print() with tests/unit/data/nft_NAME.txt (regenerate with
 * MASQ_GOLDEN_UPDATE=1 after checking the diff).  Kernel cases need root:
 * each runs in a forked child inside a fresh network namespace
 * (unshare(CLONE_NEWNET)), so nothing outside it is touched; there they
 * apply, read back, compare with `nft list table`, provoke a rejected
 * batch, run check mode and a 10,000-rule apply.  The capability probe
 * runs in a child that drops CAP_NET_ADMIN.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/set.h>

#include "core/xalloc.h"
#include "nat/caps.h"
#include "nat/engine.h"
#include "nat/links.h"
#include "nat/nft.h"
#include "nat/nft_int.h"
#include "nat/nft_ruleset.h"
#include "nat/rule.h"
#include "nat/timeouts.h"

/* ---- building rules by hand ---- */

static struct nat_net
N(const char *s)
{
	struct nat_net n;
	char buf[64];
	char *slash;

	memset(&n, 0, sizeof(n));
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	n.family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(n.family, buf, n.addr) != 1)
		abort();
	n.plen = slash ? (uint8_t)atoi(slash) :
		 (n.family == AF_INET ? 32 : 128);
	return n;
}

static void
oif(struct nat_rule *r, const char *name)
{
	struct nat_ifname *i;

	r->oifs = xreallocarray(r->oifs, r->n_oifs + 1, sizeof(*r->oifs));
	i = &r->oifs[r->n_oifs++];
	memset(i, 0, sizeof(*i));
	snprintf(i->name, sizeof(i->name), "%s", name);
	if (i->name[strlen(i->name) - 1] == '+') {
		i->name[strlen(i->name) - 1] = '\0';
		i->wildcard = true;
	}
}

static void
netadd(struct nat_net **v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = N(s);
}

static void
to_range(struct nat_rule *r, const char *lo, const char *hi)
{
	struct nat_net a = N(lo), b = N(hi ? hi : lo);

	r->action = NAT_SNAT;
	r->has_to = true;
	r->to.family = a.family;
	memcpy(r->to.lo, a.addr, 16);
	memcpy(r->to.hi, b.addr, 16);
}

static void
ports(struct nat_ports *p, uint16_t lo, uint16_t hi)
{
	p->v[p->n].lo = lo;
	p->v[p->n].hi = hi;
	p->n++;
}

static struct nat_rule *
masq(struct nat_ruleset *rs, int64_t id, const char *out)
{
	struct nat_rule r;

	nat_rule_init(&r);
	r.id = id;
	if (out)
		oif(&r, out);
	nat_ruleset_add_masq(rs, &r);
	return &rs->masq[rs->n_masq - 1];
}

static struct nat_forward *
fwd(struct nat_ruleset *rs, int64_t id, const char *in, uint8_t proto,
    uint16_t lo, uint16_t hi, const char *to)
{
	struct nat_forward f;

	nat_forward_init(&f);
	f.id = id;
	snprintf(f.iif.name, sizeof(f.iif.name), "%s", in);
	if (proto)
		f.proto.v[f.proto.n++] = proto;
	ports(&f.dport, lo, hi);
	f.to = N(to);
	nat_ruleset_add_fwd(rs, &f);
	return &rs->fwd[rs->n_fwd - 1];
}

/* Every shape the compiler emits, IPv4 only. */
static void
set_basic(struct nat_ruleset *rs)
{
	struct nat_rule *r;
	struct nat_forward *f;

	f = fwd(rs, 1, "eth0", IPPROTO_TCP, 80, 80, "192.168.1.10");
	f->has_toport = true;
	f->toport.lo = f->toport.hi = 8080;
	f = fwd(rs, 2, "eth0", 0, 5000, 5010, "192.168.1.11");
	netadd(&f->src.inc, &f->src.n_inc, "198.51.100.0/24");
	netadd(&f->src.exc, &f->src.n_exc, "198.51.100.7");

	r = masq(rs, 1, "eth0");
	netadd(&r->src.inc, &r->src.n_inc, "192.168.1.0/24");
	netadd(&r->src.inc, &r->src.n_inc, "192.168.2.0/24");
	r = masq(rs, 2, "ppp+");
	netadd(&r->src.inc, &r->src.n_inc, "10.0.0.0/8");
	netadd(&r->src.exc, &r->src.n_exc, "10.1.0.0/16");
	netadd(&r->src.exc, &r->src.n_exc, "10.2.3.128/25");
	r->proto.v[r->proto.n++] = IPPROTO_TCP;
	r->has_ports = true;
	r->ports.lo = 1024;
	r->ports.hi = 2000;
	r->random = true;
	r = masq(rs, 3, "eth0");
	to_range(r, "203.0.113.10", "203.0.113.20");
	r->proto.v[r->proto.n++] = IPPROTO_TCP;
	r->proto.v[r->proto.n++] = IPPROTO_UDP;
	ports(&r->dport, 25, 25);
	ports(&r->dport, 6000, 6010);
	r->has_ports = true;
	r->ports.lo = 1024;
	r->ports.hi = 2000;
	r->random = r->persistent = true;
	r = masq(rs, 4, "eth0");
	r->action = NAT_NONAT;
	netadd(&r->dst.inc, &r->dst.n_inc, "198.51.100.0/24");
	netadd(&r->dst.exc, &r->dst.n_exc, "198.51.100.9");
	r = masq(rs, 5, "eth0");
	oif(r, "eth1");
	to_range(r, "203.0.113.5", NULL);
	r->persistent = true;
	r->proto.neg = true;
	r->proto.v[r->proto.n++] = IPPROTO_TCP;
	r->proto.v[r->proto.n++] = IPPROTO_UDP;
	r = masq(rs, 6, "eth0");
	r->proto.v[r->proto.n++] = IPPROTO_UDP;
	r->dport.neg = true;
	ports(&r->dport, 53, 53);
	ports(&r->dport, 67, 68);
	r->mark.set = true;
	r->mark.value = 5;
	r = masq(rs, 7, "eth0");
	r->mark.set = r->mark.neg = r->mark.ct = true;
	r->mark.value = 1;
	r->mark.mask = 0xff;
	r->owner.set = r->owner.has_uid = r->owner.has_gid = true;
	r->owner.uid = 1000;
	r->owner.gid = 100;
	r = masq(rs, 8, "eth0");
	r->mark.set = true;
	r->mark.value = 0x10;
	r->mark.mask = 0xf0;
	r->owner.set = r->owner.neg = r->owner.has_uid = true;
	r->ipsec.policy = NAT_IPSEC_YES;
	r = masq(rs, 9, "eth0");
	r->ipsec.policy = NAT_IPSEC_NO;
	r->proto.v[r->proto.n++] = 47;
	r = masq(rs, 10, "eth0");
	r->action = NAT_NONAT;
	r->ipsec.policy = NAT_IPSEC_YES;
	r->ipsec.has_reqid = r->ipsec.has_spi = true;
	r->ipsec.reqid = 7;
	r->ipsec.spi = 0x1000;
	r->ipsec.has_tsrc = r->ipsec.has_tdst = true;
	r->ipsec.tsrc = N("192.0.2.1");
	r->ipsec.tdst = N("192.0.2.2");
	r = masq(rs, 11, "eth1");
	r->has_src_if = true;
	snprintf(r->src_if.name, sizeof(r->src_if.name), "eth0");
	r->proto.v[r->proto.n++] = IPPROTO_SCTP;
	ports(&r->dport, 9, 9);
	r->has_ports = true;
	r->ports.lo = r->ports.hi = 3000;
	r = masq(rs, 12, NULL);
	to_range(r, "203.0.113.7", NULL);
}

static void
set_v6(struct nat_ruleset *rs)
{
	struct nat_rule *r;
	struct nat_forward *f;

	f = fwd(rs, 3, "eth0", IPPROTO_UDP, 53, 53, "2001:db8:1::53");
	f->has_toport = true;
	f->toport.lo = f->toport.hi = 5353;
	r = masq(rs, 20, "eth0");
	netadd(&r->src.inc, &r->src.n_inc, "192.168.1.0/24");
	r = masq(rs, 21, "eth0");
	netadd(&r->src.inc, &r->src.n_inc, "2001:db8:1::/48");
	netadd(&r->src.exc, &r->src.n_exc, "2001:db8:1:2::/63");
	r = masq(rs, 22, "eth0");
	to_range(r, "2001:db8::1", "2001:db8::5");
	r->proto.v[r->proto.n++] = IPPROTO_TCP;
	r->has_ports = true;
	r->ports.lo = 1000;
	r->ports.hi = 2000;
	netadd(&r->dst.inc, &r->dst.n_inc, "2001:db8:ffff::1");
	r = masq(rs, 23, "eth0");
	to_range(r, "2001:db8::9", NULL);
	r->ipsec.policy = NAT_IPSEC_YES;
	r->ipsec.has_tsrc = true;
	r->ipsec.tsrc = N("2001:db8::77");
}

/* Conntrack objects: timeout policies (tcp, udp, ip6) and helpers,
 * whose rules go before the port forwards. */
static void
set_ct(struct nat_ruleset *rs)
{
	struct nat_rule *r;
	struct nat_helper *h;

	fwd(rs, 40, "eth0", IPPROTO_TCP, 21, 21, "192.168.1.20");
	r = masq(rs, 41, "eth0");
	r->proto.v[r->proto.n++] = IPPROTO_UDP;
	r->timeout.state[0] = (uint8_t)nat_timeout_find("udp-unreplied");
	r->timeout.secs[0] = 10;
	r->timeout.state[1] = (uint8_t)nat_timeout_find("udp-stream");
	r->timeout.secs[1] = 120;	/* nft's default: not printed */
	r->timeout.n = 2;
	r = masq(rs, 42, "eth0");
	netadd(&r->src.inc, &r->src.n_inc, "192.168.1.0/24");
	r->proto.v[r->proto.n++] = IPPROTO_TCP;
	r->timeout.state[0] = (uint8_t)nat_timeout_find("tcp-established");
	r->timeout.secs[0] = 7200;
	r->timeout.state[1] = (uint8_t)nat_timeout_find("tcp-unacknowledged");
	r->timeout.secs[1] = 30;
	r->timeout.n = 2;
	r->action = NAT_NONAT;
	r = masq(rs, 43, "eth0");
	netadd(&r->src.inc, &r->src.n_inc, "2001:db8:1::/64");
	r->proto.v[r->proto.n++] = IPPROTO_UDP;
	r->timeout.state[0] = (uint8_t)nat_timeout_find("udp-stream");
	r->timeout.secs[0] = 60;
	r->timeout.n = 1;
	h = &rs->helpers.v[rs->helpers.n++];
	snprintf(h->name, sizeof(h->name), "ftp");
	h->proto = IPPROTO_TCP;
	ports(&h->ports, 21, 21);
	ports(&h->ports, 2121, 2121);
	h = &rs->helpers.v[rs->helpers.n++];
	snprintf(h->name, sizeof(h->name), "irc");
	h->proto = IPPROTO_TCP;
	ports(&h->ports, 6660, 6669);
	h = &rs->helpers.v[rs->helpers.n++];
	snprintf(h->name, sizeof(h->name), "tftp");
	h->proto = IPPROTO_UDP;
	ports(&h->ports, 69, 69);
}

/* NAT address ranges that are whole prefixes print as prefixes, as nft
 * does; others as ranges.  Mark masks of leading ones print as "V/LEN". */
static void
set_ranges(struct nat_ruleset *rs)
{
	static const struct {
		const char *lo, *hi;
		uint8_t proto;
		uint16_t plo, phi;
	} v[] = {
		{ "198.51.100.2", "198.51.100.3", 0, 0, 0 },
		{ "198.51.100.4", "198.51.100.7", IPPROTO_TCP, 1024, 2047 },
		{ "198.51.100.1", "198.51.100.2", 0, 0, 0 },
		{ "198.51.100.0", "198.51.100.254", 0, 0, 0 },
		{ "198.51.100.0", "198.51.100.255", IPPROTO_UDP, 53, 53 },
		{ "0.0.0.0", "255.255.255.255", 0, 0, 0 },
		{ "2001:db8::2", "2001:db8::3", 0, 0, 0 },
		{ "2001:db8::", "2001:db8::ffff", IPPROTO_TCP, 1000, 2000 },
		{ "2001:db8::1", "2001:db8::3", IPPROTO_TCP, 1000, 2000 },
		{ "2001:db8::", "2001:db8:0:1::ffff", 0, 0, 0 },
	};
	struct nat_rule *r;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		r = masq(rs, 50 + (int64_t)i, "eth0");
		to_range(r, v[i].lo, v[i].hi);
		if (v[i].proto) {
			r->proto.v[r->proto.n++] = v[i].proto;
			r->has_ports = true;
			r->ports.lo = v[i].plo;
			r->ports.hi = v[i].phi;
		}
	}
	r = masq(rs, 70, "eth0");
	r->mark.set = r->mark.neg = r->mark.ct = true;
	r->mark.value = 0x10000;
	r->mark.mask = 0xffff0000;
	r = masq(rs, 71, "eth0");
	r->mark.set = true;
	r->mark.value = 0;
	r->mark.mask = 0;
	r = masq(rs, 72, "eth0");
	r->mark.set = true;
	r->mark.value = 4;
	r->mark.mask = 0xfffffffe;
}

/* Forwards by public address and hairpin (issue 13).  A hairpin with dst
 * reads no interface address; its server is in a documentation network
 * no test host has, so there is no masquerade leg and the text does not
 * depend on the host. */
static void
set_fwd(struct nat_ruleset *rs)
{
	struct nat_forward *f;

	f = fwd(rs, 80, "eth0", IPPROTO_TCP, 80, 80, "192.168.1.10");
	f->has_dst = true;
	f->dst = N("198.51.100.3");
	netadd(&f->src.inc, &f->src.n_inc, "192.0.2.0/24");
	f = fwd(rs, 81, "ppp", 0, 443, 443, "203.0.113.200");
	f->iif.wildcard = true;		/* ppp+ */
	f->has_dst = true;
	f->dst = N("198.51.100.4");
	f->hairpin = true;
	netadd(&f->src.inc, &f->src.n_inc, "192.0.2.0/24");
	f = fwd(rs, 82, "eth0", IPPROTO_TCP, 22, 22, "2001:db8:ffff::10");
	f->has_dst = true;
	f->dst = N("2001:db8::3");
	f->hairpin = true;
	f->has_toport = true;
	f->toport.lo = f->toport.hi = 2222;
}

static void
set_empty(struct nat_ruleset *rs)
{
	(void)rs;
}

struct golden {
	const char *name;
	void (*fill)(struct nat_ruleset *rs);
	unsigned int n_rules;
};

static const struct golden goldens[] = {
	{ "basic", set_basic, 14 },
	{ "v6", set_v6, 5 },
	{ "empty", set_empty, 0 },
	{ "ct", set_ct, 11 },
	{ "ranges", set_ranges, 13 },
	{ "fwd", set_fwd, 7 },
};

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int ch;

	if (!fp)
		return NULL;
	out = open_memstream(&buf, &len);
	while ((ch = fgetc(fp)) != EOF)
		fputc(ch, out);
	fclose(out);
	fclose(fp);
	return buf;
}

static char *
compile_print(const struct golden *g, unsigned int *n_rules)
{
	struct nat_ruleset rs;
	struct nat_compiled *c;
	struct masq_err e;
	char *text;

	err_init(&e);
	nat_ruleset_init(&rs);
	g->fill(&rs);
	ck_assert_msg(nat_compile(&rs, &c, &e) == 0, "compile %s: %s",
		      g->name, e.msg);
	*n_rules = nat_compiled_rule_count(c);
	text = nat_compiled_print(c);
	nat_compiled_free(c);
	nat_ruleset_done(&rs);
	err_done(&e);
	return text;
}

START_TEST(test_golden)
{
	const struct golden *g = &goldens[_i];
	char path[512], *want, *got;
	unsigned int n = 0;

	snprintf(path, sizeof(path), "%s/unit/data/nft_%s.txt", TESTS_SRCDIR,
		 g->name);
	got = compile_print(g, &n);
	ck_assert_uint_eq(n, g->n_rules);
	if (getenv("MASQ_GOLDEN_UPDATE")) {
		FILE *fp = fopen(path, "w");

		ck_assert_ptr_nonnull(fp);
		fputs(got, fp);
		fclose(fp);
	}
	want = slurp(path);
	ck_assert_msg(want != NULL, "missing golden file %s", path);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
}
END_TEST

/* A hand-made expression the printer does not know still shows up. */
START_TEST(test_unknown_expr)
{
	struct nat_ruleset rs;
	struct nat_compiled *c;
	struct masq_err e;
	struct nftnl_rule *r;
	char *text;

	err_init(&e);
	nat_ruleset_init(&rs);
	masq(&rs, 1, "eth0");
	ck_assert_int_eq(nat_compile(&rs, &c, &e), 0);
	r = c->tab[NFT_TAB_IP].chains[1].rules[0];
	nftnl_rule_add_expr(r, nftnl_expr_alloc("notrack"));
	text = nat_compiled_print(c);
	ck_assert_ptr_nonnull(strstr(text, "masquerade # unknown expr notrack "
				     "comment \"masqsh masq 1\"\n"));
	free(text);
	nat_compiled_free(c);
	nat_ruleset_done(&rs);
}
END_TEST

/*
 * NAT statements as the kernel may hold them (a hand edit): two address
 * registers, a port register or not.  nft 1.0.6 prints a range that is a
 * whole prefix as one, the same address twice as "/32", and brackets an
 * IPv6 address or range (never a prefix) when a port follows.
 */
static const struct {
	uint32_t type;
	const char *lo, *hi;	/* hi NULL: one register */
	uint16_t port;		/* 0: none */
	const char *want;
} nat_cases[] = {
	{ NFT_NAT_SNAT, "198.51.100.2", "198.51.100.3", 0,
	  "snat to 198.51.100.2/31" },
	{ NFT_NAT_SNAT, "198.51.100.2", "198.51.100.2", 0,
	  "snat to 198.51.100.2/32" },
	{ NFT_NAT_SNAT, "198.51.100.2", NULL, 0, "snat to 198.51.100.2" },
	{ NFT_NAT_SNAT, "198.51.100.3", "198.51.100.4", 80,
	  "snat to 198.51.100.3-198.51.100.4:80" },
	{ NFT_NAT_SNAT, "198.51.100.2", "198.51.100.5", 0,
	  "snat to 198.51.100.2-198.51.100.5" },
	{ NFT_NAT_SNAT, "10.0.0.0", "10.255.255.255", 80,
	  "snat to 10.0.0.0/8:80" },
	{ NFT_NAT_SNAT, "0.0.0.0", "255.255.255.255", 0, "snat to 0.0.0.0/0" },
	{ NFT_NAT_DNAT, "192.168.1.8", "192.168.1.15", 0,
	  "dnat to 192.168.1.8/29" },
	{ NFT_NAT_SNAT, "2001:db8::", "2001:db8::ffff", 53,
	  "snat to 2001:db8::/112:53" },
	{ NFT_NAT_SNAT, "2001:db8::1", "2001:db8::2", 53,
	  "snat to [2001:db8::1]-[2001:db8::2]:53" },
	{ NFT_NAT_SNAT, "2001:db8::1", NULL, 53, "snat to [2001:db8::1]:53" },
	{ NFT_NAT_SNAT, "2001:db8::", "2001:db8:0:1::ffff", 0,
	  "snat to 2001:db8::-2001:db8:0:1::ffff" },
	{ NFT_NAT_SNAT, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0,
	  "snat to ::/0" },
};

static void
imm(struct nftnl_rule *r, uint32_t reg, const void *d, uint32_t len)
{
	struct nftnl_expr *x = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, reg);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, d, len);
	nftnl_rule_add_expr(r, x);
}

START_TEST(test_nat_print)
{
	struct nat_net lo = N(nat_cases[_i].lo);
	struct nat_net hi = N(nat_cases[_i].hi ? nat_cases[_i].hi :
			      nat_cases[_i].lo);
	bool v6 = lo.family == AF_INET6;
	struct nft_tab *t;
	struct nat_ruleset rs;
	struct nat_compiled *c;
	struct masq_err e;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *x;
	uint16_t port = htons(nat_cases[_i].port);
	char *text, want[160];

	err_init(&e);
	nat_ruleset_init(&rs);
	masq(&rs, 1, "eth0");
	if (v6)
		netadd(&rs.masq[0].src.inc, &rs.masq[0].src.n_inc, "::/0");
	ck_assert_int_eq(nat_compile(&rs, &c, &e), 0);
	t = &c->tab[v6 ? NFT_TAB_IP6 : NFT_TAB_IP];
	imm(r, NFT_REG_1, lo.addr, v6 ? 16 : 4);
	if (nat_cases[_i].hi)
		imm(r, NFT_REG_2, hi.addr, v6 ? 16 : 4);
	if (nat_cases[_i].port)
		imm(r, NFT_REG_3, &port, 2);
	x = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, nat_cases[_i].type);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY,
			   v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	if (nat_cases[_i].hi)
		nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_2);
	if (nat_cases[_i].port)
		nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_3);
	nftnl_rule_add_expr(r, x);
	nft_chainset_add_rule(&t->chains[1], r, NULL);
	text = nat_compiled_print(c);
	snprintf(want, sizeof(want), "\t\t%s\n", nat_cases[_i].want);
	ck_assert_msg(strstr(text, want) != NULL, "want \"%s\" in:\n%s",
		      nat_cases[_i].want, text);
	free(text);
	nat_compiled_free(c);
	nat_ruleset_done(&rs);
	err_done(&e);
}
END_TEST

/* Drop CAP_NET_ADMIN from this process's effective set (the child's). */
static int
drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, d) != 0)
		return -1;
	d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	return (int)syscall(SYS_capset, &hdr, d);
}

/*
 * The capability probe (nat/caps.h): without CAP_NET_ADMIN every
 * netfilter opener fails with MASQ_EKERNEL naming it, and a refused
 * request's EPERM/EACCES is mapped the same way.  Runs in a child, which
 * drops the capability from its effective set.
 */
START_TEST(test_caps)
{
	pid_t pid;
	int st = 0;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct masq_err e;
		bool had = nat_cap_net_admin();

		err_init(&e);
		if (had && drop_net_admin() != 0)
			_exit(2);
		if (nat_cap_net_admin() || !nat_cap_missing())
			_exit(3);
		if (nat_nfnl_open("nftables", 0, &e) != NULL ||
		    e.code != MASQ_EKERNEL || e.sys_errno != EPERM ||
		    !strstr(e.msg, "nftables needs CAP_NET_ADMIN") ||
		    !e.hint[0])
			_exit(4);
		err_sys(&e, MASQ_EFAIL, EACCES, "conntrack: request refused");
		if (nat_err_perm(&e) != -1 || e.code != MASQ_EKERNEL ||
		    !strstr(e.hint, "CAP_NET_ADMIN"))
			_exit(5);
		err_sys(&e, MASQ_EFAIL, ENOBUFS, "conntrack: overrun");
		nat_err_perm(&e);
		if (e.code != MASQ_EFAIL || e.hint[0])
			_exit(6);		/* other errors untouched */
		err_done(&e);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "caps child failed at step %d", WEXITSTATUS(st));
}
END_TEST

/* detect outside a namespace with that interface: an error naming the rule. */
START_TEST(test_detect_missing)
{
	struct nat_ruleset rs;
	struct nat_compiled *c = NULL;
	struct masq_err e;
	struct nat_rule *r;

	err_init(&e);
	nat_ruleset_init(&rs);
	r = masq(&rs, 17, "nosuchif0");
	r->action = NAT_DETECT;
	ck_assert_int_eq(nat_compile(&rs, &c, &e), -1);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(e.msg, "masq rule 17") != NULL, "%s", e.msg);
	nat_ruleset_done(&rs);
	err_done(&e);
}
END_TEST

/* ---- real kernel, in a private netns ---- */

static int child_fail;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);	\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			child_fail = 1;					\
		}							\
	} while (0)

static char *
run(const char *cmd)
{
	FILE *fp = popen(cmd, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int ch;

	while (fp && (ch = fgetc(fp)) != EOF)
		fputc(ch, out);
	fclose(out);
	if (fp)
		pclose(fp);
	return buf;
}

static char *
nft_list(void)
{
	return run("nft list table ip masqsh 2>/dev/null; "
		   "nft list table ip6 masqsh 2>/dev/null");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct nat_compiled *
compile_set(void (*fill)(struct nat_ruleset *))
{
	struct nat_ruleset rs;
	struct nat_compiled *c = NULL;
	struct masq_err e;

	err_init(&e);
	nat_ruleset_init(&rs);
	fill(&rs);
	if (nat_compile(&rs, &c, &e) < 0)
		fprintf(stderr, "compile: %s\n", e.msg);
	nat_ruleset_done(&rs);
	err_done(&e);
	return c;
}

static void
set_detect(struct nat_ruleset *rs)
{
	struct nat_rule *r = masq(rs, 30, "eth0");

	r->action = NAT_DETECT;
	netadd(&r->src.inc, &r->src.n_inc, "192.168.1.0/24");
	set_basic(rs);
}

/* Apply, read back, and hold all three texts equal. */
static void
k_apply_roundtrip(void)
{
	void (*sets[])(struct nat_ruleset *) = { set_basic, set_v6,
						 set_detect, set_empty,
						 set_ct, set_ranges };
	size_t i;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		struct nat_compiled *c = compile_set(sets[i]);
		struct masq_err e;
		char *want, *got = NULL, *nft;

		err_init(&e);
		CHECK(c != NULL, "set %zu does not compile", i);
		if (!c)
			continue;
		want = nat_compiled_print(c);
		CHECK(nat_apply(c, NAT_APPLY_COMMIT, &e) == 0, "apply %zu: %s "
		      "[%s]", i, e.msg, e.kernel);
		CHECK(nat_kernel_print(&got, false, &e) == 0, "read: %s",
		      e.msg);
		nft = nft_list();
		CHECK(got && !strcmp(want, got),
		      "set %zu read back differs:\n%s---\n%s", i, want, got);
		CHECK(!strcmp(want, nft), "set %zu nft list differs:\n%s---\n%s",
		      i, want, nft);
		if (i == 2)
			CHECK(strstr(want, "snat to 203.0.113.99 comment") != NULL,
			      "detect did not use the address:\n%s", want);
		free(want);
		free(got);
		free(nft);
		nat_compiled_free(c);
		err_done(&e);
	}
}

/* A batch the kernel refuses leaves the running table as it was. */
static void
k_reject(void)
{
	struct nat_compiled *good = compile_set(set_basic);
	struct nat_compiled *bad = compile_set(set_v6);
	struct nft_chainset *cs = &bad->tab[NFT_TAB_IP].chains[1];
	struct nft_origin o = { NFT_ORIGIN_MASQ, 42 };
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *x;
	uint32_t a = htonl(0x0a000001);
	struct masq_err e;
	char *before, *after = NULL, *mode;
	int m;

	err_init(&e);
	CHECK(nat_apply(good, NAT_APPLY_COMMIT, &e) == 0, "apply: %s", e.msg);
	before = nft_list();
	/* dnat is not allowed in a postrouting chain. */
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NAT_TABLE_NAME);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "postrouting");
	x = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, &a, 4);
	nftnl_rule_add_expr(r, x);
	x = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_rule_add_expr(r, x);
	nft_chainset_add_rule(cs, r, &o);
	for (m = 0; m < 2; m++) {
		err_reset(&e);
		CHECK(nat_apply(bad, m ? NAT_APPLY_CHECK : NAT_APPLY_COMMIT,
				&e) == -1, "bad batch accepted (mode %d)", m);
		CHECK(strstr(e.msg, "masq rule 42") != NULL, "msg: %s", e.msg);
		CHECK(e.sys_errno == EOPNOTSUPP, "errno %d", e.sys_errno);
		fprintf(stderr, "# rejected (mode %d): %s [kernel: %s]\n", m,
			e.msg, e.kernel);
		after = nft_list();
		CHECK(!strcmp(before, after), "table changed by a failed batch");
		free(after);
	}
	mode = NULL;
	CHECK(nat_kernel_print(&mode, false, &e) == 0, "read: %s", e.msg);
	free(mode);
	free(before);
	nat_compiled_free(good);
	nat_compiled_free(bad);
	err_done(&e);
}

/* Check mode: the kernel accepts, nothing changes. */
static void
k_check_mode(void)
{
	struct nat_compiled *a = compile_set(set_empty);
	struct nat_compiled *b = compile_set(set_basic);
	struct masq_err e;
	char *before, *after;

	err_init(&e);
	CHECK(nat_apply(a, NAT_APPLY_COMMIT, &e) == 0, "apply: %s", e.msg);
	before = nft_list();
	CHECK(nat_apply(b, NAT_APPLY_CHECK, &e) == 0, "check: %s [%s]", e.msg,
	      e.kernel);
	after = nft_list();
	CHECK(!strcmp(before, after), "check mode changed the table:\n%s",
	      after);
	free(before);
	free(after);
	/* and nat_flush removes both tables and nothing else */
	system("nft add table ip other");
	CHECK(nat_apply(b, NAT_APPLY_COMMIT, &e) == 0, "apply: %s", e.msg);
	CHECK(nat_flush(&e) == 0, "flush: %s", e.msg);
	after = nft_list();
	CHECK(!strcmp(after, ""), "flush left:\n%s", after);
	free(after);
	after = run("nft list tables");
	CHECK(!strcmp(after, "table ip other\n"), "other tables: %s", after);
	free(after);
	nat_compiled_free(a);
	nat_compiled_free(b);
	err_done(&e);
}

#define BIG 10000

static void
set_big(struct nat_ruleset *rs)
{
	unsigned int i;

	/* Filled in place: appending one by one is quadratic under ASan. */
	rs->masq = xcalloc(BIG, sizeof(*rs->masq));
	for (i = 0; i < BIG; i++) {
		struct nat_rule *r = &rs->masq[rs->n_masq++];
		char net[32];

		nat_rule_init(r);
		r->id = i + 1;
		oif(r, "eth0");

		snprintf(net, sizeof(net), "10.%u.%u.0/24", i / 256, i % 256);
		netadd(&r->src.inc, &r->src.n_inc, net);
		r->proto.v[r->proto.n++] = IPPROTO_TCP;
		ports(&r->dport, (uint16_t)(1 + i % 60000),
		      (uint16_t)(1 + i % 60000));
		to_range(r, "203.0.113.10", NULL);
	}
}

static void
k_big(void)
{
	double t0, t1, t2, t3, t4;
	struct nat_compiled *c;
	struct masq_err e;
	char *text, *got = NULL, cmd[256];
	FILE *fp;

	err_init(&e);
	t0 = now();
	c = compile_set(set_big);
	t1 = now();
	CHECK(nat_apply(c, NAT_APPLY_COMMIT, &e) == 0, "big apply: %s [%s]",
	      e.msg, e.kernel);
	t2 = now();
	CHECK(nat_compiled_rule_count(c) == BIG, "count %u",
	      nat_compiled_rule_count(c));
	text = nat_compiled_print(c);
	CHECK(nat_kernel_print(&got, false, &e) == 0, "read: %s", e.msg);
	t3 = now();
	CHECK(got && !strcmp(text, got), "10k read back differs");
	fp = fopen("/tmp/masq-check-nft-big.nft", "w");
	if (fp) {
		fputs("flush ruleset\n", fp);
		fputs(text, fp);
		fclose(fp);
	}
	snprintf(cmd, sizeof(cmd), "nft -f /tmp/masq-check-nft-big.nft");
	t4 = now();
	CHECK(system(cmd) == 0, "nft -f failed");
	fprintf(stderr, "# 10k rules: compile %.3f s, apply %.3f s, read+print "
		"%.3f s; nft -f of the same text %.3f s\n", t1 - t0, t2 - t1,
		t3 - t2, now() - t4);
	unlink("/tmp/masq-check-nft-big.nft");
	free(text);
	free(got);
	nat_compiled_free(c);
	err_done(&e);
}

/* Every owner's tables as plain data (nft_ruleset.h), next to ours. */
static const char others_nft[] =
	"table inet filter {\n"
	" ct helper ftp-std { type \"ftp\" protocol tcp; }\n"
	" chain input { type filter hook input priority 0; policy drop;\n"
	"  tcp dport 113 counter drop\n"
	"  tcp dport != 100-200 reject\n"
	"  ct helper set \"ftp-std\"\n"
	" }\n"
	"}\n"
	"table ip nat {\n"
	" chain DOCKER { }\n"
	" chain POSTROUTING { type nat hook postrouting priority 50;\n"
	"  oifname \"eth0\" masquerade\n"
	" }\n"
	"}\n";

static const struct nft_rs_chain *
rs_chain(const struct nft_ruleset *rs, const char *table, const char *name)
{
	size_t i;

	for (i = 0; i < rs->n_chains; i++)
		if (!strcmp(rs->chains[i].table, table) &&
		    !strcmp(rs->chains[i].name, name))
			return &rs->chains[i];
	return NULL;
}

/* The @k-th rule of @c, or NULL. */
static const struct nft_rs_rule *
rs_rule(const struct nft_ruleset *rs, const struct nft_rs_chain *c, size_t k)
{
	size_t i;

	for (i = 0; c && i < rs->n_rules; i++)
		if (&rs->chains[rs->rules[i].chain] == c && k-- == 0)
			return &rs->rules[i];
	return NULL;
}

/* The first expression of @kind in @r, or NULL. */
static const struct nft_rs_expr *
rs_expr(const struct nft_rs_rule *r, enum nft_rs_kind kind)
{
	size_t i;

	for (i = 0; r && i < r->n_x; i++)
		if (r->x[i].kind == kind)
			return &r->x[i];
	return NULL;
}

static void
k_ruleset_chains(const struct nft_ruleset *rs)
{
	const struct nft_rs_chain *in = rs_chain(rs, "filter", "input");
	const struct nft_rs_chain *post = rs_chain(rs, "nat", "POSTROUTING");
	const struct nft_rs_chain *dock = rs_chain(rs, "nat", "DOCKER");
	const struct nft_rs_chain *ours = rs_chain(rs, NAT_TABLE_NAME,
						   "postrouting");

	CHECK(in && in->family == NFT_RS_INET && in->base &&
	      in->hook == NFT_RS_INPUT && in->prio == 0 &&
	      in->policy == NFT_RS_DROP && !strcmp(in->type, "filter") &&
	      in->n_rules == 3, "inet filter input wrong");
	CHECK(post && post->family == NFT_RS_IP &&
	      post->hook == NFT_RS_POSTROUTING && post->prio == 50 &&
	      post->policy == NFT_RS_ACCEPT && !strcmp(post->type, "nat") &&
	      post->n_rules == 1, "ip nat POSTROUTING wrong");
	CHECK(dock && !dock->base && dock->hook == -1 && !dock->n_rules,
	      "ip nat DOCKER wrong");
	CHECK(ours && ours->family == NFT_RS_IP && ours->prio == 100 &&
	      ours->n_rules > 0, "our own table missing");
	CHECK(!strcmp(nft_rs_family_name(NFT_RS_INET), "inet") &&
	      !strcmp(nft_rs_hook_name(NFT_RS_POSTROUTING), "postrouting") &&
	      !strcmp(nft_rs_family_name(99), "?"), "names");
}

static void
k_ruleset_rules(const struct nft_ruleset *rs)
{
	const struct nft_rs_chain *in = rs_chain(rs, "filter", "input");
	const struct nft_rs_rule *r0 = rs_rule(rs, in, 0);
	const struct nft_rs_rule *r1 = rs_rule(rs, in, 1);
	const struct nft_rs_rule *r2 = rs_rule(rs, in, 2);
	const struct nft_rs_expr *ld = NULL, *x;
	size_t i;

	for (i = 0; r0 && i < r0->n_x; i++)
		if (r0->x[i].kind == NFT_RS_X_LOAD &&
		    r0->x[i].load == NFT_RS_LOAD_PAYLOAD)
			ld = &r0->x[i];
	CHECK(ld && ld->base == NFT_RS_BASE_TRANSPORT && ld->off == 2 &&
	      ld->len == 2 && ld->dreg, "dport load");
	x = NULL;
	for (i = 0; ld && i < r0->n_x; i++)	/* the cmp after the load */
		if (&r0->x[i] > ld && r0->x[i].kind == NFT_RS_X_CMP && !x)
			x = &r0->x[i];
	CHECK(x && x->sreg == ld->dreg && x->op == NFT_RS_EQ &&
	      x->has_data && x->data_len == 2 && x->data[0] == 0 &&
	      x->data[1] == 113, "cmp dport 113");
	CHECK((x = rs_expr(r0, NFT_RS_X_VERDICT)) && x->verdict == NFT_RS_DROP,
	      "drop");
	CHECK(rs_expr(r0, NFT_RS_X_COUNTER) != NULL, "counter");
	CHECK(r0 && r0->handle != 0, "handle");
	x = rs_expr(r1, NFT_RS_X_RANGE);
	CHECK(x && x->op == NFT_RS_NEQ && x->data_len == 2 &&
	      x->data[1] == 100 && x->data2_len == 2 && x->data2[1] == 200,
	      "range != 100-200");
	CHECK(rs_expr(r1, NFT_RS_X_REJECT) != NULL, "reject");
	x = rs_expr(r2, NFT_RS_X_OBJREF);
	CHECK(x && x->helper && !strcmp(x->obj, "ftp-std"), "helper set");
	x = rs_expr(rs_rule(rs, rs_chain(rs, "nat", "POSTROUTING"), 0),
		    NFT_RS_X_MASQ);
	CHECK(x != NULL, "masquerade");
	CHECK(rs->n_helpers == 1 && rs->helpers[0].family == NFT_RS_INET &&
	      !strcmp(rs->helpers[0].table, "filter") &&
	      !strcmp(rs->helpers[0].name, "ftp-std") &&
	      !strcmp(rs->helpers[0].helper, "ftp"), "ct helper object");
}

static void
k_ruleset(void)
{
	struct nat_compiled *c = compile_set(set_basic);
	struct nft_ruleset rs;
	struct masq_err e;
	FILE *fp;

	err_init(&e);
	CHECK(nat_apply(c, NAT_APPLY_COMMIT, &e) == 0, "apply: %s", e.msg);
	fp = popen("nft -f -", "w");
	CHECK(fp && fputs(others_nft, fp) >= 0 && pclose(fp) == 0,
	      "nft -f of the other tables failed");
	CHECK(nft_ruleset_read(&rs, &e) == 0, "read: %s", e.msg);
	k_ruleset_chains(&rs);
	k_ruleset_rules(&rs);
	nft_ruleset_done(&rs);
	CHECK(rs.n_chains == 0 && rs.chains == NULL, "done leaves data");
	nat_compiled_free(c);
	err_done(&e);
}

/* nat/links.h: interfaces, the one address collector, routes, policy
 * rules and `ip route get`, against what `ip` set up. */
static const struct links_addr *
find_addr(const struct links_addr *v, size_t n, const char *a)
{
	uint8_t b[4];
	size_t i;

	inet_pton(AF_INET, a, b);
	for (i = 0; i < n; i++)
		if (v[i].net.family == AF_INET && !memcmp(v[i].net.addr, b, 4))
			return &v[i];
	return NULL;
}

static void
k_links_addrs(void)
{
	const struct links_addr *x;
	struct links_addr *v = NULL;
	struct nat_net *g = NULL;
	struct masq_err e;
	size_t n = 0;
	uint8_t b[4];

	err_init(&e);
	CHECK(links_addr_list(AF_UNSPEC, &v, &n, &e) == 0, "%s", e.msg);
	x = find_addr(v, n, "203.0.113.99");
	CHECK(x && !strcmp(x->ifname, "eth0") && !strcmp(x->label, "eth0") &&
	      x->net.plen == 24 && !x->secondary && x->permanent &&
	      x->scope == LINKS_SCOPE_UNIVERSE &&
	      x->valid == LINKS_LIFE_FOREVER, "203.0.113.99 on eth0");
	x = find_addr(v, n, "203.0.113.97");
	CHECK(x && !strcmp(x->label, "eth0:1") && x->secondary, "the alias");
	x = find_addr(v, n, "127.0.0.1");
	CHECK(x && x->scope == LINKS_SCOPE_HOST && !strcmp(x->ifname, "lo"),
	      "lo");
	free(v);
	CHECK(links_addr_list(AF_INET6, &v, &n, &e) == 0 &&
	      !find_addr(v, n, "203.0.113.99"), "family filter");
	free(v);
	/* one interface's global addresses: primary first */
	CHECK(links_addrs("eth0", AF_INET, &g, &n, &e) == 0 && n == 3,
	      "eth0 has %zu global addresses", n);
	inet_pton(AF_INET, "203.0.113.99", b);
	CHECK(g && !memcmp(g[0].addr, b, 4), "primary first");
	free(g);
	CHECK(engine_addr_present(AF_INET, b, &e) == 1, "present");
	inet_pton(AF_INET, "198.51.100.7", b);
	CHECK(engine_addr_present(AF_INET, b, &e) == 0, "absent");
	err_done(&e);
}

static void
k_links_routes(void)
{
	struct links_route *r = NULL;
	struct links_rule *ru = NULL;
	struct masq_err e;
	char buf[256], *all = xstrdup("");
	size_t n = 0, i;

	err_init(&e);
	CHECK(links_routes(AF_INET, &r, &n, &e) == 0, "%s", e.msg);
	for (i = 0; i < n; i++) {
		char *t;

		links_route_format(&r[i], buf, sizeof(buf));
		t = xasprintf("%s%s\n", all, buf);
		free(all);
		all = t;
	}
	CHECK(strstr(all, "default via 203.0.113.1 dev eth0 proto boot\n") &&
	      strstr(all, "203.0.113.0/24 dev eth0 proto kernel scope link "
		     "src 203.0.113.99\n") &&
	      strstr(all, "unreachable 192.0.2.0/24 proto boot\n"),
	      "routes:\n%s", all);
	free(all);
	free(r);
	CHECK(links_rules(&ru, &n, &e) == 0 && n == 1 &&
	      !strcmp(ru[0].text, "100: from 192.168.1.0/24 lookup 100"),
	      "rules: %zu %s", n, n ? ru[0].text : "");
	free(ru);
	err_done(&e);
}

static void
k_links_path(void)
{
	struct links_path p;
	struct links_link *l = NULL;
	struct masq_err e;
	uint8_t d[4];
	size_t n = 0, i;
	bool eth0 = false, lo = false;

	err_init(&e);
	inet_pton(AF_INET, "198.51.100.7", d);
	CHECK(links_route_get(AF_INET, d, 0, &p, &e) == 0, "%s", e.msg);
	CHECK(!strcmp(p.oifname, "eth0") && p.has_gw && p.gw[3] == 1 &&
	      p.has_src && p.src[3] == 99 && !p.local, "path to 198.51.100.7");
	inet_pton(AF_INET, "203.0.113.98", d);
	CHECK(links_route_get(AF_INET, d, 0, &p, &e) == 0 && p.local,
	      "a local address");
	inet_pton(AF_INET, "192.0.2.1", d);
	CHECK(links_route_get(AF_INET, d, 0, &p, &e) == -1 &&
	      e.code == MASQ_EFAIL && strstr(e.msg, "no route to 192.0.2.1"),
	      "unreachable: %s", e.msg);
	err_reset(&e);
	CHECK(links_list(&l, &n, &e) == 0, "%s", e.msg);
	for (i = 0; i < n; i++) {
		if (!strcmp(l[i].name, "eth0"))
			eth0 = l[i].admin_up && !l[i].loopback &&
			       l[i].type == 1 && l[i].mtu == 1500 &&
			       strlen(l[i].mac) == 17;
		if (!strcmp(l[i].name, "lo"))
			lo = l[i].loopback && l[i].index == 1;
	}
	CHECK(eth0 && lo, "links: eth0 %d lo %d", eth0, lo);
	free(l);
	err_done(&e);
}

static void
k_links(void)
{
	if (system("ip link set lo up && "
		   "ip addr add 203.0.113.97/24 dev eth0 label eth0:1 && "
		   "ip route add default via 203.0.113.1 && "
		   "ip route add unreachable 192.0.2.0/24 && "
		   "ip rule add from 192.168.1.0/24 table 100 prio 100") != 0) {
		CHECK(0, "cannot set up addresses and routes");
		return;
	}
	k_links_addrs();
	k_links_routes();
	k_links_path();
}

static void (*const kcases[])(void) = {
	k_apply_roundtrip, k_reject, k_check_mode, k_big, k_ruleset, k_links,
};

static const char *
kernel_skip_reason(void)
{
	static char why[128];

	if (geteuid() != 0)
		return "not root (kernel cases need CAP_NET_ADMIN and CAP_SYS_ADMIN)";
	if (system("nft --version >/dev/null 2>&1") != 0)
		return "nft is not installed (it is the test oracle)";
	snprintf(why, sizeof(why), "%s", "");
	return NULL;
}

START_TEST(test_kernel)
{
	const char *why = kernel_skip_reason();
	pid_t pid;
	int st = 0;

	if (why) {
		fprintf(stderr, "SKIP kernel case %d: %s\n", _i, why);
		return;
	}
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0) {
			perror("unshare");
			_exit(2);
		}
		if (system("ip link add eth0 type veth peer name eth1 && "
			   "ip link set eth0 up && ip link set eth1 up && "
			   "ip addr add 203.0.113.99/24 dev eth0 && "
			   "ip addr add 203.0.113.98/24 dev eth0") != 0) {
			fprintf(stderr, "cannot create veth in the netns\n");
			_exit(2);
		}
		kcases[_i]();
		fflush(NULL);
		_exit(child_fail);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "kernel case %d failed (see stderr)", _i);
}
END_TEST

/* ---- the readers' byte-buffer entry points (no kernel) ---- */

/* Messages as a dump sends them, built back to back in a buffer. */
struct msgbuf {
	char b[8192];
	size_t len;
};

static struct nlmsghdr *
nl_put(struct msgbuf *m, uint16_t type, const void *hdr, size_t hlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->b + m->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, hlen), hdr, hlen);
	return nlh;
}

static void
nl_end(struct msgbuf *m, struct nlmsghdr *nlh)
{
	m->len += nlh->nlmsg_len;
}

static void
ruleset_msgs(struct msgbuf *m)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nftnl_expr *x;
	struct nlmsghdr *nlh;
	uint16_t port = htons(113);

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "filter");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "input");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_IN);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, -5);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_DROP);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nlh = nftnl_nlmsg_build_hdr(m->b + m->len, NFT_MSG_NEWCHAIN,
				    NFPROTO_INET, NLM_F_MULTI, 1);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nl_end(m, nlh);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "filter");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "input");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, 7);
	x = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE,
			   NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, x);
	x = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, &port, 2);
	nftnl_rule_add_expr(r, x);
	x = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	nftnl_rule_add_expr(r, x);
	nlh = nftnl_nlmsg_build_hdr(m->b + m->len, NFT_MSG_NEWRULE,
				    NFPROTO_INET, NLM_F_MULTI, 2);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nl_end(m, nlh);
	/* the same rule in a chain that was not listed: left out */
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "gone");
	nlh = nftnl_nlmsg_build_hdr(m->b + m->len, NFT_MSG_NEWRULE,
				    NFPROTO_INET, NLM_F_MULTI, 3);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nl_end(m, nlh);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, "filter");
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, "ftp-std");
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_CT_HELPER);
	nftnl_obj_set_str(o, NFTNL_OBJ_CT_HELPER_NAME, "ftp");
	nftnl_obj_set_u8(o, NFTNL_OBJ_CT_HELPER_L4PROTO, IPPROTO_TCP);
	nlh = nftnl_nlmsg_build_hdr(m->b + m->len, NFT_MSG_NEWOBJ,
				    NFPROTO_INET, NLM_F_MULTI, 4);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nl_end(m, nlh);
	nftnl_chain_free(c);
	nftnl_rule_free(r);
	nftnl_obj_free(o);
}

START_TEST(test_ruleset_parse)
{
	static struct msgbuf m;
	struct nft_ruleset rs;
	const struct nft_rs_rule *r;
	struct masq_err e;
	size_t cut;

	err_init(&e);
	m.len = 0;
	ruleset_msgs(&m);
	ck_assert_int_eq(nft_ruleset_parse(m.b, m.len, &rs, &e), 0);
	ck_assert_uint_eq(rs.n_chains, 1);
	ck_assert(rs.chains[0].family == NFT_RS_INET && rs.chains[0].base &&
		  rs.chains[0].hook == NFT_RS_INPUT &&
		  rs.chains[0].prio == -5 &&
		  rs.chains[0].policy == NFT_RS_DROP &&
		  rs.chains[0].n_rules == 1);
	ck_assert_uint_eq(rs.n_rules, 1);
	r = &rs.rules[0];
	ck_assert(r->chain == 0 && r->handle == 7 && r->n_x == 3);
	ck_assert(r->x[0].kind == NFT_RS_X_LOAD &&
		  r->x[0].load == NFT_RS_LOAD_PAYLOAD && r->x[0].off == 2 &&
		  r->x[0].dreg == NFT_REG_1);
	ck_assert(r->x[1].kind == NFT_RS_X_CMP && r->x[1].data_len == 2 &&
		  r->x[1].data[1] == 113 && r->x[1].sreg == NFT_REG_1);
	ck_assert(r->x[2].kind == NFT_RS_X_VERDICT &&
		  r->x[2].verdict == NFT_RS_DROP);
	ck_assert(rs.n_helpers == 1 &&
		  !strcmp(rs.helpers[0].name, "ftp-std") &&
		  !strcmp(rs.helpers[0].helper, "ftp"));
	nft_ruleset_done(&rs);
	/* every cut of the answer reads without running off it */
	for (cut = 0; cut < m.len; cut++) {
		char *t = xmalloc(cut + 1);

		memcpy(t, m.b, cut);
		if (nft_ruleset_parse(t, cut, &rs, &e) == 0)
			nft_ruleset_done(&rs);
		err_reset(&e);
		free(t);
	}
	err_done(&e);
}
END_TEST

START_TEST(test_links_parse)
{
	static struct msgbuf m;
	struct ifaddrmsg ifa = { AF_INET, 24, IFA_F_SECONDARY, 0, 1 };
	struct fib_rule_hdr frh = { .family = AF_INET, .src_len = 24 };
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 24,
			     .rtm_table = RT_TABLE_MAIN,
			     .rtm_protocol = RTPROT_KERNEL,
			     .rtm_scope = RT_SCOPE_LINK,
			     .rtm_type = RTN_UNICAST };
	struct ifa_cacheinfo ci = { .ifa_prefered = 50, .ifa_valid = 100 };
	uint8_t a4[4] = { 203, 0, 113, 5 }, net[4] = { 192, 168, 1, 0 };
	uint8_t dst[4] = { 203, 0, 113, 0 };
	struct links_addr *av;
	struct links_rule *ru;
	struct links_route *ro;
	struct nlmsghdr *nlh;
	struct masq_err e;
	char line[128];
	size_t n;

	err_init(&e);
	m.len = 0;
	nlh = nl_put(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	mnl_attr_put(nlh, IFA_LOCAL, 4, a4);
	mnl_attr_put_strz(nlh, IFA_LABEL, "lo:1");
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	nl_end(&m, nlh);
	nlh = nl_put(&m, RTM_NEWADDR, &ifa, 2);	/* too short: skipped */
	nl_end(&m, nlh);
	ck_assert_int_eq(links_addr_list_parse(m.b, m.len, AF_UNSPEC, &av, &n,
					       &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(!strcmp(av[0].ifname, "lo") && !strcmp(av[0].label, "lo:1") &&
		  av[0].secondary && !av[0].permanent && av[0].valid == 100 &&
		  av[0].preferred == 50 && av[0].net.plen == 24 &&
		  !memcmp(av[0].net.addr, a4, 4));
	free(av);

	m.len = 0;
	nlh = nl_put(&m, RTM_NEWRULE, &frh, sizeof(frh));
	mnl_attr_put_u32(nlh, FRA_PRIORITY, 100);
	mnl_attr_put_u32(nlh, FRA_TABLE, 100);
	mnl_attr_put(nlh, FRA_SRC, 4, net);
	mnl_attr_put_u16(nlh, FRA_FWMARK, 1);	/* wrong size: skipped */
	nl_end(&m, nlh);
	ck_assert_int_eq(links_rules_parse(m.b, m.len, &ru, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ru[0].text, "100: from 192.168.1.0/24 lookup 100");
	free(ru);

	m.len = 0;
	nlh = nl_put(&m, RTM_NEWROUTE, &rtm, sizeof(rtm));
	mnl_attr_put(nlh, RTA_DST, 4, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, 999999);
	mnl_attr_put(nlh, RTA_PREFSRC, 3, a4);	/* wrong size: skipped */
	nl_end(&m, nlh);
	ck_assert_int_eq(links_routes_parse(m.b, m.len, AF_INET, &ro, &n, &e),
			 0);
	ck_assert_uint_eq(n, 1);
	links_route_format(&ro[0], line, sizeof(line));
	ck_assert_str_eq(line, "203.0.113.0/24 dev if999999 proto kernel "
			 "scope link");
	free(ro);
	err_done(&e);
}
END_TEST

START_TEST(test_links)
{
	char **names = NULL;
	size_t n = 0, i;
	struct nat_net *v = NULL;
	struct masq_err e;
	bool lo = false;

	err_init(&e);
	ck_assert_int_eq(links_names(&names, &n, &e), 0);
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], "lo"))
			lo = true;
	ck_assert_msg(lo, "no 'lo' among %zu interfaces", n);
	links_names_free(names, n);
	/* lo's addresses are host scope: none are global */
	ck_assert_int_eq(links_addrs("lo", AF_INET, &v, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	free(v);
	ck_assert_int_eq(links_addrs("nosuch0", AF_INET, &v, &n, &e), -1);
	ck_assert_int_eq(e.code, MASQ_EFAIL);
	err_done(&e);
}
END_TEST

/* ---- lists as anonymous sets (nft_set.c) ---- */

/* Intervals of 2-byte keys: in, and what merging leaves. */
static const struct {
	const char *name;
	uint16_t in[6][2];
	size_t n_in;
	uint16_t out[6][2];
	size_t n_out;
} merge_cases[] = {
	{ "disjoint, unsorted", { { 5, 5 }, { 1, 1 }, { 3, 3 } }, 3,
	  { { 1, 1 }, { 3, 3 }, { 5, 5 } }, 3 },
	{ "adjacent values", { { 23, 23 }, { 22, 22 } }, 2, { { 22, 23 } }, 1 },
	{ "contained", { { 1, 100 }, { 50, 60 } }, 2, { { 1, 100 } }, 1 },
	{ "overlapping chain", { { 10, 20 }, { 15, 30 }, { 31, 40 }, { 42, 42 } },
	  4, { { 10, 40 }, { 42, 42 } }, 2 },
	{ "up to the maximum", { { 65535, 65535 }, { 0, 65535 }, { 7, 9 } }, 3,
	  { { 0, 65535 } }, 1 },
	{ "the maximum, then nothing after", { { 65000, 65535 }, { 1, 1 } }, 2,
	  { { 1, 1 }, { 65000, 65535 } }, 2 },
	{ "duplicates", { { 80, 80 }, { 80, 80 }, { 80, 80 } }, 3,
	  { { 80, 80 } }, 1 },
};

START_TEST(test_ivals_merge)
{
	struct nft_ival v[6];
	size_t i, n;

	memset(v, 0, sizeof(v));
	for (i = 0; i < merge_cases[_i].n_in; i++) {
		v[i].lo[0] = (uint8_t)(merge_cases[_i].in[i][0] >> 8);
		v[i].lo[1] = (uint8_t)merge_cases[_i].in[i][0];
		v[i].hi[0] = (uint8_t)(merge_cases[_i].in[i][1] >> 8);
		v[i].hi[1] = (uint8_t)merge_cases[_i].in[i][1];
	}
	n = nft_ivals_merge(v, merge_cases[_i].n_in, 2);
	ck_assert_msg(n == merge_cases[_i].n_out, "%s: %zu intervals",
		      merge_cases[_i].name, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(v[i].lo[0] << 8 | v[i].lo[1],
				  merge_cases[_i].out[i][0]);
		ck_assert_uint_eq(v[i].hi[0] << 8 | v[i].hi[1],
				  merge_cases[_i].out[i][1]);
	}
}
END_TEST

static void
put_elem_msg(struct msgbuf *m, const char *set, uint16_t bad_type)
{
	struct nlmsghdr *nlh;
	struct nlattr *list, *el, *key;
	uint32_t a = htonl(0x0a000000), end = htonl(0x0b000000);

	nlh = nftnl_nlmsg_build_hdr(m->b + m->len, NFT_MSG_NEWSETELEM,
				    NFPROTO_IPV4, NLM_F_MULTI, 9);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, "masqsh");
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
	el = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	key = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
	mnl_attr_put(nlh, NFTA_DATA_VALUE, 4, &a);
	mnl_attr_nest_end(nlh, key);
	if (bad_type)
		mnl_attr_put_u32(nlh, bad_type, 0);
	mnl_attr_nest_end(nlh, el);
	el = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	key = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
	mnl_attr_put(nlh, NFTA_DATA_VALUE, 4, &end);
	mnl_attr_nest_end(nlh, key);
	mnl_attr_put_u32(nlh, NFTA_SET_ELEM_FLAGS,
			 htonl(NFT_SET_ELEM_INTERVAL_END));
	mnl_attr_nest_end(nlh, el);
	mnl_attr_nest_end(nlh, list);
	nl_end(m, nlh);
}

/*
 * The read-back of a set (as the kernel dumps it: named "__set0", its
 * elements in a message of their own) and of a rule looking it up prints
 * "ip saddr != { 10.0.0.0/8 }"; an element attribute libnftnl 1.2.4 would
 * write past its stack array with is refused, the set left as it was.
 */
START_TEST(test_set_read)
{
	static struct msgbuf m;
	struct nat_compiled *c = nft_compiled_new();
	struct nft_tab *t = &c->tab[NFT_TAB_IP];
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_set *set = nftnl_set_alloc();
	struct nftnl_expr *x;
	struct nlmsghdr *nlh;
	char *text;
	size_t off;

	m.len = 0;
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, "masqsh");
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, "postrouting");
	nlh = nftnl_nlmsg_build_hdr(m.b + m.len, NFT_MSG_NEWCHAIN,
				    NFPROTO_IPV4, NLM_F_MULTI, 1);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nl_end(&m, nlh);
	nftnl_set_set_str(set, NFTNL_SET_TABLE, "masqsh");
	nftnl_set_set_str(set, NFTNL_SET_NAME, "__set0");
	nftnl_set_set_u32(set, NFTNL_SET_FLAGS, NFT_SET_ANONYMOUS |
			  NFT_SET_CONSTANT | NFT_SET_INTERVAL);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, NFT_KEY_IPADDR);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, 4);
	nlh = nftnl_nlmsg_build_hdr(m.b + m.len, NFT_MSG_NEWSET,
				    NFPROTO_IPV4, NLM_F_MULTI, 2);
	nftnl_set_nlmsg_build_payload(nlh, set);
	nl_end(&m, nlh);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "masqsh");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "postrouting");
	x = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE,
			   NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, 12);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, 4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, x);
	x = nftnl_expr_alloc("lookup");
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, "__set0");
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	nftnl_rule_add_expr(r, x);
	nlh = nftnl_nlmsg_build_hdr(m.b + m.len, NFT_MSG_NEWRULE,
				    NFPROTO_IPV4, NLM_F_MULTI, 3);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nl_end(&m, nlh);
	off = m.len;
	put_elem_msg(&m, "__set0", 0);
	for (nlh = (struct nlmsghdr *)m.b; (char *)nlh < m.b + off;
	     nlh = (struct nlmsghdr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len)))
		ck_assert_int_eq(nft_read_msg(nlh, t), 0);
	t->present = true;
	ck_assert_int_eq(nft_read_msg((struct nlmsghdr *)(m.b + off), t), 0);
	text = nft_tabs_print(c, false);
	ck_assert_msg(strstr(text, "\t\tip saddr != { 10.0.0.0/8 }\n"), "%s",
		      text);
	free(text);
	/* type 15 (NFTA_SET_MAX territory) inside an element: refused */
	m.len = 0;
	put_elem_msg(&m, "__set0", 15);
	ck_assert_int_eq(nft_read_msg((struct nlmsghdr *)m.b, t), -1);
	/* elements of a set that is not there: nothing, no error */
	m.len = 0;
	put_elem_msg(&m, "__set7", 0);
	ck_assert_int_eq(nft_read_msg((struct nlmsghdr *)m.b, t), 0);
	text = nft_tabs_print(c, false);
	ck_assert_msg(strstr(text, "\t\tip saddr != { 10.0.0.0/8 }\n"), "%s",
		      text);
	free(text);
	nftnl_set_free(set);
	nftnl_rule_free(r);
	nftnl_chain_free(ch);
	nat_compiled_free(c);
}
END_TEST

static Suite *
nft_suite(void)
{
	Suite *s = suite_create("nft");
	TCase *tc = tcase_create("golden");
	TCase *tk = tcase_create("kernel");

	tcase_add_loop_test(tc, test_golden, 0,
			    (int)(sizeof(goldens) / sizeof(goldens[0])));
	tcase_add_test(tc, test_unknown_expr);
	tcase_add_loop_test(tc, test_nat_print, 0,
			    (int)(sizeof(nat_cases) / sizeof(nat_cases[0])));
	tcase_add_test(tc, test_detect_missing);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_ruleset_parse);
	tcase_add_test(tc, test_links_parse);
	tcase_add_loop_test(tc, test_ivals_merge, 0, (int)(sizeof(merge_cases) /
						   sizeof(merge_cases[0])));
	tcase_add_test(tc, test_set_read);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tk, 120);
	tcase_add_loop_test(tk, test_kernel, 0,
			    (int)(sizeof(kcases) / sizeof(kcases[0])));
	suite_add_tcase(s, tk);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(nft_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

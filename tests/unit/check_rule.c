/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_rule.c - unit tests of the NAT rule model (src/nat/rule*.c,
 * fwd_parse.c): every token form of every masq-file column
 * (seeds/shorewall-masq.5.txt) parsed to the expected model or rejected at
 * the expected position, the man page's examples, the keyword form, the
 * port forward form, round trips through both canonical texts, and the
 * stored text: every form read back by the one reader of stored rules,
 * a whole ruleset as text and back (rule_text.c), and the timeouts a
 * revision keeps.
 *
 * The model is checked through dump(), which prints every field that is
 * not at its default, independently of the formatters under test.  The
 * tests split keyword lines with a tiny local splitter (blanks, '...' and
 * "..." with \\ escapes) so they do not depend on the shell tokenizer.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/err.h"
#include "nat/ct_rule.h"
#include "nat/rule.h"
#include "nat/timeouts.h"

#define MAXTOK 64

struct toks {
	size_t n;
	struct masq_tok v[MAXTOK];
	char store[4096];
};

static void
split(struct toks *t, const char *line)
{
	size_t i = 0, o = 0;
	char q;

	t->n = 0;
	while (line[i]) {
		while (line[i] == ' ')
			i++;
		if (!line[i])
			break;
		ck_assert_uint_lt(t->n, MAXTOK);
		t->v[t->n].s = t->store + o;
		t->v[t->n].line = line;
		t->v[t->n].off = i;
		while (line[i] && line[i] != ' ') {
			if (line[i] == '\'' || line[i] == '"') {
				q = line[i++];
				while (line[i] && line[i] != q) {
					if (q == '"' && line[i] == '\\' &&
					    line[i + 1])
						i++;
					t->store[o++] = line[i++];
				}
				if (line[i])
					i++;
			} else {
				t->store[o++] = line[i++];
			}
		}
		t->store[o++] = '\0';
		t->v[t->n].len = i - t->v[t->n].off;
		t->n++;
	}
}

/* ---- model dump: every non-default field ---- */

static void
app(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static void
dump_net(char *b, size_t sz, const struct nat_net *n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(n->family, n->addr, a, sizeof(a));
	app(b, sz, "%s/%u", a, n->plen);
}

static void
dump_netlist(char *b, size_t sz, const char *key, const struct nat_netlist *l)
{
	size_t i;

	if (!l->n_inc && !l->n_exc)
		return;
	app(b, sz, " %s=", key);
	for (i = 0; i < l->n_inc; i++) {
		app(b, sz, "%s", i ? "," : "");
		dump_net(b, sz, &l->inc[i]);
	}
	if (l->n_exc)
		app(b, sz, "!");
	for (i = 0; i < l->n_exc; i++) {
		app(b, sz, "%s", i ? "," : "");
		dump_net(b, sz, &l->exc[i]);
	}
}

static void
dump_ports(char *b, size_t sz, const char *key, const struct nat_ports *p)
{
	size_t i;

	if (!p->n)
		return;
	app(b, sz, " %s=%s", key, p->neg ? "!" : "");
	for (i = 0; i < p->n; i++)
		app(b, sz, "%s%u-%u", i ? "," : "", p->v[i].lo, p->v[i].hi);
}

static void
dump_proto(char *b, size_t sz, const struct nat_proto *p)
{
	size_t i;

	if (!p->n)
		return;
	app(b, sz, " proto=%s", p->neg ? "!" : "");
	for (i = 0; i < p->n; i++)
		app(b, sz, "%s%u", i ? "," : "", p->v[i]);
}

static void
dump(const struct nat_rule *r, char *b, size_t sz)
{
	static const char *const act[] = { "masq", "snat", "detect", "nonat",
					   "prefix" };
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	size_t i;

	b[0] = '\0';
	app(b, sz, "out=");
	for (i = 0; i < r->n_oifs; i++)
		app(b, sz, "%s%s%s", i ? "," : "", r->oifs[i].name,
		    r->oifs[i].wildcard ? "+" : "");
	if (r->early)
		app(b, sz, " early");
	if (r->alias >= 0)
		app(b, sz, " alias=%d", r->alias);
	dump_netlist(b, sz, "dst", &r->dst);
	if (r->has_src_if)
		app(b, sz, " srcif=%s%s", r->src_if.name,
		    r->src_if.wildcard ? "+" : "");
	dump_netlist(b, sz, "src", &r->src);
	app(b, sz, " %s", act[r->action]);
	if (r->has_to) {
		inet_ntop(r->to.family, r->to.lo, lo, sizeof(lo));
		inet_ntop(r->to.family, r->to.hi, hi, sizeof(hi));
		app(b, sz, " to=%s-%s", lo, hi);
	}
	if (r->action == NAT_PREFIX) {
		app(b, sz, " to=");
		dump_net(b, sz, &r->prefix);
	}
	if (r->has_ports)
		app(b, sz, " ports=%u-%u", r->ports.lo, r->ports.hi);
	if (r->random)
		app(b, sz, " random");
	if (r->fully_random)
		app(b, sz, " fully-random");
	if (r->persistent)
		app(b, sz, " persistent");
	dump_proto(b, sz, &r->proto);
	dump_ports(b, sz, "dport", &r->dport);
	if (r->ipsec.policy)
		app(b, sz, " ipsec=%s", r->ipsec.policy == NAT_IPSEC_YES ?
		    "yes" : "no");
	if (r->ipsec.has_reqid)
		app(b, sz, " reqid=%u", r->ipsec.reqid);
	if (r->ipsec.has_spi)
		app(b, sz, " spi=%u", r->ipsec.spi);
	if (r->ipsec.has_tsrc) {
		app(b, sz, " tsrc=");
		dump_net(b, sz, &r->ipsec.tsrc);
	}
	if (r->ipsec.has_tdst) {
		app(b, sz, " tdst=");
		dump_net(b, sz, &r->ipsec.tdst);
	}
	if (r->mark.set)
		app(b, sz, " mark=%s%#x/%#x%s", r->mark.neg ? "!" : "",
		    r->mark.value, r->mark.mask, r->mark.ct ? ":C" : "");
	if (r->owner.set) {
		app(b, sz, " owner=%s", r->owner.neg ? "!" : "");
		if (r->owner.has_uid)
			app(b, sz, "%u", r->owner.uid);
		if (r->owner.has_gid)
			app(b, sz, ":%u", r->owner.gid);
	}
	if (r->timeout.n) {
		const struct nat_timeout *tt;
		size_t ntt;

		tt = nat_timeouts_table(&ntt);
		app(b, sz, " timeout=");
		for (i = 0; i < r->timeout.n; i++)
			app(b, sz, "%s%s:%u", i ? "," : "",
			    tt[r->timeout.state[i]].name, r->timeout.secs[i]);
	}
	if (r->comment)
		app(b, sz, " comment=%s", r->comment);
}

static void
dump_fwd(const struct nat_forward *f, char *b, size_t sz)
{
	char a[INET6_ADDRSTRLEN];

	b[0] = '\0';
	app(b, sz, "in=%s%s", f->iif.name, f->iif.wildcard ? "+" : "");
	if (f->has_dst) {
		inet_ntop(f->dst.family, f->dst.addr, a, sizeof(a));
		app(b, sz, " dst=%s/%u", a, f->dst.plen);
	}
	dump_proto(b, sz, &f->proto);
	dump_ports(b, sz, "dport", &f->dport);
	inet_ntop(f->to.family, f->to.addr, a, sizeof(a));
	app(b, sz, " to=%s/%u", a, f->to.plen);
	if (f->has_toport)
		app(b, sz, ":%u-%u", f->toport.lo, f->toport.hi);
	dump_netlist(b, sz, "src", &f->src);
	if (f->hairpin)
		app(b, sz, " hairpin");
	if (f->comment)
		app(b, sz, " comment=%s", f->comment);
}

/*
 * Both canonical texts must read back to the same model, and formatting
 * must be stable.  @want_dump is the model both reparses must give.
 */
static void
round_trip(const struct nat_rule *r, const char *want_dump)
{
	struct nat_rule r2, r3, r4;
	struct masq_err e;
	struct toks t;
	char d[1024], *kw, *kw2, *kw4, *cols, *cols2;

	err_init(&e);
	kw = nat_rule_format_kw(r);
	split(&t, kw);
	nat_rule_init(&r2);
	ck_assert_msg(nat_rule_parse_kw(&r2, t.v, t.n, &e) == 0,
		      "canonical '%s' does not parse: %s", kw, e.msg);
	dump(&r2, d, sizeof(d));
	ck_assert_str_eq(d, want_dump);
	kw2 = nat_rule_format_kw(&r2);
	ck_assert_str_eq(kw2, kw);

	/* the stored text through its one reader (the real tokenizer) */
	nat_rule_init(&r4);
	ck_assert_msg(nat_rule_from_text(&r4, kw, 42, &e) == 0,
		      "stored '%s' does not read back: %s", kw, e.msg);
	ck_assert_int_eq(r4.id, 42);
	dump(&r4, d, sizeof(d));
	ck_assert_str_eq(d, want_dump);
	kw4 = nat_rule_format_kw(&r4);
	ck_assert_str_eq(kw4, kw);
	free(kw4);
	nat_rule_done(&r4);

	cols = nat_rule_format_columns(r);
	if (!r->n_oifs) {
		/* any interface: INTERFACE (masq) and DEST (snat) are
		 * required columns, so there is no column form */
		ck_assert_ptr_null(cols);
		ck_assert_ptr_null(nat_rule_format_snat(r));
		free(kw);
		free(kw2);
		nat_rule_done(&r2);
		err_done(&e);
		return;
	}
	nat_rule_init(&r3);
	ck_assert_msg(nat_rule_parse_columns(&r3, cols, cols, 0, &e) == 0,
		      "columns '%s' do not parse: %s", cols, e.msg);
	free(r3.comment);
	r3.comment = r->comment ? strdup(r->comment) : NULL;
	r3.timeout = r->timeout;	/* no column for it: keyword form only */
	dump(&r3, d, sizeof(d));
	ck_assert_str_eq(d, want_dump);
	cols2 = nat_rule_format_columns(&r3);
	ck_assert_str_eq(cols2, cols);

	free(kw);
	free(kw2);
	free(cols);
	free(cols2);
	nat_rule_done(&r2);
	nat_rule_done(&r3);
	err_done(&e);
}

/* ---- column form: every token form of every column ---- */

struct col_case {
	const char *line;
	const char *dump;
	const char *kw;		/* canonical keyword text, NULL: not checked */
};

static const struct col_case col_ok[] = {
	/* INTERFACE */
	{ "eth0 eth1", "out=eth0 srcif=eth1 masq", "out eth0 from eth1" },
	{ "eth0,eth1 10.0.0.0/8", "out=eth0,eth1 src=10.0.0.0/8 masq",
	  "out eth0,eth1 from 10.0.0.0/8" },
	{ "ppp+ 10.0.0.0/8", "out=ppp+ src=10.0.0.0/8 masq",
	  "out ppp+ from 10.0.0.0/8" },
	{ "+eth0 10.0.0.0/8", "out=eth0 early src=10.0.0.0/8 masq",
	  "out eth0 from 10.0.0.0/8 early" },
	{ "eth0:0 10.0.0.0/8 203.0.113.10",
	  "out=eth0 alias=0 src=10.0.0.0/8 snat to=203.0.113.10-203.0.113.10",
	  "out eth0 from 10.0.0.0/8 snat 203.0.113.10 alias 0" },
	{ "eth0:12 10.0.0.0/8 203.0.113.10",
	  "out=eth0 alias=12 src=10.0.0.0/8 snat to=203.0.113.10-203.0.113.10",
	  NULL },
	{ "eth0: 10.0.0.0/8", "out=eth0 src=10.0.0.0/8 masq", NULL },
	{ "eth0:10.1.1.0/24 10.0.0.0/8",
	  "out=eth0 dst=10.1.1.0/24 src=10.0.0.0/8 masq",
	  "out eth0 to 10.1.1.0/24 from 10.0.0.0/8" },
	{ "eth0:10.1.1.0/24,10.2.0.0/16 -",
	  "out=eth0 dst=10.1.1.0/24,10.2.0.0/16 masq",
	  "out eth0 to 10.1.1.0/24,10.2.0.0/16" },
	{ "eth0:10.0.0.0/8!10.1.0.0/16,10.2.0.0/16 -",
	  "out=eth0 dst=10.0.0.0/8!10.1.0.0/16,10.2.0.0/16 masq",
	  "out eth0 to 10.0.0.0/8!10.1.0.0/16,10.2.0.0/16" },
	{ "eth0:!10.1.0.0/16 -", "out=eth0 dst=!10.1.0.0/16 masq",
	  "out eth0 to !10.1.0.0/16" },
	/* ranges become the minimal list of prefixes covering them */
	{ "eth0 192.168.1.0/24!192.168.1.8-192.168.1.9",
	  "out=eth0 src=192.168.1.0/24!192.168.1.8/31 masq",
	  "out eth0 from 192.168.1.0/24 except 192.168.1.8/31" },
	{ "eth0 192.168.1.0/24!192.168.1.7-192.168.1.17,192.168.1.200",
	  "out=eth0 src=192.168.1.0/24!192.168.1.7/32,192.168.1.8/29,"
	  "192.168.1.16/31,192.168.1.200/32 masq",
	  "out eth0 from 192.168.1.0/24 except 192.168.1.7,192.168.1.8/29,"
	  "192.168.1.16/31,192.168.1.200" },
	{ "eth0:10.0.0.0-10.255.255.255 -", "out=eth0 dst=10.0.0.0/8 masq",
	  "out eth0 to 10.0.0.0/8" },
	{ "eth0 0.0.0.0-255.255.255.255", "out=eth0 src=0.0.0.0/0 masq",
	  NULL },
	{ "eth0 10.0.0.5-10.0.0.5", "out=eth0 src=10.0.0.5/32 masq", NULL },
	{ "eth0 2001:db8::ffff-2001:db8::1:0",
	  "out=eth0 src=2001:db8::ffff/128,2001:db8::1:0/128 masq", NULL },
	{ "eth0 ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "out=eth0 src=::/0 masq", NULL },
	{ "eth0::10.1.1.0/24 -", "out=eth0 dst=10.1.1.0/24 masq", NULL },
	{ "eth0:0:10.1.1.0/24 - 203.0.113.10",
	  "out=eth0 alias=0 dst=10.1.1.0/24 snat "
	  "to=203.0.113.10-203.0.113.10", NULL },
	{ "+eth0:1:10.1.1.5 - 203.0.113.10",
	  "out=eth0 early alias=1 dst=10.1.1.5/32 snat "
	  "to=203.0.113.10-203.0.113.10", NULL },
	{ "eth0::2001:db8::/32 2001:db8:1::/48",
	  "out=eth0 dst=2001:db8::/32 src=2001:db8:1::/48 masq",
	  "out eth0 to 2001:db8::/32 from 2001:db8:1::/48" },
	{ "eth0:2001:db8::/32 -", "out=eth0 dst=2001:db8::/32 masq", NULL },
	{ "eth0:fd00::/8 -", "out=eth0 dst=fd00::/8 masq", NULL },
	{ "abcdefghijklmn+ -", "out=abcdefghijklmn+ masq", NULL },
	{ "abcdefghijklmno -", "out=abcdefghijklmno masq", NULL },
	/* SOURCE */
	{ "eth0 192.168.1.0/24", "out=eth0 src=192.168.1.0/24 masq", NULL },
	{ "eth0 192.168.1.5", "out=eth0 src=192.168.1.5/32 masq",
	  "out eth0 from 192.168.1.5" },
	{ "eth0 192.168.1.0/24,10.0.0.0/8",
	  "out=eth0 src=192.168.1.0/24,10.0.0.0/8 masq", NULL },
	{ "eth0 10.0.0.0/8!10.1.0.0/16,10.2.0.0/16",
	  "out=eth0 src=10.0.0.0/8!10.1.0.0/16,10.2.0.0/16 masq",
	  "out eth0 from 10.0.0.0/8 except 10.1.0.0/16,10.2.0.0/16" },
	{ "eth0 eth1:!192.168.1.4,192.168.32.0/27",
	  "out=eth0 srcif=eth1 src=!192.168.1.4/32,192.168.32.0/27 masq",
	  "out eth0 from eth1 except 192.168.1.4,192.168.32.0/27" },
	{ "eth0 !192.168.1.4", "out=eth0 src=!192.168.1.4/32 masq",
	  "out eth0 except 192.168.1.4" },
	{ "eth0 ppp+", "out=eth0 srcif=ppp+ masq", NULL },
	{ "eth0 -", "out=eth0 masq", "out eth0" },
	{ "eth0 0.0.0.0/0", "out=eth0 src=0.0.0.0/0 masq", NULL },
	{ "eth0 2001:db8::/32", "out=eth0 src=2001:db8::/32 masq", NULL },
	{ "eth0 fd00::1", "out=eth0 src=fd00::1/128 masq", NULL },
	/* ADDRESS */
	{ "eth0 eth1 -", "out=eth0 srcif=eth1 masq", NULL },
	{ "eth0 eth1 NONAT", "out=eth0 srcif=eth1 nonat",
	  "out eth0 from eth1 nonat" },
	{ "eth0 eth1 nonat", "out=eth0 srcif=eth1 nonat", NULL },
	{ "eth0 eth1 detect", "out=eth0 srcif=eth1 detect",
	  "out eth0 from eth1 snat detect" },
	{ "eth0 eth1 random", "out=eth0 srcif=eth1 masq random",
	  "out eth0 from eth1 random" },
	{ "eth0 eth1 203.0.113.10",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.10", NULL },
	{ "eth0 eth1 203.0.113.10-203.0.113.20",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.20",
	  "out eth0 from eth1 snat 203.0.113.10-203.0.113.20" },
	{ "eth0 eth1 203.0.113.10:1024-65535 tcp",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.10 "
	  "ports=1024-65535 proto=6",
	  "out eth0 from eth1 snat 203.0.113.10 ports 1024-65535 proto tcp" },
	{ "eth0 eth1 203.0.113.10:random",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.10 random",
	  NULL },
	{ "eth0 eth1 203.0.113.10-203.0.113.20:persistent",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.20 persistent",
	  NULL },
	{ "eth0 eth1 203.0.113.10-203.0.113.20:1024-2000:random:persistent udp",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.20 "
	  "ports=1024-2000 random persistent proto=17",
	  "out eth0 from eth1 snat 203.0.113.10-203.0.113.20 ports 1024-2000 "
	  "random persistent proto udp" },
	{ "eth0 eth1 203.0.113.10:random:persistent",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.10 random "
	  "persistent", NULL },
	{ "eth0 eth1 :1024-65535 tcp",
	  "out=eth0 srcif=eth1 masq ports=1024-65535 proto=6",
	  "out eth0 from eth1 ports 1024-65535 proto tcp" },
	{ "eth0 eth1 :1024-65535:random udp",
	  "out=eth0 srcif=eth1 masq ports=1024-65535 random proto=17", NULL },
	{ "eth0 eth1 :2000 tcp",
	  "out=eth0 srcif=eth1 masq ports=2000-2000 proto=6",
	  "out eth0 from eth1 ports 2000 proto tcp" },
	{ "eth0 eth1 detect:random", "out=eth0 srcif=eth1 detect random",
	  "out eth0 from eth1 snat detect random" },
	{ "eth0 eth1 detect:persistent",
	  "out=eth0 srcif=eth1 detect persistent", NULL },
	/* fully-random: our extension, alone or as an option */
	{ "eth0 eth1 fully-random", "out=eth0 srcif=eth1 masq fully-random",
	  "out eth0 from eth1 fully-random" },
	{ "eth0 eth1 203.0.113.10-203.0.113.20:1024-2000:fully-random:"
	  "persistent udp",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.20 "
	  "ports=1024-2000 fully-random persistent proto=17",
	  "out eth0 from eth1 snat 203.0.113.10-203.0.113.20 ports 1024-2000 "
	  "fully-random persistent proto udp" },
	{ "eth0 eth1 :1024-65535:fully-random tcp",
	  "out=eth0 srcif=eth1 masq ports=1024-65535 fully-random proto=6",
	  NULL },
	{ "eth0 eth1 detect:fully-random",
	  "out=eth0 srcif=eth1 detect fully-random",
	  "out eth0 from eth1 snat detect fully-random" },
	{ "eth0 2001:db8:1::/48 2001:db8::1",
	  "out=eth0 src=2001:db8:1::/48 snat to=2001:db8::1-2001:db8::1",
	  "out eth0 from 2001:db8:1::/48 snat 2001:db8::1" },
	{ "eth0 2001:db8:1::/48 2001:db8::1-2001:db8::9",
	  "out=eth0 src=2001:db8:1::/48 snat to=2001:db8::1-2001:db8::9",
	  NULL },
	{ "eth0 2001:db8:1::/48 [2001:db8::1]:1024-2000 tcp",
	  "out=eth0 src=2001:db8:1::/48 snat to=2001:db8::1-2001:db8::1 "
	  "ports=1024-2000 proto=6", NULL },
	{ "eth0 2001:db8:1::/48 [2001:db8::1-2001:db8::9]:random",
	  "out=eth0 src=2001:db8:1::/48 snat to=2001:db8::1-2001:db8::9 "
	  "random", NULL },
	/* PROTO */
	{ "eth0 eth1 - tcp", "out=eth0 srcif=eth1 masq proto=6",
	  "out eth0 from eth1 proto tcp" },
	{ "eth0 eth1 - udp", "out=eth0 srcif=eth1 masq proto=17", NULL },
	{ "eth0 eth1 - 6", "out=eth0 srcif=eth1 masq proto=6",
	  "out eth0 from eth1 proto tcp" },
	{ "eth0 eth1 - TCP", "out=eth0 srcif=eth1 masq proto=6", NULL },
	{ "eth0 eth1 - !tcp", "out=eth0 srcif=eth1 masq proto=!6",
	  "out eth0 from eth1 proto !tcp" },
	{ "eth0 eth1 - !17", "out=eth0 srcif=eth1 masq proto=!17", NULL },
	{ "eth0 eth1 - icmp", "out=eth0 srcif=eth1 masq proto=1", NULL },
	{ "eth0 eth1 - 47", "out=eth0 srcif=eth1 masq proto=47",
	  "out eth0 from eth1 proto gre" },
	{ "eth0 eth1 - sctp", "out=eth0 srcif=eth1 masq proto=132", NULL },
	{ "eth0 eth1 - dccp", "out=eth0 srcif=eth1 masq proto=33", NULL },
	{ "eth0 eth1 - udplite", "out=eth0 srcif=eth1 masq proto=136", NULL },
	{ "eth0 eth1 - 253", "out=eth0 srcif=eth1 masq proto=253", NULL },
	{ "eth0 eth1 - tcp,udp", "out=eth0 srcif=eth1 masq proto=6,17",
	  "out eth0 from eth1 proto tcp,udp" },
	/* NPTv6, our column extension */
	{ "wan0 fd00:1::/64 prefix=2001:db8:1::/64",
	  "out=wan0 src=fd00:1::/64 prefix to=2001:db8:1::/64",
	  "out wan0 from fd00:1::/64 prefix 2001:db8:1::/64" },
	{ "wan0 fd00:1::/48!fd00:1:0:5::/64 prefix=2001:db8:1::/48 tcp",
	  "out=wan0 src=fd00:1::/48!fd00:1:0:5::/64 prefix to=2001:db8:1::/48 "
	  "proto=6",
	  "out wan0 from fd00:1::/48 except fd00:1:0:5::/64 prefix "
	  "2001:db8:1::/48 proto tcp" },
	{ "eth0 2001:db8::/32 - ipv6-icmp",
	  "out=eth0 src=2001:db8::/32 masq proto=58", NULL },
	/* PORT(S) */
	{ "eth0 eth1 203.0.113.10 tcp smtp",
	  "out=eth0 srcif=eth1 snat to=203.0.113.10-203.0.113.10 proto=6 "
	  "dport=25-25",
	  "out eth0 from eth1 snat 203.0.113.10 proto tcp dport 25" },
	{ "eth0 eth1 - tcp 25", "out=eth0 srcif=eth1 masq proto=6 dport=25-25",
	  NULL },
	{ "eth0 eth1 - tcp 80,443",
	  "out=eth0 srcif=eth1 masq proto=6 dport=80-80,443-443", NULL },
	{ "eth0 eth1 - tcp 1000:2000",
	  "out=eth0 srcif=eth1 masq proto=6 dport=1000-2000",
	  "out eth0 from eth1 proto tcp dport 1000-2000" },
	{ "eth0 eth1 - tcp !80", "out=eth0 srcif=eth1 masq proto=6 dport=!80-80",
	  "out eth0 from eth1 proto tcp dport !80" },
	{ "eth0 eth1 - tcp ftp-data", "out=eth0 srcif=eth1 masq proto=6 "
	  "dport=20-20", NULL },
	{ "eth0 eth1 - tcp http,https,8000:8080",
	  "out=eth0 srcif=eth1 masq proto=6 dport=80-80,443-443,8000-8080",
	  NULL },
	{ "eth0 eth1 - udp domain", "out=eth0 srcif=eth1 masq proto=17 "
	  "dport=53-53", NULL },
	{ "eth0 eth1 - sctp 5000", "out=eth0 srcif=eth1 masq proto=132 "
	  "dport=5000-5000", NULL },
	{ "eth0 eth1 - dccp 5000", "out=eth0 srcif=eth1 masq proto=33 "
	  "dport=5000-5000", NULL },
	{ "eth0 eth1 - tcp 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
	  "out=eth0 srcif=eth1 masq proto=6 dport=1-1,2-2,3-3,4-4,5-5,6-6,"
	  "7-7,8-8,9-9,10-10,11-11,12-12,13-13,14-14,15-15", NULL },
	/* IPSEC */
	{ "eth0 eth1 - - - yes", "out=eth0 srcif=eth1 masq ipsec=yes",
	  "out eth0 from eth1 ipsec yes" },
	{ "eth0 eth1 - - - no", "out=eth0 srcif=eth1 masq ipsec=no",
	  "out eth0 from eth1 ipsec no" },
	{ "eth0 eth1 - - - reqid=1", "out=eth0 srcif=eth1 masq ipsec=yes "
	  "reqid=1", NULL },
	{ "eth0 eth1 - - - spi=0x100", "out=eth0 srcif=eth1 masq ipsec=yes "
	  "spi=256", "out eth0 from eth1 ipsec spi=256" },
	{ "eth0 eth1 - - - tunnel-src=192.0.2.1",
	  "out=eth0 srcif=eth1 masq ipsec=yes tsrc=192.0.2.1/32", NULL },
	{ "eth0 eth1 - - - tunnel-dst=198.51.100.0/24",
	  "out=eth0 srcif=eth1 masq ipsec=yes tdst=198.51.100.0/24", NULL },
	{ "eth0 eth1 - - - yes,reqid=1,spi=2",
	  "out=eth0 srcif=eth1 masq ipsec=yes reqid=1 spi=2",
	  "out eth0 from eth1 ipsec reqid=1,spi=2" },
	/* MARK */
	{ "eth0 eth1 - - - - 1", "out=eth0 srcif=eth1 masq mark=0x1/0xffffffff",
	  "out eth0 from eth1 mark 0x1" },
	{ "eth0 eth1 - - - - !1", "out=eth0 srcif=eth1 masq "
	  "mark=!0x1/0xffffffff", NULL },
	{ "eth0 eth1 - - - - 0x10/0xf0", "out=eth0 srcif=eth1 masq "
	  "mark=0x10/0xf0", "out eth0 from eth1 mark 0x10/0xf0" },
	{ "eth0 eth1 - - - - 1:C", "out=eth0 srcif=eth1 masq "
	  "mark=0x1/0xffffffff:C", NULL },
	{ "eth0 eth1 - - - - !0x1/0xff:C", "out=eth0 srcif=eth1 masq "
	  "mark=!0x1/0xff:C", "out eth0 from eth1 mark !0x1/0xff:C" },
	{ "eth0 eth1 - - - - 0", "out=eth0 srcif=eth1 masq mark=0/0xffffffff",
	  NULL },
	/* USER/GROUP */
	{ "eth0 eth1 - - - - - root", "out=eth0 srcif=eth1 masq owner=0",
	  "out eth0 from eth1 user root" },
	{ "eth0 eth1 - - - - - 1000", "out=eth0 srcif=eth1 masq owner=1000",
	  "out eth0 from eth1 user 1000" },
	{ "eth0 eth1 - - - - - !root", "out=eth0 srcif=eth1 masq owner=!0",
	  NULL },
	{ "eth0 eth1 - - - - - :root", "out=eth0 srcif=eth1 masq owner=:0",
	  "out eth0 from eth1 user :root" },
	{ "eth0 eth1 - - - - - !:0", "out=eth0 srcif=eth1 masq owner=!:0",
	  NULL },
	{ "eth0 eth1 - - - - - root:root", "out=eth0 srcif=eth1 masq "
	  "owner=0:0", NULL },
	{ "eth0 eth1 - - - - - nobody:1234", "out=eth0 srcif=eth1 masq "
	  "owner=65534:1234", NULL },
	/* blanks, tabs, comments */
	{ "eth0\teth1\t#comment", "out=eth0 srcif=eth1 masq", NULL },
	{ "  eth0   eth1  - tcp  # smtp", "out=eth0 srcif=eth1 masq proto=6",
	  NULL },
	{ "eth0 eth1 - - - - - -", "out=eth0 srcif=eth1 masq", NULL },
	/* the man page's examples (addresses moved to documentation nets) */
	{ "eth0 192.168.0.0/21", "out=eth0 src=192.168.0.0/21 masq", NULL },
	{ "eth0 192.168.8.0/22", "out=eth0 src=192.168.8.0/22 masq", NULL },
	{ "ipsec0:10.1.1.0/24 192.168.1.0/24",
	  "out=ipsec0 dst=10.1.1.0/24 src=192.168.1.0/24 masq",
	  "out ipsec0 to 10.1.1.0/24 from 192.168.1.0/24" },
	{ "eth0:0 192.168.1.0/24 203.0.113.176",
	  "out=eth0 alias=0 src=192.168.1.0/24 snat "
	  "to=203.0.113.176-203.0.113.176",
	  "out eth0 from 192.168.1.0/24 snat 203.0.113.176 alias 0" },
	{ "eth0 eth1 203.0.113.176 tcp smtp",
	  "out=eth0 srcif=eth1 snat to=203.0.113.176-203.0.113.176 proto=6 "
	  "dport=25-25", NULL },
	{ "eth0 eth1 203.0.113.177",
	  "out=eth0 srcif=eth1 snat to=203.0.113.177-203.0.113.177",
	  "out eth0 from eth1 snat 203.0.113.177" },
};

START_TEST(test_col_ok)
{
	const struct col_case *c = &col_ok[_i];
	struct nat_rule r;
	struct masq_err e;
	char d[1024], *kw;
	int rc;

	err_init(&e);
	nat_rule_init(&r);
	rc = nat_rule_parse_columns(&r, c->line, c->line, 0, &e);
	ck_assert_msg(rc == 0, "'%s': %s (%s)", c->line, e.msg, e.hint);
	dump(&r, d, sizeof(d));
	ck_assert_str_eq(d, c->dump);
	if (c->kw) {
		kw = nat_rule_format_kw(&r);
		ck_assert_str_eq(kw, c->kw);
		free(kw);
	}
	round_trip(&r, c->dump);
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

struct err_case {
	const char *line;
	size_t pos, len;
	const char *msg;	/* a substring of the message */
};

static const struct err_case col_err[] = {
	/* INTERFACE */
	{ "eth+0 -", 3, 1, "only allowed at the end" },
	{ "+ -", 0, 1, "interface list is empty" },
	{ "- 10.0.0.0/8 203.0.113.1", 0, 1, "'-' is not an interface" },
	{ "+-:10.1.0.0/16 10.0.0.0/8", 1, 1, "'-' is not an interface" },
	{ "abcdefghijklmnop -", 0, 16, "longer than 15" },
	{ "eth0,,eth1 -", 4, 1, "empty interface name" },
	{ "eth0/1 -", 4, 1, "invalid character" },
	{ "eth0:1234 -", 5, 4, "not an IPv4 or IPv6" },
	{ "eth0:abc -", 5, 3, "not an IPv4 or IPv6" },
	{ "eth0:0:10.1.1.0/33 -", 15, 3, "bad prefix length" },
	{ "eth0:0 10.0.0.0/8", 5, 1, "alias label 0 needs an SNAT" },
	{ "eth0:1 10.0.0.0/8 detect", 5, 1, "alias label" },
	{ "eth0:10.0.0.0/8!! -", 16, 1, "only one '!'" },
	{ "eth0:10.0.0.0/8! -", 15, 1, "not followed" },
	{ "eth0", 0, 4, "SOURCE column is missing" },
	/* SOURCE */
	{ "eth0 192.168.1.0/33", 16, 3, "bad prefix length" },
	{ "eth0 192.168.1.1/24", 5, 14, "host bits" },
	{ "eth0 192.168.1.300", 5, 13, "not an IPv4 or IPv6" },
	{ "eth0 eth1,eth2", 9, 1, "exclusions only after ':'" },
	{ "eth0 eth1:192.168.1.0/24", 10, 14, "only an exclusion" },
	{ "eth0 eth1:!", 10, 1, "not followed" },
	{ "eth0 eth1:!!1.2.3.4", 11, 1, "not needed" },
	{ "eth0 192.168.1.0/24,2001:db8::/32", 20, 13, "already uses IPv4" },
	{ "eth0 192.168.1.0/24,,10.0.0.0/8", 19, 1, "empty address" },
	{ "eth0 lan.example.com", 5, 15, "not an IPv4 or IPv6" },
	{ "eth0 192.168.1.0/24!192.168.1.9-192.168.1.8", 20, 23,
	  "ends before" },
	{ "eth0 10.0.0.1-2001:db8::1", 5, 20, "mixes IPv4 and IPv6" },
	{ "eth0 10.0.0.0/8!2001:db8::1-2001:db8::2", 16, 23,
	  "already uses IPv4" },
	{ "eth0 10.0.0.1-10.0.0", 5, 15, "not an IPv4 or IPv6" },
	/* ADDRESS */
	{ "eth0 eth1 203.0.113.10,203.0.113.20", 23, 12, "second one" },
	{ "eth0 eth1 203.0.113.1-203.0.113.5,203.0.113.9-203.0.113.12", 34,
	  24, "second one" },
	{ "eth0 eth1 203.0.113.20-203.0.113.10", 10, 25, "ends before" },
	{ "eth0 eth1 203.0.113.10:1024-65535", 23, 10, "need a protocol" },
	{ "eth0 eth1 203.0.113.10:1024-65535 icmp", 34, 4, "has no ports" },
	{ "eth0 eth1 203.0.113.10:1024-65535 !tcp", 23, 10, "negated" },
	{ "eth0 eth1 :persistent", 11, 10, "needs an SNAT address" },
	{ "eth0 eth1 random:persistent", 17, 10, "needs an SNAT address" },
	{ "eth0 eth1 NONAT:random", 16, 6, "NONAT" },
	{ "eth0 eth1 NONAT:fully-random", 16, 12, "NONAT" },
	{ "eth0 eth1 203.0.113.10:random:fully-random", 30, 12, "two ways" },
	{ "eth0 eth1 :fully-random:fully-random", 24, 12, "unexpected" },
	{ "eth0 eth1 203.0.113.10/32", 10, 15, "no prefix length" },
	{ "eth0 eth1 203.0.113.10:bogus", 23, 5, "unexpected 'bogus'" },
	{ "eth0 eth1 203.0.113.10:randon", 23, 6, "unexpected" },
	{ "eth0 eth1 203.0.113.10:random:random", 30, 6, "unexpected" },
	{ "eth0 eth1 smtp.example.com", 10, 16, "not an IPv4 or IPv6" },
	{ "eth0 10.0.0.0/8 2001:db8::1", 16, 11, "already uses IPv4" },
	{ "eth0 fd00:1::/64 prefix=2001:db8:1::/56", 24, 15, "not as long" },
	{ "eth0 fd00:1::/64 prefix=", 17, 7, "prefix=" },
	{ "eth0 10.0.0.0/8 prefix=2001:db8::/32", 23, 13, "already uses IPv4" },
	{ "eth0 eth1 203.0.113.10:70000-80000 tcp", 23, 5, "out of range" },
	{ "eth0 eth1 203.0.113.10:2000-1000 tcp", 23, 9, "ends before" },
	{ "eth0 eth1 [2001:db8::1:1024 tcp", 10, 1, "without a closing" },
	{ "eth0 eth1 203.0.113.1-2001:db8::1", 22, 4, "not an IPv4" },
	/* PROTO */
	{ "eth0 eth1 - tcpp", 12, 4, "unknown protocol 'tcpp'" },
	{ "eth0 eth1 - 256", 12, 3, "unknown protocol" },
	{ "eth0 eth1 - !", 12, 1, "protocol is empty" },
	{ "eth0 eth1 - tcp,", 15, 1, "empty protocol" },
	/* PORT(S) */
	{ "eth0 eth1 - - 25", 14, 2, "need a protocol" },
	{ "eth0 eth1 - icmp 25", 12, 4, "has no ports" },
	{ "eth0 eth1 - !tcp 25", 17, 2, "negated" },
	{ "eth0 eth1 - tcp smtpp", 16, 5, "unknown service 'smtpp'" },
	{ "eth0 eth1 - tcp 0", 16, 1, "out of range" },
	{ "eth0 eth1 - tcp 65536", 16, 5, "out of range" },
	{ "eth0 eth1 - tcp 2000:1000", 16, 9, "ends before" },
	{ "eth0 eth1 - tcp 80-nosuch", 19, 6, "unknown service 'nosuch'" },
	{ "eth0 eth1 - tcp 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", 52, 2,
	  "too many ports" },
	{ "eth0 eth1 - tcp !", 16, 1, "port list is empty" },
	/* IPSEC */
	{ "eth0 eth1 - - - mode=tunnel", 16, 11, "cannot express" },
	{ "eth0 eth1 - - - proto=esp", 16, 9, "cannot express" },
	{ "eth0 eth1 - - - mss=1400", 16, 8, "cannot express" },
	{ "eth0 eth1 - - - reqid=1,strict", 24, 6, "cannot express" },
	{ "eth0 eth1 - - - next", 16, 4, "cannot express" },
	{ "eth0 eth1 - - - bogus", 16, 5, "unknown IPSEC option" },
	{ "eth0 eth1 - - - no,reqid=1", 19, 7, "cannot be combined" },
	{ "eth0 eth1 - - - reqid=x", 22, 1, "not a number" },
	{ "eth0 eth1 - - - yes,yes", 20, 3, "given twice" },
	{ "eth0 eth1 - - - reqid=", 16, 6, "needs a value" },
	{ "eth0 eth1 - - - tunnel-src=192.0.2.1/33", 36, 3, "prefix" },
	/* MARK */
	{ "eth0 eth1 - - - - x", 18, 1, "not a number" },
	{ "eth0 eth1 - - - - 1/y", 20, 1, "mask 'y'" },
	{ "eth0 eth1 - - - - 1:D", 20, 1, "suffix" },
	{ "eth0 eth1 - - - - 0x100/0xff", 18, 10, "outside the mask" },
	{ "eth0 eth1 - - - - 0x1ffffffff", 18, 11, "not a number" },
	/* USER/GROUP */
	{ "eth0 eth1 - - - - - +upnpd", 20, 6, "2.6.14" },
	{ "eth0 eth1 - - - - - joe+upnpd", 23, 6, "2.6.14" },
	{ "eth0 eth1 - - - - - nosuchuser_x", 20, 12, "unknown user" },
	{ "eth0 eth1 - - - - - :nosuchgroup_x", 21, 13, "unknown group" },
	{ "eth0 eth1 - - - - - !", 20, 1, "neither a user nor a group" },
	{ "eth0 eth1 - - - - - root:", 20, 5, "group after ':'" },
	/* too many columns */
	{ "eth0 eth1 - - - - - - extra", 22, 5, "too many columns" },
	/* detect needs one named interface: refused here, not by the
	 * compiler at 'check' */
	{ "ppp+ 192.168.1.0/24 detect", 20, 6, "not the wildcard 'ppp+'" },
	{ "eth0,ppp+ - detect:random", 12, 6, "not the wildcard 'ppp+'" },
};

static void
check_err(const struct masq_err *e, const struct err_case *c, int rc)
{
	ck_assert_msg(rc == -1, "'%s' was accepted", c->line);
	ck_assert_int_eq(e->code, MASQ_EUSAGE);
	ck_assert_msg(strstr(e->msg, c->msg), "'%s': message '%s' lacks '%s'",
		      c->line, e->msg, c->msg);
	ck_assert_msg(e->pos == c->pos && e->len == (c->len ? c->len : 0),
		      "'%s': marked %zu+%zu, want %zu+%zu (%s)", c->line,
		      e->pos, e->len, c->pos, c->len, e->msg);
	if (c->len)
		ck_assert_ptr_nonnull(e->input);
	ck_assert_msg(e->hint[0] || !c->len || strstr(e->msg, "empty") ||
		      strstr(e->msg, "needs a value") ||
		      strstr(e->msg, "':'"), "'%s': no hint for '%s'",
		      c->line, e->msg);
}

/* The worst case of a range: every block size twice, and the blocks
 * cover exactly the range (first, last, and the addresses just outside). */
static const struct {
	const char *line;
	size_t n;
	const char *before, *first, *last, *after;
} range_worst[] = {
	{ "eth0 0.0.0.1-255.255.255.254", 62, "0.0.0.0", "0.0.0.1",
	  "255.255.255.254", "255.255.255.255" },
	{ "eth0 ::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 254, "::",
	  "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ "eth0 10.0.0.7-10.0.1.8", 8, "10.0.0.6", "10.0.0.7", "10.0.1.8",
	  "10.0.1.9" },
};

START_TEST(test_range_worst)
{
	struct nat_rule r;
	struct masq_err e;
	uint8_t a[16];
	int fam;

	err_init(&e);
	nat_rule_init(&r);
	ck_assert_int_eq(nat_rule_parse_columns(&r, range_worst[_i].line,
			 range_worst[_i].line, 0, &e), 0);
	ck_assert_uint_eq(r.src.n_inc, range_worst[_i].n);
	fam = strchr(range_worst[_i].first, ':') ? AF_INET6 : AF_INET;
	inet_pton(fam, range_worst[_i].before, a);
	ck_assert_int_eq(nat_netlist_has(&r.src, fam, a), 0);
	inet_pton(fam, range_worst[_i].first, a);
	ck_assert_int_eq(nat_netlist_has(&r.src, fam, a), 1);
	inet_pton(fam, range_worst[_i].last, a);
	ck_assert_int_eq(nat_netlist_has(&r.src, fam, a), 1);
	inet_pton(fam, range_worst[_i].after, a);
	ck_assert_int_eq(nat_netlist_has(&r.src, fam, a), 0);
	nat_rule_done(&r);
}
END_TEST

/* ---- snat file lines (rule_snat.c) ---- */

struct snat_case {
	const char *line;
	int format;
	const char *dump;
	const char *snat;	/* what nat_rule_format_snat() gives back */
};

static const struct snat_case snat_ok[] = {
	{ "MASQUERADE 192.168.0.0/24 eth0", 1,
	  "out=eth0 src=192.168.0.0/24 masq",
	  "MASQUERADE\t192.168.0.0/24\teth0" },
	{ "MASQUERADE+ - ppp+", 1, "out=ppp+ early masq", "MASQUERADE+\t-\tppp+" },
	{ "MASQUERADE(1024-2000) 10.0.0.0/8 eth0 tcp", 1,
	  "out=eth0 src=10.0.0.0/8 masq ports=1024-2000 proto=6",
	  "MASQUERADE(1024-2000)\t10.0.0.0/8\teth0\ttcp" },
	{ "MASQUERADE(1024-2000:random) 10.0.0.0/8 eth0 udp", 1,
	  "out=eth0 src=10.0.0.0/8 masq ports=1024-2000 random proto=17",
	  "MASQUERADE(1024-2000:random)\t10.0.0.0/8\teth0\tudp" },
	{ "MASQUERADE(4000random) 10.0.0.0/8 eth0 udp", 1,
	  "out=eth0 src=10.0.0.0/8 masq ports=4000-4000 random proto=17",
	  "MASQUERADE(4000:random)\t10.0.0.0/8\teth0\tudp" },
	{ "MASQUERADE(random) 10.0.0.0/8 eth0", 1,
	  "out=eth0 src=10.0.0.0/8 masq random",
	  "MASQUERADE(random)\t10.0.0.0/8\teth0" },
	{ "SNAT(203.0.113.10) 192.168.1.0/24 eth0:0", 1,
	  "out=eth0 alias=0 src=192.168.1.0/24 snat "
	  "to=203.0.113.10-203.0.113.10",
	  "SNAT(203.0.113.10)\t192.168.1.0/24\teth0:0" },
	{ "SNAT+(203.0.113.1-203.0.113.4:persistent:random) - eth0", 1,
	  "out=eth0 early snat to=203.0.113.1-203.0.113.4 random persistent",
	  "SNAT+(203.0.113.1-203.0.113.4:random:persistent)\t-\teth0" },
	{ "SNAT(192.0.2.4:5000-6000) 10.0.0.0/8 eth0 tcp", 1,
	  "out=eth0 src=10.0.0.0/8 snat to=192.0.2.4-192.0.2.4 "
	  "ports=5000-6000 proto=6",
	  "SNAT(192.0.2.4:5000-6000)\t10.0.0.0/8\teth0\ttcp" },
	{ "SNAT(detect) 10.0.0.0/8 eth0", 1, "out=eth0 src=10.0.0.0/8 detect",
	  "SNAT(detect)\t10.0.0.0/8\teth0" },
	{ "SNAT([2001:db8::1]:1024-2000) fd00::/64 eth0 tcp", 1,
	  "out=eth0 src=fd00::/64 snat to=2001:db8::1-2001:db8::1 "
	  "ports=1024-2000 proto=6",
	  "SNAT([2001:db8::1]:1024-2000)\tfd00::/64\teth0\ttcp" },
	{ "CONTINUE 192.168.2.0/24 eth0:198.51.100.0/24", 1,
	  "out=eth0 dst=198.51.100.0/24 src=192.168.2.0/24 nonat",
	  "CONTINUE\t192.168.2.0/24\teth0:198.51.100.0/24" },
	{ "ACCEPT 192.168.2.0/24 eth0", 1, "out=eth0 src=192.168.2.0/24 nonat",
	  "CONTINUE\t192.168.2.0/24\teth0" },
	{ "NONAT+ 192.168.2.0/24 eth0", 1,
	  "out=eth0 early src=192.168.2.0/24 nonat",
	  "CONTINUE+\t192.168.2.0/24\teth0" },
	/* DEST forms: alias, "::" (no alias), IPv6 starting with digits */
	{ "SNAT(203.0.113.9) - eth2::192.0.2.32/27", 1,
	  "out=eth2 dst=192.0.2.32/27 snat to=203.0.113.9-203.0.113.9",
	  "SNAT(203.0.113.9)\t-\teth2:192.0.2.32/27" },
	{ "SNAT(203.0.113.9) - eth2:1:192.0.2.32/27", 1,
	  "out=eth2 alias=1 dst=192.0.2.32/27 snat to=203.0.113.9-203.0.113.9",
	  "SNAT(203.0.113.9)\t-\teth2:1:192.0.2.32/27" },
	{ "MASQUERADE fd00::/64 eth0:200::/8", 1,
	  "out=eth0 dst=200::/8 src=fd00::/64 masq",
	  "MASQUERADE\tfd00::/64\teth0:200::/8" },
	{ "MASQUERADE fd00::/64 eth0:::/0!2001:db8::/32", 1,
	  "out=eth0 dst=::/0!2001:db8::/32 src=fd00::/64 masq",
	  "MASQUERADE\tfd00::/64\teth0:::/0!2001:db8::/32" },
	{ "MASQUERADE - eth0:", 1, "out=eth0 masq", "MASQUERADE\t-\teth0" },
	{ "MASQUERADE eth1 eth0,eth3", 1, "out=eth0,eth3 srcif=eth1 masq",
	  "MASQUERADE\teth1\teth0,eth3" },
	/* the range in the exclusion, and every match column */
	{ "MASQUERADE 192.168.1.0/24!192.168.1.8-192.168.1.9 eth0 "
	  "tcp 80,8000:8080 yes !0x10/0xff:C - - - -", 1,
	  "out=eth0 src=192.168.1.0/24!192.168.1.8/31 masq proto=6 "
	  "dport=80-80,8000-8080 ipsec=yes mark=!0x10/0xff:C",
	  "MASQUERADE\t192.168.1.0/24!192.168.1.8/31\teth0\ttcp\t"
	  "80,8000:8080\tyes\t!0x10/0xff:C" },
	{ "MASQUERADE - eth0 - - - - 0", 1, "out=eth0 masq owner=0",
	  "MASQUERADE\t-\teth0\t-\t-\t-\t-\t0" },
	/* ?FORMAT 2: SPORT after PORT, empty */
	{ "MASQUERADE - eth0 tcp 80 - no", 2,
	  "out=eth0 masq proto=6 dport=80-80 ipsec=no",
	  "MASQUERADE\t-\teth0\ttcp\t80\tno" },
	{ "MASQUERADE 10.0.0.0/8 eth0 # a comment", 1,
	  "out=eth0 src=10.0.0.0/8 masq", "MASQUERADE\t10.0.0.0/8\teth0" },
};

START_TEST(test_snat_ok)
{
	const struct snat_case *c = &snat_ok[_i];
	struct nat_rule r, back;
	struct masq_err e;
	char d[1024], *text, *again;

	err_init(&e);
	nat_rule_init(&r);
	ck_assert_msg(nat_rule_parse_snat(&r, c->line, c->line, 0, c->format,
					  &e) == 0, "'%s': %s (%s)", c->line,
		      e.msg, e.hint);
	dump(&r, d, sizeof(d));
	ck_assert_str_eq(d, c->dump);
	text = nat_rule_format_snat(&r);
	ck_assert_str_eq(text, c->snat);
	/* and it reads back to the same rule */
	nat_rule_init(&back);
	ck_assert_int_eq(nat_rule_parse_snat(&back, text, text, 0, 1, &e), 0);
	dump(&back, d, sizeof(d));
	ck_assert_str_eq(d, c->dump);
	again = nat_rule_format_snat(&back);
	ck_assert_str_eq(again, text);
	free(again);
	free(text);
	round_trip(&r, c->dump);
	nat_rule_done(&back);
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

static const struct err_case snat_err[] = {
	{ "MASQUERADE", 10, 1, "DEST column is missing" },
	{ "- 10.0.0.0/8 eth0", 0, 1, "ACTION must be given" },
	{ "MASQUERADE 10.0.0.0/8 -", 22, 1, "DEST must be given" },
	{ "SNATT(1.2.3.4) - eth0", 0, 5, "unknown ACTION" },
	{ "DNAT(1.2.3.4) - eth0", 0, 4, "unknown ACTION" },
	{ "MASQUERADE:info - eth0", 10, 5, "log level" },
	{ "LOG:info - eth0", 3, 5, "log level" },
	{ "NFLOG - eth0", 0, 5, "does not log" },
	{ "SNAT - eth0", 0, 4, "in parentheses" },
	{ "SNAT() - eth0", 0, 4, "needs an address" },
	{ "SNAT(:4000-5000) - eth0 tcp", 5, 10, "needs an address" },
	{ "SNAT(203.0.113.1 - eth0", 4, 1, "without a closing" },
	{ "SNAT(NONAT) - eth0", 5, 5, "names no address" },
	{ "SNAT(203.0.113.1,203.0.113.2) - eth0", 17, 11, "second one" },
	{ "SNAT(203.0.113.1:bogus) - eth0", 17, 5, "unexpected 'bogus'" },
	{ "MASQUERADE(1024-2000:persistent) - eth0 tcp", 21, 10,
	  "takes no persistent" },
	{ "MASQUERADE(2000-1024) - eth0 tcp", 11, 9, "ends before" },
	{ "CONTINUE(random) - eth0", 9, 6, "takes no options" },
	{ "MASQUERADEx - eth0", 10, 1, "not a snat ACTION" },
	{ "MASQUERADE - $FW", 13, 3, "forwarded traffic only" },
	{ "MASQUERADE - +eth0", 13, 1, "belongs to the ACTION" },
	{ "MASQUERADE - eth0(Avvanta)", 13, 13, "providers" },
	{ "SNAT(206.124.146.177) - eth0:+myset[dst]", 29, 11, "ipsets" },
	{ "MASQUERADE - eth0 tcp 80 - - - sw", 31, 2, "SWITCH 'sw'" },
	{ "MASQUERADE - eth0 - - - - - - 10.0.0.1", 30, 8, "ORIGDEST" },
	{ "MASQUERADE - eth0 - - - - - - - 0.5", 32, 3, "PROBABILITY" },
	{ "MASQUERADE - eth0 tcp 80 1024", 0, 0, "" },
	{ "MASQUERADE - eth0 - - - - - - - - x", 34, 1, "too many columns" },
	{ "SNAT(1.1.1.1) 192.168.1.0/24 eth0 { probability=0.33 }", 34, 1,
	  "'{ COLUMN=VALUE }' form" },
	{ "MASQUERADE - eth0 ;; -j ACCEPT", 18, 2, "inline matches" },
	{ "MASQUERADE - eth0;; -j ACCEPT", 17, 2, "inline matches" },
	{ "MASQUERADE eth1:!192.168.1.4 eth0", 11, 17, "takes no exclusions" },
	{ "MASQUERADE 192.168.1.0/24!192.168.1.9-192.168.1.8 eth0", 26, 23,
	  "ends before" },
	{ "MASQUERADE 10.0.0.0/8 eth0:fd00::/8", 27, 8, "already uses IPv4" },
	{ "MASQUERADE - eth0 tcp 1:2:3", 24, 3, "out of range" },
};

START_TEST(test_snat_err)
{
	const struct err_case *c = &snat_err[_i];
	struct nat_rule r;
	struct masq_err e;
	int rc;

	err_init(&e);
	nat_rule_init(&r);
	rc = nat_rule_parse_snat(&r, c->line, c->line, 0, 1, &e);
	if (c->len == 0 && !c->msg[0]) {
		/* cases that parse: the 6th column of format 1 is IPSEC */
		ck_assert_int_eq(rc, -1);
	} else {
		check_err(&e, c, rc);
	}
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

/* Format 2's SPORT column: only '-'. */
START_TEST(test_snat_sport)
{
	static const char l[] = "MASQUERADE - eth0 tcp 80 1024";
	struct nat_rule r;
	struct masq_err e;

	err_init(&e);
	nat_rule_init(&r);
	ck_assert_int_eq(nat_rule_parse_snat(&r, l, l, 0, 2, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "SPORT '1024'"));
	ck_assert_uint_eq(e.pos, 25);
	nat_rule_done(&r);
	err_done(&e);
	/* masq lines with no snat form (each found by fuzz_import or
	 * refused by Shorewall) */
	{
		static const char *const none[] = {
			"eth0:0:2001:db8::/32 fd00::/64 2001:db8::1",
			"eth0 eth1:!192.168.1.4",	/* "-" is refused now */
			"$x 10.0.0.0/8", "a;;b 10.0.0.0/8", "eth0 a;;b",
		};
		size_t i;

		err_init(&e);
		for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
			nat_rule_init(&r);
			ck_assert_int_eq(nat_rule_parse_columns(&r, none[i],
					 none[i], 0, &e), 0);
			ck_assert_msg(!nat_rule_has_snat_form(&r), "%s",
				      none[i]);
			ck_assert_ptr_null(nat_rule_format_snat(&r));
			nat_rule_done(&r);
		}
		err_done(&e);
	}
	ck_assert(nat_snat_line("MASQUERADE 10.0.0.0/8 eth0"));
	ck_assert(nat_snat_line("  SNAT+(1.2.3.4) - eth0"));
	ck_assert(nat_snat_line("CONTINUE:info - eth0"));
	ck_assert(!nat_snat_line("eth0 10.0.0.0/8"));
	ck_assert(!nat_snat_line("SNATX - eth0"));
	ck_assert(!nat_snat_line("snat - eth0"));
}
END_TEST

/* The fewest aligned blocks covering exactly lo..hi of 0..255, by
 * trying every block that may start at lo (not the greedy choice). */
static unsigned int
min_blocks(unsigned int lo, unsigned int hi, unsigned int memo[256][256])
{
	unsigned int size, best = ~0u, n;

	if (lo > hi)
		return 0;
	if (memo[lo][hi])
		return memo[lo][hi];
	for (size = 1; size <= 256 && lo % size == 0 && lo + size - 1 <= hi;
	     size *= 2) {
		n = 1 + min_blocks(lo + size, hi, memo);
		if (n < best)
			best = n;
	}
	memo[lo][hi] = best;
	return best;
}

/* Every range of the last byte: exactly the addresses of the range are
 * in the list, and no list of prefixes is shorter. */
START_TEST(test_range_exhaustive)
{
	static unsigned int memo[256][256];
	char line[64];
	struct nat_rule r;
	struct masq_err e;
	unsigned int lo, hi, x;
	uint8_t a[16];

	err_init(&e);
	for (lo = 0; lo < 256; lo++) {
		for (hi = lo; hi < 256; hi++) {
			snprintf(line, sizeof(line), "eth0 10.0.0.%u-10.0.0.%u",
				 lo, hi);
			nat_rule_init(&r);
			ck_assert_int_eq(nat_rule_parse_columns(&r, line, line,
					 0, &e), 0);
			if (r.src.n_inc != min_blocks(lo, hi, memo))
				ck_abort_msg("%s: %zu prefixes, %u would do",
					     line, r.src.n_inc,
					     min_blocks(lo, hi, memo));
			inet_pton(AF_INET, "10.0.0.0", a);
			for (x = 0; x < 256; x++) {
				a[3] = (uint8_t)x;
				if (nat_netlist_has(&r.src, AF_INET, a) !=
				    (x >= lo && x <= hi))
					ck_abort_msg("%s: 10.0.0.%u wrongly %s",
						     line, x, x >= lo &&
						     x <= hi ? "out" : "in");
			}
			nat_rule_done(&r);
		}
	}
	err_done(&e);
}
END_TEST

START_TEST(test_col_err)
{
	const struct err_case *c = &col_err[_i];
	struct nat_rule r;
	struct masq_err e;

	err_init(&e);
	nat_rule_init(&r);
	check_err(&e, c, nat_rule_parse_columns(&r, c->line, c->line, 0, &e));
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

START_TEST(test_col_base)
{
	/* positions are base + offset against the whole line */
	const char *line = "masq add line 'eth0 eth1 - tcpx'";
	struct nat_rule r;
	struct masq_err e;

	err_init(&e);
	nat_rule_init(&r);
	ck_assert_int_eq(nat_rule_parse_columns(&r, "eth0 eth1 - tcpx", line,
						15, &e), -1);
	ck_assert_uint_eq(e.pos, 27);
	ck_assert_uint_eq(e.len, 4);
	ck_assert_str_eq(e.input, line);
	ck_assert_str_eq(e.hint, "did you mean 'tcp'?");
	ck_assert_int_eq(nat_rule_parse_columns(&r, "  # only a comment", line,
						0, &e), 1);
	ck_assert_int_eq(nat_rule_parse_columns(&r, "", line, 0, &e), 1);
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

/* ---- keyword form ---- */

static const struct col_case kw_ok[] = {
	{ "out eth0", "out=eth0 masq", "out eth0" },
	{ "out eth0 from 192.168.1.0/24 snat 203.0.113.10 proto tcp dport smtp",
	  "out=eth0 src=192.168.1.0/24 snat to=203.0.113.10-203.0.113.10 "
	  "proto=6 dport=25-25",
	  "out eth0 from 192.168.1.0/24 snat 203.0.113.10 proto tcp dport 25" },
	{ "dport 25 proto tcp out eth0", "out=eth0 masq proto=6 dport=25-25",
	  "out eth0 proto tcp dport 25" },
	{ "o eth0 fr 10.0.0.0/8 sn 203.0.113.1-203.0.113.5 pe",
	  "out=eth0 src=10.0.0.0/8 snat to=203.0.113.1-203.0.113.5 persistent",
	  "out eth0 from 10.0.0.0/8 snat 203.0.113.1-203.0.113.5 persistent" },
	{ "out eth0 pro udp dp 53 ra", "out=eth0 masq random proto=17 "
	  "dport=53-53", "out eth0 random proto udp dport 53" },
	{ "out ppp+ random", "out=ppp+ masq random", "out ppp+ random" },
	{ "out ppp+ fully-random", "out=ppp+ masq fully-random",
	  "out ppp+ fully-random" },
	/* "fu" is enough; "fr" stays "from" */
	{ "fu out ppp+ fr 10.0.0.0/8", "out=ppp+ src=10.0.0.0/8 masq "
	  "fully-random", "out ppp+ from 10.0.0.0/8 fully-random" },
	{ "out wan0 from fd00:1::/64 prefix 2001:db8:1::/64",
	  "out=wan0 src=fd00:1::/64 prefix to=2001:db8:1::/64",
	  "out wan0 from fd00:1::/64 prefix 2001:db8:1::/64" },
	{ "pref 2001:db8:1::/56 out wan+ from fd00:1::/56!fd00:1:0:ff::/64",
	  "out=wan+ src=fd00:1::/56!fd00:1:0:ff::/64 prefix to=2001:db8:1::/56",
	  "out wan+ from fd00:1::/56 except fd00:1:0:ff::/64 prefix "
	  "2001:db8:1::/56" },
	{ "out eth0,eth1,wlan+ to 10.1.0.0/16",
	  "out=eth0,eth1,wlan+ dst=10.1.0.0/16 masq",
	  "out eth0,eth1,wlan+ to 10.1.0.0/16" },
	{ "out eth0 to !10.0.0.0/8", "out=eth0 dst=!10.0.0.0/8 masq",
	  "out eth0 to !10.0.0.0/8" },
	{ "out eth0 to 10.0.0.0/8!10.1.0.0/16",
	  "out=eth0 dst=10.0.0.0/8!10.1.0.0/16 masq",
	  "out eth0 to 10.0.0.0/8!10.1.0.0/16" },
	{ "out eth0 from eth1 except 192.168.1.4",
	  "out=eth0 srcif=eth1 src=!192.168.1.4/32 masq",
	  "out eth0 from eth1 except 192.168.1.4" },
	{ "out eth0 from eth1:!192.168.1.4",
	  "out=eth0 srcif=eth1 src=!192.168.1.4/32 masq",
	  "out eth0 from eth1 except 192.168.1.4" },
	{ "out eth0 from 10.0.0.0/8!10.1.0.0/16 except 10.2.0.0/16",
	  "out=eth0 src=10.0.0.0/8!10.1.0.0/16,10.2.0.0/16 masq",
	  "out eth0 from 10.0.0.0/8 except 10.1.0.0/16,10.2.0.0/16" },
	{ "out eth0 except 10.0.0.1,10.0.0.2",
	  "out=eth0 src=!10.0.0.1/32,10.0.0.2/32 masq",
	  "out eth0 except 10.0.0.1,10.0.0.2" },
	{ "out eth0 snat detect", "out=eth0 detect", "out eth0 snat detect" },
	{ "out eth0 nonat to 10.0.0.0/8", "out=eth0 dst=10.0.0.0/8 nonat",
	  "out eth0 to 10.0.0.0/8 nonat" },
	{ "out eth0 ipsec reqid=5,tunnel-dst=10.0.0.0/8",
	  "out=eth0 masq ipsec=yes reqid=5 tdst=10.0.0.0/8",
	  "out eth0 ipsec reqid=5,tunnel-dst=10.0.0.0/8" },
	{ "out eth0 ipsec no", "out=eth0 masq ipsec=no", "out eth0 ipsec no" },
	{ "out eth0 mark !0x1/0xff:C user root:root",
	  "out=eth0 masq mark=!0x1/0xff:C owner=0:0",
	  "out eth0 mark !0x1/0xff:C user root:root" },
	{ "out eth0 mark 255 user !0", "out=eth0 masq mark=0xff/0xffffffff "
	  "owner=!0", "out eth0 mark 0xff user !0" },
	{ "out eth0 early alias 0 snat 203.0.113.10",
	  "out=eth0 early alias=0 snat to=203.0.113.10-203.0.113.10",
	  "out eth0 snat 203.0.113.10 early alias 0" },
	{ "out eth0 comment hello", "out=eth0 masq comment=hello",
	  "out eth0 comment hello" },
	{ "out eth0 comment 'LAN clients'", "out=eth0 masq comment=LAN clients",
	  "out eth0 comment \"LAN clients\"" },
	{ "out eth0 comment 'say \"hi\"'", "out=eth0 masq comment=say \"hi\"",
	  "out eth0 comment \"say \\\"hi\\\"\"" },
	{ "out eth0 comment ''", "out=eth0 masq", "out eth0" },
	{ "out eth0 proto 6 dport 1000:2000",
	  "out=eth0 masq proto=6 dport=1000-2000",
	  "out eth0 proto tcp dport 1000-2000" },
	{ "out eth0 proto tcp dport 1000-2000,ssh",
	  "out=eth0 masq proto=6 dport=1000-2000,22-22",
	  "out eth0 proto tcp dport 1000-2000,22" },
	{ "out eth0 ports 1024-65535 proto udp",
	  "out=eth0 masq ports=1024-65535 proto=17",
	  "out eth0 ports 1024-65535 proto udp" },
	{ "out eth0 ports 1024:65535 proto udp",
	  "out=eth0 masq ports=1024-65535 proto=17", NULL },
	{ "out eth0 from 2001:db8::/32 snat 2001:db8::1",
	  "out=eth0 src=2001:db8::/32 snat to=2001:db8::1-2001:db8::1",
	  "out eth0 from 2001:db8::/32 snat 2001:db8::1" },
	{ "out eth0 to 2001:db8::/32 snat 2001:db8::1-2001:db8::ff ports "
	  "1024-2000 random proto tcp",
	  "out=eth0 dst=2001:db8::/32 snat to=2001:db8::1-2001:db8::ff "
	  "ports=1024-2000 random proto=6", NULL },
	{ "out eth0 proto !tcp,udp", "out=eth0 masq proto=!6,17",
	  "out eth0 proto !tcp,udp" },
	{ "out eth0 proto tcp,udp dport domain",
	  "out=eth0 masq proto=6,17 dport=53-53", NULL },
	{ "out eth0 proto sctp dport 2905", "out=eth0 masq proto=132 "
	  "dport=2905-2905", NULL },
	{ "out eth0 user :0", "out=eth0 masq owner=:0", "out eth0 user :0" },
	{ "out eth0 to 10.0.0.0/8 from 192.168.0.0/16 except 192.168.1.1 "
	  "snat 203.0.113.1-203.0.113.9 ports 1024-65535 random persistent "
	  "proto tcp dport 80,443 ipsec no mark 1/0xff:C user root early "
	  "comment all",
	  "out=eth0 early dst=10.0.0.0/8 src=192.168.0.0/16!192.168.1.1/32 snat "
	  "to=203.0.113.1-203.0.113.9 ports=1024-65535 random persistent "
	  "proto=6 dport=80-80,443-443 ipsec=no mark=0x1/0xff:C owner=0 "
	  "comment=all",
	  "out eth0 to 10.0.0.0/8 from 192.168.0.0/16 except 192.168.1.1 "
	  "snat 203.0.113.1-203.0.113.9 ports 1024-65535 random persistent "
	  "proto tcp dport 80,443 ipsec no mark 0x1/0xff:C user root early "
	  "comment all" },
	/* the man page's examples in keyword form */
	{ "out eth0 from eth1", "out=eth0 srcif=eth1 masq", NULL },
	{ "out eth0 from 192.168.0.0/21", "out=eth0 src=192.168.0.0/21 masq",
	  NULL },
	{ "out ipsec0 to 10.1.1.0/24 from 192.168.1.0/24",
	  "out=ipsec0 dst=10.1.1.0/24 src=192.168.1.0/24 masq", NULL },
	{ "out eth0 from 192.168.1.0/24 snat 203.0.113.176 alias 0",
	  "out=eth0 alias=0 src=192.168.1.0/24 snat "
	  "to=203.0.113.176-203.0.113.176", NULL },
	{ "out eth0 from eth1 snat 203.0.113.176 proto tcp dport smtp",
	  "out=eth0 srcif=eth1 snat to=203.0.113.176-203.0.113.176 proto=6 "
	  "dport=25-25", NULL },
	/* per-rule timeout policies: table order, plain seconds */
	{ "out eth0 proto udp timeout udp-stream=30,udp-unreplied=10",
	  "out=eth0 masq proto=17 timeout=udp-unreplied:10,udp-stream:30",
	  "out eth0 proto udp timeout udp-unreplied=10,udp-stream=30" },
	{ "timeout tcpfin=1m,tcp=2h proto tcp out eth0 comment x",
	  "out=eth0 masq proto=6 timeout=tcp-established:7200,"
	  "tcp-fin-wait:60,tcp-close-wait:60,tcp-last-ack:60,"
	  "tcp-time-wait:60 comment=x",
	  "out eth0 proto tcp timeout tcp-established=7200,tcp-fin-wait=60,"
	  "tcp-close-wait=60,tcp-last-ack=60,tcp-time-wait=60 comment x" },
	/* case is ignored, as by `timeouts set`: group words too */
	{ "out eth0 proto udp timeout UDP=9",
	  "out=eth0 masq proto=17 timeout=udp-unreplied:9,udp-stream:9",
	  "out eth0 proto udp timeout udp-unreplied=9,udp-stream=9" },
	{ "out eth0 from 10.0.0.0/8 snat 203.0.113.1 proto udp dport 53 "
	  "ti udp=5s early",
	  "out=eth0 early src=10.0.0.0/8 snat to=203.0.113.1-203.0.113.1 "
	  "proto=17 dport=53-53 timeout=udp-unreplied:5,udp-stream:5",
	  "out eth0 from 10.0.0.0/8 snat 203.0.113.1 proto udp dport 53 "
	  "timeout udp-unreplied=5,udp-stream=5 early" },
	{ "out eth0 proto tcp timeout tcp-syn-sent=1d,tcp-retrans=3",
	  "out=eth0 masq proto=6 timeout=tcp-syn-sent:86400,tcp-retrans:3",
	  "out eth0 proto tcp timeout tcp-syn-sent=86400,tcp-retrans=3" },
	/* any interface: no 'out', from/to and an explicit translation */
	{ "from 10.0.0.0/8 snat 203.0.113.5",
	  "out= src=10.0.0.0/8 snat to=203.0.113.5-203.0.113.5",
	  "from 10.0.0.0/8 snat 203.0.113.5" },
	{ "snat 203.0.113.5-203.0.113.9 persistent to 198.51.100.0/24",
	  "out= dst=198.51.100.0/24 snat to=203.0.113.5-203.0.113.9 "
	  "persistent",
	  "to 198.51.100.0/24 snat 203.0.113.5-203.0.113.9 persistent" },
	{ "fr 10.0.0.0/8 to 10.0.0.0/8 nonat comment 'lan to lan'",
	  "out= dst=10.0.0.0/8 src=10.0.0.0/8 nonat comment=lan to lan",
	  "to 10.0.0.0/8 from 10.0.0.0/8 nonat comment \"lan to lan\"" },
	{ "from fd00:1::/64 except fd00:1::9 snat 2001:db8::5 proto tcp",
	  "out= src=fd00:1::/64!fd00:1::9/128 snat to=2001:db8::5-2001:db8::5 "
	  "proto=6",
	  "from fd00:1::/64 except fd00:1::9 snat 2001:db8::5 proto tcp" },
	{ "from fd00:1::/64 prefix 2001:db8:1::/64",
	  "out= src=fd00:1::/64 prefix to=2001:db8:1::/64",
	  "from fd00:1::/64 prefix 2001:db8:1::/64" },
	{ "from eth1 snat 203.0.113.5",
	  "out= srcif=eth1 snat to=203.0.113.5-203.0.113.5",
	  "from eth1 snat 203.0.113.5" },
};

START_TEST(test_kw_ok)
{
	const struct col_case *c = &kw_ok[_i];
	struct nat_rule r;
	struct masq_err e;
	struct toks t;
	char d[1024], *kw;

	err_init(&e);
	nat_rule_init(&r);
	split(&t, c->line);
	ck_assert_msg(nat_rule_parse_kw(&r, t.v, t.n, &e) == 0, "'%s': %s (%s)",
		      c->line, e.msg, e.hint);
	dump(&r, d, sizeof(d));
	ck_assert_str_eq(d, c->dump);
	if (c->kw) {
		kw = nat_rule_format_kw(&r);
		ck_assert_str_eq(kw, c->kw);
		free(kw);
	}
	round_trip(&r, c->dump);
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

static const struct err_case kw_err[] = {
	{ "out eth0:1", 4, 6, "aliases are not real interfaces" },
	{ "out eth0 proto tcp proto udp", 19, 5, "given twice" },
	{ "out eth0 random fully-random", 16, 12, "two ways" },
	{ "out eth0 f 10.0.0.0/8", 9, 1, "ambiguous keyword 'f'" },
	{ "out eth0 p tcp", 9, 1, "ambiguous keyword 'p'" },
	{ "out eth0 e", 9, 1, "ambiguous keyword 'e'" },
	{ "out eth0 form 10.0.0.0/8", 9, 4, "unknown keyword 'form'" },
	{ "out ppp+ snat detect", 14, 6, "not the wildcard 'ppp+'" },
	{ "out eth0,ppp+ snat detect", 19, 6, "not the wildcard" },
	{ "out eth0 snat", 9, 4, "needs a value" },
	/* any interface: a forgotten 'out' must not NAT everything */
	{ "from 10.0.0.0/8", 0, 0, "masquerade needs 'out IFACE'" },
	{ "to 198.51.100.0/24 proto tcp", 0, 0, "masquerade needs 'out" },
	{ "snat 203.0.113.5", 0, 0, "without 'out IFACE' needs 'from' or 'to'" },
	{ "nonat", 0, 0, "without 'out IFACE' needs 'from' or 'to'" },
	{ "proto tcp snat 203.0.113.5", 0, 0, "needs 'from' or 'to'" },
	{ "from 10.0.0.0/8 snat detect", 21, 6, "'detect' needs 'out IFACE'" },
	{ "out - from 10.0.0.0/8 snat 203.0.113.1", 4, 1,
	  "'-' is not an interface" },
	{ "from 10.0.0.0/8 snat 203.0.113.5 alias 1", 33, 5,
	  "'alias' needs 'out IFACE'" },
	{ "out eth0 snat 203.0.113.1,203.0.113.5", 26, 11, "second one" },
	{ "out eth0 snat 203.0.113.1-203.0.113.5,203.0.113.9-203.0.113.12",
	  38, 24, "second one" },
	{ "out eth0 snat 203.0.113.1-2001:db8::1", 26, 11, "already uses IPv4" },
	/* families: the later of the two words is marked, whatever order
	 * the values are parsed in */
	{ "out eth0 from 192.168.1.0/24 to 2001:db8::1", 32, 11,
	  "'2001:db8::1' is IPv6, but this rule already uses IPv4" },
	{ "out eth0 to 2001:db8::1 from 192.168.1.0/24", 29, 14,
	  "'192.168.1.0/24' is IPv4, but this rule already uses IPv6" },
	{ "out eth0 from fd00:1::/64 snat 198.51.100.2", 31, 12,
	  "'198.51.100.2' is IPv4, but this rule already uses IPv6" },
	{ "out eth0 snat 198.51.100.2 from fd00:1::/64", 32, 11,
	  "'fd00:1::/64' is IPv6, but this rule already uses IPv4" },
	{ "out eth0 from fd00:1::/64 except 10.0.0.1", 33, 8,
	  "already uses IPv6" },
	{ "out eth0 from 10.0.0.0/8 to 10.1.0.0/16,2001:db8::/32", 40, 13,
	  "already uses IPv4" },
	{ "out eth0 from 192.168.1.0/24 prefix 2001:db8:1::/64", 36, 15,
	  "already uses IPv4" },
	/* NPTv6 */
	{ "out eth0 from 10.0.0.0/24 prefix 10.1.0.0/24", 33, 11,
	  "prefix translation is for IPv6" },
	{ "out eth0 from fd00:1::/64 prefix 2001:db8:1::/48", 33, 15,
	  "prefix /48 is not as long as the source 'fd00:1::/64'" },
	{ "out eth0 prefix 2001:db8:1::/64", 16, 15, "needs the inside prefix" },
	{ "out eth0 from fd00:1::/56,fd00:2::/56 prefix 2001:db8:1::/56", 45, 15,
	  "maps one inside prefix, but 'from' lists 2 ('fd00:2::/56' too)" },
	{ "out eth0 from eth1 prefix 2001:db8:1::/64", 26, 15,
	  "needs the inside prefix" },
	{ "out eth0 from fd00:1::/64 prefix 2001:db8:1::/64 snat 2001:db8::1",
	  49, 4, "cannot go with 'snat'" },
	{ "out eth0 from fd00:1::/64 prefix 2001:db8:1::/64 nonat", 49, 5,
	  "cannot go with 'nonat'" },
	{ "out eth0 from fd00:1::/64 prefix 2001:db8:1::/64 random", 49, 6,
	  "no effect on prefix translation" },
	{ "out eth0 from fd00:1::/64 prefix 2001:db8:1::/64 proto tcp "
	  "ports 1-2", 65, 3, "no effect on prefix translation" },
	{ "out eth0 from fd00:1::/64 prefix 2001:db8:1::1/64", 33, 16,
	  "host bits set" },
	{ "out eth0 snat 203.0.113.9-203.0.113.1", 14, 23, "ends before" },
	{ "out eth0 persistent", 9, 10, "needs an SNAT address" },
	{ "out eth0 snat detect persistent nonat", 32, 5, "cannot go with" },
	{ "out eth0 nonat random", 15, 6, "NONAT" },
	{ "out eth0 nonat persistent", 15, 10, "NONAT" },
	{ "out eth0 nonat ports 1024-2000 proto tcp", 21, 9, "NONAT" },
	{ "out eth0 ports 1024-2000", 15, 9, "need a protocol" },
	{ "out eth0 ports x", 15, 1, "not a port range" },
	{ "out eth0 dport 80", 15, 2, "need a protocol" },
	{ "out eth0 proto !tcp dport 80", 26, 2, "negated" },
	{ "out eth0 proto icmp dport 80", 15, 4, "has no ports" },
	{ "out eth0 proto tcp,icmp dport 80", 15, 8, "has no ports" },
	{ "out eth0 ipsec mode=tunnel", 15, 11, "cannot express" },
	{ "out eth0 user +upnpd", 14, 6, "2.6.14" },
	{ "out eth0 user nosuchuser_x", 14, 12, "unknown user" },
	{ "out eth0 alias 0", 15, 1, "needs an SNAT address" },
	{ "out eth0 alias 0 snat detect", 15, 1, "needs an SNAT address" },
	{ "out eth0 alias x snat 203.0.113.1", 15, 1, "not a number" },
	{ "out eth0 alias 1000 snat 203.0.113.1", 15, 4, "not a number" },
	{ "out eth0 from 10.0.0.0/8 snat 2001:db8::1", 30, 11,
	  "already uses IPv4" },
	{ "out eth0 to 2001:db8::/32 from 10.0.0.0/8", 31, 10,
	  "already uses IPv6" },
	{ "out eth0 from 10.0.0.1/8", 14, 10, "host bits" },
	{ "out eth0 from 10.0.0.0/40", 22, 3, "bad prefix length" },
	{ "out eth0 from 10.0.0.0/x", 22, 2, "bad prefix length" },
	{ "out eth0 from eth1,eth2", 18, 1, "exclusions only after" },
	{ "out eth0 except 10.0.0.0/8!10.1.0.0/16", 26, 1, "not needed" },
	{ "out eth+0", 7, 1, "only allowed at the end" },
	{ "out +", 4, 1, "needs a prefix" },
	{ "out abcdefghijklmnop", 4, 16, "longer than 15" },
	{ "out eth0,", 8, 1, "empty interface name" },
	{ "out eth0 proto tcp dport 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
	  61, 2, "too many ports" },
	{ "out eth0 proto tcp dport nosuchsvc", 25, 9, "unknown service" },
	{ "out eth0 proto tcpx", 15, 4, "unknown protocol" },
	{ "out eth0 mark 1/2/3", 16, 3, "mask" },
	{ "out eth0 ipsec", 9, 5, "needs a value" },
	{ "eth0 from 10.0.0.0/8", 0, 4, "unknown keyword 'eth0'" },
	/* timeout policies: the state, the value or the protocol marked */
	{ "out eth0 timeout udp=3", 17, 5, "needs the rule's protocol" },
	{ "out eth0 proto tcp,udp timeout udp=3", 15, 7, "one protocol" },
	{ "out eth0 proto !udp timeout udp=3", 15, 4, "one protocol" },
	{ "out eth0 proto icmp timeout udp=3", 15, 4, "tcp and udp only" },
	{ "out eth0 proto tcp timeout udp-stream=3", 27, 10,
	  "is a udp state" },
	{ "out eth0 proto tcp timeout tcp=5,udp=3", 33, 3, "is a udp state" },
	{ "out eth0 proto udp timeout udp-strem=3", 27, 9,
	  "unknown udp timeout state" },
	{ "out eth0 proto udp timeout udp-stream=0", 38, 1, "out of range" },
	{ "out eth0 proto tcp timeout tcp-established=50d", 43, 3,
	  "out of range" },
	{ "out eth0 proto udp timeout udp-stream=3,udp-stream=4", 40, 10,
	  "given twice" },
	{ "out eth0 proto udp timeout udp=3,udp-stream=4", 33, 10,
	  "given twice" },
	{ "out eth0 proto udp timeout udp-stream", 27, 10,
	  "not STATE=SECONDS" },
	{ "out eth0 proto udp timeout udp=3x", 31, 2, "not a number" },
	{ "out eth0 proto udp timeout", 19, 7, "needs a value" },
	/* a quoted word: the whole word is marked */
	{ "out eth0 from '10.0.0.1/8'", 14, 12, "host bits" },
};

START_TEST(test_kw_err)
{
	const struct err_case *c = &kw_err[_i];
	struct nat_rule r;
	struct masq_err e;
	struct toks t;

	err_init(&e);
	nat_rule_init(&r);
	split(&t, c->line);
	check_err(&e, c, nat_rule_parse_kw(&r, t.v, t.n, &e));
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

START_TEST(test_kw_hints)
{
	struct nat_rule r;
	struct masq_err e;
	struct toks t;

	err_init(&e);
	nat_rule_init(&r);
	split(&t, "out eth0 form 10.0.0.0/8");
	ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), -1);
	ck_assert_str_eq(e.hint, "did you mean 'from'?");
	split(&t, "out eth0:1");
	ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.hint, "out eth0 snat ADDR"));
	ck_assert_ptr_nonnull(strstr(e.hint, "7.26"));
	split(&t, "out eth0 p tcp");
	ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), -1);
	ck_assert_str_eq(e.msg, "ambiguous keyword 'p': prefix, ports, "
			 "persistent, proto");
	split(&t, "out eth0 snat 203.0.113.1,203.0.113.5");
	ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.hint, "one range A-B"));
	split(&t, "out eth0 from 10.0.0.1/8");
	ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.hint, "'10.0.0.0/8'"));
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

/* ---- forwards ---- */

static const struct col_case fwd_ok[] = {
	{ "in eth0 dport 80 to 192.168.1.5",
	  "in=eth0 proto=6,17 dport=80-80 to=192.168.1.5/32",
	  "in eth0 dport 80 to 192.168.1.5" },
	{ "in eth0 proto tcp dport http to 192.168.1.5:8080",
	  "in=eth0 proto=6 dport=80-80 to=192.168.1.5/32:8080-8080",
	  "in eth0 proto tcp dport 80 to 192.168.1.5:8080" },
	{ "in eth0 proto udp dport 5000-5010 to 192.168.1.5:6000-6010",
	  "in=eth0 proto=17 dport=5000-5010 to=192.168.1.5/32:6000-6010",
	  "in eth0 proto udp dport 5000-5010 to 192.168.1.5:6000-6010" },
	{ "in eth0 proto udp dport 5000:5010 to 192.168.1.5:6000",
	  "in=eth0 proto=17 dport=5000-5010 to=192.168.1.5/32:6000-6000",
	  "in eth0 proto udp dport 5000-5010 to 192.168.1.5:6000" },
	{ "in ppp0 dport 22 to [2001:db8::5]:2222",
	  "in=ppp0 proto=6,17 dport=22-22 to=2001:db8::5/128:2222-2222",
	  "in ppp0 dport 22 to [2001:db8::5]:2222" },
	{ "in eth0 dport 80 to [2001:db8::5]",
	  "in=eth0 proto=6,17 dport=80-80 to=2001:db8::5/128",
	  "in eth0 dport 80 to 2001:db8::5" },
	{ "in eth0 dport 80 to 2001:db8::5",
	  "in=eth0 proto=6,17 dport=80-80 to=2001:db8::5/128",
	  "in eth0 dport 80 to 2001:db8::5" },
	{ "in eth0 dport 80,443 to 192.168.1.5 from 198.51.100.0/24!198.51.100.7 "
	  "comment web",
	  "in=eth0 proto=6,17 dport=80-80,443-443 to=192.168.1.5/32 "
	  "src=198.51.100.0/24!198.51.100.7/32 comment=web",
	  "in eth0 dport 80,443 to 192.168.1.5 from "
	  "198.51.100.0/24!198.51.100.7 comment web" },
	{ "i eth0 dp 80 t 192.168.1.5 c 'web server'",
	  "in=eth0 proto=6,17 dport=80-80 to=192.168.1.5/32 comment=web server",
	  "in eth0 dport 80 to 192.168.1.5 comment \"web server\"" },
	{ "to 192.168.1.2 dport domain in eth0 proto udp,tcp",
	  "in=eth0 proto=6,17 dport=53-53 to=192.168.1.2/32",
	  "in eth0 dport 53 to 192.168.1.2" },
	{ "in ppp+ proto tcp dport 25 to 192.168.1.3",
	  "in=ppp+ proto=6 dport=25-25 to=192.168.1.3/32",
	  "in ppp+ proto tcp dport 25 to 192.168.1.3" },
	/* by public address, hairpin (issue 13) */
	{ "in wan0 dst 198.51.100.3 proto tcp dport 80 to 192.168.1.10",
	  "in=wan0 dst=198.51.100.3/32 proto=6 dport=80-80 to=192.168.1.10/32",
	  "in wan0 dst 198.51.100.3 proto tcp dport 80 to 192.168.1.10" },
	{ "hairpin to 192.168.1.10:8080 dport 80 in wan0 ds 198.51.100.3 "
	  "c web",
	  "in=wan0 dst=198.51.100.3/32 proto=6,17 dport=80-80 "
	  "to=192.168.1.10/32:8080-8080 hairpin comment=web",
	  "in wan0 dst 198.51.100.3 dport 80 to 192.168.1.10:8080 hairpin "
	  "comment web" },
	{ "in wan0 proto tcp dport 443 to 192.168.1.10 from 192.0.2.0/24 h",
	  "in=wan0 proto=6 dport=443-443 to=192.168.1.10/32 src=192.0.2.0/24 "
	  "hairpin",
	  "in wan0 proto tcp dport 443 to 192.168.1.10 from 192.0.2.0/24 "
	  "hairpin" },
	{ "in wan0 dst 2001:db8::3 proto tcp dport 80 to [fd00:1::10]:8080 "
	  "hairpin",
	  "in=wan0 dst=2001:db8::3/128 proto=6 dport=80-80 "
	  "to=fd00:1::10/128:8080-8080 hairpin",
	  "in wan0 dst 2001:db8::3 proto tcp dport 80 to [fd00:1::10]:8080 "
	  "hairpin" },
};

START_TEST(test_fwd_ok)
{
	const struct col_case *c = &fwd_ok[_i];
	struct nat_forward f, f2;
	struct masq_err e;
	struct toks t, t2;
	char d[1024], *kw, *kw2;

	err_init(&e);
	nat_forward_init(&f);
	nat_forward_init(&f2);
	split(&t, c->line);
	ck_assert_msg(nat_forward_parse_kw(&f, t.v, t.n, &e) == 0,
		      "'%s': %s (%s)", c->line, e.msg, e.hint);
	dump_fwd(&f, d, sizeof(d));
	ck_assert_str_eq(d, c->dump);
	kw = nat_forward_format_kw(&f);
	ck_assert_str_eq(kw, c->kw);
	split(&t2, kw);
	ck_assert_msg(nat_forward_parse_kw(&f2, t2.v, t2.n, &e) == 0,
		      "canonical '%s': %s", kw, e.msg);
	dump_fwd(&f2, d, sizeof(d));
	ck_assert_str_eq(d, c->dump);
	kw2 = nat_forward_format_kw(&f2);
	ck_assert_str_eq(kw2, kw);
	free(kw2);
	/* the stored text through its one reader */
	nat_forward_done(&f2);
	ck_assert_msg(nat_forward_from_text(&f2, kw, 7, &e) == 0,
		      "stored '%s': %s", kw, e.msg);
	ck_assert_int_eq(f2.id, 7);
	dump_fwd(&f2, d, sizeof(d));
	ck_assert_str_eq(d, c->dump);
	kw2 = nat_forward_format_kw(&f2);
	ck_assert_str_eq(kw2, kw);
	free(kw);
	free(kw2);
	nat_forward_done(&f);
	nat_forward_done(&f2);
	err_done(&e);
}
END_TEST

static const struct err_case fwd_err[] = {
	{ "in eth0 proto icmp dport 80 to 192.168.1.5", 14, 4,
	  "tcp or udp" },
	{ "in eth0 proto !tcp dport 80 to 192.168.1.5", 14, 4, "tcp or udp" },
	{ "in eth0 dport 80-81 to 192.168.1.5:8000-8010", 35, 9,
	  "11 ports long" },
	{ "in eth0 dport 80,81 to 192.168.1.5:8000-8001", 35, 9,
	  "a list" },
	{ "in eth0 dport 80 to 192.168.1.0/24", 20, 14, "one host" },
	{ "in eth0 dport !80 to 192.168.1.5", 14, 1, "negated" },
	{ "in eth0 to 192.168.1.5", 0, 0, "needs 'dport" },
	{ "dport 80 to 192.168.1.5", 0, 0, "needs 'in IFACE'" },
	{ "in eth0 dport 80", 0, 0, "needs 'to" },
	{ "in eth0 dport 80 to 192.168.1.5 from 2001:db8::/32", 37, 13,
	  "already uses IPv4" },
	{ "in eth0 dport 80 to [2001:db8::5", 20, 1, "without a closing" },
	{ "in eth0 dport 80 to [2001:db8::5]x", 33, 1, "':PORT' expected" },
	{ "in eth0 dport 80 to 192.168.1.5:0", 32, 1, "out of range" },
	{ "in eth0 dport 80 to 192.168.1.5 to 192.168.1.6", 32, 2,
	  "given twice" },
	{ "in eth0 dport 80 to www.example.com", 20, 15, "not an IPv4" },
	{ "in eth0:1 dport 80 to 192.168.1.5", 3, 6, "alias" },
	{ "in eth0 dport 80 go 192.168.1.5", 17, 2, "unknown keyword 'go'" },
	{ "in eth0 dport 80 to 192.168.1.5 comment", 32, 7, "needs a value" },
	{ "in eth0 dst 198.51.100.0/24 dport 80 to 192.168.1.5", 12, 15,
	  "not a network" },
	{ "in eth0 dst 2001:db8::3 dport 80 to 192.168.1.5", 36, 11,
	  "already uses IPv6" },
	{ "in eth0 dst nowhere dport 80 to 192.168.1.5", 12, 7,
	  "not an IPv4" },
	{ "in eth0 dport 80 to 192.168.1.5 dst", 32, 3, "needs a value" },
	{ "in eth0 hairpin dport 80 hairpin to 192.168.1.5", 25, 7,
	  "given twice" },
	{ "in eth0 d 80 to 192.168.1.5", 8, 1, "ambiguous" },
	{ "in ppp+ dport 80 to 192.168.1.5 hairpin", 32, 7, "needs 'dst" },
};

START_TEST(test_fwd_err)
{
	const struct err_case *c = &fwd_err[_i];
	struct nat_forward f;
	struct masq_err e;
	struct toks t;

	err_init(&e);
	nat_forward_init(&f);
	split(&t, c->line);
	check_err(&e, c, nat_forward_parse_kw(&f, t.v, t.n, &e));
	nat_forward_done(&f);
	err_done(&e);
}
END_TEST

/* ---- helpers: nets, protocols, services ---- */

static const struct {
	const char *in;
	int want_family;
	int rc;
	const char *out;
} net_cases[] = {
	{ "10.0.0.0/8", 0, 0, "10.0.0.0/8" },
	{ "10.0.0.1", 0, 0, "10.0.0.1" },
	{ "10.0.0.1/32", 0, 0, "10.0.0.1" },
	{ "0.0.0.0/0", 0, 0, "0.0.0.0/0" },
	{ "2001:db8::/32", 0, 0, "2001:db8::/32" },
	{ "2001:DB8:0::1", 0, 0, "2001:db8::1" },
	{ "::/0", AF_INET6, 0, "::/0" },
	{ "10.0.0.1/8", 0, -1, NULL },
	{ "10.0.0.0/33", 0, -1, NULL },
	{ "10.0.0.0/", 0, -1, NULL },
	{ "10.0.0.0/-1", 0, -1, NULL },
	{ "2001:db8::/129", 0, -1, NULL },
	{ "10.0.0", 0, -1, NULL },
	{ "eth0", 0, -1, NULL },
	{ "", 0, -1, NULL },
	{ "10.0.0.0/8", AF_INET6, -1, NULL },
};

START_TEST(test_net)
{
	struct nat_net n;
	char *s;
	int rc;

	rc = nat_net_parse(&n, net_cases[_i].in, net_cases[_i].want_family);
	ck_assert_int_eq(rc, net_cases[_i].rc);
	if (rc == 0) {
		s = nat_net_format(&n);
		ck_assert_str_eq(s, net_cases[_i].out);
		free(s);
	}
}
END_TEST

START_TEST(test_lookups)
{
	ck_assert_int_eq(nat_proto_lookup("tcp"), 6);
	ck_assert_int_eq(nat_proto_lookup("udp"), 17);
	ck_assert_int_eq(nat_proto_lookup("17"), 17);
	ck_assert_int_eq(nat_proto_lookup("0"), 0);
	ck_assert_int_eq(nat_proto_lookup("255"), 255);
	ck_assert_int_eq(nat_proto_lookup("256"), -1);
	ck_assert_int_eq(nat_proto_lookup("nosuchproto"), -1);
	ck_assert_str_eq(nat_proto_name(6), "tcp");
	ck_assert_str_eq(nat_proto_name(58), "ipv6-icmp");
	ck_assert_ptr_null(nat_proto_name(253));
	ck_assert_int_eq(nat_service_lookup("smtp", "tcp"), 25);
	ck_assert_int_eq(nat_service_lookup("domain", "udp"), 53);
	ck_assert_int_eq(nat_service_lookup("8080", "tcp"), 8080);
	ck_assert_int_eq(nat_service_lookup("65536", "tcp"), -1);
	ck_assert_int_eq(nat_service_lookup("nosuchservice", "tcp"), -1);
}
END_TEST

START_TEST(test_family)
{
	struct nat_rule r;
	struct masq_err e;
	struct toks t;

	err_init(&e);
	nat_rule_init(&r);
	split(&t, "out eth0 from 2001:db8::/32");
	ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), 0);
	ck_assert_int_eq(nat_rule_family(&r), AF_INET6);
	nat_rule_done(&r);
	split(&t, "out eth0 from 10.0.0.0/8");
	ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), 0);
	ck_assert_int_eq(nat_rule_family(&r), AF_INET);
	nat_rule_done(&r);
	err_done(&e);
}
END_TEST

/* ---- which rule made a conntrack entry (ct_rule.c) ---- */

static const char *const ct_masq_rules[] = {
	"out wan0 from 192.168.1.0/24",				/* id 1 */
};
static const char *const ct_fwd_rules[] = {
	"in wan0 proto tcp dport 8080 to 192.168.1.10:80",	/* id 2 */
	"in wan0 proto udp dport 5000-5009 to 192.168.1.20:6000-6009 "
	"from 192.0.2.0/24",					/* id 3 */
	"in wan0 dport 2222 to 192.168.1.30",			/* id 4 */
	"in wan0 dst 198.51.100.3 proto tcp dport 80 to 192.168.1.40 "
	"from 192.0.2.0/24 hairpin",				/* id 5 */
	"in wan0 dst 198.51.100.4 proto tcp dport 80 to 192.168.1.40",
								/* id 6 */
};

static const struct {
	const char *what;
	uint8_t proto;
	const char *osrc, *odst;
	uint16_t osport, odport;
	const char *rsrc, *rdst;
	uint16_t rsport, rdport;
	uint32_t status;
	const char *want;		/* ct_rule_ref() text */
} ct_cases[] = {
	{ "masquerade", 6, "192.168.1.10", "192.0.2.10", 1000, 80,
	  "192.0.2.10", "198.51.100.2", 80, 1000, CT_ST_SRC_NAT, "1" },
	{ "forward to a port", 6, "192.0.2.10", "198.51.100.2", 40000, 8080,
	  "192.168.1.10", "192.0.2.10", 80, 40000, CT_ST_DST_NAT, "fwd2" },
	{ "forward, other inside port", 6, "192.0.2.10", "198.51.100.2",
	  40000, 8080, "192.168.1.10", "192.0.2.10", 81, 40000,
	  CT_ST_DST_NAT, "-" },
	{ "forward, other inside host", 6, "192.0.2.10", "198.51.100.2",
	  40000, 8080, "192.168.1.11", "192.0.2.10", 80, 40000,
	  CT_ST_DST_NAT, "-" },
	{ "forward, wrong protocol", 17, "192.0.2.10", "198.51.100.2",
	  40000, 8080, "192.168.1.10", "192.0.2.10", 80, 40000,
	  CT_ST_DST_NAT, "-" },
	{ "range onto a range", 17, "192.0.2.5", "198.51.100.2", 7, 5003,
	  "192.168.1.20", "192.0.2.5", 6003, 7, CT_ST_DST_NAT, "fwd3" },
	/* the kernel takes any free port of the target range (no offset:
	 * seen in a namespace, 5003 and 5007 both became 6000) */
	{ "range onto the range's first port", 17, "192.0.2.5", "198.51.100.2",
	  7, 5003, "192.168.1.20", "192.0.2.5", 6000, 7, CT_ST_DST_NAT,
	  "fwd3" },
	{ "range, mapped outside the target range", 17, "192.0.2.5",
	  "198.51.100.2", 7, 5003, "192.168.1.20", "192.0.2.5", 6010, 7,
	  CT_ST_DST_NAT, "-" },
	{ "range, source not allowed", 17, "203.0.113.9", "198.51.100.2", 7,
	  5003, "192.168.1.20", "203.0.113.9", 6003, 7, CT_ST_DST_NAT, "-" },
	{ "tcp+udp forward, udp", 17, "192.0.2.10", "198.51.100.2", 1, 2222,
	  "192.168.1.30", "192.0.2.10", 2222, 1, CT_ST_DST_NAT, "fwd4" },
	{ "tcp+udp forward, tcp", 6, "192.0.2.10", "198.51.100.2", 1, 2222,
	  "192.168.1.30", "192.0.2.10", 2222, 1, CT_ST_DST_NAT, "fwd4" },
	{ "tcp+udp forward, icmp", 1, "192.0.2.10", "198.51.100.2", 0, 0,
	  "192.168.1.30", "192.0.2.10", 0, 0, CT_ST_DST_NAT, "-" },
	{ "hairpin: the masq rule stays", 6, "192.168.1.11", "198.51.100.2",
	  1000, 8080, "192.168.1.10", "198.51.100.2", 80, 1000,
	  CT_ST_SRC_NAT | CT_ST_DST_NAT, "1" },
	{ "hairpin from outside the masq rule", 6, "10.9.9.9",
	  "198.51.100.2", 1000, 8080, "192.168.1.10", "198.51.100.2", 80,
	  1000, CT_ST_SRC_NAT | CT_ST_DST_NAT, "fwd2" },
	{ "by public address", 6, "192.0.2.10", "198.51.100.3", 1, 80,
	  "192.168.1.40", "192.0.2.10", 80, 1, CT_ST_DST_NAT, "fwd5" },
	{ "by the other public address", 6, "192.0.2.10", "198.51.100.4", 1,
	  80, "192.168.1.40", "192.0.2.10", 80, 1, CT_ST_DST_NAT, "fwd6" },
	{ "by an address no forward has", 6, "192.0.2.10", "198.51.100.2", 1,
	  80, "192.168.1.40", "192.0.2.10", 80, 1, CT_ST_DST_NAT, "-" },
	{ "hairpin forward's masquerade leg", 6, "192.168.1.11",
	  "198.51.100.3", 1, 80, "192.168.1.40", "192.168.1.1", 80, 1,
	  CT_ST_SRC_NAT | CT_ST_DST_NAT, "fwd5" },
	{ "hairpin from another LAN (no masquerade, 'from' is the "
	  "internet's)", 6, "192.168.2.10", "198.51.100.3", 1, 80,
	  "192.168.1.40", "192.168.2.10", 80, 1, CT_ST_DST_NAT, "fwd5" },
	{ "a forward without hairpin, LAN client: the masq rule", 6,
	  "192.168.1.11", "198.51.100.4", 1, 80, "192.168.1.40",
	  "198.51.100.2", 80, 1, CT_ST_SRC_NAT | CT_ST_DST_NAT, "1" },
	{ "not translated", 6, "192.0.2.10", "198.51.100.2", 1, 22,
	  "198.51.100.2", "192.0.2.10", 22, 1, 0, "-" },
};

START_TEST(test_ct_rule)
{
	struct nat_ruleset rs;
	struct ct_rules *cr;
	struct ct_entry ce;
	struct masq_err e;
	struct toks t;
	char ref[CT_RULE_REFSIZ];
	int64_t id = 1;
	size_t i;

	err_init(&e);
	nat_ruleset_init(&rs);
	for (i = 0; i < sizeof(ct_masq_rules) / sizeof(ct_masq_rules[0]);
	     i++) {
		struct nat_rule r;

		nat_rule_init(&r);
		split(&t, ct_masq_rules[i]);
		ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), 0);
		r.id = id++;
		nat_ruleset_add_masq(&rs, &r);
	}
	for (i = 0; i < sizeof(ct_fwd_rules) / sizeof(ct_fwd_rules[0]); i++) {
		struct nat_forward f;

		nat_forward_init(&f);
		split(&t, ct_fwd_rules[i]);
		ck_assert_msg(nat_forward_parse_kw(&f, t.v, t.n, &e) == 0,
			      "%s: %s", ct_fwd_rules[i], e.msg);
		f.id = id++;
		nat_ruleset_add_fwd(&rs, &f);
	}
	cr = ct_rules_new(&rs);
	memset(&ce, 0, sizeof(ce));
	ce.family = AF_INET;
	ce.proto = ct_cases[_i].proto;
	ce.status = ct_cases[_i].status;
	inet_pton(AF_INET, ct_cases[_i].osrc, ce.orig.src.b);
	inet_pton(AF_INET, ct_cases[_i].odst, ce.orig.dst.b);
	inet_pton(AF_INET, ct_cases[_i].rsrc, ce.reply.src.b);
	inet_pton(AF_INET, ct_cases[_i].rdst, ce.reply.dst.b);
	ce.orig.sport = ct_cases[_i].osport;
	ce.orig.dport = ct_cases[_i].odport;
	ce.reply.sport = ct_cases[_i].rsport;
	ce.reply.dport = ct_cases[_i].rdport;
	ct_rule_ref(ct_rules_match(cr, &ce), ref);
	ck_assert_msg(!strcmp(ref, ct_cases[_i].want), "%s: rule %s, want %s",
		      ct_cases[_i].what, ref, ct_cases[_i].want);
	ct_rules_free(cr);
	nat_ruleset_done(&rs);
	err_done(&e);
}
END_TEST

/* ---- conntrack helpers (ct_helpers.c) ---- */

static const struct {
	const char *line;	/* "NAME [PORTS]" as typed after `helper add` */
	const char *want;	/* the stored text, or NULL for an error */
	size_t pos, len;	/* the error's mark */
	const char *msg;
} helper_cases[] = {
	{ "ftp", "ftp=21", 0, 0, NULL },
	{ "tftp", "tftp=69", 0, 0, NULL },
	{ "irc 6667,6697,6660-6669", "irc=6667,6697,6660-6669", 0, 0, NULL },
	{ "sip domain", "sip=53", 0, 0, NULL },
	{ "ftpp", NULL, 0, 4, "unknown conntrack helper 'ftpp'" },
	{ "ftp !21", NULL, 4, 1, "cannot be negated" },
	{ "ftp 21,nosuchsvc", NULL, 7, 9, "unknown service" },
	{ "ftp 21-", NULL, 4, 3, "" },
};

START_TEST(test_helper_parse)
{
	struct nat_helpers hs = { 0 };
	struct nat_helper h;
	struct masq_err e;
	struct toks t;
	char *text;
	int rc;

	err_init(&e);
	split(&t, helper_cases[_i].line);
	rc = nat_helper_parse(&h, &t.v[0], t.n > 1 ? &t.v[1] : NULL, &e);
	if (!helper_cases[_i].want) {
		ck_assert_msg(rc == -1, "'%s' was accepted",
			      helper_cases[_i].line);
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_msg(strstr(e.msg, helper_cases[_i].msg), "'%s': %s",
			      helper_cases[_i].line, e.msg);
		ck_assert_msg(e.pos == helper_cases[_i].pos &&
			      e.len == helper_cases[_i].len,
			      "'%s': marked %zu+%zu (%s)", helper_cases[_i].line,
			      e.pos, e.len, e.msg);
		err_done(&e);
		return;
	}
	ck_assert_msg(rc == 0, "'%s': %s", helper_cases[_i].line, e.msg);
	ck_assert_int_eq(nat_helpers_put(&hs, &h), 0);
	text = nat_helpers_format(&hs);
	ck_assert_str_eq(text, helper_cases[_i].want);
	/* the stored text reads back to the same */
	memset(&hs, 0, sizeof(hs));
	ck_assert_int_eq(nat_helpers_parse(&hs, text, &e), 0);
	ck_assert_uint_eq(hs.n, 1);
	ck_assert_int_eq(hs.v[0].proto, h.proto);
	free(text);
	err_done(&e);
}
END_TEST

START_TEST(test_helpers_set)
{
	struct nat_helpers hs;
	struct masq_err e;
	char *text;

	err_init(&e);
	ck_assert_int_eq(nat_helpers_parse(&hs, "tftp=69  irc=6667 ftp=21,2121",
					   &e), 0);
	text = nat_helpers_format(&hs);
	ck_assert_str_eq(text, "ftp=21,2121 irc=6667 tftp=69");	/* sorted */
	free(text);
	ck_assert_int_eq(nat_helpers_del(&hs, "irc"), 0);
	ck_assert_int_eq(nat_helpers_del(&hs, "irc"), -1);
	text = nat_helpers_format(&hs);
	ck_assert_str_eq(text, "ftp=21,2121 tftp=69");
	free(text);
	ck_assert(nat_helper_has_ipv6("ftp"));
	ck_assert(!nat_helper_has_ipv6("irc"));
	/* a stored text that no longer parses names the bad part */
	ck_assert_int_eq(nat_helpers_parse(&hs, "ftp=21 bogus=1", &e), -1);
	ck_assert_uint_eq(e.pos, 7);
	ck_assert_uint_eq(e.len, 5);
	ck_assert_int_eq(nat_helpers_parse(&hs, "", &e), 0);
	ck_assert_uint_eq(hs.n, 0);
	err_done(&e);
}
END_TEST

/* ---- matching a flow against a rule's columns (rule.h) ---------------- */

static const struct net_has_case {
	const char *net, *addr;
	bool in;
} net_has_cases[] = {
	{ "192.168.1.0/24", "192.168.1.0", true },
	{ "192.168.1.0/24", "192.168.1.255", true },
	{ "192.168.1.0/24", "192.168.2.1", false },
	{ "10.0.0.0/9", "10.127.255.255", true },	/* prefix mid-byte */
	{ "10.0.0.0/9", "10.128.0.0", false },
	{ "10.1.2.3", "10.1.2.3", true },		/* a host: /32 */
	{ "10.1.2.3", "10.1.2.4", false },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "0.0.0.0/0", "2001:db8::1", false },		/* other family */
	{ "2001:db8::/33", "2001:db8:7fff::1", true },
	{ "2001:db8::/33", "2001:db8:8000::1", false },
	{ "2001:db8::/32", "192.0.2.1", false },
};

START_TEST(test_net_has)
{
	const struct net_has_case *c = &net_has_cases[_i];
	struct nat_net n;
	uint8_t a[16] = { 0 };
	int fam = strchr(c->addr, ':') ? AF_INET6 : AF_INET;

	ck_assert_int_eq(nat_net_parse(&n, c->net, 0), 0);
	ck_assert_int_eq(inet_pton(fam, c->addr, a), 1);
	ck_assert_msg(nat_net_has(&n, fam, a) == c->in, "%s in %s: want %d",
		      c->addr, c->net, c->in);
}
END_TEST

/* One include list and one exclusion list: 1 in, 0 outside, -1 excluded. */
START_TEST(test_netlist_has)
{
	struct nat_net inc[2], exc[1];
	struct nat_netlist l = { inc, 2, exc, 1 }, any = { NULL, 0, exc, 1 };
	uint8_t a[16] = { 0 };

	ck_assert_int_eq(nat_net_parse(&inc[0], "10.0.0.0/8", 0), 0);
	ck_assert_int_eq(nat_net_parse(&inc[1], "192.168.0.0/16", 0), 0);
	ck_assert_int_eq(nat_net_parse(&exc[0], "10.9.0.0/16", 0), 0);
	inet_pton(AF_INET, "10.1.2.3", a);
	ck_assert_int_eq(nat_netlist_has(&l, AF_INET, a), 1);
	inet_pton(AF_INET, "192.168.7.7", a);
	ck_assert_int_eq(nat_netlist_has(&l, AF_INET, a), 1);
	inet_pton(AF_INET, "10.9.1.1", a);
	ck_assert_int_eq(nat_netlist_has(&l, AF_INET, a), -1);
	ck_assert_int_eq(nat_netlist_has(&any, AF_INET, a), -1);
	inet_pton(AF_INET, "172.16.0.1", a);
	ck_assert_int_eq(nat_netlist_has(&l, AF_INET, a), 0);
	ck_assert_int_eq(nat_netlist_has(&any, AF_INET, a), 1);
}
END_TEST

START_TEST(test_ifname_ports_match)
{
	struct nat_ifname w = { "ppp", true }, x = { "eth0", false };
	struct nat_ports p = { false, 2, { { 80, 80 }, { 8000, 8080 } } };

	ck_assert(nat_ifname_match(&w, "ppp0"));
	ck_assert(nat_ifname_match(&w, "ppp"));
	ck_assert(!nat_ifname_match(&w, "pp0"));
	ck_assert(nat_ifname_match(&x, "eth0"));
	ck_assert(!nat_ifname_match(&x, "eth00"));
	ck_assert(!nat_ifname_match(&x, "eth"));

	ck_assert(nat_ports_has(&p, 80));
	ck_assert(!nat_ports_has(&p, 81));
	ck_assert(nat_ports_has(&p, 8000));
	ck_assert(nat_ports_has(&p, 8080));
	ck_assert(!nat_ports_has(&p, 8081));
	p.n = 0;
	ck_assert(!nat_ports_has(&p, 80));

	ck_assert(nat_proto_has_ports(6) && nat_proto_has_ports(17));
	ck_assert(nat_proto_has_ports(33) && nat_proto_has_ports(132));
	ck_assert(nat_proto_has_ports(136));		/* udplite */
	ck_assert(!nat_proto_has_ports(1) && !nat_proto_has_ports(58));
	ck_assert(!nat_proto_has_ports(47));		/* gre */
}
END_TEST

/* ---- stored text: one reader, one ruleset text (rule_text.c) -------- */

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Every keyword, column and forward case of this file in one ruleset, ids
 * 1.. for the masq rules and 1001.. for the forwards. */
static void
every_form(struct nat_ruleset *rs)
{
	struct nat_forward f;
	struct nat_rule r;
	struct masq_err e;
	struct toks t;
	size_t i;

	err_init(&e);
	nat_ruleset_init(rs);
	for (i = 0; i < N_OF(kw_ok) + N_OF(col_ok); i++) {
		nat_rule_init(&r);
		if (i < N_OF(kw_ok)) {
			split(&t, kw_ok[i].line);
			ck_assert_int_eq(nat_rule_parse_kw(&r, t.v, t.n, &e), 0);
		} else {
			ck_assert_int_eq(nat_rule_parse_columns(&r,
				col_ok[i - N_OF(kw_ok)].line,
				col_ok[i - N_OF(kw_ok)].line, 0, &e), 0);
		}
		r.id = (int64_t)rs->n_masq + 1;
		nat_ruleset_add_masq(rs, &r);
	}
	for (i = 0; i < N_OF(fwd_ok); i++) {
		nat_forward_init(&f);
		split(&t, fwd_ok[i].line);
		ck_assert_int_eq(nat_forward_parse_kw(&f, t.v, t.n, &e), 0);
		f.id = 1001 + (int64_t)i;
		nat_ruleset_add_fwd(rs, &f);
	}
	err_done(&e);
}

/* The ruleset as text and back: every rule and forward the same (model,
 * id, position), and the text stable. */
START_TEST(test_ruleset_text_round_trip)
{
	struct nat_ruleset rs, back;
	char a[1024], b[1024], *text, *ids, *text2, *ids2;
	struct masq_err e;
	size_t i;

	err_init(&e);
	every_form(&rs);
	text = nat_ruleset_text(&rs);
	ids = nat_ruleset_text_ids(&rs);
	ck_assert_uint_eq(nat_ruleset_text_count(text), rs.n_masq + rs.n_fwd);
	nat_ruleset_init(&back);
	ck_assert_msg(nat_ruleset_from_text(&back, text, ids, &e) == 0,
		      "%s", e.msg);
	ck_assert_uint_eq(back.n_masq, rs.n_masq);
	ck_assert_uint_eq(back.n_fwd, rs.n_fwd);
	for (i = 0; i < rs.n_masq; i++) {
		dump(&rs.masq[i], a, sizeof(a));
		dump(&back.masq[i], b, sizeof(b));
		ck_assert_str_eq(b, a);
		ck_assert_int_eq(back.masq[i].id, rs.masq[i].id);
		ck_assert_uint_eq(back.masq[i].pos, i + 1);
	}
	for (i = 0; i < rs.n_fwd; i++) {
		dump_fwd(&rs.fwd[i], a, sizeof(a));
		dump_fwd(&back.fwd[i], b, sizeof(b));
		ck_assert_str_eq(b, a);
		ck_assert_int_eq(back.fwd[i].id, rs.fwd[i].id);
		ck_assert_uint_eq(back.fwd[i].pos, i + 1);
	}
	text2 = nat_ruleset_text(&back);
	ids2 = nat_ruleset_text_ids(&back);
	ck_assert_str_eq(text2, text);
	ck_assert_str_eq(ids2, ids);
	free(text);
	free(ids);
	free(text2);
	free(ids2);
	nat_ruleset_done(&rs);
	nat_ruleset_done(&back);
	err_done(&e);
}
END_TEST

START_TEST(test_ruleset_text_edges)
{
	struct nat_ruleset rs;
	struct masq_err e;
	char *text;

	err_init(&e);
	nat_ruleset_init(&rs);
	text = nat_ruleset_text(&rs);
	ck_assert_str_eq(text, "");
	free(text);
	/* other lines are skipped; ids run out: 0 (a fresh one on restage) */
	ck_assert_int_eq(nat_ruleset_from_text(&rs, "# a comment\n\n"
		"masq add out eth0\nforward add in eth0 dport 80 to "
		"10.0.0.1\nmasq add out eth1", "5 6", &e), 0);
	ck_assert_uint_eq(rs.n_masq, 2);
	ck_assert_uint_eq(rs.n_fwd, 1);
	ck_assert_int_eq(rs.masq[0].id, 5);
	ck_assert_int_eq(rs.fwd[0].id, 6);
	ck_assert_int_eq(rs.masq[1].id, 0);
	ck_assert_uint_eq(rs.masq[1].pos, 2);
	nat_ruleset_done(&rs);
	ck_assert_int_eq(nat_ruleset_from_text(&rs, NULL, NULL, &e), 0);
	ck_assert_uint_eq(rs.n_masq + rs.n_fwd, 0);
	/* a line that no longer parses: the rules before it stay */
	ck_assert_int_eq(nat_ruleset_from_text(&rs, "masq add out eth0\n"
		"masq add out eth0 bogus 1\n", "3 4", &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_msg(strstr(e.msg, "stored masq rule 4 no longer parses"),
		      "%s", e.msg);
	ck_assert_msg(!strstr(e.hint, "masq del"), "%s", e.hint);
	ck_assert_uint_eq(rs.n_masq, 1);
	nat_ruleset_done(&rs);
	err_done(&e);
}
END_TEST

/* A stored rule that no longer parses: ESTORE, its id, the way out. */
START_TEST(test_rule_from_text_errors)
{
	struct nat_forward f;
	struct nat_rule r;
	struct masq_err e;

	err_init(&e);
	nat_rule_init(&r);
	ck_assert_int_eq(nat_rule_from_text(&r, "out eth0 bogus 1", 5, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_msg(strstr(e.msg, "stored masq rule 5 no longer parses"),
		      "%s", e.msg);
	ck_assert_uint_gt(e.len, 0);		/* the bad word is marked */
	ck_assert(e.hint[0]);	/* the parser's, else how to get rid of it */
	nat_rule_done(&r);
	err_done(&e);
	err_init(&e);
	nat_rule_init(&r);
	ck_assert_int_eq(nat_rule_from_text(&r, "out 'eth0", 0, &e), -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_msg(strstr(e.msg, "a stored masq rule no longer parses"),
		      "%s", e.msg);
	nat_rule_done(&r);
	err_done(&e);
	err_init(&e);
	nat_forward_init(&f);
	ck_assert_int_eq(nat_forward_from_text(&f, "in eth0 dport 80", 9, &e),
			 -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	ck_assert_msg(strstr(e.msg, "stored forward rule 9 no longer parses"),
		      "%s", e.msg);
	nat_forward_done(&f);
	err_done(&e);
}
END_TEST

/* The timeouts a revision keeps: text and back. */
START_TEST(test_timeouts_text)
{
	struct nat_timeout_set ts = { 0 }, back;
	struct masq_err e;
	size_t i, n;
	char *text;

	err_init(&e);
	text = nat_timeouts_text(&ts);
	ck_assert_str_eq(text, "");
	ck_assert_int_eq(nat_timeouts_from_text(&back, text, &e), 0);
	ck_assert_mem_eq(&back, &ts, sizeof(ts));
	free(text);
	nat_timeouts_table(&n);
	for (i = 0; i < n; i++) {
		ts.has[i] = true;
		ts.val[i] = (uint32_t)(i * 1000 + 1);
	}
	ts.val[0] = NAT_TIMEOUT_MAX;
	text = nat_timeouts_text(&ts);
	ck_assert_int_eq(nat_timeouts_from_text(&back, text, &e), 0);
	ck_assert_mem_eq(&back, &ts, sizeof(ts));
	free(text);
	memset(&ts, 0, sizeof(ts));
	ts.has[2] = ts.has[10] = true;
	ts.val[2] = 7200;
	ts.val[10] = 60;
	text = nat_timeouts_text(&ts);
	ck_assert_str_eq(text, "tcp-established 7200 udp-unreplied 60");
	free(text);
	ck_assert_int_eq(nat_timeouts_from_text(&back, "tcp-established", &e),
			 -1);
	ck_assert_int_eq(e.code, MASQ_ESTORE);
	err_done(&e);
}
END_TEST

static Suite *
rule_suite(void)
{
	Suite *s = suite_create("rule");
	TCase *tc;

	tc = tcase_create("columns");
	tcase_add_loop_test(tc, test_col_ok, 0,
			    (int)(sizeof(col_ok) / sizeof(col_ok[0])));
	tcase_add_loop_test(tc, test_col_err, 0,
			    (int)(sizeof(col_err) / sizeof(col_err[0])));
	tcase_add_test(tc, test_col_base);
	tcase_add_loop_test(tc, test_snat_ok, 0,
			    sizeof(snat_ok) / sizeof(snat_ok[0]));
	tcase_add_loop_test(tc, test_snat_err, 0,
			    sizeof(snat_err) / sizeof(snat_err[0]));
	tcase_add_test(tc, test_snat_sport);
	tcase_add_loop_test(tc, test_range_worst, 0,
			    sizeof(range_worst) / sizeof(range_worst[0]));
	suite_add_tcase(s, tc);

	/* 32,896 ranges, each checked address by address: seconds on a
	 * loaded machine, more than Check's default 4 */
	tc = tcase_create("ranges");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_range_exhaustive);
	suite_add_tcase(s, tc);

	tc = tcase_create("keywords");
	tcase_add_loop_test(tc, test_kw_ok, 0,
			    (int)(sizeof(kw_ok) / sizeof(kw_ok[0])));
	tcase_add_loop_test(tc, test_kw_err, 0,
			    (int)(sizeof(kw_err) / sizeof(kw_err[0])));
	tcase_add_test(tc, test_kw_hints);
	suite_add_tcase(s, tc);

	tc = tcase_create("forward");
	tcase_add_loop_test(tc, test_fwd_ok, 0,
			    (int)(sizeof(fwd_ok) / sizeof(fwd_ok[0])));
	tcase_add_test(tc, test_ruleset_text_round_trip);
	tcase_add_test(tc, test_ruleset_text_edges);
	tcase_add_test(tc, test_rule_from_text_errors);
	tcase_add_test(tc, test_timeouts_text);
	tcase_add_loop_test(tc, test_fwd_err, 0,
			    (int)(sizeof(fwd_err) / sizeof(fwd_err[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("conntrack helpers");
	tcase_add_loop_test(tc, test_helper_parse, 0,
			    (int)(sizeof(helper_cases) / sizeof(helper_cases[0])));
	tcase_add_test(tc, test_helpers_set);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_loop_test(tc, test_net_has, 0,
			    (int)(sizeof(net_has_cases) /
				  sizeof(net_has_cases[0])));
	tcase_add_test(tc, test_netlist_has);
	tcase_add_test(tc, test_ifname_ports_match);
	suite_add_tcase(s, tc);

	tc = tcase_create("ct_rule");
	tcase_add_loop_test(tc, test_ct_rule, 0,
			    (int)(sizeof(ct_cases) / sizeof(ct_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("helpers");
	tcase_add_loop_test(tc, test_net, 0,
			    (int)(sizeof(net_cases) / sizeof(net_cases[0])));
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_family);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rule_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

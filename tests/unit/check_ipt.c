/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ipt.c - nat/ipt_parse.c: iptables-save dumps into masqsh rules.
 * Table-driven: each case is a dump and either the rules it becomes (masq
 * texts, then "| " and the forward texts) or the error's line, column
 * (1-based, as rendered) and a piece of its message.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "nat/ipt_parse.h"

#define HEAD "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
#define HEADC HEAD ":C - [0:0]\n:D - [0:0]\n"

struct ok_case {
	const char *in, *want;
};

static const struct ok_case ok_cases[] = {
	{ HEAD "-A POSTROUTING -o wan0 -j MASQUERADE\nCOMMIT\n",
	  "out wan0" },
	{ "# c\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n",
	  "" },
	/* without -o: a rule for any interface; every source when it names
	 * none */
	{ HEAD "-A POSTROUTING -s 10.0.0.0/8 -j SNAT --to-source 203.0.113.1"
	  "\n-A POSTROUTING -p udp -j SNAT --to-source 203.0.113.2\nCOMMIT\n",
	  "from 10.0.0.0/8 snat 203.0.113.1\n"
	  "from 0.0.0.0/0 snat 203.0.113.2 proto udp" },
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A POSTROUTING -j C\n"
	  "-A C -d 192.0.2.0/24 -j ACCEPT\nCOMMIT\n",
	  "out wan0 to 192.0.2.0/24 nonat\nto 192.0.2.0/24 nonat" },
	{ HEAD "[3:180] -A POSTROUTING -s 10.0.0.0/255.255.255.0 -o ppp+ "
	  "-p tcp -j SNAT --to-source 203.0.113.1-203.0.113.3:1024-2048 "
	  "--random --persistent\nCOMMIT\n",
	  "out ppp+ from 10.0.0.0/24 snat 203.0.113.1-203.0.113.3 ports "
	  "1024-2048 random persistent proto tcp" },
	/* jump: the chain's rules take the jump's matches */
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A C -s 10.1.0.0/16 -j RETURN\n"
	  "-A C -s 10.0.0.0/8 -j MASQUERADE\n-A C ! -d 192.0.2.0/24 -j "
	  "ACCEPT\nCOMMIT\n",
	  "out wan0 from 10.0.0.0/8 except 10.1.0.0/16\n"
	  "out wan0 to !192.0.2.0/24 except 10.1.0.0/16 nonat" },
	/* a negated RETURN includes: only those go on */
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A C ! -s 10.0.0.0/8 -j RETURN\n"
	  "-A C -j MASQUERADE\nCOMMIT\n", "out wan0 from 10.0.0.0/8" },
	/* goto at the top: what comes back is exempt */
	{ HEADC "-A POSTROUTING -o wan0 -g C\n-A POSTROUTING -o wan1 -j "
	  "MASQUERADE\n-A C -s 10.0.0.0/8 -j MASQUERADE\nCOMMIT\n",
	  "out wan0 from 10.0.0.0/8\nout wan0 nonat\nout wan1" },
	/* unconditional RETURN ends the chain */
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A POSTROUTING -o wan0 -j "
	  "MASQUERADE\n-A C -j RETURN\n-A C -s 10.0.0.0/8 -j SNAT "
	  "--to-source 203.0.113.1\nCOMMIT\n", "out wan0" },
	/* nested chains */
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A C -p udp -j D\n"
	  "-A D -m multiport --dports 53,1000:1010 -m mark --mark 0x1/0xff "
	  "-m owner --uid-owner 0 --gid-owner 5 -m comment --comment "
	  "\"a \\\"b\\\"\" -j MASQUERADE\nCOMMIT\n",
	  "out wan0 proto udp dport 53,1000-1010 mark 0x1/0xff user 0:5 "
	  "comment \"a \\\"b\\\"\"" },
	{ HEAD "-A POSTROUTING -o wan0 -m policy --dir out --pol ipsec "
	  "--reqid 7 -j ACCEPT\n-A POSTROUTING -o wan0 -m policy --dir out "
	  "--pol none -j MASQUERADE\nCOMMIT\n",
	  "out wan0 nonat ipsec reqid=7\nout wan0 ipsec no" },
	/* one value per column: the narrower of two nested ones; a rule
	 * that cannot match after its jump is dead and gives nothing */
	{ HEADC "-A POSTROUTING -s 10.0.0.0/8 -o wan+ -j C\n-A C -s "
	  "10.1.0.0/16 -o wan0 -j MASQUERADE\n-A C -s 192.168.0.0/16 -j "
	  "MASQUERADE\n-A C -o eth0 -j MASQUERADE\n-A C -s 0.0.0.0/0 -o "
	  "wan1 -j SNAT --to-source 203.0.113.1\nCOMMIT\n",
	  "out wan0 from 10.1.0.0/16\nout wan1 from 10.0.0.0/8 snat "
	  "203.0.113.1" },
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A POSTROUTING -o wan0 -j "
	  "MASQUERADE\n-A C ! -s 10.0.0.0/8 -j RETURN\n-A C ! -s "
	  "192.168.0.0/16 -j RETURN\n-A C -j SNAT --to-source 203.0.113.1\n"
	  "COMMIT\n", "out wan0" },
	/* a RETURN on -p: the rest gets the other protocols */
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A C -p icmp -j RETURN\n"
	  "-A C -p tcp -j SNAT --to-source 203.0.113.1\n-A C -p icmp -j "
	  "MASQUERADE\n-A C -j MASQUERADE\nCOMMIT\n",
	  "out wan0 snat 203.0.113.1 proto tcp\nout wan0 proto !icmp" },
	/* what the jump said is not negated again */
	{ HEADC "-A POSTROUTING -o wan0 -p tcp -j C\n-A POSTROUTING -o wan0 "
	  "-j MASQUERADE\n-A C -p tcp -m tcp --dport 25 -j RETURN\n-A C -o "
	  "wan+ -p tcp -j SNAT --to-source 203.0.113.1\nCOMMIT\n",
	  "out wan0 snat 203.0.113.1 proto tcp dport !25\nout wan0" },
	{ HEADC "-A POSTROUTING -o wan0 -p tcp -j C\n-A C -p tcp -j RETURN\n"
	  "-A C -j MASQUERADE\nCOMMIT\n", "" },
	/* built-in chain, no -o for 'nonat': the negation instead */
	{ HEAD "-A POSTROUTING -s 10.9.0.0/16 -j ACCEPT\n-A POSTROUTING "
	  "! -d 10.0.0.0/8 -j RETURN\n-A POSTROUTING -o wan0 -j MASQUERADE\n"
	  "-A POSTROUTING -o wan1 -j RETURN\n-A POSTROUTING -o wan+ -j "
	  "MASQUERADE\nCOMMIT\n",
	  "out wan0 to 10.0.0.0/8 except 10.9.0.0/16\n"
	  "out wan1 to 10.0.0.0/8 except 10.9.0.0/16 nonat\n"
	  "out wan+ to 10.0.0.0/8 except 10.9.0.0/16" },
	/* PREROUTING: ACCEPT excludes from the forwards after it */
	{ HEAD "-A PREROUTING -s 192.0.2.9/32 -j ACCEPT\n-A PREROUTING -i "
	  "wan0 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.5:8080\n"
	  "COMMIT\n",
	  "| in wan0 proto tcp dport 80 to 10.0.0.5:8080 from !192.0.2.9" },
	/* --random-fully: fully-random */
	{ HEAD "-A POSTROUTING -o wan0 -j MASQUERADE --random-fully\n"
	  "-A POSTROUTING -s 10.0.0.0/8 -o wan1 -p tcp -j SNAT --to-source "
	  "203.0.113.1-203.0.113.2:1024-2048 --random-fully --persistent\n"
	  "COMMIT\n",
	  "out wan0 fully-random\nout wan1 from 10.0.0.0/8 snat "
	  "203.0.113.1-203.0.113.2 ports 1024-2048 fully-random persistent "
	  "proto tcp" },
	/* -d HOST on a DNAT: the forward's dst, without the /32 */
	{ HEAD "-A PREROUTING -i wan0 -d 198.51.100.3/32 -p tcp -m tcp "
	  "--dport 80 -j DNAT --to-destination 10.0.0.5\n-A PREROUTING -i "
	  "wan0 -d 198.51.100.4 -p tcp --dport 80 -j DNAT --to-destination "
	  "10.0.0.6:8080\nCOMMIT\n",
	  "| in wan0 dst 198.51.100.3 proto tcp dport 80 to 10.0.0.5\n"
	  "in wan0 dst 198.51.100.4 proto tcp dport 80 to 10.0.0.6:8080" },
	{ "# Generated by ip6tables-save v1.8.9\n" HEAD "-A PREROUTING -i "
	  "wan0 -d 2001:db8::3/128 -p tcp --dport 443 -j DNAT "
	  "--to-destination fd00::5\nCOMMIT\n",
	  "| in wan0 dst 2001:db8::3 proto tcp dport 443 to fd00::5" },
	{ "# Generated by ip6tables-save v1.8.9\n" HEAD "-A PREROUTING -i "
	  "wan0 -p udp --dport 53 -j DNAT --to-destination [fd00::1]:5353\n"
	  "-A POSTROUTING -o wan0 -j MASQUERADE\nCOMMIT\n",
	  "out wan0 from ::/0 | in wan0 proto udp dport 53 to "
	  "[fd00::1]:5353" },
};

struct err_case {
	const char *in;
	unsigned int line, col;
	const char *msg;
};

static const struct err_case err_cases[] = {
	{ "hello\n", 1, 1, "expected a table" },
	{ HEAD "-A POSTROUTING -o wan0 -j MASQUERADE\n", 1, 1, "no COMMIT" },
	{ HEAD "-A POSTROUTING -o wan0 -j LOG\nCOMMIT\n", 4, 27, "'LOG'" },
	{ HEAD "-A POSTROUTING -o wan0 -m state --state NEW -j MASQUERADE\n"
	  "COMMIT\n", 4, 27, "'-m state'" },
	{ HEAD "-A POSTROUTING -o wan0 -p tcp --sport 80 -j MASQUERADE\n"
	  "COMMIT\n", 4, 31, "destination ports only" },
	{ HEAD "-A POSTROUTING ! -o wan0 -j MASQUERADE\nCOMMIT\n", 4, 18,
	  "negated interface" },
	/* the kernel would let --random-fully win: a rule has one */
	{ HEAD "-A POSTROUTING -o wan0 -j MASQUERADE --random --random-fully"
	  "\nCOMMIT\n", 4, 47, "two ways" },
	{ HEAD "-A PREROUTING -i wan0 -p tcp --dport 80 -j DNAT "
	  "--to-destination 10.0.0.5 --random-fully\nCOMMIT\n", 4, 75,
	  "does not go with -j DNAT" },
	{ HEAD "-A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE\nCOMMIT\n", 4, 33,
	  "MASQUERADE without -o" },
	/* -d on a DNAT is the forward's dst: one address, never a network
	 * nor an exclusion (also one that an ACCEPT before it makes) */
	{ HEAD "-A PREROUTING -i wan0 -d 192.0.2.0/24 -p tcp --dport 80 -j "
	  "DNAT --to-destination 10.0.0.5\nCOMMIT\n", 4, 26, "not a network" },
	{ HEAD "-A PREROUTING -i wan0 ! -d 192.0.2.1 -p tcp --dport 80 -j "
	  "DNAT --to-destination 10.0.0.5\nCOMMIT\n", 4, 28, "but 192.0.2.1" },
	{ HEAD "-A PREROUTING -d 192.0.2.9/32 -j ACCEPT\n-A PREROUTING -i "
	  "wan0 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.5\n"
	  "COMMIT\n", 4, 18, "but 192.0.2.9/32" },
	{ HEAD "-A PREROUTING -i wan0 -d 2001:db8::1 -p tcp --dport 80 -j "
	  "DNAT --to-destination 10.0.0.5\nCOMMIT\n", 4, 81, "already uses IPv6" },
	{ HEAD "-A PREROUTING -i wan0 -p tcp --dport 80 -j DNAT "
	  "--to-destination 10.0.0.5-10.0.0.6\nCOMMIT\n", 4, 66, "range" },
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A C -j D\n-A D -j C\nCOMMIT\n",
	  8, 9, "loop" },
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A C -p tcp -j RETURN\n"
	  "-A C ! -p udp -j MASQUERADE\nCOMMIT\n", 8, 11,
	  "cannot be combined" },
	{ HEADC "-A POSTROUTING -o wan0 -j C\n-A C -p tcp --dport 80 -j "
	  "RETURN\n-A C -j MASQUERADE\nCOMMIT\n", 7, 27, "negated" },
	{ HEAD "-A POSTROUTING -o wan0 -j X\nCOMMIT\n", 4, 27, "'X'" },
	{ HEAD "-A POSTROUTING -o wan0 -m comment --comment \"x -j "
	  "MASQUERADE\nCOMMIT\n", 4, 45, "quote" },
	{ HEAD "-A POSTROUTING -o wan0 -s eth0 -j MASQUERADE\nCOMMIT\n", 4,
	  27, "bad address" },
	{ HEAD "-A POSTROUTING -o wan0 -m mark --mark 1:C -j MASQUERADE\n"
	  "COMMIT\n", 4, 40, "bad value" },
	{ HEAD ":OUTPUT ACCEPT [0:0]\n-A OUTPUT -o wan0 -p tcp --dport 1 -j "
	  "DNAT --to-destination 10.0.0.1\nCOMMIT\n", 5, 39, "OUTPUT" },
	{ HEAD "-A POSTROUTING -o wan0 -p tcp -j SNAT --to-source "
	  "203.0.113.1:99999\nCOMMIT\n", 4, 51, "out of range" },
	{ HEAD "*nat\n", 4, 1, "expected '-A CHAIN'" },
};

/* The rules of @im as "m1\nm2 | f1\nf2". */
static char *
joined(const struct ipt_import *im)
{
	struct strbuf b;
	size_t i;

	strbuf_init(&b, 256);
	for (i = 0; i < im->n_masq; i++) {
		if (i)
			strbuf_putc(&b, '\n');
		strbuf_puts(&b, im->masq[i]);
	}
	if (im->n_fwd)
		strbuf_puts(&b, im->n_masq ? " | " : "| ");
	for (i = 0; i < im->n_fwd; i++) {
		if (i)
			strbuf_putc(&b, '\n');
		strbuf_puts(&b, im->fwd[i]);
	}
	return strbuf_take(&b);
}

START_TEST(test_ok)
{
	const struct ok_case *c = &ok_cases[_i];
	struct ipt_import im;
	struct masq_err e;
	char *got;

	err_init(&e);
	ipt_import_init(&im);
	ck_assert_msg(ipt_import_parse(&im, c->in, strlen(c->in), "f", &e)
		      == 0, "case %d: %s", _i, e.msg);
	got = joined(&im);
	ck_assert_str_eq(got, c->want);
	free(got);
	ipt_import_done(&im);
	err_done(&e);
}
END_TEST

START_TEST(test_err)
{
	const struct err_case *c = &err_cases[_i];
	struct ipt_import im;
	struct masq_err e;
	char origin[64];

	err_init(&e);
	ipt_import_init(&im);
	ck_assert_int_eq(ipt_import_parse(&im, c->in, strlen(c->in), "f",
					  &e), -1);
	ck_assert_int_eq(e.code, MASQ_EUSAGE);
	snprintf(origin, sizeof(origin), "f:%u", c->line);
	ck_assert_msg(strcmp(e.origin, origin) == 0, "case %d: origin %s, "
		      "msg %s", _i, e.origin, e.msg);
	ck_assert_msg(e.pos + 1 == c->col, "case %d: col %zu: %s", _i,
		      e.pos + 1, e.msg);
	ck_assert_msg(strstr(e.msg, c->msg) != NULL, "case %d: %s", _i,
		      e.msg);
	ck_assert_uint_eq(im.n_masq + im.n_fwd, 0);
	ipt_import_done(&im);
	err_done(&e);
}
END_TEST

static Suite *
ipt_suite(void)
{
	Suite *s = suite_create("ipt");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_ok, 0,
			    (int)(sizeof(ok_cases) / sizeof(ok_cases[0])));
	tcase_add_loop_test(tc, test_err, 0,
			    (int)(sizeof(err_cases) / sizeof(err_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ipt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_filter.c - unit tests for the filter language (core/filter.c) and
 * the entry helpers (core/ctent.c): parsing to canonical text, errors with
 * the exact span the caret would mark, and matching against hand-built
 * entries.  No kernel needed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/ctent.h"
#include "core/filter.h"
#include "core/tok.h"

/* ---- parsing ------------------------------------------------------------ */

struct parse_case {
	const char *in;
	const char *canon;		/* NULL: an error is expected */
	size_t pos, len;		/* the marked span on error */
};

static const struct parse_case parse_cases[] = {
	{ "", "", 0, 0 },
	{ "nat", "nat", 0, 0 },
	{ "SNAT", "snat", 0, 0 },
	{ "src 10.0.0.0/8", "src 10.0.0.0/8", 0, 0 },
	{ "src 10.1.2.3/8", "src 10.0.0.0/8", 0, 0 },
	{ "src 10.0.0.1", "src 10.0.0.1", 0, 0 },
	{ "sr 10.0.0.1 and sp 80", "src 10.0.0.1 and sport 80", 0, 0 },
	{ "SRC 10.0.0.1 and PROTO TCP", "src 10.0.0.1 and proto tcp", 0, 0 },
	{ "src 10.0.0.1/32", "src 10.0.0.1", 0, 0 },
	{ "dst 2001:db8::1:0/112", "dst 2001:db8::1:0/112", 0, 0 },
	{ "dst 2001:DB8::/32", "dst 2001:db8::/32", 0, 0 },
	{ "gw 203.0.113.5", "gw 203.0.113.5", 0, 0 },
	{ "proto tcp dport 80", "proto tcp and dport 80", 0, 0 },
	{ "proto 6", "proto tcp", 0, 0 },
	{ "proto 250", "proto 250", 0, 0 },
	{ "proto ICMPv6", "proto icmpv6", 0, 0 },
	{ "sport 1024-65535", "sport 1024-65535", 0, 0 },
	{ "gport 80-80", "gport 80", 0, 0 },
	{ "state established", "state ESTABLISHED", 0, 0 },
	{ "state Unreplied", "state unreplied", 0, 0 },
	{ "expires<30", "expires < 30", 0, 0 },
	{ "expires <= 2m", "expires <= 120", 0, 0 },
	{ "expires >1h", "expires > 3600", 0, 0 },
	{ "expires = 1d", "expires = 86400", 0, 0 },
	{ "expires>=90s", "expires >= 90", 0, 0 },
	{ "rule 7", "rule 7", 0, 0 },
	{ "FWD 2", "fwd 2", 0, 0 },
	{ "fwd 2147483647", "fwd 2147483647", 0, 0 },
	{ "snat or dnat and proto udp", "snat or dnat and proto udp", 0, 0 },
	{ "(snat or dnat) and proto udp", "(snat or dnat) and proto udp",
	  0, 0 },
	{ "not (src 10.0.0.0/8 or src 192.168.0.0/16)",
	  "not (src 10.0.0.0/8 or src 192.168.0.0/16)", 0, 0 },
	{ "not not nat", "not not nat", 0, 0 },
	{ "not nat and dnat", "not nat and dnat", 0, 0 },
	{ "((nat))", "nat", 0, 0 },
	{ "(src 10.0.0.0/8)and(dport 80)", "src 10.0.0.0/8 and dport 80",
	  0, 0 },
	{ "nat and (dport 80 or dport 443) and not state TIME_WAIT",
	  "nat and (dport 80 or dport 443) and not state TIME_WAIT", 0, 0 },
	{ "a or b", NULL, 0, 1 },
	/* errors: the span is what the caret marks */
	{ "src", NULL, 0, 3 },
	{ "src foo", NULL, 4, 3 },
	{ "src 10.0.0.0/33", NULL, 13, 2 },
	{ "src 10.0.0.0/", NULL, 4, 9 },
	{ "dst 2001:db8::/129", NULL, 15, 3 },
	{ "src (", NULL, 4, 1 },
	{ "dport 70000", NULL, 6, 5 },
	{ "dport -1", NULL, 6, 2 },
	{ "sport 100-50", NULL, 10, 2 },
	{ "proto xyz", NULL, 6, 3 },
	{ "proto 256", NULL, 6, 3 },
	{ "state estab", NULL, 6, 5 },
	{ "expires 30", NULL, 8, 2 },
	{ "expires < soon", NULL, 10, 4 },
	{ "expires <", NULL, 8, 1 },
	{ "expires", NULL, 0, 7 },
	{ "expires < 5000000000", NULL, 10, 10 },
	{ "expires < 99999999d", NULL, 10, 9 },
	{ "rule 0", NULL, 5, 1 },
	{ "rule x", NULL, 5, 1 },
	{ "fwd 0", NULL, 4, 1 },
	{ "fwd x", NULL, 4, 1 },
	{ "fwd 2147483648", NULL, 4, 10 },
	{ "fwd", NULL, 0, 3 },
	{ "nat or", NULL, 4, 2 },
	{ "nat and", NULL, 4, 3 },
	{ "and nat", NULL, 0, 3 },
	{ "(nat", NULL, 0, 1 },
	{ "nat)", NULL, 3, 1 },
	{ "()", NULL, 1, 1 },
	{ "nat (", NULL, 4, 1 },
	{ "(nat or)", NULL, 5, 2 },
	{ "srcc 10.0.0.1", NULL, 0, 4 },
	/* a unique prefix of a term is the term; an ambiguous one is not */
	{ "s 10.0.0.1", NULL, 0, 1 },
	{ "d 1", NULL, 0, 1 },
	{ "src 10.0.0.1 dport", NULL, 13, 5 },
	{ "src 10.0.0.1 < 3", NULL, 13, 1 },
	{ "not", NULL, 0, 3 },
	{ "nat not", NULL, 4, 3 },
	/* a quoted word no longer lines up: the whole word is marked */
	{ "src '10.0.0.x'", NULL, 4, 10 },
};

START_TEST(test_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	struct masq_err e;
	struct filter *f;
	char *s;

	err_init(&e);
	f = filter_compile_str(c->in, &e);
	if (c->canon) {
		ck_assert_msg(f != NULL, "'%s': unexpected error: %s", c->in,
			      e.msg);
		s = filter_format(f);
		ck_assert_str_eq(s, c->canon);
		free(s);
		filter_free(f);
	} else {
		ck_assert_msg(f == NULL, "'%s' compiled", c->in);
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_msg(e.pos == c->pos && e.len == c->len,
			      "'%s': marked %zu+%zu, want %zu+%zu (%s)", c->in,
			      e.pos, e.len, c->pos, c->len, e.msg);
		ck_assert_ptr_nonnull(e.input);
		ck_assert_str_eq(e.input, c->in);
		ck_assert_msg(e.msg[0] != '\0', "no message");
	}
	err_done(&e);
}
END_TEST

/* Canonical text compiles back to itself. */
START_TEST(test_roundtrip)
{
	const struct parse_case *c = &parse_cases[_i];
	struct filter *f, *g;
	struct masq_err e;
	char *s, *t;

	if (!c->canon)
		return;
	err_init(&e);
	f = filter_compile_str(c->in, &e);
	ck_assert_ptr_nonnull(f);
	s = filter_format(f);
	g = filter_compile_str(s, &e);
	ck_assert_msg(g != NULL, "'%s' does not compile: %s", s, e.msg);
	t = filter_format(g);
	ck_assert_str_eq(s, t);
	free(s);
	free(t);
	filter_free(f);
	filter_free(g);
	err_done(&e);
}
END_TEST

START_TEST(test_hints)
{
	struct masq_err e;

	err_init(&e);
	ck_assert_ptr_null(filter_compile_str("srcc 10.0.0.1", &e));
	ck_assert_str_eq(e.hint, "did you mean 'src'?");
	err_done(&e);
	ck_assert_ptr_null(filter_compile_str("state ESTABLISHD", &e));
	ck_assert_str_eq(e.hint, "did you mean 'ESTABLISHED'?");
	ck_assert_ptr_nonnull(strstr(e.msg, "ESTABLISHD"));
	err_done(&e);
	ck_assert_ptr_null(filter_compile_str("dprot 80", &e));
	ck_assert_str_eq(e.hint, "did you mean 'dport'?");
	err_done(&e);
	ck_assert_ptr_null(filter_compile_str("zzzzzz", &e));
	ck_assert_ptr_nonnull(strstr(e.hint, "expected src, dst"));
	err_done(&e);
}
END_TEST

/* Words cut from a longer command line: the span is relative to the line. */
START_TEST(test_tokens_in_line)
{
	const char *line = "show masq src 10.0.0.0/33 and nat";
	struct tok_list tl = { 0 };
	struct masq_err e;
	struct filter *f;

	err_init(&e);
	ck_assert_int_eq(tok_split(&tl, line, 0, &e), 0);
	ck_assert_uint_eq(tl.n, 6);
	f = filter_compile(tl.v + 2, tl.n - 2, &e);
	ck_assert_ptr_null(f);
	ck_assert_uint_eq(e.pos, 23);
	ck_assert_uint_eq(e.len, 2);
	ck_assert_str_eq(e.input, line);
	err_done(&e);
	f = filter_compile(tl.v + 5, tl.n - 5, &e);
	ck_assert_ptr_nonnull(f);
	tok_list_done(&tl);
	filter_free(f);
	err_done(&e);
}
END_TEST

/* ---- matching ----------------------------------------------------------- */

static void
addr(int family, const char *s, union ct_addr *a)
{
	memset(a, 0, sizeof(*a));
	ck_assert_int_eq(inet_pton(family, s, a->b), 1);
}

/*
 * E0: IPv4 TCP masqueraded, ESTABLISHED, rule 3
 * E1: IPv4 UDP port forward (DNAT), unreplied, forward 5 ("fwd5")
 * E2: IPv6 TCP without NAT, TIME_WAIT
 * E3: IPv4 ICMP echo masqueraded, unreplied
 */
#define NENT 4
static struct ct_entry ents[NENT];

static void
ents_setup(void)
{
	struct ct_entry *e;

	memset(ents, 0, sizeof(ents));
	e = &ents[0];
	e->family = AF_INET;
	e->proto = IPPROTO_TCP;
	e->tcp_state = CT_TCP_ESTABLISHED;
	e->status = CT_ST_SEEN_REPLY | CT_ST_ASSURED | CT_ST_CONFIRMED |
		    CT_ST_SRC_NAT;
	e->timeout = 431999;
	e->rule_id = 3;
	addr(AF_INET, "192.168.1.10", &e->orig.src);
	addr(AF_INET, "198.51.100.7", &e->orig.dst);
	e->orig.sport = 40000;
	e->orig.dport = 443;
	addr(AF_INET, "198.51.100.7", &e->reply.src);
	addr(AF_INET, "203.0.113.5", &e->reply.dst);
	e->reply.sport = 443;
	e->reply.dport = 61000;

	e = &ents[1];
	e->family = AF_INET;
	e->proto = IPPROTO_UDP;
	e->status = CT_ST_CONFIRMED | CT_ST_DST_NAT;
	e->timeout = 25;
	e->rule_id = CT_RULE_FWD | 5;
	addr(AF_INET, "198.51.100.9", &e->orig.src);
	addr(AF_INET, "203.0.113.5", &e->orig.dst);
	e->orig.sport = 5353;
	e->orig.dport = 8080;
	addr(AF_INET, "192.168.1.20", &e->reply.src);
	addr(AF_INET, "198.51.100.9", &e->reply.dst);
	e->reply.sport = 80;
	e->reply.dport = 5353;

	e = &ents[2];
	e->family = AF_INET6;
	e->proto = IPPROTO_TCP;
	e->tcp_state = CT_TCP_TIME_WAIT;
	e->status = CT_ST_SEEN_REPLY | CT_ST_CONFIRMED;
	e->timeout = 100;
	addr(AF_INET6, "fd00::5", &e->orig.src);
	addr(AF_INET6, "2001:db8::1", &e->orig.dst);
	e->orig.sport = 1234;
	e->orig.dport = 22;
	e->reply.src = e->orig.dst;
	e->reply.dst = e->orig.src;
	e->reply.sport = 22;
	e->reply.dport = 1234;

	e = &ents[3];
	e->family = AF_INET;
	e->proto = IPPROTO_ICMP;
	e->status = CT_ST_CONFIRMED | CT_ST_SRC_NAT;
	e->timeout = 29;
	addr(AF_INET, "192.168.1.11", &e->orig.src);
	addr(AF_INET, "192.0.2.1", &e->orig.dst);
	e->orig.sport = 77;
	e->orig.icmp_type = 8;
	addr(AF_INET, "192.0.2.1", &e->reply.src);
	addr(AF_INET, "203.0.113.6", &e->reply.dst);
	e->reply.sport = 77;
}

struct match_case {
	const char *in;
	const char *want;		/* '1'/'0' per entry E0..E3 */
};

static const struct match_case match_cases[] = {
	{ "", "1111" },
	{ "nat", "1101" },
	{ "snat", "1001" },
	{ "dnat", "0100" },
	{ "not nat", "0010" },
	{ "src 192.168.0.0/16", "1001" },
	{ "src 192.168.1.10", "1000" },
	{ "src fd00::/8", "0010" },
	{ "src ::/0", "0010" },
	{ "src 0.0.0.0/0", "1101" },
	{ "dst 203.0.113.5", "0100" },
	{ "dst 2001:db8::1", "0010" },
	{ "gw 203.0.113.5", "1100" },
	{ "gw 203.0.113.0/24", "1101" },
	{ "gw 192.168.1.20", "0000" },
	{ "gw ::/0", "0000" },
	{ "gport 61000", "1000" },
	{ "gport 8080", "0100" },
	{ "gport 0-65535", "1100" },
	{ "dport 443", "1000" },
	{ "sport 1234", "0010" },
	{ "dport 0-1024", "1010" },
	{ "sport 77", "0000" },
	{ "proto tcp", "1010" },
	{ "proto udp", "0100" },
	{ "proto icmp", "0001" },
	{ "proto 17", "0100" },
	{ "state established", "1000" },
	{ "state TIME_WAIT", "0010" },
	{ "state unreplied", "0101" },
	{ "state replied", "1010" },
	{ "state assured", "1000" },
	{ "expires < 30", "0101" },
	{ "expires <= 29", "0101" },
	{ "expires < 29", "0100" },
	{ "expires = 100", "0010" },
	{ "expires > 1h", "1000" },
	{ "expires >= 100", "1010" },
	{ "rule 3", "1000" },
	/* a forward's id never passes for a masq rule's, nor the reverse */
	{ "rule 5", "0000" },
	{ "fwd 5", "0100" },
	{ "fwd 3", "0000" },
	{ "not fwd 5", "1011" },
	{ "rule 3 or fwd 5", "1100" },
	{ "not rule 3", "0111" },
	{ "nat and not snat", "0100" },
	{ "snat or dnat and proto udp", "1101" },
	{ "(snat or dnat) and proto udp", "0100" },
	{ "proto tcp dport 443", "1000" },
	{ "proto tcp and dport 443", "1000" },
	{ "not (proto tcp or proto udp)", "0001" },
	{ "not not snat", "1001" },
	{ "src 192.168.1.0/24 and (dport 443 or proto icmp)", "1001" },
};

START_TEST(test_match)
{
	const struct match_case *c = &match_cases[_i];
	struct masq_err e;
	struct filter *f;
	char got[NENT + 1];
	int k;

	err_init(&e);
	f = filter_compile_str(c->in, &e);
	ck_assert_msg(f != NULL, "'%s': %s", c->in, e.msg);
	for (k = 0; k < NENT; k++)
		got[k] = filter_match(f, &ents[k]) ? '1' : '0';
	got[NENT] = '\0';
	ck_assert_msg(!strcmp(got, c->want), "'%s' matched %s, want %s",
		      c->in, got, c->want);
	filter_free(f);
	err_done(&e);
}
END_TEST

START_TEST(test_null_filter)
{
	ck_assert(filter_match(NULL, &ents[0]));
	ck_assert(!filter_implies_nat(NULL));
	ck_assert(!filter_uses_rule(NULL));
}
END_TEST

struct implies_case {
	const char *in;
	bool nat, rule;
};

static const struct implies_case implies_cases[] = {
	{ "", false, false },
	{ "nat", true, false },
	{ "gw 10.0.0.1", true, false },
	{ "gport 80 and rule 4", true, true },
	{ "snat or dnat", true, false },
	{ "snat or proto tcp", false, false },
	{ "proto tcp and dnat", true, false },
	{ "not nat", false, false },
	{ "not rule 2", false, true },
	{ "fwd 2", true, true },
	{ "not fwd 2", false, true },
};

START_TEST(test_implies)
{
	const struct implies_case *c = &implies_cases[_i];
	struct masq_err e;
	struct filter *f;

	err_init(&e);
	f = filter_compile_str(c->in, &e);
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(filter_implies_nat(f) == c->nat, "'%s' nat", c->in);
	ck_assert_msg(filter_uses_rule(f) == c->rule, "'%s' rule", c->in);
	filter_free(f);
}
END_TEST

/* ---- ctent helpers ------------------------------------------------------ */

START_TEST(test_ctent)
{
	const union ct_addr *a;
	char buf[CT_ADDRSTRLEN];
	uint16_t port = 0;

	ck_assert_str_eq(ctent_proto_name(IPPROTO_TCP), "tcp");
	ck_assert_ptr_null(ctent_proto_name(250));
	ck_assert_int_eq(ctent_proto_parse("UDP"), IPPROTO_UDP);
	ck_assert_int_eq(ctent_proto_parse("ipv6-icmp"), IPPROTO_ICMPV6);
	ck_assert_int_eq(ctent_proto_parse("nope"), -1);
	ck_assert_str_eq(ctent_tcp_state_name(CT_TCP_TIME_WAIT), "TIME_WAIT");
	ck_assert_str_eq(ctent_tcp_state_name(CT_TCP_NONE), "");
	ck_assert_str_eq(ctent_tcp_state_name(200), "");
	ck_assert_int_eq(ctent_tcp_state_parse("syn_sent2"), CT_TCP_SYN_SENT2);
	ck_assert_int_eq(ctent_tcp_state_parse(""), -1);

	ck_assert(ctent_gateway(&ents[0], &a, &port));
	ck_assert_str_eq(ctent_addr_format(AF_INET, a, buf), "203.0.113.5");
	ck_assert_uint_eq(port, 61000);
	ck_assert(ctent_gateway(&ents[1], &a, &port));
	ck_assert_str_eq(ctent_addr_format(AF_INET, a, buf), "203.0.113.5");
	ck_assert_uint_eq(port, 8080);
	ck_assert(!ctent_gateway(&ents[2], &a, &port));
	ck_assert_str_eq(ctent_addr_format(AF_INET6, &ents[2].orig.src, buf),
			 "fd00::5");
}
END_TEST

static Suite *
filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse, 0,
			    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_loop_test(tc, test_roundtrip, 0,
			    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_tokens_in_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_checked_fixture(tc, ents_setup, NULL);
	tcase_add_loop_test(tc, test_match, 0,
			    sizeof(match_cases) / sizeof(match_cases[0]));
	tcase_add_test(tc, test_null_filter);
	tcase_add_loop_test(tc, test_implies, 0,
			    sizeof(implies_cases) / sizeof(implies_cases[0]));
	tcase_add_test(tc, test_ctent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(filter_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

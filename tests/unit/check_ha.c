/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ha.c - unit tests for the NAT pair's settings and files
 * (ctl/ha.h): virtual address words (accepted with their canonical form,
 * refused ones), the stored settings' parser, the paths under a
 * directory, the keepalived file's sync group and instances, the notify
 * script's conntrackd steps in their documented order, and the numbers
 * read from conntrackd 1.4.7's `-s` text, the helpers' ExpectationSync
 * written and read back.  No kernel needed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "ctl/ha.h"

static const struct {
	const char *in, *addr;
	unsigned int plen;
} vip_ok[] = {
	{ "192.168.1.1/24", "192.168.1.1", 24 },
	{ "198.51.100.2", "198.51.100.2", 32 },
	{ "2001:DB8:0::2/64", "2001:db8::2", 64 },
	{ "fd00::1", "fd00::1", 128 },
	{ "10.0.0.1/0", "10.0.0.1", 0 },
};

START_TEST(test_vip_ok)
{
	struct ha_vip v;
	struct masq_err e;

	err_init(&e);
	ck_assert_int_eq(ha_vip_parse(&v, "lan0", vip_ok[_i].in, &e), 0);
	ck_assert_str_eq(v.addr, vip_ok[_i].addr);
	ck_assert_uint_eq(v.plen, vip_ok[_i].plen);
	ck_assert_str_eq(v.ifname, "lan0");
	err_done(&e);
}
END_TEST

static const char *const vip_bad[] = {
	"192.168.1.1/33", "192.168.1.1/", "192.168.1.1/+4", "192.168.1.1/ 4",
	"192.168.1.1/0x8", "192.168.1.256", "1.2.3.4/24/1", "fd00::1/129",
	"", "/24", "host.example/24", "192.168.1.1/0024",
};

START_TEST(test_vip_bad)
{
	struct ha_vip v;
	struct masq_err e;

	err_init(&e);
	ck_assert_int_eq(ha_vip_parse(&v, "lan0", vip_bad[_i], &e), -1);
	ck_assert_int_eq(e.code, MASQ_EUSAGE);
	err_done(&e);
}
END_TEST

static const char *const ifname_bad[] = {
	"", "a/b", "a b", "a\"b", "a#b", "a;b", "abcdefghijklmnop", "a\nb",
	"a{b", "a}b",
};

START_TEST(test_ifname_bad)
{
	struct masq_err e;

	err_init(&e);
	ck_assert_int_eq(ha_ifname_check(ifname_bad[_i], &e), -1);
	err_done(&e);
}
END_TEST

START_TEST(test_settings)
{
	struct ha_conf c;
	struct masq_err e;

	err_init(&e);
	ha_conf_init(&c);
	ck_assert(!ha_conf_any(&c));
	ck_assert_int_eq(ha_conf_set(&c, "vips", "lan0 192.168.1.1/24\n"
				     "wan0 198.51.100.2/24\nlan0 10.1.1.1",
				     &e), 0);
	ck_assert_uint_eq(c.n_vips, 3);
	ck_assert_uint_eq(ha_vrid_of(&c, "lan0"), 51);
	ck_assert_uint_eq(ha_vrid_of(&c, "wan0"), 52);
	ck_assert_uint_eq(ha_vrid_of(&c, "eth9"), 0);
	ck_assert_int_eq(ha_conf_set(&c, "sync.peer", "10.9.0.2", &e), 0);
	/* one family for peer and local */
	ck_assert_int_eq(ha_conf_set(&c, "sync.local", "fd00::1", &e), -1);
	ck_assert_int_eq(ha_conf_set(&c, "priority", "0", &e), -1);
	ck_assert_int_eq(ha_conf_set(&c, "priority", "254", &e), 0);
	ck_assert_int_eq(ha_conf_set(&c, "vrid", "240", &e), -1);
	ck_assert_int_eq(ha_conf_set(&c, "role", "boss", &e), -1);
	ck_assert_int_eq(ha_conf_set(&c, "colour", "red", &e), -1);
	/* a bad line leaves the VIPs as they were */
	ck_assert_int_eq(ha_conf_set(&c, "vips", "lan0 1.2.3.4\nbad", &e), -1);
	ck_assert_uint_eq(c.n_vips, 3);
	err_done(&e);
}
END_TEST

START_TEST(test_paths)
{
	struct ha_paths p;
	struct masq_err e;
	char longdir[200];

	err_init(&e);
	ck_assert_int_eq(ha_paths_init(&p, NULL, &e), 0);
	ck_assert_str_eq(p.keepalived_conf, "/etc/keepalived/keepalived.conf");
	ck_assert_int_eq(ha_paths_init(&p, "/tmp/x//", &e), 0);
	ck_assert_str_eq(p.ctl_socket, "/tmp/x/conntrackd.ctl");
	ck_assert_int_eq(ha_paths_init(&p, "tmp/x", &e), -1);
	ck_assert_int_eq(ha_paths_init(&p, "/tmp/$x", &e), -1);
	memset(longdir, 'a', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	ck_assert_int_eq(ha_paths_init(&p, longdir, &e), -1);
	err_done(&e);
}
END_TEST

/* The pair of tests/netns/650, as master. */
static void
pair(struct ha_conf *c)
{
	struct masq_err e;

	err_init(&e);
	ha_conf_init(c);
	ck_assert_int_eq(ha_conf_set(c, "sync.dev", "sync0", &e), 0);
	ck_assert_int_eq(ha_conf_set(c, "sync.peer", "10.9.0.2", &e), 0);
	ck_assert_int_eq(ha_conf_set(c, "sync.local", "10.9.0.1", &e), 0);
	ck_assert_int_eq(ha_conf_set(c, "role", "master", &e), 0);
	ck_assert_int_eq(ha_conf_set(c, "priority", "150", &e), 0);
	ck_assert_int_eq(ha_conf_set(c, "vips", "lan0 192.168.1.1/24\n"
				     "wan0 198.51.100.2/24\nwan0 2001:db8::2/64",
				     &e), 0);
	err_done(&e);
}

START_TEST(test_keepalived)
{
	struct ha_conf c;
	struct ha_paths p;
	struct masq_err e;
	char *t;

	err_init(&e);
	pair(&c);
	ck_assert_int_eq(ha_paths_init(&p, "/run/t", &e), 0);
	ck_assert_int_eq(ha_keepalived_text(&c, &p, &t, &e), 0);
	ck_assert_ptr_nonnull(strstr(t, "vrrp_sync_group masqsh {\n\tgroup {\n"
				     "\t\tmasqsh_lan0\n\t\tmasqsh_wan0\n\t}"));
	ck_assert_ptr_nonnull(strstr(t, "notify_master \"/run/t/masqsh-ha-"
				     "notify.sh primary\""));
	ck_assert_ptr_nonnull(strstr(t, "\tstate MASTER\n\tinterface wan0\n"));
	ck_assert_ptr_nonnull(strstr(t, "virtual_router_id 52\n"
				     "\tpriority 150\n"));
	ck_assert_ptr_nonnull(strstr(t, "\t\t198.51.100.2/24 dev wan0\n"));
	ck_assert_ptr_nonnull(strstr(t, "virtual_ipaddress_excluded {\n"
				     "\t\t2001:db8::2/64 dev wan0\n"));
	/* the directory's script is in /run/t: no script security there */
	ck_assert_ptr_null(strstr(t, "enable_script_security"));
	free(t);
	ha_conf_init(&c);
	ck_assert_int_eq(ha_keepalived_text(&c, &p, &t, &e), -1);
	err_done(&e);
}
END_TEST

/* ExpectationSync in the generated conntrackd.conf: the helpers named,
 * inside Sync's Options; no block without helpers. */
START_TEST(test_conntrackd_helpers)
{
	struct ha_conf c;
	struct ha_paths p;
	struct masq_err e;
	char *t;

	err_init(&e);
	pair(&c);
	ck_assert_int_eq(ha_paths_init(&p, "/run/t", &e), 0);
	ck_assert_int_eq(ha_conntrackd_text(&c, &p, &t, &e), 0);
	ck_assert_ptr_null(strstr(t, "ExpectationSync"));
	ck_assert_int_eq(ha_expect_sync_covers(t, "ftp"), 0);
	free(t);
	c.n_helpers = 2;
	strcpy(c.helpers[0], "ftp");
	strcpy(c.helpers[1], "netbios-ns");
	ck_assert_int_eq(ha_conntrackd_text(&c, &p, &t, &e), 0);
	ck_assert_ptr_nonnull(strstr(t, "\t\tTCPWindowTracking Off\n"
				     "\t\t# the helpers' expectations"));
	ck_assert_ptr_nonnull(strstr(t, "\t\tExpectationSync {\n\t\t\tftp\n"
				     "\t\t\tnetbios-ns\n\t\t}\n\t}\n}\n"
				     "General {"));
	ck_assert_int_eq(ha_expect_sync_covers(t, "ftp"), 1);
	ck_assert_int_eq(ha_expect_sync_covers(t, "netbios-ns"), 1);
	ck_assert_int_eq(ha_expect_sync_covers(t, "sip"), 0);
	free(t);
	err_done(&e);
}
END_TEST

static const struct {
	const char *text, *helper;
	int covers;
} expect_vec[] = {
	{ "", "ftp", 0 },
	{ "ExpectationSync On", "ftp", 1 },
	{ "expectationsync ON\n", "sip", 1 },
	{ "ExpectationSync Off", "ftp", 0 },
	{ "ExpectationSync{ftp}", "ftp", 1 },
	{ "ExpectationSync {\n\tsip # ftp\n\tftp\n}", "ftp", 1 },
	{ "ExpectationSync {\n\tsip # ftp\n}", "ftp", 0 },
	{ "# ExpectationSync On\n", "ftp", 0 },
	{ "#ExpectationSync { ftp }", "ftp", 0 },
	{ "ExpectationSync { ftpx ftp2 }", "ftp", 0 },
	{ "ExpectationSync { FTP }", "ftp", 0 },	/* names exactly */
	/* the last one counts */
	{ "ExpectationSync { ftp }\nExpectationSync Off", "ftp", 0 },
	{ "ExpectationSync Off\nExpectationSync { ftp }", "ftp", 1 },
	{ "ExpectationSync", "ftp", 0 },
	{ "ExpectationSync { ftp", "ftp", 1 },
	{ "ExpectationSync } ftp", "ftp", 0 },
	{ "TCPWindowTracking ExpectationSync", "ftp", 0 },
};

START_TEST(test_expect_sync)
{
	ck_assert_int_eq(ha_expect_sync_covers(expect_vec[_i].text,
					       expect_vec[_i].helper),
			 expect_vec[_i].covers);
}
END_TEST

START_TEST(test_notify_order)
{
	struct ha_conf c;
	struct ha_paths p;
	struct masq_err e;
	const char *steps[] = { "run -c", "run -f", "run -R", "run -B",
		"backup)", "run -t", "run -n", "fault)", "run -t" };
	const char *at;
	char *t;
	size_t i;

	err_init(&e);
	pair(&c);
	ck_assert_int_eq(ha_paths_init(&p, "/run/t", &e), 0);
	ck_assert_int_eq(ha_notify_text(&c, &p, &t, &e), 0);
	ck_assert_ptr_nonnull(strstr(t, "CONF=/run/t/conntrackd.conf\n"));
	at = strstr(t, "primary)");
	ck_assert_ptr_nonnull(at);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		at = strstr(at, steps[i]);
		ck_assert_msg(at != NULL, "step %s out of order", steps[i]);
	}
	free(t);
	err_done(&e);
}
END_TEST

static const char stats_147[] =
	"cache internal:\n"
	"current active connections:\t           2\n"
	"connections created:\t\t           6\tfailed:\t           1\n"
	"connections updated:\t\t           2\tfailed:\t           0\n"
	"\ncache external:\n"
	"current active connections:\t           7\n"
	"connections created:\t\t           8\tfailed:\t           2\n"
	"\ntraffic processed:\n"
	"                   0 Bytes                         0 Pckts\n"
	"\nUDP traffic (active device=sync0):\n"
	"                 728 Bytes sent                 1024 Bytes recv\n"
	"                  30 Pckts sent                   29 Pckts recv\n"
	"                   3 Error send                    4 Error recv\n"
	"\nmessage tracking:\n"
	"                   5 Malformed msgs                    6 Lost msgs\n";

START_TEST(test_stats)
{
	struct ha_ctd_stats s;

	ha_ctd_stats_parse(stats_147, &s);
	ck_assert(s.seen_cache && s.seen_sync);
	ck_assert_uint_eq(s.active_internal, 2);
	ck_assert_uint_eq(s.active_external, 7);
	ck_assert_uint_eq(s.failed, 3);
	ck_assert_uint_eq(s.pkts_sent, 30);
	ck_assert_uint_eq(s.pkts_recv, 29);
	ck_assert_uint_eq(s.err_send, 3);
	ck_assert_uint_eq(s.err_recv, 4);
	ck_assert_uint_eq(s.malformed, 5);
	ck_assert_uint_eq(s.lost, 6);
	ha_ctd_stats_parse("connect: No such file or directory\n", &s);
	ck_assert(!s.seen_cache && !s.seen_sync && !s.pkts_recv);
}
END_TEST

/* FIPS 180-4 / NIST example vectors, fed whole and byte by byte. */
static const struct { const char *in, *hex; } sha_vec[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

START_TEST(test_sha256)
{
	char hex[SHA256_HEXLEN + 1];
	uint8_t d[SHA256_LEN];
	struct sha256 st;
	size_t i, n = strlen(sha_vec[_i].in);

	sha256_hex(sha_vec[_i].in, n, hex);
	ck_assert_str_eq(hex, sha_vec[_i].hex);
	sha256_init(&st);
	for (i = 0; i < n; i++)
		sha256_update(&st, sha_vec[_i].in + i, 1);
	sha256_final(&st, d);
	for (i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	ck_assert_str_eq(hex, sha_vec[_i].hex);
}
END_TEST

START_TEST(test_digest_parse)
{
	char hex[HA_DIGEST_HEXLEN + 1];
	struct masq_err e;

	err_init(&e);
	ck_assert_int_eq(ha_digest_parse("sha256:BA7816BF8F01CFEA414140DE5DAE"
		"2223B00361A396177A9CB410FF61F20015AD", hex, &e), 0);
	ck_assert_str_eq(hex, sha_vec[1].hex);
	ck_assert_int_eq(ha_digest_parse("ba78", hex, &e), -1);
	ck_assert_int_eq(e.code, MASQ_EUSAGE);
	ck_assert_str_eq(e.msg, "a digest is 64 hex digits, not 4");
	err_reset(&e);
	ck_assert_int_eq(ha_digest_parse("ba7816bf8f01cfea414140de5dae2223b0"
		"0361a396177a9cb410ff61f20015adz", hex, &e), -1);
	ck_assert_str_eq(e.msg, "a digest is 64 hex digits; position 65 is "
			 "not one");
	err_reset(&e);
	ck_assert_int_eq(ha_digest_parse("ba7816bf8f01cfea414140de5dae2223b0"
		"0361a396177a9cb410ff61f20015ad0", hex, &e), -1);
	ck_assert_str_eq(e.msg, "a digest is 64 hex digits; this one is "
			 "longer");
	err_done(&e);
}
END_TEST

static char diff_got[512];

static void
diff_note(void *arg, char side, const char *line, size_t len)
{
	(void)arg;
	snprintf(diff_got + strlen(diff_got), sizeof(diff_got) -
		 strlen(diff_got), "%c%.*s|", side, (int)len, line);
}

/* {here, peer, differences, what is reported in order} */
static const struct { const char *a, *b; size_t n; const char *got; }
cmp_vec[] = {
	{ "x\ny\n", "x\ny\n", 0, "" },
	{ "x\ny\n", "x\r\n\n  \ny  \n", 0, "" },	/* CR, blanks */
	{ "x\ny\n", "y\nx\n", 0, "" },		/* order: sets */
	{ "x\ny\nz", "x\nw\ny\n", 2, "-z|+w|" },
	{ "x\nx\ny\n", "x\ny\n", 1, "-x|" },	/* a multiset */
	{ "", "a\n\nb", 2, "+a|+b|" },
	{ "  a b\n", "a b\n", 2, "-  a b|+a b|" },	/* indent counts */
};

START_TEST(test_rules_order)
{
	const char *a, *b;
	size_t al, bl;

	ck_assert_uint_eq(ha_rules_order("x\ny\n", "x\r\n\ny \n", &a, &al,
					 &b, &bl), 0);
	ck_assert_uint_eq(ha_rules_order("x\n\ny\nz", "x\nz\ny", &a, &al,
					 &b, &bl), 2);
	ck_assert(al == 1 && *a == 'y' && bl == 1 && *b == 'z');
	ck_assert_uint_eq(ha_rules_order("x\n", "x\ny\n", &a, &al, &b, &bl),
			  0);
}
END_TEST

START_TEST(test_rules_compare)
{
	diff_got[0] = '\0';
	ck_assert_uint_eq(ha_rules_compare(cmp_vec[_i].a, cmp_vec[_i].b,
					   diff_note, NULL), cmp_vec[_i].n);
	ck_assert_str_eq(diff_got, cmp_vec[_i].got);
}
END_TEST

static Suite *
ha_suite(void)
{
	Suite *s = suite_create("ha");
	TCase *tc = tcase_create("ha");

	tcase_add_loop_test(tc, test_vip_ok, 0,
			    (int)(sizeof(vip_ok) / sizeof(vip_ok[0])));
	tcase_add_loop_test(tc, test_vip_bad, 0,
			    (int)(sizeof(vip_bad) / sizeof(vip_bad[0])));
	tcase_add_loop_test(tc, test_ifname_bad, 0,
			    (int)(sizeof(ifname_bad) / sizeof(ifname_bad[0])));
	tcase_add_test(tc, test_settings);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_keepalived);
	tcase_add_test(tc, test_conntrackd_helpers);
	tcase_add_loop_test(tc, test_expect_sync, 0,
			    (int)(sizeof(expect_vec) / sizeof(expect_vec[0])));
	tcase_add_test(tc, test_notify_order);
	tcase_add_test(tc, test_stats);
	tcase_add_loop_test(tc, test_sha256, 0,
			    (int)(sizeof(sha_vec) / sizeof(sha_vec[0])));
	tcase_add_test(tc, test_digest_parse);
	tcase_add_test(tc, test_rules_order);
	tcase_add_loop_test(tc, test_rules_compare, 0,
			    (int)(sizeof(cmp_vec) / sizeof(cmp_vec[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ha_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_mtu.c - unit tests for the path-MTU search (diag/mtu_search.c):
 * driven by a pass/fail oracle standing in for the network, each case
 * checks every size tried, round by round, and the answer.  No kernel,
 * no sockets.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/mtu.h"

enum oracle_kind {
	OR_PMTUD,		/* above @mtu: frag-needed naming @mtu */
	OR_PMTUD_NOMTU,		/* above @mtu: frag-needed naming 0 */
	OR_BLACKHOLE,		/* above @mtu: silence */
	OR_DEAD,		/* nothing answers at all */
	OR_FLAKY,		/* like PMTUD, but @flaky is lost the 1st time */
};

struct search_case {
	const char *name;
	unsigned int hi;		/* the link MTU */
	enum oracle_kind kind;
	unsigned int mtu;		/* the real path MTU */
	unsigned int flaky;
	unsigned int want_mtu;		/* the answer (maxpass) */
	enum mtu_answer want_fail;	/* how minfail failed */
	/* the sizes of each round, space separated; rounds by '|' */
	const char *want_rounds;
};

static const struct search_case cases[] = {
	{ "pmtud 1400", 1500, OR_PMTUD, 1400, 0, 1400, MTU_FRAG,
	  "1500 1492 1480 1460 1400 1280 576 84|1401" },
	{ "black hole 1400", 1500, OR_BLACKHOLE, 1400, 0, 1400, MTU_LOST,
	  "1500 1492 1480 1460 1400 1280 576 84"
	  "|1460 1406 1413 1420 1426 1433 1440 1446 1453"
	  "|1406 1401 1402 1403 1404 1405|1401" },
	{ "link 1492 all pass", 1492, OR_PMTUD, 1500, 0, 1492, MTU_NONE,
	  "1492 1480 1460 1400 1280 576 84" },
	{ "pppoe 1492 beyond a 1500 link", 1500, OR_PMTUD, 1492, 0, 1492,
	  MTU_FRAG, "1500 1492 1480 1460 1400 1280 576 84|1493" },
	{ "nothing answers", 1500, OR_DEAD, 0, 0, 0, MTU_LOST,
	  "1500 1492 1480 1460 1400 1280 576 84|84" },
	{ "frag-needed without an MTU (RFC 792 router)", 1500,
	  OR_PMTUD_NOMTU, 1234, 0, 1234, MTU_FRAG,
	  "1500 1492 1480 1460 1400 1280 576 84"
	  "|654 732 810 888 967 1045 1123 1201"
	  "|1209 1218 1227 1236 1244 1253 1262 1271"
	  "|1228 1229 1230 1231 1232 1233 1234 1235" },
	{ "one lost probe is retried", 1500, OR_FLAKY, 1400, 1460, 1400,
	  MTU_FRAG, "1500 1492 1480 1460 1400 1280 576 84|1460 1401" },
	{ "jumbo link, black hole at 1500", 9000, OR_BLACKHOLE, 1500, 0,
	  1500, MTU_LOST,
	  "9000 1500 1492 1480 1460 1400 1280 576 84"
	  "|9000 2333 3166 4000 4833 5666 6500 7333 8166"
	  "|2333 1592 1685 1777 1870 1962 2055 2147 2240"
	  "|1592 1510 1520 1530 1540 1551 1561 1571 1581"
	  "|1510 1501 1502 1503 1504 1505 1506 1507 1508|1501" },
};

struct oracle {
	const struct search_case *c;
	unsigned int flaky_seen;
};

static enum mtu_answer
ask(struct oracle *o, unsigned int size, unsigned int *mtu)
{
	const struct search_case *c = o->c;

	*mtu = 0;
	if (c->kind == OR_DEAD)
		return MTU_LOST;
	if (c->kind == OR_FLAKY && size == c->flaky && !o->flaky_seen++)
		return MTU_LOST;
	if (size <= c->mtu)
		return MTU_PASS;
	if (c->kind == OR_BLACKHOLE)
		return MTU_LOST;
	*mtu = c->kind == OR_PMTUD_NOMTU ? 0 : c->mtu;
	return MTU_FRAG;
}

START_TEST(test_search)
{
	const struct search_case *c = &cases[_i];
	struct oracle o = { c, 0 };
	struct mtu_search s;
	unsigned int sizes[MTU_BATCH], mtu;
	enum mtu_answer a, fa;
	char got[2048];
	size_t n, i, len = 0;

	mtu_search_init(&s, c->hi);
	got[0] = '\0';
	while ((n = mtu_search_next(&s, sizes)) > 0) {
		ck_assert_uint_le(n, MTU_BATCH);
		if (len)
			len += (size_t)snprintf(got + len, sizeof(got) - len,
						"|");
		for (i = 0; i < n; i++) {
			len += (size_t)snprintf(got + len, sizeof(got) - len,
						"%s%u", i ? " " : "", sizes[i]);
			a = ask(&o, sizes[i], &mtu);
			mtu_search_feed(&s, sizes[i], a, mtu);
		}
		ck_assert_uint_lt(len, sizeof(got) - 1);
	}
	ck_assert_msg(mtu_search_done(&s), "%s: stopped before done",
		      c->name);
	ck_assert_msg(!strcmp(got, c->want_rounds),
		      "%s: sizes tried\n  want %s\n  got  %s", c->name,
		      c->want_rounds, got);
	ck_assert_msg(mtu_search_maxpass(&s) == c->want_mtu,
		      "%s: path MTU %u, want %u", c->name,
		      mtu_search_maxpass(&s), c->want_mtu);
	mtu_search_minfail(&s, &fa);
	ck_assert_msg(fa == c->want_fail, "%s: minfail answer %d, want %d",
		      c->name, fa, c->want_fail);
}
END_TEST

/* Answers may arrive late and out of order: the best one wins. */
START_TEST(test_feed_ranks)
{
	struct mtu_search s;
	unsigned int sizes[MTU_BATCH];
	const struct mtu_size *z;

	mtu_search_init(&s, 1500);
	ck_assert_uint_gt(mtu_search_next(&s, sizes), 0);
	mtu_search_feed(&s, 1400, MTU_LOST, 0);
	mtu_search_feed(&s, 1400, MTU_PASS, 0);
	mtu_search_feed(&s, 1400, MTU_LOST, 0);
	z = mtu_search_get(&s, 1400);
	ck_assert_ptr_nonnull(z);
	ck_assert_int_eq(z->answer, MTU_PASS);
	mtu_search_feed(&s, 1500, MTU_LOST, 0);
	mtu_search_feed(&s, 1500, MTU_FRAG, 1400);
	z = mtu_search_get(&s, 1500);
	ck_assert_int_eq(z->answer, MTU_FRAG);
	ck_assert_uint_eq(z->mtu, 1400);
	ck_assert_uint_eq(mtu_search_maxpass(&s), 1400);
	ck_assert_uint_eq(mtu_search_minfail(&s, NULL), 1500);
}
END_TEST

/* Every size in range, every oracle: the search ends with the truth. */
START_TEST(test_search_exhaustive)
{
	static const enum oracle_kind kinds[] = {
		OR_PMTUD, OR_PMTUD_NOMTU, OR_BLACKHOLE,
	};
	struct search_case c;
	struct mtu_search s;
	unsigned int sizes[MTU_BATCH], mtu, k, n, i;
	struct oracle o;

	for (k = 0; k < 3; k++) {
		for (mtu = MTU_LIVE; mtu <= 1500; mtu++) {
			memset(&c, 0, sizeof(c));
			c.hi = 1500;
			c.kind = kinds[k];
			c.mtu = mtu;
			o.c = &c;
			o.flaky_seen = 0;
			mtu_search_init(&s, c.hi);
			while ((n = (unsigned int)mtu_search_next(&s, sizes)))
				for (i = 0; i < n; i++) {
					unsigned int m;
					enum mtu_answer a = ask(&o, sizes[i],
								&m);

					mtu_search_feed(&s, sizes[i], a, m);
				}
			ck_assert_msg(mtu_search_maxpass(&s) == mtu,
				      "kind %u mtu %u: got %u", k, mtu,
				      mtu_search_maxpass(&s));
			ck_assert_msg(s.rounds <= 6, "kind %u mtu %u: %u "
				      "rounds", k, mtu, s.rounds);
		}
	}
}
END_TEST

static Suite *
mtu_suite(void)
{
	Suite *su = suite_create("mtu");
	TCase *tc = tcase_create("search");

	tcase_add_loop_test(tc, test_search, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_feed_ranks);
	tcase_add_test(tc, test_search_exhaustive);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(mtu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_rule.c - the rule parsers: the first byte picks the form, the rest
 * is the text.
 *   0 masq keyword form ("out eth0 from 10.0.0.0/8 ...")
 *   1 masq-file column form (Shorewall's masq columns)
 *   2 forward keyword form
 *   3 helpers setting ("ftp=21,2121 tftp=69")
 *   4 `timeouts set` words, and a revision's timeouts text
 *   5 clamp setting: "MSS\nOUT"
 *   6 a stored ruleset text (a revision's "masq add ..." lines)
 * Properties: what a parser accepts, its formatter prints, and that text
 * parses back and prints the same (the store keeps only the text).
 */
#include "config.h"

#include "core/tok.h"
#include "nat/rule.h"
#include "nat/timeouts.h"
#include "fuzz.h"

static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	return 0;
}

static void
fuzz_err(struct masq_err *e)
{
	err_print(devnull, e, "fuzz", NULL);
	err_done(e);
}

/* The masq rule's keyword text parses back to itself. */
static void
masq_round_trip(const struct nat_rule *r)
{
	struct nat_rule back;
	struct masq_err e;
	char *t1 = nat_rule_format_kw(r), *t2;

	nat_rule_init(&back);
	err_init(&e);
	fuzz_assert(nat_rule_from_text(&back, t1, 1, &e) == 0,
		    "'%s' does not parse back: %s", t1, e.msg);
	t2 = nat_rule_format_kw(&back);
	fuzz_assert(strcmp(t1, t2) == 0, "'%s' reads back as '%s'", t1, t2);
	free(t2);
	free(t1);
	/* the column form is an export: it must print, not round-trip
	 * (keywords such as timeouts have no column) */
	t1 = nat_rule_format_columns(r);
	/* only a rule without interfaces (no 'out') has no column form */
	fuzz_assert(!t1 == !r->n_oifs, "column form %s for %zu interfaces",
		    t1 ? t1 : "(none)", r->n_oifs);
	free(t1);
	free(nat_rule_format_snat(r));
	free(nat_ct_policy_format(&r->timeout));
	nat_rule_done(&back);
	err_done(&e);
}

static void
fwd_round_trip(const struct nat_forward *f)
{
	struct nat_forward back;
	struct masq_err e;
	char *t1 = nat_forward_format_kw(f), *t2;

	nat_forward_init(&back);
	err_init(&e);
	fuzz_assert(nat_forward_from_text(&back, t1, 1, &e) == 0,
		    "'%s' does not parse back: %s", t1, e.msg);
	t2 = nat_forward_format_kw(&back);
	fuzz_assert(strcmp(t1, t2) == 0, "'%s' reads back as '%s'", t1, t2);
	free(t2);
	free(t1);
	nat_forward_done(&back);
	err_done(&e);
}

static void
fuzz_kw(int form, const char *text)
{
	struct tok_list tl = { 0 };
	struct nat_rule r;
	struct nat_forward f;
	struct nat_timeout_set ts = { 0 }, back = { 0 };
	struct masq_err e;
	char *t;

	err_init(&e);
	if (tok_split(&tl, text, 0, &e) < 0) {
		tok_list_done(&tl);
		fuzz_err(&e);
		return;
	}
	switch (form) {
	case 0:
		nat_rule_init(&r);
		if (nat_rule_parse_kw(&r, tl.v, tl.n, &e) == 0)
			masq_round_trip(&r);
		nat_rule_done(&r);
		break;
	case 2:
		nat_forward_init(&f);
		if (nat_forward_parse_kw(&f, tl.v, tl.n, &e) == 0)
			fwd_round_trip(&f);
		nat_forward_done(&f);
		break;
	case 4:
		if (nat_timeouts_parse(tl.v, tl.n, &ts, &e) == 0) {
			t = nat_timeouts_text(&ts);
			fuzz_assert(nat_timeouts_from_text(&back, t, &e) == 0,
				    "timeouts '%s' do not parse back", t);
			fuzz_assert(memcmp(&ts, &back, sizeof(ts)) == 0,
				    "timeouts '%s' read back differently", t);
			free(t);
		}
		err_done(&e);
		err_init(&e);
		memset(&ts, 0, sizeof(ts));
		nat_timeouts_parse_names(tl.v, tl.n, &ts, &e);
		break;
	}
	tok_list_done(&tl);
	fuzz_err(&e);
}

static void
fuzz_columns(const char *text)
{
	struct nat_rule r;
	struct masq_err e;

	nat_rule_init(&r);
	err_init(&e);
	if (nat_rule_parse_columns(&r, text, text, 0, &e) == 0)
		masq_round_trip(&r);
	nat_rule_done(&r);
	fuzz_err(&e);
}

static void
fuzz_helpers(const char *text)
{
	struct nat_helpers hs = { 0 }, back = { 0 };
	struct masq_err e;
	char *t1, *t2;

	err_init(&e);
	if (nat_helpers_parse(&hs, text, &e) == 0) {
		t1 = nat_helpers_format(&hs);
		fuzz_assert(nat_helpers_parse(&back, t1, &e) == 0,
			    "helpers '%s' do not parse back: %s", t1, e.msg);
		t2 = nat_helpers_format(&back);
		fuzz_assert(strcmp(t1, t2) == 0, "helpers '%s' read back as "
			    "'%s'", t1, t2);
		free(t1);
		free(t2);
	}
	fuzz_err(&e);
}

static void
fuzz_clamp(char *text)
{
	struct nat_clamp c;
	struct masq_err e;
	char *out = strchr(text, '\n'), *t;

	if (out)
		*out++ = '\0';
	err_init(&e);
	memset(&c, 0, sizeof(c));
	if (nat_clamp_parse(&c, *text ? text : NULL, out, &e) == 0) {
		t = nat_clamp_format(&c);
		free(t);
	}
	fuzz_err(&e);
}

static void
fuzz_ruleset(const char *text)
{
	struct nat_ruleset rs;
	struct masq_err e;
	char *t;

	nat_ruleset_init(&rs);
	err_init(&e);
	if (nat_ruleset_from_text(&rs, text, "1 2 3 x 5", &e) == 0) {
		t = nat_ruleset_text(&rs);
		fuzz_assert(nat_ruleset_text_count(t) ==
			    rs.n_masq + rs.n_fwd, "count of '%s'", t);
		free(t);
		free(nat_ruleset_text_ids(&rs));
	}
	nat_ruleset_done(&rs);
	fuzz_err(&e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int form;

	if (size < 1 || size > 4096)
		return 0;
	form = data[0] % 7;
	text = fuzz_str(data + 1, size - 1);
	switch (form) {
	case 0: case 2: case 4: fuzz_kw(form, text); break;
	case 1: fuzz_columns(text); break;
	case 3: fuzz_helpers(text); break;
	case 5: fuzz_clamp(text); break;
	case 6: fuzz_ruleset(text); break;
	}
	free(text);
	return 0;
}

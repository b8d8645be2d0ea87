/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_core.c - unit tests for src/core: the tokenizer (words, spans,
 * quoting errors, TOK_PARTIAL, tok_quote round trips), the error record
 * (marks, rendering, suggestions) and the text/JSON printer.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/err.h"
#include "core/esc.h"
#include "core/mem.h"
#include "core/out.h"
#include "core/tok.h"

/* ---- tokenizer ---------------------------------------------------------- */

#define MAXW 6

struct tok_case {
	const char *in;
	unsigned int flags;
	int ok;				/* 0 or -1 */
	size_t n;
	const char *w[MAXW];
	size_t off[MAXW], len[MAXW];
	bool open_quote, trailing_blank;
	size_t err_pos, err_len;	/* when ok == -1 */
};

static const struct tok_case tok_cases[] = {
	{ "masq add out eth0", 0, 0, 4, { "masq", "add", "out", "eth0" },
	  { 0, 5, 9, 13 }, { 4, 3, 3, 4 }, false, false, 0, 0 },
	{ "  a\tb  ", 0, 0, 2, { "a", "b" }, { 2, 4 }, { 1, 1 },
	  false, true, 0, 0 },
	{ "", 0, 0, 0, { NULL }, { 0 }, { 0 }, false, false, 0, 0 },
	{ "   ", 0, 0, 0, { NULL }, { 0 }, { 0 }, false, true, 0, 0 },
	{ "'a b' c", 0, 0, 2, { "a b", "c" }, { 0, 6 }, { 5, 1 },
	  false, false, 0, 0 },
	{ "\"x\\\"y\" z", 0, 0, 2, { "x\"y", "z" }, { 0, 7 }, { 6, 1 },
	  false, false, 0, 0 },
	{ "\"a\\\\b\"", 0, 0, 1, { "a\\b" }, { 0 }, { 6 }, false, false, 0, 0 },
	/* inside "..." only \" and \\ are escapes */
	{ "\"a\\nb\"", 0, 0, 1, { "a\\nb" }, { 0 }, { 6 }, false, false, 0, 0 },
	/* inside '...' nothing is */
	{ "'a\\'", 0, 0, 1, { "a\\" }, { 0 }, { 4 }, false, false, 0, 0 },
	{ "a\\ b", 0, 0, 1, { "a b" }, { 0 }, { 4 }, false, false, 0, 0 },
	{ "a'b'\"c\"d", 0, 0, 1, { "abcd" }, { 0 }, { 8 }, false, false, 0, 0 },
	{ "x '' y", 0, 0, 3, { "x", "", "y" }, { 0, 2, 5 }, { 1, 2, 1 },
	  false, false, 0, 0 },
	{ "a # comment 'x", 0, 0, 1, { "a" }, { 0 }, { 1 }, false, false, 0, 0 },
	{ "a#b", 0, 0, 1, { "a#b" }, { 0 }, { 3 }, false, false, 0, 0 },
	{ "# only", 0, 0, 0, { NULL }, { 0 }, { 0 }, false, false, 0, 0 },
	{ "\"#x\" \\#y", 0, 0, 2, { "#x", "#y" }, { 0, 5 }, { 4, 3 },
	  false, false, 0, 0 },
	{ "add\n", 0, 0, 1, { "add" }, { 0 }, { 3 }, false, true, 0, 0 },
	/* errors mark the opening quote to the end of the line */
	{ "masq add 'oops", 0, -1, 0, { NULL }, { 0 }, { 0 }, false, false,
	  9, 5 },
	{ "a \"b c", 0, -1, 0, { NULL }, { 0 }, { 0 }, false, false, 2, 4 },
	{ "a x\"b\\\"", 0, -1, 0, { NULL }, { 0 }, { 0 }, false, false, 3, 4 },
	{ "a\\", 0, -1, 0, { NULL }, { 0 }, { 0 }, false, false, 1, 1 },
	/* TOK_PARTIAL: the unterminated word is kept, open to the end */
	{ "masq add 'oo", TOK_PARTIAL, 0, 3, { "masq", "add", "oo" },
	  { 0, 5, 9 }, { 4, 3, 3 }, true, false, 0, 0 },
	{ "comment \"a b ", TOK_PARTIAL, 0, 2, { "comment", "a b " },
	  { 0, 8 }, { 7, 5 }, true, false, 0, 0 },
	{ "masq ", TOK_PARTIAL, 0, 1, { "masq" }, { 0 }, { 4 },
	  false, true, 0, 0 },
	{ "masq", TOK_PARTIAL, 0, 1, { "masq" }, { 0 }, { 4 },
	  false, false, 0, 0 },
};

START_TEST(test_tok_split)
{
	const struct tok_case *c = &tok_cases[_i];
	struct tok_list tl;
	struct masq_err e;
	size_t i;
	int r;

	err_init(&e);
	r = tok_split(&tl, c->in, c->flags, &e);
	ck_assert_msg(r == c->ok, "'%s': got %d (%s)", c->in, r, e.msg);
	if (r == 0) {
		ck_assert_uint_eq(tl.n, c->n);
		for (i = 0; i < c->n; i++) {
			ck_assert_str_eq(tl.v[i].s, c->w[i]);
			ck_assert_uint_eq(tl.v[i].off, c->off[i]);
			ck_assert_uint_eq(tl.v[i].len, c->len[i]);
			ck_assert_ptr_eq(tl.v[i].line, tl.line);
		}
		ck_assert_str_eq(tl.line, c->in);
		ck_assert_int_eq(tl.open_quote, c->open_quote);
		ck_assert_int_eq(tl.trailing_blank, c->trailing_blank);
	} else {
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_ptr_nonnull(e.input);
		ck_assert_str_eq(e.input, c->in);
		ck_assert_uint_eq(e.pos, c->err_pos);
		ck_assert_uint_eq(e.len, c->err_len);
		ck_assert_uint_eq(tl.n, 0);	/* nothing left behind */
	}
	tok_list_done(&tl);
	tok_list_done(&tl);			/* idempotent */
	err_done(&e);
}
END_TEST

static const char *const nasty[] = {
	"", " ", "a b", "'", "\"", "\\", "#x", "a#b", "\t", "x\"y\\z",
	"\\\"", "it's", "a\\", "a\nb", "\"\"''", "# \\\" '", "\xc3\xa9 \xc3\xbc",
	"eth0", "192.168.1.0/24", "--", "!tcp",
};

START_TEST(test_tok_quote_roundtrip)
{
	const char *s = nasty[_i];
	char *q = tok_quote(s), *line;
	struct tok_list tl;
	struct masq_err e;

	err_init(&e);
	line = malloc(strlen(q) + 32);
	ck_assert_ptr_nonnull(line);
	sprintf(line, "comment %s x", q);
	ck_assert_msg(tok_split(&tl, line, 0, &e) == 0, "%s: %s", line, e.msg);
	ck_assert_uint_eq(tl.n, 3);
	ck_assert_str_eq(tl.v[1].s, s);
	ck_assert_uint_eq(tl.v[1].off, 8);
	ck_assert_uint_eq(tl.v[1].len, strlen(q));
	ck_assert_str_eq(tl.v[2].s, "x");
	tok_list_done(&tl);
	free(line);
	free(q);
	err_done(&e);
}
END_TEST

static const struct {
	const char *in, *out;
} quote_cases[] = {
	{ "eth0", "eth0" },
	{ "192.168.1.0/24", "192.168.1.0/24" },
	{ "", "\"\"" },
	{ "a b", "\"a b\"" },
	{ "x\"y", "\"x\\\"y\"" },
	{ "a\\b", "\"a\\\\b\"" },
	{ "#c", "\"#c\"" },
	{ "a#c", "a#c" },
	{ "it's", "\"it's\"" },
};

START_TEST(test_tok_quote_exact)
{
	char *q = tok_quote(quote_cases[_i].in);

	ck_assert_str_eq(q, quote_cases[_i].out);
	free(q);
}
END_TEST

/* ---- err ---------------------------------------------------------------- */

static char *
render(const struct masq_err *e, const char *where)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *fp = open_memstream(&buf, &sz);

	ck_assert_ptr_nonnull(fp);
	err_print(fp, e, "masqsh", where);
	fclose(fp);
	return buf;
}

START_TEST(test_err_tok_mark)
{
	const char *line = "masq add out eht0 from 192.168.1.0/24";
	struct masq_tok t = { "eht0", line, 13, 4 };
	struct masq_err e;
	char *s;

	err_init(&e);
	ck_assert_int_eq(err_tok(&e, MASQ_EUSAGE, &t,
				 "unknown interface '%s'", t.s), -1);
	ck_assert_int_eq(e.code, MASQ_EUSAGE);
	ck_assert_str_eq(e.input, line);
	ck_assert_ptr_ne(e.input, line);	/* a copy */
	ck_assert_uint_eq(e.pos, 13);
	ck_assert_uint_eq(e.len, 4);
	err_hint(&e, "did you mean '%s'?", "eth0");

	s = render(&e, NULL);
	ck_assert_str_eq(s,
		"masqsh: error: unknown interface 'eht0'\n"
		"  masq add out eht0 from 192.168.1.0/24\n"
		"               ^~~~\n"
		"  hint: did you mean 'eth0'?\n");
	free(s);
	s = render(&e, "rules.msh:12");
	ck_assert_str_eq(s,
		"rules.msh:12:14: error: unknown interface 'eht0'\n"
		"  masq add out eht0 from 192.168.1.0/24\n"
		"               ^~~~\n"
		"  hint: did you mean 'eth0'?\n");
	free(s);

	/* a sub-span; an out-of-range one falls back to the whole token */
	err_tok_sub(&e, MASQ_EUSAGE, &t, 1, 2, "bad");
	ck_assert_uint_eq(e.pos, 14);
	ck_assert_uint_eq(e.len, 2);
	ck_assert_str_eq(e.hint, "");		/* a new error forgets the hint */
	err_tok_sub(&e, MASQ_EUSAGE, &t, 3, 5, "bad");
	ck_assert_uint_eq(e.pos, 13);
	ck_assert_uint_eq(e.len, 4);
	err_done(&e);
	ck_assert_ptr_null(e.input);
	ck_assert_int_eq(e.code, MASQ_OK);
}
END_TEST

START_TEST(test_err_print_plain)
{
	const char *line = "a\tbad";
	struct masq_tok t = { "bad", line, 2, 3 };
	struct masq_err e;
	char *s;

	err_init(&e);
	err_set(&e, MASQ_ESTORE, "cannot open '%s'", "/x/masq.db");
	s = render(&e, NULL);
	ck_assert_str_eq(s, "masqsh: error: cannot open '/x/masq.db'\n");
	free(s);
	/* without a mark, "where" gets no column */
	s = render(&e, "f.msh:3");
	ck_assert_str_eq(s, "f.msh:3: error: cannot open '/x/masq.db'\n");
	free(s);

	err_sys(&e, MASQ_EKERNEL, EPERM, "cannot talk to nftables");
	ck_assert_str_eq(e.msg, "cannot talk to nftables: Operation not permitted");
	ck_assert_int_eq(e.sys_errno, EPERM);
	err_prefix(&e, "apply");
	ck_assert_str_eq(e.msg,
			 "apply: cannot talk to nftables: Operation not permitted");
	snprintf(e.kernel, sizeof(e.kernel), "No such file or directory");
	s = render(&e, NULL);
	ck_assert_str_eq(s,
		"masqsh: error: apply: cannot talk to nftables: Operation not permitted\n"
		"  kernel says: No such file or directory\n");
	free(s);

	/* the marker keeps tabs so it lines up under the word */
	err_tok(&e, MASQ_EUSAGE, &t, "what is '%s'", t.s);
	s = render(&e, NULL);
	ck_assert_str_eq(s,
		"masqsh: error: what is 'bad'\n"
		"  a\tbad\n"
		"   \t^~~\n");
	free(s);
	err_done(&e);
}
END_TEST

START_TEST(test_err_suggest)
{
	static const char *const cands[] = {
		"add", "del", "move", "list", "eth0", "eth1", NULL
	};

	ck_assert_str_eq(err_suggest("eht0", cands), "eth0");
	ck_assert_str_eq(err_suggest("ad", cands), "add");
	ck_assert_str_eq(err_suggest("lsit", cands), "list");
	ck_assert_str_eq(err_suggest("mov", cands), "move");
	ck_assert_ptr_null(err_suggest("zzzz", cands));
	ck_assert_ptr_null(err_suggest("x", cands));
	ck_assert_ptr_null(err_suggest(NULL, cands));
	ck_assert_ptr_null(err_suggest("add", NULL));
}
END_TEST

/* ---- out ---------------------------------------------------------------- */

/* The same calls in both modes: a command's output written once. */
static void
emit(struct out *o)
{
	out_obj_open(o, NULL);
	out_str(o, "name", "name %s\n", "a\"b\\c\n\x01");
	out_int(o, "n", "n=%lld\n", -5);
	out_text(o, "--\n");
	out_arr_open(o, "list");
	out_u64(o, NULL, "%" PRIu64 "\n", 1);
	out_u64(o, NULL, "%" PRIu64 "\n", UINT64_MAX);
	out_obj_open(o, NULL);
	out_bool(o, "x", "x %s\n", true);
	out_null(o, "y", "y %s\n");
	out_str(o, "z", "z %s\n", NULL);
	out_str(o, "quiet", NULL, "not in text");
	out_obj_close(o);
	out_arr_close(o);
	out_arr_open(o, "empty");
	out_arr_close(o);
	out_obj_close(o);
	out_doc_end(o);
}

static char *
capture(bool json, int docs)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *fp = open_memstream(&buf, &sz);
	struct out *o;

	ck_assert_ptr_nonnull(fp);
	o = out_new(fp, json);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(out_is_json(o), json);
	ck_assert_ptr_eq(out_fp(o), fp);
	while (docs-- > 0)
		emit(o);
	ck_assert_int_eq(out_error(o), 0);
	out_free(o);
	fclose(fp);
	return buf;
}

/* Terminal safety (esc.h): what comes from outside never reaches the
 * terminal as a control. */
static const struct {
	const char *in;
	unsigned int flags;
	const char *out;
} esc_cases[] = {
	{ "eth0", 0, "eth0" },
	{ "caf\xc3\xa9 \xe2\x82\xac", 0, "caf\xc3\xa9 \xe2\x82\xac" },
	{ "\x1b[2J\x1b]0;pwned\x07", 0, "\\e[2J\\e]0;pwned\\x07" },
	{ "a\tb\nc\rd", 0, "a\\tb\\nc\\rd" },
	{ "a\tb\nc\rd", ESC_KEEP_LINES, "a\tb\nc\\rd" },
	{ "del\x7f", 0, "del\\x7f" },
	{ "c1 \xc2\x9b" "31m", 0, "c1 \\u009b31m" },		/* CSI */
	{ "bidi \xe2\x80\xae", 0, "bidi \\u202e" },	/* RLO */
	{ "bad \xff\xc3", 0, "bad \\xff\\xc3" },
	{ "overlong \xc0\xaf", 0, "overlong \\xc0\\xaf" },
	{ "back\\slash", 0, "back\\slash" },
};

START_TEST(test_esc)
{
	const char *in = esc_cases[_i].in;
	char *s = esc_dup(in, esc_cases[_i].flags);

	ck_assert_str_eq(s, esc_cases[_i].out);
	ck_assert_int_eq(esc_needed(in, esc_cases[_i].flags),
			 strcmp(in, esc_cases[_i].out) != 0);
	/* an ASCII result: one column a byte (what the marker counts) */
	if (!esc_cases[_i].flags && strspn(s, "\\abcdefghijklmnopqrstuvwxyz"
					   "0123456789[]; ") == strlen(s))
		ck_assert_uint_eq(esc_cols(in, strlen(in), 0), strlen(s));
	free(s);
}
END_TEST

/* The error printer escapes the input line and keeps the marker under
 * the bad word. */
START_TEST(test_err_print_escapes)
{
	const char *line = "masq add out \x1b[31mred comment x";
	struct masq_tok t = { .s = "x", .line = line,
			      .off = strlen(line) - 1, .len = 1 };
	struct masq_err e;
	char *buf = NULL;
	size_t sz = 0;
	FILE *fp = open_memstream(&buf, &sz);

	err_init(&e);
	err_tok(&e, MASQ_EUSAGE, &t, "bad word '%s' after \x1b[31m", "x");
	err_print(fp, &e, "masqsh", "f\x1b.msh:3");
	fclose(fp);
	ck_assert_ptr_null(strchr(buf, 0x1b));
	ck_assert_str_eq(buf,
		"f\\e.msh:3:31: error: bad word 'x' after \\e[31m\n"
		"  masq add out \\e[31mred comment x\n"
		"                                 ^\n");
	free(buf);
	err_done(&e);
}
END_TEST

START_TEST(test_out_json)
{
	char *s = capture(true, 2);
	const char *doc =
		"{\"name\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":-5,"
		"\"list\":[1,18446744073709551615,"
		"{\"x\":true,\"y\":null,\"z\":null,\"quiet\":\"not in text\"}],"
		"\"empty\":[]}\n";
	char *two = malloc(2 * strlen(doc) + 1);

	ck_assert_ptr_nonnull(two);
	strcpy(two, doc);
	strcat(two, doc);			/* NDJSON: no comma between */
	ck_assert_str_eq(s, two);
	free(two);
	free(s);
}
END_TEST

START_TEST(test_out_json_autoclose)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *fp = open_memstream(&buf, &sz);
	struct out *o = out_new(fp, true);

	out_obj_open(o, NULL);
	out_arr_open(o, "a");
	out_obj_open(o, NULL);
	out_str(o, "k", NULL, "v");
	out_doc_end(o);
	out_free(o);
	fclose(fp);
	ck_assert_str_eq(buf, "{\"a\":[{\"k\":\"v\"}]}\n");
	free(buf);
}
END_TEST

START_TEST(test_out_text)
{
	char *s = capture(false, 1);

	ck_assert_str_eq(s,
		"name a\"b\\c\n\\x01\n"
		"n=-5\n"
		"--\n"
		"1\n"
		"18446744073709551615\n"
		"x yes\n"
		"y -\n"
		"z -\n");
	free(s);
}
END_TEST

/* ---- mem: huge pages for a big load, given back when idle ----------------- */

/*
 * These look at glibc's heap itself, so they cannot run where malloc is
 * another one: AddressSanitizer's (the --enable-asan build) hands out
 * fresh memory after a free() and keeps no sbrk heap.
 */
#if defined(__SANITIZE_ADDRESS__) || !defined(__GLIBC__)
#define NEED_GLIBC_HEAP()						\
	do {								\
		printf("check_core: SKIP %.*s: malloc is not glibc's "	\
		       "(AddressSanitizer build)\n",			\
		       (int)strlen(__func__) - 3, __func__);		\
		return;							\
	} while (0)
#else
#define NEED_GLIBC_HEAP() do { } while (0)
#endif

/* Bytes of the sbrk heap, per glibc. */
static size_t
heap_bytes(void)
{
#ifdef __GLIBC__
	return mallinfo2().arena;
#else
	return 0;
#endif
}

/* Blocks in an mmap() of their own, per glibc. */
static size_t
mmapped_blocks(void)
{
#ifdef __GLIBC__
	return mallinfo2().hblks;
#else
	return 0;
#endif
}

/* A large reserve (a big rule set) keeps even 8 MiB blocks on the heap
 * until mem_settle(). */
START_TEST(test_mem_reserve_huge)
{
	size_t before;
	void *p;

	NEED_GLIBC_HEAP();

	mem_reserve(MEM_HUGE_MIN);
	ck_assert_uint_ge(heap_bytes(), MEM_HUGE_MIN);
	before = mmapped_blocks();
	p = malloc(8u << 20);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(mmapped_blocks(), before);
	free(p);
}
END_TEST

/* Below MEM_HUGE_FROM a reserve changes nothing: the heap does not grow
 * and an 8 MiB block still gets an mmap() of its own. */
START_TEST(test_mem_reserve_small)
{
	size_t heap, before;
	void *p;

	NEED_GLIBC_HEAP();

	heap = heap_bytes();
	mem_reserve(MEM_HUGE_FROM - 1);
	ck_assert_uint_eq(heap_bytes(), heap);
	before = mmapped_blocks();
	p = malloc(8u << 20);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(mmapped_blocks(), before + 1);
	free(p);
}
END_TEST

/* A long-lived process gives a big reserve back: the heap shrinks and
 * large blocks go to mmap() again.  Nothing happens without a reserve. */
START_TEST(test_mem_settle)
{
	size_t before;
	void *p;

	NEED_GLIBC_HEAP();
	mem_reserve(MEM_HUGE_MIN);
	p = malloc(8u << 20);
	ck_assert_ptr_nonnull(p);
	free(p);
	ck_assert_uint_ge(heap_bytes(), MEM_HUGE_MIN);
	mem_settle();
	ck_assert_msg(heap_bytes() < MEM_HUGE_MIN / 2, "heap still %zu bytes",
		      heap_bytes());
	before = mmapped_blocks();
	p = malloc(8u << 20);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(mmapped_blocks(), before + 1);
	free(p);
	/* a second settle, and one after a small reserve, change nothing */
	mem_settle();
	mem_reserve(64u << 10);
	mem_settle();
	p = malloc(8u << 20);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(mmapped_blocks(), before + 1);
	free(p);
	/* and a later big load gets its huge reserve again */
	mem_reserve(MEM_HUGE_MIN);
	ck_assert_uint_ge(heap_bytes(), MEM_HUGE_MIN);
	mem_settle();
}
END_TEST

static Suite *
core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc;

	tc = tcase_create("tok");
	tcase_add_loop_test(tc, test_tok_split, 0,
			    sizeof(tok_cases) / sizeof(tok_cases[0]));
	tcase_add_loop_test(tc, test_tok_quote_roundtrip, 0,
			    sizeof(nasty) / sizeof(nasty[0]));
	tcase_add_loop_test(tc, test_tok_quote_exact, 0,
			    sizeof(quote_cases) / sizeof(quote_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("err");
	tcase_add_test(tc, test_err_tok_mark);
	tcase_add_test(tc, test_err_print_plain);
	tcase_add_test(tc, test_err_suggest);
	tcase_add_test(tc, test_err_print_escapes);
	tcase_add_loop_test(tc, test_esc, 0,
			    sizeof(esc_cases) / sizeof(esc_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("out");
	tcase_add_test(tc, test_out_json);
	tcase_add_test(tc, test_out_json_autoclose);
	tcase_add_test(tc, test_out_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("mem");
	tcase_add_test(tc, test_mem_reserve_huge);
	tcase_add_test(tc, test_mem_reserve_small);
	tcase_add_test(tc, test_mem_settle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(core_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

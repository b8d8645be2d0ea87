/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_import_ipt.c - `import iptables FILE`: the input is the dump
 * (iptables-save / ip6tables-save output, as another host wrote it),
 * translated by nat/ipt_parse.c directly (no store: the command around it
 * only reads the file and stores the texts).
 * Properties: an error always carries FILE:LINE with a line of the input
 * and a column inside that line (the word it marks is in the file);
 * every rule translated reads back from its stored text and formats to
 * the same text (parse -> format -> parse is stable); translating twice
 * gives the same rules.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/tok.h"
#include "nat/ipt_parse.h"
#include "nat/rule.h"
#include "fuzz.h"

/* The @n-th line (1-based) of @data, without "\n" and trailing "\r". */
static char *
nth_line(const uint8_t *data, size_t size, unsigned long n)
{
	size_t off = 0, len;

	while (--n && off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);

		if (!nl)
			return NULL;
		off = (size_t)(nl - data) + 1;
	}
	if (off >= size)
		return NULL;
	for (len = 0; off + len < size && data[off + len] != '\n'; len++)
		;
	while (len && data[off + len - 1] == '\r')
		len--;
	return fuzz_str(data + off, len);
}

static void
check_error(const struct masq_err *e, const uint8_t *data, size_t size)
{
	unsigned long line;
	char *end, *l;

	fuzz_assert(e->code == MASQ_EUSAGE, "error code %d: %s", e->code,
		    e->msg);
	fuzz_assert(strncmp(e->origin, "in:", 3) == 0, "no FILE:LINE for "
		    "'%s' (origin '%s')", e->msg, e->origin);
	line = strtoul(e->origin + 3, &end, 10);
	fuzz_assert(!*end && line >= 1, "bad line in '%s'", e->origin);
	l = nth_line(data, size, line);
	fuzz_assert(l != NULL, "line %lu is not in the file", line);
	fuzz_assert(e->input && strncmp(e->input, l, strlen(e->input)) == 0,
		    "the marked line is not line %lu: '%s' vs '%s'", line,
		    e->input ? e->input : "(none)", l);
	fuzz_assert(e->pos <= strlen(e->input) && e->len > 0 &&
		    e->pos + e->len <= strlen(e->input) + 1,
		    "column %zu+%zu outside line %lu ('%s')", e->pos, e->len,
		    line, e->input);
	free(l);
}

static void
check_text(const char *text, bool fwd)
{
	struct nat_rule r;
	struct nat_forward f;
	struct masq_err e;
	char *again;
	int rc;

	err_init(&e);
	nat_rule_init(&r);
	nat_forward_init(&f);
	rc = fwd ? nat_forward_from_text(&f, text, 1, &e) :
		   nat_rule_from_text(&r, text, 1, &e);
	fuzz_assert(rc == 0, "'%s' does not read back: %s", text, e.msg);
	again = fwd ? nat_forward_format_kw(&f) : nat_rule_format_kw(&r);
	fuzz_assert(strcmp(again, text) == 0, "'%s' formats as '%s'", text,
		    again);
	free(again);
	nat_rule_done(&r);
	nat_forward_done(&f);
	err_done(&e);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipt_import a, b;
	struct masq_err e;
	size_t i;

	if (size > 16384)
		return 0;
	err_init(&e);
	ipt_import_init(&a);
	ipt_import_init(&b);
	if (ipt_import_parse(&a, (const char *)data, size, "in", &e) < 0) {
		check_error(&e, data, size);
		fuzz_assert(a.n_masq == 0 && a.n_fwd == 0, "rules kept on "
			    "error");
		goto out;
	}
	for (i = 0; i < a.n_masq; i++)
		check_text(a.masq[i], false);
	for (i = 0; i < a.n_fwd; i++)
		check_text(a.fwd[i], true);
	fuzz_assert(ipt_import_parse(&b, (const char *)data, size, "in",
				     &e) == 0, "second parse fails");
	fuzz_assert(a.n_masq == b.n_masq && a.n_fwd == b.n_fwd,
		    "second parse differs");
	for (i = 0; i < a.n_masq; i++)
		fuzz_assert(strcmp(a.masq[i], b.masq[i]) == 0, "differs");
	for (i = 0; i < a.n_fwd; i++)
		fuzz_assert(strcmp(a.fwd[i], b.fwd[i]) == 0, "differs");
out:
	ipt_import_done(&a);
	ipt_import_done(&b);
	err_done(&e);
	return 0;
}

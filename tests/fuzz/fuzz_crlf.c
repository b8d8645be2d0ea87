/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_crlf.c - the CRLF scanner of `diag crlf` (any bytes a firewall
 * script may hold).  Properties: findings lie inside the input and in
 * order; the fixed bytes scan clean of every fixable kind, and fixing
 * them again changes nothing.  The same bytes through the terminal
 * escaper (core/esc.h): what it writes needs no escaping any more, and
 * the error printer's marker stays within the line.
 */
#include "config.h"

#include "core/esc.h"
#include "core/err.h"
#include "diag/crlf.h"
#include "fuzz.h"

static void
fuzz_esc(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), *out;
	struct masq_tok t;
	struct masq_err e;
	static FILE *fp;

	if (!fp)
		fp = fopen("/dev/null", "w");
	out = esc_dup(text, 0);
	fuzz_assert(!esc_needed(out, 0), "escaped text needs escaping");
	free(out);
	out = esc_dup(text, ESC_KEEP_LINES);
	fuzz_assert(!esc_needed(out, ESC_KEEP_LINES), "escaped text (lines "
		    "kept) needs escaping");
	free(out);
	if (fp) {
		t.s = text;
		t.line = text;
		t.off = size ? data[0] % (strlen(text) + 1) : 0;
		t.len = strlen(text) - t.off;
		err_init(&e);
		err_tok(&e, MASQ_EUSAGE, &t, "bad '%s'", text);
		err_print(fp, &e, "fuzz", text);
		err_done(&e);
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_crlf_finding *f = NULL, *g = NULL;
	size_t nf = 0, ng = 0, n1, n2, i;
	uint8_t *fix1, *fix2;

	if (size > 16384)
		return 0;
	diag_crlf_scan(data, size, &f, &nf);
	for (i = 0; i < nf; i++) {
		diag_crlf_kind_name(f[i].kind);
		fuzz_assert(f[i].line >= 1, "finding %zu has line %zu", i,
			    (size_t)f[i].line);
		if (i)
			fuzz_assert(f[i].line >= f[i - 1].line,
				    "findings out of order");
	}
	fix1 = diag_crlf_fix_buf(data, size, &n1);
	diag_crlf_scan(fix1, n1, &g, &ng);
	for (i = 0; i < ng; i++)
		fuzz_assert(!diag_crlf_kind_fixable(g[i].kind),
			    "fixed bytes still have a fixable %s at line %zu",
			    diag_crlf_kind_name(g[i].kind), (size_t)g[i].line);
	fix2 = diag_crlf_fix_buf(fix1, n1, &n2);
	fuzz_assert(n1 == n2 && memcmp(fix1, fix2, n1) == 0,
		    "a second fix changes the bytes again");
	free(fix1);
	free(fix2);
	fuzz_esc(data, size);
	free(f);
	free(g);
	return 0;
}

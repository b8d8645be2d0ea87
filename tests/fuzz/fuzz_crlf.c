/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_crlf.c - the CRLF scanner of `diag crlf` (any bytes a firewall
 * script may hold).  Properties: findings lie inside the input and in
 * order; the fixed bytes scan clean of every fixable kind, and fixing
 * them again changes nothing.
 */
#include "config.h"

#include "diag/crlf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_crlf_finding *f = NULL, *g = NULL;
	size_t nf = 0, ng = 0, n1, n2, i;
	uint8_t *fix1, *fix2;

	if (size > 65536)
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
	free(f);
	free(g);
	return 0;
}

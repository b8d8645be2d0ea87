/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_crlf.c - `diag crlf PATH.. [fix]` (FAQ 7.3): line-ending and
 * invisible-character faults in firewall scripts and rule files, each as
 * PATH:LINE:COL in the evidence; with ctx->fix every fixable fault is
 * rewritten (crlf.c) and the original kept as PATH.orig.
 *
 * Status: FAIL when fixable faults remain, WARN when only bytes that are
 * not UTF-8 remain (fix never guesses an encoding), PASS when the files
 * are clean or were fixed.
 */
#include "config.h"

#include <stdlib.h>

#include "diag/crlf.h"
#include "diag/diag.h"

/* Evidence lines per file before "and N more". */
#define CRLF_SHOW 40

static void
show(struct diag_result *res, const char *path,
     const struct diag_crlf_finding *f, size_t nf)
{
	size_t i;

	for (i = 0; i < nf && i < CRLF_SHOW; i++) {
		if (f[i].kind == DIAG_CRLF_BAD_UTF8)
			diag_evidence(res, "%s:%u:%u: byte 0x%02x: %s", path,
				      f[i].line, f[i].col, f[i].byte,
				      diag_crlf_kind_name(f[i].kind));
		else if (f[i].cp && f[i].kind != DIAG_CRLF_BOM)
			diag_evidence(res, "%s:%u:%u: U+%04X %s", path,
				      f[i].line, f[i].col, (unsigned)f[i].cp,
				      diag_crlf_kind_name(f[i].kind));
		else
			diag_evidence(res, "%s:%u:%u: %s", path, f[i].line,
				      f[i].col, diag_crlf_kind_name(f[i].kind));
	}
	if (nf > CRLF_SHOW)
		diag_evidence(res, "%s: and %zu more", path, nf - CRLF_SHOW);
}

static enum diag_status
crlf_run(struct diag_ctx *ctx, struct diag_result *res)
{
	size_t p, i, nf, fixable, bad, files_bad = 0, tot_fix = 0, tot_bad = 0;
	size_t fixed_files = 0;
	struct diag_crlf_finding *f;
	enum diag_status st = DIAG_PASS;
	struct masq_err e;
	const char *first = NULL;
	uint8_t *buf;
	size_t n;
	bool changed;

	err_init(&e);
	for (p = 0; p < ctx->n_paths; p++) {
		const char *path = ctx->paths[p];

		if (diag_crlf_read(path, &buf, &n, &e) == -1) {
			diag_evidence(res, "%s: %s", path, e.msg);
			if (st != DIAG_ERROR)
				diag_message(res, "%s%s%s", e.msg,
					     e.hint[0] ? "; " : "", e.hint);
			st = DIAG_ERROR;
			err_reset(&e);
			continue;
		}
		diag_crlf_scan(buf, n, &f, &nf);
		free(buf);
		for (i = fixable = bad = 0; i < nf; i++) {
			if (diag_crlf_kind_fixable(f[i].kind))
				fixable++;
			else
				bad++;
		}
		show(res, path, f, nf);
		free(f);
		if (!nf)
			continue;
		files_bad++;
		if (ctx->fix && fixable) {
			if (diag_crlf_fix_file(path, &changed, &e) == -1) {
				diag_evidence(res, "%s: not fixed: %s%s%s",
					      path, e.msg, e.hint[0] ? "; " : "",
					      e.hint);
				tot_fix += fixable;
				err_reset(&e);
			} else if (changed) {
				fixed_files++;
				diag_evidence(res, "%s: fixed %zu fault(s); the "
					      "original is %s%s", path, fixable,
					      path, DIAG_CRLF_BACKUP_SUFFIX);
			}
		} else {
			tot_fix += fixable;
		}
		tot_bad += bad;
		if (!first)
			first = path;
	}
	err_done(&e);
	if (st == DIAG_ERROR)
		return st;
	if (tot_fix) {
		diag_message(res, "%zu fault(s) that break scripts in %zu "
			     "file(s), first in %s", tot_fix, files_bad,
			     first);
		diag_fix(res, "diag crlf%s%s fix", ctx->n_paths == 1 ? " " : "",
			 ctx->n_paths == 1 ? ctx->paths[0] : " PATH..");
		return DIAG_FAIL;
	}
	if (tot_bad) {
		diag_message(res, "%zu byte(s) that are not UTF-8 (left as "
			     "they are)%s", tot_bad,
			     fixed_files ? "; the other faults were fixed" :
			     "");
		diag_fix(res, "iconv -f latin1 -t utf-8 FILE");
		return DIAG_WARN;
	}
	if (fixed_files)
		diag_message(res, "fixed %zu file(s); originals kept as "
			     "FILE%s", fixed_files, DIAG_CRLF_BACKUP_SUFFIX);
	else
		diag_message(res, "%zu file(s) clean", ctx->n_paths);
	return DIAG_PASS;
}

const struct diag_check diag_crlf_check = {
	.id = "crlf",
	.title = "CR LF, BOM and invisible characters in scripts",
	.faq = "7.3",
	.needs = DIAG_NEEDS_PATHS,
	.run = crlf_run,
};

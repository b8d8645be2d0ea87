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

/* What the files held, summed up. */
struct crlf_sum {
	size_t files_bad, tot_fix, tot_bad, fixed_files;
	const char *first;	/* the first file with a fault */
};

/* Fix @path's @fixable faults when asked; else count them as left. */
static void
crlf_fix_one(struct diag_ctx *ctx, struct diag_result *res, const char *path,
	     size_t fixable, struct crlf_sum *sum, struct masq_err *e)
{
	bool changed;

	if (!ctx->fix || !fixable) {
		sum->tot_fix += fixable;
		return;
	}
	if (diag_crlf_fix_file(path, &changed, e) == -1) {
		diag_evidence(res, "%s: not fixed: %s%s%s", path, e->msg,
			      e->hint[0] ? "; " : "", e->hint);
		sum->tot_fix += fixable;
		err_reset(e);
	} else if (changed) {
		sum->fixed_files++;
		diag_evidence(res, "%s: fixed %zu fault(s); the original is "
			      "%s%s", path, fixable, path,
			      DIAG_CRLF_BACKUP_SUFFIX);
	}
}

/* Scan (and fix) one file; -1 when it cannot be read (@e set). */
static int
crlf_file(struct diag_ctx *ctx, struct diag_result *res, const char *path,
	  struct crlf_sum *sum, struct masq_err *e)
{
	struct diag_crlf_finding *f;
	size_t i, n, nf, fixable = 0, bad = 0;
	uint8_t *buf;

	if (diag_crlf_read(path, &buf, &n, e) == -1)
		return -1;
	diag_crlf_scan(buf, n, &f, &nf);
	free(buf);
	for (i = 0; i < nf; i++) {
		if (diag_crlf_kind_fixable(f[i].kind))
			fixable++;
		else
			bad++;
	}
	show(res, path, f, nf);
	free(f);
	if (!nf)
		return 0;
	sum->files_bad++;
	crlf_fix_one(ctx, res, path, fixable, sum, e);
	sum->tot_bad += bad;
	if (!sum->first)
		sum->first = path;
	return 0;
}

static enum diag_status
crlf_verdict(struct diag_ctx *ctx, struct diag_result *res,
	     const struct crlf_sum *sum)
{
	if (sum->tot_fix) {
		diag_message(res, "%zu fault(s) that break scripts in %zu "
			     "file(s), first in %s", sum->tot_fix,
			     sum->files_bad, sum->first);
		diag_fix(res, "diag crlf%s%s fix", ctx->n_paths == 1 ? " " : "",
			 ctx->n_paths == 1 ? ctx->paths[0] : " PATH..");
		return DIAG_FAIL;
	}
	if (sum->tot_bad) {
		diag_message(res, "%zu byte(s) that are not UTF-8 (left as "
			     "they are)%s", sum->tot_bad, sum->fixed_files ?
			     "; the other faults were fixed" : "");
		diag_fix(res, "iconv -f latin1 -t utf-8 FILE");
		return DIAG_WARN;
	}
	if (sum->fixed_files)
		diag_message(res, "fixed %zu file(s); originals kept as "
			     "FILE%s", sum->fixed_files,
			     DIAG_CRLF_BACKUP_SUFFIX);
	else
		diag_message(res, "%zu file(s) clean", ctx->n_paths);
	return DIAG_PASS;
}

static enum diag_status
crlf_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct crlf_sum sum = { 0, 0, 0, 0, NULL };
	enum diag_status st = DIAG_PASS;
	struct masq_err e;
	size_t p;

	err_init(&e);
	for (p = 0; p < ctx->n_paths; p++) {
		const char *path = ctx->paths[p];

		if (crlf_file(ctx, res, path, &sum, &e) == 0)
			continue;
		diag_evidence(res, "%s: %s", path, e.msg);
		if (st != DIAG_ERROR)
			diag_message(res, "%s%s%s", e.msg,
				     e.hint[0] ? "; " : "", e.hint);
		st = DIAG_ERROR;
		err_reset(&e);
	}
	err_done(&e);
	if (st == DIAG_ERROR)
		return st;
	return crlf_verdict(ctx, res, &sum);
}

const struct diag_check diag_crlf_check = {
	.id = "crlf",
	.title = "CR LF, BOM and invisible characters in scripts",
	.faq = "7.3",
	.needs = DIAG_NEEDS_PATHS,
	.run = crlf_run,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_diag.c - `diag`, `diag CHECK-ID..`, `diag list` and
 * `diag crlf PATH.. [fix]`: run the FAQ checks of src/diag and print what
 * each saw and the fix.  Exit status 1 when any check FAILs or ERRORs
 * (WARN and SKIP are 0), so scripts can gate on `masqsh diag`.
 *
 * Also the shared helpers of cmd_diag.h for `diag mtu` (cmd_diag_mtu.c).
 * Does not own: the checks (src/diag/check_*.c) or the registry (diag.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "shell/cmd_diag.h"

int
cmd_diag_init(struct cmd_ctx *ctx, struct cmd_diag *cd, struct masq_err *e)
{
	const char *path;

	diag_ctx_init(&cd->d);
	cd->own = NULL;
	if (ctx->store) {
		cd->d.store = ctx->store;
		return 0;
	}
	path = ctx->db_path ? ctx->db_path : store_default_path();
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;	/* never applied anything: no staged rules */
	if (store_open_ro(&cd->own, path, e) == -1)
		return -1;
	cd->d.store = cd->own;
	return 0;
}

void
cmd_diag_done(struct cmd_diag *cd)
{
	diag_ctx_done(&cd->d);
	if (cd->own)
		store_close(cd->own);
	cd->own = NULL;
}

int
cmd_diag_report(struct cmd_ctx *ctx, const struct diag_result *res,
		size_t n, bool verbose, struct masq_err *e)
{
	char list[300] = "";
	size_t i, bad = 0;

	diag_results_print(ctx->out, res, n, verbose);
	if (!diag_results_failed(res, n))
		return 0;
	for (i = 0; i < n; i++) {
		if (res[i].status != DIAG_FAIL && res[i].status != DIAG_ERROR)
			continue;
		if (bad++ < 6 && res[i].check)
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s", bad > 1 ? ", " : "", res[i].check->id);
	}
	return err_set(e, MASQ_EFAIL, "%zu check%s failed: %s%s", bad,
		       bad == 1 ? "" : "s", list, bad > 6 ? ", ..." : "");
}

/* ---- diag [CHECK-ID..] ---- */

static int
cmd_diag(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	struct diag_result *res = NULL;
	struct cmd_diag cd;
	size_t n = 0;
	int rc = -1;

	if (cmd_diag_init(ctx, &cd, e) == -1)
		goto out;
	if (diag_run(&cd.d, a->n ? a->v : NULL, a->n, &res, &n, e) == -1)
		goto out;
	rc = cmd_diag_report(ctx, res, n, a->n > 0, e);
out:
	diag_results_free(res, n);
	cmd_diag_done(&cd);
	return rc;
}

/*
 * Completion choices for `diag ID..`: the registry's ids, filled once at
 * start so this list can never drift from diag_checks[].
 */
static const char *diag_ids[64];

__attribute__((constructor)) static void
diag_ids_fill(void)
{
	size_t i, n = 0;

	for (i = 0; diag_checks[i] && n + 1 < sizeof(diag_ids) /
	     sizeof(diag_ids[0]); i++)
		diag_ids[n++] = diag_checks[i]->id;
	diag_ids[n] = NULL;
}

static const struct cmd_kw diag_kws[] = {
	{ "CHECK-ID", CMD_ARG_CHOICE, "CHECK-ID",
	  "a check to run (see 'diag list'); none: every check",
	  CMD_KW_POSITIONAL | CMD_KW_REPEAT, diag_ids },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_diag_entry = {
	.name = "diag",
	.usage = "[CHECK-ID..]",
	.summary = "run the FAQ checks: what each saw and the fix",
	.help =
"Without arguments every check that needs no parameter runs, one line\n"
"each: status (PASS, WARN, FAIL, SKIP, ERROR), check id, what it saw, and\n"
"below it the fix (a masqsh or shell command).  With check ids (or unique\n"
"prefixes) only those run, and the evidence lines are shown too.  SKIP\n"
"says which capability was missing (root, conntrack).  'diag list' names\n"
"the checks with the FAQ entry each descends from.\n"
"\n"
"With -j the output is a JSON array of objects with the keys id, status\n"
"(\"pass\", \"warn\", \"fail\", \"skip\", \"error\"), message, evidence (an\n"
"array of lines), fix, faq and skip (null when absent).\n"
"\n"
"Exit status: 1 when any check is FAIL or ERROR; 0 otherwise (WARN and\n"
"SKIP included); 2 for an unknown check id.",
	.kws = diag_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_diag,
};

/* ---- diag list ---- */

static int
cmd_diag_list(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	const struct diag_check *const *c;
	char needs[64];

	(void)a;
	(void)e;
	out_arr_open(ctx->out, NULL);
	out_text(ctx->out, "%-22s %-6s %s\n", "ID", "FAQ", "TITLE");
	for (c = diag_checks; *c; c++) {
		snprintf(needs, sizeof(needs), "%s%s%s%s",
			 (*c)->needs & DIAG_NEEDS_ROOT ? " CAP_NET_ADMIN" : "",
			 (*c)->needs & DIAG_NEEDS_CT ? " conntrack" : "",
			 (*c)->needs & DIAG_NEEDS_HOST ? " host" : "",
			 (*c)->needs & DIAG_NEEDS_PATHS ? " paths" : "");
		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "id", "%-22s ", (*c)->id);
		if ((*c)->faq)
			out_str(ctx->out, "faq", "%-6s ", (*c)->faq);
		else
			out_null(ctx->out, "faq", "%-6s ");
		out_str(ctx->out, "title", "%s", (*c)->title);
		out_str(ctx->out, "needs", needs[0] ? " (needs%s)" : "%s",
			needs);
		out_text(ctx->out, "\n");
		out_obj_close(ctx->out);
	}
	out_arr_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_diag_list_entry = {
	.name = "diag list",
	.usage = "",
	.summary = "name every check, its FAQ entry and what it needs",
	.help =
"One line per check: its id (what 'diag ID' and -j output use), the IP\n"
"Masquerade HOWTO FAQ entry it descends from, its title and its needs\n"
"(root, conntrack, a host or paths as parameters).",
	.kws = NULL,
	.flags = 0,
	.exec = cmd_diag_list,
};

/* ---- diag crlf PATH.. [fix] ---- */

static int
cmd_diag_crlf(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	struct diag_result res;
	struct cmd_diag cd;
	const char **paths;
	size_t i, n = a->n;
	bool fix = false;
	int rc = -1;

	diag_result_init(&res);
	if (n && !strcmp(a->v[n - 1].s, "fix")) {
		fix = true;
		n--;
	}
	if (!n) {
		err_tok(e, MASQ_EUSAGE, a->n ? &a->v[0] : NULL,
			"'diag crlf' needs the files to check");
		return err_hint(e, "diag crlf /etc/rc.firewall [fix]");
	}
	paths = xcalloc(n, sizeof(*paths));
	for (i = 0; i < n; i++)
		paths[i] = a->v[i].s;
	if (cmd_diag_init(ctx, &cd, e) == -1)
		goto out;
	cd.d.paths = paths;
	cd.d.n_paths = n;
	cd.d.fix = fix && !ctx->check_only;
	if (fix && ctx->check_only)
		out_text(ctx->out, "# -n: reporting only, nothing is "
			 "rewritten\n");
	diag_run_one(&cd.d, &diag_crlf_check, &res);
	rc = cmd_diag_report(ctx, &res, 1, true, e);
out:
	diag_result_done(&res);
	cmd_diag_done(&cd);
	free(paths);
	return rc;
}

static const struct cmd_kw crlf_kws[] = {
	{ "PATH", CMD_ARG_FILE, "PATH", "a script or rule file",
	  CMD_KW_POSITIONAL | CMD_KW_REPEAT | CMD_KW_REQUIRED, NULL },
	{ "fix", CMD_ARG_NONE, NULL,
	  "rewrite the faults (backup PATH.orig, mode and owner kept)", 0,
	  NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_diag_crlf_entry = {
	.name = "diag crlf",
	.usage = "PATH.. [fix]",
	.summary = "find CR LF, BOM and invisible characters in scripts",
	.help =
"Reports, as PATH:LINE:COLUMN, every CR LF and lone CR line end, a CR at\n"
"the end of the #! line, a UTF-8 byte-order mark, no-break spaces\n"
"(U+00A0, U+202F), zero-width characters (U+200B-U+200D, U+2060, U+FEFF),\n"
"soft hyphens, bidirectional controls and bytes that are not UTF-8 (FAQ\n"
"7.3: \"command not found\" from a script edited on DOS).  Lines are\n"
"counted as in the fixed file (a lone CR ends a line).\n"
"\n"
"With 'fix' each file with faults is rewritten: CR LF and lone CR become\n"
"LF, no-break spaces become spaces, the BOM and the invisible characters\n"
"are removed; bytes that are not UTF-8 are left alone.  The new content\n"
"goes to a temporary file in the same directory with the original's mode\n"
"and owner and is renamed over it; the original stays as PATH.orig (the\n"
"fix refuses when that exists).  Symbolic links are refused, never\n"
"followed.  A file named 'fix' is given as ./fix.\n"
"\n"
"Exit status: 1 when faults remain that fix would change (or a file\n"
"cannot be read), else 0.",
	.kws = crlf_kws,
	.flags = 0,
	.exec = cmd_diag_crlf,
};

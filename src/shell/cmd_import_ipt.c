/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_import_ipt.c - `import iptables FILE [replace]`: the nat table of an
 * iptables-save / ip6tables-save dump staged as masq rules and forwards.
 *
 * Import is all or nothing, as `import shorewall` is: the whole file is
 * translated and every rule read back first (nat/ipt_parse.c), and only
 * then are the rules stored, masq rules and forwards in one transaction.
 * Errors name FILE:LINE:COL and mark the word.
 * Does not own: the translation (nat/ipt_*.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/ipt_parse.h"
#include "shell/cmd_int.h"

/* A dump of more than this is not a NAT gateway's ruleset. */
#define IPT_FILE_MAX (16u << 20)

/* Shared with diag ha peer-rules (cmd_int.h): the file's bytes in *buf,
 * NUL-terminated (caller frees), *len of them, at most @max. */
int
cmds_slurp(const char *path, size_t max, char **buf, size_t *len,
	   struct masq_err *e)
{
	FILE *fp = fopen(path, "r");
	size_t cap = 65536, n = 0, got;
	char *b;

	if (!fp)
		return err_sys(e, MASQ_EFAIL, errno, "cannot read '%s'", path);
	b = xmalloc(cap + 1);
	while ((got = fread(b + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap && cap >= max) {
			free(b);
			fclose(fp);
			return err_set(e, MASQ_EUSAGE, "'%s' is larger than "
				       "%zu MiB", path, max >> 20);
		}
		if (n == cap)
			b = xrealloc(b, (cap *= 2) + 1);
	}
	if (ferror(fp)) {
		free(b);
		fclose(fp);
		return err_sys(e, MASQ_EFAIL, errno, "cannot read '%s'", path);
	}
	fclose(fp);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static int
store_import(struct store *s, const struct ipt_import *im, bool replace,
	     struct masq_err *e)
{
	int64_t id;
	size_t i;

	if (store_begin(s, e) < 0)
		return -1;
	if (replace &&
	    (store_rows_replace(s, STORE_MASQ, NULL, 0, e) < 0 ||
	     store_rows_replace(s, STORE_FORWARD, NULL, 0, e) < 0))
		goto fail;
	for (i = 0; i < im->n_masq; i++)
		if (store_row_insert(s, STORE_MASQ, 0, im->masq[i], &id, e) < 0)
			goto fail;
	for (i = 0; i < im->n_fwd; i++)
		if (store_row_insert(s, STORE_FORWARD, 0, im->fwd[i], &id,
				     e) < 0)
			goto fail;
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

static const struct cmd_kw import_ipt_kws[] = {
	{ "FILE", CMD_ARG_FILE, "FILE", "iptables-save or ip6tables-save "
	  "output", CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ "replace", CMD_ARG_NONE, NULL,
	  "replace the staged masq rules and forwards (default: append)", 0,
	  NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_import_iptables(struct cmd_ctx *ctx, const struct cmd_args *a,
		    struct masq_err *e)
{
	const struct masq_tok *vals[2];
	struct ipt_import im;
	struct store *s;
	char *buf = NULL;
	size_t len = 0;
	bool replace;
	int rc = -1;

	ipt_import_init(&im);
	if (cmd_args_bind(&cmd_import_iptables_entry, a, vals, e) < 0)
		return -1;
	replace = vals[1] != NULL;
	if (cmds_slurp(vals[0]->s, IPT_FILE_MAX, &buf, &len, e) < 0 ||
	    ipt_import_parse(&im, buf, len, vals[0]->s, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0)
		goto out;
	if (!ctx->check_only && store_import(s, &im, replace, e) < 0)
		goto out;
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "masq", ctx->check_only ? "would import %lld masq "
		"rules" : "imported %lld masq rules", (long long)im.n_masq);
	out_int(ctx->out, "forwards", " and %lld forwards",
		(long long)im.n_fwd);
	out_int(ctx->out, "tables_skipped", im.tables_skipped ?
		" (%lld other tables skipped)" : NULL,
		(long long)im.tables_skipped);
	out_bool(ctx->out, "replace", replace ? " (replacing the staged "
		 "rules)\n" : "\n", replace);
	out_obj_close(ctx->out);
	rc = 0;
out:
	free(buf);
	ipt_import_done(&im);
	return rc;
}

const struct cmd_entry cmd_import_iptables_entry = {
	.name = "import iptables",
	.usage = "FILE [replace]",
	.summary = "stage the nat table of an iptables-save dump",
	.help = "Read iptables-save or ip6tables-save output (a whole dump or\n"
		"just -t nat; other tables are skipped).  PREROUTING DNAT rules\n"
		"become forwards (-d HOST: the forward's dst), POSTROUTING\n"
		"MASQUERADE/SNAT/ACCEPT rules masq rules, in order, with user\n"
		"chains inlined (-j, -g, RETURN).  What masqsh cannot express\n"
		"exactly (other targets and matches, --random-fully, DNAT with\n"
		"-d NET or ! -d, chain loops) is an error, reported\n"
		"as FILE:LINE:COL, and imports no rule.  With 'replace' the\n"
		"staged masq rules and forwards are replaced, else appended.",
	.kws = import_ipt_kws,
	.flags = CMD_WRITES,
	.exec = cmd_import_iptables,
};

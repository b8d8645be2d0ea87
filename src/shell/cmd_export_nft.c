/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_export_nft.c - `export nft`: the compiled table as a file for
 * `nft -f`.
 *
 * Owns: the wrapper around our printer's text (nat_compiled_print) that
 * makes it a complete, re-runnable nft script: for each family it first
 * makes sure a table masqsh exists, then deletes it, then loads the new
 * one -- the same replace-in-one-transaction that `apply` sends (nft -f
 * runs a file as one batch), and like apply it touches no other table.
 * Does not own the compiler or the printer (nat/nft.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "nat/nft.h"
#include "shell/cmd_int.h"

/* The script text for @compiled.  Caller frees. */
static char *
export_nft_text(const char *compiled)
{
	static const char *const fams[] = { "ip", "ip6" };
	struct strbuf b = STRBUF_INIT;
	size_t i;

	strbuf_addf(&b, "#!/usr/sbin/nft -f\n"
		    "# masqsh: the staged rules compiled to table %s; load "
		    "with\n# 'nft -f FILE' (replaces only our table, in one "
		    "transaction)\n", NAT_TABLE_NAME);
	for (i = 0; i < 2; i++)
		strbuf_addf(&b, "table %s %s\ndelete table %s %s\n", fams[i],
			    NAT_TABLE_NAME, fams[i], NAT_TABLE_NAME);
	strbuf_puts(&b, compiled);
	return strbuf_take(&b);
}

static int
cmd_export_nft(struct cmd_ctx *ctx, const struct cmd_args *a,
	       struct masq_err *e)
{
	struct nat_compiled *c = NULL;
	struct nat_ruleset rs;
	char *text = NULL, *script = NULL;
	int rc = -1;

	(void)a;
	nat_ruleset_init(&rs);
	if (cmds_load(ctx, &rs, e) < 0 || nat_compile(&rs, &c, e) < 0)
		goto out;
	text = nat_compiled_print_script(c);
	script = text ? export_nft_text(text) : NULL;
	if (!script) {
		err_set(e, MASQ_EFAIL, "cannot print the compiled rules");
		goto out;
	}
	if (out_is_json(ctx->out)) {
		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "text", NULL, script);
		out_obj_close(ctx->out);
	} else {
		fputs(script, out_fp(ctx->out));
	}
	rc = 0;
out:
	free(script);
	free(text);
	if (c)
		nat_compiled_free(c);
	nat_ruleset_done(&rs);
	return rc;
}

const struct cmd_entry cmd_export_nft_entry = {
	.name = "export nft",
	.usage = "",
	.summary = "print the compiled table as a script for 'nft -f'",
	.help = "Print what 'apply' would load as an nft script: our table\n"
		"('show compiled') preceded by the lines that replace an\n"
		"existing masqsh table, so 'nft -f FILE' loads the same table\n"
		"as 'apply', in one transaction, and leaves other tables\n"
		"alone.  Nothing is recorded as a revision and no timeouts\n"
		"are set.  Rules using 'detect' take the interface's current\n"
		"address.  A per-rule timeout policy of nothing but default\n"
		"values names one state (nft lists it as 'policy = {  }',\n"
		"which it cannot read back).",
	.kws = NULL,
	.flags = 0,
	.exec = cmd_export_nft,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_apply.c - `apply` and `show compiled`.
 *
 * apply [confirm SECS]: load the staged rules, compile them, send them as
 * one batch, and record what was loaded as a revision (the rules as a
 * masqsh script and the exact compiled text) -- all through revision.c,
 * which also owns the confirm timer.  A failed apply leaves the kernel as
 * it was (nft_apply.c's promise) and records nothing.  With -n it is
 * `check`.
 * show compiled: the table apply would load, in nft syntax, from our own
 * printer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "nat/nft.h"
#include "nat/timeouts.h"
#include "shell/cmds_int.h"
#include "shell/revision.h"

/*
 * After the rules: write the stored conntrack timeouts into this namespace
 * again (the kernel forgets them when the namespace is recreated or
 * someone changes them).  Prints a line only when some are stored.
 */
static int
apply_timeouts(struct cmd_ctx *ctx, struct store *s, struct masq_err *e)
{
	unsigned int n;

	if (nat_timeouts_apply_stored(s, &n, e) < 0)
		return err_prefix(e, "the rules are applied, but setting the "
				  "stored timeouts failed");
	if (n)
		out_int(ctx->out, "timeouts", "set %lld stored conntrack "
			"timeouts\n", n);
	return 0;
}

/* Load and compile the staged rules. */
static int
load_compile(struct cmd_ctx *ctx, struct nat_ruleset *rs,
	     struct nat_compiled **c, struct masq_err *e)
{
	*c = NULL;
	if (cmds_load(ctx, rs, e) < 0 || nat_compile(rs, c, e) < 0)
		return -1;
	return 0;
}

static const struct cmd_kw apply_kws[] = {
	{ "confirm", CMD_ARG_NUM, "SECS", "revert by itself unless 'confirm' "
	  "comes within SECS seconds", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/*
 * The rules go in through revision.c (one store transaction around
 * compile, kernel batch and record).  With confirm, the revision is
 * pending and a detached timer reverts it at the deadline.
 */
static int
cmd_apply(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *vals[1] = { NULL };
	struct revision_req q = { .origin = "apply" };
	struct revision_res res;
	char origin[48];
	struct store *s;
	int64_t secs = 0;
	int rc = -1;

	if (cmd_args_bind(&cmd_apply_entry, a, vals, e) < 0)
		return -1;
	if (vals[0] && revision_confirm_secs(vals[0], &secs, e) < 0)
		return -1;
	if (ctx->check_only)
		return cmds_check_run(ctx, e);
	if (cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	if (secs) {
		snprintf(origin, sizeof(origin), "apply confirm %lld",
			 (long long)secs);
		q.origin = origin;
		q.confirm_secs = secs;
	}
	if (revision_apply(s, &q, &res, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	revision_print(ctx, &res, "applied");
	if (secs && revision_timer_spawn(store_path(s), res.id, e) < 0) {
		err_prefix(e, "revision %lld is pending without its timer",
			   (long long)res.id);
		err_hint(e, "run 'confirm' now, or 'rollback'; 'masqsh engine' "
			 "also reverts it at the deadline");
		goto out;
	}
	rc = apply_timeouts(ctx, s, e);
out:
	out_obj_close(ctx->out);
	return rc;
}

const struct cmd_entry cmd_apply_entry = {
	.name = "apply",
	.usage = "[confirm SECS]",
	.summary = "load the staged rules into the kernel in one transaction",
	.help = "Compile the staged rules and replace the kernel's masqsh\n"
		"table with them in one atomic batch; no other table is\n"
		"touched.  If the kernel refuses anything, the running rules\n"
		"stay exactly as they were and its message is shown with the\n"
		"masqsh rule it concerns.  Each apply is kept as a revision\n"
		"('revisions').\n"
		"With 'confirm SECS' the new revision is pending: unless\n"
		"'confirm' comes within SECS seconds, a background timer (and\n"
		"'masqsh engine', if it runs) puts the previous revision back\n"
		"in the kernel, and in the staged rules when they were not\n"
		"edited since.  A new apply meanwhile counts as 'confirm', a\n"
		"'rollback' as a revert.\n"
		"With -n, this is 'check'.",
	.kws = apply_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_apply,
};

static int
cmd_show_compiled(struct cmd_ctx *ctx, const struct cmd_args *a,
		  struct masq_err *e)
{
	struct nat_compiled *c = NULL;
	struct nat_ruleset rs;
	char *text = NULL;
	int rc = -1;

	(void)a;
	nat_ruleset_init(&rs);
	if (load_compile(ctx, &rs, &c, e) < 0)
		goto out;
	text = nat_compiled_print(c);
	if (!text) {
		err_set(e, MASQ_EFAIL, "cannot print the compiled rules");
		goto out;
	}
	out_obj_open(ctx->out, NULL);
	out_str(ctx->out, "family", NULL,
		nat_ruleset_has_ipv6(&rs) ? "ip,ip6" : "ip");
	out_int(ctx->out, "nft_rules", NULL, nat_compiled_rule_count(c));
	out_str(ctx->out, "text", "%s", text);
	out_obj_close(ctx->out);
	rc = 0;
out:
	free(text);
	if (c)
		nat_compiled_free(c);
	nat_ruleset_done(&rs);
	return rc;
}

const struct cmd_entry cmd_show_compiled_entry = {
	.name = "show compiled",
	.usage = "",
	.summary = "print the nftables table that 'apply' would load",
	.help = "Print the staged rules compiled to our nftables table, in\n"
		"nft syntax, as 'nft list table ip masqsh' prints it after an\n"
		"apply (counters at zero).  Rules using 'detect' take the\n"
		"interface's current addresses.",
	.kws = NULL,
	.flags = 0,
	.exec = cmd_show_compiled,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_apply.c - `apply` and `show compiled`.
 *
 * apply [confirm SECS] [replace]: load the staged rules, compile them,
 * send them as one batch, and record what was loaded as a revision (the
 * rules as a masqsh script and the exact compiled text) -- all through
 * revision.c, which also owns the guard against applying emptiness,
 * "nothing to apply" and the confirm timer.  A failed or refused apply
 * leaves the kernel as it was (nft_apply.c's promise) and records
 * nothing.  Here: the question an interactive apply asks first.  With -n
 * it is `check`, failing where apply would refuse.
 * show compiled: the table apply would load, in nft syntax, from our own
 * printer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
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
	{ "replace", CMD_ARG_NONE, NULL, "apply even though it removes every "
	  "running rule or the database was never applied", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/*
 * Before an interactive apply that the guard would refuse, or that
 * removes more than half of the running rules: ask.  0 with *@go and
 * q->agreed set (the caller frees *@agreed); *@go false when the answer
 * was no.
 */
static int
apply_ask(struct cmd_ctx *ctx, struct store *s, struct revision_req *q,
	  char **agreed, bool *go, struct masq_err *e)
{
	struct revision_risk r;
	char *why, *question;

	*go = true;
	if (revision_preview(s, &r, agreed, e) < 0)
		return -1;
	if (revision_judge(&r, true) != REVISION_ASK)
		return 0;
	why = revision_risk_text(&r, store_path(s));
	question = xasprintf("%s.  Apply anyway?", why);
	*go = ctx->confirm(ctx, question);
	free(question);
	free(why);
	q->agreed = *agreed;
	return 0;
}

/* apply -n: the check, and whether the guard would refuse. */
static int
apply_check(struct cmd_ctx *ctx, bool replace, struct masq_err *e)
{
	struct revision_risk r;
	struct store *s;
	char *kernel = NULL, *why;
	int rc;

	if (cmds_check_run(ctx, e) < 0)
		return -1;
	if (replace)
		return 0;
	if (cmd_ctx_store(ctx, &s, e) < 0 ||
	    revision_preview(s, &r, &kernel, e) < 0)
		return -1;
	free(kernel);
	rc = revision_judge(&r, false) == REVISION_REFUSE ? -1 : 0;
	if (rc < 0) {
		why = revision_risk_text(&r, store_path(s));
		err_set(e, MASQ_EFAIL, "apply would refuse: %s", why);
		free(why);
		err_hint(e, "'apply replace' applies anyway");
	}
	return rc;
}

/*
 * The rules go in through revision.c (one store transaction around
 * compile, kernel batch and record; the guard and "nothing to apply"
 * are there too).  With confirm, the revision is pending and a detached
 * timer reverts it at the deadline.
 */
static int
cmd_apply(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *vals[2] = { NULL, NULL };
	struct revision_req q = { .origin = "apply" };
	struct revision_res res;
	char origin[48], *agreed = NULL;
	struct store *s;
	int64_t secs = 0;
	bool go = true;
	int rc = -1;

	if (cmd_args_bind(&cmd_apply_entry, a, vals, e) < 0)
		return -1;
	if (vals[0] && revision_confirm_secs(vals[0], &secs, e) < 0)
		return -1;
	q.replace = vals[1] != NULL;
	if (ctx->check_only)
		return apply_check(ctx, q.replace, e);
	/* apply loads what was staged: it never creates a database */
	if (cmd_ctx_store_mode(ctx, STORE_WRITE, &s, e) < 0)
		return -1;
	if (!q.replace && ctx->interactive && ctx->confirm &&
	    apply_ask(ctx, s, &q, &agreed, &go, e) < 0)
		goto out;
	if (!go) {
		out_obj_open(ctx->out, NULL);
		out_bool(ctx->out, "applied", "nothing applied\n", false);
		out_obj_close(ctx->out);
		rc = 0;
		goto out;
	}
	snprintf(origin, sizeof(origin), "apply%s%s", q.replace ?
		 " replace" : "", secs ? " confirm " : "");
	if (secs)
		snprintf(origin + strlen(origin), sizeof(origin) -
			 strlen(origin), "%lld", (long long)secs);
	q.origin = origin;
	q.confirm_secs = secs;
	if (revision_apply(s, &q, &res, e) < 0)
		goto out;
	out_obj_open(ctx->out, NULL);
	revision_print(ctx, &res, "applied");
	rc = 0;
	if (!res.unchanged && secs &&
	    revision_timer_spawn(store_path(s), res.id, e) < 0) {
		err_prefix(e, "revision %lld is pending without its timer",
			   (long long)res.id);
		err_hint(e, "run 'confirm' now, or 'rollback'; 'masqsh engine' "
			 "also reverts it at the deadline");
		rc = -1;
	}
	if (rc == 0)
		rc = apply_timeouts(ctx, s, e);
	out_obj_close(ctx->out);
out:
	free(agreed);
	return rc;
}

const struct cmd_entry cmd_apply_entry = {
	.name = "apply",
	.usage = "[confirm SECS] [replace]",
	.summary = "load the staged rules into the kernel in one transaction",
	.help = "Compile the staged rules and replace the kernel's masqsh\n"
		"table with them in one atomic batch; no other table is\n"
		"touched.  If the kernel refuses anything, the running rules\n"
		"stay exactly as they were and its message is shown with the\n"
		"masqsh rule it concerns.  Each apply is kept as a revision\n"
		"('revisions').\n"
		"When the kernel already runs the newest revision and the\n"
		"staged rules are that revision's, nothing is applied or\n"
		"recorded: 'nothing to apply (revision N is running)'.  If our\n"
		"table was edited or flushed since, it is applied again.\n"
		"Guard: when our table in the kernel holds rules and this\n"
		"database was never applied, or no rule is staged, apply\n"
		"refuses (exit 1) and says how many running rules it would\n"
		"remove -- usually a wrong --db.  'apply replace' applies\n"
		"anyway (and always loads the table).  In the interactive\n"
		"shell it asks instead, and also before removing more than\n"
		"half of the running rules.  'apply' never creates a\n"
		"database: on a path where none exists it fails (exit 4).\n"
		"With 'confirm SECS' the new revision is pending: unless\n"
		"'confirm' comes within SECS seconds, a background timer (and\n"
		"'masqsh engine', if it runs) puts the previous revision back\n"
		"in the kernel, and in the staged rules when they were not\n"
		"edited since.  A new apply meanwhile counts as 'confirm', a\n"
		"'rollback' as a revert.\n"
		"With -n, this is 'check', and it fails where apply would\n"
		"refuse.",
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

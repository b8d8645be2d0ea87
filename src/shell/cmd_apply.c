/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_apply.c - `apply` and `show compiled`: argument handling and
 * output only.
 *
 * apply [confirm SECS] [replace]: ctl_apply() (src/ctl/revision.c) loads
 * the staged rules and timeouts, compiles, sends them as one batch and
 * records what was loaded as a revision; it owns the guard against
 * applying emptiness, "nothing to apply", the confirm timer, and the
 * promise that a failed or refused apply leaves the kernel and the store
 * as they were.  Here: the question an interactive apply asks first
 * (ctl_apply_ask()) and the printing.  With -n it is `check`, failing
 * where apply would refuse.
 * show compiled [digest] [kernel]: the table apply would load (or the
 * kernel runs), in nft syntax, from our own printer; or their digests.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ctl/ha.h"
#include "ctl/revision.h"
#include "nat/nft.h"
#include "shell/cmd_int.h"

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
 * removes more than half of the running rules: ask.  0 with *@go and,
 * when asked, q->agreed set (the caller frees *@agreed); *@go false when
 * the answer was no.
 */
static int
apply_ask(struct cmd_ctx *ctx, struct store *s, struct ctl_apply_req *q,
	  char **agreed, bool *go, struct masq_err *e)
{
	char *question = NULL;

	*go = true;
	if (ctl_apply_ask(s, &question, agreed, e) < 0)
		return -1;
	if (!question)
		return 0;
	*go = ctx->confirm(ctx, question);
	free(question);
	q->agreed = *agreed;
	return 0;
}

/* apply -n: the check, and whether the guard would refuse. */
static int
apply_check(struct cmd_ctx *ctx, bool replace, struct masq_err *e)
{
	struct store *s;

	if (cmds_check_run(ctx, e) < 0)
		return -1;
	if (replace)
		return 0;
	if (cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	return ctl_apply_check(s, e);
}

/* The answer no: nothing applied. */
static int
apply_declined(struct cmd_ctx *ctx)
{
	out_obj_open(ctx->out, NULL);
	out_bool(ctx->out, "applied", "nothing applied\n", false);
	out_obj_close(ctx->out);
	return 0;
}

static int
cmd_apply(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *vals[2] = { NULL, NULL };
	struct ctl_apply_req q = { 0 };
	struct ctl_apply_res res;
	char *agreed = NULL;
	struct store *s;
	bool go = true;
	int rc = -1;

	if (cmd_args_bind(&cmd_apply_entry, a, vals, e) < 0)
		return -1;
	if (vals[0] && cmds_confirm_secs(vals[0], &q.confirm_secs, e) < 0)
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
		rc = apply_declined(ctx);
		goto out;
	}
	rc = ctl_apply(s, &q, &res, e);
	if (rc >= 0) {
		out_obj_open(ctx->out, NULL);
		cmds_apply_print(ctx, &res, "applied");
		out_obj_close(ctx->out);
	}
out:
	free(agreed);
	return rc == 0 ? 0 : -1;
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
		"('revisions').  The stored conntrack timeouts ('timeouts\n"
		"set') go in with the rules, in the same transaction, and\n"
		"are kept with the revision; a refused apply leaves them as\n"
		"they were too.\n"
		"When the kernel already runs the newest revision and the\n"
		"staged rules and timeouts are that revision's, nothing is\n"
		"applied or recorded: 'nothing to apply (revision N is\n"
		"running)' (the stored timeouts are written all the same).\n"
		"If our table was edited or flushed since, it is applied\n"
		"again.\n"
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
		"in the kernel, and in the staged rules and timeouts when\n"
		"they were not edited since.  A new apply meanwhile counts\n"
		"as 'confirm', a 'rollback' as a revert.\n"
		"With -n, this is 'check', and it fails where apply would\n"
		"refuse.",
	.kws = apply_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_apply,
};

static const struct cmd_kw show_compiled_kws[] = {
	{ "digest", CMD_ARG_NONE, NULL, "SHA-256 of the staged and the "
	  "running table (compare with the pair's other node)", 0, NULL },
	{ "kernel", CMD_ARG_NONE, NULL, "the table the kernel runs now "
	  "instead of the staged one", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/*
 * show compiled digest: the digests of both texts (ha_rules_digest(), so
 * `show compiled | sha256sum` agrees); with `kernel` only the running
 * one.  "none" (null) when the kernel holds no table of ours.
 */
static void
show_compiled_digest(struct cmd_ctx *ctx, const char *staged,
		     const char *kernel)
{
	char sd[HA_DIGEST_HEXLEN + 1], kd[HA_DIGEST_HEXLEN + 1];

	out_obj_open(ctx->out, NULL);
	if (staged) {
		ha_rules_digest(staged, sd);
		out_str(ctx->out, "staged", "staged %s\n", sd);
	}
	ha_rules_digest(kernel, kd);
	if (kernel[0])
		out_str(ctx->out, "kernel", "kernel %s\n", kd);
	else
		out_null(ctx->out, "kernel", "kernel none (no masqsh table in "
			 "the kernel)\n");
	if (staged)
		out_bool(ctx->out, "in_sync", NULL, !strcmp(staged, kernel));
	out_obj_close(ctx->out);
}

/* The staged table's text (NULL with -1 on error); caller frees. */
static int
show_compiled_staged(struct cmd_ctx *ctx, struct nat_ruleset *rs,
		     char **text, int *n_rules, struct masq_err *e)
{
	struct nat_compiled *c = NULL;

	*text = NULL;
	if (load_compile(ctx, rs, &c, e) < 0)
		goto out;
	*text = nat_compiled_print(c);
	*n_rules = nat_compiled_rule_count(c);
	if (!*text)
		err_set(e, MASQ_EFAIL, "cannot print the compiled rules");
out:
	if (c)
		nat_compiled_free(c);
	return *text ? 0 : -1;
}

static int
cmd_show_compiled(struct cmd_ctx *ctx, const struct cmd_args *a,
		  struct masq_err *e)
{
	const struct masq_tok *v[2];
	char *text = NULL, *kernel = NULL;
	struct nat_ruleset rs;
	int rc = -1, n_rules = 0;

	nat_ruleset_init(&rs);
	if (cmd_args_bind(&cmd_show_compiled_entry, a, v, e) < 0)
		goto out;
	if (!(v[1] && v[0]) &&
	    show_compiled_staged(ctx, &rs, &text, &n_rules, e) < 0)
		goto out;
	if ((v[0] || v[1]) && nat_kernel_print(&kernel, false, e) < 0)
		goto out;
	rc = 0;
	if (v[0]) {
		show_compiled_digest(ctx, text, kernel);
		goto out;
	}
	out_obj_open(ctx->out, NULL);
	if (!v[1]) {
		out_str(ctx->out, "family", NULL,
			nat_ruleset_has_ipv6(&rs) ? "ip,ip6" : "ip");
		out_int(ctx->out, "nft_rules", NULL, n_rules);
	}
	out_str(ctx->out, "text", "%s", v[1] ? kernel : text);
	out_obj_close(ctx->out);
out:
	free(text);
	free(kernel);
	nat_ruleset_done(&rs);
	return rc;
}

const struct cmd_entry cmd_show_compiled_entry = {
	.name = "show compiled",
	.usage = "[digest] [kernel]",
	.summary = "print the nftables table that 'apply' would load",
	.help = "Print the staged rules compiled to our nftables table, in\n"
		"nft syntax, as 'nft list table ip masqsh' prints it after an\n"
		"apply (counters at zero).  Rules using 'detect' take the\n"
		"interface's current addresses.  A rule with lists (from a,b,\n"
		"dport 22,80, ...) is one nft rule; its lists print as sets,\n"
		"'ip saddr { a, b }', overlapping or adjacent networks merged.\n"
		"'kernel': the table the kernel runs now instead (read back,\n"
		"counters zeroed; empty when there is none).\n"
		"'digest': the SHA-256 of the staged table's text and of the\n"
		"running one's ('none' when the kernel holds none), the values\n"
		"'show compiled | sha256sum' gives; with 'kernel', the running\n"
		"one only.  The two nodes of a NAT pair must run the same\n"
		"table: 'diag ha peer-digest HEX' compares (ha.same-rules).\n"
		"JSON keys: family, nft_rules, text; with digest: staged,\n"
		"kernel (null: none), in_sync.  'kernel' and 'digest'\n"
		"read the kernel (CAP_NET_ADMIN).",
	.kws = show_compiled_kws,
	.flags = 0,	/* plain: none; digest and kernel read it */
	.exec = cmd_show_compiled,
};

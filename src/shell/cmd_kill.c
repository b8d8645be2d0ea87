/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_kill.c - `kill FILTER`: delete the conntrack entries a filter
 * matches, after counting them (and asking, when a person is there).
 *
 * An empty filter is refused: deleting every entry cuts every connection
 * of the gateway, so it has to be said ('kill nat' for every NAT'ed one).
 * The deletion itself is the engine's (dump and delete in batches); entries
 * that end between the count and the deletion are simply not counted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "shell/cmd_int.h"
#include "shell/ct_row.h"

/* The JSON answer; text callers add their sentence. */
static void
kill_report(struct cmd_ctx *ctx, long matched, long deleted)
{
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "matched", NULL, matched);
	out_int(ctx->out, "deleted", NULL, deleted);
	out_obj_close(ctx->out);
}

static const char *
plural(long n)
{
	return n == 1 ? "" : "s";
}

static int
cmd_kill(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	struct ct_handle *h = NULL;
	struct ct_cmd c;
	char question[96];
	long matched, deleted;
	int rc = -1;

	if (a->n == 0) {
		struct masq_tok end = { .s = "", .line = a->line,
					.off = a->line ? strlen(a->line) : 0 };

		err_tok(e, MASQ_EUSAGE, &end, "'kill' needs a filter");
		return err_hint(e, "say which connections, e.g. 'kill src "
				"192.168.1.10' or 'kill nat' for every NAT'ed "
				"one");
	}
	if (ct_cmd_prepare(ctx, a->v, a->n, 0, &c, e) < 0)
		return -1;
	h = ct_open(e);
	if (!h)
		goto out;
	matched = ct_dump(h, &c.q, NULL, NULL, e);
	if (matched < 0)
		goto out;
	if (matched == 0 || ctx->check_only) {
		kill_report(ctx, matched, 0);
		if (ctx->check_only)
			out_text(ctx->out, "would delete %ld connection%s\n",
				 matched, plural(matched));
		else
			out_text(ctx->out, "no matching connections\n");
		rc = 0;
		goto out;
	}
	snprintf(question, sizeof(question), "delete %ld connection%s?",
		 matched, plural(matched));
	if (ctx->interactive && ctx->confirm && !ctx->confirm(ctx, question)) {
		kill_report(ctx, matched, 0);
		out_text(ctx->out, "nothing deleted\n");
		rc = 0;
		goto out;
	}
	deleted = ct_delete_matching(h, &c.q, NULL, NULL, e);
	if (deleted < 0)
		goto out;
	kill_report(ctx, matched, deleted);
	out_text(ctx->out, "deleted %ld connection%s\n", deleted,
		 plural(deleted));
	rc = 0;
out:
	ct_close(h);
	ct_cmd_done(&c);
	return rc;
}

static const struct cmd_kw kill_kws[] = {
	CT_FILTER_KWS,
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_kill_entry = {
	.name = "kill",
	.usage = "FILTER",
	.summary = "delete the conntrack entries a filter matches",
	.help = "Count the connections FILTER matches (the filter language of\n"
		"'show masq'), ask when run interactively, then delete them from\n"
		"the kernel's table; their next packet starts a new entry and is\n"
		"translated by the rules in force now.  A filter is required:\n"
		"'kill nat' deletes every NAT'ed entry.  With -n only the count\n"
		"is printed.  With -j: {\"matched\": N, \"deleted\": M}.",
	.kws = kill_kws,
	.flags = CMD_KERNEL | CMD_OWN_ARGS,
	.exec = cmd_kill,
};

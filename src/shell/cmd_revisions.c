/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_revisions.c - `revisions`, `rollback [REV] [confirm SECS]`,
 * `confirm`, and the hidden `__confirm-timer REV` that `apply confirm`
 * leaves running in the background: argument handling and output only.
 *
 * Owns: printing the history and the outcome of an apply or a rollback
 * (cmds_apply_print(), shared with cmd_apply.c), the SECS of "confirm
 * SECS", and the timer's syslog.  The work -- which revision a bare
 * `rollback` goes back to, re-staging, the transaction, confirming,
 * reverting, the timer's wait -- is src/ctl (revision.h).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "ctl/revision.h"
#include "nat/rule.h"
#include "shell/cmd_int.h"

/* Local time of @t, with the date when @date. */
static void
rev_time_text(int64_t t, bool date, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) ||
	    !(date ? strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) :
	      strftime(buf, size, "%H:%M:%S", &tm)))
		snprintf(buf, size, "-");
}

int
cmds_confirm_secs(const struct masq_tok *t, int64_t *secs,
		  struct masq_err *e)
{
	char *end;

	/* the grammar (CMD_ARG_NUM) let only digits through */
	errno = 0;
	*secs = strtoll(t->s, &end, 10);
	if (errno || *end || *secs < 1 || *secs > CTL_CONFIRM_MAX) {
		err_tok(e, MASQ_EUSAGE, t, "confirm time %s is out of range",
			t->s);
		return err_hint(e, "give 1 to %d seconds", CTL_CONFIRM_MAX);
	}
	return 0;
}

void
cmds_apply_print(struct cmd_ctx *ctx, const struct ctl_apply_res *res,
		 const char *verb)
{
	char when[32];

	out_bool(ctx->out, "applied", NULL, !res->unchanged);
	if (res->unchanged) {
		out_int(ctx->out, "revision", "nothing to apply (revision %lld "
			"is running)\n", res->id);
		if (res->timeouts)
			out_int(ctx->out, "timeouts", "set %lld stored "
				"conntrack timeouts\n", res->timeouts);
		return;
	}
	if (res->drifted)
		out_int(ctx->out, "drifted", "the kernel's table differed from "
			"revision %lld (edited, flushed, or an apply was "
			"interrupted): loading it again\n",
			res->drifted);
	out_text(ctx->out, "%s ", verb);
	out_int(ctx->out, "rules", "%lld rules", (long long)res->n_rules);
	out_int(ctx->out, "nft_rules", " (%lld nft rules)", res->nft_rules);
	out_int(ctx->out, "revision", " as revision %lld\n", res->id);
	if (res->confirmed)
		out_int(ctx->out, "confirmed", "(pending revision %lld no "
			"longer waits for 'confirm')\n", res->confirmed);
	if (res->deadline) {
		rev_time_text(res->deadline, false, when, sizeof(when));
		out_int(ctx->out, "deadline", NULL, res->deadline);
		out_text(ctx->out, "pending: run 'confirm' by %s, or the "
			 "previous rules come back\n", when);
	}
	if (res->timeouts)
		out_int(ctx->out, "timeouts", "set %lld stored conntrack "
			"timeouts\n", res->timeouts);
}

/* ---- revisions -------------------------------------------------------- */

/*
 * Is the newest revision the one in force?  The kernel says (the record
 * of an apply killed right after the kernel's commit is missing, and the
 * newest revision then is not what runs: tests/netns/530).  When the
 * kernel cannot be read (no CAP_NET_ADMIN), the newest is taken on trust.
 */
static bool
revisions_newest_runs(struct store *s, int64_t *newest)
{
	struct masq_err ke;
	int rc;

	err_init(&ke);
	rc = ctl_running(s, newest, &ke);
	err_done(&ke);
	return rc != 0;
}

/* The kernel does not run revision @id: say so, and what to do. */
static void
revisions_drift_note(struct cmd_ctx *ctx, int64_t id)
{
	out_text(ctx->out, "the kernel does not run revision %lld: an apply "
		 "was interrupted, or the table\nwas edited or flushed "
		 "('diff' shows how; 'apply' loads the staged rules)\n",
		 (long long)id);
}

static int
cmd_revisions(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	struct store_revision *v = NULL;
	char when[32], note[64];
	int64_t newest = 0;
	struct store *s;
	size_t n = 0, i;
	bool runs;

	(void)a;
	if (cmd_ctx_store(ctx, &s, e) < 0 ||
	    store_revisions_list(s, 0, &v, &n, e) < 0)
		return -1;
	runs = !n || revisions_newest_runs(s, &newest);
	out_arr_open(ctx->out, NULL);
	if (!n)
		out_text(ctx->out, "no revisions yet: 'apply' makes the first\n");
	else
		out_text(ctx->out, "  REV  APPLIED              RULES  STATUS"
			 "     BY        WHAT\n");
	for (i = 0; i < n; i++) {
		const struct store_revision *r = &v[i];

		rev_time_text(r->applied_at, true, when,
			      sizeof(when));
		out_obj_open(ctx->out, NULL);
		out_text(ctx->out, "%s", i == 0 && runs ? "*" : " ");
		out_int(ctx->out, "id", "%4lld", r->id);
		out_int(ctx->out, "applied_at", NULL, r->applied_at);
		out_str(ctx->out, "time", "  %-19s", when);
		out_int(ctx->out, "rules", "  %5lld",
			(long long)nat_ruleset_text_count(r->rules));
		out_str(ctx->out, "status", "  %-9s", r->status);
		out_str(ctx->out, "user", "  %-8s", r->user ? r->user : "-");
		out_str(ctx->out, "origin", "  %s", r->origin ? r->origin : "-");
		out_bool(ctx->out, "current", NULL, i == 0 && runs);
		if (r->prev)
			out_int(ctx->out, "prev", NULL, r->prev);
		if (r->deadline && !strcmp(r->status, STORE_REV_PENDING)) {
			rev_time_text(r->deadline, false, note,
				      sizeof(note));
			out_int(ctx->out, "deadline", NULL, r->deadline);
			out_text(ctx->out, " (confirm by %s)", note);
		}
		out_text(ctx->out, "\n");
		out_obj_close(ctx->out);
	}
	out_arr_close(ctx->out);
	if (!runs)
		revisions_drift_note(ctx, newest);
	store_revisions_free(v, n);
	return 0;
}

const struct cmd_entry cmd_revisions_entry = {
	.name = "revisions",
	.usage = "",
	.summary = "list the applied revisions, newest first",
	.help = "Every apply, rollback and automatic revert is kept in the\n"
		"database as a revision: its id, when, how many rules, its\n"
		"status (applied; pending, then confirmed or reverted, for\n"
		"'apply confirm'), who ran it and what it was.  '*' marks the\n"
		"newest when the kernel runs its table; when it does not (an\n"
		"apply was interrupted after the kernel took the rules, or\n"
		"the table was edited or flushed) nothing is marked and a\n"
		"note says so: 'apply' loads the staged rules again.",
	.kws = NULL,
	.flags = 0,
	.exec = cmd_revisions,
};

/* ---- rollback --------------------------------------------------------- */

static const struct cmd_kw rollback_kws[] = {
	{ "REV", CMD_ARG_NUM, "REV", "the revision to go back to (default: the "
	  "one before the current rules)", CMD_KW_POSITIONAL, NULL },
	{ "confirm", CMD_ARG_NUM, "SECS", "revert by itself unless 'confirm' "
	  "comes within SECS seconds", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* The revision to roll back to: @id (its token @t), or 0 for the
 * default. */
static int
rollback_target(struct store *s, int64_t id, const struct masq_tok *t,
		struct store_revision *r, struct masq_err *e)
{
	int have = ctl_rollback_target(s, id, r, e);

	if (have == 1) {
		err_tok(e, MASQ_EFAIL, t, "no revision %lld", (long long)id);
		return err_hint(e, "'revisions' lists them");
	}
	return have;
}

/* rollback -n: where it would go. */
static int
rollback_check(struct cmd_ctx *ctx, const struct store_revision *r)
{
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "revision", "would roll back to revision %lld",
		r->id);
	out_int(ctx->out, "rules", " (%lld rules)\n",
		(long long)nat_ruleset_text_count(r->rules));
	out_obj_close(ctx->out);
	return 0;
}

static int
cmd_rollback(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *vals[2] = { NULL, NULL };
	struct store_revision r = { 0 };
	struct ctl_apply_res res;
	int64_t id = 0, secs = 0;
	struct store *s;
	int rc = -1;

	if (cmd_args_bind(&cmd_rollback_entry, a, vals, e) < 0 ||
	    (vals[0] && cmds_num(vals[0], "revision", &id, e) < 0) ||
	    (vals[1] && cmds_confirm_secs(vals[1], &secs, e) < 0) ||
	    cmd_ctx_store_mode(ctx, STORE_WRITE, &s, e) < 0)
		return -1;
	if (rollback_target(s, id, vals[0], &r, e) < 0)
		goto out;
	if (ctx->check_only) {
		rc = rollback_check(ctx, &r);
		goto out;
	}
	rc = ctl_rollback(s, &r, secs, &res, e);
	if (rc >= 0) {
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "from", "rolled back to revision %lld: ",
			r.id);
		cmds_apply_print(ctx, &res, "re-staged and applied");
		out_obj_close(ctx->out);
	}
out:
	store_revision_done(&r);
	return rc == 0 ? 0 : -1;
}

const struct cmd_entry cmd_rollback_entry = {
	.name = "rollback",
	.usage = "[REV] [confirm SECS]",
	.summary = "make an earlier revision's rules the staged and running ones",
	.help = "Re-stage the rules of revision REV (under their old ids) and\n"
		"apply them in one go; if they do not compile or the kernel\n"
		"refuses them, neither the staged rules nor the kernel change.\n"
		"Without REV: the newest revision before the current one\n"
		"whose rules differ, so a second 'rollback' undoes the first.\n"
		"A pending revision becomes 'reverted'.  'confirm SECS' works\n"
		"as with 'apply'.\n"
		"The conntrack timeouts ('timeouts set') that revision put\n"
		"in force come back with its rules, in the same transaction\n"
		"(a revision recorded before masqsh kept them leaves the\n"
		"timeouts as they are).  The MSS clamp and the helpers are\n"
		"settings, not part of a revision: they stay as they are.",
	.kws = rollback_kws,
	.flags = CMD_WRITES | CMD_KERNEL,
	.exec = cmd_rollback,
};

/* ---- confirm ---------------------------------------------------------- */

/* confirm -n: what would be confirmed. */
static int
confirm_check(struct cmd_ctx *ctx, struct store *s, struct masq_err *e)
{
	struct store_revision r = { 0 };
	int have = store_revision_pending(s, &r, e);

	if (have < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	if (have == 0)
		out_int(ctx->out, "revision", "would confirm revision %lld\n",
			r.id);
	else
		out_null(ctx->out, "revision", NULL);
	if (have != 0)
		out_text(ctx->out, "nothing is pending\n");
	out_obj_close(ctx->out);
	store_revision_done(&r);
	return 0;
}

static int
cmd_confirm(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	struct store *s;
	int64_t id;

	(void)a;
	if (cmd_ctx_store_mode(ctx, STORE_WRITE, &s, e) < 0)
		return -1;
	if (ctx->check_only)
		return confirm_check(ctx, s, e);
	if (ctl_confirm(s, (int64_t)time(NULL), &id, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "revision", "confirmed revision %lld\n", id);
	out_obj_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_confirm_entry = {
	.name = "confirm",
	.usage = "",
	.summary = "keep the pending revision of 'apply confirm SECS'",
	.help = "Mark the pending revision confirmed, so it is not reverted\n"
		"at its deadline.  It is an error when nothing is pending\n"
		"(for example because the deadline passed and the previous\n"
		"rules came back: 'revisions' shows it), and when the\n"
		"deadline has passed with the revision still pending (no\n"
		"timer or engine reverted it): then it is too late, and the\n"
		"previous rules are put back there and then.",
	.kws = NULL,
	.flags = CMD_WRITES | CMD_KERNEL,	/* a late confirm reverts */
	.exec = cmd_confirm,
};

/* ---- __confirm-timer -------------------------------------------------- */

static const struct cmd_kw timer_kws[] = {
	{ "REV", CMD_ARG_NUM, "REV", "the pending revision",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* The timer's log lines (struct ctl_log): syslog only, it runs
 * detached. */
static void
timer_log(void *arg, int prio, const char *line)
{
	(void)arg;
	syslog(prio, "%s", line);
}

/*
 * Wait for REV's deadline and revert it if nobody confirmed it
 * (ctl_timer_run()).  Runs detached, started by ctl_apply().
 */
static int
cmd_confirm_timer(struct cmd_ctx *ctx, const struct cmd_args *a,
		  struct masq_err *e)
{
	const struct masq_tok *vals[1] = { NULL };
	struct ctl_log log = { .fn = timer_log };
	struct store *s;
	int64_t id;
	int rc;

	if (cmd_args_bind(&cmd_confirm_timer_entry, a, vals, e) < 0 ||
	    cmds_num(vals[0], "revision", &id, e) < 0 ||
	    cmd_ctx_store_mode(ctx, STORE_WRITE, &s, e) < 0)
		return -1;
	openlog("masqsh", LOG_PID, LOG_DAEMON);
	rc = ctl_timer_run(s, id, &log, e);
	closelog();
	return rc;
}

const struct cmd_entry cmd_confirm_timer_entry = {
	.name = "__confirm-timer",
	.usage = "REV",
	.summary = "wait for REV's confirm deadline and revert it if unconfirmed",
	.help = "Started by 'apply confirm SECS' in the background; not meant "
		"to be typed.",
	.kws = timer_kws,
	.flags = CMD_HIDDEN | CMD_KERNEL,
	.exec = cmd_confirm_timer,
};

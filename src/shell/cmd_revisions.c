/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_revisions.c - `revisions`, `rollback [REV] [confirm SECS]`,
 * `confirm`, and the hidden `__confirm-timer REV` that `apply confirm`
 * leaves running in the background.
 *
 * Owns: printing the history and the outcome of an apply; choosing the
 * revision a bare `rollback` goes back to (the newest older one whose
 * rules differ from what runs now, so two rollbacks in a row toggle);
 * the timer's wait loop and its syslog lines.  The work itself is in
 * revision.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "shell/cmds_int.h"
#include "shell/revision.h"

/* Seconds between retries of a revert that failed. */
#define TIMER_RETRY_S 5
#define TIMER_RETRIES 12

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
revision_confirm_secs(const struct masq_tok *t, int64_t *secs,
		      struct masq_err *e)
{
	char *end;

	/* the grammar (CMD_ARG_NUM) let only digits through */
	errno = 0;
	*secs = strtoll(t->s, &end, 10);
	if (errno || *end || *secs < 1 || *secs > REVISION_CONFIRM_MAX) {
		err_tok(e, MASQ_EUSAGE, t, "confirm time %s is out of range",
			t->s);
		return err_hint(e, "give 1 to %d seconds", REVISION_CONFIRM_MAX);
	}
	return 0;
}

void
revision_print(struct cmd_ctx *ctx, const struct revision_res *res,
	       const char *verb)
{
	char when[32];

	out_bool(ctx->out, "applied", NULL, !res->unchanged);
	if (res->unchanged) {
		out_int(ctx->out, "revision", "nothing to apply (revision %lld "
			"is running)\n", res->id);
		return;
	}
	if (res->drifted)
		out_int(ctx->out, "drifted", "the kernel's table differed from "
			"revision %lld (edited or flushed): loading it again\n",
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
}

/* ---- revisions ------------------------------------------------------------ */

static int
cmd_revisions(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	struct store_revision *v = NULL;
	char when[32], note[64];
	struct store *s;
	size_t n = 0, i;

	(void)a;
	if (cmd_ctx_store(ctx, &s, e) < 0 ||
	    store_revisions_list(s, 0, &v, &n, e) < 0)
		return -1;
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
		out_text(ctx->out, "%s", i == 0 ? "*" : " ");
		out_int(ctx->out, "id", "%4lld", r->id);
		out_int(ctx->out, "applied_at", NULL, r->applied_at);
		out_str(ctx->out, "time", "  %-19s", when);
		out_int(ctx->out, "rules", "  %5lld",
			(long long)revision_rule_count(r->rules));
		out_str(ctx->out, "status", "  %-9s", r->status);
		out_str(ctx->out, "user", "  %-8s", r->user ? r->user : "-");
		out_str(ctx->out, "origin", "  %s", r->origin ? r->origin : "-");
		out_bool(ctx->out, "current", NULL, i == 0);
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
		"newest: what the kernel should be running now.",
	.kws = NULL,
	.flags = 0,
	.exec = cmd_revisions,
};

/* ---- rollback ------------------------------------------------------------- */

static const struct cmd_kw rollback_kws[] = {
	{ "REV", CMD_ARG_NUM, "REV", "the revision to go back to (default: the "
	  "one before the current rules)", CMD_KW_POSITIONAL, NULL },
	{ "confirm", CMD_ARG_NUM, "SECS", "revert by itself unless 'confirm' "
	  "comes within SECS seconds", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* The newest revision older than the current one with other rules. */
static int
rollback_default(struct store *s, struct store_revision *r,
		 struct masq_err *e)
{
	struct store_revision *v = NULL;
	size_t n = 0, i;
	int rc = -1;

	if (store_revisions_list(s, 0, &v, &n, e) < 0)
		return -1;
	for (i = 1; i < n; i++)
		if (strcmp(v[i].rules, v[0].rules))
			break;
	if (n == 0 || i == n) {
		err_set(e, MASQ_EFAIL, n ? "nothing to roll back to: every "
			"older revision has the rules that run now" :
			"nothing to roll back to: no revision was applied yet");
		err_hint(e, "'revisions' lists the history");
		goto out;
	}
	rc = store_revision_get(s, v[i].id, r, e) == 0 ? 0 : -1;
out:
	store_revisions_free(v, n);
	return rc;
}

static int
cmd_rollback(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *vals[2] = { NULL, NULL };
	struct store_revision r = { 0 };
	struct revision_req q = { .from_rev = true, .rev = &r,
				  .pending_to = STORE_REV_REVERTED };
	struct revision_res res;
	char origin[64];
	struct store *s;
	int64_t id = 0, secs = 0;
	int rc = -1, have;

	if (cmd_args_bind(&cmd_rollback_entry, a, vals, e) < 0 ||
	    (vals[0] && cmds_num(vals[0], "revision", &id, e) < 0) ||
	    (vals[1] && revision_confirm_secs(vals[1], &secs, e) < 0) ||
	    cmd_ctx_store_mode(ctx, STORE_WRITE, &s, e) < 0)
		return -1;
	if (id) {
		have = store_revision_get(s, id, &r, e);
		if (have < 0)
			goto out;
		if (have == 1) {
			err_tok(e, MASQ_EFAIL, vals[0], "no revision %lld",
				(long long)id);
			err_hint(e, "'revisions' lists them");
			goto out;
		}
	} else if (rollback_default(s, &r, e) < 0) {
		goto out;
	}
	if (ctx->check_only) {
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "revision", "would roll back to revision %lld",
			r.id);
		out_int(ctx->out, "rules", " (%lld rules)\n",
			(long long)revision_rule_count(r.rules));
		out_obj_close(ctx->out);
		rc = 0;
		goto out;
	}
	snprintf(origin, sizeof(origin), secs ? "rollback to %lld confirm %lld"
		 : "rollback to %lld", (long long)r.id, (long long)secs);
	q.origin = origin;
	q.confirm_secs = secs;
	if (revision_apply(s, &q, &res, e) < 0) {
		err_prefix(e, "cannot roll back to revision %lld", (long long)r.id);
		goto out;
	}
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "from", "rolled back to revision %lld: ", r.id);
	revision_print(ctx, &res, "re-staged and applied");
	rc = 0;
	if (secs && !res.unchanged && revision_timer_spawn(store_path(s), res.id, e) < 0) {
		err_prefix(e, "revision %lld is pending without its timer",
			   (long long)res.id);
		err_hint(e, "run 'confirm' now; 'masqsh engine' also reverts "
			 "it at the deadline");
		rc = -1;
	}
	out_obj_close(ctx->out);
out:
	store_revision_done(&r);
	return rc;
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
		"Timeouts and the MSS clamp are settings, not part of a\n"
		"revision: they stay as they are.",
	.kws = rollback_kws,
	.flags = CMD_WRITES | CMD_KERNEL,
	.exec = cmd_rollback,
};

/* ---- confirm -------------------------------------------------------------- */

static int
cmd_confirm(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	struct store *s;
	int64_t id;

	(void)a;
	if (cmd_ctx_store_mode(ctx, STORE_WRITE, &s, e) < 0)
		return -1;
	if (ctx->check_only) {
		struct store_revision r = { 0 };
		int have = store_revision_pending(s, &r, e);

		if (have < 0)
			return -1;
		out_obj_open(ctx->out, NULL);
		if (have == 0)
			out_int(ctx->out, "revision", "would confirm revision "
				"%lld\n", r.id);
		else
			out_null(ctx->out, "revision", NULL);
		if (have != 0)
			out_text(ctx->out, "nothing is pending\n");
		out_obj_close(ctx->out);
		store_revision_done(&r);
		return 0;
	}
	/*
	 * A confirm that comes after the deadline is too late, even when no
	 * timer or engine has reverted yet (the timer may have died with
	 * the machine): revert now, as the deadline promised, and say so.
	 */
	{
		int64_t reverted = 0, now_rev = 0;
		int x = revision_expire_pending(s, (int64_t)time(NULL),
						&reverted, &now_rev, e);

		if (x < 0)
			return -1;
		if (x == 1) {
			err_set(e, MASQ_EFAIL, "too late: the confirmation "
				"time of revision %lld had passed, so it was "
				"reverted now (revision %lld)",
				(long long)reverted, (long long)now_rev);
			err_hint(e, "apply again (with confirm SECS) to load "
				 "those rules");
			return -1;
		}
	}
	if (revision_confirm(s, &id, e) < 0)
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

/* ---- __confirm-timer ------------------------------------------------------ */

static const struct cmd_kw timer_kws[] = {
	{ "REV", CMD_ARG_NUM, "REV", "the pending revision",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/*
 * Wait for REV's deadline, looking once a second whether it is still
 * pending, then revert it.  Runs detached (revision_timer_spawn()), so
 * it reports to syslog only.
 */
static int
cmd_confirm_timer(struct cmd_ctx *ctx, const struct cmd_args *a,
		  struct masq_err *e)
{
	const struct masq_tok *vals[1] = { NULL };
	struct store_revision r = { 0 };
	int64_t id, now, rev = 0, now_rev = 0;
	unsigned int tries = 0;
	struct store *s;
	int rc, have;

	if (cmd_args_bind(&cmd_confirm_timer_entry, a, vals, e) < 0 ||
	    cmds_num(vals[0], "revision", &id, e) < 0 ||
	    cmd_ctx_store_mode(ctx, STORE_WRITE, &s, e) < 0)
		return -1;
	openlog("masqsh", LOG_PID, LOG_DAEMON);
	for (;;) {
		have = store_revision_get(s, id, &r, e);
		if (have < 0)
			goto failed;
		if (have == 1 || strcmp(r.status, STORE_REV_PENDING)) {
			store_revision_done(&r);
			rc = 0;
			break;
		}
		now = (int64_t)time(NULL);
		if (now < r.deadline) {
			store_revision_done(&r);
			sleep(1);
			continue;
		}
		store_revision_done(&r);
		rc = revision_expire_pending(s, now, &rev, &now_rev, e);
		if (rc == 1)
			syslog(LOG_WARNING, "revision %lld was not confirmed in "
			       "time: reverted, revision %lld runs now",
			       (long long)rev, (long long)now_rev);
		if (rc >= 0)
			break;
failed:
		syslog(LOG_ERR, "confirm timer for revision %lld: %s",
		       (long long)id, e->msg);
		if (++tries > TIMER_RETRIES) {
			rc = -1;
			break;
		}
		err_reset(e);
		err_init(e);
		sleep(TIMER_RETRY_S);
	}
	closelog();
	return rc < 0 ? -1 : 0;
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision_pending.c - settling a pending revision (`apply confirm
 * SECS`): `confirm`, the revert at the deadline (by whoever looks first:
 * the confirm timer, the engine, a late `confirm`), and the timer's wait.
 *
 * Owns: ctl_confirm(), ctl_expire_pending(), ctl_timer_run() and what a
 * revert puts back (revision.h).  Does not own: the apply itself
 * (revision.c), starting the timer process (revision_timer.c) or
 * reporting (the caller's ctl_log).  Never prints.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/revision_int.h"

/* Seconds between retries of a revert that failed, and how many. */
#define TIMER_RETRY_S 5
#define TIMER_RETRIES 12

/* Confirm the pending revision inside the caller's transaction. */
static int
pend_confirm(struct store *s, int64_t *id, struct masq_err *e)
{
	struct store_revision r = { 0 };
	bool changed;
	int rc = -1, have;

	have = store_revision_pending(s, &r, e);
	if (have < 0)
		goto out;
	if (have == 1) {
		have = store_revision_last(s, &r, e);
		if (have < 0)
			goto out;
		if (have == 1)
			err_set(e, MASQ_EFAIL, "nothing to confirm: no "
				"revision was applied yet");
		else
			err_set(e, MASQ_EFAIL, "nothing to confirm: the newest "
				"revision, %" PRId64 ", is %s", r.id, r.status);
		err_hint(e, "'apply confirm SECS' applies and waits for "
			 "'confirm'; 'revisions' lists the history");
		goto out;
	}
	if (store_revision_set_status(s, r.id, STORE_REV_PENDING,
				      STORE_REV_CONFIRMED, &changed, e) < 0)
		goto out;
	*id = r.id;
	rc = 0;
out:
	store_revision_done(&r);
	return rc;
}

int
ctl_confirm(struct store *s, int64_t now, int64_t *id, struct masq_err *e)
{
	int64_t reverted = 0, now_rev = 0;
	int x;

	*id = 0;
	/*
	 * A confirm that comes after the deadline is too late, even when no
	 * timer or engine has reverted yet (the timer may have died with
	 * the machine): revert now, as the deadline promised, and say so.
	 */
	x = ctl_expire_pending(s, now, &reverted, &now_rev, e);
	if (x < 0)
		return -1;
	if (x == 1) {
		err_set(e, MASQ_EFAIL, "too late: the confirmation time of "
			"revision %" PRId64 " had passed, so it was reverted "
			"now (revision %" PRId64 ")", reverted, now_rev);
		return err_hint(e, "apply again (with confirm SECS) to load "
				"those rules");
	}
	if (store_begin(s, e) < 0)
		return -1;
	return rev_end(s, pend_confirm(s, id, e), e);
}

/*
 * What a revert of @pend puts back, into @rs and @t: the rules of @prev
 * (NULL: none), re-staged when the staged rules are still @pend's, and
 * @prev's timeouts, re-staged when the stored ones are still @pend's.
 */
static int
pend_restore(struct store *s, const struct store_revision *pend,
	     const struct store_revision *prev, struct nat_ruleset *rs,
	     struct rev_tmo *t, struct masq_err *e)
{
	struct nat_ruleset staged;
	char *script = NULL, *tmo = NULL;
	int rc = -1;

	nat_ruleset_init(&staged);
	if (nat_ruleset_load(s, &staged, e) < 0 ||
	    rev_tmo_stored_text(s, &tmo, e) < 0)
		goto out;
	script = nat_ruleset_text(&staged);
	if (prev && nat_ruleset_from_text(rs, prev->rules, prev->rule_ids,
					  e) < 0) {
		err_prefix(e, "cannot read revision %" PRId64, prev->id);
		goto out;
	}
	/* untouched since the apply: the staged rules go back too */
	if (!strcmp(script, pend->rules)) {
		if (rev_restage(s, rs, e) < 0)
			goto out;
		nat_ruleset_done(rs);
		nat_ruleset_init(rs);
		if (nat_ruleset_load(s, rs, e) < 0)
			goto out;
	} else {
		/* settings, not part of a revision (nat/ct_helpers.c) */
		rs->clamp = staged.clamp;
		rs->helpers = staged.helpers;
	}
	if (pend->timeouts && !strcmp(tmo, pend->timeouts) &&
	    rev_tmo_restage(s, prev ? prev->timeouts : NULL, t, e) < 0)
		goto out;
	rc = rev_tmo_plan(s, t, e);
out:
	free(script);
	free(tmo);
	nat_ruleset_done(&staged);
	return rc;
}

/* The revert of @pend (read inside the transaction). */
static int
pend_revert(struct store *s, const struct store_revision *pend,
	    int64_t *now_rev, struct masq_err *e)
{
	struct store_revision prev = { 0 };
	struct ctl_apply_req q = { 0 };
	struct ctl_apply_res res = { 0 };
	struct nat_ruleset rs;
	struct rev_tmo t;
	char origin[96];
	int rc = -1, have = 1;

	nat_ruleset_init(&rs);
	rev_tmo_init(&t);
	if (pend->prev && (have = store_revision_get(s, pend->prev, &prev,
						     e)) < 0)
		goto out;
	if (pend_restore(s, pend, have == 0 ? &prev : NULL, &rs, &t, e) < 0)
		goto out;
	snprintf(origin, sizeof(origin), "revert of %" PRId64
		 " (not confirmed)", pend->id);
	q.origin = origin;
	/* the revert is what the deadline promised: never refused */
	q.replace = true;
	rc = rev_apply_locked(s, &rs, &t, &q, STORE_REV_REVERTED, false, &res,
			      e);
	*now_rev = res.id;
out:
	rev_tmo_done(&t);
	nat_ruleset_done(&rs);
	store_revision_done(&prev);
	return rc;
}

int
ctl_expire_pending(struct store *s, int64_t now, int64_t *reverted,
		   int64_t *now_rev, struct masq_err *e)
{
	struct store_revision pend = { 0 };
	int64_t deadline, rev = 0;
	int rc = -1, have;

	/* The engine asks every few seconds: look without the write lock
	 * first (an index holds the pending ones), then again inside it. */
	have = store_revision_pending(s, &pend, e);
	deadline = pend.deadline;
	store_revision_done(&pend);	/* zeroes it */
	if (have != 0 || deadline > now)
		return have < 0 ? -1 : 0;
	if (store_begin(s, e) < 0)
		return -1;
	have = store_revision_pending(s, &pend, e);
	if (have != 0 || pend.deadline > now) {
		rc = have < 0 ? -1 : 0;
		goto out;
	}
	rc = pend_revert(s, &pend, &rev, e);
	if (rc >= 0) {
		if (reverted)
			*reverted = pend.id;
		if (now_rev)
			*now_rev = rev;
		rc = 1;
	}
out:
	if (rc < 0)
		err_prefix(e, "cannot revert unconfirmed revision %" PRId64,
			   pend.id);
	store_revision_done(&pend);
	return rev_end(s, rc, e);
}

/* One look of the timer at revision @id: 1 settled, 0 wait on, -1. */
static int
timer_step(struct store *s, int64_t id, const struct ctl_log *log,
	   struct masq_err *e)
{
	struct store_revision r = { 0 };
	int64_t now, rev = 0, now_rev = 0;
	int have, rc;

	have = store_revision_get(s, id, &r, e);
	if (have < 0)
		return -1;
	if (have == 1 || strcmp(r.status, STORE_REV_PENDING)) {
		store_revision_done(&r);
		return 1;
	}
	now = (int64_t)time(NULL);
	rc = now < r.deadline ? 0 : 1;
	store_revision_done(&r);
	if (rc == 0)
		return 0;
	rc = ctl_expire_pending(s, now, &rev, &now_rev, e);
	if (rc == 1)
		ctl_logf(log, LOG_WARNING, "revision %" PRId64 " was not "
			 "confirmed in time: reverted, revision %" PRId64
			 " runs now", rev, now_rev);
	return rc < 0 ? -1 : 1;
}

int
ctl_timer_run(struct store *s, int64_t id, const struct ctl_log *log,
	      struct masq_err *e)
{
	unsigned int tries = 0;
	int rc;

	for (;;) {
		rc = timer_step(s, id, log, e);
		if (rc > 0)
			return 0;
		if (rc == 0) {
			sleep(1);
			continue;
		}
		ctl_logf(log, LOG_ERR, "confirm timer for revision %" PRId64
			 ": %s", id, e->msg);
		if (++tries > TIMER_RETRIES)
			return -1;
		err_reset(e);
		err_init(e);
		sleep(TIMER_RETRY_S);
	}
}

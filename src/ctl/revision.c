/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision.c - rules to kernel to history: the transaction bracket
 * around every apply that records a revision, a rollback's re-staging,
 * and "nothing to apply" (see revision.h for the semantics and the order
 * of the steps).
 *
 * Owns: ctl_apply(), ctl_rollback_target(), ctl_rollback(), and the
 * locked part they share with the revert of a pending revision
 * (revision_pending.c).  Does not own: the guard (revision_guard.c), the
 * timeouts' plan, write and undo (revision_timeouts.c), the confirm timer
 * (revision_timer.c), a ruleset's text (nat/rule.h) or SQL
 * (core/store.c).  Never prints.
 */
#include "config.h"

#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "ctl/revision_int.h"

/* The user running this: $SUDO_USER, else the login name of the uid.
 * Borrowed (static). */
static const char *
rev_user(void)
{
	static char name[64];
	const char *u = getenv("SUDO_USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	/* the passwd lookup (NSS, maybe a file read) once per process */
	if (name[0])
		return name;
	pw = getpwuid(getuid());
	if (pw && pw->pw_name)
		snprintf(name, sizeof(name), "%s", pw->pw_name);
	else
		snprintf(name, sizeof(name), "uid %u", (unsigned int)getuid());
	return name;
}

int
rev_restage(struct store *s, const struct nat_ruleset *rs, struct masq_err *e)
{
	size_t n = rs->n_masq > rs->n_fwd ? rs->n_masq : rs->n_fwd, i;
	char **specs = xcalloc(n + 1, sizeof(*specs));
	int64_t *ids = xcalloc(n + 1, sizeof(*ids));
	int ret = -1;

	if (store_rows_replace(s, STORE_MASQ, NULL, 0, e) < 0 ||
	    store_rows_replace(s, STORE_FORWARD, NULL, 0, e) < 0)
		goto out;
	for (i = 0; i < rs->n_masq; i++) {
		specs[i] = nat_rule_format_kw(&rs->masq[i]);
		ids[i] = rs->masq[i].id;
	}
	if (store_rows_restore(s, STORE_MASQ, ids,
			       (const char *const *)specs, rs->n_masq, e) < 0)
		goto out;
	for (i = 0; i < rs->n_masq; i++) {
		free(specs[i]);
		specs[i] = NULL;
	}
	for (i = 0; i < rs->n_fwd; i++) {
		specs[i] = nat_forward_format_kw(&rs->fwd[i]);
		ids[i] = rs->fwd[i].id;
	}
	if (store_rows_restore(s, STORE_FORWARD, ids,
			       (const char *const *)specs, rs->n_fwd, e) < 0)
		goto out;
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(specs[i]);
	free(specs);
	free(ids);
	return ret;
}

/* detect_only: the staged rules must be the newest revision's. */
static int
rev_detect_check(struct store *s, const char *script, struct masq_err *e)
{
	struct store_revision last = { 0 };
	int have = store_revision_last(s, &last, e), rc = 0;

	if (have == 0 && strcmp(last.rules, script)) {
		err_set(e, MASQ_EFAIL, "the staged rules differ from the "
			"applied revision %" PRId64 ", so detect was not "
			"re-applied", last.id);
		err_hint(e, "run 'apply' (or 'diff' to see what changed)");
		rc = -1;
	}
	store_revision_done(&last);
	return have < 0 ? -1 : rc;
}

/* What one apply holds while it runs. */
struct rev_run {
	struct store_revision rec;	/* the record to be: its texts */
	struct nat_compiled *c;
	struct rev_look lk;
	int64_t last_id;		/* the newest revision (have == 0) */
	int have;
	int64_t pending;		/* the pending revision, or 0 */
};

/*
 * Nothing to apply: the newest revision holds these rules, compiled text
 * and timeouts, and the kernel runs exactly that text.  1 then; 0 when
 * the apply must go ahead (res->drifted set when only the kernel
 * differs); -1 on error.
 */
static int
rev_noop(struct store *s, struct rev_run *r, struct ctl_apply_res *res,
	 struct masq_err *e)
{
	int same = store_revision_same(s, r->last_id, r->rec.rules,
				       r->rec.compiled, r->rec.rule_ids,
				       r->rec.timeouts, e);

	if (same <= 0)
		return same;
	if (rev_look(&r->lk, r->c, e) < 0)
		return -1;
	if (strcmp(r->lk.ch.kernel, r->rec.compiled)) {
		res->drifted = r->last_id;
		return 0;
	}
	res->id = r->last_id;
	res->unchanged = true;
	return 1;
}

/* Record what was applied: @r->rec completed from @q. */
static int
rev_record(struct store *s, const struct ctl_apply_req *q, struct rev_run *r,
	   struct ctl_apply_res *res, struct masq_err *e)
{
	struct store_revision *rec = &r->rec;

	rec->status = (char *)(q->confirm_secs > 0 ? STORE_REV_PENDING :
			       STORE_REV_APPLIED);
	rec->applied_at = (int64_t)time(NULL);
	rec->deadline = q->confirm_secs > 0 ?
		rec->applied_at + q->confirm_secs : 0;
	rec->prev = r->have == 0 ? r->last_id : 0;
	rec->origin = (char *)q->origin;
	rec->user = (char *)rev_user();
	if (store_revision_record(s, rec, &res->id, e) < 0)
		return -1;
	res->deadline = rec->deadline;
	return 0;
}

/* Read what the apply of @rs needs before it decides anything. */
static int
rev_prepare(struct store *s, const struct nat_ruleset *rs, struct rev_tmo *t,
	    const struct ctl_apply_req *q, struct rev_run *r,
	    struct ctl_apply_res *res, struct masq_err *e)
{
	struct store_revision pend = { 0 };

	r->rec.rules = nat_ruleset_text(rs);
	r->rec.rule_ids = nat_ruleset_text_ids(rs);
	r->rec.timeouts = t->text;
	/* only the newest id is needed (rec.prev), not its texts */
	if ((r->have = store_revision_last_id(s, &r->last_id, e)) < 0 ||
	    (q->detect_only && rev_detect_check(s, r->rec.rules, e) < 0) ||
	    nat_compile(rs, &r->c, e) < 0)
		return -1;
	r->rec.compiled = nat_compiled_print(r->c);
	if (!r->rec.compiled)
		r->rec.compiled = xstrdup("");
	res->n_rules = rs->n_masq + rs->n_fwd;
	res->nft_rules = nat_compiled_rule_count(r->c);
	res->timeouts = rev_tmo_count(t);
	if (!q->keep_pending && store_revision_pending(s, &pend, e) < 0)
		return -1;
	r->pending = pend.id;
	store_revision_done(&pend);
	return 0;
}

/* "Nothing to apply": the stored timeouts still go in (someone may have
 * changed one).  0, or 1 with @e saying what failed. */
static int
rev_noop_timeouts(struct rev_tmo *t, struct masq_err *e)
{
	if (rev_tmo_write(t, e) == 0 && rev_tmo_write_late(t, e) == 0)
		return 0;
	err_prefix(e, "the rules are applied, but setting the stored "
		   "timeouts failed");
	return 1;
}

/* The kernel's part: timeouts, then the batch (the undo on its failure),
 * then the timeouts that needed it.  0, 1 (late timeouts failed; @le
 * says so), -1 (nothing changed). */
static int
rev_kernel(struct rev_tmo *t, const struct nat_compiled *c,
	   struct masq_err *le, struct masq_err *e)
{
	if (rev_tmo_write(t, e) < 0)
		return err_prefix(e, "nothing applied: cannot set the stored "
				  "conntrack timeouts");
	if (nat_apply(c, NAT_APPLY_COMMIT, e) < 0) {
		rev_tmo_undo(t);
		return -1;
	}
	if (rev_tmo_write_late(t, le) < 0) {
		err_prefix(le, "the rules are applied, but setting the stored "
			   "timeouts failed");
		return 1;
	}
	return 0;
}

int
rev_apply_locked(struct store *s, const struct nat_ruleset *rs,
		 struct rev_tmo *t, const struct ctl_apply_req *q,
		 const char *pending_to, bool guard, struct ctl_apply_res *res,
		 struct masq_err *e)
{
	struct rev_run r = { 0 };
	struct masq_err le;
	int rc = -1, k;

	err_init(&le);
	if (rev_prepare(s, rs, t, q, &r, res, e) < 0)
		goto out;
	/* a pending revision is settled by this apply: never "nothing" */
	if (!q->replace && r.have == 0 && !r.pending &&
	    (k = rev_noop(s, &r, res, e)) != 0) {
		rc = k < 0 ? -1 : rev_noop_timeouts(t, e);
		goto out;
	}
	if (guard && rev_guard(s, rs, q, r.have == 0, r.c, &r.lk, e) < 0)
		goto out;
	/*
	 * Record first, in the open transaction, with the room for its
	 * commit reserved, and only then send the batch: a failed record
	 * (a full or read-only disk) changes nothing, a refused batch rolls
	 * the record back with the rest (rev_end()), and after the kernel's
	 * commit only the store's COMMIT is left.  An apply killed in that
	 * gap leaves the kernel running rules the newest revision does not
	 * hold ('revisions' says so: ctl_running()); recording afterwards
	 * made the gap several times wider (tests/netns/530), and a full
	 * disk then changed the kernel and lost the record (540).
	 */
	if ((r.pending && store_revision_set_status(s, r.pending,
						    STORE_REV_PENDING,
						    pending_to, NULL, e) < 0) ||
	    rev_record(s, q, &r, res, e) < 0 || store_reserve(s, e) < 0) {
		err_prefix(e, "nothing applied: cannot record the revision");
		goto out;
	}
	if ((k = rev_kernel(t, r.c, &le, e)) < 0)
		goto out;
	res->confirmed = r.pending;
	rc = k;
	if (k == 1) {
		err_done(e);
		*e = le;
		err_init(&le);
	}
out:
	err_done(&le);
	nat_change_done(&r.lk.ch);
	free(r.rec.rules);
	free(r.rec.rule_ids);
	free(r.rec.compiled);
	if (r.c)
		nat_compiled_free(r.c);
	return rc;
}

int
rev_end(struct store *s, int rc, struct masq_err *e)
{
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	if (store_commit(s, e) < 0) {
		err_prefix(e, "the kernel took the rules, but the store could "
			   "not record it");
		return err_hint(e, "the kernel runs the new rules and the "
				"history does not say so ('diff' shows it); "
				"apply again once the database can be "
				"written");
	}
	return rc;
}

/*
 * After the commit: start the confirm timer of a new pending revision.
 * Returns @rc, or 1 with @e saying the revision waits without it (that
 * says more than a timeout written late, which it then replaces).
 */
static int
rev_start_timer(struct store *s, const struct ctl_apply_req *q,
		const struct ctl_apply_res *res, int rc, struct masq_err *e)
{
	struct masq_err te;

	if (rc < 0 || res->unchanged || q->confirm_secs <= 0)
		return rc;
	err_init(&te);
	if (rev_timer_spawn(store_path(s), res->id, &te) == 0) {
		err_done(&te);
		return rc;
	}
	err_prefix(&te, "revision %" PRId64 " is pending without its timer",
		   res->id);
	err_hint(&te, "run 'confirm' now, or 'rollback'; 'masqsh engine' "
		 "also reverts it at the deadline");
	err_done(e);
	*e = te;
	return 1;
}

/*
 * ctl_apply(), and ctl_rollback() with @rev: its rules and timeouts are
 * re-staged first, and the guard does not apply (the rules ran before).
 */
static int
rev_run(struct store *s, const struct ctl_apply_req *q,
	const struct store_revision *rev, struct ctl_apply_res *res,
	struct masq_err *e)
{
	struct nat_ruleset rs, want;
	struct rev_tmo t;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	nat_ruleset_init(&rs);
	nat_ruleset_init(&want);
	rev_tmo_init(&t);
	if (store_begin(s, e) < 0)
		return -1;
	if (rev && nat_ruleset_from_text(&want, rev->rules, rev->rule_ids,
					 e) < 0) {
		err_prefix(e, "cannot read revision %" PRId64, rev->id);
		goto out;
	}
	if ((rev && (rev_restage(s, &want, e) < 0 ||
		     rev_tmo_restage(s, rev->timeouts, &t, e) < 0)) ||
	    nat_ruleset_load(s, &rs, e) < 0 || rev_tmo_plan(s, &t, e) < 0)
		goto out;
	rc = rev_apply_locked(s, &rs, &t, q, rev ? STORE_REV_REVERTED :
			      STORE_REV_CONFIRMED, !rev, res, e);
out:
	rc = rev_end(s, rc, e);
	if (rc >= 0 && q->rules_out) {
		*q->rules_out = rs;
		nat_ruleset_init(&rs);
	}
	rev_tmo_done(&t);
	nat_ruleset_done(&rs);
	nat_ruleset_done(&want);
	return rev_start_timer(s, q, res, rc, e);
}

int
ctl_apply(struct store *s, const struct ctl_apply_req *q,
	  struct ctl_apply_res *res, struct masq_err *e)
{
	struct ctl_apply_req qq = *q;
	char origin[64];

	if (!qq.origin) {
		snprintf(origin, sizeof(origin), "apply%s%s", q->replace ?
			 " replace" : "", q->confirm_secs ? " confirm " : "");
		if (q->confirm_secs)
			snprintf(origin + strlen(origin), sizeof(origin) -
				 strlen(origin), "%" PRId64, q->confirm_secs);
		qq.origin = origin;
	}
	return rev_run(s, &qq, NULL, res, e);
}

int
ctl_running(struct store *s, int64_t *id, struct masq_err *e)
{
	struct store_revision last = { 0 };
	char *kernel = NULL;
	int rc;

	*id = 0;
	rc = store_revision_last(s, &last, e);
	if (rc != 0) {
		store_revision_done(&last);
		return rc < 0 ? -1 : 1;
	}
	*id = last.id;
	rc = -1;
	if (nat_kernel_print(&kernel, false, e) == 0)
		rc = !strcmp(kernel ? kernel : "", last.compiled ?
			     last.compiled : "");
	free(kernel);
	store_revision_done(&last);
	return rc;
}

int
ctl_rollback_target(struct store *s, int64_t id, struct store_revision *r,
		    struct masq_err *e)
{
	struct store_revision *v = NULL;
	struct masq_err ke;
	int64_t newest = 0;
	size_t n = 0, i;
	int rc = -1, k;

	if (id)
		return store_revision_get(s, id, r, e);
	/*
	 * "The one before the current rules": when the kernel does not run
	 * the newest revision (an apply killed between the kernel's commit
	 * and the record, or the table edited with nft), the current rules
	 * are not in the history and the newest revision is the one before
	 * them.  Skipping it would go back two steps (tests/netns/531).
	 * When the kernel cannot be read the newest is taken on trust, as
	 * 'revisions' does; the rollback itself then fails on the kernel.
	 */
	err_init(&ke);
	k = ctl_running(s, &newest, &ke);
	err_done(&ke);
	if (k == 0 && newest)
		return store_revision_get(s, newest, r, e) == 0 ? 0 : -1;
	if (store_revisions_list(s, 0, &v, &n, e) < 0)
		return -1;
	/* timeouts unknown (rows from before db/004) do not count */
	for (i = 1; i < n; i++)
		if (strcmp(v[i].rules, v[0].rules) ||
		    (v[i].timeouts && v[0].timeouts &&
		     strcmp(v[i].timeouts, v[0].timeouts)))
			break;
	if (n == 0 || i == n) {
		err_set(e, MASQ_EFAIL, n ? "nothing to roll back to: every "
			"older revision has the rules and timeouts that run "
			"now" : "nothing to roll back to: no revision was "
			"applied yet");
		err_hint(e, "'revisions' lists the history");
		goto out;
	}
	rc = store_revision_get(s, v[i].id, r, e) == 0 ? 0 : -1;
out:
	store_revisions_free(v, n);
	return rc;
}

int
ctl_rollback(struct store *s, const struct store_revision *r,
	     int64_t confirm_secs, struct ctl_apply_res *res,
	     struct masq_err *e)
{
	struct ctl_apply_req q = { .confirm_secs = confirm_secs };
	char origin[64];
	int rc;

	snprintf(origin, sizeof(origin), confirm_secs ? "rollback to %" PRId64
		 " confirm %" PRId64 : "rollback to %" PRId64, r->id,
		 confirm_secs);
	q.origin = origin;
	rc = rev_run(s, &q, r, res, e);
	if (rc < 0)
		err_prefix(e, "cannot roll back to revision %" PRId64, r->id);
	return rc;
}

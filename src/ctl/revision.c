/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision.c - rules to kernel to history, rollback, confirm and the
 * expiry of unconfirmed applies (see revision.h for the semantics).
 *
 * Owns: the transaction bracket around every apply that records a
 * revision, parsing a revision's script back into rules, re-staging them,
 * and the detached confirm timer.  Never prints.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/tok.h"
#include "core/xalloc.h"
#include "nat/nft.h"
#include "nat/rule.h"
#include "shell/cmds_int.h"
#include "shell/revision.h"

#define PFX_MASQ "masq add "
#define PFX_FWD "forward add "

/* Is the line at @p a rule line of a revision script? */
static bool
rev_is_rule(const char *p)
{
	return !strncmp(p, PFX_MASQ, strlen(PFX_MASQ)) ||
	       !strncmp(p, PFX_FWD, strlen(PFX_FWD));
}

size_t
revision_rule_count(const char *rules)
{
	const char *p = rules;
	size_t n = 0;

	while (p && *p) {
		n += rev_is_rule(p);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

const char *
revision_user(void)
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

/* Append @v in decimal at @o; returns the end. */
static char *
rev_put_id(char *o, int64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	memcpy(o, tmp + i, sizeof(tmp) - i);
	return o + (sizeof(tmp) - i);
}

char *
revision_rule_ids(const struct nat_ruleset *rs)
{
	size_t n = rs->n_masq + rs->n_fwd, i;
	/* at most 19 digits and a sign per id, one separator each */
	char *buf = xmalloc(n * 22 + 1), *o = buf;

	for (i = 0; i < n; i++) {
		if (i)
			*o++ = ' ';
		o = rev_put_id(o, i < rs->n_masq ? rs->masq[i].id :
			       rs->fwd[i - rs->n_masq].id);
	}
	*o = '\0';
	return buf;
}

/* One script line into @rs; @id 0 when unknown. */
static int
rev_parse_line(struct nat_ruleset *rs, const char *line, int64_t id,
	       struct masq_err *e)
{
	bool masq = !strncmp(line, PFX_MASQ, strlen(PFX_MASQ));
	struct nat_forward f;
	struct nat_rule r;
	struct tok_list tl;
	int ret = -1;

	nat_rule_init(&r);
	nat_forward_init(&f);
	if (tok_split(&tl, line + strlen(masq ? PFX_MASQ : PFX_FWD), 0,
		      e) == -1)
		goto out;
	if (masq) {
		if (nat_rule_parse_kw(&r, tl.v, tl.n, e) == -1)
			goto out;
		r.id = id;
		r.pos = (unsigned int)rs->n_masq + 1;
		nat_ruleset_add_masq(rs, &r);
	} else {
		if (nat_forward_parse_kw(&f, tl.v, tl.n, e) == -1)
			goto out;
		f.id = id;
		f.pos = (unsigned int)rs->n_fwd + 1;
		nat_ruleset_add_fwd(rs, &f);
	}
	ret = 0;
out:
	tok_list_done(&tl);
	nat_rule_done(&r);
	nat_forward_done(&f);
	return ret;
}

/* The rules of revision @r (NULL: none) into @rs, each with its id from
 * rule_ids in order (0 where there is none: older rows, engine records). */
static int
rev_parse(const struct store_revision *r, struct nat_ruleset *rs,
	  struct masq_err *e)
{
	const char *p = r ? r->rules : "", *ids = r ? r->rule_ids : NULL;
	const char *nl;
	char *line, *end;
	int64_t id;
	int ret;

	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (!rev_is_rule(p))
			continue;
		id = 0;
		if (ids && *ids) {
			id = strtoll(ids, &end, 10);
			ids = end;
		}
		line = xstrndup(p, (size_t)(nl - p));
		ret = rev_parse_line(rs, line, id > 0 ? id : 0, e);
		free(line);
		if (ret < 0)
			return err_prefix(e, "revision %" PRId64 " no longer "
					  "parses", r ? r->id : 0);
	}
	return 0;
}

/* Make @rs the staged rules, keeping their ids (0: a fresh one). */
static int
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

/* ---- the guard and "nothing to apply" ---------------------------------------- */

enum revision_verdict
revision_judge(const struct revision_risk *r, bool interactive)
{
	if (r->running == 0)
		return REVISION_GO;	/* nothing of ours runs: nothing lost */
	if (!r->applied || r->rules == 0)
		return interactive ? REVISION_ASK : REVISION_REFUSE;
	if (interactive && (uint64_t)r->removed * 2 > r->running)
		return REVISION_ASK;
	return REVISION_GO;
}

char *
revision_risk_text(const struct revision_risk *r, const char *path)
{
	char run[96];

	snprintf(run, sizeof(run), "%u nft rule%s running in table %s",
		 r->running, r->running == 1 ? "" : "s", NAT_TABLE_NAME);
	if (!r->applied && !r->rules)
		return xasprintf("%s holds no rules and was never applied; "
				 "applying it would remove all %s", path, run);
	if (!r->applied)
		return xasprintf("%s was never applied; its %zu rule%s would "
				 "replace all %s", path, r->rules,
				 r->rules == 1 ? "" : "s", run);
	if (!r->rules)
		return xasprintf("no rules are staged in %s; applying would "
				 "remove all %s", path, run);
	return xasprintf("applying would remove %u of the %s (the new table "
			 "has %u)", r->removed, run, r->staged);
}

int
revision_preview(struct store *s, struct revision_risk *r, char **kernel,
		 struct masq_err *e)
{
	struct nat_compiled *c = NULL;
	struct nat_change ch = { 0 };
	struct nat_ruleset rs;
	int64_t id;
	int have, rc = -1;

	memset(r, 0, sizeof(*r));
	*kernel = NULL;
	nat_ruleset_init(&rs);
	if ((have = store_revision_last_id(s, &id, e)) < 0 ||
	    nat_ruleset_load(s, &rs, e) < 0 || nat_compile(&rs, &c, e) < 0 ||
	    nat_kernel_change(c, &ch, e) < 0)
		goto out;
	r->applied = have == 0;
	r->rules = rs.n_masq + rs.n_fwd;
	r->running = ch.running;
	r->removed = ch.removed;
	r->staged = ch.staged;
	*kernel = ch.kernel;
	ch.kernel = NULL;
	rc = 0;
out:
	nat_change_done(&ch);
	if (c)
		nat_compiled_free(c);
	nat_ruleset_done(&rs);
	return rc;
}

/* One look at the kernel's table, shared by the checks of an apply. */
struct rev_look {
	bool read;
	struct nat_change ch;
};

static int
rev_look(struct rev_look *lk, const struct nat_compiled *c,
	 struct masq_err *e)
{
	if (lk->read)
		return 0;
	if (nat_kernel_change(c, &lk->ch, e) < 0)
		return -1;
	lk->read = true;
	return 0;
}

/*
 * The guard (revision.h): -1 with MASQ_EFAIL when this apply must not
 * go ahead.  The kernel is read only when the answer can be "no": a
 * database applied before with rules staged always may.
 */
static int
rev_guard(struct store *s, const struct nat_ruleset *rs,
	  const struct revision_req *q, bool applied,
	  const struct nat_compiled *c, struct rev_look *lk,
	  struct masq_err *e)
{
	struct revision_risk r = { .applied = applied,
				   .rules = rs->n_masq + rs->n_fwd };
	char *why;

	if (q->replace || q->from_rev || (!q->agreed && applied && r.rules))
		return 0;
	if (rev_look(lk, c, e) < 0)
		return -1;
	if (q->agreed) {
		if (!strcmp(lk->ch.kernel, q->agreed))
			return 0;
		err_set(e, MASQ_EFAIL, "nothing applied: the rules running in "
			"table %s changed while you were asked",
			NAT_TABLE_NAME);
		return err_hint(e, "run 'apply' again to see what it does now");
	}
	r.running = lk->ch.running;
	r.removed = lk->ch.removed;
	r.staged = lk->ch.staged;
	if (revision_judge(&r, false) != REVISION_REFUSE)
		return 0;
	why = revision_risk_text(&r, store_path(s));
	err_set(e, MASQ_EFAIL, "not applied: %s", why);
	free(why);
	return err_hint(e, "if that is meant, 'apply replace' applies anyway; "
			"else name the right database with --db (or "
			"$MASQSH_DB)");
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

/*
 * Nothing to apply: revision @last_id holds these rules and this
 * compiled text, and the kernel runs exactly that text.  1 then; 0 when
 * the apply must go ahead (res->drifted set when only the kernel
 * differs); -1 on error.
 */
static int
rev_noop(struct store *s, int64_t last_id, const char *script,
	 const char *text, const char *ids, const struct nat_compiled *c,
	 struct rev_look *lk, struct revision_res *res, struct masq_err *e)
{
	int same = store_revision_same(s, last_id, script, text, ids, e);

	if (same <= 0)
		return same;
	if (rev_look(lk, c, e) < 0)
		return -1;
	if (strcmp(lk->ch.kernel, text)) {
		res->drifted = last_id;
		return 0;
	}
	res->id = last_id;
	res->unchanged = true;
	return 1;
}

/* Record what was applied: @rec filled from @q and the rest. */
static int
rev_record(struct store *s, const struct revision_req *q, int64_t prev,
	   char *script, char *text, char *ids, struct revision_res *res,
	   struct masq_err *e)
{
	struct store_revision rec = { 0 };

	rec.rules = script;
	rec.compiled = text;
	rec.status = (char *)(q->confirm_secs > 0 ? STORE_REV_PENDING :
			      STORE_REV_APPLIED);
	rec.applied_at = (int64_t)time(NULL);
	rec.deadline = q->confirm_secs > 0 ?
		rec.applied_at + q->confirm_secs : 0;
	rec.prev = prev;
	rec.origin = (char *)q->origin;
	rec.user = (char *)revision_user();
	/* the rule ids too, so a rollback to this revision keeps them */
	rec.rule_ids = ids;
	if (store_revision_record(s, &rec, &res->id, e) < 0)
		return -1;
	res->deadline = rec.deadline;
	return 0;
}

/*
 * The part of an apply inside the caller's transaction: the rules are
 * @rs (its ids are those in the store), the pending revision (if any)
 * becomes @pending_to unless q->keep_pending; the guard, "nothing to
 * apply" and q->detect_only as in revision.h.
 */
static int
rev_apply_locked(struct store *s, const struct nat_ruleset *rs,
		 const struct revision_req *q, const char *pending_to,
		 struct revision_res *res, struct masq_err *e)
{
	struct store_revision pend = { 0 };
	struct nat_compiled *c = NULL;
	struct rev_look lk = { 0 };
	char *script = NULL, *text = NULL, *ids = NULL;
	int64_t last_id = 0;
	int rc = -1, have;

	script = cmds_ruleset_script(rs);
	/* only the newest id is needed (rec.prev), not its texts */
	if ((have = store_revision_last_id(s, &last_id, e)) < 0 ||
	    (q->detect_only && rev_detect_check(s, script, e) < 0) ||
	    nat_compile(rs, &c, e) < 0)
		goto out;
	text = nat_compiled_print(c);
	if (!text)
		text = xstrdup("");
	ids = revision_rule_ids(rs);
	res->n_rules = rs->n_masq + rs->n_fwd;
	res->nft_rules = nat_compiled_rule_count(c);
	if (!q->keep_pending && store_revision_pending(s, &pend, e) < 0)
		goto out;
	/* a pending revision is settled by this apply: never "nothing" */
	if (!q->replace && have == 0 && !pend.id &&
	    (rc = rev_noop(s, last_id, script, text, ids, c, &lk, res, e)) != 0)
		goto out;
	rc = -1;
	if (rev_guard(s, rs, q, have == 0, c, &lk, e) < 0 ||
	    nat_apply(c, NAT_APPLY_COMMIT, e) < 0)
		goto out;
	if ((pend.id && store_revision_set_status(s, pend.id,
						  STORE_REV_PENDING, pending_to,
						  NULL, e) < 0) ||
	    rev_record(s, q, have == 0 ? last_id : 0, script, text, ids, res,
		       e) < 0) {
		err_prefix(e, "the rules are applied, but recording the "
			   "revision failed");
		goto out;
	}
	res->confirmed = pend.id;
	rc = 0;
out:
	if (rc > 0)
		rc = 0;
	nat_change_done(&lk.ch);
	store_revision_done(&pend);
	free(script);
	free(text);
	free(ids);
	if (c)
		nat_compiled_free(c);
	return rc;
}

/* Commit, or undo the transaction when @rc is -1.  Returns @rc or -1. */
static int
rev_end(struct store *s, int rc, struct masq_err *e)
{
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	if (store_commit(s, e) < 0)
		return err_prefix(e, "the kernel took the rules, but the "
				  "store could not record it");
	return rc;
}

int
revision_apply(struct store *s, const struct revision_req *q,
	       struct revision_res *res, struct masq_err *e)
{
	struct nat_ruleset rs, want;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	nat_ruleset_init(&rs);
	nat_ruleset_init(&want);
	if (store_begin(s, e) < 0)
		return -1;
	if (q->from_rev && (rev_parse(q->rev, &want, e) < 0 ||
			    rev_restage(s, &want, e) < 0))
		goto out;
	if (nat_ruleset_load(s, &rs, e) < 0)
		goto out;
	rc = rev_apply_locked(s, &rs, q, q->pending_to ? q->pending_to :
			      STORE_REV_CONFIRMED, res, e);
out:
	rc = rev_end(s, rc, e);
	if (rc >= 0 && q->rules_out) {
		*q->rules_out = rs;
		nat_ruleset_init(&rs);
	}
	nat_ruleset_done(&rs);
	nat_ruleset_done(&want);
	return rc;
}

int
revision_confirm(struct store *s, int64_t *id, struct masq_err *e)
{
	struct store_revision r = { 0 };
	bool changed;
	int rc = -1, have;

	*id = 0;
	if (store_begin(s, e) < 0)
		return -1;
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
	return rev_end(s, rc, e);
}

int
revision_expire_pending(struct store *s, int64_t now, int64_t *reverted,
			int64_t *now_rev, struct masq_err *e)
{
	struct store_revision pend = { 0 }, prev = { 0 };
	struct nat_ruleset staged, rs;
	struct revision_req q = { 0 };
	struct revision_res res = { 0 };
	char *script = NULL, origin[96];
	int64_t deadline;
	int rc = -1, have;

	nat_ruleset_init(&staged);
	nat_ruleset_init(&rs);
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
	if (pend.prev && (have = store_revision_get(s, pend.prev, &prev,
						    e)) < 0)
		goto out;
	if (nat_ruleset_load(s, &staged, e) < 0)
		goto out;
	script = cmds_ruleset_script(&staged);
	if (rev_parse(pend.prev && have == 0 ? &prev : NULL, &rs, e) < 0)
		goto out;
	if (!strcmp(script, pend.rules)) {
		/* untouched since the apply: the staged rules go back too */
		if (rev_restage(s, &rs, e) < 0)
			goto out;
		nat_ruleset_done(&rs);
		nat_ruleset_init(&rs);
		if (nat_ruleset_load(s, &rs, e) < 0)
			goto out;
	} else {
		rs.clamp = staged.clamp;
		rs.helpers = staged.helpers;	/* a setting too (helpers.c) */
	}
	snprintf(origin, sizeof(origin), "revert of %" PRId64
		 " (not confirmed)", pend.id);
	q.origin = origin;
	/* the revert is what the deadline promised: never refused */
	q.replace = true;
	if (rev_apply_locked(s, &rs, &q, STORE_REV_REVERTED, &res, e) < 0)
		goto out;
	if (reverted)
		*reverted = pend.id;
	if (now_rev)
		*now_rev = res.id;
	rc = 1;
out:
	if (rc < 0)
		err_prefix(e, "cannot revert unconfirmed revision %" PRId64,
			   pend.id);
	free(script);
	nat_ruleset_done(&staged);
	nat_ruleset_done(&rs);
	store_revision_done(&pend);
	store_revision_done(&prev);
	return rev_end(s, rc, e);
}

/* Close every descriptor from 3 up. */
static void
rev_close_from3(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < (max > 0 ? max :
							     1024); fd++)
		close((int)fd);
}

int
revision_timer_spawn(const char *db_path, int64_t id, struct masq_err *e)
{
	char exe[PATH_MAX], db[PATH_MAX], cmd[64];
	char *argv[] = { exe, (char *)"--db", db, (char *)"-c", cmd, NULL };
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	sigset_t none;
	pid_t pid;
	int st, fd;

	/* the timer runs in "/": a relative --db must not change meaning */
	if (!realpath(db_path, db))
		return err_sys(e, MASQ_EFAIL, errno, "%s", db_path);
	if (n <= 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot find this "
			       "program (/proc/self/exe) to start the confirm "
			       "timer");
	exe[n] = '\0';
	snprintf(cmd, sizeof(cmd), "__confirm-timer %" PRId64, id);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot start the confirm "
			       "timer");
	if (pid == 0) {
		setsid();
		pid = fork();
		if (pid != 0)
			_exit(pid < 0 ? 1 : 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGHUP, SIG_IGN);
		if (chdir("/") < 0)
			_exit(126);
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		rev_close_from3();
		execv(exe, argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return err_sys(e, MASQ_EFAIL, errno, "confirm timer");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return err_set(e, MASQ_EFAIL, "cannot start the confirm timer");
	return 0;
}

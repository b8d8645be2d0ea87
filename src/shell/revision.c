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

/*
 * The part of an apply inside the caller's transaction: the rules are
 * @rs (its ids are those in the store), the pending revision (if any)
 * becomes @pending_to unless q->keep_pending; q->detect_only as in
 * revision.h.
 */
static int
rev_apply_locked(struct store *s, const struct nat_ruleset *rs,
		 const struct revision_req *q, const char *pending_to,
		 struct revision_res *res, struct masq_err *e)
{
	struct store_revision pend = { 0 }, last = { 0 }, rec = { 0 };
	struct nat_compiled *c = NULL;
	char *script = NULL, *text = NULL, *ids = NULL;
	int64_t last_id = 0;
	int rc = -1, have;

	script = cmds_ruleset_script(rs);
	if (q->detect_only) {
		/* the whole newest revision: its rules and text compared */
		if ((have = store_revision_last(s, &last, e)) < 0)
			goto out;
		last_id = last.id;
		if (have == 0 && strcmp(last.rules, script)) {
			err_set(e, MASQ_EFAIL, "the staged rules differ from "
				"the applied revision %" PRId64 ", so detect "
				"was not re-applied", last.id);
			err_hint(e, "run 'apply' (or 'diff' to see what "
				 "changed)");
			goto out;
		}
	} else if ((have = store_revision_last_id(s, &last_id, e)) < 0) {
		/* only its id is needed (rec.prev), not its texts */
		goto out;
	}
	if (nat_compile(rs, &c, e) < 0)
		goto out;
	text = nat_compiled_print(c);
	if (q->detect_only && have == 0 &&
	    !strcmp(last.compiled, text ? text : "")) {
		res->id = last.id;
		res->unchanged = true;
		rc = 0;
		goto out;
	}
	ids = revision_rule_ids(rs);
	if (!q->keep_pending && store_revision_pending(s, &pend, e) < 0)
		goto out;
	if (nat_apply(c, NAT_APPLY_COMMIT, e) < 0)
		goto out;
	if (pend.id && store_revision_set_status(s, pend.id, STORE_REV_PENDING,
						 pending_to, NULL, e) < 0)
		goto recorded;
	rec.rules = script;
	rec.compiled = text ? text : (char *)"";
	rec.status = (char *)(q->confirm_secs > 0 ? STORE_REV_PENDING :
			      STORE_REV_APPLIED);
	rec.applied_at = (int64_t)time(NULL);
	rec.deadline = q->confirm_secs > 0 ?
		rec.applied_at + q->confirm_secs : 0;
	rec.prev = have == 0 ? last_id : 0;
	rec.origin = (char *)q->origin;
	rec.user = (char *)revision_user();
	/* the rule ids too, so a rollback to this revision keeps them */
	rec.rule_ids = ids;
	if (store_revision_record(s, &rec, &res->id, e) < 0)
		goto recorded;
	res->deadline = rec.deadline;
	res->confirmed = pend.id;
	res->n_rules = rs->n_masq + rs->n_fwd;
	res->nft_rules = nat_compiled_rule_count(c);
	rc = 0;
	goto out;
recorded:
	err_prefix(e, "the rules are applied, but recording the revision "
		   "failed");
out:
	store_revision_done(&pend);
	store_revision_done(&last);
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

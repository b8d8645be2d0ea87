/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision_guard.c - the guard against applying emptiness (issue 10):
 * what an apply would do to the rules that run now, the verdict (go, ask,
 * refuse), its sentence, the question an interactive apply asks first,
 * `apply -n`'s answer, and the check inside the apply itself.
 *
 * Owns: ctl_judge(), ctl_risk_text(), ctl_preview(), ctl_apply_ask(),
 * ctl_apply_check(), and the one look at the kernel's table that an apply
 * shares between the guard and "nothing to apply" (rev_look()).  Does
 * not own: reading the kernel's table (nat_kernel_change(), nat/nft.h),
 * asking (the shell's ctx->confirm) or the apply (revision.c).  Never
 * prints.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "ctl/revision_int.h"

enum ctl_verdict
ctl_judge(const struct ctl_risk *r, bool interactive)
{
	if (r->running == 0)
		return CTL_GO;		/* nothing of ours runs: nothing lost */
	if (!r->applied || r->rules == 0)
		return interactive ? CTL_ASK : CTL_REFUSE;
	if (interactive && (uint64_t)r->removed * 2 > r->running)
		return CTL_ASK;
	return CTL_GO;
}

char *
ctl_risk_text(const struct ctl_risk *r, const char *path)
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
ctl_preview(struct store *s, struct ctl_risk *r, char **kernel,
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

int
ctl_apply_ask(struct store *s, char **question, char **agreed,
	      struct masq_err *e)
{
	struct ctl_risk r;
	char *why;

	*question = NULL;
	if (ctl_preview(s, &r, agreed, e) < 0)
		return -1;
	if (ctl_judge(&r, true) != CTL_ASK)
		return 0;
	why = ctl_risk_text(&r, store_path(s));
	*question = xasprintf("%s.  Apply anyway?", why);
	free(why);
	return 0;
}

int
ctl_apply_check(struct store *s, struct masq_err *e)
{
	struct ctl_risk r;
	char *kernel = NULL, *why;

	if (ctl_preview(s, &r, &kernel, e) < 0)
		return -1;
	free(kernel);
	if (ctl_judge(&r, false) != CTL_REFUSE)
		return 0;
	why = ctl_risk_text(&r, store_path(s));
	err_set(e, MASQ_EFAIL, "apply would refuse: %s", why);
	free(why);
	return err_hint(e, "'apply replace' applies anyway");
}

int
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

/* A database applied before with rules staged always may go: the kernel
 * is read only when the answer can be "no". */
int
rev_guard(struct store *s, const struct nat_ruleset *rs,
	  const struct ctl_apply_req *q, bool applied,
	  const struct nat_compiled *c, struct rev_look *lk,
	  struct masq_err *e)
{
	struct ctl_risk r = { .applied = applied,
			      .rules = rs->n_masq + rs->n_fwd };
	char *why;

	if (q->replace || (!q->agreed && applied && r.rules))
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
	if (ctl_judge(&r, false) != CTL_REFUSE)
		return 0;
	why = ctl_risk_text(&r, store_path(s));
	err_set(e, MASQ_EFAIL, "not applied: %s", why);
	free(why);
	return err_hint(e, "if that is meant, 'apply replace' applies anyway; "
			"else name the right database with --db (or "
			"$MASQSH_DB)");
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_apply.c - how the engine puts rules into the kernel and keeps
 * track of the rules that run there (see engine_int.h).
 *
 * Owns: the engine's apply (start-up and `detect` re-resolution), which is
 * ctl_apply() with the engine's flags, so it is one store write
 * transaction that never interleaves with an `apply`, `rollback` or
 * confirm expiry of another process; its "apply" alert; and adopting
 * revisions that others applied.  Does not own: the transaction
 * (revision.c), the compiler and the kernel batch (nat/nft.h), or the
 * loop that decides when to apply (engine.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/engine_int.h"
#include "ctl/revision.h"
#include "nat/nft.h"

/* Adopt @rs (moved in: @rs is left empty) as what runs, as of @rev_id. */
static void
engine_rules_take(struct engine *eng, struct nat_ruleset *rs, int64_t rev_id)
{
	ct_rules_free(eng->cr);
	nat_ruleset_done(&eng->rs);
	eng->rs = *rs;
	nat_ruleset_init(rs);
	eng->cr = ct_rules_new(&eng->rs);
	eng->rev_id = rev_id;
}

void
engine_rules_reindex(struct engine *eng)
{
	ct_rules_free(eng->cr);
	eng->cr = ct_rules_new(&eng->rs);
}

int
engine_apply(struct engine *eng, const char *why, bool detect_only,
	     struct masq_err *e)
{
	struct nat_ruleset rs;
	struct ctl_apply_req q = { .keep_pending = true,
				   .detect_only = detect_only,
				   .rules_out = &rs };
	struct ctl_apply_res res;
	char origin[96];
	int rc;

	nat_ruleset_init(&rs);
	snprintf(origin, sizeof(origin), "engine: %s", why);
	q.origin = origin;
	rc = ctl_apply(eng->s, &q, &res, e);
	if (rc < 0)
		return -1;
	if (res.unchanged && !detect_only)
		ctl_logf(eng->log, LOG_INFO, "nothing to apply: revision %lld "
			 "is running (%s)", (long long)res.id, why);
	else if (!res.unchanged)
		ctl_logf(eng->log, LOG_NOTICE, "applied %zu rules (%u nft "
			 "rules) as revision %lld (%s)", res.n_rules,
			 res.nft_rules, (long long)res.id, why);
	engine_rules_take(eng, &rs, res.id);
	eng->started = true;
	if (rc == 1)
		return -1;	/* applied, but @e says what else failed */
	if (res.unchanged)
		return 1;
	if (res.timeouts)
		ctl_logf(eng->log, LOG_NOTICE, "set %u stored conntrack "
			 "timeouts", res.timeouts);
	return 0;
}

void
engine_apply_alerting(struct engine *eng, const char *why, bool detect_only)
{
	struct masq_err e;
	int rc;

	err_init(&e);
	rc = engine_apply(eng, why, detect_only, &e);
	if (rc < 0) {
		engine_alert_set(eng, "apply", "rules", e.msg, NULL);
		ctl_log_err(eng->log, "applying the rules failed", &e);
	} else {
		engine_alert_drop(eng, "apply");
	}
	err_done(&e);
}

void
engine_rules_refresh(struct engine *eng)
{
	struct store_revision last = { 0 };
	struct nat_ruleset rs;
	struct masq_err e;
	char *script = NULL;
	int64_t id;
	int have;

	err_init(&e);
	nat_ruleset_init(&rs);
	/* every check comes here: the id first (no texts read), the whole
	 * revision only when it is a new one */
	have = store_revision_last_id(eng->s, &id, &e);
	if (have == 0 && (id == eng->rev_id || id == eng->boot_id))
		goto out;
	if (have == 0)
		have = store_revision_last(eng->s, &last, &e);
	/* The revision that was newest at start is not followed: after a
	 * reboot the kernel does not run it, whatever the start-up apply
	 * did (a failed one keeps its alert and is retried). */
	if (have != 0 || last.id == eng->rev_id || last.id == eng->boot_id)
		goto out;
	/* Someone applied (or rolled back) meanwhile.  Track the rules when
	 * the staged ones are what they applied; otherwise keep ours until
	 * they are (the kernel runs last.rules, which we cannot re-read
	 * without its parser). */
	if (nat_ruleset_load(eng->s, &rs, &e) < 0)
		goto out;
	script = nat_ruleset_text(&rs);
	if (strcmp(script, last.rules))
		goto out;
	ctl_logf(eng->log, LOG_INFO, "following revision %lld (%s)",
		 (long long)last.id, last.origin ? last.origin : "apply");
	engine_rules_take(eng, &rs, last.id);
	/* The kernel took rules after all: a failed engine apply is moot,
	 * and from now on only `detect` is re-resolved, never staged edits
	 * nobody applied. */
	eng->started = true;
	engine_alert_drop(eng, "apply");
out:
	if (have < 0 || e.code)
		ctl_logf(eng->log, LOG_ERR, "cannot follow the applied rules: "
			 "%s", e.msg);
	free(script);
	nat_ruleset_done(&rs);
	store_revision_done(&last);
	err_done(&e);
}

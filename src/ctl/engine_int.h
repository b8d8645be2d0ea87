/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_int.h - the state of the engine service, shared by its files in
 * src/ctl and nothing else.  The calls run one way: engine.c (the loop)
 * -> engine_apply.c (applying, following revisions) -> alerts.c (the
 * alerts table) -> log.c; none of them calls back up.
 */
#ifndef MASQ_CTL_ENGINE_INT_H
#define MASQ_CTL_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/store.h"
#include "ctl/engine.h"
#include "ctl/log.h"
#include "nat/engine.h"

struct engine_gone {
	int family;
	uint8_t addr[16];
	char ifname[NAT_IFNAMSIZ];
};

struct engine {
	struct store *s;
	const struct ctl_log *log;
	struct nat_ruleset rs;		/* the rules the kernel runs */
	int64_t rev_id;			/* ... as of this revision (0: none) */
	int64_t boot_id;		/* the newest revision at start: the
					 * kernel may not run it (a reboot) */
	struct ct_rules *cr;		/* evaluator over rs */
	struct ct_handle *ct;
	struct engine_addrw *aw;
	bool started;			/* an apply of this run succeeded */
	bool need_apply;
	char why[64];			/* what asked for the pending apply */
	int64_t first_event, due;	/* ms; due 0: nothing pending */
	struct engine_gone *gone;	/* addresses removed, to flush */
	size_t n_gone;
	unsigned int interval, pct;
	uint64_t checks;		/* table checks done in this run */
	bool have_prev;
	uint64_t prev_insert_failed;
	int64_t insert_grew;		/* unix time of the last growth */
	char insert_msg[256];
};

/*
 * Alerts (alerts.c).  Store errors are logged, never fatal: the service
 * keeps running without its table rather than stopping NAT care.
 */
/* Raise (or refresh) @kind/@key; logs it when new. */
void engine_alert_set(struct engine *eng, const char *kind, const char *key,
		      const char *message, const char *host);
/* Clear every active alert of @kind (NULL: every kind), logging each. */
void engine_alert_drop(struct engine *eng, const char *kind);
/*
 * Make the watch alerts (table-fill, port-budget, insert-failed) match
 * scan @sc: raise what it found, clear what it no longer finds.
 * @insert_msg non-NULL keeps the insert-failed alert up, blaming @host.
 */
void engine_alerts_sync(struct engine *eng, const struct engine_scan *sc,
			const char *insert_msg, const char *host);
/*
 * At start: take over the alerts a previous engine left active, so a
 * condition that lasts across a restart stays one alert (same id) instead
 * of being cleared and raised again.  Only an active insert-failed alert
 * needs state here (the counter delta is unknown until the second scan).
 */
void engine_alerts_adopt(struct engine *eng);

/*
 * Applying (engine_apply.c).
 *
 * engine_apply(): ctl_apply() with the engine's flags (origin "engine:
 * @why"): one store write transaction, the stored timeouts included, as
 * `apply` does.  With @detect_only (re-resolving `detect` after an
 * address change) the staged rules must be those of the newest revision
 * -- staged edits nobody applied are never applied behind the admin's
 * back (MASQ_EFAIL).  Nothing is applied when the kernel runs the newest
 * revision and it holds these rules, compiled text and timeouts (returns
 * 1): a restarted engine records no new revision.  The guard of `apply`
 * holds here too: a database never applied, or with no rule staged,
 * never replaces a running table of ours that holds rules (MASQ_EFAIL;
 * the engine raises its "apply" alert and keeps running, and follows once
 * someone runs `apply replace` or the right database is applied).  A
 * pending (`apply confirm`) revision stays pending.  Returns 0 when it
 * applied, 1 when nothing needed applying, -1 with @e set.
 */
int engine_apply(struct engine *eng, const char *why, bool detect_only,
		 struct masq_err *e);
/* engine_apply(), turning a failure into an "apply" alert (cleared on
 * success). */
void engine_apply_alerting(struct engine *eng, const char *why,
			   bool detect_only);
/*
 * Follow applies made by others while the engine runs: when the newest
 * revision is not the one the engine knows and the staged rules are that
 * revision's, adopt them for `detect` tracking and budgets.  Cheap when
 * nothing changed.  Errors are logged.
 */
void engine_rules_refresh(struct engine *eng);
/* Rebuild the rule evaluator (after addresses changed: `detect`). */
void engine_rules_reindex(struct engine *eng);

#endif

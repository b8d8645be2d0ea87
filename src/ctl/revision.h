/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision.h - applying rules as recorded revisions: `apply [confirm
 * SECS]`, `rollback [REV]`, `confirm`, and the expiry of unconfirmed
 * applies (by the timer process `apply confirm` leaves behind, and by
 * `masqsh engine`).
 *
 * Owns: the one path from rules to kernel to history -- the store's write
 * lock is taken first and held across compile, the kernel batch and the
 * record, so the kernel and the newest revision never disagree because of
 * a concurrent apply, confirm or expiry; re-staging a revision's rules
 * (under their old ids); the revert of an expired pending revision; and
 * the detached timer process.  Does not own: SQL (core/store.c), the
 * compiler (nat/nft.h) or printing (cmd_revisions.c, cmd_apply.c).
 *
 * What a revert does (the "commit confirmed" choice): the kernel goes back
 * to the revision that ran before the pending one, recorded as a new
 * revision; the pending one becomes "reverted" (its rules stay in the
 * history, `rollback N` brings them back).  The staged rules are set back
 * too when they are still exactly what the pending apply loaded, so a
 * later `apply` or an engine start does not load the unconfirmed rules
 * again; staged edits made since are left alone.  A new apply or rollback
 * while a revision is pending counts as its confirmation.
 */
#ifndef MASQ_SHELL_REVISION_H
#define MASQ_SHELL_REVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/store.h"

/* The longest `apply confirm SECS` accepted (a day). */
#define REVISION_CONFIRM_MAX 86400

struct revision_req {
	const char *origin;	/* what makes it: "apply", "rollback to 3" */
	int64_t confirm_secs;	/* > 0: pending until confirmed */
	/* Apply @rev's rules instead of the staged ones, re-staging them
	 * (rollback).  @rev NULL with @from_rev: no rules at all. */
	bool from_rev;
	const struct store_revision *rev;
	/* What a pending revision becomes (NULL: "confirmed"). */
	const char *pending_to;
	/* The engine's apply: leave a pending revision alone (its timer or
	 * the user settles it), and with @detect_only re-resolve "detect"
	 * only: refuse when the staged rules differ from the newest
	 * revision's. */
	bool keep_pending;
	bool detect_only;
	/* `apply replace`: no guard, and the table is loaded even when the
	 * kernel runs these rules already. */
	bool replace;
	/* The running table (nat_change.kernel) that the user agreed to
	 * change when asked (REVISION_ASK): applied without the guard, but
	 * refused when the kernel holds anything else by now.  NULL: nobody
	 * was asked. */
	const char *agreed;
	/* Non-NULL: the rules that were applied are moved here. */
	struct nat_ruleset *rules_out;
};

struct revision_res {
	int64_t id;		/* the new revision (unchanged: the running one) */
	int64_t deadline;	/* confirm by (0: none asked) */
	int64_t confirmed;	/* a pending revision this one confirmed, or 0 */
	int64_t drifted;	/* the kernel did not run this revision, which
				 * held the same rules: applied again */
	size_t n_rules;		/* masq + forward rules */
	unsigned int nft_rules;
	bool unchanged;		/* nothing applied or recorded: revision @id
				 * runs these rules already */
};

/*
 * Load (or re-stage), compile and apply in one store transaction, and
 * record the revision ("pending" with a deadline when confirmation is
 * asked).  On any failure the kernel and the store are as before (a
 * failure to commit the record after the kernel took the rules says so).
 *
 * Nothing to apply: when the newest revision holds the same rules and
 * compiled text, no revision is pending (or q->keep_pending), and the
 * kernel runs exactly that text, nothing is loaded or recorded
 * (res->unchanged).  When only the kernel differs (a hand edit, a flush)
 * the rules are applied again and recorded (res->drifted).
 *
 * The guard (not for q->replace, a rollback or a revert): when our table
 * in the kernel holds rules and the database was never applied, or no
 * rule is staged, the apply is refused (MASQ_EFAIL, revision_judge()'s
 * REVISION_REFUSE) and nothing changes.
 */
int revision_apply(struct store *s, const struct revision_req *q,
		   struct revision_res *res, struct masq_err *e);

/* What an apply would do to the rules that run now. */
struct revision_risk {
	bool applied;		/* the database has a revision */
	size_t rules;		/* masq + forward rules staged */
	unsigned int running;	/* nft rules in our tables now */
	unsigned int removed;	/* of those, not continued (nat_change) */
	unsigned int staged;	/* nft rules of the new table */
};

enum revision_verdict {
	REVISION_GO,
	REVISION_ASK,		/* interactive: ask first */
	REVISION_REFUSE,	/* a script: refuse (exit 1) */
};

/*
 * Nothing of ours runs: go.  The database was never applied, or it holds
 * no rules: refuse (@interactive: ask).  Interactive and more than half of
 * the running rules removed: ask.  Otherwise go.  Cannot fail.
 */
enum revision_verdict revision_judge(const struct revision_risk *r,
				     bool interactive);
/* One sentence on @r for the refusal or the question, naming @path.
 * Caller frees. */
char *revision_risk_text(const struct revision_risk *r, const char *path);
/*
 * For the question, before the apply and without its lock: @r for the
 * staged rules against the kernel now, and *@kernel the running text to
 * pass as q->agreed (caller frees).
 */
int revision_preview(struct store *s, struct revision_risk *r, char **kernel,
		     struct masq_err *e);

/* Confirm the pending revision: *@id gets it.  MASQ_EFAIL when nothing is
 * pending (naming the newest revision and its status). */
int revision_confirm(struct store *s, int64_t *id, struct masq_err *e);

/*
 * If a revision is pending and its deadline is at or before @now, revert
 * it (see above).  Idempotent and safe to call from several processes.
 * Returns 1 when it reverted (*@reverted the pending id, *@now_rev the
 * revision recorded for the revert; both may be NULL), 0 when there was
 * nothing to do, -1 with @e filled (the pending revision stays pending).
 */
int revision_expire_pending(struct store *s, int64_t now, int64_t *reverted,
			    int64_t *now_rev, struct masq_err *e);

/*
 * Start the timer for pending revision @id: a detached process (double
 * fork, new session, stdio on /dev/null, no inherited descriptors) that
 * re-executes this program as `masqsh --db @db_path -c '__confirm-timer
 * ID'`, so it outlives the admin's session.
 */
int revision_timer_spawn(const char *db_path, int64_t id, struct masq_err *e);

/*
 * The store ids of @rs in the order of its script (cmds_ruleset_script():
 * masq rules, then forwards), space-separated: the rule_ids column, so a
 * rollback re-stages the rules under the same ids.  Caller frees; NULL
 * only when memory runs out.
 */
struct nat_ruleset;
char *revision_rule_ids(const struct nat_ruleset *rs);

/* Rules in a revision's script ("masq add"/"forward add" lines). */
size_t revision_rule_count(const char *rules);

/* The user running this: $SUDO_USER, else the login name of the uid.
 * Borrowed (static). */
const char *revision_user(void);

/* ---- shell side (cmd_revisions.c) ---- */
#include "shell/cmd.h"

/* SECS of "confirm SECS": 1..REVISION_CONFIRM_MAX, else MASQ_EUSAGE
 * marking @t. */
int revision_confirm_secs(const struct masq_tok *t, int64_t *secs,
			  struct masq_err *e);
/* "applied N rules (M nft rules) as revision R" and, when pending, the
 * deadline; or "nothing to apply (revision R is running)"; JSON keys
 * applied, rules, nft_rules, revision, deadline, confirmed, drifted.
 * Inside the caller's object. */
void revision_print(struct cmd_ctx *ctx, const struct revision_res *res,
		    const char *verb);

#endif

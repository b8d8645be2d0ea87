/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision.h - applying rules as recorded revisions: `apply [confirm
 * SECS] [replace]`, `rollback [REV]`, `confirm`, the guard against
 * applying emptiness, "nothing to apply", and the expiry of unconfirmed
 * applies (by the timer process `apply confirm` leaves behind, and by
 * `masqsh engine`).
 *
 * Owns: the one path from rules to kernel to history.  The store's write
 * lock is taken first and held across compile, the kernel and the record,
 * so the kernel and the newest revision never disagree because of a
 * concurrent apply, confirm or expiry.  A revision is what the apply put
 * in force: the rules (nat_ruleset_text()), the compiled table, the rule
 * ids, and the stored conntrack timeouts.  Also re-staging a revision's
 * rules (under their old ids) and timeouts, the revert of an expired
 * pending revision, and the detached timer process.  Does not own: SQL
 * (core/store.c), the compiler and the batch (nat/nft.h), the sysctls
 * (nat/timeouts.h), or printing (src/shell: cmd_apply.c,
 * cmd_revisions.c).  Never prints.
 *
 * Order inside the transaction, and why (the kernel has two parts and
 * only one of them is transactional): everything that can fail without
 * touching the kernel comes first (re-staging, compiling, the guard,
 * reading the timeouts about to be replaced, recording the revision in
 * the open transaction); then the conntrack timeouts are written, keeping
 * the values they replace; then the nft batch, which is atomic and the
 * last kernel step -- if it fails, the timeouts get their old values back
 * and the store rolls back, so a failed apply leaves the kernel (table
 * and timeouts) and the database as they were; then the store commits.
 * Killed between the batch and that commit, the kernel runs rules the
 * newest revision does not hold: ctl_running() tells, the next apply or
 * engine start loads and records them (tests/netns/530).  A timeout
 * whose sysctl does not exist before the batch (conntrack not loaded yet:
 * the batch loads it) is written after the batch; if that fails the rules
 * stay applied and recorded and the caller hears so (return 1).
 *
 * What a revert does (the "commit confirmed" choice): the kernel goes back
 * to the revision that ran before the pending one, recorded as a new
 * revision; the pending one becomes "reverted" (its rules stay in the
 * history, `rollback N` brings them back).  The staged rules are set back
 * too when they are still exactly what the pending apply loaded, and so
 * are the stored timeouts, so a later `apply` or an engine start does not
 * load the unconfirmed ones again; edits made since are left alone.  A
 * new apply or rollback while a revision is pending counts as its
 * confirmation.
 */
#ifndef MASQ_CTL_REVISION_H
#define MASQ_CTL_REVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/store.h"
#include "ctl/log.h"

struct nat_ruleset;

/* The longest `apply confirm SECS` accepted (a day). */
#define CTL_CONFIRM_MAX 86400

struct ctl_apply_req {
	/* What makes it ("engine: start"); NULL: "apply", with " replace"
	 * and " confirm SECS" as asked. */
	const char *origin;
	int64_t confirm_secs;	/* > 0: pending until confirmed, and a
				 * detached timer reverts it at the deadline */
	/* `apply replace`: no guard, and the table is loaded even when the
	 * kernel runs these rules already. */
	bool replace;
	/* The running table (nat_change.kernel) that the user agreed to
	 * change when asked (ctl_apply_ask()): applied without the guard,
	 * but refused when the kernel holds anything else by now.  NULL:
	 * nobody was asked. */
	const char *agreed;
	/* The engine's apply: leave a pending revision alone (its timer or
	 * the user settles it), and with @detect_only re-resolve "detect"
	 * only: refuse when the staged rules differ from the newest
	 * revision's. */
	bool keep_pending;
	bool detect_only;
	/* Non-NULL: the rules that were applied are moved here. */
	struct nat_ruleset *rules_out;
};

struct ctl_apply_res {
	int64_t id;		/* the new revision (unchanged: the running one) */
	int64_t deadline;	/* confirm by (0: none asked) */
	int64_t confirmed;	/* a pending revision this one confirmed, or 0 */
	int64_t drifted;	/* the kernel did not run this revision, which
				 * held the same rules: applied again */
	size_t n_rules;		/* masq + forward rules */
	unsigned int nft_rules;
	unsigned int timeouts;	/* conntrack timeouts written (0: none) */
	bool unchanged;		/* nothing applied or recorded: revision @id
				 * runs these rules already */
};

/*
 * Load the staged rules and timeouts, compile and apply them in one store
 * transaction (in the order above), and record the revision ("pending"
 * with a deadline, and its timer started, when confirmation is asked).
 * The stored timeouts are written on every apply, "nothing to apply"
 * included (they are the kernel's unless someone changed them).
 *
 * Nothing to apply: when the newest revision holds the same rules,
 * compiled text and timeouts, no revision is pending (or
 * q->keep_pending), and the kernel runs exactly that text, nothing is
 * loaded or recorded (res->unchanged).  When only the kernel's table
 * differs (a hand edit, a flush) the rules are applied again and recorded
 * (res->drifted).
 *
 * The guard (not for q->replace or q->agreed): when our table in the
 * kernel holds rules and the database was never applied, or no rule is
 * staged, the apply is refused (MASQ_EFAIL, ctl_judge()'s CTL_REFUSE) and
 * nothing changes.
 *
 * Returns 0 when done; 1 when done and recorded (@res filled) but
 * something after the kernel's batch failed -- the confirm timer did not
 * start, or a timeout could not be written after it -- with @e saying so;
 * -1 with @e set, and then the kernel and the store are as before (a
 * failure to commit the record after the kernel took the rules says so).
 */
int ctl_apply(struct store *s, const struct ctl_apply_req *q,
	      struct ctl_apply_res *res, struct masq_err *e);

/*
 * Does the kernel run the newest revision's table (its compiled text)?
 * 1 yes, or when there is no revision; 0 no, with *@id the newest
 * revision; -1 when the kernel cannot be read (@e says why).
 * The record of an apply is committed after the kernel's batch, so an
 * apply killed (kill -9, power loss) between the two leaves the kernel
 * running rules the newest revision does not hold; an edit or a flush
 * with nft does the same.  'revisions' asks this rather than taking the
 * newest revision for the one in force (tests/netns/530).
 */
int ctl_running(struct store *s, int64_t *id, struct masq_err *e);

/*
 * The revision a rollback goes to: @id (0 when there is none: 1), or
 * with @id 0 the newest older one than the current whose rules or
 * timeouts differ from it (so two rollbacks in a row toggle; MASQ_EFAIL
 * when there is none) -- or the newest itself when the kernel does not
 * run it (ctl_running(): the current rules were never recorded).  @r gets it (store_revision_done()).  0, 1, -1.
 */
int ctl_rollback_target(struct store *s, int64_t id, struct store_revision *r,
			struct masq_err *e);
/*
 * Re-stage the rules of @r (under their old ids) and its timeouts (when
 * it recorded them), and apply them as ctl_apply() does, in one
 * transaction: if they do not compile or the kernel refuses them, neither
 * the staged rules, the timeouts nor the kernel change.  A pending
 * revision becomes "reverted".  @confirm_secs as in ctl_apply_req.
 * Returns as ctl_apply().
 */
int ctl_rollback(struct store *s, const struct store_revision *r,
		 int64_t confirm_secs, struct ctl_apply_res *res,
		 struct masq_err *e);

/* ---- the guard -------------------------------------------------------- */

/* What an apply would do to the rules that run now. */
struct ctl_risk {
	bool applied;		/* the database has a revision */
	size_t rules;		/* masq + forward rules staged */
	unsigned int running;	/* nft rules in our tables now */
	unsigned int removed;	/* of those, not continued (nat_change) */
	unsigned int staged;	/* nft rules of the new table */
};

enum ctl_verdict {
	CTL_GO,
	CTL_ASK,		/* interactive: ask first */
	CTL_REFUSE,		/* a script: refuse (exit 1) */
};

/*
 * Nothing of ours runs: go.  The database was never applied, or it holds
 * no rules: refuse (@interactive: ask).  Interactive and more than half of
 * the running rules removed: ask.  Otherwise go.  Cannot fail.
 */
enum ctl_verdict ctl_judge(const struct ctl_risk *r, bool interactive);
/* One sentence on @r for the refusal or the question, naming @path.
 * Caller frees. */
char *ctl_risk_text(const struct ctl_risk *r, const char *path);
/*
 * @r for the staged rules against the kernel now, without the apply's
 * lock, and *@kernel the running text (caller frees).
 */
int ctl_preview(struct store *s, struct ctl_risk *r, char **kernel,
		struct masq_err *e);
/*
 * Before an interactive apply: the question to ask (*@question; caller
 * frees) when the guard would refuse or more than half of the running
 * rules would go, else NULL; *@agreed the running table to pass as
 * q->agreed when the answer is yes (caller frees).
 */
int ctl_apply_ask(struct store *s, char **question, char **agreed,
		  struct masq_err *e);
/* `apply -n`: -1 (MASQ_EFAIL, "apply would refuse: ...") when the guard
 * would refuse the staged rules now, else 0. */
int ctl_apply_check(struct store *s, struct masq_err *e);

/* ---- pending revisions ------------------------------------------------ */

/*
 * Confirm the pending revision: *@id gets it.  MASQ_EFAIL when nothing is
 * pending (naming the newest revision and its status), and when its
 * deadline has passed at @now: then it is too late and the revision is
 * reverted there and then (as ctl_expire_pending(); the message names
 * both revisions).
 */
int ctl_confirm(struct store *s, int64_t now, int64_t *id, struct masq_err *e);

/*
 * If a revision is pending and its deadline is at or before @now, revert
 * it (see above).  Idempotent and safe to call from several processes.
 * Returns 1 when it reverted (*@reverted the pending id, *@now_rev the
 * revision recorded for the revert; both may be NULL), 0 when there was
 * nothing to do, -1 with @e filled (the pending revision stays pending).
 */
int ctl_expire_pending(struct store *s, int64_t now, int64_t *reverted,
		       int64_t *now_rev, struct masq_err *e);

/*
 * The confirm timer's life (the process ctl_apply() starts detached, as
 * `masqsh --db DB -c '__confirm-timer ID'`): wait for pending revision
 * @id's deadline, looking once a second whether it is still pending, then
 * revert it; a failed revert is retried a minute long.  Reports to @log.
 * 0 when settled (reverted, or confirmed by someone), -1 when it gave up.
 */
int ctl_timer_run(struct store *s, int64_t id, const struct ctl_log *log,
		  struct masq_err *e);

#endif

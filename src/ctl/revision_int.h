/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision_int.h - what the files of the apply transaction share inside
 * src/ctl (see revision.h for the semantics).  The calls run one way:
 * revision_pending.c -> revision.c -> {revision_guard.c,
 * revision_timeouts.c, revision_timer.c}; none of them calls back.
 */
#ifndef MASQ_CTL_REVISION_INT_H
#define MASQ_CTL_REVISION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/store.h"
#include "ctl/revision.h"
#include "nat/nft.h"
#include "nat/rule.h"
#include "nat/timeouts.h"

/* ---- revision.c: the transaction ---- */

/*
 * The conntrack timeouts of one apply (revision_timeouts.c): planned
 * inside the transaction, written before the batch with an undo, the
 * ones that cannot be read yet after it.
 */
struct rev_tmo {
	struct nat_timeout_set put;	/* what the apply writes */
	struct nat_timeout_set old;	/* their values before (the undo) */
	struct nat_timeout_set late;	/* no sysctl before the batch */
	bool written;			/* @put (but @late) is in force */
	char *text;			/* the stored settings, as a revision
					 * keeps them (nat_timeouts_text) */
};

/*
 * The part of an apply inside the caller's store transaction, for the
 * staged rules @rs and timeouts @t (planned): the guard (when @guard),
 * "nothing to apply", timeouts, batch and record, in revision.h's order.
 * The pending revision (if any) becomes @pending_to unless
 * q->keep_pending.  0, 1 (applied and recorded; @e says what failed after
 * the batch), -1.
 */
int rev_apply_locked(struct store *s, const struct nat_ruleset *rs,
		     struct rev_tmo *t, const struct ctl_apply_req *q,
		     const char *pending_to, bool guard,
		     struct ctl_apply_res *res, struct masq_err *e);
/* Make @rs the staged rules, keeping their ids (0: a fresh one). */
int rev_restage(struct store *s, const struct nat_ruleset *rs,
		struct masq_err *e);
/* Commit, or undo the transaction when @rc is -1.  Returns @rc or -1. */
int rev_end(struct store *s, int rc, struct masq_err *e);

/* ---- revision_guard.c: the guard and one look at the kernel ---- */

/* One look at the kernel's table, shared by the checks of an apply. */
struct rev_look {
	bool read;
	struct nat_change ch;
};
/* Read the kernel's table against @c once (later calls: no-op). */
int rev_look(struct rev_look *lk, const struct nat_compiled *c,
	     struct masq_err *e);
/*
 * The guard (revision.h): -1 with MASQ_EFAIL when this apply must not
 * go ahead.  The kernel is read only when the answer can be "no".
 */
int rev_guard(struct store *s, const struct nat_ruleset *rs,
	      const struct ctl_apply_req *q, bool applied,
	      const struct nat_compiled *c, struct rev_look *lk,
	      struct masq_err *e);

/* ---- revision_timeouts.c ---- */

void rev_tmo_init(struct rev_tmo *t);
void rev_tmo_done(struct rev_tmo *t);
/* The stored settings as a revision keeps them.  Caller frees. */
int rev_tmo_stored_text(struct store *s, char **text, struct masq_err *e);
/*
 * Make revision text @text the stored settings: its states set (the
 * value found in the kernel recorded as the default of a state masqsh
 * never set), the states masqsh set that it lacks forgotten, and their
 * recorded default (else the kernel's) added to t->put.  @text NULL (a
 * revision from before timeouts were kept): nothing changes.
 */
int rev_tmo_restage(struct store *s, const char *text, struct rev_tmo *t,
		    struct masq_err *e);
/* After any re-staging: the stored settings join t->put, and t->text. */
int rev_tmo_plan(struct store *s, struct rev_tmo *t, struct masq_err *e);
/*
 * Write t->put into this namespace but the states whose sysctl does not
 * exist yet (t->late), keeping the values replaced.  On error nothing
 * written stays (MASQ_EKERNEL).
 */
int rev_tmo_write(struct rev_tmo *t, struct masq_err *e);
/* Put back what rev_tmo_write() wrote.  Best effort; cannot fail. */
void rev_tmo_undo(struct rev_tmo *t);
/* Write t->late, after the batch.  -1 with @e set. */
int rev_tmo_write_late(struct rev_tmo *t, struct masq_err *e);
/* States in t->put. */
unsigned int rev_tmo_count(const struct rev_tmo *t);

/* ---- revision_timer.c ---- */

/*
 * Start the timer for pending revision @id: a detached process (double
 * fork, new session, stdio on /dev/null, no inherited descriptors) that
 * re-executes this program as `masqsh --db @db_path -c '__confirm-timer
 * ID'`, so it outlives the admin's session.
 */
int rev_timer_spawn(const char *db_path, int64_t id, struct masq_err *e);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine.h - the NAT service (`masqsh engine`, masqsh.service).
 *
 * At start it applies the stored rules as `apply` does (ctl_apply(): one
 * atomic batch, the stored timeouts, a revision recorded), so the rules
 * survive a reboot.  Then it follows address and link changes: an address
 * appearing or vanishing on an interface that a `detect` rule uses
 * recompiles and re-applies the rules (after ~200 ms of quiet, so a
 * del+add pair is one apply), and an address that vanished from the box
 * has the conntrack entries translated to it deleted.  Every few seconds
 * it reverts an unconfirmed apply whose time is up, and looks at the
 * table fill and the source-port budgets and raises alerts before they
 * run out -- in the alerts table that `show alerts` and masqtop read, and
 * in its log -- clearing them when the condition ends.
 *
 * Safe to stop at any time: SIGTERM/SIGINT end it between two steps,
 * every kernel change it makes is one atomic batch, and it leaves the
 * rules loaded and the alerts as they are (the next engine takes them
 * over).  One engine per network namespace and per database.
 */
#ifndef MASQ_CTL_ENGINE_H
#define MASQ_CTL_ENGINE_H

#include "core/err.h"
#include "core/store.h"
#include "ctl/log.h"

#define CTL_ENGINE_INTERVAL 2	/* default seconds between checks */
#define CTL_ENGINE_PCT 80	/* default alert threshold, percent */

struct ctl_engine_opts {
	unsigned int interval;	/* seconds between table checks, >= 1 */
	unsigned int pct;	/* alert threshold, 1..100 */
	struct ctl_log log;	/* where it reports (src/ctl never prints) */
};

/*
 * Run the service on @s until SIGTERM or SIGINT (0), after taking the
 * locks of ctl_engine_lock() for its database.  -1 with @e set when it
 * cannot start (another engine runs: MASQ_EFAIL; no permission for
 * netlink: MASQ_EKERNEL) or the event loop fails.  Failures of single
 * steps (an apply, a scan) are logged and alerted, never fatal.
 */
int ctl_engine_run(struct store *s, const struct ctl_engine_opts *o,
		   struct masq_err *e);

/*
 * One engine per network namespace and per database: an abstract unix
 * socket "masqsh-engine" (abstract names are per network namespace, and
 * vanish with the process) and an flock on DB.engine.lock.  Returns 0 and
 * both fds (close them at exit), or -1 with @e set (MASQ_EFAIL naming the
 * engine already running).
 */
int ctl_engine_lock(const char *db, int *ns_fd, int *db_fd,
		    struct masq_err *e);

#endif

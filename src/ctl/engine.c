/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine.c - the loop of the NAT service (see engine.h for what it does):
 * waiting for address events and for the next check, debouncing them
 * into one apply, deleting the entries of addresses that left the box,
 * the periodic watch, and start and stop.
 *
 * Owns: the event loop, its signals (SIGTERM/SIGINT end it between two
 * steps; SIGPIPE is ignored so a closed log pipe does not end the
 * service) and ctl_engine_run().  Does not own: the watchers themselves
 * (src/nat/engine_addr.c, engine_scan.c), applying (engine_apply.c),
 * alerts (alerts.c), the confirm logic (revision_pending.c; see
 * engine_expire_unconfirmed()), the locks (engine_lock.c) or where the
 * log goes (the caller's ctl_log).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ctent.h"
#include "core/mem.h"
#include "core/xalloc.h"
#include "ctl/engine_int.h"
#include "ctl/revision.h"
#include "nat/engine.h"

#define ENGINE_DEBOUNCE_MS 200
#define ENGINE_DEBOUNCE_MAX_MS 1000	/* a storm of events still applies */
#define ENGINE_INSERT_HOLD_S 30		/* insert_failed quiet this long: clear */
#define ENGINE_SCAN_SHARE 10		/* checks at least 10x as far apart as
					 * one scan takes */

static volatile sig_atomic_t engine_stop;

static void
engine_signal(int sig)
{
	engine_stop = sig;
}

static int64_t
engine_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- address changes -------------------------------------------------- */

static void
engine_schedule(struct engine *eng)
{
	int64_t now = engine_now_ms();

	if (!eng->due)
		eng->first_event = now;
	eng->due = now + ENGINE_DEBOUNCE_MS;
	if (eng->due > eng->first_event + ENGINE_DEBOUNCE_MAX_MS)
		eng->due = eng->first_event + ENGINE_DEBOUNCE_MAX_MS;
}

static void
engine_addr_event(const struct engine_addr_ev *ev, void *data)
{
	struct engine *eng = data;
	bool detect = ev->ifname[0] && engine_detect_uses(&eng->rs, ev->ifname);
	size_t i;

	switch (ev->type) {
	case ENGINE_ADDR_OVERRUN:
		ctl_logf(eng->log, LOG_WARNING, "address events were lost; "
			 "re-resolving detect rules");
		snprintf(eng->why, sizeof(eng->why), "address events lost");
		eng->need_apply = true;
		engine_schedule(eng);
		return;
	case ENGINE_ADDR_DEL:
		for (i = 0; i < eng->n_gone; i++)
			if (eng->gone[i].family == ev->family &&
			    !memcmp(eng->gone[i].addr, ev->addr, 16))
				break;
		if (i == eng->n_gone) {
			eng->gone = xreallocarray(eng->gone, eng->n_gone + 1,
						  sizeof(*eng->gone));
			eng->gone[i].family = ev->family;
			memcpy(eng->gone[i].addr, ev->addr, 16);
			memcpy(eng->gone[i].ifname, ev->ifname, NAT_IFNAMSIZ);
			eng->n_gone++;
		}
		engine_schedule(eng);
		break;
	case ENGINE_ADDR_NEW:
	case ENGINE_LINK:
		break;
	}
	/* Until the first apply worked (no address yet at boot), any change
	 * may be the one it waited for. */
	if (detect || !eng->started) {
		if (!eng->need_apply || !eng->why[0])
			snprintf(eng->why, sizeof(eng->why), "%s on %s",
				 ev->type == ENGINE_LINK ? "link change" :
				 "address change", ev->ifname);
		eng->need_apply = true;
		engine_schedule(eng);
	}
}

/* Delete the entries translated to addresses that are gone for good. */
static void
engine_flush_gone(struct engine *eng)
{
	char a[CT_ADDRSTRLEN], line[80];
	struct ct_query q = { .flags = CT_Q_NAT_ONLY };
	struct masq_err e;
	struct filter *f;
	size_t i;
	long n;
	int p;

	err_init(&e);
	for (i = 0; i < eng->n_gone; i++) {
		const struct engine_gone *g = &eng->gone[i];

		p = engine_addr_present(g->family, g->addr, &e);
		if (p != 0) {		/* moved elsewhere, or cannot tell */
			if (p < 0)
				ctl_log_err(eng->log, "address check", &e);
			continue;
		}
		ctent_addr_format(g->family, g->addr, a);
		snprintf(line, sizeof(line), "gw %s", a);
		f = filter_compile_str(line, &e);
		if (!f) {
			ctl_log_err(eng->log, "flush", &e);
			continue;
		}
		q.family = g->family;
		q.filter = f;
		n = ct_delete_matching(eng->ct, &q, NULL, NULL, &e);
		filter_free(f);
		if (n < 0)
			ctl_log_err(eng->log, "deleting stale entries", &e);
		else
			ctl_logf(eng->log, LOG_NOTICE, "%s left %s: deleted "
				 "%ld conntrack entries translated to it", a,
				 g->ifname[0] ? g->ifname : "its interface",
				 n);
	}
	free(eng->gone);
	eng->gone = NULL;
	eng->n_gone = 0;
	err_done(&e);
}

/* Debounced work: re-apply first (new flows get the new address), then
 * drop what still points at an old one. */
static void
engine_due(struct engine *eng)
{
	char why[96];

	eng->due = 0;
	if (eng->need_apply) {
		snprintf(why, sizeof(why), "%s%s", eng->started ? "" :
			 "start, retried after ", eng->why);
		eng->need_apply = false;
		eng->why[0] = '\0';
		/* before the first apply worked, the staged rules count */
		engine_apply_alerting(eng, why, eng->started);
	}
	/* `detect` addresses are resolved when the evaluator is built */
	engine_rules_reindex(eng);
	if (eng->n_gone)
		engine_flush_gone(eng);
}

/*
 * Hook for `apply confirm SECS` (SPEC: "expires unconfirmed applies"):
 * revert a pending revision whose confirmation time has passed.  Called
 * before the start-up apply (so a boot after a missed deadline does not
 * load the unconfirmed rules) and before every check.  The work is
 * ctl_expire_pending() (revision_pending.c), which is idempotent and races
 * safely with the timer process that `apply confirm` leaves behind:
 * whichever looks first reverts, the other finds nothing pending.
 */
static void
engine_expire_unconfirmed(struct engine *eng)
{
	int64_t pend = 0, now_rev = 0;
	struct masq_err e;
	int rc;

	err_init(&e);
	rc = ctl_expire_pending(eng->s, (int64_t)time(NULL), &pend, &now_rev,
				&e);
	if (rc < 0) {
		ctl_log_err(eng->log, "expiring an unconfirmed apply", &e);
	} else if (rc == 1) {
		ctl_logf(eng->log, LOG_WARNING, "revision %lld was not "
			 "confirmed in time: reverted, revision %lld runs now",
			 (long long)pend, (long long)now_rev);
		engine_rules_refresh(eng);
	}
	err_done(&e);
}

/* Remember the newest revision at start (engine_rules_refresh() does not
 * follow it: the kernel may not run it). */
static void
engine_note_boot(struct engine *eng)
{
	struct masq_err e;

	err_init(&e);
	if (store_revision_last_id(eng->s, &eng->boot_id, &e) < 0)
		ctl_log_err(eng->log, "reading the revisions", &e);
	err_done(&e);
}

/* ---- the watch -------------------------------------------------------- */

/* One look at the table, and the alerts made to match it.  Returns how
 * long the scan itself took (ms). */
static int64_t
engine_check(struct engine *eng)
{
	struct engine_scan sc;
	struct masq_err e;
	int64_t t0, took;

	err_init(&e);
	engine_rules_refresh(eng);
	t0 = engine_now_ms();
	if (engine_scan_run(eng->ct, eng->cr, &eng->rs, eng->pct, &sc, &e) < 0) {
		ctl_log_err(eng->log, "reading the conntrack table", &e);
		return engine_now_ms() - t0;
	}
	took = engine_now_ms() - t0;
	if (eng->have_prev && sc.st.insert_failed > eng->prev_insert_failed) {
		eng->insert_grew = (int64_t)time(NULL);
		snprintf(eng->insert_msg, sizeof(eng->insert_msg),
			 "the kernel failed to insert %llu new connections "
			 "(no free source port or a full table); busiest "
			 "inside host %s (%llu entries)",
			 (unsigned long long)(sc.st.insert_failed -
					      eng->prev_insert_failed),
			 sc.top_host[0] ? sc.top_host : "-",
			 (unsigned long long)sc.top_host_n);
	}
	eng->prev_insert_failed = sc.st.insert_failed;
	eng->have_prev = true;
	engine_alerts_sync(eng, &sc, eng->insert_grew &&
			   time(NULL) - eng->insert_grew < ENGINE_INSERT_HOLD_S ?
			   eng->insert_msg : NULL, sc.top_host);
	if (!eng->checks++)
		ctl_logf(eng->log, LOG_INFO, "first check: %llu of %llu "
			 "entries, %llu port budgets, %zu at or over %u%%",
			 (unsigned long long)sc.st.count,
			 (unsigned long long)sc.st.max,
			 (unsigned long long)sc.budgets, sc.n, eng->pct);
	engine_scan_done(&sc);
	err_done(&e);
	return took;
}

static int
engine_loop(struct engine *eng, const sigset_t *waitmask, struct masq_err *e)
{
	struct pollfd pfd = { .fd = engine_addrw_fd(eng->aw), .events = POLLIN };
	int64_t next_check = 0, now, wait, took;
	struct timespec ts;

	while (!engine_stop) {
		now = engine_now_ms();
		if (now >= next_check) {
			engine_expire_unconfirmed(eng);
			/* A huge table makes a scan expensive: keep the
			 * watch under ~1/ENGINE_SCAN_SHARE of a CPU. */
			took = engine_check(eng);
			wait = (int64_t)eng->interval * 1000;
			if (took * ENGINE_SCAN_SHARE > wait)
				wait = took * ENGINE_SCAN_SHARE;
			next_check = now + wait;
			continue;
		}
		/* an idle engine does not keep a big apply's heap */
		mem_settle();
		wait = next_check - now;
		if (eng->due && eng->due - now < wait)
			wait = eng->due > now ? eng->due - now : 0;
		ts.tv_sec = wait / 1000;
		ts.tv_nsec = (wait % 1000) * 1000000;
		if (ppoll(&pfd, 1, &ts, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, MASQ_EFAIL, errno, "engine: poll");
		}
		if ((pfd.revents & POLLIN) &&
		    engine_addrw_process(eng->aw, engine_addr_event, eng, e) < 0)
			return -1;
		if (eng->due && engine_now_ms() >= eng->due)
			engine_due(eng);
	}
	ctl_logf(eng->log, LOG_NOTICE, "stopping (%s)", engine_stop == SIGINT ?
		 "SIGINT" : "SIGTERM");
	return 0;
}

/* ---- start and stop --------------------------------------------------- */

static int
engine_run(struct engine *eng, struct masq_err *e)
{
	struct sigaction sa, old_int, old_term, old_pipe;
	sigset_t block, waitmask;
	struct ct_stats st;
	int rc = -1;

	eng->ct = ct_open(e);
	if (!eng->ct)
		return -1;
	eng->aw = engine_addrw_open(e);
	if (!eng->aw)
		return -1;
	/* Without the permission (root, CAP_NET_ADMIN) no step can ever
	 * work: stop with the kernel's status (3) instead of retrying for
	 * ever.  Other failures here are the checks' business. */
	if (ct_stats_get(eng->ct, &st, e) < 0) {
		if (e->code == MASQ_EKERNEL)
			return err_prefix(e, "the engine cannot start");
		err_done(e);
		err_init(e);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = engine_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	/* Signals wait while a step runs and end the ppoll() between steps. */
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	engine_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* a closed log pipe (journald restarting) must not end the service */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);

	ctl_logf(eng->log, LOG_NOTICE, "starting on %s (pid %ld, checks every "
		 "%u s, alerts at %u%%)", store_path(eng->s),
		 (long)getpid(), eng->interval, eng->pct);
	engine_note_boot(eng);
	engine_expire_unconfirmed(eng);
	engine_apply_alerting(eng, "start", false);
	if (!eng->started)
		ctl_logf(eng->log, LOG_WARNING, "running without applied "
			 "rules; will retry on the next address or link "
			 "change");
	engine_alerts_adopt(eng);
	rc = engine_loop(eng, &waitmask, e);
	/* Alerts stay as they are: the conditions did not end because we
	 * stop, and the next engine takes them over (no duplicates). */

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	return rc;
}


int
ctl_engine_run(struct store *s, const struct ctl_engine_opts *o,
	       struct masq_err *e)
{
	struct engine eng;
	int ns_lock = -1, db_lock = -1, rc = -1;

	memset(&eng, 0, sizeof(eng));
	nat_ruleset_init(&eng.rs);
	eng.s = s;
	eng.log = &o->log;
	eng.interval = o->interval ? o->interval : CTL_ENGINE_INTERVAL;
	eng.pct = o->pct ? o->pct : CTL_ENGINE_PCT;
	if (ctl_engine_lock(store_path(s), &ns_lock, &db_lock, e) == 0)
		rc = engine_run(&eng, e);
	free(eng.gone);
	engine_addrw_close(eng.aw);
	ct_close(eng.ct);
	ct_rules_free(eng.cr);
	nat_ruleset_done(&eng.rs);
	if (db_lock >= 0)
		close(db_lock);
	if (ns_lock >= 0)
		close(ns_lock);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_engine.c - `engine`: the foreground service that systemd runs
 * (masqsh.service).
 *
 * At start it applies the stored rules as `apply` does (one atomic batch,
 * a revision recorded, the stored timeouts written), so the rules survive
 * a reboot.  Then it follows address and link changes (rtnetlink): an
 * address appearing or vanishing on an interface that a `detect` rule
 * uses recompiles and re-applies the rules (after ~200 ms of quiet, so a
 * del+add pair is one apply), and an address that vanished from the box
 * has the conntrack entries translated to it deleted.  Every few seconds
 * it looks at the table fill and the source-port budgets
 * (src/nat/engine_scan.c) and raises alerts before they run out -- to
 * syslog (LOG_DAEMON; also stderr when not under systemd) and the alerts
 * table that `show alerts` reads -- and clears them when the condition
 * ends (cmd_alerts.c).
 *
 * Safe to stop at any time: SIGTERM/SIGINT end it with status 0 between
 * two steps, every kernel change it makes is one atomic batch, and it
 * leaves the rules loaded and the alerts as they are (the next engine
 * takes them over).  One engine per network namespace and per database: a
 * second one refuses to start (cmd_engine_apply.c).  Does not own: the
 * watchers themselves (src/nat), the rules, the apply (nft.h) or the
 * confirm logic (revision.c; see engine_expire_unconfirmed()).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/xalloc.h"
#include "nat/engine.h"
#include "nat/nft.h"
#include "shell/cmd_engine.h"
#include "shell/cmds_int.h"
#include "shell/revision.h"

#define ENGINE_DEBOUNCE_MS 200
#define ENGINE_DEBOUNCE_MAX_MS 1000	/* a storm of events still applies */
#define ENGINE_INSERT_HOLD_S 30		/* insert_failed quiet this long: clear */
#define ENGINE_INTERVAL_DEFAULT 2	/* seconds between checks */
#define ENGINE_PCT_DEFAULT 80		/* alert threshold, percent */
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

void
engine_log(struct engine *eng, int prio, const char *fmt, ...)
{
	va_list ap;

	if (eng->use_syslog) {
		va_start(ap, fmt);
		vsyslog(prio, fmt, ap);
		va_end(ap);
	}
	if (eng->use_stderr) {
		va_start(ap, fmt);
		fprintf(stderr, "masqsh engine: %s",
			prio <= LOG_WARNING ? (prio <= LOG_ERR ? "error: " :
					       "warning: ") : "");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
		va_end(ap);
	}
}

/* Log @e (with the kernel's words) and forget it. */
static void
engine_log_err(struct engine *eng, const char *what, struct masq_err *e)
{
	engine_log(eng, LOG_ERR, "%s: %s%s%s%s", what, e->msg,
		   e->kernel[0] ? " (kernel: " : "", e->kernel,
		   e->kernel[0] ? ")" : "");
	err_done(e);
	err_init(e);
}

/* ---- applying ------------------------------------------------------------ */

/* Apply, turning a failure into an "apply" alert (cleared on success). */
static void
engine_apply_alerting(struct engine *eng, const char *why, bool detect_only)
{
	struct masq_err e;
	int rc;

	err_init(&e);
	rc = engine_apply(eng, why, detect_only, &e);
	if (rc < 0) {
		engine_alert_set(eng, "apply", "rules", e.msg, NULL);
		engine_log_err(eng, "applying the rules failed", &e);
	} else {
		engine_alert_drop(eng, "apply");
	}
	err_done(&e);
}

/* ---- address changes ------------------------------------------------------- */

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
		engine_log(eng, LOG_WARNING, "address events were lost; "
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
	char a[INET6_ADDRSTRLEN], line[80];
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
				engine_log_err(eng, "address check", &e);
			continue;
		}
		inet_ntop(g->family, g->addr, a, sizeof(a));
		snprintf(line, sizeof(line), "gw %s", a);
		f = filter_compile_str(line, &e);
		if (!f) {
			engine_log_err(eng, "flush", &e);
			continue;
		}
		q.family = g->family;
		q.filter = f;
		n = ct_delete_matching(eng->ct, &q, NULL, NULL, &e);
		filter_free(f);
		if (n < 0)
			engine_log_err(eng, "deleting stale entries", &e);
		else
			engine_log(eng, LOG_NOTICE, "%s left %s: deleted %ld "
				   "conntrack entries translated to it", a,
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
 * revision_expire_pending() (revision.c), which is idempotent and races
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
	rc = revision_expire_pending(eng->s, (int64_t)time(NULL), &pend,
				     &now_rev, &e);
	if (rc < 0) {
		engine_log_err(eng, "expiring an unconfirmed apply", &e);
	} else if (rc == 1) {
		engine_log(eng, LOG_WARNING, "revision %lld was not confirmed "
			   "in time: reverted, revision %lld runs now",
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
		engine_log_err(eng, "reading the revisions", &e);
	err_done(&e);
}

/* ---- the watch ----------------------------------------------------------------- */

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
		engine_log_err(eng, "reading the conntrack table", &e);
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
		engine_log(eng, LOG_INFO, "first check: %llu of %llu entries, "
			   "%llu port budgets, %zu at or over %u%%",
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
	engine_log(eng, LOG_NOTICE, "stopping (%s)", engine_stop == SIGINT ?
		   "SIGINT" : "SIGTERM");
	return 0;
}

/* ---- start and stop -------------------------------------------------------- */

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

	engine_log(eng, LOG_NOTICE, "starting on %s (pid %ld, checks every "
		   "%u s, alerts at %u%%)", store_path(eng->s),
		   (long)getpid(), eng->interval, eng->pct);
	engine_note_boot(eng);
	engine_expire_unconfirmed(eng);
	engine_apply_alerting(eng, "start", false);
	if (!eng->started)
		engine_log(eng, LOG_WARNING, "running without applied rules; "
			   "will retry on the next address or link change");
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

static const struct cmd_kw engine_kws[] = {
	{ "interval", CMD_ARG_NUM, "SECS",
	  "seconds between table checks (default 2)", 0, NULL },
	{ "threshold", CMD_ARG_NUM, "PERCENT",
	  "alert when fill or a port budget reaches it (default 80)", 0, NULL },
	{ "nosyslog", CMD_ARG_NONE, NULL, "log to stderr only", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* A number token in 1..@max (@what names it). */
static int
engine_num(const struct masq_tok *t, const char *what, int64_t max,
	   unsigned int *v, struct masq_err *e)
{
	int64_t n;

	if (cmds_num(t, what, &n, e) < 0)
		return -1;
	if (n < 1 || n > max)
		return err_tok(e, MASQ_EUSAGE, t, "'%s' is out of range for "
			       "a %s (1-%lld)", t->s, what, (long long)max);
	*v = (unsigned int)n;
	return 0;
}

static int
cmd_engine(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *v[4];
	struct engine eng;
	int ns_lock = -1, db_lock = -1, rc = -1;

	memset(&eng, 0, sizeof(eng));
	nat_ruleset_init(&eng.rs);
	eng.ctx = ctx;
	eng.interval = ENGINE_INTERVAL_DEFAULT;
	eng.pct = ENGINE_PCT_DEFAULT;
	if (cmd_args_bind(&cmd_engine_entry, a, v, e) < 0 ||
	    (v[0] && engine_num(v[0], "number of seconds", 3600,
				&eng.interval, e) < 0) ||
	    (v[1] && engine_num(v[1], "percentage", 100,
				&eng.pct, e) < 0))
		goto out;
	if (ctx->check_only) {
		rc = cmds_check_run(ctx, e);
		goto out;
	}
	if (cmd_ctx_store_mode(ctx, STORE_CREATE, &eng.s, e) < 0 ||
	    engine_lock(store_path(eng.s), &ns_lock, &db_lock, e) < 0)
		goto out;
	eng.use_syslog = !v[2];
	/* Under systemd, stderr is the journal too: syslog(3) alone. */
	eng.use_stderr = !eng.use_syslog || (!getenv("INVOCATION_ID") &&
					     !getenv("JOURNAL_STREAM"));
	if (eng.use_syslog)
		openlog("masqsh", LOG_PID, LOG_DAEMON);
	rc = engine_run(&eng, e);
	if (eng.use_syslog)
		closelog();
out:
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

const struct cmd_entry cmd_engine_entry = {
	.name = "engine",
	.usage = "[interval SECS] [threshold PERCENT] [nosyslog]",
	.summary = "run the NAT service in the foreground (masqsh.service)",
	.help = "Apply the stored rules (as 'apply' does, recorded as a\n"
		"revision), then keep them right and watch the table until\n"
		"SIGTERM or Ctrl-C: re-apply 'detect' rules when their\n"
		"interface's address changes, delete conntrack entries\n"
		"translated to an address that left the box, and raise alerts\n"
		"(syslog and 'show alerts') when the table fill or a\n"
		"source-port budget reaches PERCENT (80), or when the kernel\n"
		"fails to insert connections; an alert is cleared when its\n"
		"condition ends.  Stopping leaves the rules loaded and the\n"
		"alerts as they are; the next engine takes them over.  One\n"
		"engine per network namespace and per database: a second one\n"
		"refuses to start.  systemd runs it as masqsh.service.",
	.kws = engine_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_engine,
};

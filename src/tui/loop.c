/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loop.c - masqtop's run (see loop.h).
 *
 * The event listener is opened before the one dump, so nothing that
 * happens during the dump is missed: events are "insert or replace" and
 * "remove if present", so seeing an entry twice is harmless.  After that
 * the kernel is only asked for its statistics (count and max) once per
 * tick; the table itself is kept by events.  An overrun is shown in the
 * header and the engine's resync (RESYNC entries, then RESYNC_DONE) is a
 * mark-and-sweep of the table; the mark is set by the replay's first
 * entry, since the engine delivers every queued event before it replays.
 *
 * The engine's alerts come from the rule database: read once at start,
 * before the screen is up, then every ALERTS_PERIOD seconds by a small
 * thread: SQLite may wait on a lock, the screen never does (a tick takes
 * the latest result if the thread is not holding it, else the next tick
 * does).  Batch mode reads them itself, at most every ALERTS_PERIOD.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "nat/ct.h"
#include "nat/ct_rule.h"
#include "tui/app.h"
#include "tui/loop.h"
#include "tui/render.h"
#include "tui/screen.h"

enum { ALERTS_PERIOD = 3 };	/* seconds between reads of the alerts */

/* The alerts reader (the only other thread). */
struct alerts_poll {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const char *db;
	bool running, stop, fresh;	/* fresh: cur not yet taken */
	struct top_alerts cur;
};

struct run {
	struct top_app app;
	struct alerts_poll ap;
	double alerts_at;		/* batch: monotonic time of last read */
	struct top_table *t;
	struct ct_handle *ct;
	struct ct_events *ev;
	struct ct_rules *rules;		/* names the rule behind an entry */
	uint64_t n_new, n_destroy;	/* since the last tick */
	bool marked;			/* a resync replay has begun */
	double last_tick;		/* monotonic seconds */
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dump_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct run *r = data;

	(void)e;
	top_table_append(r->t, ce, r->app.m.now);
	return 0;
}

static int
event_cb(enum ct_event_type type, const struct ct_entry *ce, void *data,
	 struct masq_err *e)
{
	struct run *r = data;
	bool added;

	(void)e;
	switch (type) {
	case CT_EV_RESYNC:
		/* The replay's first entry: from here on what it does not
		 * deliver is gone (events before it were all delivered). */
		if (!r->marked) {
			top_table_mark_begin(r->t);
			r->marked = true;
		}
		top_table_put(r->t, ce, r->app.m.now, &added);
		break;
	case CT_EV_NEW:
		r->n_new++;
		/* fall through */
	case CT_EV_UPDATE:
		top_table_put(r->t, ce, r->app.m.now, &added);
		break;
	case CT_EV_DESTROY:
		if (top_table_remove(r->t, ce))
			r->n_destroy++;
		break;
	case CT_EV_OVERRUN:
		r->app.m.hdr.overruns++;
		r->app.m.hdr.resyncing = true;
		snprintf(r->app.status, sizeof(r->app.status),
			 "kernel dropped events: resynchronising");
		break;
	case CT_EV_RESYNC_DONE:
		if (!r->marked)		/* an empty table was replayed */
			top_table_mark_begin(r->t);
		top_table_sweep(r->t);
		r->marked = false;
		r->app.m.hdr.resyncing = false;
		snprintf(r->app.status, sizeof(r->app.status),
			 "resynchronised after an event overrun");
		break;
	}
	return 0;
}

static void *
alerts_thread(void *data)
{
	struct alerts_poll *ap = data;
	struct top_alerts a;
	struct timespec ts;

	/* The first read was top_run()'s: wait, read, publish, again. */
	pthread_mutex_lock(&ap->mu);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += ALERTS_PERIOD;
		while (!ap->stop &&
		       pthread_cond_timedwait(&ap->cv, &ap->mu, &ts) == 0)
			;
		if (ap->stop)
			break;
		pthread_mutex_unlock(&ap->mu);
		top_alerts_read(ap->db, &a);
		pthread_mutex_lock(&ap->mu);
		ap->cur = a;
		ap->fresh = true;
	}
	pthread_mutex_unlock(&ap->mu);
	return NULL;
}

/* Start the reader; without it (no thread) there is no alerts line. */
static void
alerts_start(struct alerts_poll *ap, const char *db)
{
	pthread_condattr_t ca;
	sigset_t all, old;

	pthread_mutex_init(&ap->mu, NULL);
	/* the wait's deadline is on the monotonic clock: a clock step
	 * backwards must not stall the alerts */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ap->cv, &ca);
	pthread_condattr_destroy(&ca);
	ap->db = db;
	/* Signals stay with the main thread (its poll() must see them). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ap->running = pthread_create(&ap->th, NULL, alerts_thread, ap) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void
alerts_stop(struct alerts_poll *ap)
{
	if (!ap->running)
		return;
	pthread_mutex_lock(&ap->mu);
	ap->stop = true;
	pthread_cond_signal(&ap->cv);
	pthread_mutex_unlock(&ap->mu);
	pthread_join(ap->th, NULL);
	pthread_cond_destroy(&ap->cv);
	pthread_mutex_destroy(&ap->mu);
	ap->running = false;
}

/* The newest result into the header, if the reader is not busy with it. */
static void
alerts_take(struct run *r, double now)
{
	struct alerts_poll *ap = &r->ap;

	if (!ap->running) {
		/* Batch: read here, at most every ALERTS_PERIOD seconds. */
		if (now - r->alerts_at >= ALERTS_PERIOD) {
			top_alerts_read(ap->db, &r->app.m.hdr.alerts);
			r->alerts_at = now;
		}
		return;
	}
	if (pthread_mutex_trylock(&ap->mu) != 0)
		return;
	if (ap->fresh) {
		r->app.m.hdr.alerts = ap->cur;
		ap->fresh = false;
	}
	pthread_mutex_unlock(&ap->mu);
}

/* Header numbers for now: kernel statistics, the table pass, rates. */
static void
refresh(struct run *r, double now)
{
	struct top_hdr *h = &r->app.m.hdr;
	struct ct_stats st;
	struct masq_err e;
	double dt = now - r->last_tick;
	bool ok;

	err_init(&e);
	ok = ct_stats_get(r->ct, &st, &e) == 0;
	err_done(&e);
	r->app.m.now = (uint32_t)now;
	alerts_take(r, now);
	top_hdr_compute(&r->app.m);
	if (ok) {
		/* The fill is the kernel's: a NAT-only batch dump skipped
		 * the rest of the table. */
		h->max = st.max;
		h->kcount = h->count = st.count;
	}
	if (dt > 0.05) {
		h->new_rate = (double)r->n_new / dt;
		h->destroy_rate = (double)r->n_destroy / dt;
		r->n_new = r->n_destroy = 0;
		r->last_tick = now;
	}
}

static int
events_drain(struct run *r, struct masq_err *e)
{
	r->app.m.now = (uint32_t)mono();
	return ct_events_process(r->ev, event_cb, r, e) < 0 ? -1 : 0;
}

static int
term_width(const struct top_opts *o)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (o->width > 0)
		return o->width;
	if (c && atoi(c) > 0)
		return atoi(c);
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return 80;
}

/* Wait up to @ms for events, feeding the table. */
static int
events_wait(struct run *r, int ms, struct masq_err *e)
{
	double end = mono() + ms / 1000.0, left;
	struct pollfd pfd = { ct_events_fd(r->ev), POLLIN, 0 };

	while (!stop && (left = end - mono()) > 0) {
		if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return err_sys(e, MASQ_EFAIL, errno, "poll");
		if ((pfd.revents & POLLIN) && events_drain(r, e) == -1)
			return -1;
	}
	return 0;
}

static int
run_batch(struct run *r, const struct top_opts *o, struct masq_err *e)
{
	long i, n = o->iters > 0 ? o->iters : 1;
	int width = term_width(o);

	for (i = 0; i < n && !stop; i++) {
		if (i) {
			if (events_wait(r, r->app.interval_ms, e) == -1)
				return -1;
			if (!o->json)
				putchar('\n');
		}
		refresh(r, mono());
		if (top_batch_print_rows(stdout, &r->app.m, width, o->json,
					 (size_t)o->lines) == -1 ||
		    fflush(stdout) == EOF)
			return err_sys(e, MASQ_EFAIL, errno, "writing output");
	}
	return 0;
}

/* Build the window under the screen and keep the cursor in it. */
static void
build(struct run *r, struct top_screen *s)
{
	struct top_app *a = &r->app;

	top_screen_page(s, a);
	top_view_build(&a->m, a->top, a->page, &a->grid);
	top_cursor_clamp(a, a->grid.total);
	if (a->grid.first != a->top)
		top_view_build(&a->m, a->top, a->page, &a->grid);
}

/* The dump's and the listener's annotate hook (see top_run()). */
static void
run_annotate(struct ct_entry *ce, void *data)
{
	struct run *r = data;

	if (r->rules)
		ct_rules_annotate(ce, r->rules);
}

/*
 * After a masqsh command from ':': load the staged rules again, hand them
 * to the event listener's hook and name the rule of every entry held.
 * Without a database (or when it cannot be read) the column stays as is.
 */
static void
rules_reload(struct run *r)
{
	struct ct_rules *cr = NULL;
	struct ct_entry ce;
	struct masq_err e;
	size_t i, n;

	err_init(&e);
	if (ct_rules_load(r->app.db, &cr, &e) < 0 || !cr) {
		err_done(&e);
		return;
	}
	err_done(&e);
	ct_rules_free(r->rules);	/* run_annotate() reads r->rules */
	r->rules = cr;
	n = top_table_count(r->t);
	for (i = 0; i < n; i++) {
		struct top_ent *te = top_table_at(r->t, i);

		top_ent_to_ct(r->t, te, r->app.m.now, &ce);
		te->rule = (uint32_t)ct_rules_match(cr, &ce);
	}
}

static int
run_screen(struct run *r, const struct top_opts *o, struct masq_err *e)
{
	struct top_screen *s = top_screen_open(&r->app);
	struct pollfd pfd[2];
	double next, now;
	long ticks;
	int flags, key, rc = 0;
	const struct top_key *k;

	if (!s)
		return err_set(e, MASQ_EUSAGE,
			       "cannot set up the terminal; use -b for batch output");
	pfd[0] = (struct pollfd){ ct_events_fd(r->ev), POLLIN, 0 };
	pfd[1] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
	refresh(r, mono());
	build(r, s);
	top_screen_draw(s, &r->app);
	next = mono() + r->app.interval_ms / 1000.0;
	/* -n counts screens, the first one too (-n 1: draw it and leave). */
	ticks = 1;
	while (!stop && !(o->iters > 0 && ticks >= o->iters)) {
		now = mono();
		if (poll(pfd, 2, now < next ? (int)((next - now) * 1000) + 1 :
			 0) < 0 && errno != EINTR) {
			rc = err_sys(e, MASQ_EFAIL, errno, "poll");
			break;
		}
		flags = 0;
		if ((pfd[0].revents & POLLIN) && events_drain(r, e) == -1) {
			rc = -1;
			break;
		}
		while ((key = top_screen_key(s)) != -1) {
			k = top_key_find(key);
			if (k)
				flags |= top_cmd_run(&r->app, k->cmd);
			if (flags & TOP_RF_QUIT)
				break;
		}
		if (flags & TOP_RF_QUIT)
			break;
		if (flags & TOP_RF_RULES)
			rules_reload(r);
		now = mono();
		if (now >= next || (flags & TOP_RF_RETIME)) {
			next = now + r->app.interval_ms / 1000.0;
			if (!r->app.paused)
				flags |= TOP_RF_REBUILD;
			ticks++;
		}
		if (flags & TOP_RF_REBUILD) {
			refresh(r, now);
			build(r, s);
		}
		if (flags & (TOP_RF_REBUILD | TOP_RF_REDRAW))
			top_screen_draw(s, &r->app);
	}
	top_screen_close(s);
	return rc;
}

static int
apply_opts(struct run *r, const struct top_opts *o, struct masq_err *e)
{
	struct top_model *m = &r->app.m;
	const char *key = o->sort;
	int col;

	r->app.interval_ms = o->interval_ms > 0 ? o->interval_ms : 2000;
	m->nat_only = !o->all;
	m->view = (enum top_view_id)o->view;
	if (o->filter && top_model_set_filter(m, o->filter, e) == -1)
		return err_prefix(e, "-f");
	if (key) {
		if (*key == '-') {
			m->reverse = true;
			key++;
		}
		col = top_view_col_find(m->view, key);
		if (col < 0)
			return err_set(e, MASQ_EUSAGE,
				       "unknown sort column '%s'; use one of "
				       "proto src gw dst state expires bytes "
				       "packets rule to", key);
		m->sort[m->view] = col;
	}
	return 0;
}

int
top_run(const struct top_opts *o, struct masq_err *e)
{
	struct run r;
	struct sigaction sa;
	struct ct_events_opts eo = { 0 };
	struct ct_query q = { 0 };
	struct ct_stats st;
	struct masq_err se, re;
	bool need_events = !o->batch || o->iters > 1;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	err_init(&re);
	r.t = top_table_new();
	top_model_init(&r.app.m, r.t);
	if (apply_opts(&r, o, e) == -1)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* The staged rules say which rule made each entry; without a
	 * database the rule column stays "-". */
	if (ct_rules_load(o->db, &r.rules, &re) < 0) {
		/* Watching the table needs no rules: say why the column
		 * stays empty and go on. */
		snprintf(r.app.status, sizeof(r.app.status),
			 "rule column off: %.400s", re.msg);
		if (o->batch)
			fprintf(stderr, "masqtop: warning: %s\n",
				r.app.status);
		r.rules = NULL;
	}
	err_done(&re);
	/* through r, not r.rules itself: the event listener keeps a copy
	 * of the query, and ':' may load the rules again (rules_reload()) */
	q.annotate = run_annotate;
	q.annotate_data = &r;
	eo.query = &q;
	r.ct = ct_open(e);
	if (!r.ct)
		goto out;
	r.app.ct = r.ct;
	r.app.db = o->db;
	if (need_events && !(r.ev = ct_events_open(&eo, e)))
		goto out;
	/* The alerts: read once now, before there is a screen to stall
	 * (and so SQLite is set up on this thread), then by the reader. */
	r.ap.db = o->db;
	top_alerts_read(o->db, &r.app.m.hdr.alerts);
	r.alerts_at = mono();
	if (!o->batch)
		alerts_start(&r.ap, o->db);
	r.last_tick = mono();
	r.app.m.now = (uint32_t)r.last_tick;
	/* A one-shot NAT-only listing need not parse the other entries. */
	q.flags = o->batch && !need_events && !o->all ? CT_Q_NAT_ONLY : 0;
	/* Size the table for what the kernel holds, so the dump fills it
	 * without re-hashing or moving it (a hint: without it, it grows). */
	err_init(&se);
	if (ct_stats_get(r.ct, &st, &se) == 0)
		top_table_reserve(r.t, st.count + st.count / 64 + 64);
	err_done(&se);
	if (ct_dump(r.ct, &q, dump_cb, &r, e) < 0)
		goto out;
	top_table_index(r.t);
	rc = o->batch ? run_batch(&r, o, e) : run_screen(&r, o, e);
out:
	alerts_stop(&r.ap);
	ct_events_close(r.ev);
	ct_close(r.ct);
	ct_rules_free(r.rules);
	top_grid_done(&r.app.grid);
	top_model_done(&r.app.m);
	top_table_free(r.t);
	return rc;
}

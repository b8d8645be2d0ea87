/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loop.c - masqtop's run (see loop.h).
 *
 * Where the table comes from.  The event listener is opened before the
 * first dump, so nothing that happens during the dump is missed: events
 * are "insert or update" and "remove if present", so seeing an entry
 * twice is harmless.  Events alone cannot keep the table true, though:
 * with the kernel's default nf_conntrack_events=2 an entry created
 * before the first listener sends no event at all (not even DESTROY),
 * traffic that only refreshes a timeout sends none, and NEW and UPDATE
 * events carry no counters.  So the table is also read whole again, as a
 * mark-and-sweep (what the dump does not deliver is gone; what it does
 * brings the kernel's timeout and counters):
 *   - at a refresh tick, unless reading at every tick would cost more
 *     than 1/READ_SHARE of a core: then at every k-th tick, as that
 *     allows (at 250k entries a read costs about 0.3 s of CPU: every
 *     other 2 s tick), and the header says how old the table is;
 *   - at once after 'd' and ':' (a kill or a flush sends no event for
 *     such entries);
 *   - by the event engine after an overrun (RESYNC ... RESYNC_DONE; the
 *     mark is set by the replay's first entry, since the engine delivers
 *     every queued event before it replays).
 * Between reads an entry no event touched shows its timeout counted down
 * from the last read and that read's counters.  The rule of an entry is
 * worked out once, when it enters the table, and again for all of them
 * when the rules change (dbpoll.c notices: an apply or rollback from any
 * shell, a staged edit).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "core/esc.h"
#include "core/mem.h"
#include "core/store.h"
#include "nat/ct.h"
#include "nat/ct_rule.h"
#include "tui/app.h"
#include "tui/dbpoll.h"
#include "tui/keymap.h"
#include "tui/loop.h"
#include "tui/render.h"
#include "tui/screen.h"
#include "tui/view.h"

/*
 * Periodic reads take at most 1/READ_SHARE of a core: at 250k entries a
 * read costs about 0.3 s of CPU (mostly the kernel's, making the dump),
 * so at the default 2 s refresh it comes every other tick, and masqtop
 * uses 8-12% of a core in all (bench/masqtop_cpu.sh, README-masqtop.md).
 */
enum { READ_SHARE = 8 };

struct run {
	struct top_app app;
	struct top_dbpoll *dbp;
	struct top_table *t;
	struct ct_handle *ct;
	struct ct_events *ev;
	struct ct_rules *rules;		/* names the rule behind an entry */
	uint64_t n_new, n_destroy;	/* since the last tick */
	bool marked;			/* a resync replay has begun */
	double last_tick;		/* monotonic seconds */
	double read_at;			/* the last whole read began */
	double read_cost;		/* ... and cost this much CPU */
	unsigned int ticks_unread;	/* ticks since then */
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

/*
 * CPU seconds this thread has used: what a read costs, the kernel's part
 * (making the dump, in our recvmsg) included.  Not the wall time: on a
 * busy machine that grows with the wait for a CPU, and reads would come
 * less often than they need to.
 */
static double
cpu_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == -1)
		return mono();
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Insert or update @ce; a new entry gets its rule now.  True when new. */
static bool
table_put(struct run *r, const struct ct_entry *ce)
{
	struct top_ent *te;
	bool added;

	te = top_table_put(r->t, ce, r->app.m.now, &added);
	if (added)
		te->rule = r->rules ? (uint32_t)ct_rules_match(r->rules, ce) : 0;
	return added;
}

/* The start-up dump: every entry is new and annotated by the query. */
static int
dump_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct run *r = data;

	(void)e;
	top_table_append(r->t, ce, r->app.m.now);
	return 0;
}

/* A periodic read. */
static int
read_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	(void)e;
	table_put(data, ce);
	return 0;
}

static int
event_cb(enum ct_event_type type, const struct ct_entry *ce, void *data,
	 struct masq_err *e)
{
	struct run *r = data;

	(void)e;
	switch (type) {
	case CT_EV_RESYNC:
		/* The replay's first entry: from here on what it does not
		 * deliver is gone (events before it were all delivered). */
		if (!r->marked) {
			top_table_mark_begin(r->t);
			r->marked = true;
			r->read_at = mono();
		}
		table_put(r, ce);
		break;
	case CT_EV_NEW:
		r->n_new++;
		/* fall through */
	case CT_EV_UPDATE:
		table_put(r, ce);
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
		if (!r->marked) {	/* an empty table was replayed */
			top_table_mark_begin(r->t);
			r->read_at = mono();
		}
		r->n_destroy += top_table_sweep(r->t);
		r->ticks_unread = 0;	/* a whole read too */
		r->marked = false;
		r->app.m.hdr.resyncing = false;
		snprintf(r->app.status, sizeof(r->app.status),
			 "resynchronised after an event overrun");
		break;
	}
	return 0;
}

static int events_drain(struct run *r, struct masq_err *e);

/*
 * Read the whole table again: what is queued first (so no event older
 * than the dump is applied after it), then mark, dump, sweep.  Entries
 * the kernel no longer has leave; the rest take the kernel's timeout,
 * state and counters.  A failure is said in the status line, and the
 * table stays as it was.
 */
static void
table_read(struct run *r)
{
	struct masq_err e;
	double t0, c0;

	err_init(&e);
	if (r->ev && events_drain(r, &e) == -1)
		goto out;
	t0 = mono();
	c0 = cpu_now();
	r->app.m.now = (uint32_t)t0;
	top_table_mark_begin(r->t);
	if (ct_dump(r->ct, NULL, read_cb, r, &e) < 0)
		goto out;
	/* gone without a DESTROY event: destroyed all the same */
	r->n_destroy += top_table_sweep(r->t);
	r->read_at = t0;
	r->read_cost = cpu_now() - c0;
	r->ticks_unread = 0;
out:
	if (e.msg[0])
		snprintf(r->app.status, sizeof(r->app.status),
			 "reading the table failed: %.400s", e.msg);
	err_done(&e);
}

/* Every how many ticks a periodic read comes: every one, unless a read
 * would then cost more than 1/READ_SHARE of a core. */
static unsigned int
read_every(const struct run *r)
{
	double tick = r->app.interval_ms / 1000.0;
	double k = r->read_cost * READ_SHARE / tick;

	return k <= 1 ? 1 : k >= 1000 ? 1000 : (unsigned int)k + 1;
}

/* A tick: is a periodic read due now? */
static bool
read_due(struct run *r)
{
	return ++r->ticks_unread >= read_every(r);
}

/*
 * Use @cr (owned from now; NULL: none) to name the rule of every entry
 * held, and of those to come (events, reads).
 */
static void
rules_set(struct run *r, struct ct_rules *cr)
{
	struct ct_entry ce;
	size_t i, n = top_table_count(r->t);

	ct_rules_free(r->rules);
	r->rules = cr;
	r->app.m.rules = cr;
	for (i = 0; i < n; i++) {
		struct top_ent *te = top_table_at(r->t, i);

		top_ent_to_ct(r->t, te, r->app.m.now, &ce);
		te->rule = cr ? (uint32_t)ct_rules_match(cr, &ce) : 0;
	}
}

/* When rules_load() runs. */
enum rules_when { RULES_START, RULES_START_BATCH, RULES_CHANGED };

/*
 * Load the rules (at start, or again when the database poller saw them
 * change: an apply, a rollback, a staged edit from anywhere, the file
 * came or went) and name every entry's rule with them.  Without rules the
 * column is "-", and the status line (at a batch start: stderr) says why.
 */
static void
rules_load(struct run *r, enum rules_when when)
{
	const char *db = r->app.db ? r->app.db : store_default_path();
	struct ct_rules *cr = NULL;
	struct masq_err e;
	char why[512] = "";

	err_init(&e);
	if (ct_rules_load(db, &cr, &e) < 0)
		snprintf(why, sizeof(why), "%s", e.msg);
	else if (!cr)
		snprintf(why, sizeof(why), "no rule database at %.400s", db);
	err_done(&e);
	mem_settle();		/* a big ruleset's heap policy, undone */
	rules_set(r, cr);
	if (why[0]) {
		snprintf(r->app.status, sizeof(r->app.status),
			 "rule column off: %.400s", why);
		if (when == RULES_START_BATCH) {
			fputs("masqtop: warning: ", stderr);
			esc_fputs(stderr, r->app.status, 0);
			fputc('\n', stderr);
		}
	} else if (when == RULES_CHANGED && !r->app.status[0]) {
		/* a command's answer in the status line stays */
		snprintf(r->app.status, sizeof(r->app.status),
			 "the rules changed: rule column updated");
	}
}

/* What the database poller found: alerts and the pair, news of the
 * rules. */
static void
db_take(struct run *r, double now)
{
	struct top_dbnews n;

	if (!top_dbpoll_take(r->dbp, now, &n))
		return;
	if (n.alerts) {
		r->app.m.hdr.alerts = n.a;
		r->app.m.hdr.pair = n.pair;
	}
	if (n.rules)
		rules_load(r, RULES_CHANGED);
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
	r->app.m.acct = ct_accounting();
	db_take(r, now);
	top_hdr_compute(&r->app.m);
	if (ok) {
		h->max = st.max;
		h->kcount = h->count = st.count;
	}
	h->read_age = now - r->read_at;
	/* a read every tick keeps the table one tick old at most */
	h->read_slow = r->ev && read_every(r) > 1;
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
			if (read_due(r))
				table_read(r);
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

/* The start-up dump's annotate hook (see top_run()). */
static void
run_annotate(struct ct_entry *ce, void *data)
{
	struct run *r = data;

	if (r->rules)
		ct_rules_annotate(ce, r->rules);
}

/* Keys waiting: run their commands; returns the TOP_RF_* flags. */
static int
keys_run(struct run *r, struct top_screen *s)
{
	const struct top_key *k;
	int key, flags = 0;

	while (!(flags & TOP_RF_QUIT) && (key = top_screen_key(s)) != -1) {
		k = top_key_find(key);
		if (k)
			flags |= top_cmd_run(&r->app, k->cmd);
	}
	return flags;
}

static int
run_screen(struct run *r, const struct top_opts *o, struct masq_err *e)
{
	struct top_screen *s = top_screen_open(&r->app);
	struct pollfd pfd[2];
	double next, now;
	long ticks;
	int flags, rc = 0;

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
		if ((pfd[0].revents & POLLIN) && events_drain(r, e) == -1) {
			rc = -1;
			break;
		}
		flags = keys_run(r, s);
		if (flags & TOP_RF_QUIT)
			break;
		if (flags & TOP_RF_RULES)	/* the poller reads at once */
			top_dbpoll_kick(r->dbp);
		now = mono();
		if (now >= next || (flags & TOP_RF_RETIME)) {
			next = now + r->app.interval_ms / 1000.0;
			if (!r->app.paused) {
				flags |= TOP_RF_REBUILD;
				if (read_due(r))
					flags |= TOP_RF_REREAD;
			}
			ticks++;
		}
		if (flags & TOP_RF_REREAD)
			table_read(r);
		if (flags & TOP_RF_REBUILD) {
			refresh(r, mono());
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

/*
 * The database, read once before the screen is up (and SQLite set up on
 * this thread), then by the poller.  Watching the table needs no rules:
 * without them the rule column stays "-", and masqtop says why (batch
 * mode on stderr, the screen in its status line).
 */
static void
db_start(struct run *r, const struct top_opts *o)
{
	struct top_dbnews n;

	r->dbp = top_dbpoll_new(o->db, o->ha_dir, !o->batch, &n);
	r->app.m.hdr.alerts = n.a;
	r->app.m.hdr.pair = n.pair;
	rules_load(r, o->batch ? RULES_START_BATCH : RULES_START);
}

/* The kernel: the listener first, then one dump sized ahead. */
static int
ct_start(struct run *r, bool events, struct masq_err *e)
{
	struct ct_query q = { 0 };
	struct ct_stats st;
	struct masq_err se;
	double c0;

	r->ct = ct_open(e);
	if (!r->ct)
		return -1;
	r->app.ct = r->ct;
	/* no query: events and resyncs name rules in table_put() */
	if (events && !(r->ev = ct_events_open(NULL, e)))
		return -1;
	r->last_tick = r->read_at = mono();
	r->app.m.now = (uint32_t)r->last_tick;
	/* Size the table for what the kernel holds, so the dump fills it
	 * without re-hashing or moving it (a hint: without it, it grows).
	 * Every entry, NAT'ed or not: the header counts them all, as
	 * `show stats` does. */
	err_init(&se);
	if (ct_stats_get(r->ct, &st, &se) == 0)
		top_table_reserve(r->t, st.count + st.count / 64 + 64);
	err_done(&se);
	q.annotate = run_annotate;
	q.annotate_data = r;
	c0 = cpu_now();
	if (ct_dump(r->ct, &q, dump_cb, r, e) < 0)
		return -1;
	top_table_index(r->t);
	r->read_cost = cpu_now() - c0;
	return 0;
}

int
top_run(const struct top_opts *o, struct masq_err *e)
{
	struct run r;
	struct sigaction sa;
	bool need_events = !o->batch || o->iters > 1;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.t = top_table_new();
	top_model_init(&r.app.m, r.t);
	if (apply_opts(&r, o, e) == -1)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r.app.db = o->db;
	db_start(&r, o);
	if (ct_start(&r, need_events, e) == -1)
		goto out;
	rc = o->batch ? run_batch(&r, o, e) : run_screen(&r, o, e);
out:
	top_dbpoll_free(r.dbp);
	ct_events_close(r.ev);
	ct_close(r.ct);
	top_grid_done(&r.app.grid);
	top_model_done(&r.app.m);
	ct_rules_free(r.rules);
	top_table_free(r.t);
	return rc;
}

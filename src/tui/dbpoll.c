/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dbpoll.c - the database poller (see dbpoll.h).
 *
 * The thread and the UI share one struct under a mutex: the thread reads
 * without holding it, then publishes under it; the UI takes with a
 * trylock, so a thread that holds the lock only costs the UI one tick of
 * delay, never a wait.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "core/store.h"
#include "core/xalloc.h"
#include "tui/dbpoll.h"

struct top_dbpoll {
	const char *db;
	const char *ha_dir;		/* the pair's files, NULL: standard */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool running, stop, kick;
	uint64_t stamp;			/* of the rules last loaded */
	struct top_pair pair;		/* the last read (the thread's) */
	struct top_dbnews pend;		/* read, not yet taken */
	double last;			/* no thread: when it last read */
};

/* One read into @n: the alerts, the pair (@pair: the previous read, which
 * follows), and whether the stamp of the rules moved away from *@stamp
 * (which follows). */
static void
poll_read(const char *db, const char *ha_dir, uint64_t *stamp,
	  struct top_pair *pair, struct top_dbnews *n)
{
	uint64_t st;

	top_db_read(db, &n->a, &st);
	top_pair_read(db, ha_dir, pair, &n->pair);
	*pair = n->pair;
	n->alerts = true;
	n->rules = st != *stamp;
	*stamp = st;
}

/* Keep @n for the UI (under the lock). */
static void
publish(struct top_dbpoll *p, const struct top_dbnews *n)
{
	p->pend.alerts = true;
	p->pend.a = n->a;
	p->pend.pair = n->pair;
	p->pend.rules |= n->rules;
}

static void *
poll_thread(void *data)
{
	struct top_dbpoll *p = data;
	struct top_dbnews n;
	struct timespec ts;
	uint64_t stamp;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += TOP_DBPOLL_PERIOD;
		while (!p->stop && !p->kick &&
		       pthread_cond_timedwait(&p->cv, &p->mu, &ts) == 0)
			;
		if (p->stop)
			break;
		p->kick = false;
		stamp = p->stamp;
		pthread_mutex_unlock(&p->mu);
		poll_read(p->db, p->ha_dir, &stamp, &p->pair, &n);
		pthread_mutex_lock(&p->mu);
		p->stamp = stamp;
		publish(p, &n);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void
poll_start(struct top_dbpoll *p)
{
	pthread_condattr_t ca;
	sigset_t all, old;

	pthread_mutex_init(&p->mu, NULL);
	/* the wait's deadline is on the monotonic clock: a clock step
	 * backwards must not stall the reads */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals stay with the main thread (its poll() must see them). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	p->running = pthread_create(&p->th, NULL, poll_thread, p) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!p->running) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct top_dbpoll *
top_dbpoll_new(const char *db, const char *ha_dir, bool thread,
	       struct top_dbnews *news)
{
	struct top_dbpoll *p = xcalloc(1, sizeof(*p));

	p->db = db ? db : store_default_path();
	p->ha_dir = ha_dir;
	/* no stamp is TOP_DB_NONE + 2: the first read always names rules */
	p->stamp = TOP_DB_UNREADABLE + 1;
	poll_read(p->db, p->ha_dir, &p->stamp, &p->pair, news);
	p->last = mono();
	if (thread)
		poll_start(p);
	return p;
}

bool
top_dbpoll_take(struct top_dbpoll *p, double now, struct top_dbnews *news)
{
	news->alerts = news->rules = false;
	if (!p->running) {
		if (!p->kick && now - p->last < TOP_DBPOLL_PERIOD)
			return false;
		p->kick = false;
		p->last = now;
		poll_read(p->db, p->ha_dir, &p->stamp, &p->pair, news);
		return true;
	}
	if (pthread_mutex_trylock(&p->mu) != 0)
		return false;
	*news = p->pend;
	p->pend.alerts = p->pend.rules = false;
	pthread_mutex_unlock(&p->mu);
	return news->alerts || news->rules;
}

void
top_dbpoll_kick(struct top_dbpoll *p)
{
	if (!p->running) {
		p->kick = true;
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->kick = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void
top_dbpoll_free(struct top_dbpoll *p)
{
	if (!p)
		return;
	if (p->running) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
	free(p);
}

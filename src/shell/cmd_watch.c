/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_watch.c - `watch [FILTER] [count N] [for SECS]`: the conntrack event
 * stream, one line per new / update / destroy (NDJSON with -j).
 *
 * Runs until SIGINT or SIGTERM, or until N events were printed, or SECS
 * seconds passed.  When the kernel drops events (the receive buffer
 * overran) the engine grows the buffer and re-reads the table; watch says
 * so on a line of its own ({"event":"overrun"} and {"event":"resync"}) and
 * goes on: losing events is reported, never fatal.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "shell/cmd_int.h"
#include "shell/ct_row.h"

static volatile sig_atomic_t watch_stop;

static void
watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

struct watch {
	struct strbuf sb;		/* written out after each batch */
	struct ct_events *ev;
	bool json;
	uint64_t events, limit, resynced;
};

static int
watch_cb(enum ct_event_type type, const struct ct_entry *ce, void *data,
	 struct masq_err *e)
{
	struct watch *w = data;
	char line[160];

	(void)e;
	switch (type) {
	case CT_EV_NEW:
	case CT_EV_UPDATE:
	case CT_EV_DESTROY:
		if (w->json) {
			ct_row_json(&w->sb, ce, ct_event_name(type));
		} else {
			strbuf_addf(&w->sb, "%-8s ", ct_event_name(type));
			ct_row_text(&w->sb, ce, CT_COLS_TEXT);
		}
		strbuf_putc(&w->sb, '\n');
		w->events++;
		return w->limit && w->events >= w->limit ? 1 : 0;
	case CT_EV_OVERRUN:
		snprintf(line, sizeof(line), w->json ?
			 "{\"event\":\"overrun\",\"overruns\":%llu,"
			 "\"rcvbuf\":%zu}\n" :
			 "overrun  the kernel dropped events (%llu so far); "
			 "receive buffer now %zu bytes; resynchronising\n",
			 (unsigned long long)ct_events_overruns(w->ev),
			 ct_events_rcvbuf(w->ev));
		strbuf_puts(&w->sb, line);
		w->resynced = 0;
		return 0;
	case CT_EV_RESYNC:
		w->resynced++;
		return 0;
	case CT_EV_RESYNC_DONE:
		snprintf(line, sizeof(line), w->json ?
			 "{\"event\":\"resync\",\"entries\":%llu}\n" :
			 "resync   done: %llu entries in the table now\n",
			 (unsigned long long)w->resynced);
		strbuf_puts(&w->sb, line);
		return 0;
	}
	return 0;
}

/* Take "count N" and "for SECS" out of the words; the rest is the filter. */
static int
watch_words(const struct cmd_args *a, struct masq_tok **rest, size_t *n,
	    int64_t *count, int64_t *secs, struct masq_err *e)
{
	size_t i;

	*rest = xcalloc(a->n + 1, sizeof(**rest));
	*n = 0;
	for (i = 0; i < a->n; i++) {
		const char *w = a->v[i].s;
		int64_t *dst = !strcmp(w, "count") ? count :
			       !strcmp(w, "for") ? secs : NULL;

		if (!dst) {
			(*rest)[(*n)++] = a->v[i];
			continue;
		}
		if (i + 1 == a->n)
			return err_tok(e, MASQ_EUSAGE, &a->v[i],
				       "'%s' needs a number", w);
		if (cmds_num(&a->v[++i], dst == count ? "event count" :
			     "duration in seconds", dst, e) < 0)
			return -1;
	}
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
watch_loop(struct cmd_ctx *ctx, struct watch *w, int64_t secs,
	   struct masq_err *e)
{
	int64_t deadline = secs ? now_ms() + secs * 1000 : 0;
	struct pollfd pfd = { .fd = ct_events_fd(w->ev), .events = POLLIN };
	FILE *fp = out_fp(ctx->out);
	long r;

	while (!watch_stop) {
		int timeout = -1;

		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			timeout = left > 60000 ? 60000 : (int)left;
		}
		if (poll(&pfd, 1, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, MASQ_EFAIL, errno, "watch: poll");
		}
		if (!(pfd.revents & POLLIN))
			continue;
		r = ct_events_process(w->ev, watch_cb, w, e);
		strbuf_write(&w->sb, fp);
		fflush(fp);
		if (r < 0)
			return -1;
		if (w->limit && w->events >= w->limit)
			break;
	}
	return 0;
}

static int
cmd_watch(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	struct watch w = { .json = out_is_json(ctx->out) };
	struct sigaction sa, old_int, old_term;
	struct ct_events_opts opts = { 0 };
	struct masq_tok *words = NULL;
	int64_t count = 0, secs = 0;
	struct ct_cmd c = { 0 };
	size_t n;
	int rc = -1;

	if (watch_words(a, &words, &n, &count, &secs, e) < 0 ||
	    ct_cmd_prepare(ctx, words, n, 0, &c, e) < 0)
		goto out;
	w.limit = (uint64_t)count;
	opts.query = &c.q;
	/* new/update events carry no counters: read them (accounting on) */
	opts.flags = CT_EV_F_COUNTERS;
	w.ev = ct_events_open(&opts, e);
	if (!w.ev)
		goto out;
	fflush(out_fp(ctx->out));
	strbuf_init(&w.sb, 256u << 10);
	if (!w.json) {
		strbuf_puts(&w.sb, "EVENT    ");
		ct_row_header(&w.sb, CT_COLS_TEXT);
		strbuf_putc(&w.sb, '\n');
		strbuf_write(&w.sb, out_fp(ctx->out));
		fflush(out_fp(ctx->out));
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_signal;
	sigemptyset(&sa.sa_mask);
	watch_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = watch_loop(ctx, &w, secs, e);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	strbuf_write(&w.sb, out_fp(ctx->out));
	if (rc == 0)
		out_text(ctx->out, "%llu events, %llu overruns\n",
			 (unsigned long long)w.events,
			 (unsigned long long)ct_events_overruns(w.ev));
out:
	strbuf_done(&w.sb);
	ct_events_close(w.ev);
	ct_cmd_done(&c);
	free(words);
	return rc;
}

static const struct cmd_kw watch_kws[] = {
	CT_FILTER_KWS,
	{ "count", CMD_ARG_NUM, "N", "stop after N events", 0, NULL },
	{ "for", CMD_ARG_NUM, "SECS", "stop after SECS seconds", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.usage = "[FILTER] [count N] [for SECS]",
	.summary = "follow conntrack events: new, update, destroy",
	.help = "Print one line per conntrack event that matches FILTER (the\n"
		"filter language of 'show masq'), with the columns of 'show\n"
		"masq' after the event's name, until Ctrl-C (SIGINT or SIGTERM),\n"
		"N events ('count N') or SECS seconds ('for SECS').  With -j\n"
		"each event is one JSON object on its own line (NDJSON) with an\n"
		"\"event\" key.  When the kernel drops events because they came\n"
		"faster than they were read, watch enlarges its buffer, re-reads\n"
		"the table and says so (\"overrun\", then \"resync\"), and keeps\n"
		"going.  With accounting on (net.netfilter.nf_conntrack_acct=1)\n"
		"new and update lines show the entry's counters as the kernel\n"
		"has them when watch reads the event (it sends counters with\n"
		"destroy events only, so watch asks for them), \"-\" when the\n"
		"entry was gone by then; destroy lines show the final ones.",
	.kws = watch_kws,
	.flags = CMD_KERNEL | CMD_OWN_ARGS,
	.exec = cmd_watch,
};

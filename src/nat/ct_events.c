/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_events.c - listening to conntrack events without losing the thread.
 *
 * Owns: the event socket (subscribed to the NEW / UPDATE / DESTROY
 * groups, receive buffer forced large), reading it without blocking, and
 * recovering from overruns.  When the kernel could not queue an event it
 * reports ENOBUFS once; we then double the buffer (up to a cap), tell the
 * consumer (CT_EV_OVERRUN), go on delivering what is still queued, and
 * once the socket is empty replay the table with a dump on a second
 * socket (CT_EV_RESYNC ... CT_EV_RESYNC_DONE) so the consumer's picture is
 * whole again.  Only once it is empty: an event queued before the dump but
 * delivered after it could bring back an entry whose DESTROY was among the
 * dropped ones, and a consumer keeping a table (masqtop) would keep it for
 * ever.  A lost event is never an error.
 * Does not own: what the consumer keeps (masqtop's table, watch's output).
 *
 * Each call handles at most CT_EV_BUDGET messages, so a caller that also
 * draws a screen gets control back under an endless storm.
 *
 * What an event holds is what ctnetlink puts in it (checked on 6.18):
 * NEW and UPDATE carry both tuples, status, timeout, mark, id and, when
 * the TCP state changed, the protocol info; never counters.  DESTROY
 * carries the final counters.  CT_EV_F_COUNTERS asks for the missing
 * counters with one get per event (ct_events_counters()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink_compat.h>

#include "core/xalloc.h"
#include "nat/ct_int.h"
#include "nat/nl.h"

#define CT_EV_RCVBUF_DEFAULT	(32u << 20)
#define CT_EV_RCVBUF_MAX	(256u << 20)
#define CT_EV_BUDGET		8192

struct ct_events {
	struct ct_handle *h;		/* the subscribed socket */
	struct ct_handle *dump;		/* lazily, for resyncs */
	const struct ct_query *q;	/* NULL, or &qbuf */
	struct ct_query qbuf;
	unsigned int flags;
	size_t rcvbuf, rcvbuf_max;
	uint64_t overruns;
	bool need_resync;
};

const char *
ct_event_name(enum ct_event_type t)
{
	switch (t) {
	case CT_EV_NEW: return "new";
	case CT_EV_UPDATE: return "update";
	case CT_EV_DESTROY: return "destroy";
	case CT_EV_OVERRUN: return "overrun";
	case CT_EV_RESYNC: return "resync";
	case CT_EV_RESYNC_DONE: return "resync-done";
	}
	return "?";
}

/*
 * MASQSH_TEST_RCVBUF=BYTES pins the socket's buffer (no growth), so that
 * a test can make the kernel drop events for certain and see the
 * overrun said and the table resynchronised (tests/netns/261).  Not for
 * use: the default grows from 32 MiB as overruns happen.
 */
static void
ct_events_test_rcvbuf(struct ct_events *ev)
{
	const char *v = getenv("MASQSH_TEST_RCVBUF");
	unsigned long n;
	char *end;

	if (!v || !*v)
		return;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < 1024 || n > CT_EV_RCVBUF_MAX)
		return;
	ev->rcvbuf = ev->rcvbuf_max = n;
}

struct ct_events *
ct_events_open(const struct ct_events_opts *opts, struct masq_err *e)
{
	struct ct_events *ev = xcalloc(1, sizeof(*ev));
	unsigned int groups = 0;
	int fd, fl;

	ev->flags = opts ? opts->flags : 0;
	if (!(ev->flags & CT_EV_F_ALL))
		ev->flags |= CT_EV_F_ALL;
	ev->q = ct_query_tighten(opts ? opts->query : NULL, &ev->qbuf);
	if (ev->q && ev->q != &ev->qbuf) {
		ev->qbuf = *ev->q;
		ev->q = &ev->qbuf;
	}
	ev->rcvbuf = opts && opts->rcvbuf ? opts->rcvbuf : CT_EV_RCVBUF_DEFAULT;
	ev->rcvbuf_max = opts && opts->rcvbuf_max ? opts->rcvbuf_max :
			 CT_EV_RCVBUF_MAX;
	ct_events_test_rcvbuf(ev);
	if (ev->rcvbuf_max < ev->rcvbuf)
		ev->rcvbuf_max = ev->rcvbuf;
	if (ev->flags & CT_EV_F_NEW)
		groups |= NF_NETLINK_CONNTRACK_NEW;
	if (ev->flags & CT_EV_F_UPDATE)
		groups |= NF_NETLINK_CONNTRACK_UPDATE;
	if (ev->flags & CT_EV_F_DESTROY)
		groups |= NF_NETLINK_CONNTRACK_DESTROY;
	ev->h = ct_open_groups(groups, ev->rcvbuf, e);
	if (!ev->h)
		goto fail;
	fd = mnl_socket_get_fd(ev->h->nl);
	fl = fcntl(fd, F_GETFL);
	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		ct_err_sys(e, errno, "cannot make the event socket non-blocking");
		goto fail;
	}
	return ev;
fail:
	ct_events_close(ev);
	return NULL;
}

void
ct_events_close(struct ct_events *ev)
{
	if (!ev)
		return;
	ct_close(ev->h);
	ct_close(ev->dump);
	free(ev);
}

int
ct_events_fd(const struct ct_events *ev)
{
	return mnl_socket_get_fd(ev->h->nl);
}

uint64_t
ct_events_overruns(const struct ct_events *ev)
{
	return ev->overruns;
}

size_t
ct_events_rcvbuf(const struct ct_events *ev)
{
	return ev->rcvbuf;
}

struct ct_resync_ctx {
	ct_event_cb cb;
	void *data;
	int stop;		/* the consumer's non-zero answer */
};

static int
ct_resync_entry_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct ct_resync_ctx *c = data;

	c->stop = c->cb(CT_EV_RESYNC, ce, c->data, e);
	return c->stop;
}

/* Replay the table.  Returns what the consumer returned (0 on a full
 * replay), or -1 with @e set. */
static int
ct_events_resync(struct ct_events *ev, ct_event_cb cb, void *data,
		 long *n, struct masq_err *e)
{
	struct ct_resync_ctx c = { .cb = cb, .data = data };
	long got;

	if (!ev->dump) {
		ev->dump = ct_open(e);
		if (!ev->dump)
			return -1;
	}
	got = ct_dump(ev->dump, ev->q, ct_resync_entry_cb, &c, e);
	if (got == -1)
		return -1;
	*n += got;
	if (c.stop)
		return c.stop;	/* cut short: replay again next time */
	ev->need_resync = false;
	return cb(CT_EV_RESYNC_DONE, NULL, data, e);
}

/* Grow the buffer and tell the consumer.  Returns the consumer's answer. */
static int
ct_events_overrun(struct ct_events *ev, ct_event_cb cb, void *data,
		  struct masq_err *e)
{
	ev->overruns++;
	if (ev->rcvbuf < ev->rcvbuf_max) {
		ev->rcvbuf = ev->rcvbuf * 2 > ev->rcvbuf_max ? ev->rcvbuf_max :
			     ev->rcvbuf * 2;
		ct_sock_rcvbuf(ev->h->nl, ev->rcvbuf);
	}
	if (!(ev->flags & CT_EV_F_NO_RESYNC))
		ev->need_resync = true;
	return cb(CT_EV_OVERRUN, NULL, data, e);
}

struct ct_get_ctx {
	struct ct_entry got;
	bool found;
};

static int
ct_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ct_get_ctx *c = data;

	if (ct_parse_msg(nlh, NULL, &c->got) == 1)
		c->found = true;
	return MNL_CB_OK;
}

/*
 * Give @ce (a NEW or UPDATE event's entry, which has no counters) the
 * counters the kernel holds for it now: a get by its original tuple and
 * zone, kept only when the answer is the same connection (same id).  An
 * entry gone meanwhile, or any error, leaves @ce without counters.
 */
static void
ct_events_counters(struct ct_events *ev, struct ct_entry *ce)
{
	struct ct_get_ctx c = { .found = false };
	struct nlmsghdr *nlh;
	struct masq_err e;
	uint32_t seq;

	err_init(&e);
	if (!ev->dump && !(ev->dump = ct_open(&e)))
		goto out;
	seq = ++ev->dump->seq;
	nlh = ct_msg_start(ev->dump->buf, IPCTNL_MSG_CT_GET, NLM_F_ACK, seq,
			   ce->family);
	ct_put_tuple(nlh, ce);
	if (ce->zone)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(ce->zone));
	if (mnl_socket_sendto(ev->dump->nl, nlh, nlh->nlmsg_len) == -1 ||
	    ct_recv_until_done(ev->dump, seq, ct_get_cb, &c, &e) == -1)
		goto out;
	if (c.found && c.got.has_counters && (!ce->id || c.got.id == ce->id)) {
		ce->has_counters = true;
		ce->c_orig = c.got.c_orig;
		ce->c_reply = c.got.c_reply;
	}
out:
	err_done(&e);
}

static int
ct_event_type_of(const struct nlmsghdr *nlh, enum ct_event_type *t)
{
	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_CT_NEW:
		*t = nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL) ?
		     CT_EV_NEW : CT_EV_UPDATE;
		return 0;
	case IPCTNL_MSG_CT_DELETE:
		*t = CT_EV_DESTROY;
		return 0;
	}
	return -1;
}

/* Deliver the events in one datagram (@acct: fill counters, see
 * CT_EV_F_COUNTERS).  Returns the consumer's first non-zero answer,
 * else 0. */
static int
ct_events_datagram(struct ct_events *ev, size_t len, bool acct,
		   ct_event_cb cb, void *data, long *n, struct masq_err *e)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)ev->h->buf;
	int left = (int)len, rc;
	enum ct_event_type t;
	struct ct_entry ce;

	for (; nl_msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK ||
		    ct_event_type_of(nlh, &t) == -1)
			continue;
		if (!(ev->flags & (1u << t)))
			continue;
		if (ct_parse_msg(nlh, ev->q, &ce) <= 0)
			continue;
		if (acct && t != CT_EV_DESTROY && !ce.has_counters)
			ct_events_counters(ev, &ce);
		(*n)++;
		rc = cb(t, &ce, data, e);
		if (rc)
			return rc;
	}
	return 0;
}

long
ct_events_process(struct ct_events *ev, ct_event_cb cb, void *data,
		  struct masq_err *e)
{
	int fd = ct_events_fd(ev), rc = 0, budget = CT_EV_BUDGET;
	/* the sysctl once per call: it can be switched at any time */
	bool empty = false, acct = (ev->flags & CT_EV_F_COUNTERS) &&
				   ct_accounting() == 1;
	long n = 0;
	ssize_t len;

	while (budget-- > 0) {
		len = recv(fd, ev->h->buf, CT_RECV_BUFSZ, MSG_DONTWAIT);
		if (len == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				empty = true;
				break;
			}
			if (errno != ENOBUFS)
				return ct_err_sys(e, errno, "cannot read events");
			rc = ct_events_overrun(ev, cb, data, e);
		} else {
			rc = ct_events_datagram(ev, (size_t)len, acct, cb,
						data, &n, e);
		}
		if (rc)
			break;
	}
	/*
	 * The budget ran out: has the queue emptied meanwhile?  Callers
	 * come back on POLLIN only, so a replay left for "a later call"
	 * with nothing queued would wait for the next event.  (A peek also
	 * reports a pending overrun, and takes it: handled as above.)
	 */
	if (!rc && ev->need_resync && !empty) {
		char c;

		if (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				empty = true;
			else if (errno == ENOBUFS)
				rc = ct_events_overrun(ev, cb, data, e);
		}
	}
	/* The replay waits for an empty queue (see the top); under a storm
	 * that outlasts the budget it comes in a later call. */
	if (!rc && ev->need_resync && empty)
		rc = ct_events_resync(ev, cb, data, &n, e);
	return rc < 0 ? -1 : n;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct.h - the conntrack engine: dump, delete, statistics and events over
 * ctnetlink (libmnl), IPv4 and IPv6, in the caller's network namespace.
 *
 * Owns: the netlink sockets and everything said on them; turning kernel
 * messages into struct ct_entry (core/ctent.h) and handing them to a
 * callback one at a time, so a listing never holds the whole table.
 * Does not own: printing, sorting or keeping entries (the shell and
 * masqtop do), the filter language (core/filter.h; applied here on request)
 * or knowing which masqsh rule made an entry (the caller's annotate hook).
 *
 * This header includes no netlink header: handles are opaque.
 */
#ifndef MASQ_CT_H
#define MASQ_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctent.h"
#include "core/err.h"
#include "core/filter.h"

struct ct_handle;
struct ct_events;

/*
 * What to dump (or delete).  Zero-initialised means: both families, every
 * entry, no filter.
 */
enum {
	CT_Q_NAT_ONLY = 1 << 0,	/* only entries with SNAT or DNAT status */
};

struct ct_query {
	int family;			/* AF_UNSPEC (0), AF_INET or AF_INET6 */
	unsigned int flags;		/* CT_Q_* */
	const struct filter *filter;	/* borrowed; NULL matches all */
	/*
	 * Called for each entry that passed the cheap checks (family, NAT
	 * status) before the filter runs, to fill ce->rule_id or anything
	 * else the caller knows.  May be NULL.
	 */
	void (*annotate)(struct ct_entry *ce, void *data);
	void *annotate_data;
};

/*
 * Per-entry callback.  @ce is valid only during the call.  Return 0 to go
 * on, a positive value to stop early, or -1 after filling @e to abort with
 * that error.
 */
typedef int (*ct_entry_cb)(const struct ct_entry *ce, void *data,
			   struct masq_err *e);

/*
 * Open a ctnetlink socket in the current network namespace.  Returns the
 * handle (caller frees with ct_close()) or NULL with @e set: MASQ_EKERNEL
 * when netlink or nf_conntrack is missing or CAP_NET_ADMIN is (checked
 * before anything is sent, nat/caps.h).
 */
struct ct_handle *ct_open(struct masq_err *e);
/* Close @h; NULL is fine. */
void ct_close(struct ct_handle *h);

/*
 * Stream the table: for every entry matching @q (NULL: all), fill a
 * struct ct_entry and call @cb (NULL: just count).  Only the entries shown
 * are parsed beyond their status word; nothing is kept between callbacks.  Returns the number
 * of entries passed to @cb (>= 0), or -1 with @e set (a kernel error, or
 * @cb's -1).  When @cb returns a positive value the dump stops there (the
 * rest of the kernel's answer is read and dropped) and the count so far,
 * that entry included, is returned.
 */
long ct_dump(struct ct_handle *h, const struct ct_query *q, ct_entry_cb cb,
	     void *data, struct masq_err *e);

/*
 * Delete the entry with @ce's original tuple (and zone; and when ce->id is
 * set, only if the kernel's id still matches, so a newer connection that
 * reused the tuple survives).  Returns 1 if deleted, 0 if it was already
 * gone, -1 with @e set on any other error.
 */
int ct_delete(struct ct_handle *h, const struct ct_entry *ce,
	      struct masq_err *e);

/*
 * Delete every entry matching @q (which should have a filter or
 * CT_Q_NAT_ONLY; NULL deletes the whole table).  Dumps and deletes in
 * batches through a second socket, so memory stays flat.  When @cb is not
 * NULL it is called for each entry just before it is deleted (for a listing
 * or a veto: return 1 to keep that entry).  Returns how many entries the
 * kernel deleted (entries that vanished meanwhile are not counted), or -1
 * with @e set; entries deleted before an error stay deleted.
 */
long ct_delete_matching(struct ct_handle *h, const struct ct_query *q,
			ct_entry_cb cb, void *data, struct masq_err *e);

/* Kernel counters.  The per-CPU ones are summed over all CPUs and count
 * since boot (per namespace); diff two reads for "since last look". */
struct ct_stats {
	uint64_t count;		/* entries now (this namespace) */
	uint64_t max;		/* nf_conntrack_max */
	uint64_t found, invalid, insert, insert_failed, drop, early_drop,
		 error, search_restart, clash_resolve, chaintoolong;
	unsigned int ncpu;	/* CPUs that answered; 0 if per-CPU failed */
};

/*
 * Read the statistics: count and max from IPCTNL_MSG_CT_GET_STATS (falling
 * back to /proc/sys/net/netfilter), the rest from GET_STATS_CPU.  Returns 0
 * or -1 with @e set; on error @st is zeroed.
 */
int ct_stats_get(struct ct_handle *h, struct ct_stats *st,
		 struct masq_err *e);

/*
 * Is accounting on in this namespace now (nf_conntrack_acct)?  1 yes, 0
 * no, -1 unknown (no sysctl).  An entry has counters when accounting was
 * on as it was created; ctnetlink sends them in dumps and in DESTROY
 * events, never in NEW or UPDATE events.
 */
int ct_accounting(void);

/* Events. */
enum ct_event_type {
	CT_EV_NEW,		/* a connection was confirmed */
	CT_EV_UPDATE,		/* state/status/timeout changed */
	CT_EV_DESTROY,		/* gone (counters are final) */
	CT_EV_OVERRUN,		/* the kernel dropped events; a resync follows */
	CT_EV_RESYNC,		/* one entry of the resync dump */
	CT_EV_RESYNC_DONE,	/* resync finished: entries not seen are gone */
};

/* "new", "update", "destroy", "overrun", "resync", "resync-done". */
const char *ct_event_name(enum ct_event_type t);

/*
 * Event callback.  @ce is NULL for CT_EV_OVERRUN and CT_EV_RESYNC_DONE and
 * valid only during the call.  Events queued while a resync ran are
 * delivered after it, so consumers treat NEW/UPDATE/RESYNC as "insert or
 * replace" and DESTROY as "remove if present".  Return 0 to go on, a
 * positive value to stop ct_events_process() (returned), -1 with @e set to
 * abort.
 */
typedef int (*ct_event_cb)(enum ct_event_type type, const struct ct_entry *ce,
			   void *data, struct masq_err *e);

enum {
	CT_EV_F_NEW = 1 << 0,
	CT_EV_F_UPDATE = 1 << 1,
	CT_EV_F_DESTROY = 1 << 2,
	CT_EV_F_ALL = 7,
	CT_EV_F_NO_RESYNC = 1 << 8,	/* report overruns but do not dump */
	/* The kernel sends counters with DESTROY events only.  With this
	 * and accounting on (ct_accounting()), a NEW or UPDATE event is
	 * given the entry's counters as the kernel has them when the event
	 * is read: one request per event, so a stream at thousands of
	 * events a second costs that many round trips (watch; masqtop
	 * reads its table instead).  An entry gone by then has none. */
	CT_EV_F_COUNTERS = 1 << 9,
};

struct ct_events_opts {
	unsigned int flags;	/* CT_EV_F_*; 0 means CT_EV_F_ALL */
	size_t rcvbuf;		/* initial receive buffer; 0: 32 MiB */
	size_t rcvbuf_max;	/* growth cap on overrun; 0: 256 MiB */
	/* Filter for events and resyncs; copied, but its filter and
	 * annotate_data stay borrowed for the listener's lifetime. */
	const struct ct_query *query;
};

/*
 * Subscribe to conntrack events in this namespace.  The receive buffer is
 * forced (SO_RCVBUFFORCE, falling back to SO_RCVBUF) to opts->rcvbuf.
 * Returns the listener (free with ct_events_close()) or NULL with @e set.
 */
struct ct_events *ct_events_open(const struct ct_events_opts *opts,
				 struct masq_err *e);
void ct_events_close(struct ct_events *ev);

/* The socket to poll() for POLLIN.  Non-blocking. */
int ct_events_fd(const struct ct_events *ev);

/*
 * Read every event queued now (never blocks) and call @cb for each that
 * matches the query.  When the kernel reports an overrun (ENOBUFS) the
 * receive buffer is doubled up to rcvbuf_max, @cb gets CT_EV_OVERRUN, then
 * (unless CT_EV_F_NO_RESYNC) a dump of the table as CT_EV_RESYNC events and
 * CT_EV_RESYNC_DONE, and reading goes on.  An overrun is never an error.
 * At most a few thousand messages are read per call so a caller that also
 * draws gets control back under a storm; poll again.  Returns the number
 * of entry events delivered (NEW/UPDATE/DESTROY/RESYNC), or -1 with @e set
 * (a socket error, or @cb's -1).  When @cb returns a positive value the
 * call returns at once (the rest stays queued; a pending resync is done
 * on a later call).
 */
long ct_events_process(struct ct_events *ev, ct_event_cb cb, void *data,
		       struct masq_err *e);

/* Overruns seen so far and the receive buffer size in force now. */
uint64_t ct_events_overruns(const struct ct_events *ev);
size_t ct_events_rcvbuf(const struct ct_events *ev);

#endif

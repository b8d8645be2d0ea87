/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine.h - the watchers behind `masqsh engine`: interface address
 * changes (rtnetlink) and the conntrack table's fill and source-port
 * budgets.
 *
 * Owns: the rtnetlink multicast socket and turning its messages into
 * plain address/link events (engine_addr.c); one scan of the conntrack
 * table that counts entries per inside host and per port budget (external
 * address x protocol x destination x destination port) and says which of
 * them are close to exhaustion, with the inside host using most
 * (engine_scan.c).  Does not own: deciding what to do about an event
 * (re-applying, deleting entries), logging, or storing alerts -- the
 * service loop in src/ctl/engine.c does that.
 *
 * No netlink header is included here: handles are opaque.
 */
#ifndef MASQ_NAT_ENGINE_H
#define MASQ_NAT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "nat/ct.h"
#include "nat/ct_rule.h"
#include "nat/rule.h"

/* ---- address and link events ---------------------------------------------- */

struct engine_addrw;

enum engine_addr_type {
	ENGINE_ADDR_NEW,	/* an address appeared on @ifname */
	ENGINE_ADDR_DEL,	/* an address was removed from @ifname */
	ENGINE_LINK,		/* @ifname appeared, vanished or changed state */
	ENGINE_ADDR_OVERRUN,	/* events were lost: assume anything changed */
};

struct engine_addr_ev {
	enum engine_addr_type type;
	char ifname[NAT_IFNAMSIZ];	/* "" when unknown */
	int family;			/* AF_INET / AF_INET6 (addresses) */
	uint8_t addr[16];		/* network byte order */
};

/* Called once per event; @ev is valid during the call only. */
typedef void (*engine_addr_cb)(const struct engine_addr_ev *ev, void *data);

/*
 * Subscribe to IPv4/IPv6 address and link changes in this namespace.
 * Returns the watcher (free with engine_addrw_close()) or NULL with @e set
 * (MASQ_EKERNEL).
 */
struct engine_addrw *engine_addrw_open(struct masq_err *e);
void engine_addrw_close(struct engine_addrw *w);
/* The socket to poll() for POLLIN.  Non-blocking. */
int engine_addrw_fd(const struct engine_addrw *w);
/*
 * Read everything queued now (never blocks) and call @cb per event.  A
 * receive-buffer overrun is reported as ENGINE_ADDR_OVERRUN, not as an
 * error.  Returns the number of events, or -1 with @e set.
 */
int engine_addrw_process(struct engine_addrw *w, engine_addr_cb cb,
			 void *data, struct masq_err *e);

/*
 * The parsing half of engine_addrw_process(), apart from the socket: @cb
 * called per event in @len bytes of messages as one recv() returns them
 * (tests, fuzzing).  The number of events, or -1 with @e set.
 */
int engine_addr_parse(const void *buf, size_t len, engine_addr_cb cb,
		      void *data, struct masq_err *e);

/*
 * Is @addr (@family, network byte order) configured on any interface of
 * this namespace now?  1 yes, 0 no, -1 with @e set.
 */
int engine_addr_present(int family, const uint8_t *addr, struct masq_err *e);

/* Does a `detect` rule of @rs use interface @ifname (wildcards too), or
 * does @rs hold a hairpin forward (which depends on every interface)? */
bool engine_detect_uses(const struct nat_ruleset *rs, const char *ifname);

/* ---- table fill and port budgets ----------------------------------------- */

#define ENGINE_BUDGET_DEFAULT 64512u	/* source ports 1024-65535 */

enum engine_find_kind {
	ENGINE_FIND_FILL,	/* the table is nearly full */
	ENGINE_FIND_BUDGET,	/* a port budget is nearly used up */
};

/* One condition found by a scan. */
struct engine_finding {
	enum engine_find_kind kind;
	char key[160];		/* "198.51.100.2 udp 192.0.2.10:53"; "table" */
	char host[CT_ADDRSTRLEN];	/* the inside host using most; "" */
	uint64_t used, limit;	/* entries / max, or ports used / budget */
	uint64_t host_used;	/* @host's share of @used */
};

struct engine_scan {
	struct ct_stats st;		/* the counters read with the scan */
	uint64_t entries;		/* entries seen by the dump */
	uint64_t budgets;		/* distinct budgets counted */
	char top_host[CT_ADDRSTRLEN];	/* inside host with most entries */
	uint64_t top_host_n;
	struct engine_finding *v;	/* fill first, then budgets by share */
	size_t n;
};

/*
 * Read the counters and stream the table once through @h.  Counts every
 * entry per inside (original source) host, and each SNAT'ed tcp/udp/sctp/
 * dccp entry against its budget: the port range of the masq rule that
 * made it (ct_rules_match() over @cr, the rules @rs holds; a `ports LO-HI`
 * range is the budget), else ENGINE_BUDGET_DEFAULT.  Fills @out with the
 * fill and every budget at or above @pct percent.  @cr and @rs may be
 * NULL.  Free with engine_scan_done().  -1 with @e set on a kernel error.
 */
int engine_scan_run(struct ct_handle *h, const struct ct_rules *cr,
		    const struct nat_ruleset *rs, unsigned int pct,
		    struct engine_scan *out, struct masq_err *e);
void engine_scan_done(struct engine_scan *sc);

#endif

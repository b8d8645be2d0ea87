/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mtu.h - path-MTU probing for `diag mtu HOST [out IF]` (FAQ 7.15).
 *
 * Owns three layers, each usable alone:
 *  - the search (mtu_search.c, pure, no I/O): which probe sizes to send
 *    next given the answers so far - the common plateaus first, then a
 *    parallel k-way bisection between the largest size that passed and
 *    the smallest that failed, a size named by "fragmentation needed"
 *    checked directly, a lost probe tried twice before it counts;
 *  - the prober (mtu_probe.c): DF probes of those sizes as ICMP echo (raw
 *    socket) and UDP to a high port at once, IP_PMTUDISC_PROBE so the
 *    kernel's cached PMTU does not stop them, answers and "fragmentation
 *    needed" (with the MTU it names) read from IP_RECVERR error queues;
 *    for an IPv6 host the same with ICMPv6 echo, IPV6_PMTUDISC_PROBE and
 *    "Packet Too Big" from IPV6_RECVERR;
 *    the route, the uplink and its MTU, the kernel's cached PMTU;
 *  - the local ruleset reader (mtu_rules.c): which nftables rules or
 *    policies on this host would drop an incoming "fragmentation needed",
 *    with their counters.
 * The verdict (mtu_check.c) combines them into the diag check "mtu".
 */
#ifndef MASQ_DIAG_MTU_H
#define MASQ_DIAG_MTU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* ---- the search ---- */

enum mtu_answer {
	MTU_NONE = 0,		/* not sent yet / nothing back yet */
	MTU_PASS,		/* an echo reply or port unreachable came back */
	MTU_FRAG,		/* "fragmentation needed" came back */
	MTU_LOCAL,		/* this host refused to send it (EMSGSIZE) */
	MTU_LOST,		/* nothing came back in time */
};

#define MTU_MIN 68		/* the smallest IPv4 MTU */
#define MTU_LIVE 84		/* the liveness probe: ping's default size */
#define MTU_BATCH 16		/* most sizes in one round */
#define MTU_SPLIT 8		/* bisection points per round */
#define MTU_TRIES 2		/* a size counts as lost after this many */
#define MTU_MAX_ROUNDS 24
#define MTU_MAX_KNOWN 256

struct mtu_size {
	uint16_t size;
	uint8_t tries;		/* probes sent for it */
	uint8_t answer;		/* enum mtu_answer, the best one seen */
	uint16_t mtu;		/* MTU named by frag-needed / local error */
};

struct mtu_search {
	unsigned int hi;	/* the largest size worth trying */
	unsigned int rounds;
	size_t n;
	struct mtu_size v[MTU_MAX_KNOWN];
};

/* Start a search for sizes up to @hi (the outgoing link's MTU). */
void mtu_search_init(struct mtu_search *s, unsigned int hi);
/*
 * The sizes to probe in the next round, into @out (at most MTU_BATCH),
 * each counted as one more try.  Returns how many; 0 when the search is
 * done.  Round one is the liveness size, @hi and the plateaus below it.
 */
size_t mtu_search_next(struct mtu_search *s, unsigned int *out);
/* What came back for @size (MTU_LOST when the round timed out).  A
 * better answer (pass, frag) replaces a worse one; late ones count. */
void mtu_search_feed(struct mtu_search *s, unsigned int size,
		     enum mtu_answer a, unsigned int mtu);
/* The largest size that passed (0: none) and the smallest size above it
 * that did not (0: none), with that size's answer. */
unsigned int mtu_search_maxpass(const struct mtu_search *s);
unsigned int mtu_search_minfail(const struct mtu_search *s,
				enum mtu_answer *a);
/* True when the answer is known: the gap between maxpass and minfail is
 * closed by a definite failure, everything up to @hi passed, or nothing
 * answered at all. */
bool mtu_search_done(const struct mtu_search *s);
/* The entry for @size, or NULL. */
const struct mtu_size *mtu_search_get(const struct mtu_search *s,
				      unsigned int size);

/* ---- the prober ---- */

struct mtu_probe_rec {
	unsigned int size;
	unsigned int round;
	char proto;		/* 'i' ICMP echo, 'u' UDP */
	enum mtu_answer answer;
	unsigned int mtu;	/* frag-needed / local: the MTU named */
	unsigned int ms;	/* time to the answer (or the timeout) */
	char from[46];		/* who answered (INET6_ADDRSTRLEN) or "" */
};

struct mtu_probe_opts {
	const char *host;	/* name, IPv4 or IPv6 address */
	const char *iface;	/* "out IF", or NULL: the route decides */
	unsigned int timeout_ms;	/* per round; 0: 400 */
};

struct mtu_report {
	int family;		/* AF_INET or AF_INET6 (of @dst) */
	char dst[46];		/* the address probed */
	char src[46];		/* our source address */
	char gateway[46];	/* next hop, "" when on-link */
	char oif[16];		/* outgoing interface */
	unsigned int link_mtu;		/* MTU of @oif */
	unsigned int cached_before;	/* kernel PMTU for dst before (0: none) */
	unsigned int cached_after;	/* ... and after probing */
	unsigned int path_mtu;		/* largest size that passed, 0 none */
	unsigned int minfail;		/* smallest failing size above it */
	enum mtu_answer minfail_answer;
	bool icmp_alive, udp_alive;	/* echo / port unreachable seen */
	bool no_raw;			/* no raw ICMP socket: UDP only */
	unsigned int n_sent, n_pass, n_frag, n_local, n_lost;
	unsigned int frag_mtu;		/* the MTU the first frag-needed (v6:
					 * Packet Too Big) named */
	char frag_from[46];		/* and who sent it */
	unsigned int rounds, elapsed_ms;
	bool inconsistent;		/* a size failed below one that passed */
	struct mtu_probe_rec *probes;	/* every probe sent; owned */
	size_t n_probes;
};

/*
 * Resolve @o->host, find the route, and search the path MTU.  Needs
 * CAP_NET_RAW for the ICMP socket (without it, UDP only).  -1 with @e
 * filled when the host does not resolve or no route exists.  Caller
 * frees @r with mtu_report_done().
 */
int mtu_probe_run(const struct mtu_probe_opts *o, struct mtu_report *r,
		  struct masq_err *e);
void mtu_report_done(struct mtu_report *r);

/* The TCP MSS that fits the path MTU: minus 40 header bytes for IPv4,
 * 60 for IPv6; 0 when no size passed.  Cannot fail. */
unsigned int mtu_report_mss(const struct mtu_report *r);

/* MTU of interface @name (SIOCGIFMTU); 0 when unknown. */
unsigned int mtu_link_mtu(const char *name);

/* ---- the local ruleset ---- */

enum mtu_drop_kind {
	MTU_DROP_RULE,		/* a rule drops/rejects it */
	MTU_DROP_MAYBE,		/* a rule might (depends on what we can't see) */
	MTU_DROP_POLICY,	/* the chain's drop policy gets it */
};

struct mtu_drop {
	enum mtu_drop_kind kind;
	char family[8];		/* "ip", "inet", ... */
	char table[256], chain[256];	/* NFT_NAME_MAXLEN */
	char hook[12];		/* "input", "prerouting", "forward" */
	uint64_t handle;	/* the rule's handle (0 for a policy) */
	bool has_counter;
	uint64_t packets;	/* its counter */
	bool ours;		/* in table masqsh */
};

/*
 * The rules and policies of every nftables table on this host that would
 * drop an incoming ICMP "fragmentation needed" (type 3 code 4, conntrack
 * state related) on the prerouting, input or forward hooks: rule by rule
 * in chain order until one surely accepts or drops it (jumps are not
 * followed; what depends on addresses or interfaces counts as "maybe").
 * *v is the caller's to free().  -1 with @e when the ruleset cannot be
 * read.
 */
int mtu_rules_drops(struct mtu_drop **v, size_t *n, struct masq_err *e);

/* ---- the verdict (mtu_check.c) ---- */

struct diag_ctx;
struct diag_result;
/*
 * Probe ctx->host (out ctx->iface), read the ruleset and the links, and
 * fill @res (message, evidence, fix) and @r (the measurement; caller
 * frees with mtu_report_done()).  *verdict is "normal", "blackhole",
 * "filtered", "mismatch", "noanswer" or "error".  Returns the enum
 * diag_status.  The diag check "mtu" (diag_mtu_check) runs this.
 */
int mtu_diagnose(struct diag_ctx *ctx, struct diag_result *res,
		 struct mtu_report *r, const char **verdict);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * explain.h - what the staged rules do to one flow, worked out in
 * userspace the way the compiled table would (`masqsh explain`).
 *
 * Owns: matching one flow (protocol, addresses, ports, interfaces) against
 * the port forwards (the prerouting chain: DNAT) and then, with the
 * destination DNAT gave it, against the masq rules (the postrouting
 * chain), in order, first match wins, column by column as nft_build.c
 * compiles them.  What a flow alone cannot tell -- the packet mark, the
 * sending user, IPsec policy, and an interface the caller does not know --
 * makes a rule "conditional": it is reported with its condition and the
 * walk goes on, so the caller can say "if ..., rule N instead".  Rules
 * that match but come after the deciding one are reported as shadowed.
 * The walk is pure: no netlink, no store; the caller resolves routes
 * (explain_route_get(), the one exception) and addresses.
 * Does not own: ct_rule.c's attribution of live conntrack entries.
 */
#ifndef MASQ_NAT_EXPLAIN_H
#define MASQ_NAT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "nat/nft_eval.h"
#include "nat/rule.h"

struct explain_flow {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* IPPROTO_* */
	uint8_t src[16], dst[16];	/* network byte order */
	bool has_sport, has_dport;
	uint16_t sport, dport;
	char iif[NAT_IFNAMSIZ];		/* "" unknown (or none when local_src) */
	char oif[NAT_IFNAMSIZ];		/* "" unknown */
	bool local_src;			/* sent by this host: no prerouting */
};

enum explain_verdict {
	EXPLAIN_MISS,		/* does not match; why says which column */
	EXPLAIN_COND,		/* matches if why holds */
	EXPLAIN_MATCH,		/* the rule that decides */
	EXPLAIN_SHADOWED,	/* would match (if why holds, when set), but an
				 * earlier rule decided */
};

struct explain_step {
	bool fwd;			/* a port forward, else a masq rule */
	bool hairpin;			/* a forward's hairpin leg */
	size_t idx;			/* index in the ruleset's array */
	int64_t id;
	unsigned int pos;
	enum explain_verdict verdict;
	char why[200];
};

struct explain_result {
	struct explain_step *steps;	/* forwards first, then masq rules */
	size_t n_steps;
	long fwd_hit;			/* index into rs->fwd, -1 none */
	long masq_hit;			/* index into rs->masq, -1 none */
	/* DNAT by fwd_hit: the new destination */
	uint8_t dnat_addr[16];
	bool dnat_port_set;		/* else the port stays */
	struct nat_port_range dnat_ports;
	/* the hairpin forward fwd_hit also masquerades the flow (its source
	 * is on the server's network hairpin_lan): no masq rule applies */
	bool hairpin_masq;
	struct nat_net hairpin_lan;
};

void explain_result_init(struct explain_result *res);
void explain_result_done(struct explain_result *res);

/*
 * The prerouting part: every forward's verdict, the deciding one in
 * res->fwd_hit and its DNAT target.  A locally generated flow meets only
 * the hairpin forwards (the output chain).  Then, when @after is not NULL,
 * *@after is @f with the DNAT applied (destination address and port).
 */
void explain_forwards(const struct nat_ruleset *rs,
		      const struct explain_flow *f,
		      struct explain_result *res, struct explain_flow *after);

/* The postrouting part, on the flow as it leaves (after DNAT). */
void explain_masq(const struct nat_ruleset *rs, const struct explain_flow *f,
		  struct explain_result *res);

/*
 * One end of a flow as typed: "ADDR", "ADDR:PORT" or "[V6ADDR]:PORT", a
 * single host (a network is an error); PORT a number or a service of
 * protocol @pname (may be NULL).  -1 (MASQ_EUSAGE) marking @t.
 */
int explain_endpoint_parse(const struct masq_tok *t, const char *pname,
			   int *family, uint8_t *addr, bool *has_port,
			   uint16_t *port, struct masq_err *e);

/* What the routing table says about one destination (explain_route.c). */
struct explain_route {
	bool ok;			/* false: no route (or no answer) */
	bool local;			/* a local address: delivered here */
	char oif[NAT_IFNAMSIZ];		/* "" when the answer named none */
	bool has_src;			/* the route's preferred source */
	uint8_t src[16];
};

/*
 * `ip route get @addr` (of @family) in this network namespace, by
 * destination only.  A missing route or an error answer gives r->ok
 * false and 0.  -1 with @e set (MASQ_EKERNEL) only when the kernel could
 * not be asked at all (no rtnetlink): then "no route" would be a guess.
 * The only netlink user of explain.
 */
int explain_route_get(int family, const uint8_t *addr,
		      struct explain_route *r, struct masq_err *e);

/* ---- other owners' filters on the flow's way (explain_filter.c) ---- */

/*
 * The flow as explain worked it out: @f as it arrives (iif, local_src),
 * @after past our DNAT (oif; "" unknown), whether our DNAT changed it,
 * whether it is delivered here, and the source our SNAT gives it (when
 * known, else the reply's pre-NAT destination is taken as after DNAT).
 */
struct explain_filter_in {
	const struct explain_flow *f;
	const struct explain_flow *after;
	bool dnat;
	bool local_dst;
	bool snat;
	bool snat_known;
	uint8_t snat_addr[16];
};

#define EXPLAIN_FILTER_MAXHOOKS 6

struct explain_filter_hook {
	bool reply;			/* the reply's first packet */
	struct nft_eval_hook h;
};

struct explain_filter {
	struct explain_filter_hook hooks[EXPLAIN_FILTER_MAXHOOKS];
	size_t n;
	enum nft_eval_verdict verdict;	/* DROP when a hook surely drops,
					 * else UNSURE when one cannot tell,
					 * else ACCEPT */
	long decider;			/* index into hooks, -1 none */
	bool any_chain;			/* some other base chain was met */
};

/*
 * Walk the flow's first packet (and with @reply, the first packet of its
 * reply) through the base chains of @rs on each hook it crosses:
 * prerouting, forward, postrouting for a forwarded flow; prerouting,
 * input for one delivered here; output, postrouting for one sent from
 * here.  Fills @ef (free with explain_filter_done()).  Cannot fail.
 */
void explain_filter_run(const struct nft_ruleset *rs,
			const struct explain_filter_in *in, bool reply,
			struct explain_filter *ef);
void explain_filter_done(struct explain_filter *ef);

/*
 * The `nft` command the admin could run so that the deciding hook of @ef
 * lets the flow through, into @buf: `nft add rule FAMILY TABLE CHAIN ...
 * accept` after a policy drop, `nft insert rule ... position HANDLE ...`
 * before a dropping rule.  The match: `ct status dnat` for our DNAT's
 * first packet past prerouting, `ct state established,related` for a
 * reply, else the interfaces (and @src_match, e.g. "ip saddr
 * 192.168.1.0/24", when not NULL).  False (nothing written) when @ef does
 * not drop.
 */
bool explain_filter_fix(const struct nft_ruleset *rs,
			const struct explain_filter *ef,
			const struct explain_filter_in *in,
			const char *src_match, char *buf, size_t size);

#endif

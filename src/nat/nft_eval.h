/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_eval.h - one packet of a flow walked through every owner's base
 * chains on one hook, in userspace, over the plain ruleset of
 * nft_ruleset.h: does someone else's filter accept it, drop it, or can we
 * not tell?
 *
 * Owns: the three-valued walk (yes / no / maybe per rule), the register
 * model (meta iifname/oifname/iif/oif/l4proto/nfproto/protocol/mark, the
 * network and transport header bytes of the flow, ct state/status/mark),
 * bitwise masks, cmp, range, set and map lookups (intervals, '!=',
 * vmaps), immediate verdicts, jump/goto/return, policies, the order of
 * base chains by priority.  Anything else a rule could depend on
 * (numgen, osf, limit, a set of concatenated ranges, an xt match or
 * target, a NAT statement of another table, a queue verdict ...) makes
 * the chain's verdict UNSURE, naming the expression: never a guess.
 * Counters and log are ignored.  The walk is pure: no netlink.
 * Does not own: our own table "masqsh" (left out: explain.c models it),
 * the flow itself (the caller builds it per hook), reading the kernel.
 */
#ifndef MASQ_NAT_NFT_EVAL_H
#define MASQ_NAT_NFT_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nat/nft_ruleset.h"

/* ct state bits (NF_CT_STATE_*_BIT) and status bits (IPS_*). */
#define NFT_EVAL_CT_INVALID	(1u << 0)
#define NFT_EVAL_CT_ESTABLISHED	(1u << 1)
#define NFT_EVAL_CT_RELATED	(1u << 2)
#define NFT_EVAL_CT_NEW		(1u << 3)
#define NFT_EVAL_ST_SEEN_REPLY	(1u << 1)
#define NFT_EVAL_ST_CONFIRMED	(1u << 3)
#define NFT_EVAL_ST_SRC_NAT	(1u << 4)
#define NFT_EVAL_ST_DST_NAT	(1u << 5)
#define NFT_EVAL_ST_SRC_NAT_DONE (1u << 7)
#define NFT_EVAL_ST_DST_NAT_DONE (1u << 8)

/* An interface as one hook sees it. */
enum nft_eval_if {
	NFT_EVAL_IF_NONE = 0,	/* no such device on this hook (no match) */
	NFT_EVAL_IF_KNOWN,	/* name (and index when not 0) */
	NFT_EVAL_IF_UNKNOWN,	/* the caller cannot tell: maybe */
};

/* One packet of the flow, as one hook sees it. */
struct nft_eval_pkt {
	int family;			/* NFT_RS_IP or NFT_RS_IP6 */
	uint8_t proto;			/* IPPROTO_* */
	uint8_t src[16], dst[16];	/* network byte order */
	bool has_sport, has_dport;	/* else the ports are unknown */
	uint16_t sport, dport;
	bool has_tcp_flags;
	uint8_t tcp_flags;		/* 0x02 SYN, 0x12 SYN|ACK ... */
	bool has_icmp;			/* icmp / icmpv6: type and code */
	uint8_t icmp_type, icmp_code;
	enum nft_eval_if iif_state, oif_state;
	char iif[16], oif[16];
	uint32_t iif_index, oif_index;	/* 0 unknown */
	uint32_t ct_state;		/* NFT_EVAL_CT_* (one bit) */
	uint32_t ct_status;		/* NFT_EVAL_ST_* */
	uint32_t mark, ct_mark;		/* taken as known */
};

enum nft_eval_verdict {
	NFT_EVAL_ACCEPT = 0,
	NFT_EVAL_DROP,
	NFT_EVAL_UNSURE,
};

/* One base chain's verdict for the packet. */
struct nft_eval_chain {
	size_t chain;			/* the base chain: rs->chains[] */
	enum nft_eval_verdict verdict;
	bool by_policy;			/* no rule decided: the policy did */
	size_t rule_chain;		/* the chain of the deciding rule (a
					 * jump target, maybe) */
	uint64_t handle;		/* the deciding rule; 0 by policy */
	bool reject;			/* a drop by reject */
	char why[160];			/* UNSURE: the expression, where */
};

/* Every base chain of one hook, in priority order. */
struct nft_eval_hook {
	int hook;			/* NFT_RS_PREROUTING .. */
	enum nft_eval_verdict verdict;	/* DROP if any surely drops, else
					 * UNSURE if any is unsure, else
					 * ACCEPT (also with no chain) */
	long decider;			/* index into chains of the drop (or
					 * the first unsure one), -1 none */
	struct nft_eval_chain *chains;
	size_t n_chains;
};

void nft_eval_hook_init(struct nft_eval_hook *h);
void nft_eval_hook_done(struct nft_eval_hook *h);

/*
 * Walk @p through every base chain of @rs on @hook whose family sees it
 * (ip or inet for IPv4, ip6 or inet for IPv6), in priority order (the
 * kernel's order at equal priority), but our own table "masqsh" and
 * chains of type nat when @p is not the first packet (ct state not new).
 * Chains after priority @nat_prio (the hook's NAT: -100 on prerouting,
 * 100 on postrouting) see @p_nat instead when it is not NULL: the packet
 * as the NAT left it.  Fills @h (init'ed here; free with
 * nft_eval_hook_done()).  Cannot fail.
 */
void nft_eval_run(const struct nft_ruleset *rs, int hook,
		  const struct nft_eval_pkt *p, const struct nft_eval_pkt *p_nat,
		  int nat_prio, struct nft_eval_hook *h);

/* "accept", "drop", "unsure". */
const char *nft_eval_verdict_name(enum nft_eval_verdict v);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_budget.h - source-port budgets: how many translated connections share
 * one external address (per protocol, and optionally per remote address
 * and port), against the port range the masq rule behind them allows.
 *
 * Owns: the budget key; counting entries per budget, per (budget, inside
 * host) and per inside host in open-addressing hashes that live for one
 * scan (entries themselves are never kept); which conntrack entries count
 * and under which key; a budget's size from the masq rules; and ordering
 * budgets and their hosts ("top").  The scan is fed one entry at a time,
 * from a dump (ct_budget_cb) or from a table the caller keeps (masqtop
 * feeds its own at each refresh), so every view counts the same way.
 * Does not own: the dump (nat/ct.h),
 * which rule made an entry (nat/ct_rule.h), thresholds, verdicts, alerts
 * or any text -- `diag ports` (src/diag/check_ports.c), the engine's scan
 * (engine_scan.c) and `show ports` (src/shell/cmd_ports.c) keep those.
 *
 * Why the key is built from the REPLY tuple: the kernel keeps that tuple
 * unique, and after SNAT its destination is the translated address and
 * its source the remote end.  So one external address can hold at most
 * one connection per source port towards one remote address, port and
 * protocol.  The three views group at different grains (CT_BUDGET_BY_*)
 * and have always sized odd protocols differently; those differences are
 * flags here, so each view keeps its numbers.
 */
#ifndef MASQ_NAT_CT_BUDGET_H
#define MASQ_NAT_CT_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctent.h"
#include "core/err.h"
#include "nat/ct_rule.h"

#define CT_BUDGET_DEFAULT 64512u	/* source ports 1024-65535 */
#define CT_BUDGET_ICMP 65536u		/* ICMP/ICMPv6 echo ids */
#define CT_BUDGET_TOP 3			/* inside hosts ranked per budget */

/* What a scan counts and how (ct_budget_init()'s @flags). */
enum {
	/* key by the remote address too */
	CT_BUDGET_BY_REMOTE = 1 << 0,
	/* key by the remote port too (ICMP: 0, all echo ids in one) */
	CT_BUDGET_BY_PORT = 1 << 1,
	/* count SNAT'ed entries of protocols without ports too (without it
	 * only tcp, udp, udplite, sctp and dccp count) */
	CT_BUDGET_PORTLESS = 1 << 2,
	/* count the counted entries per inside host */
	CT_BUDGET_HOSTS = 1 << 3,
	/* count every entry seen per inside host, translated or not */
	CT_BUDGET_HOSTS_ALL = 1 << 4,
	/* a budget's size is the largest of its entries' (without it: the
	 * first entry's, which saves a rule lookup per entry) */
	CT_BUDGET_SIZE_MAX = 1 << 5,
	/* `diag ports`' sizes: a rule's port range bounds an entry of any
	 * protocol, and a protocol with neither ports nor echo ids gets
	 * CT_BUDGET_DEFAULT (without it: the range only bounds protocols with
	 * ports, and the others have no budget, size 0) */
	CT_BUDGET_RANGE_ANY = 1 << 6,
	/* the entries' rule_id already is ct_rules_match(cr, entry) (the
	 * caller annotated them with the same rules, as masqtop keeps its
	 * table): sizes use it instead of evaluating the rules again */
	CT_BUDGET_RULE_IDS = 1 << 7,
	/* count the budgets only: no shares per inside host, so top[] stays
	 * empty and ct_budget_rank() has nothing to rank (a scan at every
	 * refresh of a 250k-entry table: 250k shares cost 30x the rest) */
	CT_BUDGET_NO_SHARES = 1 << 8,
};

/* `show ports`' budgets, which masqtop's header and ports view show too:
 * per external address and protocol, every SNAT'ed protocol (ICMP counts
 * echo ids), a group sized by the largest of its entries' ranges. */
#define CT_BUDGET_SHOW_PORTS (CT_BUDGET_PORTLESS | CT_BUDGET_SIZE_MAX)

/*
 * A budget.  Fields not grouped by are zero, so keys compare with
 * memcmp(); addresses hold 4 bytes for IPv4, the rest zero.
 */
struct ct_budget_key {
	uint8_t family, proto;
	uint16_t port;			/* remote port (CT_BUDGET_BY_PORT) */
	union ct_addr gw;		/* the external (translated) address */
	union ct_addr remote;		/* remote end (CT_BUDGET_BY_REMOTE) */
};

/*
 * One counter: a budget (host zero), one inside host's share of a budget,
 * or one inside host over all (key zero but for the family).
 */
struct ct_budget_slot {
	struct ct_budget_key key;
	union ct_addr host;		/* the inside (original source) host */
	bool used;
	uint32_t size;			/* budgets: ports allowed; 0: none */
	uint64_t n;			/* entries counted */
	/* budgets, after ct_budget_rank(): the shares with most entries,
	 * most first (ties: lower address first); NULL past the last */
	const struct ct_budget_slot *top[CT_BUDGET_TOP];
};

struct ct_budget_map {
	struct ct_budget_slot *v;
	size_t cap, n;			/* slots, slots used */
};

/* One scan's counts.  Read the fields; change them only through calls. */
struct ct_budget {
	unsigned int flags;		/* CT_BUDGET_* */
	const struct ct_rules *cr;	/* borrowed; NULL: default sizes */
	struct ct_budget_map budgets;	/* .n: distinct budgets */
	struct ct_budget_map shares;	/* per (budget, inside host) */
	struct ct_budget_map hosts;	/* per inside host (CT_BUDGET_HOSTS*) */
	uint64_t seen;			/* entries passed to ct_budget_add() */
	uint64_t counted;		/* of those, counted against a budget */
};

/*
 * Start an empty scan.  @cr (borrowed, may be NULL) says which masq rule
 * made an entry and holds the rules whose port ranges size the budgets.
 * Cannot fail.
 */
void ct_budget_init(struct ct_budget *b, unsigned int flags,
		    const struct ct_rules *cr);
/* Free the counts and re-init @b empty.  Cannot fail. */
void ct_budget_done(struct ct_budget *b);

/*
 * The key @ce counts under, in @k: true for a SNAT'ed entry of a protocol
 * the flags count, false (and @k untouched) otherwise.
 */
bool ct_budget_key_of(const struct ct_budget *b, const struct ct_entry *ce,
		      struct ct_budget_key *k);

/*
 * How many source ports (ICMP: echo ids) @ce's budget offers: the range of
 * the masq rule that made it when it has `ports LO-HI`, else
 * CT_BUDGET_DEFAULT, ICMP CT_BUDGET_ICMP, others 0 (see
 * CT_BUDGET_RANGE_ANY).  Cannot fail.
 */
uint32_t ct_budget_entry_size(const struct ct_budget *b,
			      const struct ct_entry *ce);

/*
 * Account one entry: seen, its inside host (as the flags say) and, when it
 * counts, its budget and its host's share of it.  Returns true when it
 * counted.  Slot pointers taken before the call may move.  Cannot fail.
 */
bool ct_budget_add(struct ct_budget *b, const struct ct_entry *ce);

/* ct_dump() callback: ct_budget_add(@data, @ce).  Always returns 0. */
int ct_budget_cb(const struct ct_entry *ce, void *data, struct masq_err *e);

/* The budget slot of @k, or NULL when nothing counted under it. */
const struct ct_budget_slot *ct_budget_find(const struct ct_budget *b,
					    const struct ct_budget_key *k);

/*
 * Fill every budget's top[] from the shares, after the last
 * ct_budget_add() (calling it again starts over).  Cannot fail.
 */
void ct_budget_rank(struct ct_budget *b);

/*
 * Every budget, most used first: by used share of the size (size 0 counts
 * as 0), then by entries, then by key.  Returns an array of b->budgets.n
 * pointers (caller frees; never NULL).  Cannot fail.
 */
const struct ct_budget_slot **ct_budget_list(const struct ct_budget *b);

/*
 * The @k inside hosts with most entries over all budgets (ties: lower
 * family and address first), into @top.  Returns how many (<= @k).
 */
size_t ct_budget_top_hosts(const struct ct_budget *b,
			   const struct ct_budget_slot **top, size_t k);

#endif

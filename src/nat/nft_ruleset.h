/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_ruleset.h - the kernel's whole nftables ruleset, every owner's
 * tables (ours, Docker's, firewalld's, iptables-nft's ...), as plain data:
 * the chains, each rule as the list of its expressions reduced to what a
 * reader reasons about (loads, masks, comparisons, verdicts, NAT and
 * reject statements, counters, xt targets, object references), and the ct
 * helper objects.  The diagnostics (src/diag: ident, nat.others, helpers,
 * mtu) read it without netlink or libnftnl.
 *
 * Owns: the dumps (nft_dump.c's loop, every family, every table) and the
 * translation from libnftnl objects.  Does not own: what a rule means (the
 * readers decide), nor our own table read back for printing (nft_read.c).
 *
 * Numbers keep the kernel's values (families NFPROTO_*, hooks NF_INET_*,
 * verdicts, comparison operators, payload bases), named here so a reader
 * needs no kernel header; nft_ruleset.c asserts that they agree.
 */
#ifndef MASQ_NAT_NFT_RULESET_H
#define MASQ_NAT_NFT_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Families (NFPROTO_*). */
#define NFT_RS_INET	1
#define NFT_RS_IP	2
#define NFT_RS_ARP	3
#define NFT_RS_NETDEV	5
#define NFT_RS_BRIDGE	7
#define NFT_RS_IP6	10

/* Hooks of the ip, ip6 and inet families (NF_INET_*). */
#define NFT_RS_PREROUTING	0
#define NFT_RS_INPUT		1
#define NFT_RS_FORWARD		2
#define NFT_RS_OUTPUT		3
#define NFT_RS_POSTROUTING	4

/* Verdicts (NF_DROP, NF_ACCEPT; jumps, gotos and returns are negative). */
#define NFT_RS_DROP	0
#define NFT_RS_ACCEPT	1
#define NFT_RS_QUEUE	3
#define NFT_RS_CONTINUE	(-1)
#define NFT_RS_BREAK	(-2)
#define NFT_RS_JUMP	(-3)
#define NFT_RS_GOTO	(-4)
#define NFT_RS_RETURN	(-5)

/* cmp operators (NFT_CMP_*) and range operators (NFT_RANGE_*). */
enum nft_rs_op {
	NFT_RS_EQ = 0,
	NFT_RS_NEQ,
	NFT_RS_LT,
	NFT_RS_LTE,
	NFT_RS_GT,
	NFT_RS_GTE,
};

/* Payload bases (NFT_PAYLOAD_*_HEADER). */
#define NFT_RS_BASE_LL		0
#define NFT_RS_BASE_NETWORK	1
#define NFT_RS_BASE_TRANSPORT	2

enum nft_rs_kind {
	NFT_RS_X_OTHER = 0,	/* nothing a reader looks into; see name */
	NFT_RS_X_LOAD,		/* meta, payload or ct into dreg */
	NFT_RS_X_BITWISE,	/* sreg & data (the mask) into dreg */
	NFT_RS_X_CMP,		/* sreg op data */
	NFT_RS_X_RANGE,		/* sreg op data .. data2 */
	NFT_RS_X_LOOKUP,	/* a set lookup (not resolved) */
	NFT_RS_X_COUNTER,
	NFT_RS_X_VERDICT,	/* an immediate into the verdict register */
	NFT_RS_X_REJECT,
	NFT_RS_X_MASQ,
	NFT_RS_X_NAT,		/* snat or dnat */
	NFT_RS_X_TARGET,	/* an iptables-nft xt target: name */
	NFT_RS_X_OBJREF,	/* "ct helper set", "ct timeout set", ... */
	NFT_RS_X_IMM,		/* an immediate into a data register */
};

/* What a LOAD reads. */
enum nft_rs_load {
	NFT_RS_LOAD_OTHER = 0,	/* anything below does not describe it */
	NFT_RS_LOAD_NFPROTO,	/* meta nfproto */
	NFT_RS_LOAD_L4PROTO,	/* meta l4proto */
	NFT_RS_LOAD_PROTOCOL,	/* meta protocol (the ethertype) */
	NFT_RS_LOAD_PAYLOAD,	/* payload: base, off, len */
	NFT_RS_LOAD_CT_STATE,	/* ct state */
	NFT_RS_LOAD_IIFNAME,	/* meta iifname */
	NFT_RS_LOAD_OIFNAME,	/* meta oifname */
	NFT_RS_LOAD_IIF,	/* meta iif (an index) */
	NFT_RS_LOAD_OIF,	/* meta oif */
	NFT_RS_LOAD_MARK,	/* meta mark */
	NFT_RS_LOAD_CT_STATUS,	/* ct status */
	NFT_RS_LOAD_CT_MARK,	/* ct mark */
};

#define NFT_RS_DATA 16		/* bytes of data kept per expression */

struct nft_rs_expr {
	enum nft_rs_kind kind;
	char name[16];		/* the kernel's name: "payload", "cmp" */
	enum nft_rs_load load;	/* LOAD */
	uint32_t key;		/* LOAD of meta or ct: the kernel's key
				 * (NFT_META_*, NFT_CT_*), for messages */
	bool ct_dir;		/* LOAD of ct: a direction was given */
	uint32_t base, off, len;	/* LOAD of a payload */
	uint32_t sreg, dreg;	/* registers; 0 when not set */
	enum nft_rs_op op;	/* CMP, RANGE */
	bool has_data;		/* CMP, BITWISE, IMM: the data (mask) was
				 * there */
	bool bw_shift;		/* BITWISE: a shift, not mask-and-xor */
	bool lookup_inv;	/* LOOKUP: "!=" (NFT_LOOKUP_F_INV) */
	bool lookup_map;	/* LOOKUP: a map (dreg given; 0 is the verdict
				 * register: a vmap) */
	uint32_t data_len, data2_len;	/* their lengths as sent (a length
					 * over NFT_RS_DATA keeps its start) */
	uint8_t data[NFT_RS_DATA];	/* CMP data, BITWISE mask, RANGE from */
	uint8_t data2[NFT_RS_DATA];	/* RANGE to; BITWISE xor */
	int verdict;		/* VERDICT: NFT_RS_ACCEPT, NFT_RS_DROP, < 0 */
	bool snat;		/* NAT: source NAT, else destination NAT */
	uint64_t packets;	/* COUNTER */
	bool helper;		/* OBJREF: of a ct helper object */
	char obj[64];		/* OBJREF: the object; TARGET: the target;
				 * LOOKUP: the set; VERDICT: the chain of a
				 * jump or goto (a longer name is cut: its
				 * 63 first bytes) */
};

#define NFT_RS_NAMESZ 256	/* NFT_NAME_MAXLEN */

struct nft_rs_chain {
	int family;
	char table[NFT_RS_NAMESZ];
	char name[NFT_RS_NAMESZ];
	bool base;		/* a base chain: hook, prio, type, policy */
	int hook;		/* -1 for a regular chain */
	int prio;
	char type[16];		/* "nat", "filter", "route" */
	int policy;		/* NFT_RS_ACCEPT unless it says drop */
	unsigned int n_rules;
};

struct nft_rs_rule {
	size_t chain;		/* index into nft_ruleset.chains */
	uint64_t handle;
	struct nft_rs_expr *x;
	size_t n_x;
};

/* A ct helper object: `ct helper NAME { type "ftp" protocol tcp; }`. */
struct nft_rs_helper {
	int family;
	char table[NFT_RS_NAMESZ];
	char name[NFT_RS_NAMESZ];
	char helper[16];	/* "ftp", "irc", "sip" */
};

/* Set flags (NFT_SET_*) and element flags the readers look at. */
#define NFT_RS_SET_INTERVAL	0x4
#define NFT_RS_SET_MAP		0x8
#define NFT_RS_SET_CONCAT	0x80
#define NFT_RS_ELEM_INTERVAL_END 0x1

/* One element of a set or map, as the kernel dumps it: an interval set
 * holds an element for each start and one flagged INTERVAL_END just past
 * each end; a concatenation's interval has key .. key_end. */
struct nft_rs_elem {
	uint8_t key[NFT_RS_DATA], key_end[NFT_RS_DATA];
	uint32_t key_len, key_end_len;	/* as sent; 0: none */
	uint32_t flags;			/* NFT_RS_ELEM_* */
	uint8_t data[NFT_RS_DATA];	/* a map's value */
	uint32_t data_len;		/* as sent; 0: none */
	bool has_verdict;		/* a vmap's value */
	int verdict;			/* NFT_RS_ACCEPT ... */
	char chain[64];			/* jump/goto: the chain (cut at 63) */
};

/* A named or anonymous set ("__set0") and its elements. */
struct nft_rs_set {
	int family;
	char table[NFT_RS_NAMESZ];
	char name[NFT_RS_NAMESZ];
	uint32_t flags;			/* NFT_RS_SET_* and others */
	uint32_t key_len, data_len;
	struct nft_rs_elem *elems;
	size_t n_elems;
};

struct nft_ruleset {
	struct nft_rs_chain *chains;	/* in the kernel's order */
	size_t n_chains;
	struct nft_rs_rule *rules;	/* in the kernel's order, chain by
					 * chain */
	size_t n_rules;
	struct nft_rs_helper *helpers;
	size_t n_helpers;
	struct nft_rs_set *sets;	/* with their elements */
	size_t n_sets;
};

/*
 * Read every table of every family: chains, rules (a rule whose chain was
 * not in the chain dump is left out), sets with their elements (an
 * element message of no set dumped is left out) and ct helper objects.  Needs
 * CAP_NET_ADMIN.  0, or -1 with @e set (the capability named when that
 * is what is missing; "did not parse" when the kernel's answer is not
 * what libnftnl reads), @rs empty then.  Free with nft_ruleset_done().
 */
int nft_ruleset_read(struct nft_ruleset *rs, struct masq_err *e);
void nft_ruleset_done(struct nft_ruleset *rs);

/*
 * The same over @len bytes of chain, rule, set, set element and object
 * messages (in that order, as the dumps send them) instead of asking the
 * kernel: the
 * parser's byte-buffer entry point (tests, fuzzing).  Same results and
 * errors; other messages are skipped.
 */
int nft_ruleset_parse(const void *buf, size_t len, struct nft_ruleset *rs,
		      struct masq_err *e);

/* The chain of @r. */
static inline const struct nft_rs_chain *
nft_rs_chain_of(const struct nft_ruleset *rs, const struct nft_rs_rule *r)
{
	return &rs->chains[r->chain];
}

/* The set @name of the table of @c (same family and table), or NULL. */
const struct nft_rs_set *nft_rs_set_find(const struct nft_ruleset *rs,
					 const struct nft_rs_chain *c,
					 const char *name);

/* "ip", "ip6", "inet", "arp", "bridge", "netdev"; "?" for another. */
const char *nft_rs_family_name(int family);
/* "prerouting", "input", "forward", "output", "postrouting", "ingress";
 * "?" for another. */
const char *nft_rs_hook_name(int hook);

#endif

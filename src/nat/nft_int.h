/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_int.h - what the nft_*.c files share and nothing else includes
 * (except the unit test): the in-memory shape of "our tables" as libnftnl
 * objects (nft_tab.c), used alike by the compiler (nft_build.c), the apply
 * path (nft_apply.c), the read-back (nft_read.c) and the one printer
 * (nft_print.c).  A table set built by the compiler and one parsed from a
 * kernel dump are the same structure, so a single printer serves both.
 */
#ifndef MASQ_NAT_NFT_INT_H
#define MASQ_NAT_NFT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "core/err.h"
#include "nat/nft.h"

/* Which masqsh rule an nft rule came from (for kernel error messages). */
enum nft_origin_kind {
	NFT_ORIGIN_NONE = 0,
	NFT_ORIGIN_MASQ,
	NFT_ORIGIN_FWD,
};

struct nft_origin {
	enum nft_origin_kind kind;
	int64_t id;
};

struct nftnl_obj;

/* One chain and its rules, in order. */
struct nft_chainset {
	struct nftnl_chain *chain;
	struct nftnl_rule **rules;
	struct nft_origin *origin;	/* parallel to rules */
	size_t n_rules, cap;
};

/* One table of ours (family ip or ip6). */
struct nft_tab {
	int family;			/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	bool present;
	struct nftnl_table *table;
	struct nft_chainset *chains;
	size_t n_chains;
	struct nftnl_obj **objs;	/* ct timeout/helper objects (nft_ct.c) */
	size_t n_objs;
	/* Anonymous sets (a list in a rule: nft_build.c), each with its
	 * elements, and the masqsh rule it serves (parallel to sets). */
	struct nftnl_set **sets;
	struct nft_origin *set_origin;
	size_t n_sets;
};

#define NFT_TAB_IP	0
#define NFT_TAB_IP6	1

struct nat_compiled {
	struct nft_tab tab[2];
};

/* The model (nft_tab.c).  Allocate an empty set: both families absent. */
struct nat_compiled *nft_compiled_new(void);
/* Add a chain to @t (takes @ch); returns its chainset.  Cannot fail. */
struct nft_chainset *nft_tab_add_chain(struct nft_tab *t,
				       struct nftnl_chain *ch);
/* Append @r (taken) with @o to @cs.  Cannot fail. */
void nft_chainset_add_rule(struct nft_chainset *cs, struct nftnl_rule *r,
			   const struct nft_origin *o);
/* Append @o (taken) to @t's objects.  Cannot fail. */
void nft_tab_add_obj(struct nft_tab *t, struct nftnl_obj *o);
/* Append @s (taken, with its elements) serving @o (NULL: none) to @t's
 * sets.  Cannot fail. */
void nft_tab_add_set(struct nft_tab *t, struct nftnl_set *s,
		     const struct nft_origin *o);
/* The set of @t a lookup expression @x names: by NFTNL_SET_ID when both
 * carry one (a compiled table: every anonymous set is "__set%d" until the
 * kernel numbers it), else by name (a table read back).  NULL: none. */
struct nftnl_expr;
const struct nftnl_set *nft_tab_lookup_set(const struct nft_tab *t,
					   const struct nftnl_expr *x);
/* Free the objects of @t and clear it. */
void nft_tab_done(struct nft_tab *t);

/* Anonymous sets (nft_set.c).  An interval [lo, hi] (inclusive) of
 * big-endian keys of the set's key length, unused bytes zero. */
struct nft_ival {
	uint8_t lo[16], hi[16];
};

/* nft's numbers for key types (nftables datatype.h): `nft list` prints a
 * set's elements by them. */
#define NFT_KEY_IPADDR		7
#define NFT_KEY_IP6ADDR		8
#define NFT_KEY_INET_PROTO	12
#define NFT_KEY_INET_SERVICE	13
#define NFT_KEY_IFNAME		41

/* Sort @v and merge overlapping and adjacent intervals in place; returns
 * how many are left.  Cannot fail. */
size_t nft_ivals_merge(struct nft_ival *v, size_t n, uint32_t klen);
/* Add to @t an anonymous interval set of the @n intervals @v (merged in
 * place) serving @o; returns its set id for nft_rule_add_lookup(). */
uint32_t nft_set_add_ivals(struct nft_tab *t, uint32_t key_type,
			   uint32_t klen, struct nft_ival *v, size_t n,
			   const struct nft_origin *o);
/* The same for @n plain values of @klen bytes each (duplicates once). */
uint32_t nft_set_add_values(struct nft_tab *t, uint32_t key_type,
			    uint32_t klen, const uint8_t *vals, size_t n,
			    const struct nft_origin *o);
/* Append "lookup reg 1 in set @id" (inverted: not in it) to @r. */
void nft_rule_add_lookup(struct nftnl_rule *r, uint32_t id, bool inv);

/* Up to @n bytes of @s (up to a NUL; NULL: "?") to @b, escaped as
 * core/esc.h does (\x1a, ...): a name or comment from the kernel
 * (nft_print.c). */
struct strbuf;
void nft_put_text(struct strbuf *b, const char *s, size_t n);

/* The comment of @r (its last NUL-terminated NFTNL_UDATA_RULE_COMMENT),
 * pointing into @r; NULL when none (nft_print.c). */
const char *nft_rule_comment(const struct nftnl_rule *r);

/* Print @t as `nft list table` does to @fp. */
void nft_tab_print(FILE *fp, const struct nft_tab *t, bool with_counters);
/* Print both tables (ip, then ip6) of @c.  Caller frees. */
char *nft_tabs_print(const struct nat_compiled *c, bool with_counters);

/* A netlink socket for nfnetlink with big buffers and extended ACK
 * (nft_dump.c). */
struct mnl_socket;
struct mnl_socket *nft_sock_open(size_t sndbuf, struct masq_err *e);

/*
 * One NLM_F_DUMP request of @type (NFT_MSG_GET*) in @family (NFPROTO_UNSPEC:
 * every family), for the objects of @table only (the kernel filters; NULL:
 * every table), and @cb run on each answer with @data (nft_dump.c).  A
 * family without any table answers ENOENT: an empty dump, not an error.
 * 0, or -1 with @e set (MASQ_EKERNEL when the kernel cannot be asked, the
 * capability named when that is why).
 */
struct nlmsghdr;
int nft_dump(struct mnl_socket *nl, uint16_t type, int family,
	     const char *table,
	     int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
	     struct masq_err *e);

/* nft_dump() of the elements of set @set of @table (type
 * NFT_MSG_GETSETELEM); the same for other types, @set unused. */
int nft_dump_set(struct mnl_socket *nl, uint16_t type, int family,
		 const char *table, const char *set,
		 int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
		 struct masq_err *e);

/*
 * One message of the read-back, by its type: NFT_MSG_NEWTABLE, NEWCHAIN,
 * NEWRULE, NEWOBJ, NEWSET or NEWSETELEM (the elements of a set already
 * read, by name) parsed into @t by the dump callback nft_kernel_read()
 * runs on it (what is not of our table in @t's family is left out; other
 * types are skipped).  The byte-level entry point of the read-back (tests,
 * fuzzing).  0, or -1 when libnftnl could not parse the message.
 */
int nft_read_msg(const struct nlmsghdr *nlh, struct nft_tab *t);

/* The same dump for the elements of set @set of @table in @family
 * (NFT_MSG_GETSETELEM names one set). */
int nft_dump_elems(struct mnl_socket *nl, int family, const char *table,
		   const char *set,
		   int (*cb)(const struct nlmsghdr *nlh, void *data),
		   void *data, struct masq_err *e);

/* A NFT_MSG_NEWSET / NEWSETELEM message into @rs (nft_rs_set.c): 0, or
 * -1 when it does not parse.  An element message of a set @rs does not
 * hold is left out (0).  nft_rs_sets_free() frees the sets. */
struct nft_ruleset;
int nft_rs_set_msg(const struct nlmsghdr *nlh, struct nft_ruleset *rs);
int nft_rs_elem_msg(const struct nlmsghdr *nlh, struct nft_ruleset *rs);
void nft_rs_sets_free(struct nft_ruleset *rs);

/*
 * nftnl_*_nlmsg_parse() of @nlh, but -1 without calling it when an
 * attribute libnftnl checks has the wrong type: libnftnl (1.2.4) then
 * exit()s the process ("kernel ABI is broken"), and it crashes on an
 * expression without a name (nft_valid.c).  Every parse of a message
 * from a socket goes through these.
 */
struct nftnl_obj;
int nft_table_parse(const struct nlmsghdr *nlh, struct nftnl_table *t);
int nft_chain_parse(const struct nlmsghdr *nlh, struct nftnl_chain *c);
int nft_rule_parse(const struct nlmsghdr *nlh, struct nftnl_rule *r);
int nft_obj_parse(const struct nlmsghdr *nlh, struct nftnl_obj *o);
int nft_set_parse(const struct nlmsghdr *nlh, struct nftnl_set *s);
int nft_set_elems_parse(const struct nlmsghdr *nlh, struct nftnl_set *s);

/* Read our tables from the kernel into a fresh set.  Caller frees. */
int nft_kernel_read(struct nat_compiled **c, struct masq_err *e);

#endif

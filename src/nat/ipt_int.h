/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipt_int.h - what the two halves of the iptables import share:
 * ipt_parse.c reads the dump into chains of rules (matches already in
 * masqsh's value syntax, each with the word of the file it came from);
 * ipt_flat.c inlines the chains and writes masq rules and forwards.
 */
#ifndef MASQ_NAT_IPT_INT_H
#define MASQ_NAT_IPT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "nat/ipt_parse.h"

/* A word of the file: its position, and the line it is on. */
struct ipt_tok {
	struct masq_tok t;	/* t.s owned (quotes removed) */
	unsigned int lineno;
};

/*
 * The matches of a rule, one slot per masqsh value.  Each value is in
 * masqsh's syntax ("80-90", "!tcp") with the file's word it came from;
 * NULL when the rule does not match on it.  *_EXC are exclusions ("! -s"),
 * the only slots that two rules can both fill when they are combined.
 */
enum ipt_slot {
	IPT_SRC, IPT_SRC_EXC, IPT_DST, IPT_DST_EXC, IPT_IIF, IPT_OIF,
	IPT_PROTO, IPT_DPORT, IPT_MARK, IPT_UID, IPT_GID, IPT_IPSEC,
	IPT_COMMENT, IPT_SLOT__N
};

struct ipt_val {
	char *s;			/* owned */
	const struct ipt_tok *t;	/* borrowed from the file's words */
};

struct ipt_match {
	struct ipt_val v[IPT_SLOT__N];
};

enum ipt_target {
	IPT_T_MASQ, IPT_T_SNAT, IPT_T_DNAT, IPT_T_ACCEPT, IPT_T_RETURN,
	IPT_T_JUMP, IPT_T_GOTO,
};

struct ipt_rule {
	struct ipt_match m;
	enum ipt_target target;
	const struct ipt_tok *tt;	/* the target's word (-j X / -g X) */
	size_t chain;			/* JUMP/GOTO: index of the chain */
	/* MASQ/SNAT/DNAT: the address ("snat"/"to" value), ports, flags */
	struct ipt_val to, ports;
	const struct ipt_tok *random, *random_fully, *persistent;
};

struct ipt_chain {
	char *name;			/* owned */
	const struct ipt_tok *decl;	/* ":NAME ..." */
	bool builtin;
	struct ipt_rule *r;
	size_t n, cap;
};

struct ipt_file {
	const char *path;
	struct ipt_tok **toks;		/* every word, owned (stable pointers) */
	size_t n_toks, cap_toks;
	char **lines;			/* owned copies, t.line points here */
	size_t n_lines, cap_lines;
	struct ipt_chain *ch;
	size_t n_ch, cap_ch;
	bool v6;			/* an ip6tables dump */
	unsigned int skipped;		/* tables other than nat */
	bool nat_seen;
};

/* Free a match's values.  Cannot fail. */
void ipt_match_done(struct ipt_match *m);
/* Mark @t, with the file and line as origin.  Returns -1. */
int ipt_err(struct masq_err *e, const struct ipt_file *f,
	    const struct ipt_tok *t, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Set e->origin from the line e->input came from (among @tv). */
void ipt_err_locate(struct masq_err *e, const struct ipt_file *f,
		    const struct ipt_tok *const *tv, size_t n,
		    const struct ipt_tok *fallback);

/*
 * ipt_rule.c: the words @w (@n) after "-A CHAIN" (@a is the "-A" word)
 * into @r.  -1 with @e set (and @r emptied).  Chains named by -j/-g must
 * be declared in @f already.
 */
int ipt_rule_parse(const struct ipt_file *f, struct ipt_rule *r,
		   struct ipt_tok *const *w, size_t n, const struct ipt_tok *a,
		   struct masq_err *e);
/* Free what @r owns.  Cannot fail. */
void ipt_rule_done(struct ipt_rule *r);

/* ipt_flat.c: PREROUTING and POSTROUTING of @f into @im. */
int ipt_flatten(const struct ipt_file *f, struct ipt_import *im,
		struct masq_err *e);

#endif

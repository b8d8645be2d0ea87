/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_int.h - internals shared by the rule parsers and formatters
 * (rule_addr.c, rule_parse.c, fwd_parse.c, rule_format.c).  Not part of
 * the rule.h contract; nothing outside src/nat/rule*.c and fwd_parse.c
 * should include it.
 *
 * Every value parser works on a span: a byte range of a token's text, so
 * an error can mark exactly the bad part of a word ("eth0:1" marks "1",
 * "tcp,bogus" marks "bogus").  The parse context carries the error record
 * and the address family fixed by the first address seen, so a rule that
 * mixes IPv4 and IPv6 is rejected at the first address that disagrees.
 */
#ifndef MASQ_NAT_RULE_INT_H
#define MASQ_NAT_RULE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nat/rule.h"

/* A byte range of t->s; t == NULL means "nothing to mark". */
struct nat_span {
	const struct masq_tok *t;
	size_t off, len;
};

struct nat_pctx {
	struct masq_err *e;
	int family;			/* 0 until an address fixes it */
	struct nat_span fam_at;		/* the address that fixed it */
};

/* Where each part of a rule was written, for validation errors. */
struct nat_marks {
	struct nat_span snat, ports, random, persistent, nonat, detect;
	struct nat_span fully_random;
	struct nat_span prefix;
	struct nat_span proto, dport, alias, timeout;
};

static inline const char *
nat_span_str(const struct nat_span *sp)
{
	return sp->t->s + sp->off;
}

static inline struct nat_span
nat_span_sub(const struct nat_span *sp, size_t off, size_t len)
{
	struct nat_span s = { sp->t, sp->off + off, len };

	return s;
}

static inline struct nat_span
nat_span_tok(const struct masq_tok *t)
{
	struct nat_span s = { t, 0, t ? strlen(t->s) : 0 };

	return s;
}

/* True when span @sp is exactly @word. */
static inline bool
nat_span_is(const struct nat_span *sp, const char *word)
{
	return sp->len == strlen(word) &&
	       memcmp(nat_span_str(sp), word, sp->len) == 0;
}

/* MASQ_EUSAGE error marking @sp (or nothing when sp->t is NULL). */
int nat_perr(struct nat_pctx *c, const struct nat_span *sp,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copy span text into @buf (NUL-terminated); -1 if it does not fit. */
int nat_span_copy(const struct nat_span *sp, char *buf, size_t size);

/*
 * nat_net_parse() with a reason: 0 ok, NAT_NET_ESYNTAX not an address,
 * NAT_NET_EPLEN bad prefix length, NAT_NET_EHOST host bits set beyond the
 * prefix (rejected, never silently cleared), NAT_NET_EFAMILY wrong family.
 */
enum {
	NAT_NET_ESYNTAX = -1,
	NAT_NET_EPLEN = -2,
	NAT_NET_EHOST = -3,
	NAT_NET_EFAMILY = -4,
};
int nat_net_parse_why(struct nat_net *n, const char *s, int want_family);
/* Parse one address (no prefix) into @a (16 bytes); returns the family
 * or 0 when @s is not an address. */
int nat_addr_parse(uint8_t *a, const char *s);

/* Value parsers.  All return 0 or -1 with c->e filled (MASQ_EUSAGE). */
int nat_p_ifname(struct nat_pctx *c, const struct nat_span *sp,
		 struct nat_ifname *ifn);
int nat_p_iflist(struct nat_pctx *c, const struct nat_span *sp,
		 struct nat_ifname **v, size_t *n);
int nat_p_net(struct nat_pctx *c, const struct nat_span *sp,
	      struct nat_net *n);
/* "A[,B..][!X[,Y..]]" appended to @l; with @exc_only all of it is an
 * exclusion list (no '!' allowed). */
int nat_p_netlist(struct nat_pctx *c, const struct nat_span *sp,
		  struct nat_netlist *l, bool exc_only);
/* ADDR or ADDR-ADDR into r->to (sets has_to, action NAT_SNAT). */
int nat_p_snat(struct nat_pctx *c, const struct nat_span *sp,
	       struct nat_rule *r);
/* NET6 into r->prefix (action NAT_PREFIX): an IPv6 network. */
int nat_p_prefix(struct nat_pctx *c, const struct nat_span *sp,
		 struct nat_rule *r);
/* "LO-HI" (or a single port) with numbers only. */
int nat_p_portrange(struct nat_pctx *c, const struct nat_span *sp,
		    struct nat_port_range *pr);
int nat_p_proto(struct nat_pctx *c, const struct nat_span *sp,
		struct nat_proto *p);
/* dport list; names are looked up for the protocols in @proto. */
int nat_p_dport(struct nat_pctx *c, const struct nat_span *sp,
		struct nat_ports *p, const struct nat_proto *proto);
int nat_p_ipsec(struct nat_pctx *c, const struct nat_span *sp,
		struct nat_ipsec *ip);
int nat_p_mark(struct nat_pctx *c, const struct nat_span *sp,
	       struct nat_mark *m);
int nat_p_owner(struct nat_pctx *c, const struct nat_span *sp,
		struct nat_owner *o);
/* "STATE=SECONDS[,..]" (timeout names of nat/timeouts.h) for a rule of
 * protocol @proto, written at @proto_sp. */
int nat_p_timeout(struct nat_pctx *c, const struct nat_span *sp,
		  struct nat_ct_policy *t, const struct nat_proto *proto,
		  const struct nat_span *proto_sp);
/* SOURCE / from: nets with exclusions, or an interface [':!'EXCL]. */
int nat_p_source(struct nat_pctx *c, const struct nat_span *sp,
		 struct nat_rule *r);
/* An alias label: one to three digits. */
int nat_p_alias(struct nat_pctx *c, const struct nat_span *sp, int *alias);
/* The masq file's ADDRESS column, also the inside of a snat file's
 * SNAT(...): ADDRESS[:LOW-HIGH][:random][:persistent], "-", "random",
 * NONAT, detect[:OPTIONS], [IPV6][:OPTIONS].  @mk gets where each part
 * was written. */
int nat_col_address(struct nat_pctx *c, const struct nat_span *sp,
		    struct nat_rule *r, struct nat_marks *mk);
/* Cross-column checks shared by both masq forms. */
int nat_rule_validate(struct nat_pctx *c, const struct nat_rule *r,
		      const struct nat_marks *mk);

/* Pieces of the formatters (rule_format.c), appended to @b. */
struct strbuf;
void nat_sb_netlist(struct strbuf *b, const struct nat_netlist *l);
void nat_sb_ports(struct strbuf *b, const struct nat_ports *p, char rsep);
void nat_sb_proto(struct strbuf *b, const struct nat_proto *p);
void nat_sb_timeout(struct strbuf *b, const struct nat_ct_policy *t);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * filter.h - the one filter language over conntrack entries, used by
 * `show masq|conntrack`, `kill`, `watch` and masqtop's `/`.
 *
 * Owns: parsing a filter (from a string or from words already cut by
 * tok_split) into a compiled tree, matching it against a struct ct_entry,
 * and printing it back in canonical form.  Does not own: getting entries
 * from the kernel (src/nat/ct.h) or knowing which rule made an entry (the
 * caller fills ct_entry.rule_id).
 *
 * Grammar (keywords are case-insensitive):
 *
 *   filter  := [ or ]                      empty: matches everything
 *   or      := and { "or" and }
 *   and     := not { [ "and" ] not }       adjacent terms are and-ed
 *   not     := "not" not | "(" or ")" | term
 *   term    := "src" NET | "dst" NET | "gw" NET
 *            | "proto" PROTO
 *            | ("sport" | "dport" | "gport") PORT[-PORT]
 *            | "state" STATE
 *            | "expires" ("<" | "<=" | ">" | ">=" | "=") SECONDS
 *            | "rule" N | "fwd" N
 *            | "nat" | "snat" | "dnat"
 *
 * "and" binds tighter than "or"; "not" tighter than both.  Parentheses and
 * the comparison operators need no blanks around them: "(src 10.0.0.0/8)"
 * and "expires<30" are fine.
 *
 * Meaning, on the original (inside→remote) direction of an entry:
 *   src NET     the original source address is in NET (ADDR or ADDR/LEN,
 *               IPv4 or IPv6; an address of the other family never matches)
 *   dst NET     the original destination address is in NET
 *   gw NET      the gateway-side address of a NAT'ed entry (ctent_gateway():
 *               SNAT: reply destination, the "masq'ed as" address; DNAT:
 *               original destination, the public address); for an entry
 *               with both SNAT and DNAT either side matches; never matches
 *               an entry without NAT
 *   proto P     tcp, udp, icmp, icmpv6, sctp, dccp, udplite, gre, esp, ah or
 *               a number 0-255
 *   sport P     the original source port is P (or in the range P-Q)
 *   dport P     the original destination port
 *   gport P     the gateway-side port (as gw); ports never match ICMP
 *   state S     a TCP state as conntrack(8) spells it (ESTABLISHED,
 *               TIME_WAIT, ...; TCP entries only), or one of the status
 *               words: unreplied (no reply seen yet), replied, assured
 *   expires OP N   the remaining timeout in seconds compared with N; N may
 *               carry a unit: 90, 90s, 15m, 2h, 1d
 *   rule N      ct_entry.rule_id == N (N >= 1): the masq rule with id N
 *   fwd N       ct_entry.rule_id == CT_RULE_FWD | N: the port forward
 *               with id N (the rule column's "fwdN")
 *   nat         SNAT or DNAT status; snat / dnat: that bit
 */
#ifndef MASQ_FILTER_H
#define MASQ_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ctent.h"
#include "core/err.h"

struct filter;

/*
 * Compile @n words @v (as from tok_split; a word may also hold several
 * terms glued by parentheses or operators).  On success returns a filter the
 * caller frees with filter_free(); it borrows nothing from @v.  On error
 * returns NULL with @e set to MASQ_EUSAGE and marking the offending word (or
 * the bad part of it), plus a hint naming what was expected.
 */
struct filter *filter_compile(const struct masq_tok *v, size_t n,
			      struct masq_err *e);

/* Compile a whole line (cut with tok_split); as filter_compile(), with
 * error positions relative to @line. */
struct filter *filter_compile_str(const char *line, struct masq_err *e);

/* Does @ce satisfy @f?  A NULL filter matches everything.  Cannot fail. */
bool filter_match(const struct filter *f, const struct ct_entry *ce);

/*
 * Canonical text of @f: keywords lower-case, explicit "and", parentheses
 * only where needed ("src 10.0.0.0/8 and (dport 80 or dport 443)"); "" for
 * the empty filter.  Compiling the text gives an equivalent filter.
 * Caller frees.
 */
char *filter_format(const struct filter *f);

/* Does @f use `rule N` or `fwd N` (so the caller must fill
 * ct_entry.rule_id)? */
bool filter_uses_rule(const struct filter *f);

/* Does every entry @f matches carry SNAT or DNAT status?  A dumper may then
 * skip non-NAT'ed entries before parsing them.  False for NULL. */
bool filter_implies_nat(const struct filter *f);

/* Free @f; NULL is fine. */
void filter_free(struct filter *f);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_ct.h - conntrack objects in our table: the per-rule timeout policies
 * ("ct timeout" objects, `masq add ... timeout STATE=SECONDS`) and the
 * conntrack helpers (`helper add`, "ct helper" objects assigned by
 * prerouting rules), as the compiler builds them and the printer shows
 * them (the read-back, nft_read.c, fetches them like any other object of
 * our table).  Internal to src/nat/nft_*.c and the unit test.
 */
#ifndef MASQ_NAT_NFT_CT_H
#define MASQ_NAT_NFT_CT_H

#include <stdbool.h>
#include <stddef.h>

#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>

#include "core/err.h"
#include "nat/nft_int.h"
#include "nat/rule.h"

/* The object name of @mr's timeout policy: "masq-ID" ("masq-pPOS" for a
 * rule not stored yet).  @buf holds at least 32 bytes. */
void nft_ct_timeout_name(const struct nat_rule *mr, char *buf, size_t size);

/*
 * In a masq rule being built: "ct timeout set NAME" for @mr's policy
 * (nothing when it has none).  Goes before the NAT statement: the policy
 * only attaches to a connection not yet confirmed, which the first packet
 * in postrouting still is.  Cannot fail.
 */
void nft_ct_rule_timeout(struct nftnl_rule *r, const struct nat_rule *mr);

/*
 * After the masq rules and forwards are compiled: one "ct timeout" object
 * per rule with a policy (in the rule's family table), and for every
 * helper of @rs a "ct helper" object plus prerouting rules
 *   meta l4proto P th dport PORT counter ct helper set "NAME"
 * (comment "masqsh helper NAME") placed before the port forwards, in every
 * table present.  -1 with @e set only on an impossible policy.
 */
int nft_ct_compile(struct nat_compiled *c, const struct nat_ruleset *rs,
		   struct masq_err *e);

/*
 * The objects of @t as `nft list table` prints them, each followed by the
 * blank line that separates it from what comes next, appended to @b
 * (nothing when there are none).  With @script, a timeout policy of
 * nothing but defaults names its first state instead of printing "{  }"
 * (see nat_compiled_print_script).  Cannot fail.
 */
struct strbuf;
void nft_ct_objs_print(struct strbuf *b, const struct nft_tab *t,
		       bool script);

/* "ct timeout set \"NAME\"" / "ct helper set \"NAME\"" for an objref
 * expression into @buf; false when @x is something else. */
bool nft_ct_objref_text(const struct nftnl_expr *x, char *buf, size_t size);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_rule.h - which staged masq rule made a conntrack entry, worked out in
 * userspace from the rules and the entry's original tuple.
 *
 * Owns: a small evaluator over a struct nat_ruleset that `show masq`,
 * `kill rule N`, `watch` and masqtop use to fill ct_entry.rule_id (through
 * the ct_query.annotate hook), and loading the rules for it from the store
 * read-only.  Does not own: the rules themselves (rule.h, store.h), the
 * compiler (nft_*.c) or the full "explain" of a flow.
 *
 * It is an approximation, and says so: conntrack does not record the
 * outgoing interface, the packet mark, the socket owner or the IPsec policy
 * of a connection.  The evaluator therefore takes the first rule, in order,
 * whose source and destination networks (with exclusions), protocol,
 * destination ports and mark (compared with the connection mark) match the
 * original tuple AND whose action fits what the kernel did: masquerade
 * accepts any translated address, SNAT only an address inside its range,
 * `detect` only an address of one of its interfaces (looked up when the
 * evaluator is built), NONAT only an untranslated entry; a port range must
 * hold the translated port.  Interfaces are otherwise ignored.
 *
 * Entries that carry DNAT and no masq rule of theirs are attributed to the
 * first port forward whose protocol, public port and allowed sources match
 * the original tuple and whose inside host (and port, mapped like the
 * kernel maps a range) is the reply's source.  Such a rule_id has
 * CT_RULE_FWD set, so it never equals a masq rule's id (`rule N`, `kill
 * rule N` stay about masq rules; `fwd N` selects it); ct_rule_ref() names
 * it "fwdN".
 */
#ifndef MASQ_NAT_CT_RULE_H
#define MASQ_NAT_CT_RULE_H

#include <stdint.h>

#include "core/ctent.h"
#include "core/err.h"
#include "nat/rule.h"

struct ct_rules;

/* CT_RULE_FWD (core/ctent.h) in a rule_id names a port forward. */

/* The rule column's text for @rule_id: "3" (masq rule 3), "fwd2" (forward
 * 2) or "-" (none), in @buf of at least CT_RULE_REFSIZ bytes.  Returns
 * @buf.  Cannot fail. */
#define CT_RULE_REFSIZ 32
char *ct_rule_ref(uint64_t rule_id, char *buf);

/*
 * Build an evaluator over @rs, which is borrowed and must outlive the
 * result.  Resolves the addresses of `detect` rules' interfaces now (an
 * interface that cannot be read makes that rule accept any address).
 * Returns the evaluator (caller frees with ct_rules_free()); cannot fail
 * except on allocation failure (which aborts, as xalloc does).
 */
struct ct_rules *ct_rules_new(const struct nat_ruleset *rs);

/*
 * Load the staged rules of the database at @db_path read-only and build an
 * evaluator that owns them.  When there is no database file, *cr is NULL
 * and 0 is returned (nothing to annotate with).  -1 with @e set when the
 * file exists but cannot be read or a rule no longer parses.
 */
int ct_rules_load(const char *db_path, struct ct_rules **cr,
		  struct masq_err *e);

/* Free @cr (and the rules it owns); NULL is fine. */
void ct_rules_free(struct ct_rules *cr);

/* How many masq rules @cr evaluates (0 for NULL). */
size_t ct_rules_count(const struct ct_rules *cr);

/* The rules @cr evaluates (borrowed, or owned by @cr after ct_rules_load());
 * NULL for NULL. */
const struct nat_ruleset *ct_rules_ruleset(const struct ct_rules *cr);

/* The id of the rule that made @ce (CT_RULE_FWD | id for a forward), or 0
 * when none fits.  Cannot fail. */
uint64_t ct_rules_match(const struct ct_rules *cr, const struct ct_entry *ce);

/* ct_query.annotate hook: ce->rule_id = ct_rules_match(@cr, ce).  @cr is a
 * struct ct_rules * (NULL leaves rule_id alone). */
void ct_rules_annotate(struct ct_entry *ce, void *cr);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft.h - the staged rules as one nftables table of ours, and the kernel.
 *
 * Owns: compiling a struct nat_ruleset into libnftnl objects (table
 * "masqsh" in family ip, and ip6 when IPv6 rules exist; chains at the
 * standard dstnat/srcnat priorities; one nft rule per masqsh rule, more
 * where a column fans out; a counter and a comment naming the masqsh rule
 * in each); sending it as ONE libmnl batch that replaces our table and
 * leaves every other table alone; check mode (the kernel processes the
 * whole batch, then it is aborted); the kernel's extended-ACK text tied to
 * the masqsh rule that caused it; reading our table back over netlink; and
 * printing either (compiled or read back) in nft syntax, as `nft list
 * table` prints it.  Does not own: parsing (rule.c) or storage.
 *
 * libnftables is never used (GPL-2.0-only; masqsh links readline).
 */
#ifndef MASQ_NAT_NFT_H
#define MASQ_NAT_NFT_H

#include <stdbool.h>

#include "core/err.h"
#include "nat/rule.h"

#define NAT_TABLE_NAME "masqsh"

/* A compiled ruleset: table(s), chains and rules as libnftnl objects. */
struct nat_compiled;

/*
 * Compile @rs.  Rules using "detect" are resolved against the interface's
 * current addresses (rtnetlink); an interface without an address is an
 * error naming the rule.  Caller frees with nat_compiled_free().
 */
int nat_compile(const struct nat_ruleset *rs, struct nat_compiled **c,
		struct masq_err *e);
void nat_compiled_free(struct nat_compiled *c);
/* Number of nft rules (after fan-out) in @c. */
unsigned int nat_compiled_rule_count(const struct nat_compiled *c);

/*
 * Text of @c in nft syntax, byte-equal to `nft list table ip masqsh`
 * (then `nft list table ip6 masqsh` when present) right after an apply,
 * counters at zero.  Caller frees.
 */
char *nat_compiled_print(const struct nat_compiled *c);

/*
 * The same text for `nft -f`: where a ct timeout policy has only default
 * values, nft 1.0.6 lists it as "policy = {  }", which it cannot read
 * back; here such a policy names its first state with the default value
 * (the same object once loaded).  Caller frees.
 */
char *nat_compiled_print_script(const struct nat_compiled *c);

enum nat_apply_mode {
	NAT_APPLY_COMMIT,	/* replace our table atomically */
	NAT_APPLY_CHECK,	/* kernel validates everything, nothing changes */
};

/*
 * Send @c as one batch.  On any error the running ruleset is exactly what
 * it was; -1 with @e holding our message, the kernel's extended-ACK text in
 * e->kernel, and the masqsh rule id named.  EPERM/EOPNOTSUPP/ENOENT for
 * missing features give MASQ_EKERNEL.
 */
int nat_apply(const struct nat_compiled *c, enum nat_apply_mode mode,
	      struct masq_err *e);

/* Remove our tables (both families) if present, in one batch. */
int nat_flush(struct masq_err *e);

/*
 * Read our tables from the kernel and print them as nat_compiled_print
 * would.  @with_counters false prints every counter as zero (for diff).
 * *text is "" when no table of ours exists.  Caller frees *text.
 */
int nat_kernel_print(char **text, bool with_counters, struct masq_err *e);

/*
 * What replacing our running tables by @c changes (nft_change.c):
 * @running nft rules run in our tables now; @removed of them have no
 * rule in @c with their comment (the masqsh rule they come from; a rule
 * without one, a hand edit, always counts); @staged rules are in @c;
 * @kernel is the running text as nat_kernel_print(false) prints it, ""
 * when no table of ours runs.  Free with nat_change_done().
 */
struct nat_change {
	unsigned int running;
	unsigned int removed;
	unsigned int staged;
	char *kernel;
};
int nat_kernel_change(const struct nat_compiled *c, struct nat_change *d,
		      struct masq_err *e);
/* The counts alone, for two compiled sets (@run as if running; tests).
 * d->kernel is left alone.  Cannot fail. */
void nat_change_of(const struct nat_compiled *run,
		   const struct nat_compiled *c, struct nat_change *d);
void nat_change_done(struct nat_change *d);

#endif

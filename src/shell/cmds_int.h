/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmds_int.h - helpers shared by the rule command files (cmd_masq*.c,
 * cmd_forward.c, cmd_import.c, cmd_apply.c, cmd_check.c, cmd_diff.c).
 *
 * Owns: reading ids and positions from tokens, stripping "at N", parsing a
 * stored row back into its rule, the interface-name sanity check with its
 * warning, and the "masqsh -f" text of a ruleset.  Does not own the rule
 * language (src/nat/rule.c) or the grammar walk (cmd.c).
 */
#ifndef MASQ_SHELL_CMDS_INT_H
#define MASQ_SHELL_CMDS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/store.h"
#include "nat/rule.h"
#include "shell/cmd.h"

/* A positive integer from @t (a rule id or a position); @what names it in
 * the error ("rule id", "position").  -1 (MASQ_EUSAGE) marking @t. */
int cmds_num(const struct masq_tok *t, const char *what, int64_t *v,
	     struct masq_err *e);

/*
 * Split the words of an add command: drop "at N" (wherever it appears as
 * a keyword, walking @ent's grammar so that keyword values are never
 * mistaken for it, and stopping at a CMD_KW_REST keyword) and return the
 * rest in *rest (caller frees the array; the tokens stay borrowed from
 * @a).  *at is 0 when absent.
 */
int cmds_strip_at(const struct cmd_entry *ent, const struct cmd_args *a,
		  unsigned int *at, struct masq_tok **rest, size_t *n,
		  struct masq_err *e);

/* Parse a stored row's canonical text back.  -1 (MASQ_ESTORE) names @id. */
int cmds_masq_from_spec(struct nat_rule *r, const char *spec, int64_t id,
			struct masq_err *e);
int cmds_fwd_from_spec(struct nat_forward *f, const char *spec, int64_t id,
		       struct masq_err *e);

/*
 * Stage canonical rule text @spec of @kind before position @at (0: append)
 * and report it as "added WHAT ID at position P: SPEC"; with -n only say
 * where it would go.  @what is "masq rule" or "forward".
 */
int cmds_stage_row(struct cmd_ctx *ctx, enum store_kind kind,
		   const char *what, unsigned int at, const char *spec,
		   struct masq_err *e);

/*
 * Check that interface @ifn exists.  Wildcards pass.  When it does not
 * exist and looks like a typo of an existing name: -1 (MASQ_EFAIL) marking
 * the name inside token @t with a "did you mean" hint.  Otherwise a
 * warning on stderr and 0 (an interface may come up later, like ppp0).
 */
int cmds_iface_check(struct cmd_ctx *ctx, const struct nat_ifname *ifn,
		     const struct masq_tok *t, struct masq_err *e);
/* True when interface @name exists now. */
bool cmds_iface_exists(const char *name);

/*
 * Print "masqsh: warning: MSG" (or "FILE:LINE: warning: MSG") on stderr.
 * Outside the interactive shell a text already printed in this run is
 * counted instead, and cmd_ctx_done() prints the counts (warn.c).
 */
void cmds_warn(struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The rules as a masqsh script: one "masq add ..." / "forward add ..."
 * line each, in order.  Caller frees. */
char *cmds_ruleset_script(const struct nat_ruleset *rs);

/* "203.0.113.10" or "203.0.113.10-203.0.113.20".  Caller frees. */
char *cmds_range_format(const struct nat_addr_range *r);

/* Load the staged rules (nat_ruleset_load) after opening the store. */
int cmds_load(struct cmd_ctx *ctx, struct nat_ruleset *rs,
	      struct masq_err *e);

/* `check`: lint, compile, have the kernel check the batch; prints the
 * findings and a summary.  Also `apply -n`. */
int cmds_check_run(struct cmd_ctx *ctx, struct masq_err *e);

#endif

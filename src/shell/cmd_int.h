/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_int.h - what the files of src/shell share and nothing outside it
 * needs (tests/unit/check_shell.c aside): the generic machinery behind
 * cmd.h (cmd.c, cmd_bind.c, complete.c, cmd_help.c), and the helpers the
 * command files share (stage.c, warn.c, cmd_check.c).
 *
 * A command's name is its words ("masq add").  Matching walks the table
 * word by word: the words matched so far are a path, kept as one entry
 * whose name starts with them (@rep) and how many bytes of that name they
 * span (@plen), so no copies are made.
 *
 * Does not own the rule language (src/nat/rule.h), the apply transaction
 * (src/ctl) or the grammar of any one command (its cmd_*.c).
 */
#ifndef MASQ_SHELL_CMD_INT_H
#define MASQ_SHELL_CMD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/store.h"
#include "nat/rule.h"
#include "shell/cmd.h"

/* Limits of the tables the resolver reads on the stack (asserted). */
#define CMD_TABLE_MAX 128	/* entries in a command table */
#define CMD_WORD_MAX 32		/* bytes of one command word, with NUL */
#define CMD_KWS_MAX 64		/* words of one command's grammar */

struct cmd_walk {
	const struct cmd_entry *const *table;
	const struct cmd_entry *rep;	/* NULL before the first word */
	size_t plen;			/* bytes of rep->name matched */
	size_t depth;			/* words matched */
};

enum cmd_step {
	CMD_STEP_MATCH,		/* advanced by one word */
	CMD_STEP_NONE,		/* no command word fits */
	CMD_STEP_AMBIGUOUS,	/* a prefix of several words */
};

/* ctx->table, or cmd_table when NULL (or ctx NULL). */
const struct cmd_entry *const *cmd_ctx_table(const struct cmd_ctx *ctx);

void cmd_walk_init(struct cmd_walk *w, const struct cmd_entry *const *table);
/* Does @ent's name start with the path? */
bool cmd_walk_covers(const struct cmd_walk *w, const struct cmd_entry *ent);
/* The entry named exactly by the path, or NULL. */
const struct cmd_entry *cmd_walk_entry(const struct cmd_walk *w);
/* @ent's word after the path (not NUL-terminated; *len set), or NULL. */
const char *cmd_walk_next(const struct cmd_walk *w,
			  const struct cmd_entry *ent, size_t *len);
/* Advance by @word: exact, else unique prefix (hidden entries: exact);
 * core/kw.h resolves it. */
enum cmd_step cmd_walk_step(struct cmd_walk *w, const char *word);
/* The next words after the path, distinct, comma-separated into @buf
 * (hidden ones left out). */
void cmd_walk_list(const struct cmd_walk *w, const char *prefix, char *buf,
		   size_t size);

/*
 * Resolve typed command words.  0: *ent found after *used words (the rest
 * are its arguments); 1: the words name a group only ("masq"), @w holds
 * it and @e says what may follow; -1: unknown or ambiguous word, @e marks
 * it (when @toks is given).  @w may be NULL.
 */
int cmd_lookup(const struct cmd_entry *const *table,
	       const char *const *words, const struct masq_tok *toks,
	       size_t n, const struct cmd_entry **ent, size_t *used,
	       struct cmd_walk *w, struct masq_err *e);

/* Index of @ent's keyword (not positional) named @word or a unique prefix
 * of it; KW_NONE (-1) none; KW_AMBIGUOUS (-2).  @exact: whole names only
 * (then never KW_AMBIGUOUS). */
int cmd_kw_find(const struct cmd_entry *ent, const char *word, bool exact);

/*
 * cmd_args_bind() on the @n words @v of @line, then each keyword and
 * choice in @v spelled as in the table (v[i].s points at the table's
 * string; off and len still span what was typed).  On error @v is left
 * as it was.  The dispatcher's check of every command line.
 */
int cmd_args_resolve(const struct cmd_entry *ent, struct masq_tok *v,
		     size_t n, const char *line, struct masq_err *e);


/* Growable candidate list. */
struct cmd_cands {
	struct cmd_candidate *v;
	size_t n;
};
/* Append copies of @word and @help (NULL ok); a word already present is
 * not added twice. */
void cmd_cands_add(struct cmd_cands *c, const char *word, const char *help);
void cmd_cands_addn(struct cmd_cands *c, const char *word, size_t len,
		    const char *help);

/* ---- what the command files share ---------------------------------------- */

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

/* "203.0.113.10" or "203.0.113.10-203.0.113.20".  Caller frees. */
char *cmds_range_format(const struct nat_addr_range *r);

/* Load the staged rules (nat_ruleset_load) after opening the store. */
int cmds_load(struct cmd_ctx *ctx, struct nat_ruleset *rs,
	      struct masq_err *e);

/* The bytes of the file at @path, NUL-terminated, in *@buf (caller
 * frees), *@len of them; MASQ_EUSAGE when larger than @max, MASQ_EFAIL
 * (errno) when it cannot be read (cmd_import_ipt.c). */
int cmds_slurp(const char *path, size_t max, char **buf, size_t *len,
	       struct masq_err *e);

/* `check`: lint, compile, have the kernel check the batch; prints the
 * findings and a summary.  Also `apply -n`. */
int cmds_check_run(struct cmd_ctx *ctx, struct masq_err *e);

/* SECS of "confirm SECS": 1..CTL_CONFIRM_MAX, else MASQ_EUSAGE marking
 * @t (cmd_revisions.c). */
int cmds_confirm_secs(const struct masq_tok *t, int64_t *secs,
		      struct masq_err *e);
/*
 * The outcome of an apply or a rollback, inside the caller's object:
 * "VERB N rules (M nft rules) as revision R", the deadline when pending,
 * the timeouts written; or "nothing to apply (revision R is running)".
 * JSON keys applied, rules, nft_rules, revision, deadline, confirmed,
 * drifted, timeouts (cmd_revisions.c).
 */
struct ctl_apply_res;
void cmds_apply_print(struct cmd_ctx *ctx, const struct ctl_apply_res *res,
		      const char *verb);

/* Print how often each warning of the run repeated (cmds_warn) and forget
 * them.  cmd_ctx_done() calls it.  Cannot fail. */
void cmds_warn_flush(struct cmd_ctx *ctx);

/*
 * explain's part about other tables' filters (cmd_explain_filter.c):
 * the head (JSON: verdict, blocked, fix; text: the "blocked:" or "filter:
 * unsure:" line and the fix, when a hook drops or cannot be read through)
 * and the base chains hook by hook (JSON: the "hooks" array; text: one
 * line each).  Call inside the caller's "filter" object.
 */
struct nft_ruleset;
struct explain_filter;
void cmds_explain_filter_head(struct cmd_ctx *ctx,
			      const struct nft_ruleset *rs,
			      const struct explain_filter *ef, const char *fix);
void cmds_explain_filter_hooks(struct cmd_ctx *ctx,
			       const struct nft_ruleset *rs,
			       const struct explain_filter *ef);

#endif

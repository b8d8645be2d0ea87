/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_int.h - the generic machinery behind cmd.h, shared by cmd.c,
 * complete.c, cmd_help.c and tests/unit/check_shell.c.  Command handlers
 * do not need it.
 *
 * A command's name is its words ("masq add").  Matching walks the table
 * word by word: the words matched so far are a path, kept as one entry
 * whose name starts with them (@rep) and how many bytes of that name they
 * span (@plen), so no copies are made.
 */
#ifndef MASQ_SHELL_CMD_INT_H
#define MASQ_SHELL_CMD_INT_H

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

/* Print how often each warning of the run repeated (cmds_warn) and forget
 * them.  cmd_ctx_done() calls it.  Cannot fail. */
void cmds_warn_flush(struct cmd_ctx *ctx);

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

#endif

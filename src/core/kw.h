/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kw.h - the one keyword resolver of masqsh: which word of a fixed set a
 * typed word names.
 *
 * The exact word wins; else the one word it is a prefix of; a prefix of
 * several words is ambiguous, and the error names them all
 * ("ambiguous keyword 'a': at, alias").  Command words and a command's
 * keywords and choices (src/shell), the rule, forward and timeout words
 * (src/nat) and check ids (src/diag) all resolve here, so a word means the
 * same at every layer: two resolvers with different rules in a row is how
 * "masq add a 1" once became "alias 1".
 *
 * A set of words is a plain array of strings where NULL slots are skipped,
 * so each caller passes its own table (or the names of one) as it is; the
 * index of the word found is the caller's index.  The same word twice in a
 * set counts once (the first).  Case is ignored ("TCP" is "tcp", as the
 * masq file and 0.1's timeouts and filter words had it); the word handed on
 * is always the table's spelling.  Nothing here allocates on success or
 * prints.
 *
 * Does not own: the tables (they live with their meaning), listing
 * completions (shell/complete.c), "did you mean" distances (err.c).
 */
#ifndef MASQ_KW_H
#define MASQ_KW_H

#include <stddef.h>

#include "core/err.h"

enum {
	KW_NONE = -1,		/* no word of the set starts with it */
	KW_AMBIGUOUS = -2,	/* a prefix of several words */
};

/*
 * Resolve @word against @words[0..@n) (NULL slots skipped): the index of
 * the word equal to it, else of the one word it is a prefix of; KW_NONE
 * (also for the empty word) or KW_AMBIGUOUS.  Cannot fail.
 */
int kw_find(const char *const *words, size_t n, const char *word);

/*
 * The words of the set that start with @prefix ("" for all), in table
 * order and each once, as "at, alias" into @buf (always NUL-terminated;
 * ", ..." ends a list that does not fit).  Cannot fail.
 */
void kw_list(const char *const *words, size_t n, const char *prefix,
	     char *buf, size_t size);

/* The word of the set closest to @word when one is close enough (see
 * err_suggest), else NULL.  Borrowed from @words. */
const char *kw_suggest(const char *const *words, size_t n, const char *word);

/*
 * kw_find() for token @t, with the error when it names no single word:
 * -1 and @e (MASQ_EUSAGE, marking @t) says "ambiguous WHAT 'a': at, alias"
 * (hint: type more) or "unknown WHAT 'x'" ("unknown WHAT 'x' for 'OWNER'"
 * when @owner is given) with a "did you mean" hint when a word is close;
 * otherwise no hint, so the caller may add its own.  @what: "keyword",
 * "check", ...
 */
int kw_resolve(const char *const *words, size_t n, const struct masq_tok *t,
	       const char *what, const char *owner, struct masq_err *e);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tok.h - splitting a command line into words with their positions.
 *
 * The one tokenizer of masqsh: the shell, -c, -f files, masqtop's keys,
 * completion and the stored rules (canonical text) all go through it, so
 * quoting means the same everywhere.
 *   - words are separated by blanks (space, tab);
 *   - '...' is literal; "..." takes \" and \\ as escapes; outside quotes a
 *     backslash escapes the next character;
 *   - an unquoted '#' at the start of a word starts a comment (rest ignored).
 * Each word is a struct masq_tok whose off/len span the word as typed
 * (quotes included) in the original line, so errors can mark it.
 */
#ifndef MASQ_TOK_H
#define MASQ_TOK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct tok_list {
	size_t n;
	struct masq_tok *v;	/* v[i].s are NUL-terminated, owned here */
	char *line;		/* owned copy of the input; v[i].line points here */
	bool open_quote;	/* TOK_PARTIAL only: the last word is unterminated */
	bool trailing_blank;	/* the line ends in a blank (a new word starts) */
};

enum {
	TOK_PARTIAL = 1,	/* tolerate an unterminated quote (completion) */
};

/* Split @line.  -1 with @e marking an unterminated quote.  On success the
 * caller frees with tok_list_done() (also safe after failure). */
int tok_split(struct tok_list *tl, const char *line, unsigned int flags,
	      struct masq_err *e);
void tok_list_done(struct tok_list *tl);

/* @s quoted so that tok_split() gives it back as one word; bare when no
 * quoting is needed.  Caller frees. */
char *tok_quote(const char *s);

#endif

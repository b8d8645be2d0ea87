/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tok.c - the one tokenizer (see tok.h for the quoting rules).
 *
 * Owns: cutting a line into words with the byte span each word had as
 * typed, and the inverse, quoting a string so it comes back as one word.
 * Does not own: what the words mean (src/shell/cmd.c) or reading lines.
 *
 * Blanks are space and tab; CR and LF count as blanks too, so a line read
 * from a file with its newline still splits cleanly.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/tok.h"
#include "core/xalloc.h"

static bool
tok_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Append word @s (in tl->line's block) spanning @off/@len of tl->line.
 * tok_split() sized tl->v for every word the line can hold. */
static void
tok_push(struct tok_list *tl, char *s, size_t off, size_t len)
{
	struct masq_tok *t = &tl->v[tl->n++];

	t->s = s;
	t->line = tl->line;
	t->off = off;
	t->len = len;
}

/*
 * Read one word starting at @i (not a blank).  The unquoted text goes to
 * @buf; returns the index just past the word.  On an unterminated quote
 * sets *@open to the offset of the opening quote.
 */
static size_t
tok_word(const char *line, size_t i, char *buf, size_t *open, bool *bad_esc)
{
	size_t o = 0;

	while (line[i] && !tok_is_blank(line[i])) {
		char c = line[i];

		if (c == '\'') {
			size_t q = i++;

			while (line[i] && line[i] != '\'')
				buf[o++] = line[i++];
			if (!line[i]) {
				*open = q;
				break;
			}
			i++;
		} else if (c == '"') {
			size_t q = i++;

			while (line[i] && line[i] != '"') {
				if (line[i] == '\\' &&
				    (line[i + 1] == '"' || line[i + 1] == '\\'))
					i++;
				buf[o++] = line[i++];
			}
			if (!line[i]) {
				*open = q;
				break;
			}
			i++;
		} else if (c == '\\') {
			if (!line[i + 1]) {
				*bad_esc = true;
				i++;
				break;
			}
			buf[o++] = line[i + 1];
			i += 2;
		} else {
			buf[o++] = line[i++];
		}
	}
	buf[o] = '\0';
	return i;
}

/*
 * One block holds the copy of the line and, after it, the unquoted words
 * back to back: a word's text is never longer than its span, so n + 1
 * bytes for the line and n + 1 + (n + 1) for the words (each word adds a
 * NUL) always suffice.  tl->v gets one slot per place where a word can
 * start.  So a split costs two allocations whatever the number of words;
 * the stored rules of `apply` go through here by the thousand.
 */
int
tok_split(struct tok_list *tl, const char *line, unsigned int flags,
	  struct masq_err *e)
{
	size_t n = strlen(line), i = 0, starts = 0, k;
	char *buf;
	int ret = -1;

	memset(tl, 0, sizeof(*tl));
	for (k = 0; k < n; k++)
		if (!tok_is_blank(line[k]) && (k == 0 || tok_is_blank(line[k - 1])))
			starts++;
	tl->line = xmalloc(3 * n + 3);
	memcpy(tl->line, line, n + 1);
	buf = tl->line + n + 1;
	if (starts)
		tl->v = xreallocarray(NULL, starts, sizeof(*tl->v));
	for (;;) {
		size_t start, end, open = (size_t)-1;
		bool bad_esc = false;

		while (tok_is_blank(line[i]))
			i++;
		if (!line[i])
			break;
		if (line[i] == '#')
			break;		/* comment: the rest is ignored */
		start = i;
		end = tok_word(line, i, buf, &open, &bad_esc);
		if (open != (size_t)-1 && !(flags & TOK_PARTIAL)) {
			struct masq_tok t = {
				.s = buf, .line = line, .off = open,
				.len = n - open,
			};

			err_tok(e, MASQ_EUSAGE, &t, "unterminated %s quote",
				line[open] == '"' ? "double" : "single");
			err_hint(e, "close the quote with %c", line[open]);
			goto out;
		}
		if (bad_esc && !(flags & TOK_PARTIAL)) {
			struct masq_tok t = {
				.s = buf, .line = line, .off = n - 1, .len = 1,
			};

			err_tok(e, MASQ_EUSAGE, &t,
				"backslash at the end of the line escapes nothing");
			err_hint(e, "write \\\\ for a literal backslash");
			goto out;
		}
		tok_push(tl, buf, start, end - start);
		buf += strlen(buf) + 1;
		if (open != (size_t)-1)
			tl->open_quote = true;
		i = end;
	}
	tl->trailing_blank = !tl->open_quote && n > 0 &&
			     tok_is_blank(line[n - 1]);
	ret = 0;
out:
	if (ret == -1)
		tok_list_done(tl);
	return ret;
}

void
tok_list_done(struct tok_list *tl)
{
	/* the words live in tl->line's block */
	free(tl->v);
	free(tl->line);
	memset(tl, 0, sizeof(*tl));
}

static bool
tok_needs_quote(const char *s)
{
	if (!*s || *s == '#')
		return true;
	for (; *s; s++)
		if (tok_is_blank(*s) || *s == '\'' || *s == '"' || *s == '\\')
			return true;
	return false;
}

char *
tok_quote(const char *s)
{
	char *q, *p;

	if (!tok_needs_quote(s))
		return xstrdup(s);
	/* worst case every byte escaped, plus two quotes and the NUL */
	q = p = xmalloc(2 * strlen(s) + 3);
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return q;
}

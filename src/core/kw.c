/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kw.c - the one keyword resolver (see kw.h for the rule and who uses it).
 *
 * Owns: matching a typed word against a set of words, the list of the
 * candidates for an ambiguous prefix, and the standard error for a word
 * that names no single word.  Does not own the tables, and never decides
 * what a word means.
 *
 * The sets are small (a command's keywords, the words after "masq"), so a
 * linear scan is the whole algorithm: one pass, counting the words the
 * typed word is a prefix of and stopping at an exact match.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kw.h"
#include "core/xalloc.h"

/* Is slot @i the same word as an earlier slot (duplicates count once)? */
static bool
kw_seen(const char *const *words, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (words[k] && !strcmp(words[k], words[i]))
			return true;
	return false;
}

int
kw_find(const char *const *words, size_t n, const char *word)
{
	size_t i, len = strlen(word);
	int hit = KW_NONE;

	if (!len)
		return KW_NONE;
	for (i = 0; i < n; i++) {
		if (!words[i])
			continue;
		if (!strcasecmp(words[i], word))
			return (int)i;
		if (strncasecmp(words[i], word, len))
			continue;
		if (hit == KW_NONE)
			hit = (int)i;
		else if (hit >= 0 && strcasecmp(words[hit], words[i]))
			hit = KW_AMBIGUOUS;
	}
	return hit;
}

void
kw_list(const char *const *words, size_t n, const char *prefix, char *buf,
	size_t size)
{
	size_t i, o = 0, len, pl = strlen(prefix);

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!words[i] || strncasecmp(words[i], prefix, pl) ||
		    kw_seen(words, i))
			continue;
		len = strlen(words[i]);
		/* room for ", WORD" and, after it, ", ..." and the NUL */
		if (o + 2 + len + 5 + 1 > size) {
			if (o + 5 + 1 <= size)
				memcpy(buf + o, ", ...", 6);
			return;
		}
		if (o) {
			memcpy(buf + o, ", ", 2);
			o += 2;
		}
		memcpy(buf + o, words[i], len + 1);
		o += len;
	}
}

const char *
kw_suggest(const char *const *words, size_t n, const char *word)
{
	const char **v = xcalloc(n + 1, sizeof(*v)), *best;
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (words[i])
			v[m++] = words[i];
	v[m] = NULL;
	best = err_suggest(word, v);
	free(v);
	return best;
}

int
kw_resolve(const char *const *words, size_t n, const struct masq_tok *t,
	   const char *what, const char *owner, struct masq_err *e)
{
	const char *best;
	char list[400];
	int k = kw_find(words, n, t->s);

	if (k >= 0)
		return k;
	if (k == KW_AMBIGUOUS) {
		kw_list(words, n, t->s, list, sizeof(list));
		err_tok(e, MASQ_EUSAGE, t, "ambiguous %s '%s': %s", what, t->s,
			list);
		return err_hint(e, "type more of the word to pick one");
	}
	if (owner)
		err_tok(e, MASQ_EUSAGE, t, "unknown %s '%s' for '%s'", what,
			t->s, owner);
	else
		err_tok(e, MASQ_EUSAGE, t, "unknown %s '%s'", what, t->s);
	best = kw_suggest(words, n, t->s);
	if (best)
		err_hint(e, "did you mean '%s'?", best);
	return -1;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha_digest.c - the same rules on both nodes of the pair: the digest of a
 * compiled table's text, the peer's digest as typed, and the lines two
 * tables do not share (what `diag ha`'s ha.same-rules names).
 *
 * Owns text only: which table is hashed (staged, kernel) and where the
 * peer's text comes from is the caller's.  Nothing here talks to the
 * peer: the admin carries the digest (or the text) over, so no daemon
 * listens for it (issue 14 allows either; a listener would need its own
 * authentication).
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sha256.h"
#include "core/xalloc.h"
#include "ctl/ha.h"

void
ha_rules_digest(const char *text, char hex[HA_DIGEST_HEXLEN + 1])
{
	sha256_hex(text, strlen(text), hex);
}

int
ha_digest_parse(const char *s, char hex[HA_DIGEST_HEXLEN + 1],
		struct masq_err *e)
{
	size_t i;

	if (!strncasecmp(s, "sha256:", 7))
		s += 7;
	for (i = 0; s[i] && i <= HA_DIGEST_HEXLEN; i++)
		if (!isxdigit((unsigned char)s[i]))
			return err_set(e, MASQ_EUSAGE, "a digest is 64 hex "
				       "digits; position %zu is not one", i + 1);
	if (i > HA_DIGEST_HEXLEN)
		return err_set(e, MASQ_EUSAGE, "a digest is 64 hex digits; "
			       "this one is longer");
	if (i != HA_DIGEST_HEXLEN)
		return err_set(e, MASQ_EUSAGE, "a digest is 64 hex digits, "
			       "not %zu", i);
	for (i = 0; i < HA_DIGEST_HEXLEN; i++)
		hex[i] = (char)tolower((unsigned char)s[i]);
	hex[HA_DIGEST_HEXLEN] = '\0';
	return 0;
}

struct hd_line {
	const char *p;
	size_t len;
	size_t idx;		/* order in the input: here first, then peer */
	char side;		/* '-' here, '+' peer */
	bool differs;
};

/* Append the non-blank lines of @text, without trailing blanks/CR. */
static void
hd_split(const char *text, char side, struct hd_line **v, size_t *n)
{
	const char *p = text, *nl;
	size_t len;

	while (*p) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
			       p[len - 1] == '\r'))
			len--;
		if (len) {
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[*n] = (struct hd_line){ p, len, *n, side, false };
			(*n)++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* By content, then here before peer, then input order. */
static int
hd_cmp_content(const void *a, const void *b)
{
	const struct hd_line *x = a, *y = b;
	size_t m = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, m);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->side != y->side)
		return x->side == '-' ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
hd_cmp_idx(const void *a, const void *b)
{
	const struct hd_line *x = a, *y = b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * In each run of equal lines, the first min(here, peer) of either side
 * are shared; the rest of the larger side differ.
 */
static size_t
hd_mark(struct hd_line *v, size_t n)
{
	size_t i = 0, j, k, nh, np, ndiff = 0;

	while (i < n) {
		for (j = i; j < n && v[j].len == v[i].len &&
		     !memcmp(v[j].p, v[i].p, v[i].len); j++)
			;
		for (nh = 0, k = i; k < j && v[k].side == '-'; k++)
			nh++;
		np = j - i - nh;
		for (k = i + (nh < np ? nh : np); k < i + nh; k++)
			v[k].differs = true;
		for (k = i + nh + (nh < np ? nh : np); k < j; k++)
			v[k].differs = true;
		ndiff += nh > np ? nh - np : np - nh;
		i = j;
	}
	return ndiff;
}

/* The next non-blank line at *@p (trimmed as hd_split() does); false at
 * the end. */
static bool
hd_next(const char **p, const char **line, size_t *len)
{
	const char *nl;

	while (**p) {
		nl = strchr(*p, '\n');
		*line = *p;
		*len = nl ? (size_t)(nl - *p) : strlen(*p);
		*p = nl ? nl + 1 : *p + *len;
		while (*len && ((*line)[*len - 1] == ' ' ||
				(*line)[*len - 1] == '\t' ||
				(*line)[*len - 1] == '\r'))
			(*len)--;
		if (*len)
			return true;
	}
	return false;
}

size_t
ha_rules_order(const char *here, const char *peer, const char **a,
	       size_t *alen, const char **b, size_t *blen)
{
	size_t n = 0;

	while (hd_next(&here, a, alen) && hd_next(&peer, b, blen)) {
		n++;
		if (*alen != *blen || memcmp(*a, *b, *alen))
			return n;
	}
	return 0;
}

size_t
ha_rules_compare(const char *here, const char *peer,
		 void (*fn)(void *arg, char side, const char *line,
			    size_t len),
		 void *arg)
{
	struct hd_line *v = NULL;
	size_t n = 0, i, ndiff;

	hd_split(here, '-', &v, &n);
	hd_split(peer, '+', &v, &n);
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), hd_cmp_content);
	ndiff = hd_mark(v, n);
	qsort(v, n, sizeof(*v), hd_cmp_idx);
	for (i = 0; fn && i < n; i++)
		if (v[i].differs)
			fn(arg, v[i].side, v[i].p, v[i].len);
	free(v);
	return ndiff;
}

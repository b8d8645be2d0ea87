/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strbuf.c - the growable text buffer (see strbuf.h).
 *
 * Owns: growth (doubling, so appending n bytes costs O(n) overall) and the
 * NUL after the text.  Does not own: escaping or output policy.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

void
strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->s = NULL;
	sb->len = 0;
	sb->cap = 0;
	if (hint) {
		sb->cap = hint + 1;
		sb->s = xmalloc(sb->cap);
		sb->s[0] = '\0';
	}
}

void
strbuf_done(struct strbuf *sb)
{
	free(sb->s);
	strbuf_init(sb, 0);
}

void
strbuf_reset(struct strbuf *sb)
{
	strbuf_truncate(sb, 0);
}

void
strbuf_truncate(struct strbuf *sb, size_t len)
{
	if (!sb->s)
		return;
	if (len < sb->len)
		sb->len = len;
	sb->s[sb->len] = '\0';
}

const char *
strbuf_str(const struct strbuf *sb)
{
	return sb->s ? sb->s : "";
}

char *
strbuf_take(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	strbuf_init(sb, 0);
	return s;
}

char *
strbuf_room(struct strbuf *sb, size_t n)
{
	size_t need = sb->len + n + 1;

	if (need > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;

		while (cap < need)
			cap *= 2;
		sb->s = xrealloc(sb->s, cap);
		sb->cap = cap;
	}
	return sb->s + sb->len;
}

void
strbuf_commit(struct strbuf *sb, char *end)
{
	sb->len = (size_t)(end - sb->s);
	sb->s[sb->len] = '\0';
}

void
strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
	char *d = strbuf_room(sb, n);

	memcpy(d, p, n);
	strbuf_commit(sb, d + n);
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
	char *d = strbuf_room(sb, 1);

	*d++ = c;
	strbuf_commit(sb, d);
}

void
strbuf_u64(struct strbuf *sb, uint64_t v)
{
	strbuf_commit(sb, strbuf_put_u64(strbuf_room(sb, 20), v));
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	strbuf_room(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

int
strbuf_write(struct strbuf *sb, FILE *fp)
{
	size_t n = sb->len, w;

	if (!n)
		return 0;
	w = fwrite(sb->s, 1, n, fp);
	strbuf_reset(sb);
	return w == n ? 0 : -1;
}

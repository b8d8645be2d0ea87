/* SPDX-License-Identifier: GPL-3.0-or-later */
/* esc.c - see esc.h. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/esc.h"
#include "core/xalloc.h"

size_t
esc_utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

static bool
cp_unsafe(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||		/* C1: CSI, OSC, ... */
	       (c >= 0x202a && c <= 0x202e) ||		/* bidi embeddings */
	       (c >= 0x2066 && c <= 0x2069) ||		/* bidi isolates */
	       c == 0x200e || c == 0x200f;		/* LRM, RLM */
}

size_t
esc_safe(const unsigned char *p, size_t n, unsigned int flags)
{
	uint32_t c;
	size_t len;

	if (p[0] >= 0x20 && p[0] < 0x7f)
		return 1;
	if (p[0] == '\n' || p[0] == '\t')
		return (flags & ESC_KEEP_LINES) ? 1 : 0;
	if (p[0] < 0x80)
		return 0;			/* C0, DEL */
	len = esc_utf8(p, n, &c);
	return len && !cp_unsafe(c) ? len : 0;
}

/* The escape of the character at @p into @out (at least 8 bytes); how
 * many input bytes it stands for in *@used. */
static size_t
esc_one(const unsigned char *p, size_t n, char *out, size_t *used)
{
	uint32_t c;
	size_t len = p[0] >= 0x80 ? esc_utf8(p, n, &c) : 0;

	if (len) {				/* an unsafe code point */
		*used = len;
		return (size_t)snprintf(out, 8, "\\u%04x", (unsigned int)c);
	}
	*used = 1;
	switch (p[0]) {
	case '\n': memcpy(out, "\\n", 2); return 2;
	case '\r': memcpy(out, "\\r", 2); return 2;
	case '\t': memcpy(out, "\\t", 2); return 2;
	case 0x1b: memcpy(out, "\\e", 2); return 2;
	}
	return (size_t)snprintf(out, 8, "\\x%02x", p[0]);
}

bool
esc_needed(const char *s, unsigned int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	while (n) {
		k = esc_safe(p, n, flags);
		if (!k)
			return true;
		p += k;
		n -= k;
	}
	return false;
}

/* @n bytes of @s, escaped, to @put: runs that pass in one call, each
 * escape in another. */
static void
esc_walk(const char *s, size_t n, unsigned int flags,
	 void (*put)(void *to, const void *p, size_t n), void *to)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k, m, used;
	char e[8];

	while (n) {
		for (k = 0; k < n; k += m) {
			m = esc_safe(p + k, n - k, flags);
			if (!m)
				break;
		}
		if (k)
			put(to, p, k);
		p += k;
		n -= k;
		if (!n)
			break;
		put(to, e, esc_one(p, n, e, &used));
		p += used;
		n -= used;
	}
}

static void
put_sbuf(void *to, const void *p, size_t n)
{
	strbuf_add(to, p, n);
}

static void
put_file(void *to, const void *p, size_t n)
{
	fwrite(p, 1, n, to);
}

void
esc_sbuf(struct strbuf *sb, const char *s, size_t n, unsigned int flags)
{
	esc_walk(s, n, flags, put_sbuf, sb);
}

void
esc_fwrite(FILE *fp, const char *s, size_t n, unsigned int flags)
{
	esc_walk(s, n, flags, put_file, fp);
}

void
esc_fputs(FILE *fp, const char *s, unsigned int flags)
{
	esc_fwrite(fp, s, strlen(s), flags);
}

char *
esc_dup(const char *s, unsigned int flags)
{
	struct strbuf sb = STRBUF_INIT;

	if (!s)
		return NULL;
	if (!esc_needed(s, flags))
		return xstrdup(s);
	esc_sbuf(&sb, s, strlen(s), flags);
	return strbuf_take(&sb);
}

size_t
esc_char_cols(const char *s, size_t n, unsigned int flags, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = esc_safe(p, n, flags);
	char e[8];

	if (k) {
		*used = k;
		return 1;
	}
	return esc_one(p, n, e, used);
}

size_t
esc_cols(const char *s, size_t upto, unsigned int flags)
{
	size_t n = strnlen(s, upto), cols = 0, used;

	while (n) {
		if (*s == '\t' && (flags & ESC_KEEP_LINES))
			cols += 8 - cols % 8, used = 1;
		else
			cols += esc_char_cols(s, n, flags, &used);
		s += used;
		n -= used;
	}
	return cols;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strbuf.h - the one growable text buffer.
 *
 * Owns: a NUL-terminated byte buffer that grows as text is appended
 * (strings, characters, decimals, printf), and handing its text over to
 * the caller or writing it to a FILE.  Hot writers (a 250k-line conntrack
 * listing) reserve room once per line with strbuf_room() and write through
 * the returned pointer with the strbuf_put_*() helpers, then say how far
 * they got with strbuf_commit(); nothing is allocated per line once the
 * buffer is big enough.
 * Does not own: what the text means, escaping (JSON strings are the
 * printer's, core/out.h), flushing policy (callers decide when to write).
 *
 * Allocation cannot fail (xalloc).  A zeroed struct (STRBUF_INIT) is an
 * empty buffer; strbuf_str() of it is "".
 */
#ifndef MASQ_STRBUF_H
#define MASQ_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct strbuf {
	char *s;		/* NUL-terminated once anything was added */
	size_t len;		/* bytes of text, without the NUL */
	size_t cap;		/* bytes allocated */
};

#define STRBUF_INIT { NULL, 0, 0 }

/* Empty @sb with room for @hint bytes (0: allocate on first use). */
void strbuf_init(struct strbuf *sb, size_t hint);
/* Free the text; @sb is empty again. */
void strbuf_done(struct strbuf *sb);
/* Forget the text, keep the memory. */
void strbuf_reset(struct strbuf *sb);
/* Cut the text back to @len bytes (<= sb->len). */
void strbuf_truncate(struct strbuf *sb, size_t len);

/* The text, borrowed until the next change ("" when empty). */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the text over (caller frees; never NULL) and empty @sb. */
char *strbuf_take(struct strbuf *sb);

/*
 * Make room for @n more bytes (and the NUL) and return where they go.
 * Write at most @n bytes there, then strbuf_commit() the end pointer.
 * The pointer is valid until the next call that adds text.
 */
char *strbuf_room(struct strbuf *sb, size_t n);
/* The text now ends at @end (inside the room strbuf_room() gave). */
void strbuf_commit(struct strbuf *sb, char *end);

void strbuf_add(struct strbuf *sb, const void *p, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
/* Decimal text of @v, as "%" PRIu64. */
void strbuf_u64(struct strbuf *sb, uint64_t v);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Write the text to @fp and empty @sb, keeping its memory.  Returns 0, or
 * -1 when @fp took less (its error flag is set).
 */
int strbuf_write(struct strbuf *sb, FILE *fp);

/*
 * Raw writers for room reserved with strbuf_room(): each writes at @p
 * without a NUL and returns the end.  strbuf_put_u64() writes at most 20
 * bytes.  Inline, and a byte loop rather than strlen() + memcpy(): rows
 * are made of short words and numbers.  As calls they cost a third of
 * the user time of a 250k-entry `show masq` (bench/ct_dump.sh's table,
 * least user time of 15 runs: -j 105 -> 72 ms, text 74 -> 54 ms).  The
 * number by hand rather than snprintf("%" PRIu64): with snprintf a
 * `show masq` of 25k entries runs 3.8x the user-space instructions
 * (callgrind: 95 M -> 357 M; -j 116 M -> 423 M), and at 250k takes 1.3-2x
 * the CPU time (median 1.48; issue 11, bench/ct_dump.sh -a).
 */
static inline char *
strbuf_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* The same for a signed value ("-12"): at most 20 bytes.  Returns the end. */
static inline char *
strbuf_put_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return strbuf_put_u64(p, 0 - (uint64_t)v);
	}
	return strbuf_put_u64(p, (uint64_t)v);
}

static inline char *
strbuf_put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

#endif

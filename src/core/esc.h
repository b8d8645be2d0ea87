/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * esc.h - text from outside on a terminal, made harmless.
 *
 * Comments, interface names (Linux allows any byte but '/', ':', blanks
 * and NUL in one), imported files and the lines of errors come from
 * outside; printed raw, an ESC or a C1 control in them would drive the
 * admin's terminal (colours, a rewritten title, a cleared screen, text
 * hidden after a carriage return).  What masqsh and masqtop print as text
 * passes through here: the C0 controls, DEL, the C1 controls (U+0080..
 * U+009F), the bidirectional overrides (Trojan Source: U+202A..U+202E,
 * U+2066..U+2069) and bytes that are not UTF-8 are written as \xNN or
 * \uNNNN; a backslash stays a backslash.  Printable UTF-8 passes.
 */
#ifndef MASQ_CORE_ESC_H
#define MASQ_CORE_ESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/strbuf.h"

enum {
	ESC_KEEP_LINES = 1 << 0,	/* '\n' and '\t' pass (whole text
					 * blocks whose layout is ours) */
};

/*
 * The code point of the well-formed UTF-8 sequence at @p (@n bytes left)
 * in *@cp, and its length; 0 when it is not one (overlong, a surrogate,
 * past U+10FFFF, cut short).  ASCII is a sequence of 1.
 */
size_t esc_utf8(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * Bytes of the character at @p (@n bytes left) when it may be printed as
 * it is, 0 when it must be escaped (one byte at a time).  Cannot fail.
 */
size_t esc_safe(const unsigned char *p, size_t n, unsigned int flags);

/* Does @s hold anything esc_safe() refuses? */
bool esc_needed(const char *s, unsigned int flags);

/* @n bytes of @s, escaped, to @fp / appended to @sb.  Cannot fail
 * (write errors stay in @fp). */
void esc_fwrite(FILE *fp, const char *s, size_t n, unsigned int flags);
void esc_fputs(FILE *fp, const char *s, unsigned int flags);
void esc_sbuf(struct strbuf *sb, const char *s, size_t n,
	      unsigned int flags);

/* @s escaped, in a new string (the caller frees); NULL for NULL. */
char *esc_dup(const char *s, unsigned int flags);

/* The character at @s (@n bytes left): the columns it takes printed by
 * esc_fwrite() (1 when it passes as it is), and in *@used its bytes. */
size_t esc_char_cols(const char *s, size_t n, unsigned int flags,
		     size_t *used);

/* Terminal columns the first @upto bytes of @s take once escaped (a
 * printable UTF-8 character counts 1).  For placing a marker under it. */
size_t esc_cols(const char *s, size_t upto, unsigned int flags);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * crlf.h - finding and fixing the byte-level faults that break shell
 * scripts and rule files copied from other systems (FAQ 7.3): CR LF and
 * lone CR line endings, a UTF-8 byte-order mark, no-break and other
 * invisible characters, bytes that are not UTF-8, a CR in the shebang.
 *
 * Line numbers count LF, CR LF and a lone CR each as one line end, so they
 * are the line numbers of the fixed file.  Columns are 1-based bytes.
 */
#ifndef MASQ_DIAG_CRLF_H
#define MASQ_DIAG_CRLF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum diag_crlf_kind {
	DIAG_CRLF_CRLF,		/* CR LF line end -> LF */
	DIAG_CRLF_CR,		/* lone CR -> LF */
	DIAG_CRLF_SHEBANG,	/* "#!/bin/sh\r": interpreter name gets the CR */
	DIAG_CRLF_BOM,		/* EF BB BF at offset 0 -> removed */
	DIAG_CRLF_NBSP,		/* U+00A0, U+202F -> space */
	DIAG_CRLF_ZERO_WIDTH,	/* U+200B..U+200D, U+2060, U+FEFF -> removed */
	DIAG_CRLF_SOFT_HYPHEN,	/* U+00AD -> removed */
	DIAG_CRLF_BIDI,		/* U+200E/F, U+202A..E, U+2066..9 -> removed */
	DIAG_CRLF_BAD_UTF8,	/* not UTF-8: reported, never changed */
};

struct diag_crlf_finding {
	enum diag_crlf_kind kind;
	unsigned int line, col;
	uint32_t cp;		/* the code point (0 for line ends, bad bytes) */
	uint8_t byte;		/* DIAG_CRLF_BAD_UTF8: the first bad byte */
};

/* One line of English for @kind ("CR LF line end"). */
const char *diag_crlf_kind_name(enum diag_crlf_kind kind);
/* True when `fix` changes this kind of fault. */
bool diag_crlf_kind_fixable(enum diag_crlf_kind kind);

/*
 * Scan @n bytes.  *@f is an array of *@nf findings in file order (caller
 * frees; NULL when none).  Cannot fail.
 */
void diag_crlf_scan(const uint8_t *buf, size_t n,
		    struct diag_crlf_finding **f, size_t *nf);

/* The fixed bytes of @buf; caller frees.  Bad UTF-8 is copied as is. */
uint8_t *diag_crlf_fix_buf(const uint8_t *buf, size_t n, size_t *out_n);

/* The backup a fix leaves: "FILE.orig". */
#define DIAG_CRLF_BACKUP_SUFFIX ".orig"

/*
 * Read @path (never through a symlink: a symlink is refused, as is
 * anything but a regular file; at most 64 MiB).  *@buf is the caller's
 * to free.  -1 with @e filled on error.
 */
int diag_crlf_read(const char *path, uint8_t **buf, size_t *n,
		   struct masq_err *e);

/*
 * Fix @path in place: the fixed bytes go to a temporary file in the same
 * directory with the original's mode and owner, the original is kept as
 * PATH.orig (refused if that exists), then the temporary is renamed over
 * @path.  *@changed tells whether anything was rewritten (an already clean
 * file is left alone, no backup).  -1 with @e filled; the original is
 * then untouched.
 */
int diag_crlf_fix_file(const char *path, bool *changed, struct masq_err *e);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * xalloc.h - allocation that cannot fail: on exhaustion masqsh prints one
 * line and exits 1, as there is no useful recovery in a CLI.  Only for small
 * bookkeeping; bulk buffers use plain malloc and report errors.
 */
#ifndef MASQ_XALLOC_H
#define MASQ_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
/* reallocarray that cannot fail. */
void *xreallocarray(void *p, size_t n, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* asprintf that cannot fail.  Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * out.h - the one printer: every command writes through it, and it writes
 * either human text or JSON, never both (iproute2's print_*(PRINT_ANY) idea).
 *
 * Each out_* call names a JSON key and a printf format for text mode.  In
 * text mode the format (if not NULL) is printed with the value and the key is
 * ignored; in JSON mode the key/value pair is emitted and the format ignored.
 * out_text() is text-only decoration.  A command's JSON document is one
 * value, printed compactly on one line (so several -c commands give NDJSON).
 * Output errors are sticky and reported by out_error().
 */
#ifndef MASQ_OUT_H
#define MASQ_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct out;

/* Caller frees with out_free().  Returns NULL only on allocation failure. */
struct out *out_new(FILE *fp, bool json);
void out_free(struct out *o);
bool out_is_json(const struct out *o);
FILE *out_fp(const struct out *o);
/* Non-zero when a write failed since out_new(). */
int out_error(const struct out *o);

/* Containers.  @key NULL at top level and inside arrays. */
void out_obj_open(struct out *o, const char *key);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);
/* Close everything still open and end the JSON document with a newline. */
void out_doc_end(struct out *o);

void out_str(struct out *o, const char *key, const char *fmt, const char *v);
void out_int(struct out *o, const char *key, const char *fmt, long long v);
void out_u64(struct out *o, const char *key, const char *fmt, uint64_t v);
void out_bool(struct out *o, const char *key, const char *fmt, bool v);
/* JSON null (text: prints @fmt with "-" as its %s argument). */
void out_null(struct out *o, const char *key, const char *fmt);
/* Text mode only; ignored with JSON. */
void out_text(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write @s as a JSON string literal (quotes and escapes) to @fp. */
void out_json_string(FILE *fp, const char *s);

#endif

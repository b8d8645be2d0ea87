/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * out.c - text/JSON printer (see out.h).  Owns only the nesting stack used
 * to place commas; it never buffers a whole document, so listings of a
 * million entries stream.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/esc.h"
#include "core/out.h"

/* The text formats are the callers' literals, passed through: the one
 * place masqsh prints with a non-literal format. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define OUT_DEPTH 32

struct out {
	FILE *fp;
	bool json;
	int depth;
	unsigned int count[OUT_DEPTH];	/* members written at each level */
	char closer[OUT_DEPTH];
	bool written;		/* something since the last document end */
	int err;
};

struct out *
out_new(FILE *fp, bool json)
{
	struct out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->fp = fp;
	o->json = json;
	return o;
}

void
out_free(struct out *o)
{
	free(o);
}

bool
out_is_json(const struct out *o)
{
	return o->json;
}

FILE *
out_fp(const struct out *o)
{
	return o->fp;
}

int
out_error(const struct out *o)
{
	return o->err || ferror(o->fp);
}

void
out_json_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	putc('"', fp);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				putc(*p, fp);
		}
	}
	putc('"', fp);
}

static void out_textf(struct out *o, const char *fmt, ...);

/* Comma and key before a new JSON member. */
static void
out_member(struct out *o, const char *key)
{
	o->written = true;
	if (o->depth > 0 && o->count[o->depth - 1]++)
		putc(',', o->fp);
	if (key && o->depth > 0 && o->closer[o->depth - 1] == '}') {
		out_json_string(o->fp, key);
		putc(':', o->fp);
	}
}

static void
out_open(struct out *o, const char *key, char open, char close)
{
	if (!o->json)
		return;
	out_member(o, key);
	putc(open, o->fp);
	if (o->depth < OUT_DEPTH) {
		o->closer[o->depth] = close;
		o->count[o->depth] = 0;
	}
	o->depth++;
}

static void
out_close(struct out *o)
{
	if (!o->json || o->depth == 0)
		return;
	o->depth--;
	putc(o->depth < OUT_DEPTH ? o->closer[o->depth] : '}', o->fp);
}

void out_obj_open(struct out *o, const char *key) { out_open(o, key, '{', '}'); }
void out_obj_close(struct out *o) { out_close(o); }
void out_arr_open(struct out *o, const char *key) { out_open(o, key, '[', ']'); }
void out_arr_close(struct out *o) { out_close(o); }

void
out_doc_end(struct out *o)
{
	if (!o->json)
		return;
	while (o->depth > 0)
		out_close(o);
	/* A command that failed before writing leaves no empty line. */
	if (o->written)
		putc('\n', o->fp);
	o->written = false;
	fflush(o->fp);
}

void
out_str(struct out *o, const char *key, const char *fmt, const char *v)
{
	if (o->json) {
		out_member(o, key);
		if (v)
			out_json_string(o->fp, v);
		else
			fputs("null", o->fp);
	} else if (fmt) {
		out_textf(o, fmt, v ? v : "-");
	}
}

void
out_int(struct out *o, const char *key, const char *fmt, long long v)
{
	if (o->json) {
		out_member(o, key);
		fprintf(o->fp, "%lld", v);
	} else if (fmt) {
		fprintf(o->fp, fmt, v);
	}
}

void
out_u64(struct out *o, const char *key, const char *fmt, uint64_t v)
{
	if (o->json) {
		out_member(o, key);
		fprintf(o->fp, "%" PRIu64, v);
	} else if (fmt) {
		fprintf(o->fp, fmt, v);
	}
}

void
out_bool(struct out *o, const char *key, const char *fmt, bool v)
{
	if (o->json) {
		out_member(o, key);
		fputs(v ? "true" : "false", o->fp);
	} else if (fmt) {
		fprintf(o->fp, fmt, v ? "yes" : "no");
	}
}

void
out_null(struct out *o, const char *key, const char *fmt)
{
	if (o->json) {
		out_member(o, key);
		fputs("null", o->fp);
	} else if (fmt) {
		fprintf(o->fp, fmt, "-");
	}
}

/*
 * Text output, through esc.h: the formats are ours, the strings in them
 * often are not (comments, interface names, imported text), so the
 * whole line is escaped but for its newlines and tabs -- no format of
 * masqsh holds another control character.
 */
static void
out_vtext(struct out *o, const char *fmt, va_list ap)
{
	char buf[512], *big = NULL;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		big = malloc((size_t)n + 1);
		if (!big) {
			o->err = 1;
			return;
		}
		vsnprintf(big, (size_t)n + 1, fmt, ap);
	}
	esc_fwrite(o->fp, big ? big : buf, (size_t)n, ESC_KEEP_LINES);
	free(big);
}

static void
out_textf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vtext(o, fmt, ap);
	va_end(ap);
}

void
out_text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	out_vtext(o, fmt, ap);
	va_end(ap);
}

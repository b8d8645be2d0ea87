/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * err.c - filling and rendering struct masq_err (see err.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/esc.h"

void
err_init(struct masq_err *e)
{
	memset(e, 0, sizeof(*e));
}

void
err_done(struct masq_err *e)
{
	free(e->input);
	err_init(e);
}

static void __attribute__((format(printf, 3, 0)))
err_vset(struct masq_err *e, int code, const char *fmt, va_list ap)
{
	free(e->input);
	e->input = NULL;
	e->pos = e->len = 0;
	e->code = code;
	e->hint[0] = e->kernel[0] = e->origin[0] = '\0';
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
err_set(struct masq_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	e->sys_errno = 0;
	return -1;
}

int
err_sys(struct masq_err *e, int code, int sys, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	e->sys_errno = sys;
	n = strlen(e->msg);
	if (sys > 0 && n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(sys));
	return -1;
}

static void
err_mark(struct masq_err *e, const struct masq_tok *t, size_t sub, size_t sublen)
{
	if (!t || !t->line)
		return;
	e->input = strdup(t->line);
	if (!e->input)
		return;
	e->pos = t->off + sub;
	e->len = sublen ? sublen : 1;
	if (e->pos > strlen(e->input))
		e->pos = strlen(e->input);
}

int
err_tok(struct masq_err *e, int code, const struct masq_tok *t,
	const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	e->sys_errno = 0;
	err_mark(e, t, 0, t ? t->len : 0);
	return -1;
}

int
err_tok_sub(struct masq_err *e, int code, const struct masq_tok *t,
	    size_t sub, size_t sublen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	e->sys_errno = 0;
	if (t && sub + sublen > t->len) {
		sub = 0;
		sublen = t->len;
	}
	err_mark(e, t, sub, sublen);
	return -1;
}

int
err_quiet(struct masq_err *e, int code)
{
	err_done(e);
	e->code = code;
	return -1;
}

int
err_hint(struct masq_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
	return -1;
}

int
err_origin(struct masq_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->origin, sizeof(e->origin), fmt, ap);
	va_end(ap);
	return -1;
}

int
err_prefix(struct masq_err *e, const char *fmt, ...)
{
	char pre[256], old[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	e->msg[0] = '\0';
	strncat(e->msg, pre, sizeof(e->msg) - 1);
	strncat(e->msg, ": ", sizeof(e->msg) - 1 - strlen(e->msg));
	strncat(e->msg, old, sizeof(e->msg) - 1 - strlen(e->msg));
	return -1;
}

/* Blanks (tabs where the line has them) up to byte @pos of @line as
 * esc_fputs() shows it, then '^' and '~' under the @len bytes there. */
static void
err_marker(FILE *fp, const char *line, size_t pos, size_t len)
{
	size_t i = 0, w, used, n = strlen(line);

	if (pos > n)
		pos = n;
	if (len > n - pos)
		len = n - pos;
	while (i < pos) {
		if (line[i] == '\t') {
			putc('\t', fp);
			i++;
			continue;
		}
		w = esc_char_cols(line + i, n - i, ESC_KEEP_LINES, &used);
		while (w--)
			putc(' ', fp);
		i += used;
	}
	w = esc_cols(line + pos, len, ESC_KEEP_LINES);
	putc('^', fp);
	while (w-- > 1)
		putc('~', fp);
	putc('\n', fp);
}

void
err_print(FILE *fp, const struct masq_err *e, const char *prog,
	  const char *where)
{

	if (!e->msg[0])
		return;		/* err_quiet(): the output said it */
	if (e->origin[0])
		where = e->origin;
	/*
	 * Every part may hold bytes from outside -- the line of an imported
	 * file, a word typed, a file name, the kernel's text -- so every part
	 * goes through esc.h: nothing here can drive the terminal.
	 */
	esc_fputs(fp, where ? where : prog, 0);
	if (where && e->input && e->len)
		fprintf(fp, ":%zu", e->pos + 1);
	fputs(": error: ", fp);
	esc_fputs(fp, e->msg, 0);
	putc('\n', fp);
	if (e->kernel[0]) {
		fputs("  kernel says: ", fp);
		esc_fputs(fp, e->kernel, 0);
		putc('\n', fp);
	}
	if (e->input && e->len) {
		/* a tab stays a tab, so that columns line up as typed */
		fputs("  ", fp);
		esc_fputs(fp, e->input, ESC_KEEP_LINES);
		fputs("\n  ", fp);
		err_marker(fp, e->input, e->pos, e->len);
	}
	if (e->hint[0]) {
		fputs("  hint: ", fp);
		esc_fputs(fp, e->hint, 0);
		putc('\n', fp);
	}
}

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= 64 || la >= 64)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev : 1 + (prev < row[j - 1] ?
				(prev < row[j] ? prev : row[j]) :
				(row[j - 1] < row[j] ? row[j - 1] : row[j]));
			prev = tmp;
		}
	}
	return row[lb];
}

const char *
err_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, d, lim;

	if (!word || !cands)
		return NULL;
	lim = strlen(word) <= 3 ? 1 : 2;
	for (; *cands; cands++) {
		d = edit_distance(word, *cands);
		if (d < bestd) {
			bestd = d;
			best = *cands;
		}
	}
	return bestd <= lim ? best : NULL;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * warn.c - the warnings of a run (cmds_warn): each cause said once.
 *
 * A script of 10,000 `masq add out ppp0 ...` lines, run before ppp0 is
 * up, would say "interface 'ppp0' does not exist (yet)" 10,000 times and
 * bury whatever else it had to say.  So outside the interactive shell
 * (-f files, a piped stdin, several -c: one run of masqsh), a warning
 * whose text was printed before in the run is counted instead of printed,
 * and cmd_ctx_done() ends the run with one line for each warning that
 * repeated, at the position of its first occurrence:
 *
 *   rules.msh:1: warning: interface 'ppp0' does not exist (yet)
 *   ...
 *   rules.msh:1: warning: repeated 9999 more times (the last at
 *     rules.msh:10000): interface 'ppp0' does not exist (yet)
 *
 * The cause is the text itself: messages name their object, so ppp0 and
 * ppp1 are two warnings.  In the interactive shell each command's
 * warnings print as they come; a person reads one command at a time.
 *
 * Owns: printing warnings, the set of texts seen (a hash table) and the
 * summary.  Does not own: what deserves a warning (the commands).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "shell/cmd_int.h"

struct cmd_warn {
	char *msg;
	char *first;		/* ctx->where of the first, or NULL */
	char *last;		/* ctx->where of the last repeat, or NULL */
	unsigned long repeats;
	uint32_t hash;
};

struct cmd_warns {
	struct cmd_warn *v;	/* in the order they were first said */
	size_t n;
	uint32_t *slot;		/* open addressing: index + 1, 0 empty */
	size_t nslot;		/* a power of two, more than twice n */
};

static uint32_t
warn_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
warns_grow(struct cmd_warns *w)
{
	size_t i, j, mask;

	free(w->slot);
	w->nslot = w->nslot ? w->nslot * 2 : 64;
	w->slot = xcalloc(w->nslot, sizeof(*w->slot));
	mask = w->nslot - 1;
	for (i = 0; i < w->n; i++) {
		for (j = w->v[i].hash & mask; w->slot[j]; j = (j + 1) & mask)
			;
		w->slot[j] = (uint32_t)(i + 1);
	}
}

/* The entry for @msg; a new one (taking @msg) when first seen, with
 * *@fresh set.  Otherwise @msg is freed. */
static struct cmd_warn *
warns_get(struct cmd_warns *w, char *msg, bool *fresh)
{
	uint32_t h = warn_hash(msg);
	size_t j, mask;

	if (2 * (w->n + 1) > w->nslot)
		warns_grow(w);
	mask = w->nslot - 1;
	for (j = h & mask; w->slot[j]; j = (j + 1) & mask) {
		struct cmd_warn *x = &w->v[w->slot[j] - 1];

		if (x->hash == h && !strcmp(x->msg, msg)) {
			free(msg);
			*fresh = false;
			return x;
		}
	}
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	w->v[w->n] = (struct cmd_warn){ .msg = msg, .hash = h };
	w->slot[j] = (uint32_t)++w->n;
	*fresh = true;
	return &w->v[w->n - 1];
}

static void
warn_print(const char *where, const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "%s: warning: %s\n", where ? where : "masqsh", msg);
}

void
cmds_warn(struct cmd_ctx *ctx, const char *fmt, ...)
{
	struct cmd_warn *x;
	va_list ap;
	bool fresh;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;		/* out of memory: a warning is not worth dying */
	if (ctx->interactive) {
		warn_print(ctx->where, msg);
		free(msg);
		return;
	}
	if (!ctx->warns)
		ctx->warns = xcalloc(1, sizeof(*ctx->warns));
	x = warns_get(ctx->warns, msg, &fresh);
	if (fresh) {
		x->first = ctx->where ? xstrdup(ctx->where) : NULL;
		warn_print(ctx->where, x->msg);
		return;
	}
	x->repeats++;
	free(x->last);
	x->last = ctx->where ? xstrdup(ctx->where) : NULL;
}

void
cmds_warn_flush(struct cmd_ctx *ctx)
{
	struct cmd_warns *w = ctx->warns;
	struct cmd_warn *x;
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->n; i++) {
		x = &w->v[i];
		if (x->repeats) {
			fflush(stdout);
			fprintf(stderr, "%s: warning: repeated %lu more time%s%s"
				"%s%s: %s\n", x->first ? x->first : "masqsh",
				x->repeats, x->repeats == 1 ? "" : "s",
				x->last ? " (the last at " : "",
				x->last ? x->last : "", x->last ? ")" : "",
				x->msg);
		}
		free(x->msg);
		free(x->first);
		free(x->last);
	}
	free(w->v);
	free(w->slot);
	free(w);
	ctx->warns = NULL;
}

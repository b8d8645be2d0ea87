/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_diff.c - `diff`: the table the staged rules compile to against the
 * table of ours the kernel holds now (read back over netlink, counters
 * zeroed), as a unified line diff.  Hand edits with nft(8) show up here.
 *
 * Exits 1 when they differ (err_quiet(): the diff is the message), so a
 * script can test for drift.
 *
 * The diff is a plain LCS over the lines between the common prefix and
 * suffix; when that middle is too large for the table (many thousands of
 * changed lines) it is shown as removed-then-added, which is still true.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/nft.h"
#include "shell/cmd_int.h"

#define DIFF_CONTEXT 3
#define DIFF_MAX_CELLS (4u << 20)

struct lines {
	char **v;
	size_t n;
};

/* Split @text (modified in place) into lines. */
static void
lines_split(struct lines *l, char *text)
{
	char *p = text, *nl;

	l->v = NULL;
	l->n = 0;
	while (*p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
}

struct op {
	char kind;		/* ' ', '-', '+' */
	const char *line;
	size_t ai, bi;		/* line numbers (0-based) before this op */
};

struct ops {
	struct op *v;
	size_t n;
};

static void
op_add(struct ops *o, char kind, const char *line, size_t ai, size_t bi)
{
	o->v = xreallocarray(o->v, o->n + 1, sizeof(*o->v));
	o->v[o->n++] = (struct op){ kind, line, ai, bi };
}

/* The edit script turning @a into @b. */
static void
diff_ops(const struct lines *a, const struct lines *b, struct ops *o)
{
	size_t p = 0, q = 0, ma, mb, i, j, w;
	uint32_t *t;

	while (p < a->n && p < b->n && !strcmp(a->v[p], b->v[p]))
		p++;
	while (q < a->n - p && q < b->n - p &&
	       !strcmp(a->v[a->n - 1 - q], b->v[b->n - 1 - q]))
		q++;
	ma = a->n - p - q;
	mb = b->n - p - q;
	for (i = 0; i < p; i++)
		op_add(o, ' ', a->v[i], i, i);
	w = mb + 1;
	if ((ma + 1) * w > DIFF_MAX_CELLS) {
		for (i = 0; i < ma; i++)
			op_add(o, '-', a->v[p + i], p + i, p);
		for (j = 0; j < mb; j++)
			op_add(o, '+', b->v[p + j], p + ma, p + j);
		goto tail;
	}
	/* t[i][j]: LCS length of a[p+i..] and b[p+j..] */
	t = xcalloc((ma + 1) * w, sizeof(*t));
	for (i = ma; i-- > 0;)
		for (j = mb; j-- > 0;)
			t[i * w + j] = !strcmp(a->v[p + i], b->v[p + j]) ?
				t[(i + 1) * w + j + 1] + 1 :
				(t[(i + 1) * w + j] >= t[i * w + j + 1] ?
				 t[(i + 1) * w + j] : t[i * w + j + 1]);
	i = j = 0;
	while (i < ma || j < mb) {
		if (i < ma && j < mb && !strcmp(a->v[p + i], b->v[p + j])) {
			op_add(o, ' ', a->v[p + i], p + i, p + j);
			i++;
			j++;
		} else if (j == mb || (i < ma &&
				       t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			op_add(o, '-', a->v[p + i], p + i, p + j);
			i++;
		} else {
			op_add(o, '+', b->v[p + j], p + i, p + j);
			j++;
		}
	}
	free(t);
tail:
	for (i = 0; i < q; i++)
		op_add(o, ' ', a->v[a->n - q + i], a->n - q + i,
		       b->n - q + i);
}

/* Print the hunks of @o. */
static void
print_hunks(struct cmd_ctx *ctx, const struct ops *o)
{
	size_t i, start, end, k, na, nb;
	char *l;

	for (i = 0; i < o->n; i++) {
		if (o->v[i].kind == ' ')
			continue;
		start = i > DIFF_CONTEXT ? i - DIFF_CONTEXT : 0;
		/* extend over changes closer than two contexts apart */
		end = i;
		for (k = i; k < o->n && k <= end + 2 * DIFF_CONTEXT; k++)
			if (o->v[k].kind != ' ')
				end = k;
		end = end + DIFF_CONTEXT + 1 < o->n ? end + DIFF_CONTEXT + 1
						    : o->n;
		na = nb = 0;
		for (k = start; k < end; k++) {
			na += o->v[k].kind != '+';
			nb += o->v[k].kind != '-';
		}
		l = xasprintf("@@ -%zu,%zu +%zu,%zu @@", o->v[start].ai + !!na,
			      na, o->v[start].bi + !!nb, nb);
		out_str(ctx->out, NULL, "%s\n", l);
		free(l);
		for (k = start; k < end; k++) {
			l = xasprintf("%c%s", o->v[k].kind, o->v[k].line);
			out_str(ctx->out, NULL, "%s\n", l);
			free(l);
		}
		i = end - 1;
	}
}

static int
cmd_diff(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	char *staged = NULL, *kernel = NULL;
	struct nat_compiled *c = NULL;
	struct lines ls = { 0 }, lk = { 0 };
	struct ops o = { NULL, 0 };
	struct nat_ruleset rs;
	bool in_sync;
	int rc = -1;

	(void)a;
	nat_ruleset_init(&rs);
	if (cmds_load(ctx, &rs, e) < 0 || nat_compile(&rs, &c, e) < 0)
		goto out;
	staged = nat_compiled_print(c);
	if (!staged) {
		err_set(e, MASQ_EFAIL, "cannot print the compiled rules");
		goto out;
	}
	if (nat_kernel_print(&kernel, false, e) < 0)
		goto out;
	in_sync = !strcmp(staged, kernel);
	out_obj_open(ctx->out, NULL);
	out_bool(ctx->out, "in_sync", NULL, in_sync);
	out_bool(ctx->out, "kernel_table", NULL, kernel[0] != '\0');
	out_arr_open(ctx->out, "diff");
	if (in_sync) {
		out_text(ctx->out, "in sync\n");
	} else {
		if (!kernel[0])
			out_text(ctx->out, "# the kernel holds no masqsh "
				 "table (never applied, or flushed)\n");
		out_text(ctx->out, "--- staged\n+++ kernel\n");
		lines_split(&ls, staged);
		lines_split(&lk, kernel);
		diff_ops(&ls, &lk, &o);
		print_hunks(ctx, &o);
	}
	out_arr_close(ctx->out);
	out_obj_close(ctx->out);
	/* like diff(1): 1 when they differ, with nothing more to say */
	rc = in_sync ? 0 : err_quiet(e, MASQ_EFAIL);
out:
	free(o.v);
	free(ls.v);
	free(lk.v);
	free(staged);
	free(kernel);
	if (c)
		nat_compiled_free(c);
	nat_ruleset_done(&rs);
	return rc;
}

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.usage = "",
	.summary = "compare the staged rules with what the kernel runs now",
	.help = "Compile the staged rules and compare them, line by line in\n"
		"nft syntax, with our table as the kernel holds it now (read\n"
		"back over netlink, so edits made with nft show).  Lines with\n"
		"'-' are staged only, '+' only in the kernel.  Prints 'in sync'\n"
		"when they are equal.\n"
		"Exit status, as diff(1): 0 when they are equal, 1 when they\n"
		"differ (in a script that stops it, unless --keep-going), 3 or\n"
		"4 when the kernel or the database cannot be read.",
	.kws = NULL,
	.flags = CMD_KERNEL,
	.exec = cmd_diff,
};

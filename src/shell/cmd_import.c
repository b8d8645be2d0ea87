/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_import.c - `import shorewall FILE [replace]` and `export shorewall
 * [FILE]`: a Shorewall masq file in and out.
 *
 * Import is all or nothing: every line is parsed first, and only when the
 * whole file is good are the rules stored, in one transaction.  Errors
 * name FILE:LINE:COL and mark the word in the file's line.  COMMENT lines
 * attach their text to the rules that follow, until a bare COMMENT.
 * Export writes what import reads back to the same rules.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tok.h"
#include "core/xalloc.h"
#include "shell/cmd_int.h"

/* The rules of a file, as canonical texts. */
struct specs {
	char **v;
	size_t n;
};

static void
specs_done(struct specs *sp)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		free(sp->v[i]);
	free(sp->v);
	sp->v = NULL;
	sp->n = 0;
}

/* A COMMENT line: 1 with *comment replaced (NULL for a bare COMMENT). */
static int
comment_line(const char *l, char **comment)
{
	const char *p = l + strspn(l, " \t");
	size_t n;

	if (strncmp(p, "COMMENT", 7) || (p[7] && !strchr(" \t", p[7])))
		return 0;
	p += 7;
	p += strspn(p, " \t");
	n = strlen(p);
	while (n && strchr(" \t", p[n - 1]))
		n--;
	free(*comment);
	*comment = n ? xstrndup(p, n) : NULL;
	return 1;
}

/*
 * What is stored is the rule's text, and every later read parses it
 * again: a rule whose text does not parse back would make the database
 * unreadable (exit 4 on every command) until removed by hand.  So the
 * text is read back before anything is stored.
 */
static int
import_check(const char *spec, const char *path, unsigned int lineno,
	     struct masq_err *e)
{
	struct tok_list tl = { 0 };
	struct nat_rule back;
	int rc;

	nat_rule_init(&back);
	rc = tok_split(&tl, spec, 0, e);
	if (rc == 0)
		rc = nat_rule_parse_kw(&back, tl.v, tl.n, e);
	tok_list_done(&tl);
	nat_rule_done(&back);
	if (rc < 0) {
		err_origin(e, "%s:%u", path, lineno);
		err_hint(e, "the line reads as the rule above, which masqsh "
			 "could not keep");
	}
	return rc;
}

static int
read_file(const char *path, struct specs *sp, struct masq_err *e)
{
	char *l = NULL, *comment = NULL, *spec;
	unsigned int lineno = 0;
	struct nat_rule r;
	size_t cap = 0, n;
	int rc = -1, prc;
	FILE *fp;

	fp = fopen(path, "r");
	if (!fp)
		return err_sys(e, MASQ_EFAIL, errno, "cannot read '%s'", path);
	while (getline(&l, &cap, fp) >= 0) {
		lineno++;
		n = strlen(l);
		while (n && (l[n - 1] == '\n' || l[n - 1] == '\r'))
			l[--n] = '\0';
		if (comment_line(l, &comment)) {
			/* the keyword form's limit, here too: a longer
			 * comment would be stored and then never read
			 * back (found by tests/fuzz/fuzz_import) */
			if (comment && strlen(comment) > NAT_COMMENT_MAX) {
				struct masq_tok t = {
					.s = comment, .line = l,
					.off = (size_t)(strstr(l, comment) - l),
					.len = strlen(comment),
				};

				err_tok(e, MASQ_EUSAGE, &t, "comment is longer "
					"than %d characters", NAT_COMMENT_MAX);
				err_hint(e, "shorten it; nftables keeps short "
					 "comments");
				err_origin(e, "%s:%u", path, lineno);
				goto out;
			}
			continue;
		}
		nat_rule_init(&r);
		prc = nat_rule_parse_columns(&r, l, l, 0, e);
		if (prc < 0) {
			nat_rule_done(&r);
			err_origin(e, "%s:%u", path, lineno);
			goto out;
		}
		if (prc == 0) {
			if (comment) {
				free(r.comment);
				r.comment = xstrdup(comment);
			}
			spec = nat_rule_format_kw(&r);
			if (import_check(spec, path, lineno, e) < 0) {
				free(spec);
				nat_rule_done(&r);
				goto out;
			}
			sp->v = xreallocarray(sp->v, sp->n + 1, sizeof(*sp->v));
			sp->v[sp->n++] = spec;
		}
		nat_rule_done(&r);
	}
	if (ferror(fp)) {
		err_sys(e, MASQ_EFAIL, errno, "cannot read '%s'", path);
		goto out;
	}
	rc = 0;
out:
	free(comment);
	free(l);
	fclose(fp);
	return rc;
}

static int
store_specs(struct store *s, const struct specs *sp, bool replace,
	    struct masq_err *e)
{
	int64_t id;
	size_t i;

	if (replace)
		return store_rows_replace(s, STORE_MASQ,
					  (const char *const *)sp->v, sp->n, e);
	if (store_begin(s, e) < 0)
		return -1;
	for (i = 0; i < sp->n; i++) {
		if (store_row_insert(s, STORE_MASQ, 0, sp->v[i], &id, e) < 0) {
			store_rollback(s);
			return -1;
		}
	}
	return store_commit(s, e);
}

static const struct cmd_kw import_kws[] = {
	{ "FILE", CMD_ARG_FILE, "FILE", "a Shorewall masq file",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ "replace", CMD_ARG_NONE, NULL,
	  "replace the staged masq rules (default: append)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_import_shorewall(struct cmd_ctx *ctx, const struct cmd_args *a,
		     struct masq_err *e)
{
	const struct masq_tok *vals[2];
	struct specs sp = { NULL, 0 };
	struct store *s;
	bool replace;
	int rc = -1;

	if (cmd_args_bind(&cmd_import_shorewall_entry, a, vals, e) < 0)
		return -1;
	replace = vals[1] != NULL;
	if (read_file(vals[0]->s, &sp, e) < 0)
		goto out;
	if (cmd_ctx_store(ctx, &s, e) < 0)
		goto out;
	if (!ctx->check_only && store_specs(s, &sp, replace, e) < 0)
		goto out;
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "imported", ctx->check_only ?
		"would import %lld rules" : "imported %lld rules",
		(long long)sp.n);
	out_bool(ctx->out, "replace", replace ? " (replacing the staged "
		 "masq rules)\n" : "\n", replace);
	out_obj_close(ctx->out);
	rc = 0;
out:
	specs_done(&sp);
	return rc;
}

const struct cmd_entry cmd_import_shorewall_entry = {
	.name = "import shorewall",
	.usage = "FILE [replace]",
	.summary = "stage the rules of a Shorewall masq file",
	.help = "Read a Shorewall masq file: every column, '#' comments and\n"
		"COMMENT lines (their text becomes the comment of the rules that\n"
		"follow, until a bare COMMENT).  The file is all or nothing: an\n"
		"error, reported as FILE:LINE:COL, imports no rule.  With\n"
		"'replace' the staged masq rules are replaced, else appended.",
	.kws = import_kws,
	.flags = CMD_WRITES,
	.exec = cmd_import_shorewall,
};

/* Write the masq file for @rs to @fp. */
static void
export_write(FILE *fp, const struct nat_ruleset *rs)
{
	const char *cur = NULL;
	char *cols;
	size_t i;

	fputs("# Shorewall masq file written by masqsh (export shorewall)\n"
	      "#INTERFACE\tSOURCE\tADDRESS\tPROTO\tPORT(S)\tIPSEC\tMARK\t"
	      "USER/GROUP\n", fp);
	for (i = 0; i < rs->n_masq; i++) {
		const char *c = rs->masq[i].comment;

		if (c && (!cur || strcmp(c, cur)))
			fprintf(fp, "COMMENT %s\n", c);
		else if (!c && cur)
			fputs("COMMENT\n", fp);
		cur = c;
		if (rs->masq[i].timeout.n) {
			/* the masq file has no column for it: say so in
			 * the file rather than drop it silently */
			char *t = nat_ct_policy_format(&rs->masq[i].timeout);

			fprintf(fp, "# rule %lld: timeout %s is not part of "
				"a masq file\n", (long long)rs->masq[i].id,
				t ? t : "");
			free(t);
		}
		cols = nat_rule_format_columns(&rs->masq[i]);
		fprintf(fp, "%s\n", cols ? cols : "");
		free(cols);
	}
	if (rs->n_fwd)
		fprintf(fp, "# %zu port forward(s) are not part of a masq "
			"file\n", rs->n_fwd);
}

static const struct cmd_kw export_kws[] = {
	{ "FILE", CMD_ARG_FILE, "FILE", "write to this file (default: print)",
	  CMD_KW_POSITIONAL, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_export_shorewall(struct cmd_ctx *ctx, const struct cmd_args *a,
		     struct masq_err *e)
{
	const struct masq_tok *vals[1];
	struct nat_ruleset rs;
	char *text = NULL;
	size_t len = 0;
	bool ok;
	FILE *fp;
	int rc = -1;

	nat_ruleset_init(&rs);
	if (cmd_args_bind(&cmd_export_shorewall_entry, a, vals, e) < 0 ||
	    cmds_load(ctx, &rs, e) < 0)
		goto out;
	fp = open_memstream(&text, &len);
	if (!fp) {
		err_sys(e, MASQ_EFAIL, errno, "export");
		goto out;
	}
	export_write(fp, &rs);
	fclose(fp);
	if (vals[0] && !ctx->check_only) {
		fp = fopen(vals[0]->s, "w");
		ok = fp != NULL;
		if (fp) {
			ok = fputs(text, fp) >= 0;
			ok = fclose(fp) == 0 && ok;
		}
		if (!ok) {
			err_sys(e, MASQ_EFAIL, errno, "cannot write '%s'",
				vals[0]->s);
			goto out;
		}
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "exported", "exported %lld rules",
			(long long)rs.n_masq);
		out_str(ctx->out, "file", " to %s\n", vals[0]->s);
		out_obj_close(ctx->out);
	} else {
		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "format", NULL, "shorewall");
		out_str(ctx->out, "text", "%s", text);
		out_obj_close(ctx->out);
	}
	rc = 0;
out:
	free(text);
	nat_ruleset_done(&rs);
	return rc;
}

const struct cmd_entry cmd_export_shorewall_entry = {
	.name = "export shorewall",
	.usage = "[FILE]",
	.summary = "print (or write) the staged rules as a Shorewall masq file",
	.help = "Write the staged masq rules as a Shorewall masq file, with\n"
		"COMMENT lines for their comments; 'import shorewall' reads it\n"
		"back to the same rules.  Port forwards are not part of it.",
	.kws = export_kws,
	.flags = 0,
	.exec = cmd_export_shorewall,
};

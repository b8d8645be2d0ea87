/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_import.c - `import shorewall FILE [replace]` and `export shorewall
 * [masq|snat] [FILE]`: a Shorewall masq file or Shorewall 5 snat file in
 * and out.
 *
 * Owns the file: its lines, the ?COMMENT / COMMENT and ?FORMAT
 * directives, and telling the two formats apart by content.  One line is
 * one rule, parsed by src/nat (rule_parse.c for masq lines, rule_snat.c
 * for snat lines).  Import is all or nothing: every line is parsed first,
 * and only when the whole file is good are the rules stored, in one
 * transaction.  Errors name FILE:LINE:COL and mark the word in the file's
 * line.  Export writes what import reads back to the same rules.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* The state of a file being read: its format and the comment that
 * the rules get. */
enum sw_format { SW_MASQ, SW_SNAT };

struct sw_file {
	const char *path;
	enum sw_format format;
	int version;		/* ?FORMAT: 1, or 2 (snat: the SPORT column) */
	char *comment;		/* ?COMMENT text, owned, or NULL */
};

static const char *const format_names[] = { "masq", "snat" };

/* A token for the part @p..@p+@n of line @l. */
static struct masq_tok
line_tok(const char *l, const char *p, size_t n)
{
	struct masq_tok t = { .s = p, .line = l, .off = (size_t)(p - l),
			      .len = n };

	return t;
}

/* The comment text after a (?)COMMENT word at @p, to the end of the
 * line: a '#' in it is text, as masqsh has always written and read it
 * (a comment may hold one).  A longer one than NAT_COMMENT_MAX would be
 * stored and then never read back (found by tests/fuzz/fuzz_import). */
static int
comment_set(struct sw_file *f, const char *l, const char *p,
	    struct masq_err *e)
{
	size_t n;
	struct masq_tok t;

	p += strspn(p, " \t");
	n = strlen(p);
	while (n && strchr(" \t", p[n - 1]))
		n--;
	if (n > NAT_COMMENT_MAX) {
		t = line_tok(l, p, n);
		err_tok(e, MASQ_EUSAGE, &t, "comment is longer than %d "
			"characters", NAT_COMMENT_MAX);
		return err_hint(e, "shorten it; nftables keeps short "
				"comments");
	}
	free(f->comment);
	f->comment = n ? xstrndup(p, n) : NULL;
	return 0;
}

/* ?FORMAT N: masq files have format 1 only, snat files 1 and 2. */
static int
format_set(struct sw_file *f, const char *l, const char *p,
	   struct masq_err *e)
{
	size_t n;
	struct masq_tok t;

	p += strspn(p, " \t");
	n = strcspn(p, " \t#");
	t = line_tok(l, p, n ? n : 1);
	if (n == 1 && (*p == '1' || (*p == '2' && f->format == SW_SNAT)) &&
	    !p[1 + strspn(p + 1, " \t")]) {
		f->version = *p - '0';
		return 0;
	}
	err_tok(e, MASQ_EUSAGE, &t, "?FORMAT '%.*s' is not a format of a "
		"%s file", (int)n, p, format_names[f->format]);
	return err_hint(e, f->format == SW_SNAT ? "snat files have ?FORMAT 1 "
			"and ?FORMAT 2 (with SPORT)" : "masq files have "
			"?FORMAT 1 only");
}

/*
 * A line that is not a rule: a ?DIRECTIVE, or a COMMENT line of a masq
 * file.  1 when it was one (and is done), 0 when it is not, -1 on error.
 */
static int
directive_line(struct sw_file *f, const char *l, struct masq_err *e)
{
	const char *p = l + strspn(l, " \t");
	size_t n = strcspn(p, " \t#");
	struct masq_tok t = line_tok(l, p, n);

	if (n == 7 && !strncmp(p, "COMMENT", 7) && f->format == SW_MASQ)
		return comment_set(f, l, p + 7, e) < 0 ? -1 : 1;
	if (*p != '?')
		return 0;
	if (n == 8 && !strncasecmp(p, "?COMMENT", 8))
		return comment_set(f, l, p + 8, e) < 0 ? -1 : 1;
	if (n == 7 && !strncasecmp(p, "?FORMAT", 7))
		return format_set(f, l, p + 7, e) < 0 ? -1 : 1;
	err_tok(e, MASQ_EUSAGE, &t, "directive '%.*s' is not supported",
		(int)n, p);
	return err_hint(e, "masqsh reads ?COMMENT and ?FORMAT; resolve "
			"?IF/?SET/?INCLUDE and the like by hand first");
}

/*
 * What is stored is the rule's text, and every later read parses it
 * again: a rule whose text does not parse back would make the database
 * unreadable (exit 4 on every command) until removed by hand.  So the
 * text is read back before anything is stored.
 */
static int
import_check(const char *spec, struct masq_err *e)
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
	if (rc < 0)
		err_hint(e, "the line reads as the rule above, which masqsh "
			 "could not keep");
	return rc;
}

/* One line of the file: nothing, or one rule's text appended to @sp. */
static int
rule_line(struct sw_file *f, const char *l, struct specs *sp,
	  struct masq_err *e)
{
	struct nat_rule r;
	char *spec;
	int rc;

	rc = directive_line(f, l, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	nat_rule_init(&r);
	if (f->format == SW_SNAT)
		rc = nat_rule_parse_snat(&r, l, l, 0, f->version, e);
	else
		rc = nat_rule_parse_columns(&r, l, l, 0, e);
	if (rc == 0) {
		if (f->comment) {
			free(r.comment);
			r.comment = xstrdup(f->comment);
		}
		spec = nat_rule_format_kw(&r);
		rc = import_check(spec, e);
		if (rc == 0) {
			sp->v = xreallocarray(sp->v, sp->n + 1,
					      sizeof(*sp->v));
			sp->v[sp->n++] = spec;
		} else {
			free(spec);
		}
	}
	nat_rule_done(&r);
	return rc < 0 ? -1 : 0;
}

/* The lines of @fp, line ends removed.  -1 on a read error. */
static int
read_lines(FILE *fp, struct specs *lines)
{
	char *l = NULL;
	size_t cap = 0, n;

	while (getline(&l, &cap, fp) >= 0) {
		n = strlen(l);
		while (n && (l[n - 1] == '\n' || l[n - 1] == '\r'))
			l[--n] = '\0';
		lines->v = xreallocarray(lines->v, lines->n + 1,
					 sizeof(*lines->v));
		lines->v[lines->n++] = xstrdup(l);
	}
	free(l);
	return ferror(fp) ? -1 : 0;
}

/* Does @l read as a rule of @format (errors discarded)? */
static bool
line_parses(const char *l, enum sw_format format)
{
	struct nat_rule r;
	struct masq_err e;
	int rc;

	err_init(&e);
	nat_rule_init(&r);
	rc = format == SW_SNAT ? nat_rule_parse_snat(&r, l, l, 0, 2, &e) :
	     nat_rule_parse_columns(&r, l, l, 0, &e);
	nat_rule_done(&r);
	err_done(&e);
	return rc == 0;
}

/*
 * Which format @lines are in, by content: the first rule line of a snat
 * file starts with its ACTION (MASQUERADE, SNAT(..), CONTINUE ...), the
 * first of a masq file with an interface.  The file name says nothing
 * (both are often kept as "masq" or "snat" anyway).
 *
 * An interface may be named like an action ("NONAT"), so a first line
 * that starts like a snat line but reads only as a masq line is a masq
 * line -- when the column header above it says so ("#INTERFACE", as
 * Shorewall's samples and our export write it).  Without that header it
 * stays a snat line with its error: "MASQUERADE 192.168.1.0/24" is far
 * more likely a snat line missing its DEST than a masq line for an
 * interface named MASQUERADE.
 */
static enum sw_format
detect_format(const struct specs *lines)
{
	bool masq_header = false;
	const char *p;
	size_t i;

	for (i = 0; i < lines->n; i++) {
		p = lines->v[i] + strspn(lines->v[i], " \t");
		if (!strncmp(p, "#INTERFACE", 10))
			masq_header = true;
		if (!*p || *p == '#' || *p == '?' ||
		    (!strncmp(p, "COMMENT", 7) && (!p[7] ||
						   strchr(" \t#", p[7]))))
			continue;
		if (!nat_snat_line(p))
			return SW_MASQ;
		if (masq_header && !line_parses(p, SW_SNAT) &&
		    line_parses(p, SW_MASQ))
			return SW_MASQ;
		return SW_SNAT;
	}
	return SW_MASQ;
}

static int
read_file(const char *path, struct specs *sp, enum sw_format *format,
	  struct masq_err *e)
{
	struct specs lines = { NULL, 0 };
	struct sw_file f = { .path = path, .version = 1 };
	size_t i;
	int rc = -1;
	FILE *fp;

	fp = fopen(path, "r");
	if (!fp)
		return err_sys(e, MASQ_EFAIL, errno, "cannot read '%s'", path);
	if (read_lines(fp, &lines) < 0) {
		err_sys(e, MASQ_EFAIL, errno, "cannot read '%s'", path);
		goto out;
	}
	f.format = detect_format(&lines);
	*format = f.format;
	for (i = 0; i < lines.n; i++) {
		if (rule_line(&f, lines.v[i], sp, e) < 0) {
			err_origin(e, "%s:%zu", path, i + 1);
			goto out;
		}
	}
	rc = 0;
out:
	free(f.comment);
	specs_done(&lines);
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
	{ "FILE", CMD_ARG_FILE, "FILE", "a Shorewall masq or snat file",
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
	enum sw_format format = SW_MASQ;
	struct store *s;
	bool replace;
	int rc = -1;

	if (cmd_args_bind(&cmd_import_shorewall_entry, a, vals, e) < 0)
		return -1;
	replace = vals[1] != NULL;
	if (read_file(vals[0]->s, &sp, &format, e) < 0)
		goto out;
	if (cmd_ctx_store(ctx, &s, e) < 0)
		goto out;
	if (!ctx->check_only && store_specs(s, &sp, replace, e) < 0)
		goto out;
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "imported", ctx->check_only ?
		"would import %lld rules" : "imported %lld rules",
		(long long)sp.n);
	out_str(ctx->out, "format", " from a %s file", format_names[format]);
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
	.summary = "stage the rules of a Shorewall masq or snat file",
	.help = "Read a Shorewall masq file or a Shorewall 5 snat file; which\n"
		"one is told by the content (a snat line starts with its ACTION:\n"
		"MASQUERADE, SNAT(..), CONTINUE), not by the name.  Every column\n"
		"masqsh can express is read; address ranges become the prefixes\n"
		"that cover them.  ?COMMENT lines (and COMMENT in masq files)\n"
		"give the rules that follow their comment, until a bare one;\n"
		"?FORMAT 2 adds a snat file's SPORT column.  SWITCH, ORIGDEST,\n"
		"PROBABILITY, SPORT, log levels, ipsets and user actions are\n"
		"refused.  The file is all or nothing: an error, reported as\n"
		"FILE:LINE:COL, imports no rule.  With 'replace' the staged\n"
		"masq rules are replaced, else appended.",
	.kws = import_kws,
	.flags = CMD_WRITES,
	.exec = cmd_import_shorewall,
};

/* The comment lines before rule @r: a new comment, or a bare one when
 * the comments stop.  masq files keep COMMENT (what older Shorewall
 * reads), snat files have only ?COMMENT. */
static void
export_comment(FILE *fp, enum sw_format format, const char *c,
	       const char **cur)
{
	const char *word = format == SW_SNAT ? "?COMMENT" : "COMMENT";

	if (c && (!*cur || strcmp(c, *cur)))
		fprintf(fp, "%s %s\n", word, c);
	else if (!c && *cur)
		fprintf(fp, "%s\n", word);
	*cur = c;
}

/* Write the masq or snat file for @rs to @fp. */
static void
export_write(FILE *fp, const struct nat_ruleset *rs, enum sw_format format)
{
	const char *cur = NULL;
	char *cols;
	size_t i;

	fprintf(fp, "# Shorewall %s file written by masqsh (export shorewall"
		"%s)\n", format_names[format], format == SW_SNAT ? " snat" :
		"");
	fputs(format == SW_SNAT ? "#ACTION\tSOURCE\tDEST\tPROTO\tPORT\tIPSEC\t"
	      "MARK\tUSER\n" : "#INTERFACE\tSOURCE\tADDRESS\tPROTO\tPORT(S)\t"
	      "IPSEC\tMARK\tUSER/GROUP\n", fp);
	for (i = 0; i < rs->n_masq; i++) {
		const struct nat_rule *r = &rs->masq[i];

		export_comment(fp, format, r->comment, &cur);
		if (r->timeout.n) {
			/* the file has no column for it: say so in the
			 * file rather than drop it silently */
			char *t = nat_ct_policy_format(&r->timeout);

			fprintf(fp, "# rule %lld: timeout %s is not part of "
				"a %s file\n", (long long)r->id, t ? t : "",
				format_names[format]);
			free(t);
		}
		cols = format == SW_SNAT ? nat_rule_format_snat(r) :
		       nat_rule_format_columns(r);
		if (!cols) {
			/* what Shorewall refuses, or its files cannot hold
			 * (a rule for any interface), is written as a note,
			 * never as a line it rejects */
			cols = nat_rule_format_kw(r);
			fprintf(fp, "# rule %lld has no %s form (see "
				"masqsh-rules(5)): masq add %s\n",
				(long long)r->id, format_names[format], cols);
		} else {
			fprintf(fp, "%s\n", cols);
		}
		free(cols);
	}
	if (rs->n_fwd)
		fprintf(fp, "# %zu port forward(s) are not part of a %s "
			"file\n", rs->n_fwd, format_names[format]);
}

static const struct cmd_kw export_kws[] = {
	{ "masq", CMD_ARG_NONE, NULL, "a masq file (the default)", 0, NULL },
	{ "snat", CMD_ARG_NONE, NULL, "a Shorewall 5 snat file", 0, NULL },
	{ "FILE", CMD_ARG_FILE, "FILE", "write to this file (default: print)",
	  CMD_KW_POSITIONAL, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_export_shorewall(struct cmd_ctx *ctx, const struct cmd_args *a,
		     struct masq_err *e)
{
	const struct masq_tok *vals[3];
	enum sw_format format;
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
	if (vals[0] && vals[1]) {
		err_tok(e, MASQ_EUSAGE, vals[1], "'masq' and 'snat' are two "
			"formats; give one");
		err_hint(e, "export shorewall [masq|snat] [FILE]");
		goto out;
	}
	format = vals[1] ? SW_SNAT : SW_MASQ;
	fp = open_memstream(&text, &len);
	if (!fp) {
		err_sys(e, MASQ_EFAIL, errno, "export");
		goto out;
	}
	export_write(fp, &rs, format);
	fclose(fp);
	if (vals[2] && !ctx->check_only) {
		fp = fopen(vals[2]->s, "w");
		ok = fp != NULL;
		if (fp) {
			ok = fputs(text, fp) >= 0;
			ok = fclose(fp) == 0 && ok;
		}
		if (!ok) {
			err_sys(e, MASQ_EFAIL, errno, "cannot write '%s'",
				vals[2]->s);
			goto out;
		}
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "exported", "exported %lld rules",
			(long long)rs.n_masq);
		out_str(ctx->out, "file", " to %s\n", vals[2]->s);
		out_obj_close(ctx->out);
	} else {
		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "format", NULL, format == SW_SNAT ?
			"shorewall-snat" : "shorewall");
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
	.usage = "[masq|snat] [FILE]",
	.summary = "print (or write) the staged rules as a Shorewall masq or "
		   "snat file",
	.help = "Write the staged masq rules as a Shorewall masq file (the\n"
		"default, with COMMENT lines) or, with 'snat', as a Shorewall 5\n"
		"snat file (with ?COMMENT lines; NONAT is written CONTINUE).\n"
		"'import shorewall' reads either back to the same rules.  Port\n"
		"forwards and timeout policies are not part of them (a '#' note\n"
		"says so), nor, in a snat file, a SOURCE interface with\n"
		"exclusions or an interface named '-'.",
	.kws = export_kws,
	.flags = 0,
	.exec = cmd_export_shorewall,
};

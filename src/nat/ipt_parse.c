/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipt_parse.c - the words of an iptables-save dump (see ipt_parse.h).
 *
 * Owns: splitting lines into words with their columns, the table / chain /
 * rule structure of the dump, and each option of a nat rule turned into a
 * masqsh value (ipt_int.h).  Only what `iptables-save` writes is read: the
 * "*table", ":CHAIN POLICY [c:b]", "[c:b] -A CHAIN ..." and "COMMIT" lines
 * and '#' comments.
 * Does not own: the values' validation (the rule parsers do it, with the
 * file's words as tokens, when ipt_flat.c builds the rules) or the chain
 * walk (ipt_flat.c).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/ipt_int.h"

#define IPT_NAME_MAX 28		/* iptables' chain name limit */

void
ipt_match_done(struct ipt_match *m)
{
	size_t i;

	for (i = 0; i < IPT_SLOT__N; i++) {
		free(m->v[i].s);
		m->v[i].s = NULL;
		m->v[i].t = NULL;
	}
}

int
ipt_err(struct masq_err *e, const struct ipt_file *f,
	const struct ipt_tok *t, const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof(e->msg)];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_tok(e, MASQ_EUSAGE, &t->t, "%s", msg);
	return err_origin(e, "%s:%u", f->path, t->lineno);
}

void
ipt_err_locate(struct masq_err *e, const struct ipt_file *f,
	       const struct ipt_tok *const *tv, size_t n,
	       const struct ipt_tok *fallback)
{
	const struct ipt_tok *hit = NULL;
	size_t i;

	for (i = 0; e->input && i < n && !hit; i++)
		if (tv[i] && strcmp(tv[i]->t.line, e->input) == 0 &&
		    e->pos >= tv[i]->t.off &&
		    e->pos <= tv[i]->t.off + tv[i]->t.len)
			hit = tv[i];
	if (!hit) {
		/* a message without a word (or about a word we did not
		 * give): mark the rule's target, so every error has a
		 * place in the file */
		char msg[sizeof(e->msg)], hint[sizeof(e->hint)];

		snprintf(msg, sizeof(msg), "%s", e->msg);
		snprintf(hint, sizeof(hint), "%s", e->hint);
		err_tok(e, MASQ_EUSAGE, &fallback->t, "%s", msg);
		if (hint[0])
			err_hint(e, "%s", hint);
		hit = fallback;
	}
	e->code = MASQ_EUSAGE;
	err_origin(e, "%s:%u", f->path, hit->lineno);
}

/* ---- words ---------------------------------------------------------- */

static struct ipt_tok *
tok_add(struct ipt_file *f, const char *line, size_t off, size_t len,
	char *s, unsigned int lineno)
{
	struct ipt_tok *t = xcalloc(1, sizeof(*t));

	t->t.s = s;
	t->t.line = line;
	t->t.off = off;
	t->t.len = len;
	t->lineno = lineno;
	if (f->n_toks == f->cap_toks) {
		f->cap_toks = f->cap_toks ? 2 * f->cap_toks : 64;
		f->toks = xreallocarray(f->toks, f->cap_toks,
					sizeof(*f->toks));
	}
	f->toks[f->n_toks++] = t;
	return t;
}

/*
 * Split @line into words: blanks separate, "..." quotes (iptables-save
 * quotes comments, with \" and \\ inside).  The words are appended to
 * f->toks; *first is the index of the first.  -1 on an open quote.
 */
static int
split_line(struct ipt_file *f, const char *line, unsigned int lineno,
	   size_t *first, struct masq_err *e)
{
	size_t i = 0, start, n;
	char *s;

	*first = f->n_toks;
	for (;;) {
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		if (!line[i])
			return 0;
		start = i;
		s = xcalloc(1, strlen(line + i) + 1);
		n = 0;
		while (line[i] && line[i] != ' ' && line[i] != '\t') {
			if (line[i] != '"') {
				s[n++] = line[i++];
				continue;
			}
			for (i++; line[i] && line[i] != '"'; i++) {
				if (line[i] == '\\' && line[i + 1])
					i++;
				s[n++] = line[i];
			}
			if (!line[i]) {
				struct ipt_tok *t = tok_add(f, line, start,
					i - start, s, lineno);

				return ipt_err(e, f, t, "quote is not closed");
			}
			i++;
		}
		tok_add(f, line, start, i - start, s, lineno);
	}
}

/* ---- chains --------------------------------------------------------- */

static const char *const builtin_chains[] = {
	"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", NULL
};

static bool
is_builtin(const char *name)
{
	size_t i;

	for (i = 0; builtin_chains[i]; i++)
		if (strcmp(name, builtin_chains[i]) == 0)
			return true;
	return false;
}

/* Index of chain @name, or -1. */
static long
chain_find(const struct ipt_file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_ch; i++)
		if (strcmp(f->ch[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* ":NAME POLICY [c:b]" */
static int
chain_decl(struct ipt_file *f, struct ipt_tok **w, size_t n,
	   struct masq_err *e)
{
	const char *name = w[0]->t.s + 1;
	struct ipt_chain *c;
	bool builtin = is_builtin(name);

	if (!name[0] || strlen(name) > IPT_NAME_MAX)
		return ipt_err(e, f, w[0], "chain name must be 1 to %d "
			       "characters", IPT_NAME_MAX);
	if (chain_find(f, name) >= 0)
		return ipt_err(e, f, w[0], "chain '%s' is declared twice",
			       name);
	if (n < 2 || n > 3)
		return ipt_err(e, f, w[0], "expected ':CHAIN POLICY "
			       "[PACKETS:BYTES]'");
	if (builtin ? strcmp(w[1]->t.s, "ACCEPT") != 0 :
	    strcmp(w[1]->t.s, "-") != 0)
		return ipt_err(e, f, w[1], "policy '%s' is not what a nat "
			       "chain has ('%s')", w[1]->t.s,
			       builtin ? "ACCEPT" : "-");
	if (f->n_ch == f->cap_ch) {
		f->cap_ch = f->cap_ch ? 2 * f->cap_ch : 8;
		f->ch = xreallocarray(f->ch, f->cap_ch, sizeof(*f->ch));
	}
	c = &f->ch[f->n_ch++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->decl = w[0];
	c->builtin = builtin;
	return 0;
}

/* "[PACKETS:BYTES] -A CHAIN ..." */
static int
rule_line(struct ipt_file *f, struct ipt_tok **w, size_t n,
	  struct masq_err *e)
{
	struct ipt_chain *c;
	struct ipt_rule r;
	long ci;

	if (n && w[0]->t.s[0] == '[') {
		w++;
		n--;
	}
	if (n == 0 || strcmp(w[0]->t.s, "-A") != 0) {
		ipt_err(e, f, n ? w[0] : w[-1], "expected '-A CHAIN', a "
			"':CHAIN' declaration or COMMIT");
		return err_hint(e, "give the output of iptables-save as it "
				"is");
	}
	if (n < 2)
		return ipt_err(e, f, w[0], "-A needs a chain");
	ci = chain_find(f, w[1]->t.s);
	if (ci < 0)
		return ipt_err(e, f, w[1], "chain '%s' is not declared",
			       w[1]->t.s);
	if (ipt_rule_parse(f, &r, w + 2, n - 2, w[0], e) < 0)
		return -1;
	c = &f->ch[ci];
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->r = xreallocarray(c->r, c->cap, sizeof(*c->r));
	}
	c->r[c->n++] = r;
	return 0;
}

enum where { W_OUT, W_NAT, W_OTHER };

/* One non-blank line; *where is the table it is in. */
static int
file_line(struct ipt_file *f, struct ipt_tok **w, size_t n,
	  enum where *where, struct ipt_tok **table, struct masq_err *e)
{
	const char *s = w[0]->t.s;

	if (*where == W_OUT) {
		if (s[0] != '*' || n != 1 || !s[1]) {
			ipt_err(e, f, w[0], "expected a table ('*nat')");
			return err_hint(e, "give the output of iptables-save "
					"or ip6tables-save");
		}
		if (strcmp(s, "*nat") != 0) {
			*where = W_OTHER;
			f->skipped++;
		} else if (f->nat_seen) {
			return ipt_err(e, f, w[0], "second nat table");
		} else {
			*where = W_NAT;
			f->nat_seen = true;
		}
		*table = w[0];
		return 0;
	}
	if (strcmp(s, "COMMIT") == 0 && n == 1) {
		*where = W_OUT;
		return 0;
	}
	if (*where == W_OTHER)
		return 0;
	if (s[0] == ':')
		return chain_decl(f, w, n, e);
	return rule_line(f, w, n, e);
}

static void
line_add(struct ipt_file *f, char *l)
{
	if (f->n_lines == f->cap_lines) {
		f->cap_lines = f->cap_lines ? 2 * f->cap_lines : 64;
		f->lines = xreallocarray(f->lines, f->cap_lines,
					 sizeof(*f->lines));
	}
	f->lines[f->n_lines++] = l;
}

static int
file_read(struct ipt_file *f, const char *text, size_t len,
	  struct masq_err *e)
{
	struct ipt_tok *table = NULL;
	enum where where = W_OUT;
	unsigned int lineno = 0;
	size_t off = 0, n, first;
	char *l;

	while (off < len) {
		n = 0;
		while (off + n < len && text[off + n] != '\n')
			n++;
		l = xstrndup(text + off, n);
		line_add(f, l);
		lineno++;
		off += n + 1;
		if (strlen(l) != n) {
			struct ipt_tok *t = tok_add(f, l, strlen(l), 1,
						    xstrdup(""), lineno);

			return ipt_err(e, f, t, "NUL byte in the line");
		}
		while (n && l[n - 1] == '\r')
			l[--n] = '\0';
		if (strstr(l, "ip6tables-save") && l[0] == '#')
			f->v6 = true;
		if (split_line(f, l, lineno, &first, e) < 0)
			return -1;
		if (first == f->n_toks || f->toks[first]->t.s[0] == '#')
			continue;
		if (file_line(f, f->toks + first, f->n_toks - first, &where,
			      &table, e) < 0)
			return -1;
	}
	if (where != W_OUT)
		return ipt_err(e, f, table, "table '%s' has no COMMIT",
			       table->t.s + 1);
	return 0;
}

static void
file_done(struct ipt_file *f)
{
	size_t i, j;

	for (i = 0; i < f->n_ch; i++) {
		for (j = 0; j < f->ch[i].n; j++)
			ipt_rule_done(&f->ch[i].r[j]);
		free(f->ch[i].r);
		free(f->ch[i].name);
	}
	free(f->ch);
	for (i = 0; i < f->n_toks; i++) {
		free((char *)f->toks[i]->t.s);
		free(f->toks[i]);
	}
	free(f->toks);
	for (i = 0; i < f->n_lines; i++)
		free(f->lines[i]);
	free(f->lines);
}

void
ipt_import_init(struct ipt_import *im)
{
	memset(im, 0, sizeof(*im));
}

void
ipt_import_done(struct ipt_import *im)
{
	size_t i;

	for (i = 0; i < im->n_masq; i++)
		free(im->masq[i]);
	for (i = 0; i < im->n_fwd; i++)
		free(im->fwd[i]);
	free(im->masq);
	free(im->fwd);
	ipt_import_init(im);
}

int
ipt_import_parse(struct ipt_import *im, const char *text, size_t len,
		 const char *path, struct masq_err *e)
{
	struct ipt_file f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.path = path;
	rc = file_read(&f, text, len, e);
	if (rc == 0)
		rc = ipt_flatten(&f, im, e);
	if (rc < 0)
		ipt_import_done(im);
	file_done(&f);
	return rc;
}

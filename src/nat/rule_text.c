/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_text.c - rules as stored text and back: the one reader of a stored
 * rule and the one writer (and reader) of a ruleset's text.
 *
 * Owns: a masq rule or a forward from its canonical keyword text (what
 * the store's rows and a revision's lines hold, as nat_rule_format_kw()
 * and nat_forward_format_kw() write it), through the one tokenizer and
 * the one parser, so that a stored rule means exactly what it meant when
 * it was typed; a ruleset as text -- one "masq add ..." or "forward add
 * ..." line per rule, in order, the form `masqsh -f` reads and a revision
 * keeps -- with the store ids of its rules beside it, and that text
 * parsed back.  Does not own: the grammar (rule_parse.c, fwd_parse.c),
 * the store's rows (ruleset_load.c, core/store.c) or revisions (src/ctl).
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tok.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/rule.h"

#define PFX_MASQ "masq add "
#define PFX_FWD "forward add "

/*
 * The one reader: the words of @text through the one tokenizer into the
 * parser of @r (a masq rule) or else @f (a forward), with @id.  On error
 * @e says which stored rule no longer parses (MASQ_ESTORE) and, for a
 * staged row (@row), how to get rid of it.
 */
static int
text_parse(struct nat_rule *r, struct nat_forward *f, const char *text,
	   int64_t id, bool row, struct masq_err *e)
{
	const char *kind = r ? "masq" : "forward";
	struct tok_list tl;
	int rc;

	if (tok_split(&tl, text, 0, e) == -1)
		goto fail;
	rc = r ? nat_rule_parse_kw(r, tl.v, tl.n, e) :
		 nat_forward_parse_kw(f, tl.v, tl.n, e);
	tok_list_done(&tl);
	if (rc == -1)
		goto fail;
	if (r)
		r->id = id;
	else
		f->id = id;
	return 0;
fail:
	if (id > 0)
		err_prefix(e, "stored %s rule %" PRId64 " no longer parses",
			   kind, id);
	else
		err_prefix(e, "a stored %s rule no longer parses", kind);
	e->code = MASQ_ESTORE;
	if (row && id > 0 && !e->hint[0])
		err_hint(e, "delete it with '%s del %" PRId64 "' and add it "
			 "again", kind, id);
	return -1;
}

int
nat_rule_from_text(struct nat_rule *r, const char *text, int64_t id,
		   struct masq_err *e)
{
	return text_parse(r, NULL, text, id, true, e);
}

int
nat_forward_from_text(struct nat_forward *f, const char *text, int64_t id,
		      struct masq_err *e)
{
	return text_parse(NULL, f, text, id, true, e);
}

char *
nat_ruleset_text(const struct nat_ruleset *rs)
{
	char *buf = NULL, *spec;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return xstrdup("");
	for (i = 0; i < rs->n_masq; i++) {
		spec = nat_rule_format_kw(&rs->masq[i]);
		/* fputs, not fprintf: this runs for every rule of an apply */
		fputs(PFX_MASQ, fp);
		fputs(spec ? spec : "", fp);
		fputc('\n', fp);
		free(spec);
	}
	for (i = 0; i < rs->n_fwd; i++) {
		spec = nat_forward_format_kw(&rs->fwd[i]);
		fputs(PFX_FWD, fp);
		fputs(spec ? spec : "", fp);
		fputc('\n', fp);
		free(spec);
	}
	fclose(fp);
	return buf ? buf : xstrdup("");
}

char *
nat_ruleset_text_ids(const struct nat_ruleset *rs)
{
	size_t n = rs->n_masq + rs->n_fwd, i;
	/* at most 19 digits and a sign per id, one separator each */
	char *buf = xmalloc(n * 22 + 1), *o = buf;

	for (i = 0; i < n; i++) {
		if (i)
			*o++ = ' ';
		o = strbuf_put_i64(o, i < rs->n_masq ? rs->masq[i].id :
			   rs->fwd[i - rs->n_masq].id);
	}
	*o = '\0';
	return buf;
}

/* The prefix the line at @p starts with: 'm', 'f', or 0 for neither. */
static int
text_kind(const char *p)
{
	if (!strncmp(p, PFX_MASQ, strlen(PFX_MASQ)))
		return 'm';
	if (!strncmp(p, PFX_FWD, strlen(PFX_FWD)))
		return 'f';
	return 0;
}

size_t
nat_ruleset_text_count(const char *text)
{
	const char *p = text;
	size_t n = 0;

	while (p && *p) {
		n += text_kind(p) != 0;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/* Rule line @line (its prefix @kind included) into @rs, with @id. */
static int
text_add_line(struct nat_ruleset *rs, int kind, const char *line, int64_t id,
	      struct masq_err *e)
{
	struct nat_forward f;
	struct nat_rule r;
	int ret = -1;

	nat_rule_init(&r);
	nat_forward_init(&f);
	if (kind == 'm') {
		if (text_parse(&r, NULL, line + strlen(PFX_MASQ), id, false,
			       e) == -1)
			goto out;
		r.pos = (unsigned int)rs->n_masq + 1;
		nat_ruleset_add_masq(rs, &r);
	} else {
		if (text_parse(NULL, &f, line + strlen(PFX_FWD), id, false,
			       e) == -1)
			goto out;
		f.pos = (unsigned int)rs->n_fwd + 1;
		nat_ruleset_add_fwd(rs, &f);
	}
	ret = 0;
out:
	nat_rule_done(&r);
	nat_forward_done(&f);
	return ret;
}

int
nat_ruleset_from_text(struct nat_ruleset *rs, const char *text,
		      const char *ids, struct masq_err *e)
{
	const char *p = text ? text : "", *nl;
	char *line, *end;
	int64_t id;
	int kind, ret;

	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		kind = text_kind(p);
		if (!kind)
			continue;
		id = 0;
		if (ids && *ids) {
			id = strtoll(ids, &end, 10);
			ids = end;
		}
		line = xstrndup(p, (size_t)(nl - p));
		ret = text_add_line(rs, kind, line, id > 0 ? id : 0, e);
		free(line);
		if (ret == -1)
			return -1;
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_bind.c - binding a command's words to its keyword grammar
 * (struct cmd_kw): the one walk behind cmd_args_bind(), which handlers use
 * to find their values, and cmd_args_resolve(), which the dispatcher runs
 * on every line before any handler.
 *
 * Owns: which word is a keyword, a keyword's value or a positional, the
 * checks the grammar alone can make (numbers, choices, required words,
 * repeats, words no grammar takes) and their errors, and spelling
 * keywords and choices in full for the handler.  Words resolve through
 * core/kw.c like every other word.  Does not own: what the values mean
 * (the handlers and src/nat), completion (complete.c, which walks the same
 * grammar for TAB and '?').
 */
#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/kw.h"
#include "core/xalloc.h"
#include "shell/cmd_int.h"

/* The keyword names of @ent's grammar as the resolver reads them: slot i
 * is kws[i].name, NULL for a positional.  Returns the number of slots. */
static size_t
cmd_kw_names(const struct cmd_entry *ent, const char **names)
{
	size_t i;

	for (i = 0; ent->kws && ent->kws[i].name; i++) {
		assert(i < CMD_KWS_MAX);
		names[i] = ent->kws[i].flags & CMD_KW_POSITIONAL ? NULL :
			   ent->kws[i].name;
	}
	return i;
}

int
cmd_kw_find(const struct cmd_entry *ent, const char *word, bool exact)
{
	const char *names[CMD_KWS_MAX];
	size_t n = cmd_kw_names(ent, names);
	int k = kw_find(names, n, word);

	if (exact && (k == KW_AMBIGUOUS || (k >= 0 && strcmp(names[k], word))))
		return KW_NONE;
	return k;
}

static const char *
cmd_kw_meta(const struct cmd_kw *kw)
{
	return kw->meta ? kw->meta : kw->name;
}

static size_t
cmd_choices_n(const char *const *c)
{
	size_t n = 0;

	while (c[n])
		n++;
	return n;
}

/* Can @s be a value of @kw, as far as the grammar can tell? */
static bool
cmd_value_fits(const struct cmd_kw *kw, const char *s)
{
	if (kw->type == CMD_ARG_NUM)
		return *s && strspn(s, "0123456789") == strlen(s);
	if (kw->type == CMD_ARG_CHOICE && kw->choices)
		return kw_find(kw->choices, cmd_choices_n(kw->choices), s) >= 0;
	return true;
}

/* Type checks that need no outside knowledge.  A choice may be given by a
 * unique prefix; *@canon is then set to its table spelling. */
static int
cmd_value_check(const struct cmd_entry *ent, const struct cmd_kw *kw,
		const struct masq_tok *t, const char **canon,
		struct masq_err *e)
{
	const char *best;
	char list[300];
	size_t n;
	int k;

	if (kw->type == CMD_ARG_NUM && !cmd_value_fits(kw, t->s)) {
		err_tok(e, MASQ_EUSAGE, t, "%s '%s' is not a number",
			cmd_kw_meta(kw), t->s);
		if (!kw->help)
			return -1;
		if (kw->flags & CMD_KW_POSITIONAL)
			return err_hint(e, "%s: %s", cmd_kw_meta(kw), kw->help);
		return err_hint(e, "%s %s: %s", kw->name, cmd_kw_meta(kw),
				kw->help);
	}
	if (kw->type != CMD_ARG_CHOICE || !kw->choices)
		return 0;
	n = cmd_choices_n(kw->choices);
	k = kw_find(kw->choices, n, t->s);
	if (k >= 0) {
		*canon = kw->choices[k];
		return 0;
	}
	kw_list(kw->choices, n, k == KW_AMBIGUOUS ? t->s : "", list,
		sizeof(list));
	if (k == KW_AMBIGUOUS) {
		err_tok(e, MASQ_EUSAGE, t, "ambiguous %s '%s': %s",
			kw->flags & CMD_KW_POSITIONAL ? cmd_kw_meta(kw) :
			kw->name, t->s, list);
		return err_hint(e, "type more of the word to pick one");
	}
	err_tok(e, MASQ_EUSAGE, t, "'%s' is not one of: %s", t->s, list);
	best = kw_suggest(kw->choices, n, t->s);
	if (best)
		return err_hint(e, "did you mean '%s'?", best);
	if (strstr(list, ", ..."))
		return err_hint(e, "'help %s' lists them", ent->name);
	return -1;
}

/* The error for a word @ent does not take (@k: what the resolver said). */
static int
cmd_bind_extra(const struct cmd_entry *ent, const char *const *names,
	       size_t nk, int k, const struct masq_tok *t, struct masq_err *e)
{
	const char *usage = ent->usage ? ent->usage : "";
	size_t i;

	for (i = 0; i < nk && !names[i]; i++)
		;
	if (i == nk) {
		err_tok(e, MASQ_EUSAGE, t, "'%s' takes no more words",
			ent->name);
		return err_hint(e, "usage: %s%s%s", ent->name,
				*usage ? " " : "", usage);
	}
	kw_resolve(names, nk, t, "keyword", k == KW_AMBIGUOUS ? NULL :
		   ent->name, e);
	if (!e->hint[0])
		err_hint(e, "usage: %s%s%s", ent->name, *usage ? " " : "",
			 usage);
	return -1;
}

/*
 * Keyword kws[k] at word *@i: its value (the next word, or with
 * CMD_KW_REST every word after it).  Advances *@i past what it took.
 * 0 done, 1 the rest of the line is taken, -1 error.
 */
static int
cmd_bind_kw(const struct cmd_entry *ent, const struct cmd_args *a, size_t *i,
	    int k, const struct masq_tok **vals, const char **canon,
	    struct masq_err *e)
{
	const struct cmd_kw *kw = &ent->kws[k];
	const struct masq_tok *t = &a->v[*i];
	const char *dummy;

	if (vals[k] && !(kw->flags & CMD_KW_REPEAT)) {
		err_tok(e, MASQ_EUSAGE, t, "'%s' given twice", kw->name);
		return err_hint(e, "give each keyword once%s",
				kw->meta && strstr(kw->meta, ",..") ?
				"; list several values with commas" : "");
	}
	if (kw->type == CMD_ARG_NONE) {
		vals[k] = t;
		return 0;
	}
	if (*i + 1 == a->n) {
		err_tok(e, MASQ_EUSAGE, t, "'%s' needs a value: %s", kw->name,
			cmd_kw_meta(kw));
		return err_hint(e, "usage: %s %s", ent->name,
				ent->usage ? ent->usage : "");
	}
	vals[k] = &a->v[++*i];
	if (kw->flags & CMD_KW_REST) {
		*i = a->n;
		return 1;
	}
	return cmd_value_check(ent, kw, vals[k], canon ? &canon[*i] : &dummy,
			       e);
}

/* The first positional of @kws at or after @from, or @nk. */
static size_t
cmd_next_positional(const struct cmd_kw *kws, size_t nk, size_t from)
{
	while (from < nk && !(kws[from].flags & CMD_KW_POSITIONAL))
		from++;
	return from;
}

/* Required keywords and positionals present?  The mark is the line end. */
static int
cmd_bind_required(const struct cmd_entry *ent, const struct cmd_args *a,
		  const struct masq_tok **vals, size_t nk, struct masq_err *e)
{
	struct masq_tok end = { .s = "", .line = a->line, .len = 0 };
	const struct cmd_kw *kw;
	size_t k;

	end.off = a->line ? strlen(a->line) : 0;
	for (k = 0; k < nk; k++) {
		kw = &ent->kws[k];
		if (vals[k] || !(kw->flags & CMD_KW_REQUIRED))
			continue;
		if (kw->flags & CMD_KW_POSITIONAL)
			err_tok(e, MASQ_EUSAGE, &end, "'%s' needs %s",
				ent->name, cmd_kw_meta(kw));
		else
			err_tok(e, MASQ_EUSAGE, &end, "'%s' needs '%s %s'",
				ent->name, kw->name, cmd_kw_meta(kw));
		return err_hint(e, "usage: %s %s", ent->name,
				ent->usage ? ent->usage : "");
	}
	return 0;
}

/*
 * The one grammar walk (cmd_args_bind, and the dispatcher through
 * cmd_args_resolve).  @canon, when given, gets for each word the table
 * spelling it resolved to (a keyword or a choice), or NULL.
 */
static int
cmd_args_walk(const struct cmd_entry *ent, const struct cmd_args *a,
	      const struct masq_tok **vals, const char **canon,
	      struct masq_err *e)
{
	const struct cmd_kw *kws = ent->kws;
	const char *names[CMD_KWS_MAX], *dummy;
	size_t i, nk = cmd_kw_names(ent, names), pos;
	int k, r;

	for (i = 0; i < nk; i++)
		vals[i] = NULL;
	for (i = 0; canon && i < a->n; i++)
		canon[i] = NULL;
	pos = cmd_next_positional(kws, nk, 0);
	for (i = 0; i < a->n; i++) {
		const struct masq_tok *t = &a->v[i];

		k = kw_find(names, nk, t->s);
		/* A value for a pending positional may look like a keyword's
		 * prefix ("import shorewall r"): only whole keywords win,
		 * unless the word cannot be that value at all. */
		if (pos < nk && k != KW_NONE &&
		    (k < 0 || strcmp(names[k], t->s)) &&
		    cmd_value_fits(&kws[pos], t->s))
			k = KW_NONE;
		if (k >= 0) {
			if (canon)
				canon[i] = kws[k].name;
			r = cmd_bind_kw(ent, a, &i, k, vals, canon, e);
			if (r < 0)
				return -1;
			if (r > 0)
				break;
			continue;
		}
		if (pos == nk || k == KW_AMBIGUOUS)
			return cmd_bind_extra(ent, names, nk, k, t, e);
		vals[pos] = t;
		if (cmd_value_check(ent, &kws[pos], t,
				    canon ? &canon[i] : &dummy, e) == -1)
			return -1;
		if (!(kws[pos].flags & CMD_KW_REPEAT))
			pos = cmd_next_positional(kws, nk, pos + 1);
	}
	return cmd_bind_required(ent, a, vals, nk, e);
}

int
cmd_args_bind(const struct cmd_entry *ent, const struct cmd_args *a,
	      const struct masq_tok **vals, struct masq_err *e)
{
	return cmd_args_walk(ent, a, vals, NULL, e);
}

const struct masq_tok *
cmd_args_get(const struct cmd_entry *ent, const struct masq_tok *const *vals,
	     const char *name)
{
	int k = cmd_kw_find(ent, name, true);

	return k >= 0 ? vals[k] : NULL;
}

int
cmd_args_resolve(const struct cmd_entry *ent, struct masq_tok *v, size_t n,
		 const char *line, struct masq_err *e)
{
	const struct masq_tok *vals[CMD_KWS_MAX];
	const char **canon = xcalloc(n + 1, sizeof(*canon));
	struct cmd_args a = { .n = n, .v = v, .line = line };
	size_t i;
	int rc;

	rc = cmd_args_walk(ent, &a, vals, canon, e);
	for (i = 0; rc == 0 && i < n; i++)
		if (canon[i])
			v[i].s = canon[i];
	free(canon);
	return rc;
}

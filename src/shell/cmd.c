/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd.c - the command table and the one dispatcher every input path uses.
 *
 * Owns: matching typed command words against the table (exact words,
 * unique prefixes, errors that name the candidates or suggest a word),
 * binding a simple keyword grammar to tokens (cmd_args_bind), running a
 * line, the lazily opened store of a context, and reading script files
 * (continuation lines, physical line numbers for errors).
 * Does not own: what a command does (cmd_*.c), completion (complete.c),
 * rendering errors or reading terminals (main.c, repl.c).
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/kw.h"
#include "core/tok.h"
#include "core/xalloc.h"
#include "shell/cmd_int.h"

/* Help order. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_masq_add_entry,
	&cmd_masq_list_entry,
	&cmd_masq_show_entry,
	&cmd_masq_del_entry,
	&cmd_masq_move_entry,
	&cmd_forward_add_entry,
	&cmd_forward_list_entry,
	&cmd_forward_del_entry,
	&cmd_import_shorewall_entry,
	&cmd_export_shorewall_entry,
	&cmd_check_entry,
	&cmd_show_compiled_entry,
	&cmd_diff_entry,
	&cmd_apply_entry,
	&cmd_confirm_entry,
	&cmd_rollback_entry,
	&cmd_revisions_entry,
	&cmd_export_nft_entry,
	&cmd_explain_entry,
	&cmd_clamp_mss_entry,
	&cmd_clamp_off_entry,
	&cmd_helper_add_entry,
	&cmd_helper_del_entry,
	&cmd_helper_list_entry,
	&cmd_show_masq_entry,
	&cmd_show_conntrack_entry,
	&cmd_show_stats_entry,
	&cmd_show_ports_entry,
	&cmd_show_timeouts_entry,
	&cmd_timeouts_set_entry,
	&cmd_timeouts_reset_entry,
	&cmd_kill_entry,
	&cmd_watch_entry,
	&cmd_diag_entry,
	&cmd_diag_list_entry,
	&cmd_diag_crlf_entry,
	&cmd_diag_mtu_entry,
	&cmd_diag_dynaddr_entry,
	&cmd_diag_ports_entry,
	&cmd_report_entry,
	&cmd_engine_entry,
	&cmd_show_alerts_entry,
	&cmd_help_entry,
	&cmd_complete_entry,
	&cmd_confirm_timer_entry,
	NULL,
};

const struct cmd_entry *const *
cmd_ctx_table(const struct cmd_ctx *ctx)
{
	return ctx && ctx->table ? ctx->table : cmd_table;
}

int
cmd_ctx_store(struct cmd_ctx *ctx, struct store **s, struct masq_err *e)
{
	if (!ctx->store &&
	    store_open(&ctx->store, ctx->db_path ? ctx->db_path :
		       store_default_path(), e) == -1) {
		*s = NULL;
		return -1;
	}
	*s = ctx->store;
	return 0;
}

void
cmd_ctx_done(struct cmd_ctx *ctx)
{
	cmds_warn_flush(ctx);
	if (ctx->store)
		store_close(ctx->store);
	ctx->store = NULL;
}

/* ---- walking the command words ---- */

void
cmd_walk_init(struct cmd_walk *w, const struct cmd_entry *const *table)
{
	memset(w, 0, sizeof(*w));
	w->table = table;
}

bool
cmd_walk_covers(const struct cmd_walk *w, const struct cmd_entry *ent)
{
	if (!w->rep)
		return true;
	return strncmp(ent->name, w->rep->name, w->plen) == 0 &&
	       (ent->name[w->plen] == ' ' || ent->name[w->plen] == '\0');
}

const struct cmd_entry *
cmd_walk_entry(const struct cmd_walk *w)
{
	const struct cmd_entry *const *t;

	if (!w->rep)
		return NULL;
	for (t = w->table; *t; t++)
		if (cmd_walk_covers(w, *t) && (*t)->name[w->plen] == '\0')
			return *t;
	return NULL;
}

const char *
cmd_walk_next(const struct cmd_walk *w, const struct cmd_entry *ent,
	      size_t *len)
{
	const char *p;

	if (!cmd_walk_covers(w, ent))
		return NULL;
	p = ent->name + w->plen;
	if (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	*len = strcspn(p, " ");
	return p;
}

/*
 * The words that may follow the path: slot i is the next word of table
 * entry i (a copy, NUL-terminated), or NULL when the entry is not under
 * the path, or is hidden and @hidden is false.  The slots are what the
 * keyword resolver reads (core/kw.h), so command words resolve as every
 * other word does; the same word from several entries counts once.
 */
struct cmd_next {
	size_t n;
	const char *w[CMD_TABLE_MAX];
	char buf[CMD_TABLE_MAX][CMD_WORD_MAX];
};

static void
cmd_next_words(const struct cmd_walk *w, bool hidden, struct cmd_next *nx)
{
	const struct cmd_entry *const *t;
	const char *p;
	size_t len;

	nx->n = 0;
	for (t = w->table; *t; t++) {
		assert(nx->n < CMD_TABLE_MAX);
		nx->w[nx->n] = NULL;
		p = cmd_walk_next(w, *t, &len);
		if (p && (hidden || !((*t)->flags & CMD_HIDDEN))) {
			assert(len < CMD_WORD_MAX);
			memcpy(nx->buf[nx->n], p, len);
			nx->buf[nx->n][len] = '\0';
			nx->w[nx->n] = nx->buf[nx->n];
		}
		nx->n++;
	}
}

static void
cmd_walk_take(struct cmd_walk *w, const struct cmd_entry *ent)
{
	const char *p;
	size_t len;

	p = cmd_walk_next(w, ent, &len);
	w->rep = ent;
	w->plen = (size_t)(p - ent->name) + len;
	w->depth++;
}

enum cmd_step
cmd_walk_step(struct cmd_walk *w, const char *word)
{
	struct cmd_next nx;
	size_t i;
	int k;

	/* hidden commands (the completion hook) match whole words only */
	cmd_next_words(w, true, &nx);
	for (i = 0; i < nx.n; i++) {
		if (nx.w[i] && !strcmp(nx.w[i], word)) {
			cmd_walk_take(w, w->table[i]);
			return CMD_STEP_MATCH;
		}
	}
	cmd_next_words(w, false, &nx);
	k = kw_find(nx.w, nx.n, word);
	if (k >= 0) {
		cmd_walk_take(w, w->table[k]);
		return CMD_STEP_MATCH;
	}
	return k == KW_AMBIGUOUS ? CMD_STEP_AMBIGUOUS : CMD_STEP_NONE;
}

void
cmd_walk_list(const struct cmd_walk *w, const char *prefix, char *buf,
	      size_t size)
{
	struct cmd_next nx;

	cmd_next_words(w, false, &nx);
	kw_list(nx.w, nx.n, prefix ? prefix : "", buf, size);
}

/* The path as typed by the table: "masq" or "" at the start. */
static const char *
cmd_walk_path(const struct cmd_walk *w, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)w->plen, w->rep ? w->rep->name : "");
	return buf;
}

static int
cmd_lookup_fail(struct cmd_walk *w, enum cmd_step st, const char *word,
		const struct masq_tok *tok, struct masq_err *e)
{
	char path[128], list[400];
	struct cmd_next nx;
	const char *best;

	cmd_walk_path(w, path, sizeof(path));
	if (st == CMD_STEP_AMBIGUOUS) {
		cmd_walk_list(w, word, list, sizeof(list));
		err_tok(e, MASQ_EUSAGE, tok, "ambiguous command '%s%s%s': %s",
			path, *path ? " " : "", word, list);
		return err_hint(e, "type more of the word to pick one");
	}
	err_tok(e, MASQ_EUSAGE, tok, "unknown command '%s%s%s'", path,
		*path ? " " : "", word);
	cmd_next_words(w, false, &nx);
	best = kw_suggest(nx.w, nx.n, word);
	if (best)
		return err_hint(e, "did you mean '%s%s%s'?", path,
				*path ? " " : "", best);
	kw_list(nx.w, nx.n, "", list, sizeof(list));
	if (*path)
		return err_hint(e, "'%s' is followed by one of: %s", path, list);
	return err_hint(e, "'help' lists the commands");
}

int
cmd_lookup(const struct cmd_entry *const *table, const char *const *words,
	   const struct masq_tok *toks, size_t n,
	   const struct cmd_entry **ent, size_t *used, struct cmd_walk *w,
	   struct masq_err *e)
{
	struct cmd_walk local;
	const struct cmd_entry *here;
	char path[128], list[400];
	enum cmd_step st;
	size_t i;

	if (!w)
		w = &local;
	cmd_walk_init(w, table);
	*ent = NULL;
	*used = 0;
	for (i = 0;; i++) {
		here = cmd_walk_entry(w);
		if (i == n)
			break;
		st = cmd_walk_step(w, words[i]);
		if (st == CMD_STEP_MATCH)
			continue;
		/* "diag mtu" vs "diag CHECK": a whole command takes the rest
		 * as its arguments; an ambiguous sub-word is still an error. */
		if (here && st == CMD_STEP_NONE)
			break;
		cmd_lookup_fail(w, st, words[i], toks ? &toks[i] : NULL, e);
		*used = i;
		return -1;
	}
	*used = i;
	if (here) {
		*ent = here;
		return 0;
	}
	cmd_walk_path(w, path, sizeof(path));
	cmd_walk_list(w, NULL, list, sizeof(list));
	err_tok(e, MASQ_EUSAGE, toks && n ? &toks[n - 1] : NULL,
		"'%s' needs one more word: %s", path, list);
	err_hint(e, "'help %s' describes them", path);
	return 1;
}

const struct cmd_entry *
cmd_find(const char *const *words, size_t n, size_t *used,
	 struct masq_err *e)
{
	const struct cmd_entry *ent;
	size_t u;

	if (cmd_lookup(cmd_table, words, NULL, n, &ent, &u, NULL, e) != 0) {
		if (used)
			*used = u;
		return NULL;
	}
	if (used)
		*used = u;
	return ent;
}

/* ---- running a line ---- */

int
cmd_run_line(struct cmd_ctx *ctx, const char *line, struct masq_err *e)
{
	const struct cmd_entry *ent;
	struct tok_list tl;
	struct cmd_args a;
	const char **words = NULL;
	size_t i, used;
	int ret;

	if (tok_split(&tl, line, 0, e) == -1)
		return e->code;
	if (tl.n == 0) {
		ret = 0;
		goto out;
	}
	words = xcalloc(tl.n, sizeof(*words));
	for (i = 0; i < tl.n; i++)
		words[i] = tl.v[i].s;
	if (cmd_lookup(cmd_ctx_table(ctx), words, tl.v, tl.n, &ent, &used,
		       NULL, e) != 0) {
		ret = e->code;
		goto out;
	}
	a.n = tl.n - used;
	a.v = tl.v + used;
	a.line = tl.line;
	/* Every word is checked against the grammar before anything runs,
	 * and keywords and choices reach the handler spelled in full. */
	if (!(ent->flags & CMD_OWN_ARGS) &&
	    cmd_args_resolve(ent, tl.v + used, a.n, tl.line, e) == -1) {
		ret = e->code;
		goto out;
	}
	ret = ent->exec(ctx, &a, e);
	if (ctx->out && ctx->json)
		out_doc_end(ctx->out);
	if (ret != 0) {
		if (e->code == MASQ_OK)	/* a handler forgot to say why */
			err_set(e, MASQ_EFAIL, "'%s' failed", ent->name);
		ret = e->code;
	}
out:
	free(words);
	tok_list_done(&tl);
	return ret;
}

/* ---- binding keyword grammars ---- */

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

/* ---- candidate lists ---- */

void
cmd_cands_addn(struct cmd_cands *c, const char *word, size_t len,
	       const char *help)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strncmp(c->v[i].word, word, len) && !c->v[i].word[len])
			return;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n].word = xstrndup(word, len);
	c->v[c->n].help = help ? xstrdup(help) : NULL;
	c->n++;
}

void
cmd_cands_add(struct cmd_cands *c, const char *word, const char *help)
{
	cmd_cands_addn(c, word, strlen(word), help);
}

void
cmd_candidates_free(struct cmd_candidate *cands, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cands[i].word);
		free(cands[i].help);
	}
	free(cands);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd.c - the command table and the one dispatcher every input path uses.
 *
 * Owns: matching typed command words against the table (exact words,
 * unique prefixes, errors that name the candidates or suggest a word),
 * binding a simple keyword grammar to tokens (cmd_args_bind), running a
 * line, and reading script files
 * (continuation lines, physical line numbers for errors).
 * Does not own: what a command does (cmd_*.c), completion (complete.c),
 * rendering errors or reading terminals (main.c, repl.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* Has an entry before @t (in @w's table, covered) the same next word? */
static bool
cmd_walk_seen(const struct cmd_walk *w, const struct cmd_entry *const *t,
	      const char *word, size_t len)
{
	const struct cmd_entry *const *u;
	const char *p;
	size_t l;

	for (u = w->table; u < t; u++) {
		p = cmd_walk_next(w, *u, &l);
		if (p && l == len && !strncmp(p, word, len))
			return true;
	}
	return false;
}

static void
cmd_walk_take(struct cmd_walk *w, const struct cmd_entry *ent,
	      const char *word, size_t len)
{
	w->rep = ent;
	w->plen = (size_t)(word - ent->name) + len;
	w->depth++;
}

enum cmd_step
cmd_walk_step(struct cmd_walk *w, const char *word)
{
	const struct cmd_entry *const *t, *hit = NULL;
	const char *p, *hitp = NULL;
	size_t len, wl = strlen(word), hitl = 0, nprefix = 0;

	for (t = w->table; *t; t++) {
		p = cmd_walk_next(w, *t, &len);
		if (!p)
			continue;
		if (len == wl && !strncmp(p, word, wl)) {
			cmd_walk_take(w, *t, p, len);
			return CMD_STEP_MATCH;
		}
		if ((*t)->flags & CMD_HIDDEN || !wl || wl > len ||
		    strncmp(p, word, wl) || cmd_walk_seen(w, t, p, len))
			continue;
		if (!nprefix++) {
			hit = *t;
			hitp = p;
			hitl = len;
		}
	}
	if (nprefix == 1) {
		cmd_walk_take(w, hit, hitp, hitl);
		return CMD_STEP_MATCH;
	}
	return nprefix ? CMD_STEP_AMBIGUOUS : CMD_STEP_NONE;
}

void
cmd_walk_list(const struct cmd_walk *w, const char *prefix, char *buf,
	      size_t size)
{
	const struct cmd_entry *const *t;
	size_t len, o = 0, pl = prefix ? strlen(prefix) : 0;
	const char *p;

	buf[0] = '\0';
	for (t = w->table; *t; t++) {
		p = cmd_walk_next(w, *t, &len);
		if (!p || (*t)->flags & CMD_HIDDEN || cmd_walk_seen(w, t, p, len) ||
		    (pl && (pl > len || strncmp(p, prefix, pl))))
			continue;
		if (o + len + 3 >= size)
			break;
		if (o) {
			memcpy(buf + o, ", ", 2);
			o += 2;
		}
		memcpy(buf + o, p, len);
		o += len;
		buf[o] = '\0';
	}
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
	const char *cands[64], *best;
	const struct cmd_entry *const *t;
	size_t n = 0, len;
	char words[64][32];
	const char *p;

	cmd_walk_path(w, path, sizeof(path));
	if (st == CMD_STEP_AMBIGUOUS) {
		cmd_walk_list(w, word, list, sizeof(list));
		err_tok(e, MASQ_EUSAGE, tok, "ambiguous command '%s%s%s': %s",
			path, *path ? " " : "", word, list);
		return err_hint(e, "type more of the word to pick one");
	}
	for (t = w->table; *t && n < 63; t++) {
		p = cmd_walk_next(w, *t, &len);
		if (!p || (*t)->flags & CMD_HIDDEN || len >= sizeof(words[0]) ||
		    cmd_walk_seen(w, t, p, len))
			continue;
		snprintf(words[n], sizeof(words[n]), "%.*s", (int)len, p);
		cands[n] = words[n];
		n++;
	}
	cands[n] = NULL;
	err_tok(e, MASQ_EUSAGE, tok, "unknown command '%s%s%s'", path,
		*path ? " " : "", word);
	best = err_suggest(word, cands);
	cmd_walk_list(w, NULL, list, sizeof(list));
	if (best)
		return err_hint(e, "did you mean '%s%s%s'?", path,
				*path ? " " : "", best);
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
	const struct cmd_entry *ent, *prev;
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
	prev = ctx->cmd;
	ctx->cmd = ent;
	ret = ent->exec(ctx, &a, e);
	ctx->cmd = prev;
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

int
cmd_kw_find(const struct cmd_entry *ent, const char *word, bool exact)
{
	size_t wl = strlen(word);
	int i, hit = -1;

	if (!ent->kws || !wl)
		return -1;
	for (i = 0; ent->kws[i].name; i++) {
		if (ent->kws[i].flags & CMD_KW_POSITIONAL)
			continue;
		if (!strcmp(ent->kws[i].name, word))
			return i;
		if (!exact && !strncmp(ent->kws[i].name, word, wl))
			hit = hit == -1 ? i : -2;
	}
	return hit;
}

/* "out, from, to" (keyword names matching @prefix) into @buf. */
static void
cmd_kw_list(const struct cmd_entry *ent, const char *prefix, char *buf,
	    size_t size)
{
	size_t o = 0, pl = strlen(prefix), l;
	int i;

	buf[0] = '\0';
	for (i = 0; ent->kws && ent->kws[i].name; i++) {
		if (ent->kws[i].flags & CMD_KW_POSITIONAL ||
		    strncmp(ent->kws[i].name, prefix, pl))
			continue;
		l = strlen(ent->kws[i].name);
		if (o + l + 3 >= size)
			break;
		o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "",
				      ent->kws[i].name);
	}
}

static const char *
cmd_kw_meta(const struct cmd_kw *kw)
{
	return kw->meta ? kw->meta : kw->name;
}

/* Type checks that need no outside knowledge. */
static int
cmd_value_check(const struct cmd_kw *kw, const struct masq_tok *t,
		struct masq_err *e)
{
	char list[300];
	const char *const *c, *best;
	size_t o = 0;

	if (kw->type == CMD_ARG_NUM) {
		if (!*t->s || strspn(t->s, "0123456789") != strlen(t->s))
			return err_tok(e, MASQ_EUSAGE, t,
				       "%s '%s' is not a number", cmd_kw_meta(kw),
				       t->s);
		return 0;
	}
	if (kw->type != CMD_ARG_CHOICE || !kw->choices)
		return 0;
	list[0] = '\0';
	for (c = kw->choices; *c; c++) {
		if (!strcmp(*c, t->s))
			return 0;
		if (o + strlen(*c) + 3 < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
					      o ? ", " : "", *c);
	}
	err_tok(e, MASQ_EUSAGE, t, "'%s' is not one of: %s", t->s, list);
	best = err_suggest(t->s, kw->choices);
	if (best)
		err_hint(e, "did you mean '%s'?", best);
	return -1;
}

int
cmd_args_bind(const struct cmd_entry *ent, const struct cmd_args *a,
	      const struct masq_tok **vals, struct masq_err *e)
{
	const struct cmd_kw *kws = ent->kws;
	struct masq_tok end = { .s = "", .line = a->line, .len = 0 };
	const char *cands[64], *best;
	char list[400];
	size_t i, nk = 0;
	int k, pos = 0;

	for (nk = 0; kws && kws[nk].name; nk++)
		vals[nk] = NULL;
	for (i = 0; i < a->n; i++) {
		const struct masq_tok *t = &a->v[i];
		bool pending;

		while (pos < (int)nk && !(kws[pos].flags & CMD_KW_POSITIONAL))
			pos++;
		pending = pos < (int)nk;
		/* A value for a pending positional may look like a keyword's
		 * prefix ("import shorewall r"): only whole keywords win. */
		k = cmd_kw_find(ent, t->s, pending);
		if (k == -2) {
			cmd_kw_list(ent, t->s, list, sizeof(list));
			err_tok(e, MASQ_EUSAGE, t, "ambiguous keyword '%s': %s",
				t->s, list);
			return err_hint(e, "type more of the word to pick one");
		}
		if (k >= 0) {
			if (vals[k] && !(kws[k].flags & CMD_KW_REPEAT))
				return err_tok(e, MASQ_EUSAGE, t,
					       "'%s' given twice", kws[k].name);
			if (kws[k].type == CMD_ARG_NONE) {
				vals[k] = t;
				continue;
			}
			if (i + 1 == a->n) {
				err_tok(e, MASQ_EUSAGE, t, "'%s' needs a value: %s",
					kws[k].name, cmd_kw_meta(&kws[k]));
				return err_hint(e, "%s", kws[k].help ?
						kws[k].help : "give the value");
			}
			vals[k] = &a->v[++i];
			if (cmd_value_check(&kws[k], vals[k], e) == -1)
				return -1;
			continue;
		}
		if (pending) {
			vals[pos] = t;
			if (cmd_value_check(&kws[pos], t, e) == -1)
				return -1;
			pos++;
			continue;
		}
		for (k = 0, nk = 0; kws && kws[k].name && nk < 63; k++)
			if (!(kws[k].flags & CMD_KW_POSITIONAL))
				cands[nk++] = kws[k].name;
		cands[nk] = NULL;
		best = err_suggest(t->s, cands);
		if (!nk) {
			err_tok(e, MASQ_EUSAGE, t, "'%s' takes no more words",
				ent->name);
			return err_hint(e, "usage: %s %s", ent->name,
					ent->usage ? ent->usage : "");
		}
		err_tok(e, MASQ_EUSAGE, t, "unknown keyword '%s' for '%s'",
			t->s, ent->name);
		if (best)
			return err_hint(e, "did you mean '%s'?", best);
		return err_hint(e, "usage: %s %s", ent->name,
				ent->usage ? ent->usage : "");
	}
	end.off = a->line ? strlen(a->line) : 0;
	for (k = 0; kws && kws[k].name; k++) {
		if (vals[k] || !(kws[k].flags & CMD_KW_REQUIRED))
			continue;
		if (kws[k].flags & CMD_KW_POSITIONAL)
			err_tok(e, MASQ_EUSAGE, &end, "'%s' needs %s",
				ent->name, cmd_kw_meta(&kws[k]));
		else
			err_tok(e, MASQ_EUSAGE, &end, "'%s' needs '%s %s'",
				ent->name, kws[k].name, cmd_kw_meta(&kws[k]));
		return err_hint(e, "usage: %s %s", ent->name,
				ent->usage ? ent->usage : "");
	}
	return 0;
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

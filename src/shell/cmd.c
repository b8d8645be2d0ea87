/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd.c - the command table and the one dispatcher every input path uses.
 *
 * Owns: matching typed command words against the table (errors that name
 * the candidates or suggest a word), running a line -- bound to its
 * command's grammar before the handler runs (cmd_args_resolve), so no
 * command takes a word it does not know.  Every word resolves through
 * core/kw.c: exact, else a unique prefix, else ambiguous.
 * Does not own: what a command does (cmd_*.c), the grammar walk
 * (cmd_bind.c), opening a context's store (cmd_store.c), completion
 * (complete.c), reading scripts (script.c), warnings (warn.c), rendering
 * errors or reading terminals (main.c, repl.c).
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
	&cmd_import_iptables_entry,
	&cmd_check_entry,
	&cmd_show_compiled_entry,
	&cmd_diff_entry,
	&cmd_apply_entry,
	&cmd_confirm_entry,
	&cmd_rollback_entry,
	&cmd_revisions_entry,
	&cmd_export_nft_entry,
	&cmd_export_conntrackd_entry, &cmd_export_keepalived_entry,
	&cmd_explain_entry,
	&cmd_ha_sync_entry, &cmd_ha_vip_entry, &cmd_ha_role_entry,
	&cmd_ha_show_entry, &cmd_ha_off_entry, &cmd_ha_apply_entry,
	&cmd_clamp_mss_entry,
	&cmd_clamp_off_entry,
	&cmd_helper_add_entry,
	&cmd_helper_del_entry,
	&cmd_helper_list_entry,
	&cmd_show_masq_entry,
	&cmd_show_conntrack_entry,
	&cmd_show_stats_entry,
	&cmd_show_ha_entry,
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
	&cmd_diag_ha_entry,
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
	/* Every word is checked against the grammar before anything runs,
	 * and keywords and choices reach the handler spelled in full. */
	if (!(ent->flags & CMD_OWN_ARGS) &&
	    cmd_args_resolve(ent, tl.v + used, a.n, tl.line, e) == -1) {
		ret = e->code;
		goto out;
	}
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

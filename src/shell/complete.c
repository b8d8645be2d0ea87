/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * complete.c - what may come next on a command line: TAB candidates
 * (cmd_complete_line), the '?' listing (cmd_describe_line) and the hidden
 * `__complete` command that lets bash and zsh ask masqsh itself.
 *
 * Owns: walking a partial line through the same command table and keyword
 * grammar the dispatcher uses, and the sources of live values: interface
 * names (nat/links.h), /etc/protocols, /etc/services, rule ids from the
 * store (opened read-only, so completing never creates a database), files,
 * fixed choices, and the addresses and ports in the conntrack table for
 * the words whose grammar names a field (complete_live.h).  Never fails
 * loudly: no candidates is the answer to anything it cannot read.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "core/tok.h"
#include "core/xalloc.h"
#include "nat/links.h"
#include "shell/cmd_int.h"
#include "shell/complete_live.h"

struct complete {
	struct cmd_ctx *ctx;
	struct cmd_cands c;
	bool describe;		/* '?': placeholders and <Enter> too */
	const char *cur;	/* the word under the cursor (so far) */
};

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
type_is_list(enum cmd_arg_type t)
{
	return t == CMD_ARG_IFACE || t == CMD_ARG_PROTO || t == CMD_ARG_PORTS ||
	       t == CMD_ARG_ADDR;
}

/* Offer @val for the word under the cursor; list types complete the
 * element after the last comma and keep what is before it. */
static void
offer(struct complete *cp, const struct cmd_kw *kw, const char *val,
      const char *help)
{
	const char *comma = type_is_list(kw->type) ? strrchr(cp->cur, ',') : NULL;
	const char *tail = comma ? comma + 1 : cp->cur;
	char *w;

	if (!has_prefix(val, tail))
		return;
	if (!comma) {
		cmd_cands_add(&cp->c, val, help);
		return;
	}
	w = xasprintf("%.*s%s", (int)(tail - cp->cur), cp->cur, val);
	cmd_cands_add(&cp->c, w, help);
	free(w);
}

static void
values_ids(struct complete *cp, const struct cmd_kw *kw)
{
	struct store *s = cp->ctx ? cp->ctx->store : NULL, *mine = NULL;
	struct store_row *rows = NULL;
	struct masq_err e;
	size_t n = 0, i;
	char id[32];

	err_init(&e);
	if (!s && store_open_ro(&mine, cp->ctx && cp->ctx->db_path ?
				cp->ctx->db_path : store_default_path(), &e) == 0)
		s = mine;
	if (s && store_rows_list(s, kw->type == CMD_ARG_MASQ_ID ? STORE_MASQ :
				 STORE_FORWARD, &rows, &n, &e) == 0) {
		for (i = 0; i < n; i++) {
			snprintf(id, sizeof(id), "%lld", (long long)rows[i].id);
			offer(cp, kw, id, rows[i].spec);
		}
		store_rows_free(rows, n);
	}
	if (mine)
		store_close(mine);
	err_done(&e);
}

static void
values_ifaces(struct complete *cp, const struct cmd_kw *kw)
{
	struct masq_err e;
	char **names = NULL;
	size_t n = 0, i;

	err_init(&e);
	if (links_names(&names, &n, &e) == 0) {
		for (i = 0; i < n; i++)
			offer(cp, kw, names[i], kw->help);
		links_names_free(names, n);
	}
	err_done(&e);
}

static void
values_netdb(struct complete *cp, const struct cmd_kw *kw)
{
	if (kw->type == CMD_ARG_PROTO) {
		struct protoent *p;

		setprotoent(1);
		while ((p = getprotoent()))
			offer(cp, kw, p->p_name, kw->help);
		endprotoent();
	} else {
		struct servent *s;

		setservent(1);
		while ((s = getservent()))
			offer(cp, kw, s->s_name, kw->help);
		endservent();
	}
}

static void
values_files(struct complete *cp, const struct cmd_kw *kw)
{
	const char *slash = strrchr(cp->cur, '/'), *base;
	char *dir, *w;
	struct dirent *d;
	DIR *dp;

	base = slash ? slash + 1 : cp->cur;
	dir = slash ? xstrndup(cp->cur, (size_t)(slash - cp->cur) + 1) :
		      xstrdup("");
	dp = opendir(*dir ? dir : ".");
	while (dp && (d = readdir(dp))) {
		if (!has_prefix(d->d_name, base) ||
		    !strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
		    (d->d_name[0] == '.' && base[0] != '.'))
			continue;
		w = xasprintf("%s%s%s", dir, d->d_name,
			      d->d_type == DT_DIR ? "/" : "");
		cmd_cands_add(&cp->c, w, NULL);
		free(w);
	}
	if (dp)
		closedir(dp);
	free(dir);
}

/* The word's field in the conntrack table now: one dump, the most
 * frequent values that fit what was typed (after the last comma of a
 * list).  Returns how many were offered. */
static size_t
values_live(struct complete *cp, const struct cmd_kw *kw)
{
	struct live_value v[LIVE_VALUES_MAX];
	const char *comma = type_is_list(kw->type) ? strrchr(cp->cur, ',') : NULL;
	char help[48];
	size_t n, i;

	n = live_values(kw->live, comma ? comma + 1 : cp->cur, v,
			LIVE_VALUES_MAX);
	for (i = 0; i < n; i++) {
		snprintf(help, sizeof(help), "in %lu connection%s now",
			 v[i].count, v[i].count == 1 ? "" : "s");
		offer(cp, kw, v[i].text, help);
	}
	return n;
}

/* A port word: the ports in use (live) while the word is empty or a
 * number, else (or when the table has none) the service names. */
static void
values_ports(struct complete *cp, const struct cmd_kw *kw)
{
	const char *comma = strrchr(cp->cur, ',');
	const char *tail = comma ? comma + 1 : cp->cur;

	if (kw->live && (!*tail || isdigit((unsigned char)*tail)) &&
	    values_live(cp, kw) > 0)
		return;
	values_netdb(cp, kw);
}

/* Values of @kw (and its placeholder when describing).  '?' lists no
 * table values: it describes the grammar, TAB fills words in. */
static void
values(struct complete *cp, const struct cmd_kw *kw)
{
	const char *const *ch;
	char *ph;

	if (cp->describe) {
		ph = xasprintf("<%s>", kw->meta ? kw->meta : kw->name);
		cmd_cands_add(&cp->c, ph, kw->help);
		free(ph);
	}
	switch (kw->type) {
	case CMD_ARG_IFACE:
		values_ifaces(cp, kw);
		break;
	case CMD_ARG_PROTO:
		if (!cp->describe)
			values_netdb(cp, kw);
		break;
	case CMD_ARG_PORTS:
		if (!cp->describe)
			values_ports(cp, kw);
		break;
	case CMD_ARG_ADDR:
		if (!cp->describe && kw->live)
			values_live(cp, kw);
		break;
	case CMD_ARG_MASQ_ID:
	case CMD_ARG_FWD_ID:
		values_ids(cp, kw);
		break;
	case CMD_ARG_FILE:
		if (!cp->describe)
			values_files(cp, kw);
		break;
	case CMD_ARG_CHOICE:
		for (ch = kw->choices; ch && *ch; ch++)
			offer(cp, kw, *ch, kw->help);
		break;
	default:
		break;
	}
}

/* After the command words: keywords not used yet, the next positional,
 * or the value the previous keyword wants. */
static void
complete_args(struct complete *cp, const struct cmd_entry *ent,
	      const struct masq_tok *args, size_t n)
{
	const struct cmd_kw *kws = ent->kws;
	bool used[64] = { false }, ready = true;
	int k, pos = 0, want = -1;
	size_t i;
	char *w;

	if (!kws)
		goto enter;
	for (i = 0; i < n; i++) {
		if (want >= 0 && kws[want].flags & CMD_KW_REST) {
			/* free text to the end of the line */
			if (cp->describe && !*cp->cur)
				cmd_cands_add(&cp->c, "<Enter>",
					      "run the command");
			return;
		}
		if (want >= 0) {
			want = -1;
			continue;
		}
		while (kws[pos].name && !(kws[pos].flags & CMD_KW_POSITIONAL))
			pos++;
		k = cmd_kw_find(ent, args[i].s, kws[pos].name != NULL);
		if (k >= 0 && k < 64) {
			used[k] = true;
			if (kws[k].type != CMD_ARG_NONE)
				want = k;
		} else if (kws[pos].name && pos < 64) {
			used[pos] = true;
			if (!(kws[pos].flags & CMD_KW_REPEAT))
				pos++;
		}
	}
	if (want >= 0) {
		values(cp, &kws[want]);
		return;
	}
	while (kws[pos].name && !(kws[pos].flags & CMD_KW_POSITIONAL))
		pos++;
	if (kws[pos].name)
		values(cp, &kws[pos]);
	for (k = 0; kws[k].name && k < 64; k++) {
		if (kws[k].flags & CMD_KW_REQUIRED && !used[k])
			ready = false;
		if (kws[k].flags & CMD_KW_POSITIONAL ||
		    (used[k] && !(kws[k].flags & CMD_KW_REPEAT)) ||
		    !has_prefix(kws[k].name, cp->cur))
			continue;
		if (cp->describe && kws[k].type != CMD_ARG_NONE) {
			w = xasprintf("%s %s", kws[k].name,
				      kws[k].meta ? kws[k].meta : "VALUE");
			cmd_cands_add(&cp->c, w, kws[k].help);
			free(w);
		} else {
			cmd_cands_add(&cp->c, kws[k].name, kws[k].help);
		}
	}
enter:
	if (cp->describe && ready && !*cp->cur)
		cmd_cands_add(&cp->c, "<Enter>", "run the command");
}

/* Command words that may follow the path and start with cp->cur. */
static void
complete_words(struct complete *cp, const struct cmd_walk *w)
{
	const struct cmd_entry *const *t;
	struct cmd_walk sub;
	char list[300], *help;
	const char *p;
	size_t len;

	for (t = w->table; *t; t++) {
		p = cmd_walk_next(w, *t, &len);
		if (!p || (*t)->flags & CMD_HIDDEN ||
		    strncmp(p, cp->cur, strlen(cp->cur)) ||
		    len < strlen(cp->cur))
			continue;
		if (p[len] == '\0') {
			cmd_cands_addn(&cp->c, p, len, (*t)->summary);
			continue;
		}
		sub = *w;
		sub.rep = *t;
		sub.plen = (size_t)(p - (*t)->name) + len;
		cmd_walk_list(&sub, NULL, list, sizeof(list));
		help = xasprintf("then %s", list);
		cmd_cands_addn(&cp->c, p, len, help);
		free(help);
	}
}

static int
complete_run(struct cmd_ctx *ctx, const char *line, size_t point,
	     bool describe, struct cmd_candidate **cands, size_t *n)
{
	struct complete cp = { .ctx = ctx, .describe = describe, .cur = "" };
	const struct cmd_entry *here;
	struct cmd_walk w;
	struct masq_err e;
	struct tok_list tl;
	size_t nprev, i;
	bool in_help = false;
	char *upto;

	*cands = NULL;
	*n = 0;
	err_init(&e);
	upto = xstrndup(line, point);
	if (tok_split(&tl, upto, TOK_PARTIAL, &e) == -1)
		goto out;
	nprev = tl.trailing_blank || tl.n == 0 ? tl.n : tl.n - 1;
	if (nprev < tl.n)
		cp.cur = tl.v[nprev].s;
	cmd_walk_init(&w, cmd_ctx_table(ctx));
	for (i = 0; i < nprev; i++) {
		here = cmd_walk_entry(&w);
		if (here == &cmd_help_entry) {
			/* help's words are command words again */
			in_help = true;
			cmd_walk_init(&w, cmd_ctx_table(ctx));
		}
		if (cmd_walk_step(&w, tl.v[i].s) == CMD_STEP_MATCH)
			continue;
		if (here && !in_help)
			complete_args(&cp, here, tl.v + i, nprev - i);
		goto done;
	}
	here = cmd_walk_entry(&w);
	if (here == &cmd_help_entry) {
		in_help = true;
		cmd_walk_init(&w, cmd_ctx_table(ctx));
	}
	complete_words(&cp, &w);
	if (here && !in_help)
		complete_args(&cp, here, NULL, 0);
done:
	*cands = cp.c.v;
	*n = cp.c.n;
	tok_list_done(&tl);
out:
	free(upto);
	err_done(&e);
	return 0;
}

int
cmd_complete_line(struct cmd_ctx *ctx, const char *line, size_t point,
		  struct cmd_candidate **cands, size_t *n)
{
	return complete_run(ctx, line, point, false, cands, n);
}

int
cmd_describe_line(struct cmd_ctx *ctx, const char *line, size_t point,
		  struct cmd_candidate **cands, size_t *n)
{
	return complete_run(ctx, line, point, true, cands, n);
}

/* __complete LINE [describe]: one candidate per line, "word<TAB>help". */
static int
cmd_complete_exec(struct cmd_ctx *ctx, const struct cmd_args *a,
		  struct masq_err *e)
{
	const struct masq_tok *v[3];
	struct cmd_candidate *c;
	size_t n, i;

	if (cmd_args_bind(&cmd_complete_entry, a, v, e) == -1)
		return -1;
	complete_run(ctx, v[0]->s, strlen(v[0]->s), v[1] != NULL, &c, &n);
	out_arr_open(ctx->out, NULL);
	for (i = 0; i < n; i++) {
		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "word", "%s", c[i].word);
		if (c[i].help)
			out_str(ctx->out, "help", "\t%s", c[i].help);
		out_obj_close(ctx->out);
		out_text(ctx->out, "\n");
	}
	out_arr_close(ctx->out);
	cmd_candidates_free(c, n);
	return 0;
}

static const struct cmd_kw complete_kws[] = {
	{ "LINE", CMD_ARG_TEXT, "LINE", "the command line typed so far",
	  CMD_KW_REQUIRED | CMD_KW_POSITIONAL, NULL },
	{ "describe", CMD_ARG_NONE, NULL,
	  "what may come next, as '?' shows it", 0, NULL },
	{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_complete_entry = {
	.name = "__complete",
	.usage = "LINE [describe]",
	.summary = "candidates for the last word of LINE (for shell completion)",
	.help = "Prints one candidate per line, the word and its help separated "
		"by a tab (JSON with -j: [{\"word\",\"help\"}]).  The bash and "
		"zsh completions call it.",
	.kws = complete_kws,
	.flags = CMD_HIDDEN,
	.exec = cmd_complete_exec,
};

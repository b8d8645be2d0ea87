/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stage.c - what the commands that stage rules share (declared in
 * cmd_int.h): ids and positions from tokens, "at N", adding a row and
 * saying where it went, the interface-name check with its warning, an
 * address range as text, and loading the staged rules.
 *
 * Interface names come from src/nat/links.c (rtnetlink); existence of one
 * name is a plain if_nametoindex().  Does not own the rule language
 * (src/nat/rule.h; stored text: nat_rule_from_text()) or the grammar walk
 * (cmd.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/ctent.h"
#include "core/xalloc.h"
#include "nat/links.h"
#include "shell/cmd_int.h"

int
cmds_num(const struct masq_tok *t, const char *what, int64_t *v,
	 struct masq_err *e)
{
	const char *p = t->s;
	int64_t n = 0;

	if (!*p)
		goto bad;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p) || n > 100000000)
			goto bad;
		n = n * 10 + (*p - '0');
	}
	if (n == 0)
		goto bad;
	*v = n;
	return 0;
bad:
	err_tok(e, MASQ_EUSAGE, t, "'%s' is not a %s", t->s, what);
	return err_hint(e, "a %s is a number from 1 up", what);
}

int
cmds_strip_at(const struct cmd_entry *ent, const struct cmd_args *a,
	      unsigned int *at, struct masq_tok **rest, size_t *n,
	      struct masq_err *e)
{
	const struct cmd_kw *k;
	struct masq_tok *v;
	int64_t pos;
	size_t i, m = 0;
	int ki;

	*at = 0;
	v = xcalloc(a->n + 1, sizeof(*v));
	for (i = 0; i < a->n; i++) {
		ki = cmd_kw_find(ent, a->v[i].s, false);
		k = ki >= 0 ? &ent->kws[ki] : NULL;
		if (k && !strcmp(k->name, "at")) {
			if (i + 1 >= a->n) {
				free(v);
				return err_tok(e, MASQ_EUSAGE, &a->v[i],
					       "'at' needs a position");
			}
			if (cmds_num(&a->v[i + 1], "position", &pos, e) < 0) {
				free(v);
				return -1;
			}
			*at = (unsigned int)pos;
			i++;
			continue;
		}
		v[m++] = a->v[i];
		if (k && k->flags & CMD_KW_REST) {
			/* the rest is its value (the column text) */
			for (i++; i < a->n; i++)
				v[m++] = a->v[i];
			break;
		}
		if (k && k->type != CMD_ARG_NONE && i + 1 < a->n)
			v[m++] = a->v[++i];
	}
	*rest = v;
	*n = m;
	return 0;
}

int
cmds_stage_row(struct cmd_ctx *ctx, enum store_kind kind, const char *what,
	       unsigned int at, const char *spec, struct masq_err *e)
{
	struct store_row *rows = NULL;
	size_t nrows = 0;
	unsigned int pos;
	struct store *s;
	int64_t id = 0;

	if (cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	if (ctx->check_only) {
		if (store_rows_list(s, kind, &rows, &nrows, e) < 0)
			return -1;
		store_rows_free(rows, nrows);
		pos = at && at <= nrows ? at : (unsigned int)nrows + 1;
		out_null(ctx->out, "id", NULL);
		out_text(ctx->out, "would add %s", what);
		out_int(ctx->out, "pos", " at position %lld", pos);
	} else {
		if (store_row_insert(s, kind, at, spec, &id, e) < 0 ||
		    store_row_pos(s, kind, id, &pos, e) < 0)
			return -1;
		out_text(ctx->out, "added %s", what);
		out_int(ctx->out, "id", " %lld", id);
		out_int(ctx->out, "pos", " at position %lld", pos);
	}
	out_str(ctx->out, "rule", ": %s\n", spec);
	out_obj_close(ctx->out);
	return 0;
}

bool
cmds_iface_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

/* "unknown interface", marking @name inside token @t when it can be
 * found there as a word, else the whole token. */
static int
mark_name(struct masq_err *e, const struct masq_tok *t, const char *name)
{
	const char *span, *p;
	size_t len = strlen(name);

	if (t && t->line) {
		span = t->line + t->off;
		for (p = span; p + len <= span + t->len; p++) {
			if (strncmp(p, name, len))
				continue;
			if (p > span && (isalnum((unsigned char)p[-1]) ||
					 strchr("_.-", p[-1])))
				continue;
			if (isalnum((unsigned char)p[len]) ||
			    (p[len] && strchr("_.-", p[len])))
				continue;
			return err_tok_sub(e, MASQ_EFAIL, t,
					   (size_t)(p - span), len,
					   "unknown interface '%s'", name);
		}
	}
	return err_tok(e, MASQ_EFAIL, t, "unknown interface '%s'", name);
}

int
cmds_iface_check(struct cmd_ctx *ctx, const struct nat_ifname *ifn,
		 const struct masq_tok *t, struct masq_err *e)
{
	const char *best = NULL;
	struct masq_err lerr;
	char **names = NULL;
	size_t n = 0;
	bool typo;

	if (ifn->wildcard || !ifn->name[0] || cmds_iface_exists(ifn->name))
		return 0;
	err_init(&lerr);
	if (links_names(&names, &n, &lerr) == 0) {
		/* links_names gives n owned strings; add the terminator */
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n] = NULL;
		best = err_suggest(ifn->name, (const char *const *)names);
	}
	err_done(&lerr);
	typo = best != NULL;
	if (typo) {
		mark_name(e, t, ifn->name);
		err_hint(e, "did you mean '%s'?", best);
	}
	links_names_free(names, n);
	if (typo)
		return -1;
	cmds_warn(ctx, "interface '%s' does not exist (yet)", ifn->name);
	return 0;
}

char *
cmds_range_format(const struct nat_addr_range *r)
{
	char lo[CT_ADDRSTRLEN], hi[CT_ADDRSTRLEN];
	int af = r->family == AF_INET6 ? AF_INET6 : AF_INET;

	ctent_addr_format(af, r->lo, lo);
	ctent_addr_format(af, r->hi, hi);
	if (!memcmp(r->lo, r->hi, af == AF_INET6 ? 16 : 4))
		return xstrdup(lo);
	return xasprintf("%s-%s", lo, hi);
}

int
cmds_load(struct cmd_ctx *ctx, struct nat_ruleset *rs, struct masq_err *e)
{
	struct store *s;

	if (cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	return nat_ruleset_load(s, rs, e);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_masq_show.c - `masq show N`: one staged rule in its keyword form, its
 * masq file column form, and field by field as the model holds it (so a
 * user can see how masqsh understood a masq line).  Output only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "shell/cmd_int.h"

/* Hand over the text of @b (NULL when nothing was written). */
static char *
sb_take(struct strbuf *b)
{
	if (!b->len) {
		strbuf_done(b);
		return NULL;
	}
	return strbuf_take(b);
}

static void
field(struct cmd_ctx *ctx, const char *key, const char *label, char *v)
{
	if (out_is_json(ctx->out)) {
		out_str(ctx->out, key, NULL, v);
	} else if (v) {
		out_text(ctx->out, "  %-13s %s\n", label, v);
	}
	free(v);
}

static void
flag(struct cmd_ctx *ctx, const char *key, const char *label, bool v)
{
	if (out_is_json(ctx->out))
		out_bool(ctx->out, key, NULL, v);
	else if (v)
		out_text(ctx->out, "  %-13s yes\n", label);
}

static void
nets(struct strbuf *b, const struct nat_net *v, size_t n)
{
	char *s;
	size_t i;

	for (i = 0; i < n; i++) {
		s = nat_net_format(&v[i]);
		strbuf_addf(b, "%s%s", i ? "," : "", s ? s : "?");
		free(s);
	}
}

static char *
netlist(const struct nat_netlist *l)
{
	struct strbuf b = STRBUF_INIT;

	if (!l->n_inc && !l->n_exc)
		return NULL;
	if (l->n_inc)
		nets(&b, l->inc, l->n_inc);
	else
		strbuf_puts(&b, "any");
	if (l->n_exc) {
		strbuf_puts(&b, " except ");
		nets(&b, l->exc, l->n_exc);
	}
	return sb_take(&b);
}

static char *
ifaces(const struct nat_rule *r)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->n_oifs; i++)
		strbuf_addf(&b, "%s%s%s", i ? "," : "", r->oifs[i].name,
			    r->oifs[i].wildcard ? "+" : "");
	return sb_take(&b);
}

static char *
action(const struct nat_rule *r)
{
	char *to, *s;

	switch (r->action) {
	case NAT_NONAT:
		return xstrdup("nonat (no translation, stop)");
	case NAT_DETECT:
		return xstrdup("snat to the interface's addresses (detect)");
	case NAT_SNAT:
		to = cmds_range_format(&r->to);
		s = xasprintf("snat to %s", to);
		free(to);
		return s;
	case NAT_PREFIX:
		to = nat_net_format(&r->prefix);
		s = xasprintf("prefix translation to %s (NPTv6, host bits "
			      "kept)", to);
		free(to);
		return s;
	case NAT_MASQUERADE:
	default:
		return xstrdup("masquerade");
	}
}

static char *
protos(const struct nat_proto *p)
{
	struct strbuf b = STRBUF_INIT;
	const char *name;
	size_t i;

	if (!p->n)
		return NULL;
	strbuf_puts(&b, p->neg ? "not " : "");
	for (i = 0; i < p->n; i++) {
		name = nat_proto_name(p->v[i]);
		if (name)
			strbuf_addf(&b, "%s%s", i ? "," : "", name);
		else
			strbuf_addf(&b, "%s%u", i ? "," : "", p->v[i]);
	}
	return sb_take(&b);
}

static char *
ports(const struct nat_ports *p)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	if (!p->n)
		return NULL;
	strbuf_puts(&b, p->neg ? "not " : "");
	for (i = 0; i < p->n; i++) {
		strbuf_addf(&b, "%s%u", i ? "," : "", p->v[i].lo);
		if (p->v[i].hi != p->v[i].lo)
			strbuf_addf(&b, "-%u", p->v[i].hi);
	}
	return sb_take(&b);
}

static char *
ipsec(const struct nat_ipsec *x)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	if (x->policy == NAT_IPSEC_ANY)
		return NULL;
	strbuf_puts(&b, x->policy == NAT_IPSEC_YES ? "encrypted" :
		    "not encrypted");
	if (x->has_reqid)
		strbuf_addf(&b, ", reqid %u", x->reqid);
	if (x->has_spi)
		strbuf_addf(&b, ", spi 0x%x", x->spi);
	if (x->has_tsrc) {
		s = nat_net_format(&x->tsrc);
		strbuf_addf(&b, ", tunnel from %s", s ? s : "?");
		free(s);
	}
	if (x->has_tdst) {
		s = nat_net_format(&x->tdst);
		strbuf_addf(&b, ", tunnel to %s", s ? s : "?");
		free(s);
	}
	return sb_take(&b);
}

static char *
mark(const struct nat_mark *m)
{
	if (!m->set)
		return NULL;
	return xasprintf("%s mark %s 0x%x/0x%x", m->ct ? "connection" :
			 "packet", m->neg ? "!=" : "==", m->value, m->mask);
}

static char *
owner(const struct nat_owner *o)
{
	char u[48] = "", g[48] = "";

	if (!o->set)
		return NULL;
	if (o->has_uid)
		snprintf(u, sizeof(u), "user %s", o->user[0] ? o->user : "?");
	if (o->has_uid && !o->user[0])
		snprintf(u, sizeof(u), "uid %u", o->uid);
	if (o->has_gid)
		snprintf(g, sizeof(g), "%sgroup %s", u[0] ? ", " : "",
			 o->group[0] ? o->group : "?");
	if (o->has_gid && !o->group[0])
		snprintf(g, sizeof(g), "%sgid %u", u[0] ? ", " : "", o->gid);
	return xasprintf("%slocal traffic of %s%s", o->neg ? "not " : "",
			 u, g);
}

static void
show_rule(struct cmd_ctx *ctx, const struct nat_rule *r, unsigned int pos,
	  const char *spec)
{
	char *cols = nat_rule_format_columns(r);

	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "id", "masq rule %lld", r->id);
	out_int(ctx->out, "pos", ", position %lld\n", pos);
	out_str(ctx->out, "rule", "  keyword form: masq add %s\n", spec);
	if (cols || out_is_json(ctx->out))
		out_str(ctx->out, "columns", "  column form:  %s\n", cols);
	else
		out_text(ctx->out, "  column form:  none (a masq file's "
			 "INTERFACE column is required)\n");
	free(cols);
	out_obj_open(ctx->out, "fields");
	/* JSON keeps null for "any": an interface may be named "any" */
	field(ctx, "interfaces", "interfaces:", r->n_oifs ||
	      out_is_json(ctx->out) ? ifaces(r) :
	      xstrdup("any (the rule has no 'out')"));
	field(ctx, "to", "to:", netlist(&r->dst));
	field(ctx, "from", "from:", netlist(&r->src));
	field(ctx, "from_iface", "in interface:", r->has_src_if ?
	      xasprintf("%s%s", r->src_if.name, r->src_if.wildcard ? "+" : "")
	      : NULL);
	field(ctx, "action", "action:", action(r));
	field(ctx, "ports", "source ports:", r->has_ports ?
	      xasprintf("%u-%u", r->ports.lo, r->ports.hi) : NULL);
	flag(ctx, "random", "random:", r->random);
	flag(ctx, "fully_random", "fully random:", r->fully_random);
	flag(ctx, "persistent", "persistent:", r->persistent);
	field(ctx, "proto", "protocols:", protos(&r->proto));
	field(ctx, "dport", "dest ports:", ports(&r->dport));
	field(ctx, "ipsec", "ipsec:", ipsec(&r->ipsec));
	field(ctx, "mark", "mark:", mark(&r->mark));
	field(ctx, "user", "user/group:", owner(&r->owner));
	field(ctx, "timeout", "ct timeouts:", nat_ct_policy_format(&r->timeout));
	if (r->alias >= 0)
		out_int(ctx->out, "alias", "  alias label:  %lld\n", r->alias);
	else
		out_null(ctx->out, "alias", NULL);
	flag(ctx, "early", "early:", r->early);
	field(ctx, "comment", "comment:", r->comment ? xstrdup(r->comment)
	      : NULL);
	out_obj_close(ctx->out);
	out_obj_close(ctx->out);
}

static const struct cmd_kw masq_show_kws[] = {
	{ "ID", CMD_ARG_MASQ_ID, "ID", "the rule's id (see 'masq list')",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_masq_show(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	const struct masq_tok *vals[1];
	struct store_row *rows = NULL;
	size_t n = 0, i;
	struct nat_rule r;
	struct store *s;
	int64_t id;
	int rc = -1;

	nat_rule_init(&r);
	if (cmd_args_bind(&cmd_masq_show_entry, a, vals, e) < 0 ||
	    cmds_num(vals[0], "rule id", &id, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0 ||
	    store_rows_list(s, STORE_MASQ, &rows, &n, e) < 0)
		goto out;
	for (i = 0; i < n && rows[i].id != id; i++)
		;
	if (i == n) {
		err_tok(e, MASQ_EFAIL, vals[0], "no masq rule %lld",
			(long long)id);
		err_hint(e, "'masq list' shows the ids");
		goto out;
	}
	if (nat_rule_from_text(&r, rows[i].spec, id, e) < 0)
		goto out;
	show_rule(ctx, &r, rows[i].pos ? rows[i].pos : (unsigned int)i + 1,
		  rows[i].spec);
	rc = 0;
out:
	nat_rule_done(&r);
	store_rows_free(rows, n);
	return rc;
}

const struct cmd_entry cmd_masq_show_entry = {
	.name = "masq show",
	.usage = "ID",
	.summary = "show one staged rule in both forms, field by field",
	.help = "Print the rule with this id in its keyword form, as a masq\n"
		"file line, and field by field as masqsh understood it.",
	.kws = masq_show_kws,
	.flags = 0,
	.exec = cmd_masq_show,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_ports.c - `show ports [by dst]`: the source-port budget of each
 * external (translated) address and protocol, optionally per remote
 * address, from one streaming dump of the SNAT'ed entries.
 *
 * Owns: the command and its table / JSON output.  Does not own: the dump
 * (nat/ct.h), which rule made an entry or loading the rules for it
 * (nat/ct_rule.h), or counting and sizing the budgets and ranking their
 * inside hosts (nat/ct_budget.h, shared with `diag ports` and the engine).
 *
 * The budget ("available") of an entry is the port range its masq rule
 * allows: the rule's `ports LO-HI` when it has one, else 64512, the ports
 * 1024-65535 the kernel picks from when it cannot keep the inside host's
 * own source port.  A group's budget is the largest of its entries'.
 * ICMP entries count echo ids (65536); protocols without ports have none.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "nat/ct_budget.h"
#include "nat/ct_rule.h"
#include "shell/cmd_int.h"
#include "shell/ct_row.h"

/* Groups per external address and protocol (BY_REMOTE added for `by
 * dst`), every SNAT'ed protocol, sized by the largest of their entries:
 * the budget in the text above. */
#define PORTS_BUDGET_FLAGS CT_BUDGET_SHOW_PORTS

static void
print_group(struct out *o, const struct ct_budget_slot *g, bool by_dst)
{
	char a[CT_ADDRSTRLEN], pct[16];
	const char *pn = ctent_proto_name(g->key.proto);
	size_t j;

	out_obj_open(o, NULL);
	out_str(o, "gw", "%-16s ",
		ctent_addr_format(g->key.family, &g->key.gw, a));
	if (pn)
		out_str(o, "proto", "%-6s ", pn);
	else
		out_int(o, "proto", "%-6lld ", g->key.proto);
	if (by_dst)
		out_str(o, "dst", "%-16s ",
			ctent_addr_format(g->key.family, &g->key.remote, a));
	out_u64(o, "used", "%7" PRIu64 " ", g->n);
	if (g->size) {
		out_u64(o, "available", "%9" PRIu64 " ", g->size);
		snprintf(pct, sizeof(pct), "%.1f%%",
			 100.0 * (double)g->n / g->size);
		out_text(o, "%6s  ", pct);
		out_int(o, "used_pct_x10", NULL,
			(long long)(1000 * g->n / g->size));
	} else {
		out_null(o, "available", "%9s ");
		out_text(o, "%6s  ", "-");
		out_null(o, "used_pct_x10", NULL);
	}
	out_arr_open(o, "top");
	for (j = 0; j < CT_BUDGET_TOP && g->top[j]; j++) {
		out_obj_open(o, NULL);
		out_str(o, "host", j ? ", %s" : "%s",
			ctent_addr_format(g->key.family, &g->top[j]->host, a));
		out_u64(o, "used", " (%" PRIu64 ")", g->top[j]->n);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_text(o, "\n");
	out_obj_close(o);
}

static int
cmd_show_ports(struct cmd_ctx *ctx, const struct cmd_args *a,
	       struct masq_err *e)
{
	const struct masq_tok *vals[2];
	const struct ct_budget_slot **list = NULL;
	struct ct_query q = { .flags = CT_Q_NAT_ONLY };
	struct ct_handle *h = NULL;
	struct ct_rules *cr = NULL;
	struct ct_budget b;
	struct masq_err le;
	size_t i;
	bool by_dst;
	int rc = -1;

	ct_budget_init(&b, PORTS_BUDGET_FLAGS, NULL);
	if (cmd_args_bind(&cmd_show_ports_entry, a, vals, e) < 0)
		goto out;
	by_dst = vals[0] != NULL;
	err_init(&le);
	/* no database: no rules, quietly; a broken one: say so, go on */
	if (ct_rules_load(ctx->db_path, &cr, &le) < 0)
		cmds_warn(ctx, "%s; budgets use the kernel's default range",
			  le.msg);
	err_done(&le);
	ct_budget_init(&b, PORTS_BUDGET_FLAGS |
		       (by_dst ? CT_BUDGET_BY_REMOTE : 0), cr);
	h = ct_open(e);
	if (!h || ct_dump(h, &q, ct_budget_cb, &b, e) < 0)
		goto out;
	ct_budget_rank(&b);
	list = ct_budget_list(&b);

	out_arr_open(ctx->out, NULL);
	out_text(ctx->out, "%-16s %-6s ", "EXTERNAL", "PROTO");
	if (by_dst)
		out_text(ctx->out, "%-16s ", "REMOTE");
	out_text(ctx->out, "%7s %9s %6s  %s\n", "USED", "AVAILABLE", "USED%",
		 "TOP INSIDE HOSTS (entries)");
	for (i = 0; i < b.budgets.n; i++)
		print_group(ctx->out, list[i], by_dst);
	out_arr_close(ctx->out);
	out_text(ctx->out, "%" PRIu64 " translated %s\n", b.counted,
		 b.counted == 1 ? "connection" : "connections");
	rc = 0;
out:
	free(list);
	ct_budget_done(&b);
	ct_close(h);
	ct_rules_free(cr);
	return rc;
}

static const char *const by_choices[] = { "dst", NULL };

static const struct cmd_kw ports_kws[] = {
	{ "by", CMD_ARG_CHOICE, "dst", "one line per remote address too", 0,
	  by_choices },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_show_ports_entry = {
	.name = "show ports",
	.usage = "[by dst]",
	.summary = "source-port budget per external address and protocol",
	.help = "For each address the gateway translates to (masquerade and\n"
		"SNAT) and each protocol: how many connections use it, how many\n"
		"source ports the rule allows, the share used, and the three\n"
		"inside hosts with the most connections through it.  With 'by\n"
		"dst' the count is also split per remote address: the kernel\n"
		"can reuse a port for different remote ends, so a budget runs\n"
		"out per remote address first.\n"
		"AVAILABLE is the rule's 'ports LO-HI' when the masq rule behind\n"
		"the connections has one; otherwise 64512: masquerade and SNAT\n"
		"keep the inside host's source port when it is free and else\n"
		"pick one from 1024-65535.  ICMP counts echo ids (65536).\n"
		"With -j: an array of objects with the keys gw, proto, [dst,]\n"
		"used, available, used_pct_x10 (tenths of a percent) and top\n"
		"(an array of {host, used}).",
	.kws = ports_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_show_ports,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_helper.c - `helper add NAME [ports LIST]`, `helper del NAME` and
 * `helper list`: which connections get a kernel conntrack helper (ftp,
 * irc, sip, tftp, ...).  Since Linux 4.7 helpers are no longer assigned by
 * port automatically; without an explicit assignment active FTP, DCC and
 * SIP through the masquerade break (FAQ 7.25: IRC on extra ports).
 *
 * Owns the three commands: checking the words, keeping the one setting
 * "helpers" (nat_helpers_format), saying what `apply` will load.  The
 * objects and prerouting rules are built by nft_ct.c from struct
 * nat_helpers, which nat_ruleset_load() reads back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat/rule.h"
#include "shell/cmd_int.h"

/* Write @hs as the stored setting ("helpers" unset when empty). */
static int
helpers_save(struct store *s, const struct nat_helpers *hs,
	     struct masq_err *e)
{
	char *text = nat_helpers_format(hs);
	int ret = store_setting_set(s, "helpers", hs->n ? text : NULL, e);

	free(text);
	return ret;
}

/* "ftp (tcp 21,2121)" as text, name/proto/ports in JSON. */
static void
helper_out(struct cmd_ctx *ctx, const struct nat_helper *h)
{
	struct nat_helpers one = { 1, { *h } };
	char *text = nat_helpers_format(&one);

	out_str(ctx->out, "name", "%s", h->name);
	out_str(ctx->out, "proto", " (%s", nat_proto_name(h->proto));
	out_str(ctx->out, "ports", " ports %s)", strchr(text, '=') + 1);
	free(text);
}

static const struct cmd_kw helper_add_kws[] = {
	{ "NAME", CMD_ARG_CHOICE, "NAME", "the kernel helper: ftp, irc, sip, "
	  "tftp, ...", CMD_KW_POSITIONAL | CMD_KW_REQUIRED, nat_helper_names },
	{ "ports", CMD_ARG_PORTS, "PORT[,PORT|LOW-HIGH..]",
	  "the server ports it watches (default: the standard one)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_helper_add(struct cmd_ctx *ctx, const struct cmd_args *a,
	       struct masq_err *e)
{
	const struct masq_tok *v[2];
	struct nat_helpers hs;
	struct nat_helper h;
	struct store *s;

	if (cmd_args_bind(&cmd_helper_add_entry, a, v, e) < 0 ||
	    nat_helper_parse(&h, v[0], v[1], e) < 0)
		return -1;
	if (cmd_ctx_store(ctx, &s, e) < 0 || nat_helpers_load(s, &hs, e) < 0)
		return -1;
	if (nat_helpers_put(&hs, &h) < 0) {
		err_tok(e, MASQ_EUSAGE, v[0], "already %d helpers assigned",
			NAT_HELPERS_MAX);
		return err_hint(e, "remove one with 'helper del NAME'");
	}
	if (!ctx->check_only && helpers_save(s, &hs, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_text(ctx->out, ctx->check_only ? "would assign helper " :
		 "assigned helper ");
	helper_out(ctx, &h);
	out_bool(ctx->out, "staged", NULL, !ctx->check_only);
	out_text(ctx->out, "%s\n", ctx->check_only ? "" :
		 "; run 'apply' to load it");
	out_obj_close(ctx->out);
	return 0;
}

static const struct cmd_kw helper_del_kws[] = {
	{ "NAME", CMD_ARG_CHOICE, "NAME", "the helper to stop assigning",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, nat_helper_names },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_helper_del(struct cmd_ctx *ctx, const struct cmd_args *a,
	       struct masq_err *e)
{
	const struct masq_tok *v[1];
	struct nat_helpers hs;
	struct store *s;

	if (cmd_args_bind(&cmd_helper_del_entry, a, v, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0 || nat_helpers_load(s, &hs, e) < 0)
		return -1;
	if (nat_helpers_del(&hs, v[0]->s) < 0) {
		err_tok(e, MASQ_EFAIL, v[0], "helper '%s' is not assigned",
			v[0]->s);
		return err_hint(e, "'helper list' shows the assigned helpers");
	}
	if (!ctx->check_only && helpers_save(s, &hs, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_str(ctx->out, "name", ctx->check_only ? "would remove helper %s\n" :
		"removed helper %s; run 'apply' to unload it\n", v[0]->s);
	out_bool(ctx->out, "staged", NULL, !ctx->check_only);
	out_obj_close(ctx->out);
	return 0;
}

static int
cmd_helper_list(struct cmd_ctx *ctx, const struct cmd_args *a,
		struct masq_err *e)
{
	struct nat_helpers hs;
	struct store *s;
	size_t i;

	(void)a;
	if (cmd_ctx_store(ctx, &s, e) < 0 || nat_helpers_load(s, &hs, e) < 0)
		return -1;
	out_arr_open(ctx->out, NULL);
	if (hs.n == 0)
		out_text(ctx->out, "no helpers assigned\n");
	for (i = 0; i < hs.n; i++) {
		out_obj_open(ctx->out, NULL);
		helper_out(ctx, &hs.v[i]);
		out_text(ctx->out, "\n");
		out_obj_close(ctx->out);
	}
	out_arr_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_helper_add_entry = {
	.name = "helper add",
	.usage = "NAME [ports PORT[,PORT|LOW-HIGH..]]",
	.summary = "assign a conntrack helper (ftp, irc, sip, tftp, ...)",
	.help = "Connections to the helper's server ports get the kernel's\n"
		"conntrack helper, which follows the protocol's extra\n"
		"connections (active FTP data, IRC DCC, SIP media, TFTP\n"
		"transfers) and, with NAT, rewrites the addresses inside the\n"
		"protocol.  The kernel no longer assigns helpers by port on its\n"
		"own (Linux 4.7), so without this those protocols break behind\n"
		"the masquerade.  'ports' replaces the standard port, e.g.\n"
		"'helper add irc ports 6660-6669,7000' (FAQ 7.25); adding a\n"
		"helper again replaces its ports.  The assignment is made in\n"
		"prerouting, before the port forwards, so forwarded servers get\n"
		"it too.  Staged until 'apply'.",
	.kws = helper_add_kws,
	.flags = CMD_WRITES,
	.exec = cmd_helper_add,
};

const struct cmd_entry cmd_helper_del_entry = {
	.name = "helper del",
	.usage = "NAME",
	.summary = "stop assigning a conntrack helper",
	.help = "Remove the helper's assignment.  Staged until 'apply'.",
	.kws = helper_del_kws,
	.flags = CMD_WRITES,
	.exec = cmd_helper_del,
};

const struct cmd_entry cmd_helper_list_entry = {
	.name = "helper list",
	.usage = "",
	.summary = "list the assigned conntrack helpers and their ports",
	.help = NULL,
	.kws = NULL,
	.flags = 0,
	.exec = cmd_helper_list,
};

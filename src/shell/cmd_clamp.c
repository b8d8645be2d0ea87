/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_clamp.c - `clamp mss pmtu|N [out IFACE]` and `clamp off`: TCP MSS
 * clamping for uplinks with a smaller MTU than the LAN (PPPoE, tunnels),
 * FAQ 7.15's problem fixed at the gateway instead of on every client.
 *
 * Owns the two commands: validating the words, storing the setting
 * ("clamp.mss", "clamp.out") and saying what `apply` will load.  The rule
 * itself is compiled by nft_build.c from struct nat_clamp, which
 * nat_ruleset_load() reads back through nat_clamp_parse().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat/rule.h"
#include "shell/cmd_int.h"

static const struct cmd_kw clamp_mss_kws[] = {
	{ "MSS", CMD_ARG_WORD, "pmtu|N",
	  "'pmtu' (the route's MTU - 40) or a fixed MSS like 1452",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ "out", CMD_ARG_IFACE, "IFACE",
	  "only SYNs leaving this interface (default: every interface)", 0,
	  NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* Tell what is staged now: "clamp: ..." with the setting's words. */
static void
clamp_report(struct cmd_ctx *ctx, const struct nat_clamp *c, bool staged)
{
	char *words = nat_clamp_format(c);

	out_obj_open(ctx->out, NULL);
	out_bool(ctx->out, "on", NULL, c->on);
	if (c->on) {
		out_text(ctx->out, "%s: clamp mss ", staged ? "staged" :
			 "would stage");
		out_str(ctx->out, "clamp", "%s", words);
		if (c->mss)
			out_int(ctx->out, "mss", NULL, c->mss);
		else
			out_str(ctx->out, "mss", NULL, "pmtu");
		if (c->has_oif)
			out_str(ctx->out, "out", NULL, strchr(words, ' ') + 5);
		out_text(ctx->out, " (SYNs forwarded %s%s%s get MSS %s)\n",
			 c->has_oif ? "out of " : "to any interface",
			 c->has_oif ? c->oif.name : "",
			 c->has_oif && c->oif.wildcard ? "+" : "",
			 c->mss ? "set to that number" :
			 "set to the route MTU - 40");
	} else {
		out_text(ctx->out, "%s: no MSS clamping\n", staged ? "staged" :
			 "would stage");
	}
	out_bool(ctx->out, "staged", NULL, staged);
	if (staged)
		out_text(ctx->out, "run 'apply' to load it\n");
	out_obj_close(ctx->out);
	free(words);
}

/* Point the error nat_clamp_parse() left in @e at token @t. */
static int
clamp_mark(struct masq_err *e, const struct masq_tok *t)
{
	char msg[sizeof(e->msg)], hint[sizeof(e->hint)];

	snprintf(msg, sizeof(msg), "%s", e->msg);
	snprintf(hint, sizeof(hint), "%s", e->hint);
	err_tok(e, MASQ_EUSAGE, t, "%s", msg);
	if (hint[0])
		err_hint(e, "%s", hint);
	return -1;
}

static int
cmd_clamp_mss(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	const struct masq_tok *v[2];
	struct nat_clamp c;
	struct store *s;
	char *mss = NULL;

	if (cmd_args_bind(&cmd_clamp_mss_entry, a, v, e) < 0)
		return -1;
	if (nat_clamp_parse(&c, v[0]->s, NULL, e) < 0)
		return clamp_mark(e, v[0]);
	if (v[1]) {
		if (nat_clamp_parse(&c, v[0]->s, v[1]->s, e) < 0)
			return clamp_mark(e, v[1]);
		if (cmds_iface_check(ctx, &c.oif, v[1], e) < 0)
			return -1;
	}
	if (ctx->check_only) {
		clamp_report(ctx, &c, false);
		return 0;
	}
	if (cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	mss = nat_clamp_format(&c);
	/* the number (or "pmtu") alone: the interface has its own key */
	if (mss && c.has_oif)
		*strchr(mss, ' ') = '\0';
	if (store_setting_set(s, "clamp.mss", mss, e) < 0 ||
	    store_setting_set(s, "clamp.out", v[1] ? v[1]->s : NULL, e) < 0) {
		free(mss);
		return -1;
	}
	free(mss);
	clamp_report(ctx, &c, true);
	return 0;
}

static int
cmd_clamp_off(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	struct nat_clamp c = { 0 };
	struct store *s;

	(void)a;
	if (!ctx->check_only) {
		if (cmd_ctx_store(ctx, &s, e) < 0 ||
		    store_setting_set(s, "clamp.mss", NULL, e) < 0 ||
		    store_setting_set(s, "clamp.out", NULL, e) < 0)
			return -1;
	}
	clamp_report(ctx, &c, !ctx->check_only);
	return 0;
}

const struct cmd_entry cmd_clamp_mss_entry = {
	.name = "clamp mss",
	.usage = "pmtu|N [out IFACE]",
	.summary = "clamp the MSS of forwarded TCP SYNs (PPPoE-style uplinks)",
	.help = "Rewrite the MSS option of TCP SYNs the gateway forwards, so\n"
		"that LAN hosts with a 1500-byte MTU never send segments too\n"
		"big for a smaller uplink (PPPoE 1492, tunnels) - the fix for\n"
		"sites that hang when path-MTU discovery fails (FAQ 7.15).\n"
		"'pmtu' uses the route's MTU minus 40; a number sets that MSS\n"
		"(for MTU M, M-40), which also works behind a black hole that\n"
		"swallows 'fragmentation needed'.  'diag mtu HOST' measures\n"
		"the path and prints the command to use.  Staged until 'apply'.",
	.kws = clamp_mss_kws,
	.flags = CMD_WRITES,
	.exec = cmd_clamp_mss,
};

const struct cmd_entry cmd_clamp_off_entry = {
	.name = "clamp off",
	.usage = "",
	.summary = "stop clamping the MSS of forwarded TCP SYNs",
	.help = "Remove the 'clamp mss' setting.  Staged until 'apply'.",
	.kws = NULL,
	.flags = CMD_WRITES,
	.exec = cmd_clamp_off,
};

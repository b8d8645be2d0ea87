/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_forward.c - `forward add|list|del`: port forwards (DNAT), the
 * HOWTO's IPPORTFW.  Argument handling and output only; the forward
 * language is parsed by src/nat/fwd_parse.c and stored as canonical text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "shell/cmd_int.h"

static const struct cmd_kw fwd_add_kws[] = {
	{ "at", CMD_ARG_NUM, "POS", "insert before this position (default: append)", 0, NULL },
	{ "in", CMD_ARG_IFACE, "IFACE", "the interface connections arrive on", CMD_KW_REQUIRED, NULL },
	{ "dst", CMD_ARG_ADDR, "ADDR", "only connections for this public address", 0, NULL, CMD_LIVE_DST },
	{ "proto", CMD_ARG_PROTO, "tcp|udp", "only this protocol (default: both)", 0, NULL },
	{ "dport", CMD_ARG_PORTS, "PORT[,..]|LO-HI", "the ports to forward", CMD_KW_REQUIRED, NULL },
	{ "to", CMD_ARG_ADDR, "ADDR[:PORT]", "the inside host (and port) to forward to", CMD_KW_REQUIRED, NULL },
	{ "from", CMD_ARG_ADDR, "SOURCE[,..]", "only connections from these sources", 0, NULL },
	{ "hairpin", CMD_ARG_NONE, NULL, "LAN clients using the public address reach the host too", 0, NULL },
	{ "comment", CMD_ARG_TEXT, "TEXT", "a note kept with the forward", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_forward_add(struct cmd_ctx *ctx, const struct cmd_args *a,
		struct masq_err *e)
{
	const struct masq_tok *vals[sizeof(fwd_add_kws) /
				   sizeof(fwd_add_kws[0])];
	struct masq_tok *v = NULL;
	struct nat_forward f;
	unsigned int at;
	char *spec = NULL;
	size_t n = 0;
	int rc = -1;

	nat_forward_init(&f);
	if (cmd_args_bind(&cmd_forward_add_entry, a, vals, e) < 0 ||
	    cmds_strip_at(&cmd_forward_add_entry, a, &at, &v, &n, e) < 0 ||
	    nat_forward_parse_kw(&f, v, n, e) < 0)
		goto out;
	if (cmds_iface_check(ctx, &f.iif,
			     cmd_args_get(&cmd_forward_add_entry, vals, "in"),
			     e) < 0)
		goto out;
	spec = nat_forward_format_kw(&f);
	if (cmds_stage_row(ctx, STORE_FORWARD, "forward", at, spec, e) < 0)
		goto out;
	rc = 0;
out:
	nat_forward_done(&f);
	free(spec);
	free(v);
	return rc;
}

/*
 * JSON only: the parts scripts select forwards by (the text is "rule"):
 * in, dst (null: any address of it), to, toport (null: kept), hairpin.
 * A row that no longer parses gets none of them; `check` names it.
 */
static void
fwd_json_fields(struct cmd_ctx *ctx, const struct store_row *row)
{
	struct nat_forward f;
	struct masq_err e;
	char buf[64], *t;

	nat_forward_init(&f);
	err_init(&e);
	if (nat_forward_from_text(&f, row->spec, row->id, &e) == 0) {
		snprintf(buf, sizeof(buf), "%s%s", f.iif.name,
			 f.iif.wildcard ? "+" : "");
		out_str(ctx->out, "in", NULL, buf);
		if (f.has_dst) {
			t = nat_net_format(&f.dst);
			out_str(ctx->out, "dst", NULL, t);
			free(t);
		} else {
			out_null(ctx->out, "dst", NULL);
		}
		t = nat_net_format(&f.to);
		out_str(ctx->out, "to", NULL, t);
		free(t);
		if (f.has_toport && f.toport.lo != f.toport.hi)
			snprintf(buf, sizeof(buf), "%u-%u", f.toport.lo,
				 f.toport.hi);
		else if (f.has_toport)
			snprintf(buf, sizeof(buf), "%u", f.toport.lo);
		if (f.has_toport)
			out_str(ctx->out, "toport", NULL, buf);
		else
			out_null(ctx->out, "toport", NULL);
		out_bool(ctx->out, "hairpin", NULL, f.hairpin);
	}
	err_done(&e);
	nat_forward_done(&f);
}

static int
cmd_forward_list(struct cmd_ctx *ctx, const struct cmd_args *a,
		 struct masq_err *e)
{
	struct store_row *rows = NULL;
	size_t n = 0, i;
	struct store *s;

	(void)a;
	if (cmd_ctx_store(ctx, &s, e) < 0 ||
	    store_rows_list(s, STORE_FORWARD, &rows, &n, e) < 0)
		return -1;
	out_arr_open(ctx->out, NULL);
	if (n == 0)
		out_text(ctx->out, "no forwards\n");
	else
		out_text(ctx->out, "%-4s %-4s %s\n", "ID", "POS", "FORWARD");
	for (i = 0; i < n; i++) {
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "id", "%-4lld ", rows[i].id);
		out_int(ctx->out, "pos", "%-4lld ", rows[i].pos);
		out_str(ctx->out, "rule", "%s\n", rows[i].spec);
		fwd_json_fields(ctx, &rows[i]);
		out_obj_close(ctx->out);
	}
	out_arr_close(ctx->out);
	store_rows_free(rows, n);
	return 0;
}

static const struct cmd_kw fwd_id_kws[] = {
	{ "ID", CMD_ARG_FWD_ID, "ID", "the forward's id (see 'forward list')",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_forward_del(struct cmd_ctx *ctx, const struct cmd_args *a,
		struct masq_err *e)
{
	const struct masq_tok *vals[1];
	unsigned int pos;
	struct store *s;
	int64_t id;

	if (cmd_args_bind(&cmd_forward_del_entry, a, vals, e) < 0 ||
	    cmds_num(vals[0], "forward id", &id, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	if (store_row_pos(s, STORE_FORWARD, id, &pos, e) < 0) {
		if (e->code != MASQ_EFAIL)
			return -1;
		err_tok(e, MASQ_EFAIL, vals[0], "no forward %lld",
			(long long)id);
		return err_hint(e, "'forward list' shows the ids");
	}
	if (!ctx->check_only && store_row_delete(s, STORE_FORWARD, id, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "id", ctx->check_only ? "would delete forward %lld\n"
		: "deleted forward %lld\n", id);
	out_obj_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_forward_add_entry = {
	.name = "forward add",
	.usage = "[at POS] in IFACE [dst ADDR] [proto tcp|udp] dport PORTS "
		 "to ADDR[:PORT] [from SOURCE] [hairpin] [comment TEXT]",
	.summary = "stage a port forward (DNAT) to an inside host",
	.help = "Forward connections arriving on IFACE for PORTS to an inside\n"
		"host, optionally to another port (a range as long as PORTS).\n"
		"Without proto both tcp and udp are forwarded.  With dst only\n"
		"connections for that public address are forwarded (a gateway\n"
		"with several).  With hairpin, LAN clients that connect to the\n"
		"public address (dst, else IFACE's) reach the host too, and so\n"
		"does this gateway; clients on the host's own network are\n"
		"masqueraded (the host sees the gateway's LAN address).  'from'\n"
		"limits what arrives on IFACE only.  An IPv6 host with a port\n"
		"is written [ADDR]:PORT.  Examples:\n"
		"  forward add in eth0 proto tcp dport 8080 to 192.168.1.10:80\n"
		"  forward add in eth0 dst 198.51.100.3 dport 80 to 192.168.1.10 hairpin\n"
		"  forward add in eth0 proto tcp dport 80 to [fd00:1::10]:8080",
	.kws = fwd_add_kws,
	.flags = CMD_WRITES,
	.exec = cmd_forward_add,
};

const struct cmd_entry cmd_forward_list_entry = {
	.name = "forward list",
	.usage = "",
	.summary = "list the staged port forwards",
	.help = NULL,
	.kws = NULL,
	.flags = 0,
	.exec = cmd_forward_list,
};

const struct cmd_entry cmd_forward_del_entry = {
	.name = "forward del",
	.usage = "ID",
	.summary = "delete a staged port forward",
	.help = NULL,
	.kws = fwd_id_kws,
	.flags = CMD_WRITES,
	.exec = cmd_forward_del,
};

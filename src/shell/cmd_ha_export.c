/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_ha_export.c - `export conntrackd`, `export keepalived` and
 * `ha apply`: the NAT pair's files printed, or written where conntrackd
 * and keepalived read them.
 *
 * Owns the words and the output only: the files' text is ctl/ha_conf.c's,
 * writing them and asking systemd ctl/ha_run.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/cmd_ha.h"
#include "shell/cmd_int.h"

/* The stored pair and the paths of "dir DIR" (@t, may be NULL). */
static int
ha_prepare(struct cmd_ctx *ctx, const struct masq_tok *t, struct ha_conf *c,
	   struct ha_paths *p, struct masq_err *e)
{
	struct store *s;

	if (ha_paths_init(p, t ? t->s : NULL, e) < 0)
		return cmds_ha_mark(e, t);
	if (cmd_ctx_store(ctx, &s, e) < 0 || ha_conf_load(s, c, e) < 0)
		return -1;
	return 0;
}

/* Print @text as is, or {"text": ...} with -j. */
static void
ha_print_text(struct cmd_ctx *ctx, const char *path, const char *text)
{
	if (out_is_json(ctx->out)) {
		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "path", NULL, path);
		out_str(ctx->out, "text", NULL, text);
		out_obj_close(ctx->out);
	} else {
		/* our text; the only outside words are checked names */
		fputs(text, out_fp(ctx->out));
	}
}

static const struct cmd_kw ha_dir_kws[] = {
	{ "dir", CMD_ARG_FILE, "DIR", "files and run-time paths under DIR "
	  "instead of the standard ones", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_export_conntrackd(struct cmd_ctx *ctx, const struct cmd_args *a,
		      struct masq_err *e)
{
	const struct masq_tok *v[1];
	struct ha_conf c;
	struct ha_paths p;
	char *text;

	if (cmd_args_bind(&cmd_export_conntrackd_entry, a, v, e) < 0 ||
	    ha_prepare(ctx, v[0], &c, &p, e) < 0 ||
	    ha_conntrackd_text(&c, &p, &text, e) < 0)
		return -1;
	ha_print_text(ctx, p.conntrackd_conf, text);
	free(text);
	return 0;
}

static const struct cmd_kw ha_ka_kws[] = {
	{ "dir", CMD_ARG_FILE, "DIR", "files and run-time paths under DIR "
	  "instead of the standard ones", 0, NULL },
	{ "notify", CMD_ARG_NONE, NULL, "print the notify script instead",
	  0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_export_keepalived(struct cmd_ctx *ctx, const struct cmd_args *a,
		      struct masq_err *e)
{
	const struct masq_tok *v[2];
	struct ha_conf c;
	struct ha_paths p;
	char *text;

	if (cmd_args_bind(&cmd_export_keepalived_entry, a, v, e) < 0 ||
	    ha_prepare(ctx, v[0], &c, &p, e) < 0)
		return -1;
	if (v[1] ? ha_notify_text(&c, &p, &text, e) < 0 :
	    ha_keepalived_text(&c, &p, &text, e) < 0)
		return -1;
	ha_print_text(ctx, v[1] ? p.notify : p.keepalived_conf, text);
	free(text);
	return 0;
}

static int
cmd_ha_apply(struct cmd_ctx *ctx, const struct cmd_args *a,
	     struct masq_err *e)
{
	const struct masq_tok *v[1];
	struct ha_apply_res res;
	struct ha_conf c;
	struct ha_paths p;
	char *t1 = NULL, *t2 = NULL, *t3 = NULL;
	int rc;

	if (cmd_args_bind(&cmd_ha_apply_entry, a, v, e) < 0 ||
	    ha_prepare(ctx, v[0], &c, &p, e) < 0)
		return -1;
	if (ctx->check_only) {
		/* -n: everything but the writes */
		rc = ha_conntrackd_text(&c, &p, &t1, e) < 0 ||
		     ha_keepalived_text(&c, &p, &t2, e) < 0 ||
		     ha_notify_text(&c, &p, &t3, e) < 0 ? -1 : 0;
		free(t1);
		free(t2);
		free(t3);
		memset(&res, 0, sizeof(res));
	} else {
		rc = ha_apply(&c, &p, &res, e);
	}
	if (rc < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_bool(ctx->out, "written", NULL, !ctx->check_only);
	out_text(ctx->out, ctx->check_only ? "would write " : "wrote ");
	out_str(ctx->out, "conntrackd", "%s", p.conntrackd_conf);
	out_str(ctx->out, "keepalived", ", %s", p.keepalived_conf);
	out_str(ctx->out, "notify", ", %s\n", p.notify);
	out_bool(ctx->out, "systemd", NULL, res.systemd);
	out_bool(ctx->out, "conntrackd_restarted", res.reloaded_conntrackd ?
		 "restarted conntrackd.service\n" : NULL,
		 res.reloaded_conntrackd);
	out_bool(ctx->out, "keepalived_reloaded", res.reloaded_keepalived ?
		 "reloaded keepalived.service\n" : NULL,
		 res.reloaded_keepalived);
	if (!ctx->check_only && !res.reloaded_conntrackd &&
	    !res.reloaded_keepalived)
		out_text(ctx->out, "no service was running under systemd: "
			 "start conntrackd, then keepalived\n");
	out_obj_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_export_conntrackd_entry = {
	.name = "export conntrackd",
	.usage = "[dir DIR]",
	.summary = "print the NAT pair's conntrackd.conf (FTFW)",
	.help = "Print the conntrackd.conf 'ha apply' writes: FTFW over the\n"
		"sync link ('ha sync') to the peer, the external cache, and a\n"
		"filter that keeps connections to and from the gateways\n"
		"themselves (this node's addresses, read now, the peer's and\n"
		"the virtual ones) out of the replication.  With conntrack\n"
		"helpers ('helper add'), ExpectationSync names them, so their\n"
		"expectations (FTP data connections) survive a failover.\n"
		"With 'dir DIR'\n"
		"the lock, socket and log paths are under DIR (a lab or a\n"
		"test running conntrackd by hand).",
	.kws = ha_dir_kws,
	.flags = 0,
	.exec = cmd_export_conntrackd,
};

const struct cmd_entry cmd_export_keepalived_entry = {
	.name = "export keepalived",
	.usage = "[dir DIR] [notify]",
	.summary = "print the NAT pair's keepalived.conf (VRRP)",
	.help = "Print the keepalived.conf 'ha apply' writes: one VRRP\n"
		"instance per interface with virtual addresses ('ha vip'),\n"
		"all in one sync group so the LAN and WAN addresses move\n"
		"together, and notify hooks that run conntrackd's commit,\n"
		"flush, resync and bulk send on becoming master.  'notify'\n"
		"prints that script instead.",
	.kws = ha_ka_kws,
	.flags = 0,
	.exec = cmd_export_keepalived,
};

const struct cmd_entry cmd_ha_apply_entry = {
	.name = "ha apply",
	.usage = "[dir DIR]",
	.summary = "write conntrackd's and keepalived's files for the pair",
	.help = "Write /etc/conntrackd/conntrackd.conf,\n"
		"/etc/keepalived/keepalived.conf and the notify script\n"
		"/etc/conntrackd/masqsh-ha-notify.sh (or all under DIR), each\n"
		"atomically, then restart conntrackd and reload keepalived if\n"
		"systemd runs them (a service not running is left alone).\n"
		"Run it on both gateways.  -n: check, write nothing.",
	.kws = ha_dir_kws,
	.flags = CMD_WRITES,
	.exec = cmd_ha_apply,
};

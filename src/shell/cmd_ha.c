/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_ha.c - `ha sync`, `ha vip`, `ha role`, `ha show`, `ha off`: the NAT
 * pair's settings (a shared virtual address per interface, kept by
 * keepalived, and the conntrack table replicated by conntrackd over a sync
 * link).
 *
 * Owns the words and the output of these commands only; the settings, the
 * generated files and writing them are src/ctl/ha.h's (`export conntrackd`,
 * `export keepalived` and `ha apply` are in cmd_ha_export.c).  The
 * settings take effect through `ha apply`, not `apply`: they are not part
 * of the nft table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ha.h"
#include "shell/cmd_int.h"
#include "shell/cmd_ha.h"

int
cmds_ha_mark(struct masq_err *e, const struct masq_tok *t)
{
	char msg[sizeof(e->msg)], hint[sizeof(e->hint)];
	int code = e->code;

	snprintf(msg, sizeof(msg), "%s", e->msg);
	snprintf(hint, sizeof(hint), "%s", e->hint);
	err_tok(e, code, t, "%s", msg);
	if (hint[0])
		err_hint(e, "%s", hint);
	return -1;
}

void
cmds_ha_print(struct cmd_ctx *ctx, const struct ha_conf *c, const char *verb)
{
	struct out *o = ctx->out;
	size_t i;

	out_obj_open(o, NULL);
	if (verb)
		out_text(o, "%s: ", verb);
	out_bool(o, "configured", NULL, ha_conf_any(c));
	if (!ha_conf_any(c)) {
		out_text(o, "no NAT pair (ha sync, ha vip)\n");
		out_obj_close(o);
		return;
	}
	out_str(o, "role", "ha role %s", c->master ? "master" : "backup");
	out_int(o, "priority", " priority %lld", c->priority);
	out_int(o, "vrid", " vrid %lld\n", c->vrid);
	if (c->sync_dev[0]) {
		out_obj_open(o, "sync");
		out_str(o, "dev", "ha sync dev %s", c->sync_dev);
		out_str(o, "peer", " peer %s", c->peer);
		if (c->local[0])
			out_str(o, "local", " local %s", c->local);
		else
			out_null(o, "local", NULL);
		out_text(o, "\n");
		out_obj_close(o);
	} else {
		out_null(o, "sync", NULL);
		out_text(o, "# no sync link: 'ha sync dev IFACE peer ADDR'\n");
	}
	out_arr_open(o, "vips");
	for (i = 0; i < c->n_vips; i++) {
		const struct ha_vip *v = &c->vips[i];

		out_obj_open(o, NULL);
		out_str(o, "dev", "ha vip %s", v->ifname);
		out_str(o, "address", " %s", v->addr);
		out_int(o, "plen", "/%lld", v->plen);
		out_int(o, "vrid", "  # vrid %lld\n",
			ha_vrid_of(c, v->ifname));
		out_obj_close(o);
	}
	out_arr_close(o);
	if (!c->n_vips)
		out_text(o, "# no virtual address: 'ha vip IFACE "
			 "ADDR/PLEN'\n");
	out_obj_close(o);
}

/* Check interface word @t: our charset, then exists (or a warning). */
static int
ha_iface(struct cmd_ctx *ctx, const struct masq_tok *t, struct masq_err *e)
{
	struct nat_ifname ifn = { { 0 }, false };

	if (ha_ifname_check(t->s, e) < 0)
		return cmds_ha_mark(e, t);
	snprintf(ifn.name, sizeof(ifn.name), "%s", t->s);
	return cmds_iface_check(ctx, &ifn, t, e);
}

/* Save @c (not under -n), then show it. */
static int
ha_edit(struct cmd_ctx *ctx, struct ha_conf *c, struct masq_err *e)
{
	struct store *s;

	if (cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	if (!ctx->check_only && ha_conf_save(s, c, e) < 0)
		return -1;
	cmds_ha_print(ctx, c, ctx->check_only ? "would set" : "set");
	return 0;
}

static int
ha_load(struct cmd_ctx *ctx, struct ha_conf *c, struct masq_err *e)
{
	struct store *s;

	return cmd_ctx_store(ctx, &s, e) < 0 ? -1 : ha_conf_load(s, c, e);
}

static const struct cmd_kw ha_sync_kws[] = {
	{ "dev", CMD_ARG_IFACE, "IFACE", "the sync link between the two "
	  "gateways (a dedicated one)", CMD_KW_REQUIRED, NULL },
	{ "peer", CMD_ARG_ADDR, "ADDR", "the other gateway's address on it",
	  CMD_KW_REQUIRED, NULL },
	{ "local", CMD_ARG_ADDR, "ADDR", "this gateway's address on it "
	  "(default: the one the interface has)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_ha_sync(struct cmd_ctx *ctx, const struct cmd_args *a,
	    struct masq_err *e)
{
	const struct masq_tok *v[3];
	struct ha_conf c;

	if (cmd_args_bind(&cmd_ha_sync_entry, a, v, e) < 0 ||
	    ha_iface(ctx, v[0], e) < 0 || ha_load(ctx, &c, e) < 0)
		return -1;
	c.family = 0;
	c.local[0] = '\0';
	if (ha_conf_set(&c, "sync.dev", v[0]->s, e) < 0)
		return cmds_ha_mark(e, v[0]);
	if (ha_conf_set(&c, "sync.peer", v[1]->s, e) < 0)
		return cmds_ha_mark(e, v[1]);
	if (v[2] && ha_conf_set(&c, "sync.local", v[2]->s, e) < 0)
		return cmds_ha_mark(e, v[2]);
	if (v[2] && !strcmp(c.local, c.peer)) {
		err_tok(e, MASQ_EUSAGE, v[2], "the local and peer addresses "
			"are the same");
		return err_hint(e, "'local' is this gateway's own address");
	}
	return ha_edit(ctx, &c, e);
}

static const struct cmd_kw ha_vip_kws[] = {
	{ "IFACE", CMD_ARG_IFACE, "IFACE", "the interface the address lives "
	  "on (LAN or WAN)", CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ "ADDR", CMD_ARG_ADDR, "ADDR/PLEN", "the virtual address, as the "
	  "hosts there see it: 192.168.1.1/24", CMD_KW_POSITIONAL |
	  CMD_KW_REQUIRED, NULL },
	{ "del", CMD_ARG_NONE, NULL, "remove this virtual address", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_ha_vip(struct cmd_ctx *ctx, const struct cmd_args *a,
	   struct masq_err *e)
{
	const struct masq_tok *v[3];
	struct ha_conf c;
	struct ha_vip vip;

	if (cmd_args_bind(&cmd_ha_vip_entry, a, v, e) < 0)
		return -1;
	/* removing one needs no interface: it may be gone already */
	if (v[2] ? ha_ifname_check(v[0]->s, e) < 0 && cmds_ha_mark(e, v[0]) :
	    ha_iface(ctx, v[0], e) < 0)
		return -1;
	if (ha_vip_parse(&vip, v[0]->s, v[1]->s, e) < 0)
		return cmds_ha_mark(e, v[1]);
	if (ha_load(ctx, &c, e) < 0)
		return -1;
	if (v[2] ? ha_vip_del(&c, &vip, e) < 0 : ha_vip_add(&c, &vip, e) < 0)
		return cmds_ha_mark(e, v[1]);
	return ha_edit(ctx, &c, e);
}

static const char *const ha_roles[] = { "master", "backup", NULL };

static const struct cmd_kw ha_role_kws[] = {
	{ "ROLE", CMD_ARG_CHOICE, "master|backup", "which gateway holds the "
	  "virtual addresses when both run", CMD_KW_POSITIONAL |
	  CMD_KW_REQUIRED, ha_roles },
	{ "priority", CMD_ARG_NUM, "N", "VRRP priority 1..254 (default: "
	  "150 master, 100 backup)", 0, NULL },
	{ "vrid", CMD_ARG_NUM, "N", "first VRRP router id, the same on both "
	  "(default 51; one per interface)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_ha_role(struct cmd_ctx *ctx, const struct cmd_args *a,
	    struct masq_err *e)
{
	const struct masq_tok *v[3];
	struct ha_conf c;

	if (cmd_args_bind(&cmd_ha_role_entry, a, v, e) < 0 ||
	    ha_load(ctx, &c, e) < 0)
		return -1;
	if (ha_conf_set(&c, "role", v[0]->s, e) < 0)
		return cmds_ha_mark(e, v[0]);
	c.priority = c.master ? HA_PRIO_MASTER : HA_PRIO_BACKUP;
	if (v[1] && ha_conf_set(&c, "priority", v[1]->s, e) < 0)
		return cmds_ha_mark(e, v[1]);
	if (v[2] && ha_conf_set(&c, "vrid", v[2]->s, e) < 0)
		return cmds_ha_mark(e, v[2]);
	if (!ha_conf_any(&c)) {
		err_set(e, MASQ_EFAIL, "no pair to give a role to");
		return err_hint(e, "first 'ha sync dev IFACE peer ADDR' or "
				"'ha vip IFACE ADDR/PLEN'");
	}
	return ha_edit(ctx, &c, e);
}

static int
cmd_ha_show(struct cmd_ctx *ctx, const struct cmd_args *a,
	    struct masq_err *e)
{
	struct ha_conf c;

	(void)a;
	if (ha_load(ctx, &c, e) < 0)
		return -1;
	cmds_ha_print(ctx, &c, NULL);
	return 0;
}

static int
cmd_ha_off(struct cmd_ctx *ctx, const struct cmd_args *a,
	   struct masq_err *e)
{
	struct ha_conf c;
	struct store *s;

	(void)a;
	ha_conf_init(&c);
	if (cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	if (!ctx->check_only && ha_conf_clear(s, e) < 0)
		return -1;
	cmds_ha_print(ctx, &c, ctx->check_only ? "would set" : "set");
	return 0;
}

const struct cmd_entry cmd_ha_sync_entry = {
	.name = "ha sync",
	.usage = "dev IFACE peer ADDR [local ADDR]",
	.summary = "the NAT pair's sync link, for conntrackd",
	.help = "Set the link conntrackd replicates the conntrack table over\n"
		"(FTFW, UDP port 3780): a dedicated interface between the two\n"
		"gateways, the other one's address on it and, when the\n"
		"interface has several, this one's.  The same command on both\n"
		"gateways with the addresses swapped.  Takes effect with\n"
		"'ha apply'.",
	.kws = ha_sync_kws,
	.flags = CMD_WRITES,
	.exec = cmd_ha_sync,
};

const struct cmd_entry cmd_ha_vip_entry = {
	.name = "ha vip",
	.usage = "IFACE ADDR/PLEN [del]",
	.summary = "a virtual address the pair shares (keepalived moves it)",
	.help = "Add (or with 'del' remove) a virtual address on IFACE: the\n"
		"LAN side's is the clients' gateway, the WAN side's the\n"
		"address to SNAT to ('masq add out WAN snat VIP'), since the\n"
		"other gateway does not have this one's own address.  All of\n"
		"them move together (one keepalived sync group).  The same\n"
		"on both gateways.  Takes effect with 'ha apply'.",
	.kws = ha_vip_kws,
	.flags = CMD_WRITES,
	.exec = cmd_ha_vip,
};

const struct cmd_entry cmd_ha_role_entry = {
	.name = "ha role",
	.usage = "master|backup [priority N] [vrid N]",
	.summary = "which gateway of the pair is preferred",
	.help = "The master (priority 150 unless given) holds the virtual\n"
		"addresses while it runs and takes them back when it\n"
		"returns; the backup (100) takes them when the master's\n"
		"keepalived stops or one of its VIP interfaces goes down.\n"
		"The router ids (vrid, one per VIP interface from N up) must\n"
		"be the same on both gateways and unique on each LAN.",
	.kws = ha_role_kws,
	.flags = CMD_WRITES,
	.exec = cmd_ha_role,
};

const struct cmd_entry cmd_ha_show_entry = {
	.name = "ha show",
	.usage = "",
	.summary = "the NAT pair's stored settings",
	.help = "Print the sync link, the role and the virtual addresses as\n"
		"stored (what 'ha apply' and 'export conntrackd|keepalived'\n"
		"use).  'diag ha' checks the running pair.",
	.kws = NULL,
	.flags = 0,
	.exec = cmd_ha_show,
};

const struct cmd_entry cmd_ha_off_entry = {
	.name = "ha off",
	.usage = "",
	.summary = "forget the NAT pair's settings",
	.help = "Delete every 'ha' setting.  Files written by 'ha apply' and\n"
		"running services are left as they are.",
	.kws = NULL,
	.flags = CMD_WRITES,
	.exec = cmd_ha_off,
};

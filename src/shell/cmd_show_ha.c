/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_show_ha.c - `show ha [dir DIR]`: the NAT pair as it runs on this
 * gateway: which role it has now (the virtual addresses it holds), the
 * last transition the notify script recorded, the peer, and conntrackd's
 * sync counters.  Reads only; `diag ha` judges.
 *
 * Owns the output only: the settings, files and counters are ctl/ha.h's
 * (ha_status_get(), which masqtop's pair line shares).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "shell/cmd_ha.h"
#include "shell/cmd_int.h"

/* The notify script's last event, if its state file says one. */
static void
show_ha_last(struct cmd_ctx *ctx, const struct ha_status *st)
{
	char when[32];
	struct tm tm;
	time_t tt = (time_t)st->last_time;

	if (!st->last_known) {
		out_null(ctx->out, "last_change", "last change: %s (no "
			 "transition recorded yet)\n");
		return;
	}
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "%lld", st->last_time);
	out_obj_open(ctx->out, "last_change");
	out_str(ctx->out, "event", "last change: %s", st->last_event);
	out_int(ctx->out, "time", NULL, st->last_time);
	out_text(ctx->out, " at %s\n", when);
	out_obj_close(ctx->out);
}

/* conntrackd's counters, or "not running". */
static void
show_ha_sync(struct cmd_ctx *ctx, const struct ha_paths *p,
	     const struct ha_status *st)
{
	const struct ha_ctd_stats *s = &st->ctd;

	out_obj_open(ctx->out, "conntrackd");
	out_bool(ctx->out, "running", NULL, st->ctd_running);
	if (!st->ctd_running) {
		out_text(ctx->out, "conntrackd: not answering on %s\n",
			 p->ctl_socket);
		out_obj_close(ctx->out);
		return;
	}
	out_u64(ctx->out, "sent", "sync: %" PRIu64 " packets sent",
		s->pkts_sent);
	out_u64(ctx->out, "received", ", %" PRIu64 " received", s->pkts_recv);
	out_u64(ctx->out, "errors", ", %" PRIu64 " errors", ha_ctd_errors(s));
	out_u64(ctx->out, "internal", "; connections: %" PRIu64 " here",
		s->active_internal);
	out_u64(ctx->out, "external", ", %" PRIu64 " from the peer\n",
		s->active_external);
	out_obj_close(ctx->out);
}

static const struct cmd_kw show_ha_kws[] = {
	{ "dir", CMD_ARG_FILE, "DIR", "the files 'ha apply dir DIR' wrote "
	  "(default: the standard paths)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_show_ha(struct cmd_ctx *ctx, const struct cmd_args *a,
	    struct masq_err *e)
{
	const struct masq_tok *v[1];
	struct ha_paths p;
	struct ha_conf c;
	struct ha_status st;
	struct store *s;

	if (cmd_args_bind(&cmd_show_ha_entry, a, v, e) < 0)
		return -1;
	if (ha_paths_init(&p, v[0] ? v[0]->s : NULL, e) < 0)
		return cmds_ha_mark(e, v[0]);
	if (cmd_ctx_store(ctx, &s, e) < 0 || ha_conf_load(s, &c, e) < 0)
		return -1;
	if (!ha_conf_any(&c)) {
		err_set(e, MASQ_EFAIL, "no NAT pair is configured");
		return err_hint(e, "'ha sync dev IFACE peer ADDR' and 'ha vip "
				"IFACE ADDR/PLEN'");
	}
	ha_status_get(&c, &p, &st);
	out_obj_open(ctx->out, NULL);
	out_str(ctx->out, "state", "ha: this node is %s", st.state);
	out_u64(ctx->out, "held", " (holds %" PRIu64, st.held);
	out_u64(ctx->out, "vips", " of %" PRIu64 " virtual addresses)",
		st.n_vips);
	out_str(ctx->out, "role", "; configured %s", c.master ? "master" :
		"backup");
	out_int(ctx->out, "priority", " priority %lld\n", c.priority);
	show_ha_last(ctx, &st);
	if (c.sync_dev[0]) {
		out_str(ctx->out, "peer", "peer: %s", c.peer);
		out_str(ctx->out, "sync_dev", " on %s\n", c.sync_dev);
		show_ha_sync(ctx, &p, &st);
	}
	out_obj_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_show_ha_entry = {
	.name = "show ha",
	.usage = "[dir DIR]",
	.summary = "the NAT pair now: role, last failover, sync counters",
	.help = "Which role this gateway has now (master when it holds every\n"
		"virtual address, backup when none, split otherwise), the last\n"
		"transition keepalived's notify script recorded and when, the\n"
		"peer, and conntrackd's sync counters (packets sent and\n"
		"received, errors, connections here and from the peer).  JSON\n"
		"keys state, held, vips, role, priority, last_change {event,\n"
		"time}, peer, sync_dev, conntrackd {running, sent, received,\n"
		"errors, internal, external}.  'diag ha' judges them.",
	.kws = show_ha_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_show_ha,
};

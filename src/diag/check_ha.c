/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ha.c - `diag ha`: is this gateway a working half of a NAT pair?
 *   ha.snat-vip     every masq rule leaving by an interface with a virtual
 *                   address translates to that virtual address (masquerade
 *                   picks the node's own address, which the peer lacks:
 *                   after a failover every connection would break);
 *   ha.sync-peer    the peer answers on the sync link (ICMP echo);
 *   ha.conntrackd   conntrackd answers `-s`, hears from the peer, no
 *                   errors;
 *   ha.keepalived   keepalived runs (its pid file) and this node holds all
 *                   of the virtual addresses or none (some only: split);
 *   ha.tcp-liberal  nf_conntrack_tcp_be_liberal=1: conntrackd does not
 *                   replicate TCP windows, so the node taking over must
 *                   not judge segments by them; nf_conntrack_tcp_loose=0:
 *                   a segment before the commit must not start a new
 *                   translation;
 *   ha.invalid-drop the firewall drops ct state invalid in input and
 *                   forward (check_ha_fw.c says why);
 *   ha.same-rules   both nodes run the same masqsh table
 *                   (check_ha_rules.c);
 *   ha.helpers      the conntrackd.conf in use replicates the expectations
 *                   of every assigned conntrack helper (ExpectationSync;
 *                   check_ha_helpers.c).
 *
 * Uses the pair's settings and files from src/ctl/ha.h (diag reads them;
 * it writes nothing).  Not in `diag` (all): they need a configured pair,
 * and the command `diag ha` runs them (cmd_diag_ha.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ha.h"
#include "diag/check_ha.h"

enum diag_status
diag_ha_conf(struct diag_ctx *ctx, struct ha_conf *c, struct ha_paths *p,
	      struct diag_result *res)
{
	struct masq_err e;
	enum diag_status st = DIAG_PASS;

	err_init(&e);
	ha_conf_init(c);
	if ((ctx->store && ha_conf_load(ctx->store, c, &e) < 0) ||
	    ha_paths_init(p, ctx->ha_dir, &e) < 0)
		st = diag_error(res, &e);
	else if (!ha_conf_any(c))
		st = diag_skip(res, "no NAT pair is configured ('ha sync', "
			       "'ha vip')");
	err_done(&e);
	return st;
}

/* The VIP of @c on an interface @ifn matches whose address is @a. */
static const struct ha_vip *
ha_vip_on(const struct ha_conf *c, const struct nat_ifname *ifn,
	  const struct nat_addr_range *to, const struct ha_vip **any)
{
	size_t i;

	*any = NULL;
	for (i = 0; i < c->n_vips; i++) {
		const struct ha_vip *v = &c->vips[i];
		uint8_t bin[16];

		if (!nat_ifname_match(ifn, v->ifname))
			continue;
		if (!*any && v->family == AF_INET)
			*any = v;
		if (to && to->family == v->family &&
		    inet_pton(v->family, v->addr, bin) == 1 &&
		    !memcmp(bin, to->lo, v->family == AF_INET ? 4 : 16) &&
		    !memcmp(to->lo, to->hi, 16))
			return v;
	}
	return NULL;
}

/* Judge rule @r; appends evidence, sets the fix; true when it is wrong. */
static bool
ha_rule_judge(const struct ha_conf *c, const struct nat_rule *r,
	      struct diag_result *res, unsigned int *n_vip_rules)
{
	const struct ha_vip *vip = NULL, *any;
	struct nat_rule fixed;
	char *kw, *want;
	size_t i;
	bool bad;

	for (i = 0; i < r->n_oifs && !vip; i++)
		ha_vip_on(c, &r->oifs[i], NULL, &vip);
	if (!vip || r->action == NAT_NONAT)
		return false;
	(*n_vip_rules)++;
	bad = r->action != NAT_SNAT ||
	      !ha_vip_on(c, &r->oifs[0], &r->to, &any);
	kw = nat_rule_format_kw(r);
	diag_evidence(res, "masq rule %lld: %s: %s", (long long)r->id, kw,
		      bad ? "WRONG" : "ok");
	if (bad) {
		/* the same rule, SNAT to the virtual address: a shallow copy
		 * whose owned pointers stay the original's */
		fixed = *r;
		fixed.action = NAT_SNAT;
		fixed.has_to = true;
		memset(&fixed.to, 0, sizeof(fixed.to));
		fixed.to.family = AF_INET;
		inet_pton(AF_INET, vip->addr, fixed.to.lo);
		memcpy(fixed.to.hi, fixed.to.lo, 16);
		want = nat_rule_format_kw(&fixed);
		diag_message(res, "masq rule %lld leaves by %s, which has the "
			     "virtual address %s, but %s", (long long)r->id,
			     vip->ifname, vip->addr,
			     r->action == NAT_SNAT ? "translates to another "
			     "address" : "masquerades to this node's own "
			     "address, which the peer does not have");
		diag_fix(res, "masq del %lld; masq add at %u %s; apply",
			 (long long)r->id, r->pos, want ? want : "");
		free(want);
	}
	free(kw);
	return bad;
}

static enum diag_status
ha_snat_vip_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const struct nat_ruleset *rs;
	struct ha_conf c;
	struct ha_paths p;
	struct masq_err e;
	unsigned int nbad = 0, nvip = 0;
	enum diag_status st;
	size_t i;

	st = diag_ha_conf(ctx, &c, &p, res);
	if (st != DIAG_PASS)
		return st;
	err_init(&e);
	if (diag_ctx_rules(ctx, &rs, &e) < 0) {
		st = diag_error(res, &e);
		err_done(&e);
		return st;
	}
	for (i = 0; i < rs->n_masq; i++)
		nbad += ha_rule_judge(&c, &rs->masq[i], res, &nvip);
	if (nbad)
		return DIAG_FAIL;
	if (!nvip) {
		diag_message(res, "no masq rule leaves by an interface with a "
			     "virtual address");
		diag_fix(res, "masq add out %s snat %s", c.n_vips ?
			 c.vips[c.n_vips - 1].ifname : "WAN",
			 c.n_vips ? c.vips[c.n_vips - 1].addr : "VIP");
		return DIAG_WARN;
	}
	diag_message(res, "%u masq rule%s translate%s to the virtual address",
		     nvip, nvip == 1 ? "" : "s", nvip == 1 ? "s" : "");
	return DIAG_PASS;
}

static enum diag_status
ha_sync_peer_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct ha_conf c;
	struct ha_paths p;
	struct masq_err e;
	enum diag_status st = diag_ha_conf(ctx, &c, &p, res);
	int r;

	if (st != DIAG_PASS)
		return st;
	if (!c.sync_dev[0])
		return diag_skip(res, "no sync link ('ha sync dev IFACE peer "
				 "ADDR')");
	err_init(&e);
	r = ha_ping(c.sync_dev, c.family, c.peer, 3, 300, &e);
	if (r < 0) {
		st = diag_error(res, &e);
	} else if (r == 0) {
		diag_message(res, "the peer %s does not answer on %s",
			     c.peer, c.sync_dev);
		diag_evidence(res, "3 ICMP echo requests, 300 ms apart");
		diag_fix(res, "ip link set %s up; ip addr show %s",
			 c.sync_dev, c.sync_dev);
		st = DIAG_FAIL;
	} else {
		diag_message(res, "the peer %s answers on %s", c.peer,
			     c.sync_dev);
	}
	err_done(&e);
	return st;
}

const struct diag_check diag_ha_snat_vip_check = {
	.id = "ha.snat-vip",
	.title = "masq rules of the pair translate to the virtual address",
	.faq = NULL,
	.needs = 0,
	.run = ha_snat_vip_run,
};

const struct diag_check diag_ha_sync_peer_check = {
	.id = "ha.sync-peer",
	.title = "the peer answers on the sync link",
	.faq = NULL,
	.needs = DIAG_NEEDS_ROOT,
	.run = ha_sync_peer_run,
};

extern const struct diag_check diag_ha_conntrackd_check,
	diag_ha_keepalived_check, diag_ha_tcp_liberal_check,
	diag_ha_invalid_drop_check, diag_ha_same_rules_check,
	diag_ha_helpers_check;

const struct diag_check *const diag_ha_checks[] = {
	&diag_ha_snat_vip_check,
	&diag_ha_sync_peer_check,
	&diag_ha_conntrackd_check,
	&diag_ha_keepalived_check,
	&diag_ha_tcp_liberal_check,
	&diag_ha_invalid_drop_check,
	&diag_ha_same_rules_check,
	&diag_ha_helpers_check,
	NULL,
};

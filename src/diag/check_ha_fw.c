/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ha_fw.c - `diag ha`'s ha.invalid-drop: does this gateway drop the
 * packets conntrack calls invalid, in the input and the forward hook?
 * Between a gateway taking the virtual addresses and its notify script's
 * commit (~0.2 s) a segment of a taken-over connection has no entry: a
 * server's segment to the WAN address meets the gateway's own TCP stack,
 * which answers with a reset (the connection is lost), and a client's
 * leaves untranslated.  tests/netns/650 lost the connection in 2 of about
 * 9 runs without the drop.  masqsh only NATs, so the drop is the
 * firewall's; this check looks for it.
 *
 * A rule counts when it loads ct state, masks the invalid bit, compares
 * not-equal to zero and drops (what `ct state invalid drop` compiles to),
 * in a base chain of family ip or inet at that hook; a base chain there
 * whose policy is drop counts too (what it does not accept it drops).
 * The ruleset comes from nat (nat/nft_ruleset.h).  Changes nothing.
 */
#include "config.h"

#include <linux/netfilter.h>
#include <string.h>

#include "diag/check_ha.h"
#include "nat/nft_ruleset.h"

#define CT_INVALID_BIT 0x01	/* NF_CT_STATE_INVALID_BIT */

/* Does rule @r drop packets whose ct state is invalid? */
static bool
ha_rule_drops_invalid(const struct nft_rs_rule *r)
{
	uint32_t state_reg = 0, masked_reg = 0;
	bool match = false;
	size_t i, k;

	for (i = 0; i < r->n_x; i++) {
		const struct nft_rs_expr *x = &r->x[i];

		if (x->kind == NFT_RS_X_LOAD) {
			state_reg = x->load == NFT_RS_LOAD_CT_STATE ? x->dreg : 0;
		} else if (x->kind == NFT_RS_X_BITWISE && state_reg &&
			   x->sreg == state_reg && x->has_data &&
			   x->data_len >= 1 && (x->data[0] & CT_INVALID_BIT)) {
			masked_reg = x->dreg;
		} else if (x->kind == NFT_RS_X_CMP && masked_reg &&
			   x->sreg == masked_reg && x->op == NFT_RS_NEQ) {
			bool zero = true;

			for (k = 0; k < x->data_len && k < NFT_RS_DATA; k++)
				zero &= x->data[k] == 0;
			match = zero;
		} else if (x->kind == NFT_RS_X_VERDICT) {
			return match && x->verdict == NFT_RS_DROP;
		}
	}
	return false;
}

/* Does the ruleset drop invalid packets at @hook (ip or inet)? */
static bool
ha_hook_drops(const struct nft_ruleset *rs, int hook, struct diag_result *res)
{
	size_t i;

	for (i = 0; i < rs->n_chains; i++) {
		const struct nft_rs_chain *c = &rs->chains[i];

		if (c->base && c->hook == hook && c->policy == NFT_RS_DROP &&
		    (c->family == NFPROTO_INET || c->family == NFPROTO_IPV4)) {
			diag_evidence(res, "%s: chain %s %s %s has policy drop",
				      nft_rs_hook_name(hook),
				      nft_rs_family_name(c->family), c->table,
				      c->name);
			return true;
		}
	}
	for (i = 0; i < rs->n_rules; i++) {
		const struct nft_rs_rule *r = &rs->rules[i];
		const struct nft_rs_chain *c = nft_rs_chain_of(rs, r);

		if (!c->base || c->hook != hook ||
		    (c->family != NFPROTO_INET && c->family != NFPROTO_IPV4) ||
		    !ha_rule_drops_invalid(r))
			continue;
		diag_evidence(res, "%s: chain %s %s %s, rule handle %llu "
			      "drops ct state invalid", nft_rs_hook_name(hook),
			      nft_rs_family_name(c->family), c->table, c->name,
			      (unsigned long long)r->handle);
		return true;
	}
	diag_evidence(res, "%s: nothing drops ct state invalid",
		      nft_rs_hook_name(hook));
	return false;
}

static enum diag_status
ha_invalid_drop_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct nft_ruleset rs;
	struct ha_conf c;
	struct ha_paths p;
	struct masq_err e;
	enum diag_status st = diag_ha_conf(ctx, &c, &p, res);
	bool in, fwd;

	if (st != DIAG_PASS)
		return st;
	err_init(&e);
	memset(&rs, 0, sizeof(rs));
	if (nft_ruleset_read(&rs, &e) < 0) {
		st = diag_error(res, &e);
		err_done(&e);
		return st;
	}
	in = ha_hook_drops(&rs, NF_INET_LOCAL_IN, res);
	fwd = ha_hook_drops(&rs, NF_INET_FORWARD, res);
	nft_ruleset_done(&rs);
	err_done(&e);
	if (in && fwd) {
		diag_message(res, "invalid packets are dropped in input and "
			     "forward");
		return DIAG_PASS;
	}
	diag_message(res, "invalid packets are not dropped in %s: a "
		     "connection's segment that reaches this gateway before "
		     "its commit can reset it (input) or leave untranslated "
		     "(forward)", !in && !fwd ? "input and forward" :
		     !in ? "input" : "forward");
	diag_fix(res, "nft 'add table inet pairfw; add chain inet pairfw %s "
		 "{ type filter hook %s priority 0; }; add rule inet pairfw "
		 "%s ct state invalid drop'", !in ? "input" : "forward",
		 !in ? "input" : "forward", !in ? "input" : "forward");
	return DIAG_WARN;
}

const struct diag_check diag_ha_invalid_drop_check = {
	.id = "ha.invalid-drop",
	.title = "packets conntrack calls invalid are dropped",
	.faq = NULL,
	.needs = DIAG_NEEDS_ROOT,
	.run = ha_invalid_drop_run,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_kernel.c - what the kernel must offer the stored rules: the NAT
 * features they compile to, proven by having the kernel check the whole
 * batch (kernel.nat-features), and connection-tracking helpers for the
 * protocols that carry addresses inside (helpers, FAQ 7.16, 7.25).
 *
 * Does not own: compiling or applying (nat/nft.h), reading the ruleset
 * (diag_nft.c).  Nothing is changed: the batch is checked, then aborted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag/diag.h"
#include "diag/diag_int.h"
#include "nat/nft.h"

/* ---- kernel.nat-features ---- */

/* The features @rs uses, as words, into @buf. */
static void
features(const struct nat_ruleset *rs, char *buf, size_t size)
{
	bool masq = false, snat = false, ipsec = false, mark = false;
	bool owner = false, v6 = nat_ruleset_has_ipv6(rs);
	size_t i;

	for (i = 0; i < rs->n_masq; i++) {
		const struct nat_rule *r = &rs->masq[i];

		masq |= r->action == NAT_MASQUERADE;
		snat |= r->action == NAT_SNAT || r->action == NAT_DETECT ||
			r->action == NAT_PREFIX;
		ipsec |= r->ipsec.policy != NAT_IPSEC_ANY;
		mark |= r->mark.set;
		owner |= r->owner.set;
	}
	snprintf(buf, size, "nf_tables, nat chains%s%s%s%s%s%s%s%s",
		 v6 ? " (ip and ip6)" : "", masq ? ", masquerade" : "",
		 snat ? ", snat" : "", rs->n_fwd ? ", dnat" : "",
		 ipsec ? ", ipsec (xfrm)" : "", mark ? ", meta/ct mark" : "",
		 owner ? ", socket owner" : "",
		 rs->clamp.on ? ", tcp option maxseg (rt mtu)" : "");
}

static enum diag_status
kernel_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const struct nat_ruleset *rs;
	struct nat_compiled *c = NULL;
	enum diag_status st = DIAG_PASS;
	struct masq_err e;
	char need[256];

	err_init(&e);
	if (diag_ctx_rules(ctx, &rs, &e) == -1) {
		st = diag_error(res, &e);
		goto out;
	}
	if (!rs->n_masq && !rs->n_fwd && !rs->clamp.on) {
		diag_message(res, "no rules are staged; nothing to check");
		goto out;
	}
	features(rs, need, sizeof(need));
	diag_evidence(res, "the staged rules need: %s", need);
	if (nat_compile(rs, &c, &e) == -1) {
		st = diag_error(res, &e);
		goto out;
	}
	diag_evidence(res, "%u nft rules compiled", nat_compiled_rule_count(c));
	if (nat_apply(c, NAT_APPLY_CHECK, &e) == -1) {
		diag_message(res, "the kernel refuses the staged rules: %s",
			     e.msg);
		if (e.kernel[0])
			diag_evidence(res, "kernel says: %s", e.kernel);
		if (e.hint[0])
			diag_evidence(res, "hint: %s", e.hint);
		diag_fix(res, "check");
		st = DIAG_FAIL;
		goto out;
	}
	diag_message(res, "the kernel accepts every staged rule (%s)", need);
out:
	nat_compiled_free(c);
	err_done(&e);
	return st;
}

const struct diag_check diag_kernel_nat_check = {
	.id = "kernel.nat-features",
	.title = "the kernel has what the stored rules need",
	.faq = NULL,
	.needs = DIAG_NEEDS_ROOT,
	.run = kernel_run,
};

/* ---- helpers (FAQ 7.16, 7.25) ---- */

struct helper {
	const char *name;	/* conntrack helper name */
	uint8_t proto;
	uint16_t port;
	bool warn;		/* missing is a WARN (else evidence only) */
};

static const struct helper helpers[] = {
	{ "ftp", 6, 21, true },
	{ "irc", 6, 6667, true },
	{ "sip", 17, 5060, false },
	{ NULL, 0, 0, false },
};

/* Does rule @r translate @proto traffic to port @port? */
static bool
rule_covers(const struct nat_rule *r, uint8_t proto, uint16_t port)
{
	bool in = false;
	size_t i;

	if (r->action == NAT_NONAT)
		return false;
	if (r->proto.n) {
		for (i = 0; i < r->proto.n; i++)
			in |= r->proto.v[i] == proto;
		if (in == r->proto.neg)
			return false;
	}
	if (!r->dport.n)
		return true;
	in = false;
	for (i = 0; i < r->dport.n; i++)
		in |= r->dport.v[i].lo <= port && port <= r->dport.v[i].hi;
	return in != r->dport.neg;
}

/*
 * Is a ct helper object of type @h both defined and set by some rule?  In
 * our own table (`helper add`) a helper object always comes with the
 * prerouting rules that set it, so the object alone is enough there.
 */
static bool
nft_assigned(const struct diag_nft *d, const char *h)
{
	size_t i, k, j;

	for (i = 0; i < d->rs.n_helpers; i++) {
		const struct nft_rs_helper *o = &d->rs.helpers[i];

		if (strcmp(o->helper, h))
			continue;
		if (!strcmp(o->table, NAT_TABLE_NAME))
			return true;
		for (k = 0; k < d->rs.n_chains; k++) {
			const struct nft_rs_chain *c = &d->rs.chains[k];
			const struct diag_nft_sum *s = &d->sum[k];

			if (c->family != o->family || strcmp(c->table, o->table))
				continue;
			for (j = 0; j < s->n_helper_refs; j++)
				if (!strcmp(s->helper_refs[j], o->name))
					return true;
		}
	}
	return false;
}

/* Is helper @name staged (`helper add`), applied or not? */
static bool
staged_helper(const struct nat_ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->helpers.n; i++)
		if (!strcmp(rs->helpers.v[i].name, name))
			return true;
	return false;
}

static enum diag_status
helpers_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const struct nat_ruleset *rs;
	const struct helper *h;
	enum diag_status st = DIAG_PASS;
	struct diag_nft d = { 0 };
	unsigned long long autoh = 0;
	struct masq_err e;
	char rel[96];
	bool covered, assigned, loaded;
	size_t i;

	err_init(&e);
	if (diag_ctx_rules(ctx, &rs, &e) == -1 ||
	    diag_nft_read(&d, &e) == -1) {
		st = diag_error(res, &e);
		goto out;
	}
	if (diag_proc_u64(ctx, "sys/net/netfilter/nf_conntrack_helper",
			  &autoh) == 0)
		diag_evidence(res, "net.netfilter.nf_conntrack_helper = %llu "
			      "(automatic assignment %s)", autoh,
			      autoh ? "on" : "off");
	for (h = helpers; h->name; h++) {
		covered = false;
		for (i = 0; i < rs->n_masq; i++)
			covered |= rule_covers(&rs->masq[i], h->proto,
					       h->port);
		snprintf(rel, sizeof(rel), "%s/module/nf_conntrack_%s",
			 ctx->sys, h->name);
		loaded = access(rel, F_OK) == 0;
		assigned = nft_assigned(&d, h->name) || (autoh && loaded);
		diag_evidence(res, "%s (%s/%u): module %s, %s, %s", h->name,
			      h->proto == 6 ? "tcp" : "udp", h->port,
			      loaded ? "loaded" : "not loaded",
			      assigned ? "assigned" : "not assigned",
			      covered ? "staged rules translate it" :
			      "no staged rule translates it");
		if (!covered || assigned || !h->warn || st == DIAG_WARN)
			continue;
		diag_message(res, "%s/%u is masqueraded but no %s helper is "
			     "assigned: %s through NAT breaks",
			     h->proto == 6 ? "tcp" : "udp", h->port, h->name,
			     h->name == helpers[0].name ? "active FTP" :
			     "DCC");
		if (staged_helper(rs, h->name)) {
			diag_evidence(res, "%s: assigned by 'helper add' but "
				      "not applied yet", h->name);
			diag_fix(res, "apply");
		} else {
			diag_fix(res, "helper add %s", h->name);
		}
		st = DIAG_WARN;
	}
	diag_evidence(res, "IRC servers on other ports than 6667 need the "
		      "helper on those ports too: 'helper add irc ports "
		      "6667,6697,7000' (FAQ 7.25)");
	if (st == DIAG_PASS)
		diag_message(res, "every masqueraded protocol that needs a "
			     "helper has one");
out:
	diag_nft_done(&d);
	err_done(&e);
	return st;
}

const struct diag_check diag_helpers_check = {
	.id = "helpers",
	.title = "conntrack helpers for FTP, IRC and SIP",
	.faq = "7.16",
	.needs = DIAG_NEEDS_ROOT,
	.run = helpers_run,
};

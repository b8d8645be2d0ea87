/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_nft.c - the checks that read the whole nftables ruleset of this
 * namespace (diag_nft.c): ident (113) dropped instead of rejected
 * (FAQ 7.24, 7.35), NAT chains owned by others and their priority against
 * ours (nat.others), and connection-tracking helpers for FTP/IRC/SIP
 * (helpers, FAQ 7.16, 7.25).
 *
 * Does not own: reading the kernel (nat/nft_ruleset.h, summed up per chain
 * by diag_nft.c) or changing anything.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "diag/diag.h"
#include "diag/diag_int.h"
#include "nat/nft.h"

#define OUR_SRCNAT_PRIO 100
#define OUR_DSTNAT_PRIO (-100)

static enum diag_status
read_or_error(struct diag_nft *d, struct diag_result *res)
{
	struct masq_err e;
	enum diag_status st = DIAG_PASS;

	err_init(&e);
	if (diag_nft_read(d, &e) == -1)
		st = diag_error(res, &e);
	err_done(&e);
	return st;
}

/* ---- ident (FAQ 7.24, 7.35) ---- */

static enum diag_status
ident_run(struct diag_ctx *ctx, struct diag_result *res)
{
	enum diag_status st;
	const struct nft_rs_chain *c, *bad = NULL;
	const struct diag_nft_sum *s;
	struct diag_nft d;
	size_t i;
	bool why_policy = false;

	(void)ctx;
	if ((st = read_or_error(&d, res)) != DIAG_PASS)
		return st;
	for (i = 0; i < d.rs.n_chains; i++) {
		c = &d.rs.chains[i];
		s = &d.sum[i];
		if (!c->base || (c->hook != NFT_RS_INPUT &&
				 c->hook != NFT_RS_FORWARD))
			continue;
		if (s->ident_drop) {
			diag_evidence(res, "%s %s %s (%s): a rule drops tcp "
				      "port 113", nft_rs_family_name(c->family),
				      c->table, c->name,
				      nft_rs_hook_name(c->hook));
			if (!bad || why_policy)
				bad = c;
			why_policy = false;
		} else if (c->hook == NFT_RS_INPUT &&
			   c->policy == NFT_RS_DROP && !s->ident_reject &&
			   !s->ident_accept) {
			diag_evidence(res, "%s %s %s (input): policy drop and "
				      "no rule for tcp port 113",
				      nft_rs_family_name(c->family),
				      c->table, c->name);
			if (!bad) {
				bad = c;
				why_policy = true;
			}
		} else if (s->ident_reject || s->ident_accept) {
			diag_evidence(res, "%s %s %s (%s): port 113 is %s",
				      nft_rs_family_name(c->family),
				      c->table, c->name,
				      nft_rs_hook_name(c->hook),
				      s->ident_reject ? "rejected" :
				      "accepted");
		}
	}
	if (!bad) {
		diag_message(res, "ident (tcp 113) is not silently dropped");
		st = DIAG_PASS;
		goto out;
	}
	diag_message(res, "chain %s %s %s drops ident (tcp 113)%s: mail and "
		     "IRC servers wait for the timeout",
		     nft_rs_family_name(bad->family), bad->table, bad->name,
		     why_policy ? " by its policy" : "");
	diag_fix(res, "nft insert rule %s %s %s tcp dport 113 reject with "
		 "tcp reset", nft_rs_family_name(bad->family), bad->table,
		 bad->name);
	st = DIAG_WARN;
out:
	diag_nft_done(&d);
	return st;
}

const struct diag_check diag_ident_check = {
	.id = "ident",
	.title = "ident (113) rejected, not dropped",
	.faq = "7.35",
	.needs = DIAG_NEEDS_ROOT,
	.run = ident_run,
};

/* ---- nat.others ---- */

static bool
is_ours(const struct nft_rs_chain *c)
{
	return !strcmp(c->table, NAT_TABLE_NAME) &&
	       (c->family == NFT_RS_IP || c->family == NFT_RS_IP6);
}

/* Who probably made table @c->table. */
static const char *
owner_guess(const struct nft_ruleset *rs, const struct nft_rs_chain *c)
{
	size_t i;

	if (!strcmp(c->table, "firewalld"))
		return "firewalld";
	if (!strncmp(c->table, "libvirt", 7))
		return "libvirt";
	for (i = 0; i < rs->n_chains; i++) {
		if (rs->chains[i].family != c->family ||
		    strcmp(rs->chains[i].table, c->table))
			continue;
		if (!strcmp(rs->chains[i].name, "DOCKER"))
			return "Docker (iptables-nft)";
		if (!strncmp(rs->chains[i].name, "LIBVIRT_", 8))
			return "libvirt (iptables-nft)";
	}
	if (!strcmp(c->table, "nat"))
		return "iptables-nft";
	return "unknown";
}

static enum diag_status
others_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const struct nft_rs_chain *c, *first = NULL;
	const struct diag_nft_sum *s;
	enum diag_status st;
	struct diag_nft d;
	unsigned int n = 0;
	size_t i;
	bool before, src;

	(void)ctx;
	if ((st = read_or_error(&d, res)) != DIAG_PASS)
		return st;
	for (i = 0; i < d.rs.n_chains; i++) {
		c = &d.rs.chains[i];
		s = &d.sum[i];
		if (!c->base || strcmp(c->type, "nat") || is_ours(c))
			continue;
		n++;
		src = c->hook == NFT_RS_POSTROUTING ||
		      c->hook == NFT_RS_INPUT;
		before = src ? c->prio < OUR_SRCNAT_PRIO :
			 c->prio < OUR_DSTNAT_PRIO;
		diag_evidence(res, "%s %s %s: hook %s priority %d (ours: %d), "
			      "%u rules, %u masquerade, %u snat, %u dnat; "
			      "owner: %s%s", nft_rs_family_name(c->family),
			      c->table, c->name, nft_rs_hook_name(c->hook),
			      c->prio, src ? OUR_SRCNAT_PRIO : OUR_DSTNAT_PRIO,
			      c->n_rules, s->n_masq, s->n_snat, s->n_dnat,
			      owner_guess(&d.rs, c),
			      before ? "; runs before ours" :
			      c->prio == (src ? OUR_SRCNAT_PRIO :
					  OUR_DSTNAT_PRIO) ?
			      "; same priority: whichever was made first "
			      "runs first" : "");
		if (before && c->hook == NFT_RS_POSTROUTING &&
		    s->n_masq + s->n_snat && !first)
			first = c;
	}
	if (first) {
		diag_message(res, "%s %s %s translates sources at priority %d, "
			     "before ours (%d): a connection it translates "
			     "never reaches our rules",
			     nft_rs_family_name(first->family), first->table,
			     first->name, first->prio, OUR_SRCNAT_PRIO);
		diag_fix(res, "nft list chain %s %s %s   # make sure it "
			 "leaves our sources alone",
			 nft_rs_family_name(first->family), first->table,
			 first->name);
		st = DIAG_WARN;
	} else if (n) {
		diag_message(res, "%u NAT chain(s) of others; none translates "
			     "before ours", n);
	} else {
		diag_message(res, "no NAT chains besides ours");
	}
	diag_nft_done(&d);
	return st;
}

const struct diag_check diag_nat_others_check = {
	.id = "nat.others",
	.title = "NAT chains owned by others (Docker, libvirt, firewalld)",
	.faq = NULL,
	.needs = DIAG_NEEDS_ROOT,
	.run = others_run,
};

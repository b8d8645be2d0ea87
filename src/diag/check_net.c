/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_net.c - the checks that hold the staged rules against the
 * namespace's interfaces, addresses and policy routing (nat/links.h):
 * alias interfaces (rules.alias, FAQ 7.26), LAN-to-LAN traffic caught by
 * a translating rule (rules.lan-to-lan, FAQ 7.27), and several uplinks
 * without source routing (routing.multi-uplink, FAQ 7.36).
 *
 * Does not own: reading rtnetlink (nat/links.h) or changing anything.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/ctent.h"
#include "core/xalloc.h"
#include "diag/diag.h"
#include "diag/diag_int.h"
#include "nat/links.h"

struct net_view {
	const struct nat_ruleset *rs;
	struct links_addr *a;
	size_t na;
};

static enum diag_status
view_load(struct diag_ctx *ctx, struct net_view *v, struct diag_result *res)
{
	struct masq_err e;
	enum diag_status st = DIAG_PASS;

	err_init(&e);
	v->a = NULL;
	v->na = 0;
	if (diag_ctx_rules(ctx, &v->rs, &e) == -1 ||
	    links_addr_list(AF_UNSPEC, &v->a, &v->na, &e) == -1)
		st = diag_error(res, &e);
	err_done(&e);
	return st;
}

static bool
if_matches(const struct nat_ifname *n, const char *ifname)
{
	if (n->wildcard)
		return !strncmp(ifname, n->name, strlen(n->name));
	return !strcmp(ifname, n->name);
}

/* Does @r leave by @ifname?  A rule without 'out' leaves by every one. */
static bool
rule_out(const struct nat_rule *r, const char *ifname)
{
	size_t i;

	if (!r->n_oifs)
		return true;
	for (i = 0; i < r->n_oifs; i++)
		if (if_matches(&r->oifs[i], ifname))
			return true;
	return false;
}

/* The address of @n without its prefix; @buf holds CT_ADDRSTRLEN. */
static const char *
addr_str(const struct nat_net *n, char *buf)
{
	return ctent_addr_format(n->family, n->addr, buf);
}

/* ---- rules.alias (FAQ 7.26) ---- */

/* A rule naming alias IF:N that no address carries.  The first warning
 * found sets the message; later ones are not reported (as below). */
static enum diag_status
alias_label(struct diag_result *res, const struct net_view *v,
	    const struct nat_rule *r)
{
	char label[40], b1[64];
	bool seen = false;
	size_t k;

	if (r->alias < 0 || !r->n_oifs)
		return DIAG_PASS;
	snprintf(label, sizeof(label), "%s:%d", r->oifs[0].name, r->alias);
	for (k = 0; k < v->na; k++)
		seen |= !strcmp(v->a[k].label, label);
	if (seen)
		return DIAG_PASS;
	diag_message(res, "masq rule %lld names alias %s, which no address "
		     "carries", (long long)r->id, label);
	if (r->has_to)
		diag_fix(res, "ip addr add %s dev %s label %s",
			 ctent_addr_format(r->to.family, r->to.lo, b1),
			 r->oifs[0].name, label);
	return DIAG_WARN;
}

/* An SNAT rule to an address no interface carries. */
static enum diag_status
alias_snat(struct diag_result *res, const struct net_view *v,
	   const struct nat_rule *r)
{
	struct nat_net t = { r->to.family, { 0 }, 0 };
	char b1[64];
	bool seen = false;
	size_t k;

	if (r->action != NAT_SNAT || !r->has_to)
		return DIAG_PASS;
	memcpy(t.addr, r->to.lo, 16);
	t.plen = r->to.family == AF_INET ? 32 : 128;
	for (k = 0; k < v->na; k++) {
		struct nat_net h = v->a[k].net;

		h.plen = t.plen;
		seen |= diag_net_overlap(&h, &t);
	}
	if (seen)
		return DIAG_PASS;
	addr_str(&t, b1);
	diag_message(res, "masq rule %lld translates to %s, which no "
		     "interface carries: replies are not answered for",
		     (long long)r->id, b1);
	diag_fix(res, "ip addr add %s/%u dev %s", b1, t.plen,
		 r->n_oifs ? r->oifs[0].name : "IF");
	return DIAG_WARN;
}

/* A masquerade rule out an interface that also carries an alias. */
static enum diag_status
alias_masq(struct diag_result *res, const struct net_view *v,
	   const struct nat_rule *r)
{
	char b1[64];
	size_t k;

	if (r->action != NAT_MASQUERADE)
		return DIAG_PASS;
	for (k = 0; k < v->na; k++) {
		if (!strcmp(v->a[k].label, v->a[k].ifname) ||
		    !rule_out(r, v->a[k].ifname))
			continue;
		diag_message(res, "masq rule %lld masquerades out %s, which "
			     "also carries alias %s (%s): masquerade picks "
			     "the source by route, never by label",
			     (long long)r->id, v->a[k].ifname, v->a[k].label,
			     addr_str(&v->a[k].net, b1));
		diag_fix(res, "masq add out %s snat %s at %u   # to always "
			 "use the alias address", v->a[k].ifname, b1, r->pos);
		return DIAG_WARN;
	}
	return DIAG_PASS;
}

static enum diag_status
alias_run(struct diag_ctx *ctx, struct diag_result *res)
{
	enum diag_status (*const judge[])(struct diag_result *,
					  const struct net_view *,
					  const struct nat_rule *) = {
		alias_label, alias_snat, alias_masq,
	};
	struct net_view v;
	enum diag_status st;
	char b1[64];
	size_t i, j, k;

	if ((st = view_load(ctx, &v, res)) != DIAG_PASS)
		return st;
	for (k = 0; k < v.na; k++)
		if (strcmp(v.a[k].label, v.a[k].ifname))
			diag_evidence(res, "alias %s: %s on %s", v.a[k].label,
				      diag_net_str(&v.a[k].net, b1, sizeof(b1)),
				      v.a[k].ifname);
	/* the first finding is the message */
	for (i = 0; i < v.rs->n_masq && st == DIAG_PASS; i++)
		for (j = 0; j < 3 && st == DIAG_PASS; j++)
			st = judge[j](res, &v, &v.rs->masq[i]);
	if (st == DIAG_PASS)
		diag_message(res, "no rule depends on an alias interface");
	free(v.a);
	return st;
}

const struct diag_check diag_alias_check = {
	.id = "rules.alias",
	.title = "rules on alias interfaces (eth0:1)",
	.faq = "7.26",
	.needs = 0,
	.run = alias_run,
};

/* ---- rules.lan-to-lan (FAQ 7.27) ---- */

/* Is network @n (connected on some interface) one of the rule's sources,
 * and a destination the rule translates? */
static bool
catches(const struct nat_rule *r, const struct nat_net *n,
	const struct nat_ruleset *rs)
{
	size_t i, k;
	bool lan = false;

	/* a rule translates one family: an IPv4 rule never catches a v6 LAN */
	if (nat_rule_family(r) != n->family)
		return false;
	for (i = 0; i < rs->n_masq && !lan; i++)
		for (k = 0; k < rs->masq[i].src.n_inc; k++)
			if (rs->masq[i].action != NAT_NONAT &&
			    diag_net_overlap(&rs->masq[i].src.inc[k], n))
				lan = true;
	if (!lan)
		return false;
	for (k = 0; k < r->dst.n_exc; k++)
		if (diag_net_overlap(&r->dst.exc[k], n) &&
		    r->dst.exc[k].plen <= n->plen)
			return false;
	if (!r->dst.n_inc)
		return true;
	for (k = 0; k < r->dst.n_inc; k++)
		if (diag_net_overlap(&r->dst.inc[k], n))
			return true;
	return false;
}

/* Does a nonat rule before @r exempt traffic out @ifname to @n? */
static bool
exempted(const struct nat_ruleset *rs, const struct nat_rule *r,
	 const char *ifname, const struct nat_net *n)
{
	const struct nat_rule *x;
	size_t k;

	for (x = rs->masq; x < r; x++) {
		if (x->action != NAT_NONAT || !rule_out(x, ifname))
			continue;
		if (!x->dst.n_inc)
			return true;
		for (k = 0; k < x->dst.n_inc; k++)
			if (x->dst.inc[k].plen <= n->plen &&
			    diag_net_overlap(&x->dst.inc[k], n))
				return true;
	}
	return false;
}

static enum diag_status
lan_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct net_view v;
	enum diag_status st;
	struct nat_net net;
	char b1[64];
	size_t i, k;

	if ((st = view_load(ctx, &v, res)) != DIAG_PASS)
		return st;
	for (i = 0; i < v.rs->n_masq; i++) {
		const struct nat_rule *r = &v.rs->masq[i];

		if (r->action == NAT_NONAT)
			continue;
		for (k = 0; k < v.na; k++) {
			if (v.a[k].scope != LINKS_SCOPE_UNIVERSE ||
			    !rule_out(r, v.a[k].ifname))
				continue;
			net = diag_net_network(&v.a[k].net);
			if (!catches(r, &net, v.rs) ||
			    exempted(v.rs, r, v.a[k].ifname, &net))
				continue;
			diag_net_str(&net, b1, sizeof(b1));
			diag_evidence(res, "masq rule %lld (position %u) "
				      "translates traffic out %s, which "
				      "carries LAN %s", (long long)r->id,
				      r->pos, v.a[k].ifname, b1);
			if (st != DIAG_PASS)
				continue;
			diag_message(res, "masq rule %lld masquerades traffic "
				     "into LAN %s on %s: hosts on the other "
				     "LANs reach it with the gateway's "
				     "address", (long long)r->id, b1,
				     v.a[k].ifname);
			diag_fix(res, "masq add out %s to %s nonat at %u",
				 v.a[k].ifname, b1, r->pos);
			st = DIAG_WARN;
		}
	}
	if (st == DIAG_PASS)
		diag_message(res, "no rule translates traffic between local "
			     "networks");
	free(v.a);
	return st;
}

const struct diag_check diag_lan_to_lan_check = {
	.id = "rules.lan-to-lan",
	.title = "traffic between two LANs being masqueraded",
	.faq = "7.27",
	.needs = 0,
	.run = lan_run,
};

/* ---- routing.multi-uplink (FAQ 7.36) ---- */

/* Does @ifname carry a network that some translating rule takes as its
 * source (a LAN, not an uplink)? */
static bool
is_lan(const struct net_view *v, const char *ifname)
{
	struct nat_net net;
	size_t k, i, j;

	for (k = 0; k < v->na; k++) {
		if (strcmp(v->a[k].ifname, ifname) ||
		    v->a[k].scope != LINKS_SCOPE_UNIVERSE)
			continue;
		net = diag_net_network(&v->a[k].net);
		for (i = 0; i < v->rs->n_masq; i++)
			for (j = 0; j < v->rs->masq[i].src.n_inc; j++)
				if (v->rs->masq[i].action != NAT_NONAT &&
				    diag_net_overlap(&v->rs->masq[i].src.inc[j],
						     &net))
					return true;
	}
	return false;
}

static enum diag_status
uplink_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct links_rule *ipr = NULL;
	struct net_view v;
	enum diag_status st;
	struct masq_err e;
	char *names[16], b1[64], list[256] = "";
	size_t i, k, j, nn = 0, nr = 0;
	const char *second = NULL, *src = NULL;

	if ((st = view_load(ctx, &v, res)) != DIAG_PASS)
		return st;
	/* the uplinks: interfaces present that some translating rule names
	 * (a rule without 'out' names none: it says nothing of uplinks) */
	for (k = 0; k < v.na && nn < 16; k++) {
		for (i = 0; i < v.rs->n_masq; i++)
			if (v.rs->masq[i].action != NAT_NONAT &&
			    v.rs->masq[i].n_oifs &&
			    rule_out(&v.rs->masq[i], v.a[k].ifname))
				break;
		if (i == v.rs->n_masq || is_lan(&v, v.a[k].ifname))
			continue;
		for (j = 0; j < nn && strcmp(names[j], v.a[k].ifname); j++)
			;
		if (j < nn)
			continue;
		names[nn++] = v.a[k].ifname;
		if (nn == 2) {
			second = v.a[k].ifname;
			if (v.a[k].net.family == AF_INET)
				src = addr_str(&v.a[k].net, b1);
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", nn > 1 ? ", " : "", v.a[k].ifname);
	}
	diag_evidence(res, "translating uplinks: %s", nn ? list : "none");
	if (nn < 2) {
		diag_message(res, "%s", nn ? "one uplink" : "no uplink in use");
		goto out;
	}
	err_init(&e);
	if (links_rules(&ipr, &nr, &e) == -1) {
		st = diag_error(res, &e);
		err_done(&e);
		goto out;
	}
	err_done(&e);
	for (i = 0; i < nr; i++)
		diag_evidence(res, "ip rule %s", ipr[i].text);
	if (nr) {
		diag_message(res, "%zu uplinks (%s) and %zu policy-routing "
			     "rule(s)", nn, list, nr);
		goto out;
	}
	diag_message(res, "%zu uplinks (%s) but no policy routing: every "
		     "connection leaves by the main table's default route",
		     nn, list);
	diag_fix(res, "ip route add default dev %s table 101; ip rule add "
		 "from %s table 101", second, src ? src : "ADDRESS");
	st = DIAG_WARN;
out:
	free(ipr);
	free(v.a);
	return st;
}

const struct diag_check diag_multi_uplink_check = {
	.id = "routing.multi-uplink",
	.title = "several uplinks without source routing",
	.faq = "7.36",
	.needs = 0,
	.run = uplink_run,
};

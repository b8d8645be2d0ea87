/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_rule.c - the masq rule behind a conntrack entry (see ct_rule.h for
 * what it can and cannot know).
 *
 * Owns: matching one entry's original tuple against the staged rules in
 * order, cheaply enough to run for every entry of a 250k-entry listing
 * (no allocation, a few compares per rule), and the read-only load.
 * Does not own: the rule model or the store.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/store.h"
#include "core/xalloc.h"
#include "nat/ct_rule.h"
#include "nat/links.h"

/* What a rule needs beyond the model, worked out once. */
struct ct_rule_x {
	int family;
	bool any_gw;		/* detect whose addresses could not be read */
	struct nat_net *addrs;	/* detect: the interfaces' addresses */
	size_t n_addrs;
};

struct ct_rules {
	const struct nat_ruleset *rs;
	struct nat_ruleset own;		/* filled by ct_rules_load() */
	bool owns;
	struct ct_rule_x *x;		/* one per masq rule */
};

static bool
rule_l4_match(const struct nat_rule *r, const struct ct_entry *ce)
{
	bool hit;
	size_t i;

	if (r->proto.n) {
		for (i = 0, hit = false; !hit && i < r->proto.n; i++)
			hit = r->proto.v[i] == ce->proto;
		if (hit == r->proto.neg)
			return false;
	}
	if (r->dport.n && (!nat_proto_has_ports(ce->proto) ||
			   nat_ports_has(&r->dport, ce->orig.dport) ==
			   r->dport.neg))
		return false;
	/* Conntrack keeps the connection mark only: a packet-mark rule is
	 * compared with it too (the usual setups copy one to the other). */
	if (r->mark.set &&
	    ((ce->mark & r->mark.mask) == r->mark.value) == r->mark.neg)
		return false;
	return true;
}

/* Do @a and @b agree in every bit after the first @plen? */
static bool
prefix_host_same(unsigned int plen, const uint8_t *a, const uint8_t *b)
{
	unsigned int i;

	for (i = plen; i < 128; i++) {
		uint8_t bit = (uint8_t)(0x80u >> (i % 8));

		if ((a[i / 8] ^ b[i / 8]) & bit)
			return false;
	}
	return true;
}

/* Does the rule's action explain what the kernel did to @ce? */
static bool
rule_action_fits(const struct nat_rule *r, const struct ct_rule_x *x,
		 const struct ct_entry *ce)
{
	const union ct_addr *gw;
	size_t alen = ce->family == AF_INET6 ? 16 : 4, i;
	uint16_t gport;

	if (r->action == NAT_NONAT)
		return !(ce->status & CT_ST_NAT_MASK);
	if (!(ce->status & CT_ST_SRC_NAT))
		return false;
	gw = &ce->reply.dst;
	gport = ce->reply.dport;
	if (r->has_ports && nat_proto_has_ports(ce->proto) &&
	    (gport < r->ports.lo || gport > r->ports.hi))
		return false;
	switch (r->action) {
	case NAT_SNAT:
		return r->to.family == ce->family &&
		       memcmp(gw->b, r->to.lo, alen) >= 0 &&
		       memcmp(gw->b, r->to.hi, alen) <= 0;
	case NAT_PREFIX:
		/* NPTv6: the translated source is in the prefix and keeps
		 * the original source's host bits */
		return ce->family == AF_INET6 &&
		       nat_net_has(&r->prefix, AF_INET6, gw->b) &&
		       prefix_host_same(r->prefix.plen, gw->b,
					ce->orig.src.b);
	case NAT_DETECT:
		if (x->any_gw)
			return true;
		for (i = 0; i < x->n_addrs; i++)
			if (x->addrs[i].family == ce->family &&
			    !memcmp(x->addrs[i].addr, gw->b, alen))
				return true;
		return false;
	default:
		return true;	/* masquerade: the interface's address */
	}
}

/* Does forward @f explain the DNAT of @ce? */
static bool
fwd_match(const struct nat_forward *f, const struct ct_entry *ce)
{
	size_t alen = ce->family == AF_INET6 ? 16 : 4, i;
	bool proto;

	if (f->to.family != ce->family ||
	    memcmp(f->to.addr, ce->reply.src.b, alen))
		return false;
	if (f->has_dst && memcmp(f->dst.addr, ce->orig.dst.b, alen))
		return false;
	if (f->proto.n)
		for (i = 0, proto = false; !proto && i < f->proto.n; i++)
			proto = f->proto.v[i] == ce->proto;
	else
		proto = ce->proto == IPPROTO_TCP || ce->proto == IPPROTO_UDP;
	if (!proto)
		return false;
	/* "from" restricts the inbound leg only: a hairpin forward also
	 * takes LAN clients, which the conntrack entry cannot tell apart by
	 * interface */
	if (!nat_ports_has(&f->dport, ce->orig.dport) ||
	    (!f->hairpin &&
	     nat_netlist_has(&f->src, ce->family, ce->orig.src.b) <= 0))
		return false;
	if (!f->has_toport)
		return ce->reply.sport == ce->orig.dport;
	/* a target range: the rule asks for no offset mapping (nft's
	 * "dnat to A:LO-HI"), so the kernel takes a free port anywhere in
	 * it, not necessarily LO + (dport - dport's LO) */
	return ce->reply.sport >= f->toport.lo &&
	       ce->reply.sport <= f->toport.hi;
}

char *
ct_rule_ref(uint64_t rule_id, char *buf)
{
	if (!rule_id)
		snprintf(buf, CT_RULE_REFSIZ, "-");
	else if (rule_id & CT_RULE_FWD)
		snprintf(buf, CT_RULE_REFSIZ, "fwd%llu",
			 (unsigned long long)(rule_id & ~CT_RULE_FWD));
	else
		snprintf(buf, CT_RULE_REFSIZ, "%llu",
			 (unsigned long long)rule_id);
	return buf;
}

/* The forward behind a DNAT'ed entry (with @hairpin_only, a hairpin
 * forward), or 0. */
static uint64_t
fwd_rules_match(const struct ct_rules *cr, const struct ct_entry *ce,
		bool hairpin_only)
{
	const struct nat_forward *f;
	size_t i;

	for (i = 0; i < cr->rs->n_fwd; i++) {
		f = &cr->rs->fwd[i];
		if (hairpin_only && !f->hairpin)
			continue;
		if (fwd_match(f, ce))
			return f->id > 0 && (uint64_t)f->id < CT_RULE_FWD ?
			       CT_RULE_FWD | (uint64_t)f->id : 0;
	}
	return 0;
}

uint64_t
ct_rules_match(const struct ct_rules *cr, const struct ct_entry *ce)
{
	const struct nat_rule *r;
	uint64_t id;
	size_t i;

	if (!cr)
		return 0;
	/* a port forward alone is not a masq rule's doing */
	if ((ce->status & CT_ST_NAT_MASK) == CT_ST_DST_NAT)
		return fwd_rules_match(cr, ce, false);
	/* DNAT + SNAT: a hairpin forward's masquerade leg comes before the
	 * masq rules in postrouting (nft_build.c), so it made the entry */
	if ((ce->status & CT_ST_NAT_MASK) == CT_ST_NAT_MASK &&
	    (id = fwd_rules_match(cr, ce, true)) != 0)
		return id;
	for (i = 0; i < cr->rs->n_masq; i++) {
		r = &cr->rs->masq[i];
		if (cr->x[i].family != ce->family ||
		    nat_netlist_has(&r->src, ce->family, ce->orig.src.b) <= 0 ||
		    nat_netlist_has(&r->dst, ce->family, ce->orig.dst.b) <= 0 ||
		    !rule_l4_match(r, ce) ||
		    !rule_action_fits(r, &cr->x[i], ce))
			continue;
		return r->id > 0 ? (uint64_t)r->id : 0;
	}
	/* DNAT + SNAT by our own masquerade (hairpin) without a masq rule
	 * that fits: the forward made the connection */
	if (ce->status & CT_ST_DST_NAT)
		return fwd_rules_match(cr, ce, false);
	return 0;
}

void
ct_rules_annotate(struct ct_entry *ce, void *cr)
{
	if (cr)
		ce->rule_id = ct_rules_match(cr, ce);
}

/* The addresses of every interface of detect rule @r. */
static void
detect_resolve(const struct nat_rule *r, struct ct_rule_x *x)
{
	struct masq_err e;
	struct nat_net *v;
	size_t i, n;

	err_init(&e);
	for (i = 0; i < r->n_oifs; i++) {
		if (r->oifs[i].wildcard ||
		    links_addrs(r->oifs[i].name, x->family, &v, &n, &e) < 0) {
			x->any_gw = true;
			err_reset(&e);
			continue;
		}
		x->addrs = xreallocarray(x->addrs, x->n_addrs + n + 1,
					 sizeof(*x->addrs));
		if (n)
			memcpy(x->addrs + x->n_addrs, v, n * sizeof(*v));
		x->n_addrs += n;
		free(v);
	}
	if (!r->n_oifs)
		x->any_gw = true;
	err_done(&e);
}

/* The per-rule part, over cr->rs. */
static void
ct_rules_prepare(struct ct_rules *cr)
{
	const struct nat_ruleset *rs = cr->rs;
	size_t i;

	cr->x = xcalloc(rs->n_masq + 1, sizeof(*cr->x));
	for (i = 0; i < rs->n_masq; i++) {
		cr->x[i].family = nat_rule_family(&rs->masq[i]);
		if (rs->masq[i].action == NAT_DETECT)
			detect_resolve(&rs->masq[i], &cr->x[i]);
	}
}

struct ct_rules *
ct_rules_new(const struct nat_ruleset *rs)
{
	struct ct_rules *cr = xcalloc(1, sizeof(*cr));

	cr->rs = rs;
	ct_rules_prepare(cr);
	return cr;
}

int
ct_rules_load(const char *db_path, struct ct_rules **cr, struct masq_err *e)
{
	struct nat_ruleset rs;
	struct store *s = NULL;
	int rc = -1;

	*cr = NULL;
	if (!db_path)
		db_path = store_default_path();
	if (access(db_path, F_OK) == -1)
		return 0;
	nat_ruleset_init(&rs);
	if (store_open_ro(&s, db_path, e) < 0 ||
	    nat_ruleset_load(s, &rs, e) < 0)
		goto out;
	*cr = xcalloc(1, sizeof(**cr));
	(*cr)->own = rs;		/* moved: @rs is re-initialised below */
	(*cr)->owns = true;
	(*cr)->rs = &(*cr)->own;
	nat_ruleset_init(&rs);
	ct_rules_prepare(*cr);
	rc = 0;
out:
	nat_ruleset_done(&rs);
	if (s)
		store_close(s);
	return rc;
}

size_t
ct_rules_count(const struct ct_rules *cr)
{
	return cr ? cr->rs->n_masq : 0;
}

const struct nat_ruleset *
ct_rules_ruleset(const struct ct_rules *cr)
{
	return cr ? cr->rs : NULL;
}

void
ct_rules_free(struct ct_rules *cr)
{
	size_t i;

	if (!cr)
		return;
	for (i = 0; i < cr->rs->n_masq; i++)
		free(cr->x[i].addrs);
	free(cr->x);
	if (cr->owns)
		nat_ruleset_done(&cr->own);
	free(cr);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule.c - lifecycle of the rule model (see rule.h).  Parsing lives in
 * rule_parse.c / fwd_parse.c, formatting in rule_format.c, address and
 * name lookups in rule_addr.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/rule.h"

static void
netlist_done(struct nat_netlist *l)
{
	free(l->inc);
	free(l->exc);
	memset(l, 0, sizeof(*l));
}

void
nat_rule_init(struct nat_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->alias = -1;
	r->mark.mask = 0xffffffffu;
}

void
nat_rule_done(struct nat_rule *r)
{
	free(r->oifs);
	netlist_done(&r->dst);
	netlist_done(&r->src);
	free(r->comment);
	nat_rule_init(r);
}

void
nat_forward_init(struct nat_forward *f)
{
	memset(f, 0, sizeof(*f));
}

void
nat_forward_done(struct nat_forward *f)
{
	netlist_done(&f->src);
	free(f->comment);
	nat_forward_init(f);
}

void
nat_ruleset_init(struct nat_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
nat_ruleset_done(struct nat_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n_masq; i++)
		nat_rule_done(&rs->masq[i]);
	for (i = 0; i < rs->n_fwd; i++)
		nat_forward_done(&rs->fwd[i]);
	free(rs->masq);
	free(rs->fwd);
	nat_ruleset_init(rs);
}

void
nat_ruleset_add_masq(struct nat_ruleset *rs, struct nat_rule *r)
{
	/* Geometric growth: imports and loads add thousands of rules. */
	if (rs->n_masq == rs->cap_masq) {
		rs->cap_masq = rs->cap_masq ? 2 * rs->cap_masq : 16;
		rs->masq = xreallocarray(rs->masq, rs->cap_masq, sizeof(*r));
	}
	rs->masq[rs->n_masq++] = *r;
	nat_rule_init(r);
}

void
nat_ruleset_add_fwd(struct nat_ruleset *rs, struct nat_forward *f)
{
	if (rs->n_fwd == rs->cap_fwd) {
		rs->cap_fwd = rs->cap_fwd ? 2 * rs->cap_fwd : 16;
		rs->fwd = xreallocarray(rs->fwd, rs->cap_fwd, sizeof(*f));
	}
	rs->fwd[rs->n_fwd++] = *f;
	nat_forward_init(f);
}

static bool
netlist_v6(const struct nat_netlist *l)
{
	size_t i;

	for (i = 0; i < l->n_inc; i++)
		if (l->inc[i].family == AF_INET6)
			return true;
	for (i = 0; i < l->n_exc; i++)
		if (l->exc[i].family == AF_INET6)
			return true;
	return false;
}

int
nat_rule_family(const struct nat_rule *r)
{
	if (netlist_v6(&r->src) || netlist_v6(&r->dst))
		return AF_INET6;
	if (r->has_to && r->to.family == AF_INET6)
		return AF_INET6;
	if (r->ipsec.has_tsrc && r->ipsec.tsrc.family == AF_INET6)
		return AF_INET6;
	if (r->ipsec.has_tdst && r->ipsec.tdst.family == AF_INET6)
		return AF_INET6;
	return AF_INET;
}

bool
nat_ruleset_has_ipv6(const struct nat_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n_masq; i++)
		if (nat_rule_family(&rs->masq[i]) == AF_INET6)
			return true;
	for (i = 0; i < rs->n_fwd; i++)
		if (rs->fwd[i].to.family == AF_INET6)
			return true;
	return false;
}

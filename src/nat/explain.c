/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * explain.c - one flow through the staged rules (see explain.h).
 *
 * Owns: the column-by-column match of a flow against a forward and a masq
 * rule, with the words that say why a rule misses or on what it depends.
 * Mirrors nft_build.c: a forward matches iifname, its dst address when it
 * has one, source networks (minus exclusions), l4 protocol (tcp and udp
 * when none is given) and a destination port; a hairpin forward also
 * takes a flow from another interface for the public address (its dst,
 * else an address of its interface now), whatever the source, and
 * masquerades it when the source is on the server's network; a masq rule
 * matches oifname, the deprecated inbound interface, source and destination
 * networks with exclusions, protocol, destination ports, mark, owner and
 * IPsec policy.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "core/err.h"
#include "nat/explain.h"

int
explain_endpoint_parse(const struct masq_tok *t, const char *pname, int *family,
	       uint8_t *addr, bool *has_port, uint16_t *port,
	       struct masq_err *e)
{
	const char *s = t->s, *colon = strrchr(s, ':'), *pstr = NULL;
	char host[INET6_ADDRSTRLEN + 2];
	struct nat_net n;
	size_t len = strlen(s);
	int p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || (rb[1] && rb[1] != ':'))
			goto bad;
		len = (size_t)(rb - s - 1);
		s++;
		pstr = rb[1] ? rb + 2 : NULL;
	} else if (colon && strchr(s, ':') == colon) {
		len = (size_t)(colon - s);
		pstr = colon + 1;
	}
	if (len == 0 || len >= sizeof(host))
		goto bad;
	memcpy(host, s, len);
	host[len] = '\0';
	if (nat_net_parse(&n, host, 0) < 0 || strchr(host, '/'))
		goto bad;
	*family = n.family;
	memcpy(addr, n.addr, 16);
	*has_port = pstr != NULL;
	if (!pstr)
		return 0;
	p = *pstr ? nat_service_lookup(pstr, pname) : -1;
	if (p < 0) {
		err_tok(e, MASQ_EUSAGE, t, "'%s' is not a port or a %s service",
			pstr, pname ? pname : "known");
		return err_hint(e, "give a number from 0 to 65535 or a name "
				"from /etc/services");
	}
	*port = (uint16_t)p;
	return 0;
bad:
	err_tok(e, MASQ_EUSAGE, t, "'%s' is not an address with an optional "
		"port", t->s);
	return err_hint(e, "like 192.168.1.10, 192.168.1.10:40000 or "
			"[2001:db8::1]:443 (one host, not a network)");
}

void
explain_result_init(struct explain_result *res)
{
	memset(res, 0, sizeof(*res));
	res->fwd_hit = -1;
	res->masq_hit = -1;
}

void
explain_result_done(struct explain_result *res)
{
	free(res->steps);
	explain_result_init(res);
}

/* Append a condition to @s ("A and B"). */
static void
cond_add(struct explain_step *s, const char *text)
{
	size_t o = strlen(s->why);

	if (o && o < sizeof(s->why))
		o += (size_t)snprintf(s->why + o, sizeof(s->why) - o, " and ");
	if (o < sizeof(s->why))
		snprintf(s->why + o, sizeof(s->why) - o, "%s", text);
	s->verdict = EXPLAIN_COND;
}

static void
miss(struct explain_step *s, const char *text)
{
	snprintf(s->why, sizeof(s->why), "%s", text);
	s->verdict = EXPLAIN_MISS;
}

/* "wan0,ppp+" */
static void
ifs_text(const struct nat_ifname *v, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s%s", i ? "," : "",
				      v[i].name, v[i].wildcard ? "+" : "");
}

/* The interface column: a MISS, or a condition when @have is "". */
static bool
iface_check(struct explain_step *s, const struct nat_ifname *v, size_t n,
	    const char *have, const char *verb)
{
	char list[120], text[200];
	size_t i;

	ifs_text(v, n, list, sizeof(list));
	if (!*have) {
		snprintf(text, sizeof(text), "it %s %s", verb, list);
		cond_add(s, text);
		return true;
	}
	for (i = 0; i < n; i++)
		if (nat_ifname_match(&v[i], have))
			return true;
	snprintf(text, sizeof(text), "%s %.16s, not %s", verb, have, list);
	miss(s, text);
	return false;
}

static struct explain_step *
step_new(struct explain_result *res)
{
	struct explain_step *s;

	res->steps = xreallocarray(res->steps, res->n_steps + 1,
				   sizeof(*res->steps));
	s = &res->steps[res->n_steps++];
	memset(s, 0, sizeof(*s));
	s->verdict = EXPLAIN_MATCH;
	return s;
}

/*
 * dst, and whether @f takes the hairpin leg (arrives on another known
 * interface, for a public address of @hp): false on a miss.
 */
static bool
fwd_check_dst(const struct nat_forward *fw, const struct explain_flow *f,
	      const struct nat_hairpin *hp, struct explain_step *s)
{
	char text[160], a[64], d[64];

	if (fw->has_dst && !nat_net_has(&fw->dst, f->family, f->dst)) {
		inet_ntop(f->family, f->dst, a, sizeof(a));
		inet_ntop(f->family, fw->dst.addr, d, sizeof(d));
		snprintf(text, sizeof(text), "addressed to %s, not its dst %s",
			 a, d);
		miss(s, text);
		return false;
	}
	/* the output chain's leg has no inbound interface */
	s->hairpin = fw->hairpin && (f->local_src || (f->iif[0] &&
		     !nat_ifname_match(&fw->iif, f->iif)));
	if (s->hairpin && !fw->has_dst &&
	    !nat_hairpin_has_pub(hp, f->family, f->dst)) {
		snprintf(text, sizeof(text), "hairpin: the destination is not "
			 "an address of %s now", fw->iif.name);
		miss(s, text);
		return false;
	}
	return true;
}

static void
fwd_check(const struct nat_forward *fw, const struct explain_flow *f,
	  const struct nat_hairpin *hp, struct explain_step *s)
{
	char text[64];
	size_t i;
	bool hit = false;

	if (f->local_src && !fw->hairpin) {
		miss(s, "sent by this host: only a hairpin forward takes "
		     "its connections");
		return;
	}
	if (fw->to.family != f->family) {
		miss(s, f->family == AF_INET ? "an IPv6 forward" :
		     "an IPv4 forward");
		return;
	}
	if (!fwd_check_dst(fw, f, hp, s))
		return;
	if (fw->proto.n) {
		for (i = 0; i < fw->proto.n; i++)
			hit = hit || fw->proto.v[i] == f->proto;
	} else {
		hit = f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP;
	}
	if (!hit) {
		miss(s, "another protocol");
		return;
	}
	/* "from" is the inbound leg's; the hairpin leg takes any client */
	if (!s->hairpin && nat_netlist_has(&fw->src, f->family, f->src) <= 0) {
		miss(s, "the source is not in its 'from'");
		return;
	}
	if (!f->has_dport) {
		cond_add(s, "the destination port is one it forwards");
	} else if (!nat_ports_has(&fw->dport, f->dport)) {
		snprintf(text, sizeof(text), "destination port %u is not one "
			 "it forwards", f->dport);
		miss(s, text);
		return;
	}
	if (s->hairpin && f->local_src)
		snprintf(s->why, sizeof(s->why), "hairpin: sent by this host "
			 "to the public address");
	else if (s->hairpin)
		snprintf(s->why, sizeof(s->why), "hairpin: from %s for the "
			 "public address", f->iif);
	else
		iface_check(s, &fw->iif, 1, f->iif, "arrives on");
}

/* The hairpin's masquerade leg (nft_build.c: fwd_hairpin_masq): a client
 * on the server's network, DNAT'ed by the hairpin leg. */
static void
fwd_hairpin_masq(const struct nat_hairpin *hp, const struct explain_flow *f,
		 const struct explain_step *s, struct explain_result *res)
{
	if (!s->hairpin || !hp->has_lan ||
	    !nat_net_has(&hp->lan, f->family, f->src))
		return;
	res->hairpin_masq = true;
	res->hairpin_lan = hp->lan;
}

/* The addresses and the protocol of @r against @f: false on a miss. */
static bool
masq_check_packet(const struct nat_rule *r, const struct explain_flow *f,
		  struct explain_step *s)
{
	char text[160];
	bool hit = false;
	size_t i;
	int in;

	if (nat_rule_family(r) != f->family) {
		miss(s, f->family == AF_INET ? "an IPv6 rule" :
		     "an IPv4 rule");
		return false;
	}
	if ((in = nat_netlist_has(&r->src, f->family, f->src)) <= 0) {
		miss(s, in < 0 ? "the source is excluded" :
		     "the source is not in its 'from'");
		return false;
	}
	if ((in = nat_netlist_has(&r->dst, f->family, f->dst)) <= 0) {
		miss(s, in < 0 ? "the destination is excluded" :
		     "the destination is not in its 'to'");
		return false;
	}
	for (i = 0; i < r->proto.n; i++)
		hit = hit || r->proto.v[i] == f->proto;
	if (r->proto.n && hit == r->proto.neg) {
		miss(s, "another protocol");
		return false;
	}
	if (!r->dport.n)
		return true;
	if (!nat_proto_has_ports(f->proto)) {
		miss(s, "it matches destination ports; this protocol has none");
		return false;
	}
	if (!f->has_dport) {
		cond_add(s, "the destination port fits its 'dport'");
	} else if (nat_ports_has(&r->dport, f->dport) == r->dport.neg) {
		snprintf(text, sizeof(text), "destination port %u does not fit "
			 "its 'dport'", f->dport);
		miss(s, text);
		return false;
	}
	return true;
}

/* The interfaces of @r against @f: false on a miss. */
static bool
masq_check_ifaces(const struct nat_rule *r, const struct explain_flow *f,
		  struct explain_step *s)
{
	if (r->n_oifs && !iface_check(s, r->oifs, r->n_oifs, f->oif,
				      "leaves by"))
		return false;
	if (!r->has_src_if)
		return true;
	if (f->local_src) {
		miss(s, "sent by this host, so it arrives on no interface");
		return false;
	}
	return iface_check(s, &r->src_if, 1, f->iif, "arrives on");
}

/* What the flow does not tell: owner, mark, IPsec (conditions). */
static void
masq_check_conds(const struct nat_rule *r, const struct explain_flow *f,
		 struct explain_step *s)
{
	char buf[80], text[160];

	if (r->owner.set) {
		if (!f->local_src && f->iif[0]) {
			miss(s, "user/group match only traffic sent by "
			     "this host");
			return;
		}
		snprintf(buf, sizeof(buf), "%s%s%s%s", r->owner.neg ? "not " :
			 "", r->owner.user, r->owner.group[0] ? ":" : "",
			 r->owner.group);
		snprintf(text, sizeof(text), "this host sends it as %s", buf);
		cond_add(s, text);
	}
	if (r->mark.set) {
		snprintf(buf, sizeof(buf), "%s0x%x/0x%x", r->mark.neg ? "not " :
			 "", r->mark.value, r->mark.mask);
		snprintf(text, sizeof(text), "the %s mark is %s",
			 r->mark.ct ? "connection" : "packet", buf);
		cond_add(s, text);
	}
	if (r->ipsec.policy != NAT_IPSEC_ANY)
		cond_add(s, r->ipsec.policy == NAT_IPSEC_YES ?
			 "an IPsec policy encrypts it" :
			 "no IPsec policy encrypts it");
}

static void
masq_check(const struct nat_rule *r, const struct explain_flow *f,
	   struct explain_step *s)
{
	if (masq_check_packet(r, f, s) && masq_check_ifaces(r, f, s))
		masq_check_conds(r, f, s);
}

/* Verdicts after the walk: the first MATCH decides, later ones are
 * shadowed. */
static long
decide(struct explain_result *res, size_t from)
{
	long hit = -1;
	size_t i;

	for (i = from; i < res->n_steps; i++) {
		struct explain_step *s = &res->steps[i];

		if (hit >= 0 && s->verdict == EXPLAIN_COND) {
			/* "shadowed; it would match if ..." */
			s->verdict = EXPLAIN_SHADOWED;
			continue;
		}
		if (s->verdict != EXPLAIN_MATCH)
			continue;
		if (hit < 0)
			hit = (long)s->idx;
		else
			s->verdict = EXPLAIN_SHADOWED;
	}
	return hit;
}

void
explain_forwards(const struct nat_ruleset *rs, const struct explain_flow *f,
		 struct explain_result *res, struct explain_flow *after)
{
	const struct nat_forward *fw;
	struct explain_step *s;
	size_t i, from = res->n_steps;
	size_t alen = f->family == AF_INET6 ? 16 : 4;
	bool matched = false;

	for (i = 0; i < rs->n_fwd; i++) {
		struct masq_err e;
		struct nat_hairpin hp;

		s = step_new(res);
		s->fwd = true;
		s->idx = i;
		s->id = rs->fwd[i].id;
		s->pos = rs->fwd[i].pos;
		/* without rtnetlink the hairpin addresses are unknown: the
		 * hairpin leg then misses, as no address matches */
		err_init(&e);
		if (nat_hairpin_resolve(&rs->fwd[i], &hp, &e) < 0)
			memset(&hp, 0, sizeof(hp));
		err_done(&e);
		fwd_check(&rs->fwd[i], f, &hp, s);
		if (s->verdict == EXPLAIN_MATCH && !matched) {
			matched = true;	/* the one decide() will pick */
			fwd_hairpin_masq(&hp, f, s, res);
		}
		nat_hairpin_done(&hp);
	}
	res->fwd_hit = decide(res, from);
	if (after)
		*after = *f;
	if (res->fwd_hit < 0)
		return;
	fw = &rs->fwd[res->fwd_hit];
	memcpy(res->dnat_addr, fw->to.addr, alen);
	res->dnat_port_set = fw->has_toport;
	res->dnat_ports = fw->toport;
	if (!after)
		return;
	memcpy(after->dst, fw->to.addr, alen);
	if (fw->has_toport && fw->toport.lo == fw->toport.hi) {
		after->dport = fw->toport.lo;
		after->has_dport = true;
	} else if (fw->has_toport) {
		after->has_dport = false;	/* one of a range */
	}
	after->oif[0] = '\0';	/* routed anew to the new destination */
}

void
explain_masq(const struct nat_ruleset *rs, const struct explain_flow *f,
	     struct explain_result *res)
{
	struct explain_step *s;
	size_t i, from = res->n_steps;

	for (i = 0; i < rs->n_masq; i++) {
		s = step_new(res);
		s->idx = i;
		s->id = rs->masq[i].id;
		s->pos = rs->masq[i].pos;
		masq_check(&rs->masq[i], f, s);
	}
	res->masq_hit = decide(res, from);
}

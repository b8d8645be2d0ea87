/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_format.c - the canonical texts of rules (see rule.h).
 *
 * Owns: nat_rule_format_kw (the text the store keeps), nat_forward_format_kw
 * and nat_rule_format_columns (a masq-file line for `export shorewall`).
 * Canonical means: keywords in one fixed order (out, to, from, except,
 * snat, ports, random, persistent, nonat, proto, dport, ipsec, mark, user,
 * early, alias, comment), protocol names from /etc/protocols when known,
 * ports as numbers ("lo-hi" in the keyword form, "lo:hi" in columns),
 * networks with /plen except full-length hosts, marks in 0x hex, source
 * exclusions always after "except", the comment quoted with tok_quote().
 * Parsing the text again gives an equal rule, and formatting that rule
 * gives the same text.
 * Does not own: parsing (rule_parse.c, fwd_parse.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/tok.h"
#include "core/xalloc.h"
#include "nat/rule_int.h"

void
nat_sb_add(struct nat_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->n : NULL,
			      b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		b->cap = (b->n + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
}

char *
nat_sb_take(struct nat_sb *b)
{
	char *s = b->s ? b->s : xstrdup("");

	memset(b, 0, sizeof(*b));
	return s;
}

static void
sb_nets(struct nat_sb *b, const struct nat_net *v, size_t n)
{
	size_t i;
	char *t;

	for (i = 0; i < n; i++) {
		t = nat_net_format(&v[i]);
		nat_sb_add(b, "%s%s", i ? "," : "", t);
		free(t);
	}
}

void
nat_sb_netlist(struct nat_sb *b, const struct nat_netlist *l)
{
	sb_nets(b, l->inc, l->n_inc);
	if (l->n_exc) {
		nat_sb_add(b, "!");
		sb_nets(b, l->exc, l->n_exc);
	}
}

static void
sb_range(struct nat_sb *b, const struct nat_port_range *r, char sep)
{
	if (r->lo == r->hi)
		nat_sb_add(b, "%u", r->lo);
	else
		nat_sb_add(b, "%u%c%u", r->lo, sep, r->hi);
}

void
nat_sb_ports(struct nat_sb *b, const struct nat_ports *p, char rsep)
{
	size_t i;

	nat_sb_add(b, "%s", p->neg ? "!" : "");
	for (i = 0; i < p->n; i++) {
		nat_sb_add(b, "%s", i ? "," : "");
		sb_range(b, &p->v[i], rsep);
	}
}

void
nat_sb_proto(struct nat_sb *b, const struct nat_proto *p)
{
	const char *name;
	size_t i;

	nat_sb_add(b, "%s", p->neg ? "!" : "");
	for (i = 0; i < p->n; i++) {
		name = nat_proto_name(p->v[i]);
		if (name)
			nat_sb_add(b, "%s%s", i ? "," : "", name);
		else
			nat_sb_add(b, "%s%u", i ? "," : "", p->v[i]);
	}
}

static void
sb_ifs(struct nat_sb *b, const struct nat_ifname *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		nat_sb_add(b, "%s%s%s", i ? "," : "", v[i].name,
			   v[i].wildcard ? "+" : "");
}

static void
sb_to(struct nat_sb *b, const struct nat_addr_range *to, bool brackets)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];

	nat_addr_format(lo, sizeof(lo), to->family, to->lo);
	nat_addr_format(hi, sizeof(hi), to->family, to->hi);
	nat_sb_add(b, "%s%s", brackets ? "[" : "", lo);
	if (memcmp(to->lo, to->hi, sizeof(to->lo)))
		nat_sb_add(b, "-%s", hi);
	nat_sb_add(b, "%s", brackets ? "]" : "");
}

static void
sb_ipsec(struct nat_sb *b, const struct nat_ipsec *ip)
{
	const char *sep = "";
	char *t;

	if (ip->policy == NAT_IPSEC_NO) {
		nat_sb_add(b, "no");
		return;
	}
	if (ip->has_reqid) {
		nat_sb_add(b, "reqid=%u", ip->reqid);
		sep = ",";
	}
	if (ip->has_spi) {
		nat_sb_add(b, "%sspi=%u", sep, ip->spi);
		sep = ",";
	}
	if (ip->has_tsrc) {
		t = nat_net_format(&ip->tsrc);
		nat_sb_add(b, "%stunnel-src=%s", sep, t);
		free(t);
		sep = ",";
	}
	if (ip->has_tdst) {
		t = nat_net_format(&ip->tdst);
		nat_sb_add(b, "%stunnel-dst=%s", sep, t);
		free(t);
		sep = ",";
	}
	if (!*sep)
		nat_sb_add(b, "yes");
}

static void
sb_mark(struct nat_sb *b, const struct nat_mark *m)
{
	nat_sb_add(b, "%s0x%x", m->neg ? "!" : "", m->value);
	if (m->mask != 0xffffffffu)
		nat_sb_add(b, "/0x%x", m->mask);
	if (m->ct)
		nat_sb_add(b, ":C");
}

static void
sb_owner(struct nat_sb *b, const struct nat_owner *o)
{
	nat_sb_add(b, "%s", o->neg ? "!" : "");
	if (o->has_uid && o->user[0])
		nat_sb_add(b, "%s", o->user);
	else if (o->has_uid)
		nat_sb_add(b, "%u", o->uid);
	if (o->has_gid && o->group[0])
		nat_sb_add(b, ":%s", o->group);
	else if (o->has_gid)
		nat_sb_add(b, ":%u", o->gid);
}

char *
nat_rule_format_kw(const struct nat_rule *r)
{
	struct nat_sb b = { NULL, 0, 0 };
	char *q;

	nat_sb_add(&b, "out ");
	sb_ifs(&b, r->oifs, r->n_oifs);
	if (r->dst.n_inc || r->dst.n_exc) {
		nat_sb_add(&b, " to ");
		nat_sb_netlist(&b, &r->dst);
	}
	if (r->has_src_if) {
		nat_sb_add(&b, " from ");
		sb_ifs(&b, &r->src_if, 1);
	} else if (r->src.n_inc) {
		nat_sb_add(&b, " from ");
		sb_nets(&b, r->src.inc, r->src.n_inc);
	}
	if (r->src.n_exc) {
		nat_sb_add(&b, " except ");
		sb_nets(&b, r->src.exc, r->src.n_exc);
	}
	if (r->action == NAT_SNAT && r->has_to) {
		nat_sb_add(&b, " snat ");
		sb_to(&b, &r->to, false);
	} else if (r->action == NAT_DETECT) {
		nat_sb_add(&b, " snat detect");
	}
	if (r->has_ports) {
		nat_sb_add(&b, " ports ");
		sb_range(&b, &r->ports, '-');
	}
	if (r->random)
		nat_sb_add(&b, " random");
	if (r->persistent)
		nat_sb_add(&b, " persistent");
	if (r->action == NAT_NONAT)
		nat_sb_add(&b, " nonat");
	if (r->proto.n) {
		nat_sb_add(&b, " proto ");
		nat_sb_proto(&b, &r->proto);
	}
	if (r->dport.n) {
		nat_sb_add(&b, " dport ");
		nat_sb_ports(&b, &r->dport, '-');
	}
	if (r->ipsec.policy != NAT_IPSEC_ANY) {
		nat_sb_add(&b, " ipsec ");
		sb_ipsec(&b, &r->ipsec);
	}
	if (r->mark.set) {
		nat_sb_add(&b, " mark ");
		sb_mark(&b, &r->mark);
	}
	if (r->owner.set) {
		nat_sb_add(&b, " user ");
		sb_owner(&b, &r->owner);
	}
	if (r->early)
		nat_sb_add(&b, " early");
	if (r->alias >= 0)
		nat_sb_add(&b, " alias %d", r->alias);
	if (r->comment && r->comment[0]) {
		q = tok_quote(r->comment);
		nat_sb_add(&b, " comment %s", q);
		free(q);
	}
	return nat_sb_take(&b);
}

static bool
netlist_is_v6(const struct nat_netlist *l)
{
	return (l->n_inc && l->inc[0].family == AF_INET6) ||
	       (l->n_exc && l->exc[0].family == AF_INET6);
}

char *
nat_rule_format_columns(const struct nat_rule *r)
{
	struct nat_sb b = { NULL, 0, 0 };
	size_t keep, mark[8], i;
	bool opts;

	/* INTERFACE */
	nat_sb_add(&b, "%s", r->early ? "+" : "");
	sb_ifs(&b, r->oifs, r->n_oifs);
	if (r->alias >= 0)
		nat_sb_add(&b, ":%d", r->alias);
	if (r->dst.n_inc || r->dst.n_exc) {
		nat_sb_add(&b, r->alias < 0 && netlist_is_v6(&r->dst) ?
			   "::" : ":");
		nat_sb_netlist(&b, &r->dst);
	}
	mark[0] = b.n;
	/* SOURCE */
	nat_sb_add(&b, "\t");
	if (r->has_src_if) {
		sb_ifs(&b, &r->src_if, 1);
		if (r->src.n_exc) {
			nat_sb_add(&b, ":!");
			sb_nets(&b, r->src.exc, r->src.n_exc);
		}
	} else if (r->src.n_inc || r->src.n_exc) {
		nat_sb_netlist(&b, &r->src);
	} else {
		nat_sb_add(&b, "-");
	}
	mark[1] = b.n;
	/* ADDRESS */
	nat_sb_add(&b, "\t");
	opts = r->has_ports || r->random || r->persistent;
	if (r->action == NAT_NONAT) {
		nat_sb_add(&b, "NONAT");
	} else if (r->action == NAT_SNAT && r->has_to) {
		sb_to(&b, &r->to, opts && r->to.family == AF_INET6);
	} else if (r->action == NAT_DETECT) {
		nat_sb_add(&b, "detect");
	} else if (!opts) {
		nat_sb_add(&b, "-");
	} else if (!r->has_ports && !r->persistent) {
		nat_sb_add(&b, "random");
		opts = false;
	}
	if (opts && r->action != NAT_NONAT) {
		if (r->has_ports) {
			nat_sb_add(&b, ":");
			sb_range(&b, &r->ports, '-');
		}
		if (r->random)
			nat_sb_add(&b, ":random");
		if (r->persistent)
			nat_sb_add(&b, ":persistent");
	}
	mark[2] = b.n;
	/* PROTO, PORT(S) */
	nat_sb_add(&b, "\t");
	if (r->proto.n)
		nat_sb_proto(&b, &r->proto);
	else
		nat_sb_add(&b, "-");
	mark[3] = b.n;
	nat_sb_add(&b, "\t");
	if (r->dport.n)
		nat_sb_ports(&b, &r->dport, ':');
	else
		nat_sb_add(&b, "-");
	mark[4] = b.n;
	/* IPSEC, MARK, USER/GROUP */
	nat_sb_add(&b, "\t");
	if (r->ipsec.policy != NAT_IPSEC_ANY)
		sb_ipsec(&b, &r->ipsec);
	else
		nat_sb_add(&b, "-");
	mark[5] = b.n;
	nat_sb_add(&b, "\t");
	if (r->mark.set)
		sb_mark(&b, &r->mark);
	else
		nat_sb_add(&b, "-");
	mark[6] = b.n;
	nat_sb_add(&b, "\t");
	if (r->owner.set)
		sb_owner(&b, &r->owner);
	else
		nat_sb_add(&b, "-");
	mark[7] = b.n;
	/* drop trailing "-" columns (SOURCE always stays) */
	keep = mark[7];
	for (i = 7; i >= 2; i--) {
		if (mark[i] - mark[i - 1] == 2 && b.s[mark[i] - 1] == '-')
			keep = mark[i - 1];
		else
			break;
	}
	b.s[keep] = '\0';
	b.n = keep;
	return nat_sb_take(&b);
}

char *
nat_forward_format_kw(const struct nat_forward *f)
{
	struct nat_sb b = { NULL, 0, 0 };
	char addr[INET6_ADDRSTRLEN], *q;
	bool v6 = f->to.family == AF_INET6;

	nat_sb_add(&b, "in ");
	sb_ifs(&b, &f->iif, 1);
	if (!(f->proto.n == 2 && f->proto.v[0] == 6 && f->proto.v[1] == 17)) {
		nat_sb_add(&b, " proto ");
		nat_sb_proto(&b, &f->proto);
	}
	nat_sb_add(&b, " dport ");
	nat_sb_ports(&b, &f->dport, '-');
	nat_addr_format(addr, sizeof(addr), f->to.family, f->to.addr);
	if (f->has_toport) {
		nat_sb_add(&b, v6 ? " to [%s]:" : " to %s:", addr);
		sb_range(&b, &f->toport, '-');
	} else {
		nat_sb_add(&b, " to %s", addr);
	}
	if (f->src.n_inc || f->src.n_exc) {
		nat_sb_add(&b, " from ");
		nat_sb_netlist(&b, &f->src);
	}
	if (f->comment && f->comment[0]) {
		q = tok_quote(f->comment);
		nat_sb_add(&b, " comment %s", q);
		free(q);
	}
	return nat_sb_take(&b);
}

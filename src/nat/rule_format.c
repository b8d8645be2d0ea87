/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_format.c - the canonical texts of rules (see rule.h).
 *
 * Owns: nat_rule_format_kw (the text the store keeps), nat_forward_format_kw
 * and nat_rule_format_columns (a masq-file line for `export shorewall`),
 * and the string builder they share (nat_sb_*, rule_int.h).
 * Canonical means: keywords in one fixed order (out, to, from, except,
 * snat, ports, random, persistent, nonat, proto, dport, ipsec, mark, user,
 * timeout, early, alias, comment), timeout states in the order of the
 * table in nat/timeouts.h with plain seconds, protocol names when known
 * (built in for the common ones, else /etc/protocols; nat_proto_name()),
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
#include "nat/timeouts.h"

/*
 * The hot path of an apply formats every rule once (the revision's script),
 * so the builder appends known strings and numbers itself; nat_sb_add()
 * (vsnprintf) is left for the rare parts.
 */
static void
sb_reserve(struct nat_sb *b, size_t more)
{
	size_t need = b->n + more + 1;

	if (b->s && need <= b->cap)
		return;
	b->cap = need * 2 < 128 ? 128 : need * 2;
	b->s = xrealloc(b->s, b->cap);
}

static void
sb_mem(struct nat_sb *b, const char *p, size_t len)
{
	sb_reserve(b, len);
	memcpy(b->s + b->n, p, len);
	b->n += len;
	b->s[b->n] = '\0';
}

static void
sb_str(struct nat_sb *b, const char *p)
{
	sb_mem(b, p, strlen(p));
}

/* sb_lit(b, "literal"): append a string literal without strlen */
#define sb_lit(b, lit) sb_mem((b), (lit), sizeof(lit) - 1)

static void
sb_chr(struct nat_sb *b, char c)
{
	sb_reserve(b, 1);
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
}

static void
sb_uint(struct nat_sb *b, unsigned int v)
{
	char tmp[10];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_mem(b, tmp + i, sizeof(tmp) - i);
}

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

/* the text of nat_net_format(), appended without an allocation */
static void
sb_net(struct nat_sb *b, const struct nat_net *n)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int max = n->family == AF_INET ? 32 : 128;

	nat_addr_format(buf, sizeof(buf), n->family, n->addr);
	sb_str(b, buf);
	if (n->plen != max) {
		sb_chr(b, '/');
		sb_uint(b, n->plen);
	}
}

static void
sb_nets(struct nat_sb *b, const struct nat_net *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			sb_chr(b, ',');
		sb_net(b, &v[i]);
	}
}

void
nat_sb_netlist(struct nat_sb *b, const struct nat_netlist *l)
{
	sb_nets(b, l->inc, l->n_inc);
	if (l->n_exc) {
		sb_chr(b, '!');
		sb_nets(b, l->exc, l->n_exc);
	}
}

static void
sb_range(struct nat_sb *b, const struct nat_port_range *r, char sep)
{
	sb_uint(b, r->lo);
	if (r->lo != r->hi) {
		sb_chr(b, sep);
		sb_uint(b, r->hi);
	}
}

void
nat_sb_ports(struct nat_sb *b, const struct nat_ports *p, char rsep)
{
	size_t i;

	if (p->neg)
		sb_chr(b, '!');
	for (i = 0; i < p->n; i++) {
		if (i)
			sb_chr(b, ',');
		sb_range(b, &p->v[i], rsep);
	}
}

void
nat_sb_proto(struct nat_sb *b, const struct nat_proto *p)
{
	const char *name;
	size_t i;

	if (p->neg)
		sb_chr(b, '!');
	for (i = 0; i < p->n; i++) {
		if (i)
			sb_chr(b, ',');
		name = nat_proto_name(p->v[i]);
		if (name)
			sb_str(b, name);
		else
			sb_uint(b, p->v[i]);
	}
}

static void
sb_ifs(struct nat_sb *b, const struct nat_ifname *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			sb_chr(b, ',');
		sb_str(b, v[i].name);
		if (v[i].wildcard)
			sb_chr(b, '+');
	}
}

static void
sb_to(struct nat_sb *b, const struct nat_addr_range *to, bool brackets)
{
	char buf[INET6_ADDRSTRLEN];

	if (brackets)
		sb_chr(b, '[');
	nat_addr_format(buf, sizeof(buf), to->family, to->lo);
	sb_str(b, buf);
	if (memcmp(to->lo, to->hi, sizeof(to->lo))) {
		sb_chr(b, '-');
		nat_addr_format(buf, sizeof(buf), to->family, to->hi);
		sb_str(b, buf);
	}
	if (brackets)
		sb_chr(b, ']');
}

static void
sb_ipsec(struct nat_sb *b, const struct nat_ipsec *ip)
{
	bool any = false;

	if (ip->policy == NAT_IPSEC_NO) {
		sb_lit(b, "no");
		return;
	}
	if (ip->has_reqid) {
		sb_lit(b, "reqid=");
		sb_uint(b, ip->reqid);
		any = true;
	}
	if (ip->has_spi) {
		if (any)
			sb_chr(b, ',');
		sb_lit(b, "spi=");
		sb_uint(b, ip->spi);
		any = true;
	}
	if (ip->has_tsrc) {
		if (any)
			sb_chr(b, ',');
		sb_lit(b, "tunnel-src=");
		sb_net(b, &ip->tsrc);
		any = true;
	}
	if (ip->has_tdst) {
		if (any)
			sb_chr(b, ',');
		sb_lit(b, "tunnel-dst=");
		sb_net(b, &ip->tdst);
		any = true;
	}
	if (!any)
		sb_lit(b, "yes");
}

static void
sb_mark(struct nat_sb *b, const struct nat_mark *m)
{
	nat_sb_add(b, "%s0x%x", m->neg ? "!" : "", m->value);
	if (m->mask != 0xffffffffu)
		nat_sb_add(b, "/0x%x", m->mask);
	if (m->ct)
		sb_lit(b, ":C");
}

static void
sb_owner(struct nat_sb *b, const struct nat_owner *o)
{
	if (o->neg)
		sb_chr(b, '!');
	if (o->has_uid && o->user[0])
		sb_str(b, o->user);
	else if (o->has_uid)
		sb_uint(b, o->uid);
	if (o->has_gid && o->group[0]) {
		sb_chr(b, ':');
		sb_str(b, o->group);
	} else if (o->has_gid) {
		sb_chr(b, ':');
		sb_uint(b, o->gid);
	}
}

char *
nat_rule_format_kw(const struct nat_rule *r)
{
	struct nat_sb b = { NULL, 0, 0 };
	char *q;

	sb_reserve(&b, 96);
	sb_lit(&b, "out ");
	sb_ifs(&b, r->oifs, r->n_oifs);
	if (r->dst.n_inc || r->dst.n_exc) {
		sb_lit(&b, " to ");
		nat_sb_netlist(&b, &r->dst);
	}
	if (r->has_src_if) {
		sb_lit(&b, " from ");
		sb_ifs(&b, &r->src_if, 1);
	} else if (r->src.n_inc) {
		sb_lit(&b, " from ");
		sb_nets(&b, r->src.inc, r->src.n_inc);
	}
	if (r->src.n_exc) {
		sb_lit(&b, " except ");
		sb_nets(&b, r->src.exc, r->src.n_exc);
	}
	if (r->action == NAT_SNAT && r->has_to) {
		sb_lit(&b, " snat ");
		sb_to(&b, &r->to, false);
	} else if (r->action == NAT_DETECT) {
		sb_lit(&b, " snat detect");
	}
	if (r->has_ports) {
		sb_lit(&b, " ports ");
		sb_range(&b, &r->ports, '-');
	}
	if (r->random)
		sb_lit(&b, " random");
	if (r->persistent)
		sb_lit(&b, " persistent");
	if (r->action == NAT_NONAT)
		sb_lit(&b, " nonat");
	if (r->proto.n) {
		sb_lit(&b, " proto ");
		nat_sb_proto(&b, &r->proto);
	}
	if (r->dport.n) {
		sb_lit(&b, " dport ");
		nat_sb_ports(&b, &r->dport, '-');
	}
	if (r->ipsec.policy != NAT_IPSEC_ANY) {
		sb_lit(&b, " ipsec ");
		sb_ipsec(&b, &r->ipsec);
	}
	if (r->mark.set) {
		sb_lit(&b, " mark ");
		sb_mark(&b, &r->mark);
	}
	if (r->owner.set) {
		sb_lit(&b, " user ");
		sb_owner(&b, &r->owner);
	}
	if (r->timeout.n) {
		sb_lit(&b, " timeout ");
		nat_sb_timeout(&b, &r->timeout);
	}
	if (r->early)
		sb_lit(&b, " early");
	if (r->alias >= 0) {
		sb_lit(&b, " alias ");
		sb_uint(&b, (unsigned int)r->alias);
	}
	if (r->comment && r->comment[0]) {
		q = tok_quote(r->comment);
		sb_lit(&b, " comment ");
		sb_str(&b, q);
		free(q);
	}
	return nat_sb_take(&b);
}

void
nat_sb_timeout(struct nat_sb *b, const struct nat_ct_policy *t)
{
	const struct nat_timeout *tab;
	size_t i, n;

	tab = nat_timeouts_table(&n);
	for (i = 0; i < t->n; i++) {
		if (i)
			sb_chr(b, ',');
		sb_str(b, tab[t->state[i]].name);
		sb_chr(b, '=');
		sb_uint(b, t->secs[i]);
	}
}

char *
nat_ct_policy_format(const struct nat_ct_policy *t)
{
	struct nat_sb b = { NULL, 0, 0 };

	if (!t->n)
		return NULL;
	nat_sb_timeout(&b, t);
	return nat_sb_take(&b);
}

static bool
netlist_is_v6(const struct nat_netlist *l)
{
	return (l->n_inc && l->inc[0].family == AF_INET6) ||
	       (l->n_exc && l->exc[0].family == AF_INET6);
}

/* INTERFACE column: [+]IFLIST[:ALIAS][:DEST] ("::" before an IPv6 DEST
 * without an alias). */
static void
sb_col_interface(struct nat_sb *b, const struct nat_rule *r)
{
	nat_sb_add(b, "%s", r->early ? "+" : "");
	sb_ifs(b, r->oifs, r->n_oifs);
	if (r->alias >= 0)
		nat_sb_add(b, ":%d", r->alias);
	if (r->dst.n_inc || r->dst.n_exc) {
		nat_sb_add(b, r->alias < 0 && netlist_is_v6(&r->dst) ?
			   "::" : ":");
		nat_sb_netlist(b, &r->dst);
	}
}

/* SOURCE column: nets with exclusions, IFACE[:!EXCL], or "-". */
static void
sb_col_source(struct nat_sb *b, const struct nat_rule *r)
{
	if (r->has_src_if) {
		sb_ifs(b, &r->src_if, 1);
		if (r->src.n_exc) {
			nat_sb_add(b, ":!");
			sb_nets(b, r->src.exc, r->src.n_exc);
		}
	} else if (r->src.n_inc || r->src.n_exc) {
		nat_sb_netlist(b, &r->src);
	} else {
		nat_sb_add(b, "-");
	}
}

/* ADDRESS column: NONAT, ADDRESS, detect, "random" or "-", then
 * [:LOW-HIGH][:random][:persistent]. */
static void
sb_col_address(struct nat_sb *b, const struct nat_rule *r)
{
	bool opts = r->has_ports || r->random || r->persistent;

	if (r->action == NAT_NONAT) {
		nat_sb_add(b, "NONAT");
	} else if (r->action == NAT_SNAT && r->has_to) {
		sb_to(b, &r->to, opts && r->to.family == AF_INET6);
	} else if (r->action == NAT_DETECT) {
		nat_sb_add(b, "detect");
	} else if (!opts) {
		nat_sb_add(b, "-");
	} else if (!r->has_ports && !r->persistent) {
		nat_sb_add(b, "random");
		opts = false;
	}
	if (!opts || r->action == NAT_NONAT)
		return;
	if (r->has_ports) {
		nat_sb_add(b, ":");
		sb_range(b, &r->ports, '-');
	}
	if (r->random)
		nat_sb_add(b, ":random");
	if (r->persistent)
		nat_sb_add(b, ":persistent");
}

/* PROTO, PORT(S), IPSEC, MARK, USER/GROUP (columns 3..7): the value,
 * or "-". */
static void
sb_col_match(struct nat_sb *b, const struct nat_rule *r, size_t i)
{
	if (i == 3 && r->proto.n)
		nat_sb_proto(b, &r->proto);
	else if (i == 4 && r->dport.n)
		nat_sb_ports(b, &r->dport, ':');
	else if (i == 5 && r->ipsec.policy != NAT_IPSEC_ANY)
		sb_ipsec(b, &r->ipsec);
	else if (i == 6 && r->mark.set)
		sb_mark(b, &r->mark);
	else if (i == 7 && r->owner.set)
		sb_owner(b, &r->owner);
	else
		nat_sb_add(b, "-");
}

char *
nat_rule_format_columns(const struct nat_rule *r)
{
	struct nat_sb b = { NULL, 0, 0 };
	size_t keep, mark[8], i;

	sb_col_interface(&b, r);
	mark[0] = b.n;
	nat_sb_add(&b, "\t");
	sb_col_source(&b, r);
	mark[1] = b.n;
	nat_sb_add(&b, "\t");
	sb_col_address(&b, r);
	mark[2] = b.n;
	for (i = 3; i < 8; i++) {
		nat_sb_add(&b, "\t");
		sb_col_match(&b, r, i);
		mark[i] = b.n;
	}
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

	sb_reserve(&b, 96);
	sb_lit(&b, "in ");
	sb_ifs(&b, &f->iif, 1);
	if (!(f->proto.n == 2 && f->proto.v[0] == 6 && f->proto.v[1] == 17)) {
		sb_lit(&b, " proto ");
		nat_sb_proto(&b, &f->proto);
	}
	sb_lit(&b, " dport ");
	nat_sb_ports(&b, &f->dport, '-');
	nat_addr_format(addr, sizeof(addr), f->to.family, f->to.addr);
	sb_lit(&b, " to ");
	if (f->has_toport && v6) {
		sb_chr(&b, '[');
		sb_str(&b, addr);
		sb_chr(&b, ']');
	} else {
		sb_str(&b, addr);
	}
	if (f->has_toport) {
		sb_chr(&b, ':');
		sb_range(&b, &f->toport, '-');
	}
	if (f->src.n_inc || f->src.n_exc) {
		sb_lit(&b, " from ");
		nat_sb_netlist(&b, &f->src);
	}
	if (f->comment && f->comment[0]) {
		q = tok_quote(f->comment);
		sb_lit(&b, " comment ");
		sb_str(&b, q);
		free(q);
	}
	return nat_sb_take(&b);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_format.c - the canonical texts of rules (see rule.h).
 *
 * Owns: nat_rule_format_kw (the text the store keeps), nat_forward_format_kw
 * and nat_rule_format_columns (a masq-file line for `export shorewall`),
 * and the pieces they share (nat_sb_*, rule_int.h), appended to the one
 * string buffer (core/strbuf.h).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/ctent.h"
#include "core/strbuf.h"
#include "core/tok.h"
#include "core/xalloc.h"
#include "nat/rule_int.h"
#include "nat/timeouts.h"

/* sb_lit(b, "literal"): append a string literal without strlen */
#define sb_lit(b, lit) strbuf_add((b), (lit), sizeof(lit) - 1)

/* the text of nat_net_format(), appended without an allocation */
static void
sb_net(struct strbuf *b, const struct nat_net *n)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int max = n->family == AF_INET ? 32 : 128;

	ctent_addr_text(buf, sizeof(buf), n->family, n->addr);
	strbuf_puts(b, buf);
	if (n->plen != max) {
		strbuf_putc(b, '/');
		strbuf_u64(b, n->plen);
	}
}

static void
sb_nets(struct strbuf *b, const struct nat_net *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_putc(b, ',');
		sb_net(b, &v[i]);
	}
}

void
nat_sb_netlist(struct strbuf *b, const struct nat_netlist *l)
{
	sb_nets(b, l->inc, l->n_inc);
	if (l->n_exc) {
		strbuf_putc(b, '!');
		sb_nets(b, l->exc, l->n_exc);
	}
}

static void
sb_range(struct strbuf *b, const struct nat_port_range *r, char sep)
{
	strbuf_u64(b, r->lo);
	if (r->lo != r->hi) {
		strbuf_putc(b, sep);
		strbuf_u64(b, r->hi);
	}
}

void
nat_sb_ports(struct strbuf *b, const struct nat_ports *p, char rsep)
{
	size_t i;

	if (p->neg)
		strbuf_putc(b, '!');
	for (i = 0; i < p->n; i++) {
		if (i)
			strbuf_putc(b, ',');
		sb_range(b, &p->v[i], rsep);
	}
}

void
nat_sb_proto(struct strbuf *b, const struct nat_proto *p)
{
	const char *name;
	size_t i;

	if (p->neg)
		strbuf_putc(b, '!');
	for (i = 0; i < p->n; i++) {
		if (i)
			strbuf_putc(b, ',');
		name = nat_proto_name(p->v[i]);
		if (name)
			strbuf_puts(b, name);
		else
			strbuf_u64(b, p->v[i]);
	}
}

static void
sb_ifs(struct strbuf *b, const struct nat_ifname *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_putc(b, ',');
		strbuf_puts(b, v[i].name);
		if (v[i].wildcard)
			strbuf_putc(b, '+');
	}
}

static void
sb_to(struct strbuf *b, const struct nat_addr_range *to, bool brackets)
{
	char buf[INET6_ADDRSTRLEN];

	if (brackets)
		strbuf_putc(b, '[');
	ctent_addr_text(buf, sizeof(buf), to->family, to->lo);
	strbuf_puts(b, buf);
	if (memcmp(to->lo, to->hi, sizeof(to->lo))) {
		strbuf_putc(b, '-');
		ctent_addr_text(buf, sizeof(buf), to->family, to->hi);
		strbuf_puts(b, buf);
	}
	if (brackets)
		strbuf_putc(b, ']');
}

static void
sb_ipsec(struct strbuf *b, const struct nat_ipsec *ip)
{
	bool any = false;

	if (ip->policy == NAT_IPSEC_NO) {
		sb_lit(b, "no");
		return;
	}
	if (ip->has_reqid) {
		sb_lit(b, "reqid=");
		strbuf_u64(b, ip->reqid);
		any = true;
	}
	if (ip->has_spi) {
		if (any)
			strbuf_putc(b, ',');
		sb_lit(b, "spi=");
		strbuf_u64(b, ip->spi);
		any = true;
	}
	if (ip->has_tsrc) {
		if (any)
			strbuf_putc(b, ',');
		sb_lit(b, "tunnel-src=");
		sb_net(b, &ip->tsrc);
		any = true;
	}
	if (ip->has_tdst) {
		if (any)
			strbuf_putc(b, ',');
		sb_lit(b, "tunnel-dst=");
		sb_net(b, &ip->tdst);
		any = true;
	}
	if (!any)
		sb_lit(b, "yes");
}

static void
sb_mark(struct strbuf *b, const struct nat_mark *m)
{
	strbuf_addf(b, "%s0x%x", m->neg ? "!" : "", m->value);
	if (m->mask != 0xffffffffu)
		strbuf_addf(b, "/0x%x", m->mask);
	if (m->ct)
		sb_lit(b, ":C");
}

static void
sb_owner(struct strbuf *b, const struct nat_owner *o)
{
	if (o->neg)
		strbuf_putc(b, '!');
	if (o->has_uid && o->user[0])
		strbuf_puts(b, o->user);
	else if (o->has_uid)
		strbuf_u64(b, o->uid);
	if (o->has_gid && o->group[0]) {
		strbuf_putc(b, ':');
		strbuf_puts(b, o->group);
	} else if (o->has_gid) {
		strbuf_putc(b, ':');
		strbuf_u64(b, o->gid);
	}
}

char *
nat_rule_format_kw(const struct nat_rule *r)
{
	struct strbuf b = STRBUF_INIT;
	char *q;

	strbuf_init(&b, 96);
	/* no 'out' at all is the any-interface rule (rule_parse.c) */
	if (r->n_oifs) {
		sb_lit(&b, "out ");
		sb_ifs(&b, r->oifs, r->n_oifs);
	}
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
	} else if (r->action == NAT_PREFIX) {
		sb_lit(&b, " prefix ");
		sb_nets(&b, &r->prefix, 1);
	}
	if (r->has_ports) {
		sb_lit(&b, " ports ");
		sb_range(&b, &r->ports, '-');
	}
	if (r->random)
		sb_lit(&b, " random");
	if (r->fully_random)
		sb_lit(&b, " fully-random");
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
		strbuf_u64(&b, (unsigned int)r->alias);
	}
	if (r->comment && r->comment[0]) {
		q = tok_quote(r->comment);
		sb_lit(&b, " comment ");
		strbuf_puts(&b, q);
		free(q);
	}
	q = strbuf_take(&b);
	if (!r->n_oifs && q[0] == ' ')	/* " from ..." of an any-if rule */
		memmove(q, q + 1, strlen(q));
	return q;
}

void
nat_sb_timeout(struct strbuf *b, const struct nat_ct_policy *t)
{
	const struct nat_timeout *tab;
	size_t i, n;

	tab = nat_timeouts_table(&n);
	for (i = 0; i < t->n; i++) {
		if (i)
			strbuf_putc(b, ',');
		strbuf_puts(b, tab[t->state[i]].name);
		strbuf_putc(b, '=');
		strbuf_u64(b, t->secs[i]);
	}
}

char *
nat_ct_policy_format(const struct nat_ct_policy *t)
{
	struct strbuf b = STRBUF_INIT;

	if (!t->n)
		return NULL;
	nat_sb_timeout(&b, t);
	return strbuf_take(&b);
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
sb_col_interface(struct strbuf *b, const struct nat_rule *r)
{
	strbuf_addf(b, "%s", r->early ? "+" : "");
	sb_ifs(b, r->oifs, r->n_oifs);
	if (r->alias >= 0)
		strbuf_addf(b, ":%d", r->alias);
	if (r->dst.n_inc || r->dst.n_exc) {
		strbuf_addf(b, r->alias < 0 && netlist_is_v6(&r->dst) ?
			   "::" : ":");
		nat_sb_netlist(b, &r->dst);
	}
}

/* SOURCE column: nets with exclusions, IFACE[:!EXCL], or "-". */
static void
sb_col_source(struct strbuf *b, const struct nat_rule *r)
{
	if (r->has_src_if) {
		sb_ifs(b, &r->src_if, 1);
		if (r->src.n_exc) {
			strbuf_addf(b, ":!");
			sb_nets(b, r->src.exc, r->src.n_exc);
		}
	} else if (r->src.n_inc || r->src.n_exc) {
		nat_sb_netlist(b, &r->src);
	} else {
		strbuf_addf(b, "-");
	}
}

/* ADDRESS column: NONAT, ADDRESS, detect, "random", "fully-random" or
 * "-", then [:LOW-HIGH][:random|:fully-random][:persistent]. */
static void
sb_col_address(struct strbuf *b, const struct nat_rule *r)
{
	bool opts = r->has_ports || r->random || r->fully_random ||
		    r->persistent;

	if (r->action == NAT_NONAT) {
		strbuf_addf(b, "NONAT");
	} else if (r->action == NAT_SNAT && r->has_to) {
		sb_to(b, &r->to, opts && r->to.family == AF_INET6);
	} else if (r->action == NAT_DETECT) {
		strbuf_addf(b, "detect");
	} else if (r->action == NAT_PREFIX) {
		strbuf_addf(b, "prefix=");
		sb_nets(b, &r->prefix, 1);
		return;			/* takes no options */
	} else if (!opts) {
		strbuf_addf(b, "-");
	} else if (!r->has_ports && !r->persistent) {
		strbuf_addf(b, r->random ? "random" : "fully-random");
		opts = false;
	}
	if (!opts || r->action == NAT_NONAT)
		return;
	if (r->has_ports) {
		strbuf_addf(b, ":");
		sb_range(b, &r->ports, '-');
	}
	if (r->random)
		strbuf_addf(b, ":random");
	if (r->fully_random)
		strbuf_addf(b, ":fully-random");
	if (r->persistent)
		strbuf_addf(b, ":persistent");
}

/* PROTO, PORT(S), IPSEC, MARK, USER/GROUP (columns 3..7): the value,
 * or "-". */
static void
sb_col_match(struct strbuf *b, const struct nat_rule *r, size_t i)
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
		strbuf_addf(b, "-");
}

/*
 * The columns a masq line and a snat line share (PROTO .. USER, 3-7) after
 * the first three, whose ends are @mark[0..2]; then trailing "-" columns
 * are dropped, down to column @first_drop at most.
 */
static char *
line_finish(struct strbuf *b, const struct nat_rule *r, size_t mark[8],
	    size_t first_drop)
{
	size_t keep, i;

	for (i = 3; i < 8; i++) {
		strbuf_addf(b, "\t");
		sb_col_match(b, r, i);
		mark[i] = b->len;
	}
	keep = mark[7];
	for (i = 7; i >= first_drop; i--) {
		if (mark[i] - mark[i - 1] == 2 && b->s[mark[i] - 1] == '-')
			keep = mark[i - 1];
		else
			break;
	}
	strbuf_truncate(b, keep);
	return strbuf_take(b);
}

char *
nat_rule_format_columns(const struct nat_rule *r)
{
	struct strbuf b = STRBUF_INIT;
	size_t mark[8];

	if (!r->n_oifs)		/* INTERFACE is a required column */
		return NULL;
	sb_col_interface(&b, r);
	mark[0] = b.len;
	strbuf_addf(&b, "\t");
	sb_col_source(&b, r);
	mark[1] = b.len;
	strbuf_addf(&b, "\t");
	sb_col_address(&b, r);
	mark[2] = b.len;
	/* SOURCE always stays */
	return line_finish(&b, r, mark, 2);
}

bool
nat_rule_has_snat_form(const struct nat_rule *r)
{
	size_t i;

	if ((r->action == NAT_MASQUERADE && (r->persistent ||
					     r->fully_random)) ||
	    (r->has_src_if && r->src.n_exc) || !r->n_oifs)
		return false;
	/* aliases are IPv4 only in Shorewall: "eth0:0:2001:db8::/32" reads
	 * as the IPv6 DEST "0:2001:db8::/32" */
	if (r->alias >= 0 && netlist_is_v6(&r->dst))
		return false;
	/* DEST "-" is the empty column, "$FW" the firewall, '{' the start
	 * of the COLUMN=VALUE form and ";;" of inline matches: interfaces so
	 * named cannot be written in a snat line (found by fuzz_import) */
	for (i = 0; i < r->n_oifs; i++)
		if (!strcmp(r->oifs[i].name, "-") ||
		    (r->oifs[i].name[0] && strchr("${", r->oifs[i].name[0])) ||
		    strstr(r->oifs[i].name, ";;"))
			return false;
	return !r->has_src_if || !strstr(r->src_if.name, ";;");
}

/* snat ACTION: MASQUERADE[+][(PORTS[:random]|random)], SNAT[+](ADDRESS
 * column), CONTINUE[+]. */
static void
sb_snat_action(struct strbuf *b, const struct nat_rule *r)
{
	const char *plus = r->early ? "+" : "";

	if (r->action == NAT_NONAT) {
		strbuf_addf(b, "CONTINUE%s", plus);
	} else if (r->action == NAT_MASQUERADE) {
		strbuf_addf(b, "MASQUERADE%s", plus);
		if (r->has_ports) {
			strbuf_addf(b, "(");
			sb_range(b, &r->ports, '-');
			strbuf_addf(b, "%s)", r->random ? ":random" : "");
		} else if (r->random) {
			strbuf_addf(b, "(random)");
		}
	} else {
		strbuf_addf(b, "SNAT%s(", plus);
		sb_col_address(b, r);
		strbuf_addf(b, ")");
	}
}

/* snat DEST: IFACES[:ALIAS][:DEST], one ':' before an IPv6 DEST as
 * Shorewall6 writes it ("eth0:2001:db8::/32", "eth0:::/0"). */
static void
sb_snat_dest(struct strbuf *b, const struct nat_rule *r)
{
	sb_ifs(b, r->oifs, r->n_oifs);
	if (r->alias >= 0)
		strbuf_addf(b, ":%d", r->alias);
	if (r->dst.n_inc || r->dst.n_exc) {
		strbuf_addf(b, ":");
		nat_sb_netlist(b, &r->dst);
	}
}

char *
nat_rule_format_snat(const struct nat_rule *r)
{
	struct strbuf b = STRBUF_INIT;
	size_t mark[8];

	if (!nat_rule_has_snat_form(r))
		return NULL;
	sb_snat_action(&b, r);
	mark[0] = b.len;
	strbuf_addf(&b, "\t");
	sb_col_source(&b, r);
	mark[1] = b.len;
	strbuf_addf(&b, "\t");
	sb_snat_dest(&b, r);
	mark[2] = b.len;
	/* DEST always stays */
	return line_finish(&b, r, mark, 3);
}

char *
nat_forward_format_kw(const struct nat_forward *f)
{
	struct strbuf b = STRBUF_INIT;
	char addr[INET6_ADDRSTRLEN], *q;
	bool v6 = f->to.family == AF_INET6;

	strbuf_init(&b, 96);
	sb_lit(&b, "in ");
	sb_ifs(&b, &f->iif, 1);
	if (f->has_dst) {
		ctent_addr_text(addr, sizeof(addr), f->dst.family,
				f->dst.addr);
		sb_lit(&b, " dst ");
		strbuf_puts(&b, addr);
	}
	if (!(f->proto.n == 2 && f->proto.v[0] == 6 && f->proto.v[1] == 17)) {
		sb_lit(&b, " proto ");
		nat_sb_proto(&b, &f->proto);
	}
	sb_lit(&b, " dport ");
	nat_sb_ports(&b, &f->dport, '-');
	ctent_addr_text(addr, sizeof(addr), f->to.family, f->to.addr);
	sb_lit(&b, " to ");
	if (f->has_toport && v6) {
		strbuf_putc(&b, '[');
		strbuf_puts(&b, addr);
		strbuf_putc(&b, ']');
	} else {
		strbuf_puts(&b, addr);
	}
	if (f->has_toport) {
		strbuf_putc(&b, ':');
		sb_range(&b, &f->toport, '-');
	}
	if (f->src.n_inc || f->src.n_exc) {
		sb_lit(&b, " from ");
		nat_sb_netlist(&b, &f->src);
	}
	if (f->hairpin)
		sb_lit(&b, " hairpin");
	if (f->comment && f->comment[0]) {
		q = tok_quote(f->comment);
		sb_lit(&b, " comment ");
		strbuf_puts(&b, q);
		free(q);
	}
	return strbuf_take(&b);
}

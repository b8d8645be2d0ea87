/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_parse.c - the two masq rule forms: the keyword form of `masq add`
 * and the masq-file column form (seeds/shorewall-masq.5.txt), plus the
 * value parsers for protocols, ports, IPSEC options, marks and owners and
 * the checks across columns.  Both forms end in the same model and the
 * same validation, and every error marks the word (or the part of a
 * word) that is wrong.
 *
 * Keyword form: keywords in any order, each at most once, unique prefixes
 * accepted.  The values are parsed in the canonical keyword order (out,
 * to, from, except, snat, ports, random, persistent, nonat, proto, dport,
 * ipsec, mark, user, early, alias, comment), so that "dport smtp" can be
 * looked up for the protocol given later on the line.
 *
 * Column form, INTERFACE column: [+]IFLIST[:[ALIAS]][:DEST]; an alias is
 * one to three digits.  An IPv6 DEST needs the alias slot written, empty
 * or not ("eth0::2001:db8::/32"), which is what the formatter emits.
 * ADDRESS column: an IPv6 address or range followed by options is written
 * in brackets ("[2001:db8::1]:1024-2000"); "detect" may take options too
 * ("detect:random"), an extension so every model has a column form.
 * SOURCE "-" means any source (Shorewall would want 0.0.0.0/0).
 *
 * Does not own: addresses and names (rule_addr.c), formatting
 * (rule_format.c), port forwards (fwd_parse.c).
 */
#include "config.h"

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/rule_int.h"

static bool
span_is(const struct nat_span *sp, const char *word)
{
	return sp->len == strlen(word) &&
	       memcmp(nat_span_str(sp), word, sp->len) == 0;
}

/* Decimal, or hex with 0x, up to 0xffffffff. */
static int
parse_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned int base = 10;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n || n - i > 10)
		return -1;
	for (; i < n; i++) {
		int d;

		if (isdigit((unsigned char)s[i]))
			d = s[i] - '0';
		else if (base == 16 && isxdigit((unsigned char)s[i]))
			d = tolower((unsigned char)s[i]) - 'a' + 10;
		else
			return -1;
		v = v * base + (unsigned int)d;
		if (v > 0xffffffffu)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static const char *const common_protos[] = {
	"tcp", "udp", "icmp", "ipv6-icmp", "sctp", "dccp", "udplite", "gre",
	"esp", "ah", "ipip", "ipv6", "igmp", NULL
};

int
nat_p_proto(struct nat_pctx *c, const struct nat_span *sp,
	    struct nat_proto *p)
{
	const char *s = nat_span_str(sp);
	size_t i = 0, j;
	struct nat_span item;
	char buf[64];
	int num;

	memset(p, 0, sizeof(*p));
	if (sp->len && s[0] == '!') {
		p->neg = true;
		i = 1;
	}
	if (i == sp->len)
		return nat_perr(c, sp, "protocol is empty");
	while (i <= sp->len) {
		for (j = i; j < sp->len && s[j] != ','; j++)
			;
		item = nat_span_sub(sp, i, j - i);
		if (j == i) {
			item = nat_span_sub(sp, i ? i - 1 : 0, 1);
			return nat_perr(c, &item, "empty protocol in list");
		}
		num = nat_span_copy(&item, buf, sizeof(buf)) == 0 ?
		      nat_proto_lookup(buf) : -1;
		if (num < 0) {
			const char *sug = err_suggest(buf, common_protos);

			nat_perr(c, &item, "unknown protocol '%.*s'",
				 (int)item.len, nat_span_str(&item));
			if (sug)
				return err_hint(c->e, "did you mean '%s'?", sug);
			return err_hint(c->e, "use a name from /etc/protocols "
					"or a number 0-255");
		}
		if (p->n == sizeof(p->v)) {
			nat_perr(c, &item, "too many protocols (at most %zu)",
				 sizeof(p->v));
			return err_hint(c->e, "split the rule in two");
		}
		p->v[p->n++] = (uint8_t)num;
		i = j + 1;
	}
	return 0;
}

static int
port_lookup(const char *name, const struct nat_proto *proto)
{
	bool any_std = false;
	const char *pn;
	size_t i;
	int port;

	for (i = 0; i < proto->n; i++) {
		pn = nat_proto_name(proto->v[i]);
		if (!pn)
			continue;
		if (proto->v[i] == 6 || proto->v[i] == 17)
			any_std = true;
		port = nat_service_lookup(name, pn);
		if (port >= 0)
			return port;
	}
	if (any_std)
		return -1;
	return nat_service_lookup(name, NULL);
}

static int
one_port(struct nat_pctx *c, const struct nat_span *sp,
	 const struct nat_proto *proto, uint16_t *out, bool quiet)
{
	char buf[64];
	int port;

	port = nat_span_copy(sp, buf, sizeof(buf)) == 0 && buf[0] ?
	       port_lookup(buf, proto) : -1;
	if (port > 0) {
		*out = (uint16_t)port;
		return 0;
	}
	if (quiet)
		return -1;
	if (port == 0 || isdigit((unsigned char)buf[0])) {
		nat_perr(c, sp, "port '%.*s' is out of range", (int)sp->len,
			 nat_span_str(sp));
		return err_hint(c->e, "ports are 1-65535");
	}
	nat_perr(c, sp, "unknown service '%.*s'", (int)sp->len,
		 nat_span_str(sp));
	return err_hint(c->e, "use a name from /etc/services for the rule's "
			"protocol, or a port number");
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int
port_item(struct nat_pctx *c, const struct nat_span *sp,
	  const struct nat_proto *proto, struct nat_port_range *pr)
{
	const char *s = nat_span_str(sp);
	struct nat_span a, b;
	size_t k, cand = 0;

	if (one_port(c, sp, proto, &pr->lo, true) == 0) {
		pr->hi = pr->lo;
		return 0;
	}
	for (k = 1; k + 1 < sp->len; k++) {
		if (s[k] != ':' && s[k] != '-')
			continue;
		a = nat_span_sub(sp, 0, k);
		b = nat_span_sub(sp, k + 1, sp->len - k - 1);
		if (s[k] == '-' && !all_digits(s, k)) {
			/* a name may hold a '-': try each split */
			if (one_port(c, &a, proto, &pr->lo, true) < 0)
				continue;
			if (one_port(c, &b, proto, &pr->hi, true) < 0) {
				cand = cand ? cand : k;
				continue;
			}
		} else if (one_port(c, &a, proto, &pr->lo, false) < 0 ||
			   one_port(c, &b, proto, &pr->hi, false) < 0) {
			return -1;
		}
		if (pr->hi < pr->lo) {
			nat_perr(c, sp, "port range '%.*s' ends before it "
				 "starts", (int)sp->len, s);
			return err_hint(c->e, "write LOW-HIGH");
		}
		return 0;
	}
	if (cand) {
		b = nat_span_sub(sp, cand + 1, sp->len - cand - 1);
		return one_port(c, &b, proto, &pr->hi, false);
	}
	return one_port(c, sp, proto, &pr->lo, false);
}

int
nat_p_dport(struct nat_pctx *c, const struct nat_span *sp,
	    struct nat_ports *p, const struct nat_proto *proto)
{
	const char *s = nat_span_str(sp);
	size_t i = 0, j;
	struct nat_span item;

	memset(p, 0, sizeof(*p));
	if (sp->len && s[0] == '!') {
		p->neg = true;
		i = 1;
	}
	if (i == sp->len)
		return nat_perr(c, sp, "port list is empty");
	while (i <= sp->len) {
		for (j = i; j < sp->len && s[j] != ','; j++)
			;
		item = nat_span_sub(sp, i, j - i);
		if (j == i) {
			item = nat_span_sub(sp, i ? i - 1 : 0, 1);
			return nat_perr(c, &item, "empty port in list");
		}
		if (p->n == NAT_MAX_PORTS) {
			nat_perr(c, &item, "too many ports: at most %d may be "
				 "listed", NAT_MAX_PORTS);
			return err_hint(c->e, "cover neighbours with a range "
					"LOW-HIGH, or split the rule");
		}
		if (port_item(c, &item, proto, &p->v[p->n]) < 0)
			return -1;
		p->n++;
		i = j + 1;
	}
	return 0;
}

int
nat_p_portrange(struct nat_pctx *c, const struct nat_span *sp,
		struct nat_port_range *pr)
{
	static const struct nat_proto none;

	if (sp->len == 0)
		return nat_perr(c, sp, "port range is empty");
	if (!isdigit((unsigned char)nat_span_str(sp)[0])) {
		nat_perr(c, sp, "'%.*s' is not a port range", (int)sp->len,
			 nat_span_str(sp));
		return err_hint(c->e, "write LOW-HIGH with numbers, e.g. "
				"1024-65535");
	}
	return port_item(c, sp, &none, pr);
}

static const char *const ipsec_opts[] = {
	"yes", "no", "reqid=", "spi=", "tunnel-src=", "tunnel-dst=",
	"mode=", "proto=", "mss=", "strict", "next", NULL
};

static int
ipsec_opt(struct nat_pctx *c, const struct nat_span *it, struct nat_ipsec *ip,
	  unsigned int *seen)
{
	const char *s = nat_span_str(it);
	const char *eq = memchr(s, '=', it->len);
	size_t klen = eq ? (size_t)(eq - s) + 1 : it->len;
	struct nat_span val = nat_span_sub(it, klen, it->len - klen);
	char key[32];
	unsigned int k;

	if (klen >= sizeof(key))
		klen = sizeof(key) - 1;
	memcpy(key, s, klen);
	key[klen] = '\0';
	for (k = 0; ipsec_opts[k] && strcmp(ipsec_opts[k], key); k++)
		;
	if (!ipsec_opts[k]) {
		const char *sug = err_suggest(key, ipsec_opts);

		nat_perr(c, it, "unknown IPSEC option '%.*s'", (int)it->len, s);
		if (sug)
			return err_hint(c->e, "did you mean '%s'?", sug);
		return err_hint(c->e, "options: yes, no, reqid=N, spi=N, "
				"tunnel-src=NET, tunnel-dst=NET");
	}
	if (k >= 6) {
		nat_perr(c, it, "IPSEC option '%.*s' is not supported: "
			 "nftables' ipsec match cannot express it",
			 (int)it->len, s);
		return err_hint(c->e, "leave it out; reqid=, spi=, tunnel-src= "
				"and tunnel-dst= can narrow the match");
	}
	if (*seen & (1u << k)) {
		nat_perr(c, it, "IPSEC option '%s' given twice", key);
		return err_hint(c->e, "give each option once");
	}
	*seen |= 1u << k;
	if ((k == 1 && *seen != 2) || (k != 1 && (*seen & 2))) {
		nat_perr(c, it, "IPSEC 'no' cannot be combined with other "
			 "options");
		return err_hint(c->e, "write 'no' alone, or drop it");
	}
	if (k >= 2 && val.len == 0)
		return nat_perr(c, it, "IPSEC option '%s' needs a value", key);
	switch (k) {
	case 1:
		ip->policy = NAT_IPSEC_NO;
		return 0;
	case 2:
	case 3:
		if (parse_u32(nat_span_str(&val), val.len,
			      k == 2 ? &ip->reqid : &ip->spi) < 0) {
			nat_perr(c, &val, "'%.*s' is not a number", (int)val.len,
				 nat_span_str(&val));
			return err_hint(c->e, "write a decimal or 0x hex number");
		}
		if (k == 2)
			ip->has_reqid = true;
		else
			ip->has_spi = true;
		break;
	case 4:
		if (nat_p_net(c, &val, &ip->tsrc) < 0)
			return -1;
		ip->has_tsrc = true;
		break;
	case 5:
		if (nat_p_net(c, &val, &ip->tdst) < 0)
			return -1;
		ip->has_tdst = true;
		break;
	}
	ip->policy = NAT_IPSEC_YES;
	return 0;
}

int
nat_p_ipsec(struct nat_pctx *c, const struct nat_span *sp,
	    struct nat_ipsec *ip)
{
	const char *s = nat_span_str(sp);
	unsigned int seen = 0;
	struct nat_span item;
	size_t i = 0, j;

	memset(ip, 0, sizeof(*ip));
	if (sp->len == 0)
		return nat_perr(c, sp, "IPSEC options are empty");
	while (i <= sp->len) {
		for (j = i; j < sp->len && s[j] != ','; j++)
			;
		item = nat_span_sub(sp, i, j - i);
		if (j == i) {
			item = nat_span_sub(sp, i ? i - 1 : 0, 1);
			return nat_perr(c, &item, "empty IPSEC option in list");
		}
		if (ipsec_opt(c, &item, ip, &seen) < 0)
			return -1;
		i = j + 1;
	}
	return 0;
}

int
nat_p_mark(struct nat_pctx *c, const struct nat_span *sp, struct nat_mark *m)
{
	const char *s = nat_span_str(sp);
	size_t i = 0, n = sp->len, slash;
	struct nat_span v;

	memset(m, 0, sizeof(*m));
	m->mask = 0xffffffffu;
	if (n && s[0] == '!') {
		m->neg = true;
		i = 1;
	}
	if (n >= 2 && s[n - 2] == ':') {
		if (s[n - 1] != 'C' && s[n - 1] != 'c') {
			v = nat_span_sub(sp, n - 1, 1);
			nat_perr(c, &v, "unknown mark suffix ':%c'", s[n - 1]);
			return err_hint(c->e, "':C' tests the connection mark; "
					"leave it out for the packet mark");
		}
		m->ct = true;
		n -= 2;
	}
	for (slash = i; slash < n && s[slash] != '/'; slash++)
		;
	v = nat_span_sub(sp, i, slash - i);
	if (parse_u32(nat_span_str(&v), v.len, &m->value) < 0) {
		nat_perr(c, v.len ? &v : sp, "mark value '%.*s' is not a "
			 "number", (int)v.len, nat_span_str(&v));
		return err_hint(c->e, "write [!]VALUE[/MASK][:C] with decimal or "
				"0x hex numbers");
	}
	if (slash < n) {
		v = nat_span_sub(sp, slash + 1, n - slash - 1);
		if (parse_u32(nat_span_str(&v), v.len, &m->mask) < 0) {
			nat_perr(c, v.len ? &v : sp, "mark mask '%.*s' is not "
				 "a number", (int)v.len, nat_span_str(&v));
			return err_hint(c->e, "write [!]VALUE[/MASK][:C] with "
					"decimal or 0x hex numbers");
		}
		if (m->value & ~m->mask) {
			nat_perr(c, sp, "mark value 0x%x has bits outside the "
				 "mask 0x%x", m->value, m->mask);
			return err_hint(c->e, "write the value with only bits of "
					"the mask set");
		}
	}
	m->set = true;
	return 0;
}

static int
owner_id(struct nat_pctx *c, const struct nat_span *sp, bool group,
	 uint32_t *id, char *name, size_t size)
{
	char buf[64];
	struct passwd *pw = NULL;
	struct group *gr = NULL;

	if (nat_span_copy(sp, buf, sizeof(buf)) < 0 || sp->len >= size) {
		nat_perr(c, sp, "%s name is too long", group ? "group" : "user");
		return -1;
	}
	if (isdigit((unsigned char)buf[0])) {
		if (parse_u32(buf, sp->len, id) < 0 || *id == 0xffffffffu) {
			nat_perr(c, sp, "bad %s id '%s'", group ? "group" :
				 "user", buf);
			return err_hint(c->e, "write a name or a number");
		}
		name[0] = '\0';
		return 0;
	}
	if (group) {
		gr = getgrnam(buf);
		if (gr)
			*id = (uint32_t)gr->gr_gid;
	} else {
		pw = getpwnam(buf);
		if (pw)
			*id = (uint32_t)pw->pw_uid;
	}
	if (group ? !gr : !pw) {
		nat_perr(c, sp, "unknown %s '%s'", group ? "group" : "user",
			 buf);
		return err_hint(c->e, "give a numeric id, or create the %s first",
				group ? "group" : "user");
	}
	strcpy(name, buf);
	return 0;
}

int
nat_p_owner(struct nat_pctx *c, const struct nat_span *sp,
	    struct nat_owner *o)
{
	const char *s = nat_span_str(sp);
	const char *plus = memchr(s, '+', sp->len);
	size_t i = 0, colon;
	struct nat_span v;

	memset(o, 0, sizeof(*o));
	if (plus) {
		v = nat_span_sub(sp, (size_t)(plus - s),
				 sp->len - (size_t)(plus - s));
		nat_perr(c, &v, "matching the program name ('%.*s') was "
			 "removed from netfilter in Linux 2.6.14", (int)v.len,
			 nat_span_str(&v));
		return err_hint(c->e, "match the user or group the program "
				"runs as instead");
	}
	if (sp->len && s[0] == '!') {
		o->neg = true;
		i = 1;
	}
	for (colon = i; colon < sp->len && s[colon] != ':'; colon++)
		;
	if (colon == i && colon + 1 >= sp->len) {
		nat_perr(c, sp, "user/group match names neither a user nor a "
			 "group");
		return err_hint(c->e, "write [!]USER[:GROUP] or [!]:GROUP");
	}
	if (colon > i) {
		v = nat_span_sub(sp, i, colon - i);
		if (owner_id(c, &v, false, &o->uid, o->user,
			     sizeof(o->user)) < 0)
			return -1;
		o->has_uid = true;
	}
	if (colon < sp->len) {
		v = nat_span_sub(sp, colon + 1, sp->len - colon - 1);
		if (v.len == 0)
			return nat_perr(c, sp, "group after ':' is missing");
		if (owner_id(c, &v, true, &o->gid, o->group,
			     sizeof(o->group)) < 0)
			return -1;
		o->has_gid = true;
	}
	o->set = true;
	return 0;
}

static bool
proto_ports_ok(const struct nat_proto *p)
{
	size_t i;

	if (p->neg || p->n == 0)
		return false;
	for (i = 0; i < p->n; i++)
		if (!nat_proto_has_ports(p->v[i]))
			return false;
	return true;
}

static int
ports_need_proto(struct nat_pctx *c, const struct nat_rule *r,
		 const struct nat_marks *mk, const struct nat_span *at,
		 const char *what)
{
	size_t i;

	if (r->proto.neg) {
		nat_perr(c, at, "%s cannot be matched with a negated protocol",
			 what);
		return err_hint(c->e, "name the protocol itself, e.g. "
				"'proto tcp'");
	}
	if (r->proto.n == 0) {
		nat_perr(c, at, "%s need a protocol with ports", what);
		return err_hint(c->e, "limit the rule to tcp, udp, sctp, dccp "
				"or udplite (e.g. 'proto tcp' or tcp in the "
				"PROTO column)");
	}
	for (i = 0; i < r->proto.n && nat_proto_has_ports(r->proto.v[i]); i++)
		;
	nat_perr(c, mk->proto.t ? &mk->proto : at, "protocol '%s' has no "
		 "ports, but the rule uses %s",
		 nat_proto_name(r->proto.v[i]) ? nat_proto_name(r->proto.v[i]) :
		 "?", what);
	return err_hint(c->e, "only tcp, udp, sctp, dccp and udplite have "
			"ports");
}

int
nat_rule_validate(struct nat_pctx *c, const struct nat_rule *r,
		  const struct nat_marks *mk)
{
	if (r->action == NAT_NONAT) {
		const struct nat_span *bad = NULL;
		const char *what = NULL;

		if (mk->random.t)
			bad = &mk->random, what = "random";
		else if (mk->persistent.t)
			bad = &mk->persistent, what = "persistent";
		else if (mk->ports.t)
			bad = &mk->ports, what = "ports";
		if (bad) {
			nat_perr(c, bad, "'%s' has no effect on a NONAT rule, "
				 "which translates nothing", what);
			return err_hint(c->e, "remove '%s', or NONAT", what);
		}
	}
	if (r->persistent && r->action == NAT_MASQUERADE) {
		nat_perr(c, &mk->persistent, "'persistent' needs an SNAT address "
			 "range; masquerade picks the interface address itself");
		return err_hint(c->e, "add an SNAT range (snat A-B) or remove "
				"'persistent'");
	}
	if (r->has_ports && !proto_ports_ok(&r->proto))
		return ports_need_proto(c, r, mk, &mk->ports,
					"source port ranges");
	if (r->dport.n && !proto_ports_ok(&r->proto))
		return ports_need_proto(c, r, mk, &mk->dport,
					"destination ports");
	if (r->alias >= 0 && r->action != NAT_SNAT) {
		nat_perr(c, &mk->alias, "alias label %d needs an SNAT address: "
			 "it names the alias that address is added as",
			 r->alias);
		return err_hint(c->e, "add the SNAT address, or drop the alias");
	}
	return 0;
}

/* SOURCE / from: nets with exclusions, or an interface [':!'EXCL]. */
static int
parse_source(struct nat_pctx *c, const struct nat_span *sp,
	     struct nat_rule *r)
{
	const char *s = nat_span_str(sp);
	size_t i, n0;
	struct nat_span name, rest;
	char buf[64];
	struct nat_net tmp;
	bool ifname = isalpha((unsigned char)s[0]);

	for (n0 = 0; n0 < sp->len && s[n0] != ',' && s[n0] != '!'; n0++)
		;
	for (i = 0; i < n0 && s[i] != ':' && ifname; i++)
		if (s[i] == '.' || s[i] == '/')
			ifname = false;
	name = nat_span_sub(sp, 0, n0);
	if (ifname && nat_span_copy(&name, buf, sizeof(buf)) == 0 &&
	    nat_net_parse_why(&tmp, buf, 0) != NAT_NET_ESYNTAX)
		ifname = false;
	if (!ifname)
		return nat_p_netlist(c, sp, &r->src, false);
	for (i = 0; i < sp->len && s[i] != ':'; i++)
		;
	name = nat_span_sub(sp, 0, i);
	if (i < sp->len && s[i] == ':' && i < n0) {
		/* "eth1:!EXCL" */
	} else if (n0 < sp->len) {
		rest = nat_span_sub(sp, n0, 1);
		nat_perr(c, &rest, "a SOURCE interface takes exclusions only "
			 "after ':'");
		return err_hint(c->e, "write e.g. 'eth1:!192.168.1.4' (one "
				"interface, then ':!' and addresses)");
	}
	if (nat_p_ifname(c, &name, &r->src_if) < 0)
		return -1;
	r->has_src_if = true;
	if (i == sp->len)
		return 0;
	rest = nat_span_sub(sp, i + 1, sp->len - i - 1);
	if (rest.len == 0 || nat_span_str(&rest)[0] != '!') {
		nat_perr(c, rest.len ? &rest : sp, "after '%.*s:' only an "
			 "exclusion '!ADDR[,ADDR..]' may follow", (int)i, s);
		return err_hint(c->e, "write e.g. 'eth1:!192.168.1.4'");
	}
	rest = nat_span_sub(&rest, 1, rest.len - 1);
	if (rest.len == 0) {
		rest = nat_span_sub(sp, i + 1, 1);
		nat_perr(c, &rest, "'!' is not followed by addresses to "
			 "exclude");
		return err_hint(c->e, "write e.g. 'eth1:!192.168.1.4'");
	}
	return nat_p_netlist(c, &rest, &r->src, true);
}

enum kw {
	KW_OUT, KW_TO, KW_FROM, KW_EXCEPT, KW_SNAT, KW_PORTS, KW_RANDOM,
	KW_PERSISTENT, KW_NONAT, KW_PROTO, KW_DPORT, KW_IPSEC, KW_MARK,
	KW_USER, KW_EARLY, KW_ALIAS, KW_COMMENT, KW__N
};

static const struct {
	const char *name;
	const char *usage;	/* NULL: a flag without a value */
} kws[KW__N] = {
	[KW_OUT] = { "out", "out IFACE[,IFACE..]" },
	[KW_TO] = { "to", "to DEST[,DEST..][!EXCL[,..]]" },
	[KW_FROM] = { "from", "from SOURCE[,..][!EXCL[,..]] or from IFACE" },
	[KW_EXCEPT] = { "except", "except ADDR[,ADDR..]" },
	[KW_SNAT] = { "snat", "snat ADDR, snat FIRST-LAST or snat detect" },
	[KW_PORTS] = { "ports", "ports LOW-HIGH" },
	[KW_RANDOM] = { "random", NULL },
	[KW_PERSISTENT] = { "persistent", NULL },
	[KW_NONAT] = { "nonat", NULL },
	[KW_PROTO] = { "proto", "proto [!]P[,P..]" },
	[KW_DPORT] = { "dport", "dport [!]PORT[,PORT|LOW-HIGH..]" },
	[KW_IPSEC] = { "ipsec", "ipsec yes|no|reqid=N,spi=N,tunnel-src=NET,"
		       "tunnel-dst=NET" },
	[KW_MARK] = { "mark", "mark [!]VALUE[/MASK][:C]" },
	[KW_USER] = { "user", "user [!]USER[:GROUP]" },
	[KW_EARLY] = { "early", NULL },
	[KW_ALIAS] = { "alias", "alias N" },
	[KW_COMMENT] = { "comment", "comment TEXT" },
};

static int
kw_lookup(struct nat_pctx *c, const struct masq_tok *t)
{
	const char *names[KW__N + 1], *hits[KW__N];
	size_t len = strlen(t->s), nh = 0, i;
	char list[256] = "";
	const char *sug;

	for (i = 0; i < KW__N; i++) {
		names[i] = kws[i].name;
		if (strcmp(t->s, kws[i].name) == 0)
			return (int)i;
		if (len && strncmp(t->s, kws[i].name, len) == 0)
			hits[nh++] = kws[i].name;
	}
	names[KW__N] = NULL;
	if (nh == 1) {
		for (i = 0; strcmp(kws[i].name, hits[0]); i++)
			;
		return (int)i;
	}
	if (nh > 1) {
		for (i = 0; i < nh; i++) {
			strcat(list, i ? ", " : "");
			strcat(list, hits[i]);
		}
		err_tok(c->e, MASQ_EUSAGE, t, "ambiguous keyword '%s': %s",
			t->s, list);
		return err_hint(c->e, "type more letters of the keyword");
	}
	err_tok(c->e, MASQ_EUSAGE, t, "unknown keyword '%s'", t->s);
	sug = err_suggest(t->s, names);
	if (sug)
		return err_hint(c->e, "did you mean '%s'?", sug);
	return err_hint(c->e, "a rule starts with 'out IFACE'; see 'help masq "
			"add' for the keywords");
}

static int
parse_alias(struct nat_pctx *c, const struct nat_span *sp, int *alias)
{
	const char *s = nat_span_str(sp);
	size_t i;
	int v = 0;

	for (i = 0; i < sp->len && isdigit((unsigned char)s[i]); i++)
		v = v * 10 + (s[i] - '0');
	if (sp->len == 0 || sp->len > 3 || i != sp->len) {
		nat_perr(c, sp, "alias label '%.*s' is not a number 0-999",
			 (int)sp->len, s);
		return err_hint(c->e, "write the digit of eth0:N, e.g. 0");
	}
	*alias = v;
	return 0;
}

int
nat_rule_parse_kw(struct nat_rule *r, const struct masq_tok *tv, size_t tc,
		  struct masq_err *e)
{
	struct nat_pctx c = { e, 0 };
	const struct masq_tok *val[KW__N] = { NULL }, *key[KW__N] = { NULL };
	struct nat_marks mk;
	struct nat_span sp;
	size_t i;
	int k;

	memset(&mk, 0, sizeof(mk));
	for (i = 0; i < tc; i++) {
		k = kw_lookup(&c, &tv[i]);
		if (k < 0)
			goto fail;
		if (key[k]) {
			err_tok(e, MASQ_EUSAGE, &tv[i], "'%s' given twice",
				kws[k].name);
			err_hint(e, "give each keyword once; list several values "
				 "with commas");
			goto fail;
		}
		key[k] = &tv[i];
		if (!kws[k].usage)
			continue;
		if (i + 1 == tc) {
			err_tok(e, MASQ_EUSAGE, &tv[i], "'%s' needs a value",
				kws[k].name);
			err_hint(e, "write %s", kws[k].usage);
			goto fail;
		}
		val[k] = &tv[++i];
	}
	if (!key[KW_OUT]) {
		err_set(e, MASQ_EUSAGE, "a masq rule needs 'out IFACE'");
		err_hint(e, "e.g. 'masq add out eth0 from 192.168.1.0/24'");
		goto fail;
	}
	sp = nat_span_tok(val[KW_OUT]);
	if (nat_p_iflist(&c, &sp, &r->oifs, &r->n_oifs) < 0)
		goto fail;
	sp = nat_span_tok(val[KW_TO]);
	if (sp.t && nat_p_netlist(&c, &sp, &r->dst, false) < 0)
		goto fail;
	sp = nat_span_tok(val[KW_FROM]);
	if (sp.t && parse_source(&c, &sp, r) < 0)
		goto fail;
	sp = nat_span_tok(val[KW_EXCEPT]);
	if (sp.t && nat_p_netlist(&c, &sp, &r->src, true) < 0)
		goto fail;
	if (val[KW_SNAT] && key[KW_NONAT]) {
		err_tok(e, MASQ_EUSAGE, key[KW_NONAT], "'nonat' translates "
			"nothing, so it cannot go with 'snat'");
		err_hint(e, "remove 'snat' or 'nonat'");
		goto fail;
	}
	mk.snat = nat_span_tok(val[KW_SNAT]);
	if (mk.snat.t && strcmp(mk.snat.t->s, "detect") == 0) {
		r->action = NAT_DETECT;
		mk.detect = mk.snat;
	} else if (mk.snat.t && nat_p_snat(&c, &mk.snat, r) < 0) {
		goto fail;
	}
	mk.ports = nat_span_tok(val[KW_PORTS]);
	if (mk.ports.t) {
		if (nat_p_portrange(&c, &mk.ports, &r->ports) < 0)
			goto fail;
		r->has_ports = true;
	}
	mk.random = nat_span_tok(key[KW_RANDOM]);
	mk.persistent = nat_span_tok(key[KW_PERSISTENT]);
	mk.nonat = nat_span_tok(key[KW_NONAT]);
	r->random = key[KW_RANDOM] != NULL;
	r->persistent = key[KW_PERSISTENT] != NULL;
	if (key[KW_NONAT])
		r->action = NAT_NONAT;
	mk.proto = nat_span_tok(val[KW_PROTO]);
	if (mk.proto.t && nat_p_proto(&c, &mk.proto, &r->proto) < 0)
		goto fail;
	mk.dport = nat_span_tok(val[KW_DPORT]);
	if (mk.dport.t && nat_p_dport(&c, &mk.dport, &r->dport, &r->proto) < 0)
		goto fail;
	sp = nat_span_tok(val[KW_IPSEC]);
	if (sp.t && nat_p_ipsec(&c, &sp, &r->ipsec) < 0)
		goto fail;
	sp = nat_span_tok(val[KW_MARK]);
	if (sp.t && nat_p_mark(&c, &sp, &r->mark) < 0)
		goto fail;
	sp = nat_span_tok(val[KW_USER]);
	if (sp.t && nat_p_owner(&c, &sp, &r->owner) < 0)
		goto fail;
	r->early = key[KW_EARLY] != NULL;
	mk.alias = nat_span_tok(val[KW_ALIAS]);
	if (mk.alias.t && parse_alias(&c, &mk.alias, &r->alias) < 0)
		goto fail;
	if (val[KW_COMMENT] && val[KW_COMMENT]->s[0]) {
		if (strlen(val[KW_COMMENT]->s) > 100) {
			err_tok(e, MASQ_EUSAGE, val[KW_COMMENT], "comment is "
				"longer than 100 characters");
			err_hint(e, "shorten it; nftables keeps short comments");
			goto fail;
		}
		r->comment = xstrdup(val[KW_COMMENT]->s);
	}
	if (nat_rule_validate(&c, r, &mk) < 0)
		goto fail;
	return 0;
fail:
	nat_rule_done(r);
	return -1;
}

/* INTERFACE column: [+]IFLIST[:[ALIAS]][:DEST] */
static int
col_interface(struct nat_pctx *c, const struct nat_span *sp,
	      struct nat_rule *r, struct nat_marks *mk)
{
	struct nat_span part = *sp, rest;
	const char *s = nat_span_str(sp);
	size_t i, d;

	if (sp->len && s[0] == '+') {
		r->early = true;
		part = nat_span_sub(sp, 1, sp->len - 1);
	}
	s = nat_span_str(&part);
	for (i = 0; i < part.len && s[i] != ':'; i++)
		;
	rest = nat_span_sub(&part, 0, i);
	if (nat_p_iflist(c, &rest, &r->oifs, &r->n_oifs) < 0)
		return -1;
	if (i == part.len)
		return 0;
	rest = nat_span_sub(&part, i + 1, part.len - i - 1);
	s = nat_span_str(&rest);
	if (rest.len && s[0] == ':') {
		rest = nat_span_sub(&rest, 1, rest.len - 1);
	} else {
		for (d = 0; d < rest.len && isdigit((unsigned char)s[d]); d++)
			;
		if (d >= 1 && d <= 3 && (d == rest.len || s[d] == ':')) {
			mk->alias = nat_span_sub(&rest, 0, d);
			if (parse_alias(c, &mk->alias, &r->alias) < 0)
				return -1;
			d += d < rest.len;
			rest = nat_span_sub(&rest, d, rest.len - d);
		}
	}
	if (rest.len == 0)
		return 0;
	return nat_p_netlist(c, &rest, &r->dst, false);
}

static const char *const addr_opts[] = { "random", "persistent", NULL };

/* An unbracketed IPv6 address or range: hex digits, ':' and '-' only. */
static bool
bare_v6(const char *s, size_t n)
{
	size_t i;

	if (n > 1 && s[0] == ':' && s[1] != ':')
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '-')
			return false;
	return true;
}

/* ADDRESS column. */
static int
col_address(struct nat_pctx *c, const struct nat_span *sp,
	    struct nat_rule *r, struct nat_marks *mk)
{
	const char *s = nat_span_str(sp);
	struct nat_span addr, opts, it;
	size_t i, j, colons = 0;
	bool first = true;

	if (span_is(sp, "-"))
		return 0;
	if (span_is(sp, "random")) {
		r->random = true;
		mk->random = *sp;
		return 0;
	}
	for (i = 0; i < sp->len; i++)
		colons += s[i] == ':';
	if (s[0] == '[') {
		const char *rb = memchr(s, ']', sp->len);

		if (!rb) {
			it = nat_span_sub(sp, 0, 1);
			nat_perr(c, &it, "'[' without a closing ']'");
			return err_hint(c->e, "write [IPV6ADDR]:OPTIONS");
		}
		i = (size_t)(rb - s);
		addr = nat_span_sub(sp, 1, i - 1);
		i++;
		if (i < sp->len && s[i] != ':') {
			it = nat_span_sub(sp, i, sp->len - i);
			return nat_perr(c, &it, "':' expected after ']'");
		}
	} else if (colons >= 2 && bare_v6(s, sp->len)) {
		addr = *sp;		/* a bare IPv6 address or range */
		i = sp->len;
	} else {
		for (i = 0; i < sp->len && s[i] != ':'; i++)
			;
		addr = nat_span_sub(sp, 0, i);
	}
	if (addr.len == 5 && strncasecmp(nat_span_str(&addr), "NONAT", 5) == 0) {
		r->action = NAT_NONAT;
		mk->nonat = addr;
	} else if (span_is(&addr, "detect")) {
		r->action = NAT_DETECT;
		mk->detect = addr;
	} else if (span_is(&addr, "random")) {
		r->random = true;
		mk->random = addr;
	} else if (addr.len) {
		mk->snat = addr;
		if (nat_p_snat(c, &addr, r) < 0)
			return -1;
	}
	opts = nat_span_sub(sp, i, sp->len - i);
	i = 0;
	while (i < opts.len) {
		s = nat_span_str(&opts);
		for (j = i + 1; j < opts.len && s[j] != ':'; j++)
			;
		it = nat_span_sub(&opts, i + 1, j - i - 1);
		if (first && it.len && isdigit((unsigned char)s[i + 1])) {
			mk->ports = it;
			if (nat_p_portrange(c, &it, &r->ports) < 0)
				return -1;
			r->has_ports = true;
		} else if (span_is(&it, "random") && !r->random) {
			mk->random = it;
			r->random = true;
		} else if (span_is(&it, "persistent") && !r->persistent) {
			mk->persistent = it;
			r->persistent = true;
		} else {
			char w[32] = "";
			const char *sug;

			nat_span_copy(&it, w, sizeof(w));
			sug = err_suggest(w, addr_opts);
			nat_perr(c, it.len ? &it : sp, "unexpected '%.*s' in the "
				 "ADDRESS column", (int)it.len,
				 nat_span_str(&it));
			if (sug)
				return err_hint(c->e, "did you mean '%s'?", sug);
			return err_hint(c->e, "write ADDRESS[:LOW-HIGH][:random]"
					"[:persistent], each part once");
		}
		first = false;
		i = j;
	}
	return 0;
}

int
nat_rule_parse_columns(struct nat_rule *r, const char *text,
		       const char *line, size_t base, struct masq_err *e)
{
	struct nat_pctx c = { e, 0 };
	struct masq_tok col[9];
	struct nat_marks mk;
	struct nat_span sp;
	size_t n = 0, i = 0, j;
	char *buf = xstrdup(text);
	char *hash = strchr(buf, '#');
	int rc = -1;

	memset(&mk, 0, sizeof(mk));
	if (hash)
		*hash = '\0';
	for (;;) {
		while (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
		       buf[i] == '\n')
			i++;
		if (!buf[i])
			break;
		for (j = i; buf[j] && buf[j] != ' ' && buf[j] != '\t' &&
		     buf[j] != '\r' && buf[j] != '\n'; j++)
			;
		col[n].s = buf + i;
		col[n].line = line;
		col[n].off = base + i;
		col[n].len = j - i;
		n++;
		if (n == 9) {
			err_tok(e, MASQ_EUSAGE, &col[8], "too many columns: a "
				"masq line has at most 8");
			err_hint(e, "INTERFACE SOURCE ADDRESS PROTO PORT(S) "
				 "IPSEC MARK USER/GROUP; '-' leaves one empty");
			goto out;
		}
		if (!buf[j])
			break;
		buf[j] = '\0';
		i = j + 1;
	}
	if (n == 0) {
		rc = 1;
		goto out;
	}
	for (i = n; i < 8; i++) {
		col[i].s = "-";
		col[i].line = line;
		col[i].off = base + strlen(text);
		col[i].len = 0;
	}
	if (n == 1) {
		err_tok(e, MASQ_EUSAGE, &col[0], "the SOURCE column is missing");
		err_hint(e, "write INTERFACE SOURCE [ADDRESS ...], e.g. "
			 "'eth0 192.168.1.0/24'");
		goto out;
	}
	sp = nat_span_tok(&col[0]);
	if (col_interface(&c, &sp, r, &mk) < 0)
		goto fail;
	sp = nat_span_tok(&col[1]);
	if (!span_is(&sp, "-") && parse_source(&c, &sp, r) < 0)
		goto fail;
	sp = nat_span_tok(&col[2]);
	if (col_address(&c, &sp, r, &mk) < 0)
		goto fail;
	mk.proto = nat_span_tok(&col[3]);
	if (!span_is(&mk.proto, "-") &&
	    nat_p_proto(&c, &mk.proto, &r->proto) < 0)
		goto fail;
	mk.dport = nat_span_tok(&col[4]);
	if (!span_is(&mk.dport, "-") &&
	    nat_p_dport(&c, &mk.dport, &r->dport, &r->proto) < 0)
		goto fail;
	sp = nat_span_tok(&col[5]);
	if (!span_is(&sp, "-") && nat_p_ipsec(&c, &sp, &r->ipsec) < 0)
		goto fail;
	sp = nat_span_tok(&col[6]);
	if (!span_is(&sp, "-") && nat_p_mark(&c, &sp, &r->mark) < 0)
		goto fail;
	sp = nat_span_tok(&col[7]);
	if (!span_is(&sp, "-") && nat_p_owner(&c, &sp, &r->owner) < 0)
		goto fail;
	if (nat_rule_validate(&c, r, &mk) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	nat_rule_done(r);
out:
	free(buf);
	return rc;
}

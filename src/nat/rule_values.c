/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_values.c - the value parsers shared by both masq rule forms and the
 * forward parser: protocols, ports and port ranges, IPSEC options, marks,
 * owners, and the checks across columns (nat_rule_validate).  Each works
 * on a span of one word, so an error marks exactly the bad part.
 *
 * Does not own: the two forms themselves (rule_parse.c), addresses and
 * names (rule_addr.c), formatting (rule_format.c).
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
#include "nat/timeouts.h"
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

/* Kernel timeouts are kept in jiffies (32 bits, HZ up to 1000). */
#define RULE_TIMEOUT_MAX 4294967u

/* SECONDS[s|m|h|d] of a timeout policy entry. */
static int
timeout_secs(struct nat_pctx *c, const struct nat_span *sp, uint32_t *out)
{
	const char *s = nat_span_str(sp);
	unsigned long long v = 0, mul = 1;
	size_t i = 0;

	while (i < sp->len && isdigit((unsigned char)s[i])) {
		if (v <= RULE_TIMEOUT_MAX)
			v = v * 10 + (unsigned long long)(s[i] - '0');
		i++;
	}
	if (i && i + 1 == sp->len) {
		switch (s[i]) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: i = 0; break;
		}
		if (i)
			i++;
	}
	if (i == 0 || i != sp->len) {
		nat_perr(c, sp, "'%.*s' is not a number of seconds",
			 (int)sp->len, s);
		return err_hint(c->e, "write seconds, optionally with a unit: "
				"30, 90s, 10m, 2h, 1d");
	}
	v *= mul;
	if (v == 0 || v > RULE_TIMEOUT_MAX) {
		nat_perr(c, sp, "timeout '%.*s' is out of range", (int)sp->len,
			 s);
		return err_hint(c->e, "from 1 second to %u seconds (49 days)",
				RULE_TIMEOUT_MAX);
	}
	*out = (uint32_t)v;
	return 0;
}

/* The rule's protocol when a policy can apply to it: tcp or udp alone. */
static const char *
timeout_proto(struct nat_pctx *c, const struct nat_span *sp,
	      const struct nat_proto *p, const struct nat_span *psp)
{
	const char *name;

	if (p->n == 0) {
		nat_perr(c, sp, "a timeout policy needs the rule's protocol");
		err_hint(c->e, "add 'proto tcp' or 'proto udp'");
		return NULL;
	}
	name = nat_proto_name(p->v[0]);
	if (!p->neg && p->n == 1 && (!name || (strcmp(name, "tcp") &&
					      strcmp(name, "udp")))) {
		nat_perr(c, psp->t ? psp : sp, "timeout policies exist for "
			 "tcp and udp only");
		err_hint(c->e, "remove 'timeout', or use 'timeouts set' for "
			 "the namespace's %s timeout", name ? name : "generic");
		return NULL;
	}
	if (p->neg || p->n > 1) {
		nat_perr(c, psp->t ? psp : sp, "a timeout policy needs one "
			 "protocol, tcp or udp");
		err_hint(c->e, "split the rule: one with 'proto tcp', one with "
			 "'proto udp', each with its own timeout");
		return NULL;
	}
	return name;
}

/* Item @item of a policy: STATE into @name, SECONDS into @num. */
static int
timeout_item(struct nat_pctx *c, const struct nat_span *sp,
	     const struct nat_span *item, const char *pname,
	     struct nat_span *name, struct nat_span *num)
{
	const char *s = nat_span_str(item), *eq = memchr(s, '=', item->len);

	if (!eq) {
		nat_perr(c, item->len ? item : sp, "'%.*s' is not "
			 "STATE=SECONDS", (int)item->len, s);
		return err_hint(c->e, "e.g. 'timeout %s'",
				strcmp(pname, "tcp") ?
				"udp-stream=30,udp-unreplied=10" :
				"tcp-established=3600");
	}
	*name = nat_span_sub(item, 0, (size_t)(eq - s));
	*num = nat_span_sub(item, (size_t)(eq - s) + 1,
			    item->len - (size_t)(eq - s) - 1);
	return 0;
}

/* STATE @name (copied into @buf) is no state: say which there are. */
static int
timeout_unknown(struct nat_pctx *c, const struct nat_span *name,
		const struct nat_span *item, const char *buf,
		const char *pname)
{
	const char *words[NAT_TIMEOUTS_NMAX + 4], *sug;
	const struct nat_timeout *tab;
	size_t k, ntab, nw = 0;

	tab = nat_timeouts_table(&ntab);
	for (k = 0; k < ntab; k++)
		if (!strcmp(tab[k].proto, pname))
			words[nw++] = tab[k].name;
	words[nw] = NULL;
	nat_perr(c, name->len ? name : item, "unknown %s timeout state "
		 "'%.*s'", pname, (int)name->len, nat_span_str(name));
	sug = err_suggest(buf, words);
	if (sug)
		return err_hint(c->e, "did you mean '%s'?", sug);
	return err_hint(c->e, "%s states: %s", pname, strcmp(pname, "tcp") ?
			"udp-unreplied, udp-stream" :
			"tcp-syn-sent, tcp-established, tcp-fin-wait, ... "
			"('help timeouts set' lists them)");
}

/* The states @sel of @name: of the rule's protocol, none given before. */
static int
timeout_states(struct nat_pctx *c, const struct nat_span *name,
	       const bool *sel, const bool *seen, const char *pname)
{
	const struct nat_timeout *tab;
	size_t k, ntab;

	tab = nat_timeouts_table(&ntab);
	for (k = 0; k < ntab; k++) {
		if (!sel[k])
			continue;
		if (strcmp(tab[k].proto, pname)) {
			nat_perr(c, name, "'%s' is a %s state, but the rule's "
				 "protocol is %s", tab[k].name, tab[k].proto,
				 pname);
			return err_hint(c->e, "use %s states with 'proto %s'",
					pname, pname);
		}
		if (seen[k]) {
			nat_perr(c, name, "state '%s' is given twice",
				 tab[k].name);
			return err_hint(c->e, "give each state once");
		}
	}
	return 0;
}

int
nat_p_timeout(struct nat_pctx *c, const struct nat_span *sp,
	      struct nat_ct_policy *t, const struct nat_proto *proto,
	      const struct nat_span *proto_sp)
{
	bool sel[NAT_TIMEOUTS_NMAX], seen[NAT_TIMEOUTS_NMAX] = { false };
	uint32_t val[NAT_TIMEOUTS_NMAX], v = 0;
	const char *s = nat_span_str(sp), *pname;
	struct nat_span item, name, num;
	size_t i, j, k, ntab;
	char buf[32] = "";

	memset(t, 0, sizeof(*t));
	nat_timeouts_table(&ntab);
	pname = timeout_proto(c, sp, proto, proto_sp);
	if (!pname)
		return -1;
	for (i = 0; i <= sp->len; i = j + 1) {
		for (j = i; j < sp->len && s[j] != ','; j++)
			;
		item = nat_span_sub(sp, i, j - i);
		if (timeout_item(c, sp, &item, pname, &name, &num) < 0)
			return -1;
		memset(sel, 0, sizeof(sel));
		if (nat_span_copy(&name, buf, sizeof(buf)) < 0 ||
		    nat_timeout_select(buf, sel) < 0)
			return timeout_unknown(c, &name, &item, buf, pname);
		if (timeout_states(c, &name, sel, seen, pname) < 0 ||
		    timeout_secs(c, &num, &v) < 0)
			return -1;
		for (k = 0; k < ntab; k++)
			if (sel[k]) {
				seen[k] = true;
				val[k] = v;
			}
	}
	for (k = 0; k < ntab; k++) {
		if (!seen[k])
			continue;
		t->state[t->n] = (uint8_t)k;
		t->secs[t->n] = val[k];
		t->n++;
	}
	return 0;
}

/*
 * NPTv6 maps the 'from' prefix onto r->prefix bit for bit (the kernel's
 * NF_NAT_RANGE_NETMAP): the prefix part of the address is replaced, the
 * host part kept.  That is one-to-one only when both prefixes have the
 * same length, and only for one inside prefix (two would map onto the
 * same outside addresses), so 'from' must be one network of the
 * prefix's length; port options make no sense for a mapping that keeps
 * ports.
 */
static int
prefix_check(struct nat_pctx *c, const struct nat_rule *r,
	     const struct nat_marks *mk)
{
	const struct nat_span *bad = NULL;
	const char *what = NULL;
	char *s;
	size_t i;

	if (mk->random.t)
		bad = &mk->random, what = "random";
	else if (mk->fully_random.t)
		bad = &mk->fully_random, what = "fully-random";
	else if (mk->persistent.t)
		bad = &mk->persistent, what = "persistent";
	else if (mk->ports.t)
		bad = &mk->ports, what = "ports";
	if (bad) {
		nat_perr(c, bad, "'%s' has no effect on prefix translation, "
			 "which keeps the ports", what);
		return err_hint(c->e, "remove '%s'", what);
	}
	if (!r->src.n_inc || r->has_src_if) {
		nat_perr(c, &mk->prefix, "prefix translation needs the inside "
			 "prefix as 'from NET6'");
		return err_hint(c->e, "e.g. 'from fd00:1::/64 prefix "
				"2001:db8:1::/64'");
	}
	if (r->src.n_inc > 1) {
		s = nat_net_format(&r->src.inc[1]);
		nat_perr(c, &mk->prefix, "prefix translation maps one inside "
			 "prefix, but 'from' lists %zu ('%s' too): both would "
			 "leave with the same addresses", r->src.n_inc, s);
		free(s);
		return err_hint(c->e, "one rule per inside prefix, each with "
				"its own outside prefix");
	}
	for (i = 0; i < r->src.n_inc; i++) {
		if (r->src.inc[i].plen == r->prefix.plen)
			continue;
		s = nat_net_format(&r->src.inc[i]);
		nat_perr(c, &mk->prefix, "prefix /%u is not as long as the "
			 "source '%s': NPTv6 maps prefixes of equal length",
			 r->prefix.plen, s);
		free(s);
		return err_hint(c->e, "give both the same length, e.g. /%u",
				r->src.inc[i].plen);
	}
	return 0;
}

int
nat_rule_validate(struct nat_pctx *c, const struct nat_rule *r,
		  const struct nat_marks *mk)
{
	size_t i;

	if (r->action == NAT_PREFIX && prefix_check(c, r, mk) < 0)
		return -1;
	if (r->action == NAT_NONAT) {
		const struct nat_span *bad = NULL;
		const char *what = NULL;

		if (mk->random.t)
			bad = &mk->random, what = "random";
		else if (mk->fully_random.t)
			bad = &mk->fully_random, what = "fully-random";
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
	if (r->random && r->fully_random) {
		/* the kernel takes both and lets fully-random win
		 * (nf_nat_l4proto_unique_tuple): one of the words would
		 * say nothing */
		nat_perr(c, &mk->fully_random, "'fully-random' and 'random' "
			 "are two ways to pick the source port; a rule has one");
		return err_hint(c->e, "remove 'random' or 'fully-random'");
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
	for (i = 0; r->action == NAT_DETECT && i < r->n_oifs; i++) {
		if (!r->oifs[i].wildcard)
			continue;
		/* the compiler needs the one address of a named interface */
		nat_perr(c, &mk->detect, "'detect' needs a named interface, "
			 "not the wildcard '%s+'", r->oifs[i].name);
		return err_hint(c->e, "name the interface (e.g. '%s0'), or "
				"leave 'detect' out to masquerade",
				r->oifs[i].name);
	}
	if (r->alias >= 0 && r->action != NAT_SNAT) {
		nat_perr(c, &mk->alias, "alias label %d needs an SNAT address: "
			 "it names the alias that address is added as",
			 r->alias);
		return err_hint(c->e, "add the SNAT address, or drop the alias");
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_addr.c - addresses, networks, interface names, protocol and service
 * names for the rule parsers (see rule.h and rule_int.h).
 *
 * Owns: nat_net_parse/format, protocol names (built in for the common
 * ones, else /etc/protocols), the /etc/services lookup, the span parsers
 * for the parts of a rule that are addresses or interface names (nets,
 * net lists with '!' exclusions, the SNAT address or range, interface
 * lists with the "ppp+" wildcard), and matching a flow's address,
 * interface, protocol and port against those parts.
 * Host bits set beyond a prefix ("10.0.0.1/8") are an error, never
 * silently cleared: the user most likely meant something else, and a
 * canonical text must read back the way it was written.
 * Does not own: keywords and columns (rule_parse.c), formatting of whole
 * rules (rule_format.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/ctent.h"
#include "core/xalloc.h"
#include "nat/rule_int.h"

int
nat_perr(struct nat_pctx *c, const struct nat_span *sp, const char *fmt, ...)
{
	char msg[sizeof(c->e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!sp || !sp->t)
		return err_set(c->e, MASQ_EUSAGE, "%s", msg);
	/* a quoted word: offsets into the text do not match the line */
	if (sp->t->len != strlen(sp->t->s))
		return err_tok(c->e, MASQ_EUSAGE, sp->t, "%s", msg);
	return err_tok_sub(c->e, MASQ_EUSAGE, sp->t, sp->off,
			   sp->len ? sp->len : 1, "%s", msg);
}

int
nat_span_copy(const struct nat_span *sp, char *buf, size_t size)
{
	if (sp->len >= size) {
		buf[0] = '\0';
		return -1;
	}
	memcpy(buf, nat_span_str(sp), sp->len);
	buf[sp->len] = '\0';
	return 0;
}

int
nat_addr_parse(uint8_t *a, const char *s)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, a) == 1)
		return AF_INET6;
	return 0;
}

int
nat_net_parse_why(struct nat_net *n, const char *s, int want_family)
{
	char buf[64];
	const char *slash;
	unsigned int plen = 0, max, i;
	size_t alen;

	memset(n, 0, sizeof(*n));
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return NAT_NET_ESYNTAX;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	n->family = nat_addr_parse(n->addr, buf);
	if (!n->family)
		return NAT_NET_ESYNTAX;
	max = n->family == AF_INET ? 32 : 128;
	if (slash) {
		const char *p = slash + 1;

		if (!*p || strlen(p) > 3)
			return NAT_NET_EPLEN;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return NAT_NET_EPLEN;
			plen = plen * 10 + (unsigned int)(*p - '0');
		}
		if (plen > max)
			return NAT_NET_EPLEN;
	} else {
		plen = max;
	}
	n->plen = (uint8_t)plen;
	for (i = plen; i < max; i++)
		if (n->addr[i / 8] & (0x80u >> (i % 8)))
			return NAT_NET_EHOST;
	if (want_family && n->family != want_family)
		return NAT_NET_EFAMILY;
	return 0;
}

int
nat_net_parse(struct nat_net *n, const char *s, int want_family)
{
	return nat_net_parse_why(n, s, want_family) == 0 ? 0 : -1;
}

char *
nat_net_format(const struct nat_net *n)
{
	char buf[INET6_ADDRSTRLEN + 4];
	unsigned int max = n->family == AF_INET ? 32 : 128;
	size_t l;

	ctent_addr_text(buf, INET6_ADDRSTRLEN, n->family, n->addr);
	if (n->plen == max)
		return xstrdup(buf);
	/* "/%u" by hand: plen is at most 255 */
	l = strlen(buf);
	buf[l++] = '/';
	if (n->plen >= 100)
		buf[l++] = (char)('0' + n->plen / 100);
	if (n->plen >= 10)
		buf[l++] = (char)('0' + n->plen / 10 % 10);
	buf[l++] = (char)('0' + n->plen % 10);
	buf[l] = '\0';
	return xstrdup(buf);
}

static int
small_number(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long x = 0;

	if (!*s || strlen(s) > 10)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		x = x * 10 + (unsigned long)(*s - '0');
	}
	if (x > max)
		return -1;
	*v = x;
	return 0;
}

/*
 * The protocols NAT rules meet, under the names netbase's /etc/protocols
 * gives them.  Built in because a container or a minimal router image may
 * have no /etc/protocols at all, and the stored rules say "proto tcp": a
 * database must load the same everywhere.  Other names still come from
 * the file.  "icmpv6" is accepted as well (the filter language's name).
 */
static const struct {
	uint8_t num;
	const char *name;
} proto_builtin[] = {
	{ 1, "icmp" }, { 2, "igmp" }, { 4, "ipencap" }, { 6, "tcp" },
	{ 17, "udp" }, { 33, "dccp" }, { 41, "ipv6" }, { 47, "gre" },
	{ 50, "esp" }, { 51, "ah" }, { 58, "ipv6-icmp" }, { 89, "ospf" },
	{ 94, "ipip" }, { 103, "pim" }, { 112, "vrrp" }, { 115, "l2tp" },
	{ 132, "sctp" }, { 136, "udplite" },
};

int
nat_proto_lookup(const char *s)
{
	struct protoent *pe;
	unsigned long v;
	size_t i;

	if (isdigit((unsigned char)*s))
		return small_number(s, 255, &v) == 0 ? (int)v : -1;
	for (i = 0; i < sizeof(proto_builtin) / sizeof(proto_builtin[0]); i++)
		if (!strcasecmp(s, proto_builtin[i].name))
			return proto_builtin[i].num;
	if (!strcasecmp(s, "icmpv6"))
		return 58;
	pe = getprotobyname(s);
	if (!pe || pe->p_proto < 0 || pe->p_proto > 255)
		return -1;
	return pe->p_proto;
}

const char *
nat_proto_name(uint8_t num)
{
	static char names[256][24];
	static bool looked[256];
	struct protoent *pe;
	size_t i;

	for (i = 0; i < sizeof(proto_builtin) / sizeof(proto_builtin[0]); i++)
		if (proto_builtin[i].num == num)
			return proto_builtin[i].name;
	if (!looked[num]) {
		looked[num] = true;
		pe = getprotobynumber(num);
		if (pe && pe->p_name && strlen(pe->p_name) < sizeof(names[0]))
			strcpy(names[num], pe->p_name);
	}
	return names[num][0] ? names[num] : NULL;
}

/* ---- matching (declared in rule.h) ---- */

bool
nat_proto_has_ports(uint8_t num)
{
	return num == 6 || num == 17 || num == 33 || num == 132 || num == 136;
}

bool
nat_net_has(const struct nat_net *n, int family, const uint8_t *a)
{
	unsigned int full = n->plen / 8, rest = n->plen % 8;

	if (n->family != family || memcmp(n->addr, a, full))
		return false;
	return !rest || ((n->addr[full] ^ a[full]) & (0xff00 >> rest)) == 0;
}

int
nat_netlist_has(const struct nat_netlist *l, int family, const uint8_t *a)
{
	bool in = l->n_inc == 0;
	size_t i;

	for (i = 0; !in && i < l->n_inc; i++)
		in = nat_net_has(&l->inc[i], family, a);
	if (!in)
		return 0;
	for (i = 0; i < l->n_exc; i++)
		if (nat_net_has(&l->exc[i], family, a))
			return -1;
	return 1;
}

bool
nat_ifname_match(const struct nat_ifname *ifn, const char *name)
{
	if (ifn->wildcard)
		return !strncmp(ifn->name, name, strlen(ifn->name));
	return !strcmp(ifn->name, name);
}

bool
nat_ports_has(const struct nat_ports *p, uint16_t port)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (port >= p->v[i].lo && port <= p->v[i].hi)
			return true;
	return false;
}

int
nat_service_lookup(const char *s, const char *proto)
{
	struct servent *se;
	unsigned long v;

	if (isdigit((unsigned char)*s))
		return small_number(s, 65535, &v) == 0 ? (int)v : -1;
	se = getservbyname(s, proto);
	if (!se)
		return -1;
	return ntohs((uint16_t)se->s_port);
}

int
nat_p_ifname(struct nat_pctx *c, const struct nat_span *sp,
	     struct nat_ifname *ifn)
{
	const char *s = nat_span_str(sp);
	size_t i, n = sp->len;
	struct nat_span at;

	memset(ifn, 0, sizeof(*ifn));
	if (n == 0)
		return nat_perr(c, sp, "interface name is empty");
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		at = nat_span_sub(sp, i, 1);
		if (ch == ':') {
			nat_perr(c, sp, "'%.*s' is an alias, and aliases are not "
				 "real interfaces for netfilter", (int)n, s);
			return err_hint(c->e, "use the real interface and the "
					"alias address: 'out %.*s snat ADDR' "
					"(FAQ 7.26)", (int)i, s);
		}
		if (ch == '+' && i + 1 < n) {
			nat_perr(c, &at, "'+' in interface name '%.*s' is only "
				 "allowed at the end", (int)n, s);
			return err_hint(c->e, "write a prefix and '+', e.g. "
					"'ppp+' matches ppp0, ppp1, ...");
		}
		/* '\\' too: the tokenizer would take it as an escape when
		 * the stored rule is read back (tests/fuzz/regress) */
		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == '!' ||
		    ch == ',' || ch == '"' || ch == '\'' || ch == '(' ||
		    ch == ')' || ch == '#' || ch == '\\') {
			char shown[8];

			/* never a raw control byte on the terminal */
			if (ch > ' ' && ch < 0x7f)
				snprintf(shown, sizeof(shown), "'%c'", ch);
			else
				snprintf(shown, sizeof(shown), "\\x%02x", ch);
			nat_perr(c, &at, "invalid character %s in interface "
				 "name", shown);
			return err_hint(c->e, "interface names are like eth0, "
					"enp1s0 or ppp+");
		}
	}
	if (n > NAT_IFNAMSIZ - 1) {
		nat_perr(c, sp, "interface name '%.*s' is longer than %d "
			 "characters", (int)n, s, NAT_IFNAMSIZ - 1);
		return err_hint(c->e, "Linux interface names have at most %d "
				"characters", NAT_IFNAMSIZ - 1);
	}
	if (s[n - 1] == '+') {
		if (n == 1) {
			nat_perr(c, sp, "interface wildcard '+' needs a prefix");
			return err_hint(c->e, "write e.g. 'ppp+' for all ppp "
					"interfaces");
		}
		ifn->wildcard = true;
		n--;
	}
	memcpy(ifn->name, s, n);
	ifn->name[n] = '\0';
	return 0;
}

int
nat_p_iflist(struct nat_pctx *c, const struct nat_span *sp,
	     struct nat_ifname **v, size_t *n)
{
	const char *s = nat_span_str(sp);
	size_t i = 0, j;
	struct nat_ifname ifn;
	struct nat_span item;

	if (sp->len == 0)
		return nat_perr(c, sp, "interface list is empty");
	if (sp->len == 1 && s[0] == '-') {
		/* '-' is the empty column of a Shorewall file: it must not
		 * become an interface named "-" (Linux would allow that
		 * name), nor silently mean "any interface" there */
		nat_perr(c, sp, "'-' is not an interface: the output "
			 "interface is required here");
		return err_hint(c->e, "name the interface; a rule for any "
				"interface is 'masq add' without 'out'");
	}
	while (i <= sp->len) {
		for (j = i; j < sp->len && s[j] != ','; j++)
			;
		item = nat_span_sub(sp, i, j - i);
		if (j == i) {
			item = nat_span_sub(sp, i ? i - 1 : 0, 1);
			nat_perr(c, &item, "empty interface name in list");
			return err_hint(c->e, "separate interfaces with one ','");
		}
		if (nat_p_ifname(c, &item, &ifn) < 0)
			return -1;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = ifn;
		i = j + 1;
	}
	return 0;
}

static const char *
family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* Where @sp starts on its line (its token's offset plus its own). */
static size_t
span_at(const struct nat_span *sp)
{
	return sp->t->off + sp->off;
}

/*
 * The family of a rule is fixed by its first address.  The values are
 * parsed in the canonical keyword order, not the order typed, so on a
 * mismatch the error marks whichever of the two addresses comes later
 * on the line: in "from 192.168.1.0/24 to 2001:db8::1" that is the v6
 * destination, though 'to' is parsed first.
 */
static int
family_check(struct nat_pctx *c, const struct nat_span *sp, int family,
	     const char *s)
{
	const struct nat_span *first = &c->fam_at;
	char w[64];

	if (!c->family) {
		c->family = family;
		c->fam_at = *sp;
		return 0;
	}
	if (c->family == family)
		return 0;
	if (sp->t && first->t && first->t->line == sp->t->line &&
	    span_at(first) > span_at(sp) &&
	    nat_span_copy(first, w, sizeof(w)) == 0) {
		nat_perr(c, first, "'%s' is %s, but this rule already uses %s "
			 "addresses ('%s')", w, family_name(c->family),
			 family_name(family), s);
	} else {
		nat_perr(c, sp, "'%s' is %s, but this rule already uses %s "
			 "addresses", s, family_name(family),
			 family_name(c->family));
	}
	return err_hint(c->e, "write IPv4 and IPv6 in separate rules");
}

int
nat_p_net(struct nat_pctx *c, const struct nat_span *sp, struct nat_net *n)
{
	char buf[64], *fix;
	const char *slash;
	struct nat_span at;
	struct nat_net tmp;
	unsigned int i, max;
	int rc;

	if (sp->len == 0)
		return nat_perr(c, sp, "address is empty");
	if (nat_span_copy(sp, buf, sizeof(buf)) < 0)
		rc = NAT_NET_ESYNTAX;
	else
		rc = nat_net_parse_why(n, buf, 0);
	switch (rc) {
	case 0:
		return family_check(c, sp, n->family, buf);
	case NAT_NET_EPLEN:
		slash = strchr(buf, '/');
		at = nat_span_sub(sp, (size_t)(slash - buf),
				  sp->len - (size_t)(slash - buf));
		nat_perr(c, &at, "bad prefix length '%s' in '%s'", slash, buf);
		return err_hint(c->e, "IPv4 prefixes are /0 to /32, IPv6 "
				"prefixes /0 to /128");
	case NAT_NET_EHOST:
		tmp = *n;
		max = tmp.family == AF_INET ? 32 : 128;
		for (i = tmp.plen; i < max; i++)
			tmp.addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		fix = nat_net_format(&tmp);
		nat_perr(c, sp, "'%s' has host bits set beyond /%u", buf,
			 n->plen);
		err_hint(c->e, "write the network as '%s' (or the host "
			 "without a prefix)", fix);
		free(fix);
		return -1;
	default:
		nat_perr(c, sp, "'%.*s' is not an IPv4 or IPv6 address or "
			 "network", (int)sp->len, nat_span_str(sp));
		return err_hint(c->e, "write e.g. 192.168.1.0/24, 10.0.0.1 or "
				"2001:db8::/32 (DNS names are not allowed)");
	}
}

/* 128-bit arithmetic for the range walk; __extension__ keeps -Wpedantic
 * quiet about the GNU type. */
__extension__ typedef unsigned __int128 u128;

static u128
addr_u128(int family, const uint8_t *a)
{
	u128 v = 0;
	size_t i, len = family == AF_INET ? 4 : 16;

	for (i = 0; i < len; i++)
		v = v << 8 | a[i];
	return v;
}

static void
net_from_u128(struct nat_net *n, int family, u128 v, unsigned int plen)
{
	size_t i, len = family == AF_INET ? 4 : 16;

	memset(n, 0, sizeof(*n));
	n->family = family;
	n->plen = (uint8_t)plen;
	for (i = len; i-- > 0; v >>= 8)
		n->addr[i] = (uint8_t)(v & 0xff);
}

/*
 * The range @lo..@hi (inclusive, @lo <= @hi) as the shortest list of
 * prefixes that covers exactly it, appended to @v: at each step the
 * largest block that starts at the current address and does not pass
 * @hi.  That greedy walk is the minimal decomposition (every block of a
 * shorter list would have to be larger, and no larger one fits).  At most
 * 2 * bits - 2 prefixes.
 */
static void
range_to_nets(int family, u128 lo, u128 hi, struct nat_net **v, size_t *n)
{
	unsigned int bits = family == AF_INET ? 32 : 128, h;
	u128 size;

	for (;;) {
		/* h: host bits of the block; 2^bits would overflow, so the
		 * whole space (only possible from 0) is a case of its own */
		for (h = bits; h > 0; h--) {
			if (h == 128)
				size = 0;
			else
				size = (u128)1 << h;
			if (h == 128 ? lo == 0 && hi == ~(u128)0 :
			    (lo & (size - 1)) == 0 && hi - lo >= size - 1)
				break;
		}
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		net_from_u128(&(*v)[(*n)++], family, lo, bits - h);
		if (h == bits)
			return;
		size = (u128)1 << h;
		if (hi - lo < size)	/* the block ended at hi */
			return;
		lo += size;
	}
}

/* "FIRST-LAST" in a net list: the prefixes covering it, appended to @v.
 * 1 when @item is not a range at all (the caller reports it as a net). */
static int
net_range_parse(struct nat_pctx *c, const struct nat_span *item,
		struct nat_net **v, size_t *n)
{
	const char *s = nat_span_str(item);
	const char *dash = memchr(s, '-', item->len);
	uint8_t a[16], b[16];
	char buf[64];
	size_t d;
	int fa, fb;

	if (!dash || nat_span_copy(item, buf, sizeof(buf)) < 0)
		return 1;
	d = (size_t)(dash - s);
	buf[d] = '\0';
	fa = nat_addr_parse(a, buf);
	fb = nat_addr_parse(b, buf + d + 1);
	if (!fa || !fb)
		return 1;
	if (fa != fb) {
		nat_perr(c, item, "address range '%s-%s' mixes IPv4 and IPv6",
			 buf, buf + d + 1);
		return err_hint(c->e, "both ends of a range are of one family");
	}
	if (family_check(c, item, fa, buf) < 0)
		return -1;
	if (addr_u128(fa, b) < addr_u128(fa, a)) {
		nat_perr(c, item, "address range '%s-%s' ends before it starts",
			 buf, buf + d + 1);
		return err_hint(c->e, "write the lower address first: "
				"FIRST-LAST");
	}
	range_to_nets(fa, addr_u128(fa, a), addr_u128(fa, b), v, n);
	return 0;
}

/*
 * "NET[,NET..]" where each item is a network or a range FIRST-LAST.  The
 * model keeps prefixes (that is what nftables sets and the evaluator
 * match), so a range becomes the exact list of prefixes covering it, and
 * formats back as those prefixes.
 */
static int
net_list_parse(struct nat_pctx *c, const struct nat_span *sp,
	       struct nat_net **v, size_t *n)
{
	const char *s = nat_span_str(sp);
	size_t i = 0, j;
	struct nat_span item;
	struct nat_net net;
	int rc;

	while (i <= sp->len) {
		for (j = i; j < sp->len && s[j] != ','; j++)
			;
		item = nat_span_sub(sp, i, j - i);
		if (j == i) {
			item = nat_span_sub(sp, i ? i - 1 : 0, 1);
			nat_perr(c, &item, "empty address in list");
			return err_hint(c->e, "separate addresses with one ','");
		}
		rc = net_range_parse(c, &item, v, n);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			if (nat_p_net(c, &item, &net) < 0)
				return -1;
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = net;
		}
		i = j + 1;
	}
	return 0;
}

int
nat_p_netlist(struct nat_pctx *c, const struct nat_span *sp,
	      struct nat_netlist *l, bool exc_only)
{
	const char *s = nat_span_str(sp);
	const char *bang = memchr(s, '!', sp->len);
	struct nat_span part, at;
	size_t b;

	if (sp->len == 0)
		return nat_perr(c, sp, "address list is empty");
	if (!bang)
		return net_list_parse(c, sp, exc_only ? &l->exc : &l->inc,
				      exc_only ? &l->n_exc : &l->n_inc);
	b = (size_t)(bang - s);
	at = nat_span_sub(sp, b, 1);
	if (exc_only) {
		nat_perr(c, &at, "'!' is not needed here: every address in "
			 "this list is excluded");
		return err_hint(c->e, "drop the '!'");
	}
	if (memchr(bang + 1, '!', sp->len - b - 1)) {
		at = nat_span_sub(sp, (size_t)((const char *)memchr(bang + 1,
				  '!', sp->len - b - 1) - s), 1);
		nat_perr(c, &at, "only one '!' may start the exclusions");
		return err_hint(c->e, "write INCLUDES!EXCL1,EXCL2");
	}
	if (b + 1 == sp->len) {
		nat_perr(c, &at, "'!' is not followed by addresses to exclude");
		return err_hint(c->e, "write e.g. 10.0.0.0/8!10.1.0.0/16");
	}
	if (b > 0) {
		part = nat_span_sub(sp, 0, b);
		if (net_list_parse(c, &part, &l->inc, &l->n_inc) < 0)
			return -1;
	}
	part = nat_span_sub(sp, b + 1, sp->len - b - 1);
	return net_list_parse(c, &part, &l->exc, &l->n_exc);
}

static int
snat_addr(struct nat_pctx *c, const struct nat_span *sp, uint8_t *a)
{
	char buf[64];
	int fam;

	if (sp->len == 0)
		return nat_perr(c, sp, "SNAT address is empty");
	if (nat_span_copy(sp, buf, sizeof(buf)) == 0 && strchr(buf, '/')) {
		nat_perr(c, sp, "SNAT address '%s' takes no prefix length",
			 buf);
		return err_hint(c->e, "write one address or a range "
				"FIRST-LAST");
	}
	fam = buf[0] ? nat_addr_parse(a, buf) : 0;
	if (!fam) {
		nat_perr(c, sp, "'%.*s' is not an IPv4 or IPv6 address",
			 (int)sp->len, nat_span_str(sp));
		return err_hint(c->e, "write e.g. 203.0.113.10 or "
				"203.0.113.10-203.0.113.20");
	}
	if (family_check(c, sp, fam, buf) < 0)
		return -1;
	return fam;
}

int
nat_p_snat(struct nat_pctx *c, const struct nat_span *sp, struct nat_rule *r)
{
	const char *s = nat_span_str(sp);
	const char *comma = memchr(s, ',', sp->len);
	const char *dash;
	struct nat_span lo, hi;
	size_t d, i;
	int fam;

	if (comma) {
		size_t k = (size_t)(comma - s) + 1;
		const char *end = memchr(s + k, ',', sp->len - k);
		struct nat_span second = nat_span_sub(sp, k,
			(end ? (size_t)(end - s) : sp->len) - k);

		nat_perr(c, &second, "SNAT takes one address or one range; "
			 "'%.*s' is a second one", (int)second.len,
			 nat_span_str(&second));
		return err_hint(c->e, "use one range A-B that covers the "
				"addresses, or one rule per address");
	}
	dash = memchr(s, '-', sp->len);
	d = dash ? (size_t)(dash - s) : sp->len;
	lo = nat_span_sub(sp, 0, d);
	fam = snat_addr(c, &lo, r->to.lo);
	if (fam < 0)
		return -1;
	r->to.family = fam;
	memcpy(r->to.hi, r->to.lo, sizeof(r->to.hi));
	if (dash) {
		hi = nat_span_sub(sp, d + 1, sp->len - d - 1);
		if (snat_addr(c, &hi, r->to.hi) < 0)
			return -1;
		for (i = 0; i < 16 && r->to.lo[i] == r->to.hi[i]; i++)
			;
		if (i < 16 && r->to.hi[i] < r->to.lo[i]) {
			nat_perr(c, sp, "address range '%.*s' ends before it "
				 "starts", (int)sp->len, s);
			return err_hint(c->e, "write the lower address first: "
					"FIRST-LAST");
		}
	}
	r->has_to = true;
	r->action = NAT_SNAT;
	return 0;
}

int
nat_p_prefix(struct nat_pctx *c, const struct nat_span *sp,
	     struct nat_rule *r)
{
	if (nat_p_net(c, sp, &r->prefix) < 0)
		return -1;
	if (r->prefix.family != AF_INET6) {
		nat_perr(c, sp, "prefix translation is for IPv6 (NPTv6); "
			 "'%.*s' is IPv4", (int)sp->len, nat_span_str(sp));
		return err_hint(c->e, "write an IPv6 prefix, e.g. "
				"'prefix 2001:db8:1::/64', or use 'snat' for "
				"IPv4");
	}
	r->action = NAT_PREFIX;
	return 0;
}

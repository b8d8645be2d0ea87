/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_parse.c - the two masq rule forms: the keyword form of `masq add`
 * and the masq-file column form (seeds/shorewall-masq.5.txt).  Both forms
 * end in the same model and the same validation (rule_values.c), and every
 * error marks the word (or the part of a word) that is wrong.
 *
 * Keyword form: keywords in any order, each at most once, unique prefixes
 * accepted.  The values are parsed in the canonical keyword order (out,
 * to, from, except, snat, prefix, ports, random, fully-random, persistent,
 * nonat, proto, dport, ipsec, mark, user, timeout, early, alias, comment),
 * so that "dport smtp" can be looked up for the protocol given later on
 * the line and a timeout policy checked against it.  "timeout" has no
 * column: a rule with a policy exists in the keyword form only.
 *
 * Column form, INTERFACE column: [+]IFLIST[:[ALIAS]][:DEST]; an alias is
 * one to three digits.  An IPv6 DEST needs the alias slot written, empty
 * or not ("eth0::2001:db8::/32"), which is what the formatter emits.
 * ADDRESS column: an IPv6 address or range followed by options is written
 * in brackets ("[2001:db8::1]:1024-2000"); "detect" may take options too
 * ("detect:random"), an extension so every model has a column form;
 * so is "prefix=NET6" (NPTv6, keyword 'prefix'), and so is the option
 * ":fully-random" (or "fully-random" alone, as "random"): Shorewall has
 * no column for nft's fully-random.
 * SOURCE "-" means any source (Shorewall would want 0.0.0.0/0).
 *
 * Does not own: value parsers (rule_values.c), addresses and names
 * (rule_addr.c), formatting
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

#include "core/kw.h"
#include "core/xalloc.h"
#include "nat/rule_int.h"

/* SOURCE / from: nets with exclusions, or an interface [':!'EXCL]. */
int
nat_p_source(struct nat_pctx *c, const struct nat_span *sp,
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
	if (ifname && nat_span_copy(&name, buf, sizeof(buf)) == 0) {
		char *dash = strchr(buf, '-');
		uint8_t a[16];

		if (nat_net_parse_why(&tmp, buf, 0) != NAT_NET_ESYNTAX)
			ifname = false;
		/* an IPv6 range "fd00:1::-fd00:1::ff" is no interface */
		if (dash && (*dash = '\0', nat_addr_parse(a, buf)) &&
		    nat_addr_parse(a, dash + 1))
			ifname = false;
	}
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
	KW_OUT, KW_TO, KW_FROM, KW_EXCEPT, KW_SNAT, KW_PREFIX, KW_PORTS,
	KW_RANDOM, KW_FULLY_RANDOM,
	KW_PERSISTENT, KW_NONAT, KW_PROTO, KW_DPORT, KW_IPSEC, KW_MARK,
	KW_USER, KW_TIMEOUT, KW_EARLY, KW_ALIAS, KW_COMMENT, KW__N
};

/* The keywords, in the order their values are parsed. */
static const char *const kw_names[KW__N] = {
	[KW_OUT] = "out", [KW_TO] = "to", [KW_FROM] = "from",
	[KW_EXCEPT] = "except", [KW_SNAT] = "snat", [KW_PREFIX] = "prefix",
	[KW_PORTS] = "ports",
	[KW_RANDOM] = "random", [KW_FULLY_RANDOM] = "fully-random",
	[KW_PERSISTENT] = "persistent",
	[KW_NONAT] = "nonat", [KW_PROTO] = "proto", [KW_DPORT] = "dport",
	[KW_IPSEC] = "ipsec", [KW_MARK] = "mark", [KW_USER] = "user",
	[KW_TIMEOUT] = "timeout", [KW_EARLY] = "early", [KW_ALIAS] = "alias",
	[KW_COMMENT] = "comment",
};

/* What follows each keyword; NULL: a flag without a value. */
static const char *const kw_usage[KW__N] = {
	[KW_OUT] = "out IFACE[,IFACE..]",
	[KW_TO] = "to DEST[,DEST..][!EXCL[,..]]",
	[KW_FROM] = "from SOURCE[,..][!EXCL[,..]] or from IFACE",
	[KW_EXCEPT] = "except ADDR[,ADDR..]",
	[KW_SNAT] = "snat ADDR, snat FIRST-LAST or snat detect",
	[KW_PREFIX] = "prefix NET6 (as long as the 'from' prefix), e.g. "
		      "from fd00:1::/64 prefix 2001:db8:1::/64",
	[KW_PORTS] = "ports LOW-HIGH",
	[KW_PROTO] = "proto [!]P[,P..]",
	[KW_DPORT] = "dport [!]PORT[,PORT|LOW-HIGH..]",
	[KW_IPSEC] = "ipsec yes|no|reqid=N,spi=N,tunnel-src=NET,tunnel-dst=NET",
	[KW_MARK] = "mark [!]VALUE[/MASK][:C]",
	[KW_USER] = "user [!]USER[:GROUP]",
	[KW_TIMEOUT] = "timeout STATE=SECONDS[,STATE=SECONDS..], e.g. "
		       "timeout udp-stream=30,udp-unreplied=10",
	[KW_ALIAS] = "alias N",
	[KW_COMMENT] = "comment TEXT",
};

const char *const *
nat_rule_keywords(size_t *n)
{
	*n = KW__N;
	return kw_names;
}

/* Which keyword @t is (core/kw.h: exact, else a unique prefix). */
static int
kw_lookup(struct nat_pctx *c, const struct masq_tok *t)
{
	int k = kw_resolve(kw_names, KW__N, t, "keyword", NULL, c->e);

	if (k < 0 && !c->e->hint[0])
		err_hint(c->e, "a rule starts with 'out IFACE'; see 'help masq "
			 "add' for the keywords");
	return k;
}

int
nat_p_alias(struct nat_pctx *c, const struct nat_span *sp, int *alias)
{
	const char *s = nat_span_str(sp);
	size_t i;
	int v = 0;

	/* at most the 3 digits the label may have: a longer run would
	 * overflow v before the length is checked (found by fuzz_rule) */
	for (i = 0; i < sp->len && i < 4 && isdigit((unsigned char)s[i]); i++)
		v = v * 10 + (s[i] - '0');
	if (sp->len == 0 || sp->len > 3 || i != sp->len) {
		nat_perr(c, sp, "alias label '%.*s' is not a number 0-999",
			 (int)sp->len, s);
		return err_hint(c->e, "write the digit of eth0:N, e.g. 0");
	}
	*alias = v;
	return 0;
}

/* The words of a keyword-form rule: each keyword and its value. */
struct kw_words {
	const struct masq_tok *key[KW__N], *val[KW__N];
};

/* Sort @tv into @w: each keyword at most once, each value present. */
static int
kw_collect(struct nat_pctx *c, const struct masq_tok *tv, size_t tc,
	   struct kw_words *w)
{
	struct masq_err *e = c->e;
	size_t i;
	int k;

	for (i = 0; i < tc; i++) {
		k = kw_lookup(c, &tv[i]);
		if (k < 0)
			return -1;
		if (w->key[k]) {
			err_tok(e, MASQ_EUSAGE, &tv[i], "'%s' given twice",
				kw_names[k]);
			return err_hint(e, "give each keyword once; list "
					"several values with commas");
		}
		w->key[k] = &tv[i];
		if (!kw_usage[k])
			continue;
		if (i + 1 == tc) {
			err_tok(e, MASQ_EUSAGE, &tv[i], "'%s' needs a value",
				kw_names[k]);
			return err_hint(e, "write %s", kw_usage[k]);
		}
		w->val[k] = &tv[++i];
	}
	return 0;
}

/*
 * A rule without 'out' matches every output interface: the compiled rule
 * has no oifname match.  A forgotten 'out' must not silently NAT every
 * forwarded flow (LAN to LAN included), so such a rule has to say whom it
 * is for ('from' or 'to') and what it does with an explicit translation
 * ('snat ADDR', 'nonat' or 'prefix').  Masquerade, 'detect' and an alias
 * label all take something from the output interface (its address, or the
 * alias added to it), so they keep needing 'out'.
 */
static int
kw_anyif(struct nat_pctx *c, const struct kw_words *w,
	 const struct nat_rule *r)
{
	struct masq_err *e = c->e;

	if (w->key[KW_OUT])
		return 0;
	if (!w->val[KW_FROM] && !w->val[KW_TO]) {
		err_set(e, MASQ_EUSAGE, "a masq rule without 'out IFACE' "
			"needs 'from' or 'to'");
		return err_hint(e, "add 'out IFACE', or limit the rule with "
				"'from NET' or 'to NET', e.g. 'masq add from "
				"10.0.0.0/8 snat 203.0.113.5'");
	}
	if (r->action == NAT_MASQUERADE) {
		err_set(e, MASQ_EUSAGE, "masquerade needs 'out IFACE': it "
			"takes the address of the output interface");
		return err_hint(e, "add 'out IFACE', or give the address with "
				"'snat ADDR' to translate out of any interface");
	}
	if (r->action == NAT_DETECT) {
		err_tok(e, MASQ_EUSAGE, w->val[KW_SNAT], "'detect' needs "
			"'out IFACE': it takes that interface's address");
		return err_hint(e, "add 'out IFACE', or write the address");
	}
	if (w->key[KW_ALIAS]) {
		err_tok(e, MASQ_EUSAGE, w->key[KW_ALIAS], "'alias' needs "
			"'out IFACE': it names an alias of that interface");
		return err_hint(e, "add 'out IFACE', or drop 'alias'");
	}
	return 0;
}

/* out, to, from, except: where the rule applies. */
static int
kw_where(struct nat_pctx *c, const struct kw_words *w, struct nat_rule *r)
{
	struct nat_span sp = nat_span_tok(w->val[KW_OUT]);

	if (sp.t && nat_p_iflist(c, &sp, &r->oifs, &r->n_oifs) < 0)
		return -1;
	sp = nat_span_tok(w->val[KW_TO]);
	if (sp.t && nat_p_netlist(c, &sp, &r->dst, false) < 0)
		return -1;
	sp = nat_span_tok(w->val[KW_FROM]);
	if (sp.t && nat_p_source(c, &sp, r) < 0)
		return -1;
	sp = nat_span_tok(w->val[KW_EXCEPT]);
	if (sp.t && nat_p_netlist(c, &sp, &r->src, true) < 0)
		return -1;
	return 0;
}

/* snat, prefix, ports, random, persistent, nonat: what the rule does. */
static int
kw_action(struct nat_pctx *c, const struct kw_words *w, struct nat_rule *r,
	  struct nat_marks *mk)
{
	if (w->val[KW_SNAT] && w->key[KW_NONAT]) {
		err_tok(c->e, MASQ_EUSAGE, w->key[KW_NONAT], "'nonat' "
			"translates nothing, so it cannot go with 'snat'");
		return err_hint(c->e, "remove 'snat' or 'nonat'");
	}
	if (w->val[KW_PREFIX] && (w->val[KW_SNAT] || w->key[KW_NONAT])) {
		int k = w->val[KW_SNAT] ? KW_SNAT : KW_NONAT;

		err_tok(c->e, MASQ_EUSAGE, w->key[k], "'prefix' is the "
			"translation of this rule, so it cannot go with '%s'",
			kw_names[k]);
		return err_hint(c->e, "remove '%s' or 'prefix'", kw_names[k]);
	}
	mk->snat = nat_span_tok(w->val[KW_SNAT]);
	mk->prefix = nat_span_tok(w->val[KW_PREFIX]);
	if (mk->prefix.t && nat_p_prefix(c, &mk->prefix, r) < 0)
		return -1;
	if (mk->snat.t && strcmp(mk->snat.t->s, "detect") == 0) {
		r->action = NAT_DETECT;
		mk->detect = mk->snat;
	} else if (mk->snat.t && nat_p_snat(c, &mk->snat, r) < 0) {
		return -1;
	}
	mk->ports = nat_span_tok(w->val[KW_PORTS]);
	if (mk->ports.t) {
		if (nat_p_portrange(c, &mk->ports, &r->ports) < 0)
			return -1;
		r->has_ports = true;
	}
	mk->random = nat_span_tok(w->key[KW_RANDOM]);
	mk->fully_random = nat_span_tok(w->key[KW_FULLY_RANDOM]);
	mk->persistent = nat_span_tok(w->key[KW_PERSISTENT]);
	mk->nonat = nat_span_tok(w->key[KW_NONAT]);
	r->random = w->key[KW_RANDOM] != NULL;
	r->fully_random = w->key[KW_FULLY_RANDOM] != NULL;
	r->persistent = w->key[KW_PERSISTENT] != NULL;
	if (w->key[KW_NONAT])
		r->action = NAT_NONAT;
	return 0;
}

/* proto, dport, ipsec, mark, user, timeout: which packets, and the
 * conntrack policy of their connections. */
static int
kw_match(struct nat_pctx *c, const struct kw_words *w, struct nat_rule *r,
	 struct nat_marks *mk)
{
	struct nat_span sp;

	mk->proto = nat_span_tok(w->val[KW_PROTO]);
	if (mk->proto.t && nat_p_proto(c, &mk->proto, &r->proto) < 0)
		return -1;
	mk->dport = nat_span_tok(w->val[KW_DPORT]);
	if (mk->dport.t && nat_p_dport(c, &mk->dport, &r->dport,
				       &r->proto) < 0)
		return -1;
	sp = nat_span_tok(w->val[KW_IPSEC]);
	if (sp.t && nat_p_ipsec(c, &sp, &r->ipsec) < 0)
		return -1;
	sp = nat_span_tok(w->val[KW_MARK]);
	if (sp.t && nat_p_mark(c, &sp, &r->mark) < 0)
		return -1;
	sp = nat_span_tok(w->val[KW_USER]);
	if (sp.t && nat_p_owner(c, &sp, &r->owner) < 0)
		return -1;
	mk->timeout = nat_span_tok(w->val[KW_TIMEOUT]);
	if (mk->timeout.t && nat_p_timeout(c, &mk->timeout, &r->timeout,
					   &r->proto, &mk->proto) < 0)
		return -1;
	return 0;
}

/* early, alias, comment. */
static int
kw_extra(struct nat_pctx *c, const struct kw_words *w, struct nat_rule *r,
	 struct nat_marks *mk)
{
	const struct masq_tok *cm = w->val[KW_COMMENT];

	r->early = w->key[KW_EARLY] != NULL;
	mk->alias = nat_span_tok(w->val[KW_ALIAS]);
	if (mk->alias.t && nat_p_alias(c, &mk->alias, &r->alias) < 0)
		return -1;
	if (!cm || !cm->s[0])
		return 0;
	if (strlen(cm->s) > NAT_COMMENT_MAX) {
		err_tok(c->e, MASQ_EUSAGE, cm, "comment is longer than %d "
			"characters", NAT_COMMENT_MAX);
		return err_hint(c->e, "shorten it; nftables keeps short "
				"comments");
	}
	r->comment = xstrdup(cm->s);
	return 0;
}

/* The values are parsed in the keywords' canonical order (see above). */
int
nat_rule_parse_kw(struct nat_rule *r, const struct masq_tok *tv, size_t tc,
		  struct masq_err *e)
{
	struct nat_pctx c = { e, 0 };
	struct kw_words w;
	struct nat_marks mk;

	memset(&w, 0, sizeof(w));
	memset(&mk, 0, sizeof(mk));
	if (kw_collect(&c, tv, tc, &w) < 0 || kw_where(&c, &w, r) < 0 ||
	    kw_action(&c, &w, r, &mk) < 0 || kw_match(&c, &w, r, &mk) < 0 ||
	    kw_extra(&c, &w, r, &mk) < 0 || kw_anyif(&c, &w, r) < 0 ||
	    nat_rule_validate(&c, r, &mk) < 0) {
		nat_rule_done(r);
		return -1;
	}
	return 0;
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
			if (nat_p_alias(c, &mk->alias, &r->alias) < 0)
				return -1;
			d += d < rest.len;
			rest = nat_span_sub(&rest, d, rest.len - d);
		}
	}
	if (rest.len == 0)
		return 0;
	return nat_p_netlist(c, &rest, &r->dst, false);
}

static const char *const addr_opts[] = {
	"random", "fully-random", "persistent", NULL
};

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

/* ADDRESS column: the address part (bracketed, a bare IPv6 address or
 * range, or up to the first ':') into @addr, and where the options
 * start into *@opts_at. */
static int
col_address_split(struct nat_pctx *c, const struct nat_span *sp,
		  struct nat_span *addr, size_t *opts_at)
{
	const char *s = nat_span_str(sp), *rb;
	size_t i, colons = 0;
	struct nat_span it;

	for (i = 0; i < sp->len; i++)
		colons += s[i] == ':';
	if (s[0] == '[') {
		rb = memchr(s, ']', sp->len);
		if (!rb) {
			it = nat_span_sub(sp, 0, 1);
			nat_perr(c, &it, "'[' without a closing ']'");
			return err_hint(c->e, "write [IPV6ADDR]:OPTIONS");
		}
		i = (size_t)(rb - s);
		*addr = nat_span_sub(sp, 1, i - 1);
		i++;
		if (i < sp->len && s[i] != ':') {
			it = nat_span_sub(sp, i, sp->len - i);
			return nat_perr(c, &it, "':' expected after ']'");
		}
	} else if (colons >= 2 && bare_v6(s, sp->len)) {
		*addr = *sp;		/* a bare IPv6 address or range */
		i = sp->len;
	} else {
		for (i = 0; i < sp->len && s[i] != ':'; i++)
			;
		*addr = nat_span_sub(sp, 0, i);
	}
	*opts_at = i;
	return 0;
}

/* The address part: NONAT, detect, random, or an address or range. */
static int
col_address_action(struct nat_pctx *c, const struct nat_span *addr,
		   struct nat_rule *r, struct nat_marks *mk)
{
	if (addr->len == 5 &&
	    strncasecmp(nat_span_str(addr), "NONAT", 5) == 0) {
		r->action = NAT_NONAT;
		mk->nonat = *addr;
	} else if (nat_span_is(addr, "detect")) {
		r->action = NAT_DETECT;
		mk->detect = *addr;
	} else if (nat_span_is(addr, "random")) {
		r->random = true;
		mk->random = *addr;
	} else if (nat_span_is(addr, "fully-random")) {
		r->fully_random = true;
		mk->fully_random = *addr;
	} else if (addr->len) {
		mk->snat = *addr;
		if (nat_p_snat(c, addr, r) < 0)
			return -1;
	}
	return 0;
}

/* One option @it of the ADDRESS column (@first: a port range may come). */
static int
col_address_opt(struct nat_pctx *c, const struct nat_span *sp,
		const struct nat_span *it, bool first, struct nat_rule *r,
		struct nat_marks *mk)
{
	char w[32] = "";
	const char *sug;

	if (first && it->len && isdigit((unsigned char)nat_span_str(it)[0])) {
		mk->ports = *it;
		if (nat_p_portrange(c, it, &r->ports) < 0)
			return -1;
		r->has_ports = true;
	} else if (nat_span_is(it, "random") && !r->random) {
		mk->random = *it;
		r->random = true;
	} else if (nat_span_is(it, "fully-random") && !r->fully_random) {
		mk->fully_random = *it;
		r->fully_random = true;
	} else if (nat_span_is(it, "persistent") && !r->persistent) {
		mk->persistent = *it;
		r->persistent = true;
	} else {
		nat_span_copy(it, w, sizeof(w));
		sug = err_suggest(w, addr_opts);
		nat_perr(c, it->len ? it : sp, "unexpected '%.*s' in the "
			 "ADDRESS column", (int)it->len, nat_span_str(it));
		/* a known option given twice is no typo */
		if (sug && strcmp(sug, w) != 0)
			return err_hint(c->e, "did you mean '%s'?", sug);
		return err_hint(c->e, "write ADDRESS[:LOW-HIGH][:random|"
				":fully-random][:persistent], each part once");
	}
	return 0;
}

/* ADDRESS column: ADDRESS[:LOW-HIGH][:random|:fully-random][:persistent],
 * "-", "random", "fully-random", NONAT, detect[:OPTIONS], [IPV6][:OPTIONS]. */
int
nat_col_address(struct nat_pctx *c, const struct nat_span *sp,
	    struct nat_rule *r, struct nat_marks *mk)
{
	struct nat_span addr, opts, it;
	size_t i = 0, j;
	const char *s;

	if (nat_span_is(sp, "-"))
		return 0;
	if (nat_span_is(sp, "random")) {
		r->random = true;
		mk->random = *sp;
		return 0;
	}
	if (nat_span_is(sp, "fully-random")) {
		r->fully_random = true;
		mk->fully_random = *sp;
		return 0;
	}
	if (sp->len > 7 && strncmp(nat_span_str(sp), "prefix=", 7) == 0) {
		/* NPTv6, our extension: the whole rest is the prefix, and
		 * no option goes with it (nat_rule_validate) */
		mk->prefix = nat_span_sub(sp, 7, sp->len - 7);
		return nat_p_prefix(c, &mk->prefix, r);
	}
	if (col_address_split(c, sp, &addr, &i) < 0 ||
	    col_address_action(c, &addr, r, mk) < 0)
		return -1;
	opts = nat_span_sub(sp, i, sp->len - i);
	s = nat_span_str(&opts);
	for (i = 0; i < opts.len; i = j) {
		for (j = i + 1; j < opts.len && s[j] != ':'; j++)
			;
		it = nat_span_sub(&opts, i + 1, j - i - 1);
		if (col_address_opt(c, sp, &it, i == 0, r, mk) < 0)
			return -1;
	}
	return 0;
}

/*
 * Split @text at blanks into up to 8 columns in @col (positions against
 * @line at @base; @buf the writable copy holding the words), the missing
 * ones "-".  The number of columns given, or -1 (MASQ_EUSAGE).
 */
static int
col_split(char *buf, const char *text, const char *line, size_t base,
	  struct masq_tok col[9], struct masq_err *e)
{
	size_t n = 0, i = 0, j;

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
		if (++n == 9) {
			err_tok(e, MASQ_EUSAGE, &col[8], "too many columns: a "
				"masq line has at most 8");
			return err_hint(e, "INTERFACE SOURCE ADDRESS PROTO "
					"PORT(S) IPSEC MARK USER/GROUP; '-' "
					"leaves one empty");
		}
		if (!buf[j])
			break;
		buf[j] = '\0';
		i = j + 1;
	}
	for (i = n; i < 8; i++) {
		col[i].s = "-";
		col[i].line = line;
		col[i].off = base + strlen(text);
		col[i].len = 0;
	}
	return (int)n;
}

/* The eight columns into @r, in order. */
static int
col_parse(struct nat_pctx *c, const struct masq_tok col[8],
	  struct nat_rule *r)
{
	struct nat_marks mk;
	struct nat_span sp;

	memset(&mk, 0, sizeof(mk));
	sp = nat_span_tok(&col[0]);
	if (col_interface(c, &sp, r, &mk) < 0)
		return -1;
	sp = nat_span_tok(&col[1]);
	if (!nat_span_is(&sp, "-") && nat_p_source(c, &sp, r) < 0)
		return -1;
	sp = nat_span_tok(&col[2]);
	if (nat_col_address(c, &sp, r, &mk) < 0)
		return -1;
	mk.proto = nat_span_tok(&col[3]);
	if (!nat_span_is(&mk.proto, "-") &&
	    nat_p_proto(c, &mk.proto, &r->proto) < 0)
		return -1;
	mk.dport = nat_span_tok(&col[4]);
	if (!nat_span_is(&mk.dport, "-") &&
	    nat_p_dport(c, &mk.dport, &r->dport, &r->proto) < 0)
		return -1;
	sp = nat_span_tok(&col[5]);
	if (!nat_span_is(&sp, "-") && nat_p_ipsec(c, &sp, &r->ipsec) < 0)
		return -1;
	sp = nat_span_tok(&col[6]);
	if (!nat_span_is(&sp, "-") && nat_p_mark(c, &sp, &r->mark) < 0)
		return -1;
	sp = nat_span_tok(&col[7]);
	if (!nat_span_is(&sp, "-") && nat_p_owner(c, &sp, &r->owner) < 0)
		return -1;
	return nat_rule_validate(c, r, &mk);
}

int
nat_rule_parse_columns(struct nat_rule *r, const char *text,
		       const char *line, size_t base, struct masq_err *e)
{
	struct nat_pctx c = { e, 0 };
	struct masq_tok col[9];
	char *buf = xstrdup(text);
	char *hash = strchr(buf, '#');
	int n, rc = -1;

	if (hash)
		*hash = '\0';
	n = col_split(buf, text, line, base, col, e);
	if (n == 0) {
		rc = 1;
	} else if (n == 1) {
		err_tok(e, MASQ_EUSAGE, &col[0], "the SOURCE column is missing");
		err_hint(e, "write INTERFACE SOURCE [ADDRESS ...], e.g. "
			 "'eth0 192.168.1.0/24'");
	} else if (n > 1) {
		rc = col_parse(&c, col, r);
		if (rc < 0)
			nat_rule_done(r);
	}
	free(buf);
	return rc;
}

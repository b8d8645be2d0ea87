/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * filter.c - the conntrack filter language (grammar and meaning: filter.h).
 *
 * Owns: cutting words into lexemes (so "(src" and "expires<30" work), a
 * recursive-descent parser that builds a flat array of nodes, evaluation
 * over struct ct_entry and the canonical printer.  Does not own: where the
 * entries come from; it includes no netlink header on purpose, so the shell,
 * masqtop and the unit tests can use it without a kernel.
 *
 * Compiled form: nodes in one array, children by index, root last.  Net
 * terms keep a pre-masked address and mask so a match is two or eight word
 * compares; evaluation is a short-circuit walk with no allocation.
 */
#include "config.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/filter.h"
#include "core/kw.h"
#include "core/tok.h"
#include "core/xalloc.h"

enum fkind {
	F_TRUE, F_AND, F_OR, F_NOT,
	F_SRC, F_DST, F_GW,
	F_PROTO, F_SPORT, F_DPORT, F_GPORT,
	F_STATE, F_UNREPLIED, F_REPLIED, F_ASSURED,
	F_EXPIRES, F_RULE, F_FWD, F_NAT, F_SNAT, F_DNAT,
};

enum fop { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ };

struct fnode {
	uint8_t kind;			/* enum fkind */
	uint8_t op;			/* enum fop, F_EXPIRES */
	uint8_t family, plen;		/* net terms */
	uint32_t l, r;			/* children: F_AND, F_OR (l, r), F_NOT (l) */
	union {
		struct {
			union ct_addr addr, mask;
		} net;
		struct {
			uint16_t lo, hi;
		} port;
		uint8_t proto;
		uint8_t state;
		uint32_t secs;
		uint64_t rule;
	} u;
};

struct filter {
	size_t n;
	struct fnode *v;
	uint32_t root;
};

/* One lexeme: a sub-span of input word v[w]. */
struct flex {
	char *s;
	size_t w, sub, len;
};

struct fparse {
	const struct masq_tok *words;
	struct flex *lx;
	size_t nlx, i;
	struct filter *f;
	struct masq_err *e;
};

/* On a tie err_suggest() takes the first: ports before "proto", so the
 * common transposition "dprot" suggests "dport". */
static const char *const filter_keywords[] = {
	"src", "dst", "gw", "sport", "dport", "gport", "proto", "state",
	"expires", "rule", "fwd", "nat", "snat", "dnat", "not", "and", "or",
	NULL,
};
/* The first FILTER_TERMS of them start a term; a unique prefix of one is
 * taken as it, through the shell's own resolver (core/kw.h). */
#define FILTER_TERMS 14

static const char *const filter_states[] = {
	"ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "unreplied", "replied",
	"assured", NULL,
};

static bool
flex_is_op_char(char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '=';
}

static void
flex_push(struct fparse *p, size_t w, size_t sub, size_t len)
{
	struct flex *l;

	p->lx = xreallocarray(p->lx, p->nlx + 1, sizeof(*p->lx));
	l = &p->lx[p->nlx++];
	l->s = xstrndup(p->words[w].s + sub, len);
	l->w = w;
	l->sub = sub;
	l->len = len;
}

/* Cut word @w into lexemes: "(" ")" "<" "<=" ">" ">=" "=" and the runs of
 * other characters between them. */
static void
flex_word(struct fparse *p, size_t w)
{
	const char *s = p->words[w].s;
	size_t i = 0, start;

	while (s[i]) {
		if (s[i] == '(' || s[i] == ')' || s[i] == '=') {
			flex_push(p, w, i++, 1);
		} else if (s[i] == '<' || s[i] == '>') {
			size_t n = s[i + 1] == '=' ? 2 : 1;

			flex_push(p, w, i, n);
			i += n;
		} else {
			start = i;
			while (s[i] && !flex_is_op_char(s[i]))
				i++;
			flex_push(p, w, start, i - start);
		}
	}
}

/* Mark lexeme @l in the error.  A quoted word's text no longer lines up with
 * the input, so then the whole word is marked. */
static int
flex_err(struct fparse *p, const struct flex *l, size_t sub, size_t len,
	 const char *msg)
{
	const struct masq_tok *t = &p->words[l->w];
	size_t off = l->sub + sub;

	if (!len)
		len = l->len - sub;
	if (strlen(t->s) != t->len) {
		off = 0;
		len = t->len;
	}
	return err_tok_sub(p->e, MASQ_EUSAGE, t, off, len, "%s", msg);
}

static uint32_t
fnode_add(struct fparse *p, const struct fnode *n)
{
	struct filter *f = p->f;

	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n] = *n;
	return (uint32_t)f->n++;
}

static const struct flex *
fparse_peek(const struct fparse *p)
{
	return p->i < p->nlx ? &p->lx[p->i] : NULL;
}

static bool
fparse_is(const struct fparse *p, const char *kw)
{
	const struct flex *l = fparse_peek(p);

	return l && !strcasecmp(l->s, kw);
}

/* The value after keyword @kw, or -1 with the keyword marked. */
static int
fparse_value(struct fparse *p, const struct flex *kw, const char *what,
	     const struct flex **out)
{
	char msg[160];
	const struct flex *l = fparse_peek(p);

	if (!l || (l->len == 1 && flex_is_op_char(l->s[0]))) {
		snprintf(msg, sizeof(msg), "'%s' needs %s after it", kw->s, what);
		if (l)
			return flex_err(p, l, 0, 0, msg);
		return flex_err(p, kw, 0, 0, msg);
	}
	p->i++;
	*out = l;
	return 0;
}

static int
fparse_net(struct fparse *p, const struct flex *l, struct fnode *n)
{
	char buf[INET6_ADDRSTRLEN + 8], msg[200];
	char *slash;
	unsigned long plen;
	unsigned int i, max;
	char *end;

	if (l->len >= sizeof(buf))
		goto bad;
	memcpy(buf, l->s, l->len + 1);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, n->u.net.addr.b) == 1)
		n->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, n->u.net.addr.b) == 1)
		n->family = AF_INET6;
	else
		goto bad;
	max = n->family == AF_INET ? 32 : 128;
	plen = max;
	if (slash && !slash[1])
		goto bad;
	if (slash) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (*end || errno || plen > max ||
		    slash[1] == '-' || slash[1] == '+') {
			snprintf(msg, sizeof(msg),
				 "bad prefix length '%s' (0-%u for IPv%d)",
				 slash + 1, max, n->family == AF_INET ? 4 : 6);
			return flex_err(p, l, (size_t)(slash - buf) + 1, 0, msg);
		}
	}
	n->plen = (uint8_t)plen;
	memset(&n->u.net.mask, 0, sizeof(n->u.net.mask));
	for (i = 0; i < plen; i++)
		n->u.net.mask.b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	for (i = 0; i < 4; i++)
		n->u.net.addr.w[i] &= n->u.net.mask.w[i];
	return 0;
bad:
	snprintf(msg, sizeof(msg), "bad address '%s' (expected ADDR or ADDR/LEN)",
		 l->s);
	return flex_err(p, l, 0, 0, msg);
}

static int
fparse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*end || errno || *out > max)
		return -1;
	return 0;
}

static int
fparse_ports(struct fparse *p, const struct flex *l, struct fnode *n)
{
	char buf[16], msg[160];
	char *dash;
	unsigned long lo, hi;

	if (l->len >= sizeof(buf))
		goto bad;
	memcpy(buf, l->s, l->len + 1);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (fparse_ulong(buf, 65535, &lo))
		goto bad;
	hi = lo;
	if (dash && (fparse_ulong(dash + 1, 65535, &hi) || hi < lo)) {
		snprintf(msg, sizeof(msg),
			 "bad port range end '%s' (expected %lu-65535)",
			 dash + 1, lo);
		return flex_err(p, l, (size_t)(dash - buf) + 1, 0, msg);
	}
	n->u.port.lo = (uint16_t)lo;
	n->u.port.hi = (uint16_t)hi;
	return 0;
bad:
	snprintf(msg, sizeof(msg), "bad port '%s' (expected 0-65535 or LO-HI)",
		 l->s);
	return flex_err(p, l, 0, 0, msg);
}

static int
fparse_state(struct fparse *p, const struct flex *l, struct fnode *n)
{
	const char *sug;
	char msg[160];
	int st;

	if (!strcasecmp(l->s, "unreplied")) {
		n->kind = F_UNREPLIED;
		return 0;
	}
	if (!strcasecmp(l->s, "replied")) {
		n->kind = F_REPLIED;
		return 0;
	}
	if (!strcasecmp(l->s, "assured")) {
		n->kind = F_ASSURED;
		return 0;
	}
	st = ctent_tcp_state_parse(l->s);
	if (st > 0) {
		n->u.state = (uint8_t)st;
		return 0;
	}
	snprintf(msg, sizeof(msg), "unknown state '%s'", l->s);
	flex_err(p, l, 0, 0, msg);
	sug = err_suggest(l->s, filter_states);
	if (sug)
		return err_hint(p->e, "did you mean '%s'?", sug);
	return err_hint(p->e, "a TCP state (ESTABLISHED, TIME_WAIT, ...) or "
			"unreplied, replied, assured");
}

static int
fparse_expires(struct fparse *p, const struct flex *kw, struct fnode *n)
{
	static const char *const ops[] = { "<", "<=", ">", ">=", "=" };
	const struct flex *l = fparse_peek(p);
	unsigned long v, mul = 1;
	char buf[24], msg[160];
	size_t k, len;

	for (k = 0; l && k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(l->s, ops[k]))
			break;
	if (!l || k == sizeof(ops) / sizeof(ops[0])) {
		if (l)
			return flex_err(p, l, 0, 0, "expected <, <=, >, >= or = "
					"after 'expires'");
		return flex_err(p, kw, 0, 0, "'expires' needs <, <=, >, >= or = "
				"and a number of seconds");
	}
	p->i++;
	n->op = (uint8_t)k;
	if (fparse_value(p, l, "a number of seconds", &l))
		return -1;
	len = l->len;
	if (len && len < sizeof(buf)) {
		switch (l->s[len - 1]) {
		case 's': mul = 1; len--; break;
		case 'm': mul = 60; len--; break;
		case 'h': mul = 3600; len--; break;
		case 'd': mul = 86400; len--; break;
		}
	}
	if (!len || len >= sizeof(buf))
		goto bad;
	memcpy(buf, l->s, len);
	buf[len] = '\0';
	if (fparse_ulong(buf, UINT32_MAX / mul, &v))
		goto bad;
	n->u.secs = (uint32_t)(v * mul);
	return 0;
bad:
	snprintf(msg, sizeof(msg), "bad time '%s' (seconds, or with a unit: "
		 "90s, 15m, 2h, 1d)", l->s);
	return flex_err(p, l, 0, 0, msg);
}

/* proto P: a name or 0-255. */
static int
fparse_proto(struct fparse *p, const struct flex *kw, struct fnode *n)
{
	const struct flex *l;
	unsigned long v;
	char msg[200];
	int pr;

	if (fparse_value(p, kw, "a protocol", &l))
		return -1;
	pr = ctent_proto_parse(l->s);
	if (pr < 0 && !fparse_ulong(l->s, 255, &v))
		pr = (int)v;
	if (pr < 0) {
		snprintf(msg, sizeof(msg), "unknown protocol '%s'", l->s);
		flex_err(p, l, 0, 0, msg);
		return err_hint(p->e, "tcp, udp, icmp, icmpv6, sctp, "
				"dccp, udplite, gre, esp, ah or 0-255");
	}
	n->u.proto = (uint8_t)pr;
	return 0;
}

/* rule N, or fwd N (n->kind says which): the forward with id N, as the
 * rule column's "fwdN" names it; the id must stay below the CT_RULE_FWD
 * bit. */
static int
fparse_rule(struct fparse *p, const struct flex *kw, struct fnode *n)
{
	bool fwd = n->kind == F_FWD;
	const struct flex *l;
	unsigned long v;
	char msg[200];

	if (fparse_value(p, kw, fwd ? "a forward id" : "a rule number", &l))
		return -1;
	if (fparse_ulong(l->s, fwd ? CT_RULE_FWD - 1 : ULONG_MAX, &v) || !v) {
		snprintf(msg, sizeof(msg), fwd ? "bad forward id '%s' "
			 "(expected 1 to 2147483647)" : "bad rule number "
			 "'%s' (expected 1 or more)", l->s);
		return flex_err(p, l, 0, 0, msg);
	}
	n->u.rule = fwd ? CT_RULE_FWD | v : v;
	return 0;
}

/* @kw (its text @s) where a term must start, and is none: the error. */
static int
fparse_bad_term(struct fparse *p, const struct flex *kw, const char *s)
{
	const char *sug;
	char msg[200];

	if (!strcmp(s, ")"))
		return flex_err(p, kw, 0, 0, "unmatched ')'");
	if (!strcasecmp(s, "and") || !strcasecmp(s, "or"))
		snprintf(msg, sizeof(msg), "'%s' needs a term before it", s);
	else if (flex_is_op_char(s[0]))
		snprintf(msg, sizeof(msg), "unexpected '%s'", s);
	else
		snprintf(msg, sizeof(msg), "unknown filter term '%s'", s);
	flex_err(p, kw, 0, 0, msg);
	sug = flex_is_op_char(s[0]) ? NULL : err_suggest(s, filter_keywords);
	if (sug && strcasecmp(sug, "and") && strcasecmp(sug, "or"))
		return err_hint(p->e, "did you mean '%s'?", sug);
	return err_hint(p->e, "expected src, dst, gw, proto, sport, "
			"dport, gport, state, expires, rule, fwd, nat, "
			"snat, dnat, not or '('");
}

static int
fparse_term(struct fparse *p, uint32_t *out)
{
	const struct flex *kw = fparse_peek(p), *l;
	struct fnode n = { 0 };
	const char *s;
	char msg[200];
	int pr;

	assert(kw);
	s = kw->s;
	pr = kw_find(filter_keywords, FILTER_TERMS, s);
	if (pr == KW_AMBIGUOUS) {
		char list[120];

		kw_list(filter_keywords, FILTER_TERMS, s, list, sizeof(list));
		snprintf(msg, sizeof(msg), "ambiguous filter term '%s': %s",
			 s, list);
		flex_err(p, kw, 0, 0, msg);
		return err_hint(p->e, "type more of the word");
	}
	if (pr >= 0)
		s = filter_keywords[pr];
	p->i++;
	if (!strcasecmp(s, "src") || !strcasecmp(s, "dst") ||
	    !strcasecmp(s, "gw")) {
		n.kind = !strcasecmp(s, "src") ? F_SRC :
			 !strcasecmp(s, "dst") ? F_DST : F_GW;
		if (fparse_value(p, kw, "an address or network", &l) ||
		    fparse_net(p, l, &n))
			return -1;
	} else if (!strcasecmp(s, "proto")) {
		n.kind = F_PROTO;
		if (fparse_proto(p, kw, &n))
			return -1;
	} else if (!strcasecmp(s, "sport") || !strcasecmp(s, "dport") ||
		   !strcasecmp(s, "gport")) {
		n.kind = !strcasecmp(s, "sport") ? F_SPORT :
			 !strcasecmp(s, "dport") ? F_DPORT : F_GPORT;
		if (fparse_value(p, kw, "a port or LO-HI range", &l) ||
		    fparse_ports(p, l, &n))
			return -1;
	} else if (!strcasecmp(s, "state")) {
		n.kind = F_STATE;
		if (fparse_value(p, kw, "a state", &l) ||
		    fparse_state(p, l, &n))
			return -1;
	} else if (!strcasecmp(s, "expires")) {
		n.kind = F_EXPIRES;
		if (fparse_expires(p, kw, &n))
			return -1;
	} else if (!strcasecmp(s, "rule") || !strcasecmp(s, "fwd")) {
		n.kind = !strcasecmp(s, "fwd") ? F_FWD : F_RULE;
		if (fparse_rule(p, kw, &n))
			return -1;
	} else if (!strcasecmp(s, "nat")) {
		n.kind = F_NAT;
	} else if (!strcasecmp(s, "snat")) {
		n.kind = F_SNAT;
	} else if (!strcasecmp(s, "dnat")) {
		n.kind = F_DNAT;
	} else {
		return fparse_bad_term(p, kw, s);
	}
	*out = fnode_add(p, &n);
	return 0;
}

static int fparse_or(struct fparse *p, uint32_t *out);

static int
fparse_not(struct fparse *p, uint32_t *out)
{
	const struct flex *l = fparse_peek(p);
	struct fnode n = { 0 };

	if (!l)
		return -1;	/* callers check for a next lexeme first */
	if (!strcasecmp(l->s, "not")) {
		p->i++;
		if (!fparse_peek(p))
			return flex_err(p, l, 0, 0, "'not' needs a term after it");
		n.kind = F_NOT;
		if (fparse_not(p, &n.l))
			return -1;
		*out = fnode_add(p, &n);
		return 0;
	}
	if (!strcmp(l->s, "(")) {
		p->i++;
		if (!fparse_peek(p))
			return flex_err(p, l, 0, 0, "unclosed '('");
		if (fparse_is(p, ")"))
			return flex_err(p, fparse_peek(p), 0, 0,
					"empty parentheses");
		if (fparse_or(p, out))
			return -1;
		if (!fparse_is(p, ")"))
			return flex_err(p, l, 0, 0, "unclosed '('");
		p->i++;
		return 0;
	}
	return fparse_term(p, out);
}

/* Can the lexeme at the cursor start a term (for the implicit "and")? */
static bool
fparse_starts_term(const struct fparse *p)
{
	const struct flex *l = fparse_peek(p);

	return l && strcmp(l->s, ")") && strcasecmp(l->s, "or") &&
	       strcasecmp(l->s, "and");
}

static int
fparse_and(struct fparse *p, uint32_t *out)
{
	struct fnode n = { .kind = F_AND };
	const struct flex *l;

	if (fparse_not(p, &n.l))
		return -1;
	for (;;) {
		l = fparse_peek(p);
		if (l && !strcasecmp(l->s, "and")) {
			p->i++;
			if (!fparse_peek(p) || fparse_is(p, ")"))
				return flex_err(p, l, 0, 0,
						"'and' needs a term after it");
		} else if (!fparse_starts_term(p)) {
			break;
		}
		if (fparse_not(p, &n.r))
			return -1;
		n.l = fnode_add(p, &n);
	}
	*out = n.l;
	return 0;
}

static int
fparse_or(struct fparse *p, uint32_t *out)
{
	struct fnode n = { .kind = F_OR };
	const struct flex *l;

	if (fparse_and(p, &n.l))
		return -1;
	while ((l = fparse_peek(p)) && !strcasecmp(l->s, "or")) {
		p->i++;
		if (!fparse_peek(p) || fparse_is(p, ")"))
			return flex_err(p, l, 0, 0, "'or' needs a term after it");
		if (fparse_and(p, &n.r))
			return -1;
		n.l = fnode_add(p, &n);
	}
	*out = n.l;
	return 0;
}

struct filter *
filter_compile(const struct masq_tok *v, size_t n, struct masq_err *e)
{
	struct fparse p = { .words = v, .e = e };
	struct fnode t = { .kind = F_TRUE };
	struct filter *f = xcalloc(1, sizeof(*f));
	size_t i;
	int rc = -1;

	p.f = f;
	for (i = 0; i < n; i++)
		flex_word(&p, i);
	if (!p.nlx) {
		f->root = fnode_add(&p, &t);
		rc = 0;
		goto out;
	}
	if (fparse_or(&p, &f->root))
		goto out;
	if (p.i < p.nlx) {
		/* only ")" can stop the top level early */
		flex_err(&p, &p.lx[p.i], 0, 0, "unmatched ')'");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < p.nlx; i++)
		free(p.lx[i].s);
	free(p.lx);
	if (rc) {
		filter_free(f);
		return NULL;
	}
	return f;
}

struct filter *
filter_compile_str(const char *line, struct masq_err *e)
{
	struct tok_list tl = { 0 };
	struct filter *f = NULL;

	if (tok_split(&tl, line, 0, e) == 0)
		f = filter_compile(tl.v, tl.n, e);
	tok_list_done(&tl);
	return f;
}

static bool
fnet_match(const struct fnode *n, int family, const union ct_addr *a)
{
	if (family != n->family)
		return false;
	if (family == AF_INET)
		return (a->w[0] & n->u.net.mask.w[0]) == n->u.net.addr.w[0];
	return (a->w[0] & n->u.net.mask.w[0]) == n->u.net.addr.w[0] &&
	       (a->w[1] & n->u.net.mask.w[1]) == n->u.net.addr.w[1] &&
	       (a->w[2] & n->u.net.mask.w[2]) == n->u.net.addr.w[2] &&
	       (a->w[3] & n->u.net.mask.w[3]) == n->u.net.addr.w[3];
}

static bool
fport_match(const struct fnode *n, const struct ct_entry *ce, uint16_t port)
{
	if (ce->proto == IPPROTO_ICMP || ce->proto == IPPROTO_ICMPV6)
		return false;
	return port >= n->u.port.lo && port <= n->u.port.hi;
}

static bool
fnode_eval(const struct filter *f, uint32_t i, const struct ct_entry *ce)
{
	const struct fnode *n = &f->v[i];
	uint32_t t = ce->timeout;

	switch (n->kind) {
	case F_TRUE:
		return true;
	case F_AND:
		return fnode_eval(f, n->l, ce) && fnode_eval(f, n->r, ce);
	case F_OR:
		return fnode_eval(f, n->l, ce) || fnode_eval(f, n->r, ce);
	case F_NOT:
		return !fnode_eval(f, n->l, ce);
	case F_SRC:
		return fnet_match(n, ce->family, &ce->orig.src);
	case F_DST:
		return fnet_match(n, ce->family, &ce->orig.dst);
	case F_GW:
		return ((ce->status & CT_ST_SRC_NAT) &&
			fnet_match(n, ce->family, &ce->reply.dst)) ||
		       ((ce->status & CT_ST_DST_NAT) &&
			fnet_match(n, ce->family, &ce->orig.dst));
	case F_PROTO:
		return ce->proto == n->u.proto;
	case F_SPORT:
		return fport_match(n, ce, ce->orig.sport);
	case F_DPORT:
		return fport_match(n, ce, ce->orig.dport);
	case F_GPORT:
		return ((ce->status & CT_ST_SRC_NAT) &&
			fport_match(n, ce, ce->reply.dport)) ||
		       ((ce->status & CT_ST_DST_NAT) &&
			fport_match(n, ce, ce->orig.dport));
	case F_STATE:
		return ce->proto == IPPROTO_TCP && ce->tcp_state == n->u.state;
	case F_UNREPLIED:
		return !(ce->status & CT_ST_SEEN_REPLY);
	case F_REPLIED:
		return ce->status & CT_ST_SEEN_REPLY;
	case F_ASSURED:
		return ce->status & CT_ST_ASSURED;
	case F_EXPIRES:
		switch (n->op) {
		case OP_LT: return t < n->u.secs;
		case OP_LE: return t <= n->u.secs;
		case OP_GT: return t > n->u.secs;
		case OP_GE: return t >= n->u.secs;
		default: return t == n->u.secs;
		}
	case F_RULE:
	case F_FWD:
		return ce->rule_id == n->u.rule;
	case F_NAT:
		return ce->status & CT_ST_NAT_MASK;
	case F_SNAT:
		return ce->status & CT_ST_SRC_NAT;
	case F_DNAT:
		return ce->status & CT_ST_DST_NAT;
	}
	return false;
}

bool
filter_match(const struct filter *f, const struct ct_entry *ce)
{
	return !f || fnode_eval(f, f->root, ce);
}

/* Binding strength, for deciding where parentheses are needed. */
static int
fnode_prec(const struct fnode *n)
{
	return n->kind == F_OR ? 1 : n->kind == F_AND ? 2 :
	       n->kind == F_NOT ? 3 : 4;
}

static void fnode_format(const struct filter *f, uint32_t i, FILE *fp);

static void
fnode_format_child(const struct filter *f, uint32_t c, int prec, FILE *fp)
{
	bool paren = fnode_prec(&f->v[c]) < prec;

	if (paren)
		fputc('(', fp);
	fnode_format(f, c, fp);
	if (paren)
		fputc(')', fp);
}

static void
fnode_format(const struct filter *f, uint32_t i, FILE *fp)
{
	static const char *const ops[] = { "<", "<=", ">", ">=", "=" };
	static const char *const names[] = {
		[F_SRC] = "src", [F_DST] = "dst", [F_GW] = "gw",
		[F_SPORT] = "sport", [F_DPORT] = "dport", [F_GPORT] = "gport",
	};
	const struct fnode *n = &f->v[i];
	char buf[CT_ADDRSTRLEN];
	const char *pn;

	switch (n->kind) {
	case F_TRUE:
		break;
	case F_AND:
	case F_OR:
		fnode_format_child(f, n->l, fnode_prec(n), fp);
		fputs(n->kind == F_AND ? " and " : " or ", fp);
		fnode_format_child(f, n->r, fnode_prec(n), fp);
		break;
	case F_NOT:
		fputs("not ", fp);
		fnode_format_child(f, n->l, 3, fp);
		break;
	case F_SRC:
	case F_DST:
	case F_GW:
		fprintf(fp, "%s %s", names[n->kind],
			ctent_addr_format(n->family, &n->u.net.addr, buf));
		if (n->plen != (n->family == AF_INET ? 32 : 128))
			fprintf(fp, "/%u", n->plen);
		break;
	case F_PROTO:
		pn = ctent_proto_name(n->u.proto);
		if (pn)
			fprintf(fp, "proto %s", pn);
		else
			fprintf(fp, "proto %u", n->u.proto);
		break;
	case F_SPORT:
	case F_DPORT:
	case F_GPORT:
		fprintf(fp, "%s %u", names[n->kind], n->u.port.lo);
		if (n->u.port.hi != n->u.port.lo)
			fprintf(fp, "-%u", n->u.port.hi);
		break;
	case F_STATE:
		fprintf(fp, "state %s", ctent_tcp_state_name(n->u.state));
		break;
	case F_UNREPLIED:
		fputs("state unreplied", fp);
		break;
	case F_REPLIED:
		fputs("state replied", fp);
		break;
	case F_ASSURED:
		fputs("state assured", fp);
		break;
	case F_EXPIRES:
		fprintf(fp, "expires %s %" PRIu32, ops[n->op], n->u.secs);
		break;
	case F_RULE:
		fprintf(fp, "rule %" PRIu64, n->u.rule);
		break;
	case F_FWD:
		fprintf(fp, "fwd %" PRIu64, n->u.rule & ~CT_RULE_FWD);
		break;
	case F_NAT:
		fputs("nat", fp);
		break;
	case F_SNAT:
		fputs("snat", fp);
		break;
	case F_DNAT:
		fputs("dnat", fp);
		break;
	}
}

char *
filter_format(const struct filter *f)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp;

	if (!f)
		return xstrdup("");
	fp = open_memstream(&s, &len);
	if (!fp)
		return xstrdup("");
	fnode_format(f, f->root, fp);
	fclose(fp);
	return s ? s : xstrdup("");
}

bool
filter_uses_rule(const struct filter *f)
{
	size_t i;

	for (i = 0; f && i < f->n; i++)
		if (f->v[i].kind == F_RULE || f->v[i].kind == F_FWD)
			return true;
	return false;
}

static bool
fnode_implies_nat(const struct filter *f, uint32_t i)
{
	const struct fnode *n = &f->v[i];

	switch (n->kind) {
	case F_NAT:
	case F_SNAT:
	case F_DNAT:
	case F_GW:
	case F_GPORT:
	case F_FWD:	/* a forward's entries carry DNAT */
		return true;
	case F_AND:
		return fnode_implies_nat(f, n->l) || fnode_implies_nat(f, n->r);
	case F_OR:
		return fnode_implies_nat(f, n->l) && fnode_implies_nat(f, n->r);
	default:
		return false;
	}
}

bool
filter_implies_nat(const struct filter *f)
{
	return f && fnode_implies_nat(f, f->root);
}

void
filter_free(struct filter *f)
{
	if (!f)
		return;
	free(f->v);
	free(f);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipt_flat.c - the chains of an iptables nat table as masqsh's two ordered
 * lists: masq rules (POSTROUTING) and forwards (PREROUTING).
 *
 * Owns: walking PREROUTING and POSTROUTING with the user chains inlined in
 * order, and the rules written out.  masqsh's lists are first-match-wins,
 * as a nat chain is, so a terminal rule (MASQUERADE, SNAT, DNAT, ACCEPT)
 * keeps its place and takes the matches of the jumps that led to it.  What
 * does not stop the walk becomes a condition on the rules after it:
 *   - RETURN from a user chain: the rest of that chain only sees packets
 *     that did not match it, so its rules get the negation -- expressible
 *     when the RETURN matches on one address, protocol or port (-s, -d,
 *     -p, --dport, or their '!') besides what led into the chain;
 *   - -g CHAIN: the chain, then as a RETURN with the same matches;
 *   - ACCEPT (POSTROUTING: a 'nonat' rule; PREROUTING, in the built-in
 *     chain: the negation on the forwards after it, as there is no
 *     'nonat' forward);
 *   - RETURN and -g in a built-in chain end in its policy, ACCEPT: in
 *     POSTROUTING a 'nonat' rule when it names -o,
 *     else the negation, as for ACCEPT there.
 * Combining two rules' matches on the same column: masqsh holds one
 * value per column, so exclusions add up, nested networks and interface
 * names keep the narrower (so do "udp" and "!tcp"), disjoint ones make a
 * dead rule (left out), and anything else is an error.
 * Does not own: reading the dump (ipt_parse.c, ipt_rule.c), the rule model
 * and its checks (the rule parsers get the file's words as tokens, so
 * their errors mark the file).
 */
#include "config.h"

#include <assert.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "core/tok.h"
#include "core/xalloc.h"
#include "nat/ipt_int.h"
#include "nat/rule.h"

#define IPT_DEPTH_MAX 32	/* chains nested deeper are refused */
#define IPT_RULES_MAX 10000	/* inlining can multiply rules */
/* Jumps can also multiply the walk without any rule coming out of it (a
 * chain jumping twice to the next, 30 deep, is 2^30 visits): the walk
 * has a budget of rule visits (found by hand, kept in
 * tests/fuzz/regress/fuzz_import_ipt/explode-jumps). */
#define IPT_VISITS_MAX 200000

enum hook { HOOK_PRE, HOOK_POST };

struct flat {
	const struct ipt_file *f;
	struct ipt_import *im;
	struct masq_err *e;
	enum hook hook;
	unsigned int depth;
	bool *busy;		/* per chain: being inlined (loop check) */
	unsigned long visits;	/* rules walked so far */
	const struct ipt_match *ctx;	/* what led into the current chain */
};

/* The columns where one value can lie inside another (narrower()). */
static const bool nested[IPT_SLOT__N] = {
	[IPT_SRC] = true, [IPT_DST] = true, [IPT_IIF] = true,
	[IPT_OIF] = true, [IPT_PROTO] = true,
};

static bool
is_exc(size_t i)
{
	return i == IPT_SRC_EXC || i == IPT_DST_EXC;
}

/* narrower() for protocols, "tcp" or "!tcp" (a RETURN's negation) */
static int
narrower_proto(const struct ipt_val *x, const struct ipt_val *y,
	       const struct ipt_val **narrow)
{
	bool nx = x->s[0] == '!', ny = y->s[0] == '!';
	int px = nat_proto_lookup(x->s + nx), py = nat_proto_lookup(y->s + ny);

	if (px < 0 || py < 0)
		return -1;
	*narrow = y;
	if (nx == ny)		/* both the same protocol, or two we'd need
				 * to list ("!tcp" and "!udp") */
		return px == py ? 0 : nx ? -1 : 1;
	if (px == py)		/* tcp and !tcp */
		return 1;
	*narrow = nx ? y : x;	/* udp and !tcp: udp */
	return 0;
}

/*
 * Two networks (or two interface names, "ppp+" a prefix) that must both
 * match: 0 with *narrow the one inside the other, 1 when no packet can
 * match both, -1 when neither holds (unknown syntax: the rule parsers
 * will name it).
 */
static int
narrower(size_t slot, const struct ipt_val *x, const struct ipt_val *y,
	 const struct ipt_val **narrow)
{
	struct nat_net a, b;
	size_t la, lb;

	if (slot == IPT_PROTO)
		return narrower_proto(x, y, narrow);
	if (slot == IPT_IIF || slot == IPT_OIF) {
		la = strlen(x->s);
		lb = strlen(y->s);
		if (la && x->s[la - 1] == '+' && strncmp(x->s, y->s, la - 1)
		    == 0 && (lb >= la || y->s[lb - 1] != '+')) {
			*narrow = y;
			return 0;
		}
		if (lb && y->s[lb - 1] == '+' && strncmp(x->s, y->s, lb - 1)
		    == 0) {
			*narrow = x;
			return 0;
		}
		return 1;
	}
	if (nat_net_parse(&a, x->s, 0) < 0 || nat_net_parse(&b, y->s, 0) < 0)
		return -1;
	if (a.family != b.family)
		return 1;
	if (a.plen <= b.plen && nat_net_has(&a, b.family, b.addr))
		*narrow = y;
	else if (b.plen <= a.plen && nat_net_has(&b, a.family, a.addr))
		*narrow = x;
	else
		return 1;
	return 0;
}

/*
 * *d = a AND b, the values copied.  Two values for one column are fine
 * when one lies inside the other (-s 10.0.0.0/8 then -s 10.1.0.0/16, -o
 * ppp+ then -o ppp0): the narrower is kept.  1 when no packet matches
 * both (the rule is dead: it does nothing, so nothing is written for it),
 * -1 naming b's word when masqsh cannot hold the pair.
 */
static int
match_conj(struct flat *fl, struct ipt_match *d, const struct ipt_match *a,
	   const struct ipt_match *b)
{
	const struct ipt_val *x, *y, *v;
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < IPT_SLOT__N; i++) {
		x = &a->v[i];
		y = &b->v[i];
		/* the inner rule's comment wins */
		v = y->s ? y : x;
		if (x->s && y->s && is_exc(i)) {
			d->v[i].s = xasprintf("%s,%s", x->s, y->s);
			d->v[i].t = y->t;
			continue;
		}
		if (x->s && y->s && i != IPT_COMMENT && strcmp(x->s, y->s)) {
			rc = nested[i] ? narrower(i, x, y, &v) : -1;
			if (rc == 1) {
				ipt_match_done(d);
				return 1;
			}
			if (rc < 0) {
				ipt_err(fl->e, fl->f, y->t, "'%s' cannot be "
					"combined with '%s' of line %u that "
					"leads here", y->s, x->s,
					x->t->lineno);
				ipt_match_done(d);
				return err_hint(fl->e, "masqsh rules hold one "
						"value per column; merge the "
						"rules by hand");
			}
		}
		if (v->s) {
			d->v[i].s = xstrdup(v->s);
			d->v[i].t = v->t;
		}
	}
	return 0;
}

/* How many match slots @m fills (the comment is no match). */
static size_t
match_count(const struct ipt_match *m, size_t *last)
{
	size_t i, n = 0;

	for (i = 0; i < IPT_SLOT__N; i++)
		if (m->v[i].s && i != IPT_COMMENT) {
			n++;
			*last = i;
		}
	return n;
}

/*
 * *neg = *neg AND NOT @m: packets matching @m leave the chain at @why.
 * Only a single address (or its exclusion) has a negation masqsh holds.
 */
static int
neg_add(struct flat *fl, struct ipt_match *neg, const struct ipt_match *m,
	const struct ipt_tok *why, bool *stop)
{
	static const enum ipt_slot flip[IPT_SLOT__N] = {
		[IPT_SRC] = IPT_SRC_EXC, [IPT_SRC_EXC] = IPT_SRC,
		[IPT_DST] = IPT_DST_EXC, [IPT_DST_EXC] = IPT_DST,
	};
	struct ipt_match n1, n2;
	size_t last = 0;
	int rc;

	/* (an exclusion list negates to an include list: in one of them) */
	if (match_count(m, &last) != 1 ||
	    (last > IPT_DST_EXC && last != IPT_PROTO && last != IPT_DPORT)) {
		ipt_err(fl->e, fl->f, why, "the rules after this '%s' would "
			"need its matches negated, which masqsh can do for "
			"one -s, -d, -p or --dport only", why->t.s);
		return err_hint(fl->e, "reorder the chain so the rules that "
				"follow do not depend on it");
	}
	memset(&n1, 0, sizeof(n1));
	if (last == IPT_PROTO || last == IPT_DPORT) {
		const char *p = m->v[last].s;

		n1.v[last].s = p[0] == '!' ? xstrdup(p + 1) :
			       xasprintf("!%s", p);
		n1.v[last].t = m->v[last].t;
	} else {
		n1.v[flip[last]] = m->v[last];
	}
	rc = match_conj(fl, &n2, neg, &n1);
	if (last == IPT_PROTO || last == IPT_DPORT)
		free(n1.v[last].s);
	if (rc == 1) {
		*stop = true;	/* nothing is left for the rest */
		return 0;
	}
	if (rc == 0) {
		ipt_match_done(neg);
		*neg = n2;
	}
	return rc;
}

/* The words of the masqsh rule being built, as tokens on the file's words
 * so the rule parsers' errors mark the file. */
struct words {
	struct masq_tok v[40];
	const struct ipt_tok *from[40];
	char *own[40];
	size_t n;
};

static void
words_done(struct words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->own[i]);
	w->n = 0;
}

/* Add keyword @kw (marked at @t) and, unless NULL, value @val (taken). */
static void
words_add(struct words *w, const char *kw, const struct ipt_tok *t,
	  char *val)
{
	/* at most 15 keywords, each with a value */
	assert(w->n + 2 <= sizeof(w->v) / sizeof(w->v[0]));
	w->v[w->n] = t->t;
	w->v[w->n].s = kw;
	w->from[w->n] = t;
	w->own[w->n++] = NULL;
	if (!val)
		return;
	w->v[w->n] = t->t;
	w->v[w->n].s = val;
	w->from[w->n] = t;
	w->own[w->n++] = val;
}

static void
words_slot(struct words *w, const char *kw, const struct ipt_val *v)
{
	if (v->s)
		words_add(w, kw, v->t, xstrdup(v->s));
}

/* "NET!EXCL" / "!EXCL" of an include slot and its exclusion slot */
static void
words_netlist(struct words *w, const char *kw, const struct ipt_val *inc,
	      const struct ipt_val *exc)
{
	if (!exc->s)
		words_slot(w, kw, inc);
	else
		words_add(w, kw, inc->s ? inc->t : exc->t, xasprintf("%s!%s",
			  inc->s ? inc->s : "", exc->s));
}

/* Refuse the slots a kind of rule has no column for. */
static int
no_slots(struct flat *fl, const struct ipt_match *m, const int *sl,
	 const char *what)
{
	static const char *const opt[IPT_SLOT__N] = {
		[IPT_IIF] = "-i", [IPT_OIF] = "-o", [IPT_MARK] = "--mark",
		[IPT_UID] = "--uid-owner", [IPT_GID] = "--gid-owner",
		[IPT_IPSEC] = "-m policy",
	};

	for (; *sl >= 0; sl++)
		if (m->v[*sl].s) {
			assert(opt[*sl]);
			ipt_err(fl->e, fl->f, m->v[*sl].t, "%s cannot match "
				"on %s ('%s')", what, opt[*sl],
				m->v[*sl].t->t.s);
			return -1;
		}
	return 0;
}

/*
 * The rule is read back once: it is stored as its text, and every later
 * read parses that text again, so a text that does not give the same
 * rule would make the database unreadable.
 */
static int
readback(struct flat *fl, char *text, bool fwd, const struct ipt_tok *at)
{
	struct tok_list tl = { 0 };
	struct nat_rule r;
	struct nat_forward f;
	char *again = NULL;
	int rc;

	nat_rule_init(&r);
	nat_forward_init(&f);
	rc = tok_split(&tl, text, 0, fl->e);
	if (rc == 0)
		rc = fwd ? nat_forward_parse_kw(&f, tl.v, tl.n, fl->e) :
			   nat_rule_parse_kw(&r, tl.v, tl.n, fl->e);
	if (rc == 0)
		again = fwd ? nat_forward_format_kw(&f) : nat_rule_format_kw(&r);
	if (rc < 0 || strcmp(again, text) != 0) {
		ipt_err(fl->e, fl->f, at, "masqsh cannot keep this rule: "
			"'%s' does not read back", text);
		rc = -1;
	}
	free(again);
	tok_list_done(&tl);
	nat_rule_done(&r);
	nat_forward_done(&f);
	return rc;
}

static int
out_add(struct flat *fl, char *text, bool fwd, const struct ipt_tok *at)
{
	char ***v = fwd ? &fl->im->fwd : &fl->im->masq;
	size_t *n = fwd ? &fl->im->n_fwd : &fl->im->n_masq;

	if (fl->im->n_fwd + fl->im->n_masq >= IPT_RULES_MAX) {
		free(text);
		return ipt_err(fl->e, fl->f, at, "more than %d rules once "
			       "the chains are inlined", IPT_RULES_MAX);
	}
	if (readback(fl, text, fwd, at) < 0) {
		free(text);
		return -1;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = text;
	return 0;
}

/* Parse @w as a masq rule (or forward) and keep its canonical text. */
static int
words_emit(struct flat *fl, struct words *w, bool fwd,
	   const struct ipt_tok *at)
{
	struct nat_rule r;
	struct nat_forward f;
	char *text = NULL;
	int rc;

	nat_rule_init(&r);
	nat_forward_init(&f);
	rc = fwd ? nat_forward_parse_kw(&f, w->v, w->n, fl->e) :
		   nat_rule_parse_kw(&r, w->v, w->n, fl->e);
	if (rc < 0)
		ipt_err_locate(fl->e, fl->f, w->from, w->n, at);
	else
		text = fwd ? nat_forward_format_kw(&f) : nat_rule_format_kw(&r);
	nat_rule_done(&r);
	nat_forward_done(&f);
	words_done(w);
	return rc < 0 ? -1 : out_add(fl, text, fwd, at);
}

/* "user" from --uid-owner / --gid-owner: [!]USER[:GROUP] */
static int
words_owner(struct flat *fl, struct words *w, const struct ipt_match *m)
{
	const struct ipt_val *u = &m->v[IPT_UID], *g = &m->v[IPT_GID];

	if (u->s && g->s) {
		if (u->s[0] == '!' || g->s[0] == '!')
			return ipt_err(fl->e, fl->f, u->s[0] == '!' ? u->t :
				       g->t, "masqsh negates user and group "
				       "together only");
		words_add(w, "user", u->t, xasprintf("%s:%s", u->s, g->s));
	} else if (u->s) {
		words_slot(w, "user", u);
	} else if (g->s) {
		words_add(w, "user", g->t, xasprintf("%s:%s",
			  g->s[0] == '!' ? "!" : "", g->s + (g->s[0] == '!')));
	}
	return 0;
}

/* Does any address of the rule say which family it is for? */
static bool
has_v6_addr(const struct ipt_match *m, const struct ipt_rule *r)
{
	static const int sl[] = { IPT_SRC, IPT_SRC_EXC, IPT_DST, IPT_DST_EXC };
	size_t i;

	for (i = 0; i < 4; i++)
		if (m->v[sl[i]].s && strchr(m->v[sl[i]].s, ':'))
			return true;
	return r->target == IPT_T_SNAT && strchr(r->to.s, ':');
}

static int
emit_masq(struct flat *fl, const struct ipt_match *m,
	  const struct ipt_rule *r, bool nonat)
{
	static const int none[] = { IPT_IIF, -1 };
	const struct ipt_val *v = m->v;
	struct words w;

	w.n = 0;
	if (no_slots(fl, m, none, "a masq rule") < 0)
		return -1;
	/*
	 * Without -o: a masq rule for any interface (masqsh-rules(5) ANY
	 * INTERFACE) for SNAT and exemptions.  MASQUERADE takes the address
	 * of the interface a packet leaves by, which such a rule does not
	 * name (and which masqsh refuses without 'out').
	 */
	if (!v[IPT_OIF].s && r->target == IPT_T_MASQ && !nonat) {
		ipt_err(fl->e, fl->f, r->tt, "MASQUERADE without -o: masqsh "
			"masquerades out of a named interface");
		return err_hint(fl->e, "add '-o IFACE' to the rule (or to "
				"the jump that leads here), or use -j SNAT "
				"--to-source ADDR");
	}
	words_slot(&w, "out", &v[IPT_OIF]);
	words_netlist(&w, "to", &v[IPT_DST], &v[IPT_DST_EXC]);
	words_slot(&w, "from", &v[IPT_SRC]);
	/* an ip6tables rule without an address would be an IPv4 rule in
	 * masqsh (rule.h: nat_rule_family); ::/0 keeps it IPv6 and matches
	 * every source.  A rule for any interface names its sources or
	 * destinations: an iptables rule without -o, -s and -d means every
	 * source, which 0.0.0.0/0 says. */
	if (fl->f->v6 && !v[IPT_SRC].s && !has_v6_addr(m, r))
		words_add(&w, "from", r->tt, xstrdup("::/0"));
	else if (!v[IPT_OIF].s && !v[IPT_SRC].s && !v[IPT_DST].s)
		words_add(&w, "from", r->tt, xstrdup("0.0.0.0/0"));
	words_slot(&w, "except", &v[IPT_SRC_EXC]);
	if (r->target == IPT_T_SNAT && !nonat)
		words_slot(&w, "snat", &r->to);
	if (!nonat) {
		words_slot(&w, "ports", &r->ports);
		if (r->random)
			words_add(&w, "random", r->random, NULL);
		if (r->random_fully)
			words_add(&w, "fully-random", r->random_fully, NULL);
		if (r->persistent)
			words_add(&w, "persistent", r->persistent, NULL);
	} else {
		words_add(&w, "nonat", r->tt, NULL);
	}
	words_slot(&w, "proto", &v[IPT_PROTO]);
	words_slot(&w, "dport", &v[IPT_DPORT]);
	words_slot(&w, "ipsec", &v[IPT_IPSEC]);
	words_slot(&w, "mark", &v[IPT_MARK]);
	if (words_owner(fl, &w, m) < 0) {
		words_done(&w);
		return -1;
	}
	words_slot(&w, "comment", &v[IPT_COMMENT]);
	return words_emit(fl, &w, false, r->tt);
}

/*
 * -d on a DNAT: the forward's "dst", one public address.  A network or
 * '! -d' is refused: a forward listens on one address (its dst is what
 * hairpin and explain name as the public side), so "any address of
 * 198.51.100.0/24" or "any but X" has no forward that says the same.
 * *out (caller's) is the address without its /32 or /128.
 */
static int
fwd_dst_val(struct flat *fl, const struct ipt_match *m, char **out)
{
	const struct ipt_val *d = &m->v[IPT_DST], *x = &m->v[IPT_DST_EXC];
	struct nat_net n;
	const char *slash;

	*out = NULL;
	if (x->s) {
		ipt_err(fl->e, fl->f, x->t, "a forward's dst is one address: "
			"masqsh cannot forward 'any destination but %s'",
			x->s);
		return err_hint(fl->e, "name the public address the DNAT is "
				"for with -d ADDR, or keep this rule in "
				"iptables");
	}
	if (!d->s)
		return 0;
	if (nat_net_parse(&n, d->s, 0) < 0 ||
	    n.plen != (n.family == AF_INET6 ? 128 : 32)) {
		ipt_err(fl->e, fl->f, d->t, "a forward's dst is one public "
			"address, not a network ('-d %s')", d->s);
		return err_hint(fl->e, "split the rule, one DNAT per public "
				"address");
	}
	slash = strchr(d->s, '/');
	*out = slash ? xstrndup(d->s, (size_t)(slash - d->s)) : xstrdup(d->s);
	return 0;
}

static int
emit_fwd(struct flat *fl, const struct ipt_match *m, const struct ipt_rule *r)
{
	static const int none[] = {
		IPT_OIF, IPT_MARK, IPT_UID, IPT_GID, IPT_IPSEC, -1
	};
	const struct ipt_val *v = m->v;
	struct words w;
	char *dst;

	w.n = 0;
	if (no_slots(fl, m, none, "a forward") < 0 ||
	    fwd_dst_val(fl, m, &dst) < 0)
		return -1;
	if (!v[IPT_IIF].s) {
		free(dst);
		ipt_err(fl->e, fl->f, r->tt, "a forward names its incoming "
			"interface: this DNAT has no -i");
		return err_hint(fl->e, "add '-i IFACE' to the rule (or to "
				"the jump that leads here)");
	}
	words_slot(&w, "in", &v[IPT_IIF]);
	if (dst)
		words_add(&w, "dst", v[IPT_DST].t, dst);
	words_slot(&w, "proto", &v[IPT_PROTO]);
	words_slot(&w, "dport", &v[IPT_DPORT]);
	words_slot(&w, "to", &r->to);
	words_netlist(&w, "from", &v[IPT_SRC], &v[IPT_SRC_EXC]);
	words_slot(&w, "comment", &v[IPT_COMMENT]);
	return words_emit(fl, &w, true, r->tt);
}

static int walk(struct flat *fl, size_t ci, const struct ipt_match *ctx,
		const struct ipt_tok *via);

/*
 * @m without what the chain's context already says: iptables-save repeats
 * "-p tcp" in a chain reached by "-p tcp", and a RETURN on "-p tcp -m tcp
 * --dport 25" there only needs its --dport negated.  *r borrows @m's
 * values.
 */
static void
match_reduce(const struct ipt_match *ctx, const struct ipt_match *m,
	     struct ipt_match *r)
{
	const struct ipt_val *v;
	size_t i;

	*r = *m;
	for (i = 0; ctx && i < IPT_SLOT__N; i++) {
		if (!m->v[i].s || !ctx->v[i].s)
			continue;
		v = NULL;
		if (strcmp(ctx->v[i].s, m->v[i].s) == 0)
			v = &ctx->v[i];
		else if (nested[i] && narrower(i, &ctx->v[i], &m->v[i], &v))
			v = NULL;
		if (v == &ctx->v[i])	/* the context is inside @m's value */
			memset(&r->v[i], 0, sizeof(r->v[i]));
	}
}

/* The packets of @r leave the chain: *stop, or a condition on the rest. */
static int
leave(struct flat *fl, const struct ipt_rule *r, struct ipt_match *neg,
      bool *stop)
{
	struct ipt_match red;
	size_t last;

	match_reduce(fl->ctx, &r->m, &red);
	if (match_count(&red, &last) == 0) {
		*stop = true;
		return 0;
	}
	return neg_add(fl, neg, &red, r->tt, stop);
}

/* One rule of a chain, @m its matches with those that lead to it. */
static int
step(struct flat *fl, const struct ipt_rule *r, const struct ipt_match *m,
     struct ipt_match *neg, bool *stop)
{
	bool post = fl->hook == HOOK_POST, top = fl->depth == 1, uncond;
	size_t last;

	uncond = match_count(&r->m, &last) == 0;
	switch (r->target) {
	case IPT_T_MASQ:
	case IPT_T_SNAT:
	case IPT_T_DNAT:
		if (post != (r->target != IPT_T_DNAT))
			return ipt_err(fl->e, fl->f, r->tt, "-j %s in a chain "
				       "reached from %s", r->tt->t.s, post ?
				       "POSTROUTING" : "PREROUTING");
		return post ? emit_masq(fl, m, r, false) : emit_fwd(fl, m, r);
	case IPT_T_ACCEPT:
		/* ACCEPT ends the whole nat hook, not just the chain: a
		 * 'nonat' rule; in the built-in chain it is a RETURN too,
		 * which is the way when the rule has no -o for 'nonat' */
		if (post && (!top || (!uncond && m->v[IPT_OIF].s)))
			return emit_masq(fl, m, r, true);
		if (!post && !top) {
			ipt_err(fl->e, fl->f, r->tt, "ACCEPT in a user chain "
				"reached from PREROUTING has no masqsh "
				"equivalent");
			return err_hint(fl->e, "move the exemption into "
					"PREROUTING itself");
		}
		return leave(fl, r, neg, stop);
	case IPT_T_GOTO:
		/* the packets that come back from the chain end here */
		if (walk(fl, r->chain, m, r->tt) < 0)
			return -1;
		/* fall through */
	case IPT_T_RETURN:
		if (post && top && !uncond && m->v[IPT_OIF].s)
			return emit_masq(fl, m, r, true);
		return leave(fl, r, neg, stop);
	case IPT_T_JUMP:
		return walk(fl, r->chain, m, r->tt);
	}
	return 0;
}

static int
walk(struct flat *fl, size_t ci, const struct ipt_match *ctx,
     const struct ipt_tok *via)
{
	const struct ipt_chain *c = &fl->f->ch[ci];
	const struct ipt_match *saved;
	struct ipt_match neg, base, m;
	bool stop = false;
	size_t i;
	int rc = 0;

	if (fl->busy[ci])
		return ipt_err(fl->e, fl->f, via, "chain loop: '%s' is "
			       "reached from itself", c->name);
	if (fl->depth >= IPT_DEPTH_MAX)
		return ipt_err(fl->e, fl->f, via, "chains nest deeper than "
			       "%d", IPT_DEPTH_MAX);
	if (fl->visits + c->n > IPT_VISITS_MAX)
		return ipt_err(fl->e, fl->f, via, "the chains inline to more "
			       "than %d rules", IPT_VISITS_MAX);
	fl->visits += c->n;
	fl->busy[ci] = true;
	fl->depth++;
	saved = fl->ctx;
	fl->ctx = ctx;
	memset(&neg, 0, sizeof(neg));
	for (i = 0; i < c->n && !stop && rc == 0; i++) {
		/* rc 1: the rule matches nothing here, and does nothing */
		rc = match_conj(fl, &base, ctx, &neg);
		if (rc == 0) {
			rc = match_conj(fl, &m, &base, &c->r[i].m);
			ipt_match_done(&base);
		}
		if (rc == 0) {
			rc = step(fl, &c->r[i], &m, &neg, &stop);
			ipt_match_done(&m);
		}
		if (rc == 1)
			rc = 0;
	}
	ipt_match_done(&neg);
	fl->ctx = saved;
	fl->depth--;
	fl->busy[ci] = false;
	return rc;
}

int
ipt_flatten(const struct ipt_file *f, struct ipt_import *im,
	    struct masq_err *e)
{
	struct flat fl = { f, im, e, HOOK_PRE, 0, NULL, 0, NULL };
	struct ipt_match none;
	size_t i;
	int rc = 0;

	memset(&none, 0, sizeof(none));
	fl.busy = xcalloc(f->n_ch ? f->n_ch : 1, sizeof(*fl.busy));
	im->tables_skipped += f->skipped;
	for (i = 0; i < f->n_ch; i++) {
		const struct ipt_chain *c = &f->ch[i];

		if (!c->builtin || c->n == 0)
			continue;
		if (strcmp(c->name, "PREROUTING") == 0 ||
		    strcmp(c->name, "POSTROUTING") == 0) {
			fl.hook = c->name[1] == 'R' ? HOOK_PRE : HOOK_POST;
			rc = walk(&fl, i, &none, c->decl);
			if (rc < 0)
				break;
			continue;
		}
		ipt_err(e, f, c->r[0].tt, "nat %s rules (the gateway's own "
			"traffic) have no masqsh equivalent", c->name);
		rc = err_hint(e, "masqsh translates forwarded traffic in "
			      "PREROUTING and POSTROUTING only");
		break;
	}
	free(fl.busy);
	return rc;
}

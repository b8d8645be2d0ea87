/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipt_rule.c - the options of one nat rule of an iptables-save dump
 * ("-A CHAIN [!] -s NET ... -j TARGET [target options]"), each turned into
 * the masqsh value it means (ipt_int.h).
 *
 * Owns: which options and matches are understood, with the reasons for
 * those that are not (an option masqsh has no column for is an error, not
 * something dropped: the import would translate other flows than the
 * iptables rules did).  The matches: -s -d -i -o -p, --dport, -m multiport
 * --dports, -m policy --pol ipsec|none --dir out (--reqid, --spi,
 * --tunnel-src, --tunnel-dst), -m mark --mark, -m owner --uid-owner /
 * --gid-owner, -m comment.  The targets: MASQUERADE, SNAT, DNAT, ACCEPT,
 * RETURN and user chains (-j, -g), with --to-ports, --to-source,
 * --to-destination, --random, --random-fully (masqsh's fully-random) and
 * --persistent.
 * Does not own: checking the values (address syntax, port ranges): the
 * rule parsers do that when ipt_flat.c builds the rules.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/ipt_int.h"
#include "nat/rule.h"

enum opt_id {
	O_SRC, O_DST, O_IIF, O_OIF, O_PROTO, O_MATCH, O_DPORT, O_DPORTS,
	O_SPORT, O_POL, O_DIR, O_REQID, O_SPI, O_TSRC, O_TDST, O_MARK, O_UID,
	O_GID, O_COMMENT, O_JUMP, O_GOTO, O_TOPORTS, O_TOSRC, O_TODST,
	O_RANDOM, O_RANDFULL, O_PERSIST, O__N
};

struct opt {
	const char *name, *alias;
	bool val, negok;
};

static const struct opt opts[O__N] = {
	[O_SRC] = { "-s", "--source", true, true },
	[O_DST] = { "-d", "--destination", true, true },
	[O_IIF] = { "-i", "--in-interface", true, true },
	[O_OIF] = { "-o", "--out-interface", true, true },
	[O_PROTO] = { "-p", "--protocol", true, true },
	[O_MATCH] = { "-m", "--match", true, false },
	[O_DPORT] = { "--dport", "--destination-port", true, true },
	[O_DPORTS] = { "--dports", "--destination-ports", true, true },
	[O_SPORT] = { "--sport", "--source-port", true, true },
	[O_POL] = { "--pol", NULL, true, false },
	[O_DIR] = { "--dir", NULL, true, false },
	[O_REQID] = { "--reqid", NULL, true, false },
	[O_SPI] = { "--spi", NULL, true, false },
	[O_TSRC] = { "--tunnel-src", NULL, true, false },
	[O_TDST] = { "--tunnel-dst", NULL, true, false },
	[O_MARK] = { "--mark", NULL, true, true },
	[O_UID] = { "--uid-owner", NULL, true, true },
	[O_GID] = { "--gid-owner", NULL, true, true },
	[O_COMMENT] = { "--comment", NULL, true, false },
	[O_JUMP] = { "-j", "--jump", true, false },
	[O_GOTO] = { "-g", "--goto", true, false },
	[O_TOPORTS] = { "--to-ports", NULL, true, false },
	[O_TOSRC] = { "--to-source", NULL, true, false },
	[O_TODST] = { "--to-destination", NULL, true, false },
	[O_RANDOM] = { "--random", NULL, false, false },
	[O_RANDFULL] = { "--random-fully", NULL, false, false },
	[O_PERSIST] = { "--persistent", NULL, false, false },
};

/* The source-port options: masqsh rules match destination ports only. */
static const char *const sport_names[] = {
	"--sports", "--source-ports", "--ports", NULL
};

/* -m modules whose options are read above. */
static const char *const modules[] = {
	"tcp", "udp", "multiport", "policy", "mark", "owner", "comment", NULL
};

/* What one rule's words say, before they are checked together. */
struct rule_words {
	const struct ipt_tok *o[O__N];		/* the option words */
	const struct ipt_tok *v[O__N];		/* their values */
	bool neg[O__N];
};

static int
opt_find(const char *s)
{
	int i;

	for (i = 0; i < O__N; i++)
		if (strcmp(s, opts[i].name) == 0 ||
		    (opts[i].alias && strcmp(s, opts[i].alias) == 0))
			return i;
	return -1;
}

static bool
in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(s, *l) == 0)
			return true;
	return false;
}

/* Sort the words of a rule into @rw: each option once, with its value. */
static int
words_collect(const struct ipt_file *f, struct ipt_tok *const *w, size_t n,
	      struct rule_words *rw, struct masq_err *e)
{
	const struct ipt_tok *bang = NULL;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		if (strcmp(w[i]->t.s, "!") == 0 && !bang) {
			bang = w[i];
			continue;
		}
		k = opt_find(w[i]->t.s);
		if (k < 0 && in_list(w[i]->t.s, sport_names))
			k = O_SPORT;
		if (k < 0)
			return ipt_err(e, f, w[i], "option '%s' has no masqsh "
				       "equivalent", w[i]->t.s);
		if (bang && !opts[k].negok)
			return ipt_err(e, f, bang, "'!' cannot go with '%s'",
				       w[i]->t.s);
		if (k == O_MATCH && i + 1 < n) {
			if (!in_list(w[i + 1]->t.s, modules)) {
				ipt_err(e, f, w[i + 1], "match '-m %s' has no "
					"masqsh equivalent", w[i + 1]->t.s);
				return err_hint(e, "masqsh reads -m tcp, udp, "
						"multiport, policy, mark, owner "
						"and comment");
			}
			i++;		/* a module may be loaded twice */
			continue;
		}
		if (rw->o[k])
			return ipt_err(e, f, w[i], "'%s' given twice",
				       w[i]->t.s);
		rw->o[k] = w[i];
		rw->neg[k] = bang != NULL;
		bang = NULL;
		if (!opts[k].val)
			continue;
		if (i + 1 == n)
			return ipt_err(e, f, w[i], "'%s' needs a value",
				       w[i]->t.s);
		rw->v[k] = w[++i];
	}
	if (bang)
		return ipt_err(e, f, bang, "'!' is not followed by an option");
	return 0;
}

static void
slot_set(struct ipt_match *m, enum ipt_slot sl, const struct ipt_tok *t,
	 char *s)
{
	free(m->v[sl].s);
	m->v[sl].s = s;
	m->v[sl].t = t;
}

/* "10.0.0.0/255.0.0.0" -> "10.0.0.0/8": older iptables-save writes a
 * mask that way; a mask that is not a prefix cannot be expressed. */
static int
addr_val(const struct ipt_file *f, const struct ipt_tok *t, char **out,
	 struct masq_err *e)
{
	const char *slash = strchr(t->t.s, '/');
	struct in_addr m;
	uint32_t v;
	int plen = 0;

	if (!slash || !strchr(slash, '.')) {
		struct nat_net net;

		/* a word that is no network would change meaning inside
		 * masqsh's lists ("from eth0" is an interface) */
		if (nat_net_parse(&net, t->t.s, 0) < 0)
			return ipt_err(e, f, t, "bad address '%s'", t->t.s);
		*out = xstrdup(t->t.s);
		return 0;
	}
	if (inet_pton(AF_INET, slash + 1, &m) != 1)
		return ipt_err(e, f, t, "bad network mask '%s'", slash + 1);
	v = ntohl(m.s_addr);
	while (plen < 32 && (v & (0x80000000u >> plen)))
		plen++;
	if (plen < 32 && (v << plen) != 0)
		return ipt_err(e, f, t, "network mask '%s' is not a prefix",
			       slash + 1);
	*out = xasprintf("%.*s/%d", (int)(slash - t->t.s), t->t.s, plen);
	return 0;
}

/* "1024:2048,80" -> "1024-2048,80" (masqsh writes ranges with '-') */
static char *
ports_val(const char *s, bool neg)
{
	char *r = xasprintf("%s%s", neg ? "!" : "", s), *p;

	for (p = r; *p; p++)
		if (*p == ':')
			*p = '-';
	return r;
}

/*
 * masqsh's values have list and option syntax (',' lists, ':' a group
 * or a conntrack mark, '!' exclusions, '=' ipsec options) that a single
 * iptables value never has: a value that carries it would say more in
 * masqsh than in the file, so it is refused here.
 */
static int
plain_vals(const struct ipt_file *f, const struct rule_words *rw,
	   struct masq_err *e)
{
	static const struct { int o; const char *bad; } v[] = {
		{ O_IIF, ",:!/" }, { O_OIF, ",:!/" }, { O_PROTO, ",!" },
		{ O_DPORT, ",!" }, { O_DPORTS, "!" }, { O_MARK, ":!," },
		{ O_UID, ":!," }, { O_GID, ":!," }, { O_REQID, ",=" },
		{ O_SPI, ",=" }, { O_TSRC, ",=" }, { O_TDST, ",=" },
		{ O_TOPORTS, ",!" }, { O_TOSRC, ",!" }, { O_TODST, ",!" },
	};
	const struct ipt_tok *t;
	size_t i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		t = rw->v[v[i].o];
		if (!t)
			continue;
		k = strcspn(t->t.s, v[i].bad);
		if (t->t.s[k] || !t->t.s[0]) {
			struct masq_tok sub = t->t;

			err_tok_sub(e, MASQ_EUSAGE, &sub, t->t.s[0] ? k : 0,
				    t->t.s[0] ? 1 : 0, "bad value '%s' for "
				    "'%s'", t->t.s, opts[v[i].o].name);
			return err_origin(e, "%s:%u", f->path, t->lineno);
		}
	}
	return 0;
}

/* -s and -d: a network, or with '!' an exclusion. */
static int
match_addrs(const struct ipt_file *f, const struct rule_words *rw,
	    struct ipt_match *m, struct masq_err *e)
{
	static const int o[2] = { O_SRC, O_DST };
	static const enum ipt_slot inc[2] = { IPT_SRC, IPT_DST };
	static const enum ipt_slot exc[2] = { IPT_SRC_EXC, IPT_DST_EXC };
	char *s = NULL;
	int i;

	for (i = 0; i < 2; i++) {
		if (!rw->v[o[i]])
			continue;
		if (addr_val(f, rw->v[o[i]], &s, e) < 0)
			return -1;
		slot_set(m, rw->neg[o[i]] ? exc[i] : inc[i], rw->v[o[i]], s);
	}
	return 0;
}

/* -m policy: masqsh matches the policy of the way out only. */
static int
match_ipsec(const struct ipt_file *f, const struct rule_words *rw,
	    struct ipt_match *m, struct masq_err *e)
{
	static const int kv[4] = { O_REQID, O_SPI, O_TSRC, O_TDST };
	static const char *const kn[4] = {
		"reqid", "spi", "tunnel-src", "tunnel-dst"
	};
	char *s = NULL, *t;
	int i;

	if (!rw->o[O_POL] && !rw->o[O_DIR] && !rw->o[O_REQID] &&
	    !rw->o[O_SPI] && !rw->o[O_TSRC] && !rw->o[O_TDST])
		return 0;
	if (!rw->v[O_POL] || !rw->v[O_DIR])
		return ipt_err(e, f, rw->o[O_POL] ? rw->o[O_POL] :
			       rw->o[O_DIR] ? rw->o[O_DIR] : rw->o[O_REQID] ?
			       rw->o[O_REQID] : rw->o[O_SPI] ? rw->o[O_SPI] :
			       rw->o[O_TSRC] ? rw->o[O_TSRC] : rw->o[O_TDST],
			       "-m policy needs both --pol and --dir");
	if (strcmp(rw->v[O_DIR]->t.s, "out") != 0) {
		ipt_err(e, f, rw->v[O_DIR], "masqsh matches the IPsec policy "
			"of the way out only");
		return err_hint(e, "SNAT rules see outgoing packets: write "
				"--dir out");
	}
	if (strcmp(rw->v[O_POL]->t.s, "none") == 0) {
		for (i = 0; i < 4; i++)
			if (rw->o[kv[i]])
				return ipt_err(e, f, rw->o[kv[i]], "'%s' cannot "
					       "go with --pol none",
					       rw->o[kv[i]]->t.s);
		slot_set(m, IPT_IPSEC, rw->v[O_POL], xstrdup("no"));
		return 0;
	}
	if (strcmp(rw->v[O_POL]->t.s, "ipsec") != 0)
		return ipt_err(e, f, rw->v[O_POL], "policy '%s' is neither "
			       "'ipsec' nor 'none'", rw->v[O_POL]->t.s);
	for (i = 0; i < 4; i++) {
		if (!rw->v[kv[i]])
			continue;
		t = xasprintf("%s%s%s=%s", s ? s : "", s ? "," : "", kn[i],
			      rw->v[kv[i]]->t.s);
		free(s);
		s = t;
	}
	slot_set(m, IPT_IPSEC, rw->v[O_POL], s ? s : xstrdup("yes"));
	return 0;
}

static int
rule_matches(const struct ipt_file *f, const struct rule_words *rw,
	     struct ipt_match *m, struct masq_err *e)
{
	static const int ifo[2] = { O_IIF, O_OIF };
	static const enum ipt_slot ifs[2] = { IPT_IIF, IPT_OIF };
	const struct ipt_tok *p = rw->v[O_PROTO];
	int i;

	if (match_addrs(f, rw, m, e) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		if (!rw->v[ifo[i]])
			continue;
		if (rw->neg[ifo[i]]) {
			ipt_err(e, f, rw->o[ifo[i]], "masqsh has no negated "
				"interface ('! %s')", rw->o[ifo[i]]->t.s);
			return err_hint(e, "name the interfaces the rule is "
					"for instead");
		}
		slot_set(m, ifs[i], rw->v[ifo[i]], xstrdup(rw->v[ifo[i]]->t.s));
	}
	if (p && (rw->neg[O_PROTO] || strcmp(p->t.s, "all") != 0))
		slot_set(m, IPT_PROTO, p, xasprintf("%s%s", rw->neg[O_PROTO] ?
			 "!" : "", p->t.s));
	if (rw->o[O_SPORT]) {
		ipt_err(e, f, rw->o[O_SPORT], "masqsh rules match destination "
			"ports only ('%s')", rw->o[O_SPORT]->t.s);
		return err_hint(e, "drop the source-port match or keep this "
				"rule in iptables");
	}
	if (rw->o[O_DPORT] && rw->o[O_DPORTS])
		return ipt_err(e, f, rw->o[O_DPORTS], "--dports cannot go "
			       "with --dport");
	i = rw->o[O_DPORT] ? O_DPORT : O_DPORTS;
	if (rw->v[i])
		slot_set(m, IPT_DPORT, rw->v[i], ports_val(rw->v[i]->t.s,
							   rw->neg[i]));
	if (rw->v[O_MARK])
		slot_set(m, IPT_MARK, rw->v[O_MARK], xasprintf("%s%s",
			 rw->neg[O_MARK] ? "!" : "", rw->v[O_MARK]->t.s));
	if (rw->v[O_UID])
		slot_set(m, IPT_UID, rw->v[O_UID], xasprintf("%s%s",
			 rw->neg[O_UID] ? "!" : "", rw->v[O_UID]->t.s));
	if (rw->v[O_GID])
		slot_set(m, IPT_GID, rw->v[O_GID], xasprintf("%s%s",
			 rw->neg[O_GID] ? "!" : "", rw->v[O_GID]->t.s));
	if (rw->v[O_COMMENT])
		slot_set(m, IPT_COMMENT, rw->v[O_COMMENT],
			 xstrdup(rw->v[O_COMMENT]->t.s));
	return match_ipsec(f, rw, m, e);
}

/*
 * --to-source / --to-destination: "ADDR[-ADDR][:PORT[-PORT]]", an IPv6
 * address in brackets when ports follow.  *addr and *ports (NULL when
 * none) are the caller's.
 */
static int
split_to(const struct ipt_file *f, const struct ipt_tok *t, char **addr,
	 char **ports, struct masq_err *e)
{
	const char *s = t->t.s, *close, *colon = strchr(s, ':');

	*addr = *ports = NULL;
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':'))
			return ipt_err(e, f, t, "expected [ADDRESS]:PORTS");
		*addr = xstrndup(s + 1, (size_t)(close - s - 1));
		if (close[1])
			*ports = xstrdup(close + 2);
	} else if (colon && !strchr(colon + 1, ':')) {
		*addr = xstrndup(s, (size_t)(colon - s));
		*ports = xstrdup(colon + 1);
	} else {
		*addr = xstrdup(s);
	}
	if (!**addr || (*ports && !**ports)) {
		free(*addr);
		free(*ports);
		*addr = *ports = NULL;
		return ipt_err(e, f, t, "expected ADDRESS[:PORTS]");
	}
	return 0;
}

/* Which target options go with which target. */
static int
target_opts_check(const struct ipt_file *f, const struct ipt_rule *r,
		  const struct rule_words *rw, struct masq_err *e)
{
	static const struct { int o; unsigned int ok; } use[] = {
		{ O_TOPORTS, 1u << IPT_T_MASQ },
		{ O_TOSRC, 1u << IPT_T_SNAT },
		{ O_TODST, 1u << IPT_T_DNAT },
		{ O_RANDOM, 1u << IPT_T_MASQ | 1u << IPT_T_SNAT },
		{ O_RANDFULL, 1u << IPT_T_MASQ | 1u << IPT_T_SNAT },
		{ O_PERSIST, 1u << IPT_T_SNAT },
	};
	size_t i;

	for (i = 0; i < sizeof(use) / sizeof(use[0]); i++)
		if (rw->o[use[i].o] && !(use[i].ok & (1u << r->target)))
			return ipt_err(e, f, rw->o[use[i].o], "'%s' does not "
				       "go with -j %s", rw->o[use[i].o]->t.s,
				       r->tt->t.s);
	if (r->target == IPT_T_SNAT && !rw->v[O_TOSRC])
		return ipt_err(e, f, r->tt, "SNAT needs --to-source");
	if (r->target == IPT_T_DNAT && !rw->v[O_TODST])
		return ipt_err(e, f, r->tt, "DNAT needs --to-destination");
	return 0;
}

/* The address and ports of SNAT, DNAT and MASQUERADE --to-ports. */
static int
target_values(const struct ipt_file *f, struct ipt_rule *r,
	      const struct rule_words *rw, struct masq_err *e)
{
	const struct ipt_tok *t;
	char *addr, *ports;

	if (rw->v[O_TOPORTS]) {
		r->ports.t = rw->v[O_TOPORTS];
		r->ports.s = ports_val(r->ports.t->t.s, false);
	}
	r->random = rw->o[O_RANDOM];
	r->random_fully = rw->o[O_RANDFULL];
	r->persistent = rw->o[O_PERSIST];
	t = r->target == IPT_T_SNAT ? rw->v[O_TOSRC] : rw->v[O_TODST];
	if (r->target != IPT_T_SNAT && r->target != IPT_T_DNAT)
		return 0;
	if (split_to(f, t, &addr, &ports, e) < 0)
		return -1;
	r->to.t = t;
	if (r->target == IPT_T_SNAT) {
		r->to.s = addr;
		if (ports) {
			r->ports.t = t;
			r->ports.s = ports;
		}
		return 0;
	}
	if (strchr(addr, '-')) {
		free(addr);
		free(ports);
		ipt_err(e, f, t, "a forward goes to one inside host, not a "
			"range of addresses");
		return err_hint(e, "split the rule, one DNAT per host");
	}
	/* the forward's "to": ADDR[:PORT], IPv6 in brackets with a port */
	if (!ports)
		r->to.s = addr;
	else if (strchr(addr, ':'))
		r->to.s = xasprintf("[%s]:%s", addr, ports);
	else
		r->to.s = xasprintf("%s:%s", addr, ports);
	if (r->to.s != addr)
		free(addr);
	free(ports);
	return 0;
}

/* The target's name comes first: an unknown target's options would
 * otherwise be reported as unknown options, hiding the real cause. */
static int
target_known(const struct ipt_file *f, struct ipt_tok *const *w, size_t n,
	     struct masq_err *e)
{
	static const char *const known[] = {
		"MASQUERADE", "SNAT", "DNAT", "ACCEPT", "RETURN", NULL
	};
	size_t i;
	long c;

	for (i = 0; i + 1 < n; i++) {
		if (strcmp(w[i]->t.s, "-j") != 0 &&
		    strcmp(w[i]->t.s, "--jump") != 0)
			continue;
		if (in_list(w[i + 1]->t.s, known))
			return 0;
		for (c = 0; c < (long)f->n_ch; c++)
			if (!f->ch[c].builtin &&
			    strcmp(f->ch[c].name, w[i + 1]->t.s) == 0)
				return 0;
		ipt_err(e, f, w[i + 1], "target '%s' is neither a chain of "
			"the nat table nor one masqsh has", w[i + 1]->t.s);
		return err_hint(e, "masqsh reads MASQUERADE, SNAT, DNAT, "
				"ACCEPT, RETURN and user chains");
	}
	return 0;
}

static int
rule_target(const struct ipt_file *f, struct ipt_rule *r,
	    const struct rule_words *rw, const struct ipt_tok *a,
	    struct masq_err *e)
{
	static const char *const tnames[] = {
		[IPT_T_MASQ] = "MASQUERADE", [IPT_T_SNAT] = "SNAT",
		[IPT_T_DNAT] = "DNAT", [IPT_T_ACCEPT] = "ACCEPT",
		[IPT_T_RETURN] = "RETURN",
	};
	bool go = rw->v[O_GOTO] != NULL;
	long c;
	int i;

	if (rw->o[O_JUMP] && rw->o[O_GOTO])
		return ipt_err(e, f, rw->o[O_GOTO], "-g cannot go with -j");
	r->tt = go ? rw->v[O_GOTO] : rw->v[O_JUMP];
	if (!r->tt)
		return ipt_err(e, f, a, "the rule has no target (-j)");
	for (i = 0; !go && i <= IPT_T_RETURN; i++)
		if (strcmp(r->tt->t.s, tnames[i]) == 0)
			break;
	if (go || i > IPT_T_RETURN) {
		for (c = 0; c < (long)f->n_ch; c++)
			if (!f->ch[c].builtin &&
			    strcmp(f->ch[c].name, r->tt->t.s) == 0)
				break;
		if (c == (long)f->n_ch) {
			ipt_err(e, f, r->tt, "target '%s' is neither a chain "
				"of the nat table nor one masqsh has",
				r->tt->t.s);
			return err_hint(e, "masqsh reads MASQUERADE, SNAT, "
					"DNAT, ACCEPT, RETURN and user "
					"chains");
		}
		r->chain = (size_t)c;
		i = go ? IPT_T_GOTO : IPT_T_JUMP;
	}
	r->target = (enum ipt_target)i;
	if (target_opts_check(f, r, rw, e) < 0)
		return -1;
	return target_values(f, r, rw, e);
}

int
ipt_rule_parse(const struct ipt_file *f, struct ipt_rule *r,
	       struct ipt_tok *const *w, size_t n, const struct ipt_tok *a,
	       struct masq_err *e)
{
	struct rule_words rw;

	memset(&rw, 0, sizeof(rw));
	memset(r, 0, sizeof(*r));
	if (target_known(f, w, n, e) < 0 ||
	    words_collect(f, w, n, &rw, e) < 0 || plain_vals(f, &rw, e) < 0 ||
	    rule_matches(f, &rw, &r->m, e) < 0 ||
	    rule_target(f, r, &rw, a, e) < 0) {
		ipt_rule_done(r);
		return -1;
	}
	return 0;
}

void
ipt_rule_done(struct ipt_rule *r)
{
	ipt_match_done(&r->m);
	free(r->to.s);
	free(r->ports.s);
	r->to.s = r->ports.s = NULL;
}

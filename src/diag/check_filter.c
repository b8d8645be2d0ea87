/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_filter.c - filter.forwards: do other tables' filters let our
 * forwards and masqueraded flows through?  A port forward whose packets a
 * `policy drop` forward chain drops fails silently: the NAT is right and
 * nothing answers.  So every forward's inbound flow (and its reply) and a
 * flow of every masq rule (from its source out its interface, and the
 * reply) is walked through every other table's base chains
 * (nat/explain.h: explain_filter_run), and a drop names the table, chain
 * and rule, with the `nft` rule the admin could add to their own table.
 *
 * Owns: the sample flow of each rule: a forward's from its first 'from'
 * network (else 203.0.113.1 / 2001:db8::1, a client on the internet) to
 * its interface's first address, our DNAT and the route to the inside
 * host picking the way out; a masq rule's from its first 'from' network
 * (in by the route back to it) to its first 'to' destination (else
 * 192.0.2.1 / 2001:db8::1) out its first interface, tcp 443 unless the
 * rule names a protocol and port.  Does not own: the walk (nat), reading
 * the ruleset (diag_nft.c).  Nothing is sent.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctent.h"
#include "diag/diag.h"
#include "diag/diag_int.h"
#include "nat/explain.h"
#include "nat/links.h"

struct ff {
	const struct nat_ruleset *rules;
	const struct nft_ruleset *rs;
	struct diag_result *res;
	unsigned int n_flows, n_drop, n_unsure;
	char first[1400];	/* the message of the first drop/unsure */
	char fixes[1200];	/* unique fixes, "; "-joined */
};

/* @n as a host: the network address with its last bit set when the
 * prefix leaves host bits (the network address itself is no host). */
static void
net_host(const struct nat_net *n, uint8_t *a)
{
	int last = n->family == AF_INET ? 3 : 15;

	memcpy(a, n->addr, 16);
	if (n->plen < (n->family == AF_INET ? 32 : 128))
		a[last] |= 1;
}

static void
sample(int family, const char *v4, uint8_t *a)
{
	memset(a, 0, 16);
	inet_pton(family, family == AF_INET ? v4 : "2001:db8::1", a);
}

static void
fix_add(struct ff *ff, const char *fix)
{
	size_t n = strlen(ff->fixes);

	if (strstr(ff->fixes, fix))
		return;
	snprintf(ff->fixes + n, sizeof(ff->fixes) - n, "%s%s",
		 n ? "; " : "", fix);
}

/* One line about hook @fh's deciding chain: "drop by inet filter
 * forward (policy drop) on forward". */
static void
decided(const struct ff *ff, const struct explain_filter *ef, char *buf,
	size_t size)
{
	const struct explain_filter_hook *fh = &ef->hooks[ef->decider];
	const struct nft_eval_chain *d = &fh->h.chains[fh->h.decider];
	const struct nft_rs_chain *ch = &ff->rs->chains[d->chain];
	char how[200];

	if (d->by_policy)
		snprintf(how, sizeof(how), "policy drop");
	else if (d->verdict == NFT_EVAL_UNSURE)
		snprintf(how, sizeof(how), "rule handle %llu: %s",
			 (unsigned long long)d->handle, d->why);
	else
		snprintf(how, sizeof(how), "rule handle %llu",
			 (unsigned long long)d->handle);
	/* a cut line still names the verdict and where: long names are
	 * the kernel's, up to 256 bytes each */
	snprintf(buf, size, "%s by %s %s %s (%s) on %s%s",
		 d->verdict == NFT_EVAL_DROP ? "dropped" : "unsure",
		 nft_rs_family_name(ch->family), ch->table, ch->name, how,
		 fh->reply ? "the reply's " : "", nft_rs_hook_name(fh->h.hook));
}

/* The way out of @a (after DNAT), unless it is set; is it delivered
 * here? */
static bool
route_out(struct explain_flow *a)
{
	struct explain_route rt;
	struct masq_err e;

	err_init(&e);
	if (explain_route_get(a->family, a->dst, &rt, &e) < 0)
		rt.ok = false;
	err_done(&e);
	if (!a->oif[0] && rt.ok && !rt.local)
		snprintf(a->oif, sizeof(a->oif), "%s", rt.oif);
	return rt.ok && rt.local && !a->oif[0];
}

/* Walk flow @f of rule @what; evidence, counts and fixes into @ff. */
static void
flow_check(struct ff *ff, const char *what, struct explain_flow *f,
	   const char *src_match)
{
	struct explain_result res;
	struct explain_flow after;
	struct explain_filter ef;
	struct explain_filter_in in;
	char line[1024], fix[1024];

	explain_result_init(&res);
	explain_forwards(ff->rules, f, &res, &after);
	memset(&in, 0, sizeof(in));
	in.local_dst = route_out(&after);
	if (!in.local_dst)
		explain_masq(ff->rules, &after, &res);
	in.f = f;
	in.after = &after;
	in.dnat = res.fwd_hit >= 0;
	in.snat = res.masq_hit >= 0 &&
		  ff->rules->masq[res.masq_hit].action != NAT_NONAT;
	explain_filter_run(ff->rs, &in, true, &ef);
	ff->n_flows++;
	if (ef.verdict == NFT_EVAL_ACCEPT) {
		diag_evidence(ff->res, "%s: let through%s", what,
			      ef.any_chain ? "" : " (no other base chain on "
			      "its way)");
		goto out;
	}
	decided(ff, &ef, line, sizeof(line));
	diag_evidence(ff->res, "%s: %s", what, line);
	if (!ff->first[0])
		snprintf(ff->first, sizeof(ff->first), "%s: %s", what, line);
	if (ef.verdict == NFT_EVAL_UNSURE) {
		ff->n_unsure++;
		goto out;
	}
	ff->n_drop++;
	if (explain_filter_fix(ff->rs, &ef, &in, src_match, fix,
			       sizeof(fix))) {
		diag_evidence(ff->res, "  let it through: %s", fix);
		fix_add(ff, fix);
	}
out:
	explain_filter_done(&ef);
	explain_result_done(&res);
}

/* "tcp 203.0.113.1 -> 198.51.100.2:8080 in wan0" of @f into @buf. */
static void
flow_text(const struct explain_flow *f, char *buf, size_t size)
{
	char s[CT_ENDPOINTSTRLEN], d[CT_ENDPOINTSTRLEN];
	const char *p = nat_proto_name(f->proto);

	ctent_addr_text(s, sizeof(s), f->family, f->src);
	if (f->has_dport)
		ctent_endpoint_format(f->family, f->dst, f->dport, d);
	else
		ctent_addr_text(d, sizeof(d), f->family, f->dst);
	snprintf(buf, size, "%s %s -> %s in %s%s%s", p ? p : "?", s, d,
		 f->iif[0] ? f->iif : "?", f->oif[0] ? " out " : "", f->oif);
}

/* Forward @fw's inbound flow of protocol @proto. */
static void
forward_check(struct ff *ff, const struct nat_forward *fw, uint8_t proto)
{
	struct explain_flow f;
	struct nat_net *v = NULL;
	struct masq_err e;
	char what[300], ft[200];
	size_t n = 0;

	memset(&f, 0, sizeof(f));
	f.family = fw->to.family;
	f.proto = proto;
	if (fw->src.n_inc)
		net_host(&fw->src.inc[0], f.src);
	else
		sample(f.family, "203.0.113.1", f.src);
	f.has_sport = true;
	f.sport = 40000;
	f.has_dport = fw->dport.n > 0;
	f.dport = f.has_dport ? fw->dport.v[0].lo : 0;
	if (!fw->iif.wildcard)
		snprintf(f.iif, sizeof(f.iif), "%s", fw->iif.name);
	/* to the interface's address: what a client out there sends to */
	err_init(&e);
	if (f.iif[0] && links_addrs(f.iif, f.family, &v, &n, &e) == 0 && n)
		memcpy(f.dst, v[0].addr, 16);
	else
		memcpy(f.dst, fw->to.addr, 16);
	free(v);
	err_done(&e);
	flow_text(&f, ft, sizeof(ft));
	snprintf(what, sizeof(what), "forward %lld (%s)", (long long)fw->id,
		 ft);
	flow_check(ff, what, &f, NULL);
}

/* A host of network @n that is not this gateway (whose LAN address is
 * often the .1), into @a, and the interface the route back to it takes
 * into @iif (left "" when none does). */
static void
lan_host(const struct nat_net *n, uint8_t *a, char *iif)
{
	static const uint8_t tries[] = { 2, 10, 100, 1 };
	int last = n->family == AF_INET ? 3 : 15;
	struct explain_route rt;
	struct masq_err e;
	size_t i;

	for (i = 0; i < sizeof(tries); i++) {
		memcpy(a, n->addr, 16);
		if (n->plen < (n->family == AF_INET ? 30 : 126))
			a[last] |= tries[i];
		err_init(&e);
		if (explain_route_get(n->family, a, &rt, &e) < 0)
			rt.ok = false;
		err_done(&e);
		if (rt.ok && !rt.local && rt.oif[0]) {
			snprintf(iif, NAT_IFNAMSIZ, "%s", rt.oif);
			return;
		}
	}
	net_host(n, a);
}

/* Masq rule @r's flow: from its source out its interface. */
static void
masq_check(struct ff *ff, const struct nat_rule *r)
{
	struct explain_flow f;
	char what[300], ft[200], net[64], match[96];
	bool from = r->src.n_inc > 0;

	memset(&f, 0, sizeof(f));
	f.family = from ? r->src.inc[0].family :
		r->dst.n_inc ? r->dst.inc[0].family : AF_INET;
	if (from)
		net_host(&r->src.inc[0], f.src);
	if (r->dst.n_inc && r->dst.inc[0].family == f.family)
		net_host(&r->dst.inc[0], f.dst);
	else
		sample(f.family, "192.0.2.1", f.dst);
	f.proto = r->proto.n && !r->proto.neg ? r->proto.v[0] : IPPROTO_TCP;
	f.has_sport = f.proto == IPPROTO_TCP || f.proto == IPPROTO_UDP;
	f.sport = 40000;
	f.has_dport = f.has_sport;
	f.dport = r->dport.n && !r->dport.neg ? r->dport.v[0].lo : 443;
	if (r->has_src_if)
		snprintf(f.iif, sizeof(f.iif), "%s", r->src_if.name);
	if (!f.iif[0] && from)
		lan_host(&r->src.inc[0], f.src, f.iif);
	if (r->n_oifs && !r->oifs[0].wildcard)
		snprintf(f.oif, sizeof(f.oif), "%s", r->oifs[0].name);
	flow_text(&f, ft, sizeof(ft));
	snprintf(what, sizeof(what), "masq rule %lld (%s)", (long long)r->id,
		 ft);
	if (from)
		snprintf(match, sizeof(match), "%s saddr %s",
			 f.family == AF_INET ? "ip" : "ip6",
			 diag_net_str(&r->src.inc[0], net, sizeof(net)));
	flow_check(ff, what, &f, from ? match : NULL);
}

static void
rules_check(struct ff *ff)
{
	static const uint8_t both[] = { IPPROTO_TCP, IPPROTO_UDP };
	size_t i, k;

	for (i = 0; i < ff->rules->n_fwd; i++) {
		const struct nat_forward *fw = &ff->rules->fwd[i];

		if (fw->proto.n)
			for (k = 0; k < fw->proto.n; k++)
				forward_check(ff, fw, fw->proto.v[k]);
		else
			for (k = 0; k < 2; k++)
				forward_check(ff, fw, both[k]);
	}
	for (i = 0; i < ff->rules->n_masq; i++)
		if (ff->rules->masq[i].action != NAT_NONAT)
			masq_check(ff, &ff->rules->masq[i]);
}

static enum diag_status
filter_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct ff ff;
	struct diag_nft d;
	struct masq_err e;
	enum diag_status st = DIAG_PASS;

	memset(&ff, 0, sizeof(ff));
	ff.res = res;
	err_init(&e);
	if (diag_ctx_rules(ctx, &ff.rules, &e) < 0 ||
	    diag_nft_read(&d, &e) < 0) {
		st = diag_error(res, &e);
		err_done(&e);
		return st;
	}
	err_done(&e);
	ff.rs = &d.rs;
	rules_check(&ff);
	if (ff.n_drop) {
		diag_message(res, "%u of %u flows of our rules are dropped by "
			     "another table; %s", ff.n_drop, ff.n_flows,
			     ff.first);
		diag_fix(res, "%s", ff.fixes);
		st = DIAG_FAIL;
	} else if (ff.n_unsure) {
		diag_message(res, "cannot tell for %u of %u flows of our "
			     "rules; %s", ff.n_unsure, ff.n_flows, ff.first);
		st = DIAG_WARN;
	} else {
		diag_message(res, "other tables let the %u flows of our rules "
			     "through", ff.n_flows);
	}
	diag_nft_done(&d);
	return st;
}

const struct diag_check diag_filter_forwards_check = {
	.id = "filter.forwards",
	.title = "other tables' filters let our forwards and masquerading "
		 "through",
	.faq = NULL,
	.needs = DIAG_NEEDS_ROOT,
	.run = filter_run,
};

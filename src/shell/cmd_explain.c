/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_explain.c - `explain PROTO SRC[:PORT] -> DST[:PORT] [in IF] [out IF]`:
 * which staged rule a flow meets and what it becomes.
 *
 * Owns: reading the flow from the words, finding the interfaces the flow
 * would use when they are not given, and printing the walk of
 * nat/explain.c.  Interfaces: `in` defaults to the route back to SRC (the
 * reverse path; a local SRC means the flow is sent by this host); `out`
 * defaults to the route to the destination after any DNAT (a local
 * destination means the flow is delivered here and meets no source NAT).
 * Both come from the kernel (explain_route_get(), as `ip route get`);
 * with no route the interface stays unknown and rules that name one are
 * reported as "if it leaves by ...".  Masquerade shows the route's
 * preferred source address (what the kernel picks), else the interface's
 * first address; detect the interface's first address, as the compiler
 * does.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctent.h"
#include "core/xalloc.h"
#include "nat/explain.h"
#include "nat/links.h"
#include "shell/cmd_int.h"

static const char *const arrow_choices[] = { "->", NULL };

static const struct cmd_kw explain_kws[] = {
	{ "PROTO", CMD_ARG_PROTO, "PROTO", "tcp, udp, icmp, ... or a number",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ "SRC", CMD_ARG_ADDR, "SRC[:PORT]", "where the flow comes from "
	  "([v6]:port for IPv6)", CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL,
	  CMD_LIVE_SRC_EP },
	{ "->", CMD_ARG_CHOICE, "->", "the arrow",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, arrow_choices },
	{ "DST", CMD_ARG_ADDR, "DST[:PORT]", "where it goes",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL, CMD_LIVE_DST_EP },
	{ "in", CMD_ARG_IFACE, "IF", "the interface it arrives on (default: "
	  "the route back to SRC)", 0, NULL },
	{ "out", CMD_ARG_IFACE, "IF", "the interface it leaves by (default: "
	  "the route to DST)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static const char *
verdict_word(enum explain_verdict v)
{
	switch (v) {
	case EXPLAIN_MATCH:
		return "match";
	case EXPLAIN_COND:
		return "if";
	case EXPLAIN_SHADOWED:
		return "shadowed";
	default:
		return "no";
	}
}

static void
addr_text(int family, const uint8_t *a, bool has_port, uint16_t port,
	  char *buf, size_t size)
{
	char t[CT_ENDPOINTSTRLEN];

	if (has_port)
		ctent_endpoint_format(family, a, port, t);
	else
		ctent_addr_format(family, a, t);
	snprintf(buf, size, "%s", t);
}

/* The flow as the user gave it and the interfaces it uses. */
struct xflow {
	struct explain_flow f, after;
	const char *pname;
	const char *in_from, *out_from;	/* "given", "route", ... */
	bool local_dst;
	struct explain_route out_rt;
};

static void
print_flow(struct cmd_ctx *ctx, const struct xflow *x)
{
	const struct explain_flow *f = &x->f;
	char s[64], d[64];

	addr_text(f->family, f->src, f->has_sport, f->sport, s, sizeof(s));
	addr_text(f->family, f->dst, f->has_dport, f->dport, d, sizeof(d));
	out_obj_open(ctx->out, "flow");
	out_str(ctx->out, "proto", "flow: %s", x->pname);
	out_str(ctx->out, "src", " %s", s);
	out_str(ctx->out, "dst", " -> %s\n", d);
	if (f->local_src) {
		out_bool(ctx->out, "local_src", NULL, true);
		out_text(ctx->out, "  sent by this host (the source is "
			 "local)\n");
	} else {
		out_str(ctx->out, "in", "  in %s", f->iif[0] ? f->iif : "?");
		out_str(ctx->out, "in_from", " (%s)\n", x->in_from);
	}
	if (x->local_dst) {
		out_bool(ctx->out, "local_dst", NULL, true);
		out_text(ctx->out, "  delivered to this host (the destination "
			 "is local)\n");
	} else {
		out_str(ctx->out, "out", "  out %s", x->after.oif[0] ?
			x->after.oif : "?");
		out_str(ctx->out, "out_from", " (%s)\n", x->out_from);
	}
	out_obj_close(ctx->out);
}

/* Where the source goes: @buf gets the address text, *@note the why. */
static void
snat_source(const struct nat_rule *r, const struct xflow *x, char *buf,
	    size_t size, const char **note)
{
	const struct explain_flow *f = &x->after;
	struct masq_err e;
	struct nat_net *v = NULL;
	size_t n = 0;

	if (r->action == NAT_SNAT) {
		char *t = cmds_range_format(&r->to);

		snprintf(buf, size, "%s", t);
		free(t);
		*note = r->to.family == AF_INET6 ||
			memcmp(r->to.lo, r->to.hi, 4) ? "one of the range" :
			"snat";
		return;
	}
	if (r->action == NAT_PREFIX) {
		uint8_t a[16];
		unsigned int i;

		/* what NF_NAT_RANGE_NETMAP does: prefix bits from the rule,
		 * host bits from the source */
		memcpy(a, f->src, sizeof(a));
		for (i = 0; i < r->prefix.plen; i++) {
			uint8_t bit = (uint8_t)(0x80u >> (i % 8));

			a[i / 8] = (uint8_t)((a[i / 8] & ~bit) |
					     (r->prefix.addr[i / 8] & bit));
		}
		ctent_addr_text(buf, size, AF_INET6, a);
		*note = "NPTv6: the prefix replaced, the host bits kept";
		return;
	}
	if (r->action == NAT_MASQUERADE && x->out_rt.ok && x->out_rt.has_src &&
	    !strcmp(x->out_rt.oif, f->oif)) {
		ctent_addr_text(buf, size, f->family, x->out_rt.src);
		*note = "masquerade: the route's source address";
		return;
	}
	err_init(&e);
	if (f->oif[0] && links_addrs(f->oif, f->family, &v, &n, &e) == 0 &&
	    n) {
		ctent_addr_text(buf, size, f->family, v[0].addr);
		*note = r->action == NAT_DETECT ? "detect: the interface's "
			"address" : "masquerade: the interface's address";
	} else {
		snprintf(buf, size, "%s", "the address of the interface it "
			 "leaves by");
		*note = r->action == NAT_DETECT ? "detect" : "masquerade";
	}
	free(v);
	err_done(&e);
}

/* The translated source as "becomes:" shows it: address @a (or range)
 * and the port (the rule's range @ports, else the flow's); an IPv6
 * address before a port in brackets, as the flow line writes it. */
static void
result_src(const struct explain_flow *f, const struct nat_rule *r,
	   const char *a, const char *ports, char *buf, size_t size)
{
	/* random and fully-random never keep the flow's port (the kernel
	 * skips that try under NF_NAT_RANGE_PROTO_RANDOM_ALL): no port */
	bool keep = f->has_sport && !r->random && !r->fully_random;
	bool br = f->family == AF_INET6 && (r->has_ports || keep);
	char p[16] = "";

	if (r->has_ports)
		snprintf(p, sizeof(p), ":%s", ports);
	else if (keep)
		snprintf(p, sizeof(p), ":%u", f->sport);
	snprintf(buf, size, "%s%s%s%s", br ? "[" : "", a, br ? "]" : "", p);
}

/* Is some masq rule before the deciding one (or any, when none decides)
 * only conditional? */
static bool
masq_cond(const struct explain_result *res)
{
	size_t i;

	for (i = 0; i < res->n_steps; i++) {
		if (res->steps[i].fwd)
			continue;
		if (res->steps[i].verdict == EXPLAIN_MATCH)
			return false;
		if (res->steps[i].verdict == EXPLAIN_COND)
			return true;
	}
	return false;
}

/* The hairpin forward's own masquerade (before every masq rule). */
static void
print_hairpin_masq(struct cmd_ctx *ctx, const struct nat_ruleset *rs,
		   const struct xflow *x, const struct explain_result *res,
		   char *src, size_t size)
{
	struct nat_rule m;
	const char *note = "";
	char a[64];

	nat_rule_init(&m);
	m.action = NAT_MASQUERADE;
	snat_source(&m, x, a, sizeof(a), &note);
	out_str(ctx->out, "action", "snat: %s", "masquerade");
	out_int(ctx->out, "forward", " by forward %lld (hairpin)",
		rs->fwd[res->fwd_hit].id);
	out_str(ctx->out, "addr", ": source becomes %s", a);
	out_null(ctx->out, "ports", ", port kept when free");
	out_str(ctx->out, "how", " (%s)\n", note);
	if (x->after.has_sport)
		snprintf(src, size, "%s:%u", a, x->after.sport);
	else
		snprintf(src, size, "%s", a);
	nat_rule_done(&m);
}

static void
print_result(struct cmd_ctx *ctx, const struct nat_ruleset *rs,
	     const struct xflow *x, const struct explain_result *res,
	     bool blocked)
{
	const struct explain_flow *f = &x->after;
	const struct nat_rule *r = res->masq_hit >= 0 ?
				   &rs->masq[res->masq_hit] : NULL;
	char src[128], dst[80], ports[32];
	const char *note = "";

	if (res->fwd_hit >= 0) {
		addr_text(f->family, res->dnat_addr, false, 0, dst, sizeof(dst));
		if (res->dnat_port_set && res->dnat_ports.lo != res->dnat_ports.hi)
			snprintf(ports, sizeof(ports), "%u-%u",
				 res->dnat_ports.lo, res->dnat_ports.hi);
		else if (x->after.has_dport)
			snprintf(ports, sizeof(ports), "%u", x->after.dport);
		else
			ports[0] = '\0';
		out_obj_open(ctx->out, "dnat");
		out_int(ctx->out, "forward", "dnat: forward %lld sends it to",
			rs->fwd[res->fwd_hit].id);
		out_str(ctx->out, "addr", " %s", dst);
		out_str(ctx->out, "ports", ports[0] ? " port %s\n" : "%s\n",
			ports);
		out_obj_close(ctx->out);
	}
	addr_text(f->family, f->dst, f->has_dport, f->dport, dst, sizeof(dst));
	if (res->hairpin_masq) {
		print_hairpin_masq(ctx, rs, x, res, src, sizeof(src));
	} else if (x->local_dst || !r || r->action == NAT_NONAT) {
		out_str(ctx->out, "action", "snat: none (", x->local_dst ?
			"local" : r ? "nonat" : "none");
		if (x->local_dst)
			out_text(ctx->out, "%s", "delivered to this host)\n");
		else if (r)
			out_int(ctx->out, "masq", "masq rule %lld is nonat)\n",
				r->id);
		else
			out_text(ctx->out, "%s)\n", masq_cond(res) ?
				 "no masq rule is sure to match; see the 'if' "
				 "rules below" : "no masq rule matches");
		addr_text(f->family, f->src, f->has_sport, f->sport, src,
			  sizeof(src));
	} else {
		char a[96];

		snat_source(r, x, a, sizeof(a), &note);
		out_str(ctx->out, "action", "snat: %s", r->action == NAT_SNAT ?
			"snat" : r->action == NAT_DETECT ? "detect" :
			r->action == NAT_PREFIX ? "prefix" : "masquerade");
		out_int(ctx->out, "masq", " by masq rule %lld", r->id);
		out_str(ctx->out, "addr", ": source becomes %s", a);
		if (r->has_ports)
			snprintf(ports, sizeof(ports), "%u-%u", r->ports.lo,
				 r->ports.hi);
		if (r->has_ports)
			out_str(ctx->out, "ports", ", port from %s", ports);
		else if (r->fully_random)
			out_null(ctx->out, "ports", ", port fully random");
		else if (r->random)
			out_null(ctx->out, "ports", ", port picked at random");
		else
			out_null(ctx->out, "ports", ", port kept when free");
		/* said with the port above when there is no range */
		out_bool(ctx->out, "random", r->random && r->has_ports ?
			 ", random" : NULL, r->random);
		out_bool(ctx->out, "fully_random", r->fully_random &&
			 r->has_ports ? ", fully random" : NULL,
			 r->fully_random);
		out_bool(ctx->out, "persistent", r->persistent ?
			 ", persistent" : NULL, r->persistent);
		out_str(ctx->out, "how", " (%s)\n", note);
		if (masq_cond(res))
			out_text(ctx->out, "%s", "  unless an earlier 'if' rule "
				 "below applies\n");
		result_src(f, r, a, ports, src, sizeof(src));
	}
	/* a filter drops it: never claim it works */
	out_str(ctx->out, "result", blocked ? "would become: %s" :
		"becomes: %s", src);
	out_str(ctx->out, "result_dst", blocked ? " -> %s, but a filter "
		"drops it\n" : " -> %s\n", dst);
}

static void
print_steps(struct cmd_ctx *ctx, const struct nat_ruleset *rs,
	    const struct explain_result *res)
{
	size_t i;
	char *spec;

	out_arr_open(ctx->out, "rules");
	if (res->n_steps)
		out_text(ctx->out, "rules, in order:\n");
	for (i = 0; i < res->n_steps; i++) {
		const struct explain_step *s = &res->steps[i];

		spec = s->fwd ? nat_forward_format_kw(&rs->fwd[s->idx]) :
			nat_rule_format_kw(&rs->masq[s->idx]);
		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "kind", "  %-7s", s->fwd ? "forward" : "masq");
		out_int(ctx->out, "id", " %-4lld", s->id);
		out_str(ctx->out, "verdict", " %-8s", verdict_word(s->verdict));
		out_str(ctx->out, "rule", " %s\n", spec ? spec : "");
		if (s->why[0])
			out_str(ctx->out, "why", "                  %s\n",
				s->why);
		out_obj_close(ctx->out);
		free(spec);
	}
	out_arr_close(ctx->out);
}

/* Where our SNAT puts the source, when we can tell. */
static bool
snat_addr(const struct nat_rule *r, const struct xflow *x, uint8_t *a)
{
	memset(a, 0, 16);
	if (r->action == NAT_SNAT && r->to.family == x->after.family) {
		memcpy(a, r->to.lo, 16);
		return true;
	}
	if (r->action == NAT_MASQUERADE && x->out_rt.ok && x->out_rt.has_src &&
	    !strcmp(x->out_rt.oif, x->after.oif)) {
		memcpy(a, x->out_rt.src, 16);
		return true;
	}
	return false;
}

/* The other tables' filters on the flow's way.  -1 when the ruleset
 * cannot be read: then @why says so and nothing is walked. */
static int
filter_walk(const struct nat_ruleset *rs, const struct xflow *x,
	    const struct explain_result *res, struct nft_ruleset *nrs,
	    struct explain_filter *ef, char *fix, size_t size,
	    struct masq_err *why)
{
	const struct nat_rule *r = res->masq_hit >= 0 ?
				   &rs->masq[res->masq_hit] : NULL;
	struct explain_filter_in in;

	memset(ef, 0, sizeof(*ef));
	ef->decider = -1;
	fix[0] = '\0';
	if (nft_ruleset_read(nrs, why) < 0)
		return -1;
	memset(&in, 0, sizeof(in));
	in.f = &x->f;
	in.after = &x->after;
	in.dnat = res->fwd_hit >= 0;
	in.local_dst = x->local_dst;
	in.snat = r && r->action != NAT_NONAT && !x->local_dst;
	if (in.snat)
		in.snat_known = snat_addr(r, x, in.snat_addr);
	explain_filter_run(nrs, &in, true, ef);
	if (!explain_filter_fix(nrs, ef, &in, NULL, fix, size))
		fix[0] = '\0';
	return 0;
}

/* The routing table could not be read: say so, never "no route". */
static int
explain_no_routes(struct masq_err *e)
{
	return err_hint(e, "explain reads the routes to find the "
			"interfaces; give 'in IF' and 'out IF' to explain "
			"without them");
}

/* Fill in the interfaces the user left out, from the routing table.
 * -1 (MASQ_EKERNEL) when one is left out and the table cannot be read. */
static int
resolve_ifaces(struct xflow *x, const struct masq_tok *in,
	       const struct masq_tok *out, const struct nat_ruleset *rs,
	       struct explain_result *res, struct masq_err *e)
{
	struct explain_route rt;

	x->in_from = "given";
	if (in) {
		snprintf(x->f.iif, sizeof(x->f.iif), "%s", in->s);
	} else {
		if (explain_route_get(x->f.family, x->f.src, &rt, e) < 0)
			return explain_no_routes(e);
		x->f.local_src = rt.ok && rt.local;
		if (rt.ok && !rt.local && rt.oif[0]) {
			snprintf(x->f.iif, sizeof(x->f.iif), "%s", rt.oif);
			x->in_from = "route back to the source";
		} else if (!rt.ok) {
			x->in_from = "unknown: no route back to the source";
		}
	}
	explain_forwards(rs, &x->f, res, &x->after);
	x->out_from = "given";
	if (explain_route_get(x->after.family, x->after.dst, &x->out_rt,
			      e) < 0) {
		if (!out)
			return explain_no_routes(e);
		err_done(e);	/* given: the route only adds detail */
		err_init(e);
	}
	if (out) {
		snprintf(x->after.oif, sizeof(x->after.oif), "%s", out->s);
	} else if (x->out_rt.ok && x->out_rt.local) {
		x->local_dst = true;
	} else if (x->out_rt.ok && x->out_rt.oif[0]) {
		snprintf(x->after.oif, sizeof(x->after.oif), "%s",
			 x->out_rt.oif);
		x->out_from = res->fwd_hit >= 0 ? "route to the new "
			      "destination" : "route";
	} else {
		x->out_from = "unknown: no route";
	}
	snprintf(x->f.oif, sizeof(x->f.oif), "%s", x->after.oif);
	return 0;
}

/*
 * The filter's head: first, because a drop must be said before anything
 * that reads as "it works".  Nothing when no other base chain is met
 * (the output is as it was); a note when the ruleset could not be read
 * (@fe), since then we cannot say the flow passes.  JSON: "filter".
 */
static void
print_filter_head(struct cmd_ctx *ctx, const struct nft_ruleset *nrs,
		  const struct explain_filter *ef, const char *fix,
		  const struct masq_err *fe)
{
	if (fe) {
		out_obj_open(ctx->out, "filter");
		out_str(ctx->out, "verdict", NULL, "unsure");
		out_str(ctx->out, "error", "filter: not checked: %s\n",
			fe->msg[0] ? fe->msg : "the nftables ruleset could "
			"not be read");
		out_obj_close(ctx->out);
		return;
	}
	if (!ef->any_chain)
		return;
	out_obj_open(ctx->out, "filter");
	cmds_explain_filter_head(ctx, nrs, ef, fix[0] ? fix : NULL);
	if (out_is_json(ctx->out))
		cmds_explain_filter_hooks(ctx, nrs, ef);
	out_obj_close(ctx->out);
}

static int
cmd_explain(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *vals[6];
	struct explain_result res;
	struct nat_ruleset rs;
	struct nft_ruleset nrs;
	struct explain_filter ef;
	struct masq_err fe;
	char fix[1024];
	struct xflow x;
	bool filtered;
	int p, dfam = 0, rc = -1;

	memset(&x, 0, sizeof(x));
	nat_ruleset_init(&rs);
	explain_result_init(&res);
	if (cmd_args_bind(&cmd_explain_entry, a, vals, e) < 0)
		goto out;
	p = nat_proto_lookup(vals[0]->s);
	if (p < 0) {
		err_tok(e, MASQ_EUSAGE, vals[0], "unknown protocol '%s'",
			vals[0]->s);
		err_hint(e, "tcp, udp, icmp, ... (/etc/protocols) or a number");
		goto out;
	}
	x.f.proto = (uint8_t)p;
	x.pname = nat_proto_name(x.f.proto);
	if (!x.pname)
		x.pname = vals[0]->s;
	if (explain_endpoint_parse(vals[1], x.pname, &x.f.family, x.f.src,
			   &x.f.has_sport, &x.f.sport, e) < 0 ||
	    explain_endpoint_parse(vals[3], x.pname, &dfam, x.f.dst, &x.f.has_dport,
			   &x.f.dport, e) < 0)
		goto out;
	if (dfam != x.f.family) {
		err_tok(e, MASQ_EUSAGE, vals[3], "the source and the "
			"destination are of different families");
		goto out;
	}
	if ((x.f.has_sport || x.f.has_dport) &&
	    p != IPPROTO_TCP && p != IPPROTO_UDP && p != IPPROTO_SCTP &&
	    p != IPPROTO_DCCP && p != IPPROTO_UDPLITE) {
		err_tok(e, MASQ_EUSAGE, vals[x.f.has_sport ? 1 : 3], "%s has "
			"no ports", x.pname);
		err_hint(e, "leave the ':PORT' out, or use tcp or udp");
		goto out;
	}
	if (cmds_load(ctx, &rs, e) < 0)
		goto out;
	if (resolve_ifaces(&x, vals[4], vals[5], &rs, &res, e) < 0)
		goto out;
	if (!x.local_dst && !res.hairpin_masq)
		explain_masq(&rs, &x.after, &res);
	err_init(&fe);
	filtered = filter_walk(&rs, &x, &res, &nrs, &ef, fix, sizeof(fix),
			       &fe) == 0;
	out_obj_open(ctx->out, NULL);
	print_filter_head(ctx, &nrs, &ef, filtered ? fix : NULL,
			  filtered ? NULL : &fe);
	print_flow(ctx, &x);
	print_result(ctx, &rs, &x, &res, ef.verdict == NFT_EVAL_DROP);
	print_steps(ctx, &rs, &res);
	if (!out_is_json(ctx->out) && ef.any_chain)
		cmds_explain_filter_hooks(ctx, &nrs, &ef);
	out_obj_close(ctx->out);
	explain_filter_done(&ef);
	nft_ruleset_done(&nrs);
	err_done(&fe);
	rc = 0;
out:
	explain_result_done(&res);
	nat_ruleset_done(&rs);
	return rc;
}

const struct cmd_entry cmd_explain_entry = {
	.name = "explain",
	.usage = "PROTO SRC[:PORT] -> DST[:PORT] [in IF] [out IF]",
	.summary = "which staged rule a flow meets, what it becomes, and "
		   "whether another table's filter drops it",
	.help = "Walk one flow through the staged rules in userspace, as the\n"
		"compiled table would: the port forwards first (DNAT), then\n"
		"the masq rules with the new destination.  Prints the flow,\n"
		"the DNAT and source NAT it gets, what it becomes, and every\n"
		"rule's verdict: match (the one that decides), no (and why),\n"
		"if (it depends on something a flow does not say: the mark,\n"
		"the sending user, IPsec, an unknown interface) or shadowed\n"
		"(it matches, but an earlier rule decides).  Without 'in', the\n"
		"route back to SRC names the interface (a local SRC means\n"
		"this host sends it); without 'out', the route to the\n"
		"destination does (a local destination gets no source NAT).\n"
		"Then the flow, and its reply, meet every other table's base\n"
		"chains on each hook they cross (read-only): each chain's\n"
		"verdict (accept, drop, or unsure naming an expression it\n"
		"cannot follow, such as numgen) with the rule handle or\n"
		"policy that decides.  When one drops the flow, the first line\n"
		"says so ('blocked: ...') with the nft rule that lets it\n"
		"through.  Nothing is sent and the kernel is not changed.",
	.kws = explain_kws,
	.flags = 0,
	.exec = cmd_explain,
};

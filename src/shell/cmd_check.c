/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_check.c - `check`: lint the staged rules, then compile them and have
 * the kernel process the whole batch without committing it.
 *
 * Lint findings are warnings (they never fail the command): a rule whose
 * traffic an earlier rule already takes (shadowed; for a nonat exemption
 * below a broader translation this means the exemption never applies), an
 * SNAT address that is not configured on its interface, and interfaces
 * that do not exist.  What the parser rejects (ports without proto,
 * persistent with masquerade, alias interfaces) never reaches the store.
 * Compile and kernel errors fail the command.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/links.h"
#include "nat/nft.h"
#include "shell/cmd_int.h"

static bool
net_contains(const struct nat_net *a, const struct nat_net *b)
{
	unsigned int bits = a->plen, i;

	if (a->family != b->family || a->plen > b->plen)
		return false;
	for (i = 0; i < bits / 8; i++)
		if (a->addr[i] != b->addr[i])
			return false;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		if ((a->addr[i] & m) != (b->addr[i] & m))
			return false;
	}
	return true;
}

static bool
nets_equal(const struct nat_net *a, size_t na, const struct nat_net *b,
	   size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].family != b[i].family || a[i].plen != b[i].plen ||
		    memcmp(a[i].addr, b[i].addr, 16))
			return false;
	return true;
}

/* Does netlist @a match everything netlist @b matches? */
static bool
netlist_covers(const struct nat_netlist *a, const struct nat_netlist *b)
{
	size_t i, k;

	if (!a->n_inc && !a->n_exc)
		return true;
	if (nets_equal(a->inc, a->n_inc, b->inc, b->n_inc) &&
	    nets_equal(a->exc, a->n_exc, b->exc, b->n_exc))
		return true;
	if (a->n_exc || !b->n_inc)
		return false;
	for (i = 0; i < b->n_inc; i++) {
		for (k = 0; k < a->n_inc; k++)
			if (net_contains(&a->inc[k], &b->inc[i]))
				break;
		if (k == a->n_inc)
			return false;
	}
	return true;
}

/* Does @a match every interface @b does ("ppp+" covers "ppp0", "ppp1+")? */
static bool
ifname_covers(const struct nat_ifname *a, const struct nat_ifname *b)
{
	return (a->wildcard || !b->wildcard) && nat_ifname_match(a, b->name);
}

static bool
oifs_cover(const struct nat_rule *a, const struct nat_rule *b)
{
	size_t i, k;

	/* no interfaces: any interface (a rule without 'out') */
	if (!a->n_oifs || !b->n_oifs)
		return !a->n_oifs;
	for (i = 0; i < b->n_oifs; i++) {
		for (k = 0; k < a->n_oifs; k++)
			if (ifname_covers(&a->oifs[k], &b->oifs[i]))
				break;
		if (k == a->n_oifs)
			return false;
	}
	return true;
}

static bool
proto_covers(const struct nat_proto *a, const struct nat_proto *b)
{
	size_t i, k;

	if (!a->n)
		return true;
	if (a->neg || b->neg || !b->n)
		return a->neg == b->neg && a->n == b->n &&
		       !memcmp(a->v, b->v, a->n);
	for (i = 0; i < b->n; i++) {
		for (k = 0; k < a->n && a->v[k] != b->v[i]; k++)
			;
		if (k == a->n)
			return false;
	}
	return true;
}

static bool
ports_cover(const struct nat_ports *a, const struct nat_ports *b)
{
	size_t i, k;

	if (!a->n)
		return true;
	if (a->neg || b->neg || !b->n)
		return a->neg == b->neg && a->n == b->n &&
		       !memcmp(a->v, b->v, a->n * sizeof(a->v[0]));
	for (i = 0; i < b->n; i++) {
		for (k = 0; k < a->n; k++)
			if (a->v[k].lo <= b->v[i].lo &&
			    b->v[i].hi <= a->v[k].hi)
				break;
		if (k == a->n)
			return false;
	}
	return true;
}

/* Does earlier rule @a take every connection later rule @b would match? */
static bool
rule_covers(const struct nat_rule *a, const struct nat_rule *b)
{
	if (nat_rule_family(a) != nat_rule_family(b) || !oifs_cover(a, b) ||
	    !netlist_covers(&a->dst, &b->dst) ||
	    !netlist_covers(&a->src, &b->src) ||
	    !proto_covers(&a->proto, &b->proto) ||
	    !ports_cover(&a->dport, &b->dport))
		return false;
	if (a->has_src_if && (!b->has_src_if ||
			      !ifname_covers(&a->src_if, &b->src_if)))
		return false;
	if (b->has_src_if && !a->has_src_if && (a->src.n_inc || a->src.n_exc))
		return false;
	if (a->ipsec.policy != NAT_IPSEC_ANY &&
	    memcmp(&a->ipsec, &b->ipsec, sizeof(a->ipsec)))
		return false;
	if (a->mark.set && memcmp(&a->mark, &b->mark, sizeof(a->mark)))
		return false;
	if (a->owner.set && (a->owner.neg != b->owner.neg ||
			     a->owner.has_uid != b->owner.has_uid ||
			     a->owner.uid != b->owner.uid ||
			     a->owner.has_gid != b->owner.has_gid ||
			     a->owner.gid != b->owner.gid))
		return false;
	return true;
}

/* Is an address of @r's SNAT range configured on interface @ifname? */
static bool
snat_addr_local(const struct nat_rule *r, const char *ifname)
{
	size_t alen = r->to.family == AF_INET6 ? 16 : 4, n = 0, i;
	struct nat_net *v = NULL;
	struct masq_err lerr;
	bool hit = false;

	err_init(&lerr);
	if (links_addrs(ifname, r->to.family, &v, &n, &lerr) < 0)
		hit = true;	/* cannot tell: do not warn */
	for (i = 0; i < n && !hit; i++)
		hit = memcmp(r->to.lo, v[i].addr, alen) <= 0 &&
		      memcmp(v[i].addr, r->to.hi, alen) <= 0;
	free(v);
	err_done(&lerr);
	return hit;
}

/* Is an address of @r's SNAT range configured on any interface?  For a
 * rule without 'out'; when the list cannot be read, say yes (no warning). */
static bool
snat_addr_anywhere(const struct nat_rule *r)
{
	struct masq_err lerr;
	char **names = NULL;
	size_t n = 0, i;
	bool hit;

	err_init(&lerr);
	hit = links_names(&names, &n, &lerr) < 0;
	for (i = 0; i < n && !hit; i++)
		hit = snat_addr_local(r, names[i]);
	links_names_free(names, n);
	err_done(&lerr);
	return hit;
}

static void
finding(struct cmd_ctx *ctx, const char *kind, int64_t id, char *msg)
{
	out_obj_open(ctx->out, NULL);
	out_str(ctx->out, "level", "%s: ", "warning");
	out_str(ctx->out, "kind", "%s ", kind);
	out_int(ctx->out, "id", "%lld: ", id);
	out_str(ctx->out, "message", "%s\n", msg);
	out_obj_close(ctx->out);
	free(msg);
}

static void
lint_masq(struct cmd_ctx *ctx, const struct nat_ruleset *rs)
{
	const struct nat_rule *a, *b;
	size_t i, k;
	char *to;

	for (i = 0; i < rs->n_masq; i++) {
		b = &rs->masq[i];
		for (k = 0; k < i && !rule_covers(&rs->masq[k], b); k++)
			;
		a = k < i ? &rs->masq[k] : NULL;
		if (a && b->action == NAT_NONAT && a->action != NAT_NONAT)
			finding(ctx, "masq", b->id, xasprintf(
				"this nonat exemption never applies: rule %lld "
				"(position %u) translates all its traffic "
				"first; move it up with 'masq move %lld to %u'",
				(long long)a->id, a->pos, (long long)b->id,
				a->pos));
		else if (a)
			finding(ctx, "masq", b->id, xasprintf(
				"never used: rule %lld (position %u) matches "
				"all its traffic first", (long long)a->id,
				a->pos));
		for (k = 0; k < b->n_oifs; k++) {
			if (b->oifs[k].wildcard)
				continue;
			if (!cmds_iface_exists(b->oifs[k].name)) {
				finding(ctx, "masq", b->id, xasprintf(
					"interface '%s' does not exist (yet)",
					b->oifs[k].name));
			} else if (b->action == NAT_SNAT &&
				   !snat_addr_local(b, b->oifs[k].name)) {
				to = cmds_range_format(&b->to);
				finding(ctx, "masq", b->id, xasprintf(
					"snat address %s is not configured on "
					"%s; replies reach this host only if "
					"it is routed here", to,
					b->oifs[k].name));
				free(to);
			}
		}
		if (!b->n_oifs && b->action == NAT_SNAT &&
		    !snat_addr_anywhere(b)) {
			to = cmds_range_format(&b->to);
			finding(ctx, "masq", b->id, xasprintf("snat address "
				"%s is not configured on any interface; "
				"replies reach this host only if it is routed "
				"here", to));
			free(to);
		}
	}
}

/* dst is an address of the forward's interface (unknown: yes). */
static bool
fwd_dst_local(const struct nat_forward *f)
{
	struct nat_hairpin hp = { 0 };
	struct nat_forward g = *f;
	struct masq_err lerr;
	bool hit;

	/* the interface's addresses, as a hairpin without dst reads them */
	g.has_dst = false;
	g.hairpin = true;
	err_init(&lerr);
	if (nat_hairpin_resolve(&g, &hp, &lerr) < 0)
		hit = true;
	else
		hit = nat_hairpin_has_pub(&hp, f->dst.family, f->dst.addr);
	nat_hairpin_done(&hp);
	err_done(&lerr);
	return hit;
}

/* What a hairpin forward will not do with this host's addresses now. */
static void
lint_hairpin(struct cmd_ctx *ctx, const struct nat_forward *f)
{
	struct nat_hairpin hp;
	struct masq_err lerr;
	char *to;

	err_init(&lerr);
	if (nat_hairpin_resolve(f, &hp, &lerr) < 0) {
		err_done(&lerr);
		return;		/* cannot tell: do not warn */
	}
	if (!hp.n_pub)
		finding(ctx, "forward", f->id, xasprintf(
			"hairpin: %s has no %s address now, so LAN clients "
			"are not forwarded until it has one ('masqsh engine' "
			"re-applies then)", f->iif.name,
			f->to.family == AF_INET6 ? "IPv6" : "IPv4"));
	if (!hp.has_lan) {
		to = nat_net_format(&f->to);
		finding(ctx, "forward", f->id, xasprintf(
			"hairpin: %s is on no network of this host, so no "
			"masquerade leg is compiled; clients on the server's "
			"own segment get no answer", to));
		free(to);
	}
	nat_hairpin_done(&hp);
}

static void
lint_fwd(struct cmd_ctx *ctx, const struct nat_ruleset *rs)
{
	const struct nat_forward *f;
	char *dst;
	size_t i;

	for (i = 0; i < rs->n_fwd; i++) {
		f = &rs->fwd[i];
		if (!f->iif.wildcard && !cmds_iface_exists(f->iif.name)) {
			finding(ctx, "forward", f->id, xasprintf(
				"interface '%s' does not exist (yet)",
				f->iif.name));
			continue;
		}
		if (f->has_dst && !f->iif.wildcard && !fwd_dst_local(f)) {
			dst = nat_net_format(&f->dst);
			finding(ctx, "forward", f->id, xasprintf(
				"dst %s is not configured on %s; connections "
				"for it arrive only if it is routed here", dst,
				f->iif.name));
			free(dst);
		}
		if (f->hairpin)
			lint_hairpin(ctx, f);
	}
}

int
cmds_check_run(struct cmd_ctx *ctx, struct masq_err *e)
{
	struct nat_compiled *c = NULL;
	struct nat_ruleset rs;
	unsigned int m = 0;
	int rc = -1;

	nat_ruleset_init(&rs);
	if (cmds_load(ctx, &rs, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_arr_open(ctx->out, "findings");
	lint_masq(ctx, &rs);
	lint_fwd(ctx, &rs);
	out_arr_close(ctx->out);
	if (nat_compile(&rs, &c, e) == 0) {
		m = nat_compiled_rule_count(c);
		if (nat_apply(c, NAT_APPLY_CHECK, e) == 0)
			rc = 0;
	}
	out_bool(ctx->out, "ok", NULL, rc == 0);
	out_int(ctx->out, "rules", NULL, (long long)(rs.n_masq + rs.n_fwd));
	out_int(ctx->out, "nft_rules", NULL, m);
	if (rc == 0)
		out_text(ctx->out, "ok: %zu rules, %u nft rules, kernel "
			 "accepts the batch\n", rs.n_masq + rs.n_fwd, m);
	out_obj_close(ctx->out);
	if (c)
		nat_compiled_free(c);
	nat_ruleset_done(&rs);
	return rc;
}

static int
cmd_check(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	(void)a;
	return cmds_check_run(ctx, e);
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "",
	.summary = "lint the staged rules and have the kernel check them",
	.help = "Warn about rules that can never match (an earlier rule takes\n"
		"their traffic), SNAT addresses not on their interface and\n"
		"interfaces that do not exist; then compile the rules and let\n"
		"the kernel process the whole batch without committing it.\n"
		"Warnings do not fail the check; compile or kernel errors do.",
	.kws = NULL,
	.flags = CMD_KERNEL,
	.exec = cmd_check,
};

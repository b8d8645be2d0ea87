/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_dynaddr.c - `dynaddr` (FAQ 7.8, 7.14): is the uplink address
 * dynamic, and do the rules and the conntrack table fit that?
 *
 * Owns: telling a dynamic uplink (an address with a finite valid lifetime
 * or not permanent, a ppp device, a DHCP client lease for it) from a
 * static one, judging the masq rules that leave by it
 * (masquerade and detect fit a dynamic address; SNAT to a fixed address
 * does not, and SNAT to an address the interface no longer carries is a
 * failure), the net.ipv4.ip_dynaddr setting, and counting conntrack
 * entries still translated to an address no interface carries.
 * Does not own: reading the addresses (nat/links.h), changing anything
 * (the fixes are commands), the engine's re-apply on address changes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ctent.h"
#include "core/xalloc.h"
#include "diag/diag.h"
#include "nat/ct.h"
#include "nat/links.h"

/* The namespace's addresses (nat/links.h). */
struct dyn_acc {
	struct links_addr *v;
	size_t n;
};

static bool
dyn_is_dynamic(const struct links_addr *d)
{
	return !d->permanent || d->valid != LINKS_LIFE_FOREVER;
}

/* Is @ip (@family) carried by @ifname (NULL: by any interface)? */
static const struct links_addr *
dyn_find(const struct dyn_acc *acc, const char *ifname, int family,
	 const uint8_t *ip)
{
	size_t i, alen = family == AF_INET ? 4 : 16;

	for (i = 0; i < acc->n; i++)
		if (acc->v[i].net.family == family &&
		    !memcmp(acc->v[i].net.addr, ip, alen) &&
		    (!ifname || !strcmp(acc->v[i].ifname, ifname)))
			return &acc->v[i];
	return NULL;
}

/* A DHCP client lease for @ifname: its path into @buf, or false. */
static bool
dyn_lease_find(const char *ifname, char *buf, size_t size)
{
	static const char *const dirs[] = {
		"/var/lib/dhcp", "/var/lib/dhclient", "/var/lib/NetworkManager",
	};
	char want[64], line[256], path[512];
	struct dirent *de;
	unsigned int idx;
	size_t i, k;
	FILE *f;
	DIR *d;

	idx = if_nametoindex(ifname);
	if (idx) {
		snprintf(buf, size, "/run/systemd/netif/leases/%u", idx);
		if (access(buf, R_OK) == 0)
			return true;
	}
	snprintf(want, sizeof(want), "interface \"%s\";", ifname);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		d = opendir(dirs[i]);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			k = strlen(de->d_name);
			if (k < 6 || (strcmp(de->d_name + k - 6, ".lease") &&
				      (k < 7 || strcmp(de->d_name + k - 7,
						       ".leases"))))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i],
				 de->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			while (fgets(line, sizeof(line), f))
				if (strstr(line, want))
					break;
			k = !feof(f);
			fclose(f);
			if (k || strstr(de->d_name, ifname)) {
				snprintf(buf, size, "%s", path);
				closedir(d);
				return true;
			}
		}
		closedir(d);
	}
	return false;
}

/* Does rule @r leave by @ifname (a rule without "out" leaves by all)? */
static bool
dyn_rule_on(const struct nat_rule *r, const char *ifname)
{
	size_t i;

	if (!r->n_oifs)
		return true;
	for (i = 0; i < r->n_oifs; i++) {
		const struct nat_ifname *o = &r->oifs[i];

		if (o->wildcard ? !strncmp(ifname, o->name, strlen(o->name)) :
		    !strcmp(ifname, o->name))
			return true;
	}
	return false;
}

/* Rewrite suggestion: rule @r with "snat detect", inserted before it. */
static void
dyn_fix_detect(struct diag_result *res, const struct nat_rule *r)
{
	struct nat_rule tmp = *r;	/* shallow: only formatted */
	char *kw;

	tmp.action = NAT_DETECT;
	tmp.has_to = false;
	kw = nat_rule_format_kw(&tmp);
	diag_fix(res, "masq add %s at %u", kw, r->pos);
	diag_evidence(res, "after that, 'masq del %lld' removes the old rule "
		      "and 'apply' loads it (or masquerade: drop the snat "
		      "word)", (long long)r->id);
	free(kw);
}

struct dyn_state {
	enum diag_status st;
	unsigned int n_dyn, n_missing, n_fixed;
};

static void
dyn_raise(struct dyn_state *s, enum diag_status st)
{
	if (st == DIAG_FAIL || (st == DIAG_WARN && s->st == DIAG_PASS))
		s->st = st;
}

/* Judge the SNAT rules leaving by @ifname. */
static void
dyn_rules_judge(const struct nat_ruleset *rs, const struct dyn_acc *acc,
		const char *ifname, bool dynamic, struct dyn_state *s,
		struct diag_result *res)
{
	char a[CT_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < rs->n_masq; i++) {
		const struct nat_rule *r = &rs->masq[i];
		const struct links_addr *on;

		if (!dyn_rule_on(r, ifname))
			continue;
		if (r->action == NAT_MASQUERADE || r->action == NAT_DETECT) {
			diag_evidence(res, "rule %lld %s: follows the "
				      "address", (long long)r->id,
				      r->action == NAT_DETECT ? "snat detect" :
				      "masquerade");
			continue;
		}
		if (r->action != NAT_SNAT || !r->has_to)
			continue;
		ctent_addr_format(r->to.family, r->to.lo, a);
		on = dyn_find(acc, ifname, r->to.family, r->to.lo);
		if (!on) {
			const struct links_addr *other =
				dyn_find(acc, NULL, r->to.family, r->to.lo);

			s->n_missing++;
			dyn_raise(s, DIAG_FAIL);
			diag_evidence(res, "rule %lld: snat %s, which %s%s%s",
				      (long long)r->id, a,
				      other ? "is on " : "no interface "
				      "carries any more",
				      other ? other->ifname : "",
				      other ? ", not on the uplink" : "");
			if (!res->fix || dynamic)
				dyn_fix_detect(res, r);
		} else if (dynamic) {
			s->n_fixed++;
			dyn_raise(s, DIAG_WARN);
			diag_evidence(res, "rule %lld: snat to the fixed "
				      "address %s on a dynamic uplink",
				      (long long)r->id, a);
			if (!res->fix)
				dyn_fix_detect(res, r);
		} else {
			diag_evidence(res, "rule %lld: snat %s (carried by "
				      "%s)", (long long)r->id, a, ifname);
		}
	}
}

/* Look at one uplink; evidence lines, state updated. */
static void
dyn_iface(struct diag_ctx *ctx, const struct nat_ruleset *rs,
	  const struct dyn_acc *acc, const char *ifname, struct dyn_state *s,
	  struct diag_result *res)
{
	char a[CT_ADDRSTRLEN], rel[64], type[16], lease[600];
	bool dynamic = false, ppp, any = false;
	size_t i;

	snprintf(rel, sizeof(rel), "class/net/%s/type", ifname);
	if (diag_sys_read(ctx, rel, type, sizeof(type)) == -1) {
		diag_evidence(res, "%s: no such interface now (a dial-up "
			      "link that is down?)", ifname);
		dyn_raise(s, DIAG_WARN);
		return;
	}
	ppp = atoi(type) == LINKS_ARPHRD_PPP || !strncmp(ifname, "ppp", 3);
	for (i = 0; i < acc->n; i++) {
		const struct links_addr *d = &acc->v[i];

		if (strcmp(d->ifname, ifname) ||
		    d->scope != LINKS_SCOPE_UNIVERSE)
			continue;
		any = true;
		if (dyn_is_dynamic(d)) {
			dynamic = true;
			diag_evidence(res, "%s: %s/%u dynamic, valid %u s, "
				      "preferred %u s", ifname,
				      ctent_addr_format(d->net.family,
							d->net.addr, a),
				      d->net.plen, d->valid, d->preferred);
		} else {
			diag_evidence(res, "%s: %s/%u permanent", ifname,
				      ctent_addr_format(d->net.family,
							d->net.addr, a),
				      d->net.plen);
		}
	}
	if (!any)
		diag_evidence(res, "%s: no global address", ifname);
	if (ppp) {
		dynamic = true;
		diag_evidence(res, "%s: a ppp device (the peer assigns the "
			      "address at each dial)", ifname);
	}
	if (dyn_lease_find(ifname, lease, sizeof(lease))) {
		dynamic = true;
		diag_evidence(res, "%s: DHCP client lease %s", ifname, lease);
	}
	if (dynamic)
		s->n_dyn++;
	dyn_rules_judge(rs, acc, ifname, dynamic, s, res);
}

struct dyn_stale {
	const struct dyn_acc *acc;
	struct {
		int family;
		union ct_addr a;
		unsigned long n;
	} v[16];
	size_t n;
	unsigned long total;
};

static int
dyn_stale_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct dyn_stale *st = data;
	size_t i, alen = ce->family == AF_INET ? 4 : 16;

	(void)e;
	if (!(ce->status & CT_ST_SRC_NAT))
		return 0;
	if (dyn_find(st->acc, NULL, ce->family, ce->reply.dst.b))
		return 0;
	st->total++;
	for (i = 0; i < st->n; i++)
		if (st->v[i].family == ce->family &&
		    !memcmp(st->v[i].a.b, ce->reply.dst.b, alen))
			break;
	if (i == st->n && st->n < sizeof(st->v) / sizeof(st->v[0])) {
		st->v[i].family = ce->family;
		st->v[i].a = ce->reply.dst;
		st->v[i].n = 0;
		st->n++;
	}
	if (i < st->n)
		st->v[i].n++;
	return 0;
}

/* Entries translated to an address nobody carries; evidence and fix. */
static void
dyn_stale_count(const struct dyn_acc *acc, struct dyn_state *s,
		struct diag_result *res, unsigned long *total)
{
	struct ct_query q = { .flags = CT_Q_NAT_ONLY };
	struct dyn_stale st;
	struct ct_handle *h;
	char a[CT_ADDRSTRLEN];
	struct masq_err e;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.acc = acc;
	*total = 0;
	err_init(&e);
	h = ct_open(&e);
	if (!h || ct_dump(h, &q, dyn_stale_cb, &st, &e) < 0) {
		diag_evidence(res, "conntrack not read (%s): stale entries "
			      "not counted", e.msg);
		goto out;
	}
	*total = st.total;
	for (i = 0; i < st.n; i++) {
		ctent_addr_format(st.v[i].family, &st.v[i].a, a);
		diag_evidence(res, "%lu conntrack entr%s still translated to "
			      "%s, which no interface carries (stale)",
			      st.v[i].n, st.v[i].n == 1 ? "y" : "ies", a);
		diag_evidence(res, "  they go nowhere until they time out: "
			      "kill gw %s", a);
		if (!res->fix)
			diag_fix(res, "kill gw %s", a);
	}
	if (st.total)
		dyn_raise(s, DIAG_WARN);
out:
	ct_close(h);
	err_done(&e);
}

#define DYN_MAX_UPLINKS 32

/* The uplinks to look at: "out IF", else every interface a rule names
 * ("ppp+" expands to the first present one).  How many. */
static size_t
dyn_uplinks(const struct diag_ctx *ctx, const struct nat_ruleset *rs,
	    const struct dyn_acc *acc, const char **names)
{
	size_t i, j, k, n = 0;

	if (ctx->iface) {
		names[n++] = ctx->iface;
		return n;
	}
	for (i = 0; i < rs->n_masq; i++)
		for (j = 0; j < rs->masq[i].n_oifs; j++) {
			const struct nat_ifname *o = &rs->masq[i].oifs[j];
			const char *nm = o->name;

			for (k = 0; k < acc->n && o->wildcard; k++)
				if (!strncmp(acc->v[k].ifname, o->name,
					     strlen(o->name)))
					break;
			if (o->wildcard)
				nm = k < acc->n ? acc->v[k].ifname : NULL;
			for (k = 0; nm && k < n; k++)
				if (!strcmp(names[k], nm))
					nm = NULL;
			if (nm && n < DYN_MAX_UPLINKS)
				names[n++] = nm;
		}
	return n;
}

/* net.ipv4.ip_dynaddr: wanted on a dynamic dial-up (ppp) uplink. */
static void
dyn_sysctl(struct diag_ctx *ctx, struct dyn_state *s, bool any_ppp,
	   struct diag_result *res)
{
	unsigned long long dynaddr = 0;

	if (diag_proc_u64(ctx, "sys/net/ipv4/ip_dynaddr", &dynaddr) != 0)
		return;
	diag_evidence(res, "net.ipv4.ip_dynaddr = %llu (1 or 2: the gateway's "
		      "own first connections on a dial link are moved to the "
		      "new address; 2 also logs it)", dynaddr);
	if (!dynaddr && s->n_dyn && any_ppp) {
		dyn_raise(s, DIAG_WARN);
		if (!res->fix)
			diag_fix(res, "sysctl -w net.ipv4.ip_dynaddr=1");
	}
}

/* The one-line message for what was found about @n uplinks. */
static void
dyn_message(struct diag_result *res, const struct dyn_state *s,
	    unsigned long stale, size_t n)
{
	if (s->n_missing)
		diag_message(res, "%u SNAT rule%s translate%s to an address "
			     "the uplink no longer has%s", s->n_missing,
			     s->n_missing == 1 ? "" : "s",
			     s->n_missing == 1 ? "s" : "",
			     stale ? "; stale entries remain" : "");
	else if (s->n_fixed)
		diag_message(res, "dynamic uplink, but %u rule%s SNAT to a "
			     "fixed address", s->n_fixed,
			     s->n_fixed == 1 ? "" : "s");
	else if (stale)
		diag_message(res, "%lu conntrack entr%s translated to an "
			     "address no interface has", stale,
			     stale == 1 ? "y" : "ies");
	else if (s->st != DIAG_PASS)
		diag_message(res, "the uplink needs attention (see evidence)");
	else
		diag_message(res, "%s uplink%s; the rules fit it",
			     s->n_dyn ? "dynamic" : "static",
			     n == 1 ? "" : "s");
}

static enum diag_status
dynaddr_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const struct nat_ruleset *rs;
	struct dyn_state s = { .st = DIAG_PASS };
	struct dyn_acc acc = { NULL, 0 };
	const char *names[DYN_MAX_UPLINKS];
	unsigned long stale = 0;
	size_t i, n;
	struct masq_err e;
	bool any_ppp = false;

	err_init(&e);
	if (diag_ctx_rules(ctx, &rs, &e) == -1 ||
	    links_addr_list(AF_UNSPEC, &acc.v, &acc.n, &e) == -1) {
		s.st = diag_error(res, &e);
		goto out;
	}
	n = dyn_uplinks(ctx, rs, &acc, names);
	if (!n) {
		s.st = diag_skip(res, "no masq rule names an uplink; name "
				 "one: diag dynaddr IF");
		goto out;
	}
	for (i = 0; i < n; i++) {
		dyn_iface(ctx, rs, &acc, names[i], &s, res);
		if (!strncmp(names[i], "ppp", 3))
			any_ppp = true;
	}
	dyn_sysctl(ctx, &s, any_ppp, res);
	dyn_stale_count(&acc, &s, res, &stale);
	dyn_message(res, &s, stale, n);
out:
	free(acc.v);
	err_done(&e);
	return s.st;
}

const struct diag_check diag_dynaddr_check = {
	.id = "dynaddr",
	.title = "the rules fit a dynamic uplink address",
	.faq = "7.8",
	.needs = 0,
	.run = dynaddr_run,
};

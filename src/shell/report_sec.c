/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report_sec.c - the sections of `report` (src/shell/cmd_report.c puts
 * them together, adds the diag results and redacts): each reads its part
 * of the system and prints it through the one printer, as text under a
 * "== TITLE ==" header or as one keyed member of the report's JSON
 * object.  A section that cannot read its part prints why (an "error"
 * member) and returns; none fails the report.  Owns the printing only:
 * the reading is src/nat's and src/diag's.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "core/xalloc.h"
#include "diag/diag_int.h"
#include "nat/caps.h"
#include "nat/ct.h"
#include "nat/links.h"
#include "nat/nft.h"
#include "shell/cmd_int.h"
#include "shell/report_sec.h"
#include "src/shell/report_versions.h"

void
report_sec_open(struct out *o, const char *key, const char *title)
{
	out_text(o, "== %s ==\n", title);
	out_obj_open(o, key);
}

void
report_sec_close(struct out *o)
{
	out_obj_close(o);
	out_text(o, "\n");
}

void
report_sec_error(struct out *o, const struct masq_err *e)
{
	out_str(o, "error", "error: %s\n", e->msg);
	if (e->kernel[0])
		out_str(o, "kernel_error", "  kernel: %s\n", e->kernel);
	if (e->hint[0])
		out_str(o, "hint", "  hint: %s\n", e->hint);
}

/* A multi-line text block: verbatim in text, a string in JSON. */
static void
put_block(struct out *o, const char *key, const char *text)
{
	size_t n = strlen(text);

	out_str(o, key, "%s", text);
	if (n && text[n - 1] != '\n')
		out_text(o, "\n");
}

void
report_sec_versions(struct out *o)
{
	struct utsname u;
	const char *why;

	report_sec_open(o, "versions", "versions");
	out_str(o, "masqsh", "masqsh                  %s\n", PACKAGE_VERSION);
	if (uname(&u) == 0) {
		out_str(o, "kernel", "kernel                  %s", u.sysname);
		out_str(o, "release", " %s", u.release);
		out_str(o, "build", " %s", u.version);
		out_str(o, "machine", " %s\n", u.machine);
		out_str(o, "nodename", "host                    %s\n",
			u.nodename);
	}
	out_str(o, "libnftnl", "libnftnl                %s\n",
		REPORT_V_LIBNFTNL);
	out_str(o, "libmnl", "libmnl                  %s\n", REPORT_V_LIBMNL);
	out_str(o, "libnetfilter_conntrack", "libnetfilter_conntrack  %s\n",
		REPORT_V_LIBNFCT);
	out_str(o, "sqlite", "sqlite3                 %s\n", REPORT_V_SQLITE);
	/* Without it the kernel sections below say so (nat/caps.h). */
	why = nat_cap_missing();
	out_bool(o, "cap_net_admin", "CAP_NET_ADMIN           %s", !why);
	out_text(o, "%s%s%s\n", why ? ": " : "", why ? why : "",
		 why ? "; the kernel's rules and conntrack are not read" : "");
	report_sec_close(o);
}

static void
put_lines(struct out *o, const char *key, const char *text)
{
	const char *p = text, *nl;
	char *line;

	out_arr_open(o, key);
	while (p && *p) {
		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		out_str(o, NULL, "  %s\n", line);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	out_arr_close(o);
}

void
report_sec_kernel(struct out *o, struct diag_ctx *d)
{
	struct diag_result res;

	report_sec_open(o, "kernel", "kernel features");
	diag_run_one(d, &diag_kernel_nat_check, &res);
	out_str(o, "status", "%s  ", diag_status_name(res.status));
	out_str(o, "message", "%s\n", res.message);
	put_lines(o, "evidence", res.evidence);
	diag_result_done(&res);
	report_sec_close(o);
}

void
report_sec_rules(struct out *o, const struct nat_ruleset *rs,
		 const struct masq_err *le, const char *nodb)
{
	char *s;

	report_sec_open(o, "rules", "stored rules");
	if (nodb)
		out_str(o, "no_database", "# no database at %s: nothing "
			"staged yet\n", nodb);
	if (!rs) {
		report_sec_error(o, le);
		out_text(o, "# the checks below ran without the stored "
			 "rules\n");
	} else {
		s = nat_ruleset_text(rs);
		if (!s[0] && !nodb)
			out_text(o, "# no rules staged\n");
		put_block(o, "script", s);
		free(s);
	}
	report_sec_close(o);
}

void
report_sec_ruleset(struct out *o, const struct nat_ruleset *rs)
{
	struct nat_compiled *c = NULL;
	char *staged = NULL, *kernel = NULL, *cmp = NULL;
	struct masq_err e;

	err_init(&e);
	report_sec_open(o, "ruleset", "compiled ruleset");
	if (!rs || nat_compile(rs, &c, &e) == -1 ||
	    !(staged = nat_compiled_print(c))) {
		if (rs)
			report_sec_error(o, &e);
		else
			out_text(o, "# not compiled: the stored rules could "
				 "not be read (see above)\n");
		out_null(o, "compiled", NULL);
	} else {
		if (!staged[0])		/* JSON: "" */
			out_text(o, "# (empty: nothing to compile)\n");
		put_block(o, "compiled", staged);
	}
	err_done(&e);
	out_text(o, "\n== kernel ruleset (what runs now) ==\n");
	if (nat_kernel_print(&kernel, true, &e) == -1 ||
	    nat_kernel_print(&cmp, false, &e) == -1) {
		out_obj_open(o, "kernel_read");
		report_sec_error(o, &e);
		out_obj_close(o);
		out_null(o, "kernel", NULL);
		out_null(o, "in_sync", NULL);
	} else {
		if (!kernel[0])		/* JSON: "" */
			out_text(o, "# no masqsh table in the kernel\n");
		put_block(o, "kernel", kernel);
		if (staged)
			out_bool(o, "in_sync", NULL, !strcmp(staged, cmp));
		else
			out_null(o, "in_sync", NULL);
	}
	if (staged && kernel && cmp)
		out_text(o, "%s\n", !strcmp(staged, cmp) ?
			 "in sync: the kernel runs the staged rules" :
			 !cmp[0] ? "differs: no masqsh table in the kernel "
			 "(never applied, or flushed)" :
			 "differs: the kernel does not run the staged rules "
			 "(see 'diff')");
	err_done(&e);
	free(staged);
	free(kernel);
	free(cmp);
	nat_compiled_free(c);
	report_sec_close(o);
}

static void
put_link(struct out *o, const struct links_link *l,
	 const struct links_addr *a, size_t na)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	out_obj_open(o, NULL);
	out_str(o, "name", "%-12s", l->name);
	out_str(o, "state", " %-8s", l->state);
	out_bool(o, "up", NULL, l->admin_up);
	out_u64(o, "mtu", " mtu %-6" PRIu64, l->mtu);
	out_str(o, "mac", " %-17s", l->mac[0] ? l->mac : "-");
	out_arr_open(o, "addresses");
	for (i = 0; i < na; i++)
		if (!strcmp(a[i].ifname, l->name))
			out_str(o, NULL, " %s", diag_net_str(&a[i].net, buf,
							       sizeof(buf)));
	out_arr_close(o);
	out_text(o, "\n");
	out_obj_close(o);
}

/* The main table's routes of @family: an array of `ip route` lines. */
static void
put_routes(struct out *o, int family, const char *key, const char *title)
{
	struct links_route *r = NULL;
	struct masq_err e;
	char buf[256];
	size_t n = 0, i;

	err_init(&e);
	out_text(o, "\n== %s ==\n", title);
	out_arr_open(o, key);
	if (links_routes(family, &r, &n, &e) == -1)
		out_str(o, NULL, "error: %s\n", e.msg);
	else if (!n)
		out_text(o, "# none\n");
	for (i = 0; i < n; i++) {
		links_route_format(&r[i], buf, sizeof(buf));
		out_str(o, NULL, "%s\n", buf);
	}
	out_arr_close(o);
	free(r);
	err_done(&e);
}

void
report_sec_network(struct out *o)
{
	struct links_link *l = NULL;
	struct links_addr *a = NULL;
	struct links_rule *ru = NULL;
	size_t nl = 0, na = 0, nru = 0, i;
	struct masq_err e;

	err_init(&e);
	report_sec_open(o, "network", "interfaces and addresses");
	if (links_list(&l, &nl, &e) == -1 ||
	    links_addr_list(AF_UNSPEC, &a, &na, &e) == -1)
		report_sec_error(o, &e);
	out_arr_open(o, "links");
	for (i = 0; i < nl; i++)
		put_link(o, &l[i], a, na);
	out_arr_close(o);
	err_done(&e);
	put_routes(o, AF_INET, "routes", "IPv4 routes (main table)");
	put_routes(o, AF_INET6, "routes6", "IPv6 routes (main table)");
	out_text(o, "\n== IPv4 policy rules ==\n");
	out_arr_open(o, "rules");
	if (links_rules(&ru, &nru, &e) == -1)
		out_str(o, NULL, "error: %s\n", e.msg);
	else if (!nru)
		out_text(o, "only the defaults (0 local, 32766 main, 32767 "
			 "default)\n");
	for (i = 0; i < nru; i++)
		out_str(o, NULL, "%s\n", ru[i].text);
	out_arr_close(o);
	err_done(&e);
	free(l);
	free(a);
	free(ru);
	report_sec_close(o);
}

void
report_sec_sysctls(struct out *o, const struct diag_ctx *d)
{
	static const char *const keys[] = {
		"net/ipv4/ip_forward", "net/ipv4/ip_dynaddr",
		"net/ipv4/conf/all/rp_filter", "net/ipv4/conf/default/rp_filter",
		"net/ipv6/conf/all/forwarding",
		"net/netfilter/nf_conntrack_max",
		"net/netfilter/nf_conntrack_count",
		"net/netfilter/nf_conntrack_buckets",
		"net/netfilter/nf_conntrack_helper",
		"net/netfilter/nf_conntrack_tcp_timeout_established",
		"net/netfilter/nf_conntrack_tcp_timeout_time_wait",
		"net/netfilter/nf_conntrack_tcp_timeout_unacknowledged",
		"net/netfilter/nf_conntrack_udp_timeout",
		"net/netfilter/nf_conntrack_udp_timeout_stream",
		"net/netfilter/nf_conntrack_icmp_timeout",
		"net/netfilter/nf_conntrack_generic_timeout",
		NULL,
	};
	char rel[160], name[160], val[256];
	size_t i;

	report_sec_open(o, "sysctls", "sysctls");
	for (i = 0; keys[i]; i++) {
		snprintf(rel, sizeof(rel), "sys/%s", keys[i]);
		snprintf(name, sizeof(name), "%s", keys[i]);
		for (char *p = name; *p; p++)
			if (*p == '/')
				*p = '.';
		if (diag_proc_read(d, rel, val, sizeof(val)) == -1) {
			out_text(o, "%-54s -\n", name);
			out_null(o, name, NULL);
			continue;
		}
		out_text(o, "%-54s ", name);
		out_str(o, name, "%s\n", val);
	}
	report_sec_close(o);
}

void
report_sec_conntrack(struct out *o)
{
	struct ct_handle *h;
	struct ct_stats st;
	struct masq_err e;

	err_init(&e);
	report_sec_open(o, "conntrack", "conntrack counters");
	h = ct_open(&e);
	if (!h || ct_stats_get(h, &st, &e) == -1) {
		report_sec_error(o, &e);
	} else {
		out_u64(o, "count", "count %" PRIu64, st.count);
		out_u64(o, "max", " / max %" PRIu64 "\n", st.max);
		out_u64(o, "found", "found %" PRIu64, st.found);
		out_u64(o, "invalid", "  invalid %" PRIu64, st.invalid);
		out_u64(o, "insert", "  insert %" PRIu64, st.insert);
		out_u64(o, "insert_failed", "  insert_failed %" PRIu64 "\n",
			st.insert_failed);
		out_u64(o, "drop", "drop %" PRIu64, st.drop);
		out_u64(o, "early_drop", "  early_drop %" PRIu64,
			st.early_drop);
		out_u64(o, "error", "  error %" PRIu64, st.error);
		out_u64(o, "search_restart", "  search_restart %" PRIu64 "\n",
			st.search_restart);
		out_u64(o, "clash_resolve", "clash_resolve %" PRIu64,
			st.clash_resolve);
		out_u64(o, "chaintoolong", "  chaintoolong %" PRIu64 "\n",
			st.chaintoolong);
	}
	if (h)
		ct_close(h);
	err_done(&e);
	report_sec_close(o);
}

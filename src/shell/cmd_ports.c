/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_ports.c - `show ports [by dst]`: the source-port budget of each
 * external (translated) address and protocol, optionally per remote
 * address, from one streaming dump of the SNAT'ed entries.
 *
 * Owns: counting entries per (address, protocol[, remote]) and per inside
 * host in two small open-addressing hashes (nothing per entry is kept
 * beyond its counters), the budget of a group, and the output.  Does not
 * own: the dump (nat/ct.h) or which rule made an entry (nat/ct_rule.h).
 *
 * The budget ("available") of an entry is the port range its masq rule
 * allows: the rule's `ports LO-HI` when it has one, else 64512, the ports
 * 1024-65535 the kernel picks from when it cannot keep the inside host's
 * own source port.  A group's budget is the largest of its entries'.
 * ICMP entries count echo ids (65536); protocols without ports have none.
 */
#include "config.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "nat/ct_rule.h"
#include "shell/cmds_int.h"
#include "shell/ct_row.h"

#define PORTS_DEFAULT 64512u	/* 1024-65535 */
#define PORTS_TOP 3

struct agg_key {
	uint8_t family, proto, pad[2];
	union ct_addr gw, dst, host;	/* dst and host zero when unused */
};

struct agg_slot {
	bool used;
	struct agg_key k;
	uint64_t n;
	uint32_t avail;
	size_t group;		/* pairs: index of their group in the list */
	uint64_t top_n[PORTS_TOP];
	const union ct_addr *top[PORTS_TOP];
};

struct agg {
	struct agg_slot *v;
	size_t cap, n;
};

static uint64_t
key_hash(const struct agg_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static struct agg_slot *agg_get(struct agg *a, const struct agg_key *k);

static void
agg_grow(struct agg *a)
{
	struct agg_slot *old = a->v;
	size_t i, cap = a->cap;

	a->cap = cap ? cap * 2 : 256;
	a->v = xcalloc(a->cap, sizeof(*a->v));
	a->n = 0;
	for (i = 0; i < cap; i++)
		if (old[i].used)
			*agg_get(a, &old[i].k) = old[i];
	free(old);
}

/* The slot of @k, added (zeroed) if new. */
static struct agg_slot *
agg_get(struct agg *a, const struct agg_key *k)
{
	size_t i;

	if (!a->cap)
		agg_grow(a);
	i = key_hash(k) & (a->cap - 1);
	while (a->v[i].used && memcmp(&a->v[i].k, k, sizeof(*k)))
		i = (i + 1) & (a->cap - 1);
	if (!a->v[i].used && (a->n + 1) * 10 > a->cap * 7) {
		agg_grow(a);		/* only when adding: slots move */
		return agg_get(a, k);
	}
	if (!a->v[i].used) {
		memset(&a->v[i], 0, sizeof(a->v[i]));
		a->v[i].used = true;
		a->v[i].k = *k;
		a->n++;
	}
	return &a->v[i];
}

struct ports_ctx {
	const struct nat_ruleset *rs;
	bool by_dst;
	struct agg groups, pairs;
	uint64_t total;
};

static void
addr_copy(union ct_addr *to, int family, const union ct_addr *from)
{
	memcpy(to, from, family == AF_INET6 ? 16 : 4);
}

/* The budget of @ce: its rule's port range, or the kernel's default. */
static uint32_t
entry_budget(const struct ports_ctx *p, const struct ct_entry *ce)
{
	const struct nat_rule *r;
	size_t i;

	switch (ce->proto) {
	case IPPROTO_TCP: case IPPROTO_UDP: case IPPROTO_UDPLITE:
	case IPPROTO_SCTP: case IPPROTO_DCCP:
		break;
	case IPPROTO_ICMP: case IPPROTO_ICMPV6:
		return 65536;
	default:
		return 0;
	}
	for (i = 0; p->rs && ce->rule_id && i < p->rs->n_masq; i++) {
		r = &p->rs->masq[i];
		if ((uint64_t)r->id == ce->rule_id && r->has_ports)
			return (uint32_t)r->ports.hi - r->ports.lo + 1;
	}
	return PORTS_DEFAULT;
}

static int
ports_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct ports_ctx *p = data;
	struct agg_slot *g, *h;
	struct agg_key k;
	uint32_t b;

	(void)e;
	if (!(ce->status & CT_ST_SRC_NAT))
		return 0;
	memset(&k, 0, sizeof(k));
	k.family = ce->family;
	k.proto = ce->proto;
	addr_copy(&k.gw, ce->family, &ce->reply.dst);
	if (p->by_dst)
		addr_copy(&k.dst, ce->family, &ce->reply.src);
	g = agg_get(&p->groups, &k);
	g->n++;
	b = entry_budget(p, ce);
	if (b > g->avail)
		g->avail = b;
	addr_copy(&k.host, ce->family, &ce->orig.src);
	h = agg_get(&p->pairs, &k);
	h->n++;
	p->total++;
	return 0;
}

/* Most used first; ties: more entries, then address order. */
static int
group_cmp(const void *x, const void *y)
{
	const struct agg_slot *a = *(const struct agg_slot *const *)x;
	const struct agg_slot *b = *(const struct agg_slot *const *)y;
	double pa = a->avail ? (double)a->n / a->avail : 0;
	double pb = b->avail ? (double)b->n / b->avail : 0;

	if (pa != pb)
		return pa < pb ? 1 : -1;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return memcmp(&a->k, &b->k, sizeof(a->k));
}

/* Fill each group's top inside hosts from the pairs. */
static void
top_hosts(struct ports_ctx *p)
{
	struct agg_slot *g, *h;
	struct agg_key k;
	size_t i, j;

	for (i = 0; i < p->pairs.cap; i++) {
		h = &p->pairs.v[i];
		if (!h->used)
			continue;
		k = h->k;
		memset(&k.host, 0, sizeof(k.host));
		g = agg_get(&p->groups, &k);	/* present: no growth */
		for (j = 0; j < PORTS_TOP; j++)
			if (!g->top[j] || h->n > g->top_n[j] ||
			    (h->n == g->top_n[j] &&
			     memcmp(&h->k.host, g->top[j], 16) < 0))
				break;
		if (j == PORTS_TOP)
			continue;
		memmove(&g->top[j + 1], &g->top[j],
			(PORTS_TOP - j - 1) * sizeof(g->top[0]));
		memmove(&g->top_n[j + 1], &g->top_n[j],
			(PORTS_TOP - j - 1) * sizeof(g->top_n[0]));
		g->top[j] = &h->k.host;
		g->top_n[j] = h->n;
	}
}

static void
print_group(struct out *o, const struct agg_slot *g, bool by_dst)
{
	char a[CT_ADDRSTRLEN], pct[16];
	const char *pn = ctent_proto_name(g->k.proto);
	size_t j;

	out_obj_open(o, NULL);
	out_str(o, "gw", "%-16s ", ctent_addr_format(g->k.family, &g->k.gw, a));
	if (pn)
		out_str(o, "proto", "%-6s ", pn);
	else
		out_int(o, "proto", "%-6lld ", g->k.proto);
	if (by_dst)
		out_str(o, "dst", "%-16s ",
			ctent_addr_format(g->k.family, &g->k.dst, a));
	out_u64(o, "used", "%7" PRIu64 " ", g->n);
	if (g->avail) {
		out_u64(o, "available", "%9" PRIu64 " ", g->avail);
		snprintf(pct, sizeof(pct), "%.1f%%",
			 100.0 * (double)g->n / g->avail);
		out_text(o, "%6s  ", pct);
		out_int(o, "used_pct_x10", NULL,
			(long long)(1000 * g->n / g->avail));
	} else {
		out_null(o, "available", "%9s ");
		out_text(o, "%6s  ", "-");
		out_null(o, "used_pct_x10", NULL);
	}
	out_arr_open(o, "top");
	for (j = 0; j < PORTS_TOP && g->top[j]; j++) {
		out_obj_open(o, NULL);
		out_str(o, "host", j ? ", %s" : "%s",
			ctent_addr_format(g->k.family, g->top[j], a));
		out_u64(o, "used", " (%" PRIu64 ")", g->top_n[j]);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_text(o, "\n");
	out_obj_close(o);
}

/* The staged rules, read-only (none when there is no database). */
static int
rules_load(struct cmd_ctx *ctx, struct nat_ruleset *rs, bool *have,
	   struct masq_err *e)
{
	const char *path = ctx->db_path ? ctx->db_path : store_default_path();
	struct store *s = NULL;
	int rc;

	*have = false;
	if (access(path, F_OK) < 0)
		return 0;
	rc = store_open_ro(&s, path, e);
	if (rc == 0)
		rc = nat_ruleset_load(s, rs, e);
	if (s)
		store_close(s);
	*have = rc == 0;
	return rc;
}

static int
cmd_show_ports(struct cmd_ctx *ctx, const struct cmd_args *a,
	       struct masq_err *e)
{
	struct ports_ctx p = { 0 };
	const struct masq_tok *vals[2];
	struct ct_query q = { .flags = CT_Q_NAT_ONLY };
	struct ct_handle *h = NULL;
	struct ct_rules *cr = NULL;
	struct agg_slot **list = NULL;
	struct nat_ruleset rs;
	struct masq_err le;
	size_t i, n = 0;
	bool have;
	int rc = -1;

	nat_ruleset_init(&rs);
	if (cmd_args_bind(&cmd_show_ports_entry, a, vals, e) < 0)
		goto out;
	p.by_dst = vals[0] != NULL;
	err_init(&le);
	if (rules_load(ctx, &rs, &have, &le) < 0)
		cmds_warn(ctx, "%s; budgets use the kernel's default range",
			  le.msg);
	err_done(&le);
	if (have) {
		cr = ct_rules_new(&rs);
		p.rs = &rs;
		q.annotate = ct_rules_annotate;
		q.annotate_data = cr;
	}
	h = ct_open(e);
	if (!h || ct_dump(h, &q, ports_cb, &p, e) < 0)
		goto out;
	top_hosts(&p);
	list = xcalloc(p.groups.n + 1, sizeof(*list));
	for (i = 0; i < p.groups.cap; i++)
		if (p.groups.v[i].used)
			list[n++] = &p.groups.v[i];
	qsort(list, n, sizeof(*list), group_cmp);

	out_arr_open(ctx->out, NULL);
	out_text(ctx->out, "%-16s %-6s ", "EXTERNAL", "PROTO");
	if (p.by_dst)
		out_text(ctx->out, "%-16s ", "REMOTE");
	out_text(ctx->out, "%7s %9s %6s  %s\n", "USED", "AVAILABLE", "USED%",
		 "TOP INSIDE HOSTS (entries)");
	for (i = 0; i < n; i++)
		print_group(ctx->out, list[i], p.by_dst);
	out_arr_close(ctx->out);
	out_text(ctx->out, "%" PRIu64 " translated %s\n", p.total,
		 p.total == 1 ? "connection" : "connections");
	rc = 0;
out:
	free(list);
	free(p.groups.v);
	free(p.pairs.v);
	ct_close(h);
	ct_rules_free(cr);
	nat_ruleset_done(&rs);
	return rc;
}

static const char *const by_choices[] = { "dst", NULL };

static const struct cmd_kw ports_kws[] = {
	{ "by", CMD_ARG_CHOICE, "dst", "one line per remote address too", 0,
	  by_choices },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_show_ports_entry = {
	.name = "show ports",
	.usage = "[by dst]",
	.summary = "source-port budget per external address and protocol",
	.help = "For each address the gateway translates to (masquerade and\n"
		"SNAT) and each protocol: how many connections use it, how many\n"
		"source ports the rule allows, the share used, and the three\n"
		"inside hosts with the most connections through it.  With 'by\n"
		"dst' the count is also split per remote address: the kernel\n"
		"can reuse a port for different remote ends, so a budget runs\n"
		"out per remote address first.\n"
		"AVAILABLE is the rule's 'ports LO-HI' when the masq rule behind\n"
		"the connections has one; otherwise 64512: masquerade and SNAT\n"
		"keep the inside host's source port when it is free and else\n"
		"pick one from 1024-65535.  ICMP counts echo ids (65536).\n"
		"With -j: an array of objects with the keys gw, proto, [dst,]\n"
		"used, available, used_pct_x10 (tenths of a percent) and top\n"
		"(an array of {host, used}).",
	.kws = ports_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_show_ports,
};

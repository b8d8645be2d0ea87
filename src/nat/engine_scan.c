/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_scan.c - one look at the conntrack table for `masqsh engine`:
 * how full it is, and how much of each source-port budget is used and by
 * whom (see engine.h).
 *
 * A budget is what one external address can offer towards one remote
 * endpoint: a translated tcp/udp connection needs a source port that no
 * other connection from the same external address to the same remote
 * address and port holds.  So entries are counted per (family, protocol,
 * external address, remote address, remote port) and, to name the
 * culprit, per (that budget, inside host); every entry, translated or
 * not, also counts for its inside host.  The counting is nat/ct_budget.c's
 * (shared with `diag ports` and `show ports`); this file owns turning the
 * counts into findings.  Entries are never kept.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/ct_budget.h"
#include "nat/engine.h"

/* The engine's budgets: per remote endpoint, protocols with ports only,
 * sized by the first entry; inside hosts over every entry. */
#define SCAN_BUDGET_FLAGS (CT_BUDGET_BY_REMOTE | CT_BUDGET_BY_PORT | \
			   CT_BUDGET_HOSTS_ALL)

_Static_assert(ENGINE_BUDGET_DEFAULT == CT_BUDGET_DEFAULT,
	       "engine.h promises ct_budget's default");

/* Text of a host counter (a share of a budget, or a host over all). */
static void
host_format(const struct ct_budget_slot *h, char *buf)
{
	ctent_addr_format(h->key.family, &h->host, buf);
}

static void
budget_key_format(const struct ct_budget_key *k, char *buf, size_t size)
{
	char gw[CT_ADDRSTRLEN], dst[CT_ENDPOINTSTRLEN];
	const char *pn = ctent_proto_name(k->proto);

	ctent_addr_format(k->family, &k->gw, gw);
	ctent_endpoint_format(k->family, &k->remote, k->port, dst);
	snprintf(buf, size, "%s %s %s", gw, pn ? pn : "?", dst);
}

static void
scan_add(struct engine_scan *out, const struct engine_finding *f)
{
	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = *f;
}

static int
finding_cmp(const void *pa, const void *pb)
{
	const struct engine_finding *a = pa, *b = pb;
	double x = (double)a->used / (double)(a->limit ? a->limit : 1);
	double y = (double)b->used / (double)(b->limit ? b->limit : 1);

	if (a->kind != b->kind)
		return a->kind == ENGINE_FIND_FILL ? -1 : 1;
	return x > y ? -1 : x < y ? 1 : strcmp(a->key, b->key);
}

/* The table fill, then every budget at or above @pct, each with the
 * inside host using most of it. */
static void
scan_findings(struct ct_budget *b, unsigned int pct, struct engine_scan *out)
{
	const struct ct_budget_slot *top, *g;
	struct engine_finding f;
	size_t i;

	ct_budget_rank(b);
	if (ct_budget_top_hosts(b, &top, 1)) {
		out->top_host_n = top->n;
		host_format(top, out->top_host);
	}
	if (out->st.max && out->st.count * 100 >= (uint64_t)pct * out->st.max) {
		memset(&f, 0, sizeof(f));
		f.kind = ENGINE_FIND_FILL;
		snprintf(f.key, sizeof(f.key), "table");
		f.used = out->st.count;
		f.limit = out->st.max;
		snprintf(f.host, sizeof(f.host), "%s", out->top_host);
		f.host_used = out->top_host_n;
		scan_add(out, &f);
	}
	for (i = 0; i < b->budgets.cap; i++) {
		g = &b->budgets.v[i];
		if (!g->used || g->n * 100 < (uint64_t)pct * g->size)
			continue;
		memset(&f, 0, sizeof(f));
		f.kind = ENGINE_FIND_BUDGET;
		budget_key_format(&g->key, f.key, sizeof(f.key));
		f.used = g->n;
		f.limit = g->size;
		host_format(g->top[0], f.host);	/* a budget has a share */
		f.host_used = g->top[0]->n;
		scan_add(out, &f);
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), finding_cmp);
}

int
engine_scan_run(struct ct_handle *h, const struct ct_rules *cr,
		const struct nat_ruleset *rs, unsigned int pct,
		struct engine_scan *out, struct masq_err *e)
{
	struct ct_budget b;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	/* without @rs every budget is the default, as engine.h promises */
	ct_budget_init(&b, SCAN_BUDGET_FLAGS, rs ? cr : NULL);
	if (ct_stats_get(h, &out->st, e) < 0 ||
	    ct_dump(h, NULL, ct_budget_cb, &b, e) < 0)
		goto out;
	out->entries = b.seen;
	out->budgets = b.budgets.n;
	scan_findings(&b, pct, out);
	ret = 0;
out:
	ct_budget_done(&b);
	if (ret < 0)
		engine_scan_done(out);
	return ret;
}

void
engine_scan_done(struct engine_scan *sc)
{
	free(sc->v);
	sc->v = NULL;
	sc->n = 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ports.c - `ports` (FAQ 7.21 "no free ports"): how close the
 * gateway is, now, to running out of conntrack slots or of source ports.
 *
 * Owns: one streaming dump of the table that counts the fill and its
 * evictable share (entries not ASSURED, which early_drop may reclaim);
 * the verdict on the port budgets -- a translated address can hold at most
 * one connection per source port towards one destination address, port
 * and protocol, so each (gateway address, protocol, destination, port) has
 * as many slots as the rule's port range (64512 without one) -- naming
 * the worst one and the inside hosts that fill it; and the kernel's
 * insert_failed / drop / early_drop / clash_resolve counters with their
 * growth since the last look (kept in the setting "diag.ports.last" when
 * the store is writable).
 * Does not own: counting or sizing the budgets (nat/ct_budget.h, shared
 * with the engine and `show ports`), killing entries or changing rules
 * (the fix is a command), the engine's alerts.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/store.h"
#include "core/xalloc.h"
#include "diag/diag.h"
#include "nat/ct.h"
#include "nat/ct_budget.h"
#include "nat/ct_rule.h"

#define PORTS_WARN_PCT 70
#define PORTS_FAIL_PCT 90
#define PORTS_SETTING "diag.ports.last"

/* This check's budgets: per (gateway address, protocol, destination,
 * port), every SNAT'ed protocol, sized as CT_BUDGET_RANGE_ANY says, with
 * the inside hosts behind the translated entries. */
#define PORTS_BUDGET_FLAGS (CT_BUDGET_BY_REMOTE | CT_BUDGET_BY_PORT | \
			    CT_BUDGET_PORTLESS | CT_BUDGET_RANGE_ANY | \
			    CT_BUDGET_HOSTS)

/* The budgets (total: .b.seen, translated: .b.counted) and the fill. */
struct pt_scan {
	struct ct_budget b;
	unsigned long evictable, unreplied;
};

static int
pt_scan_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct pt_scan *s = data;

	(void)e;
	if (!(ce->status & CT_ST_ASSURED))
		s->evictable++;
	if (!(ce->status & CT_ST_SEEN_REPLY))
		s->unreplied++;
	ct_budget_add(&s->b, ce);
	return 0;
}

static unsigned int
pt_pct(uint64_t used, uint64_t of)
{
	return of ? (unsigned int)(used * 100 / of) : 0;
}

/* Kernel counters and their growth since the stored last look. */
struct pt_counters {
	unsigned long long v[4];	/* insert_failed drop early_drop clash */
	unsigned long long d[4];
	bool have_last;
};

static void
pt_counters(struct diag_ctx *ctx, const struct ct_stats *cs,
	    struct pt_counters *c, struct diag_result *res)
{
	unsigned long long last[4];
	long long t = 0;
	char *val = NULL, buf[160];
	struct masq_err e;
	size_t i;

	c->v[0] = cs->insert_failed;
	c->v[1] = cs->drop;
	c->v[2] = cs->early_drop;
	c->v[3] = cs->clash_resolve;
	c->have_last = false;
	err_init(&e);
	if (ctx->store && store_setting_get(ctx->store, PORTS_SETTING, &val,
					    &e) == 0 && val &&
	    sscanf(val, "%lld %llu %llu %llu %llu", &t, &last[0], &last[1],
		   &last[2], &last[3]) == 5)
		c->have_last = true;
	for (i = 0; i < 4; i++)
		c->d[i] = !c->have_last ? c->v[i] :
			c->v[i] >= last[i] ? c->v[i] - last[i] : c->v[i];
	if (c->have_last)
		diag_evidence(res, "kernel counters since the last look %llds "
			      "ago: insert_failed +%llu, drop +%llu, "
			      "early_drop +%llu, clash_resolve +%llu",
			      (long long)time(NULL) - t, c->d[0], c->d[1],
			      c->d[2], c->d[3]);
	else
		diag_evidence(res, "kernel counters (first look, since the "
			      "namespace began): insert_failed %llu, drop "
			      "%llu, early_drop %llu, clash_resolve %llu",
			      c->v[0], c->v[1], c->v[2], c->v[3]);
	snprintf(buf, sizeof(buf), "%lld %llu %llu %llu %llu",
		 (long long)time(NULL), c->v[0], c->v[1], c->v[2], c->v[3]);
	err_done(&e);
	err_init(&e);
	if (ctx->store &&
	    store_setting_set(ctx->store, PORTS_SETTING, buf, &e) == -1)
		diag_evidence(res, "(the counters could not be kept for the "
			      "next look: the store is read-only)");
	err_done(&e);
	free(val);
}

static void
pt_budget_text(const struct ct_budget_key *k, char *buf, size_t size)
{
	char gw[CT_ADDRSTRLEN], dst[CT_ENDPOINTSTRLEN];
	const char *pn = ctent_proto_name(k->proto);

	ctent_addr_format(k->family, &k->gw, gw);
	if (k->port)
		ctent_endpoint_format(k->family, &k->remote, k->port, dst);
	else
		ctent_addr_format(k->family, &k->remote, dst);
	snprintf(buf, size, "%s %s -> %s", gw, pn ? pn : "?", dst);
}

/* The fullest budget: highest whole percent, then most entries (then
 * ct_budget_list()'s order).  NULL when there is none; *pct its share. */
static const struct ct_budget_slot *
pt_worst(const struct ct_budget *b, unsigned int *pct)
{
	const struct ct_budget_slot **v = ct_budget_list(b), *w = NULL;
	unsigned int p;
	size_t i;

	*pct = 0;
	for (i = 0; i < b->budgets.n; i++) {
		p = pt_pct(v[i]->n, v[i]->size);
		if (!w || p > *pct || (p == *pct && v[i]->n > w->n)) {
			w = v[i];
			*pct = p;
		}
	}
	free(v);
	return w;
}

static enum diag_status
pt_level(unsigned int pct)
{
	return pct >= PORTS_FAIL_PCT ? DIAG_FAIL :
		pct >= PORTS_WARN_PCT ? DIAG_WARN : DIAG_PASS;
}

/* What the scan found, for the verdict. */
struct pt_view {
	unsigned int fill, bpct;	/* table and worst budget, percent */
	const struct ct_budget_slot *worst;
	char bt[160];			/* the worst budget, as text */
	char tops[200];			/* the host to name in the fix */
};

/* The worst budget and its inside hosts; the level it calls for. */
static enum diag_status
pt_worst_evidence(struct diag_result *res, struct ct_budget *b,
		  struct pt_view *v)
{
	const struct ct_budget_slot *w;
	char host[CT_ADDRSTRLEN];
	size_t i;

	ct_budget_rank(b);
	w = v->worst = pt_worst(b, &v->bpct);
	if (!w)
		return DIAG_PASS;
	pt_budget_text(&w->key, v->bt, sizeof(v->bt));
	diag_evidence(res, "worst port budget: %s: %" PRIu64 " of %u source "
		      "ports (%u%%); %zu budgets in all", v->bt, w->n, w->size,
		      v->bpct, b->budgets.n);
	for (i = 0; i < CT_BUDGET_TOP && w->top[i]; i++) {
		ctent_addr_format(w->key.family, &w->top[i]->host, host);
		diag_evidence(res, "  inside host %s: %" PRIu64 " entries in "
			      "it", host, w->top[i]->n);
		if (i == 0)
			snprintf(v->tops, sizeof(v->tops), "%s", host);
	}
	return pt_level(v->bpct);
}

/* The inside hosts with the most translated entries. */
static void
pt_top_evidence(struct diag_result *res, const struct ct_budget *b,
		struct pt_view *v)
{
	const struct ct_budget_slot *top[3];
	char host[CT_ADDRSTRLEN];
	size_t i, nt = ct_budget_top_hosts(b, top, 3);

	for (i = 0; i < nt; i++) {
		ctent_addr_format(top[i]->key.family, &top[i]->host, host);
		diag_evidence(res, "top inside host by translated entries: "
			      "%s (%" PRIu64 ")", host, top[i]->n);
		if (!v->tops[0] && i == 0 && v->fill >= PORTS_WARN_PCT)
			snprintf(v->tops, sizeof(v->tops), "%s", host);
	}
}

/* The message and the fix for a check that found pressure. */
static void
pt_pressure(struct diag_result *res, enum diag_status st,
	    const struct pt_view *v, const struct pt_counters *c)
{
	diag_message(res, "%s %s: table %u%%, worst port budget %u%%%s%s%s%s",
		     st == DIAG_FAIL ? "running out of" : "pressure on",
		     v->worst && v->bpct >= v->fill ? "source ports" :
		     "conntrack slots", v->fill, v->bpct,
		     v->worst ? " (" : "", v->worst ? v->bt : "",
		     v->worst ? ")" : "", c->d[0] ? "; inserts failed" : "");
	if (v->tops[0]) {
		char *m = xasprintf("%s; top host %s", res->message, v->tops);

		diag_message(res, "%s", m);
		free(m);
		diag_fix(res, "kill src %s", v->tops);
	}
	diag_evidence(res, "to make room: widen the rule's port range "
		      "(ports 1024-65535), add addresses to its snat range, "
		      "or shorten net.netfilter.nf_conntrack_udp_timeout; "
		      "the fix drops the top host's entries now");
}

/* The verdict from what the scan and the counters show. */
static enum diag_status
pt_judge(struct diag_ctx *ctx, struct diag_result *res, struct pt_scan *s,
	 const struct ct_stats *cs)
{
	struct pt_view v;
	struct pt_counters c;
	enum diag_status st, b;

	memset(&v, 0, sizeof(v));
	v.fill = pt_pct(s->b.seen, cs->max);
	diag_evidence(res, "table: %" PRIu64 " of %llu entries (%u%%); %lu "
		      "not assured (evictable), %lu unreplied; %" PRIu64
		      " translated by SNAT/masquerade", s->b.seen,
		      (unsigned long long)cs->max, v.fill, s->evictable,
		      s->unreplied, s->b.counted);
	st = pt_level(v.fill);
	b = pt_worst_evidence(res, &s->b, &v);
	if (b > st)
		st = b;
	pt_top_evidence(res, &s->b, &v);
	pt_counters(ctx, cs, &c, res);
	if (c.have_last && c.d[0])
		st = DIAG_FAIL;
	else if (((!c.have_last && c.d[0]) || c.d[1] || c.d[2]) &&
		 st == DIAG_PASS)
		st = DIAG_WARN;
	if (st == DIAG_PASS)
		diag_message(res, "no port or table pressure: table %u%%, "
			     "worst port budget %u%%", v.fill, v.bpct);
	else
		pt_pressure(res, st, &v, &c);
	return st;
}

static enum diag_status
ports_run(struct diag_ctx *ctx, struct diag_result *res)
{
	const struct nat_ruleset *rs;
	struct ct_rules *cr = NULL;
	struct ct_handle *h = NULL;
	struct pt_scan s;
	struct ct_stats cs;
	struct masq_err e;
	enum diag_status st;

	memset(&s, 0, sizeof(s));
	ct_budget_init(&s.b, PORTS_BUDGET_FLAGS, NULL);	/* for "out" */
	err_init(&e);
	if (diag_ctx_rules(ctx, &rs, &e) == -1) {
		st = diag_error(res, &e);
		goto out;
	}
	cr = ct_rules_new(rs);
	ct_budget_init(&s.b, PORTS_BUDGET_FLAGS, cr);	/* still empty */
	h = ct_open(&e);
	if (!h || ct_stats_get(h, &cs, &e) == -1 ||
	    ct_dump(h, NULL, pt_scan_cb, &s, &e) < 0) {
		st = diag_error(res, &e);
		goto out;
	}
	st = pt_judge(ctx, res, &s, &cs);
out:
	ct_close(h);
	ct_budget_done(&s.b);
	ct_rules_free(cr);
	err_done(&e);
	return st;
}

const struct diag_check diag_ports_check = {
	.id = "ports",
	.title = "no-free-ports risk: table fill and port budgets",
	.faq = "7.21",
	.needs = DIAG_NEEDS_ROOT | DIAG_NEEDS_CT,
	.run = ports_run,
};

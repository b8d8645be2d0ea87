/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ports.c - `ports` (FAQ 7.21 "no free ports"): how close the
 * gateway is, now, to running out of conntrack slots or of source ports.
 *
 * Owns: one streaming dump of the table that counts the fill and its
 * evictable share (entries not ASSURED, which early_drop may reclaim), the
 * port budgets -- a translated address can hold at most one connection per
 * source port towards one destination address, port and protocol, so each
 * (gateway address, protocol, destination, port) has as many slots as the
 * rule's port range (64512 without one) -- with the inside hosts that fill
 * the worst one, and the kernel's insert_failed / drop / early_drop /
 * clash_resolve counters with their growth since the last look (kept in
 * the setting "diag.ports.last" when the store is writable).
 * Does not own: killing entries or changing rules (the fix is a command),
 * the engine's alerts.
 */
#include "config.h"

#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/store.h"
#include "core/xalloc.h"
#include "diag/diag.h"
#include "nat/ct.h"
#include "nat/ct_rule.h"

#define PORTS_DEFAULT_RANGE 64512u	/* 1024-65535, the kernel's pick */
#define PORTS_ICMP_RANGE 65536u		/* echo ids */
#define PORTS_WARN_PCT 70
#define PORTS_FAIL_PCT 90
#define PORTS_SETTING "diag.ports.last"

/* A budget: where translated flows go, from one gateway address. */
struct pt_bkey {
	uint8_t family, proto;
	uint16_t dport;
	uint8_t gw[16], dst[16];
};

/* One inside host's share of one budget. */
struct pt_pkey {
	struct pt_bkey b;
	uint8_t family, pad[3];
	uint8_t src[16];
};

/* Open-addressing table over fixed-size keys, two counters a slot. */
struct pt_tab {
	size_t klen, cap, n;
	uint8_t *keys, *used;
	uint32_t *a, *b;
};

static uint64_t
pt_hash(const uint8_t *k, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ k[i]) * 1099511628211ull;
	return h;
}

static void
pt_tab_init(struct pt_tab *t, size_t klen)
{
	memset(t, 0, sizeof(*t));
	t->klen = klen;
}

static void
pt_tab_done(struct pt_tab *t)
{
	free(t->keys);
	free(t->used);
	free(t->a);
	free(t->b);
	pt_tab_init(t, t->klen);
}

static size_t
pt_probe(const struct pt_tab *t, const void *key)
{
	size_t i = (size_t)pt_hash(key, t->klen) & (t->cap - 1);

	while (t->used[i] && memcmp(t->keys + i * t->klen, key, t->klen))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* The slot of @key, inserted (counters 0) when new. */
static size_t
pt_slot(struct pt_tab *t, const void *key)
{
	size_t i;

	if ((t->n + 1) * 10 > t->cap * 7) {
		struct pt_tab o = *t;

		t->cap = o.cap ? o.cap * 2 : 256;
		t->keys = xcalloc(t->cap, t->klen);
		t->used = xcalloc(t->cap, 1);
		t->a = xcalloc(t->cap, sizeof(*t->a));
		t->b = xcalloc(t->cap, sizeof(*t->b));
		for (i = 0; i < o.cap; i++) {
			size_t j;

			if (!o.used[i])
				continue;
			j = pt_probe(t, o.keys + i * o.klen);
			memcpy(t->keys + j * t->klen, o.keys + i * o.klen,
			       t->klen);
			t->used[j] = 1;
			t->a[j] = o.a[i];
			t->b[j] = o.b[i];
		}
		pt_tab_done(&o);
	}
	i = pt_probe(t, key);
	if (!t->used[i]) {
		memcpy(t->keys + i * t->klen, key, t->klen);
		t->used[i] = 1;
		t->n++;
	}
	return i;
}

struct pt_scan {
	const struct nat_ruleset *rs;
	struct ct_rules *cr;
	struct pt_tab budgets;	/* a: used, b: range size */
	struct pt_tab pairs;	/* a: entries */
	struct pt_tab hosts;	/* key: family + src; a: entries */
	unsigned long total, evictable, unreplied, snat;
};

static uint32_t
pt_range(const struct pt_scan *s, const struct ct_entry *ce)
{
	uint64_t id = s->cr ? ct_rules_match(s->cr, ce) : 0;
	size_t i;

	for (i = 0; id && i < s->rs->n_masq; i++)
		if ((uint64_t)s->rs->masq[i].id == id &&
		    s->rs->masq[i].has_ports)
			return (uint32_t)s->rs->masq[i].ports.hi -
				s->rs->masq[i].ports.lo + 1;
	if (ce->proto == 1 || ce->proto == 58)
		return PORTS_ICMP_RANGE;
	return PORTS_DEFAULT_RANGE;
}

static int
pt_scan_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct pt_scan *s = data;
	uint8_t hk[17];
	struct pt_pkey pk;
	size_t i, alen = ce->family == AF_INET ? 4 : 16;

	(void)e;
	s->total++;
	if (!(ce->status & CT_ST_ASSURED))
		s->evictable++;
	if (!(ce->status & CT_ST_SEEN_REPLY))
		s->unreplied++;
	if (!(ce->status & CT_ST_SRC_NAT))
		return 0;
	s->snat++;
	memset(&pk, 0, sizeof(pk));
	pk.b.family = ce->family;
	pk.b.proto = ce->proto;
	/* the translated tuple is the reply one: remote -> gateway */
	pk.b.dport = ce->proto == 1 || ce->proto == 58 ? 0 : ce->reply.sport;
	memcpy(pk.b.gw, ce->reply.dst.b, alen);
	memcpy(pk.b.dst, ce->reply.src.b, alen);
	i = pt_slot(&s->budgets, &pk.b);
	if (!s->budgets.a[i]++)
		s->budgets.b[i] = pt_range(s, ce);
	pk.family = ce->family;
	memcpy(pk.src, ce->orig.src.b, alen);
	i = pt_slot(&s->pairs, &pk);	/* may move .a: index after */
	s->pairs.a[i]++;
	memset(hk, 0, sizeof(hk));
	hk[0] = ce->family;
	memcpy(hk + 1, ce->orig.src.b, alen);
	i = pt_slot(&s->hosts, hk);
	s->hosts.a[i]++;
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

/* Top @k hosts of table @t, optionally only of budget @only.  */
static void
pt_top(const struct pt_tab *t, const struct pt_bkey *only, size_t *top,
       size_t k, size_t *n)
{
	size_t i, j, m = 0;

	for (i = 0; i < t->cap; i++) {
		if (!t->used[i] ||
		    (only && memcmp(t->keys + i * t->klen, only,
				    sizeof(*only))))
			continue;
		if (m < k)
			j = m++;
		else if (t->a[i] <= t->a[top[k - 1]])
			continue;
		else
			j = k - 1;
		for (; j > 0 && t->a[top[j - 1]] < t->a[i]; j--)
			top[j] = top[j - 1];
		top[j] = i;
	}
	*n = m;
}

static void
pt_budget_text(const struct pt_bkey *b, char *buf, size_t size)
{
	char gw[CT_ADDRSTRLEN], dst[CT_ENDPOINTSTRLEN];
	const char *pn = ctent_proto_name(b->proto);

	ctent_addr_format(b->family, (const union ct_addr *)b->gw, gw);
	if (b->dport)
		ctent_endpoint_format(b->family, (const union ct_addr *)b->dst,
				      b->dport, dst);
	else
		ctent_addr_format(b->family, (const union ct_addr *)b->dst,
				  dst);
	snprintf(buf, size, "%s %s -> %s", gw, pn ? pn : "?", dst);
}

static enum diag_status
pt_level(unsigned int pct)
{
	return pct >= PORTS_FAIL_PCT ? DIAG_FAIL :
		pct >= PORTS_WARN_PCT ? DIAG_WARN : DIAG_PASS;
}

static enum diag_status
ports_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct pt_scan s;
	struct pt_counters c;
	struct ct_stats cs;
	struct ct_handle *h = NULL;
	struct masq_err e;
	enum diag_status st = DIAG_PASS, b;
	char bt[160], host[CT_ADDRSTRLEN], tops[200] = "";
	size_t i, worst = (size_t)-1, top[3], nt = 0;
	unsigned int fill, bpct = 0;

	memset(&s, 0, sizeof(s));
	pt_tab_init(&s.budgets, sizeof(struct pt_bkey));
	pt_tab_init(&s.pairs, sizeof(struct pt_pkey));
	pt_tab_init(&s.hosts, 17);
	err_init(&e);
	if (diag_ctx_rules(ctx, &s.rs, &e) == -1) {
		st = diag_error(res, &e);
		goto out;
	}
	s.cr = ct_rules_new(s.rs);
	h = ct_open(&e);
	if (!h || ct_stats_get(h, &cs, &e) == -1 ||
	    ct_dump(h, NULL, pt_scan_cb, &s, &e) < 0) {
		st = diag_error(res, &e);
		goto out;
	}
	fill = pt_pct(s.total, cs.max);
	diag_evidence(res, "table: %lu of %llu entries (%u%%); %lu not "
		      "assured (evictable), %lu unreplied; %lu translated "
		      "by SNAT/masquerade", s.total,
		      (unsigned long long)cs.max, fill, s.evictable,
		      s.unreplied, s.snat);
	st = pt_level(fill);
	for (i = 0; i < s.budgets.cap; i++) {
		unsigned int p;

		if (!s.budgets.used[i])
			continue;
		p = pt_pct(s.budgets.a[i], s.budgets.b[i]);
		if (worst == (size_t)-1 || p > bpct ||
		    (p == bpct && s.budgets.a[i] > s.budgets.a[worst])) {
			worst = i;
			bpct = p;
		}
	}
	if (worst != (size_t)-1) {
		const struct pt_bkey *wk = (const struct pt_bkey *)
			(s.budgets.keys + worst * s.budgets.klen);

		pt_budget_text(wk, bt, sizeof(bt));
		diag_evidence(res, "worst port budget: %s: %u of %u source "
			      "ports (%u%%); %zu budgets in all", bt,
			      s.budgets.a[worst], s.budgets.b[worst], bpct,
			      s.budgets.n);
		pt_top(&s.pairs, wk, top, 3, &nt);
		for (i = 0; i < nt; i++) {
			const struct pt_pkey *pk = (const struct pt_pkey *)
				(s.pairs.keys + top[i] * s.pairs.klen);

			ctent_addr_format(pk->family,
					  (const union ct_addr *)pk->src, host);
			diag_evidence(res, "  inside host %s: %u entries in "
				      "it", host, s.pairs.a[top[i]]);
			if (i == 0)
				snprintf(tops, sizeof(tops), "%s", host);
		}
		b = pt_level(bpct);
		if (b > st)
			st = b;
	}
	pt_top(&s.hosts, NULL, top, 3, &nt);
	for (i = 0; i < nt; i++) {
		const uint8_t *k = s.hosts.keys + top[i] * s.hosts.klen;

		ctent_addr_format(k[0], (const union ct_addr *)(k + 1), host);
		diag_evidence(res, "top inside host by translated entries: "
			      "%s (%u)", host, s.hosts.a[top[i]]);
		if (!tops[0] && i == 0 && fill >= PORTS_WARN_PCT)
			snprintf(tops, sizeof(tops), "%s", host);
	}
	pt_counters(ctx, &cs, &c, res);
	if (c.have_last && c.d[0]) {
		st = DIAG_FAIL;
	} else if ((!c.have_last && c.d[0]) || c.d[1] || c.d[2]) {
		if (st == DIAG_PASS)
			st = DIAG_WARN;
	}
	if (st == DIAG_PASS) {
		diag_message(res, "no port or table pressure: table %u%%, "
			     "worst port budget %u%%", fill, bpct);
		goto out;
	}
	diag_message(res, "%s %s: table %u%%, worst port budget %u%%%s%s%s%s",
		     st == DIAG_FAIL ? "running out of" : "pressure on",
		     worst != (size_t)-1 && bpct >= fill ? "source ports" :
		     "conntrack slots", fill, bpct,
		     worst != (size_t)-1 ? " (" : "",
		     worst != (size_t)-1 ? bt : "",
		     worst != (size_t)-1 ? ")" : "",
		     c.d[0] ? "; inserts failed" : "");
	if (tops[0]) {
		char *m = xasprintf("%s; top host %s", res->message, tops);

		diag_message(res, "%s", m);
		free(m);
		diag_fix(res, "kill src %s", tops);
	}
	diag_evidence(res, "to make room: widen the rule's port range "
		      "(ports 1024-65535), add addresses to its snat range, "
		      "or shorten net.netfilter.nf_conntrack_udp_timeout; "
		      "the fix drops the top host's entries now");
out:
	ct_close(h);
	ct_rules_free(s.cr);
	pt_tab_done(&s.budgets);
	pt_tab_done(&s.pairs);
	pt_tab_done(&s.hosts);
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

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
 * culprit, per (that budget, inside host).  The counts live in two small
 * open-addressing hash maps that are thrown away after the scan; entries
 * are never kept.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/engine.h"

#define KEYLEN 56		/* budget key (36) + inside host (17), padded */
#define BKEYLEN 36		/* family, proto, dport, gw, remote */

struct slot {
	uint8_t key[KEYLEN];
	bool used;
	uint64_t count;
	uint32_t limit;		/* budgets: the port range size */
	uint64_t best;		/* budgets: the top inside host's count */
	uint8_t best_host[17];	/* family + address */
};

struct cmap {
	struct slot *v;
	size_t cap, n;
};

static uint64_t
key_hash(const uint8_t *k)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < KEYLEN; i++)
		h = (h ^ k[i]) * 1099511628211ull;
	return h;
}

static struct slot *
cmap_find(const struct cmap *m, const uint8_t *k)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = key_hash(k) & (m->cap - 1); m->v[i].used;
	     i = (i + 1) & (m->cap - 1))
		if (!memcmp(m->v[i].key, k, KEYLEN))
			return &m->v[i];
	return NULL;
}

static void cmap_grow(struct cmap *m);

/* The slot of @k, added (count 0) when new; *fresh says so. */
static struct slot *
cmap_get(struct cmap *m, const uint8_t *k, bool *fresh)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		cmap_grow(m);
	for (i = key_hash(k) & (m->cap - 1); m->v[i].used;
	     i = (i + 1) & (m->cap - 1))
		if (!memcmp(m->v[i].key, k, KEYLEN)) {
			*fresh = false;
			return &m->v[i];
		}
	memcpy(m->v[i].key, k, KEYLEN);
	m->v[i].used = true;
	m->n++;
	*fresh = true;
	return &m->v[i];
}

static void
cmap_grow(struct cmap *m)
{
	struct cmap big = { NULL, m->cap ? m->cap * 2 : 256, 0 };
	size_t i;
	bool fresh;

	big.v = xcalloc(big.cap, sizeof(*big.v));
	for (i = 0; i < m->cap; i++)
		if (m->v[i].used)
			*cmap_get(&big, m->v[i].key, &fresh) = m->v[i];
	free(m->v);
	*m = big;
}

struct scan_run {
	const struct ct_rules *cr;
	const struct nat_ruleset *rs;
	struct cmap hosts, budgets, bhosts;
	uint64_t entries;
};

/* The budget of the rule that made @ce. */
static uint32_t
budget_of(const struct scan_run *run, const struct ct_entry *ce)
{
	uint64_t id;
	size_t i;

	if (!run->cr || !run->rs)
		return ENGINE_BUDGET_DEFAULT;
	id = ct_rules_match(run->cr, ce);
	for (i = 0; id && i < run->rs->n_masq; i++) {
		const struct nat_rule *r = &run->rs->masq[i];

		if ((uint64_t)r->id == id && r->has_ports)
			return (uint32_t)r->ports.hi - r->ports.lo + 1;
	}
	return ENGINE_BUDGET_DEFAULT;
}

static int
scan_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct scan_run *run = data;
	uint8_t k[KEYLEN], hk[KEYLEN];
	struct slot *b, *bh;
	bool fresh;

	(void)e;
	run->entries++;
	memset(hk, 0, sizeof(hk));
	hk[0] = ce->family;
	memcpy(hk + 1, ce->orig.src.b, 16);
	cmap_get(&run->hosts, hk, &fresh)->count++;
	if (!(ce->status & CT_ST_SRC_NAT) || !nat_proto_has_ports(ce->proto))
		return 0;

	memset(k, 0, sizeof(k));
	k[0] = ce->family;
	k[1] = ce->proto;
	/* the translated tuple is the reply one (remote -> gateway), where
	 * the kernel keeps ports unique: as diag ports counts (a forward
	 * that is also masqueraded differs between the two tuples) */
	memcpy(k + 2, &ce->reply.sport, 2);
	memcpy(k + 4, ce->reply.dst.b, 16);	/* the external address */
	memcpy(k + 20, ce->reply.src.b, 16);	/* the remote end */
	b = cmap_get(&run->budgets, k, &fresh);
	if (fresh)
		b->limit = budget_of(run, ce);
	b->count++;
	memcpy(k + BKEYLEN, hk, 17);
	bh = cmap_get(&run->bhosts, k, &fresh);
	bh->count++;
	return 0;
}

/* Text of a host key (family byte + address). */
static void
host_format(const uint8_t *hk, char *buf)
{
	union ct_addr a;

	memcpy(a.b, hk + 1, 16);
	ctent_addr_format(hk[0], &a, buf);
}

static void
budget_key_format(const struct slot *b, char *buf, size_t size)
{
	char gw[CT_ADDRSTRLEN], dst[CT_ENDPOINTSTRLEN];
	const char *pn = ctent_proto_name(b->key[1]);
	union ct_addr a;
	uint16_t port;

	memcpy(&port, b->key + 2, 2);
	memcpy(a.b, b->key + 4, 16);
	ctent_addr_format(b->key[0], &a, gw);
	memcpy(a.b, b->key + 20, 16);
	ctent_endpoint_format(b->key[0], &a, port, dst);
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

/* Name each budget's top inside host, then list those over @pct. */
static void
scan_findings(struct scan_run *run, unsigned int pct, struct engine_scan *out)
{
	struct engine_finding f;
	struct slot *b;
	size_t i;

	for (i = 0; i < run->bhosts.cap; i++) {
		const struct slot *bh = &run->bhosts.v[i];
		uint8_t k[KEYLEN];

		if (!bh->used)
			continue;
		memset(k, 0, sizeof(k));
		memcpy(k, bh->key, BKEYLEN);
		b = cmap_find(&run->budgets, k);
		if (b && bh->count > b->best) {
			b->best = bh->count;
			memcpy(b->best_host, bh->key + BKEYLEN, 17);
		}
	}
	for (i = 0; i < run->hosts.cap; i++) {
		const struct slot *h = &run->hosts.v[i];

		if (h->used && h->count > out->top_host_n) {
			out->top_host_n = h->count;
			host_format(h->key, out->top_host);
		}
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
	for (i = 0; i < run->budgets.cap; i++) {
		b = &run->budgets.v[i];
		if (!b->used || b->count * 100 < (uint64_t)pct * b->limit)
			continue;
		memset(&f, 0, sizeof(f));
		f.kind = ENGINE_FIND_BUDGET;
		budget_key_format(b, f.key, sizeof(f.key));
		f.used = b->count;
		f.limit = b->limit;
		host_format(b->best_host, f.host);
		f.host_used = b->best;
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
	struct scan_run run;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(&run, 0, sizeof(run));
	run.cr = cr;
	run.rs = rs;
	if (ct_stats_get(h, &out->st, e) < 0 ||
	    ct_dump(h, NULL, scan_cb, &run, e) < 0)
		goto out;
	out->entries = run.entries;
	out->budgets = run.budgets.n;
	scan_findings(&run, pct, out);
	ret = 0;
out:
	free(run.hosts.v);
	free(run.budgets.v);
	free(run.bhosts.v);
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

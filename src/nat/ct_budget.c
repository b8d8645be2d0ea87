/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_budget.c - source-port budgets over a conntrack scan (see ct_budget.h
 * for what a budget is and which views use it).
 *
 * Owns: the three counting hashes (linear probing, FNV-1a, grown at 70%
 * load), the per-entry accounting, the size of a budget from the masq
 * rules, and the orderings callers print in.  Does not own: the dump, the
 * rule evaluator, or what a count means to a caller (levels, alerts, text).
 *
 * Ties in every ordering fall back to the key's bytes, never to where a
 * slot happens to sit in a hash, so a listing does not reshuffle when the
 * table grows.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/ct_budget.h"
#include "nat/rule.h"

/* ---- the hashes ---------------------------------------------------------- */

static uint64_t
slot_hash(const struct ct_budget_key *k, const union ct_addr *host)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	for (i = 0; i < sizeof(host->b); i++)
		h = (h ^ host->b[i]) * 1099511628211ull;
	return h;
}

static bool
slot_is(const struct ct_budget_slot *s, const struct ct_budget_key *k,
	const union ct_addr *host)
{
	return !memcmp(&s->key, k, sizeof(*k)) &&
	       !memcmp(s->host.b, host->b, sizeof(host->b));
}

/* Where (@k, @host) is, or the free slot where it would go. */
static size_t
map_probe(const struct ct_budget_map *m, const struct ct_budget_key *k,
	  const union ct_addr *host)
{
	size_t i = (size_t)slot_hash(k, host) & (m->cap - 1);

	while (m->v[i].used && !slot_is(&m->v[i], k, host))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
map_grow(struct ct_budget_map *m)
{
	struct ct_budget_slot *old = m->v;
	size_t i, cap = m->cap;

	m->cap = cap ? cap * 2 : 256;
	m->v = xcalloc(m->cap, sizeof(*m->v));
	for (i = 0; i < cap; i++)
		if (old[i].used)
			m->v[map_probe(m, &old[i].key, &old[i].host)] = old[i];
	free(old);
}

/* The slot of (@k, @host), added zeroed when new; *fresh says which. */
static struct ct_budget_slot *
map_get(struct ct_budget_map *m, const struct ct_budget_key *k,
	const union ct_addr *host, bool *fresh)
{
	struct ct_budget_slot *s;

	if ((m->n + 1) * 10 > m->cap * 7)
		map_grow(m);
	s = &m->v[map_probe(m, k, host)];
	*fresh = !s->used;
	if (*fresh) {
		s->key = *k;
		s->host = *host;
		s->used = true;
		m->n++;
	}
	return s;
}

static struct ct_budget_slot *
map_find(const struct ct_budget_map *m, const struct ct_budget_key *k,
	 const union ct_addr *host)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = map_probe(m, k, host);
	return m->v[i].used ? &m->v[i] : NULL;
}

/* ---- accounting ---------------------------------------------------------- */

static const union ct_addr no_host;

void
ct_budget_init(struct ct_budget *b, unsigned int flags,
	       const struct ct_rules *cr)
{
	memset(b, 0, sizeof(*b));
	b->flags = flags;
	b->cr = cr;
}

void
ct_budget_done(struct ct_budget *b)
{
	free(b->budgets.v);
	free(b->shares.v);
	free(b->hosts.v);
	ct_budget_init(b, b->flags, b->cr);
}

static bool
is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* Copy only the family's bytes, so the rest of a key stays zero. */
static void
addr_copy(union ct_addr *to, int family, const union ct_addr *from)
{
	memcpy(to->b, from->b, family == AF_INET ? 4 : 16);
}

bool
ct_budget_key_of(const struct ct_budget *b, const struct ct_entry *ce,
		 struct ct_budget_key *k)
{
	if (!(ce->status & CT_ST_SRC_NAT))
		return false;
	if (!(b->flags & CT_BUDGET_PORTLESS) && !nat_proto_has_ports(ce->proto))
		return false;
	memset(k, 0, sizeof(*k));
	k->family = ce->family;
	k->proto = ce->proto;
	addr_copy(&k->gw, ce->family, &ce->reply.dst);
	if (b->flags & CT_BUDGET_BY_REMOTE)
		addr_copy(&k->remote, ce->family, &ce->reply.src);
	/* an ICMP reply's "port" is its echo id: one budget for all ids */
	if ((b->flags & CT_BUDGET_BY_PORT) && !is_icmp(ce->proto))
		k->port = ce->reply.sport;
	return true;
}

/* The port range of the masq rule that made @ce, 0 when it has none. */
static uint32_t
rule_range(const struct ct_budget *b, const struct ct_entry *ce)
{
	const struct nat_ruleset *rs = ct_rules_ruleset(b->cr);
	uint64_t id = !b->cr ? 0 : (b->flags & CT_BUDGET_RULE_IDS) ?
		      ce->rule_id : ct_rules_match(b->cr, ce);
	size_t i;

	for (i = 0; id && rs && i < rs->n_masq; i++)
		if ((uint64_t)rs->masq[i].id == id && rs->masq[i].has_ports)
			return (uint32_t)rs->masq[i].ports.hi -
			       rs->masq[i].ports.lo + 1;
	return 0;
}

uint32_t
ct_budget_entry_size(const struct ct_budget *b, const struct ct_entry *ce)
{
	bool ranged = nat_proto_has_ports(ce->proto) ||
		      (b->flags & CT_BUDGET_RANGE_ANY);
	uint32_t r = ranged ? rule_range(b, ce) : 0;

	if (r)
		return r;
	if (is_icmp(ce->proto))
		return CT_BUDGET_ICMP;
	return ranged ? CT_BUDGET_DEFAULT : 0;
}

static void
count_host(struct ct_budget_map *m, const struct ct_entry *ce)
{
	struct ct_budget_key k;
	union ct_addr host;
	bool fresh;

	memset(&k, 0, sizeof(k));
	memset(&host, 0, sizeof(host));
	k.family = ce->family;
	addr_copy(&host, ce->family, &ce->orig.src);
	map_get(m, &k, &host, &fresh)->n++;
}

bool
ct_budget_add(struct ct_budget *b, const struct ct_entry *ce)
{
	struct ct_budget_slot *s;
	struct ct_budget_key k;
	union ct_addr host;
	bool fresh, counts = ct_budget_key_of(b, ce, &k);
	uint32_t size;

	b->seen++;
	if (b->flags & CT_BUDGET_HOSTS_ALL ||
	    (counts && (b->flags & CT_BUDGET_HOSTS)))
		count_host(&b->hosts, ce);
	if (!counts)
		return false;
	b->counted++;
	s = map_get(&b->budgets, &k, &no_host, &fresh);
	s->n++;
	if (fresh || (b->flags & CT_BUDGET_SIZE_MAX)) {
		size = ct_budget_entry_size(b, ce);
		if (fresh || size > s->size)
			s->size = size;
	}
	if (b->flags & CT_BUDGET_NO_SHARES)
		return true;
	memset(&host, 0, sizeof(host));
	addr_copy(&host, ce->family, &ce->orig.src);
	map_get(&b->shares, &k, &host, &fresh)->n++;
	return true;
}

int
ct_budget_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	(void)e;
	ct_budget_add(data, ce);
	return 0;
}

const struct ct_budget_slot *
ct_budget_find(const struct ct_budget *b, const struct ct_budget_key *k)
{
	return map_find(&b->budgets, k, &no_host);
}

/* ---- orderings ----------------------------------------------------------- */

/* Does share or host @a go before @b: more entries, then lower address. */
static bool
host_before(const struct ct_budget_slot *a, const struct ct_budget_slot *b)
{
	int c;

	if (a->n != b->n)
		return a->n > b->n;
	c = memcmp(&a->key, &b->key, sizeof(a->key));
	return c ? c < 0 : memcmp(a->host.b, b->host.b, sizeof(a->host.b)) < 0;
}

/* Put @s into @top (@k long, @m filled, best first) if it belongs there;
 * returns the new fill. */
static size_t
top_insert(const struct ct_budget_slot **top, size_t k, size_t m,
	   const struct ct_budget_slot *s)
{
	size_t j;

	if (m == k && !host_before(s, top[k - 1]))
		return m;
	j = m < k ? m++ : k - 1;
	for (; j > 0 && host_before(s, top[j - 1]); j--)
		top[j] = top[j - 1];
	top[j] = s;
	return m;
}

void
ct_budget_rank(struct ct_budget *b)
{
	struct ct_budget_slot *g;
	size_t i, m;

	for (i = 0; i < b->budgets.cap; i++)	/* a second call starts over */
		memset(b->budgets.v[i].top, 0, sizeof(b->budgets.v[i].top));
	for (i = 0; i < b->shares.cap; i++) {
		const struct ct_budget_slot *h = &b->shares.v[i];

		if (!h->used)
			continue;
		/* every share has its budget: both were made together */
		g = map_find(&b->budgets, &h->key, &no_host);
		for (m = 0; m < CT_BUDGET_TOP && g->top[m]; m++)
			;
		top_insert(g->top, CT_BUDGET_TOP, m, h);
	}
}

/* Used share of the size, for ordering only (size 0: none used). */
static double
share_of(const struct ct_budget_slot *s)
{
	return s->size ? (double)s->n / s->size : 0;
}

static int
budget_cmp(const void *x, const void *y)
{
	const struct ct_budget_slot *const *pa = x, *const *pb = y;
	const struct ct_budget_slot *a = *pa, *b = *pb;
	double sa = share_of(a), sb = share_of(b);

	if (sa != sb)
		return sa < sb ? 1 : -1;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

const struct ct_budget_slot **
ct_budget_list(const struct ct_budget *b)
{
	const struct ct_budget_slot **v;
	size_t i, n = 0;

	v = xcalloc(b->budgets.n + 1, sizeof(*v));
	for (i = 0; i < b->budgets.cap; i++)
		if (b->budgets.v[i].used)
			v[n++] = &b->budgets.v[i];
	qsort(v, n, sizeof(*v), budget_cmp);
	return v;
}

size_t
ct_budget_top_hosts(const struct ct_budget *b,
		    const struct ct_budget_slot **top, size_t k)
{
	size_t i, m = 0;

	for (i = 0; k && i < b->hosts.cap; i++)
		if (b->hosts.v[i].used)
			m = top_insert(top, k, m, &b->hosts.v[i]);
	return m;
}

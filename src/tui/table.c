/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * table.c - masqtop's compact conntrack table (see table.h).
 *
 * Entries sit in one dense array so a tick's scan is a straight walk;
 * removal moves the last entry into the hole.  The hash holds the key and
 * 1 + the array index side by side in a power-of-two slot array with
 * linear probing kept at most three quarters full, so a probe that meets
 * another key never touches the entry array (one cache miss per lookup).
 * The start-up dump appends without looking anything up and builds the
 * hash once afterwards (top_table_index()).  Deletes
 * shift backward (no tombstones, so a churning table never degrades).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "tui/table.h"

struct top_v6 {
	union ct_addr a[4];
};

struct top_acct {
	struct ct_counters c[2];
};

/* A pool of fixed-size items with a free list of indices. */
struct pool {
	void *items;
	size_t size, n, cap;
	uint32_t *free;
	size_t nfree, capfree;
};

struct slot {
	uint32_t key;		/* the entry's id (top_ent.id) */
	uint32_t idx;		/* 1 + index into ents, 0 empty */
};

struct top_table {
	struct top_ent *ents;
	size_t n, cap;
	struct slot *slots;
	size_t nslots;		/* power of two */
	unsigned int shift;	/* 32 - log2(nslots), for slot_of() */
	bool unindexed;		/* appended since top_table_index() */
	struct pool v6, acct;
};

/*
 * A large array (the entries, the slots): 2 MiB-aligned and marked for
 * transparent huge pages, so filling 250k entries costs a handful of page
 * faults instead of thousands (where THP is off this is a plain malloc).
 * Measured (issue 11, 250k entries, `masqtop -b -n 1 --lines 50`, the
 * same build with plain mallocs side by side): 245 page faults instead
 * of 4,840, and 1.10-1.87x the CPU time without it (median 1.43).
 * Zeroed when @zero.  Freed with free(); xrealloc() may move it.
 */
static void *
big_alloc(size_t n, bool zero)
{
	enum { HUGE = 2u << 20 };
	void *p;

	if (n < 2 * HUGE || posix_memalign(&p, HUGE, n))
		return zero ? xcalloc(1, n) : xmalloc(n);
#ifdef MADV_HUGEPAGE
	madvise(p, n & ~(size_t)(HUGE - 1), MADV_HUGEPAGE);
#endif
	if (zero)
		memset(p, 0, n);
	return p;
}

static uint32_t
pool_get(struct pool *p)
{
	if (p->nfree)
		return p->free[--p->nfree];
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->items = xrealloc(p->items, p->cap * p->size);
	}
	return (uint32_t)p->n++;
}

static void
pool_put(struct pool *p, uint32_t i)
{
	if (p->nfree == p->capfree) {
		p->capfree = p->capfree ? p->capfree * 2 : 64;
		p->free = xrealloc(p->free, p->capfree * sizeof(*p->free));
	}
	p->free[p->nfree++] = i;
}

static void *
pool_at(const struct pool *p, uint32_t i)
{
	return (char *)p->items + (size_t)i * p->size;
}

static void
pool_done(struct pool *p)
{
	free(p->items);
	free(p->free);
	memset(p, 0, sizeof(*p));
}

struct top_table *
top_table_new(void)
{
	struct top_table *t = xcalloc(1, sizeof(*t));

	t->nslots = 1024;
	t->shift = 32 - 10;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	t->v6.size = sizeof(struct top_v6);
	t->acct.size = sizeof(struct top_acct);
	return t;
}

void
top_table_free(struct top_table *t)
{
	if (!t)
		return;
	free(t->ents);
	free(t->slots);
	pool_done(&t->v6);
	pool_done(&t->acct);
	free(t);
}

size_t
top_table_count(const struct top_table *t)
{
	return t->n;
}

struct top_ent *
top_table_at(const struct top_table *t, size_t i)
{
	return &t->ents[i];
}

size_t
top_table_bytes(const struct top_table *t)
{
	return t->cap * sizeof(*t->ents) + t->nslots * sizeof(*t->slots) +
	       t->v6.cap * t->v6.size + t->acct.cap * t->acct.size +
	       (t->v6.capfree + t->acct.capfree) * sizeof(uint32_t);
}

/* The key: the kernel id, or for an entry without one a hash of its
 * original tuple (never 0). */
static uint32_t
ent_key(const struct ct_entry *ce)
{
	uint32_t h = 2166136261u;
	const uint8_t *b;
	size_t i;

	if (ce->id)
		return ce->id;
	b = (const uint8_t *)&ce->orig;
	for (i = 0; i < sizeof(ce->orig); i++)
		h = (h ^ b[i]) * 16777619u;
	h ^= ce->proto;
	return h ? h : 1;
}

/* Home slot of @key: Fibonacci hashing (the top bits of key * 2^32/phi),
 * good even for keys that are not random. */
static size_t
slot_of(const struct top_table *t, uint32_t key)
{
	return (size_t)((uint32_t)(key * 2654435769u) >> t->shift);
}

const union ct_addr *
top_ent_addr(const struct top_table *t, const struct top_ent *e, int i,
	     union ct_addr *tmp)
{
	if (e->flags & TOP_F_V6)
		return &((const struct top_v6 *)pool_at(&t->v6, e->a[0]))->a[i];
	memset(tmp, 0, sizeof(*tmp));
	tmp->w[0] = e->a[i];
	return tmp;
}

/* Is @e the entry @ce describes (same key, protocol and original source)? */
static bool
ent_same(const struct top_table *t, const struct top_ent *e, uint32_t key,
	 const struct ct_entry *ce)
{
	union ct_addr tmp;

	if (e->id != key || e->proto != ce->proto || e->family != ce->family ||
	    e->p[TOP_OSRC] != ce->orig.sport || e->zone != ce->zone)
		return false;
	return memcmp(top_ent_addr(t, e, TOP_OSRC, &tmp), &ce->orig.src,
		      e->family == AF_INET6 ? 16 : 4) == 0;
}

/* Slot holding @ce's entry, or the empty slot where it would go. */
static size_t
slot_find(const struct top_table *t, uint32_t key, const struct ct_entry *ce)
{
	size_t s = slot_of(t, key);

	while (t->slots[s].idx &&
	       (t->slots[s].key != key ||
		!ent_same(t, &t->ents[t->slots[s].idx - 1], key, ce)))
		s = (s + 1) & (t->nslots - 1);
	return s;
}

/* Slot that points at dense index @idx (which must be in the hash). */
static size_t
slot_of_index(const struct top_table *t, size_t idx)
{
	size_t s = slot_of(t, t->ents[idx].id);

	while (t->slots[s].idx != idx + 1)
		s = (s + 1) & (t->nslots - 1);
	return s;
}

/* Re-hash into @nslots (a power of two, > 4/3 n). */
static void
hash_resize(struct top_table *t, size_t nslots)
{
	size_t i, s;

	free(t->slots);
	t->nslots = nslots;
	for (t->shift = 32; nslots > 1; nslots >>= 1)
		t->shift--;
	t->slots = big_alloc(t->nslots * sizeof(*t->slots), true);
	for (i = 0; i < t->n; i++) {
		s = slot_of(t, t->ents[i].id);
		while (t->slots[s].idx)
			s = (s + 1) & (t->nslots - 1);
		t->slots[s].key = t->ents[i].id;
		t->slots[s].idx = (uint32_t)(i + 1);
	}
}

void
top_table_reserve(struct top_table *t, size_t n)
{
	size_t ns = t->nslots;
	struct top_ent *ents;

	if (n > t->cap) {
		ents = big_alloc(n * sizeof(*ents), false);
		if (t->n)
			memcpy(ents, t->ents, t->n * sizeof(*ents));
		free(t->ents);
		t->ents = ents;
		t->cap = n;
	}
	while (n * 4 > ns * 3)
		ns *= 2;
	if (ns != t->nslots)
		hash_resize(t, ns);
}

/*
 * Store @ce in @e, stamped @now.  @fresh: @e was zeroed for it.  An
 * entry already held keeps what @ce does not say: ctnetlink's NEW and
 * UPDATE events carry no counters (only dumps and DESTROY do) and carry
 * the TCP state only when it changed, and the rule was worked out once
 * by the caller (top_table_put()'s contract).
 */
static void
ent_fill(struct top_table *t, struct top_ent *e, uint32_t key,
	 const struct ct_entry *ce, uint32_t now, bool fresh)
{
	bool v6 = ce->family == AF_INET6;
	struct top_v6 *x;
	struct top_acct *ac;

	if (v6 && !(e->flags & TOP_F_V6)) {
		e->a[0] = pool_get(&t->v6);
		e->flags |= TOP_F_V6;
	}
	if (v6) {
		x = pool_at(&t->v6, e->a[0]);
		x->a[TOP_OSRC] = ce->orig.src;
		x->a[TOP_ODST] = ce->orig.dst;
		x->a[TOP_RSRC] = ce->reply.src;
		x->a[TOP_RDST] = ce->reply.dst;
	} else {
		e->a[TOP_OSRC] = ce->orig.src.w[0];
		e->a[TOP_ODST] = ce->orig.dst.w[0];
		e->a[TOP_RSRC] = ce->reply.src.w[0];
		e->a[TOP_RDST] = ce->reply.dst.w[0];
	}
	e->p[TOP_OSRC] = ce->orig.sport;
	e->p[TOP_ODST] = ce->orig.dport;
	e->p[TOP_RSRC] = ce->reply.sport;
	e->p[TOP_RDST] = ce->reply.dport;
	e->id = key;
	if (!ce->id)
		e->flags |= TOP_F_NOID;
	e->status = ce->status;
	e->mark = ce->mark;
	e->timeout = ce->timeout;
	e->t_upd = now;
	if (fresh)
		e->rule = (uint32_t)ce->rule_id;
	e->zone = ce->zone;
	e->family = ce->family;
	e->proto = ce->proto;
	/* TCP is never confirmed in CT_TCP_NONE: 0 means "not sent" */
	if (fresh || ce->tcp_state != CT_TCP_NONE || ce->proto != 6)
		e->tcp_state = ce->tcp_state;
	e->icmp_type = ce->orig.icmp_type;
	e->icmp_code = ce->orig.icmp_code;
	e->flags |= TOP_F_SEEN;
	if (ce->has_counters) {
		if (!e->acct)
			e->acct = pool_get(&t->acct) + 1;
		ac = pool_at(&t->acct, e->acct - 1);
		ac->c[0] = ce->c_orig;
		ac->c[1] = ce->c_reply;
	}
	/* No counters in @ce: an event, or accounting off.  The kernel
	 * gives an entry its counters when it creates it or never, so the
	 * ones held stay (as of the last read). */
}

struct top_ent *
top_table_put(struct top_table *t, const struct ct_entry *ce, uint32_t now,
	      bool *added)
{
	uint32_t key = ent_key(ce);
	size_t s = slot_find(t, key, ce);
	struct top_ent *e;

	if (t->slots[s].idx) {
		e = &t->ents[t->slots[s].idx - 1];
		ent_fill(t, e, key, ce, now, false);
		if (added)
			*added = false;
		return e;
	}
	if ((t->n + 1) * 4 > t->nslots * 3) {
		hash_resize(t, t->nslots * 2);
		s = slot_find(t, key, ce);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap + t->cap / 2 : 1024;
		t->ents = xrealloc(t->ents, t->cap * sizeof(*t->ents));
	}
	e = &t->ents[t->n];
	memset(e, 0, sizeof(*e));
	t->slots[s].key = key;
	t->slots[s].idx = (uint32_t)(++t->n);
	ent_fill(t, e, key, ce, now, true);
	if (added)
		*added = true;
	return e;
}

void
top_table_append(struct top_table *t, const struct ct_entry *ce, uint32_t now)
{
	struct top_ent *e;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap + t->cap / 2 : 1024;
		t->ents = xrealloc(t->ents, t->cap * sizeof(*t->ents));
	}
	e = &t->ents[t->n++];
	memset(e, 0, sizeof(*e));
	ent_fill(t, e, ent_key(ce), ce, now, true);
	t->unindexed = true;
}

/* Do @a and @b describe the same connection (as ent_same() decides)? */
static bool
ent_eq(const struct top_table *t, const struct top_ent *a,
       const struct top_ent *b)
{
	union ct_addr x, y;

	if (a->id != b->id || a->proto != b->proto || a->family != b->family ||
	    a->p[TOP_OSRC] != b->p[TOP_OSRC] || a->zone != b->zone)
		return false;
	return memcmp(top_ent_addr(t, a, TOP_OSRC, &x),
		      top_ent_addr(t, b, TOP_OSRC, &y),
		      a->family == AF_INET6 ? 16 : 4) == 0;
}

/* Free the side-pool items of @e. */
static void
ent_release(struct top_table *t, const struct top_ent *e)
{
	if (e->flags & TOP_F_V6)
		pool_put(&t->v6, e->a[0]);
	if (e->acct)
		pool_put(&t->acct, e->acct - 1);
}

void
top_table_index(struct top_table *t)
{
	size_t i, w = 0, s, ns = t->nslots;
	struct top_ent *e;

	if (!t->unindexed)
		return;
	t->unindexed = false;
	while (t->n * 4 > ns * 3)
		ns *= 2;
	if (ns != t->nslots) {
		free(t->slots);
		t->nslots = ns;
		for (t->shift = 32; ns > 1; ns >>= 1)
			t->shift--;
		t->slots = big_alloc(t->nslots * sizeof(*t->slots), true);
	} else {
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
	}
	for (i = 0; i < t->n; i++) {
		e = &t->ents[i];
		s = slot_of(t, e->id);
		while (t->slots[s].idx &&
		       (t->slots[s].key != e->id ||
			!ent_eq(t, &t->ents[t->slots[s].idx - 1], e)))
			s = (s + 1) & (t->nslots - 1);
		if (t->slots[s].idx) {
			/* The dump gave it twice: the later copy wins. */
			ent_release(t, &t->ents[t->slots[s].idx - 1]);
			t->ents[t->slots[s].idx - 1] = *e;
			continue;
		}
		if (w != i)
			t->ents[w] = *e;
		t->slots[s].key = e->id;
		t->slots[s].idx = (uint32_t)++w;
	}
	t->n = w;
}

/* Empty slot @s and close the gap behind it (backward shift). */
static void
slot_delete(struct top_table *t, size_t s)
{
	size_t mask = t->nslots - 1, j = s, home;

	t->slots[s].idx = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (!t->slots[j].idx)
			return;
		home = slot_of(t, t->slots[j].key);
		/* Move j back to s unless its home lies in (s, j]. */
		if ((s < j) ? (home <= s || home > j) : (home <= s && home > j)) {
			t->slots[s] = t->slots[j];
			t->slots[j].idx = 0;
			s = j;
		}
	}
}

/* Drop dense entry @idx whose slot is @s. */
static void
ent_drop(struct top_table *t, size_t idx, size_t s)
{
	struct top_ent *e = &t->ents[idx];
	size_t last = t->n - 1;

	if (e->flags & TOP_F_V6)
		pool_put(&t->v6, e->a[0]);
	if (e->acct)
		pool_put(&t->acct, e->acct - 1);
	slot_delete(t, s);
	if (idx != last) {
		t->slots[slot_of_index(t, last)].idx = (uint32_t)(idx + 1);
		t->ents[idx] = t->ents[last];
	}
	t->n--;
}

bool
top_table_remove(struct top_table *t, const struct ct_entry *ce)
{
	uint32_t key = ent_key(ce);
	size_t s = slot_find(t, key, ce);

	if (!t->slots[s].idx)
		return false;
	ent_drop(t, t->slots[s].idx - 1, s);
	return true;
}

long
top_table_find_id(const struct top_table *t, uint32_t id)
{
	size_t s = slot_of(t, id);

	for (; t->slots[s].idx; s = (s + 1) & (t->nslots - 1))
		if (t->slots[s].key == id)
			return (long)t->slots[s].idx - 1;
	return -1;
}

void
top_table_clear(struct top_table *t)
{
	t->n = 0;
	memset(t->slots, 0, t->nslots * sizeof(*t->slots));
	t->v6.n = t->v6.nfree = 0;
	t->acct.n = t->acct.nfree = 0;
}

void
top_table_mark_begin(struct top_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		t->ents[i].flags &= (uint8_t)~TOP_F_SEEN;
}

size_t
top_table_sweep(struct top_table *t)
{
	size_t i = 0, gone = 0;

	while (i < t->n) {
		if (t->ents[i].flags & TOP_F_SEEN) {
			i++;
			continue;
		}
		ent_drop(t, i, slot_of_index(t, i));
		gone++;
	}
	return gone;
}

uint32_t
top_ent_expires(const struct top_ent *e, uint32_t now)
{
	uint32_t el = now - e->t_upd;

	return el >= e->timeout ? 0 : e->timeout - el;
}

bool
top_ent_counters(const struct top_table *t, const struct top_ent *e,
		 uint64_t *bytes, uint64_t *packets)
{
	const struct top_acct *ac;

	if (!e->acct)
		return false;
	ac = pool_at(&t->acct, e->acct - 1);
	*bytes = ac->c[0].bytes + ac->c[1].bytes;
	*packets = ac->c[0].packets + ac->c[1].packets;
	return true;
}

void
top_ent_to_ct(const struct top_table *t, const struct top_ent *e,
	      uint32_t now, struct ct_entry *ce)
{
	union ct_addr tmp;
	const struct top_acct *ac;

	memset(ce, 0, sizeof(*ce));
	ce->family = e->family;
	ce->proto = e->proto;
	ce->tcp_state = e->tcp_state;
	ce->zone = e->zone;
	ce->status = e->status;
	ce->timeout = top_ent_expires(e, now);
	ce->mark = e->mark;
	ce->id = (e->flags & TOP_F_NOID) ? 0 : e->id;
	ce->rule_id = e->rule;
	ce->orig.src = *top_ent_addr(t, e, TOP_OSRC, &tmp);
	ce->orig.dst = *top_ent_addr(t, e, TOP_ODST, &tmp);
	ce->reply.src = *top_ent_addr(t, e, TOP_RSRC, &tmp);
	ce->reply.dst = *top_ent_addr(t, e, TOP_RDST, &tmp);
	ce->orig.sport = e->p[TOP_OSRC];
	ce->orig.dport = e->p[TOP_ODST];
	ce->reply.sport = e->p[TOP_RSRC];
	ce->reply.dport = e->p[TOP_RDST];
	ce->orig.icmp_type = e->icmp_type;
	ce->orig.icmp_code = e->icmp_code;
	if (e->acct) {
		ac = pool_at(&t->acct, e->acct - 1);
		ce->has_counters = true;
		ce->c_orig = ac->c[0];
		ce->c_reply = ac->c[1];
	}
}

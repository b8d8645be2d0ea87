/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * table.h - masqtop's in-memory copy of the conntrack table.
 *
 * Owns: a compact entry per tracked connection, kept in a dense array and
 * found through an open-addressing hash keyed by the kernel's conntrack id
 * (confirmed against the original tuple, since ids are 32-bit hashes), the
 * mark-and-sweep used when the engine resynchronises after an overrun,
 * and the live countdown of each entry's timeout.  Fed by dumps (at start
 * and then periodically, see loop.c) and by events; it never asks the
 * kernel anything itself.
 * Does not own: talking to the kernel (nat/ct.h), sorting or aggregating
 * for display (view.h), drawing.
 *
 * Memory: an IPv4 entry costs 60 bytes plus 11 to 21 of hash; IPv6 addresses and
 * accounting counters live in side pools only for the entries that need
 * them, so a 250k-entry IPv4 table fits in about 18 MiB.
 */
#ifndef MASQ_TUI_TABLE_H
#define MASQ_TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctent.h"

/* struct top_ent.flags */
enum {
	TOP_F_SEEN = 1 << 0,	/* seen during the running resync */
	TOP_F_V6 = 1 << 1,	/* a[0] indexes the IPv6 pool */
	TOP_F_MATCH = 1 << 2,	/* passes the current filter (model.c) */
	TOP_F_NOID = 1 << 3,	/* the kernel sent no id; id is a tuple hash */
};

/* Addresses a[]/ports p[] order: original src, dst, reply src, dst. */
enum { TOP_OSRC, TOP_ODST, TOP_RSRC, TOP_RDST };

struct top_ent {
	uint32_t id;		/* kernel id (or a tuple hash when 0) */
	uint32_t a[4];		/* IPv4 addresses, network order */
	uint16_t p[4];		/* ports, host order */
	uint32_t status;	/* CT_ST_* */
	uint32_t mark;
	uint32_t timeout;	/* seconds left at t_upd */
	uint32_t t_upd;		/* table clock at the last update */
	uint32_t rule;		/* masq rule id, 0 unknown */
	uint32_t acct;		/* 1 + index in the counter pool, 0 none */
	uint16_t zone;
	uint8_t family, proto, tcp_state, icmp_type, icmp_code, flags;
};

struct top_table;

/* New empty table.  Caller frees with top_table_free().  Cannot fail
 * (xalloc aborts on exhaustion). */
struct top_table *top_table_new(void);
void top_table_free(struct top_table *t);

/* Make room for @n entries without growing (say, the kernel's count
 * before the start-up dump).  Cannot fail. */
void top_table_reserve(struct top_table *t, size_t n);

/* Entries now; entry @i (0 <= i < count) is borrowed until the next
 * put/remove/sweep, which may move entries. */
size_t top_table_count(const struct top_table *t);
struct top_ent *top_table_at(const struct top_table *t, size_t i);

/*
 * Insert @ce, or update the entry with the same id and original tuple,
 * stamped with clock @now (seconds, any monotonic origin).  An update
 * keeps the entry's rule, its counters when @ce has none (events carry
 * none) and its TCP state when @ce's is CT_TCP_NONE (an event that did
 * not change it); a new entry takes @ce's rule_id.  The entry is marked
 * seen for a running resync.  Returns the stored entry (borrowed) and
 * sets *@added when it was new.  Cannot fail.
 */
struct top_ent *top_table_put(struct top_table *t, const struct ct_entry *ce,
			      uint32_t now, bool *added);

/*
 * The start-up dump's fast path: append @ce without looking for an
 * existing entry, then call top_table_index() once before any other call
 * but count/at/append (the hash is built there in one pass; an entry the
 * dump delivered twice is kept once, the later copy).  Cannot fail.
 */
void top_table_append(struct top_table *t, const struct ct_entry *ce,
		      uint32_t now);
void top_table_index(struct top_table *t);

/* Remove the entry matching @ce.  Returns true if there was one. */
bool top_table_remove(struct top_table *t, const struct ct_entry *ce);

/* Dense index of an entry with kernel id (key) @id, or -1 when none.
 * (Ids are hashes: callers that keep an id across updates use this to
 * find their entry again after others moved.) */
long top_table_find_id(const struct top_table *t, uint32_t id);

/* Forget everything. */
void top_table_clear(struct top_table *t);

/* Resync: clear every entry's seen mark; then put() marks what the dump
 * (and live events) deliver; sweep() drops the rest and returns how many. */
void top_table_mark_begin(struct top_table *t);
size_t top_table_sweep(struct top_table *t);

/* Seconds left for @e at clock @now (0 once it ran out). */
uint32_t top_ent_expires(const struct top_ent *e, uint32_t now);

/* Address @i (TOP_OSRC..TOP_RDST) of @e.  Borrowed. */
const union ct_addr *top_ent_addr(const struct top_table *t,
				  const struct top_ent *e, int i,
				  union ct_addr *tmp);

/* Counters, or false when accounting is off for @e. */
bool top_ent_counters(const struct top_table *t, const struct top_ent *e,
		      uint64_t *bytes, uint64_t *packets);

/*
 * Rebuild the full struct ct_entry of @e (timeout as of @now), for the
 * filter, the details pane and deletion.  Cannot fail.
 */
void top_ent_to_ct(const struct top_table *t, const struct top_ent *e,
		   uint32_t now, struct ct_entry *ce);

/* Bytes of heap the table holds now (for the benchmark's report). */
size_t top_table_bytes(const struct top_table *t);

#endif

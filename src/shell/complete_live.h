/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * complete_live.h - TAB's live values from the conntrack table: the
 * addresses and ports a filter word (`show masq src`, `kill gw`, `watch
 * dport`) or explain's SRC[:PORT] and DST[:PORT] could name right now.
 *
 * Owns: one dump of the table per call, and the tally that turns entries
 * into distinct values counted by how many entries carry each.  Does not
 * own: which word takes which field (struct cmd_kw's .live, cmd.h),
 * offering the values as candidates (complete.c), or what gw means
 * (ctent_gateway(), the filter's own definition).
 */
#ifndef MASQ_SHELL_COMPLETE_LIVE_H
#define MASQ_SHELL_COMPLETE_LIVE_H

#include <stddef.h>

#include "core/ctent.h"
#include "shell/cmd.h"

/* At most this many values per TAB: readline asks before listing 100. */
#define LIVE_VALUES_MAX 50
/* Distinct values counted per TAB; values first seen after that many are
 * not counted (about 4 MiB at most). */
#define LIVE_DISTINCT_MAX 65536

struct live_value {
	char text[CT_ENDPOINTSTRLEN];	/* "192.0.2.1", "[2001:db8::1]:80", "443" */
	unsigned long count;		/* entries that carry it */
};

struct live_tally;

/*
 * A tally of @field's values that start with @prefix (borrowed; it must
 * outlive the tally).  Caller frees with live_tally_free().  Cannot fail
 * (allocation failure aborts, as xalloc does).
 */
struct live_tally *live_tally_new(enum cmd_live field, const char *prefix);
/* Count @ce's value of the field, if it has one and it fits the prefix:
 * ports only for protocols with ports (not ICMP, not 0), gw and gport
 * only for NAT'ed entries.  Cannot fail. */
void live_tally_add(struct live_tally *t, const struct ct_entry *ce);
/*
 * The @max most frequent values into @out, most frequent first; equal
 * counts in text order, numbers by value.  Returns how many.  Ends the
 * tally (it sorts the values in place): only live_tally_free() may
 * follow.  Cannot fail.
 */
size_t live_tally_top(struct live_tally *t, struct live_value *out,
		      size_t max);
void live_tally_free(struct live_tally *t);

/*
 * Dump the conntrack table of the current network namespace once and
 * return the LIVE_VALUES_MAX (at most @max) most frequent values of
 * @field that start with @prefix into @out.  0 when the table cannot be
 * read (no CAP_NET_ADMIN, no conntrack module): completion never fails
 * and never prints.
 */
size_t live_values(enum cmd_live field, const char *prefix,
		   struct live_value *out, size_t max);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * timeouts.h - conntrack timeouts per protocol and state: the names masqsh
 * gives them, the HOWTO's "tcp tcpfin udp" triple mapped onto them,
 * reading and writing them in the current network namespace, and keeping
 * them in the store's settings so that `apply` puts them back, and a set
 * as the text a revision keeps.
 *
 * Owns: the table of timeouts (name, protocol, state, sysctl file under
 * /proc/sys/net/netfilter, the kernel's compiled-in default), parsing the
 * words of `timeouts set|reset`, the sysctl reads and writes (always in
 * the namespace of the calling process: /proc/sys/net follows the
 * opener's namespace, so no other namespace is ever touched), and the
 * settings "timeout.<name>" (masqsh's value) and "timeout.default.<name>"
 * (the value found before masqsh first changed it, for `timeouts reset`).
 * Does not own: printing (src/shell/cmd_timeouts.c), per-rule timeout
 * policies (nft ct timeout objects), or writing them as part of an apply
 * (src/ctl/revision_timeouts.c).
 *
 * The HOWTO's triple (ipchains -M -S tcp tcpfin udp) maps so:
 *   tcp     -> tcp-established
 *   tcpfin  -> tcp-fin-wait, tcp-close-wait, tcp-last-ack, tcp-time-wait
 *              (every state after the first FIN, as the 2.2 kernel used
 *              its one "tcpfin" value for all of them)
 *   udp     -> udp-unreplied and udp-stream (ipchains had one UDP timeout
 *              for every UDP entry)
 */
#ifndef MASQ_NAT_TIMEOUTS_H
#define MASQ_NAT_TIMEOUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct store;

/* Largest value accepted (the sysctl is an int). */
#define NAT_TIMEOUT_MAX 2147483647u

struct nat_timeout {
	const char *name;		/* "tcp-established" */
	const char *proto;		/* "tcp" */
	const char *state;		/* "established"; "" when only one */
	const char *sysctl;		/* "nf_conntrack_tcp_timeout_established" */
	uint32_t kernel_default;	/* compiled-in value (Linux 6.x) */
};

/* The table, in display order; @n set to its length.  Cannot fail. */
const struct nat_timeout *nat_timeouts_table(size_t *n);

/* Index of @name in the table (exact, case-insensitive), or -1. */
int nat_timeout_find(const char *name);
/*
 * Mark in @sel (indexes of the table) the states @word names: one of the
 * HOWTO's three words (tcp, tcpfin, udp) or a state name, case ignored.
 * -1 when unknown.  Used by `timeouts set` and by rules' `timeout`.
 */
int nat_timeout_select(const char *word, bool *sel);

/* A set of values, one per table entry; has[i] says whether val[i] is
 * given.  Zero-initialised means empty. */
#define NAT_TIMEOUTS_NMAX 16
struct nat_timeout_set {
	bool has[NAT_TIMEOUTS_NMAX];
	uint32_t val[NAT_TIMEOUTS_NMAX];
};

/*
 * Parse "NAME SECONDS [NAME SECONDS..]" (the words after `timeouts set`).
 * NAME is a per-state name or one of tcp, tcpfin, udp (the triple above);
 * SECONDS is 1..NAT_TIMEOUT_MAX, optionally with a unit s, m, h or d.  A
 * later word overrides an earlier one for the same state.  -1
 * (MASQ_EUSAGE) with @e marking the bad word: an unknown name (with a "did
 * you mean"), a missing or non-numeric value, 0 or too large.
 */
int nat_timeouts_parse(const struct masq_tok *v, size_t n,
		       struct nat_timeout_set *ts, struct masq_err *e);

/*
 * Parse "[NAME..]" (the words after `timeouts reset`): the states named,
 * or every state when @n is 0.  -1 (MASQ_EUSAGE) marking an unknown name.
 */
int nat_timeouts_parse_names(const struct masq_tok *v, size_t n,
			     struct nat_timeout_set *ts, struct masq_err *e);

/*
 * Read entry @i of the table from /proc/sys/net/netfilter in the current
 * network namespace.  -1 with @e set (MASQ_EKERNEL when conntrack is not
 * loaded or the file cannot be read).
 */
int nat_timeout_read(size_t i, uint32_t *val, struct masq_err *e);

/*
 * Write every value in @ts into the current network namespace.  When one
 * write fails, the ones already written get their previous value back and
 * -1 is returned with @e set (MASQ_EKERNEL; the kernel's refusal named).
 * When @old is not NULL it receives the values found before writing.
 */
int nat_timeouts_write(const struct nat_timeout_set *ts,
		       struct nat_timeout_set *old, struct masq_err *e);

/*
 * The stored settings: @set gets "timeout.<name>", @dflt gets
 * "timeout.default.<name>" (either may be NULL).  A stored value that
 * does not parse is ignored.  -1 with @e set on a store error.
 */
int nat_timeouts_load(struct store *s, struct nat_timeout_set *set,
		      struct nat_timeout_set *dflt, struct masq_err *e);

/*
 * Store the values of @ts as masqsh's settings, in one transaction.  For
 * a state without a recorded default, @found (the value in the kernel
 * before masqsh's first change) is recorded as its default.  On error
 * nothing is changed.
 */
int nat_timeouts_save(struct store *s, const struct nat_timeout_set *ts,
		      const struct nat_timeout_set *found,
		      struct masq_err *e);

/*
 * Forget masqsh's settings for the states in @ts (and their recorded
 * defaults), in one transaction.  On error nothing is changed.
 */
int nat_timeouts_forget(struct store *s, const struct nat_timeout_set *ts,
			struct masq_err *e);

/*
 * A set as text, the words of `timeouts set` in table order with plain
 * seconds ("tcp-established 7200 udp-unreplied 60"; "" for the empty
 * set): what a revision keeps of the timeouts it put in force.  Caller
 * frees.  nat_timeouts_from_text() reads it back through
 * nat_timeouts_parse(); -1 (MASQ_ESTORE) when it no longer parses.
 */
char *nat_timeouts_text(const struct nat_timeout_set *ts);
int nat_timeouts_from_text(struct nat_timeout_set *ts, const char *text,
			   struct masq_err *e);

#endif

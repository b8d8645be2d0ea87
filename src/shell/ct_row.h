/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_row.h - the live-table commands' shared parts: one conntrack entry as
 * a text row or a JSON object (the same columns for `show masq`, `show
 * conntrack` and `watch`), the large output buffer those listings write
 * through, and preparing a dump from the words of a command (filter, rule
 * evaluator, query).
 *
 * Rows are built by hand into the buffer: at 250k entries printf() and
 * the per-member JSON printer would cost more than the kernel's dump.
 * Nothing is allocated per entry.
 */
#ifndef MASQ_SHELL_CT_ROW_H
#define MASQ_SHELL_CT_ROW_H

#include <stdbool.h>
#include <stdio.h>

#include "core/ctent.h"
#include "core/filter.h"
#include "nat/ct.h"
#include "nat/ct_rule.h"
#include "shell/cmd.h"

/* An output buffer flushed with one fwrite when nearly full. */
struct ct_rowbuf {
	FILE *fp;
	char *buf;
	size_t len, cap;
};

/* @cap 0: 1 MiB.  Cannot fail (xalloc). */
void ct_rowbuf_init(struct ct_rowbuf *rb, FILE *fp, size_t cap);
/* Write out what is buffered (no fflush). */
void ct_rowbuf_flush(struct ct_rowbuf *rb);
/* Flush and free. */
void ct_rowbuf_done(struct ct_rowbuf *rb);
void ct_rowbuf_puts(struct ct_rowbuf *rb, const char *s);

/* The text header (with @prefix before it, e.g. "EVENT   ", or NULL). */
void ct_row_header(struct ct_rowbuf *rb, const char *prefix);
/* One text row, newline included. */
void ct_row_text(struct ct_rowbuf *rb, const char *prefix,
		 const struct ct_entry *ce);
/*
 * One JSON object, no newline: keys family, proto, src, sport, gw, gport,
 * dst, dport, state, expires, bytes, packets, mark, zone, status, rule, id
 * (and "event" first when @event is not NULL).
 */
void ct_row_json(struct ct_rowbuf *rb, const char *event,
		 const struct ct_entry *ce);

/* What a listing, kill or watch runs with. */
struct ct_cmd {
	struct filter *filter;
	struct ct_rules *rules;
	struct ct_query q;
};

/*
 * Compile the filter words @v[0..n) and load the rule evaluator from the
 * context's database (read-only; none when there is no database).  @flags
 * are CT_Q_* for the query.  A database that cannot be read is only a
 * warning, unless the filter uses `rule N`.  -1 with @e set.
 */
int ct_cmd_prepare(struct cmd_ctx *ctx, const struct masq_tok *v, size_t n,
		   unsigned int flags, struct ct_cmd *c, struct masq_err *e);
void ct_cmd_done(struct ct_cmd *c);

/* The filter keywords as grammar entries, for TAB and '?': a command's
 * keyword table lists CT_FILTER_KWS, then its own words, then {NULL}. */
extern const char *const ct_state_choices[];
#define CT_FILTER_KWS \
	{ "src", CMD_ARG_ADDR, "NET", "original source address in NET", \
	  CMD_KW_REPEAT, NULL }, \
	{ "dst", CMD_ARG_ADDR, "NET", "original destination in NET", \
	  CMD_KW_REPEAT, NULL }, \
	{ "gw", CMD_ARG_ADDR, "NET", "translated (masq'ed as) address", \
	  CMD_KW_REPEAT, NULL }, \
	{ "proto", CMD_ARG_PROTO, "PROTO", "tcp, udp, icmp, ... or a number", \
	  CMD_KW_REPEAT, NULL }, \
	{ "sport", CMD_ARG_PORTS, "PORT[-PORT]", "original source port", \
	  CMD_KW_REPEAT, NULL }, \
	{ "dport", CMD_ARG_PORTS, "PORT[-PORT]", "original destination port", \
	  CMD_KW_REPEAT, NULL }, \
	{ "gport", CMD_ARG_PORTS, "PORT[-PORT]", "translated (masq'ed as) port", \
	  CMD_KW_REPEAT, NULL }, \
	{ "state", CMD_ARG_CHOICE, "STATE", \
	  "TCP state, or unreplied / replied / assured", CMD_KW_REPEAT, \
	  ct_state_choices }, \
	{ "expires", CMD_ARG_WORD, "<N", \
	  "remaining timeout compared with N seconds (< <= > >= =)", \
	  CMD_KW_REPEAT, NULL }, \
	{ "rule", CMD_ARG_MASQ_ID, "ID", "made by masq rule ID (evaluated)", \
	  CMD_KW_REPEAT, NULL }, \
	{ "fwd", CMD_ARG_FWD_ID, "ID", "made by port forward ID (evaluated)", \
	  CMD_KW_REPEAT, NULL }, \
	{ "nat", CMD_ARG_NONE, NULL, "entries with SNAT or DNAT", \
	  CMD_KW_REPEAT, NULL }, \
	{ "snat", CMD_ARG_NONE, NULL, "source-NAT'ed (masqueraded) entries", \
	  CMD_KW_REPEAT, NULL }, \
	{ "dnat", CMD_ARG_NONE, NULL, "destination-NAT'ed (forwarded) entries", \
	  CMD_KW_REPEAT, NULL }, \
	{ "and", CMD_ARG_NONE, NULL, "both terms (the default between terms)", \
	  CMD_KW_REPEAT, NULL }, \
	{ "or", CMD_ARG_NONE, NULL, "either term", CMD_KW_REPEAT, NULL }, \
	{ "not", CMD_ARG_NONE, NULL, "the next term does not hold", \
	  CMD_KW_REPEAT, NULL }

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_row.h - the live-table commands' shared parts: preparing a dump from
 * the words of a command (filter, rule evaluator, query), the filter's
 * keywords for TAB and '?', and the output buffer the listings write rows
 * through.
 *
 * The rows themselves (columns, text and JSON) are nat/ct_cols.h's, the
 * same for `show masq`, `show conntrack`, `watch` and masqtop.
 */
#ifndef MASQ_SHELL_CT_ROW_H
#define MASQ_SHELL_CT_ROW_H

#include <stdbool.h>
#include <stdio.h>

#include "core/ctent.h"
#include "core/filter.h"
#include "core/strbuf.h"
#include "nat/ct.h"
#include "nat/ct_cols.h"
#include "nat/ct_rule.h"
#include "shell/cmd.h"

/* Rows are gathered in a strbuf and written out in large pieces: at 250k
 * entries one write per row would cost more than the dump. */
#define CT_OUT_CHUNK (1u << 20)

/* Write @sb to @fp once it holds CT_OUT_CHUNK bytes or more (a write
 * error stays in @fp's error flag). */
void ct_out_spill(struct strbuf *sb, FILE *fp);

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
	  CMD_KW_REPEAT, NULL, CMD_LIVE_SRC }, \
	{ "dst", CMD_ARG_ADDR, "NET", "original destination in NET", \
	  CMD_KW_REPEAT, NULL, CMD_LIVE_DST }, \
	{ "gw", CMD_ARG_ADDR, "NET", "translated (masq'ed as) address", \
	  CMD_KW_REPEAT, NULL, CMD_LIVE_GW }, \
	{ "proto", CMD_ARG_PROTO, "PROTO", "tcp, udp, icmp, ... or a number", \
	  CMD_KW_REPEAT, NULL }, \
	{ "sport", CMD_ARG_PORTS, "PORT[-PORT]", "original source port", \
	  CMD_KW_REPEAT, NULL, CMD_LIVE_SPORT }, \
	{ "dport", CMD_ARG_PORTS, "PORT[-PORT]", "original destination port", \
	  CMD_KW_REPEAT, NULL, CMD_LIVE_DPORT }, \
	{ "gport", CMD_ARG_PORTS, "PORT[-PORT]", "translated (masq'ed as) port", \
	  CMD_KW_REPEAT, NULL, CMD_LIVE_GPORT }, \
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

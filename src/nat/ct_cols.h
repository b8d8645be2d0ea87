/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_cols.h - one conntrack row: the column table of the live table.
 *
 * Owns: the columns every listing of conntrack entries shows -- `show
 * masq`, `show conntrack`, `watch` (text and NDJSON), masqtop's
 * connections view and `masqtop -b` (text and -j) -- each with its JSON
 * key(s), text title, width, alignment, JSON type and the writer that
 * takes its value out of a struct ct_entry; and the renderings built from
 * that table alone: a text cell, a text row, the title row and a JSON
 * object.  There is no other formatter of these columns: masqsh and
 * masqtop print the same words and the same JSON.
 * Does not own: getting entries (ct_dump.c, ct_events.c), attributing them
 * to rules (ct_rule.c; callers fill ce->rule_id first), fitting a row to a
 * terminal (masqtop's render.c picks the columns that fit and clips), or
 * when to write the buffer out.
 *
 * The JSON object of an entry has these keys, always all of them, in this
 * order (null where a value does not exist):
 *   family        "ipv4" or "ipv6"
 *   proto         "tcp", "udp", "icmp", ... or the protocol number as text
 *   src, sport    the original source: the inside host of a masqueraded
 *                 connection, the remote client of a port forward
 *   gw, gport     the gateway side: for SNAT/masquerade the address:port
 *                 the connection is masqueraded as (the reply tuple's
 *                 destination); for a port forward the public address:port
 *                 it came in on (the original destination); null w/o NAT
 *   dst, dport    the original destination
 *   state         TCP state, else UNREPLIED / REPLIED / ASSURED
 *   expires       seconds until the entry times out
 *   bytes, packets  both directions; null when accounting is off
 *   mark, zone    numbers
 *   status        array of flag names ("seen_reply", "assured", "snat", ...)
 *   rule          the masq rule that made it, or null
 *   forward       the port forward that made it, or null
 *   to, toport    a port forward's inside server: the reply tuple's source,
 *                 i.e. the inside host:port the forward sent the
 *                 connection to; null without DNAT
 *   id            the kernel's entry id (0 when it sent none)
 * Ports are numbers.  For ICMP and ICMPv6 the port fields carry the echo
 * id (sport the inside host's, gport the id the gateway uses after SNAT,
 * toport the inside server's) and dport is null; protocols without ports
 * (GRE, ESP, ...) have null ports.  The text row shows the columns with a
 * title, endpoints as "addr:port" ("[v6]:port"), "-" for null.
 */
#ifndef MASQ_NAT_CT_COLS_H
#define MASQ_NAT_CT_COLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctent.h"
#include "core/strbuf.h"

enum ct_col_id {
	CT_COL_FAMILY,
	CT_COL_PROTO,
	CT_COL_SRC,
	CT_COL_GW,
	CT_COL_DST,
	CT_COL_STATE,
	CT_COL_EXPIRES,
	CT_COL_BYTES,
	CT_COL_PACKETS,
	CT_COL_MARK,
	CT_COL_ZONE,
	CT_COL_STATUS,
	CT_COL_RULE,
	CT_COL_TO,
	CT_COL_ID,
	CT_COL_COUNT,
};

/* What a column's value is, which decides its JSON type and text. */
enum ct_col_type {
	CT_T_STR,		/* "text" */
	CT_T_NUM,		/* a number */
	CT_T_ENDPOINT,		/* "key": "address", "key2": port (or null) */
	CT_T_RULE,		/* "key": masq rule id, "key2": forward id;
				 * text "3" or "fwd2" */
	CT_T_FLAGS,		/* "key": ["flag", ...]; text "a,b" */
};

/* One value, as a column's writer fills it.  @null: text "-", JSON null
 * (for both keys of a two-key column). */
struct ct_val {
	bool null;
	const char *s;			/* CT_T_STR */
	uint64_t u;			/* NUM; RULE: the id */
	bool fwd;			/* RULE: @u is a port forward's id */
	const union ct_addr *addr;	/* ENDPOINT */
	int family;			/* ENDPOINT */
	int port;			/* ENDPOINT: -1 when none */
	uint32_t bits;			/* FLAGS: CT_ST_* */
	char tmp[24];			/* room for @s when it is made here */
};

struct ct_col {
	const char *key;	/* JSON key; masqtop's -s name */
	const char *key2;	/* second JSON key (ENDPOINT, RULE), or NULL */
	const char *title;	/* text title; NULL: JSON only */
	unsigned int width;	/* text: minimum width (longer values widen
				 * their line) */
	bool right;		/* text: right-aligned */
	enum ct_col_type type;
	void (*get)(const struct ct_entry *ce, struct ct_val *v);
};

/* The table, indexed by enum ct_col_id, in JSON order. */
extern const struct ct_col ct_cols[CT_COL_COUNT];

#define CT_COL_BIT(id) (1u << (id))
/* The text columns: those with a title, in table order. */
#define CT_COLS_TEXT \
	(CT_COL_BIT(CT_COL_PROTO) | CT_COL_BIT(CT_COL_SRC) | \
	 CT_COL_BIT(CT_COL_GW) | CT_COL_BIT(CT_COL_DST) | \
	 CT_COL_BIT(CT_COL_STATE) | CT_COL_BIT(CT_COL_EXPIRES) | \
	 CT_COL_BIT(CT_COL_BYTES) | CT_COL_BIT(CT_COL_PACKETS) | \
	 CT_COL_BIT(CT_COL_RULE) | CT_COL_BIT(CT_COL_TO))

/*
 * Longest text of one cell, NUL included: the status column with every
 * flag set, "expected,seen_reply,...,offload" (76 bytes; ct_cols.c checks
 * it at compile time), is longer than an endpoint "[v6]:port" (54).  It
 * was CT_ENDPOINTSTRLEN until tests/fuzz/fuzz_ct wrote past it.
 */
#define CT_CELL_MAX 80

/* Column @id's value of @ce (what its writer says).  Cannot fail. */
void ct_col_value(enum ct_col_id id, const struct ct_entry *ce,
		  struct ct_val *v);

/*
 * Column @id of @ce as text ("-" for null) into @buf of at least
 * CT_CELL_MAX bytes, NUL-terminated.  Returns the length.  Cannot fail.
 */
size_t ct_col_text(enum ct_col_id id, const struct ct_entry *ce, char *buf);

/*
 * Append the text row of @ce: the columns in @cols (CT_COL_BIT()s of text
 * columns; CT_COLS_TEXT for all) in table order, each padded to its width
 * (right-aligned ones on the left), one blank apart, no blank after the
 * last and no newline.  ct_row_header() is the same with the titles.
 * Cannot fail.
 */
void ct_row_text(struct strbuf *sb, const struct ct_entry *ce, uint32_t cols);
void ct_row_header(struct strbuf *sb, uint32_t cols);

/*
 * Append @ce as one JSON object (no newline) with every key above; with
 * @event (a plain word, not escaped) an "event" key first.  Cannot fail.
 */
void ct_row_json(struct strbuf *sb, const struct ct_entry *ce,
		 const char *event);

#endif

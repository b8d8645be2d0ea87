/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_cols.c - the live table's column table and its text and JSON
 * renderings (see ct_cols.h).
 *
 * Owns: which value each column shows and how each kind of value is
 * spelled in text and in JSON.  Does not own: the entry model and address
 * text (core/ctent.h), the rule reference "fwdN" (ct_rule.c), buffering
 * (core/strbuf.h).
 *
 * Rows are written by hand into room reserved once per row: `show masq`
 * prints a quarter of a million of them, where printf() would cost more
 * than the kernel's dump.  Nothing is allocated per row.
 */
#include "config.h"

#include <assert.h>
#include <string.h>
#include <sys/socket.h>

#include "nat/ct_cols.h"
#include "nat/ct_rule.h"
#include "nat/rule.h"

/*
 * Room for one row: a text row is at most ten cells of CT_CELL_MAX plus
 * padding; a JSON object four IPv6 endpoints, nine flags and the numbers
 * (about 800 bytes), plus the event name.
 */
#define CT_ROW_MAX 1536

/* The port an endpoint shows: protocols with ports show it; ICMP shows
 * the echo id on the sides that carry one (@id_side); others none. */
static int
ep_port(const struct ct_entry *ce, uint16_t port, bool id_side)
{
	if (nat_proto_has_ports(ce->proto))
		return port;
	if (id_side && ctent_proto_is_icmp(ce->proto))
		return port;
	return -1;
}

static void
ep_set(struct ct_val *v, const struct ct_entry *ce, const union ct_addr *a,
       int port)
{
	v->family = ce->family;
	v->addr = a;
	v->port = port;
}

static void
get_family(const struct ct_entry *ce, struct ct_val *v)
{
	v->s = ce->family == AF_INET6 ? "ipv6" : "ipv4";
}

static void
get_proto(const struct ct_entry *ce, struct ct_val *v)
{
	v->s = ctent_proto_name(ce->proto);
	if (!v->s) {
		*strbuf_put_u64(v->tmp, ce->proto) = '\0';
		v->s = v->tmp;
	}
}

static void
get_src(const struct ct_entry *ce, struct ct_val *v)
{
	ep_set(v, ce, &ce->orig.src, ep_port(ce, ce->orig.sport, true));
}

static void
get_gw(const struct ct_entry *ce, struct ct_val *v)
{
	const union ct_addr *a;
	uint16_t port;

	if (ctent_gateway(ce, &a, &port))
		ep_set(v, ce, a, ep_port(ce, port, true));
	else
		v->null = true;
}

static void
get_dst(const struct ct_entry *ce, struct ct_val *v)
{
	ep_set(v, ce, &ce->orig.dst, ep_port(ce, ce->orig.dport, false));
}

/* A port forward's inside server: where the replies come from. */
static void
get_to(const struct ct_entry *ce, struct ct_val *v)
{
	if (ce->status & CT_ST_DST_NAT)
		ep_set(v, ce, &ce->reply.src,
		       ep_port(ce, ce->reply.sport, true));
	else
		v->null = true;
}

static void
get_state(const struct ct_entry *ce, struct ct_val *v)
{
	v->s = ctent_state_text(ce->proto, ce->tcp_state, ce->status);
}

static void
get_expires(const struct ct_entry *ce, struct ct_val *v)
{
	v->u = ce->timeout;
}

static void
get_bytes(const struct ct_entry *ce, struct ct_val *v)
{
	v->null = !ce->has_counters;
	v->u = ce->c_orig.bytes + ce->c_reply.bytes;
}

static void
get_packets(const struct ct_entry *ce, struct ct_val *v)
{
	v->null = !ce->has_counters;
	v->u = ce->c_orig.packets + ce->c_reply.packets;
}

static void
get_mark(const struct ct_entry *ce, struct ct_val *v)
{
	v->u = ce->mark;
}

static void
get_zone(const struct ct_entry *ce, struct ct_val *v)
{
	v->u = ce->zone;
}

static void
get_status(const struct ct_entry *ce, struct ct_val *v)
{
	v->bits = ce->status;
}

static void
get_rule(const struct ct_entry *ce, struct ct_val *v)
{
	v->null = !ce->rule_id;
	v->fwd = (ce->rule_id & CT_RULE_FWD) != 0;
	v->u = ce->rule_id & ~CT_RULE_FWD;
}

static void
get_id(const struct ct_entry *ce, struct ct_val *v)
{
	v->u = ce->id;
}

/* Widths fit IPv4: "255.255.255.255:65535" is 21 characters; longer
 * IPv6 cells push the row until it is back on the grid (cell_start). */
const struct ct_col ct_cols[CT_COL_COUNT] = {
	[CT_COL_FAMILY] = { "family", NULL, NULL, 0, false, CT_T_STR,
			    get_family },
	[CT_COL_PROTO] = { "proto", NULL, "PROTO", 6, false, CT_T_STR,
			   get_proto },
	[CT_COL_SRC] = { "src", "sport", "SOURCE", 21, false,
			 CT_T_ENDPOINT, get_src },
	[CT_COL_GW] = { "gw", "gport", "MASQ-AS", 21, false, CT_T_ENDPOINT,
			get_gw },
	[CT_COL_DST] = { "dst", "dport", "REMOTE", 21, false, CT_T_ENDPOINT,
			 get_dst },
	[CT_COL_STATE] = { "state", NULL, "STATE", 11, false, CT_T_STR,
			   get_state },
	[CT_COL_EXPIRES] = { "expires", NULL, "EXPIRES", 7, true, CT_T_NUM,
			     get_expires },
	[CT_COL_BYTES] = { "bytes", NULL, "BYTES", 10, true, CT_T_NUM,
			   get_bytes },
	[CT_COL_PACKETS] = { "packets", NULL, "PACKETS", 8, true, CT_T_NUM,
			     get_packets },
	[CT_COL_MARK] = { "mark", NULL, NULL, 0, false, CT_T_NUM, get_mark },
	[CT_COL_ZONE] = { "zone", NULL, NULL, 0, false, CT_T_NUM, get_zone },
	[CT_COL_STATUS] = { "status", NULL, NULL, 0, false, CT_T_FLAGS,
			    get_status },
	[CT_COL_RULE] = { "rule", "forward", "RULE", 5, true, CT_T_RULE,
			  get_rule },
	[CT_COL_TO] = { "to", "toport", "FORWARD-TO", 21, false,
			CT_T_ENDPOINT, get_to },
	[CT_COL_ID] = { "id", NULL, NULL, 0, false, CT_T_NUM, get_id },
};

/* The status flags' names, in bit order. */
static const struct {
	uint32_t bit;
	const char *name;
} ct_flag_names[] = {
	{ CT_ST_EXPECTED, "expected" },
	{ CT_ST_SEEN_REPLY, "seen_reply" },
	{ CT_ST_ASSURED, "assured" },
	{ CT_ST_CONFIRMED, "confirmed" },
	{ CT_ST_SRC_NAT, "snat" },
	{ CT_ST_DST_NAT, "dnat" },
	{ CT_ST_DYING, "dying" },
	{ CT_ST_FIXED_TIMEOUT, "fixed_timeout" },
	{ CT_ST_OFFLOAD, "offload" },
};
/* every flag at once fits a cell (ct_col_text()) */
_Static_assert(sizeof("expected,seen_reply,assured,confirmed,snat,dnat,"
		      "dying,fixed_timeout,offload") <= CT_CELL_MAX,
	       "CT_CELL_MAX too small for the status flags");

void
ct_col_value(enum ct_col_id id, const struct ct_entry *ce, struct ct_val *v)
{
	assert(id < CT_COL_COUNT);
	v->null = false;
	v->port = -1;
	ct_cols[id].get(ce, v);
}

/* The address (bracketed for IPv6 with a port) and ":port" of @v. */
static char *
put_endpoint(char *p, const struct ct_val *v)
{
	if (v->port < 0) {
		ctent_addr_format(v->family, v->addr, p);
		return p + strlen(p);
	}
	return p + ctent_endpoint_format(v->family, v->addr,
					 (uint16_t)v->port, p);
}

/* "a,b" of the flags set in @bits. */
static char *
put_flags(char *p, uint32_t bits, const char *sep, const char *quote)
{
	bool first = true;
	size_t i;

	for (i = 0; i < sizeof(ct_flag_names) / sizeof(ct_flag_names[0]); i++) {
		if (!(bits & ct_flag_names[i].bit))
			continue;
		if (!first)
			p = strbuf_put_str(p, sep);
		first = false;
		p = strbuf_put_str(p, quote);
		p = strbuf_put_str(p, ct_flag_names[i].name);
		p = strbuf_put_str(p, quote);
	}
	return p;
}

/* The text of @v, a value of type @type, at @p; returns the end. */
static char *
put_text(char *p, enum ct_col_type type, const struct ct_val *v)
{
	char ref[CT_RULE_REFSIZ];

	if (v->null) {
		*p++ = '-';
		return p;
	}
	switch (type) {
	case CT_T_STR:
		return strbuf_put_str(p, v->s);
	case CT_T_NUM:
		return strbuf_put_u64(p, v->u);
	case CT_T_ENDPOINT:
		return put_endpoint(p, v);
	case CT_T_RULE:	/* a forward's spelling is ct_rule_ref()'s */
		if (v->fwd)
			return strbuf_put_str(p, ct_rule_ref(v->u | CT_RULE_FWD,
							      ref));
		return strbuf_put_u64(p, v->u);
	case CT_T_FLAGS:
		return put_flags(p, v->bits, ",", "");
	}
	return p;
}

size_t
ct_col_text(enum ct_col_id id, const struct ct_entry *ce, char *buf)
{
	struct ct_val v;
	char *p;

	ct_col_value(id, ce, &v);
	p = put_text(buf, ct_cols[id].type, &v);
	*p = '\0';
	return (size_t)(p - buf);
}

/*
 * Cells keep to a grid of the columns' widths.  The widths fit IPv4; an
 * IPv6 endpoint ("[2001:db8:100::20]:44443") overflows its cell.  A cell
 * starts at its grid position or one blank after the cell before it,
 * whichever is later, so an overflow pushes the next cells only until
 * their slack takes it up, and the rest of the row is back in line with
 * the header.  Trailing blanks are written only before another cell.
 */
struct row_grid {
	char *row;		/* where the row starts */
	size_t at;		/* grid position of the next cell */
	bool first;
};

static char *
cell_start(struct row_grid *g, char *p)
{
	size_t pos = (size_t)(p - g->row), want = g->at;

	if (!g->first && want < pos + 1)
		want = pos + 1;
	memset(p, ' ', want - pos);
	return g->row + want;
}

/* The cell just written at [@f, @p) in column @c: a right-aligned one is
 * moved to end where its grid cell ends, if it fits.  Returns the end. */
static char *
cell_place(struct row_grid *g, const struct ct_col *c, char *f, char *p)
{
	char *end = g->row + g->at + c->width;
	size_t n = (size_t)(p - f);

	g->at += c->width + 1;
	g->first = false;
	if (!c->right || p >= end)
		return p;
	memmove(end - n, f, n);
	memset(f, ' ', (size_t)(end - n - f));
	return end;
}

void
ct_row_text(struct strbuf *sb, const struct ct_entry *ce, uint32_t cols)
{
	char *p = strbuf_room(sb, CT_ROW_MAX), *f;
	struct row_grid g = { p, 0, true };
	struct ct_val v;
	int i;

	for (i = 0; i < CT_COL_COUNT; i++) {
		if (!(cols & CT_COL_BIT(i)) || !ct_cols[i].title)
			continue;
		p = f = cell_start(&g, p);
		ct_col_value((enum ct_col_id)i, ce, &v);
		p = cell_place(&g, &ct_cols[i], f,
			       put_text(p, ct_cols[i].type, &v));
	}
	strbuf_commit(sb, p);
}

void
ct_row_header(struct strbuf *sb, uint32_t cols)
{
	char *p = strbuf_room(sb, CT_ROW_MAX), *f;
	struct row_grid g = { p, 0, true };
	int i;

	for (i = 0; i < CT_COL_COUNT; i++) {
		if (!(cols & CT_COL_BIT(i)) || !ct_cols[i].title)
			continue;
		p = f = cell_start(&g, p);
		p = cell_place(&g, &ct_cols[i], f,
			       strbuf_put_str(p, ct_cols[i].title));
	}
	strbuf_commit(sb, p);
}

/* ,"key": (no comma before the first) */
static char *
put_key(char *p, const char *key, bool first)
{
	if (!first)
		*p++ = ',';
	*p++ = '"';
	p = strbuf_put_str(p, key);
	*p++ = '"';
	*p++ = ':';
	return p;
}

static char *
put_quoted(char *p, const char *s)
{
	*p++ = '"';
	p = strbuf_put_str(p, s);
	*p++ = '"';
	return p;
}

/* Column @c's key(s) and value(s) @v as JSON members. */
static char *
put_json(char *p, const struct ct_col *c, const struct ct_val *v, bool first)
{
	p = put_key(p, c->key, first);
	if (v->null) {
		p = strbuf_put_str(p, "null");
		if (c->key2)
			p = strbuf_put_str(put_key(p, c->key2, false), "null");
		return p;
	}
	switch (c->type) {
	case CT_T_STR:
		return put_quoted(p, v->s);
	case CT_T_NUM:
		return strbuf_put_u64(p, v->u);
	case CT_T_ENDPOINT:
		*p++ = '"';
		ctent_addr_format(v->family, v->addr, p);
		p += strlen(p);
		*p++ = '"';
		p = put_key(p, c->key2, false);
		if (v->port < 0)
			return strbuf_put_str(p, "null");
		return strbuf_put_u64(p, (uint64_t)v->port);
	case CT_T_RULE:
		p = v->fwd ? strbuf_put_str(p, "null") : strbuf_put_u64(p, v->u);
		p = put_key(p, c->key2, false);
		return v->fwd ? strbuf_put_u64(p, v->u) : strbuf_put_str(p, "null");
	case CT_T_FLAGS:
		*p++ = '[';
		p = put_flags(p, v->bits, ",", "\"");
		*p++ = ']';
		return p;
	}
	return p;
}

void
ct_row_json(struct strbuf *sb, const struct ct_entry *ce, const char *event)
{
	size_t room = CT_ROW_MAX + (event ? strlen(event) + 12 : 0);
	char *p = strbuf_room(sb, room), *start = p;
	struct ct_val v;
	int i;

	*p++ = '{';
	if (event)
		p = put_quoted(put_key(p, "event", true), event);
	for (i = 0; i < CT_COL_COUNT; i++) {
		ct_col_value((enum ct_col_id)i, ce, &v);
		p = put_json(p, &ct_cols[i], &v, !event && i == 0);
	}
	*p++ = '}';
	assert((size_t)(p - start) < room);
	strbuf_commit(sb, p);
}

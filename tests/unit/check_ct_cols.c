/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ct_cols.c - unit tests for the one conntrack row (nat/ct_cols.c)
 * and the buffer it writes into (core/strbuf.c).
 *
 * Hand-built entries of each kind -- masqueraded IPv4 TCP with counters,
 * a port forward (DNAT), ICMP with a translated echo id, IPv6 UDP, a
 * long IPv6 address, an entry without NAT of a portless protocol -- are
 * rendered as text rows (checked against printf with the documented
 * widths), as single cells and as JSON objects (checked against the
 * schema written out by hand).  Then the same entries go through
 * masqtop's table: its cells and its batch JSON must be exactly these.
 * No kernel needed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/strbuf.h"
#include "nat/ct_cols.h"
#include "nat/ct_rule.h"
#include "tui/render.h"
#include "tui/table.h"
#include "tui/view_conn.h"

/* ---- entries ------------------------------------------------------------ */

static void
addr(struct ct_entry *ce, union ct_addr *a, const char *s)
{
	ck_assert_int_eq(inet_pton(ce->family, s, a->b), 1);
}

/* 192.168.1.10:40000 -> 192.0.2.10:80 masqueraded as 198.51.100.2:61000,
 * with accounting, made by masq rule 2. */
static void
ent_snat(struct ct_entry *ce)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = AF_INET;
	ce->proto = IPPROTO_TCP;
	ce->tcp_state = CT_TCP_ESTABLISHED;
	ce->status = CT_ST_CONFIRMED | CT_ST_SEEN_REPLY | CT_ST_ASSURED |
		     CT_ST_SRC_NAT;
	ce->timeout = 431999;
	ce->mark = 16;
	ce->id = 12345;
	ce->rule_id = 2;
	addr(ce, &ce->orig.src, "192.168.1.10");
	addr(ce, &ce->orig.dst, "192.0.2.10");
	ce->orig.sport = 40000;
	ce->orig.dport = 80;
	addr(ce, &ce->reply.src, "192.0.2.10");
	addr(ce, &ce->reply.dst, "198.51.100.2");
	ce->reply.sport = 80;
	ce->reply.dport = 61000;
	ce->has_counters = true;
	ce->c_orig = (struct ct_counters){ 3, 180 };
	ce->c_reply = (struct ct_counters){ 2, 120 };
}

/* 192.0.2.10:50000 -> 198.51.100.2:8080 forwarded (forward 3) to the
 * inside server 192.168.1.10:80. */
static void
ent_dnat(struct ct_entry *ce)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = AF_INET;
	ce->proto = IPPROTO_TCP;
	ce->tcp_state = CT_TCP_SYN_RECV;
	ce->status = CT_ST_CONFIRMED | CT_ST_SEEN_REPLY | CT_ST_DST_NAT;
	ce->timeout = 57;
	ce->id = 777;
	ce->rule_id = CT_RULE_FWD | 3;
	addr(ce, &ce->orig.src, "192.0.2.10");
	addr(ce, &ce->orig.dst, "198.51.100.2");
	ce->orig.sport = 50000;
	ce->orig.dport = 8080;
	addr(ce, &ce->reply.src, "192.168.1.10");
	addr(ce, &ce->reply.dst, "192.0.2.10");
	ce->reply.sport = 80;
	ce->reply.dport = 50000;
}

/* A ping from 192.168.1.10 (echo id 1000) to 192.0.2.10 whose id the
 * gateway changed to 4242 (the reply tuple's id) when masquerading. */
static void
ent_icmp(struct ct_entry *ce)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = AF_INET;
	ce->proto = IPPROTO_ICMP;
	ce->status = CT_ST_CONFIRMED | CT_ST_SRC_NAT;
	ce->timeout = 29;
	ce->id = 99;
	addr(ce, &ce->orig.src, "192.168.1.10");
	addr(ce, &ce->orig.dst, "192.0.2.10");
	ce->orig.sport = 1000;
	ce->orig.icmp_type = 8;
	addr(ce, &ce->reply.src, "192.0.2.10");
	addr(ce, &ce->reply.dst, "198.51.100.2");
	ce->reply.sport = 4242;
}

/* IPv6 UDP masqueraded to 2001:db8::1 (@long_src: a 39-character inside
 * address, wider than its column). */
static void
ent_v6(struct ct_entry *ce, bool long_src)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = AF_INET6;
	ce->proto = IPPROTO_UDP;
	ce->status = CT_ST_CONFIRMED | CT_ST_SEEN_REPLY | CT_ST_SRC_NAT;
	ce->timeout = 170;
	ce->id = long_src ? 4000000001u : 4000000000u;
	ce->zone = 7;
	addr(ce, &ce->orig.src, long_src ?
	     "fd00:1111:2222:3333:4444:5555:6666:7777" : "fd00::2");
	addr(ce, &ce->orig.dst, "2001:db8::9");
	ce->orig.sport = 5000;
	ce->orig.dport = 53;
	addr(ce, &ce->reply.src, "2001:db8::9");
	addr(ce, &ce->reply.dst, "2001:db8::1");
	ce->reply.sport = 53;
	ce->reply.dport = 5000;
}

/* Protocol 253 (no name, no ports), not NAT'ed, never answered. */
static void
ent_plain(struct ct_entry *ce)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = AF_INET;
	ce->proto = 253;
	ce->status = CT_ST_CONFIRMED;
	ce->timeout = 600;
	ce->id = 5;
	addr(ce, &ce->orig.src, "10.0.0.1");
	addr(ce, &ce->orig.dst, "10.0.0.2");
	ce->reply.src = ce->orig.dst;
	ce->reply.dst = ce->orig.src;
}

enum { E_SNAT, E_DNAT, E_ICMP, E_V6, E_V6LONG, E_PLAIN, E_N };

static void
ent(struct ct_entry *ce, int which)
{
	switch (which) {
	case E_SNAT:
		ent_snat(ce);
		break;
	case E_DNAT:
		ent_dnat(ce);
		break;
	case E_ICMP:
		ent_icmp(ce);
		break;
	case E_V6:
	case E_V6LONG:
		ent_v6(ce, which == E_V6LONG);
		break;
	default:
		ent_plain(ce);
	}
}

/* ---- what each must look like --------------------------------------- */

/* The text columns, written by hand: PROTO SOURCE MASQ-AS REMOTE STATE
 * EXPIRES BYTES PACKETS RULE FORWARD-TO. */
static const char *const text_cells[E_N][10] = {
	[E_SNAT] = { "tcp", "192.168.1.10:40000", "198.51.100.2:61000",
		     "192.0.2.10:80", "ESTABLISHED", "431999", "300", "5", "2",
		     "-" },
	[E_DNAT] = { "tcp", "192.0.2.10:50000", "198.51.100.2:8080",
		     "198.51.100.2:8080", "SYN_RECV", "57", "-", "-", "fwd3",
		     "192.168.1.10:80" },
	[E_ICMP] = { "icmp", "192.168.1.10:1000", "198.51.100.2:4242",
		     "192.0.2.10", "UNREPLIED", "29", "-", "-", "-", "-" },
	[E_V6] = { "udp", "[fd00::2]:5000", "[2001:db8::1]:5000",
		   "[2001:db8::9]:53", "REPLIED", "170", "-", "-", "-", "-" },
	[E_V6LONG] = { "udp", "[fd00:1111:2222:3333:4444:5555:6666:7777]:5000",
		       "[2001:db8::1]:5000", "[2001:db8::9]:53", "REPLIED",
		       "170", "-", "-", "-", "-" },
	[E_PLAIN] = { "253", "10.0.0.1", "-", "10.0.0.2", "UNREPLIED", "600",
		      "-", "-", "-", "-" },
};

/* The JSON objects, written by hand from the schema in ct_cols.h. */
static const char *const json_objs[E_N] = {
	[E_SNAT] = "{\"family\":\"ipv4\",\"proto\":\"tcp\","
		"\"src\":\"192.168.1.10\",\"sport\":40000,"
		"\"gw\":\"198.51.100.2\",\"gport\":61000,"
		"\"dst\":\"192.0.2.10\",\"dport\":80,\"state\":\"ESTABLISHED\","
		"\"expires\":431999,\"bytes\":300,\"packets\":5,\"mark\":16,"
		"\"zone\":0,\"status\":[\"seen_reply\",\"assured\","
		"\"confirmed\",\"snat\"],\"rule\":2,\"forward\":null,"
		"\"to\":null,\"toport\":null,\"id\":12345}",
	[E_DNAT] = "{\"family\":\"ipv4\",\"proto\":\"tcp\","
		"\"src\":\"192.0.2.10\",\"sport\":50000,"
		"\"gw\":\"198.51.100.2\",\"gport\":8080,"
		"\"dst\":\"198.51.100.2\",\"dport\":8080,\"state\":\"SYN_RECV\","
		"\"expires\":57,\"bytes\":null,\"packets\":null,\"mark\":0,"
		"\"zone\":0,\"status\":[\"seen_reply\",\"confirmed\",\"dnat\"],"
		"\"rule\":null,\"forward\":3,"
		"\"to\":\"192.168.1.10\",\"toport\":80,\"id\":777}",
	[E_ICMP] = "{\"family\":\"ipv4\",\"proto\":\"icmp\","
		"\"src\":\"192.168.1.10\",\"sport\":1000,"
		"\"gw\":\"198.51.100.2\",\"gport\":4242,"
		"\"dst\":\"192.0.2.10\",\"dport\":null,\"state\":\"UNREPLIED\","
		"\"expires\":29,\"bytes\":null,\"packets\":null,\"mark\":0,"
		"\"zone\":0,\"status\":[\"confirmed\",\"snat\"],"
		"\"rule\":null,\"forward\":null,"
		"\"to\":null,\"toport\":null,\"id\":99}",
	[E_V6] = "{\"family\":\"ipv6\",\"proto\":\"udp\","
		"\"src\":\"fd00::2\",\"sport\":5000,"
		"\"gw\":\"2001:db8::1\",\"gport\":5000,"
		"\"dst\":\"2001:db8::9\",\"dport\":53,\"state\":\"REPLIED\","
		"\"expires\":170,\"bytes\":null,\"packets\":null,\"mark\":0,"
		"\"zone\":7,\"status\":[\"seen_reply\",\"confirmed\",\"snat\"],"
		"\"rule\":null,\"forward\":null,"
		"\"to\":null,\"toport\":null,\"id\":4000000000}",
	[E_V6LONG] = "{\"family\":\"ipv6\",\"proto\":\"udp\","
		"\"src\":\"fd00:1111:2222:3333:4444:5555:6666:7777\","
		"\"sport\":5000,\"gw\":\"2001:db8::1\",\"gport\":5000,"
		"\"dst\":\"2001:db8::9\",\"dport\":53,\"state\":\"REPLIED\","
		"\"expires\":170,\"bytes\":null,\"packets\":null,\"mark\":0,"
		"\"zone\":7,\"status\":[\"seen_reply\",\"confirmed\",\"snat\"],"
		"\"rule\":null,\"forward\":null,"
		"\"to\":null,\"toport\":null,\"id\":4000000001}",
	[E_PLAIN] = "{\"family\":\"ipv4\",\"proto\":\"253\","
		"\"src\":\"10.0.0.1\",\"sport\":null,\"gw\":null,\"gport\":null,"
		"\"dst\":\"10.0.0.2\",\"dport\":null,\"state\":\"UNREPLIED\","
		"\"expires\":600,\"bytes\":null,\"packets\":null,\"mark\":0,"
		"\"zone\":0,\"status\":[\"confirmed\"],"
		"\"rule\":null,\"forward\":null,"
		"\"to\":null,\"toport\":null,\"id\":5}",
};

/* The documented layout, by printf: widths 6 21 21 21 11 7 10 8 5 21,
 * numbers and RULE right-aligned, one blank apart, nothing after the
 * last cell. */
#define ROW_FMT "%-6s %-21s %-21s %-21s %-11s %7s %10s %8s %5s %s"

/* ---- the table -------------------------------------------------------- */

START_TEST(test_table)
{
	uint32_t text = 0;
	size_t i, j;

	for (i = 0; i < CT_COL_COUNT; i++) {
		const struct ct_col *c = &ct_cols[i];

		ck_assert_ptr_nonnull(c->key);
		ck_assert_ptr_nonnull(c->get);
		if (c->title) {
			text |= CT_COL_BIT(i);
			ck_assert_uint_ge(c->width, strlen(c->title));
		}
		/* two-key columns are exactly the endpoints and the rule */
		ck_assert_int_eq(c->key2 != NULL, c->type == CT_T_ENDPOINT ||
				 c->type == CT_T_RULE);
		for (j = 0; j < i; j++) {	/* every JSON key once */
			ck_assert_str_ne(c->key, ct_cols[j].key);
			if (ct_cols[j].key2)
				ck_assert_str_ne(c->key, ct_cols[j].key2);
		}
	}
	ck_assert_uint_eq(text, CT_COLS_TEXT);
}
END_TEST

START_TEST(test_header)
{
	struct strbuf sb = STRBUF_INIT;
	char want[256];

	snprintf(want, sizeof(want), ROW_FMT, "PROTO", "SOURCE", "MASQ-AS",
		 "REMOTE", "STATE", "EXPIRES", "BYTES", "PACKETS", "RULE",
		 "FORWARD-TO");
	ct_row_header(&sb, CT_COLS_TEXT);
	ck_assert_str_eq(strbuf_str(&sb), want);
	/* a subset: only those columns, no blank at the end */
	strbuf_reset(&sb);
	ct_row_header(&sb, CT_COL_BIT(CT_COL_PROTO) | CT_COL_BIT(CT_COL_STATE)
		      | CT_COL_BIT(CT_COL_RULE));
	ck_assert_str_eq(strbuf_str(&sb), "PROTO  STATE        RULE");
	strbuf_done(&sb);
}
END_TEST

START_TEST(test_text_row)
{
	const char *const *c = text_cells[_i];
	struct strbuf sb = STRBUF_INIT;
	struct ct_entry ce;
	char want[512];

	ent(&ce, _i);
	snprintf(want, sizeof(want), ROW_FMT, c[0], c[1], c[2], c[3], c[4],
		 c[5], c[6], c[7], c[8], c[9]);
	if (_i == E_V6LONG)	/* the overflow is taken up by the slack of
				 * the cells after it: from PACKETS on, the
				 * row is back under the header (grid) */
		snprintf(want, sizeof(want), "%s", "udp    "
			 "[fd00:1111:2222:3333:4444:5555:6666:7777]:5000 "
			 "[2001:db8::1]:5000 [2001:db8::9]:53 REPLIED 170 -"
			 "        -     - -");
	ct_row_text(&sb, &ce, CT_COLS_TEXT);
	ck_assert_str_eq(strbuf_str(&sb), want);
	ck_assert_uint_eq(sb.len, strlen(want));
	strbuf_done(&sb);
}
END_TEST

/* Each text column's cell alone; and the rule's text is ct_rule_ref()'s. */
START_TEST(test_cells)
{
	char buf[CT_CELL_MAX], ref[CT_RULE_REFSIZ];
	struct ct_entry ce;
	size_t i, k = 0;

	ent(&ce, _i);
	for (i = 0; i < CT_COL_COUNT; i++) {
		if (!ct_cols[i].title)
			continue;
		ck_assert_uint_eq(ct_col_text((enum ct_col_id)i, &ce, buf),
				  strlen(text_cells[_i][k]));
		ck_assert_str_eq(buf, text_cells[_i][k]);
		k++;
	}
	ck_assert_uint_eq(k, 10);
	ct_col_text(CT_COL_RULE, &ce, buf);
	ck_assert_str_eq(buf, ct_rule_ref(ce.rule_id, ref));
}
END_TEST

/* Every status flag at once fits a cell (fuzz_ct wrote past the old
 * size, which was an endpoint's). */
START_TEST(test_cell_all_flags)
{
	char buf[CT_CELL_MAX + 16];
	struct ct_entry ce;
	size_t n;

	memset(buf, 'x', sizeof(buf));
	ent(&ce, 0);
	ce.status = ~0u;
	n = ct_col_text(CT_COL_STATUS, &ce, buf);
	ck_assert_str_eq(buf, "expected,seen_reply,assured,confirmed,snat,"
			 "dnat,dying,fixed_timeout,offload");
	ck_assert_uint_lt(n, CT_CELL_MAX);
}
END_TEST

START_TEST(test_json)
{
	struct strbuf sb = STRBUF_INIT;
	struct ct_entry ce;
	char want[1024];

	ent(&ce, _i);
	ct_row_json(&sb, &ce, NULL);
	ck_assert_str_eq(strbuf_str(&sb), json_objs[_i]);
	/* watch's NDJSON: the same object after an "event" key */
	strbuf_reset(&sb);
	ct_row_json(&sb, &ce, "update");
	snprintf(want, sizeof(want), "{\"event\":\"update\",%s",
		 json_objs[_i] + 1);
	ck_assert_str_eq(strbuf_str(&sb), want);
	strbuf_done(&sb);
}
END_TEST

/* Counters without accounting, and both rule kinds, as values. */
START_TEST(test_values)
{
	struct ct_entry ce;
	struct ct_val v;

	ent_snat(&ce);
	ct_col_value(CT_COL_BYTES, &ce, &v);
	ck_assert(!v.null);
	ck_assert_uint_eq(v.u, 300);
	ce.has_counters = false;
	ct_col_value(CT_COL_BYTES, &ce, &v);
	ck_assert(v.null);
	ct_col_value(CT_COL_RULE, &ce, &v);
	ck_assert(!v.null && !v.fwd && v.u == 2);
	ce.rule_id = 0;
	ct_col_value(CT_COL_RULE, &ce, &v);
	ck_assert(v.null);
	/* SNAT and DNAT at once (a hairpin): gw is the SNAT side, to is
	 * the inside server */
	ent_dnat(&ce);
	ce.status |= CT_ST_SRC_NAT;
	addr(&ce, &ce.reply.dst, "192.168.1.1");
	ce.reply.dport = 33000;
	ct_col_value(CT_COL_GW, &ce, &v);
	ck_assert_int_eq(v.port, 33000);
	ct_col_value(CT_COL_TO, &ce, &v);
	ck_assert(!v.null);
	ck_assert_int_eq(v.port, 80);
}
END_TEST

/* ---- masqtop shows the same rows ------------------------------------- */

/* The entries in masqtop's table at clock 1000, model built. */
static struct top_table *
top_filled(struct top_model *m)
{
	struct top_table *t = top_table_new();
	struct ct_entry ce;
	int i;

	for (i = 0; i < E_N; i++) {
		ent(&ce, i);
		top_table_put(t, &ce, 1000, NULL);
	}
	top_model_init(m, t);
	m->now = 1000;
	m->nat_only = false;
	m->hdr.max = 262144;
	top_hdr_compute(m);
	return t;
}

/* Which entry a table entry is (by kernel id), -1 when none. */
static int
which(uint32_t id)
{
	struct ct_entry ce;
	int i;

	for (i = 0; i < E_N; i++) {
		ent(&ce, i);
		if (ce.id == id)
			return i;
	}
	return -1;
}

/* masqtop's cells, after the entry went through its compact table, are
 * the documented texts. */
START_TEST(test_top_cells)
{
	struct top_model m;
	struct top_table *t = top_filled(&m);
	const struct top_col *cols;
	char cells[16][TOP_CELL];
	size_t i, k, ncols;
	int w;

	cols = top_view_cols(TOP_V_CONN, &ncols);
	ck_assert_uint_eq(ncols, 10);
	for (k = 0; k < ncols; k++) {	/* the table's titles and widths */
		const struct ct_col *c = &ct_cols[top_conn_col_id(k)];

		ck_assert_str_eq(cols[k].title, c->title);
		ck_assert_str_eq(cols[k].key, c->key);
		ck_assert_int_eq(cols[k].width, (int)c->width);
		ck_assert_int_eq(cols[k].right, c->right);
	}
	ck_assert_uint_eq(top_table_count(t), E_N);
	for (i = 0; i < top_table_count(t); i++) {
		struct top_ent *e = top_table_at(t, i);

		w = which(e->id);
		ck_assert_int_ge(w, 0);
		top_conn_cells(&m, e, cells);
		for (k = 0; k < ncols; k++)
			ck_assert_str_eq(cells[k], text_cells[w][k]);
	}
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

/* masqtop -b -j's rows are masqsh's objects, byte for byte. */
START_TEST(test_top_json)
{
	struct top_model m;
	struct top_table *t = top_filled(&m);
	char *buf = NULL, *rows;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int i, found = 0;

	ck_assert_int_eq(top_batch_print(fp, &m, 80, true), 0);
	fclose(fp);
	rows = strstr(buf, "\"rows\":[");
	ck_assert_ptr_nonnull(rows);
	for (i = 0; i < E_N; i++)
		found += strstr(rows, json_objs[i]) != NULL;
	ck_assert_int_eq(found, E_N);
	free(buf);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

/* masqtop -b's text rows are masqsh's rows, cut to the width. */
START_TEST(test_top_text)
{
	struct top_model m;
	struct top_table *t = top_filled(&m);
	char *buf = NULL, want[512];
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	const char *const *c = text_cells[E_DNAT];

	ck_assert_int_eq(top_batch_print(fp, &m, 300, false), 0);
	fclose(fp);
	snprintf(want, sizeof(want), "\n" ROW_FMT "\n", c[0], c[1], c[2],
		 c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
	ck_assert_msg(strstr(buf, want), "%s", buf);
	free(buf);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

/* ---- strbuf ------------------------------------------------------------ */

START_TEST(test_strbuf)
{
	struct strbuf sb = STRBUF_INIT;
	char *p, *s, *out = NULL;
	size_t len = 0, i;
	FILE *fp;

	ck_assert_str_eq(strbuf_str(&sb), "");
	strbuf_puts(&sb, "a");
	strbuf_putc(&sb, 'b');
	strbuf_u64(&sb, 0);
	strbuf_u64(&sb, UINT64_MAX);
	strbuf_addf(&sb, "<%s:%d>", "x", -3);
	strbuf_add(&sb, "zz", 1);
	ck_assert_str_eq(strbuf_str(&sb), "ab018446744073709551615<x:-3>z");
	ck_assert_uint_eq(sb.len, strlen(strbuf_str(&sb)));
	strbuf_truncate(&sb, 2);
	ck_assert_str_eq(strbuf_str(&sb), "ab");
	/* growth keeps what was there */
	for (i = 0; i < 10000; i++)
		strbuf_putc(&sb, (char)('a' + i % 26));
	ck_assert_uint_eq(sb.len, 10002);
	ck_assert_int_eq(sb.s[10001], 'a' + 9999 % 26);
	ck_assert_int_eq(sb.s[10002], '\0');
	/* room and commit */
	strbuf_reset(&sb);
	p = strbuf_room(&sb, 40);
	p = strbuf_put_str(p, "id ");
	p = strbuf_put_u64(p, 4294967296ull);
	strbuf_commit(&sb, p);
	ck_assert_str_eq(strbuf_str(&sb), "id 4294967296");
	/* write out and empty */
	fp = open_memstream(&out, &len);
	ck_assert_int_eq(strbuf_write(&sb, fp), 0);
	ck_assert_uint_eq(sb.len, 0);
	strbuf_puts(&sb, "!");
	ck_assert_int_eq(strbuf_write(&sb, fp), 0);
	fclose(fp);
	ck_assert_str_eq(out, "id 4294967296!");
	free(out);
	/* take hands over the text; an empty buffer gives "" */
	strbuf_puts(&sb, "mine");
	s = strbuf_take(&sb);
	ck_assert_str_eq(s, "mine");
	ck_assert_ptr_null(sb.s);
	free(s);
	s = strbuf_take(&sb);
	ck_assert_str_eq(s, "");
	free(s);
	strbuf_init(&sb, 100);
	ck_assert_str_eq(strbuf_str(&sb), "");
	strbuf_done(&sb);
	strbuf_done(&sb);
}
END_TEST

static Suite *
ct_cols_suite(void)
{
	Suite *s = suite_create("ct_cols");
	TCase *tc = tcase_create("row");

	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_header);
	tcase_add_loop_test(tc, test_text_row, 0, E_N);
	tcase_add_loop_test(tc, test_cells, 0, E_N);
	tcase_add_test(tc, test_cell_all_flags);
	tcase_add_loop_test(tc, test_json, 0, E_N);
	tcase_add_test(tc, test_values);
	suite_add_tcase(s, tc);
	tc = tcase_create("masqtop");
	tcase_add_test(tc, test_top_cells);
	tcase_add_test(tc, test_top_json);
	tcase_add_test(tc, test_top_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("strbuf");
	tcase_add_test(tc, test_strbuf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ct_cols_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

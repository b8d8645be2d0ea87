/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_tui.c - masqtop's curses-free parts: the entry table (hash,
 * removal, resync sweep, IPv6 pool, countdown), the views (sorting,
 * heap window vs full sort, aggregates), the keymap and its commands
 * (every key's command runs, help lists every key), and the text/JSON
 * rendering (widths respected, no escape codes).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tui/app.h"
#include "tui/render.h"
#include "tui/table.h"
#include "tui/view.h"

/* A NAT'ed TCP entry number @i: 10.x.y.z:(1024+i) -> 198.51.100.(i%7),
 * masq'ed as 203.0.113.(1 + i%3). */
static void
mk_ent(struct ct_entry *ce, uint32_t i)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = AF_INET;
	ce->proto = i % 5 == 0 ? 17 : 6;
	ce->tcp_state = ce->proto == 6 ? CT_TCP_ESTABLISHED : 0;
	ce->status = CT_ST_CONFIRMED | CT_ST_SRC_NAT |
		     (i % 4 ? CT_ST_SEEN_REPLY : 0);
	ce->timeout = 100 + i % 1000;
	ce->id = 0x9e3779b1u * (i + 1);
	ce->orig.src.w[0] = htonl(0x0a000000u | i);
	ce->orig.dst.w[0] = htonl(0xc6336400u | (i % 7));
	ce->orig.sport = (uint16_t)(1024 + i % 60000);
	ce->orig.dport = 80;
	ce->reply.src = ce->orig.dst;
	ce->reply.sport = 80;
	ce->reply.dst.w[0] = htonl(0xcb007100u | (1 + i % 3));
	ce->reply.dport = (uint16_t)(20000 + i % 40000);
}

static struct top_table *
filled(uint32_t n)
{
	struct top_table *t = top_table_new();
	struct ct_entry ce;
	uint32_t i;

	for (i = 0; i < n; i++) {
		mk_ent(&ce, i);
		top_table_put(t, &ce, 1000, NULL);
	}
	return t;
}

static const uint32_t sizes[] = { 1, 7, 1000, 20000 };

START_TEST(test_table_put_remove)
{
	uint32_t n = sizes[_i], i;
	struct top_table *t = filled(n);
	struct ct_entry ce;
	bool added;

	ck_assert_uint_eq(top_table_count(t), n);
	for (i = 0; i < n; i++) {	/* replace: no growth */
		mk_ent(&ce, i);
		ce.timeout = 5;
		top_table_put(t, &ce, 1000, &added);
		ck_assert(!added);
	}
	ck_assert_uint_eq(top_table_count(t), n);
	for (i = 0; i < n; i += 3) {
		mk_ent(&ce, i);
		ck_assert(top_table_remove(t, &ce));
		ck_assert(!top_table_remove(t, &ce));
	}
	ck_assert_uint_eq(top_table_count(t), n - (n + 2) / 3);
	for (i = 0; i < n; i++) {	/* every survivor still found */
		mk_ent(&ce, i);
		ck_assert_int_eq(top_table_find_id(t, ce.id) >= 0, i % 3 != 0);
	}
	top_table_free(t);
}
END_TEST

START_TEST(test_table_sweep)
{
	struct top_table *t = filled(100);
	struct ct_entry ce;
	uint32_t i;

	top_table_mark_begin(t);
	for (i = 0; i < 100; i += 2) {
		mk_ent(&ce, i);
		top_table_put(t, &ce, 1001, NULL);
	}
	ck_assert_uint_eq(top_table_sweep(t), 50);
	ck_assert_uint_eq(top_table_count(t), 50);
	top_table_free(t);
}
END_TEST

START_TEST(test_table_v6_countdown)
{
	struct top_table *t = top_table_new();
	struct ct_entry ce, back;
	struct top_ent *e;

	mk_ent(&ce, 42);
	ce.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::42", &ce.orig.src);
	inet_pton(AF_INET6, "2001:db8:1::7", &ce.orig.dst);
	inet_pton(AF_INET6, "2001:db8:1::7", &ce.reply.src);
	inet_pton(AF_INET6, "2001:db8:ff::1", &ce.reply.dst);
	ce.has_counters = true;
	ce.c_orig.bytes = 1000;
	ce.c_reply.bytes = 24;
	e = top_table_put(t, &ce, 500, NULL);
	ck_assert_uint_eq(top_ent_expires(e, 500), ce.timeout);
	ck_assert_uint_eq(top_ent_expires(e, 510), ce.timeout - 10);
	ck_assert_uint_eq(top_ent_expires(e, 500 + ce.timeout + 3), 0);
	top_ent_to_ct(t, e, 500, &back);
	ck_assert_mem_eq(&back.orig, &ce.orig, sizeof(ce.orig));
	ck_assert_mem_eq(&back.reply, &ce.reply, sizeof(ce.reply));
	ck_assert_uint_eq(back.c_orig.bytes + back.c_reply.bytes, 1024);
	ck_assert(top_table_remove(t, &ce));
	top_table_free(t);
}
END_TEST

static void
model(struct top_model *m, struct top_table *t)
{
	top_model_init(m, t);
	m->now = 1000;
	m->hdr.max = 262144;
	top_hdr_compute(m);
}

/* The heap window must equal the head of the full sort, on every column
 * and both directions. */
START_TEST(test_sort_window)
{
	struct top_table *t = filled(5000);
	struct top_model m;
	struct top_grid g = { 0 };
	uint32_t *all;
	size_t n, i, ncols;

	model(&m, t);
	top_view_cols(TOP_V_CONN, &ncols);
	m.sort[TOP_V_CONN] = _i % (int)ncols;
	m.reverse = _i >= (int)ncols;
	all = top_view_conn_order(&m, &n);
	ck_assert_uint_eq(n, 5000);
	top_view_build(&m, 10, 30, &g);
	ck_assert_uint_eq(g.nrows, 30);
	ck_assert_uint_eq(g.total, 5000);
	for (i = 0; i < 30; i++)
		ck_assert_uint_eq(g.ref[i], all[10 + i]);
	free(all);
	top_grid_done(&g);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

START_TEST(test_filter_and_views)
{
	struct top_table *t = filled(300);
	struct top_model m;
	struct top_grid g = { 0 };
	struct masq_err e;

	model(&m, t);
	err_init(&e);
	ck_assert_int_eq(top_model_set_filter(&m, "proto udp", &e), 0);
	top_hdr_compute(&m);
	ck_assert_uint_eq(m.hdr.shown, 60);
	/* A bad filter keeps the old one and marks the word. */
	ck_assert_int_eq(top_model_set_filter(&m, "proto udp and", &e), -1);
	ck_assert_uint_eq(e.pos, 10);
	err_done(&e);
	ck_assert_str_eq(m.filter_text, "proto udp");
	ck_assert_int_eq(top_model_set_filter(&m, "", &e), 0);
	top_hdr_compute(&m);
	ck_assert_uint_eq(m.hdr.shown, 300);
	ck_assert_uint_eq(m.hdr.unreplied, 75);
	/* tcp on each of the three addresses: 80 entries (a tie). */
	ck_assert_int_eq(strncmp(m.hdr.busy_gw, "203.0.113.", 10), 0);
	ck_assert_str_eq(m.hdr.busy_proto, "tcp");
	ck_assert_uint_eq(m.hdr.busy_used, 80);

	m.view = TOP_V_PORTS;
	top_view_build(&m, 0, 100, &g);
	ck_assert_uint_eq(g.total, 6);		/* 3 addresses x tcp/udp */
	ck_assert_str_eq(g.cell[2], "80");	/* busiest first */
	m.view = TOP_V_HOSTS;
	top_view_build(&m, 0, 100, &g);
	ck_assert_uint_eq(g.total, 300);
	m.view = TOP_V_TIMEOUTS;
	top_view_build(&m, 0, 100, &g);
	ck_assert_uint_eq(g.total, 3);	/* tcp ESTABLISHED, udp replied/un */
	m.view = TOP_V_RULES;
	top_view_build(&m, 0, 100, &g);
	ck_assert_uint_eq(g.total, 1);
	ck_assert_str_eq(g.cell[0], "-");
	top_grid_done(&g);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

static int stub_confirms;

static bool
stub_confirm(void *ui, const char *q)
{
	(void)ui;
	(void)q;
	stub_confirms++;
	return false;
}

static char *
stub_prompt(void *ui, const char *label, const char *init)
{
	(void)ui;
	(void)label;
	(void)init;
	return strdup("dport 80 and");	/* bad: kept out */
}

static const struct top_ui_ops stub_ops = {
	.prompt = stub_prompt,
	.confirm = stub_confirm,
};

/* Every bound key runs a known command; help shows every named key. */
START_TEST(test_keymap)
{
	struct top_table *t = filled(50);
	struct top_app app;
	const struct top_key *k;
	char *help = top_help_text();
	int v, flags;

	memset(&app, 0, sizeof(app));
	model(&app.m, t);
	app.ui = &stub_ops;
	app.interval_ms = 2000;
	app.page = 10;
	for (k = top_keymap; k->cmd; k++) {
		ck_assert_ptr_eq(top_key_find(k->key), k);
		if (k->name) {
			ck_assert_ptr_nonnull(strstr(help, k->note));
			ck_assert_ptr_nonnull(strstr(help, k->cmd));
		}
		top_view_build(&app.m, app.top, app.page, &app.grid);
		app.status[0] = '\0';
		flags = top_cmd_run(&app, k->cmd);
		ck_assert_msg(!strstr(app.status, "unknown"), "%s", k->cmd);
		ck_assert_int_eq(!!(flags & TOP_RF_QUIT), k->key == 'q');
	}
	free(help);
	ck_assert_int_eq(stub_confirms, 1);	/* the delete asked */
	/* The bad filter from the prompt left none and said where. */
	ck_assert_ptr_null(app.m.filter);
	/* view next cycles through the five views. */
	app.m.view = TOP_V_CONN;
	for (v = 1; v <= TOP_V_COUNT; v++) {
		top_cmd_run(&app, "view next");
		ck_assert_int_eq(app.m.view, v % TOP_V_COUNT);
	}
	ck_assert_int_eq(top_cmd_run(&app, "interval +"), TOP_RF_REDRAW |
			 TOP_RF_RETIME);
	ck_assert_int_eq(app.interval_ms, 3000);
	top_cmd_run(&app, "cursor last");
	top_view_build(&app.m, app.top, app.page, &app.grid);
	ck_assert_uint_eq(app.cursor, 49);
	ck_assert_uint_eq(app.top, 40);
	top_grid_done(&app.grid);
	top_model_done(&app.m);
	top_table_free(t);
}
END_TEST

static const int widths[] = { 20, 40, 80, 132, 300 };

/* Batch text never exceeds the width and never holds an escape. */
START_TEST(test_batch_width)
{
	struct top_table *t = filled(200);
	struct top_model m;
	char *buf = NULL, *line, *save;
	size_t len = 0, lines = 0;
	FILE *fp = open_memstream(&buf, &len);
	int w = widths[_i];

	model(&m, t);
	m.view = (enum top_view_id)(_i % TOP_V_COUNT);
	ck_assert_int_eq(top_batch_print(fp, &m, w, false), 0);
	fclose(fp);
	ck_assert_ptr_null(strchr(buf, '\033'));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), lines++)
		ck_assert_msg(strlen(line) <= (size_t)w, "%zu > %d: %s",
			      strlen(line), w, line);
	ck_assert_uint_ge(lines, TOP_HDR_LINES + 1);
	free(buf);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

START_TEST(test_batch_json)
{
	struct top_table *t = filled(3);
	struct top_model m;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	model(&m, t);
	ck_assert_int_eq(top_batch_print(fp, &m, 80, true), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "\"count\":3,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"src\":\"10.0.0.0:1024\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"gw\":\"203.0.113.1:20000\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"bytes\":null"));
	ck_assert_str_eq(buf + len - 3, "]}\n");
	free(buf);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

static Suite *
tui_suite(void)
{
	Suite *s = suite_create("tui");
	TCase *tc = tcase_create("table");
	size_t ncols;

	tcase_add_loop_test(tc, test_table_put_remove, 0,
			    sizeof(sizes) / sizeof(sizes[0]));
	tcase_add_test(tc, test_table_sweep);
	tcase_add_test(tc, test_table_v6_countdown);
	suite_add_tcase(s, tc);
	tc = tcase_create("views");
	top_view_cols(TOP_V_CONN, &ncols);
	tcase_add_loop_test(tc, test_sort_window, 0, 2 * (int)ncols);
	tcase_add_test(tc, test_filter_and_views);
	tcase_add_test(tc, test_keymap);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_loop_test(tc, test_batch_width, 0,
			    sizeof(widths) / sizeof(widths[0]));
	tcase_add_test(tc, test_batch_json);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tui_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

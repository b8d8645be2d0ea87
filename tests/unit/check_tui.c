/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_tui.c - masqtop's curses-free parts: the entry table (hash,
 * removal, resync sweep, IPv6 pool, countdown), the views (sorting,
 * heap window vs full sort, aggregates), the keymap and its commands
 * (every key's command runs, help lists every key), and the text/JSON
 * rendering (widths respected, no escape codes), the start-up dump's
 * append-then-index path, the engine's alerts in the header (read
 * from a real database made with the store API), what an event's update
 * keeps, and the header's and ports view's numbers against `show stats`'
 * and `show ports`' rules (unreplied share, budgets sized by a rule).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/store.h"
#include "core/xalloc.h"
#include "nat/ct_rule.h"
#include "tui/alerts.h"
#include "tui/keymap.h"
#include "tui/render.h"
#include "tui/table.h"
#include "tui/view.h"
#include "tui/view_conn.h"

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

/*
 * The start-up path: entries appended, some twice (a dump may repeat one)
 * and one sharing another's id with a different tuple (ids are hashes),
 * then indexed once: each is there once, the later copy won, and the
 * hash finds them all (put updates, remove removes).
 */
START_TEST(test_table_append_index)
{
	struct top_table *t = top_table_new();
	struct ct_entry ce;
	bool added;
	uint32_t i, n = (uint32_t)(_i ? 5000 : 10);
	long k;

	for (i = 0; i < n; i++) {
		mk_ent(&ce, i);
		top_table_append(t, &ce, 1000);
	}
	for (i = 0; i < n; i += 3) {	/* repeats, with a new timeout */
		mk_ent(&ce, i);
		ce.timeout = 7;
		top_table_append(t, &ce, 1000);
	}
	mk_ent(&ce, n + 1);
	ce.id = 0x9e3779b1u;		/* entry 0's id, another tuple */
	top_table_append(t, &ce, 1000);
	top_table_index(t);
	ck_assert_uint_eq(top_table_count(t), n + 1);
	for (i = 0; i < n; i++) {
		k = top_table_find_id(t, 0x9e3779b1u * (i + 1));
		ck_assert_int_ge(k, 0);
		if (i)	/* entry 0 shares its id: find_id gives either */
			ck_assert_uint_eq(top_table_at(t, (size_t)k)->timeout,
					  i % 3 ? 100 + i % 1000 : 7);
		mk_ent(&ce, i);
		top_table_put(t, &ce, 1001, &added);
		ck_assert(!added);
	}
	ck_assert_uint_eq(top_table_count(t), n + 1);
	mk_ent(&ce, n + 1);
	ce.id = 0x9e3779b1u;
	ck_assert(top_table_remove(t, &ce));
	mk_ent(&ce, 0);
	ck_assert(top_table_remove(t, &ce));
	ck_assert(!top_table_remove(t, &ce));
	ck_assert_uint_eq(top_table_count(t), n - 1);
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

/* An event updates an entry: what it does not carry stays.  ctnetlink's
 * NEW/UPDATE events have no counters and a TCP state only when it changed;
 * the rule was named when the entry came. */
START_TEST(test_table_event_update)
{
	struct top_table *t = top_table_new();
	struct ct_entry ce, ev, back;
	struct top_ent *e;
	uint64_t bytes, pkts;
	bool added;

	mk_ent(&ce, 1);			/* tcp, ESTABLISHED */
	ce.has_counters = true;
	ce.c_orig.bytes = 600;
	ce.c_orig.packets = 6;
	ce.rule_id = 5;
	e = top_table_put(t, &ce, 1000, &added);
	ck_assert(added);
	ck_assert_uint_eq(e->rule, 5);
	ev = ce;			/* an UPDATE: status and timeout */
	ev.has_counters = false;
	memset(&ev.c_orig, 0, sizeof(ev.c_orig));
	ev.tcp_state = CT_TCP_NONE;
	ev.rule_id = 0;
	ev.timeout = 42;
	ev.status |= CT_ST_ASSURED;
	e = top_table_put(t, &ev, 1010, &added);
	ck_assert(!added);
	ck_assert_uint_eq(top_ent_expires(e, 1010), 42);
	ck_assert(e->status & CT_ST_ASSURED);
	ck_assert_uint_eq(e->tcp_state, CT_TCP_ESTABLISHED);
	ck_assert_uint_eq(e->rule, 5);
	ck_assert(top_ent_counters(t, e, &bytes, &pkts));
	ck_assert_uint_eq(bytes, 600);
	ev.tcp_state = CT_TCP_TIME_WAIT;	/* a state change is taken */
	ev.has_counters = true;			/* and a read's counters */
	ev.c_orig.bytes = 900;
	e = top_table_put(t, &ev, 1011, NULL);
	ck_assert_uint_eq(e->tcp_state, CT_TCP_TIME_WAIT);
	top_ent_to_ct(t, e, 1011, &back);
	ck_assert_uint_eq(back.c_orig.bytes, 900);
	top_table_free(t);
}
END_TEST

/* "unreplied" is a share of the entries held: never above 100% even when
 * the kernel's count (which the header shows) is lower. */
START_TEST(test_hdr_unreplied)
{
	struct top_table *t = filled(300);
	char lines[TOP_HDR_MAX][TOP_LINE];
	struct top_model m;

	model(&m, t);
	m.hdr.count = m.hdr.kcount = 10;	/* the kernel's, lower */
	top_hdr_lines(&m, 200, lines);
	ck_assert_uint_eq(m.hdr.entries, 300);
	ck_assert_uint_eq(m.hdr.unreplied, 75);
	ck_assert_msg(strstr(lines[1], " unreplied 25.0% ") != NULL, "%s",
		      lines[1]);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

/* The NAT pair's line: only when one is configured, a fifth line in
 * show ha's words; heard/silent only when conntrackd answered. */
START_TEST(test_hdr_pair)
{
	struct top_table *t = filled(3);
	char lines[TOP_HDR_MAX][TOP_LINE];
	struct top_model m;
	struct top_pair *p;

	model(&m, t);
	ck_assert_uint_eq(top_hdr_lines(&m, 200, lines), TOP_HDR_LINES);
	p = &m.hdr.pair;
	p->configured = true;
	p->master = true;
	strcpy(p->peer, "10.9.0.2");
	p->st.state = "split";
	p->st.held = 1;
	p->st.n_vips = 2;
	ck_assert_uint_eq(top_hdr_lines(&m, 200, lines), TOP_HDR_MAX);
	ck_assert_uint_eq(top_hdr_count(&m), TOP_HDR_MAX);
	ck_assert_str_eq(lines[4], "pair split 1/2 VIPs (role master)  peer "
			 "10.9.0.2  last -  conntrackd not answering");
	p->st.last_known = true;
	strcpy(p->st.last_event, "primary");
	p->st.last_time = 1796404696;	/* 2026-12-04 17:18:16 UTC */
	p->st.ctd_running = true;
	p->peer_heard = true;
	p->st.ctd.pkts_sent = 30;
	p->st.ctd.pkts_recv = 29;
	p->st.ctd.lost = 2;
	p->st.ctd.err_recv = 1;
	p->st.ctd.active_external = 4;
	top_hdr_lines(&m, 200, lines);
	ck_assert_str_eq(lines[4], "pair split 1/2 VIPs (role master)  peer "
			 "10.9.0.2 heard  last primary 17:18:16Z  sync sent 30 "
			 "recv 29 err 3 ext 4");
	top_hdr_lines(&m, 30, lines);
	ck_assert_str_eq(lines[4], "pair split 1/2 VIPs (role mast");
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

/* Port budgets are nat/ct_budget.c's: a rule's `ports LO-HI` sizes them,
 * as `show ports` does; header and ports view agree. */
START_TEST(test_ports_budget)
{
	struct top_table *t = top_table_new();
	struct nat_net n = { .family = AF_INET, .plen = 8 };
	struct top_grid g = { 0 };
	struct nat_ruleset rs;
	struct masq_err e;
	struct ct_rules *cr;
	struct nat_rule r;
	struct top_model m;
	struct ct_entry ce;
	uint32_t i;

	nat_ruleset_init(&rs);
	nat_rule_init(&r);
	r.id = 7;
	r.action = NAT_SNAT;
	inet_pton(AF_INET, "10.0.0.0", n.addr);
	r.src.inc = xcalloc(1, sizeof(n));
	r.src.inc[r.src.n_inc++] = n;
	r.to.family = AF_INET;
	inet_pton(AF_INET, "203.0.113.1", r.to.lo);
	inet_pton(AF_INET, "203.0.113.1", r.to.hi);
	r.has_ports = true;
	r.ports.lo = 20000;
	r.ports.hi = 20299;
	nat_ruleset_add_masq(&rs, &r);
	cr = ct_rules_new(&rs);
	for (i = 0; i < 300; i++) {	/* the table names rules as it fills */
		mk_ent(&ce, i);
		ce.rule_id = ct_rules_match(cr, &ce);
		top_table_put(t, &ce, 1000, NULL);
	}
	top_model_init(&m, t);
	m.rules = cr;
	m.now = 1000;
	top_hdr_compute(&m);
	/* 80 tcp entries on .1, all through rule 7's 300 ports */
	ck_assert_str_eq(m.hdr.busy_gw, "203.0.113.1");
	ck_assert_str_eq(m.hdr.busy_proto, "tcp");
	ck_assert_uint_eq(m.hdr.busy_used, 80);
	ck_assert_uint_eq(m.hdr.busy_size, 300);
	m.view = TOP_V_PORTS;
	top_view_build(&m, 0, 100, &g);
	ck_assert_uint_eq(g.total, 6);
	ck_assert_str_eq(g.cell[0], "203.0.113.1");
	ck_assert_str_eq(g.cell[2], "80");
	ck_assert_str_eq(g.cell[3], "300");
	ck_assert_str_eq(g.cell[4], "26.7");	/* rounded, as show ports */
	ck_assert_str_eq(g.cell[5 + 0], "203.0.113.1");	/* udp: 20/300 */
	ck_assert_str_eq(g.cell[5 + 3], "300");
	ck_assert_str_eq(g.cell[10 + 3], "64512");	/* no rule: default */
	/* a filter counts only what it shows */
	err_init(&e);
	ck_assert_int_eq(top_model_set_filter(&m, "gw 203.0.113.2", &e), 0);
	err_done(&e);
	top_hdr_compute(&m);
	top_view_build(&m, 0, 100, &g);
	ck_assert_uint_eq(g.total, 2);
	ck_assert_str_eq(g.cell[0], "203.0.113.2");
	ck_assert_str_eq(m.hdr.busy_gw, "203.0.113.1");	/* header: all */
	top_grid_done(&g);
	top_model_done(&m);
	ct_rules_free(cr);
	nat_ruleset_done(&rs);
	top_table_free(t);
}
END_TEST

static int stub_confirms;
static char stub_question[512], stub_paged[4096];

static bool
stub_confirm(void *ui, const char *q)
{
	(void)ui;
	snprintf(stub_question, sizeof(stub_question), "%s", q);
	stub_confirms++;
	return false;
}

static char *
stub_prompt(void *ui, const char *label, const char *init)
{
	(void)ui;
	(void)init;
	if (!strncmp(label, "masqsh", 6))
		return strdup("help kill");
	return strdup("dport 80 and");	/* bad: kept out */
}

static void
stub_pager(void *ui, const char *title, const char *text)
{
	(void)ui;
	snprintf(stub_paged, sizeof(stub_paged), "%s\n%s", title, text);
}

static const struct top_ui_ops stub_ops = {
	.prompt = stub_prompt,
	.confirm = stub_confirm,
	.pager = stub_pager,
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

/*
 * Keys that act go through masqsh's command table: ':' runs a line (its
 * output paged, its errors as masqsh prints them, endless commands
 * refused), and 'd' asks to run masqsh's kill with a filter that names
 * exactly the entry under the cursor.
 */
START_TEST(test_keys_masqsh)
{
	struct top_table *t = filled(50);
	struct top_app app;
	const char *f, *end;
	char filt[400];
	struct masq_err e;
	size_t i, hits = 0;

	char dir[] = "/tmp/check_tui.XXXXXX", db[64], rm[96];

	/* a database of its own: commands run from ':' may create it */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/masq.db", dir);
	memset(&app, 0, sizeof(app));
	model(&app.m, t);
	app.ui = &stub_ops;
	app.page = 10;
	app.db = db;

	stub_paged[0] = '\0';
	top_cmd_run(&app, top_key_find(':')->cmd);	/* prompts "help kill" */
	ck_assert_ptr_nonnull(strstr(stub_paged, "masqsh> help kill\n"));
	ck_assert_ptr_nonnull(strstr(stub_paged, "kill FILTER"));

	top_cmd_run(&app, "masqsh watch dport 80");
	ck_assert_str_eq(app.status, "'watch' runs until interrupted; run it "
			 "in masqsh, not from masqtop");
	/* the confirm timer re-executes the program as masqsh: not masqtop */
	top_cmd_run(&app, "masqsh apply confirm 30");
	ck_assert_str_eq(app.status, "'apply' with 'confirm' starts a timer "
			 "that only masqsh can run; run it in masqsh, not "
			 "from masqtop");
	/* read with masqsh's own tokenizer: quoting does not hide it */
	top_cmd_run(&app, "masqsh apply \"confirm\" 30");
	ck_assert_str_eq(app.status, "'apply' with 'confirm' starts a timer "
			 "that only masqsh can run; run it in masqsh, not "
			 "from masqtop");
	top_cmd_run(&app, "masqsh rollback 2 conf 30");
	ck_assert_str_eq(app.status, "'rollback' with 'confirm' starts a "
			 "timer that only masqsh can run; run it in masqsh, "
			 "not from masqtop");
	/* a command that ran may have changed the rules: the loop reloads
	 * them for the rule column; a failed one leaves them */
	ck_assert(top_cmd_run(&app, "masqsh help kill") & TOP_RF_RULES);
	stub_paged[0] = '\0';
	ck_assert(!(top_cmd_run(&app, "masqsh frobnicate") & TOP_RF_RULES));
	ck_assert_msg(strstr(stub_paged, "\nmasqsh: error: unknown command "
			     "'frobnicate'\n  frobnicate\n  ^~~"),
		      "%s", stub_paged);

	app.cursor = 3;
	top_view_build(&app.m, 0, app.page, &app.grid);
	stub_question[0] = '\0';
	top_cmd_run(&app, top_key_find('d')->cmd);
	ck_assert_str_eq(app.status, "not deleted");
	f = strstr(stub_question, "run 'kill proto tcp and src ");
	ck_assert_msg(f == stub_question, "%s", stub_question);
	f += strlen("run 'kill ");
	end = strstr(f, "'? (y/n)");
	ck_assert_ptr_nonnull(end);
	snprintf(filt, sizeof(filt), "%.*s", (int)(end - f), f);
	err_init(&e);
	ck_assert_int_eq(top_model_set_filter(&app.m, filt, &e), 0);
	err_done(&e);
	for (i = 0; i < top_table_count(t); i++)
		hits += top_model_match(&app.m, top_table_at(t, i));
	ck_assert_uint_eq(hits, 1);
	ck_assert(top_model_match(&app.m, top_table_at(t, app.grid.ref[3])));
	top_grid_done(&app.grid);
	top_model_done(&app.m);
	top_table_free(t);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(rm), 0);
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

/* --lines: the first N rows of every view, the same as the full listing's
 * head (the connections view takes them from the heap, not the sort). */
START_TEST(test_batch_lines)
{
	struct top_table *t = filled(300);
	struct top_model m;
	char *full = NULL, *part = NULL, *p;
	size_t flen = 0, plen = 0, nl = 0;
	FILE *fp;
	size_t want = (size_t)(_i / TOP_V_COUNT ? 7 : 1);

	model(&m, t);
	m.view = (enum top_view_id)(_i % TOP_V_COUNT);
	fp = open_memstream(&full, &flen);
	ck_assert_int_eq(top_batch_print(fp, &m, 200, false), 0);
	fclose(fp);
	fp = open_memstream(&part, &plen);
	ck_assert_int_eq(top_batch_print_rows(fp, &m, 200, false, want), 0);
	fclose(fp);
	for (p = part; *p; p++)
		nl += *p == '\n';
	/* Views with fewer groups than asked print them all. */
	ck_assert_uint_le(nl, TOP_HDR_LINES + 1 + want);
	if (m.view == TOP_V_CONN)
		ck_assert_uint_eq(nl, TOP_HDR_LINES + 1 + want);
	ck_assert_uint_le(plen, flen);
	ck_assert_int_eq(memcmp(full, part, plen), 0);
	free(full);
	free(part);
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
	/* masqsh's schema (nat/ct_cols.h): addresses and ports apart */
	ck_assert_ptr_nonnull(strstr(buf,
				     "\"src\":\"10.0.0.0\",\"sport\":1024,"));
	ck_assert_ptr_nonnull(strstr(buf,
				     "\"gw\":\"203.0.113.1\",\"gport\":20000,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"bytes\":null"));
	ck_assert_str_eq(buf + len - 3, "]}\n");
	free(buf);
	top_model_done(&m);
	top_table_free(t);
}
END_TEST

/* Header line 3 and the JSON "alerts" of model @m. */
static void
alerts_render(struct top_model *m, char *line, char **json)
{
	char lines[TOP_HDR_MAX][TOP_LINE];
	size_t len = 0;
	FILE *fp;

	top_hdr_lines(m, 200, lines);
	strcpy(line, lines[3]);
	fp = open_memstream(json, &len);
	ck_assert_int_eq(top_batch_print(fp, m, 80, true), 0);
	fclose(fp);
}

/*
 * The engine's alerts: none known without a database (no alerts words,
 * JSON null); with one, the active count and the newest message; a
 * cleared alert no longer counts.
 */
START_TEST(test_alerts)
{
	char dir[] = "/tmp/check_tui.XXXXXX", path[64], line[TOP_LINE];
	struct top_table *t = filled(3);
	struct store *s = NULL;
	struct masq_err e;
	struct top_model m;
	int64_t id1, id2;
	char *json = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/masq.db", dir);
	model(&m, t);

	top_alerts_read(path, &m.hdr.alerts);	/* no database yet */
	ck_assert_int_eq(m.hdr.alerts.active, -1);
	alerts_render(&m, line, &json);
	ck_assert_str_eq(line, "");
	ck_assert_ptr_nonnull(strstr(json, "\"alerts\":null,"));
	free(json);

	err_init(&e);
	ck_assert_int_eq(store_open(&s, path, &e), 0);
	top_alerts_read(path, &m.hdr.alerts);	/* database, no alert */
	ck_assert_int_eq(m.hdr.alerts.active, 0);
	alerts_render(&m, line, &json);
	ck_assert_str_eq(line, "alerts 0");
	ck_assert_ptr_nonnull(strstr(json, "\"alerts\":{\"active\":0,"
					   "\"newest\":null}"));
	free(json);

	ck_assert_int_eq(store_alert_raise(s, "table-fill", "", "conntrack "
					   "table 91% full", NULL, &id1, NULL,
					   &e), 0);
	ck_assert_int_eq(store_alert_raise(s, "port-budget", "198.51.100.2 "
					   "udp", "ports 97% used\nby one host",
					   "192.168.1.10", &id2, NULL, &e), 0);
	top_alerts_read(path, &m.hdr.alerts);
	ck_assert_int_eq(m.hdr.alerts.active, 2);
	alerts_render(&m, line, &json);
	ck_assert_str_eq(line, "alerts 2, newest port-budget: ports 97% used "
			 "by one host");
	ck_assert_ptr_nonnull(strstr(json, "\"alerts\":{\"active\":2,"
					   "\"newest\":\"port-budget: "));
	free(json);

	m.hdr.overruns = 3;
	ck_assert_int_eq(store_alert_clear(s, id2, &e), 0);
	top_alerts_read(path, &m.hdr.alerts);
	ck_assert_int_eq(m.hdr.alerts.active, 1);
	alerts_render(&m, line, &json);
	ck_assert_str_eq(line, "alerts 1, newest table-fill: conntrack table "
			 "91% full  events overrun 3x (resynchronised)");
	free(json);
	(void)id1;

	store_close(s);
	err_done(&e);
	unlink(path);
	snprintf(line, sizeof(line), "%s/masq.db-wal", dir);
	unlink(line);
	snprintf(line, sizeof(line), "%s/masq.db-shm", dir);
	unlink(line);
	ck_assert_int_eq(rmdir(dir), 0);
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
	tcase_add_test(tc, test_table_event_update);
	tcase_add_test(tc, test_table_v6_countdown);
	tcase_add_loop_test(tc, test_table_append_index, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("views");
	top_view_cols(TOP_V_CONN, &ncols);
	tcase_add_loop_test(tc, test_sort_window, 0, 2 * (int)ncols);
	tcase_add_test(tc, test_filter_and_views);
	tcase_add_test(tc, test_hdr_unreplied);
	tcase_add_test(tc, test_hdr_pair);
	tcase_add_test(tc, test_ports_budget);
	tcase_add_test(tc, test_keymap);
	tcase_add_test(tc, test_keys_masqsh);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_loop_test(tc, test_batch_width, 0,
			    sizeof(widths) / sizeof(widths[0]));
	tcase_add_test(tc, test_batch_json);
	tcase_add_loop_test(tc, test_batch_lines, 0, 2 * TOP_V_COUNT);
	tcase_add_test(tc, test_alerts);
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * screen.c - masqtop's curses screen (see screen.h).
 *
 * Layout, top to bottom: the header lines (render.c), the column titles
 * (reverse video), the rows of the grid with the cursor row highlighted,
 * and one status line.  Everything is drawn into curses' buffer and sent
 * with one doupdate() per draw, so a tick costs one screen update.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core/esc.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/ct_rule.h"
#include "tui/keymap.h"
#include "tui/render.h"
#include "tui/screen.h"

enum { PAIR_TITLE = 1, PAIR_STATUS, PAIR_ALERT, PAIR_CURSOR, PAIR_BAR };

struct top_screen {
	struct top_app *app;
	bool colour;
};

/* @n bytes of @s (-1: all) at line @y, through esc.h: a comment, an
 * interface name or masqsh's output may hold bytes that would drive the
 * terminal (curses shows C0 controls as ^X, but passes what is not one
 * to it: bidi overrides, bytes that are not UTF-8).  Returns the
 * columns drawn. */
static int
draw_str(int y, const char *s, int n)
{
	struct strbuf sb = STRBUF_INIT;
	int len;

	esc_sbuf(&sb, s, n < 0 ? strlen(s) : (size_t)n, 0);
	mvaddnstr(y, 0, strbuf_str(&sb), COLS);
	len = (int)sb.len;
	strbuf_done(&sb);
	return len;
}

static void
put_line(int y, const char *s, attr_t attr)
{
	int x;

	move(y, 0);
	clrtoeol();
	if (attr)
		attron(attr);
	x = draw_str(y, s, -1);
	if (attr) {
		/* Fill the rest of a highlighted line too. */
		for (; x < COLS; x++)
			mvaddch(y, x, ' ');
		attroff(attr);
	}
}

static attr_t
pair(const struct top_screen *s, int p, attr_t fallback)
{
	return s->colour ? (attr_t)COLOR_PAIR(p) | (p == PAIR_TITLE ||
		p == PAIR_CURSOR ? A_BOLD : 0) : fallback;
}

size_t
top_screen_page(struct top_screen *s, struct top_app *app)
{
	int rows = LINES - (int)top_hdr_count(&app->m) - 2;

	(void)s;
	app->page = rows > 0 ? (size_t)rows : 1;
	return app->page;
}

void
top_screen_draw(struct top_screen *s, struct top_app *app)
{
	char hdr[TOP_HDR_MAX][TOP_LINE], line[TOP_LINE];
	const struct top_grid *g = &app->grid;
	size_t i, n, r;
	int y = 0;

	n = top_hdr_lines(&app->m, COLS, hdr);
	for (i = 0; i < n; i++, y++)
		put_line(y, hdr[i], i == 3 && (app->m.hdr.overruns ||
					       app->m.hdr.alerts.active > 0) ?
			 pair(s, PAIR_ALERT, A_BOLD) : 0);
	top_row_line(g->cols, g->ncols, NULL, COLS, line);
	put_line(y++, line, pair(s, PAIR_TITLE, A_REVERSE));
	for (r = 0; r < app->page; r++, y++) {
		i = app->top + r;
		if (i < g->first || i - g->first >= g->nrows) {
			move(y, 0);
			clrtoeol();
			continue;
		}
		top_row_line(g->cols, g->ncols,
			     (const char (*)[TOP_CELL])
				     &g->cell[(i - g->first) * g->ncols],
			     COLS, line);
		put_line(y, line, i == app->cursor ?
			 pair(s, PAIR_CURSOR, A_REVERSE) : 0);
	}
	put_line(LINES - 1, app->status, app->status[0] ?
		 pair(s, PAIR_STATUS, A_BOLD) : 0);
	wnoutrefresh(stdscr);
	doupdate();
}

int
top_screen_key(struct top_screen *s)
{
	int c = getch();

	(void)s;
	switch (c) {
	case ERR:
		return -1;
	case KEY_UP:
		return TOP_KEY_UP;
	case KEY_DOWN:
		return TOP_KEY_DOWN;
	case KEY_PPAGE:
		return TOP_KEY_PGUP;
	case KEY_NPAGE:
		return TOP_KEY_PGDN;
	case KEY_HOME:
		return TOP_KEY_HOME;
	case KEY_END:
		return TOP_KEY_END;
	case KEY_ENTER:
	case '\n':
	case '\r':
		return TOP_KEY_ENTER;
	case KEY_RESIZE:
		return TOP_KEY_RESIZE;
	default:
		return c;
	}
}

/* A key, waiting for it. */
static int
key_wait(void)
{
	int c;

	nodelay(stdscr, FALSE);
	do
		c = getch();
	while (c == KEY_RESIZE);
	nodelay(stdscr, TRUE);
	return c;
}

static char *
ui_prompt(void *ui, const char *label, const char *init)
{
	size_t len = strlen(init), cap = len + 256;
	char *buf = xmalloc(cap);
	int c, y = LINES - 1;

	(void)ui;
	memcpy(buf, init, len + 1);
	curs_set(1);
	for (;;) {
		move(y, 0);
		clrtoeol();
		mvaddnstr(y, 0, label, COLS);
		addnstr(buf, COLS - (int)strlen(label) - 1);
		refresh();
		c = key_wait();
		if (c == 27) {		/* Escape: cancel */
			free(buf);
			buf = NULL;
			break;
		}
		if (c == '\n' || c == '\r' || c == KEY_ENTER)
			break;
		if ((c == KEY_BACKSPACE || c == 127 || c == 8) && len)
			buf[--len] = '\0';
		else if (c == 21)	/* ^U */
			buf[len = 0] = '\0';
		else if (c >= 32 && c < 127 && len + 1 < cap) {
			buf[len++] = (char)c;
			buf[len] = '\0';
		}
	}
	curs_set(0);
	return buf;
}

static bool
ui_confirm(void *ui, const char *q)
{
	int c;

	(void)ui;
	put_line(LINES - 1, q, A_BOLD);
	refresh();
	c = key_wait();
	return c == 'y' || c == 'Y';
}

/* Show @text (lines) over the rows until a key. */
static void
pane(const char *title, const char *text)
{
	const char *p = text, *nl;
	int y = TOP_HDR_LINES;

	put_line(y++, title, A_REVERSE);
	while (*p && y < LINES - 1) {
		nl = strchr(p, '\n');
		move(y, 0);
		clrtoeol();
		draw_str(y++, p, nl ? (int)(nl - p) : -1);
		p = nl ? nl + 1 : p + strlen(p);
	}
	for (; y < LINES - 1; y++) {
		move(y, 0);
		clrtoeol();
	}
	put_line(LINES - 1, "press any key", A_BOLD);
	refresh();
	key_wait();
}

/* What the counters line says besides the numbers: why there are none. */
static const char *
counters_note(const struct ct_entry *ce, const struct top_app *app)
{
	if (ce->has_counters)
		return "";
	/* the kernel sends counters with dumps and DESTROY events only */
	if (app->m.acct == 1)
		return "(none yet: not read since it began, or made while "
		       "accounting was off) ";
	if (app->m.acct == 0)
		return "(accounting off: sysctl net.netfilter.nf_conntrack_acct=1) ";
	return "(none) ";
}

static void
ui_details(void *ui, const struct ct_entry *ce)
{
	char text[2048], a[4][CT_ENDPOINTSTRLEN], ref[CT_RULE_REFSIZ];
	const char *pn = ctent_proto_name(ce->proto);
	const struct top_app *app = ((struct top_screen *)ui)->app;

	ct_rule_ref(ce->rule_id, ref);	/* "3", "fwd2" or "-" */
	ctent_endpoint_format(ce->family, &ce->orig.src, ce->orig.sport, a[0]);
	ctent_endpoint_format(ce->family, &ce->orig.dst, ce->orig.dport, a[1]);
	ctent_endpoint_format(ce->family, &ce->reply.src, ce->reply.sport,
			      a[2]);
	ctent_endpoint_format(ce->family, &ce->reply.dst, ce->reply.dport,
			      a[3]);
	snprintf(text, sizeof(text),
		 "  proto     %s (%u)\n"
		 "  original  %s -> %s\n"
		 "  reply     %s -> %s\n"
		 "  state     %s\n"
		 "  expires   %u s\n"
		 "  mark      0x%x\n"
		 "  zone      %u\n"
		 "  status    0x%x%s%s%s%s%s\n"
		 "  id        %u\n"
		 "  rule      %s\n"
		 "  counters  %s%llu bytes %llu packets\n",
		 pn ? pn : "?", ce->proto, a[0], a[1], a[2], a[3],
		 ce->proto == 6 ? ctent_tcp_state_name(ce->tcp_state) : "-",
		 ce->timeout, ce->mark, ce->zone, ce->status,
		 ce->status & CT_ST_SRC_NAT ? " snat" : "",
		 ce->status & CT_ST_DST_NAT ? " dnat" : "",
		 ce->status & CT_ST_SEEN_REPLY ? " seen_reply" : " unreplied",
		 ce->status & CT_ST_ASSURED ? " assured" : "",
		 ce->status & CT_ST_DYING ? " dying" : "", ce->id,
		 ref, counters_note(ce, app),
		 (unsigned long long)(ce->c_orig.bytes + ce->c_reply.bytes),
		 (unsigned long long)(ce->c_orig.packets +
				      ce->c_reply.packets));
	pane("details", text);
}

static void
ui_help(void *ui)
{
	char *text = top_help_text();

	(void)ui;
	pane("masqtop keys (key, command, what it does)", text);
	free(text);
}

static void
ui_pager(void *ui, const char *title, const char *text)
{
	(void)ui;
	pane(title, text);
}

static const struct top_ui_ops curses_ops = {
	.prompt = ui_prompt,
	.confirm = ui_confirm,
	.details = ui_details,
	.help = ui_help,
	.pager = ui_pager,
};

struct top_screen *
top_screen_open(struct top_app *app)
{
	struct top_screen *s;
	const char *nc = getenv("NO_COLOR");

	if (!newterm(NULL, stdout, stdin))
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->app = app;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors() && !(nc && *nc)) {
		start_color();
		use_default_colors();
		init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_STATUS, COLOR_YELLOW, -1);
		init_pair(PAIR_ALERT, COLOR_RED, -1);
		init_pair(PAIR_CURSOR, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_BAR, COLOR_GREEN, -1);
		s->colour = true;
	}
	app->ui = &curses_ops;
	app->ui_data = s;
	return s;
}

void
top_screen_close(struct top_screen *s)
{
	if (!s)
		return;
	endwin();
	free(s);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * render.c - masqtop's header lines, row layout and batch output (see
 * render.h).
 *
 * Batch mode streams the connections view from one sorted index array
 * into a 1 MiB buffer: each row is nat/ct_cols.h's text row or JSON object
 * of the entry, the very rows `masqsh show conntrack` prints, so printing
 * a 250k-entry table allocates nothing per row and never goes through
 * printf.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/out.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/ct_cols.h"
#include "tui/render.h"
#include "tui/view.h"
#include "tui/view_conn.h"

void
top_bar(char *buf, int w, uint64_t used, uint64_t max)
{
	int i, fill = max ? (int)((used * (uint64_t)w + max - 1) / max) : 0;

	if (fill > w)
		fill = w;
	buf[0] = '[';
	for (i = 0; i < w; i++)
		buf[1 + i] = i < fill ? '#' : ' ';
	buf[1 + w] = ']';
	buf[2 + w] = '\0';
}

static double
pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* Clip @s to @width columns (ASCII only is ever written here). */
static void
clip(char *s, int width)
{
	if (width >= 0 && strlen(s) > (size_t)width)
		s[width] = '\0';
}

/*
 * The pair's line, in `show ha`'s words: "pair master 2/2 VIPs (role
 * master)  peer 10.9.0.2 heard  last primary 18:20:01Z  sync sent 30 recv
 * 29 err 0 ext 1".
 */
static void
top_pair_line(const struct top_pair *p, char *line)
{
	const struct ha_status *st = &p->st;
	char last[48] = "last -", sync[160] = "";
	struct tm tm;
	time_t t = (time_t)st->last_time;

	if (st->last_known && gmtime_r(&t, &tm))
		snprintf(last, sizeof(last), "last %s %02d:%02d:%02dZ",
			 st->last_event, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (p->peer[0] && st->ctd_running)
		snprintf(sync, sizeof(sync), "  sync sent %llu recv %llu err "
			 "%llu ext %llu", st->ctd.pkts_sent, st->ctd.pkts_recv,
			 ha_ctd_errors(&st->ctd), st->ctd.active_external);
	else if (p->peer[0])
		snprintf(sync, sizeof(sync), "  conntrackd not answering");
	snprintf(line, TOP_LINE, "pair %s %zu/%zu VIPs (role %s)  peer %s%s  "
		 "%s%s", st->state, st->held, st->n_vips,
		 p->master ? "master" : "backup", p->peer[0] ? p->peer : "-",
		 !st->ctd_running ? "" : p->peer_heard ? " heard" : " silent",
		 last,
		 sync);
}

size_t
top_hdr_lines(const struct top_model *m, int width, char lines[][TOP_LINE])
{
	const struct top_hdr *h = &m->hdr;
	const struct top_col *cols;
	char bar[64], busy[160], rows[48], age[48];
	size_t n;

	top_bar(bar, 10, h->count, h->max);
	snprintf(lines[0], TOP_LINE,
		 "conntrack %" PRIu64 "/%" PRIu64 " %s %.1f%%  tcp %" PRIu64
		 " udp %" PRIu64 " icmp %" PRIu64 " other %" PRIu64,
		 h->count, h->max, bar, pct(h->count, h->max), h->tcp, h->udp,
		 h->icmp, h->other);
	/* `show ports`' first line, in its words and rounding */
	if (h->busy_gw[0] && h->busy_size)
		snprintf(busy, sizeof(busy),
			 "busiest %s/%s %" PRIu64 "/%" PRIu64 " (%.1f%%)",
			 h->busy_gw, h->busy_proto, h->busy_used, h->busy_size,
			 pct(h->busy_used, h->busy_size));
	else if (h->busy_gw[0])
		snprintf(busy, sizeof(busy), "busiest %s/%s %" PRIu64 "/-",
			 h->busy_gw, h->busy_proto, h->busy_used);
	else
		snprintf(busy, sizeof(busy), "busiest -");
	/* unreplied: a share of the entries listed, as `show stats` says */
	snprintf(lines[1], TOP_LINE,
		 "new/s %.1f destroyed/s %.1f unreplied %.1f%% %s",
		 h->new_rate, h->destroy_rate, pct(h->unreplied, h->entries),
		 busy);
	cols = top_view_cols(m->view, &n);
	rows[0] = '\0';
	if (m->view == TOP_V_CONN)	/* other views count groups */
		snprintf(rows, sizeof(rows), "  rows %" PRIu64, h->shown);
	age[0] = '\0';
	if (h->read_slow && h->read_age >= 0)
		snprintf(age, sizeof(age), "  [table read %.0fs ago]",
			 h->read_age);
	snprintf(lines[2], TOP_LINE,
		 "view %s%s  sort %s%s  %s  filter %s%s%s%s",
		 top_view_name(m->view), rows, cols[m->sort[m->view]].key,
		 m->reverse ? " reversed" : "",
		 m->nat_only ? "nat-only" : "all",
		 m->filter_text ? m->filter_text : "none",
		 h->paused ? "  [paused]" : "",
		 h->resyncing ? "  [resync]" : "", age);
	/* The engine's alerts (no database: no word about them), then
	 * the event overruns. */
	lines[3][0] = '\0';
	if (h->alerts.active > 0)
		snprintf(lines[3], TOP_LINE, "alerts %d, newest %s",
			 h->alerts.active, h->alerts.newest);
	else if (h->alerts.active == 0)
		snprintf(lines[3], TOP_LINE, "alerts 0");
	if (h->overruns) {
		n = strlen(lines[3]);
		snprintf(lines[3] + n, TOP_LINE - n,
			 "%sevents overrun %" PRIu64 "x (resynchronised)",
			 n ? "  " : "", h->overruns);
	}
	if (h->pair.configured)
		top_pair_line(&h->pair, lines[TOP_HDR_LINES]);
	for (n = 0; n < top_hdr_count(m); n++)
		clip(lines[n], width);
	return top_hdr_count(m);
}

size_t
top_hdr_count(const struct top_model *m)
{
	return m->hdr.pair.configured ? TOP_HDR_MAX : TOP_HDR_LINES;
}

size_t
top_row_line(const struct top_col *cols, size_t ncols,
	     const char (*cells)[TOP_CELL], int width, char *buf)
{
	/* Widest row: every cell full and padded; then clipped. */
	char tmp[TOP_LINE + 16 * (TOP_CELL + 48)];
	size_t i, len = 0, npos = 0, w, l, lim;
	const char *s;

	lim = width < 0 || width >= TOP_LINE ? TOP_LINE - 1 : (size_t)width;
	for (i = 0; i < ncols && i < 16; i++) {
		w = (size_t)cols[i].width;
		/* A column that does not fit whole is left out (decided on
		 * the nominal widths, so titles and rows agree). */
		if (npos + (npos ? 1 : 0) + w > lim)
			continue;
		s = cells ? cells[i] : cols[i].title;
		l = strnlen(s, TOP_CELL - 1);
		if (npos) {
			tmp[len++] = ' ';
			npos++;
		}
		npos += w;
		if (l < w && cols[i].right) {
			memset(tmp + len, ' ', w - l);
			len += w - l;
		}
		memcpy(tmp + len, s, l);
		len += l;
		if (l < w && !cols[i].right) {
			memset(tmp + len, ' ', w - l);
			len += w - l;
		}
	}
	if (len > lim)
		len = lim;
	while (len && tmp[len - 1] == ' ')
		len--;
	memcpy(buf, tmp, len);
	buf[len] = '\0';
	return len;
}

/* Which of @cols fit in @lim columns (as top_row_line decides). */
static void
row_fit(const struct top_col *cols, size_t ncols, size_t lim, bool *fit)
{
	size_t i, npos = 0, w;

	for (i = 0; i < ncols; i++) {
		w = (size_t)cols[i].width;
		fit[i] = npos + (npos ? 1 : 0) + w <= lim;
		if (fit[i])
			npos += (npos ? 1 : 0) + w;
	}
}

/* The connections view's columns that fit in @lim (as top_row_line()
 * decides), as nat/ct_cols.h column bits. */
static uint32_t
conn_fit(size_t lim)
{
	const struct top_col *cols;
	size_t i, ncols;
	uint32_t mask = 0;
	bool fit[16];

	cols = top_view_cols(TOP_V_CONN, &ncols);
	assert(ncols <= 16);
	row_fit(cols, ncols, lim, fit);
	for (i = 0; i < ncols; i++)
		if (fit[i])
			mask |= CT_COL_BIT(top_conn_col_id(i));
	return mask;
}

/*
 * The connections rows of @idx (dense table indexes), each rebuilt as a
 * struct ct_entry and written by nat/ct_cols.h: text rows of the columns
 * that fit @width, clipped and without trailing blanks (the layout
 * top_row_line() gives the screen's cells), or JSON objects, comma
 * separated (the objects of `masqsh -j show conntrack`).  One buffer,
 * written out a megabyte at a time; nothing allocated per row.
 */
static void
conn_rows(FILE *fp, const struct top_model *m, const uint32_t *idx, size_t n,
	  int width, bool json)
{
	enum { OUTBUF = 1 << 20 };
	size_t i, start, lim;
	struct ct_entry ce;
	struct strbuf sb;
	uint32_t cols;

	lim = width < 0 || width >= TOP_LINE ? TOP_LINE - 1 : (size_t)width;
	cols = conn_fit(lim);
	strbuf_init(&sb, OUTBUF + 4096);
	for (i = 0; i < n; i++) {
		top_ent_to_ct(m->table, top_table_at(m->table, idx[i]), m->now,
			      &ce);
		if (json) {
			if (i)
				strbuf_putc(&sb, ',');
			ct_row_json(&sb, &ce, NULL);
		} else {
			start = sb.len;
			ct_row_text(&sb, &ce, cols);
			if (sb.len - start > lim)
				strbuf_truncate(&sb, start + lim);
			while (sb.len > start && sb.s[sb.len - 1] == ' ')
				strbuf_truncate(&sb, sb.len - 1);
			strbuf_putc(&sb, '\n');
		}
		if (sb.len >= OUTBUF)
			strbuf_write(&sb, fp);
	}
	strbuf_write(&sb, fp);
	strbuf_done(&sb);
}

/* A cell as a JSON value: numbers bare ("-" is null), text quoted (a
 * port forward in the rule column, "fwdN", is text). */
static void
json_cell(FILE *fp, const struct top_col *c, const char *s)
{
	if (c->num && strncmp(s, "fwd", 3))
		fputs(strcmp(s, "-") ? s : "null", fp);
	else
		out_json_string(fp, s);
}

static void
json_row(FILE *fp, const struct top_col *cols, size_t ncols,
	 const char (*cells)[TOP_CELL], bool first)
{
	size_t i;

	fputs(first ? "{" : ",{", fp);
	for (i = 0; i < ncols; i++) {
		if (i)
			putc(',', fp);
		putc('"', fp);
		fputs(cols[i].key, fp);
		fputs("\":", fp);
		json_cell(fp, &cols[i], cells[i]);
	}
	putc('}', fp);
}

/* ,"pair":null or the pair's object, in `show ha -j`'s key names. */
static void
json_pair(FILE *fp, const struct top_pair *p)
{
	const struct ha_status *st = &p->st;

	if (!p->configured) {
		fputs(",\"pair\":null", fp);
		return;
	}
	fprintf(fp, ",\"pair\":{\"state\":\"%s\",\"held\":%zu,\"vips\":%zu"
		",\"role\":\"%s\",\"peer\":", st->state, st->held, st->n_vips,
		p->master ? "master" : "backup");
	if (p->peer[0])
		out_json_string(fp, p->peer);
	else
		fputs("null", fp);
	fprintf(fp, ",\"peer_heard\":%s,\"last_change\":",
		p->peer_heard ? "true" : "false");
	if (st->last_known) {
		fputs("{\"event\":", fp);
		out_json_string(fp, st->last_event);
		fprintf(fp, ",\"time\":%lld}", st->last_time);
	} else {
		fputs("null", fp);
	}
	if (st->ctd_running)
		fprintf(fp, ",\"conntrackd\":{\"running\":true,\"sent\":%llu,"
			"\"received\":%llu,\"errors\":%llu,\"internal\":%llu,"
			"\"external\":%llu}}", st->ctd.pkts_sent,
			st->ctd.pkts_recv, ha_ctd_errors(&st->ctd),
			st->ctd.active_internal, st->ctd.active_external);
	else
		fputs(",\"conntrackd\":{\"running\":false}}", fp);
}

static void
json_header(FILE *fp, const struct top_model *m)
{
	const struct top_hdr *h = &m->hdr;
	size_t n;
	const struct top_col *cols = top_view_cols(m->view, &n);

	fprintf(fp, "{\"count\":%" PRIu64 ",\"max\":%" PRIu64
		",\"kernel_count\":%" PRIu64 ",\"entries\":%" PRIu64
		",\"shown\":%" PRIu64
		",\"proto\":{\"tcp\":%" PRIu64 ",\"udp\":%" PRIu64
		",\"icmp\":%" PRIu64 ",\"other\":%" PRIu64 "}"
		",\"new_per_s\":%.1f,\"destroyed_per_s\":%.1f"
		",\"unreplied\":%" PRIu64 ",\"busiest\":",
		h->count, h->max, h->kcount, h->entries, h->shown, h->tcp,
		h->udp, h->icmp, h->other, h->new_rate, h->destroy_rate,
		h->unreplied);
	if (h->busy_gw[0]) {
		fputs("{\"gw\":", fp);
		out_json_string(fp, h->busy_gw);
		fputs(",\"proto\":", fp);
		out_json_string(fp, h->busy_proto);
		fprintf(fp, ",\"used\":%" PRIu64 ",\"available\":",
			h->busy_used);
		if (h->busy_size)
			fprintf(fp, "%" PRIu64 "}", h->busy_size);
		else
			fputs("null}", fp);
	} else {
		fputs("null", fp);
	}
	if (h->read_age >= 0)
		fprintf(fp, ",\"read_age\":%.1f", h->read_age);
	else
		fputs(",\"read_age\":null", fp);
	fprintf(fp, ",\"overruns\":%" PRIu64 ",\"alerts\":", h->overruns);
	if (h->alerts.active < 0) {
		fputs("null", fp);
	} else {
		fprintf(fp, "{\"active\":%d,\"newest\":", h->alerts.active);
		if (h->alerts.active)
			out_json_string(fp, h->alerts.newest);
		else
			fputs("null", fp);
		putc('}', fp);
	}
	json_pair(fp, &h->pair);
	fprintf(fp, ",\"view\":\"%s\",\"sort\":\"%s\",\"reverse\":%s"
		",\"nat_only\":%s,\"filter\":",
		top_view_name(m->view), cols[m->sort[m->view]].key,
		m->reverse ? "true" : "false", m->nat_only ? "true" : "false");
	if (m->filter_text)
		out_json_string(fp, m->filter_text);
	else
		fputs("null", fp);
	fputs(",\"rows\":[", fp);
}

int
top_batch_print(FILE *fp, struct top_model *m, int width, bool json)
{
	return top_batch_print_rows(fp, m, width, json, 0);
}

int
top_batch_print_rows(FILE *fp, struct top_model *m, int width, bool json,
		     size_t maxrows)
{
	char lines[TOP_HDR_MAX][TOP_LINE], line[TOP_LINE];
	struct top_grid g = { 0 };
	const struct top_col *cols;
	uint32_t *order = NULL;
	size_t i, n, ncols;

	cols = top_view_cols(m->view, &ncols);
	if (json) {
		json_header(fp, m);
	} else {
		n = top_hdr_lines(m, width, lines);
		for (i = 0; i < n; i++) {
			fputs(lines[i], fp);
			putc('\n', fp);
		}
		top_row_line(cols, ncols, NULL, width, line);
		fputs(line, fp);
		putc('\n', fp);
	}
	if (m->view == TOP_V_CONN && !maxrows) {
		order = top_view_conn_order(m, &n);
		conn_rows(fp, m, order, n, width, json);
		free(order);
	} else if (m->view == TOP_V_CONN) {
		/* A window near the top comes from the bounded heap, not a
		 * full sort. */
		top_view_build(m, 0, maxrows, &g);
		conn_rows(fp, m, g.ref, g.nrows, width, json);
		top_grid_done(&g);
	} else {
		top_view_build(m, 0, maxrows ? maxrows : SIZE_MAX / 2, &g);
		for (i = 0; i < g.nrows; i++) {
			if (json) {
				json_row(fp, cols, ncols,
					 (const char (*)[TOP_CELL])
						 &g.cell[i * ncols], !i);
				continue;
			}
			top_row_line(cols, ncols,
				     (const char (*)[TOP_CELL])
					     &g.cell[i * ncols], width, line);
			fputs(line, fp);
			putc('\n', fp);
		}
		top_grid_done(&g);
	}
	if (json)
		fputs("]}\n", fp);
	return ferror(fp) ? -1 : 0;
}

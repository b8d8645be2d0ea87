/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * model.h - what masqtop shows, independent of how it is built or drawn.
 *
 * Owns: the display model (filter, NAT-only switch, current view, sort
 * column and direction per view, the header numbers and the port budgets
 * behind them), the views' declarations (their names, columns and the
 * column each sorts on at first), and the generic row model every view
 * fills (struct top_grid: columns plus a window of text rows, as htop's
 * generic table) with its storage.  Every view builder (view_*.c) and
 * everything that shows a view (render.c, screen.c) reads this; it calls
 * none of them.
 * Does not own: building a view's rows (view.h), the kernel (loop.c feeds
 * the table), drawing, keys.
 */
#ifndef MASQ_TUI_MODEL_H
#define MASQ_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/filter.h"
#include "nat/ct_budget.h"
#include "tui/alerts.h"
#include "tui/table.h"

enum top_view_id {
	TOP_V_CONN,
	TOP_V_HOSTS,
	TOP_V_PORTS,
	TOP_V_RULES,
	TOP_V_TIMEOUTS,
	TOP_V_COUNT,
};

/* One column of a view. */
struct top_col {
	const char *title;	/* header text, upper case */
	const char *key;	/* JSON key and -s name */
	int width;		/* minimum text width */
	bool right;		/* right-aligned (numbers) */
	bool num;		/* JSON: a number ("-" is null) */
};

#define TOP_CELL 80		/* longest cell text + NUL: CT_CELL_MAX */

/* A window of rows of one view: cells are text, ready to lay out. */
struct top_grid {
	const struct top_col *cols;
	size_t ncols;
	size_t total;		/* rows in the whole view */
	size_t first;		/* view row of grid row 0 */
	size_t nrows;		/* rows in this window */
	char (*cell)[TOP_CELL];	/* nrows * ncols */
	uint32_t *ref;		/* connections: dense table index per row */
	uint32_t *rid;		/* ... and that entry's id (refs go stale
				 * when events move entries) */
	size_t cap;		/* rows allocated */
};

/* The header numbers. */
struct top_hdr {
	uint64_t count, max;		/* entries (the kernel's count when
					 * known, else this table) / max */
	uint64_t kcount;		/* the kernel's own count, last read */
	uint64_t entries;		/* entries in the table (every one,
					 * as `show stats` lists them) */
	uint64_t shown;			/* entries passing filter + NAT-only */
	uint64_t tcp, udp, icmp, other;
	uint64_t unreplied;		/* of entries: no reply seen */
	double new_rate, destroy_rate;	/* per second over the last tick */
	/* The busiest port budget, `show ports`' first line (nat/ct_budget.h
	 * over every entry): its address, protocol, entries, size (0: the
	 * protocol has no ports to run out of). */
	char busy_gw[TOP_CELL];		/* "" if no budget */
	char busy_proto[8];
	uint64_t busy_used, busy_size;
	uint64_t overruns;
	/* Seconds since the table was last read whole (< 0: unknown);
	 * the screen says it when @read_slow: reads are further apart than
	 * refreshes, so what no event told is older than one refresh. */
	double read_age;
	bool read_slow;
	bool resyncing, paused;
	struct top_alerts alerts;	/* the engine's; active -1: none known */
	struct top_pair pair;		/* the NAT pair (alerts.h) */
};

struct top_model {
	struct top_table *table;
	struct filter *filter;		/* owned; NULL: everything */
	char *filter_text;		/* owned canonical text, or NULL */
	bool nat_only;
	enum top_view_id view;
	int sort[TOP_V_COUNT];		/* sort column per view */
	bool reverse;
	uint32_t now;			/* table clock, seconds */
	/* The rules the entries' rule ids come from (borrowed; NULL: none):
	 * a rule's `ports LO-HI` sizes its port budget. */
	const struct ct_rules *rules;
	int acct;			/* nf_conntrack_acct: 1, 0, -1 unknown */
	/* The port budgets of every entry (TOP_BUDGET_FLAGS), counted by
	 * top_hdr_compute(); the ports view lists them. */
	struct ct_budget budget;
	struct top_hdr hdr;
};

/* How masqtop counts port budgets: as `show ports`, from the rule ids
 * the table holds, without the inside hosts (no view shows them). */
#define TOP_BUDGET_FLAGS (CT_BUDGET_SHOW_PORTS | CT_BUDGET_RULE_IDS | \
			  CT_BUDGET_NO_SHARES)

/* Zero the model around @table (borrowed) with the defaults: connections
 * view sorted by expires, NAT-only, no rules.  Cannot fail. */
void top_model_init(struct top_model *m, struct top_table *table);
/* Free the filter and the budgets; the table stays the caller's. */
void top_model_done(struct top_model *m);

/*
 * Replace the filter with @text compiled ("" or NULL: none).  On a bad
 * filter returns -1 with @e set (position relative to @text) and keeps
 * the old one.
 */
int top_model_set_filter(struct top_model *m, const char *text,
			 struct masq_err *e);

/* Does @e pass the filter and the NAT-only switch now?  Cannot fail. */
bool top_model_match(const struct top_model *m, const struct top_ent *e);

/* Recompute the header from the table (one pass), each entry's
 * TOP_F_MATCH flag, which the connections view relies on, and the port
 * budgets (a second pass over the translated entries).  hdr.kcount, max,
 * the rates, overruns, read_age and flags are the caller's to set. */
void top_hdr_compute(struct top_model *m);

/* Name of view @v ("connections", "hosts", "ports", "rules", "timeouts")
 * and its columns. */
const char *top_view_name(enum top_view_id v);
const struct top_col *top_view_cols(enum top_view_id v, size_t *n);
/* Column index of @key in view @v, or -1. */
int top_view_col_find(enum top_view_id v, const char *key);

/* Make room for @nrows rows of @ncols in @g (its contents may move);
 * free with top_grid_done().  Cannot fail. */
void top_grid_reserve(struct top_grid *g, size_t nrows, size_t ncols);
void top_grid_done(struct top_grid *g);

/*
 * Count @b over the SNAT'ed entries (@matching: only those that pass the
 * filter and the NAT-only switch, as top_hdr_compute() last flagged them),
 * as nat/ct_budget.c counts for `show ports`.  @b comes initialised
 * (TOP_BUDGET_FLAGS, m->rules).  Cannot fail.
 */
void top_budget_fill(const struct top_model *m, struct ct_budget *b,
		     bool matching);

/* The connections view's column @i as an enum ct_col_id (nat/ct_cols.h):
 * its cells and its sort order are that column's. */
int top_conn_col_id(size_t i);

/* "tcp", "udp", ... or the number, into @buf (8 bytes); returns the text
 * (static or @buf).  Cannot fail. */
const char *top_proto_text(uint8_t proto, char *buf);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loop.h - masqtop's run: a dump, then events, periodic reads, ticks and
 * keys.
 *
 * Owns: feeding the table from the kernel (ct_dump at start, ct_events
 * after, the whole table read again periodically and after commands, the
 * resync after an overrun), naming each entry's rule with the rules the
 * database poller hands over, the refresh ticks and rates, and the two
 * loops: interactive (poll on the events socket and the keyboard with the
 * refresh timeout) and batch (-b).  Does not own: options (main.c),
 * drawing (screen.c, render.c), reading the database (dbpoll.c).
 */
#ifndef MASQ_TUI_LOOP_H
#define MASQ_TUI_LOOP_H

#include <stdbool.h>

#include "core/err.h"

struct top_opts {
	int interval_ms;	/* -d */
	const char *filter;	/* -f */
	const char *sort;	/* -s: a column key, '-' prefix reverses */
	bool batch, json, all;	/* -b, -j, --all */
	long iters;		/* -n; 0: until q (batch: 1) */
	int width;		/* -w; 0: the terminal's or 80 */
	long lines;		/* --lines: batch rows; 0 all */
	const char *db;		/* --db, for the rule evaluator */
	const char *ha_dir;	/* --ha-dir: the pair's files, or NULL */
	int view;		/* -v: enum top_view_id to start in */
};

/* Run masqtop.  Returns 0, or -1 with @e set (its code is the exit
 * status class). */
int top_run(const struct top_opts *o, struct masq_err *e);

#endif

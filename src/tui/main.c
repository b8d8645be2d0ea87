/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * main.c - the masqtop program: options, then loop.c.  Errors are printed
 * here and nowhere else.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "ctl/ha.h"
#include "tui/loop.h"
#include "tui/model.h"

static const char usage[] =
"usage: masqtop [-d SECS] [-f FILTER] [-s SORT] [-b] [-n ITER] [-w WIDTH] [-j]\n"
"               [--lines N] [--db PATH] [--ha-dir DIR] [--all] [-h] [-V]\n"
"  -d, --delay SECS    refresh interval (default 2; fractions allowed)\n"
"  -f, --filter F      show only entries matching the filter language\n"
"  -s, --sort COL      sort column: proto src gw dst state expires bytes\n"
"                      packets rule to; a leading '-' reverses\n"
"  -v, --view VIEW     start in view connections|hosts|ports|rules|timeouts\n"
"  -b, --batch         no curses: print plain text (or -j JSON) and exit\n"
"  -n, --iterations N  batch: print N times (default 1); screen: exit after\n"
"                      N screens (-n 1: the first one)\n"
"  -w, --width W       batch: line width (default $COLUMNS, the terminal, 80)\n"
"  -j, --json          batch: one JSON document per iteration\n"
"      --lines N       batch: only the first N rows (what a screen that\n"
"                      tall shows first; default all)\n"
"      --db PATH       rule database (default " MASQSH_DBDIR "/masq.db; env MASQSH_DB)\n"
"      --ha-dir DIR    the NAT pair's files 'ha apply dir DIR' wrote (default:\n"
"                      the standard paths), for the pair's header line\n"
"  -a, --all           every entry, not only NAT'ed ones\n"
"  -h, --help          this help;  -V, --version  the version\n"
"Keys: press ? in masqtop.\n";

static int
parse_view(const char *s)
{
	int v;

	for (v = 0; v < TOP_V_COUNT; v++)
		if (!strncmp(top_view_name((enum top_view_id)v), s, strlen(s)) &&
		    *s)
			return v;
	return -1;
}

/* Options as getopt_long() knows them. */
static const struct option lopts[] = {
	{ "delay", required_argument, NULL, 'd' },
	{ "filter", required_argument, NULL, 'f' },
	{ "sort", required_argument, NULL, 's' },
	{ "view", required_argument, NULL, 'v' },
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "width", required_argument, NULL, 'w' },
	{ "json", no_argument, NULL, 'j' },
	{ "lines", required_argument, NULL, 'L' },
	{ "db", required_argument, NULL, 'D' },
	{ "ha-dir", required_argument, NULL, 'H' },
	{ "all", no_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* What opt_one() and opts_parse() return when masqtop is to run on. */
enum { OPT_RUN = -1 };

/* The options that take a number: -d, -n, -w and --lines.  Returns
 * OPT_RUN, or 2 after saying what is wrong with @arg. */
static int
opt_number(struct top_opts *o, int c, const char *arg)
{
	char *end;
	double d;

	switch (c) {
	case 'd':
		d = strtod(arg, &end);
		if (*end || d < 0.1 || d > 3600) {
			fprintf(stderr, "masqtop: error: bad delay '%s'; "
				"give seconds from 0.1 to 3600\n", arg);
			return 2;
		}
		o->interval_ms = (int)(d * 1000);
		break;
	case 'n':
		o->iters = strtol(arg, &end, 10);
		if (*end || o->iters < 1) {
			fprintf(stderr, "masqtop: error: bad iteration "
				"count '%s'\n", arg);
			return 2;
		}
		break;
	case 'w':
		o->width = (int)strtol(arg, &end, 10);
		if (*end || o->width < 20 || o->width > 1000) {
			fprintf(stderr, "masqtop: error: bad width '%s'; "
				"give 20 to 1000 columns\n", arg);
			return 2;
		}
		break;
	case 'L':
		o->lines = strtol(arg, &end, 10);
		if (*end || !*arg || o->lines < 1) {
			fprintf(stderr, "masqtop: error: bad line count "
				"'%s'; give a number of rows from 1\n", arg);
			return 2;
		}
		break;
	}
	return OPT_RUN;
}

/* --ha-dir: checked as `show ha dir` checks it. */
static int
opt_ha_dir(struct top_opts *o, const char *arg)
{
	struct ha_paths p;
	struct masq_err e;
	int rc = OPT_RUN;

	err_init(&e);
	if (ha_paths_init(&p, arg, &e) < 0) {
		fprintf(stderr, "masqtop: error: bad --ha-dir '%s': %s\n",
			arg, e.msg);
		rc = 2;
	}
	err_done(&e);
	o->ha_dir = arg;
	return rc;
}

/* Option @c with argument @arg (NULL: none) into @o.  Returns OPT_RUN, or
 * the exit status after -h, -V or a bad option (said on stderr). */
static int
opt_one(struct top_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'd':
	case 'n':
	case 'w':
	case 'L':
		return opt_number(o, c, arg);
	case 'f':
		o->filter = arg;
		break;
	case 's':
		o->sort = arg;
		break;
	case 'v':
		if ((o->view = parse_view(arg)) < 0) {
			fprintf(stderr, "masqtop: error: unknown view '%s'; "
				"use connections, hosts, ports, rules or "
				"timeouts\n", arg);
			return 2;
		}
		break;
	case 'b':
		o->batch = true;
		break;
	case 'j':
		o->json = true;
		break;
	case 'D':
		o->db = arg;
		break;
	case 'H':
		return opt_ha_dir(o, arg);
	case 'a':
		o->all = true;
		break;
	case 'h':
		fputs(usage, stdout);
		return 0;
	case 'V':
		printf("masqtop %s\n", PACKAGE_VERSION);
		return 0;
	default:
		fputs(usage, stderr);
		return 2;
	}
	return OPT_RUN;
}

/* The command line into @o.  Returns OPT_RUN, or the exit status when
 * masqtop is not to run (help, version, a bad or unfit option). */
static int
opts_parse(int argc, char **argv, struct top_opts *o)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:f:s:v:bn:w:jahV", lopts,
				NULL)) != -1)
		if ((rc = opt_one(o, c, optarg)) != OPT_RUN)
			return rc;
	if (optind < argc) {
		fprintf(stderr, "masqtop: error: unexpected argument '%s'\n%s",
			argv[optind], usage);
		return 2;
	}
	if (o->json && !o->batch) {
		fprintf(stderr, "masqtop: error: -j needs -b (batch mode)\n");
		return 2;
	}
	if (o->lines && !o->batch) {
		fprintf(stderr, "masqtop: error: --lines needs -b (batch mode)\n");
		return 2;
	}
	if (!o->batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "masqtop: error: not a terminal; use -b for "
			"batch output\n");
		return 2;
	}
	return OPT_RUN;
}

int
main(int argc, char **argv)
{
	struct top_opts o = { .interval_ms = 2000 };
	struct masq_err e;
	int rc;

	setlocale(LC_ALL, "");
	o.db = getenv("MASQSH_DB");
	if (!o.db)
		o.db = MASQSH_DBDIR "/masq.db";
	if ((rc = opts_parse(argc, argv, &o)) != OPT_RUN)
		return rc;
	err_init(&e);
	rc = top_run(&o, &e) == 0 ? 0 : (e.code ? e.code : 1);
	if (rc)
		err_print(stderr, &e, "masqtop", NULL);
	err_done(&e);
	return rc;
}

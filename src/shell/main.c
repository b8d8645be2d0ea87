/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * main.c - the masqsh program: options, then every command goes through
 * cmd_run_line() whether it came from -c, -f, the arguments, a piped
 * stdin or the interactive shell (repl.c).
 *
 * Owns: option parsing, the order commands run in, rendering errors
 * (the one place besides repl.c that prints a struct masq_err) and the
 * exit status.  Exit status: 0 ok; otherwise the code of the FIRST
 * command that failed (1 failed, 2 usage/syntax, 3 kernel, 4 storage);
 * masqsh stops there unless --keep-going, which runs the rest and still
 * exits with that first code.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tok.h"
#include "core/xalloc.h"
#include "shell/cmd.h"
#include "shell/repl.h"

#define PROG "masqsh"

struct source {
	char kind;		/* 'c' command, 'f' file */
	const char *arg;
};

struct run {
	struct cmd_ctx *ctx;
	bool keep_going;
	int status;		/* the first failure's code */
	bool stop;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: masqsh [OPTIONS] [CMD [ARG...]]\n"
"\n"
"NAT rules for a Linux gateway: staged in a database, applied to the\n"
"kernel atomically.  Without -c, -f or CMD: an interactive shell when\n"
"stdin is a terminal, else commands are read from stdin as by -f -.\n"
"\n"
"  -c, --command CMD   run CMD (repeatable; run in order with -f)\n"
"  -f, --file FILE     run the commands in FILE ('-': stdin); one per\n"
"                      line, '#' comments, a trailing '\\' continues\n"
"  -j, --json          JSON output, one document per command per line\n"
"  -n, --check         check only: parse, validate, show the plan;\n"
"                      change nothing, create no file\n"
"      --db PATH       rule database (default: $MASQSH_DB, else %s);\n"
"                      only a command that writes creates it\n"
"      --keep-going    do not stop at the first failed command\n"
"  -V, --version       print the version and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 ok; 1 a command failed (also: diff found differences,\n"
"apply refused); 2 usage or syntax error; 3 kernel feature or permission\n"
"missing; 4 storage error (also: apply with no database at PATH).  With several\n"
"commands the status is that of the first failure (also with\n"
"--keep-going).\n"
"\n"
"'masqsh help' lists the commands; 'masqsh help CMD' describes one.\n",
		MASQSH_DBDIR "/masq.db");
}

/* Record @code; report @e.  Returns true when the run must stop. */
static bool
run_fail(struct run *r, int code, struct masq_err *e, const char *where)
{
	fflush(stdout);
	err_print(stderr, e, PROG, where);
	if (!r->status)
		r->status = code;
	if (!r->keep_going)
		r->stop = true;
	return r->stop;
}

static void
run_line(struct run *r, const char *line)
{
	struct masq_err e;
	int code;

	err_init(&e);
	r->ctx->where = NULL;
	code = cmd_run_line(r->ctx, line, &e);
	if (code)
		run_fail(r, code, &e, NULL);
	err_done(&e);
}

static void
run_file(struct run *r, const char *path)
{
	struct cmd_script sc;
	struct masq_err e;
	FILE *fp;
	int got, code;

	err_init(&e);
	fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!fp) {
		err_sys(&e, MASQ_EUSAGE, errno, "cannot open script '%s'", path);
		run_fail(r, MASQ_EUSAGE, &e, NULL);
		err_done(&e);
		return;
	}
	cmd_script_init(&sc, fp, strcmp(path, "-") ? path : "<stdin>");
	while (!r->stop && (got = cmd_script_next(&sc, &e)) != 0) {
		if (got == -1) {
			run_fail(r, e.code, &e, NULL);
			break;
		}
		r->ctx->where = sc.where;
		code = cmd_run_line(r->ctx, sc.line, &e);
		if (code) {
			cmd_script_locate(&sc, &e);
			run_fail(r, code, &e, sc.where);
		}
		r->ctx->where = NULL;
		err_done(&e);
	}
	err_done(&e);
	cmd_script_done(&sc);
	if (fp != stdin)
		fclose(fp);
}

/* The words after the options, quoted back into one command line. */
static char *
argv_line(int argc, char **argv)
{
	char *line = xstrdup(""), *q, *next;
	int i;

	for (i = 0; i < argc; i++) {
		q = tok_quote(argv[i]);
		next = xasprintf("%s%s%s", line, i ? " " : "", q);
		free(q);
		free(line);
		line = next;
	}
	return line;
}

/* The sources of commands, in order (-c and -f). */
struct sources {
	struct source *v;
	size_t n;
};

/*
 * The options into @ctx, @r and @src.  -1: go on and run the commands;
 * else the exit status (--version, --help, a bad option).
 */
static int
parse_options(int argc, char **argv, struct cmd_ctx *ctx, struct run *r,
	      struct sources *src)
{
	static const struct option opts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "check", no_argument, NULL, 'n' },
		{ "db", required_argument, NULL, 'D' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+c:f:jnVh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'f':
			src->v = xreallocarray(src->v, src->n + 1,
					       sizeof(*src->v));
			src->v[src->n].kind = (char)c;
			src->v[src->n++].arg = optarg;
			break;
		case 'j':
			ctx->json = true;
			break;
		case 'n':
			ctx->check_only = true;
			break;
		case 'D':
			ctx->db_path = optarg;
			break;
		case 'k':
			r->keep_going = true;
			break;
		case 'V':
			printf("masqsh %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'masqsh --help'.\n");
			return MASQ_EUSAGE;
		}
	}
	return -1;
}

/* -c and -f in order, then the words after the options as one command;
 * with none of them the shell (a terminal) or stdin as a script. */
static void
run_sources(struct run *r, const struct sources *src, int argc, char **argv)
{
	char *line;
	size_t i;

	for (i = 0; i < src->n && !r->stop; i++) {
		if (src->v[i].kind == 'c')
			run_line(r, src->v[i].arg);
		else
			run_file(r, src->v[i].arg);
	}
	if (optind < argc && !r->stop) {
		line = argv_line(argc - optind, argv + optind);
		run_line(r, line);
		free(line);
	} else if (!src->n && optind == argc) {
		if (isatty(STDIN_FILENO))
			r->status = repl_run(r->ctx);
		else
			run_file(r, "-");
	}
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	struct run r = { .ctx = &ctx };
	struct sources src = { NULL, 0 };
	int rc;

	rc = parse_options(argc, argv, &ctx, &r, &src);
	if (rc >= 0) {
		free(src.v);
		return rc;
	}
	if (!ctx.db_path)
		ctx.db_path = store_default_path();
	ctx.out = out_new(stdout, ctx.json);
	if (!ctx.out) {
		fprintf(stderr, PROG ": error: out of memory\n");
		free(src.v);
		return MASQ_EFAIL;
	}
	run_sources(&r, &src, argc, argv);
	cmd_ctx_done(&ctx);
	if (fflush(stdout) == EOF || out_error(ctx.out)) {
		fprintf(stderr, PROG ": error: writing the output: %s\n",
			strerror(errno ? errno : EIO));
		if (!r.status)
			r.status = MASQ_EFAIL;
	}
	out_free(ctx.out);
	free(src.v);
	return r.status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_cli.c - the command line: the tokenizer and the whole command
 * dispatcher (cmd_run_line: command words, grammar binding, every
 * handler's own parsing) in check mode (-n) on a temporary database that
 * holds a few rules, plus TAB completion and '?' of the same line.  The
 * input is up to 8 lines; a first byte with bit 0 set asks for JSON.
 *
 * No kernel of the host is touched: the target moves into a network
 * namespace of its own first (it needs root for that; without it the
 * commands that talk to the kernel are left out).  Left out always: the
 * commands that run until stopped (watch, engine, the confirm timer),
 * that send probes or read the whole system (diag, diag mtu, diag
 * dynaddr, report), and those that name a file (import, export, diag
 * crlf: they have targets of their own, and a fuzzer must not pick
 * files to read or write).
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <sched.h>
#include <stdbool.h>
#include <unistd.h>

#include "core/tok.h"
#include "shell/cmd.h"
#include "fuzz.h"

static struct cmd_ctx ctx;
static FILE *devnull;
static const struct cmd_entry *table[64];
static char dir[] = "/tmp/masqsh-fuzz-cli.XXXXXX";
static char db[sizeof(dir) + 16];

static bool
left_out(const struct cmd_entry *ent, bool kernel)
{
	static const char *const names[] = {
		"watch", "engine", "diag", "diag mtu", "diag dynaddr",
		"report", "__confirm-timer", NULL,
	};
	const struct cmd_kw *kw;
	size_t i;

	for (i = 0; names[i]; i++)
		if (!strcmp(ent->name, names[i]))
			return true;
	for (kw = ent->kws; kw && kw->name; kw++)
		if (kw->type == CMD_ARG_FILE)
			return true;
	return !kernel && (ent->flags & CMD_KERNEL);
}

static void
cleanup(void)
{
	char path[sizeof(db) + 8];

	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const setup[] = {
		"masq add out eth0 from 192.168.1.0/24",
		"masq add out eth0 from 10.0.0.0/8 to 198.51.100.0/24 snat "
		"203.0.113.5 proto tcp dport 25 comment 'mail'",
		"masq add out ppp+ from 10.1.0.0/16 proto tcp ports "
		"20000-20999 random",
		"forward add in eth0 proto tcp dport 8080 to 192.168.1.10:80",
		"helper add ftp",
		"clamp mss pmtu out ppp+",
		NULL,
	};
	bool kernel = unshare(CLONE_NEWNET) == 0;
	struct masq_err e;
	size_t i, n = 0;

	if (!mkdtemp(dir))
		abort();
	snprintf(db, sizeof(db), "%s/masq.db", dir);
	atexit(cleanup);
	for (i = 0; cmd_table[i] && n + 1 < sizeof(table) / sizeof(*table); i++)
		if (!left_out(cmd_table[i], kernel))
			table[n++] = cmd_table[i];
	table[n] = NULL;
	ctx.db_path = db;
	ctx.table = table;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	ctx.out = out_new(devnull, false);
	for (i = 0; setup[i]; i++) {
		err_init(&e);
		if (cmd_run_line(&ctx, setup[i], &e) != 0) {
			fprintf(stderr, "fuzz_cli: setup '%s': %s\n", setup[i],
				e.msg);
			abort();
		}
		err_done(&e);
	}
	ctx.check_only = true;
	if (!kernel)
		fprintf(stderr, "fuzz_cli: no network namespace of its own "
			"(not root?): the kernel's commands are left out\n");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmd_candidate *cands;
	struct masq_err e;
	char *text, *line, *next;
	size_t n;
	int lines = 0;

	if (size < 1 || size > 2048)
		return 0;
	ctx.json = data[0] & 1;
	out_free(ctx.out);
	ctx.out = out_new(devnull, ctx.json);
	text = fuzz_str(data + 1, size - 1);
	for (line = text; line && lines < 8; line = next, lines++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		err_init(&e);
		cmd_run_line(&ctx, line, &e);
		err_print(devnull, &e, "fuzz", NULL);
		err_done(&e);
		if (cmd_complete_line(&ctx, line, strlen(line), &cands, &n) == 0)
			cmd_candidates_free(cands, n);
		if (cmd_describe_line(&ctx, line, strlen(line) / 2, &cands,
				      &n) == 0)
			cmd_candidates_free(cands, n);
	}
	free(text);
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_cli.c - the command line: the tokenizer and the whole command
 * dispatcher (cmd_run_line: command words, grammar binding, every
 * handler's own parsing) in check mode (-n) on a scratch database that
 * holds a few rules, plus TAB completion and '?' of the same line.  The
 * input is up to 8 lines; a first byte with bit 0 set asks for JSON.
 * Which commands run, and in which namespace: fuzz_cmd.h.
 */
#include "config.h"

#include "fuzz.h"
#include "fuzz_cmd.h"

static struct fuzz_cmd fc;

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
	size_t i;

	fuzz_cmd_init(&fc, false);
	for (i = 0; setup[i]; i++)
		if (fuzz_cmd_run(&fc, setup[i]) != 0) {
			fprintf(stderr, "fuzz_cli: setup '%s' failed\n",
				setup[i]);
			abort();
		}
	fc.ctx.check_only = true;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmd_candidate *cands;
	char *text, *line, *next;
	size_t n;
	int lines = 0;

	if (size < 1 || size > 2048)
		return 0;
	fc.ctx.json = data[0] & 1;
	out_free(fc.ctx.out);
	fc.ctx.out = out_new(fc.devnull, fc.ctx.json);
	text = fuzz_str(data + 1, size - 1);
	for (line = text; line && lines < 8; line = next, lines++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		fuzz_cmd_run(&fc, line);
		if (cmd_complete_line(&fc.ctx, line, strlen(line), &cands,
				      &n) == 0)
			cmd_candidates_free(cands, n);
		if (cmd_describe_line(&fc.ctx, line, strlen(line) / 2, &cands,
				      &n) == 0)
			cmd_candidates_free(cands, n);
	}
	free(text);
	return 0;
}

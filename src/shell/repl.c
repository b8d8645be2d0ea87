/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * repl.c - the interactive shell: GNU readline around cmd_run_line().
 *
 * Owns: the prompt, history (the list; its file ~/.masqsh_history is
 * hist.c's: no symlinks, 0600, capped atomically), TAB completion
 * and the '?' listing (both from cmd_complete_line/cmd_describe_line, so
 * they follow the same grammar the dispatcher uses), Ctrl-C clearing the
 * line, 'exit'/'quit', and yes/no questions.  Does not own: any command or
 * grammar.  A bad command prints its error and the shell goes on.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/esc.h"
#include "core/mem.h"
#include "core/tok.h"
#include "core/xalloc.h"
#include "shell/hist.h"
#include "shell/repl.h"

#define REPL_PROMPT "masqsh> "
#define REPL_HISTORY_MAX 1000

static struct cmd_ctx *repl_ctx;
static volatile sig_atomic_t repl_sigint;

static void
repl_on_sigint(int sig)
{
	(void)sig;
	repl_sigint = 1;
}

/* Readline calls this when a signal interrupted its read: Ctrl-C drops
 * what was typed and starts a fresh prompt. */
static int
repl_signal_hook(void)
{
	if (!repl_sigint)
		return 0;
	repl_sigint = 0;
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static char *
repl_generator(const char *text, int state)
{
	static struct cmd_candidate *c;
	static size_t n, i;

	(void)text;
	if (!state) {
		cmd_candidates_free(c, n);
		c = NULL;
		n = i = 0;
		cmd_complete_line(repl_ctx, rl_line_buffer, (size_t)rl_point,
				  &c, &n);
	}
	if (i < n)
		return xstrdup(c[i++].word);
	return NULL;
}

static char **
repl_attempt(const char *text, int start, int end)
{
	char **m;
	size_t len;

	(void)start;
	(void)end;
	rl_attempted_completion_over = 1;	/* never fall back to files */
	m = rl_completion_matches(text, repl_generator);
	if (m && m[0] && !m[1]) {
		len = strlen(m[0]);
		/* "dir/" or "eth0," goes on without a blank */
		if (len && (m[0][len - 1] == '/' || m[0][len - 1] == ','))
			rl_completion_suppress_append = 1;
	}
	return m;
}

/* True when the text before the cursor is inside an open quote. */
static bool
repl_in_quote(void)
{
	struct masq_err e;
	struct tok_list tl;
	char *upto = xstrndup(rl_line_buffer, (size_t)rl_point);
	bool open = false;

	err_init(&e);
	if (tok_split(&tl, upto, TOK_PARTIAL, &e) == 0) {
		open = tl.open_quote;
		tok_list_done(&tl);
	}
	err_done(&e);
	free(upto);
	return open;
}

/* '?': list what may come next, one help line each; keep the line. */
static int
repl_describe(int count, int key)
{
	struct cmd_candidate *c;
	size_t n, i, w = 0;

	(void)count;
	if (repl_in_quote())
		return rl_insert_text("?") >= 0 ? 0 : 1;
	cmd_describe_line(repl_ctx, rl_line_buffer, (size_t)rl_point, &c, &n);
	for (i = 0; i < n; i++)
		if (strlen(c[i].word) > w)
			w = strlen(c[i].word);
	fputc('\n', rl_outstream);
	if (!n)
		fprintf(rl_outstream, "  (nothing fits here; 'help' lists the commands)\n");
	/* live values (interface names, conntrack text) come from outside */
	for (i = 0; i < n; i++) {
		char *word = esc_dup(c[i].word, 0);
		char *help = esc_dup(c[i].help ? c[i].help : "", 0);

		fprintf(rl_outstream, "  %-*s  %s\n", (int)w, word, help);
		free(word);
		free(help);
	}
	cmd_candidates_free(c, n);
	(void)key;
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static bool
repl_confirm(struct cmd_ctx *ctx, const char *question)
{
	char *prompt = xasprintf("%s [y/N] ", question), *ans;
	bool yes;

	(void)ctx;
	ans = readline(prompt);
	yes = ans && (ans[0] == 'y' || ans[0] == 'Y');
	free(ans);
	free(prompt);
	return yes;
}

/* 'exit' or 'quit' alone on the line. */
static bool
repl_is_exit(const char *line)
{
	struct masq_err e;
	struct tok_list tl;
	bool yes = false;

	err_init(&e);
	if (tok_split(&tl, line, 0, &e) == 0) {
		yes = tl.n == 1 && (!strcmp(tl.v[0].s, "exit") ||
				    !strcmp(tl.v[0].s, "quit"));
		tok_list_done(&tl);
	}
	err_done(&e);
	return yes;
}

static void
repl_history_add(const char *line)
{
	add_history(line);
}

/* Say once why there is no saved history; the shell goes on without. */
static void
repl_history_warn(const struct masq_err *e)
{
	/* the path is $HOME's: from outside */
	fputs("masqsh: warning: ", stderr);
	esc_fputs(stderr, e->msg, 0);
	fputs("; running without saved history\n", stderr);
}

static void
repl_history_open(struct hist *h)
{
	const char *home = getenv("HOME");
	struct masq_err e;

	h->fd = -1;
	h->path = NULL;
	if (!home || !*home)
		return;
	err_init(&e);
	/* no home directory (HOME=/nonexistent): no history, silently */
	if (hist_open(h, home, repl_history_add, &e) == -1 &&
	    e.sys_errno != ENOENT)
		repl_history_warn(&e);
	err_done(&e);
}

static void
repl_history_save(struct hist *h, const char *line)
{
	struct masq_err e;

	err_init(&e);
	if (hist_append(h, line, &e) == -1)
		repl_history_warn(&e);
	err_done(&e);
}

/* Cap the file (atomically, see hist.c) and close it. */
static void
repl_history_close(struct hist *h)
{
	struct masq_err e;

	err_init(&e);
	if (hist_close(h, REPL_HISTORY_MAX, &e) == -1) {
		fputs("masqsh: warning: ", stderr);
		esc_fputs(stderr, e.msg, 0);
		fputc('\n', stderr);
	}
	err_done(&e);
}

int
repl_run(struct cmd_ctx *ctx)
{
	struct sigaction sa = { 0 }, old;
	struct masq_err e;
	struct hist hist;
	char *line, *last = NULL;

	repl_ctx = ctx;
	ctx->interactive = true;
	ctx->confirm = repl_confirm;
	rl_readline_name = "masqsh";
	rl_attempted_completion_function = repl_attempt;
	rl_completer_word_break_characters = (char *)" \t";
	rl_completer_quote_characters = "'\"";
	rl_signal_event_hook = repl_signal_hook;
	rl_bind_key('?', repl_describe);
	sa.sa_handler = repl_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	stifle_history(REPL_HISTORY_MAX);
	repl_history_open(&hist);

	for (;;) {
		repl_sigint = 0;
		line = readline(REPL_PROMPT);
		if (!line) {
			fputc('\n', stdout);
			break;
		}
		if (line[strspn(line, " \t")] && (!last || strcmp(last, line))) {
			add_history(line);
			repl_history_save(&hist, line);
			free(last);
			last = xstrdup(line);
		}
		if (repl_is_exit(line)) {
			free(line);
			break;
		}
		err_init(&e);
		if (cmd_run_line(ctx, line, &e) != 0) {
			fflush(stdout);
			err_print(stderr, &e, "masqsh", NULL);
		}
		fflush(stdout);
		err_done(&e);
		free(line);
		mem_settle();	/* a big apply's heap, back between lines */
	}
	repl_history_close(&hist);
	free(last);
	sigaction(SIGINT, &old, NULL);
	ctx->confirm = NULL;
	ctx->interactive = false;
	repl_ctx = NULL;
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * masqsh_run.c - masqsh command lines run from masqtop's keys (see
 * masqsh_run.h).
 *
 * A line goes through masqsh's own command table (cmd_run_line), exactly
 * as the masqsh shell would run it: same grammar, same errors, same
 * handlers.  Its output is caught in memory (and whatever a handler
 * writes to stderr in a temporary file, so nothing lands on the curses
 * screen) and handed back as text.  Commands that run until interrupted
 * (watch, engine) are refused: they would freeze the screen; so are
 * `apply confirm` and `rollback confirm`, whose timer process needs masqsh.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/out.h"
#include "core/tok.h"
#include "core/xalloc.h"
#include "shell/cmd.h"
#include "tui/masqsh_run.h"

struct shell_ctx {
	struct cmd_ctx c;	/* first: the handlers see only this */
	struct top_app *app;
};

static bool
shell_confirm(struct cmd_ctx *ctx, const char *question)
{
	struct top_app *app = ((struct shell_ctx *)ctx)->app;
	char q[300];

	snprintf(q, sizeof(q), "%s (y/n)", question);
	return app->ui && app->ui->confirm &&
	       app->ui->confirm(app->ui_data, q);
}

/* Is @w a (prefix) spelling of the keyword "confirm"? */
static bool
shell_is_confirm(const char *w)
{
	size_t n = strlen(w);

	return n && n <= strlen("confirm") && !strncmp(w, "confirm", n);
}

/*
 * Is @line a command masqtop must not run?  Those that never return by
 * themselves (they would freeze the screen), and `apply`/`rollback` with
 * `confirm`: their timer re-executes this program as masqsh
 * (src/ctl/revision_timer.c), which masqtop is not, so the pending revision
 * would never be reverted.  *@why gets the reason.
 */
static const struct cmd_entry *
shell_refused(const char *line, const char **why)
{
	const struct cmd_entry *ent = NULL;
	const char **words = NULL;
	struct tok_list tl;
	struct masq_err e;
	size_t used = 0, i;

	/* the words as cmd_run_line() will see them (quotes and all) */
	err_init(&e);
	if (tok_split(&tl, line, 0, &e) == -1) {
		err_done(&e);
		return NULL;	/* cmd_run_line() reports the error */
	}
	if (tl.n) {
		words = xcalloc(tl.n, sizeof(*words));
		for (i = 0; i < tl.n; i++)
			words[i] = tl.v[i].s;
		ent = cmd_find(words, tl.n, &used, &e);
	}
	err_done(&e);
	if (ent == &cmd_watch_entry || ent == &cmd_engine_entry ||
	    ent == &cmd_confirm_timer_entry) {
		*why = "runs until interrupted";
	} else if (ent == &cmd_apply_entry || ent == &cmd_rollback_entry) {
		for (i = used; i < tl.n; i++)
			if (shell_is_confirm(words[i]))
				break;
		if (i < tl.n)
			*why = "with 'confirm' starts a timer that only masqsh "
			       "can run";
		else
			ent = NULL;
	} else {
		ent = NULL;
	}
	free(words);
	tok_list_done(&tl);
	return ent;
}

/* Append what @fp holds (from its start) to the memstream @to. */
static void
copy_file(FILE *fp, FILE *to)
{
	char buf[4096];
	size_t n;

	rewind(fp);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, to);
}

int
top_masqsh_run(struct top_app *app, const char *line, bool ask,
	       char **text)
{
	struct shell_ctx sc = { .app = app };
	const char *why = NULL;
	const struct cmd_entry *refused = shell_refused(line, &why);
	struct masq_err e;
	size_t len = 0;
	FILE *mem, *errf;
	int saved = -1, rc;

	mem = open_memstream(text, &len);
	if (!mem) {
		*text = xstrdup("masqtop: out of memory\n");
		return MASQ_EFAIL;
	}
	if (refused) {
		fprintf(mem, "'%s' %s; run it in masqsh, not from masqtop\n",
			refused->name, why);
		fclose(mem);
		return MASQ_EUSAGE;
	}
	sc.c.db_path = app->db;
	sc.c.out = out_new(mem, false);
	sc.c.interactive = ask;
	sc.c.confirm = ask ? shell_confirm : NULL;
	/* Stray stderr writes go to a file, not over the screen. */
	fflush(stderr);
	errf = tmpfile();
	if (errf) {
		saved = dup(STDERR_FILENO);
		if (saved == -1 || dup2(fileno(errf), STDERR_FILENO) == -1) {
			if (saved != -1)
				close(saved);
			saved = -1;
		}
	}
	err_init(&e);
	rc = cmd_run_line(&sc.c, line, &e);
	cmd_ctx_done(&sc.c);
	mem_settle();		/* a big apply's heap, back to the system */
	fflush(stderr);
	if (saved != -1) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	out_free(sc.c.out);
	if (errf) {
		copy_file(errf, mem);
		fclose(errf);
	}
	if (rc)
		err_print(mem, &e, "masqsh", NULL);
	err_done(&e);
	fclose(mem);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keymap.c - masqtop's key bindings and the commands they run.
 *
 * Every key is a command string with a note (as tmux binds keys), so the
 * help screen is printed from the same table the loop dispatches on and
 * cannot drift.  Commands change the model or the cursor and return
 * TOP_RF_* flags; whatever needs the user goes through app->ui.  What
 * acts on the gateway goes through masqsh's command table (masqsh_run.c):
 * ':' runs any masqsh command line, and 'd' runs masqsh's `kill` with a
 * filter naming the entry under the cursor.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/ct.h"
#include "tui/keymap.h"
#include "tui/masqsh_run.h"

const struct top_key top_keymap[] = {
	{ 'q', "q", "quit", "quit" },
	{ '?', "?", "help", "this help" },
	{ 'h', "h", "help", "this help" },
	{ 's', "s", "sort next", "sort on the next column" },
	{ 'S', "S", "sort prev", "sort on the previous column" },
	{ 'r', "r", "reverse", "reverse the sort order" },
	{ '/', "/", "filter", "filter (the filter language; empty: none)" },
	{ ' ', "space", "pause", "pause / resume the display" },
	{ 'd', "d", "delete", "delete the entry under the cursor: masqsh 'kill' (asks)" },
	{ ':', ":", "masqsh", "run a masqsh command (show stats, kill ..., diag ...)" },
	{ TOP_KEY_ENTER, "Enter", "details", "details of the entry under the cursor" },
	{ 't', "t", "nat toggle", "NAT'ed entries only <-> every entry" },
	{ 'v', "v", "view next", "next view: connections, hosts, ports, rules, timeouts" },
	{ '+', "+", "interval +", "refresh less often" },
	{ '-', "-", "interval -", "refresh more often" },
	{ TOP_KEY_UP, "Up", "cursor -1", "cursor up" },
	{ TOP_KEY_DOWN, "Down", "cursor +1", "cursor down" },
	{ TOP_KEY_PGUP, "PgUp", "cursor -page", "one page up" },
	{ TOP_KEY_PGDN, "PgDn", "cursor +page", "one page down" },
	{ TOP_KEY_HOME, "Home", "cursor first", "first row" },
	{ TOP_KEY_END, "End", "cursor last", "last row" },
	{ TOP_KEY_RESIZE, NULL, "redraw", NULL },	/* not shown in help */
	{ 0, NULL, NULL, NULL },
};

const struct top_key *
top_key_find(int key)
{
	const struct top_key *k;

	for (k = top_keymap; k->cmd; k++)
		if (k->key == key)
			return k;
	return NULL;
}

char *
top_help_text(void)
{
	const struct top_key *k;
	size_t cap = 4096, len = 0;
	char *s = xmalloc(cap);

	for (k = top_keymap; k->cmd; k++) {
		if (!k->name)
			continue;
		len += (size_t)snprintf(s + len, cap - len, "  %-6s %-14s %s\n",
					k->name, k->cmd, k->note);
		if (len >= cap)
			break;
	}
	s[cap - 1] = '\0';
	return s;
}

static int
cmd_cursor(struct top_app *app, const char *arg)
{
	size_t total = app->grid.total, page = app->page ? app->page : 1;

	if (!strcmp(arg, "first"))
		app->cursor = 0;
	else if (!strcmp(arg, "last"))
		app->cursor = total ? total - 1 : 0;
	else if (!strcmp(arg, "+page"))
		app->cursor += page;
	else if (!strcmp(arg, "-page"))
		app->cursor = app->cursor > page ? app->cursor - page : 0;
	else if (!strcmp(arg, "+1"))
		app->cursor++;
	else if (!strcmp(arg, "-1") && app->cursor)
		app->cursor--;
	top_cursor_clamp(app, total);
	return TOP_RF_REBUILD;
}

static int
cmd_sort(struct top_app *app, int step)
{
	size_t n;
	int *col = &app->m.sort[app->m.view];
	const struct top_col *c = top_view_cols(app->m.view, &n);

	*col = (int)((*col + (int)n + step) % (int)n);
	snprintf(app->status, sizeof(app->status), "sorted by %s",
		 c[*col].key);
	return TOP_RF_REBUILD;
}

static int
cmd_filter(struct top_app *app)
{
	struct masq_err e;
	char *line;
	size_t i;
	int n;

	if (!app->ui || !app->ui->prompt)
		return 0;
	line = app->ui->prompt(app->ui_data, "filter: ",
			       app->m.filter_text ? app->m.filter_text : "");
	if (!line)
		return TOP_RF_REDRAW;
	err_init(&e);
	if (top_model_set_filter(&app->m, line, &e) == -1) {
		/* One line: the message, then the input with the bad word
		 * bracketed where a caret would point. */
		n = snprintf(app->status, sizeof(app->status), "%.300s: ", e.msg);
		for (i = 0; line[i] && n < (int)sizeof(app->status) - 4; i++) {
			if (e.len && i == e.pos)
				app->status[n++] = '^';
			app->status[n++] = line[i];
		}
		if (e.len && i == e.pos && n < (int)sizeof(app->status) - 2)
			app->status[n++] = '^';
		app->status[n] = '\0';
		err_done(&e);
		free(line);
		return TOP_RF_REDRAW;
	}
	snprintf(app->status, sizeof(app->status), "filter: %s",
		 app->m.filter_text ? app->m.filter_text : "none");
	app->cursor = app->top = 0;
	free(line);
	return TOP_RF_REBUILD;
}

/* Show what a masqsh command printed: one line in the status line, more
 * in the pager. */
static void
shell_show(struct top_app *app, const char *line, const char *text)
{
	const char *nl = strchr(text, '\n');
	char title[300];
	int len;

	if (nl && nl[1] && app->ui && app->ui->pager) {
		snprintf(title, sizeof(title), "masqsh> %s", line);
		app->ui->pager(app->ui_data, title, text);
		app->status[0] = '\0';
		return;
	}
	len = nl ? (int)(nl - text) : (int)strlen(text);
	snprintf(app->status, sizeof(app->status), "%.*s", len, text);
}

/* Run masqsh command @line (prompted for when NULL). */
static int
cmd_masqsh(struct top_app *app, const char *line)
{
	char *in = NULL, *text = NULL;
	int rc;

	if (!line) {
		if (!app->ui || !app->ui->prompt)
			return 0;
		in = app->ui->prompt(app->ui_data, "masqsh> ", "");
		if (!in || !in[strspn(in, " \t")]) {
			free(in);
			return TOP_RF_REDRAW;
		}
		line = in;
	}
	rc = top_masqsh_run(app, line, true, &text);
	shell_show(app, line, text);
	free(text);
	free(in);
	/* masq add, forward del, rollback...: the rule column follows;
	 * kill, flush...: entries may be gone without a destroy event (the
	 * kernel sends none for entries older than its first listener) */
	return TOP_RF_REBUILD | TOP_RF_REREAD | (rc == 0 ? TOP_RF_RULES : 0);
}

/*
 * The filter that names the connection @ce: protocol, original source
 * and destination, and the ports where the protocol has them.  Ids are
 * not in the filter language, so two entries differing only in their
 * zone are both named; kill says how many it deleted.  false when the
 * protocol has no ports: then every such flow between the two hosts is
 * named, and the question must say so.
 */
static bool
kill_line(const struct ct_entry *ce, char *buf, size_t len)
{
	char src[CT_ADDRSTRLEN], dst[CT_ADDRSTRLEN];
	const char *pn = ctent_proto_name(ce->proto);
	bool ports = ce->proto != IPPROTO_ICMP &&
		     ce->proto != IPPROTO_ICMPV6 &&
		     (ce->orig.sport || ce->orig.dport);
	int n;

	ctent_addr_format(ce->family, &ce->orig.src, src);
	ctent_addr_format(ce->family, &ce->orig.dst, dst);
	n = snprintf(buf, len, "kill ");
	if (pn && ctent_proto_parse(pn) == ce->proto)
		n += snprintf(buf + n, len - (size_t)n, "proto %s and ", pn);
	n += snprintf(buf + n, len - (size_t)n, "src %s and dst %s", src, dst);
	if (ports)
		snprintf(buf + n, len - (size_t)n, " and sport %u and dport %u",
			 ce->orig.sport, ce->orig.dport);
	return ports;
}

/* d: masqsh's 'kill' with the filter naming the entry under the cursor,
 * after one question showing that command. */
static int
cmd_delete(struct top_app *app)
{
	struct ct_entry ce;
	char line[400], q[480], *text = NULL;

	if (!top_cursor_entry(app, &ce)) {
		snprintf(app->status, sizeof(app->status),
			 "no entry under the cursor (connections view)");
		return TOP_RF_REDRAW;
	}
	if (kill_line(&ce, line, sizeof(line)))
		snprintf(q, sizeof(q), "run '%s'? (y/n)", line);
	else
		snprintf(q, sizeof(q), "run '%s'? It deletes every such flow "
			 "between these two hosts (y/n)", line);
	if (!app->ui || !app->ui->confirm ||
	    !app->ui->confirm(app->ui_data, q)) {
		snprintf(app->status, sizeof(app->status), "not deleted");
		return TOP_RF_REDRAW;
	}
	/* Asked once, here.  The table follows by reading it again: an
	 * entry older than the kernel's first event listener sends no
	 * DESTROY event (nf_conntrack_events=2, the default). */
	top_masqsh_run(app, line, false, &text);
	shell_show(app, line, text);
	free(text);
	return TOP_RF_REBUILD | TOP_RF_REREAD;
}

static int
cmd_interval(struct top_app *app, const char *arg)
{
	int ms = app->interval_ms;

	if (*arg == '+')
		ms = ms < 1000 ? ms * 2 : ms + 1000;
	else
		ms = ms <= 1000 ? ms / 2 : ms - 1000;
	if (ms < 100)
		ms = 100;
	if (ms > 60000)
		ms = 60000;
	app->interval_ms = ms;
	snprintf(app->status, sizeof(app->status), "refresh every %.1f s",
		 ms / 1000.0);
	return TOP_RF_REDRAW | TOP_RF_RETIME;
}

int
top_cmd_run(struct top_app *app, const char *cmd)
{
	struct ct_entry ce;

	if (!strcmp(cmd, "quit"))
		return TOP_RF_QUIT;
	if (!strcmp(cmd, "redraw"))
		return TOP_RF_REBUILD;
	if (!strcmp(cmd, "help")) {
		if (app->ui && app->ui->help)
			app->ui->help(app->ui_data);
		return TOP_RF_REDRAW;
	}
	if (!strcmp(cmd, "sort next") || !strcmp(cmd, "sort prev"))
		return cmd_sort(app, cmd[5] == 'n' ? 1 : -1);
	if (!strcmp(cmd, "reverse")) {
		app->m.reverse = !app->m.reverse;
		return TOP_RF_REBUILD;
	}
	if (!strcmp(cmd, "filter"))
		return cmd_filter(app);
	if (!strcmp(cmd, "pause")) {
		app->paused = !app->paused;
		app->m.hdr.paused = app->paused;
		return TOP_RF_REDRAW;
	}
	if (!strcmp(cmd, "delete"))
		return cmd_delete(app);
	if (!strcmp(cmd, "masqsh"))
		return cmd_masqsh(app, NULL);
	if (!strncmp(cmd, "masqsh ", 7))
		return cmd_masqsh(app, cmd + 7);
	if (!strcmp(cmd, "details")) {
		if (top_cursor_entry(app, &ce) && app->ui && app->ui->details)
			app->ui->details(app->ui_data, &ce);
		return TOP_RF_REDRAW;
	}
	if (!strcmp(cmd, "nat toggle")) {
		app->m.nat_only = !app->m.nat_only;
		snprintf(app->status, sizeof(app->status), "%s",
			 app->m.nat_only ? "NAT'ed entries only" :
					   "every entry");
		app->cursor = app->top = 0;
		return TOP_RF_REBUILD;
	}
	if (!strcmp(cmd, "view next")) {
		app->m.view = (enum top_view_id)((app->m.view + 1) %
						 TOP_V_COUNT);
		app->cursor = app->top = 0;
		return TOP_RF_REBUILD;
	}
	if (!strncmp(cmd, "interval ", 9))
		return cmd_interval(app, cmd + 9);
	if (!strncmp(cmd, "cursor ", 7))
		return cmd_cursor(app, cmd + 7);
	snprintf(app->status, sizeof(app->status), "unknown command '%s'",
		 cmd);
	return TOP_RF_REDRAW;
}

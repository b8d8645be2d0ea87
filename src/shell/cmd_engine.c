/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_engine.c - `engine [interval SECS] [threshold PERCENT] [nosyslog]`:
 * the foreground service that systemd runs (masqsh.service).
 *
 * Argument handling and where the service's log goes: syslog (LOG_DAEMON)
 * unless `nosyslog`, and stderr too when not under systemd (whose journal
 * takes stderr already).  The service itself -- the start-up apply, the
 * address events, the watch and its alerts -- is src/ctl/engine.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "ctl/engine.h"
#include "shell/cmd_int.h"

struct engine_out {
	bool to_syslog, to_stderr;
};

/* The service's log lines (struct ctl_log). */
static void
engine_out_line(void *arg, int prio, const char *line)
{
	const struct engine_out *o = arg;

	if (o->to_syslog)
		syslog(prio, "%s", line);
	if (o->to_stderr) {
		fprintf(stderr, "masqsh engine: %s%s\n",
			prio <= LOG_WARNING ? (prio <= LOG_ERR ? "error: " :
					       "warning: ") : "", line);
		fflush(stderr);
	}
}

static const struct cmd_kw engine_kws[] = {
	{ "interval", CMD_ARG_NUM, "SECS",
	  "seconds between table checks (default 2)", 0, NULL },
	{ "threshold", CMD_ARG_NUM, "PERCENT",
	  "alert when fill or a port budget reaches it (default 80)", 0, NULL },
	{ "nosyslog", CMD_ARG_NONE, NULL, "log to stderr only", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* A number token in 1..@max (@what names it). */
static int
engine_num(const struct masq_tok *t, const char *what, int64_t max,
	   unsigned int *v, struct masq_err *e)
{
	int64_t n;

	if (cmds_num(t, what, &n, e) < 0)
		return -1;
	if (n < 1 || n > max)
		return err_tok(e, MASQ_EUSAGE, t, "'%s' is out of range for "
			       "a %s (1-%lld)", t->s, what, (long long)max);
	*v = (unsigned int)n;
	return 0;
}

static int
cmd_engine(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	struct ctl_engine_opts o = { .interval = CTL_ENGINE_INTERVAL,
				     .pct = CTL_ENGINE_PCT };
	const struct masq_tok *v[4];
	struct engine_out out;
	struct store *s;
	int rc;

	if (cmd_args_bind(&cmd_engine_entry, a, v, e) < 0 ||
	    (v[0] && engine_num(v[0], "number of seconds", 3600,
				&o.interval, e) < 0) ||
	    (v[1] && engine_num(v[1], "percentage", 100, &o.pct, e) < 0))
		return -1;
	if (ctx->check_only)
		return cmds_check_run(ctx, e);
	if (cmd_ctx_store_mode(ctx, STORE_CREATE, &s, e) < 0)
		return -1;
	out.to_syslog = !v[2];
	/* Under systemd, stderr is the journal too: syslog(3) alone. */
	out.to_stderr = !out.to_syslog || (!getenv("INVOCATION_ID") &&
				     !getenv("JOURNAL_STREAM"));
	o.log.fn = engine_out_line;
	o.log.arg = &out;
	if (out.to_syslog)
		openlog("masqsh", LOG_PID, LOG_DAEMON);
	rc = ctl_engine_run(s, &o, e);
	if (out.to_syslog)
		closelog();
	return rc;
}

const struct cmd_entry cmd_engine_entry = {
	.name = "engine",
	.usage = "[interval SECS] [threshold PERCENT] [nosyslog]",
	.summary = "run the NAT service in the foreground (masqsh.service)",
	.help = "Apply the stored rules (as 'apply' does, recorded as a\n"
		"revision), then keep them right and watch the table until\n"
		"SIGTERM or Ctrl-C: re-apply 'detect' rules when their\n"
		"interface's address changes, delete conntrack entries\n"
		"translated to an address that left the box, and raise alerts\n"
		"(syslog and 'show alerts') when the table fill or a\n"
		"source-port budget reaches PERCENT (80), or when the kernel\n"
		"fails to insert connections; an alert is cleared when its\n"
		"condition ends.  Stopping leaves the rules loaded and the\n"
		"alerts as they are; the next engine takes them over.  One\n"
		"engine per network namespace and per database: a second one\n"
		"refuses to start.  systemd runs it as masqsh.service.",
	.kws = engine_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_engine,
};

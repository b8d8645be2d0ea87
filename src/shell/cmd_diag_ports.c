/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_diag_ports.c - `diag ports`: the no-free-ports check
 * (src/diag/check_ports.c) with its evidence.  Unlike `diag`, it opens an
 * existing database writable so the kernel counters seen now are kept for
 * the next look ("diag.ports.last"); it never creates one.  Exit status 1
 * on FAIL or ERROR.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "shell/cmd_diag.h"

static int
cmd_diag_ports(struct cmd_ctx *ctx, const struct cmd_args *a,
	       struct masq_err *e)
{
	struct diag_result res;
	struct store *s;
	struct cmd_diag cd;
	const char *path;
	int rc = -1;

	(void)a;	/* the dispatcher refused any word */
	diag_result_init(&res);
	path = ctx->db_path ? ctx->db_path : store_default_path();
	if (!ctx->store && !ctx->check_only && access(path, W_OK) == 0 &&
	    cmd_ctx_store(ctx, &s, e) == -1)
		return -1;
	if (cmd_diag_init(ctx, &cd, e) == -1)
		goto out;
	diag_run_one(&cd.d, &diag_ports_check, &res);
	rc = cmd_diag_report(ctx, &res, 1, true, e);
out:
	diag_result_done(&res);
	cmd_diag_done(&cd);
	return rc;
}

const struct cmd_entry cmd_diag_ports_entry = {
	.name = "diag ports",
	.usage = "",
	.summary = "how close the gateway is to 'no free ports' (FAQ 7.21)",
	.help =
"One pass over the conntrack table: its fill against nf_conntrack_max with\n"
"the share the kernel may evict (entries not yet assured), and the port\n"
"budgets: a translated address has one source port per connection towards\n"
"one destination address, port and protocol, so each of those has as many\n"
"slots as the rule's port range (64512 without one).  The fullest budget\n"
"is shown with the inside hosts that fill it (the FAQ's GameSpy case: one\n"
"host opening thousands of short flows), and the kernel's insert_failed,\n"
"drop, early_drop and clash_resolve counters with their growth since the\n"
"last 'diag ports' (kept in the database when there is one).\n"
"\n"
"PASS below 70%; WARN from 70% of the table or of a budget (or drops);\n"
"FAIL from 90%, or when insert_failed grew since the last look.  The fix\n"
"drops the top host's entries ('kill src HOST'); widening the rule's port\n"
"range or its snat addresses makes room for good.  Needs root.",
	.kws = NULL,
	.flags = CMD_KERNEL,
	.exec = cmd_diag_ports,
};

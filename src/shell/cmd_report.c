/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_report.c - `report [redact]`: one pastable bundle for a help list.
 * Sections, in order (text: "== TITLE ==" headers; -j: one object with
 * these keys): versions, kernel (the kernel.nat-features check), rules
 * (the masqsh -f form), ruleset (compiled, kernel, in_sync), network
 * (links with addresses; routes and routes6: the IPv4 and IPv6 main
 * routes; rules: the IPv4 policy rules), sysctls, conntrack (kernel
 * counters), diag (every parameterless check).
 *
 * A section that cannot be read says why and the report goes on: a report
 * is most wanted when something is broken.  The whole text is built in
 * memory first so that `redact` (diag/redact.c) sees all of it at once and
 * maps every address the same way everywhere.  The sections are printed
 * by report_sec.c; this file owns their order, the diag results, the
 * redaction step and the command entry.  Does not own what any section
 * reads (src/nat, src/diag) or the redaction itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "core/store.h"
#include "diag/diag.h"
#include "diag/redact.h"
#include "shell/cmd_diag.h"
#include "shell/cmd_int.h"
#include "shell/report_sec.h"

/*
 * The diag results.  JSON: diag_results_print() writes a top-level array,
 * so it is rendered on its own and spliced in as the last member of the
 * report object (out.h has no way to key a nested printer's document).
 */
static void
sec_diag(struct out *o, FILE *fp, struct diag_ctx *d)
{
	struct diag_result *res = NULL;
	struct out *sub;
	struct masq_err e;
	size_t n = 0, len = 0;
	char *text = NULL;
	FILE *mem;

	err_init(&e);
	if (diag_run(d, NULL, 0, &res, &n, &e) == -1)
		n = 0;
	if (!out_is_json(o)) {
		out_text(o, "== diag ==\n");
		if (e.code)
			report_sec_error(o, &e);
		diag_results_print(o, res, n, true);
		goto out;
	}
	mem = open_memstream(&text, &len);
	if (!mem)
		abort();
	sub = out_new(mem, true);
	if (!sub)
		abort();
	diag_results_print(sub, res, n, false);
	out_doc_end(sub);
	out_free(sub);
	fclose(mem);
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if (e.code)
		out_str(o, "diag_error", NULL, e.msg);
	fflush(fp);
	fprintf(fp, ",\"diag\":%s}", len ? text : "[]");
out:
	free(text);
	err_done(&e);
	diag_results_free(res, n);
}

static int
cmd_report(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	const struct masq_tok *v[2] = { NULL, NULL };
	const struct nat_ruleset *rs = NULL;
	struct redact_key key;
	struct cmd_diag cd;
	struct masq_err le;
	struct utsname u;
	char *text = NULL, *red, stamp[64], shortname[65];
	const char *names[3] = { NULL, NULL, NULL }, *nodb = NULL;
	size_t len = 0;
	struct out *o;
	time_t now = time(NULL);
	FILE *fp;

	if (cmd_args_bind(&cmd_report_entry, a, v, e) == -1)
		return -1;
	err_init(&le);
	/* an unreadable database is one more section that says why */
	if (cmd_diag_init(ctx, &cd, &le) == -1)
		rs = NULL;
	else if (diag_ctx_rules(&cd.d, &rs, &le) == -1)
		rs = NULL;
	if (le.code == MASQ_OK && !cd.d.store)
		nodb = ctx->db_path ? ctx->db_path : store_default_path();
	fp = open_memstream(&text, &len);
	if (!fp || !(o = out_new(fp, ctx->json)))
		abort();
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC",
		 gmtime(&now));
	out_obj_open(o, NULL);
	out_text(o, "# masqsh report, %s%s\n\n", stamp,
		 v[0] ? " (addresses redacted)" : "");
	out_str(o, "time", NULL, stamp);
	out_bool(o, "redacted", NULL, v[0] != NULL);
	report_sec_versions(o);
	report_sec_kernel(o, &cd.d);
	report_sec_rules(o, rs, &le, nodb);
	report_sec_ruleset(o, rs);
	report_sec_network(o);
	report_sec_sysctls(o, &cd.d);
	report_sec_conntrack(o);
	sec_diag(o, fp, &cd.d);
	out_free(o);
	fclose(fp);
	if (v[0]) {
		if (uname(&u) == 0) {
			snprintf(shortname, sizeof(shortname), "%s", u.nodename);
			shortname[strcspn(shortname, ".")] = '\0';
			names[0] = u.nodename;
			names[1] = shortname;
		}
		redact_key_random(&key);
		red = redact_text(text, &key, names);
		free(text);
		text = red;
	}
	fputs(text, out_fp(ctx->out));
	if (ctx->json)
		fputc('\n', out_fp(ctx->out));
	free(text);
	err_done(&le);
	cmd_diag_done(&cd);
	return 0;
}

static const struct cmd_kw report_kws[] = {
	{ "redact", CMD_ARG_NONE, NULL,
	  "replace addresses, MACs and the host name consistently", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "[redact]",
	.summary = "one pastable bundle for a help list",
	.help =
"Everything a helper asks for first, in one text: versions (masqsh, the\n"
"kernel, the libraries it was built with), the kernel's NAT features, the\n"
"stored rules as a masqsh script, the compiled ruleset and what the\n"
"kernel runs now (\"in sync\" or \"differs\"), interfaces with state, MTU\n"
"and addresses, the IPv4 and IPv6 main routes, the IPv4 policy rules, the\n"
"sysctls that matter for NAT, the conntrack counters and the result of\n"
"every check (as 'diag' prints them).  A section that cannot be read (no\n"
"root, no database) says why and the report goes on.\n"
"\n"
"With 'redact' every IPv4, IPv6 and MAC address and the host name are\n"
"replaced, the same way everywhere in the report: hosts of one subnet\n"
"stay in one subnet and in their order, a route still covers its hosts,\n"
"private, documentation and public ranges stay recognisable, and no\n"
"replaced host address equals an original one.  Loopback, multicast and\n"
"netmasks are kept.  MACs may be written with ':' or '-'.  In rule\n"
"comments every DNS name (nas7.home.arpa) and its first label become\n"
"redacted-host-XXXXXXXX, the same for one name everywhere.  Interface\n"
"names and the other words of comments are not redacted.\n"
"\n"
"With -j one JSON object with the keys time, redacted, versions, kernel,\n"
"rules, ruleset, network, sysctls, conntrack and diag.",
	.kws = report_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_report,
};

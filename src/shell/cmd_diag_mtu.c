/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_diag_mtu.c - `diag mtu HOST [out IF]`: the path-MTU probe with its
 * verdict (src/diag/mtu_check.c) as a command.
 *
 * Text: the diag line (status, id, what was seen), the fix, and the
 * evidence (route, cached PMTU, every probe by round, the local ruleset).
 * JSON: the diag result's keys plus the measurement: verdict, path_mtu,
 * mss, link_mtu, oif, cached PMTU before/after, timing and every probe.
 * Exit status 1 when the verdict is FAIL or ERROR, as for `diag`.
 */
#include "config.h"

#include <string.h>

#include "diag/diag.h"
#include "diag/mtu.h"
#include "shell/cmd.h"

/* Also declared in cmd.h (the command table's list). */
extern const struct cmd_entry cmd_diag_mtu_entry;

static const struct cmd_kw diag_mtu_kws[] = {
	{ "HOST", CMD_ARG_ADDR, "HOST", "the host to probe (IPv4 or IPv6 "
	  "address, or name)", CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ "out", CMD_ARG_IFACE, "IFACE", "probe out of this interface "
	  "(default: the route's)", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static void
print_json(struct out *o, const struct diag_result *res,
	   const struct mtu_report *r, const char *verdict)
{
	const char *st = diag_status_name(res->status);
	char lower[8];
	const char *p, *nl;
	size_t i, k;

	for (k = 0; k < sizeof(lower) - 1 && st[k]; k++)
		lower[k] = (char)(st[k] | 0x20);
	lower[k] = '\0';
	out_obj_open(o, NULL);
	out_str(o, "id", NULL, "mtu");
	out_str(o, "status", NULL, lower);
	out_str(o, "verdict", NULL, verdict);
	out_str(o, "message", NULL, res->message);
	out_str(o, "fix", NULL, res->fix);
	out_str(o, "faq", NULL, "7.15");
	out_str(o, "skip", NULL, res->skip);
	out_str(o, "host", NULL, r->dst);
	out_str(o, "oif", NULL, r->oif);
	out_int(o, "link_mtu", NULL, r->link_mtu);
	out_int(o, "path_mtu", NULL, r->path_mtu);
	out_int(o, "mss", NULL, mtu_report_mss(r));
	out_int(o, "cached_pmtu_before", NULL, r->cached_before);
	out_int(o, "cached_pmtu_after", NULL, r->cached_after);
	out_int(o, "frag_mtu", NULL, r->frag_mtu);
	out_str(o, "frag_from", NULL, r->frag_from);
	out_int(o, "probes_sent", NULL, r->n_sent);
	out_int(o, "rounds", NULL, r->rounds);
	out_int(o, "elapsed_ms", NULL, r->elapsed_ms);
	out_arr_open(o, "evidence");
	for (p = res->evidence; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
		char line[1024];

		nl = strchr(p, '\n');
		k = nl ? (size_t)(nl - p) : strlen(p);
		if (k >= sizeof(line))
			k = sizeof(line) - 1;
		memcpy(line, p, k);
		line[k] = '\0';
		out_str(o, NULL, NULL, line);
	}
	out_arr_close(o);
	out_arr_open(o, "probes");
	for (i = 0; i < r->n_probes; i++) {
		static const char *const an[] = {
			"none", "pass", "frag", "local", "lost",
		};
		const struct mtu_probe_rec *q = &r->probes[i];

		out_obj_open(o, NULL);
		out_int(o, "round", NULL, q->round);
		out_int(o, "size", NULL, q->size);
		out_str(o, "proto", NULL, q->proto == 'i' ? "icmp" : "udp");
		out_str(o, "answer", NULL, an[q->answer]);
		out_int(o, "mtu", NULL, q->mtu);
		out_int(o, "ms", NULL, q->ms);
		out_str(o, "from", NULL, q->from[0] ? q->from : NULL);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}

static int
cmd_diag_mtu(struct cmd_ctx *ctx, const struct cmd_args *a,
	     struct masq_err *e)
{
	const struct masq_tok *v[2];
	struct diag_result res;
	struct mtu_report r;
	struct diag_ctx d;
	const char *verdict = "skip";
	enum diag_status st;

	if (cmd_args_bind(&cmd_diag_mtu_entry, a, v, e) < 0)
		return -1;
	memset(&r, 0, sizeof(r));
	diag_ctx_init(&d);
	d.host = v[0]->s;
	d.iface = v[1] ? v[1]->s : NULL;
	if (!d.net_admin) {
		st = diag_run_one(&d, &diag_mtu_check, &res);
	} else {
		diag_result_init(&res);
		res.check = &diag_mtu_check;
		st = (enum diag_status)mtu_diagnose(&d, &res, &r, &verdict);
		res.status = st;
		if (!res.message)
			diag_message(&res, "no details");
	}
	if (ctx->json)
		print_json(ctx->out, &res, &r, verdict);
	else
		diag_results_print(ctx->out, &res, 1, true);
	if (st == DIAG_FAIL || st == DIAG_ERROR)
		err_set(e, MASQ_EFAIL, "diag mtu: %s", verdict);
	mtu_report_done(&r);
	diag_result_done(&res);
	diag_ctx_done(&d);
	return st == DIAG_FAIL || st == DIAG_ERROR ? -1 : 0;
}

const struct cmd_entry cmd_diag_mtu_entry = {
	.name = "diag mtu",
	.usage = "HOST [out IFACE]",
	.summary = "probe the path MTU to HOST and name what breaks it",
	.help = "Send DF probes (ICMP echo and UDP) of the common MTU sizes\n"
		"at once, then bisect, to find the largest packet that reaches\n"
		"HOST.  The verdict: normal PMTUD, a black hole (big probes\n"
		"vanish without 'fragmentation needed'), frag-needed filtered\n"
		"by this host's own ruleset, or an uplink MTU smaller than the\n"
		"LAN's (PPPoE).  Prints the path MTU, the MSS to clamp to and\n"
		"the 'clamp mss' command that fixes it (FAQ 7.15).  An IPv6\n"
		"HOST is probed with ICMPv6 echo and UDP, and 'Packet Too Big'\n"
		"names the MTU (MSS = MTU - 60; clamp mss is IPv4 only, so no\n"
		"fix command is offered).  Needs root.",
	.kws = diag_mtu_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_diag_mtu,
};

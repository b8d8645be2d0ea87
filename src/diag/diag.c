/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag.c - the check registry, the runner and the renderer of results.
 *
 * Owns: diag_checks[] (every check file's entry, in `diag list` order),
 * turning unmet needs into SKIP, resolving ids typed by the user (exact,
 * or a unique prefix; otherwise a usage error marking the word with "did
 * you mean"), and printing results as text or JSON through core/out.h.
 * Does not own: any check's logic (check_*.c, mtu*.c), the context and
 * the result a check fills (diag_ctx.c), or the commands.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kw.h"
#include "core/xalloc.h"
#include "diag/diag.h"
#include "nat/caps.h"

const struct diag_check *const diag_checks[] = {
	&diag_ip_forward_check,
	&diag_kernel_nat_check,
	&diag_helpers_check,
	&diag_ct_sizing_check,
	&diag_timeouts_check,
	&diag_alias_check,
	&diag_lan_to_lan_check,
	&diag_multi_uplink_check,
	&diag_ident_check,
	&diag_nat_others_check,
	&diag_filter_forwards_check,
	&diag_crlf_check,
	&diag_mtu_check,
	&diag_dynaddr_check,
	&diag_ports_check,
	NULL,
};

const struct diag_check *
diag_check_find(const char *id)
{
	const struct diag_check *const *c;

	for (c = diag_checks; *c; c++)
		if (!strcmp((*c)->id, id))
			return *c;
	return NULL;
}

/* Does this process have nf_conntrack in the current namespace? */
static bool
ct_present(const struct diag_ctx *ctx)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/sys/net/netfilter/nf_conntrack_max",
		 ctx->proc);
	return access(path, R_OK) == 0;
}

enum diag_status
diag_run_one(struct diag_ctx *ctx, const struct diag_check *c,
	     struct diag_result *res)
{
	enum diag_status st;

	diag_result_init(res);
	res->check = c;
	if ((c->needs & DIAG_NEEDS_HOST) && !ctx->host)
		st = diag_skip(res, "needs a target host: diag %s HOST",
			       c->id);
	else if ((c->needs & DIAG_NEEDS_PATHS) && !ctx->n_paths)
		st = diag_skip(res, "needs files to read: diag %s PATH..",
			       c->id);
	else if ((c->needs & DIAG_NEEDS_ROOT) && !ctx->net_admin)
		st = diag_skip(res, "%s", nat_cap_missing() ?
			       nat_cap_missing() : "needs CAP_NET_ADMIN");
	else if ((c->needs & DIAG_NEEDS_CT) && !ct_present(ctx))
		st = diag_skip(res, "needs conntrack (nf_conntrack is not "
			       "loaded in this namespace)");
	else
		st = c->run(ctx, res);
	res->status = st;
	if (!res->message)
		res->message = xstrdup(st == DIAG_PASS ? "ok" : "no details");
	return st;
}

/* Resolve @t to a check: exact id, else a unique prefix (core/kw.h). */
static const struct diag_check *
resolve(const struct masq_tok *t, struct masq_err *e)
{
	const char *ids[64];
	size_t n = 0;
	int k;

	for (n = 0; diag_checks[n] && n < 64; n++)
		ids[n] = diag_checks[n]->id;
	k = kw_resolve(ids, n, t, "check", NULL, e);
	if (k >= 0)
		return diag_checks[k];
	if (!e->hint[0])
		err_hint(e, "'diag list' names the checks");
	return NULL;
}

int
diag_run(struct diag_ctx *ctx, const struct masq_tok *ids, size_t n_ids,
	 struct diag_result **res, size_t *n, struct masq_err *e)
{
	const struct diag_check **todo = NULL;
	const struct diag_check *const *c;
	size_t i, k = 0;
	int rc = -1;

	*res = NULL;
	*n = 0;
	if (ids) {
		todo = xcalloc(n_ids ? n_ids : 1, sizeof(*todo));
		for (i = 0; i < n_ids; i++) {
			todo[k] = resolve(&ids[i], e);
			if (!todo[k])
				goto out;
			k++;
		}
	} else {
		for (c = diag_checks; *c; c++)
			k++;
		todo = xcalloc(k ? k : 1, sizeof(*todo));
		k = 0;
		for (c = diag_checks; *c; c++)
			if (!((*c)->needs & DIAG_NEEDS_PARAMS))
				todo[k++] = *c;
	}
	*res = xcalloc(k ? k : 1, sizeof(**res));
	for (i = 0; i < k; i++)
		diag_run_one(ctx, todo[i], &(*res)[i]);
	*n = k;
	rc = 0;
out:
	free(todo);
	return rc;
}

void
diag_results_free(struct diag_result *res, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		diag_result_done(&res[i]);
	free(res);
}

int
diag_results_failed(const struct diag_result *res, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (res[i].status == DIAG_FAIL || res[i].status == DIAG_ERROR)
			return 1;
	return 0;
}

/* Evidence as a JSON array of lines, or indented text lines. */
static void
print_evidence(struct out *o, const char *ev, bool text)
{
	const char *p = ev, *nl;
	char *line;

	out_arr_open(o, "evidence");
	while (p && *p) {
		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		out_str(o, NULL, text ? "      %s\n" : NULL, line);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	out_arr_close(o);
}

void
diag_results_print(struct out *o, const struct diag_result *res, size_t n,
		   bool verbose)
{
	const struct diag_result *r;
	char lower[8];
	size_t i, k;

	out_arr_open(o, NULL);
	for (i = 0; i < n; i++) {
		r = &res[i];
		for (k = 0; k < sizeof(lower) - 1 &&
		     diag_status_name(r->status)[k]; k++)
			lower[k] = (char)(diag_status_name(r->status)[k] | 0x20);
		lower[k] = '\0';
		out_obj_open(o, NULL);
		out_str(o, "id", NULL, r->check ? r->check->id : "");
		out_str(o, "status", NULL, lower);
		out_text(o, "%-5s  %-20s  %s\n", diag_status_name(r->status),
			 r->check ? r->check->id : "", r->message);
		out_str(o, "message", NULL, r->message);
		print_evidence(o, r->evidence, verbose);
		if (r->fix)
			out_str(o, "fix", "       fix: %s\n", r->fix);
		else
			out_null(o, "fix", NULL);
		if (r->check && r->check->faq)
			out_str(o, "faq", NULL, r->check->faq);
		else
			out_null(o, "faq", NULL);
		if (r->skip)
			out_str(o, "skip", NULL, r->skip);
		else
			out_null(o, "skip", NULL);
		out_obj_close(o);
	}
	out_arr_close(o);
}

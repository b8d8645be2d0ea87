/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_explain_filter.c - the part of `explain` about other tables'
 * filters: reading every table (nat/nft_ruleset.h), the walk of
 * nat/explain_filter.c, and its printing: a headline when a filter drops
 * the flow (or cannot be read through), the verdict of each base chain
 * met on each hook, and the `nft` rule that would let the flow through.
 *
 * Output shape: nothing at all when no other table has a base chain on
 * the flow's hooks, so that explain on a gateway without a firewall reads
 * as before; else, in JSON, a "filter" object: verdict (accept / drop /
 * unsure), blocked (bool), fix (string or null) and hooks: [{hook, reply,
 * verdict, chains: [{family, table, chain, verdict, policy, handle,
 * rule_chain, reject, why}]}].
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "nat/explain.h"
#include "shell/cmd_int.h"

/* "inet filter forward" of chain @c into @buf. */
static const char *
chain_text(const struct nft_ruleset *rs, size_t c, char *buf, size_t size)
{
	const struct nft_rs_chain *ch = &rs->chains[c];

	snprintf(buf, size, "%s %s %s", nft_rs_family_name(ch->family),
		 ch->table, ch->name);
	return buf;
}

/* What decided in @d, one phrase: "policy drop", "rule handle 4 (in
 * chain sub)", "rule handle 7: set lookup @x". */
static void
decided_text(const struct nft_ruleset *rs, const struct nft_eval_chain *d,
	     char *buf, size_t size)
{
	int n;

	if (d->by_policy) {
		snprintf(buf, size, "policy %s", d->verdict == NFT_EVAL_DROP ?
			 "drop" : "accept");
		return;
	}
	n = snprintf(buf, size, "rule handle %llu", (unsigned long long)
		     d->handle);
	if (n > 0 && (size_t)n < size && d->rule_chain != d->chain)
		n += snprintf(buf + n, size - (size_t)n, " in chain %s",
			      rs->chains[d->rule_chain].name);
	if (n > 0 && (size_t)n < size && d->reject)
		n += snprintf(buf + n, size - (size_t)n, " (reject)");
	if (n > 0 && (size_t)n < size && d->verdict == NFT_EVAL_UNSURE)
		snprintf(buf + n, size - (size_t)n, ": %s", d->why);
}

static void
print_chain(struct cmd_ctx *ctx, const struct nft_ruleset *rs,
	    const struct explain_filter_hook *fh,
	    const struct nft_eval_chain *d)
{
	const struct nft_rs_chain *ch = &rs->chains[d->chain];
	char label[32], what[400];

	snprintf(label, sizeof(label), "%s%s", fh->reply ? "reply " : "",
		 nft_rs_hook_name(fh->h.hook));
	decided_text(rs, d, what, sizeof(what));
	out_obj_open(ctx->out, NULL);
	out_text(ctx->out, "  %-18s", label);
	out_str(ctx->out, "verdict", " %-7s", nft_eval_verdict_name(d->verdict));
	out_str(ctx->out, "family", " %s", nft_rs_family_name(ch->family));
	out_str(ctx->out, "table", " %s", ch->table);
	out_str(ctx->out, "chain", " %s", ch->name);
	out_int(ctx->out, "priority", NULL, ch->prio);
	out_bool(ctx->out, "policy", NULL, d->by_policy);
	if (d->by_policy)
		out_null(ctx->out, "handle", NULL);
	else
		out_u64(ctx->out, "handle", NULL, d->handle);
	out_str(ctx->out, "rule_chain", NULL, rs->chains[d->rule_chain].name);
	out_bool(ctx->out, "reject", NULL, d->reject);
	if (d->verdict == NFT_EVAL_UNSURE)
		out_str(ctx->out, "why", NULL, d->why);
	else
		out_null(ctx->out, "why", NULL);
	out_text(ctx->out, ": %s\n", what);
	out_obj_close(ctx->out);
}

void
cmds_explain_filter_hooks(struct cmd_ctx *ctx, const struct nft_ruleset *rs,
			  const struct explain_filter *ef)
{
	size_t i, k;

	out_arr_open(ctx->out, "hooks");
	out_text(ctx->out, "other tables' base chains on its way:\n");
	for (i = 0; i < ef->n; i++) {
		const struct explain_filter_hook *fh = &ef->hooks[i];

		out_obj_open(ctx->out, NULL);
		out_str(ctx->out, "hook", NULL, nft_rs_hook_name(fh->h.hook));
		out_bool(ctx->out, "reply", NULL, fh->reply);
		out_str(ctx->out, "verdict", NULL,
			nft_eval_verdict_name(fh->h.verdict));
		out_arr_open(ctx->out, "chains");
		for (k = 0; k < fh->h.n_chains; k++)
			print_chain(ctx, rs, fh, &fh->h.chains[k]);
		out_arr_close(ctx->out);
		out_obj_close(ctx->out);
	}
	out_arr_close(ctx->out);
}

void
cmds_explain_filter_head(struct cmd_ctx *ctx, const struct nft_ruleset *rs,
			 const struct explain_filter *ef, const char *fix)
{
	const struct explain_filter_hook *fh;
	const struct nft_eval_chain *d;
	char c[600], what[400];

	out_str(ctx->out, "verdict", NULL, nft_eval_verdict_name(ef->verdict));
	out_bool(ctx->out, "blocked", NULL, ef->verdict == NFT_EVAL_DROP);
	if (fix)
		out_str(ctx->out, "fix", NULL, fix);
	else
		out_null(ctx->out, "fix", NULL);
	if (ef->decider < 0)
		return;
	fh = &ef->hooks[ef->decider];
	d = &fh->h.chains[fh->h.decider];
	chain_text(rs, d->chain, c, sizeof(c));
	decided_text(rs, d, what, sizeof(what));
	if (ef->verdict == NFT_EVAL_DROP)
		out_text(ctx->out, "blocked: %s drops %s on %s (%s); the flow "
			 "does not get through\n", c, fh->reply ? "the reply" :
			 "it", nft_rs_hook_name(fh->h.hook), what);
	else
		out_text(ctx->out, "filter: unsure: cannot tell whether %s "
			 "lets %s through on %s (%s)\n", c, fh->reply ?
			 "the reply" : "it", nft_rs_hook_name(fh->h.hook),
			 what);
	if (fix)
		out_text(ctx->out, "  fix: %s\n", fix);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ha_rules.c - ha.same-rules: do both nodes of the pair run the same
 * masqsh table?  After a failover the backup translates every new
 * connection with its own rules; a rule added on one node only is a
 * failover that changes what users get.
 *
 * The peer's table comes from the admin, not from the network: its digest
 * (`masqsh show compiled digest` on the peer, then `diag ha peer-digest
 * HEX` here) or its text (`masqsh show compiled kernel > FILE` there,
 * `diag ha peer-rules FILE` here, which names the lines that differ).
 * Without either the check is a WARN printing the command to run on the
 * peer and this node's digest.  What is compared is what the kernels run
 * (read back, counters zeroed); staged rules not applied here are said as
 * evidence.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ctl/ha.h"
#include "diag/check_ha.h"
#include "nat/nft.h"

#define SAME_RULES_SHOWN 8

/* This node's staged and running tables as text; -1 with @res filled. */
static int
same_rules_local(struct diag_ctx *ctx, char **staged, char **kernel,
		 struct diag_result *res)
{
	const struct nat_ruleset *rs;
	struct nat_compiled *c = NULL;
	struct masq_err e;
	int rc = -1;

	err_init(&e);
	*staged = *kernel = NULL;
	if (diag_ctx_rules(ctx, &rs, &e) < 0 || nat_compile(rs, &c, &e) < 0 ||
	    nat_kernel_print(kernel, false, &e) < 0) {
		diag_error(res, &e);
		goto out;
	}
	*staged = nat_compiled_print(c);
	if (!*staged) {
		diag_message(res, "cannot print the compiled rules");
		goto out;
	}
	rc = 0;
out:
	if (c)
		nat_compiled_free(c);
	err_done(&e);
	return rc;
}

struct same_rules_acc {
	struct diag_result *res;
	size_t n;
	const char *first_here, *first_peer;
	size_t first_here_len, first_peer_len;
};

static void
same_rules_line(void *arg, char side, const char *line, size_t len)
{
	struct same_rules_acc *a = arg;

	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (side == '-' && !a->first_here) {
		a->first_here = line;
		a->first_here_len = len;
	} else if (side == '+' && !a->first_peer) {
		a->first_peer = line;
		a->first_peer_len = len;
	}
	if (a->n++ < SAME_RULES_SHOWN)
		diag_evidence(a->res, "%s: %.*s", side == '-' ? "only here" :
			      "only on the peer", (int)(len > 400 ? 400 : len),
			      line);
}

/* The same lines: in the same order (PASS) or not (FAIL: the first match
 * wins, so order is part of the rules). */
static enum diag_status
same_rules_order(struct diag_ctx *ctx, const char *kernel,
		 struct diag_result *res)
{
	const char *a, *b;
	size_t alen, blen, at;

	at = ha_rules_order(kernel, ctx->ha_peer_rules, &a, &alen, &b, &blen);
	if (!at) {
		diag_message(res, "the peer's table (%s) is the same as the "
			     "one this node runs", ctx->ha_peer_rules_name);
		return DIAG_PASS;
	}
	while (alen && (*a == ' ' || *a == '\t')) {
		a++;
		alen--;
	}
	while (blen && (*b == ' ' || *b == '\t')) {
		b++;
		blen--;
	}
	diag_message(res, "the tables hold the same lines in another order "
		     "(the first match wins): line %zu here is '%.*s', on the "
		     "peer '%.*s'", at, (int)(alen > 200 ? 200 : alen), a,
		     (int)(blen > 200 ? 200 : blen), b);
	diag_fix(res, "put the rules in the same order on both nodes ('masq "
		 "list', 'masq move N to M'), then 'apply'");
	return DIAG_FAIL;
}

/* The peer's text against ours: PASS or FAIL naming the difference. */
static enum diag_status
same_rules_text(struct diag_ctx *ctx, const char *kernel,
		struct diag_result *res)
{
	struct same_rules_acc a = { res, 0, NULL, NULL, 0, 0 };
	size_t n = ha_rules_compare(kernel, ctx->ha_peer_rules,
				    same_rules_line, &a);

	if (!n)
		return same_rules_order(ctx, kernel, res);
	if (a.n > SAME_RULES_SHOWN)
		diag_evidence(res, "... %zu more", a.n - SAME_RULES_SHOWN);
	if (a.first_here)
		diag_message(res, "the tables differ in %zu line%s: this node "
			     "runs '%.*s'%s", n, n == 1 ? "" : "s",
			     (int)(a.first_here_len > 200 ? 200 :
				   a.first_here_len), a.first_here,
			     a.first_peer ? ", the peer does not" :
			     " and the peer does not");
	else
		diag_message(res, "the tables differ in %zu line%s: the peer "
			     "runs '%.*s', this node does not", n,
			     n == 1 ? "" : "s",
			     (int)(a.first_peer_len > 200 ? 200 :
				   a.first_peer_len), a.first_peer);
	diag_fix(res, "make the rules equal on both nodes ('masq list', "
		 "'forward list'), then 'apply' on the node that changed");
	return DIAG_FAIL;
}

static enum diag_status
same_rules_judge(struct diag_ctx *ctx, const struct ha_conf *c,
		 const char *kernel, const char *kd, struct diag_result *res)
{
	if (ctx->ha_peer_rules)
		return same_rules_text(ctx, kernel, res);
	if (ctx->ha_peer_digest && !strcmp(ctx->ha_peer_digest, kd)) {
		diag_message(res, "the peer runs the same table (digest %.16s"
			     "...)", kd);
		return DIAG_PASS;
	}
	if (ctx->ha_peer_digest) {
		diag_message(res, "the peer runs a different table: digest "
			     "%.16s... there, %.16s... here",
			     ctx->ha_peer_digest, kd);
		diag_fix(res, "on the peer: masqsh show compiled kernel > "
			 "peer.nft; copy it here; masqsh diag ha peer-rules "
			 "peer.nft (names the lines that differ)");
		return DIAG_FAIL;
	}
	diag_message(res, "not compared with the peer: this node runs the "
		     "table with digest %s", kd);
	diag_fix(res, "on the peer (%s): masqsh show compiled digest; here: "
		 "masqsh diag ha peer-digest KERNEL-DIGEST-OF-THE-PEER",
		 c->peer[0] ? c->peer : "the other node");
	return DIAG_WARN;
}

static enum diag_status
ha_same_rules_run(struct diag_ctx *ctx, struct diag_result *res)
{
	char sd[HA_DIGEST_HEXLEN + 1], kd[HA_DIGEST_HEXLEN + 1];
	char *staged = NULL, *kernel = NULL;
	struct ha_conf c;
	struct ha_paths p;
	enum diag_status st = diag_ha_conf(ctx, &c, &p, res);

	if (st != DIAG_PASS)
		return st;
	if (same_rules_local(ctx, &staged, &kernel, res) < 0) {
		st = DIAG_ERROR;
		goto out;
	}
	ha_rules_digest(staged, sd);
	ha_rules_digest(kernel, kd);
	diag_evidence(res, "this node: kernel %s", kernel[0] ? kd : "none");
	diag_evidence(res, "this node: staged %s%s", sd, strcmp(sd, kd) ?
		      " (not applied: 'diff' shows what differs)" : "");
	if (!kernel[0]) {
		diag_message(res, "this node runs no masqsh table: after a "
			     "failover to it nothing new is translated");
		diag_fix(res, "apply");
		st = DIAG_FAIL;
		goto out;
	}
	st = same_rules_judge(ctx, &c, kernel, kd, res);
out:
	free(staged);
	free(kernel);
	return st;
}

const struct diag_check diag_ha_same_rules_check = {
	.id = "ha.same-rules",
	.title = "both nodes run the same masqsh table",
	.faq = NULL,
	.needs = DIAG_NEEDS_ROOT,
	.run = ha_same_rules_run,
};

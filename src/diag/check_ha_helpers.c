/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ha_helpers.c - `diag ha`'s ha.helpers: the conntrackd.conf in
 * use replicates the expectations of every conntrack helper masqsh
 * assigns (`helper add`).  An expectation (FTP's announced data
 * connection, a SIP call's media) lives only on the node that saw the
 * control connection; unless conntrackd syncs it (ExpectationSync), the
 * data connection opened after a failover matches nothing on the new
 * master and fails.
 *
 * Reads the file as the other checks find it (the standard path, or
 * `diag ha dir DIR`); the reading of ExpectationSync is ctl/ha_expect.c's.
 * Changes nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "diag/check_ha.h"

/* conntrackd.conf is a few kB; more is not a file masqsh wrote */
#define HA_CONF_READ_MAX (1024 * 1024)

/* @path's text (at most HA_CONF_READ_MAX bytes) into @b; false when it
 * cannot be opened. */
static bool
ha_conf_read(const char *path, struct strbuf *b)
{
	FILE *f = fopen(path, "re");
	char buf[4096];
	size_t n;

	if (!f)
		return false;
	while (b->len < HA_CONF_READ_MAX &&
	       (n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(b, buf, n);
	fclose(f);
	return true;
}

static enum diag_status
ha_helpers_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct strbuf b = STRBUF_INIT;
	struct ha_conf c;
	struct ha_paths p;
	enum diag_status st = diag_ha_conf(ctx, &c, &p, res);
	const char *missing[HA_HELPERS_MAX];
	size_t i, n = 0;

	if (st != DIAG_PASS)
		return st;
	if (!c.n_helpers) {
		diag_message(res, "no conntrack helper is assigned: no "
			     "expectation to replicate");
		return DIAG_PASS;
	}
	if (!ha_conf_read(p.conntrackd_conf, &b)) {
		diag_message(res, "no %s: the helpers' expectations are not "
			     "replicated", p.conntrackd_conf);
		diag_fix(res, "ha apply%s%s", p.custom ? " dir " : "", p.dir);
		return DIAG_FAIL;
	}
	for (i = 0; i < c.n_helpers; i++) {
		/* a NUL in the file ends the text there */
		bool ok = ha_expect_sync_covers(b.s ? b.s : "",
						 c.helpers[i]);

		diag_evidence(res, "helper %s: expectations %sreplicated",
			      c.helpers[i], ok ? "" : "not ");
		if (!ok)
			missing[n++] = c.helpers[i];
	}
	strbuf_done(&b);
	if (n) {
		diag_message(res, "%s does not replicate the expectations of "
			     "helper %s%s (ExpectationSync): its connections "
			     "fail after a failover", p.conntrackd_conf,
			     missing[0], n > 1 ? " and others" : "");
		diag_fix(res, "ha apply%s%s, then restart conntrackd",
			 p.custom ? " dir " : "", p.dir);
		return DIAG_FAIL;
	}
	diag_message(res, "%s replicates the expectations of all %zu "
		     "helper%s", p.conntrackd_conf, c.n_helpers,
		     c.n_helpers == 1 ? "" : "s");
	return DIAG_PASS;
}

const struct diag_check diag_ha_helpers_check = {
	.id = "ha.helpers",
	.title = "conntrackd replicates the helpers' expectations",
	.faq = NULL,
	.needs = 0,
	.run = ha_helpers_run,
};

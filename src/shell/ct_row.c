/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_row.c - preparing a dump from command words (see ct_row.h).
 *
 * Owns: turning a live-table command's words into a filter, a rule
 * evaluator and a query.  Does not own: getting entries (src/nat/ct_*.c),
 * the filter language (core/filter.c), rule attribution (nat/ct_rule.c)
 * or the rows' columns (nat/ct_cols.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/ct_rule.h"
#include "shell/cmd_int.h"
#include "shell/ct_row.h"

const char *const ct_state_choices[] = {
	"ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "unreplied", "replied",
	"assured", NULL,
};

void
ct_out_spill(struct strbuf *sb, FILE *fp)
{
	if (sb->len >= CT_OUT_CHUNK)
		strbuf_write(sb, fp);
}

int
ct_cmd_prepare(struct cmd_ctx *ctx, const struct masq_tok *v, size_t n,
	       unsigned int flags, struct ct_cmd *c, struct masq_err *e)
{
	struct masq_err le;

	memset(c, 0, sizeof(*c));
	c->filter = filter_compile(v, n, e);
	if (!c->filter)
		return -1;
	err_init(&le);
	if (ct_rules_load(ctx->db_path, &c->rules, &le) < 0) {
		if (filter_uses_rule(c->filter)) {
			err_done(e);
			*e = le;
			err_prefix(e, "'rule' needs the staged rules");
			ct_cmd_done(c);
			return -1;
		}
		cmds_warn(ctx, "%s; the rule column stays empty", le.msg);
		err_done(&le);
	}
	c->q.flags = flags;
	c->q.filter = c->filter;
	if (c->rules) {
		c->q.annotate = ct_rules_annotate;
		c->q.annotate_data = c->rules;
	}
	return 0;
}

void
ct_cmd_done(struct ct_cmd *c)
{
	filter_free(c->filter);
	ct_rules_free(c->rules);
	memset(c, 0, sizeof(*c));
}

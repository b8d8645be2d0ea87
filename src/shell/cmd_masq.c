/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_masq.c - `masq list`, `masq del N`, `masq move N to M`.
 *
 * Argument handling and output only: the store keeps order and ids, the
 * rule parser reads the stored text back for the column form.  `masq add`
 * lives in cmd_masq_add.c, `masq show` in cmd_masq_show.c.
 */
#include "config.h"

#include <stdlib.h>

#include "shell/cmd_int.h"

static int
cmd_masq_list(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	struct store_row *rows = NULL;
	struct masq_err perr;
	struct nat_rule r;
	size_t n = 0, i;
	struct store *s;
	char *cols;

	(void)a;
	if (cmd_ctx_store(ctx, &s, e) < 0 ||
	    store_rows_list(s, STORE_MASQ, &rows, &n, e) < 0)
		return -1;
	out_arr_open(ctx->out, NULL);
	if (n == 0)
		out_text(ctx->out, "no masq rules\n");
	else
		out_text(ctx->out, "%-4s %-4s %s\n", "ID", "POS", "RULE");
	for (i = 0; i < n; i++) {
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "id", "%-4lld ", rows[i].id);
		out_int(ctx->out, "pos", "%-4lld ", rows[i].pos);
		out_str(ctx->out, "rule", "%s\n", rows[i].spec);
		if (out_is_json(ctx->out)) {
			nat_rule_init(&r);
			err_init(&perr);
			cols = NULL;
			if (nat_rule_from_text(&r, rows[i].spec, rows[i].id,
					       &perr) == 0)
				cols = nat_rule_format_columns(&r);
			out_str(ctx->out, "columns", NULL, cols);
			free(cols);
			err_done(&perr);
			nat_rule_done(&r);
		}
		out_obj_close(ctx->out);
	}
	out_arr_close(ctx->out);
	store_rows_free(rows, n);
	return 0;
}

static const struct cmd_kw masq_id_kws[] = {
	{ "ID", CMD_ARG_MASQ_ID, "ID", "the rule's id (see 'masq list')",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* The position of masq rule @t's id, or an error marking @t. */
static int
masq_find(struct store *s, const struct masq_tok *t, int64_t id,
	  unsigned int *pos, struct masq_err *e)
{
	if (store_row_pos(s, STORE_MASQ, id, pos, e) < 0) {
		if (e->code != MASQ_EFAIL)	/* a storage error, not "none" */
			return -1;
		err_tok(e, MASQ_EFAIL, t, "no masq rule %lld", (long long)id);
		return err_hint(e, "'masq list' shows the ids");
	}
	return 0;
}

static int
cmd_masq_del(struct cmd_ctx *ctx, const struct cmd_args *a,
	     struct masq_err *e)
{
	const struct masq_tok *vals[1];
	unsigned int pos;
	struct store *s;
	int64_t id;

	if (cmd_args_bind(&cmd_masq_del_entry, a, vals, e) < 0 ||
	    cmds_num(vals[0], "rule id", &id, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0 ||
	    masq_find(s, vals[0], id, &pos, e) < 0)
		return -1;
	if (!ctx->check_only && store_row_delete(s, STORE_MASQ, id, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "id", ctx->check_only ?
		"would delete masq rule %lld\n" : "deleted masq rule %lld\n",
		id);
	out_obj_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_masq_list_entry = {
	.name = "masq list",
	.usage = "",
	.summary = "list the staged masquerade/SNAT rules in order",
	.help = "Print the staged rules in the order they match, with their\n"
		"ids and canonical keyword form.  With -j each rule also has\n"
		"its masq file column form.",
	.kws = NULL,
	.flags = 0,
	.exec = cmd_masq_list,
};

const struct cmd_entry cmd_masq_del_entry = {
	.name = "masq del",
	.usage = "ID",
	.summary = "delete a staged masquerade/SNAT rule",
	.help = "Delete the rule with this id ('masq list' shows them); the\n"
		"kernel keeps running the old rules until 'apply'.",
	.kws = masq_id_kws,
	.flags = CMD_WRITES,
	.exec = cmd_masq_del,
};

static const struct cmd_kw masq_move_kws[] = {
	{ "ID", CMD_ARG_MASQ_ID, "ID", "the rule's id (see 'masq list')",
	  CMD_KW_POSITIONAL | CMD_KW_REQUIRED, NULL },
	{ "to", CMD_ARG_NUM, "POS", "the new position (1 is first)",
	  CMD_KW_REQUIRED, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_masq_move(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	const struct masq_tok *vals[2];
	unsigned int pos;
	int64_t id, to;
	struct store *s;

	if (cmd_args_bind(&cmd_masq_move_entry, a, vals, e) < 0 ||
	    cmds_num(vals[0], "rule id", &id, e) < 0 ||
	    cmds_num(vals[1], "position", &to, e) < 0 ||
	    cmd_ctx_store(ctx, &s, e) < 0)
		return -1;
	if (masq_find(s, vals[0], id, &pos, e) < 0)
		return -1;
	if (ctx->check_only) {
		out_obj_open(ctx->out, NULL);
		out_int(ctx->out, "id", "would move masq rule %lld", id);
		out_int(ctx->out, "pos", " to position %lld\n", to);
		out_obj_close(ctx->out);
		return 0;
	}
	if (store_row_move(s, STORE_MASQ, id, (unsigned int)to, e) < 0 ||
	    store_row_pos(s, STORE_MASQ, id, &pos, e) < 0)
		return -1;
	out_obj_open(ctx->out, NULL);
	out_int(ctx->out, "id", "moved masq rule %lld", id);
	out_int(ctx->out, "pos", " to position %lld\n", pos);
	out_obj_close(ctx->out);
	return 0;
}

const struct cmd_entry cmd_masq_move_entry = {
	.name = "masq move",
	.usage = "ID to POS",
	.summary = "move a staged rule to another position",
	.help = "Move the rule with this id so that it becomes rule number\n"
		"POS (a position past the end moves it to the end).  Order\n"
		"matters: the first matching rule decides.",
	.kws = masq_move_kws,
	.flags = CMD_WRITES,
	.exec = cmd_masq_move,
};

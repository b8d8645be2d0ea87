/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_help.c - `help [CMD]`, generated from the command table so it cannot
 * drift from what the dispatcher accepts.
 *
 * Owns: the command list, one command's usage/help/keywords, and a group
 * ("help masq") listing; text or JSON.  Does not own: the words themselves
 * (each cmd_*.c entry carries its usage, summary, help and grammar).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "shell/cmd_int.h"

static const char *const help_type_names[] = {
	[CMD_ARG_NONE] = "flag",	[CMD_ARG_WORD] = "word",
	[CMD_ARG_NUM] = "number",	[CMD_ARG_IFACE] = "interface",
	[CMD_ARG_ADDR] = "address",	[CMD_ARG_PROTO] = "protocol",
	[CMD_ARG_PORTS] = "ports",	[CMD_ARG_TEXT] = "text",
	[CMD_ARG_FILE] = "file",	[CMD_ARG_MASQ_ID] = "masq-id",
	[CMD_ARG_FWD_ID] = "forward-id", [CMD_ARG_CHOICE] = "choice",
};

/* Entries under @w (all of them when @w is NULL), one line each. */
static void
help_list(struct cmd_ctx *ctx, const struct cmd_walk *w)
{
	const struct cmd_entry *const *t;
	struct out *o = ctx->out;

	out_obj_open(o, NULL);
	out_arr_open(o, "commands");
	for (t = cmd_ctx_table(ctx); *t; t++) {
		if ((*t)->flags & CMD_HIDDEN || (w && !cmd_walk_covers(w, *t)))
			continue;
		out_obj_open(o, NULL);
		out_str(o, "name", "  %-18s", (*t)->name);
		out_str(o, "usage", NULL, (*t)->usage ? (*t)->usage : "");
		out_str(o, "summary", " %s\n", (*t)->summary);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
	if (w)
		return;
	out_text(o, "\n"
		 "Words may be shortened to any unique prefix (\"ma ad\" is "
		 "\"masq add\"); an\n"
		 "ambiguous one is an error naming the candidates, and a "
		 "command refuses words\n"
		 "it does not take (exit status 2).\n"
		 "'help CMD' shows a command's keywords.  In the shell, TAB "
		 "completes, '?' lists\n"
		 "what may come next (Ctrl-V ? types a '?'), and 'exit' or "
		 "'quit' (or Ctrl-D) leaves.\n");
}

static void
help_one(struct cmd_ctx *ctx, const struct cmd_entry *ent)
{
	const struct cmd_kw *k;
	const char *const *c;
	struct out *o = ctx->out;
	char *word;

	out_obj_open(o, NULL);
	out_str(o, "name", "usage: %s", ent->name);
	out_str(o, "usage", " %s\n", ent->usage ? ent->usage : "");
	out_str(o, "summary", "  %s\n", ent->summary);
	if (ent->help)
		out_str(o, "help", "\n%s\n", ent->help);
	if (ctx->check_only || (ent->flags & (CMD_WRITES | CMD_KERNEL)))
		out_text(o, "%s%s%s", "\n",
			 ent->flags & CMD_WRITES ?
			 "Changes the rule database (not with -n).\n" : "",
			 ent->flags & CMD_KERNEL ?
			 "Talks to the kernel (needs CAP_NET_ADMIN).\n" : "");
	out_bool(o, "writes", NULL, ent->flags & CMD_WRITES);
	out_bool(o, "kernel", NULL, ent->flags & CMD_KERNEL);
	out_arr_open(o, "keywords");
	if (ent->kws && ent->kws[0].name)
		out_text(o, "\n");
	for (k = ent->kws; k && k->name; k++) {
		out_obj_open(o, NULL);
		if (k->flags & CMD_KW_POSITIONAL || k->type == CMD_ARG_NONE)
			word = xstrdup(k->flags & CMD_KW_POSITIONAL && k->meta ?
				       k->meta : k->name);
		else
			word = xasprintf("%s %s", k->name,
					 k->meta ? k->meta : "VALUE");
		if (strlen(word) > 22)	/* long ones get a line of their own */
			out_text(o, "  %s\n  %-22s ", word, "");
		else
			out_text(o, "  %-22s ", word);
		free(word);
		out_str(o, "name", NULL, k->name);
		out_str(o, "meta", NULL, k->meta);
		out_str(o, "type", NULL, help_type_names[k->type]);
		out_str(o, "help", "%s", k->help ? k->help : "");
		out_text(o, "%s%s\n", k->flags & CMD_KW_REQUIRED ?
			 " (required)" : "", k->flags & CMD_KW_REPEAT ?
			 " (repeatable)" : "");
		out_bool(o, "required", NULL, k->flags & CMD_KW_REQUIRED);
		out_bool(o, "positional", NULL, k->flags & CMD_KW_POSITIONAL);
		out_bool(o, "repeat", NULL, k->flags & CMD_KW_REPEAT);
		if (k->type == CMD_ARG_CHOICE && k->choices) {
			out_arr_open(o, "choices");
			for (c = k->choices; *c; c++)
				out_str(o, NULL, NULL, *c);
			out_arr_close(o);
		}
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}

static int
cmd_help_exec(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	const struct cmd_entry *ent;
	struct cmd_walk w;
	const char **words;
	size_t i, used;
	int ret;

	if (a->n == 0) {
		help_list(ctx, NULL);
		return 0;
	}
	words = xcalloc(a->n, sizeof(*words));
	for (i = 0; i < a->n; i++)
		words[i] = a->v[i].s;
	ret = cmd_lookup(cmd_ctx_table(ctx), words, a->v, a->n, &ent, &used,
			 &w, e);
	free(words);
	if (ret == 1) {
		err_done(e);
		help_list(ctx, &w);
		return 0;
	}
	if (ret == -1)
		return -1;
	if (used < a->n)
		return err_tok(e, MASQ_EUSAGE, &a->v[used],
			       "'help %s' takes no more words", ent->name);
	help_one(ctx, ent);
	return 0;
}

static const struct cmd_kw help_kws[] = {
	{ "CMD", CMD_ARG_WORD, "CMD", "a command or its first words (prefixes ok)",
	  CMD_KW_POSITIONAL | CMD_KW_REPEAT, NULL },
	{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[CMD]",
	.summary = "list the commands, or describe one",
	.help = "Without CMD, lists every command.  With CMD (words may be "
		"shortened: 'help ma ad'), shows its usage and each keyword "
		"with one line of help; with the first word of a group ('help "
		"masq'), lists the group.",
	.kws = help_kws,
	.exec = cmd_help_exec,
};

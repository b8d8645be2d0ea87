/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_shell.c - unit tests for the generic shell machinery (src/shell:
 * cmd.c, complete.c, cmd_help.c, script.c), run against a table of test
 * commands of our own (ctx.table) so they do not depend on what the real
 * commands do: command-word matching (exact, prefixes, ambiguity, unknown
 * words with suggestions and marks, groups), cmd_args_bind, TAB and '?'
 * candidates, the tally behind TAB's live conntrack values, help and
 * __complete output, and script reading.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kw.h"
#include "shell/complete_live.h"
#include "core/store.h"
#include "core/tok.h"
#include "shell/cmd_int.h"
#include "nat/explain.h"
#include "nat/timeouts.h"

/* ---- a test table -------------------------------------------------------- */

static char ran[64];		/* name of the last entry run */
static size_t ran_n;		/* its argument count */
static char ran_a0[64];		/* its first argument */

static int
t_exec(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e);

static int
t_fail_exec(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	(void)ctx;
	if (a->n)
		return -1;	/* forgot to fill @e */
	return err_set(e, MASQ_ESTORE, "boom");
}

static const char *const t_protos[] = { "tcp", "udp", NULL };

enum { KA_AT, KA_OUT, KA_FROM, KA_PROTO, KA_RANDOM, KA_COMMENT,
	KA_PERSISTENT, KA_IP, KA_N };
static const struct cmd_kw t_add_kws[] = {
	{ "at", CMD_ARG_NUM, "N", "insert before rule N", 0, NULL },
	{ "out", CMD_ARG_IFACE, "IFACE[,..]", "egress interfaces",
	  CMD_KW_REQUIRED, NULL },
	{ "from", CMD_ARG_ADDR, "SOURCE[,..]", "source networks", 0, NULL },
	{ "proto", CMD_ARG_CHOICE, "tcp|udp", "the protocol", 0, t_protos },
	{ "random", CMD_ARG_NONE, NULL, "random ports", 0, NULL },
	{ "comment", CMD_ARG_TEXT, "TEXT", "a note", 0, NULL },
	{ "persistent", CMD_ARG_NONE, NULL, "same address per client", 0, NULL },
	{ "ip", CMD_ARG_PROTO, "P[,..]", "protocols by name", 0, NULL },
	{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
};
static const struct cmd_kw t_del_kws[] = {
	{ "ID", CMD_ARG_MASQ_ID, "ID", "the rule's id",
	  CMD_KW_REQUIRED | CMD_KW_POSITIONAL, NULL },
	{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
};
static const struct cmd_kw t_move_kws[] = {
	{ "ID", CMD_ARG_MASQ_ID, "ID", "the rule's id",
	  CMD_KW_REQUIRED | CMD_KW_POSITIONAL, NULL },
	{ "to", CMD_ARG_NUM, "N", "its new position", CMD_KW_REQUIRED, NULL },
	{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
};
static const struct cmd_kw t_import_kws[] = {
	{ "FILE", CMD_ARG_FILE, "FILE", "a shorewall masq file",
	  CMD_KW_REQUIRED | CMD_KW_POSITIONAL, NULL },
	{ "replace", CMD_ARG_NONE, NULL, "replace all rules", 0, NULL },
	{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
};

static const struct cmd_kw t_words_kws[] = {
	{ "WORD", CMD_ARG_WORD, "WORD", "any words",
	  CMD_KW_POSITIONAL | CMD_KW_REPEAT, NULL },
	{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
};

#define T_ENTRY(nm, k, fl) { .name = nm, .usage = "ARGS", \
	.summary = "summary of " nm, .kws = k, .flags = fl, .exec = t_exec }
static const struct cmd_entry t_masq_add = T_ENTRY("masq add", t_add_kws, 0),
	t_masq_list = T_ENTRY("masq list", NULL, 0),
	t_masq_del = T_ENTRY("masq del", t_del_kws, 0),
	t_masq_move = T_ENTRY("masq move", t_move_kws, 0),
	t_show_compiled = T_ENTRY("show compiled", NULL, 0),
	t_show_stats = T_ENTRY("show stats", NULL, 0),
	t_shorewall = T_ENTRY("shorewall", NULL, 0),
	t_diag = T_ENTRY("diag", t_words_kws, 0),
	t_diag_mtu = T_ENTRY("diag mtu", NULL, 0),
	t_import = T_ENTRY("import shorewall", t_import_kws, 0),
	t_fail = { .name = "fail", .summary = "fails", .kws = t_words_kws,
		   .exec = t_fail_exec };

static const struct cmd_entry *const t_table[] = {
	&t_masq_add, &t_masq_list, &t_masq_del, &t_masq_move,
	&t_show_compiled, &t_show_stats, &t_shorewall, &t_diag, &t_diag_mtu,
	&t_import, &t_fail, &cmd_help_entry, &cmd_complete_entry, NULL,
};

static int
t_exec(struct cmd_ctx *ctx, const struct cmd_args *a, struct masq_err *e)
{
	snprintf(ran, sizeof(ran), "%s", "?");
	ran_n = a->n;
	snprintf(ran_a0, sizeof(ran_a0), "%s", a->n ? a->v[0].s : "");
	(void)ctx;
	return 0;
}

/* Which entry ran: t_exec cannot see it, so match by the line instead. */
static const struct cmd_entry *
t_lookup_line(const char *line, size_t *used, struct masq_err *e)
{
	const struct cmd_entry *ent = NULL;
	const char *w[8];
	char *copy = strdup(line), *p, *save = NULL;
	size_t n = 0;

	for (p = strtok_r(copy, " ", &save); p && n < 8;
	     p = strtok_r(NULL, " ", &save))
		w[n++] = p;
	cmd_lookup(t_table, w, NULL, n, &ent, used, NULL, e);
	free(copy);
	return ent;
}

static char *db_path;
static char tmpdir[] = "/tmp/check_shell.XXXXXX";

static void
t_ctx(struct cmd_ctx *ctx, FILE *fp, bool json)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->table = t_table;
	ctx->out = out_new(fp, json);
	ctx->json = json;
	ctx->db_path = db_path;
}

/* ---- matching command words ----------------------------------------------- */

struct match_case {
	const char *line;
	const char *ent;	/* entry expected to run, or NULL */
	int code;
	const char *msg;	/* substring of the message */
	size_t pos, len;	/* the mark (len 0: none checked) */
	const char *hint;	/* substring of the hint, or NULL */
	size_t nargs;		/* when run */
	const char *arg0;
};

static const struct match_case match_cases[] = {
	{ "masq add out eth0", "masq add", 0, NULL, 0, 0, NULL, 2, "out" },
	{ "ma ad out eth0", "masq add", 0, NULL, 0, 0, NULL, 2, "out" },
	{ "  masq   l", "masq list", 0, NULL, 0, 0, NULL, 0, "" },
	{ "show c", "show compiled", 0, NULL, 0, 0, NULL, 0, "" },
	{ "show s", "show stats", 0, NULL, 0, 0, NULL, 0, "" },
	{ "shorewall", "shorewall", 0, NULL, 0, 0, NULL, 0, "" },
	{ "diag", "diag", 0, NULL, 0, 0, NULL, 0, "" },
	{ "diag m", "diag mtu", 0, NULL, 0, 0, NULL, 0, "" },
	{ "diag nat.helpers x", "diag", 0, NULL, 0, 0, NULL, 2, "nat.helpers" },
	{ "'masq' \"add\" out x", "masq add", 0, NULL, 0, 0, NULL, 2, "out" },
	{ "", NULL, 0, NULL, 0, 0, NULL, 0, NULL },
	{ "   # only a comment", NULL, 0, NULL, 0, 0, NULL, 0, NULL },
	{ "sh c", NULL, MASQ_EUSAGE, "ambiguous command 'sh': show, shorewall",
	  0, 2, "more", 0, NULL },
	{ "msaq list", NULL, MASQ_EUSAGE, "unknown command 'msaq'", 0, 4,
	  "did you mean 'masq'?", 0, NULL },
	{ "zzz", NULL, MASQ_EUSAGE, "unknown command 'zzz'", 0, 3,
	  "'help' lists", 0, NULL },
	{ "masq frob 1", NULL, MASQ_EUSAGE, "unknown command 'masq frob'", 5, 4,
	  "add, list, del, move", 0, NULL },
	{ "masq lsit", NULL, MASQ_EUSAGE, "unknown command 'masq lsit'", 5, 4,
	  "did you mean 'masq list'?", 0, NULL },
	{ "masq", NULL, MASQ_EUSAGE,
	  "'masq' needs one more word: add, list, del, move", 0, 4,
	  "help masq", 0, NULL },
	{ "  show", NULL, MASQ_EUSAGE, "'show' needs one more word", 2, 4,
	  NULL, 0, NULL },
	/* hidden commands match whole words only */
	{ "__comp x", NULL, MASQ_EUSAGE, "unknown command '__comp'", 0, 6, NULL,
	  0, NULL },
	{ "masq add 'out", NULL, MASQ_EUSAGE, "unterminated", 9, 4, NULL, 0,
	  NULL },
};

START_TEST(test_match)
{
	const struct match_case *c = &match_cases[_i];
	const struct cmd_entry *ent;
	struct cmd_ctx ctx;
	struct masq_err e;
	size_t used;
	int code;

	err_init(&e);
	t_ctx(&ctx, stdout, false);
	ran[0] = '\0';
	code = cmd_run_line(&ctx, c->line, &e);
	ck_assert_msg(code == c->code, "'%s': code %d, want %d (%s)", c->line,
		      code, c->code, e.msg);
	if (c->code) {
		ck_assert_msg(strstr(e.msg, c->msg), "'%s': msg '%s'", c->line,
			      e.msg);
		ck_assert_int_eq(e.code, c->code);
		ck_assert_msg(ran[0] == '\0', "'%s' ran a command", c->line);
		if (c->len) {
			ck_assert_ptr_nonnull(e.input);
			ck_assert_uint_eq(e.pos, c->pos);
			ck_assert_uint_eq(e.len, c->len);
		}
		if (c->hint)
			ck_assert_msg(strstr(e.hint, c->hint), "'%s': hint '%s'",
				      c->line, e.hint);
	} else if (c->ent) {
		ck_assert_msg(ran[0], "'%s' ran nothing", c->line);
		ck_assert_uint_eq(ran_n, c->nargs);
		ck_assert_str_eq(ran_a0, c->arg0);
		err_done(&e);
		ent = t_lookup_line(c->line[0] == '\'' ? "masq add out x" :
				    c->line, &used, &e);
		ck_assert_ptr_nonnull(ent);
		ck_assert_str_eq(ent->name, c->ent);
	} else {
		ck_assert_msg(ran[0] == '\0', "'%s' ran a command", c->line);
	}
	err_done(&e);
	out_free(ctx.out);
}
END_TEST

START_TEST(test_fail_code)
{
	struct cmd_ctx ctx;
	struct masq_err e;

	err_init(&e);
	t_ctx(&ctx, stdout, false);
	ck_assert_int_eq(cmd_run_line(&ctx, "fail", &e), MASQ_ESTORE);
	ck_assert_str_eq(e.msg, "boom");
	err_done(&e);
	ck_assert_int_eq(cmd_run_line(&ctx, "fa x", &e), MASQ_EFAIL);
	ck_assert_str_eq(e.msg, "'fail' failed");
	err_done(&e);
	/* cmd_find looks in the real table */
	ck_assert_ptr_null(cmd_find((const char *const[]){ "nosuch" }, 1, NULL,
				    &e));
	ck_assert_int_eq(e.code, MASQ_EUSAGE);
	err_done(&e);
	out_free(ctx.out);
}
END_TEST

/* ---- binding keywords ------------------------------------------------------ */

struct bind_case {
	const struct cmd_entry *ent;
	const char *args;	/* after the command words */
	int ok;
	int kw;			/* a keyword index to check when ok */
	const char *val;	/* its value ("" for flags: present) */
	const char *msg;
	size_t pos, len;	/* mark, relative to args */
	const char *hint;
};

static const struct bind_case bind_cases[] = {
	{ &t_masq_add, "out eth0 from 10.0.0.0/8", 0, KA_OUT, "eth0", NULL, 0, 0, NULL },
	{ &t_masq_add, "o eth0 fr 10.0.0.0/8", 0, KA_FROM, "10.0.0.0/8", NULL, 0, 0, NULL },
	{ &t_masq_add, "out a random", 0, KA_RANDOM, "random", NULL, 0, 0, NULL },
	{ &t_masq_add, "out a proto udp", 0, KA_PROTO, "udp", NULL, 0, 0, NULL },
	{ &t_masq_add, "out a at 3", 0, KA_AT, "3", NULL, 0, 0, NULL },
	{ &t_masq_add, "out a comment 'x y'", 0, KA_COMMENT, "x y", NULL, 0, 0, NULL },
	{ &t_masq_add, "out eth0 frm 1.2.3.4", -1, 0, NULL,
	  "unknown keyword 'frm' for 'masq add'", 9, 3, "did you mean 'from'?" },
	{ &t_masq_add, "from 10.0.0.0/8", -1, 0, NULL,
	  "'masq add' needs 'out IFACE[,..]'", 15, 1, "usage: masq add" },
	{ &t_masq_add, "from x out", -1, 0, NULL, "'out' needs a value: IFACE[,..]",
	  7, 3, "usage: masq add" },
	{ &t_masq_add, "out a out b", -1, 0, NULL, "'out' given twice", 6, 3, NULL },
	{ &t_masq_add, "out a proto icmp", -1, 0, NULL,
	  "'icmp' is not one of: tcp, udp", 12, 4, NULL },
	{ &t_masq_add, "out a proto tcpp", -1, 0, NULL, "not one of", 12, 4,
	  "did you mean 'tcp'?" },
	{ &t_masq_add, "out a at x1", -1, 0, NULL, "N 'x1' is not a number", 9, 2, NULL },
	{ &t_masq_add, "out a p tcp", -1, 0, NULL,
	  "ambiguous keyword 'p': proto, persistent", 6, 1, NULL },
	{ &t_masq_move, "3 to 1", 0, 1, "1", NULL, 0, 0, NULL },
	{ &t_masq_move, "3 t 1", 0, 0, "3", NULL, 0, 0, NULL },
	{ &t_masq_move, "to 1", -1, 0, NULL, "'masq move' needs ID", 4, 1, NULL },
	{ &t_masq_move, "3 to 1 9", -1, 0, NULL, "unknown keyword '9'", 7, 1, NULL },
	{ &t_masq_list, "x", -1, 0, NULL, "'masq list' takes no more words", 0, 1, NULL },
	/* a pending positional takes a word that only prefixes a keyword */
	{ &t_import, "r", 0, 0, "r", NULL, 0, 0, NULL },
	{ &t_import, "rules r", 0, 1, "r", NULL, 0, 0, NULL },
	{ &t_import, "replace", -1, 0, NULL, "needs FILE", 7, 1, NULL },
};

START_TEST(test_bind)
{
	const struct bind_case *c = &bind_cases[_i];
	char *line = NULL;
	const struct masq_tok *vals[KA_N];
	struct masq_err e;
	struct tok_list tl;
	struct cmd_args a;
	size_t skip = strlen(c->ent->name) + 1, words = 1;
	const char *p;
	int r;

	err_init(&e);
	ck_assert_int_ne(asprintf(&line, "%s %s", c->ent->name, c->args), -1);
	ck_assert_int_eq(tok_split(&tl, line, 0, &e), 0);
	/* the command's own words are the first tokens */
	for (p = c->ent->name; *p; p++)
		words += *p == ' ';
	a.n = tl.n - words;
	a.v = tl.v + (tl.n - a.n);
	a.line = tl.line;
	r = cmd_args_bind(c->ent, &a, vals, &e);
	ck_assert_msg(r == c->ok, "'%s': %d (%s)", line, r, e.msg);
	if (!r) {
		ck_assert_ptr_nonnull(vals[c->kw]);
		ck_assert_str_eq(vals[c->kw]->s, c->val);
	} else {
		ck_assert_msg(strstr(e.msg, c->msg), "'%s': msg '%s'", line,
			      e.msg);
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_ptr_nonnull(e.input);
		ck_assert_uint_eq(e.pos, skip + c->pos);
		ck_assert_uint_eq(e.len, c->len);
		if (c->hint)
			ck_assert_msg(strstr(e.hint, c->hint), "'%s': hint '%s'",
				      line, e.hint);
	}
	tok_list_done(&tl);
	err_done(&e);
	free(line);
}
END_TEST

/* ---- completion -------------------------------------------------------------- */

struct comp_case {
	const char *line;
	bool describe;
	const char *want[10];	/* all must be present (NULL-terminated) */
	const char *not[4];	/* none may be present */
	int exact;		/* -1: any count, else exactly this many */
};

static const struct comp_case comp_cases[] = {
	{ "", false, { "masq", "show", "shorewall", "diag", "import", "help", NULL },
	  { "__complete", NULL }, -1 },
	{ "ma", false, { "masq", NULL }, { NULL }, 1 },
	{ "masq ", false, { "add", "list", "del", "move", NULL }, { NULL }, 4 },
	{ "masq a", false, { "add", NULL }, { NULL }, 1 },
	{ "m a", false, { "add", NULL }, { NULL }, 1 },
	{ "sh", false, { "show", "shorewall", NULL }, { NULL }, 2 },
	{ "masq add ", false, { "at", "out", "from", "proto", "random",
	  "comment", "persistent", "ip", NULL }, { NULL }, 8 },
	{ "masq add out eth0 r", false, { "random", NULL }, { NULL }, 1 },
	{ "masq add out eth0 random ", false, { "from", "proto", NULL },
	  { "out", "random", NULL }, -1 },
	{ "masq add o eth0 pe", false, { "persistent", NULL }, { NULL }, 1 },
	{ "masq add proto ", false, { "tcp", "udp", NULL }, { NULL }, 2 },
	{ "masq add proto u", false, { "udp", NULL }, { NULL }, 1 },
	{ "masq add from 10.0.0.1,1", false, { NULL }, { NULL }, 0 },
	{ "masq add comment ", false, { NULL }, { NULL }, 0 },
	{ "masq add ip tc", false, { "tcp", NULL }, { NULL }, -1 },
	{ "masq add ip udp,tc", false, { "udp,tcp", NULL }, { NULL }, -1 },
	{ "masq add out l", false, { "lo", NULL }, { NULL }, -1 },
	{ "masq add out lo,l", false, { "lo,lo", NULL }, { NULL }, -1 },
	{ "masq add 'com", false, { "comment", NULL }, { NULL }, 1 },
	{ "masq list ", false, { NULL }, { NULL }, 0 },
	{ "zzz ", false, { NULL }, { NULL }, 0 },
	{ "help ", false, { "masq", "show", NULL }, { "__complete", NULL }, -1 },
	{ "help ma", false, { "masq", NULL }, { NULL }, 1 },
	{ "help masq ", false, { "add", "del", NULL }, { "out", NULL }, 4 },
	{ "help masq add ", false, { NULL }, { NULL }, 0 },
	{ "diag ", false, { "mtu", NULL }, { NULL }, 1 },
	{ "masq move 1 ", false, { "to", NULL }, { NULL }, 1 },
	/* '?' */
	{ "masq add ", true, { "out IFACE[,..]", "random", "at N", NULL },
	  { "<Enter>", NULL }, -1 },
	{ "masq add out eth0 ", true, { "<Enter>", "from SOURCE[,..]", NULL },
	  { "out IFACE[,..]", NULL }, -1 },
	{ "masq add out ", true, { "<IFACE[,..]>", "lo", NULL }, { "<Enter>", NULL }, -1 },
	{ "masq del ", true, { "<ID>", NULL }, { "<Enter>", NULL }, -1 },
	{ "masq ", true, { "add", "list", NULL }, { NULL }, 4 },
	{ "masq list ", true, { "<Enter>", NULL }, { NULL }, 1 },
};

static bool
has_word(const struct cmd_candidate *c, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i].word, w))
			return true;
	return false;
}

START_TEST(test_complete)
{
	const struct comp_case *cc = &comp_cases[_i];
	struct cmd_candidate *c;
	struct cmd_ctx ctx;
	size_t n, i;

	t_ctx(&ctx, stdout, false);
	if (cc->describe)
		ck_assert_int_eq(cmd_describe_line(&ctx, cc->line,
						   strlen(cc->line), &c, &n), 0);
	else
		ck_assert_int_eq(cmd_complete_line(&ctx, cc->line,
						   strlen(cc->line), &c, &n), 0);
	for (i = 0; cc->want[i]; i++)
		ck_assert_msg(has_word(c, n, cc->want[i]), "'%s': no '%s' (%zu)",
			      cc->line, cc->want[i], n);
	for (i = 0; cc->not[i]; i++)
		ck_assert_msg(!has_word(c, n, cc->not[i]), "'%s': has '%s'",
			      cc->line, cc->not[i]);
	if (cc->exact >= 0)
		ck_assert_msg(n == (size_t)cc->exact, "'%s': %zu candidates, want %d",
			      cc->line, n, cc->exact);
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].word, "out"))
			ck_assert_str_eq(c[i].help, "egress interfaces");
	cmd_candidates_free(c, n);
	out_free(ctx.out);
}
END_TEST

/* Completion at a point inside the line looks only at what is before it. */
START_TEST(test_complete_point)
{
	struct cmd_candidate *c;
	struct cmd_ctx ctx;
	size_t n;

	t_ctx(&ctx, stdout, false);
	cmd_complete_line(&ctx, "masq a out eth0", 6, &c, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c[0].word, "add");
	ck_assert_str_eq(c[0].help, "summary of masq add");
	cmd_candidates_free(c, n);
	out_free(ctx.out);
}
END_TEST

START_TEST(test_complete_ids)
{
	struct cmd_candidate *c;
	struct cmd_ctx ctx;
	struct store *s;
	struct masq_err e;
	int64_t id1, id2;
	char want[32];
	size_t n;

	err_init(&e);
	t_ctx(&ctx, stdout, false);
	/* no database yet: no ids, and completion does not create one */
	cmd_complete_line(&ctx, "masq del ", 9, &c, &n);
	ck_assert_uint_eq(n, 0);
	cmd_candidates_free(c, n);
	ck_assert_int_ne(access(db_path, F_OK), 0);

	ck_assert_msg(store_open(&s, db_path, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(store_row_insert(s, STORE_MASQ, 0, "out eth0", &id1, &e), 0);
	ck_assert_int_eq(store_row_insert(s, STORE_MASQ, 0, "out eth1", &id2, &e), 0);
	store_close(s);
	cmd_complete_line(&ctx, "masq del ", 9, &c, &n);
	ck_assert_uint_eq(n, 2);
	snprintf(want, sizeof(want), "%lld", (long long)id2);
	ck_assert(has_word(c, n, want));
	ck_assert_str_eq(c[1].help, "out eth1");
	cmd_candidates_free(c, n);
	cmd_complete_line(&ctx, "masq move 1 to ", 15, &c, &n);
	ck_assert_uint_eq(n, 0);	/* a position, not an id */
	cmd_candidates_free(c, n);
	out_free(ctx.out);
	err_done(&e);
}
END_TEST

START_TEST(test_complete_files)
{
	struct cmd_candidate *c;
	struct cmd_ctx ctx;
	char *line, *f, *want;
	FILE *fp;
	size_t n;

	t_ctx(&ctx, stdout, false);
	ck_assert_int_ne(asprintf(&f, "%s/rules.masq", tmpdir), -1);
	fp = fopen(f, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	free(f);
	ck_assert_int_ne(asprintf(&f, "%s/sub", tmpdir), -1);
	mkdir(f, 0700);
	free(f);
	ck_assert_int_ne(asprintf(&line, "import shorewall %s/", tmpdir), -1);
	cmd_complete_line(&ctx, line, strlen(line), &c, &n);
	ck_assert_int_ne(asprintf(&want, "%s/sub/", tmpdir), -1);
	ck_assert_msg(has_word(c, n, want), "no %s", want);
	free(want);
	ck_assert_int_ne(asprintf(&want, "%s/rules.masq", tmpdir), -1);
	ck_assert_msg(has_word(c, n, want), "no %s", want);
	free(want);
	cmd_candidates_free(c, n);
	free(line);
	out_free(ctx.out);
}
END_TEST

/* ---- live values: the tally behind TAB's conntrack addresses and ports ---- */

/* An IPv4 entry src:sport -> dst:dport; @gw non-NULL: SNAT'ed to gw:gport. */
static struct ct_entry
lv_ent(uint8_t proto, const char *src, uint16_t sport, const char *dst,
       uint16_t dport, const char *gw, uint16_t gport)
{
	struct ct_entry ce;
	int af = strchr(src, ':') ? AF_INET6 : AF_INET;

	memset(&ce, 0, sizeof(ce));
	ce.family = (uint8_t)af;
	ce.proto = proto;
	ck_assert_int_eq(inet_pton(af, src, &ce.orig.src), 1);
	ck_assert_int_eq(inet_pton(af, dst, &ce.orig.dst), 1);
	ce.orig.sport = sport;
	ce.orig.dport = dport;
	ce.reply.src = ce.orig.dst;
	ce.reply.sport = dport;
	ce.reply.dst = ce.orig.src;
	ce.reply.dport = sport;
	if (gw) {
		ce.status = CT_ST_SRC_NAT;
		ck_assert_int_eq(inet_pton(af, gw, &ce.reply.dst), 1);
		ce.reply.dport = gport;
	}
	return ce;
}

/* The tally of @field/@prefix over a fixed table, as "text=count ...". */
static void
lv_run(enum cmd_live field, const char *prefix, size_t max, char *got,
       size_t size)
{
	const struct ct_entry t[] = {
		lv_ent(IPPROTO_TCP, "192.168.1.10", 40000, "192.0.2.10", 443,
		       "198.51.100.2", 61000),
		lv_ent(IPPROTO_TCP, "192.168.1.10", 40001, "192.0.2.10", 80,
		       "198.51.100.2", 61001),
		lv_ent(IPPROTO_UDP, "192.168.1.10", 40002, "192.0.2.53", 53,
		       "198.51.100.3", 61002),
		lv_ent(IPPROTO_TCP, "192.168.1.11", 40003, "192.0.2.10", 443,
		       "198.51.100.2", 61003),
		lv_ent(IPPROTO_ICMP, "192.168.1.12", 7, "192.0.2.10", 0,
		       "198.51.100.2", 7),
		lv_ent(IPPROTO_TCP, "10.0.0.1", 5000, "192.0.2.10", 443,
		       NULL, 0),
		lv_ent(IPPROTO_TCP, "2001:db8::1", 5001, "2001:db8:1::9", 80,
		       NULL, 0),
	};
	struct live_value v[8];
	struct live_tally *lt = live_tally_new(field, prefix);
	size_t i, n, o = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		live_tally_add(lt, &t[i]);
	n = live_tally_top(lt, v, max);
	live_tally_free(lt);
	got[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(got + o, size - o, "%s%s=%lu",
				      i ? " " : "", v[i].text, v[i].count);
}

static const struct {
	enum cmd_live field;
	const char *prefix;
	size_t max;
	const char *want;
} lv_cases[] = {
	/* most frequent first, then shorter, then text order */
	{ CMD_LIVE_SRC, "", 8, "192.168.1.10=3 10.0.0.1=1 2001:db8::1=1 "
	  "192.168.1.11=1 192.168.1.12=1" },
	{ CMD_LIVE_SRC, "", 2, "192.168.1.10=3 10.0.0.1=1" },
	{ CMD_LIVE_SRC, "192.168.1.1", 8,
	  "192.168.1.10=3 192.168.1.11=1 192.168.1.12=1" },
	{ CMD_LIVE_SRC, "192.168.2", 8, "" },
	{ CMD_LIVE_DST, "192.0.2.", 8, "192.0.2.10=5 192.0.2.53=1" },
	/* only NAT'ed entries have a gateway side */
	{ CMD_LIVE_GW, "", 8, "198.51.100.2=4 198.51.100.3=1" },
	/* ICMP has no ports; numbers by value on equal counts */
	{ CMD_LIVE_DPORT, "", 8, "443=3 80=2 53=1" },
	{ CMD_LIVE_DPORT, "4", 8, "443=3" },
	{ CMD_LIVE_GPORT, "", 2, "61000=1 61001=1" },
	{ CMD_LIVE_SPORT, "5", 8, "5000=1 5001=1" },
	/* SRC[:PORT]: addresses until the word asks for a port */
	{ CMD_LIVE_SRC_EP, "192.168.1.1", 8,
	  "192.168.1.10=3 192.168.1.11=1 192.168.1.12=1" },
	{ CMD_LIVE_SRC_EP, "192.168.1.10:", 8, "192.168.1.10:40000=1 "
	  "192.168.1.10:40001=1 192.168.1.10:40002=1" },
	{ CMD_LIVE_SRC_EP, "192.168.1.12:", 8, "" },	/* ICMP */
	{ CMD_LIVE_SRC_EP, "2001:", 8, "2001:db8::1=1" },
	{ CMD_LIVE_SRC_EP, "[", 8, "[2001:db8::1]:5001=1" },
	{ CMD_LIVE_DST_EP, "192.0.2.10:4", 8, "192.0.2.10:443=3" },
	{ CMD_LIVE_DST_EP, "[2001:db8:1::9]:", 8, "[2001:db8:1::9]:80=1" },
};

START_TEST(test_live_tally)
{
	char got[512];

	lv_run(lv_cases[_i].field, lv_cases[_i].prefix, lv_cases[_i].max,
	       got, sizeof(got));
	ck_assert_str_eq(got, lv_cases[_i].want);
}
END_TEST

/* Distinct values past LIVE_DISTINCT_MAX are not counted, so memory stays
 * bounded however large the table; values already counted still are. */
START_TEST(test_live_tally_bounded)
{
	struct live_tally *lt = live_tally_new(CMD_LIVE_SRC, "");
	struct live_value v[2];
	struct ct_entry ce = lv_ent(IPPROTO_TCP, "10.0.0.0", 1, "192.0.2.1",
				    80, NULL, 0);
	uint32_t i;

	for (i = 0; i < LIVE_DISTINCT_MAX; i++) {
		ce.orig.src.w[0] = htonl(0x0a000000u + i);
		live_tally_add(lt, &ce);
	}
	ce.orig.src.w[0] = htonl(0x0a000000u + 7);	/* known: counted */
	live_tally_add(lt, &ce);
	ce.orig.src.w[0] = htonl(0xc0a80001u);		/* new: not */
	for (i = 0; i < 5; i++)
		live_tally_add(lt, &ce);
	ck_assert_uint_eq(live_tally_top(lt, v, 2), 2);
	ck_assert_str_eq(v[0].text, "10.0.0.7");
	ck_assert_uint_eq(v[0].count, 2);
	ck_assert_uint_eq(v[1].count, 1);
	live_tally_free(lt);
}
END_TEST

/* ---- help and __complete output ---------------------------------------------- */

struct out_case {
	const char *line;
	bool json;
	const char *want[4];
	const char *not;
};

static const struct out_case out_cases[] = {
	{ "help", false, { "  masq add ", "summary of show stats", "'help CMD'", NULL },
	  "__complete" },
	{ "help ma ad", false, { "usage: masq add ARGS\n", "  out IFACE[,..]",
	  "egress interfaces (required)", NULL }, NULL },
	{ "help masq", false, { "masq list", "masq move", NULL }, "show" },
	{ "help", true, { "{\"commands\":[{\"name\":\"masq add\"", "}]}\n", NULL },
	  "Words" },
	{ "help masq add", true, { "\"name\":\"proto\",\"meta\":\"tcp|udp\","
	  "\"type\":\"choice\"", "\"choices\":[\"tcp\",\"udp\"]", NULL }, NULL },
	{ "__complete 'masq a'", false, { "add\tsummary of masq add\n", NULL },
	  "list" },
	{ "__complete 'masq add out x ' describe", false, { "<Enter>\trun", NULL },
	  NULL },
	{ "__complete 'masq '", true, { "[{\"word\":\"add\",\"help\":\"summary of"
	  " masq add\"},{\"word\":\"list\"", "]\n", NULL }, NULL },
};

START_TEST(test_output)
{
	const struct out_case *c = &out_cases[_i];
	struct cmd_ctx ctx;
	struct masq_err e;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	err_init(&e);
	t_ctx(&ctx, fp, c->json);
	ck_assert_msg(cmd_run_line(&ctx, c->line, &e) == 0, "%s", e.msg);
	fclose(fp);
	for (i = 0; c->want[i]; i++)
		ck_assert_msg(strstr(buf, c->want[i]), "'%s': no '%s' in:\n%s",
			      c->line, c->want[i], buf);
	if (c->not)
		ck_assert_msg(!strstr(buf, c->not), "'%s': '%s' in:\n%s",
			      c->line, c->not, buf);
	if (c->json)
		ck_assert_msg(!strchr(buf, '\n') || strchr(buf, '\n') ==
			      buf + len - 1, "not one line: %s", buf);
	free(buf);
	out_free(ctx.out);
	err_done(&e);
}
END_TEST

START_TEST(test_help_errors)
{
	struct cmd_ctx ctx;
	struct masq_err e;

	err_init(&e);
	t_ctx(&ctx, stdout, false);
	ck_assert_int_eq(cmd_run_line(&ctx, "help msaq", &e), MASQ_EUSAGE);
	ck_assert_str_eq(e.hint, "did you mean 'masq'?");
	ck_assert_uint_eq(e.pos, 5);
	err_done(&e);
	ck_assert_int_eq(cmd_run_line(&ctx, "help masq list x", &e), MASQ_EUSAGE);
	ck_assert_uint_eq(e.pos, 15);
	err_done(&e);
	out_free(ctx.out);
}
END_TEST

/* ---- scripts ----------------------------------------------------------------- */

static const char script_text[] =
	"masq list\n"
	"# a comment \\\n"
	"masq add out eth0 \\\n"
	"   from 10.0.0.0/8\r\n"
	"\n"
	"a \\\\\n"
	"last \\";

START_TEST(test_script)
{
	static const struct { const char *line, *where; } want[] = {
		{ "masq list", "s:1" },
		{ "# a comment \\", "s:2" },
		{ "masq add out eth0     from 10.0.0.0/8", "s:3" },
		{ "", "s:5" },
		{ "a \\\\", "s:6" },
		{ "last  ", "s:7" },
	};
	struct cmd_script sc;
	struct masq_err e;
	size_t i;
	FILE *fp = fmemopen((void *)script_text, sizeof(script_text) - 1, "r");

	err_init(&e);
	ck_assert_ptr_nonnull(fp);
	cmd_script_init(&sc, fp, "s");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(cmd_script_next(&sc, &e), 1);
		ck_assert_str_eq(sc.line, want[i].line);
		ck_assert_str_eq(sc.where, want[i].where);
	}
	ck_assert_int_eq(cmd_script_next(&sc, &e), 0);
	ck_assert_uint_eq(sc.lineno, 7);
	cmd_script_done(&sc);
	fclose(fp);
}
END_TEST

/* An error on a continued line points at the physical line and column. */
START_TEST(test_script_locate)
{
	static const char text[] = "masq list\nmasq add out eth0 \\\n  frm x\n";
	struct cmd_script sc;
	struct cmd_ctx ctx;
	struct masq_err e;
	const struct masq_tok *vals[KA_N];
	struct tok_list tl;
	struct cmd_args a;
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "r");

	err_init(&e);
	t_ctx(&ctx, stdout, false);
	cmd_script_init(&sc, fp, "rules.msh");
	ck_assert_int_eq(cmd_script_next(&sc, &e), 1);
	ck_assert_int_eq(cmd_script_next(&sc, &e), 1);
	ck_assert_str_eq(sc.where, "rules.msh:2");
	ck_assert_int_eq(tok_split(&tl, sc.line, 0, &e), 0);
	a.n = tl.n - 2;
	a.v = tl.v + 2;
	a.line = tl.line;
	ck_assert_int_eq(cmd_args_bind(&t_masq_add, &a, vals, &e), -1);
	cmd_script_locate(&sc, &e);
	ck_assert_str_eq(sc.where, "rules.msh:3");
	ck_assert_str_eq(e.input, "  frm x");
	ck_assert_uint_eq(e.pos, 2);
	ck_assert_uint_eq(e.len, 3);
	tok_list_done(&tl);
	cmd_script_done(&sc);
	fclose(fp);
	out_free(ctx.out);
	err_done(&e);
}
END_TEST

/* ---- the real table ------------------------------------------------------------ */

/* Every real entry is reachable by its full name, names are unique, and
 * grammars are well formed (positionals have no prefix clash issues). */
START_TEST(test_real_table)
{
	const struct cmd_entry *const *t, *ent;
	const struct cmd_kw *k;
	struct masq_err e;
	const char *w[8];
	char *copy, *p, *save;
	size_t n, used;

	err_init(&e);
	for (t = cmd_table; *t; t++) {
		ck_assert_ptr_nonnull((*t)->name);
		ck_assert_ptr_nonnull((*t)->summary);
		ck_assert_ptr_nonnull((*t)->exec);
		copy = strdup((*t)->name);
		n = 0;
		save = NULL;
		for (p = strtok_r(copy, " ", &save); p && n < 8;
		     p = strtok_r(NULL, " ", &save))
			w[n++] = p;
		ck_assert_int_eq(cmd_lookup(cmd_table, w, NULL, n, &ent, &used,
					    NULL, &e), 0);
		ck_assert_ptr_eq(ent, *t);
		free(copy);
		for (k = (*t)->kws; k && k->name; k++)
			ck_assert_msg(k->type != CMD_ARG_CHOICE || k->choices,
				      "%s %s: choice without choices",
				      (*t)->name, k->name);
	}
	err_done(&e);
}
END_TEST

/* ---- the keyword resolver (core/kw.c) ------------------------------------ */

static const char *const kw_words[] = {
	"at", "out", NULL, "alias", "snat", "show", "shorewall", "out", "s",
	"stat", "stats",
};

static const struct kw_case {
	const char *word;
	int want;		/* index, KW_NONE or KW_AMBIGUOUS */
	const char *list;	/* kw_list(word) */
} kw_cases[] = {
	{ "at", 0, "at" },		/* exact, though a prefix of nothing */
	{ "a", KW_AMBIGUOUS, "at, alias" },
	{ "al", 3, "alias" },		/* unique prefix */
	{ "o", 1, "out" },		/* "out" twice counts once (the first) */
	{ "out", 1, "out" },
	{ "s", 8, "snat, show, shorewall, s, stat, stats" },  /* exact wins */
	{ "sh", KW_AMBIGUOUS, "show, shorewall" },
	{ "sho", KW_AMBIGUOUS, "show, shorewall" },
	{ "show", 5, "show" },
	{ "sta", KW_AMBIGUOUS, "stat, stats" },
	{ "stat", 9, "stat, stats" },	/* exact beats the longer word */
	{ "stats", 10, "stats" },
	{ "statsx", KW_NONE, "" },
	{ "x", KW_NONE, "" },
	{ "", KW_NONE, "at, out, alias, snat, show, shorewall, s, stat, stats" },
	{ "OUT", 1, "out" },		/* case is ignored */
	{ "AL", 3, "alias" },
	{ "Sh", KW_AMBIGUOUS, "show, shorewall" },
};

START_TEST(test_kw)
{
	const struct kw_case *c = &kw_cases[_i];
	size_t n = sizeof(kw_words) / sizeof(kw_words[0]);
	struct masq_tok t = { c->word, "xx ", 3, strlen(c->word) };
	char list[128];
	struct masq_err e;
	int k;

	ck_assert_int_eq(kw_find(kw_words, n, c->word), c->want);
	kw_list(kw_words, n, c->word, list, sizeof(list));
	ck_assert_str_eq(list, c->list);
	err_init(&e);
	k = kw_resolve(kw_words, n, &t, "keyword", "masq add", &e);
	if (c->want >= 0) {
		ck_assert_int_eq(k, c->want);
		ck_assert_int_eq(e.code, MASQ_OK);
	} else {
		ck_assert_int_eq(k, -1);
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_uint_eq(e.pos, 3);
		if (c->want == KW_AMBIGUOUS)
			ck_assert_msg(strstr(e.msg, c->list) &&
				      !strncmp(e.msg, "ambiguous keyword", 17),
				      "%s", e.msg);
		else
			ck_assert_msg(strstr(e.msg, "for 'masq add'"), "%s",
				      e.msg);
	}
	err_done(&e);
}
END_TEST

/* Lists that do not fit end in ", ..."; tiny buffers stay terminated. */
START_TEST(test_kw_list_short)
{
	static const char *const w[] = { "alpha", "beta", "gamma" };
	char buf[20];

	kw_list(w, 3, "", buf, sizeof(buf));
	ck_assert_str_eq(buf, "alpha, beta, ...");
	kw_list(w, 3, "", buf, 4);
	ck_assert_str_eq(buf, "");
	ck_assert_str_eq(kw_suggest(w, 3, "gama"), "gamma");
	ck_assert_ptr_null(kw_suggest(w, 3, "zzzzzz"));
}
END_TEST

/* The dispatcher hands handlers whole words: keywords and choices given
 * by a unique prefix arrive spelled as in the table, the mark still on
 * what was typed; a REST keyword takes every word after it. */
START_TEST(test_resolve_canon)
{
	static const struct cmd_kw kws[] = {
		{ "at", CMD_ARG_NUM, "N", "pos", 0, NULL },
		{ "proto", CMD_ARG_CHOICE, "P", "p", 0, t_protos },
		{ "line", CMD_ARG_TEXT, "COLS", "cols", CMD_KW_REST, NULL },
		{ NULL, CMD_ARG_NONE, NULL, NULL, 0, NULL },
	};
	static const struct cmd_entry ent = T_ENTRY("x", kws, 0);
	const struct masq_tok *vals[3];
	struct masq_err e;
	struct tok_list tl;
	struct cmd_args a;

	err_init(&e);
	ck_assert_int_eq(tok_split(&tl, "a 3 pr u li eth0 at - u", 0, &e), 0);
	ck_assert_int_eq(cmd_args_resolve(&ent, tl.v, tl.n, tl.line, &e), 0);
	ck_assert_str_eq(tl.v[0].s, "at");
	ck_assert_str_eq(tl.v[2].s, "proto");
	ck_assert_str_eq(tl.v[3].s, "udp");
	ck_assert_uint_eq(tl.v[3].off, 7);
	ck_assert_uint_eq(tl.v[3].len, 1);
	ck_assert_str_eq(tl.v[4].s, "line");
	/* the line's words stay as typed, "at" and "u" included */
	ck_assert_str_eq(tl.v[6].s, "at");
	ck_assert_str_eq(tl.v[8].s, "u");
	a.n = tl.n;
	a.v = tl.v;
	a.line = tl.line;
	ck_assert_int_eq(cmd_args_bind(&ent, &a, vals, &e), 0);
	ck_assert_ptr_eq(cmd_args_get(&ent, vals, "line"), &tl.v[5]);
	ck_assert_ptr_eq(cmd_args_get(&ent, vals, "at"), &tl.v[1]);
	tok_list_done(&tl);
	/* on error the words are left as typed */
	ck_assert_int_eq(tok_split(&tl, "pr u a", 0, &e), 0);
	ck_assert_int_eq(cmd_args_resolve(&ent, tl.v, tl.n, tl.line, &e), -1);
	ck_assert_str_eq(tl.v[0].s, "pr");
	tok_list_done(&tl);
	err_done(&e);
}
END_TEST

/* A sample value of @kw's type that its grammar check accepts. */
static const char *
t_sample(const struct cmd_kw *kw)
{
	switch (kw->type) {
	case CMD_ARG_NUM:
	case CMD_ARG_MASQ_ID:
	case CMD_ARG_FWD_ID:
		return "1";
	case CMD_ARG_CHOICE:
		return kw->choices[0];
	case CMD_ARG_ADDR:
		return "192.0.2.1";
	case CMD_ARG_IFACE:
		return "eth0";
	case CMD_ARG_PROTO:
		return "tcp";
	default:
		return "x";
	}
}

/*
 * Every command of the real table, given what it requires and all its
 * positionals, then one word more, is refused by the check the dispatcher
 * runs before any handler (cmd_args_resolve): exit 2, the mark on that
 * word.  Generic, so a new command cannot forget it.  Nothing is run here
 * (this process is in the host's namespace); tests/cli/strict_words.msh
 * runs the same through cmd_run_line.  Skipped: CMD_OWN_ARGS entries
 * (filters, covered there) and entries whose last positional repeats with
 * any word (help CMD.., diag crlf PATH..), where the extra word is a value.
 */
START_TEST(test_real_table_extra)
{
	const struct cmd_entry *const *t, *ent;
	const struct cmd_kw *k;
	struct masq_err e;
	struct tok_list tl;
	const char *w[32];
	char line[512];
	size_t o, i, used, checked = 0;
	bool skip;

	for (t = cmd_table; *t; t++) {
		skip = (*t)->flags & CMD_OWN_ARGS;
		o = (size_t)snprintf(line, sizeof(line), "%s", (*t)->name);
		for (k = (*t)->kws; k && k->name; k++) {
			if (k->flags & CMD_KW_POSITIONAL && k->flags &
			    CMD_KW_REPEAT && k->type != CMD_ARG_CHOICE)
				skip = true;
			if (!(k->flags & (CMD_KW_REQUIRED | CMD_KW_POSITIONAL)))
				continue;
			if (k->flags & CMD_KW_POSITIONAL)
				o += (size_t)snprintf(line + o, sizeof(line) - o,
						      " '%s'", t_sample(k));
			else
				o += (size_t)snprintf(line + o, sizeof(line) - o,
						      " %s '%s'", k->name,
						      t_sample(k));
		}
		if (skip)
			continue;
		err_init(&e);
		ck_assert_int_eq(tok_split(&tl, line, 0, &e), 0);
		for (i = 0; i < tl.n && i < 32; i++)
			w[i] = tl.v[i].s;
		ck_assert_int_eq(cmd_lookup(cmd_table, w, tl.v, i, &ent,
					    &used, NULL, &e), 0);
		ck_assert_ptr_eq(ent, *t);
		ck_assert_msg(cmd_args_resolve(ent, tl.v + used, tl.n - used,
					       tl.line, &e) == 0,
			      "'%s': %s", line, e.msg);
		tok_list_done(&tl);
		snprintf(line + o, sizeof(line) - o, " zzextra");
		ck_assert_int_eq(tok_split(&tl, line, 0, &e), 0);
		ck_assert_msg(cmd_args_resolve(ent, tl.v + used, tl.n - used,
					       tl.line, &e) == -1,
			      "'%s' accepted", line);
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_msg(e.input && e.pos == o + 1 && e.len == 7,
			      "'%s': marked %zu+%zu, want %zu+7 (%s)", line,
			      e.pos, e.len, o + 1, e.msg);
		tok_list_done(&tl);
		err_done(&e);
		checked++;
	}
	ck_assert_uint_ge(checked, 38);
}
END_TEST

static bool
t_names_equal(const struct cmd_entry *ent, const char *const *nat, size_t n,
	      const char *const *extra)
{
	const struct cmd_kw *k;
	size_t i, m = 0;

	for (k = ent->kws; k->name; k++) {
		for (i = 0; extra[i] && strcmp(extra[i], k->name); i++)
			;
		if (extra[i])
			continue;
		for (i = 0; i < n && strcmp(nat[i], k->name); i++)
			;
		if (i == n)
			return false;
		m++;
	}
	return m == n;
}

/* The shell's grammars for the rule forms hold the rule parsers' words
 * plus their own, so both resolve a prefix to the same word. */
START_TEST(test_rule_grammar_sync)
{
	static const char *const masq_extra[] = { "at", "line", NULL };
	static const char *const fwd_extra[] = { "at", NULL };
	static const char *const howto[] = { "tcp", "tcpfin", "udp", NULL };
	const struct nat_timeout *tab;
	const char *const *w, *states[NAT_TIMEOUTS_NMAX];
	size_t n, i;

	w = nat_rule_keywords(&n);
	ck_assert(t_names_equal(&cmd_masq_add_entry, w, n, masq_extra));
	w = nat_forward_keywords(&n);
	ck_assert(t_names_equal(&cmd_forward_add_entry, w, n, fwd_extra));
	/* timeouts: the HOWTO's three words and every state */
	tab = nat_timeouts_table(&n);
	for (i = 0; i < n; i++)
		states[i] = tab[i].name;
	ck_assert(t_names_equal(&cmd_timeouts_set_entry, states, n, howto));
	ck_assert(t_names_equal(&cmd_timeouts_reset_entry, states, n, howto));
}
END_TEST

/* Outside the interactive shell a warning repeated in one run (several
 * -c: no position) prints once, and the run ends with the count. */
START_TEST(test_warn_repeat)
{
	struct cmd_ctx ctx;
	char buf[1024];
	size_t len;
	FILE *fp = tmpfile();
	int saved = dup(STDERR_FILENO);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ne(dup2(fileno(fp), STDERR_FILENO), -1);
	memset(&ctx, 0, sizeof(ctx));
	cmds_warn(&ctx, "interface '%s' does not exist (yet)", "ppp0");
	cmds_warn(&ctx, "interface '%s' does not exist (yet)", "ppp1");
	ctx.where = "r.msh:7";
	cmds_warn(&ctx, "interface '%s' does not exist (yet)", "ppp0");
	ctx.where = NULL;
	cmds_warn(&ctx, "interface '%s' does not exist (yet)", "ppp0");
	cmd_ctx_done(&ctx);
	ctx.interactive = true;		/* the shell: each one, as it comes */
	cmds_warn(&ctx, "x");
	cmds_warn(&ctx, "x");
	cmd_ctx_done(&ctx);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(fp);
	len = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[len] = '\0';
	fclose(fp);
	ck_assert_str_eq(buf,
		"masqsh: warning: interface 'ppp0' does not exist (yet)\n"
		"masqsh: warning: interface 'ppp1' does not exist (yet)\n"
		"masqsh: warning: repeated 2 more times: interface 'ppp0' "
		"does not exist (yet)\n"
		"masqsh: warning: x\n"
		"masqsh: warning: x\n");
}
END_TEST

/* ---- explain: the userspace walk of one flow (nat/explain.c) ---- */

static const char *const explain_masq_rules[] = {
	"out wan0 from 192.168.2.0/24 nonat",
	"out wan0 from 192.168.1.0/24 proto tcp dport 25 mark 1 snat 198.51.100.3",
	"out wan0 from 192.168.1.0/24 except 192.168.1.99",
	"out ppp+ from 192.168.0.0/16",
	"out wan0 to 10.0.0.0/8 from 192.168.1.0/24 user 0",
};
static const char *const explain_fwd_rules[] = {
	"in wan0 proto tcp dport 8080 to 192.168.1.10:80",
	"in wan0 dport 5000-5009 to 192.168.1.20",
};

static const struct explain_case {
	const char *flow;	/* "PROTO SRC SPORT DST DPORT IIF OIF [local]" */
	long fwd, masq;		/* deciding id, -1 none */
	const char *verdicts;	/* forwards then masq rules */
	const char *after;	/* destination after DNAT, or NULL */
} explain_cases[] = {
	{ "6 192.168.1.10 40000 192.0.2.10 25 lan0 wan0", -1, 3,
	  "no no | no if match no no", NULL },
	{ "17 192.168.1.99 53 192.0.2.10 53 lan0 wan0", -1, -1,
	  "no no | no no no no no", NULL },
	{ "17 192.168.1.99 53 192.0.2.10 53 lan0 ppp3", -1, 4,
	  "no no | no no no match no", NULL },
	{ "1 192.168.2.5 0 192.0.2.1 0 lan0 wan0", -1, 1,
	  "no no | match no no no no", NULL },
	/* unknown out: interface-bound rules are conditions */
	{ "6 192.168.1.10 40000 192.0.2.10 443 lan0 -", -1, -1,
	  "no no | no no if if no", NULL },
	/* forwards: tcp 8080 -> .10:80; udp 5003 -> .20 (port kept) */
	{ "6 192.0.2.7 5555 198.51.100.2 8080 wan0 lan0", 1, -1,
	  "match no | no no no no no", "192.168.1.10:80" },
	{ "17 192.0.2.7 5555 198.51.100.2 5003 wan0 lan0", 2, -1,
	  "no match | no no no no no", "192.168.1.20:5003" },
	{ "6 192.0.2.7 5555 198.51.100.2 8080 lan0 lan0", -1, -1,
	  "no no | no no no no no", NULL },
	{ "6 192.0.2.7 5555 198.51.100.2 8080 - lan0", -1, -1,
	  "if no | no no no no no", NULL },
	/* sent by this host: no forwards; user only here */
	{ "6 192.168.1.1 33000 10.1.2.3 22 - wan0 local", -1, 3,
	  "no no | no no match no shadowed", NULL },
	{ "6 192.168.1.1 33000 10.1.2.3 22 - eth9 local", -1, -1,
	  "no no | no no no no no", NULL },
	/* forwarded: the user rule cannot match */
	{ "6 192.168.1.7 33000 10.1.2.3 22 lan0 wan0", -1, 3,
	  "no no | no no match no no", NULL },
};

static const char *
explain_vword(enum explain_verdict v)
{
	return v == EXPLAIN_MATCH ? "match" : v == EXPLAIN_COND ? "if" :
	       v == EXPLAIN_SHADOWED ? "shadowed" : "no";
}

static void
explain_rules(struct nat_ruleset *rs)
{
	struct masq_err e;
	struct tok_list tl;
	size_t i;

	err_init(&e);
	for (i = 0; i < sizeof(explain_masq_rules) / sizeof(*explain_masq_rules);
	     i++) {
		struct nat_rule r;

		nat_rule_init(&r);
		ck_assert_int_eq(tok_split(&tl, explain_masq_rules[i], 0, &e), 0);
		ck_assert_msg(nat_rule_parse_kw(&r, tl.v, tl.n, &e) == 0,
			      "%s: %s", explain_masq_rules[i], e.msg);
		r.id = (int64_t)i + 1;
		r.pos = (unsigned int)i + 1;
		nat_ruleset_add_masq(rs, &r);
		nat_rule_done(&r);
		tok_list_done(&tl);
	}
	for (i = 0; i < sizeof(explain_fwd_rules) / sizeof(*explain_fwd_rules);
	     i++) {
		struct nat_forward f;

		nat_forward_init(&f);
		ck_assert_int_eq(tok_split(&tl, explain_fwd_rules[i], 0, &e), 0);
		ck_assert_msg(nat_forward_parse_kw(&f, tl.v, tl.n, &e) == 0,
			      "%s: %s", explain_fwd_rules[i], e.msg);
		f.id = (int64_t)i + 1;
		f.pos = (unsigned int)i + 1;
		nat_ruleset_add_fwd(rs, &f);
		nat_forward_done(&f);
		tok_list_done(&tl);
	}
	err_done(&e);
}

START_TEST(test_explain)
{
	const struct explain_case *c = &explain_cases[_i];
	struct explain_flow f, after;
	struct explain_result res;
	struct nat_ruleset rs;
	char src[64], dst[64], iif[16], oif[16], loc[8] = "", got[200] = "";
	char adst[64];
	unsigned int proto, sport, dport;
	size_t i;

	nat_ruleset_init(&rs);
	explain_rules(&rs);
	memset(&f, 0, sizeof(f));
	ck_assert_int_ge(sscanf(c->flow, "%u %63s %u %63s %u %15s %15s %7s",
				&proto, src, &sport, dst, &dport, iif, oif,
				loc), 7);
	f.family = AF_INET;
	f.proto = (uint8_t)proto;
	ck_assert_int_eq(inet_pton(AF_INET, src, f.src), 1);
	ck_assert_int_eq(inet_pton(AF_INET, dst, f.dst), 1);
	f.has_sport = f.has_dport = proto == 6 || proto == 17;
	f.sport = (uint16_t)sport;
	f.dport = (uint16_t)dport;
	if (strcmp(iif, "-"))
		snprintf(f.iif, sizeof(f.iif), "%s", iif);
	if (strcmp(oif, "-"))
		snprintf(f.oif, sizeof(f.oif), "%s", oif);
	f.local_src = !strcmp(loc, "local");
	explain_result_init(&res);
	explain_forwards(&rs, &f, &res, &after);
	explain_masq(&rs, &after, &res);
	for (i = 0; i < res.n_steps; i++) {
		if (i && res.steps[i - 1].fwd && !res.steps[i].fwd)
			strcat(got, " |");
		if (i)
			strcat(got, " ");
		strcat(got, explain_vword(res.steps[i].verdict));
	}
	ck_assert_msg(!strcmp(got, c->verdicts), "%s: verdicts '%s', want '%s'",
		      c->flow, got, c->verdicts);
	ck_assert_int_eq(res.fwd_hit < 0 ? -1 : rs.fwd[res.fwd_hit].id, c->fwd);
	ck_assert_int_eq(res.masq_hit < 0 ? -1 : rs.masq[res.masq_hit].id,
			 c->masq);
	if (c->after) {
		inet_ntop(AF_INET, after.dst, adst, sizeof(adst));
		snprintf(got, sizeof(got), "%s:%u", adst, after.dport);
		ck_assert_str_eq(got, c->after);
	}
	for (i = 0; i < res.n_steps; i++)
		ck_assert_msg(res.steps[i].verdict == EXPLAIN_MATCH ||
			      res.steps[i].verdict == EXPLAIN_SHADOWED ||
			      res.steps[i].why[0], "%s: step %zu has no why",
			      c->flow, i);
	explain_result_done(&res);
	nat_ruleset_done(&rs);
}
END_TEST

static const struct endpoint_case {
	const char *in, *proto;
	int ok, family;
	const char *addr;
	int port;		/* -1: none */
} endpoint_cases[] = {
	{ "192.168.1.10", "tcp", 1, AF_INET, "192.168.1.10", -1 },
	{ "192.168.1.10:40000", "tcp", 1, AF_INET, "192.168.1.10", 40000 },
	{ "192.0.2.1:smtp", "tcp", 1, AF_INET, "192.0.2.1", 25 },
	{ "[2001:db8::1]:443", "tcp", 1, AF_INET6, "2001:db8::1", 443 },
	{ "2001:db8::1", "udp", 1, AF_INET6, "2001:db8::1", -1 },
	{ "[2001:db8::1]", "udp", 1, AF_INET6, "2001:db8::1", -1 },
	{ "192.168.1.0/24", "tcp", 0, 0, NULL, 0 },
	{ "192.168.1.10:", "tcp", 0, 0, NULL, 0 },
	{ "192.168.1.10:70000", "tcp", 0, 0, NULL, 0 },
	{ "192.168.1.10:nosuchservice", "tcp", 0, 0, NULL, 0 },
	{ "[2001:db8::1", "tcp", 0, 0, NULL, 0 },
	{ "host.example", "tcp", 0, 0, NULL, 0 },
	{ ":80", "tcp", 0, 0, NULL, 0 },
};

START_TEST(test_explain_endpoint)
{
	const struct endpoint_case *c = &endpoint_cases[_i];
	struct masq_tok t = { c->in, c->in, 0, strlen(c->in) };
	uint8_t addr[16] = { 0 }, want[16] = { 0 };
	struct masq_err e;
	bool has_port = false;
	uint16_t port = 0;
	int family = 0, rc;

	err_init(&e);
	rc = explain_endpoint_parse(&t, c->proto, &family, addr, &has_port,
				    &port, &e);
	if (!c->ok) {
		ck_assert_msg(rc == -1, "%s: accepted", c->in);
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_uint_eq(e.len, strlen(c->in));
		err_done(&e);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", c->in, e.msg);
	ck_assert_int_eq(family, c->family);
	ck_assert_int_eq(inet_pton(c->family, c->addr, want), 1);
	ck_assert_mem_eq(addr, want, c->family == AF_INET ? 4 : 16);
	ck_assert_int_eq(has_port, c->port >= 0);
	if (c->port >= 0)
		ck_assert_int_eq(port, c->port);
	err_done(&e);
}
END_TEST

START_TEST(test_ruleset_text_count)
{
	ck_assert_uint_eq(nat_ruleset_text_count(""), 0);
	ck_assert_uint_eq(nat_ruleset_text_count(NULL), 0);
	ck_assert_uint_eq(nat_ruleset_text_count("masq add out eth0\n"
						 "forward add in eth0 dport 80 "
						 "to 10.0.0.1\n# comment\n"
						 "masq add out eth1"), 3);
}
END_TEST

START_TEST(test_ruleset_text_ids)
{
	struct nat_ruleset rs;
	char *ids;

	nat_ruleset_init(&rs);
	ids = nat_ruleset_text_ids(&rs);
	ck_assert_str_eq(ids, "");
	free(ids);
	explain_rules(&rs);
	rs.fwd[0].id = 40;
	ids = nat_ruleset_text_ids(&rs);
	ck_assert_str_eq(ids, "1 2 3 4 5 40 2");
	free(ids);
	nat_ruleset_done(&rs);
}
END_TEST

static Suite *
shell_suite(void)
{
	Suite *s = suite_create("shell");
	TCase *tc = tcase_create("shell");

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
	tcase_add_loop_test(tc, test_match, 0, N(match_cases));
	tcase_add_test(tc, test_fail_code);
	tcase_add_loop_test(tc, test_bind, 0, N(bind_cases));
	tcase_add_loop_test(tc, test_complete, 0, N(comp_cases));
	tcase_add_test(tc, test_complete_point);
	tcase_add_test(tc, test_complete_ids);
	tcase_add_test(tc, test_complete_files);
	tcase_add_loop_test(tc, test_live_tally, 0, N(lv_cases));
	tcase_add_test(tc, test_live_tally_bounded);
	tcase_add_loop_test(tc, test_output, 0, N(out_cases));
	tcase_add_test(tc, test_help_errors);
	tcase_add_test(tc, test_script);
	tcase_add_test(tc, test_script_locate);
	tcase_add_test(tc, test_real_table);
	tcase_add_loop_test(tc, test_kw, 0, N(kw_cases));
	tcase_add_test(tc, test_kw_list_short);
	tcase_add_test(tc, test_resolve_canon);
	tcase_add_test(tc, test_real_table_extra);
	tcase_add_test(tc, test_rule_grammar_sync);
	tcase_add_test(tc, test_warn_repeat);
	tcase_add_loop_test(tc, test_explain, 0, N(explain_cases));
	tcase_add_loop_test(tc, test_explain_endpoint, 0, N(endpoint_cases));
	tcase_add_test(tc, test_ruleset_text_count);
	tcase_add_test(tc, test_ruleset_text_ids);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;
	char cmd[64];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	if (asprintf(&db_path, "%s/masq.db", tmpdir) < 0)
		return 1;
	sr = srunner_create(shell_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_shell: could not remove %s\n", tmpdir);
	free(db_path);
	return failed ? 1 : 0;
}

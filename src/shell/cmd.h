/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd.h - the command table of masqsh and the one entry point every input
 * path goes through: the REPL, each -c, -f files, masqtop's keys and the
 * hidden completion command used by completions/.
 *
 * One struct cmd_entry per command (tmux's cmd_table idea): its words, its
 * keyword grammar (which drives '?' help and TAB completion), usage, help
 * and handler.  Nothing else re-implements the grammar.  Command words
 * accept unique prefixes; an ambiguous prefix is an error naming the
 * candidates; an unknown word gets a "did you mean".
 */
#ifndef MASQ_SHELL_CMD_H
#define MASQ_SHELL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "core/out.h"
#include "core/store.h"

/* What a command's handler runs with. */
struct cmd_ctx {
	const char *db_path;	/* --db / MASQSH_DB / default */
	struct store *store;	/* opened on first use: cmd_ctx_store() */
	struct out *out;	/* stdout, text or JSON */
	bool json;		/* -j */
	bool check_only;	/* -n: parse, validate, print the plan */
	bool interactive;	/* a person at a terminal (may be asked) */
	const char *where;	/* "file:line" while running -f, else NULL */
	/* Ask a yes/no question (interactive only); NULL: never asks. */
	bool (*confirm)(struct cmd_ctx *ctx, const char *question);
	/* The commands to match against; NULL: cmd_table (tests, masqtop). */
	const struct cmd_entry *const *table;
	struct cmd_warns *warns;	/* warnings said in this run (warn.c) */
	/* The command cmd_run_line() runs now, or NULL. */
	const struct cmd_entry *cmd;
};

/*
 * The store for the running command (cmd_store.c): a CMD_WRITES command
 * gets STORE_STAGE (a missing database is created by its first write),
 * any other STORE_READ (a missing database is an error; read-write only
 * when this process may write the file).  Under -n every command gets
 * STORE_CHECK: nothing is written or created, and a missing database
 * reads as empty.  Kept open for the next command.  -1 on error
 * (MASQ_ESTORE).
 */
int cmd_ctx_store(struct cmd_ctx *ctx, struct store **s, struct masq_err *e);
/* Close what the context opened, and end the run: on stderr, how often
 * each warning repeated (see cmds_warn).  Cannot fail. */
/* The same with the mode said by the command (apply: STORE_WRITE, the
 * engine: STORE_CREATE). */
int cmd_ctx_store_mode(struct cmd_ctx *ctx, enum store_mode mode,
		       struct store **s, struct masq_err *e);
/* Close what the context opened. */
void cmd_ctx_done(struct cmd_ctx *ctx);

enum cmd_arg_type {
	CMD_ARG_NONE = 0,	/* a flag keyword, no value ("random") */
	CMD_ARG_WORD,		/* any word */
	CMD_ARG_NUM,		/* a non-negative integer */
	CMD_ARG_IFACE,		/* interface name(s): completes live names */
	CMD_ARG_ADDR,		/* address/network list */
	CMD_ARG_PROTO,		/* protocol name(s): /etc/protocols */
	CMD_ARG_PORTS,		/* ports/services: /etc/services */
	CMD_ARG_TEXT,		/* free text (quote it) */
	CMD_ARG_FILE,		/* a path: completes files */
	CMD_ARG_MASQ_ID,	/* a masq rule id: completes stored ids */
	CMD_ARG_FWD_ID,		/* a forward id */
	CMD_ARG_CHOICE,		/* one of .choices */
};

enum {
	CMD_KW_REQUIRED = 1 << 0,	/* must appear */
	CMD_KW_POSITIONAL = 1 << 1,	/* a bare value, in order, no keyword */
	CMD_KW_REPEAT = 1 << 2,		/* may appear more than once */
	CMD_KW_REST = 1 << 3,		/* its value is every word after it
					 * ("masq add line eth0 -") */
};

/*
 * Which field of the conntrack table TAB offers for a word's value: the
 * values in the table now, most frequent first (complete_live.h).  The
 * original direction's source or destination, or the gateway side of a
 * NAT'ed entry as the filter's gw/gport read it (ctent_gateway()).
 */
enum cmd_live {
	CMD_LIVE_NONE = 0,
	CMD_LIVE_SRC,		/* source address */
	CMD_LIVE_DST,		/* destination address */
	CMD_LIVE_GW,		/* gateway-side (masq'ed as) address */
	CMD_LIVE_SPORT,		/* source port */
	CMD_LIVE_DPORT,		/* destination port */
	CMD_LIVE_GPORT,		/* gateway-side port */
	CMD_LIVE_SRC_EP,	/* SRC[:PORT]: addresses; "addr:port" once the
				 * word holds an IPv4 address and ':' or
				 * starts with '[' */
	CMD_LIVE_DST_EP,	/* DST[:PORT], the same */
};

/* One word of a command's grammar. */
struct cmd_kw {
	const char *name;		/* keyword, or the value's name if positional */
	enum cmd_arg_type type;
	const char *meta;		/* value placeholder for usage: "IFACE[,..]" */
	const char *help;		/* one line, shown by '?' */
	unsigned int flags;
	const char *const *choices;	/* CMD_ARG_CHOICE, NULL-terminated */
	enum cmd_live live;		/* TAB's values from conntrack, if any */
};

/* The words after the command's own words, as typed. */
struct cmd_args {
	size_t n;
	const struct masq_tok *v;
	const char *line;		/* the whole input line */
};

enum {
	CMD_WRITES = 1 << 0,		/* changes the store (-n: does not) */
	CMD_KERNEL = 1 << 1,		/* talks to the kernel */
	CMD_HIDDEN = 1 << 2,		/* not listed by help (completion hook) */
	CMD_OWN_ARGS = 1 << 3,		/* the handler parses its words itself
					 * (a filter expression) and rejects
					 * every word it does not take */
};

struct cmd_entry {
	const char *name;		/* its words: "masq add" */
	const char *usage;		/* one line after the name */
	const char *summary;		/* one line for help lists and '?' */
	const char *help;		/* paragraph(s) for `help CMD`, or NULL */
	const struct cmd_kw *kws;	/* grammar, terminated by {NULL}; or NULL */
	unsigned int flags;
	/* Run.  0 on success; -1 with @e filled.  Prints via ctx->out. */
	int (*exec)(struct cmd_ctx *ctx, const struct cmd_args *a,
		    struct masq_err *e);
};

/* Every command, in help order; NULL-terminated.  Defined in cmd.c. */
extern const struct cmd_entry *const cmd_table[];

/* Entries defined by the command files. */
extern const struct cmd_entry cmd_masq_add_entry, cmd_masq_list_entry,
	cmd_masq_del_entry, cmd_masq_move_entry, cmd_masq_show_entry;
extern const struct cmd_entry cmd_forward_add_entry, cmd_forward_list_entry,
	cmd_forward_del_entry;
extern const struct cmd_entry cmd_import_shorewall_entry,
	cmd_export_shorewall_entry;
extern const struct cmd_entry cmd_import_iptables_entry;	/* cmd_import_ipt.c */
extern const struct cmd_entry cmd_check_entry, cmd_show_compiled_entry,
	cmd_diff_entry, cmd_apply_entry;
extern const struct cmd_entry cmd_show_masq_entry, cmd_show_conntrack_entry,
	cmd_show_stats_entry, cmd_kill_entry, cmd_watch_entry;
extern const struct cmd_entry cmd_show_ports_entry, cmd_show_timeouts_entry,
	cmd_timeouts_set_entry, cmd_timeouts_reset_entry;
extern const struct cmd_entry cmd_help_entry, cmd_complete_entry;
extern const struct cmd_entry cmd_diag_entry, cmd_diag_list_entry,
	cmd_diag_crlf_entry, cmd_diag_mtu_entry;
extern const struct cmd_entry cmd_diag_dynaddr_entry, cmd_diag_ports_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_clamp_mss_entry, cmd_clamp_off_entry;
/* conntrack helpers (cmd_helper.c) */
extern const struct cmd_entry cmd_helper_add_entry, cmd_helper_del_entry,
	cmd_helper_list_entry;
extern const struct cmd_entry cmd_engine_entry, cmd_show_alerts_entry;
/* lifecycle: history, rollback, confirm (cmd_revisions.c), export nft,
 * explain */
extern const struct cmd_entry cmd_revisions_entry, cmd_rollback_entry,
	cmd_confirm_entry, cmd_confirm_timer_entry;
extern const struct cmd_entry cmd_export_nft_entry, cmd_explain_entry;

/* the NAT pair (cmd_ha.c, cmd_ha_export.c) */
extern const struct cmd_entry cmd_ha_sync_entry, cmd_ha_vip_entry,
	cmd_ha_role_entry, cmd_ha_show_entry, cmd_ha_off_entry,
	cmd_ha_apply_entry, cmd_export_conntrackd_entry,
	cmd_export_keepalived_entry, cmd_diag_ha_entry, cmd_show_ha_entry;

/*
 * Run one command line.  Blank and comment lines do nothing.  Returns the
 * exit-status class: 0, or e->code (MASQ_EFAIL/EUSAGE/EKERNEL/ESTORE)
 * with @e filled (the caller renders it).
 *
 * Before the handler runs, the words after the command's own are bound to
 * its grammar (cmd_args_bind): a word the command does not take, an
 * ambiguous prefix or a missing value is MASQ_EUSAGE marking the word, and
 * nothing runs.  Keywords and choices given by a unique prefix reach the
 * handler spelled in full (a->v[i].s; the span still marks what was
 * typed).  Only CMD_OWN_ARGS entries see their words unchecked.
 *
 * With -j the handler writes one JSON value (an object or an array) and
 * never calls out_doc_end(): cmd_run_line() ends the document, so every
 * command is one line of NDJSON.  CMD_WRITES handlers must not write when
 * ctx->check_only is set (they validate and print what they would do);
 * cmd_run_line() does not enforce it.  Handlers ask ctx->confirm (when not
 * NULL) before destroying something the user cannot get back; NULL means
 * "not interactive: go ahead" (scripts say what they mean).
 */
int cmd_run_line(struct cmd_ctx *ctx, const char *line, struct masq_err *e);

/*
 * Candidates for the word under the cursor at byte @point of @line:
 * command words, keywords, and live values (interfaces, rule ids,
 * protocols, services, files, and addresses and ports in the conntrack
 * table: struct cmd_kw's .live).  Caller frees with cmd_candidates_free().
 */
struct cmd_candidate {
	char *word;
	char *help;		/* one line, for '?'; may be NULL */
};
int cmd_complete_line(struct cmd_ctx *ctx, const char *line, size_t point,
		      struct cmd_candidate **cands, size_t *n);
void cmd_candidates_free(struct cmd_candidate *cands, size_t n);

/* Look an entry up by its full or abbreviated words (for `help CMD`). */
const struct cmd_entry *cmd_find(const char *const *words, size_t n,
				 size_t *used, struct masq_err *e);

/*
 * Check @a against @ent->kws: keywords known (exact, else a unique prefix;
 * core/kw.h), required ones present, values present (numbers are digits,
 * choices one of .choices or a unique prefix of one), positionals in
 * order, nothing else.  A word for a pending positional counts as a
 * keyword only when it is one in full or cannot be that value.  Fills
 * @vals[i] with the token of kws[i] (NULL when absent; repeats: the last;
 * CMD_KW_REST: the first of its words).  -1 (MASQ_EUSAGE) marking the
 * word.  cmd_run_line() has already done this once for every command, so
 * a handler calls it only to find its values.
 */
int cmd_args_bind(const struct cmd_entry *ent, const struct cmd_args *a,
		  const struct masq_tok **vals, struct masq_err *e);
/* The value cmd_args_bind() bound to @ent's keyword @name (spelled in
 * full) in @vals, or NULL when absent.  Borrowed. */
const struct masq_tok *cmd_args_get(const struct cmd_entry *ent,
				    const struct masq_tok *const *vals,
				    const char *name);

/*
 * Reading scripts (-f FILE, stdin): one command per logical line, a
 * trailing unescaped '\' joins the next physical line (a line whose
 * first non-blank is '#' is a comment and never continues), CR before LF
 * is dropped.  @name is used for "FILE:LINE" locations.
 */
struct cmd_script {
	FILE *fp;
	const char *name;
	unsigned int lineno;	/* physical lines read so far */
	unsigned int first;	/* physical line where the last logical began */
	char *line;		/* the last logical line, owned */
	size_t *starts;		/* byte offset in line of each joined part */
	size_t nparts;
	char where[300];	/* "NAME:LINE" of the last logical line */
};
void cmd_script_init(struct cmd_script *sc, FILE *fp, const char *name);
/* Next logical line into sc->line.  1: got one, 0: end of file, -1: read
 * error (@e filled, MASQ_EFAIL). */
int cmd_script_next(struct cmd_script *sc, struct masq_err *e);
/* After an error on sc->line: narrow @e's marked input to the physical
 * line holding the mark and point sc->where at that line.  Cannot fail. */
void cmd_script_locate(struct cmd_script *sc, struct masq_err *e);
void cmd_script_done(struct cmd_script *sc);

/*
 * What may come next at @point (for '?'): like cmd_complete_line() but
 * keywords come with their value placeholder ("out IFACE[,..]"), values
 * without live candidates show their placeholder ("<N>"), and "<Enter>"
 * is listed when the command could run as typed.  Caller frees.
 */
int cmd_describe_line(struct cmd_ctx *ctx, const char *line, size_t point,
		      struct cmd_candidate **cands, size_t *n);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag.h - the FAQ checks: one table of checks, a context they run in, the
 * result each one fills, a runner and one renderer.
 *
 * Owns: the check registry (diag_checks[], a static table in diag.c naming
 * the extern entries each src/diag/check_*.c defines, as cmd_table does),
 * the result record, running checks by id (unknown id: a usage error with
 * "did you mean" marking the word) or all parameterless ones, turning unmet
 * needs into SKIP with the reason, and rendering results through the one
 * printer (core/out.h): text lines or a JSON array with stable keys
 * (diag.c); the context and the result record (diag_ctx.c).
 * Does not own: what any check looks at (the check files), the commands
 * (src/shell/cmd_diag*.c).
 *
 * Checks never print and never exit.  A check fills @res (message: what it
 * saw, one line; evidence: lines of detail; fix: a masqsh command where one
 * exists, else a shell command) and returns its status.  Scripts and tests
 * match on ids and statuses, never on the English.
 */
#ifndef MASQ_DIAG_H
#define MASQ_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/out.h"
#include "nat/rule.h"

struct store;

enum diag_status {
	DIAG_PASS = 0,
	DIAG_WARN,
	DIAG_FAIL,
	DIAG_SKIP,		/* a need is unmet; res->skip says which */
	DIAG_ERROR,		/* the check itself could not run */
};

/* What a check needs before it can run (struct diag_check.needs). */
enum {
	DIAG_NEEDS_ROOT = 1 << 0,	/* CAP_NET_ADMIN (nat/caps.h): it
					 * reads nftables or conntrack */
	DIAG_NEEDS_CT = 1 << 1,		/* conntrack readable (nf_conntrack) */
	DIAG_NEEDS_HOST = 1 << 2,	/* ctx->host: a target host */
	DIAG_NEEDS_PATHS = 1 << 3,	/* ctx->paths: files to read */
};
/* Needs that are parameters: such checks are left out of `diag` (all). */
#define DIAG_NEEDS_PARAMS (DIAG_NEEDS_HOST | DIAG_NEEDS_PATHS)

/* What a check runs with.  Fill with diag_ctx_init(), then set fields. */
struct diag_ctx {
	struct store *store;	/* the rule store, or NULL (no rules) */
	/* Parameters (NULL/0 when not given). */
	const char *host;	/* DIAG_NEEDS_HOST: target host */
	const char *iface;	/* "out IF" */
	const char *const *paths;	/* DIAG_NEEDS_PATHS */
	size_t n_paths;
	bool fix;		/* the user asked for the fix to be done */
	const char *ha_dir;	/* diag ha: `ha apply dir`'s DIR, or NULL */
	/* diag ha: the peer's kernel table, as a digest (64 lower-case hex,
	 * ha_digest_parse()) or as the text `show compiled kernel` printed
	 * there; NULL when not given (ha.same-rules then says how). */
	const char *ha_peer_digest;
	const char *ha_peer_rules;
	const char *ha_peer_rules_name;	/* the file it came from */
	/* Where /proc and /sys are ("/proc", "/sys"; tests may redirect). */
	const char *proc;
	const char *sys;
	/* CAP_NET_ADMIN is effective (nat/caps.h): set by diag_ctx_init()
	 * from the process; tests may override.  Without it the checks
	 * that need it are skipped with the reason. */
	bool net_admin;
	/* Private to diag_ctx.c: the staged rules, loaded on first use. */
	struct nat_ruleset rules;
	bool rules_loaded;
};

struct diag_result {
	const struct diag_check *check;	/* set by the runner */
	enum diag_status status;
	char *message;		/* what it saw, one line; owned */
	char *evidence;		/* detail lines, '\n'-separated; owned or NULL */
	char *fix;		/* command that fixes it; owned or NULL */
	char *skip;		/* why it was skipped; owned or NULL */
};

struct diag_check {
	const char *id;		/* stable: "sysctl.ip-forward" */
	const char *title;	/* one line */
	const char *faq;	/* the FAQ entry it descends from ("7.4"), or NULL */
	unsigned int needs;	/* DIAG_NEEDS_* */
	/* Fill @res; return the status (the runner stores it).  Never prints. */
	enum diag_status (*run)(struct diag_ctx *ctx, struct diag_result *res);
};

/* Every check, in `diag list` order; NULL-terminated.  In diag.c. */
extern const struct diag_check *const diag_checks[];

/* Entries defined by the check files. */
extern const struct diag_check diag_crlf_check, diag_ip_forward_check,
	diag_kernel_nat_check, diag_helpers_check, diag_ct_sizing_check,
	diag_timeouts_check, diag_alias_check, diag_lan_to_lan_check,
	diag_multi_uplink_check, diag_ident_check, diag_nat_others_check,
	diag_filter_forwards_check;		/* check_filter.c */
extern const struct diag_check diag_mtu_check;	/* src/diag/mtu*.c */
extern const struct diag_check diag_dynaddr_check,	/* check_dynaddr.c */
	diag_ports_check;			/* check_ports.c */

/* `diag ha`'s checks (check_ha.c), run by that command only: they need
 * a configured NAT pair.  NULL-terminated. */
extern const struct diag_check *const diag_ha_checks[];

/* Defaults: no store, no parameters, /proc, /sys, net_admin probed. */
void diag_ctx_init(struct diag_ctx *ctx);
/* Free what the context loaded (the rules).  Cannot fail. */
void diag_ctx_done(struct diag_ctx *ctx);
/*
 * The staged rules (loaded from ctx->store on first call; empty without a
 * store).  Borrowed from @ctx.  -1 with @e filled if the store fails.
 */
int diag_ctx_rules(struct diag_ctx *ctx, const struct nat_ruleset **rs,
		   struct masq_err *e);

/* Look a check up by exact id; NULL if none. */
const struct diag_check *diag_check_find(const char *id);

void diag_result_init(struct diag_result *res);
/* Free what @res owns and re-init it.  Cannot fail. */
void diag_result_done(struct diag_result *res);

/*
 * Filling a result (for checks).  Each replaces (message, fix, skip) or
 * appends one line (evidence).  They return the status a check returns
 * with them, so a check can end with `return diag_fail(res, ...)`.
 */
void diag_message(struct diag_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_evidence(struct diag_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_fix(struct diag_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum diag_status diag_skip(struct diag_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Message from @e (and its kernel text as evidence); returns DIAG_ERROR. */
enum diag_status diag_error(struct diag_result *res,
			    const struct masq_err *e);

/*
 * Read a file under ctx->proc or ctx->sys: @rel is relative to it
 * ("sys/net/ipv4/ip_forward").  Trailing newline removed.  0 with @buf
 * filled, -1 (errno set) when it cannot be read.
 */
int diag_proc_read(const struct diag_ctx *ctx, const char *rel, char *buf,
		   size_t size);
int diag_sys_read(const struct diag_ctx *ctx, const char *rel, char *buf,
		  size_t size);
/* The same, parsed as an unsigned number (first field).  -1 on error. */
int diag_proc_u64(const struct diag_ctx *ctx, const char *rel,
		  unsigned long long *v);
int diag_sys_u64(const struct diag_ctx *ctx, const char *rel,
		 unsigned long long *v);

/* "PASS", "WARN", ... (JSON uses these, lower-case: "pass"). */
const char *diag_status_name(enum diag_status st);

/*
 * Run one check: unmet needs give SKIP with the reason, without calling
 * the check.  @res is initialised here (caller calls diag_result_done).
 * Returns the status.
 */
enum diag_status diag_run_one(struct diag_ctx *ctx,
			      const struct diag_check *c,
			      struct diag_result *res);

/*
 * Run every check without parameter needs (@ids NULL), or those named by
 * @ids (@n_ids tokens; each must be an exact id or a unique prefix of one;
 * an unknown one is a MASQ_EUSAGE error marking the token, with "did you
 * mean", before anything runs).  *@res is an array of *@n results the
 * caller frees with diag_results_free().
 */
int diag_run(struct diag_ctx *ctx, const struct masq_tok *ids, size_t n_ids,
	     struct diag_result **res, size_t *n, struct masq_err *e);
void diag_results_free(struct diag_result *res, size_t n);

/* 1 when any result is FAIL or ERROR (the exit status of `diag`), else 0. */
int diag_results_failed(const struct diag_result *res, size_t n);

/*
 * Render @n results through @o.  Text: one line each, "STATUS  ID  what
 * was seen", then "    fix: ..." and, with @verbose, the evidence lines
 * indented.  JSON: an array of objects with the keys id, status (lower
 * case), message, evidence (array of lines), fix, faq, skip (null when
 * absent).  Does not end the document.
 */
void diag_results_print(struct out *o, const struct diag_result *res,
			size_t n, bool verbose);

#endif

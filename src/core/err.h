/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * err.h - the one error record of masqsh.
 *
 * Library code never prints and never exits: it returns -1 (or NULL) and
 * fills a struct masq_err.  Only the edges (src/shell/main.c, repl.c,
 * masqtop) render it, with err_print().  The record carries the exit-status
 * class (SPEC: 1 failed, 2 usage/syntax, 3 kernel feature/permission,
 * 4 storage), the offending input line and the byte span of the bad word so
 * the renderer can draw a ^~~~ marker, and an optional hint ("did you mean").
 */
#ifndef MASQ_ERR_H
#define MASQ_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum masq_code {
	MASQ_OK = 0,
	MASQ_EFAIL = 1,		/* a command failed */
	MASQ_EUSAGE = 2,	/* usage or syntax error */
	MASQ_EKERNEL = 3,	/* kernel/netlink feature or permission missing */
	MASQ_ESTORE = 4,	/* storage error */
};

/*
 * A token of user input: where it came from, for error positions.
 * @line is the whole input line the token was cut from (borrowed),
 * @off its byte offset there, @len its length.  @s is the token text,
 * NUL-terminated (borrowed; unquoted, so it may differ from the bytes at
 * line+off when quotes were removed).
 */
struct masq_tok {
	const char *s;
	const char *line;
	size_t off;
	size_t len;
};

struct masq_err {
	int code;		/* enum masq_code; MASQ_OK when clear */
	int sys_errno;		/* errno or netlink error, 0 if none */
	char *input;		/* owned copy of the line pos refers to, or NULL */
	size_t pos, len;	/* marked span in input; len 0: no marker */
	char msg[512];
	char hint[256];
	char kernel[256];	/* the kernel's extended-ACK text, if any */
	char origin[256];	/* "file:line" of @input when it came from
				 * another file than the command (import);
				 * replaces the caller's where */
};

void err_init(struct masq_err *e);
/* Free what the record owns and clear it.  Cannot fail. */
void err_done(struct masq_err *e);
#define err_reset err_done

/* Set code and message; forget any position.  Always returns -1. */
int err_set(struct masq_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A failure that the output already told (`diff` found differences):
 * @code without a message; err_print() prints nothing.  Returns -1. */
int err_quiet(struct masq_err *e, int code);
/* Like err_set, also recording errno-ish @sys (message gets ": strerror"). */
int err_sys(struct masq_err *e, int code, int sys, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Set code and message and mark token @t.  Always returns -1. */
int err_tok(struct masq_err *e, int code, const struct masq_tok *t,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Mark a sub-span of token @t: @sub bytes in, @sublen long. */
int err_tok_sub(struct masq_err *e, int code, const struct masq_tok *t,
		size_t sub, size_t sublen, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Set the hint (the next step for the user).  Returns -1. */
int err_hint(struct masq_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Say which file and line @input came from (see origin).  Returns -1. */
int err_origin(struct masq_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the message with more context, "ctx: msg".  Returns -1. */
int err_prefix(struct masq_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Render: "PROG: error: MSG" or, with @where ("file:12"),
 * "file:12:COL: error: MSG"; then the input line and a ^~~~ marker, the
 * kernel's text and the hint.  Cannot fail.
 */
void err_print(FILE *fp, const struct masq_err *e, const char *prog,
	       const char *where);

/*
 * Best suggestion for @word among @cands (NULL-terminated): the candidate
 * with the smallest edit distance if it is close enough, else NULL.
 */
const char *err_suggest(const char *word, const char *const *cands);

#endif

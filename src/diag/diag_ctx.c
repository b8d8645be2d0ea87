/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag_ctx.c - what a check runs with and what it fills (see diag.h): the
 * context (its lazily loaded rules, /proc and /sys reads) and the result
 * (message, evidence, fix, skip reason, status names).
 *
 * The check files call only into this file and nat; the registry, the
 * runner and the renderer (diag.c) call the checks.  Does not own: any
 * check's logic, running checks.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "diag/diag.h"
#include "nat/caps.h"

void
diag_ctx_init(struct diag_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->proc = "/proc";
	ctx->sys = "/sys";
	ctx->net_admin = nat_cap_missing() == NULL;
	nat_ruleset_init(&ctx->rules);
}

void
diag_ctx_done(struct diag_ctx *ctx)
{
	nat_ruleset_done(&ctx->rules);
	ctx->rules_loaded = false;
}

int
diag_ctx_rules(struct diag_ctx *ctx, const struct nat_ruleset **rs,
	       struct masq_err *e)
{
	if (!ctx->rules_loaded && ctx->store) {
		if (nat_ruleset_load(ctx->store, &ctx->rules, e) == -1) {
			nat_ruleset_done(&ctx->rules);
			nat_ruleset_init(&ctx->rules);
			*rs = NULL;
			return -1;
		}
	}
	ctx->rules_loaded = true;
	*rs = &ctx->rules;
	return 0;
}

void
diag_result_init(struct diag_result *res)
{
	memset(res, 0, sizeof(*res));
}

void
diag_result_done(struct diag_result *res)
{
	free(res->message);
	free(res->evidence);
	free(res->fix);
	free(res->skip);
	diag_result_init(res);
}

static char * __attribute__((format(printf, 1, 0)))
vfmt(const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void
diag_message(struct diag_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(res->message);
	res->message = vfmt(fmt, ap);
	va_end(ap);
}

void
diag_evidence(struct diag_result *res, const char *fmt, ...)
{
	va_list ap;
	char *line, *all;

	va_start(ap, fmt);
	line = vfmt(fmt, ap);
	va_end(ap);
	if (!res->evidence) {
		res->evidence = line;
		return;
	}
	all = xasprintf("%s\n%s", res->evidence, line);
	free(line);
	free(res->evidence);
	res->evidence = all;
}

void
diag_fix(struct diag_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(res->fix);
	res->fix = vfmt(fmt, ap);
	va_end(ap);
}

enum diag_status
diag_skip(struct diag_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(res->skip);
	res->skip = vfmt(fmt, ap);
	va_end(ap);
	if (!res->message)
		res->message = xstrdup(res->skip);
	return DIAG_SKIP;
}

enum diag_status
diag_error(struct diag_result *res, const struct masq_err *e)
{
	if (e->hint[0])
		diag_message(res, "%s (%s)", e->msg, e->hint);
	else
		diag_message(res, "%s", e->msg[0] ? e->msg : "failed");
	if (e->kernel[0])
		diag_evidence(res, "kernel says: %s", e->kernel);
	return DIAG_ERROR;
}

const char *
diag_status_name(enum diag_status st)
{
	switch (st) {
	case DIAG_PASS:
		return "PASS";
	case DIAG_WARN:
		return "WARN";
	case DIAG_FAIL:
		return "FAIL";
	case DIAG_SKIP:
		return "SKIP";
	case DIAG_ERROR:
		break;
	}
	return "ERROR";
}

static int
read_under(const char *root, const char *rel, char *buf, size_t size)
{
	char path[512];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	n = fread(buf, 1, size - 1, fp);
	if (ferror(fp)) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int
parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s) {
		errno = errno ? errno : EINVAL;
		return -1;
	}
	return 0;
}

int
diag_proc_read(const struct diag_ctx *ctx, const char *rel, char *buf,
	       size_t size)
{
	return read_under(ctx->proc, rel, buf, size);
}

int
diag_sys_read(const struct diag_ctx *ctx, const char *rel, char *buf,
	      size_t size)
{
	return read_under(ctx->sys, rel, buf, size);
}

int
diag_proc_u64(const struct diag_ctx *ctx, const char *rel,
	      unsigned long long *v)
{
	char buf[64];

	if (read_under(ctx->proc, rel, buf, sizeof(buf)) == -1)
		return -1;
	return parse_u64(buf, v);
}

int
diag_sys_u64(const struct diag_ctx *ctx, const char *rel,
	     unsigned long long *v)
{
	char buf[64];

	if (read_under(ctx->sys, rel, buf, sizeof(buf)) == -1)
		return -1;
	return parse_u64(buf, v);
}

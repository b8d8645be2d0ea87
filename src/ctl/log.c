/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * log.c - formatting a report line for the program's log callback (see
 * log.h).  Owns nothing else: where the lines go is the program's choice.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "ctl/log.h"

void
ctl_logf(const struct ctl_log *l, int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!l || !l->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	l->fn(l->arg, prio, line);
}

void
ctl_log_err(const struct ctl_log *l, const char *what, struct masq_err *e)
{
	ctl_logf(l, LOG_ERR, "%s: %s%s%s%s", what, e->msg,
		 e->kernel[0] ? " (kernel: " : "", e->kernel,
		 e->kernel[0] ? ")" : "");
	err_done(e);
	err_init(e);
}

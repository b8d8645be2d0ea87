/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * log.h - how the control layer tells what it did when nobody waits for
 * an answer: the engine service and the confirm timer report through a
 * callback that the program gives them (masqsh: syslog, and stderr when
 * not under systemd), so that src/ctl itself never prints.
 */
#ifndef MASQ_CTL_LOG_H
#define MASQ_CTL_LOG_H

#include <syslog.h>	/* the priorities: LOG_ERR, LOG_WARNING, ... */

#include "core/err.h"

struct ctl_log {
	/* One line, without a newline; @prio a syslog(3) priority.  NULL:
	 * the lines are dropped. */
	void (*fn)(void *arg, int prio, const char *line);
	void *arg;
};

/* Format a line and hand it to @l.  Cannot fail. */
void ctl_logf(const struct ctl_log *l, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Log "@what: MSG (kernel: ...)" at LOG_ERR, then clear @e for the next
 * step.  Cannot fail. */
void ctl_log_err(const struct ctl_log *l, const char *what,
		 struct masq_err *e);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report_sec.h - the sections of `report`, printed by report_sec.c and
 * put together by cmd_report.c.  Every function prints through @o (text
 * or JSON), never fails and never stops the report: what cannot be read
 * is printed as an "error: ..." line (JSON: an "error" member, plus
 * "kernel_error" and "hint" when the record has them).
 */
#ifndef MASQ_SHELL_REPORT_SEC_H
#define MASQ_SHELL_REPORT_SEC_H

#include "core/err.h"
#include "core/out.h"
#include "diag/diag.h"
#include "nat/rule.h"

/* Open a section: the "== @title ==" header in text, the object @key in
 * JSON.  Close it with report_sec_close(). */
void report_sec_open(struct out *o, const char *key, const char *title);
void report_sec_close(struct out *o);

/* Print why something could not be read, from @e. */
void report_sec_error(struct out *o, const struct masq_err *e);

/* "versions": masqsh, uname(2) (host name included), and the library
 * versions masqsh was built with. */
void report_sec_versions(struct out *o);

/* "kernel": the kernel.nat-features check run through @d. */
void report_sec_kernel(struct out *o, struct diag_ctx *d);

/*
 * "rules": @rs as a masqsh -f script.  @rs NULL: the rules could not be
 * read, @le says why.  @nodb: the database path when there is no
 * database (NULL otherwise).
 */
void report_sec_rules(struct out *o, const struct nat_ruleset *rs,
		      const struct masq_err *le, const char *nodb);

/* "ruleset": @rs compiled (NULL: not compiled), what the kernel runs
 * (our table), and in_sync (null when either side is missing). */
void report_sec_ruleset(struct out *o, const struct nat_ruleset *rs);

/* "network": links with their addresses, the IPv4 and IPv6 main routes
 * (routes, routes6) and the IPv4 policy rules (rules). */
void report_sec_network(struct out *o);

/* "sysctls": the NAT-relevant sysctls read through @d; null (text "-")
 * for one that does not exist. */
void report_sec_sysctls(struct out *o, const struct diag_ctx *d);

/* "conntrack": the kernel's conntrack counters. */
void report_sec_conntrack(struct out *o);

#endif

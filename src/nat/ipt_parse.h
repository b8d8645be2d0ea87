/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipt_parse.h - reading `iptables-save` / `ip6tables-save` output into
 * masqsh rules (`import iptables FILE`).
 *
 * Owns: the nat table of a dump -- its PREROUTING and POSTROUTING chains
 * with the user chains they reach (jumps inlined in order, RETURN, -g
 * goto) -- translated into masq rules and port forwards that match the
 * same flows in the same order and translate them the same way.  Every
 * result is given as the canonical keyword text the store keeps, already
 * read back once (it parses, and formats to itself).
 * Does not own: reading the file, storing the rules (shell/cmd_import_ipt.c)
 * or the rule model (rule.h).  Other tables of the dump are skipped.
 *
 * What masqsh cannot express exactly (an unknown target or match, a
 * DNAT with -d, --random-fully, a RETURN whose matches cannot be negated,
 * chain loops, ...) is an error: nothing is half translated.
 */
#ifndef MASQ_NAT_IPT_PARSE_H
#define MASQ_NAT_IPT_PARSE_H

#include <stddef.h>

#include "core/err.h"

struct ipt_import {
	char **masq;		/* "out eth0 ...": the words after masq add */
	size_t n_masq;
	char **fwd;		/* the words after forward add */
	size_t n_fwd;
	unsigned int tables_skipped;	/* *filter, *mangle, ... */
};

void ipt_import_init(struct ipt_import *im);
/* Free what @im owns and re-init it.  Cannot fail. */
void ipt_import_done(struct ipt_import *im);

/*
 * Translate the dump @text (@len bytes; NUL bytes are an error) whose
 * name is @path.  0 with the rules in @im (appended); -1 with @e marking
 * the bad word in its line and e->origin "PATH:LINE" (so errors render
 * as PATH:LINE:COL), MASQ_EUSAGE for anything the file says; @im is then
 * emptied.
 */
int ipt_import_parse(struct ipt_import *im, const char *text, size_t len,
		     const char *path, struct masq_err *e);

#endif

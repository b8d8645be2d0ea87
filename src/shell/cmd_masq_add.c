/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_masq_add.c - `masq add [at N] KEYWORDS...` and `masq add line 'COLS'`.
 *
 * Owns the words around the rule: the position, the choice between the
 * keyword and the column form, the interface sanity check, and storing the
 * canonical text.  The rule language itself is parsed by src/nat/rule.c;
 * the keyword table below only feeds '?' help and TAB completion.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "shell/cmd_int.h"

static const struct cmd_kw masq_add_kws[] = {
	{ "at", CMD_ARG_NUM, "POS", "insert before this position (default: append)", 0, NULL },
	{ "out", CMD_ARG_IFACE, "IFACE[,..]", "outgoing interface(s), 'ppp+' a wildcard; left out: any interface", 0, NULL },
	{ "to", CMD_ARG_ADDR, "DEST[,..][!EXCL,..]", "only connections to these destinations", 0, NULL },
	{ "from", CMD_ARG_ADDR, "SOURCE[,..][!EXCL,..]", "only connections from these sources", 0, NULL },
	{ "except", CMD_ARG_ADDR, "ADDR[,..]", "sources that are not matched", 0, NULL },
	{ "snat", CMD_ARG_ADDR, "ADDR|ADDR-ADDR|detect", "source NAT to an address or range, or detect a named interface's (default: masquerade)", 0, NULL },
	{ "prefix", CMD_ARG_ADDR, "NET6", "NPTv6: map the 'from' IPv6 prefix onto this one of the same length", 0, NULL },
	{ "ports", CMD_ARG_PORTS, "LO-HI", "remap source ports into this range (needs proto)", 0, NULL },
	{ "random", CMD_ARG_NONE, NULL, "randomise the source port mapping", 0, NULL },
	{ "fully-random", CMD_ARG_NONE, NULL, "every source port from a PRNG (iptables' --random-fully)", 0, NULL },
	{ "persistent", CMD_ARG_NONE, NULL, "same source address per client (snat to a range)", 0, NULL },
	{ "nonat", CMD_ARG_NONE, NULL, "exempt matching connections from translation", 0, NULL },
	{ "proto", CMD_ARG_PROTO, "[!]PROTO[,..]", "only these protocols", 0, NULL },
	{ "dport", CMD_ARG_PORTS, "[!]PORT[,..]", "only these destination ports or ranges", 0, NULL },
	{ "ipsec", CMD_ARG_WORD, "OPT[,..]", "IPsec policy: yes, no, reqid=N, spi=N, tunnel-src=, tunnel-dst=", 0, NULL },
	{ "mark", CMD_ARG_WORD, "[!]V[/M][:C]", "packet (or with :C connection) mark test", 0, NULL },
	{ "user", CMD_ARG_WORD, "[!]USER[:GROUP]", "locally generated traffic of this user/group", 0, NULL },
	{ "timeout", CMD_ARG_WORD, "STATE=SECS[,..]", "conntrack timeouts for these connections (needs proto tcp or udp)", 0, NULL },
	{ "comment", CMD_ARG_TEXT, "TEXT", "a note kept with the rule", 0, NULL },
	{ "early", CMD_ARG_NONE, NULL, "the masq file's leading '+' (no effect)", 0, NULL },
	{ "alias", CMD_ARG_NUM, "N", "the masq file's ':N' alias label (with snat)", 0, NULL },
	{ "line", CMD_ARG_TEXT, "'COLUMNS'", "the whole rule as one masq file line", CMD_KW_REST, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

#define MASQ_ADD_NKW (sizeof(masq_add_kws) / sizeof(masq_add_kws[0]))

/* Parse the column form from the words after "line". */
static int
parse_line(struct nat_rule *r, const struct masq_tok *v, size_t n,
	   struct masq_tok *span, char **owned, struct masq_err *e)
{
	const struct masq_tok *t = &v[0];
	size_t slen;
	char q;
	int rc;

	slen = strlen(t->s);
	q = t->line ? t->line[t->off] : 0;
	if (n > 1) {
		/* unquoted columns: take them as typed */
		slen = v[n - 1].off + v[n - 1].len - t->off;
		*owned = xstrndup(t->line + t->off, slen);
		*span = (struct masq_tok){ *owned, t->line, t->off, slen };
	} else if ((q == '\'' || q == '"') && t->len == slen + 2) {
		*span = (struct masq_tok){ t->s, t->line, t->off + 1, slen };
	} else if (t->len == slen && t->line) {
		*span = (struct masq_tok){ t->s, t->line, t->off, slen };
	} else {
		/* escapes inside quotes: positions refer to the text alone */
		*span = (struct masq_tok){ t->s, t->s, 0, slen };
	}
	rc = nat_rule_parse_columns(r, span->s, span->line, span->off, e);
	if (rc == 1)
		return err_tok(e, MASQ_EUSAGE, t, "the line holds no rule");
	return rc;
}

static int
cmd_masq_add(struct cmd_ctx *ctx, const struct cmd_args *a,
	     struct masq_err *e)
{
	const struct masq_tok *vals[MASQ_ADD_NKW], *ift, *line;
	struct masq_tok *v = NULL, span, whole = { 0 };
	size_t n = 0, i;
	char *spec = NULL, *owned = NULL;
	unsigned int at;
	struct nat_rule r;
	int rc = -1;

	nat_rule_init(&r);
	if (cmd_args_bind(&cmd_masq_add_entry, a, vals, e) < 0 ||
	    cmds_strip_at(&cmd_masq_add_entry, a, &at, &v, &n, e) < 0)
		goto out;
	line = cmd_args_get(&cmd_masq_add_entry, vals, "line");
	if (n == 0) {
		err_set(e, MASQ_EUSAGE, "masq add needs a rule");
		err_hint(e, "masq add out eth0 from 192.168.1.0/24");
		goto out;
	}
	if (line) {
		if (n > 1 + (size_t)(a->v + a->n - line)) {
			err_tok(e, MASQ_EUSAGE, &v[0], "'line' is the whole "
				"rule: no keywords before it");
			err_hint(e, "masq add [at POS] line 'eth0 "
				 "192.168.1.0/24'");
			goto out;
		}
		if (parse_line(&r, line, (size_t)(a->v + a->n - line), &span,
			       &owned, e) < 0)
			goto out;
		ift = &span;
	} else {
		if (nat_rule_parse_kw(&r, v, n, e) < 0)
			goto out;
		ift = cmd_args_get(&cmd_masq_add_entry, vals, "out");
	}
	if (!ift) {
		whole = (struct masq_tok){ a->line, a->line, 0,
					   a->line ? strlen(a->line) : 0 };
		ift = &whole;
	}
	for (i = 0; i < r.n_oifs; i++)
		if (cmds_iface_check(ctx, &r.oifs[i], ift, e) < 0)
			goto out;
	spec = nat_rule_format_kw(&r);
	if (cmds_stage_row(ctx, STORE_MASQ, "masq rule", at, spec, e) < 0)
		goto out;
	rc = 0;
out:
	nat_rule_done(&r);
	free(spec);
	free(owned);
	free(v);
	return rc;
}

const struct cmd_entry cmd_masq_add_entry = {
	.name = "masq add",
	.usage = "[at POS] [out IFACE[,..]] [KEYWORD [VALUE]]... | "
		 "[at POS] line 'COLUMNS'",
	.summary = "stage a masquerade/SNAT rule (loaded by 'apply')",
	.help = "Stage a masquerade or SNAT rule, appended or inserted before\n"
		"position POS.  Keywords may come in any order and may be\n"
		"abbreviated; see masqsh-rules(5).  'masq add line' takes the\n"
		"same rule as one line of a Shorewall masq file:\n"
		"  masq add line 'eth0 192.168.1.0/24 203.0.113.10 tcp smtp'\n"
		"An interface that does not exist is accepted with a warning\n"
		"unless it looks like a typo of an existing one.  The rule is\n"
		"checked in full now: e.g. 'snat detect' on a wildcard (ppp+)\n"
		"is refused here, not first by 'check'.\n"
		"The source port: kept when free, or 'random' (a keyed hash,\n"
		"iptables' --random) or 'fully-random' (a PRNG for every\n"
		"connection, iptables' --random-fully), not both.\n"
		"IPv6: the family comes from the addresses, and a rule may not\n"
		"mix IPv4 and IPv6.  NPTv6 maps a prefix onto another of the\n"
		"same length, keeping the host bits:\n"
		"  masq add out wan0 from fd00:1::/64 prefix 2001:db8:1::/64\n"
		"Without 'out' a rule matches any output interface.  So that a\n"
		"forgotten 'out' cannot NAT LAN-to-LAN traffic, such a rule\n"
		"needs 'from' or 'to' and an explicit snat ADDR, nonat or\n"
		"prefix (masquerade and detect take the out interface's\n"
		"address); it has no masq file (column) form:\n"
		"  masq add from 10.0.0.0/8 snat 203.0.113.5\n"
		"  masq add from 10.0.0.0/8 to 10.0.0.0/8 nonat",
	.kws = masq_add_kws,
	.flags = CMD_WRITES,
	.exec = cmd_masq_add,
};

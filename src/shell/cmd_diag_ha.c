/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_diag_ha.c - `diag ha [dir DIR] [peer-digest HEX] [peer-rules
 * FILE]`: the NAT pair's checks (src/diag/check_ha*.c) on this gateway.  Text: one line per check with
 * the fix and the evidence; JSON: the array `diag` prints.  Exit status 1
 * on any FAIL or ERROR.
 */
#include "config.h"

#include <stdlib.h>

#include "core/xalloc.h"
#include "shell/cmd_diag.h"
#include "shell/cmd_ha.h"
#include "shell/cmd_int.h"

/* The peer's `show compiled kernel`: a NAT gateway's table is far less. */
#define PEER_RULES_MAX (16u << 20)

static const struct cmd_kw diag_ha_kws[] = {
	{ "dir", CMD_ARG_FILE, "DIR", "the files 'ha apply dir DIR' wrote "
	  "(default: the standard paths)", 0, NULL },
	{ "peer-digest", CMD_ARG_WORD, "HEX", "the kernel digest 'show "
	  "compiled digest' printed on the peer (ha.same-rules)", 0, NULL },
	{ "peer-rules", CMD_ARG_FILE, "FILE", "what 'show compiled kernel' "
	  "printed on the peer: names the lines that differ", 0, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

/* The peer's table as given (peer-digest, peer-rules) into @cd. */
static int
diag_ha_peer(struct cmd_diag *cd, const struct masq_tok *const *v,
	     char hex[HA_DIGEST_HEXLEN + 1], char **text, struct masq_err *e)
{
	size_t len;

	*text = NULL;
	if (v[1] && ha_digest_parse(v[1]->s, hex, e) < 0)
		return cmds_ha_mark(e, v[1]);
	if (v[2] && cmds_slurp(v[2]->s, PEER_RULES_MAX, text, &len, e) < 0)
		return cmds_ha_mark(e, v[2]);
	cd->d.ha_peer_digest = v[1] ? hex : NULL;
	cd->d.ha_peer_rules = *text;
	cd->d.ha_peer_rules_name = v[2] ? v[2]->s : NULL;
	return 0;
}

static int
cmd_diag_ha(struct cmd_ctx *ctx, const struct cmd_args *a,
	    struct masq_err *e)
{
	const struct masq_tok *v[3];
	char hex[HA_DIGEST_HEXLEN + 1], *text = NULL;
	struct diag_result res[12];
	struct ha_paths p;
	struct cmd_diag cd;
	size_t i, n = 0;
	int rc = -1;

	if (cmd_args_bind(&cmd_diag_ha_entry, a, v, e) < 0)
		return -1;
	if (v[0] && ha_paths_init(&p, v[0]->s, e) < 0)
		return cmds_ha_mark(e, v[0]);
	if (cmd_diag_init(ctx, &cd, e) == -1)
		goto out;
	cd.d.ha_dir = v[0] ? v[0]->s : NULL;
	if (diag_ha_peer(&cd, v, hex, &text, e) < 0)
		goto out;
	for (i = 0; diag_ha_checks[i] && n < sizeof(res) / sizeof(res[0]);
	     i++)
		diag_run_one(&cd.d, diag_ha_checks[i], &res[n++]);
	rc = cmd_diag_report(ctx, res, n, true, e);
out:
	for (i = 0; i < n; i++)
		diag_result_done(&res[i]);
	cmd_diag_done(&cd);
	free(text);
	return rc;
}

const struct cmd_entry cmd_diag_ha_entry = {
	.name = "diag ha",
	.usage = "[dir DIR] [peer-digest HEX] [peer-rules FILE]",
	.summary = "is this gateway a working half of the NAT pair",
	.help =
"Checks the NAT pair ('ha ...') on this gateway: every masq rule leaving\n"
"by an interface with a virtual address must SNAT to that address\n"
"(ha.snat-vip: masquerade picks this node's own address, which the peer\n"
"does not have, so every connection breaks at failover; the fix prints\n"
"the rule to use); the peer answers on the sync link (ha.sync-peer,\n"
"ICMP echo); conntrackd answers 'conntrackd -s', has heard from the peer\n"
"and counts no errors (ha.conntrackd); keepalived runs and this node\n"
"holds all virtual addresses or none (ha.keepalived); and\n"
"nf_conntrack_tcp_be_liberal is 1 and nf_conntrack_tcp_loose 0\n"
"(ha.tcp-liberal); the firewall drops ct state invalid in input and\n"
"forward (ha.invalid-drop); both nodes run the same masqsh table\n"
"(ha.same-rules: without 'peer-digest HEX', the kernel digest that\n"
"'show compiled digest' prints on the peer, or 'peer-rules FILE', what\n"
"'show compiled kernel' printed there, it is a WARN that prints this\n"
"node's digest and the command to run on the peer; with FILE a\n"
"difference is named line by line); conntrackd.conf replicates the\n"
"expectations of every helper 'helper add' stored (ha.helpers:\n"
"ExpectationSync; fix 'ha apply').  'dir DIR': the\n"
"files 'ha apply dir DIR' wrote, and keepalived's pid file DIR/\n"
"keepalived.pid.  Exit status 1 when a check fails.",
	.kws = diag_ha_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_diag_ha,
};

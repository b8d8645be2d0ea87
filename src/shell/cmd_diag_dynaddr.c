/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_diag_dynaddr.c - `diag dynaddr [IFACE]`: the dynamic-address check
 * (src/diag/check_dynaddr.c) for one uplink, or for every interface the
 * masq rules leave by.  Text: the diag line, the fix and the evidence;
 * JSON: the one-element array `diag` prints.  Exit status 1 on FAIL or
 * ERROR.
 */
#include "config.h"

#include "shell/cmd_diag.h"

static const struct cmd_kw diag_dynaddr_kws[] = {
	{ "IFACE", CMD_ARG_IFACE, "IFACE", "the uplink to look at (default: "
	  "every interface the masq rules name)", CMD_KW_POSITIONAL, NULL },
	{ NULL, 0, NULL, NULL, 0, NULL },
};

static int
cmd_diag_dynaddr(struct cmd_ctx *ctx, const struct cmd_args *a,
		 struct masq_err *e)
{
	const struct masq_tok *v[1];
	struct diag_result res;
	struct cmd_diag cd;
	int rc = -1;

	diag_result_init(&res);
	if (cmd_args_bind(&cmd_diag_dynaddr_entry, a, v, e) < 0)
		return -1;
	if (cmd_diag_init(ctx, &cd, e) == -1)
		goto out;
	cd.d.iface = v[0] ? v[0]->s : NULL;
	diag_run_one(&cd.d, &diag_dynaddr_check, &res);
	rc = cmd_diag_report(ctx, &res, 1, true, e);
out:
	diag_result_done(&res);
	cmd_diag_done(&cd);
	return rc;
}

const struct cmd_entry cmd_diag_dynaddr_entry = {
	.name = "diag dynaddr",
	.usage = "[IFACE]",
	.summary = "does the uplink address change, and do the rules fit it",
	.help =
"Looks at the uplink's addresses as the kernel reports them: a finite\n"
"valid lifetime or a missing 'permanent' flag (DHCP, SLAAC), a ppp device,\n"
"or a DHCP client lease (dhclient, NetworkManager, systemd-networkd) make\n"
"it dynamic (FAQ 7.8, 7.14).  Then the masq rules leaving by it: masquerade\n"
"and 'snat detect' follow the address; SNAT to a fixed address on a\n"
"dynamic uplink is a WARN (the fix inserts the same rule with 'snat\n"
"detect' before it); SNAT to an address the uplink no longer carries is\n"
"a FAIL.  Also reports net.ipv4.ip_dynaddr (1 or 2 helps the gateway's\n"
"own first connections on dial-up links) and counts conntrack entries\n"
"still translated to an address no interface carries (fix: 'kill gw\n"
"OLDADDR').  Without IFACE every interface named by a masq rule's 'out'\n"
"is looked at ('ppp+' means the ppp devices up now).",
	.kws = diag_dynaddr_kws,
	.flags = CMD_KERNEL,
	.exec = cmd_diag_dynaddr,
};

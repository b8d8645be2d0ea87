/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_show_ct.c - `show masq [FILTER]` and `show conntrack [FILTER]`: the
 * live table, one line (or JSON object) per connection, streamed.
 *
 * Each entry is printed from the dump callback and forgotten: memory stays
 * flat however large the table is.  Rows are built by ct_row.c into one
 * large buffer written with a single fwrite when full, so the listing
 * costs little more than the kernel's dump itself.
 */
#include "config.h"

#include "shell/cmds_int.h"
#include "shell/ct_row.h"

struct show_ctx {
	struct ct_rowbuf rb;
	bool json;
	long n;
};

static int
show_row(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct show_ctx *s = data;

	(void)e;
	if (s->json) {
		if (s->n)
			ct_rowbuf_puts(&s->rb, ",");
		ct_row_json(&s->rb, NULL, ce);
	} else {
		ct_row_text(&s->rb, NULL, ce);
	}
	s->n++;
	return 0;
}

static int
show_ct(struct cmd_ctx *ctx, const struct cmd_args *a, unsigned int flags,
	struct masq_err *e)
{
	struct show_ctx s = { .json = out_is_json(ctx->out) };
	struct ct_handle *h = NULL;
	struct ct_cmd c;
	long n;
	int rc = -1;

	if (ct_cmd_prepare(ctx, a->v, a->n, flags, &c, e) < 0)
		return -1;
	h = ct_open(e);
	if (!h)
		goto out;
	fflush(out_fp(ctx->out));
	ct_rowbuf_init(&s.rb, out_fp(ctx->out), 0);
	if (s.json)
		out_arr_open(ctx->out, NULL);	/* the printer ends it */
	else
		ct_row_header(&s.rb, NULL);
	n = ct_dump(h, &c.q, show_row, &s, e);
	ct_rowbuf_done(&s.rb);
	if (n < 0)
		goto out;
	if (!s.json)
		out_text(ctx->out, "%ld %s\n", n,
			 n == 1 ? "connection" : "connections");
	rc = 0;
out:
	ct_close(h);
	ct_cmd_done(&c);
	return rc;
}

static int
cmd_show_masq(struct cmd_ctx *ctx, const struct cmd_args *a,
	      struct masq_err *e)
{
	return show_ct(ctx, a, CT_Q_NAT_ONLY, e);
}

static int
cmd_show_conntrack(struct cmd_ctx *ctx, const struct cmd_args *a,
		   struct masq_err *e)
{
	return show_ct(ctx, a, 0, e);
}

static const struct cmd_kw show_ct_kws[] = {
	CT_FILTER_KWS,
	{ NULL, 0, NULL, NULL, 0, NULL },
};

#define SHOW_CT_COLUMNS \
	"Columns: protocol; the inside source address:port; the address:port\n" \
	"it is masqueraded as (for a port forward: the public address it\n" \
	"came in on; '-' without NAT); the remote destination; the TCP state\n" \
	"(other protocols: UNREPLIED, REPLIED or ASSURED); seconds until the\n" \
	"entry expires; bytes and packets of both directions when conntrack\n" \
	"accounting is on ('-' otherwise); and the staged rule that made it:\n" \
	"a masq rule's id, or fwdID for a port forward.  That rule is worked\n" \
	"out from the entry's original tuple:\n" \
	"conntrack does not record the outgoing interface, so interfaces only\n" \
	"count through a rule's SNAT or 'detect' addresses, and MARK is\n" \
	"compared with the connection mark.\n" \
	"\n" \
	"FILTER: src NET, dst NET, gw NET, proto P, sport|dport|gport P[-Q],\n" \
	"state S, expires < N, rule N (masq rule), fwd N (port forward),\n" \
	"nat, snat, dnat, combined with and, or, not and ( ).  Example:\n" \
	"show masq src 192.168.1.0/24 and (dport 80 or dport 443).  With -j:\n" \
	"one JSON array of objects with the keys family, proto, src, sport,\n" \
	"gw, gport, dst, dport, state, expires, bytes, packets, mark, zone,\n" \
	"status, rule, id, and forward (the forward's id; rule is then null)."

const struct cmd_entry cmd_show_masq_entry = {
	.name = "show masq",
	.usage = "[FILTER]",
	.summary = "the live masquerade table: NAT'ed connections",
	.help = "List the connections the kernel translates (SNAT, masquerade\n"
		"and port forwards), one per line, straight from conntrack.\n"
		SHOW_CT_COLUMNS,
	.kws = show_ct_kws,
	.flags = CMD_KERNEL | CMD_OWN_ARGS,
	.exec = cmd_show_masq,
};

const struct cmd_entry cmd_show_conntrack_entry = {
	.name = "show conntrack",
	.usage = "[FILTER]",
	.summary = "every tracked connection, NAT'ed or not",
	.help = "List every connection conntrack tracks, with the same\n"
		"columns as 'show masq'.\n" SHOW_CT_COLUMNS,
	.kws = show_ct_kws,
	.flags = CMD_KERNEL | CMD_OWN_ARGS,
	.exec = cmd_show_conntrack,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_show_ct.c - `show masq [FILTER]` and `show conntrack [FILTER]`: the
 * live table, one line (or JSON object) per connection, streamed.
 *
 * Each entry is printed from the dump callback and forgotten: memory stays
 * flat however large the table is.  Rows are nat/ct_cols.c's, gathered in
 * one buffer written out a megabyte at a time, so the listing costs little
 * more than the kernel's dump itself.
 */
#include "config.h"

#include "shell/cmd_int.h"
#include "shell/ct_row.h"

struct show_ctx {
	struct strbuf sb;
	FILE *fp;
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
			strbuf_putc(&s->sb, ',');
		ct_row_json(&s->sb, ce, NULL);
	} else {
		ct_row_text(&s->sb, ce, CT_COLS_TEXT);
		strbuf_putc(&s->sb, '\n');
	}
	ct_out_spill(&s->sb, s->fp);
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
	s.fp = out_fp(ctx->out);
	fflush(s.fp);
	strbuf_init(&s.sb, CT_OUT_CHUNK + 4096);	/* never grows */
	if (s.json) {
		out_arr_open(ctx->out, NULL);	/* the printer ends it */
	} else {
		ct_row_header(&s.sb, CT_COLS_TEXT);
		strbuf_putc(&s.sb, '\n');
	}
	n = ct_dump(h, &c.q, show_row, &s, e);
	strbuf_write(&s.sb, s.fp);
	strbuf_done(&s.sb);
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
	"accounting is on ('-' otherwise); the staged rule that made it (a\n" \
	"masq rule's id, or fwdID for a port forward); and FORWARD-TO, the\n" \
	"inside host:port a port forward sent the connection to.  For ICMP\n" \
	"the port is the echo id: the inside host's, and after MASQ-AS the id\n" \
	"it is masqueraded as.  The rule is worked out from the entry's\n" \
	"original tuple: conntrack does not record the outgoing interface, so\n" \
	"interfaces only count through a rule's SNAT or 'detect' addresses,\n" \
	"and MARK is compared with the connection mark.\n" \
	"\n" \
	"FILTER: src NET, dst NET, gw NET, proto P, sport|dport|gport P[-Q],\n" \
	"state S, expires < N, rule N (masq rule), fwd N (port forward),\n" \
	"nat, snat, dnat, combined with and, or, not and ( ).  Example:\n" \
	"show masq src 192.168.1.0/24 and (dport 80 or dport 443).  With -j:\n" \
	"one JSON array of objects, each with every key: family, proto, src,\n" \
	"sport, gw, gport, dst, dport, state, expires, bytes, packets, mark,\n" \
	"zone, status, rule, forward, to, toport, id (null where a value does\n" \
	"not exist: gw/gport without NAT, rule or forward, to/toport for all\n" \
	"but port forwards, an ICMP dport, the ports of protocols without\n" \
	"ports).  watch -j and masqtop -b -j write the same objects."

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

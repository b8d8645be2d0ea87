/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_row.c - rows of the live table, text and JSON, and preparing a dump
 * from command words (see ct_row.h).
 *
 * Owns: the columns of `show masq|conntrack` and `watch` and their JSON
 * keys.  Does not own: getting entries (src/nat/ct_*.c), the filter
 * language (core/filter.c) or rule attribution (nat/ct_rule.c).
 *
 * Text columns have fixed widths that fit IPv4 ("255.255.255.255:65535"
 * is 21 characters); longer values (IPv6) widen their line only.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/ct_rule.h"
#include "shell/cmds_int.h"
#include "shell/ct_row.h"

const char *const ct_state_choices[] = {
	"ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "unreplied", "replied",
	"assured", NULL,
};

/* Longest row: three IPv6 endpoints and the rest. */
#define ROW_MAX 1024

#define W_PROTO 6
#define W_EP 21
#define W_STATE 11
#define W_EXP 7
#define W_BYTES 11
#define W_PKTS 9

void
ct_rowbuf_init(struct ct_rowbuf *rb, FILE *fp, size_t cap)
{
	rb->fp = fp;
	rb->cap = cap ? cap : 1u << 20;
	rb->buf = xmalloc(rb->cap);
	rb->len = 0;
}

void
ct_rowbuf_flush(struct ct_rowbuf *rb)
{
	if (rb->len)
		fwrite_unlocked(rb->buf, 1, rb->len, rb->fp);
	rb->len = 0;
}

void
ct_rowbuf_done(struct ct_rowbuf *rb)
{
	ct_rowbuf_flush(rb);
	free(rb->buf);
	rb->buf = NULL;
}

/* Room for one more row. */
static char *
rb_room(struct ct_rowbuf *rb)
{
	if (rb->cap - rb->len < ROW_MAX)
		ct_rowbuf_flush(rb);
	return rb->buf + rb->len;
}

static char *
put_s(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

void
ct_rowbuf_puts(struct ct_rowbuf *rb, const char *s)
{
	size_t n = strlen(s);

	if (rb->cap - rb->len < n + 1)
		ct_rowbuf_flush(rb);
	if (n >= rb->cap) {
		fwrite_unlocked(s, 1, n, rb->fp);
		return;
	}
	memcpy(rb->buf + rb->len, s, n);
	rb->len += n;
}

static char *
put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Pad from @start to @w columns, then one blank. */
static char *
pad(char *start, char *p, size_t w)
{
	while ((size_t)(p - start) < w)
		*p++ = ' ';
	*p++ = ' ';
	return p;
}

/* Right-align the @n bytes just written at @start to @w columns. */
static char *
ralign(char *start, char *p, size_t w)
{
	size_t n = (size_t)(p - start);

	if (n < w) {
		memmove(start + (w - n), start, n);
		memset(start, ' ', w - n);
		p = start + w;
	}
	*p++ = ' ';
	return p;
}

static const char *
row_state(const struct ct_entry *ce)
{
	if (ce->proto == 6 && ce->tcp_state != CT_TCP_NONE)
		return ctent_tcp_state_name(ce->tcp_state);
	if (!(ce->status & CT_ST_SEEN_REPLY))
		return "UNREPLIED";
	return ce->status & CT_ST_ASSURED ? "ASSURED" : "REPLIED";
}

static char *
put_proto(char *p, uint8_t proto)
{
	const char *pn = ctent_proto_name(proto);

	return pn ? put_s(p, pn) : put_u64(p, proto);
}

void
ct_row_header(struct ct_rowbuf *rb, const char *prefix)
{
	char *p = rb_room(rb), *s = p;

	if (prefix)
		p = put_s(p, prefix);
	p += sprintf(p, "%-*s %-*s %-*s %-*s %-*s %*s %*s %*s %s\n",
		     W_PROTO, "PROTO", W_EP, "SOURCE", W_EP, "MASQ-AS",
		     W_EP, "REMOTE", W_STATE, "STATE", W_EXP, "EXPIRES",
		     W_BYTES, "BYTES", W_PKTS, "PACKETS", "RULE");
	rb->len += (size_t)(p - s);
}

void
ct_row_text(struct ct_rowbuf *rb, const char *prefix,
	    const struct ct_entry *ce)
{
	char *p = rb_room(rb), *s = p, *f;
	const union ct_addr *ga;
	uint16_t gp;

	if (prefix)
		p = put_s(p, prefix);
	f = p;
	p = pad(f, put_proto(p, ce->proto), W_PROTO);
	f = p;
	p += ctent_endpoint_format(ce->family, &ce->orig.src, ce->orig.sport,
				   p);
	p = pad(f, p, W_EP);
	f = p;
	if (ctent_gateway(ce, &ga, &gp))
		p += ctent_endpoint_format(ce->family, ga, gp, p);
	else
		*p++ = '-';
	p = pad(f, p, W_EP);
	f = p;
	p += ctent_endpoint_format(ce->family, &ce->orig.dst, ce->orig.dport,
				   p);
	p = pad(f, p, W_EP);
	f = p;
	p = pad(f, put_s(p, row_state(ce)), W_STATE);
	f = p;
	p = ralign(f, put_u64(p, ce->timeout), W_EXP);
	f = p;
	if (ce->has_counters)
		p = put_u64(p, ce->c_orig.bytes + ce->c_reply.bytes);
	else
		*p++ = '-';
	p = ralign(f, p, W_BYTES);
	f = p;
	if (ce->has_counters)
		p = put_u64(p, ce->c_orig.packets + ce->c_reply.packets);
	else
		*p++ = '-';
	p = ralign(f, p, W_PKTS);
	if (ce->rule_id & CT_RULE_FWD) {	/* a port forward: "fwdN" */
		char ref[CT_RULE_REFSIZ];

		p = put_s(p, ct_rule_ref(ce->rule_id, ref));
	} else if (ce->rule_id) {
		p = put_u64(p, ce->rule_id);
	} else {
		*p++ = '-';
	}
	*p++ = '\n';
	rb->len += (size_t)(p - s);
}

static const struct {
	uint32_t bit;
	const char *name;
} row_flags[] = {
	{ CT_ST_EXPECTED, "expected" },
	{ CT_ST_SEEN_REPLY, "seen_reply" },
	{ CT_ST_ASSURED, "assured" },
	{ CT_ST_CONFIRMED, "confirmed" },
	{ CT_ST_SRC_NAT, "snat" },
	{ CT_ST_DST_NAT, "dnat" },
	{ CT_ST_DYING, "dying" },
	{ CT_ST_FIXED_TIMEOUT, "fixed_timeout" },
	{ CT_ST_OFFLOAD, "offload" },
};

/* "KEY": (after a comma unless first) */
static char *
jkey(char *p, const char *key)
{
	*p++ = ',';
	*p++ = '"';
	p = put_s(p, key);
	*p++ = '"';
	*p++ = ':';
	return p;
}

static char *
jaddr(char *p, int family, const union ct_addr *a)
{
	*p++ = '"';
	ctent_addr_format(family, a, p);
	p += strlen(p);
	*p++ = '"';
	return p;
}

void
ct_row_json(struct ct_rowbuf *rb, const char *event,
	    const struct ct_entry *ce)
{
	char *p = rb_room(rb), *s = p;
	const union ct_addr *ga;
	uint16_t gp;
	size_t i;
	bool first = true;

	*p++ = '{';
	if (event) {
		p = put_s(p, "\"event\":\"");
		p = put_s(p, event);
		p = put_s(p, "\",");
	}
	p = put_s(p, ce->family == AF_INET6 ? "\"family\":\"ipv6\"" :
		  "\"family\":\"ipv4\"");
	p = jkey(p, "proto");
	*p++ = '"';
	p = put_proto(p, ce->proto);
	*p++ = '"';
	p = jaddr(jkey(p, "src"), ce->family, &ce->orig.src);
	p = put_u64(jkey(p, "sport"), ce->orig.sport);
	if (ctent_gateway(ce, &ga, &gp)) {
		p = jaddr(jkey(p, "gw"), ce->family, ga);
		p = put_u64(jkey(p, "gport"), gp);
	} else {
		p = put_s(jkey(p, "gw"), "null");
		p = put_s(jkey(p, "gport"), "null");
	}
	p = jaddr(jkey(p, "dst"), ce->family, &ce->orig.dst);
	p = put_u64(jkey(p, "dport"), ce->orig.dport);
	p = jkey(p, "state");
	*p++ = '"';
	p = put_s(p, row_state(ce));
	*p++ = '"';
	p = put_u64(jkey(p, "expires"), ce->timeout);
	if (ce->has_counters) {
		p = put_u64(jkey(p, "bytes"),
			    ce->c_orig.bytes + ce->c_reply.bytes);
		p = put_u64(jkey(p, "packets"),
			    ce->c_orig.packets + ce->c_reply.packets);
	} else {
		p = put_s(jkey(p, "bytes"), "null");
		p = put_s(jkey(p, "packets"), "null");
	}
	p = put_u64(jkey(p, "mark"), ce->mark);
	p = put_u64(jkey(p, "zone"), ce->zone);
	p = jkey(p, "status");
	*p++ = '[';
	for (i = 0; i < sizeof(row_flags) / sizeof(row_flags[0]); i++) {
		if (!(ce->status & row_flags[i].bit))
			continue;
		if (!first)
			*p++ = ',';
		first = false;
		*p++ = '"';
		p = put_s(p, row_flags[i].name);
		*p++ = '"';
	}
	*p++ = ']';
	if (ce->rule_id && !(ce->rule_id & CT_RULE_FWD))
		p = put_u64(jkey(p, "rule"), ce->rule_id);
	else
		p = put_s(jkey(p, "rule"), "null");
	if (ce->rule_id & CT_RULE_FWD)	/* the port forward's id */
		p = put_u64(jkey(p, "forward"), ce->rule_id & ~CT_RULE_FWD);
	p = put_u64(jkey(p, "id"), ce->id);
	*p++ = '}';
	rb->len += (size_t)(p - s);
}

int
ct_cmd_prepare(struct cmd_ctx *ctx, const struct masq_tok *v, size_t n,
	       unsigned int flags, struct ct_cmd *c, struct masq_err *e)
{
	struct masq_err le;

	memset(c, 0, sizeof(*c));
	c->filter = filter_compile(v, n, e);
	if (!c->filter)
		return -1;
	err_init(&le);
	if (ct_rules_load(ctx->db_path, &c->rules, &le) < 0) {
		if (filter_uses_rule(c->filter)) {
			err_done(e);
			*e = le;
			err_prefix(e, "'rule' needs the staged rules");
			ct_cmd_done(c);
			return -1;
		}
		cmds_warn(ctx, "%s; the rule column stays empty", le.msg);
		err_done(&le);
	}
	c->q.flags = flags;
	c->q.filter = c->filter;
	if (c->rules) {
		c->q.annotate = ct_rules_annotate;
		c->q.annotate_data = c->rules;
	}
	return 0;
}

void
ct_cmd_done(struct ct_cmd *c)
{
	filter_free(c->filter);
	ct_rules_free(c->rules);
	memset(c, 0, sizeof(*c));
}

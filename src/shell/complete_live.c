/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * complete_live.c - TAB's live values: the addresses and ports in the
 * conntrack table now (see complete_live.h).
 *
 * Owns: reading the table once per TAB (nat/ct.h) and the tally: each
 * entry's value of one field is formatted as the user would type it
 * (ctent_addr_format(), ctent_endpoint_format(), a port number), kept only
 * when it starts with what was typed, and counted in a small hash table,
 * so a gateway with 250,000 entries answers with its 50 most frequent
 * values, not a list nobody reads.  Does not own: the grammar or
 * candidates (complete.c), or talking to the kernel (nat/ct_dump.c).
 * Never prints: a table it cannot read simply has no values.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/ct.h"
#include "shell/complete_live.h"

struct live_tally {
	enum cmd_live field;
	const char *prefix;
	size_t plen;
	bool endpoints;		/* *_EP: "addr:port" rather than "addr" */
	struct live_value *v;
	size_t n, cap;
	uint32_t *slots;	/* 1 + index into v, 0 empty; linear probing */
	size_t nslots;		/* power of two, kept at most 3/4 full */
};

/*
 * For SRC[:PORT] and DST[:PORT]: the word asks for a port once it holds
 * an IPv4 address and a ':' ("192.0.2.1:") or starts with '[' (IPv6, as
 * "[2001:db8::1]:80").  A ':' with no '.' before it is part of a bare
 * IPv6 address.
 */
static bool
wants_endpoint(const char *prefix)
{
	const char *colon = strchr(prefix, ':');

	if (prefix[0] == '[')
		return true;
	return colon && memchr(prefix, '.', (size_t)(colon - prefix));
}

struct live_tally *
live_tally_new(enum cmd_live field, const char *prefix)
{
	struct live_tally *t = xcalloc(1, sizeof(*t));

	t->field = field;
	t->prefix = prefix;
	t->plen = strlen(prefix);
	t->endpoints = (field == CMD_LIVE_SRC_EP || field == CMD_LIVE_DST_EP) &&
		       wants_endpoint(prefix);
	t->nslots = 256;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	return t;
}

void
live_tally_free(struct live_tally *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->slots);
	free(t);
}

/* A port as text, when the protocol has ports at all. */
static bool
port_text(const struct ct_entry *ce, uint16_t port, char *buf)
{
	if (ctent_proto_is_icmp(ce->proto) || port == 0)
		return false;
	*strbuf_put_u64(buf, port) = '\0';
	return true;
}

/* SRC[:PORT] / DST[:PORT]: the address, or with t->endpoints the address
 * and port as explain reads them back. */
static bool
endpoint_text(const struct live_tally *t, const struct ct_entry *ce,
	      const union ct_addr *a, uint16_t port, char *buf)
{
	if (!t->endpoints) {
		ctent_addr_format(ce->family, a, buf);
		return true;
	}
	if (ctent_proto_is_icmp(ce->proto) || port == 0)
		return false;
	ctent_endpoint_format(ce->family, a, port, buf);
	return true;
}

/* @ce's value of the tally's field into @buf (CT_ENDPOINTSTRLEN bytes);
 * false when the entry has none. */
static bool
live_text(const struct live_tally *t, const struct ct_entry *ce, char *buf)
{
	const union ct_addr *ga;
	uint16_t gp;

	switch (t->field) {
	case CMD_LIVE_SRC:
		ctent_addr_format(ce->family, &ce->orig.src, buf);
		return true;
	case CMD_LIVE_DST:
		ctent_addr_format(ce->family, &ce->orig.dst, buf);
		return true;
	case CMD_LIVE_GW:
		if (!ctent_gateway(ce, &ga, &gp))
			return false;
		ctent_addr_format(ce->family, ga, buf);
		return true;
	case CMD_LIVE_SPORT:
		return port_text(ce, ce->orig.sport, buf);
	case CMD_LIVE_DPORT:
		return port_text(ce, ce->orig.dport, buf);
	case CMD_LIVE_GPORT:
		return ctent_gateway(ce, &ga, &gp) && port_text(ce, gp, buf);
	case CMD_LIVE_SRC_EP:
		return endpoint_text(t, ce, &ce->orig.src, ce->orig.sport, buf);
	case CMD_LIVE_DST_EP:
		return endpoint_text(t, ce, &ce->orig.dst, ce->orig.dport, buf);
	default:
		return false;
	}
}

/* FNV-1a. */
static uint32_t
text_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void
slots_grow(struct live_tally *t)
{
	size_t i, s, mask;

	free(t->slots);
	t->nslots *= 2;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	mask = t->nslots - 1;
	for (i = 0; i < t->n; i++) {
		s = text_hash(t->v[i].text) & mask;
		while (t->slots[s])
			s = (s + 1) & mask;
		t->slots[s] = (uint32_t)(i + 1);
	}
}

void
live_tally_add(struct live_tally *t, const struct ct_entry *ce)
{
	char buf[CT_ENDPOINTSTRLEN];
	size_t s, mask = t->nslots - 1;

	if (!live_text(t, ce, buf) || strncmp(buf, t->prefix, t->plen))
		return;
	for (s = text_hash(buf) & mask; t->slots[s]; s = (s + 1) & mask) {
		if (!strcmp(t->v[t->slots[s] - 1].text, buf)) {
			t->v[t->slots[s] - 1].count++;
			return;
		}
	}
	if (t->n >= LIVE_DISTINCT_MAX)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	memcpy(t->v[t->n].text, buf, sizeof(buf));
	t->v[t->n].count = 1;
	t->slots[s] = (uint32_t)++t->n;
	if (4 * t->n >= 3 * t->nslots)
		slots_grow(t);
}

/* Most frequent first; then shorter first, so numbers sort by value and
 * addresses of one family stay together; then text order. */
static int
value_cmp(const void *pa, const void *pb)
{
	const struct live_value *a = pa, *b = pb;
	size_t la = strlen(a->text), lb = strlen(b->text);

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->text, b->text);
}

size_t
live_tally_top(struct live_tally *t, struct live_value *out, size_t max)
{
	size_t n = t->n < max ? t->n : max;

	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), value_cmp);
	if (n)
		memcpy(out, t->v, n * sizeof(*out));
	return n;
}

static int
live_add(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	(void)e;
	live_tally_add(data, ce);
	return 0;
}

size_t
live_values(enum cmd_live field, const char *prefix, struct live_value *out,
	    size_t max)
{
	struct ct_query q = { 0 };
	struct live_tally *t;
	struct ct_handle *h;
	struct masq_err e;
	size_t n = 0;

	if (field == CMD_LIVE_NONE)
		return 0;
	if (max > LIVE_VALUES_MAX)
		max = LIVE_VALUES_MAX;
	if (field == CMD_LIVE_GW || field == CMD_LIVE_GPORT)
		q.flags = CT_Q_NAT_ONLY;	/* the others have no gateway side */
	err_init(&e);
	h = ct_open(&e);	/* NULL without CAP_NET_ADMIN: no values */
	if (h) {
		t = live_tally_new(field, prefix);
		if (ct_dump(h, &q, live_add, t, &e) >= 0)
			n = live_tally_top(t, out, max);
		live_tally_free(t);
		ct_close(h);
	}
	err_done(&e);
	return n;
}

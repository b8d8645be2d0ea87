/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * redact.c - replace addresses, MACs and host names in a text (see
 * redact.h for the mapping and what is kept).
 *
 * Two passes over the text with one scanner: the first collects every
 * address it finds (so no replacement can equal an original one, and the
 * hosts of a /24 can be given their picks in order) and every IPv4 subnet
 * longer than /24, the second writes the text with each found token
 * replaced.  Cost: about n^2 for n distinct addresses (4000 in 0.15 s),
 * plenty for a report.  The keyed
 * function is SipHash-2-4; "prefix-preserving" is the Crypto-PAn idea:
 * output bit i is input bit i flipped by a keyed function of bits 0..i-1.
 * A pure function over text: no I/O apart from redact_key_random().
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/ctent.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "diag/redact.h"

enum { T_V4, T_V6, T_MAC };

/* The longest link-layer address redacted (InfiniBand: 20 bytes). */
#define RD_LL_MAX 20

static const size_t kind_len[] = { 4, 16, 6 };

/* An IPv4 subnet longer than /24 named in the text. */
struct rd_net {
	uint8_t a[4];
	unsigned int len;
};

/* One address found in the text; @out is valid once @mapped. */
struct rd_ent {
	int kind;
	bool mapped;
	uint8_t in[16], out[16];
};

/* A host name found in a rule comment (lower case), and its
 * replacement once mapped. */
struct rd_host {
	char *in;
	bool mapped;
	char out[32];
};

struct rd {
	const struct redact_key *key;
	const char *const *names;
	bool emit;		/* second pass: write the output */
	char cmt;		/* inside a rule comment: how it ends (scan) */
	struct rd_host *h;	/* host names of the rule comments */
	size_t nh;
	struct rd_ent *v;
	size_t n;
	struct rd_net *sub;	/* IPv4 subnets longer than /24 in the text */
	size_t nsub;
	struct strbuf out;	/* the output being written */
};

/* ---- SipHash-2-4 ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static uint64_t
siphash24(const uint8_t k[16], const uint8_t *in, size_t len)
{
	uint64_t k0 = le64(k), k1 = le64(k + 8), m;
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
		k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL,
	};
	uint8_t last[8] = { 0 };
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(in + i);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	memcpy(last, in + i, tail);
	last[7] = (uint8_t)len;
	m = le64(last);
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* The keyed function of (@tag, @n, @d). */
static uint64_t
prf(const struct rd *r, char tag, unsigned int n, const uint8_t *d,
    size_t len)
{
	uint8_t buf[24];

	buf[0] = (uint8_t)tag;
	buf[1] = (uint8_t)n;
	buf[2] = (uint8_t)(n >> 8);
	memcpy(buf + 3, d, len);
	return siphash24(r->key->k, buf, len + 3);
}

void
redact_key_random(struct redact_key *key)
{
	uint64_t t;

	if (getrandom(key->k, sizeof(key->k), 0) == (ssize_t)sizeof(key->k))
		return;
	t = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	memcpy(key->k, &t, sizeof(t));
	t = (uint64_t)clock() * 0x9e3779b97f4a7c15ULL;
	memcpy(key->k + 8, &t, sizeof(t));
}

/* ---- the table of addresses ---- */

static struct rd_ent *
ent_find(struct rd *r, int kind, const uint8_t *in)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].kind == kind &&
		    !memcmp(r->v[i].in, in, kind_len[kind]))
			return &r->v[i];
	return NULL;
}

static struct rd_ent *
ent_add(struct rd *r, int kind, const uint8_t *in)
{
	struct rd_ent *en = ent_find(r, kind, in);

	if (en)
		return en;
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	en = &r->v[r->n++];
	memset(en, 0, sizeof(*en));
	en->kind = kind;
	memcpy(en->in, in, kind_len[kind]);
	return en;
}

/* Is @a an original address, or already some address's replacement? */
static bool
taken(const struct rd *r, int kind, const uint8_t *a)
{
	size_t i, l = kind_len[kind];

	for (i = 0; i < r->n; i++) {
		if (r->v[i].kind != kind)
			continue;
		if (!memcmp(r->v[i].in, a, l) ||
		    (r->v[i].mapped && !memcmp(r->v[i].out, a, l)))
			return true;
	}
	return false;
}

/* ---- bits ---- */

static bool
bit_get(const uint8_t *a, unsigned int i)
{
	return a[i / 8] >> (7 - i % 8) & 1;
}

static void
bit_flip(uint8_t *a, unsigned int i)
{
	a[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
}

/* Clear bits @from.. of the @len-byte @a. */
static void
bits_clear(uint8_t *a, size_t len, unsigned int from)
{
	unsigned int i;

	for (i = from; i < len * 8; i++)
		if (bit_get(a, i))
			bit_flip(a, i);
}

static bool
bits_zero(const uint8_t *a, size_t len, unsigned int from)
{
	unsigned int i;

	for (i = from; i < len * 8; i++)
		if (bit_get(a, i))
			return false;
	return true;
}

/* Prefix-preserving map of bits [@first, @last) of @in into @out. */
static void
pp_map(const struct rd *r, char tag, const uint8_t *in, size_t len,
       unsigned int first, unsigned int last, uint8_t *out)
{
	uint8_t pre[16];
	unsigned int i;

	memcpy(out, in, len);
	for (i = first; i < last; i++) {
		memcpy(pre, in, len);
		bits_clear(pre, len, i);
		if (prf(r, tag, i, pre, len) & 1)
			bit_flip(out, i);
	}
}

/* ---- the mapping ---- */

/*
 * The address blocks whose look is kept.  @keep: the leading bits kept as
 * they are for an address inside the block (-1: the address is kept
 * whole).  An address in no block is public: it keeps just as many
 * leading bits as it takes to stay out of every block, so a public
 * address never turns into a private, documentation, loopback or
 * multicast one, and vice versa.
 */
struct rd_blk {
	uint8_t a[16];
	unsigned int len;
	int keep;
};

static const struct rd_blk v4_blocks[] = {
	{ { 0 }, 8, -1 },			/* "this network", 0.0.0.0 */
	{ { 127 }, 8, -1 },			/* loopback */
	{ { 224 }, 3, -1 },			/* multicast, reserved, masks */
	{ { 10 }, 8, 8 },
	{ { 100, 64 }, 10, 10 },		/* shared (CGN) */
	{ { 169, 254 }, 16, 16 },		/* link-local */
	{ { 172, 16 }, 12, 12 },
	{ { 192, 168 }, 16, 16 },
	{ { 192, 0, 2 }, 24, 24 },		/* documentation */
	{ { 198, 51, 100 }, 24, 24 },
	{ { 203, 0, 113 }, 24, 24 },
};

static const struct rd_blk v6_blocks[] = {
	{ { 0 }, 128, -1 },			/* :: */
	{ { [15] = 1 }, 128, -1 },		/* ::1 */
	{ { 0xff }, 8, -1 },			/* multicast */
	{ { 0xfe, 0x80 }, 10, 64 },		/* link-local: the IID only */
	{ { 0xfc }, 7, 8 },			/* unique local */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, 32 },	/* documentation */
	{ { 0x20 }, 3, 3 },			/* global unicast */
};

/* Leading bits @a and @b have in common, at most @max. */
static unsigned int
bits_common(const uint8_t *a, const uint8_t *b, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < max && bit_get(a, i) == bit_get(b, i); i++)
		;
	return i;
}

/* Bits of @a kept as they are; -1: keep the whole address. */
static int
addr_class(const struct rd_blk *b, size_t nb, const uint8_t *a)
{
	unsigned int c = 0, l, inlen = 0;
	int keep = 0;
	size_t i;

	for (i = 0; i < nb; i++) {
		l = bits_common(a, b[i].a, b[i].len);
		if (l < b[i].len) {
			if (l + 1 > c)
				c = l + 1;	/* leave the block's path */
			continue;
		}
		if (b[i].keep < 0)
			return -1;
		if (b[i].len > inlen) {		/* the innermost block */
			inlen = b[i].len;
			keep = b[i].keep;
		}
	}
	return (int)c > keep ? (int)c : keep;
}

static int
v4_class(const uint8_t *a)
{
	return addr_class(v4_blocks, sizeof(v4_blocks) / sizeof(v4_blocks[0]),
			  a);
}

static int
v6_class(const uint8_t *a)
{
	return addr_class(v6_blocks, sizeof(v6_blocks) / sizeof(v6_blocks[0]),
			  a);
}

/* The longest subnet longer than /24 of the text holding @a, or NULL. */
static const struct rd_net *
v4_subnet(const struct rd *r, const uint8_t *a)
{
	const struct rd_net *best = NULL;
	size_t i;

	for (i = 0; i < r->nsub; i++) {
		const struct rd_net *sn = &r->sub[i];

		if (memcmp(sn->a, a, 3) || bits_common(sn->a, a, sn->len) <
		    sn->len)
			continue;
		if (!best || sn->len > best->len)
			best = sn;
	}
	return best;
}

static void
v4_subnet_add(struct rd *r, const uint8_t *a, int plen)
{
	struct rd_net sn;
	size_t i;

	memcpy(sn.a, a, 4);
	bits_clear(sn.a, 4, (unsigned int)plen);
	sn.len = (unsigned int)plen;
	for (i = 0; i < r->nsub; i++)
		if (!memcmp(r->sub[i].a, sn.a, 4) && r->sub[i].len == sn.len)
			return;
	r->sub = xreallocarray(r->sub, r->nsub + 1, sizeof(*r->sub));
	r->sub[r->nsub++] = sn;
}

/* May last octet @h of @a's /24 be a host of the innermost subnet @sn
 * (NULL: of no subnet longer than /24)? */
static bool
v4_slot(const struct rd *r, const uint8_t *a, unsigned int h,
	const struct rd_net *sn)
{
	unsigned int mask;
	uint8_t x[4];

	if (h == 0 || h == 255)
		return false;
	memcpy(x, a, 3);
	x[3] = (uint8_t)h;
	if (v4_subnet(r, x) != sn)
		return false;
	if (!sn || sn->len >= 31)
		return true;
	mask = 0xffu >> (sn->len - 24);
	return h != sn->a[3] && h != (sn->a[3] | mask);
}

struct rd_cand {
	uint64_t score;
	unsigned int h;
};

static int
cand_by_score(const void *a, const void *b)
{
	const struct rd_cand *x = a, *y = b;

	return x->score < y->score ? -1 : x->score > y->score;
}

static int
cand_by_host(const void *a, const void *b)
{
	const struct rd_cand *x = a, *y = b;

	return (int)x->h - (int)y->h;
}

/*
 * The last octet of @out (its /24 already mapped) for the host @in.  The
 * n hosts of the text that share @in's /24 and innermost subnet get n
 * keyed picks among that subnet's free slots -- free: no address of the
 * text -- in their original order, so "A-B" ranges stay ranges and a
 * /30 link's ends stay on one /30.  Only when the text fills more than
 * half of the slots may a pick be an original address.
 */
static void
v4_host(struct rd *r, const uint8_t *in, uint8_t *out)
{
	const struct rd_net *sn = v4_subnet(r, in);
	struct rd_cand c[254];
	unsigned int h, rank = 0, n = 0, nc = 0, mask;
	bool any = false, orig[256] = { false };
	size_t i;

	if (sn && sn->len < 31) {
		mask = 0xffu >> (sn->len - 24);
		if (in[3] == sn->a[3] || in[3] == (sn->a[3] | mask))
			return;		/* the subnet's network, broadcast */
	}
	for (i = 0; i < r->n; i++) {
		const struct rd_ent *en = &r->v[i];

		if (en->kind != T_V4)
			continue;
		if (!memcmp(en->in, out, 3))
			orig[en->in[3]] = true;	/* taken in the output /24 */
		if (memcmp(en->in, in, 3) || !v4_slot(r, in, en->in[3], sn))
			continue;
		n++;
		rank += en->in[3] < in[3];
	}
again:
	for (h = 1, nc = 0; h <= 254; h++) {
		if (!v4_slot(r, in, h, sn) || (!any && orig[h]))
			continue;
		c[nc].h = h;
		c[nc++].score = prf(r, 'h', h, out, 3);
	}
	if (nc < n && !any) {
		any = true;		/* crowded: originals may be picked */
		goto again;
	}
	if (n > nc)
		n = nc;
	if (!n) {			/* not seen by the first pass */
		out[3] = in[3];
		return;
	}
	qsort(c, nc, sizeof(c[0]), cand_by_score);
	qsort(c, n, sizeof(c[0]), cand_by_host);
	out[3] = (uint8_t)c[rank < n ? rank : n - 1].h;
}

static void
map_v4(struct rd *r, const uint8_t *in, int plen, uint8_t *out)
{
	int c = v4_class(in);
	struct rd_ent *en;

	memcpy(out, in, 4);
	if (c < 0)
		return;
	pp_map(r, '4', in, 4, (unsigned int)c, c > 24 ? (unsigned int)c : 24,
	       out);
	if (plen >= 0 && plen < 32 && bits_zero(in, 4, (unsigned int)plen)) {
		/* a network: the redacted one of the same length; one
		 * longer than /24 keeps its place inside its /24 */
		if (plen <= 24)
			bits_clear(out, 4, (unsigned int)plen);
		return;
	}
	if (in[3] == 0 || in[3] == 255)
		return;		/* a network or broadcast address: keep */
	en = ent_add(r, T_V4, in);
	if (en->mapped) {
		memcpy(out, en->out, 4);
		return;
	}
	v4_host(r, in, out);
	en->mapped = true;
	memcpy(en->out, out, 4);
}

static void
map_v6(struct rd *r, const uint8_t *in, int plen, uint8_t *out)
{
	int c;
	struct rd_ent *en;
	uint64_t iid;
	unsigned int t;

	memcpy(out, in, 16);
	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)in)) {
		map_v4(r, in + 12, plen >= 96 ? plen - 96 : -1, out + 12);
		return;
	}
	c = v6_class(in);
	if (c < 0)
		return;
	pp_map(r, '6', in, 16, (unsigned int)c, 64, out);
	if (plen >= 0 && plen <= 64 && bits_zero(in, 16, (unsigned int)plen)) {
		bits_clear(out, 16, (unsigned int)plen);
		return;
	}
	if (bits_zero(in, 16, 64))
		return;		/* the subnet itself: keep it one */
	en = ent_add(r, T_V6, in);
	if (en->mapped) {
		memcpy(out, en->out, 16);
		return;
	}
	for (t = 0; t < 1000; t++) {
		iid = prf(r, 'H', t, in, 16);
		if (!iid)
			continue;
		memcpy(out + 8, &iid, 8);
		if (!taken(r, T_V6, out))
			break;
	}
	en->mapped = true;
	memcpy(en->out, out, 16);
}

static void
map_mac(struct rd *r, const uint8_t *in, uint8_t *out)
{
	static const uint8_t zero[6], bcast[6] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct rd_ent *en;
	uint64_t h;
	unsigned int t;

	memcpy(out, in, 6);
	if (!memcmp(in, zero, 6) || !memcmp(in, bcast, 6) || (in[0] & 1))
		return;
	en = ent_add(r, T_MAC, in);
	if (en->mapped) {
		memcpy(out, en->out, 6);
		return;
	}
	for (t = 0; t < 1000; t++) {
		h = prf(r, 'M', t, in, 6);
		memcpy(out, &h, 6);
		out[0] = (uint8_t)((out[0] & 0xfc) | 0x02);
		if (!taken(r, T_MAC, out))
			break;
	}
	en->mapped = true;
	memcpy(en->out, out, 6);
}

/* ---- the scanner ---- */

static void
put(struct rd *r, const char *s, size_t n)
{
	if (r->emit)
		strbuf_add(&r->out, s, n);
}

/* The address @a of @family, as the one formatter writes it. */
static void
put_addr(struct rd *r, int family, const uint8_t *a)
{
	char buf[CT_ADDRSTRLEN];

	ctent_addr_format(family, a, buf);
	put(r, buf, strlen(buf));
}

static bool
is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool
is_run(char c)
{
	return isxdigit((unsigned char)c) || c == ':' || c == '.';
}

/* May a token start at @i?  Not inside a word, a number or an address;
 * a JSON escape ("\n", "\t", "\r") right before counts as a separator. */
static bool
at_start(const char *text, size_t i)
{
	char p;

	if (i == 0)
		return true;
	p = text[i - 1];
	if (p == '.')
		return false;
	if (!is_word(p))
		return true;
	return i >= 2 && text[i - 2] == '\\' && (p == 'n' || p == 't' ||
						 p == 'r');
}

/* A prefix length "/N" (N <= @max) at @s, else -1. */
static int
parse_plen(const char *s, int max)
{
	int v = 0, k;

	if (s[0] != '/')
		return -1;
	for (k = 1; k <= 3 && isdigit((unsigned char)s[k]); k++)
		v = v * 10 + (s[k] - '0');
	if (k == 1 || is_word(s[k]) || v > max)
		return -1;
	return v;
}

/* A dotted quad of canonical octets at @s; its length, or 0. */
static size_t
parse_v4(const char *s, uint8_t *a)
{
	size_t p = 0;
	int i, k, v;

	for (i = 0; i < 4; i++) {
		if (i && s[p++] != '.')
			return 0;
		for (k = 0, v = 0; k < 3 && isdigit((unsigned char)s[p + k]);
		     k++)
			v = v * 10 + (s[p + k] - '0');
		if (!k || v > 255 || (k > 1 && s[p] == '0'))
			return 0;
		a[i] = (uint8_t)v;
		p += (size_t)k;
	}
	if (is_word(s[p]) || (s[p] == '.' && isdigit((unsigned char)s[p + 1])))
		return 0;
	return p;
}

/*
 * A link-layer address of @max bytes at most written as hex pairs
 * ("52:54:00:12:34:56", an InfiniBand GUID's 20) filling the run of
 * @run bytes, but for one trailing '.' or ':' of punctuation; the number
 * of bytes, or 0.
 */
static size_t
parse_pairs(const char *s, size_t run, uint8_t *m, size_t max)
{
	unsigned int v;
	size_t i, n;

	if (run % 3 == 0 && (s[run - 1] == '.' || s[run - 1] == ':'))
		run--;
	if (run % 3 != 2)
		return 0;
	n = (run + 1) / 3;
	if (n > max)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[3 * i]) ||
		    !isxdigit((unsigned char)s[3 * i + 1]) ||
		    (i < n - 1 && s[3 * i + 2] != ':'))
			return 0;
		sscanf(s + 3 * i, "%2x", &v);
		m[i] = (uint8_t)v;
	}
	return n;
}

/* An IPv6 address at @s within its run of @run bytes (a trailing ':' or
 * '.' may be punctuation); its length, or 0. */
static size_t
parse_v6(const char *s, size_t run, uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN + 1];
	size_t k;

	for (k = run; k + 2 >= run && k > 1; k--) {
		if (k < run && s[k] != ':' && s[k] != '.')
			break;
		if (k >= sizeof(buf) || is_word(s[k]))
			continue;
		memcpy(buf, s, k);
		buf[k] = '\0';
		if (inet_pton(AF_INET6, buf, a) == 1)
			return k;
	}
	return 0;
}

/* An address or MAC at @s (a token start): replaced (or collected);
 * else the whole run copied.  Bytes consumed; 0 if no run starts here. */
static size_t
try_addr(struct rd *r, const char *s)
{
	uint8_t a[16], o[16], ll[RD_LL_MAX];
	char buf[3 * RD_LL_MAX];
	size_t run = 0, colons = 0, k, i, n = 0, off;
	int plen;

	while (is_run(s[run]))
		colons += s[run++] == ':';
	if (!run)
		return 0;
	if (colons >= 5)
		n = parse_pairs(s, run, ll, RD_LL_MAX);
	if (n == 6) {
		if (!r->emit) {
			ent_add(r, T_MAC, ll);
			return 17;
		}
		map_mac(r, ll, o);
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
			 o[0], o[1], o[2], o[3], o[4], o[5]);
		put(r, buf, strlen(buf));
		return 17;
	}
	if (colons >= 2 && (k = parse_v6(s, run, a))) {
		if (!r->emit) {
			ent_add(r, T_V6, a);
			if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)
						 (const void *)a))
				ent_add(r, T_V4, a + 12);
			return k;
		}
		map_v6(r, a, parse_plen(s + k, 128), o);
		put_addr(r, AF_INET6, o);
		return k;
	}
	if (n >= 7) {
		/* a longer link address (InfiniBand): keyed bytes */
		for (i = 0, off = 0; r->emit && i < n; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
						i ? ":%02x" : "%02x",
						(unsigned int)(prf(r, 'L',
						(unsigned int)i, ll, n) & 0xff));
		put(r, buf, off);
		return 3 * n - 1;
	}
	if (colons < 2 && (k = parse_v4(s, a))) {
		plen = parse_plen(s + k, 32);
		if (!r->emit) {
			ent_add(r, T_V4, a);
			if (plen > 24 && plen < 32)	/* a subnet to keep */
				v4_subnet_add(r, a, plen);
			return k;
		}
		map_v4(r, a, plen, o);
		put_addr(r, AF_INET, o);
		return k;
	}
	put(r, s, run);
	return run;
}

/*
 * A MAC written with '-' ("52-54-00-12-34-56", Windows' and many
 * vendors' spelling, likely in a comment pasted from elsewhere) at @s:
 * replaced like one written with ':', keeping the '-'.  Without this
 * such a MAC went through untouched (the scanner's runs are hex digits,
 * ':' and '.').  Bytes consumed, or 0.
 */
static size_t
try_dash_mac(struct rd *r, const char *s)
{
	uint8_t m[6], o[6];
	char buf[18];
	unsigned int v;
	size_t i;

	for (i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	if (is_word(s[17]) || s[17] == '-' || s[17] == ':')
		return 0;
	for (i = 0; i < 6; i++) {
		sscanf(s + 3 * i, "%2x", &v);
		m[i] = (uint8_t)v;
	}
	if (!r->emit) {
		ent_add(r, T_MAC, m);
		return 17;
	}
	map_mac(r, m, o);
	snprintf(buf, sizeof(buf), "%02x-%02x-%02x-%02x-%02x-%02x",
		 o[0], o[1], o[2], o[3], o[4], o[5]);
	put(r, buf, 17);
	return 17;
}

static bool
is_label(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

/*
 * A DNS name of two labels or more ending in a label of letters
 * ("nas7.home.arpa", "gw.example.net") at @s; its length, or 0.  Only
 * looked for inside rule comments (see scan()): elsewhere in a report
 * dotted words are sysctl names and file names.
 */
static size_t
dns_len(const char *s)
{
	size_t p = 0, l, labels = 0, tld = 0;
	bool alpha;

	for (;;) {
		for (l = 0, alpha = true; is_label(s[p + l]); l++)
			alpha = alpha && isalpha((unsigned char)s[p + l]);
		if (!l || s[p] == '-' || s[p + l - 1] == '-')
			return 0;
		labels++;
		tld = alpha && l >= 2;
		p += l;
		if (s[p] != '.' || !is_label(s[p + 1]))
			break;
		p++;
	}
	if (labels < 2 || !tld || s[p] == '_')
		return 0;
	return p;
}

static struct rd_host *
host_find(const struct rd *r, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < r->nh; i++)
		if (strlen(r->h[i].in) == len &&
		    !strncasecmp(r->h[i].in, s, len))
			return &r->h[i];
	return NULL;
}

static void
host_add(struct rd *r, const char *s, size_t len)
{
	struct rd_host *h;
	size_t i;

	if (host_find(r, s, len))
		return;
	r->h = xreallocarray(r->h, r->nh + 1, sizeof(*r->h));
	h = &r->h[r->nh++];
	memset(h, 0, sizeof(*h));
	h->in = xstrndup(s, len);
	for (i = 0; i < len; i++)
		h->in[i] = (char)tolower((unsigned char)h->in[i]);
}

/* The replacement of host name @h: "redacted-host-" and a keyed number,
 * distinct from every other name's. */
static const char *
host_map(struct rd *r, struct rd_host *h)
{
	size_t len = strlen(h->in), i;
	uint8_t *buf;
	uint64_t v;
	unsigned int t;

	if (h->mapped)
		return h->out;
	buf = xmalloc(len + 2);
	memcpy(buf, h->in, len);
	for (t = 0; t < 1000; t++) {
		buf[len] = (uint8_t)t;
		buf[len + 1] = (uint8_t)(t >> 8);
		v = siphash24(r->key->k, buf, len + 2);
		snprintf(h->out, sizeof(h->out), "redacted-host-%08x",
			 (unsigned int)(v & 0xffffffffu));
		for (i = 0; i < r->nh; i++)
			if (r->h[i].mapped && !strcmp(r->h[i].out, h->out))
				break;
		if (i == r->nh)
			break;
	}
	free(buf);
	h->mapped = true;
	return h->out;
}

/*
 * A host name at @s: inside a comment (@in_cmt) any DNS name, and the
 * first label of one found in a comment ("nas7" of "nas7.home.arpa");
 * anywhere, a full name found in a comment, in any case.  Comments are
 * free text the user wrote about their site, and host names there
 * identify it as much as addresses do (the first pass collects them, so
 * a name is replaced the same way wherever it appears).  Bytes consumed,
 * or 0.
 */
static size_t
try_host(struct rd *r, const char *s, bool in_cmt)
{
	struct rd_host *h = NULL;
	size_t l = dns_len(s), i;

	if (l && in_cmt && !r->emit) {
		host_add(r, s, l);
		host_add(r, s, strcspn(s, "."));
		return l;
	}
	if (l)
		h = host_find(r, s, l);
	if (!h && in_cmt) {
		for (l = 0; is_label(s[l]); l++)
			;
		if (l && !is_word(s[l]) && (s[l] != '.' || !is_label(s[l + 1])))
			h = host_find(r, s, l);
		for (i = 0; h && i < l; i++)	/* a whole name, not a label */
			if (s[i] == '.')
				h = NULL;
	}
	if (!h)
		return 0;
	if (r->emit) {
		host_map(r, h);
		put(r, h->out, strlen(h->out));
	}
	return l;
}

/* Backslashes right before @text[@i]. */
static size_t
backslashes(const char *text, size_t i)
{
	size_t n = 0;

	while (n < i && text[i - n - 1] == '\\')
		n++;
	return n;
}

/*
 * A rule comment as the rules section prints it: `comment WORD` or
 * `comment "TEXT"` (tok_quote: '"' and '\' escaped with '\'), in a JSON
 * string `comment \"TEXT\"`.  At @i (a token start): the bytes of the
 * opening to copy, setting r->cmt to how the comment ends: '"', 'J' (a
 * JSON-escaped '"') or ' ' (a bare word).  0: no comment starts here.
 */
static size_t
cmt_open(struct rd *r, const char *text, size_t i)
{
	const char *s = text + i;

	if (strncmp(s, "comment ", 8))
		return 0;
	if (s[8] == '\\' && s[9] == '"') {
		r->cmt = 'J';
		return 10;
	}
	if (s[8] == '"') {
		r->cmt = '"';
		return 9;
	}
	r->cmt = ' ';
	return 8;
}

/* Does the comment end at @text[@i] (its closing quote)?  Bytes of the
 * closing to copy, or 0; a newline or the end of a JSON string ends any
 * comment. */
static size_t
cmt_close(struct rd *r, const char *text, size_t i)
{
	char c = text[i];
	size_t b = backslashes(text, i);

	if (c == '\n')
		return (r->cmt = 0);
	switch (r->cmt) {
	case 'J':	/* \"TEXT\": 1 backslash, 3 an escaped '"' inside */
		if (c == '"' && b % 4 == 1) {
			r->cmt = 0;
			return 1;
		}
		if (c == '"' && b % 2 == 0)
			r->cmt = 0;	/* the JSON string ends */
		return 0;
	case '"':
		if (c == '"' && b % 2 == 0) {
			r->cmt = 0;
			return 1;
		}
		return 0;
	default:	/* a bare word: up to a blank or a JSON escape */
		if (isspace((unsigned char)c) || c == '"' ||
		    (c == '\\' && strchr("ntr", text[i + 1])))
			r->cmt = 0;
		return 0;
	}
}

/* A name of r->names as a whole word at @s, in any case (host names are
 * case-insensitive: "GW1.Example.NET" is the same host; found by
 * tests/fuzz/fuzz_redact); bytes consumed or 0. */
static size_t
try_name(struct rd *r, const char *s)
{
	const char *const *n;
	size_t l;

	for (n = r->names; n && *n; n++) {
		l = strlen(*n);
		if (l < 2 || strncasecmp(s, *n, l) || is_word(s[l]) ||
		    s[l] == '-')
			continue;
		put(r, "redacted-host", 13);
		return l;
	}
	return 0;
}

static void
scan(struct rd *r, const char *text)
{
	size_t i = 0, k;

	r->cmt = 0;
	while (text[i]) {
		if (r->cmt && (k = cmt_close(r, text, i))) {
			put(r, text + i, k);
			i += k;
			continue;
		}
		if (!r->cmt && at_start(text, i) &&
		    (k = cmt_open(r, text, i))) {
			put(r, text + i, k);
			i += k;
			continue;
		}
		if (at_start(text, i)) {
			k = 0;
			/* "gw" is not the host in "wan-gw" */
			if (i == 0 || text[i - 1] != '-') {
				k = try_name(r, text + i);
				if (!k)
					k = try_host(r, text + i, r->cmt);
				if (!k)
					k = try_dash_mac(r, text + i);
			}
			if (!k)
				k = try_addr(r, text + i);
			if (k) {
				i += k;
				continue;
			}
		}
		put(r, text + i, 1);
		i++;
	}
}

char *
redact_text(const char *text, const struct redact_key *key,
	    const char *const *names)
{
	struct rd r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.key = key;
	r.names = names;
	scan(&r, text);
	/* what the first pass found is the set no output may equal; the
	 * mapping itself starts from nothing */
	for (i = 0; i < r.n; i++)
		r.v[i].mapped = false;
	for (i = 0; i < r.nh; i++)
		r.h[i].mapped = false;
	r.emit = true;
	scan(&r, text);
	for (i = 0; i < r.nh; i++)
		free(r.h[i].in);
	free(r.h);
	free(r.v);
	free(r.sub);
	return strbuf_take(&r.out);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_eval.c - the filter evaluator (see nft_eval.h): a packet of a flow
 * through every owner's base chains on one hook, three-valued.
 *
 * A rule is a list of expressions the kernel runs in order over 32-bit
 * registers; the first comparison that fails ends the rule (NFT_BREAK).
 * We run the same list over a model of the registers where each 32-bit
 * slot is either known (bytes of the packet) or unknown (with the reason:
 * the expression that filled it).  A comparison over an unknown slot
 * makes the rule "maybe"; a maybe-rule that would decide the verdict
 * (accept, drop, jump ...) makes the chain UNSURE, named after the first
 * thing we could not follow.  A maybe-rule without a verdict changes
 * nothing and the walk goes on, as a rule with a statement only does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/nft.h"
#include "nat/nft_eval.h"

#define NSLOT 20		/* NFT_REG32_NUM: 4 verdict + 16 data */
#define JUMP_DEPTH 16		/* NFT_JUMP_STACK_SIZE */

enum tri { T_NO = 0, T_MAYBE, T_YES };

struct regs {
	uint8_t b[NSLOT * 4];
	const char *unk[NSLOT];	/* NULL: known; else why not */
};

/* One rule's run. */
struct run {
	const struct nft_eval_pkt *p;
	struct regs r;
	enum tri match;
	char why[120];		/* the first reason for a maybe */
	const char **mark_why;	/* the walk's: marks unknown since */
	const struct nft_ruleset *rs;	/* for set lookups */
	const struct nft_rs_chain *chain;	/* the rule's: its table */
	int verdict;		/* NFT_RS_*, or NFT_RS_CONTINUE: none */
	const char *target;	/* jump/goto: the chain (borrowed) */
	bool reject;
};

/* The first 32-bit slot of register @reg, or -1 (NFT_REG_1..4 are 128
 * bits wide and overlay NFT_REG32_00..15, as nft_parse_register()). */
static int
slot_of(uint32_t reg)
{
	if (reg >= 1 && reg <= 4)
		return (int)reg * 4;
	if (reg >= 8 && reg < 8 + 16)
		return (int)reg - 8 + 4;
	return -1;
}

/* The rule may or may not match: @a@b says on what. */
static void
maybe(struct run *u, const char *a, const char *b)
{
	if (u->match == T_YES) {
		u->match = T_MAYBE;
		snprintf(u->why, sizeof(u->why), "%s%s", a, b);
	}
}

/* Write @len bytes of @v (NULL: unknown for @why) at register @reg; the
 * rest of the last slot is zeroed, as the kernel's loads do. */
static void
reg_put(struct run *u, uint32_t reg, const uint8_t *v, uint32_t len,
	const char *why)
{
	int s = slot_of(reg);
	uint32_t i, n = (len + 3) / 4;

	if (s < 0 || len == 0 || s + n > NSLOT) {
		maybe(u, why, " into a register we do not model");
		return;
	}
	memset(&u->r.b[s * 4], 0, n * 4);
	if (v)
		memcpy(&u->r.b[s * 4], v, len);
	for (i = 0; i < n; i++)
		u->r.unk[s + i] = v ? NULL : why;
}

/* Pointer to @len bytes of register @reg, or NULL when some are unknown
 * (*why then says why). */
static const uint8_t *
reg_get(const struct run *u, uint32_t reg, uint32_t len, const char **why)
{
	int s = slot_of(reg);
	uint32_t i, n = (len + 3) / 4;

	*why = "a register we do not model";
	if (s < 0 || len == 0 || s + n > NSLOT)
		return NULL;
	for (i = 0; i < n; i++)
		if (u->r.unk[s + i]) {
			*why = u->r.unk[s + i];
			return NULL;
		}
	return &u->r.b[s * 4];
}

/* The network header of @p: its bytes in @h, which are known in @k. */
static void
net_header(const struct nft_eval_pkt *p, uint8_t *h, bool *k)
{
	if (p->family == NFT_RS_IP) {
		h[9] = p->proto;
		memcpy(&h[12], p->src, 4);
		memcpy(&h[16], p->dst, 4);
		k[9] = true;
		memset(&k[12], 1, 8);
	} else {
		h[6] = p->proto;
		memcpy(&h[8], p->src, 16);
		memcpy(&h[24], p->dst, 16);
		k[6] = true;
		memset(&k[8], 1, 32);
	}
}

static void
th_header(const struct nft_eval_pkt *p, uint8_t *h, bool *k)
{
	if (p->has_sport) {
		h[0] = (uint8_t)(p->sport >> 8);
		h[1] = (uint8_t)p->sport;
		k[0] = k[1] = true;
	}
	if (p->has_dport) {
		h[2] = (uint8_t)(p->dport >> 8);
		h[3] = (uint8_t)p->dport;
		k[2] = k[3] = true;
	}
	if (p->proto == 6 && p->has_tcp_flags) {
		h[13] = p->tcp_flags;
		k[13] = true;
	}
	if ((p->proto == 1 || p->proto == 58) && p->has_icmp) {
		h[0] = p->icmp_type;
		h[1] = p->icmp_code;
		k[0] = k[1] = true;
	}
}

static void
load_payload(struct run *u, const struct nft_rs_expr *x)
{
	uint8_t h[64] = { 0 };
	bool k[64] = { false };
	uint32_t i;

	if (x->base == NFT_RS_BASE_NETWORK)
		net_header(u->p, h, k);
	else if (x->base == NFT_RS_BASE_TRANSPORT)
		th_header(u->p, h, k);
	if (x->off >= sizeof(h) || x->len > sizeof(h) - x->off) {
		reg_put(u, x->dreg, NULL, x->len, "a payload field");
		return;
	}
	for (i = 0; i < x->len; i++)
		if (!k[x->off + i]) {
			reg_put(u, x->dreg, NULL, x->len, x->base ==
				NFT_RS_BASE_TRANSPORT ? "a transport header "
				"field" : x->base == NFT_RS_BASE_NETWORK ?
				"a network header field" : "a link-layer "
				"header field");
			return;
		}
	reg_put(u, x->dreg, &h[x->off], x->len, NULL);
}

/* An interface load: name (16 bytes, NUL-padded) or index. */
static void
load_if(struct run *u, const struct nft_rs_expr *x, enum nft_eval_if st,
	const char *name, uint32_t index)
{
	uint8_t b[16] = { 0 };
	bool byname = x->load == NFT_RS_LOAD_IIFNAME ||
		      x->load == NFT_RS_LOAD_OIFNAME;
	const char *what = x->load == NFT_RS_LOAD_IIFNAME ? "meta iifname" :
		x->load == NFT_RS_LOAD_OIFNAME ? "meta oifname" :
		x->load == NFT_RS_LOAD_IIF ? "meta iif" : "meta oif";

	if (st == NFT_EVAL_IF_NONE) {
		/* no device on this hook: the kernel's meta breaks the rule */
		u->match = T_NO;
		return;
	}
	if (st == NFT_EVAL_IF_UNKNOWN || (!byname && !index)) {
		reg_put(u, x->dreg, NULL, byname ? 16 : 4, what);
		return;
	}
	if (byname)
		memcpy(b, name, strnlen(name, 15));
	else
		memcpy(b, &index, 4);
	reg_put(u, x->dreg, b, byname ? 16 : 4, NULL);
}

static void
load_u32(struct run *u, uint32_t dreg, uint32_t v)
{
	reg_put(u, dreg, (const uint8_t *)&v, 4, NULL);
}

static void
eval_load(struct run *u, const struct nft_rs_expr *x)
{
	const struct nft_eval_pkt *p = u->p;
	uint8_t b[2];

	switch (x->load) {
	case NFT_RS_LOAD_NFPROTO:
		b[0] = (uint8_t)p->family;
		reg_put(u, x->dreg, b, 1, NULL);
		break;
	case NFT_RS_LOAD_L4PROTO:
		reg_put(u, x->dreg, &p->proto, 1, NULL);
		break;
	case NFT_RS_LOAD_PROTOCOL:
		b[0] = p->family == NFT_RS_IP ? 0x08 : 0x86;
		b[1] = p->family == NFT_RS_IP ? 0x00 : 0xdd;
		reg_put(u, x->dreg, b, 2, NULL);
		break;
	case NFT_RS_LOAD_PAYLOAD:
		load_payload(u, x);
		break;
	case NFT_RS_LOAD_IIFNAME:
	case NFT_RS_LOAD_IIF:
		load_if(u, x, p->iif_state, p->iif, p->iif_index);
		break;
	case NFT_RS_LOAD_OIFNAME:
	case NFT_RS_LOAD_OIF:
		load_if(u, x, p->oif_state, p->oif, p->oif_index);
		break;
	case NFT_RS_LOAD_MARK:
	case NFT_RS_LOAD_CT_MARK:
		if (*u->mark_why)
			reg_put(u, x->dreg, NULL, 4, *u->mark_why);
		else
			load_u32(u, x->dreg, x->load == NFT_RS_LOAD_MARK ?
				 p->mark : p->ct_mark);
		break;
	case NFT_RS_LOAD_CT_STATE:
		load_u32(u, x->dreg, p->ct_state);
		break;
	case NFT_RS_LOAD_CT_STATUS:
		load_u32(u, x->dreg, p->ct_status);
		break;
	default:
		/* x->name: "meta", "ct" or "payload" (of another key) */
		reg_put(u, x->dreg, NULL, 16, x->name);
		break;
	}
}

static void
eval_bitwise(struct run *u, const struct nft_rs_expr *x)
{
	uint8_t v[NFT_RS_DATA];
	const uint8_t *s;
	const char *why;
	uint32_t i, len = x->data_len;

	if (x->bw_shift || !x->has_data || len == 0 || len > NFT_RS_DATA ||
	    (x->data2_len && x->data2_len != len)) {
		reg_put(u, x->dreg, NULL, len ? len : 4, "a bitwise shift");
		return;
	}
	s = reg_get(u, x->sreg, len, &why);
	if (!s) {
		reg_put(u, x->dreg, NULL, len, why);
		return;
	}
	for (i = 0; i < len; i++)
		v[i] = (uint8_t)((s[i] & x->data[i]) ^
				 (x->data2_len ? x->data2[i] : 0));
	reg_put(u, x->dreg, v, len, NULL);
}

/* Big-endian compare, as nft_cmp does with memcmp. */
static int
cmp_bytes(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	int c = memcmp(a, b, len);

	return c < 0 ? -1 : c > 0;
}

static bool
op_holds(enum nft_rs_op op, int c)
{
	switch (op) {
	case NFT_RS_EQ:
		return c == 0;
	case NFT_RS_NEQ:
		return c != 0;
	case NFT_RS_LT:
		return c < 0;
	case NFT_RS_LTE:
		return c <= 0;
	case NFT_RS_GT:
		return c > 0;
	case NFT_RS_GTE:
		return c >= 0;
	}
	return false;
}

static void
eval_cmp(struct run *u, const struct nft_rs_expr *x)
{
	const uint8_t *s;
	const char *why;
	bool ok;

	if (!x->has_data || x->data_len == 0 || x->data_len > NFT_RS_DATA ||
	    (x->kind == NFT_RS_X_RANGE && (x->data2_len != x->data_len ||
					   x->op > NFT_RS_NEQ))) {
		maybe(u, x->name, " we cannot read");
		return;
	}
	s = reg_get(u, x->sreg, x->data_len, &why);
	if (!s) {
		maybe(u, why, "");
		return;
	}
	if (x->kind == NFT_RS_X_RANGE) {
		ok = cmp_bytes(s, x->data, x->data_len) >= 0 &&
		     cmp_bytes(s, x->data2, x->data_len) <= 0;
		ok = x->op == NFT_RS_EQ ? ok : !ok;
	} else {
		ok = op_holds(x->op, cmp_bytes(s, x->data, x->data_len));
	}
	if (!ok)
		u->match = T_NO;
}

/* The element of @st holding @v (st->key_len bytes), or NULL: in an
 * interval set the greatest key not above @v, when it starts an interval
 * (not INTERVAL_END); else the equal key.  *@ok false when an element's
 * key is longer than we keep. */
static const struct nft_rs_elem *
set_hit(const struct nft_rs_set *st, const uint8_t *v, bool *ok)
{
	const struct nft_rs_elem *best = NULL;
	uint32_t len = st->key_len;
	size_t i;

	*ok = true;
	for (i = 0; i < st->n_elems; i++) {
		const struct nft_rs_elem *el = &st->elems[i];

		if (el->key_len != len || el->key_end_len) {
			*ok = false;
			return NULL;
		}
		if (!(st->flags & NFT_RS_SET_INTERVAL)) {
			if (!memcmp(el->key, v, len))
				return el;
			continue;
		}
		if (memcmp(el->key, v, len) <= 0 &&
		    (!best || memcmp(el->key, best->key, len) > 0))
			best = el;
	}
	return best && !(best->flags & NFT_RS_ELEM_INTERVAL_END) ? best : NULL;
}

/* A set or map lookup in the set of the rule's table. */
static void
eval_lookup(struct run *u, const struct nft_rs_expr *x)
{
	const struct nft_rs_set *st = strlen(x->obj) < 63 ?
		nft_rs_set_find(u->rs, u->chain, x->obj) : NULL;
	const struct nft_rs_elem *el;
	const uint8_t *v;
	const char *why;
	bool ok;

	/* a concatenation of ranges matches field by field (pipapo), not
	 * as one key: not followed */
	if (!st || !st->key_len || st->key_len > NFT_RS_DATA ||
	    ((st->flags & NFT_RS_SET_CONCAT) &&
	     (st->flags & NFT_RS_SET_INTERVAL))) {
		maybe(u, "set lookup @", x->obj);
		if (x->lookup_map && x->dreg)
			reg_put(u, x->dreg, NULL, 4, "a map lookup");
		else if (x->lookup_map)
			u->verdict = NFT_RS_QUEUE;	/* a vmap: unknown */
		return;
	}
	v = reg_get(u, x->sreg, st->key_len, &why);
	el = v ? set_hit(st, v, &ok) : NULL;
	if (!v || !ok) {
		maybe(u, v ? "an element too long to keep in @" : why,
		      v ? x->obj : "");
		if (x->lookup_map)
			u->verdict = NFT_RS_QUEUE;
		return;
	}
	if (!x->lookup_map) {
		if (!el == !x->lookup_inv)
			u->match = T_NO;
		return;
	}
	if (!el) {			/* a map without the key: NFT_BREAK */
		u->match = T_NO;
		return;
	}
	if (x->dreg == 0) {		/* a vmap: the verdict */
		u->verdict = el->has_verdict ? el->verdict : NFT_RS_QUEUE;
		u->target = el->chain;
		return;
	}
	reg_put(u, x->dreg, el->data_len && el->data_len <= NFT_RS_DATA ?
		el->data : NULL, el->data_len ? el->data_len : 4,
		"a map value");
}

/* After an expression we do not know: it may have written any register
 * (numgen, osf, fib have a dreg we do not keep) or the mark (meta set, ct
 * set). */
static void
all_unknown(struct run *u, const char *why)
{
	int i;

	for (i = 4; i < NSLOT; i++)
		u->r.unk[i] = why;
	if (!*u->mark_why)
		*u->mark_why = why;
}

/* Is @name a statement that changes neither the verdict nor what later
 * expressions read?  (counter: kind COUNTER.) */
static bool
harmless(const char *name)
{
	return !strcmp(name, "log") || !strcmp(name, "counter");
}

/* One expression; false when the rule ends here (a failed match). */
static bool
eval_expr(struct run *u, const struct nft_rs_expr *x)
{
	switch (x->kind) {
	case NFT_RS_X_LOAD:
		eval_load(u, x);
		break;
	case NFT_RS_X_BITWISE:
		eval_bitwise(u, x);
		break;
	case NFT_RS_X_CMP:
	case NFT_RS_X_RANGE:
		eval_cmp(u, x);
		break;
	case NFT_RS_X_COUNTER:
		break;
	case NFT_RS_X_IMM:
		reg_put(u, x->dreg, x->has_data && x->data_len <= NFT_RS_DATA ?
			x->data : NULL, x->data_len, "an immediate");
		break;
	case NFT_RS_X_VERDICT:
		u->verdict = x->verdict;
		u->target = x->obj;
		break;
	case NFT_RS_X_REJECT:
		u->verdict = NFT_RS_DROP;
		u->reject = true;
		break;
	case NFT_RS_X_LOOKUP:
		eval_lookup(u, x);
		break;
	case NFT_RS_X_TARGET:
		maybe(u, "xt target ", x->obj);
		u->verdict = NFT_RS_QUEUE;	/* who knows: not continue */
		break;
	case NFT_RS_X_MASQ:
	case NFT_RS_X_NAT:
		maybe(u, x->name, " statement (NAT of another table)");
		u->verdict = NFT_RS_QUEUE;
		break;
	default:
		if (harmless(x->name))
			break;
		/* A match we do not know (numgen, osf, limit, fib ...) or a
		 * statement (meta set, ct set ...): it may stop the rule or
		 * change what later expressions read. */
		maybe(u, "expression ", x->name[0] ? x->name : "?");
		all_unknown(u, x->name[0] ? x->name : "?");
		break;
	}
	return u->match != T_NO;
}

/* The walk of one base chain. */
struct walk {
	const struct nft_ruleset *rs;
	const struct nft_eval_pkt *p;
	const char *mark_why;	/* NULL: marks as the packet says */
	struct nft_eval_chain *out;
};

/* The chain @name in the table of chain @c, or -1.  A name cut to 63
 * bytes (nft_ruleset.h) is not looked for: it could name another. */
static long
chain_find(const struct nft_ruleset *rs, size_t c, const char *name)
{
	const struct nft_rs_chain *from = &rs->chains[c];
	size_t i;

	if (strlen(name) >= 63)
		return -1;
	for (i = 0; i < rs->n_chains; i++)
		if (rs->chains[i].family == from->family &&
		    !strcmp(rs->chains[i].table, from->table) &&
		    !strcmp(rs->chains[i].name, name))
			return (long)i;
	return -1;
}

static enum nft_eval_verdict
decide(struct walk *w, enum nft_eval_verdict v, size_t c, size_t rule,
       const char *why)
{
	struct nft_eval_chain *o = w->out;

	o->verdict = v;
	o->rule_chain = c;
	o->handle = w->rs->rules[rule].handle;
	if (why)
		snprintf(o->why, sizeof(o->why), "%s", why);
	return v;
}

static enum nft_eval_verdict
by_policy(struct walk *w)
{
	struct nft_eval_chain *o = w->out;
	int pol = w->rs->chains[o->chain].policy;

	o->by_policy = true;
	o->rule_chain = o->chain;
	o->verdict = pol == NFT_RS_DROP ? NFT_EVAL_DROP : NFT_EVAL_ACCEPT;
	return o->verdict;
}

/* Run rule @i of the ruleset into @u. */
static void
run_rule(struct walk *w, size_t i, struct run *u)
{
	const struct nft_rs_rule *r = &w->rs->rules[i];
	size_t k;

	memset(u, 0, sizeof(*u));
	u->p = w->p;
	u->match = T_YES;
	u->verdict = NFT_RS_CONTINUE;
	u->mark_why = &w->mark_why;
	u->rs = w->rs;
	u->chain = &w->rs->chains[r->chain];
	for (k = 0; k < NSLOT; k++)
		u->r.unk[k] = k < 4 ? "the verdict register" : NULL;
	/* the registers start zeroed in the kernel; known zero here too */
	for (k = 0; k < r->n_x; k++)
		if (!eval_expr(u, &r->x[k]))
			break;
}

/* Walk the base chain w->out->chain: jumps, gotos, returns, policy. */
static enum nft_eval_verdict
walk_chain(struct walk *w)
{
	const struct nft_ruleset *rs = w->rs;
	struct { size_t c, i; } stack[JUMP_DEPTH];
	size_t c = w->out->chain, i = 0, depth = 0;
	unsigned long steps = 0;
	char why[160];
	struct run u;
	long t;

	for (;; i++) {
		while (i < rs->n_rules && rs->rules[i].chain != c)
			i++;
		if (i >= rs->n_rules) {		/* the end: return */
			if (depth == 0)
				return by_policy(w);
			depth--;
			c = stack[depth].c;
			i = stack[depth].i;
			continue;
		}
		/* loops cannot be loaded, but a fuzzed dump can hold one */
		if (++steps > 100000)
			return decide(w, NFT_EVAL_UNSURE, c, i, "too many "
				      "rules walked (a loop?)");
		run_rule(w, i, &u);
		if (u.match == T_NO || u.verdict == NFT_RS_CONTINUE ||
		    u.verdict == NFT_RS_BREAK)
			continue;
		if (u.match == T_MAYBE)
			return decide(w, NFT_EVAL_UNSURE, c, i, u.why);
		switch (u.verdict) {
		case NFT_RS_ACCEPT:
			return decide(w, NFT_EVAL_ACCEPT, c, i, NULL);
		case NFT_RS_DROP:
			w->out->reject = u.reject;
			return decide(w, NFT_EVAL_DROP, c, i, NULL);
		case NFT_RS_RETURN:
			if (depth == 0)
				return by_policy(w);
			depth--;
			c = stack[depth].c;
			i = stack[depth].i;
			continue;
		case NFT_RS_JUMP:
		case NFT_RS_GOTO:
			t = chain_find(rs, c, u.target);
			if (t < 0 || (u.verdict == NFT_RS_JUMP &&
				      depth == JUMP_DEPTH)) {
				snprintf(why, sizeof(why), "%s to a chain we "
					 "cannot follow", u.verdict ==
					 NFT_RS_JUMP ? "jump" : "goto");
				return decide(w, NFT_EVAL_UNSURE, c, i, why);
			}
			if (u.verdict == NFT_RS_JUMP) {
				stack[depth].c = c;
				stack[depth].i = i;
				depth++;
			}
			c = (size_t)t;
			i = (size_t)-1;		/* i++: the first rule */
			continue;
		default:
			snprintf(why, sizeof(why), "%s", u.why[0] ? u.why :
				 "a verdict other than accept or drop "
				 "(queue?)");
			return decide(w, NFT_EVAL_UNSURE, c, i, why);
		}
	}
}

void
nft_eval_hook_init(struct nft_eval_hook *h)
{
	memset(h, 0, sizeof(*h));
	h->decider = -1;
}

void
nft_eval_hook_done(struct nft_eval_hook *h)
{
	free(h->chains);
	nft_eval_hook_init(h);
}

/* Does base chain @ch meet @p on @hook? */
static bool
chain_applies(const struct nft_rs_chain *ch, int hook,
	      const struct nft_eval_pkt *p)
{
	if (!ch->base || ch->hook != hook)
		return false;
	if (ch->family != p->family && ch->family != NFT_RS_INET)
		return false;
	/* our own table: explain.c models it */
	if (ch->family != NFT_RS_INET && !strcmp(ch->table, NAT_TABLE_NAME))
		return false;
	/* nat chains see only the first packet of a connection */
	if (!strcmp(ch->type, "nat") && p->ct_state != NFT_EVAL_CT_NEW)
		return false;
	return true;
}

/* The chains of @h in priority order (stable: the kernel's order at an
 * equal priority, which is the order they were added). */
static void
sort_chains(const struct nft_ruleset *rs, struct nft_eval_hook *h)
{
	size_t i, j;

	for (i = 1; i < h->n_chains; i++) {
		struct nft_eval_chain t = h->chains[i];

		for (j = i; j > 0 && rs->chains[h->chains[j - 1].chain].prio >
			    rs->chains[t.chain].prio; j--)
			h->chains[j] = h->chains[j - 1];
		h->chains[j] = t;
	}
}

void
nft_eval_run(const struct nft_ruleset *rs, int hook,
	     const struct nft_eval_pkt *p, const struct nft_eval_pkt *p_nat,
	     int nat_prio, struct nft_eval_hook *h)
{
	const char *mark_why = NULL;
	size_t i;

	nft_eval_hook_init(h);
	h->hook = hook;
	for (i = 0; i < rs->n_chains; i++) {
		if (!chain_applies(&rs->chains[i], hook, p))
			continue;
		h->chains = xreallocarray(h->chains, h->n_chains + 1,
					  sizeof(*h->chains));
		memset(&h->chains[h->n_chains], 0, sizeof(*h->chains));
		h->chains[h->n_chains++].chain = i;
	}
	sort_chains(rs, h);
	for (i = 0; i < h->n_chains; i++) {
		struct walk w = { rs, p, mark_why, &h->chains[i] };

		if (p_nat && rs->chains[h->chains[i].chain].prio > nat_prio)
			w.p = p_nat;
		walk_chain(&w);
		mark_why = w.mark_why;	/* a mark set here is seen later */
		if (h->chains[i].verdict == NFT_EVAL_DROP) {
			/* a drop is final: later chains never see it */
			h->verdict = NFT_EVAL_DROP;
			h->decider = (long)i;
			h->n_chains = i + 1;
			return;
		}
		if (h->chains[i].verdict == NFT_EVAL_UNSURE &&
		    h->decider < 0) {
			h->verdict = NFT_EVAL_UNSURE;
			h->decider = (long)i;
		}
	}
}

const char *
nft_eval_verdict_name(enum nft_eval_verdict v)
{
	switch (v) {
	case NFT_EVAL_ACCEPT:
		return "accept";
	case NFT_EVAL_DROP:
		return "drop";
	default:
		return "unsure";
	}
}

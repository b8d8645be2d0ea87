/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag_nft.c - what the rules of every nftables chain in this namespace
 * do, as far as the checks ident, nat.others and helpers care: masquerade,
 * snat and dnat statements; matching tcp port 113 and the verdict; setting
 * a ct helper.  The ruleset itself comes from nat (nat/nft_ruleset.h, the
 * one reader of the kernel's nftables), as plain data.
 *
 * Rules are understood by walking their expressions: a transport-header
 * payload load at offset 2 (the destination port) into a register, then a
 * cmp or range on that register covering 113, then the verdict (an
 * immediate drop/accept, or reject).  iptables-nft's xt targets
 * (MASQUERADE, SNAT, DNAT, REJECT) count as their native equivalents.
 * Port sets (lookup) are not resolved.  Nothing is changed in the kernel.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "diag/diag_int.h"

#define IDENT_PORT 113

/* What one rule's expressions amount to. */
struct rule_sum {
	struct diag_nft_sum *s;
	uint32_t dport_reg;	/* register holding the dport; 0: none */
	bool m113;		/* matched tcp/udp dport 113 */
	int verdict;		/* -1 none, NFT_RS_DROP, NFT_RS_ACCEPT */
	bool reject;
};

/* A 2-byte big-endian value, or 0 when @len is not 2. */
static uint16_t
be16(const uint8_t *d, uint32_t len)
{
	uint16_t v;

	if (len != 2)
		return 0;
	memcpy(&v, d, 2);
	return ntohs(v);
}

static void
target(struct rule_sum *rs, const char *name)
{
	if (!strcmp(name, "MASQUERADE"))
		rs->s->n_masq++;
	else if (!strcmp(name, "SNAT"))
		rs->s->n_snat++;
	else if (!strcmp(name, "DNAT"))
		rs->s->n_dnat++;
	else if (!strcmp(name, "REJECT"))
		rs->reject = true;
}

/* Loads and comparisons: does the rule match destination port 113? */
static void
port_expr(struct rule_sum *rs, const struct nft_rs_expr *x)
{
	if (x->kind == NFT_RS_X_LOAD && x->load == NFT_RS_LOAD_PAYLOAD) {
		if (x->base == NFT_RS_BASE_TRANSPORT && x->off == 2 &&
		    x->len == 2)
			rs->dport_reg = x->dreg;
		else if (rs->dport_reg == x->dreg)
			rs->dport_reg = 0;
	} else if (x->kind == NFT_RS_X_CMP) {
		if (rs->dport_reg && x->sreg == rs->dport_reg &&
		    x->op == NFT_RS_EQ && be16(x->data, x->data_len) ==
		    IDENT_PORT)
			rs->m113 = true;
	} else if (x->kind == NFT_RS_X_RANGE) {
		if (rs->dport_reg && x->sreg == rs->dport_reg &&
		    x->op == NFT_RS_EQ &&
		    be16(x->data, x->data_len) <= IDENT_PORT &&
		    be16(x->data2, x->data2_len) >= IDENT_PORT)
			rs->m113 = true;
	}
}

static void
expr_sum(struct rule_sum *rs, const struct nft_rs_expr *x)
{
	struct diag_nft_sum *s = rs->s;

	switch (x->kind) {
	case NFT_RS_X_VERDICT:
		rs->verdict = x->verdict;
		break;
	case NFT_RS_X_REJECT:
		rs->reject = true;
		break;
	case NFT_RS_X_MASQ:
		s->n_masq++;
		break;
	case NFT_RS_X_NAT:
		if (x->snat)
			s->n_snat++;
		else
			s->n_dnat++;
		break;
	case NFT_RS_X_TARGET:
		target(rs, x->obj);
		break;
	case NFT_RS_X_OBJREF:
		if (x->helper && s->n_helper_refs < 4)
			snprintf(s->helper_refs[s->n_helper_refs++],
				 sizeof(s->helper_refs[0]), "%s", x->obj);
		break;
	default:
		port_expr(rs, x);
		break;
	}
}

static void
rule_sum(struct diag_nft_sum *s, const struct nft_rs_rule *r)
{
	struct rule_sum rs = { s, 0, false, -1, false };
	size_t i;

	for (i = 0; i < r->n_x; i++)
		expr_sum(&rs, &r->x[i]);
	if (!rs.m113)
		return;
	if (rs.reject)
		s->ident_reject++;
	else if (rs.verdict == NFT_RS_DROP)
		s->ident_drop++;
	else if (rs.verdict == NFT_RS_ACCEPT)
		s->ident_accept++;
}

int
diag_nft_read(struct diag_nft *d, struct masq_err *e)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	if (nft_ruleset_read(&d->rs, e) == -1)
		return -1;
	d->sum = xcalloc(d->rs.n_chains ? d->rs.n_chains : 1,
			 sizeof(*d->sum));
	for (i = 0; i < d->rs.n_rules; i++)
		rule_sum(&d->sum[d->rs.rules[i].chain], &d->rs.rules[i]);
	return 0;
}

void
diag_nft_done(struct diag_nft *d)
{
	nft_ruleset_done(&d->rs);
	free(d->sum);
	memset(d, 0, sizeof(*d));
}

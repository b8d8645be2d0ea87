/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag_int.h - what the check files share and nothing else includes
 * (except the unit test): small network-list helpers (diag_net.c) and a
 * summary of every nftables chain in the kernel (diag_nft.c, from nat's
 * reader).  The addresses and routes the checks read are nat's
 * (nat/links.h).
 */
#ifndef MASQ_DIAG_INT_H
#define MASQ_DIAG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "nat/nft_ruleset.h"
#include "nat/rule.h"

/* True when @a and @b share any address (same family, prefixes overlap). */
bool diag_net_overlap(const struct nat_net *a, const struct nat_net *b);
/* @a with the host bits cleared. */
struct nat_net diag_net_network(const struct nat_net *a);
/* "192.168.1.0/24" into @buf. */
const char *diag_net_str(const struct nat_net *n, char *buf, size_t size);

/* ---- nftables: what each chain's rules do (diag_nft.c) ---- */

/* The rules of one chain, as far as the checks care. */
struct diag_nft_sum {
	unsigned int n_masq, n_snat, n_dnat;	/* NAT statements */
	/* rules that match tcp port 113 (dport), and what they do */
	unsigned int ident_drop, ident_reject, ident_accept;
	unsigned int n_helper_refs;	/* "ct helper set" statements */
	char helper_refs[4][64];	/* the object names they set */
};

struct diag_nft {
	struct nft_ruleset rs;		/* every table (nat/nft_ruleset.h) */
	struct diag_nft_sum *sum;	/* one per rs.chains[] */
};

/* Read every table (nat) and sum up each chain.  -1 with @e on error. */
int diag_nft_read(struct diag_nft *d, struct masq_err *e);
void diag_nft_done(struct diag_nft *d);

#endif

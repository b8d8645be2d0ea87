/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag_net.c - network-list helpers for the checks: overlap of two
 * networks, the network of an address, "addr/plen" text.  The addresses,
 * routes and policy rules themselves come from nat (nat/links.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/ctent.h"
#include "diag/diag_int.h"

struct nat_net
diag_net_network(const struct nat_net *a)
{
	struct nat_net r = *a;
	unsigned int i, bits = a->family == AF_INET ? 32 : 128;

	for (i = a->plen; i < bits; i++)
		r.addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return r;
}

bool
diag_net_overlap(const struct nat_net *a, const struct nat_net *b)
{
	unsigned int plen = a->plen < b->plen ? a->plen : b->plen, i;
	uint8_t m;

	if (a->family != b->family)
		return false;
	for (i = 0; i < plen / 8; i++)
		if (a->addr[i] != b->addr[i])
			return false;
	if (plen % 8) {
		m = (uint8_t)(0xff << (8 - plen % 8));
		if ((a->addr[i] & m) != (b->addr[i] & m))
			return false;
	}
	return true;
}

const char *
diag_net_str(const struct nat_net *n, char *buf, size_t size)
{
	char a[CT_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", ctent_addr_format(n->family, n->addr, a),
		 n->plen);
	return buf;
}

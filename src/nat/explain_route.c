/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * explain_route.c - what the kernel's routing table says about one
 * address, for `explain` (see explain.h): `ip route get ADDR` over
 * rtnetlink.
 *
 * Owns: what of nat's `ip route get` (links_route_get(), nat/links.h)
 * explain shows: the outgoing interface, the route type (local or not)
 * and the preferred source address.  Does not own: policy routing by source, mark or incoming
 * interface (the lookup is by destination only, as for a packet this host
 * sends), nor any route cache.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "nat/explain.h"
#include "nat/links.h"

int
explain_route_get(int family, const uint8_t *addr, struct explain_route *r,
		  struct masq_err *e)
{
	struct links_path p;
	struct masq_err q;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	err_init(&q);
	if (links_route_get(family, addr, 0, &p, &q) == 0) {
		r->ok = true;
		r->local = p.local;
		snprintf(r->oif, sizeof(r->oif), "%s", p.oifname);
		r->has_src = p.has_src;
		memcpy(r->src, p.src, sizeof(p.src));
	} else if (q.code == MASQ_EKERNEL) {
		/* not asked: the socket, not the routing table, failed */
		*e = q;
		err_init(&q);
		rc = -1;
	}
	err_done(&q);
	return rc;
}

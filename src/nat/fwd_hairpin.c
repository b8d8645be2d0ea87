/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fwd_hairpin.c - the addresses a hairpin forward depends on (rule.h:
 * struct nat_hairpin), read from the namespace at compile time.
 *
 * Why addresses resolved at apply rather than "fib daddr type local": a fib
 * match takes every local address, the gateway's LAN address included, so
 * a LAN client talking to the gateway's own port 80 (its web UI) would be
 * sent to the inside server.  The inbound interface's addresses are what
 * the user means by "the public address"; they change (DHCP, PPP), and the
 * engine already follows address changes for `detect` and re-applies
 * (engine_detect_uses() counts hairpin forwards), so the same mechanism
 * keeps the match current.  Without the engine a changed address needs
 * another `apply`, as `detect` does.
 * Does not own: the nft rules built from it (nft_build.c), the reading of
 * addresses (links_addr.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/links.h"
#include "nat/rule.h"

static void
net_host(struct nat_net *n)
{
	n->plen = n->family == AF_INET6 ? 128 : 32;
}

static void
net_mask(struct nat_net *n)
{
	unsigned int i, max = n->family == AF_INET6 ? 128 : 32;

	for (i = n->plen; i < max; i++)
		n->addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

/* The public addresses: dst, or the inbound interface's global ones. */
static int
hairpin_pub(const struct nat_forward *f, struct nat_hairpin *hp,
	    struct masq_err *e)
{
	size_t i;

	if (f->has_dst) {
		hp->pub = xmalloc(sizeof(*hp->pub));
		hp->pub[0] = f->dst;
		hp->n_pub = 1;
		return 0;
	}
	if (links_addrs(f->iif.name, f->to.family, &hp->pub, &hp->n_pub,
			e) < 0) {
		if (e->code != MASQ_EFAIL)
			return -1;
		/* no such interface yet (a ppp link not up): nothing to
		 * hairpin until it comes, as the engine will see */
		err_reset(e);
		hp->pub = NULL;
		hp->n_pub = 0;
		return 0;
	}
	for (i = 0; i < hp->n_pub; i++)
		net_host(&hp->pub[i]);
	return 0;
}

/* The first network of the gateway that holds the server. */
static int
hairpin_lan(const struct nat_forward *f, struct nat_hairpin *hp,
	    struct masq_err *e)
{
	struct links_addr *v = NULL;
	size_t n = 0, i;

	if (links_addr_list(f->to.family, &v, &n, e) < 0)
		return -1;
	for (i = 0; i < n && !hp->has_lan; i++) {
		struct nat_net net = v[i].net;

		if (v[i].scope == LINKS_SCOPE_HOST || v[i].tentative)
			continue;
		net_mask(&net);
		if (net.plen == 0 || !nat_net_has(&net, f->to.family,
						  f->to.addr))
			continue;
		hp->lan = net;
		hp->has_lan = true;
	}
	free(v);
	return 0;
}

int
nat_hairpin_resolve(const struct nat_forward *f, struct nat_hairpin *hp,
		    struct masq_err *e)
{
	memset(hp, 0, sizeof(*hp));
	if (!f->hairpin)
		return 0;
	if (hairpin_pub(f, hp, e) < 0 || hairpin_lan(f, hp, e) < 0) {
		nat_hairpin_done(hp);
		return err_prefix(e, "forward %lld (hairpin)",
				  (long long)f->id);
	}
	return 0;
}

void
nat_hairpin_done(struct nat_hairpin *hp)
{
	free(hp->pub);
	memset(hp, 0, sizeof(*hp));
}

bool
nat_hairpin_has_pub(const struct nat_hairpin *hp, int family,
		    const uint8_t *a)
{
	size_t i;

	for (i = 0; i < hp->n_pub; i++)
		if (nat_net_has(&hp->pub[i], family, a))
			return true;
	return false;
}

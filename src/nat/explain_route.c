/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * explain_route.c - what the kernel's routing table says about one
 * address, for `explain` (see explain.h): `ip route get ADDR` over
 * rtnetlink.
 *
 * Owns: one RTM_GETROUTE request and reading the outgoing interface, the
 * route type (local or not) and the preferred source address from the
 * answer.  Does not own: policy routing by source, mark or incoming
 * interface (the lookup is by destination only, as for a packet this host
 * sends), nor any route cache.
 */
#include "config.h"

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "nat/explain.h"
#include "nat/links.h"

static int
route_attr(const struct nlattr *a, void *data)
{
	struct explain_route *r = data;
	uint16_t len = mnl_attr_get_payload_len(a);
	char name[IF_NAMESIZE];

	if (mnl_attr_get_type(a) == RTA_OIF &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0) {
		if (if_indextoname(mnl_attr_get_u32(a), name))
			snprintf(r->oif, sizeof(r->oif), "%s", name);
	} else if (mnl_attr_get_type(a) == RTA_PREFSRC &&
		   (len == 4 || len == 16)) {
		memcpy(r->src, mnl_attr_get_payload(a), len);
		r->has_src = true;
	}
	return MNL_CB_OK;
}

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct explain_route *r = data;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	r->ok = true;
	r->local = rtm->rtm_type == RTN_LOCAL;
	return mnl_attr_parse(nlh, sizeof(*rtm), route_attr, data);
}

void
explain_route_get(int family, const uint8_t *addr, struct explain_route *r)
{
	struct masq_err e;

	memset(r, 0, sizeof(*r));
	err_init(&e);
	/* an error answer (no route) leaves or turns r->ok false */
	if (links_route_get(family, addr, 0, route_cb, r, &e) < 0)
		r->ok = false;
	err_done(&e);
}

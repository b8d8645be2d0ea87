/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links_addr.c - the one rtnetlink address collector (see links.h): every
 * address of the namespace with its interface, label, scope, flags and
 * lifetimes, and the global addresses of one interface drawn from it;
 * plus reading one address message (links_int.h), which the address
 * watcher (engine_addr.c) shares.  Nothing is cached.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "core/xalloc.h"
#include "nat/links_int.h"

_Static_assert(LINKS_SCOPE_UNIVERSE == RT_SCOPE_UNIVERSE &&
	       LINKS_SCOPE_LINK == RT_SCOPE_LINK &&
	       LINKS_SCOPE_HOST == RT_SCOPE_HOST, "scopes");

bool
links_ifaddr_parse(const struct nlmsghdr *nlh, struct links_ifaddr *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at, *local = NULL, *address = NULL, *pick;
	size_t alen;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return false;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	/* A prefix longer than the address is no address: the compiler
	 * would take /128 of an IPv4 address as its mask (fuzz_rtnl). */
	if (ifa->ifa_prefixlen > alen * 8)
		return false;
	memset(a, 0, sizeof(*a));
	a->family = ifa->ifa_family;
	a->plen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	a->ifindex = ifa->ifa_index;
	a->valid = a->preferred = LINKS_LIFE_FOREVER;
	mnl_attr_for_each(at, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(at)) {
		case IFA_LOCAL:
			local = at;
			break;
		case IFA_ADDRESS:
			address = at;
			break;
		case IFA_LABEL:
			if (mnl_attr_validate(at, MNL_TYPE_NUL_STRING) == 0)
				a->label = mnl_attr_get_str(at);
			break;
		case IFA_FLAGS:
			if (mnl_attr_validate(at, MNL_TYPE_U32) == 0)
				a->flags = mnl_attr_get_u32(at);
			break;
		case IFA_CACHEINFO:
			if (mnl_attr_get_payload_len(at) >=
			    sizeof(struct ifa_cacheinfo)) {
				const struct ifa_cacheinfo *ci =
					mnl_attr_get_payload(at);

				a->valid = ci->ifa_valid;
				a->preferred = ci->ifa_prefered;
			}
			break;
		default:
			break;
		}
	}
	pick = local ? local : address;
	if (!pick || mnl_attr_get_payload_len(pick) != alen)
		return false;
	memcpy(a->addr, mnl_attr_get_payload(pick), alen);
	return true;
}

struct addr_acc {
	int family;		/* AF_UNSPEC: both */
	struct links_addr *v;
	size_t n;
};

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_acc *acc = data;
	struct links_ifaddr ia;
	struct links_addr a;

	if (!links_ifaddr_parse(nlh, &ia) ||
	    (acc->family != AF_UNSPEC && ia.family != acc->family))
		return MNL_CB_OK;
	memset(&a, 0, sizeof(a));
	a.ifindex = ia.ifindex;
	if (!if_indextoname(ia.ifindex, a.ifname))
		snprintf(a.ifname, sizeof(a.ifname), "if%u", ia.ifindex);
	snprintf(a.label, sizeof(a.label), "%s",
		 ia.label && ia.label[0] ? ia.label : a.ifname);
	a.net.family = ia.family;
	memcpy(a.net.addr, ia.addr, sizeof(ia.addr));
	a.net.plen = ia.plen;
	a.scope = ia.scope;
	a.secondary = ia.flags & IFA_F_SECONDARY;
	a.permanent = ia.flags & IFA_F_PERMANENT;
	a.tentative = ia.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED);
	a.deprecated = ia.flags & IFA_F_DEPRECATED;
	a.valid = ia.valid;
	a.preferred = ia.preferred;
	acc->v = xreallocarray(acc->v, acc->n + 1, sizeof(*acc->v));
	acc->v[acc->n++] = a;
	return MNL_CB_OK;
}

/* links_addr_list() over @buf's bytes, or (@buf NULL) a dump. */
static int
addr_list_run(const void *buf, size_t len, int family, struct links_addr **v,
	      size_t *n, struct masq_err *e)
{
	struct addr_acc acc = { family, NULL, 0 };

	*v = NULL;
	*n = 0;
	if (links_run(buf, len, RTM_GETADDR, family, sizeof(struct ifaddrmsg),
		      addr_cb, &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

int
links_addr_list(int family, struct links_addr **v, size_t *n,
		struct masq_err *e)
{
	return addr_list_run(NULL, 0, family, v, n, e);
}

int
links_addr_list_parse(const void *buf, size_t len, int family,
		      struct links_addr **v, size_t *n, struct masq_err *e)
{
	return addr_list_run(buf, len, family, v, n, e);
}

int
links_addrs(const char *ifname, int family, struct nat_net **v, size_t *n,
	    struct masq_err *e)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct links_addr *all;
	size_t n_all, i, pass;

	*v = NULL;
	*n = 0;
	if (ifindex == 0) {
		err_set(e, MASQ_EFAIL, "no interface '%s' in this namespace",
			ifname);
		err_hint(e, "see `ip -br link` for the interfaces there are");
		return -1;
	}
	if (links_addr_list(family, &all, &n_all, e) == -1)
		return -1;
	/* primary addresses first, then secondary or deprecated ones */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n_all; i++) {
			const struct links_addr *a = &all[i];

			if (a->ifindex != ifindex ||
			    a->scope != LINKS_SCOPE_UNIVERSE || a->tentative ||
			    (a->secondary || a->deprecated) != (pass == 1))
				continue;
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = a->net;
		}
	free(all);
	return 0;
}

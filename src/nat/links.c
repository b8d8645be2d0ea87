/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.c - interface names and addresses over rtnetlink (see links.h).
 *
 * Each call opens a NETLINK_ROUTE socket, runs one dump (or one route
 * query) with the libmnl callback idiom and closes it again; nothing is
 * cached, so the answer is always the namespace as it is now.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "core/xalloc.h"
#include "nat/links.h"

struct names_acc {
	char **v;
	size_t n;
};

struct addrs_acc {
	int family;
	int ifindex;
	struct nat_net *prim, *sec;
	size_t n_prim, n_sec;
};

int
links_dump(int type, int family, size_t hdrlen, mnl_cb_t cb, void *data,
	   struct masq_err *e)
{
	char buf[32768];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	unsigned int seq = (unsigned int)time(NULL), portid;
	uint8_t *fam;
	ssize_t n;
	int ret = -1;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return err_sys(e, MASQ_EKERNEL, errno, "cannot open rtnetlink");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot bind rtnetlink");
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	/* rtgenmsg, ifinfomsg, ifaddrmsg, rtmsg and fib_rule_hdr all start
	 * with their family byte */
	fam = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	fam[0] = (uint8_t)family;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot send rtnetlink request");
		goto out;
	}
	for (;;) {
		int r;

		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			err_sys(e, MASQ_EKERNEL, errno, "rtnetlink dump failed");
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (r < 0) {
			err_sys(e, MASQ_EKERNEL, errno, "rtnetlink dump failed");
			goto out;
		}
		if (r == MNL_CB_STOP)
			break;
	}
	ret = 0;
out:
	mnl_socket_close(nl);
	return ret;
}

int
links_route_get(int family, const void *dst, unsigned int oif, mnl_cb_t cb,
		void *data, struct masq_err *e)
{
	char buf[8192], a[INET6_ADDRSTRLEN];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	unsigned int seq = (unsigned int)time(NULL), portid;
	ssize_t n;
	int ret = -1;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot open rtnetlink");
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = family == AF_INET6 ? 128 : 32;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET6 ? 16 : 4, dst);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "route query failed");
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	/* an error answer (no route) fails the run */
	if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, portid, cb, data) < 0) {
		int sys = errno;

		if (!inet_ntop(family, dst, a, sizeof(a)))
			snprintf(a, sizeof(a), "?");
		err_sys(e, MASQ_EFAIL, sys, "no route to %s", a);
		err_hint(e, "'ip route get %s' shows what the kernel thinks",
			 a);
		goto out;
	}
	ret = 0;
out:
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct names_acc *acc = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) != IFLA_IFNAME ||
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			continue;
		acc->v = xreallocarray(acc->v, acc->n + 1, sizeof(*acc->v));
		acc->v[acc->n++] = xstrdup(mnl_attr_get_str(a));
	}
	return MNL_CB_OK;
}

int
links_names(char ***names, size_t *n, struct masq_err *e)
{
	struct names_acc acc = { NULL, 0 };

	*names = NULL;
	*n = 0;
	if (links_dump(RTM_GETLINK, AF_UNSPEC, sizeof(struct rtgenmsg), link_cb,
		       &acc, e) < 0) {
		links_names_free(acc.v, acc.n);
		return -1;
	}
	*names = acc.v;
	*n = acc.n;
	return 0;
}

void
links_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

bool
links_ifaddr_parse(const struct nlmsghdr *nlh, struct links_ifaddr *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at, *local = NULL, *address = NULL, *pick;
	size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
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

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addrs_acc *acc = data;
	struct links_ifaddr ia;
	struct nat_net net;

	if (!links_ifaddr_parse(nlh, &ia) || ia.family != acc->family ||
	    (int)ia.ifindex != acc->ifindex ||
	    ia.scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	if (ia.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return MNL_CB_OK;
	memset(&net, 0, sizeof(net));
	net.family = ia.family;
	memcpy(net.addr, ia.addr, sizeof(ia.addr));
	net.plen = ia.plen;
	if (ia.flags & (IFA_F_SECONDARY | IFA_F_DEPRECATED)) {
		acc->sec = xreallocarray(acc->sec, acc->n_sec + 1,
					 sizeof(net));
		acc->sec[acc->n_sec++] = net;
	} else {
		acc->prim = xreallocarray(acc->prim, acc->n_prim + 1,
					  sizeof(net));
		acc->prim[acc->n_prim++] = net;
	}
	return MNL_CB_OK;
}

int
links_addrs(const char *ifname, int family, struct nat_net **v, size_t *n,
	    struct masq_err *e)
{
	struct addrs_acc acc;
	int ret = -1;

	memset(&acc, 0, sizeof(acc));
	*v = NULL;
	*n = 0;
	acc.family = family;
	acc.ifindex = (int)if_nametoindex(ifname);
	if (acc.ifindex == 0) {
		err_set(e, MASQ_EFAIL, "no interface '%s' in this namespace",
			ifname);
		err_hint(e, "see `ip -br link` for the interfaces there are");
		return -1;
	}
	if (links_dump(RTM_GETADDR, family, sizeof(struct rtgenmsg), addr_cb,
		       &acc, e) < 0)
		goto out;
	if (acc.n_prim + acc.n_sec > 0) {
		*v = xreallocarray(acc.prim, acc.n_prim + acc.n_sec,
				   sizeof(**v));
		acc.prim = NULL;
		if (acc.n_sec)
			memcpy(*v + acc.n_prim, acc.sec,
			       acc.n_sec * sizeof(**v));
		*n = acc.n_prim + acc.n_sec;
	}
	ret = 0;
out:
	free(acc.prim);
	free(acc.sec);
	return ret;
}

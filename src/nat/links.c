/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.c - interface names and addresses over rtnetlink (see links.h).
 *
 * Each call opens a NETLINK_ROUTE socket, runs one dump with the libmnl
 * callback idiom and closes it again; nothing is cached, so the answer is
 * always the namespace as it is now.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
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

static int
links_dump(int type, int family, mnl_cb_t cb, void *data, struct masq_err *e)
{
	char buf[32768];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	unsigned int seq = (unsigned int)time(NULL), portid;
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
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = (unsigned char)family;
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
	if (links_dump(RTM_GETLINK, AF_UNSPEC, link_cb, &acc, e) < 0) {
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

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addrs_acc *acc = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *local = NULL, *address = NULL;
	const struct nlattr *pick;
	struct nat_net net;
	size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;
	uint32_t flags = ifa->ifa_flags;

	if (ifa->ifa_family != acc->family ||
	    (int)ifa->ifa_index != acc->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_LOCAL)
			local = a;
		else if (mnl_attr_get_type(a) == IFA_ADDRESS)
			address = a;
		else if (mnl_attr_get_type(a) == IFA_FLAGS &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			flags = mnl_attr_get_u32(a);
	}
	/* IFA_LOCAL is ours; IFA_ADDRESS is the peer on point-to-point. */
	pick = local ? local : address;
	if (!pick || mnl_attr_get_payload_len(pick) != alen)
		return MNL_CB_OK;
	if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return MNL_CB_OK;
	memset(&net, 0, sizeof(net));
	net.family = acc->family;
	memcpy(net.addr, mnl_attr_get_payload(pick), alen);
	net.plen = ifa->ifa_prefixlen;
	if (flags & (IFA_F_SECONDARY | IFA_F_DEPRECATED)) {
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
	if (links_dump(RTM_GETADDR, family, addr_cb, &acc, e) < 0)
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.c - the rtnetlink plumbing (links_int.h) and the interfaces
 * (links.h): their names, and their state, type, MTU and link address.
 *
 * Each call opens a NETLINK_ROUTE socket, runs one dump (or one route
 * query) with the libmnl callback idiom and closes it again; nothing is
 * cached, so the answer is always the namespace as it is now.  Addresses
 * are links_addr.c's, routes and policy rules links_route.c's.
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

#include "core/ctent.h"
#include "core/xalloc.h"
#include "nat/links_int.h"
#include "nat/nl.h"

struct names_acc {
	char **v;
	size_t n;
};

int
links_parse(const void *buf, size_t len, mnl_cb_t cb, void *data,
	    struct masq_err *e)
{
	if (nl_cb_run(buf, len, 0, 0, cb, data) < 0)
		return err_sys(e, MASQ_EKERNEL, errno, "rtnetlink dump failed");
	return 0;
}

int
links_run(const void *buf, size_t len, int type, int family, size_t hdrlen,
	  mnl_cb_t cb, void *data, struct masq_err *e)
{
	if (buf)
		return links_parse(buf, len, cb, data, e);
	return links_dump(type, family, hdrlen, cb, data, e);
}

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
		r = nl_cb_run(buf, (size_t)n, seq, portid, cb, data);
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
links_route_req(int family, const void *dst, unsigned int oif, mnl_cb_t cb,
		void *data, struct masq_err *e)
{
	char buf[8192], a[CT_ADDRSTRLEN];
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
	if (n < 0 || nl_cb_run(buf, (size_t)n, seq, portid, cb, data) < 0) {
		int sys = errno;

		ctent_addr_format(family, dst, a);
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

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
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

static const char *
operstate_name(unsigned int s)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING",
		"DORMANT", "UP",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* IFLA_ADDRESS as `ip link` shows it: hex bytes, or a tunnel's endpoint
 * as the address it is (so that redaction knows it). */
static void
link_mac(struct links_link *l, const struct nlattr *at)
{
	const uint8_t *mac = mnl_attr_get_payload(at);
	uint16_t alen = mnl_attr_get_payload_len(at), i;
	char a[CT_ADDRSTRLEN];
	size_t o;

	if (alen == 4 || alen == 16) {
		ctent_addr_format(alen == 4 ? AF_INET : AF_INET6, mac, a);
		snprintf(l->mac, sizeof(l->mac), "%s", a);
		return;
	}
	for (i = 0, o = 0; i < alen && o + 4 < sizeof(l->mac); i++)
		o += (size_t)snprintf(l->mac + o, sizeof(l->mac) - o, "%s%02x",
				      i ? ":" : "", mac[i]);
}

struct link_acc {
	struct links_link *v;
	size_t n;
};

static int
link_info_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_acc *acc = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct links_link l;
	struct nlattr *at;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	memset(&l, 0, sizeof(l));
	l.index = (unsigned int)ifi->ifi_index;
	l.admin_up = ifi->ifi_flags & IFF_UP;
	l.loopback = ifi->ifi_flags & IFF_LOOPBACK;
	l.type = ifi->ifi_type;
	snprintf(l.state, sizeof(l.state), "UNKNOWN");
	mnl_attr_for_each(at, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(at)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(at, MNL_TYPE_NUL_STRING) == 0)
				snprintf(l.name, sizeof(l.name), "%s",
					 mnl_attr_get_str(at));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(at, MNL_TYPE_U32) == 0)
				l.mtu = mnl_attr_get_u32(at);
			break;
		case IFLA_OPERSTATE:
			if (mnl_attr_validate(at, MNL_TYPE_U8) == 0)
				snprintf(l.state, sizeof(l.state), "%s",
					 operstate_name(mnl_attr_get_u8(at)));
			break;
		case IFLA_ADDRESS:
			link_mac(&l, at);
			break;
		}
	}
	acc->v = xreallocarray(acc->v, acc->n + 1, sizeof(*acc->v));
	acc->v[acc->n++] = l;
	return MNL_CB_OK;
}

/* links_list() over @buf's bytes, or (@buf NULL) a dump. */
static int
link_list_run(const void *buf, size_t len, struct links_link **v, size_t *n,
	      struct masq_err *e)
{
	struct link_acc acc = { NULL, 0 };

	*v = NULL;
	*n = 0;
	if (links_run(buf, len, RTM_GETLINK, AF_UNSPEC,
		      sizeof(struct ifinfomsg), link_info_cb, &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

int
links_list(struct links_link **v, size_t *n, struct masq_err *e)
{
	return link_list_run(NULL, 0, v, n, e);
}

int
links_list_parse(const void *buf, size_t len, struct links_link **v,
		 size_t *n, struct masq_err *e)
{
	return link_list_run(buf, len, v, n, e);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag_net.c - the namespace's addresses (with alias labels) and IPv4
 * policy-routing rules over rtnetlink, and network-list helpers for the
 * checks.  One socket per dump; nothing cached.
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
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "core/xalloc.h"
#include "diag/diag_int.h"

static int
rt_dump(int type, int family, size_t hdrlen, mnl_cb_t cb, void *data,
	struct masq_err *e)
{
	char buf[32768];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	unsigned int seq = (unsigned int)time(NULL), portid;
	uint8_t *fam;
	ssize_t n;
	int r, ret = -1;

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
	/* every header used here starts with its family byte */
	fam = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	fam[0] = (uint8_t)family;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot send rtnetlink request");
		goto out;
	}
	for (;;) {
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

struct addr_acc {
	struct diag_addr *v;
	size_t n;
};

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_acc *acc = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct diag_addr a;
	const void *local = NULL, *address = NULL;
	struct nlattr *at;
	size_t alen;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	memset(&a, 0, sizeof(a));
	mnl_attr_for_each(at, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(at)) {
		case IFA_LOCAL:
			local = mnl_attr_get_payload(at);
			break;
		case IFA_ADDRESS:
			address = mnl_attr_get_payload(at);
			break;
		case IFA_LABEL:
			if (mnl_attr_validate(at, MNL_TYPE_NUL_STRING) == 0)
				snprintf(a.label, sizeof(a.label), "%s",
					 mnl_attr_get_str(at));
			break;
		}
	}
	if (!local)
		local = address;
	if (!local)
		return MNL_CB_OK;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	a.net.family = ifa->ifa_family;
	memcpy(a.net.addr, local, alen);
	a.net.plen = ifa->ifa_prefixlen;
	a.secondary = ifa->ifa_flags & IFA_F_SECONDARY;
	a.scope = ifa->ifa_scope;
	if (!if_indextoname(ifa->ifa_index, a.ifname))
		snprintf(a.ifname, sizeof(a.ifname), "if%u", ifa->ifa_index);
	if (!a.label[0])
		snprintf(a.label, sizeof(a.label), "%s", a.ifname);
	acc->v = xreallocarray(acc->v, acc->n + 1, sizeof(*acc->v));
	acc->v[acc->n++] = a;
	return MNL_CB_OK;
}

int
diag_net_addrs(struct diag_addr **v, size_t *n, struct masq_err *e)
{
	struct addr_acc acc = { NULL, 0 };

	*v = NULL;
	*n = 0;
	if (rt_dump(RTM_GETADDR, AF_UNSPEC, sizeof(struct ifaddrmsg), addr_cb,
		    &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

struct rule_acc {
	struct diag_iprule *v;
	size_t n;
};

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_acc *acc = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct diag_iprule r;
	char src[INET_ADDRSTRLEN] = "all", more[64] = "";
	struct nlattr *at;
	size_t len;

	if (frh->family != AF_INET)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	r.table = frh->table;
	mnl_attr_for_each(at, nlh, sizeof(*frh)) {
		switch (mnl_attr_get_type(at)) {
		case FRA_PRIORITY:
			r.prio = mnl_attr_get_u32(at);
			break;
		case FRA_TABLE:
			r.table = mnl_attr_get_u32(at);
			break;
		case FRA_SRC:
			inet_ntop(AF_INET, mnl_attr_get_payload(at), src,
				  sizeof(src));
			break;
		case FRA_FWMARK:
			len = strlen(more);
			snprintf(more + len, sizeof(more) - len, " fwmark 0x%x",
				 mnl_attr_get_u32(at));
			break;
		case FRA_IIFNAME:
			len = strlen(more);
			snprintf(more + len, sizeof(more) - len, " iif %s",
				 mnl_attr_get_str(at));
			break;
		}
	}
	if ((r.prio == 0 && r.table == RT_TABLE_LOCAL) ||
	    (r.prio == 32766 && r.table == RT_TABLE_MAIN) ||
	    (r.prio == 32767 && r.table == RT_TABLE_DEFAULT))
		return MNL_CB_OK;
	if (frh->src_len && strcmp(src, "all"))
		snprintf(r.text, sizeof(r.text), "%u: from %s/%u%s lookup %u",
			 r.prio, src, frh->src_len, more, r.table);
	else
		snprintf(r.text, sizeof(r.text), "%u: from all%s lookup %u",
			 r.prio, more, r.table);
	acc->v = xreallocarray(acc->v, acc->n + 1, sizeof(*acc->v));
	acc->v[acc->n++] = r;
	return MNL_CB_OK;
}

int
diag_net_rules(struct diag_iprule **v, size_t *n, struct masq_err *e)
{
	struct rule_acc acc = { NULL, 0 };

	*v = NULL;
	*n = 0;
	if (rt_dump(RTM_GETRULE, AF_INET, sizeof(struct fib_rule_hdr),
		    rule_cb, &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

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
	char a[INET6_ADDRSTRLEN];

	inet_ntop(n->family, n->addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, n->plen);
	return buf;
}

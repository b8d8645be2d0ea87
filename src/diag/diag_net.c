/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * diag_net.c - the namespace's addresses (with alias labels) and IPv4
 * policy-routing rules over rtnetlink, and network-list helpers for the
 * checks.  One socket per dump (links_dump()); nothing cached.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "core/xalloc.h"
#include "diag/diag_int.h"
#include "nat/links.h"

struct addr_acc {
	struct diag_addr *v;
	size_t n;
};

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_acc *acc = data;
	struct links_ifaddr ia;
	struct diag_addr a;

	if (!links_ifaddr_parse(nlh, &ia))
		return MNL_CB_OK;
	memset(&a, 0, sizeof(a));
	a.net.family = ia.family;
	memcpy(a.net.addr, ia.addr, sizeof(ia.addr));
	a.net.plen = ia.plen;
	a.secondary = ia.flags & IFA_F_SECONDARY;
	a.scope = ia.scope;
	if (!if_indextoname(ia.ifindex, a.ifname))
		snprintf(a.ifname, sizeof(a.ifname), "if%u", ia.ifindex);
	snprintf(a.label, sizeof(a.label), "%s",
		 ia.label && ia.label[0] ? ia.label : a.ifname);
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
	if (links_dump(RTM_GETADDR, AF_UNSPEC, sizeof(struct ifaddrmsg),
		       addr_cb, &acc, e) == -1) {
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
	if (links_dump(RTM_GETRULE, AF_INET, sizeof(struct fib_rule_hdr),
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

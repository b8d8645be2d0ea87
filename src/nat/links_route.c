/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report_net.c - the interfaces (state, MTU, link address) and the IPv4
 * and IPv6 main-table routes for `report`, read over rtnetlink with one
 * socket per dump (links_dump()).  Addresses and policy rules come from
 * diag_net.c.  Nothing is cached and nothing printed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "core/xalloc.h"
#include "diag/report.h"
#include "nat/links.h"

/* ---- links ---- */

struct link_acc {
	struct report_link *v;
	size_t n;
};

static const char *
operstate_name(unsigned int s)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING",
		"DORMANT", "UP",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_acc *acc = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct report_link l;
	const uint8_t *mac;
	struct nlattr *at;
	uint16_t alen, i;
	size_t o;

	memset(&l, 0, sizeof(l));
	l.index = (unsigned int)ifi->ifi_index;
	l.admin_up = ifi->ifi_flags & IFF_UP;
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
			mac = mnl_attr_get_payload(at);
			alen = mnl_attr_get_payload_len(at);
			/* tunnels carry their endpoint: print it as the
			 * address it is, so that redaction knows it */
			if (alen == 4 || alen == 16) {
				inet_ntop(alen == 4 ? AF_INET : AF_INET6, mac,
					  l.mac, sizeof(l.mac));
				break;
			}
			for (i = 0, o = 0; i < alen && o + 4 < sizeof(l.mac);
			     i++)
				o += (size_t)snprintf(l.mac + o,
						      sizeof(l.mac) - o, "%s%02x",
						      i ? ":" : "", mac[i]);
			break;
		}
	}
	acc->v = xreallocarray(acc->v, acc->n + 1, sizeof(*acc->v));
	acc->v[acc->n++] = l;
	return MNL_CB_OK;
}

int
report_links(struct report_link **v, size_t *n, struct masq_err *e)
{
	struct link_acc acc = { NULL, 0 };

	*v = NULL;
	*n = 0;
	if (links_dump(RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg),
		       link_cb, &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

/* ---- routes ---- */

struct route_acc {
	int family;
	struct report_route *v;
	size_t n;
};

static void
proto_name(unsigned int p, char *buf, size_t size)
{
	switch (p) {
	case RTPROT_KERNEL: snprintf(buf, size, "kernel"); break;
	case RTPROT_BOOT: snprintf(buf, size, "boot"); break;
	case RTPROT_STATIC: snprintf(buf, size, "static"); break;
	case RTPROT_DHCP: snprintf(buf, size, "dhcp"); break;
	case RTPROT_RA: snprintf(buf, size, "ra"); break;
	default: snprintf(buf, size, "%u", p); break;
	}
}

static const char *
type_name(unsigned int t)
{
	switch (t) {
	case RTN_UNICAST: return "unicast";
	case RTN_LOCAL: return "local";
	case RTN_BROADCAST: return "broadcast";
	case RTN_BLACKHOLE: return "blackhole";
	case RTN_UNREACHABLE: return "unreachable";
	case RTN_PROHIBIT: return "prohibit";
	case RTN_THROW: return "throw";
	default: return "other";
	}
}

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_acc *acc = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct report_route r;
	char a[INET6_ADDRSTRLEN] = "";
	unsigned int table = rtm->rtm_table;
	int fam = acc->family;
	struct nlattr *at;

	if (rtm->rtm_family != fam)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	r.metric = -1;
	mnl_attr_for_each(at, nlh, sizeof(*rtm)) {
		const void *p = mnl_attr_get_payload(at);

		switch (mnl_attr_get_type(at)) {
		case RTA_TABLE:
			table = mnl_attr_get_u32(at);
			break;
		case RTA_DST:
			inet_ntop(fam, p, a, sizeof(a));
			break;
		case RTA_GATEWAY:
			inet_ntop(fam, p, r.via, sizeof(r.via));
			break;
		case RTA_PREFSRC:
			inet_ntop(fam, p, r.src, sizeof(r.src));
			break;
		case RTA_OIF:
			if (!if_indextoname(mnl_attr_get_u32(at), r.dev))
				snprintf(r.dev, sizeof(r.dev), "if%u",
					 mnl_attr_get_u32(at));
			break;
		case RTA_PRIORITY:
			r.metric = (long)mnl_attr_get_u32(at);
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if (!a[0] && rtm->rtm_dst_len == 0)
		snprintf(r.dst, sizeof(r.dst), "default");
	else
		snprintf(r.dst, sizeof(r.dst), "%s/%u",
			 a[0] ? a : fam == AF_INET ? "0.0.0.0" : "::",
			 rtm->rtm_dst_len);
	proto_name(rtm->rtm_protocol, r.proto, sizeof(r.proto));
	if (rtm->rtm_scope == RT_SCOPE_LINK)
		snprintf(r.scope, sizeof(r.scope), "link");
	else if (rtm->rtm_scope == RT_SCOPE_HOST)
		snprintf(r.scope, sizeof(r.scope), "host");
	snprintf(r.type, sizeof(r.type), "%s", type_name(rtm->rtm_type));
	acc->v = xreallocarray(acc->v, acc->n + 1, sizeof(*acc->v));
	acc->v[acc->n++] = r;
	return MNL_CB_OK;
}

int
report_routes(int family, struct report_route **v, size_t *n,
	      struct masq_err *e)
{
	struct route_acc acc = { family, NULL, 0 };

	assert(family == AF_INET || family == AF_INET6);
	*v = NULL;
	*n = 0;
	if (links_dump(RTM_GETROUTE, family, sizeof(struct rtmsg),
		       route_cb, &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

void
report_route_format(const struct report_route *r, char *buf, size_t size)
{
	size_t o = 0;

#define ADD(...) \
	do { \
		if (o < size) \
			o += (size_t)snprintf(buf + o, size - o, __VA_ARGS__); \
	} while (0)
	buf[0] = '\0';
	if (strcmp(r->type, "unicast"))
		ADD("%s ", r->type);
	ADD("%s", r->dst);
	if (r->via[0])
		ADD(" via %s", r->via);
	if (r->dev[0])
		ADD(" dev %s", r->dev);
	ADD(" proto %s", r->proto);
	if (r->scope[0])
		ADD(" scope %s", r->scope);
	if (r->src[0])
		ADD(" src %s", r->src);
	if (r->metric >= 0)
		ADD(" metric %ld", r->metric);
#undef ADD
}

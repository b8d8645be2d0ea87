/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links_route.c - routes and policy rules over rtnetlink (see links.h):
 * the main table's routes of a family as `ip route` lists them, the IPv4
 * policy rules beyond the defaults as `ip rule` prints them, and one
 * `ip route get`.  One socket per call (links.c's plumbing); nothing is
 * cached and nothing printed.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "core/ctent.h"
#include "core/xalloc.h"
#include "nat/links_int.h"

/* The text of the address at @p into @buf (@size below CT_ADDRSTRLEN
 * truncates). */
static void
addr_copy(char *buf, size_t size, int family, const void *p)
{
	char a[CT_ADDRSTRLEN];

	snprintf(buf, size, "%s", ctent_addr_format(family, p, a));
}

/* ---- routes ---- */

struct route_acc {
	int family;
	struct links_route *v;
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

/* An attribute holding one address of @family, or NULL. */
static const void *
attr_addr(const struct nlattr *at, int family)
{
	return mnl_attr_get_payload_len(at) == (family == AF_INET ? 4 : 16) ?
		mnl_attr_get_payload(at) : NULL;
}

/* A u32 attribute's value into *@v; false (and *@v as it was) when the
 * attribute is not a u32. */
static bool
attr_u32(const struct nlattr *at, uint32_t *v)
{
	if (mnl_attr_validate(at, MNL_TYPE_U32) < 0)
		return false;
	*v = mnl_attr_get_u32(at);
	return true;
}

/* The attributes of one route message into @r; its table into *@table
 * and its destination's text into @dst (CT_ADDRSTRLEN bytes). */
static void
route_attrs(const struct nlmsghdr *nlh, int fam, struct links_route *r,
	    uint32_t *table, char *dst)
{
	const struct nlattr *at;
	const void *p;
	uint32_t u;

	mnl_attr_for_each(at, nlh, sizeof(struct rtmsg)) {
		switch (mnl_attr_get_type(at)) {
		case RTA_TABLE:
			attr_u32(at, table);
			break;
		case RTA_DST:
			if ((p = attr_addr(at, fam)))
				ctent_addr_format(fam, p, dst);
			break;
		case RTA_GATEWAY:
			if ((p = attr_addr(at, fam)))
				addr_copy(r->via, sizeof(r->via), fam, p);
			break;
		case RTA_PREFSRC:
			if ((p = attr_addr(at, fam)))
				addr_copy(r->src, sizeof(r->src), fam, p);
			break;
		case RTA_OIF:
			if (attr_u32(at, &u) && !if_indextoname(u, r->dev))
				snprintf(r->dev, sizeof(r->dev), "if%u", u);
			break;
		case RTA_PRIORITY:
			if (attr_u32(at, &u))
				r->metric = (long)u;
			break;
		}
	}
}

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_acc *acc = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct links_route r;
	char a[CT_ADDRSTRLEN] = "";
	uint32_t table;
	int fam = acc->family;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    rtm->rtm_family != fam)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	r.metric = -1;
	table = rtm->rtm_table;
	route_attrs(nlh, fam, &r, &table, a);
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

/* links_routes() over @buf's bytes, or (@buf NULL) a dump. */
static int
routes_run(const void *buf, size_t len, int family, struct links_route **v,
	   size_t *n, struct masq_err *e)
{
	struct route_acc acc = { family, NULL, 0 };

	assert(family == AF_INET || family == AF_INET6);
	*v = NULL;
	*n = 0;
	if (links_run(buf, len, RTM_GETROUTE, family, sizeof(struct rtmsg),
		      route_cb, &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

int
links_routes(int family, struct links_route **v, size_t *n,
	     struct masq_err *e)
{
	return routes_run(NULL, 0, family, v, n, e);
}

int
links_routes_parse(const void *buf, size_t len, int family,
		   struct links_route **v, size_t *n, struct masq_err *e)
{
	return routes_run(buf, len, family, v, n, e);
}

void
links_route_format(const struct links_route *r, char *buf, size_t size)
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

/* ---- policy rules ---- */

struct rule_acc {
	struct links_rule *v;
	size_t n;
};

/* The attributes of one policy rule into @r; its source into @src
 * (CT_ADDRSTRLEN bytes) and the fwmark/iif words into @more. */
static void
rule_attrs(const struct nlmsghdr *nlh, struct links_rule *r, char *src,
	   char *more, size_t size)
{
	const struct nlattr *at;
	const void *p;
	size_t len;
	uint32_t u;

	mnl_attr_for_each(at, nlh, sizeof(struct fib_rule_hdr)) {
		switch (mnl_attr_get_type(at)) {
		case FRA_PRIORITY:
			attr_u32(at, &r->prio);
			break;
		case FRA_TABLE:
			attr_u32(at, &r->table);
			break;
		case FRA_SRC:
			if ((p = attr_addr(at, AF_INET)))
				ctent_addr_format(AF_INET, p, src);
			break;
		case FRA_FWMARK:
			len = strlen(more);
			if (attr_u32(at, &u))
				snprintf(more + len, size - len, " fwmark 0x%x",
					 u);
			break;
		case FRA_IIFNAME:
			len = strlen(more);
			if (mnl_attr_validate(at, MNL_TYPE_NUL_STRING) == 0) {
				char *w = more + len;

				snprintf(w, size - len, " iif %s",
					 mnl_attr_get_str(at));
				/* An interface name may hold control bytes
				 * (the kernel refuses only '/', ':' and
				 * spaces); the text goes to a terminal
				 * (fuzz_rtnl). */
				for (; *w; w++)
					if ((unsigned char)*w < 0x20 ||
					    *w == 0x7f)
						*w = '?';
			}
			break;
		}
	}
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_acc *acc = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct links_rule r;
	char src[CT_ADDRSTRLEN] = "all", more[64] = "";

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh) ||
	    frh->family != AF_INET)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	r.table = frh->table;
	rule_attrs(nlh, &r, src, more, sizeof(more));
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

/* links_rules() over @buf's bytes, or (@buf NULL) a dump. */
static int
rules_run(const void *buf, size_t len, struct links_rule **v, size_t *n,
	  struct masq_err *e)
{
	struct rule_acc acc = { NULL, 0 };

	*v = NULL;
	*n = 0;
	if (links_run(buf, len, RTM_GETRULE, AF_INET,
		      sizeof(struct fib_rule_hdr), rule_cb, &acc, e) == -1) {
		free(acc.v);
		return -1;
	}
	*v = acc.v;
	*n = acc.n;
	return 0;
}

int
links_rules(struct links_rule **v, size_t *n, struct masq_err *e)
{
	return rules_run(NULL, 0, v, n, e);
}

int
links_rules_parse(const void *buf, size_t len, struct links_rule **v,
		  size_t *n, struct masq_err *e)
{
	return rules_run(buf, len, v, n, e);
}

/* ---- ip route get ---- */

static int
metrics_cb(const struct nlattr *a, void *data)
{
	struct links_path *p = data;

	if (mnl_attr_get_type(a) == RTAX_MTU &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		p->mtu = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int
path_attr_cb(const struct nlattr *a, void *data)
{
	struct links_path *p = data;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			p->oif = mnl_attr_get_u32(a);
		break;
	case RTA_PREFSRC:
		if (len == 4 || len == 16) {
			memcpy(p->src, mnl_attr_get_payload(a), len);
			p->has_src = true;
		}
		break;
	case RTA_GATEWAY:
		if (len == 4 || len == 16) {
			memcpy(p->gw, mnl_attr_get_payload(a), len);
			p->has_gw = true;
		}
		break;
	case RTA_METRICS:
		mnl_attr_parse_nested(a, metrics_cb, p);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int
path_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct links_path *p = data;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	p->local = rtm->rtm_type == RTN_LOCAL;
	return mnl_attr_parse(nlh, sizeof(*rtm), path_attr_cb, data);
}

/* The interface name of the answer's index. */
static void
path_name(struct links_path *p)
{
	if (p->oif && !if_indextoname(p->oif, p->oifname))
		p->oifname[0] = '\0';
}

int
links_route_get(int family, const void *dst, unsigned int oif,
		struct links_path *p, struct masq_err *e)
{
	memset(p, 0, sizeof(*p));
	if (links_route_req(family, dst, oif, path_cb, p, e) < 0)
		return -1;
	path_name(p);
	return 0;
}

int
links_path_parse(const void *buf, size_t len, struct links_path *p,
		 struct masq_err *e)
{
	memset(p, 0, sizeof(*p));
	if (links_parse(buf, len, path_cb, p, e) < 0)
		return -1;
	path_name(p);
	return 0;
}

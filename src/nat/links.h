/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.h - interfaces, addresses, routes and policy rules of this
 * network namespace, read over rtnetlink, as plain data.
 *
 * Owns: every rtnetlink read masqsh makes (the plumbing, one dump per
 * call, is internal: links_int.h): interface names and details (links.c),
 * the one address collector (links_addr.c), the main table's routes, the
 * policy rules and `ip route get` (links_route.c).  Nothing is cached:
 * each answer is the namespace as it is now.  Does not own: watching for
 * changes (engine_addr.c), or what the addresses and routes mean to a
 * check.
 *
 * No netlink header is included here; constants a reader compares with
 * are named below.
 */
#ifndef MASQ_NAT_LINKS_H
#define MASQ_NAT_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "nat/rule.h"

/* ---- interfaces (links.c) ---- */

/*
 * Names of every interface in this netns, in ifindex order.  On success
 * *names is an array of *n owned strings; free with links_names_free().
 * On error -1, *names NULL and *n 0.
 */
int links_names(char ***names, size_t *n, struct masq_err *e);
void links_names_free(char **names, size_t n);

#define LINKS_ARPHRD_PPP 512	/* ARPHRD_PPP: a ppp device */

struct links_link {
	unsigned int index;
	char name[16];
	char state[16];		/* operstate: "UP", "DOWN", "UNKNOWN", ... */
	bool admin_up;		/* IFF_UP */
	bool loopback;		/* IFF_LOOPBACK */
	unsigned int type;	/* ARPHRD_* */
	unsigned int mtu;
	char mac[64];		/* "52:54:00:12:34:56", "" when none; a
				 * tunnel's endpoint as an address */
};

/* Every interface, by index.  Caller frees *v.  -1 with @e filled when
 * the dump fails; nothing to free then. */
int links_list(struct links_link **v, size_t *n, struct masq_err *e);

/* ---- addresses (links_addr.c) ---- */

#define LINKS_SCOPE_UNIVERSE 0	/* RT_SCOPE_*: a global address */
#define LINKS_SCOPE_LINK 253
#define LINKS_SCOPE_HOST 254
#define LINKS_LIFE_FOREVER 0xffffffffu

/* One address of an interface, as `ip addr` shows it. */
struct links_addr {
	unsigned int ifindex;
	char ifname[16];	/* "if7" when the index has no name now */
	char label[16];		/* IFA_LABEL ("eth0:1"), else ifname */
	struct nat_net net;	/* the address with the interface's prefix */
	uint8_t scope;		/* LINKS_SCOPE_* */
	bool secondary;		/* IFA_F_SECONDARY */
	bool permanent;		/* IFA_F_PERMANENT: not from DHCP/SLAAC */
	bool tentative;		/* IFA_F_TENTATIVE or IFA_F_DADFAILED */
	bool deprecated;	/* IFA_F_DEPRECATED */
	uint32_t valid, preferred;	/* lifetimes in seconds;
					 * LINKS_LIFE_FOREVER when none */
};

/*
 * Every address in this namespace of @family (AF_INET, AF_INET6, or
 * AF_UNSPEC for both), in the kernel's order.  Caller frees *v.  -1 with
 * @e filled when the dump fails; nothing to free then.
 */
int links_addr_list(int family, struct links_addr **v, size_t *n,
		    struct masq_err *e);

/*
 * Global (scope universe) addresses of @ifname in @family (AF_INET or
 * AF_INET6), primary addresses first, tentative ones left out, each as a
 * host with its prefix length from the interface.  *v is the caller's to
 * free(); *n may be 0.  An unknown interface is an error (MASQ_EFAIL)
 * naming it.
 */
int links_addrs(const char *ifname, int family, struct nat_net **v,
		size_t *n, struct masq_err *e);

/* ---- routes and policy rules (links_route.c) ---- */

struct links_route {
	char dst[56];		/* "default", "192.168.1.0/24", "fd00::/64" */
	char via[48];		/* gateway, "" when none */
	char dev[16];		/* "" when none */
	char src[48];		/* preferred source, "" when none */
	char proto[16];		/* "kernel", "boot", "static", "dhcp", number */
	char scope[16];		/* "link", "host", "" for universe */
	long metric;		/* -1 when none */
	char type[16];		/* "unicast", "blackhole", "unreachable", ... */
};

/* The routes of the main table for @family (AF_INET or AF_INET6), as the
 * kernel lists them.  Caller frees *v.  -1 with @e filled when the dump
 * fails; nothing to free then. */
int links_routes(int family, struct links_route **v, size_t *n,
		 struct masq_err *e);

/* One line as `ip route` prints it (without the type when unicast) into
 * @buf, truncated to @size.  Cannot fail. */
void links_route_format(const struct links_route *r, char *buf,
			size_t size);

/* One policy-routing rule (`ip rule`), IPv4. */
struct links_rule {
	uint32_t prio;
	uint32_t table;
	char text[128];		/* "100: from 192.168.1.0/24 lookup 100" */
};

/* The IPv4 rules beyond the three defaults (0 local, 32766 main, 32767
 * default).  Caller frees *v.  -1 with @e filled; nothing to free then. */
int links_rules(struct links_rule **v, size_t *n, struct masq_err *e);

/* What `ip route get DST [oif IF]` answers. */
struct links_path {
	unsigned int oif;	/* outgoing interface index, 0 when none */
	char oifname[16];	/* its name, "" when it has none now */
	bool local;		/* a local route (DST is this host's) */
	bool has_src, has_gw;
	uint8_t src[16];	/* preferred source (network order) */
	uint8_t gw[16];		/* next hop */
	unsigned int mtu;	/* RTAX_MTU: a cached PMTU or a locked MTU;
				 * 0 when none */
};

/*
 * `ip route get @dst [oif @oif]`: one RTM_GETROUTE request for the
 * @family address @dst (network order; @oif 0 for any interface).  0 with
 * @p filled, or -1 with @e set: MASQ_EKERNEL when the socket cannot be
 * opened or the request sent, MASQ_EFAIL "no route to DST" (the kernel's
 * errno kept) when the kernel answers with an error.
 */
int links_route_get(int family, const void *dst, unsigned int oif,
		    struct links_path *p, struct masq_err *e);

/* ---- the same readers over bytes ---- */

/*
 * links_list(), links_addr_list(), links_routes(), links_rules() and
 * links_route_get() over @len bytes of answers as one recv() returns
 * them, instead of asking the kernel: the parsers' byte-buffer entry
 * points (tests, fuzzing).  Same results, errors and ownership; messages
 * too short for their header, and attributes of the wrong size, are
 * skipped.
 */
int links_list_parse(const void *buf, size_t len, struct links_link **v,
		     size_t *n, struct masq_err *e);
int links_addr_list_parse(const void *buf, size_t len, int family,
			  struct links_addr **v, size_t *n,
			  struct masq_err *e);
int links_routes_parse(const void *buf, size_t len, int family,
		       struct links_route **v, size_t *n, struct masq_err *e);
int links_rules_parse(const void *buf, size_t len, struct links_rule **v,
		      size_t *n, struct masq_err *e);
int links_path_parse(const void *buf, size_t len, struct links_path *p,
		     struct masq_err *e);

#endif

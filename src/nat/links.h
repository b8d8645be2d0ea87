/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.h - interfaces and their addresses in this network namespace, read
 * over rtnetlink.
 *
 * Owns: listing interface names (for completion and checks), the global
 * addresses of one interface (for "detect" and the linter), and the
 * rtnetlink plumbing every other reader shares: the one dump routine (links,
 * addresses, routes, policy rules), the `ip route get` request and reading
 * one address message.  Does not own: watching for changes, or what the
 * routes mean.
 */
#ifndef MASQ_NAT_LINKS_H
#define MASQ_NAT_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "core/err.h"
#include "nat/rule.h"

/*
 * Names of every interface in this netns, in ifindex order.  On success
 * *names is an array of *n owned strings; free with links_names_free().
 * On error -1, *names NULL and *n 0.
 */
int links_names(char ***names, size_t *n, struct masq_err *e);
void links_names_free(char **names, size_t n);

/*
 * Global (scope universe) addresses of @ifname in @family (AF_INET or
 * AF_INET6), primary addresses first, each as a host with its prefix length
 * from the interface.  *v is the caller's to free(); *n may be 0.  An
 * unknown interface is an error (MASQ_EFAIL) naming it.
 */
int links_addrs(const char *ifname, int family, struct nat_net **v,
		size_t *n, struct masq_err *e);

/*
 * One rtnetlink dump: a fresh NETLINK_ROUTE socket, an NLM_F_DUMP request
 * of @type whose extra header is @hdrlen bytes, zero but for its first byte
 * (@family; every rtnetlink header starts with it), and @cb run on each
 * answer until the kernel's NLMSG_DONE.  The socket is closed again.
 * 0, or -1 with @e set (MASQ_EKERNEL) when the socket, the request or the
 * dump fails, or when @cb returns MNL_CB_ERROR.
 */
int links_dump(int type, int family, size_t hdrlen, mnl_cb_t cb, void *data,
	       struct masq_err *e);

/*
 * `ip route get @dst [oif @oif]`: one RTM_GETROUTE request for the
 * @family address @dst (network order; @oif 0 for any interface) on a
 * fresh NETLINK_ROUTE socket, @cb run on the answer.  0, or -1 with @e set:
 * MASQ_EKERNEL when the socket cannot be opened or the request sent,
 * MASQ_EFAIL "no route to DST" (the kernel's errno kept) when the kernel
 * answers with an error or @cb fails.
 */
int links_route_get(int family, const void *dst, unsigned int oif,
		    mnl_cb_t cb, void *data, struct masq_err *e);

#define LINKS_LIFE_FOREVER 0xffffffffu

/* One interface address as an RTM_NEWADDR/RTM_DELADDR message carries it. */
struct links_ifaddr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* IFA_LOCAL, else IFA_ADDRESS (network order) */
	uint8_t plen, scope;	/* prefix length, RT_SCOPE_* */
	uint32_t flags;		/* IFA_F_*: IFA_FLAGS when sent, else the header's */
	unsigned int ifindex;
	const char *label;	/* IFA_LABEL ("eth0:1"), NULL if none; points
				 * into the message */
	uint32_t valid, preferred; /* IFA_CACHEINFO lifetimes in seconds;
				    * LINKS_LIFE_FOREVER when none */
};

/*
 * Read the address message @nlh into @a.  IFA_LOCAL is the interface's own
 * address; IFA_ADDRESS is only taken when there is no IFA_LOCAL (on a
 * point-to-point link it is the peer).  false, and @a undefined, for any
 * family but IPv4/IPv6 or when no address of the family's length is there.
 */
bool links_ifaddr_parse(const struct nlmsghdr *nlh, struct links_ifaddr *a);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links_int.h - the rtnetlink plumbing the readers of links.h share, and
 * nothing outside src/nat includes: the one dump routine, the one request
 * routine, and reading one address message (also what the address
 * watcher, engine_addr.c, parses its events with).
 */
#ifndef MASQ_NAT_LINKS_INT_H
#define MASQ_NAT_LINKS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "core/err.h"
#include "nat/links.h"

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
 * The parsing half of links_dump(), apart from the socket: @cb run over
 * @len bytes of answers as one recv() returns them (no sequence or port
 * check).  0, or -1 with @e set as links_dump() sets it.
 */
int links_parse(const void *buf, size_t len, mnl_cb_t cb, void *data,
		struct masq_err *e);

/* links_parse() of @buf when it is not NULL, else links_dump(): so that a
 * reader and its *_parse() twin (links.h) share one function. */
int links_run(const void *buf, size_t len, int type, int family,
	      size_t hdrlen, mnl_cb_t cb, void *data, struct masq_err *e);

/*
 * One RTM_GETROUTE request for the @family address @dst (network order;
 * @oif 0 for any interface) on a fresh NETLINK_ROUTE socket, @cb run on
 * the answer.  Errors as links_route_get() (links.h) describes them.
 */
int links_route_req(int family, const void *dst, unsigned int oif,
		    mnl_cb_t cb, void *data, struct masq_err *e);

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
 * family but IPv4/IPv6, a prefix longer than the address, or when no
 * address of the family's length is there.
 */
bool links_ifaddr_parse(const struct nlmsghdr *nlh, struct links_ifaddr *a);

#endif

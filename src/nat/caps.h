/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * caps.h - permission to talk to netfilter: the CAP_NET_ADMIN probe, the
 * one opener of nfnetlink sockets, and the one translation of a refused
 * netfilter request (EPERM/EACCES) into words.
 *
 * The kernel answers every nfnetlink message (nftables and conntrack,
 * reads included) of a process without CAP_NET_ADMIN over the network
 * namespace with EPERM.  Root without the capability (a container's
 * default, `capsh --drop`) used to get misleading messages; so every
 * NETLINK_NETFILTER socket of masqsh is opened by nat_nfnl_open(), which
 * probes first (capget(2), then a no-op the kernel must accept, caps.c)
 * and fails with exit status 3 and "needs CAP_NET_ADMIN" before any real
 * request is sent.  A new command, check or program reaches netfilter only
 * through here, so it cannot forget the probe.  rtnetlink (links.c,
 * routes) and /proc need no capability and do not come here.
 */
#ifndef MASQ_NAT_CAPS_H
#define MASQ_NAT_CAPS_H

#include <stdbool.h>

#include "core/err.h"

/* True when CAP_NET_ADMIN is in this process's effective set (or capget
 * cannot tell: then the kernel decides).  capget only.  Cannot fail. */
bool nat_cap_net_admin(void);

/*
 * NULL when netfilter may be asked (the full probe); otherwise why not, as
 * a static sentence for a SKIP or a report: "needs CAP_NET_ADMIN (root
 * without it)", "... (run as root)" or "needs CAP_NET_ADMIN over this
 * network namespace".  Cannot fail.
 */
const char *nat_cap_missing(void);

/*
 * 0 when the probe passes; otherwise -1 with @e set: MASQ_EKERNEL, errno
 * EPERM, "@what needs CAP_NET_ADMIN, which this process does not have"
 * and a hint saying how to get it.
 */
int nat_cap_require(const char *what, struct masq_err *e);

/*
 * After err_sys() for a netfilter request: when @e's errno is EPERM or
 * EACCES, make it MASQ_EKERNEL and name the capability in the hint (with
 * the capability present, the namespace's owner is the likely cause).
 * Other errors are left as they are.  Returns -1.
 */
int nat_err_perm(struct masq_err *e);

/*
 * Open and bind a NETLINK_NETFILTER socket, subscribed to @groups (0:
 * none), after nat_cap_require(@what).  The caller closes it with
 * mnl_socket_close().  NULL with @e set (MASQ_EKERNEL) on failure.
 */
struct mnl_socket;
struct mnl_socket *nat_nfnl_open(const char *what, unsigned int groups,
				 struct masq_err *e);

#endif

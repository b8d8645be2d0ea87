/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_int.h - what the conntrack engine's files share (not for callers).
 *
 * Owns: the handle layout, the socket helpers and the message parser used
 * by ct_dump.c, ct_delete.c, ct_stats.c and ct_events.c.
 */
#ifndef MASQ_CT_INT_H
#define MASQ_CT_INT_H

#include <arpa/inet.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "nat/ct.h"

/* One recvmsg from a dump never exceeds 32 KiB (the kernel caps its dump
 * skbs there); events come one per skb.  64 KiB leaves room. */
#define CT_RECV_BUFSZ	65536
/* Receive buffer of a dump socket: the kernel fills ahead while we parse. */
#define CT_DUMP_RCVBUF	(4u << 20)

struct ct_handle {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char *buf;			/* CT_RECV_BUFSZ bytes */
	struct ct_handle *aux;		/* lazily: deletes during a dump */
};

/*
 * Fill @ce from ctnetlink message @nlh if it passes @q's cheap checks
 * (family, NAT status), the annotate hook and the filter.  Returns 1 when
 * @ce is filled and matches, 0 when skipped, -1 when the message is
 * malformed.  @q may be NULL.
 */
int ct_parse_msg(const struct nlmsghdr *nlh, const struct ct_query *q,
		 struct ct_entry *ce);

/* @q, or a copy in @buf with CT_Q_NAT_ONLY added when its filter can only
 * match NAT'ed entries, so the parser drops the rest early. */
const struct ct_query *ct_query_tighten(const struct ct_query *q,
					struct ct_query *buf);

/* A ctnetlink request header of @type with @flags in @buf; fills the
 * nfgenmsg with @family. */
struct nlmsghdr *ct_msg_start(char *buf, uint16_t type, uint16_t flags,
			      uint32_t seq, uint8_t family);

/* Append @ce's original tuple (CTA_TUPLE_ORIG) to request @nlh; the
 * key of a get or a delete (ct_delete.c). */
void ct_put_tuple(struct nlmsghdr *nlh, const struct ct_entry *ce);

/* Open a socket, optionally subscribed to @groups, with a receive buffer
 * forced to @rcvbuf (0: leave the default). */
struct ct_handle *ct_open_groups(unsigned int groups, size_t rcvbuf,
				 struct masq_err *e);

/* Set SO_RCVBUFFORCE (falling back to SO_RCVBUF) on @nl; returns the size
 * the kernel granted (it doubles the request), 0 on failure. */
size_t ct_sock_rcvbuf(struct mnl_socket *nl, size_t size);

/* Read the answer to request @seq on @h, calling @cb (which must return
 * MNL_CB_OK) for each message until NLMSG_DONE or the ACK.  Returns 0, or
 * -1 with @e set on a kernel or socket error. */
int ct_recv_until_done(struct ct_handle *h, uint32_t seq, mnl_cb_t cb,
		       void *data, struct masq_err *e);

/* Map a netlink errno to our error record: EPERM/EACCES (the capability
 * named, caps.h), EOPNOTSUPP/EPROTONOSUPPORT/EAFNOSUPPORT are
 * MASQ_EKERNEL, the rest MASQ_EFAIL.  Returns -1. */
int ct_err_sys(struct masq_err *e, int sys, const char *what);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nl.h - walking a received netlink datagram safely.
 *
 * libmnl's mnl_nlmsg_ok() compares the message's length with the bytes
 * left as a signed int: a length of 0x80000000 or more passes as
 * negative, mnl_nlmsg_next() then steps by MNL_ALIGN(len), which wraps to
 * 0 for 0xffffffff, and the walk never ends (mnl_cb_run() too, after
 * handing the callback a message that claims 4 GiB).  Every walk of bytes
 * that came from a socket goes through these instead (found by
 * tests/fuzz/fuzz_ct; regress/fuzz_ct keeps the input).
 */
#ifndef MASQ_NAT_NL_H
#define MASQ_NAT_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* Does a whole message of a sane length start at @nlh, with @len bytes
 * left?  As mnl_nlmsg_ok(), compared unsigned. */
static inline bool
nl_msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(struct nlmsghdr) &&
	       nlh->nlmsg_len >= sizeof(struct nlmsghdr) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

/* mnl_cb_run() over the part of @buf that nl_msg_ok() walks: a message
 * whose length runs past the datagram ends the walk there, as a short
 * datagram does in libmnl. */
int nl_cb_run(const void *buf, size_t len, unsigned int seq,
	      unsigned int portid, mnl_cb_t cb, void *data);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_dump.c - the nfnetlink socket for nftables and the one dump loop
 * every reader of the kernel's ruleset runs: our tables read back
 * (nft_read.c) and every owner's tables as plain data (nft_ruleset.c).
 *
 * Owns: the socket options (extended ACK, buffer sizes), the dump request
 * (optionally filtered to one table by the kernel) and the libmnl receive
 * loop with its error messages.  Does not own: what a message means (the
 * callbacks of its callers) or the batch (nft_apply.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/common.h>

#include "core/xalloc.h"
#include "nat/caps.h"
#include "nat/nft_int.h"
#include "nat/nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

struct mnl_socket *
nft_sock_open(size_t sndbuf, struct masq_err *e)
{
	struct mnl_socket *nl = nat_nfnl_open("nftables", 0, e);
	int one = 1, fd, sz = (int)(sndbuf > 0x40000000 ? 0x40000000 : sndbuf);
	int rcv = 4 * 1024 * 1024;

	if (!nl)
		return NULL;
	fd = mnl_socket_get_fd(nl);
	/* Best effort: older kernels lack these, errors then carry less. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (sz > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return nl;
}

/* What a dump of @table (NULL: every table) is called in messages. */
static void
dump_what(const char *table, char *buf, size_t size)
{
	if (table)
		snprintf(buf, size, "table %s", table);
	else
		snprintf(buf, size, "the nftables ruleset");
}

/* Build the dump request of @type in @buf: filtered to @table (NULL:
 * every table), for set elements also to @set. */
static struct nlmsghdr *
dump_req(char *buf, uint16_t type, int family, const char *table,
	 const char *set, uint32_t seq)
{
	struct nlmsghdr *nlh;

	/* the request's attribute padding is sent as it is: zero it, so no
	 * heap bytes go to the kernel (valgrind: bench/valgrind_churn.sh) */
	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = nftnl_nlmsg_build_hdr(buf, type, (uint16_t)family, NLM_F_DUMP,
				    seq);
	if (table && type != NFT_MSG_GETTABLE) {
		/* The kernel filters chain, rule, set and object dumps by
		 * table; set elements are asked for one set at a time. */
		uint16_t attr = type == NFT_MSG_GETCHAIN ? NFTA_CHAIN_TABLE :
			type == NFT_MSG_GETOBJ ? NFTA_OBJ_TABLE :
			type == NFT_MSG_GETSET ? NFTA_SET_TABLE :
			type == NFT_MSG_GETSETELEM ? NFTA_SET_ELEM_LIST_TABLE :
			NFTA_RULE_TABLE;

		mnl_attr_put_strz(nlh, attr, table);
	}
	if (set && type == NFT_MSG_GETSETELEM)
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	return nlh;
}

int
nft_dump(struct mnl_socket *nl, uint16_t type, int family, const char *table,
	 mnl_cb_t cb, void *data, struct masq_err *e)
{
	return nft_dump_set(nl, type, family, table, NULL, cb, data, e);
}

int
nft_dump_elems(struct mnl_socket *nl, int family, const char *table,
	       const char *set, mnl_cb_t cb, void *data, struct masq_err *e)
{
	return nft_dump_set(nl, NFT_MSG_GETSETELEM, family, table, set, cb,
			    data, e);
}

int
nft_dump_set(struct mnl_socket *nl, uint16_t type, int family,
	     const char *table, const char *set, mnl_cb_t cb, void *data,
	     struct masq_err *e)
{
	size_t bufsz = 32768 * 4;
	char *buf = xmalloc(bufsz), what[96];
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(nl);
	int ret = -1;

	dump_what(table, what, sizeof(what));
	nlh = dump_req(buf, type, family, table, set, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot ask the kernel for %s",
			what);
		nat_err_perm(e);
		goto out;
	}
	for (;;) {
		/* One byte kept for a NUL after the datagram: libnftnl reads
		 * a few strings up to a NUL (nft_valid.c). */
		ssize_t n = mnl_socket_recvfrom(nl, buf, bufsz - 1);
		int r;

		if (n < 0) {
			err_sys(e, MASQ_EKERNEL, errno, "reading %s from the "
				"kernel failed", what);
			nat_err_perm(e);
			goto out;
		}
		buf[n] = '\0';
		r = nl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (r < 0) {
			/* No table in this family: an empty answer. */
			if (errno == ENOENT)
				break;
			err_sys(e, MASQ_EFAIL, errno, "reading %s from the "
				"kernel failed", what);
			nat_err_perm(e);
			goto out;
		}
		if (r == MNL_CB_STOP)
			break;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

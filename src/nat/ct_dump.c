/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_dump.c - the ctnetlink socket and the streaming table dump.
 *
 * Owns: opening/closing a handle, sizing its receive buffer, the
 * receive loop shared by every dump (mnl_cb_run until NLMSG_DONE, draining
 * the rest when the consumer stops early so the socket stays usable) and
 * ct_dump() itself.  Does not own: parsing one entry (ct_parse.c),
 * deleting (ct_delete.c), statistics (ct_stats.c) or events (ct_events.c).
 *
 * No kernel-side filter is requested: "any NAT bit set" cannot be said with
 * the kernel's status/mask equality filter, and older kernels ignore it;
 * the status word is checked before anything else is parsed instead.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "nat/caps.h"
#include "nat/ct_int.h"
#include "nat/nl.h"

int
ct_err_sys(struct masq_err *e, int sys, const char *what)
{
	int code = MASQ_EFAIL;

	if (sys == EOPNOTSUPP || sys == EPROTONOSUPPORT || sys == EAFNOSUPPORT)
		code = MASQ_EKERNEL;
	err_sys(e, code, sys, "conntrack: %s", what);
	if (sys == EPERM || sys == EACCES)
		return nat_err_perm(e);		/* the capability, named */
	if (code == MASQ_EKERNEL)
		err_hint(e, "this needs the nf_conntrack_netlink kernel "
			 "module (modprobe nf_conntrack_netlink)");
	return -1;
}

size_t
ct_sock_rcvbuf(struct mnl_socket *nl, size_t size)
{
	int fd = mnl_socket_get_fd(nl);
	int v = size > (size_t)INT32_MAX / 2 ? INT32_MAX / 2 : (int)size;
	socklen_t len = sizeof(v);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) == -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == -1)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == -1)
		return 0;
	return (size_t)v;
}

struct ct_handle *
ct_open_groups(unsigned int groups, size_t rcvbuf, struct masq_err *e)
{
	struct ct_handle *h = xcalloc(1, sizeof(*h));
	int one = 1;

	h->nl = nat_nfnl_open("conntrack", groups, e);
	if (!h->nl)
		goto fail;
	/* The kernel's own words for a refused request, when it has them. */
	mnl_socket_setsockopt(h->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (rcvbuf)
		ct_sock_rcvbuf(h->nl, rcvbuf);
	h->portid = mnl_socket_get_portid(h->nl);
	h->seq = (unsigned int)time(NULL);
	h->buf = xmalloc(CT_RECV_BUFSZ);
	return h;
fail:
	ct_close(h);
	return NULL;
}

struct ct_handle *
ct_open(struct masq_err *e)
{
	return ct_open_groups(0, CT_DUMP_RCVBUF, e);
}

void
ct_close(struct ct_handle *h)
{
	if (!h)
		return;
	ct_close(h->aux);
	if (h->nl)
		mnl_socket_close(h->nl);
	free(h->buf);
	free(h);
}

int
ct_recv_until_done(struct ct_handle *h, uint32_t seq, mnl_cb_t cb,
		   void *data, struct masq_err *e)
{
	ssize_t n;
	int ret;

	/* The callbacks never fail here: a consumer that wants to stop only
	 * stops looking, and the rest of the answer is read and dropped, so
	 * the socket stays in step for the next request. */
	for (;;) {
		n = mnl_socket_recvfrom(h->nl, h->buf, CT_RECV_BUFSZ);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return ct_err_sys(e, errno, "cannot read the answer");
		}
		ret = nl_cb_run(h->buf, (size_t)n, seq, h->portid, cb, data);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR)
			return ct_err_sys(e, errno, "request refused");
	}
}

struct ct_dump_ctx {
	const struct ct_query *q;
	ct_entry_cb cb;
	void *data;
	struct masq_err *e;
	long n;
	bool stop, failed;
};

static int
ct_dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ct_dump_ctx *c = data;
	struct ct_entry ce;
	int rc;

	if (c->stop)
		return MNL_CB_OK;
	rc = ct_parse_msg(nlh, c->q, &ce);
	if (rc <= 0)
		return MNL_CB_OK;	/* skipped, or malformed: not ours */
	c->n++;
	if (!c->cb)
		return MNL_CB_OK;
	rc = c->cb(&ce, c->data, c->e);
	if (rc == 0)
		return MNL_CB_OK;
	c->stop = true;
	c->failed = rc < 0;
	return MNL_CB_OK;
}

long
ct_dump(struct ct_handle *h, const struct ct_query *q, ct_entry_cb cb,
	void *data, struct masq_err *e)
{
	struct ct_dump_ctx c = { .cb = cb, .data = data, .e = e };
	uint32_t seq = ++h->seq;
	struct nlmsghdr *nlh;
	struct ct_query tq;

	c.q = ct_query_tighten(q, &tq);

	nlh = ct_msg_start(h->buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq,
			   q ? (uint8_t)q->family : 0);
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) == -1)
		return ct_err_sys(e, errno, "cannot ask for the table");
	if (ct_recv_until_done(h, seq, ct_dump_msg_cb, &c, e) == -1)
		return -1;
	return c.failed ? -1 : c.n;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_delete.c - deleting conntrack entries: one by tuple, or all matching
 * a query.
 *
 * Owns: building IPCTNL_MSG_CT_DELETE requests and counting the kernel's
 * acknowledgements.  Deleting by filter dumps on the handle's socket and
 * sends the deletes, many per sendmsg, on a second socket while the dump
 * runs, so nothing but one batch is ever held.  Does not own: choosing
 * what to delete (the filter) or asking the user (the shell).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/xalloc.h"
#include "nat/ct_int.h"
#include "nat/nl.h"

/* One sendmsg of deletes; each ack costs the receive buffer ~1 KiB of
 * kernel memory, so a batch is kept well under the aux socket's buffer. */
#define CT_DEL_BATCH_BYTES	65536
#define CT_DEL_BATCH_MAX	256
#define CT_DEL_MSG_MAX		256	/* bytes one delete request can take */

void
ct_put_tuple(struct nlmsghdr *nlh, const struct ct_entry *ce)
{
	const struct ct_tuple *t = &ce->orig;
	struct nlattr *tn, *n;
	size_t alen = ce->family == AF_INET6 ? 16 : 4;
	bool v6 = ce->family == AF_INET6;

	tn = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put(nlh, v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC, alen, t->src.b);
	mnl_attr_put(nlh, v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST, alen, t->dst.b);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, ce->proto);
	if (ce->proto == IPPROTO_ICMP) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(t->sport));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, t->icmp_type);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, t->icmp_code);
	} else if (ce->proto == IPPROTO_ICMPV6) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMPV6_ID, htons(t->sport));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_TYPE, t->icmp_type);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_CODE, t->icmp_code);
	} else {
		/* protocols without ports ignore these */
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	}
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, tn);
}

/* Append a delete request for @ce at @buf; returns its length. */
static size_t
ct_put_delete(char *buf, const struct ct_entry *ce, uint32_t seq)
{
	struct nlmsghdr *nlh;

	nlh = ct_msg_start(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, seq,
			   ce->family);
	ct_put_tuple(nlh, ce);
	if (ce->zone)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(ce->zone));
	if (ce->id)
		mnl_attr_put_u32(nlh, CTA_ID, htonl(ce->id));
	return nlh->nlmsg_len;
}

/*
 * Read @n acks on @h.  Counts successes in *@ok; ENOENT (gone meanwhile)
 * is not an error.  Returns 0, or -1 with @e set to the first other error
 * after reading all @n.
 */
static int
ct_read_acks(struct ct_handle *h, size_t n, long *ok, struct masq_err *e)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *er;
	int first = 0;
	ssize_t len;
	int left;

	while (n > 0) {
		len = mnl_socket_recvfrom(h->nl, h->buf, CT_RECV_BUFSZ);
		if (len == -1) {
			if (errno == EINTR)
				continue;
			return ct_err_sys(e, errno, "lost the kernel's answers "
					  "to a delete");
		}
		left = (int)len;
		for (nlh = (const struct nlmsghdr *)h->buf;
		     nl_msg_ok(nlh, left) && n > 0;
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			er = mnl_nlmsg_get_payload(nlh);
			n--;
			if (er->error == 0)
				(*ok)++;
			else if (er->error != -ENOENT && !first)
				first = -er->error;
		}
	}
	if (first)
		return ct_err_sys(e, first, "cannot delete an entry");
	return 0;
}

int
ct_delete(struct ct_handle *h, const struct ct_entry *ce, struct masq_err *e)
{
	long ok = 0;
	size_t len;

	len = ct_put_delete(h->buf, ce, ++h->seq);
	if (mnl_socket_sendto(h->nl, h->buf, len) == -1)
		return ct_err_sys(e, errno, "cannot send a delete");
	if (ct_read_acks(h, 1, &ok, e) == -1)
		return -1;
	return ok ? 1 : 0;
}

struct ct_del_ctx {
	struct ct_handle *aux;
	const struct ct_query *q;
	ct_entry_cb cb;
	void *data;
	struct masq_err *e;
	char *batch;
	size_t len, n;
	long deleted;
	bool failed;
};

static int
ct_del_flush(struct ct_del_ctx *c)
{
	size_t n = c->n;

	if (!n)
		return 0;
	c->n = 0;
	if (mnl_socket_sendto(c->aux->nl, c->batch, c->len) == -1) {
		c->len = 0;
		return ct_err_sys(c->e, errno, "cannot send deletes");
	}
	c->len = 0;
	return ct_read_acks(c->aux, n, &c->deleted, c->e);
}

static int
ct_del_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ct_del_ctx *c = data;
	struct ct_entry ce;

	if (c->failed || ct_parse_msg(nlh, c->q, &ce) <= 0)
		return MNL_CB_OK;
	if (c->cb) {
		int rc = c->cb(&ce, c->data, c->e);

		if (rc < 0)
			c->failed = true;
		if (rc)
			return MNL_CB_OK;
	}
	c->len += ct_put_delete(c->batch + c->len, &ce, ++c->aux->seq);
	c->n++;
	if ((c->n >= CT_DEL_BATCH_MAX ||
	     c->len + CT_DEL_MSG_MAX > CT_DEL_BATCH_BYTES) && ct_del_flush(c))
		c->failed = true;
	return MNL_CB_OK;
}

long
ct_delete_matching(struct ct_handle *h, const struct ct_query *q,
		   ct_entry_cb cb, void *data, struct masq_err *e)
{
	struct ct_del_ctx c = { .cb = cb, .data = data, .e = e };
	uint32_t seq = ++h->seq;
	struct nlmsghdr *nlh;
	struct ct_query tq;
	int one = 1;
	long rc = -1;

	c.q = ct_query_tighten(q, &tq);

	if (!h->aux) {
		h->aux = ct_open_groups(0, CT_DUMP_RCVBUF, e);
		if (!h->aux)
			return -1;
		/* acks without a copy of the request */
		mnl_socket_setsockopt(h->aux->nl, NETLINK_CAP_ACK, &one,
				      sizeof(one));
	}
	c.aux = h->aux;
	/* zeroed: attribute padding is sent as it is (valgrind) */
	c.batch = xcalloc(1, CT_DEL_BATCH_BYTES);
	nlh = ct_msg_start(h->buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq,
			   q ? (uint8_t)q->family : 0);
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) == -1) {
		ct_err_sys(e, errno, "cannot ask for the table");
		goto out;
	}
	if (ct_recv_until_done(h, seq, ct_del_msg_cb, &c, e) == -1)
		goto out;
	if (c.failed || ct_del_flush(&c) == -1)
		goto out;
	rc = c.deleted;
out:
	if (rc == -1) {
		/* unread acks may be left: start afresh next time */
		ct_close(h->aux);
		h->aux = NULL;
	}
	free(c.batch);
	return rc;
}

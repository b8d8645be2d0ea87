/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_dump_bench.c - driver for bench/ct_dump.sh.  Run it inside a
 * throwaway network namespace: it creates and lists conntrack entries.
 *
 *   ct_dump_bench create N     make N entries (90% SNAT, 5% DNAT, 5% plain),
 *                              many NEW requests per sendmsg
 *   ct_dump_bench count        the floor: a raw libmnl dump that only counts
 *                              messages (nothing parsed)
 *   ct_dump_bench count-api    ct_dump() with no callback: parse, no print
 *   ct_dump_bench nat          ct_dump(CT_Q_NAT_ONLY) printing one line per
 *                              entry, the row `show masq` prints
 *   ct_dump_bench all          the same for every entry
 *   ct_dump_bench delete-nat   ct_delete_matching(CT_Q_NAT_ONLY); prints
 *                              how many the kernel deleted
 *   ct_dump_bench listen [MS]  count events by type until MS ms (default
 *                              1000) pass without one
 *
 * Not installed; built on demand with `make bench/ct_dump_bench`.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "core/strbuf.h"
#include "nat/ct.h"
#include "nat/ct_cols.h"

#include "ct_bench.h"

/* under the default socket send buffer (208 KiB): larger is EMSGSIZE */
#define BATCH_BYTES (128 * 1024)

/* Entry @i: inside 10.a.b.c:40000+ to 198.51.100.(1+i%200):443; SNAT to
 * 203.0.113.(1+(i/200)%8):(1024+i/1600), which keeps reply tuples unique. */
static void
make_ct(struct nf_conntrack *ct, uint32_t i)
{
	uint32_t src = htonl(0x0a000000 | (i & 0xffffff));
	uint32_t dst = htonl(0xc6336400 | (1 + i % 200));
	uint16_t sport = htons((uint16_t)(40000 + i % 20000));

	ct_bench_tcp(ct, src, dst, sport, htons(443), 7200);
	nfct_attr_unset(ct, ATTR_SNAT_IPV4);
	nfct_attr_unset(ct, ATTR_SNAT_PORT);
	nfct_attr_unset(ct, ATTR_DNAT_IPV4);
	nfct_attr_unset(ct, ATTR_DNAT_PORT);
	if (i % 20 < 18) {
		nfct_set_attr_u32(ct, ATTR_SNAT_IPV4,
				  htonl(0xcb007100 | (1 + (i / 200) % 8)));
		nfct_set_attr_u16(ct, ATTR_SNAT_PORT,
				  htons((uint16_t)(1024 + i / 1600)));
	} else if (i % 20 == 18) {
		nfct_set_attr_u32(ct, ATTR_DNAT_IPV4,
				  htonl(0xc0a80100 | (1 + i % 250)));
		nfct_set_attr_u16(ct, ATTR_DNAT_PORT, htons(8443));
	}
}

static int
cmd_create(uint32_t n)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct nf_conntrack *ct = nfct_new();
	char *batch = malloc(BATCH_BYTES), *rbuf = malloc(BATCH_BYTES);
	size_t off = 0;
	long bad = 0;
	uint32_t i, seq = (uint32_t)time(NULL);
	int one = 1, first = 0, size = 16 << 20;

	if (!nl || !ct || !batch || !rbuf ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		perror("ct_dump_bench: netlink");
		return 1;
	}
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		   sizeof(size));
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(batch + off);
		struct nfgenmsg *nfg;

		nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
				  IPCTNL_MSG_CT_NEW;
		/* no ACK: the kernel only answers failures */
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
		nlh->nlmsg_seq = ++seq;
		nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
		nfg->nfgen_family = AF_INET;
		nfg->version = NFNETLINK_V0;
		make_ct(ct, i);
		nfct_nlmsg_build(nlh, ct);
		off += nlh->nlmsg_len;
		if (off + 1024 > BATCH_BYTES || i + 1 == n) {
			if (mnl_socket_sendto(nl, batch, off) == -1) {
				perror("ct_dump_bench: send");
				return 1;
			}
			off = 0;
			bad += ct_bench_drain(nl, rbuf, BATCH_BYTES, &first);
		}
	}
	bad += ct_bench_drain(nl, rbuf, BATCH_BYTES, &first);
	if (bad)
		fprintf(stderr, "ct_dump_bench: %ld of %" PRIu32 " creates "
			"failed, first: %s\n", bad, n, strerror(first));
	nfct_destroy(ct);
	mnl_socket_close(nl);
	free(batch);
	free(rbuf);
	return bad ? 1 : 0;
}

static int
count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(long *)data)++;
	return MNL_CB_OK;
}

/* The floor: ask for the table and count what comes back. */
static int
cmd_count(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	static char buf[65536];
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	uint32_t seq = (uint32_t)time(NULL), portid;
	long n = 0;
	ssize_t len;
	int ret;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		perror("ct_dump_bench: netlink");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) == -1)
		return 1;
	do {
		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len == -1)
			return 1;
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, count_cb, &n);
	} while (ret > MNL_CB_STOP);
	printf("%ld\n", n);
	mnl_socket_close(nl);
	return ret == MNL_CB_ERROR;
}

/* The rows `show masq` prints (nat/ct_cols.h), gathered here and written
 * a megabyte at a time, as the command does. */
static struct strbuf rows;

static int
print_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	(void)data;
	(void)e;
	ct_row_text(&rows, ce, CT_COLS_TEXT);
	strbuf_putc(&rows, '\n');
	if (rows.len >= 1u << 20)
		strbuf_write(&rows, stdout);
	return 0;
}

static int
cmd_dump(unsigned int flags, bool print)
{
	struct ct_query q = { .flags = flags };
	struct ct_handle *h;
	struct masq_err e;
	long n;

	strbuf_init(&rows, (1u << 20) + 4096);
	err_init(&e);
	h = ct_open(&e);
	if (!h) {
		fprintf(stderr, "ct_dump_bench: %s\n", e.msg);
		return 1;
	}
	n = ct_dump(h, &q, print ? print_cb : NULL, NULL, &e);
	ct_close(h);
	strbuf_write(&rows, stdout);
	strbuf_done(&rows);
	if (n < 0) {
		fprintf(stderr, "ct_dump_bench: %s\n", e.msg);
		return 1;
	}
	if (!print)
		printf("%ld\n", n);
	fprintf(stderr, "%ld entries\n", n);
	return 0;
}

static int
count_event_cb(enum ct_event_type t, const struct ct_entry *ce, void *data,
	       struct masq_err *e)
{
	((unsigned long *)data)[t]++;
	return 0;
}

/* Count events until none came for @idle_ms; print them per type. */
static int
cmd_listen(int idle_ms)
{
	unsigned long n[CT_EV_RESYNC_DONE + 1] = { 0 };
	struct ct_events *ev;
	struct pollfd pfd;
	struct masq_err e;
	bool started = false;
	int t;

	err_init(&e);
	ev = ct_events_open(NULL, &e);
	if (!ev) {
		fprintf(stderr, "ct_dump_bench: %s\n", e.msg);
		return 1;
	}
	pfd.fd = ct_events_fd(ev);
	pfd.events = POLLIN;
	fprintf(stderr, "listening\n");
	for (;;) {
		int r = poll(&pfd, 1, started ? idle_ms : 60000);

		if (r <= 0)
			break;
		started = true;
		if (ct_events_process(ev, count_event_cb, n, &e) < 0) {
			fprintf(stderr, "ct_dump_bench: %s\n", e.msg);
			return 1;
		}
	}
	for (t = 0; t <= CT_EV_RESYNC_DONE; t++)
		printf("%s=%lu ", ct_event_name((enum ct_event_type)t), n[t]);
	printf("rcvbuf=%zu\n", ct_events_rcvbuf(ev));
	ct_events_close(ev);
	return 0;
}

/* Delete every NAT'ed entry (as `kill nat` will) and print the count. */
static int
cmd_delete_nat(void)
{
	struct ct_query q = { .flags = CT_Q_NAT_ONLY };
	struct ct_handle *h;
	struct masq_err e;
	long n;

	err_init(&e);
	h = ct_open(&e);
	n = h ? ct_delete_matching(h, &q, NULL, NULL, &e) : -1;
	ct_close(h);
	if (n < 0) {
		fprintf(stderr, "ct_dump_bench: %s\n", e.msg);
		return 1;
	}
	printf("%ld\n", n);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "create") && argc > 2)
		return cmd_create((uint32_t)strtoul(argv[2], NULL, 10));
	if (!strcmp(cmd, "count"))
		return cmd_count();
	if (!strcmp(cmd, "count-api"))
		return cmd_dump(0, false);
	if (!strcmp(cmd, "nat"))
		return cmd_dump(CT_Q_NAT_ONLY, true);
	if (!strcmp(cmd, "all"))
		return cmd_dump(0, true);
	if (!strcmp(cmd, "delete-nat"))
		return cmd_delete_nat();
	if (!strcmp(cmd, "listen"))
		return cmd_listen(argc > 2 ? atoi(argv[2]) : 1000);
	fprintf(stderr, "usage: ct_dump_bench create N | count | count-api | "
		"nat | all | delete-nat | listen [IDLE_MS]\n");
	return 2;
}

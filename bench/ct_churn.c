/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_churn.c - conntrack churn for bench/masqtop_cpu.sh: a steady stream
 * of NEW and DESTROY events.  Run it inside a throwaway network namespace.
 *
 *   ct_churn RATE SECS [LIVE [INSTANCE]]
 *
 * Every 10 ms it creates RATE/200 SNAT'ed entries and deletes as many of
 * the oldest ones, so the kernel sends RATE/2 NEW and RATE/2 DESTROY
 * events a second (RATE events in all) while about LIVE entries (default
 * 10000) stay in the table.  Prints what it sent and how many requests
 * the kernel refused.  INSTANCE (0..3) picks a disjoint range of entries,
 * so several churns can run side by side.  Not installed;
 * bench/masqtop_cpu.sh compiles it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_bench.h"

#define BUF_BYTES (128 * 1024)

/* Entry @i: 10.x.y.z:sport -> 198.51.100.k:443, SNAT'ed to
 * 203.0.113.(1+i%8):(1024+(i/8)%64000).  Unique for i < 2^24. */
static void
make_ct(struct nf_conntrack *ct, uint32_t i)
{
	uint32_t src = htonl(0x0a000000 | (i & 0xffffff));
	uint32_t dst = htonl(0xc6336400 | (1 + i % 200));
	uint16_t sport = htons((uint16_t)(1024 + i % 60000));

	ct_bench_tcp(ct, src, dst, sport, htons(443), 600);
	nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, htonl(0xcb007100 | (1 + i % 8)));
	nfct_set_attr_u16(ct, ATTR_SNAT_PORT,
			  htons((uint16_t)(1024 + (i / 8) % 64000)));
}

/* Append one request for entry @i (NEW, or DELETE by original tuple). */
static size_t
put_msg(char *buf, struct nf_conntrack *ct, uint32_t i, bool del,
	uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
			  (del ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW);
	/* no ACK: the kernel only answers failures */
	nlh->nlmsg_flags = NLM_F_REQUEST |
			   (del ? 0 : NLM_F_CREATE | NLM_F_EXCL);
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	make_ct(ct, i);
	if (del) {
		nfct_attr_unset(ct, ATTR_SNAT_IPV4);
		nfct_attr_unset(ct, ATTR_SNAT_PORT);
		nfct_attr_unset(ct, ATTR_STATUS);
		nfct_attr_unset(ct, ATTR_TIMEOUT);
		nfct_attr_unset(ct, ATTR_TCP_STATE);
	}
	nfct_nlmsg_build(nlh, ct);
	return nlh->nlmsg_len;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Send @len bytes of requests in chunks the socket accepts. */
static int
flush(struct mnl_socket *nl, char *buf, size_t *len)
{
	if (*len && mnl_socket_sendto(nl, buf, *len) == -1) {
		perror("ct_churn: send");
		return -1;
	}
	*len = 0;
	return 0;
}

int
main(int argc, char **argv)
{
	struct mnl_socket *nl;
	struct nf_conntrack *ct = nfct_new();
	char *buf = malloc(BUF_BYTES), *rbuf = malloc(BUF_BYTES);
	uint32_t head = 0, tail = 0, seq = (uint32_t)time(NULL), k, per_tick;
	long rate, bad = 0, created = 0, deleted = 0;
	double secs, start, next, now;
	size_t len = 0;
	int one = 1;
	uint32_t live, base;
	struct timespec ts;

	if (argc < 3) {
		fprintf(stderr, "usage: ct_churn RATE SECS [LIVE]\n");
		return 2;
	}
	rate = strtol(argv[1], NULL, 10);
	secs = strtod(argv[2], NULL);
	live = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 10000;
	/* Entry numbers are taken modulo 2^22 inside the instance's range. */
	base = argc > 4 ? (uint32_t)(strtoul(argv[4], NULL, 10) & 3) << 22 : 0;
	per_tick = (uint32_t)(rate / 200 > 0 ? rate / 200 : 1);
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || !ct || !buf || !rbuf ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		perror("ct_churn: netlink");
		return 1;
	}
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	/* The standing population first. */
	for (; head < live; head++) {
		len += put_msg(buf + len, ct, base | head, false, ++seq);
		if (len + 1024 > BUF_BYTES && flush(nl, buf, &len))
			return 1;
	}
	if (flush(nl, buf, &len))
		return 1;
	bad += ct_bench_drain(nl, rbuf, BUF_BYTES, NULL);
	start = next = mono();
	while ((now = mono()) < start + secs) {
		if (now < next) {
			ts.tv_sec = 0;
			ts.tv_nsec = (long)((next - now) * 1e9);
			nanosleep(&ts, NULL);
			continue;
		}
		next += 0.01;
		for (k = 0; k < per_tick; k++) {
			len += put_msg(buf + len, ct, base | (head++ & 0x3fffff),
				       false, ++seq);
			len += put_msg(buf + len, ct, base | (tail++ & 0x3fffff),
				       true, ++seq);
			created++;
			deleted++;
			if (len + 2048 > BUF_BYTES && flush(nl, buf, &len))
				return 1;
		}
		if (flush(nl, buf, &len))
			return 1;
		bad += ct_bench_drain(nl, rbuf, BUF_BYTES, NULL);
	}
	bad += ct_bench_drain(nl, rbuf, BUF_BYTES, NULL);
	printf("ct_churn: %.1f s, %ld created, %ld deleted (%.0f events/s), "
	       "%ld refused\n", mono() - start, created, deleted,
	       (double)(created + deleted) / (mono() - start), bad);
	nfct_destroy(ct);
	mnl_socket_close(nl);
	free(buf);
	free(rbuf);
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_bench.h - the two pieces the conntrack bench drivers (ct_churn.c,
 * ct_dump_bench.c) share: filling in one established IPv4 TCP entry, and
 * counting the error answers the kernel sent to a batch of requests.
 * Which addresses, ports and NAT each driver uses stays in the driver.
 * Header-only so that bench/masqtop_cpu.sh can still build ct_churn.c
 * with one cc line.  Not installed.
 */
#ifndef MASQ_BENCH_CT_BENCH_H
#define MASQ_BENCH_CT_BENCH_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

/* @ct: an ESTABLISHED, assured TCP entry @src:@sport -> @dst:@dport whose
 * reply tuple mirrors it, living @timeout seconds.  Addresses and ports in
 * network order.  NAT attributes are left as they are. */
static inline void
ct_bench_tcp(struct nf_conntrack *ct, uint32_t src, uint32_t dst,
	     uint16_t sport, uint16_t dport, uint32_t timeout)
{
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, src);
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, dst);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, dst);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, src);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, sport);
	nfct_set_attr_u16(ct, ATTR_PORT_DST, dport);
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, dport);
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, sport);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);	/* ESTABLISHED */
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_SEEN_REPLY | IPS_ASSURED);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, timeout);
}

/* Read what is queued on @nl without blocking (into @buf, @len bytes) and
 * count the failed requests; the first error number goes to *@first when
 * @first is not NULL and still 0. */
static inline long
ct_bench_drain(struct mnl_socket *nl, char *buf, size_t len, int *first)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *er;
	long bad = 0;
	ssize_t n;
	int left;

	while ((n = recv(mnl_socket_get_fd(nl), buf, len, MSG_DONTWAIT)) > 0) {
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			er = mnl_nlmsg_get_payload(nlh);
			if (er->error) {
				bad++;
				if (first && !*first)
					*first = -er->error;
			}
		}
	}
	return bad;
}

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * udp_flows.c - the sender of bench/conn_rate.sh: as many NEW UDP flows
 * as it can, one packet each, from SRC to DST, every packet with its own
 * (source port, destination port) pair, so that every packet is a new
 * conntrack entry and goes through the NAT rules of the gateway in between.
 *
 *   udp_flows SRC DST COUNT SECONDS
 *
 * Stops after COUNT packets or SECONDS, whichever comes first, and prints
 * "sent N in S s cpu C s": C is its user + system CPU time, which holds
 * the gateway's work too (a veth hands the packet on in the sender's own
 * softirq, so forwarding, conntrack and the NAT rules run on its clock)
 * and, unlike S, does not grow when other processes take the CPU.  A raw socket (IP_HDRINCL) with sendmmsg() in batches
 * of 64 writes the headers itself: binding a UDP socket per source port
 * would cost more than the gateway's work we want to measure.  Source
 * ports run 1024..65535, the destination port goes up by one each time
 * they wrap (from 9), so COUNT up to ~3.9 million tuples never repeat.
 * Run it inside a network namespace; it sends only to DST.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PAYLOAD 16

struct pkt {
	struct iphdr ip;
	struct udphdr udp;
	char data[PAYLOAD];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The IPv4 header checksum (the kernel fills it for IP_HDRINCL only when
 * it is 0, but say what we mean). */
static uint16_t
ip_csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
fill(struct pkt *p, uint32_t src, uint32_t dst, unsigned long i)
{
	memset(p, 0, sizeof(*p));
	p->ip.version = 4;
	p->ip.ihl = 5;
	p->ip.ttl = 64;
	p->ip.protocol = IPPROTO_UDP;
	p->ip.tot_len = htons(sizeof(*p));
	p->ip.id = htons((uint16_t)i);
	p->ip.saddr = src;
	p->ip.daddr = dst;
	p->ip.check = ip_csum(&p->ip, sizeof(p->ip));
	p->udp.source = htons((uint16_t)(1024 + i % 64512));
	p->udp.dest = htons((uint16_t)(9 + i / 64512));
	p->udp.len = htons(sizeof(p->udp) + PAYLOAD);
	/* UDP checksum 0: none (allowed for IPv4) */
}

int
main(int argc, char **argv)
{
	static struct pkt pk[BATCH];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_addr src;
	unsigned long count, sent = 0;
	double secs, t0, t;
	int fd, i, one = 1;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &src) != 1 ||
	    inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: udp_flows SRC DST COUNT SECONDS\n");
		return 2;
	}
	count = strtoul(argv[3], NULL, 10);
	secs = atof(argv[4]);
	if (count == 0 || count > 64512ul * 60000ul || secs <= 0) {
		fprintf(stderr, "udp_flows: bad COUNT or SECONDS\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one,
				 sizeof(one)) < 0) {
		perror("udp_flows: raw socket");
		return 1;
	}
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = &pk[i];
		iov[i].iov_len = sizeof(pk[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &to;
		mm[i].msg_hdr.msg_namelen = sizeof(to);
	}
	t0 = t = now();
	while (sent < count && t - t0 < secs) {
		int n = (int)(count - sent < BATCH ? count - sent : BATCH), r;

		for (i = 0; i < n; i++)
			fill(&pk[i], src.s_addr, to.sin_addr.s_addr, sent + i);
		r = sendmmsg(fd, mm, (unsigned int)n, 0);
		if (r < 0) {
			/* a full queue: the packets are the gateway's
			 * problem, not ours; go on */
			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("udp_flows: sendmmsg");
				return 1;
			}
			r = n;
		}
		sent += (unsigned long)r;
		t = now();
	}
	{
		struct rusage ru;
		double cpu;

		getrusage(RUSAGE_SELF, &ru);
		cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		      (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		printf("sent %lu in %.3f s cpu %.3f s\n", sent, t - t0, cpu);
	}
	close(fd);
	return 0;
}

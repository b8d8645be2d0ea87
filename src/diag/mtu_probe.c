/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mtu_probe.c - the prober behind `diag mtu`: sends the sizes the search
 * (mtu_search.c) asks for, every size of a round at once, as two probes
 * with DF set - an ICMP echo from a raw socket and a UDP datagram to a
 * high port - and collects what comes back until every size of the round
 * is settled or the round's timeout (400 ms, more on a slow path) ends.
 *
 * Both sockets use IP_PMTUDISC_PROBE, so a PMTU the kernel has cached for
 * the destination does not stop a probe (only the interface MTU does, and
 * that is the search's upper bound), and IP_RECVERR, so "fragmentation
 * needed" comes back on the error queue with the MTU it names and who sent
 * it.  An echo reply or a "port unreachable" proves that a size got
 * through.  The route (outgoing interface, next hop, the kernel's cached
 * PMTU) comes from nat's `ip route get` (nat/links.h), before and after.
 * An IPv6 host is probed the same way (the family follows the address):
 * ICMPv6 echo (the kernel writes its checksum), IPV6_PMTUDISC_PROBE and
 * IPV6_RECVERR, where "Packet Too Big" plays frag-needed's part.
 * Does not own: the search or the verdict.
 */
#include "config.h"

#include <net/if.h>	/* before the linux headers (libc-compat) */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/ctent.h"
#include "core/xalloc.h"
#include "diag/mtu.h"
#include "nat/links.h"

#define UDP_PORT_BASE 33434
#define TIMEOUT_MAX_MS 2000

union sa_any {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* One size in flight this round. */
struct flight {
	unsigned int size;
	bool settled;
	size_t rec_icmp, rec_udp;	/* indexes into r->probes */
	int udp_fd;
};

struct prober {
	struct mtu_report *r;
	struct mtu_search *s;
	int af;
	union sa_any dst;
	socklen_t dlen;
	const char *iface;
	int icmp_fd;
	uint16_t id, seq;
	double t0;
	unsigned int max_rtt;
	struct flight fl[MTU_BATCH];
	size_t nfl;
};

unsigned int
mtu_link_mtu(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned int mtu = 0;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (unsigned int)ifr.ifr_mtu;
	close(fd);
	return mtu;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The destination's address bytes. */
static const void *
dst_addr(const struct prober *p)
{
	return p->af == AF_INET6 ? (const void *)&p->dst.v6.sin6_addr :
		(const void *)&p->dst.v4.sin_addr;
}

/* `ip route get DST [oif IF]`: the route and any cached PMTU. */
static int
route_get(const struct prober *p, unsigned int oif, struct links_path *ri,
	  struct masq_err *e)
{
	return links_route_get(p->af, dst_addr(p), oif, ri, e);
}

static uint16_t
icmp_cksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void
sock_common(int fd, int af, const char *iface)
{
	int v = IP_PMTUDISC_PROBE, v6 = IPV6_PMTUDISC_PROBE, one = 1;

	if (af == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v6,
			   sizeof(v6));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	}
	if (iface)
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
			   (socklen_t)strlen(iface) + 1);
}

static size_t
rec_add(struct prober *p, unsigned int size, char proto)
{
	struct mtu_report *r = p->r;
	struct mtu_probe_rec *q;

	r->probes = xreallocarray(r->probes, r->n_probes + 1,
				  sizeof(*r->probes));
	q = &r->probes[r->n_probes];
	memset(q, 0, sizeof(*q));
	q->size = size;
	q->round = r->rounds;
	q->proto = proto;
	r->n_sent++;
	return r->n_probes++;
}

/* An answer for probe @ri: record it; a decisive one settles its size. */
static void
answer(struct prober *p, size_t ri, enum mtu_answer a, unsigned int mtu,
       const void *from, double sent)
{
	struct mtu_probe_rec *q = &p->r->probes[ri];
	size_t i;

	if (q->answer != MTU_NONE && q->answer != MTU_LOST)
		return;
	q->answer = a;
	q->mtu = mtu;
	q->ms = (unsigned int)(now_ms() - sent + 0.5);
	if (from)
		ctent_addr_text(q->from, sizeof(q->from), p->af, from);
	if (a == MTU_PASS && q->ms > p->max_rtt)
		p->max_rtt = q->ms;
	if (a == MTU_PASS)
		*(q->proto == 'i' ? &p->r->icmp_alive : &p->r->udp_alive) = true;
	mtu_search_feed(p->s, q->size, a, mtu);
	if (a == MTU_FRAG && !p->r->frag_mtu) {
		p->r->frag_mtu = mtu;
		snprintf(p->r->frag_from, sizeof(p->r->frag_from), "%s",
			 q->from);
	}
	for (i = 0; i < p->nfl; i++)
		if (p->fl[i].size == q->size)
			p->fl[i].settled = true;
}

/* An echo request of @len bytes (ICMP header included) in @buf: ICMPv6
 * leaves the checksum to the kernel, which writes it on raw ICMPv6
 * sockets. */
static void
echo_fill(const struct prober *p, uint8_t *buf, size_t len, uint16_t seq)
{
	struct icmphdr *ih = (struct icmphdr *)buf;
	struct icmp6hdr *i6 = (struct icmp6hdr *)buf;

	if (p->af == AF_INET6) {
		memset(i6, 0, sizeof(*i6));
		i6->icmp6_type = ICMPV6_ECHO_REQUEST;
		i6->icmp6_identifier = htons(p->id);
		i6->icmp6_sequence = htons(seq);
		return;
	}
	memset(ih, 0, sizeof(*ih));
	ih->type = ICMP_ECHO;
	ih->un.echo.id = htons(p->id);
	ih->un.echo.sequence = htons(seq);
	ih->checksum = icmp_cksum(buf, len);
}

/* Connect UDP probe socket @fd to the next high port of the host. */
static int
udp_connect(const struct prober *p, int fd)
{
	uint16_t port = htons((uint16_t)(UDP_PORT_BASE +
					 p->r->n_probes % 2000));
	union sa_any to = p->dst;

	sock_common(fd, p->af, p->iface);
	if (p->af == AF_INET6)
		to.v6.sin6_port = port;
	else
		to.v4.sin_port = port;
	return connect(fd, &to.sa, p->dlen);
}

static void
send_round(struct prober *p, const unsigned int *sizes, size_t n,
	   double *sent)
{
	static uint8_t buf[65536];
	size_t hl = p->af == AF_INET6 ? 40 : 20;	/* the IP header */
	size_t i, len;
	int fd;

	memset(buf + 8, 0xa5, sizeof(buf) - 8);
	*sent = now_ms();
	p->nfl = n;
	for (i = 0; i < n; i++) {
		struct flight *f = &p->fl[i];

		memset(f, 0, sizeof(*f));
		f->size = sizes[i];
		f->udp_fd = -1;
		len = sizes[i] - hl;
		f->rec_icmp = (size_t)-1;
		if (p->icmp_fd >= 0) {
			f->rec_icmp = rec_add(p, sizes[i], 'i');
			echo_fill(p, buf, len, (uint16_t)f->rec_icmp);
			if (sendto(p->icmp_fd, buf, len, 0, &p->dst.sa,
				   p->dlen) < 0 && errno == EMSGSIZE)
				answer(p, f->rec_icmp, MTU_LOCAL,
				       p->r->link_mtu, NULL, *sent);
		}
		f->rec_udp = rec_add(p, sizes[i], 'u');
		fd = socket(p->af, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    0);
		if (fd < 0)
			continue;
		if (udp_connect(p, fd) < 0) {
			close(fd);
			continue;
		}
		f->udp_fd = fd;
		if (send(fd, buf + 8, len - 8, 0) < 0 && errno == EMSGSIZE)
			answer(p, f->rec_udp, MTU_LOCAL, p->r->link_mtu, NULL,
			       *sent);
	}
}

/* Our echo's probe index from an ICMP(v6) header at @d (@n bytes): the
 * request we sent (@request, quoted back in an error) or a reply to it.
 * (size_t)-1 when it is not ours. */
static size_t
echo_seq(const struct prober *p, const uint8_t *d, size_t n, bool request)
{
	struct icmphdr ih;
	struct icmp6hdr i6;
	size_t rec;

	if (p->af == AF_INET6) {
		if (n < sizeof(i6))
			return (size_t)-1;
		memcpy(&i6, d, sizeof(i6));
		if (i6.icmp6_type != (request ? ICMPV6_ECHO_REQUEST :
				      ICMPV6_ECHO_REPLY) ||
		    ntohs(i6.icmp6_identifier) != p->id)
			return (size_t)-1;
		rec = ntohs(i6.icmp6_sequence);
	} else {
		if (n < sizeof(ih))
			return (size_t)-1;
		memcpy(&ih, d, sizeof(ih));
		if (ih.type != (request ? ICMP_ECHO : ICMP_ECHOREPLY) ||
		    ntohs(ih.un.echo.id) != p->id)
			return (size_t)-1;
		rec = ntohs(ih.un.echo.sequence);
	}
	if (rec >= p->r->n_probes || p->r->probes[rec].proto != 'i')
		return (size_t)-1;
	return rec;
}

/* An ICMP(v6) error for probe @rec from @off: "fragmentation needed" or
 * "Packet Too Big" name the MTU; "port unreachable" means the UDP probe
 * arrived. */
static void
errq_answer(struct prober *p, size_t rec, const struct sock_extended_err *ee,
	    const struct sockaddr *off, double sent)
{
	const void *from = p->af == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)off)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)off)->sin_addr;
	bool v6 = p->af == AF_INET6;

	if ((v6 && ee->ee_type == ICMPV6_PKT_TOOBIG) ||
	    (!v6 && ee->ee_type == ICMP_DEST_UNREACH &&
	     ee->ee_code == ICMP_FRAG_NEEDED))
		answer(p, rec, MTU_FRAG, ee->ee_info, from, sent);
	else if (p->r->probes[rec].proto == 'u' &&
		 ((v6 && ee->ee_type == ICMPV6_DEST_UNREACH &&
		   ee->ee_code == ICMPV6_PORT_UNREACH) ||
		  (!v6 && ee->ee_type == ICMP_DEST_UNREACH &&
		   ee->ee_code == ICMP_PORT_UNREACH)))
		answer(p, rec, MTU_PASS, 0, from, sent);
}

/* Drain one error queue entry from @fd; @rec is the UDP probe it belongs
 * to, or (size_t)-1 for the ICMP socket (matched by the quoted seq). */
static void
read_errqueue(struct prober *p, int fd, size_t rec, double sent)
{
	uint8_t data[128], ctl[512];
	union sa_any from;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh;
	struct cmsghdr *c;
	struct sock_extended_err *ee = NULL;
	const struct sockaddr *off;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	n = recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT);
	if (n < 0)
		return;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if ((c->cmsg_level == IPPROTO_IP &&
		     c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_RECVERR))
			ee = (struct sock_extended_err *)CMSG_DATA(c);
	if (!ee || ee->ee_origin != (p->af == AF_INET6 ?
				     SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP))
		return;		/* local errors were seen at send time */
	if (rec == (size_t)-1) {
		rec = echo_seq(p, data, (size_t)n, true);
		if (rec == (size_t)-1)
			return;
	}
	off = SO_EE_OFFENDER(ee);
	errq_answer(p, rec, ee, off, sent);
}

/* An echo reply from the host.  Raw ICMPv6 sockets give the ICMPv6
 * message alone, raw ICMP ones the IPv4 header before it. */
static void
read_echo(struct prober *p, double sent)
{
	uint8_t data[256];
	union sa_any from;
	socklen_t fl = sizeof(from);
	size_t hl = 0, rec;
	ssize_t n;

	n = recvfrom(p->icmp_fd, data, sizeof(data), MSG_DONTWAIT,
		     &from.sa, &fl);
	if (n < 8)
		return;
	if (p->af == AF_INET6) {
		if (memcmp(&from.v6.sin6_addr, &p->dst.v6.sin6_addr, 16))
			return;
	} else {
		hl = (size_t)(data[0] & 0x0f) * 4;
		if ((size_t)n < hl || from.v4.sin_addr.s_addr !=
		    p->dst.v4.sin_addr.s_addr)
			return;
	}
	rec = echo_seq(p, data + hl, (size_t)n - hl, false);
	if (rec != (size_t)-1)
		answer(p, rec, MTU_PASS, 0, p->af == AF_INET6 ?
		       (const void *)&from.v6.sin6_addr :
		       (const void *)&from.v4.sin_addr, sent);
}

/* Wait for answers until every size is settled or the timeout ends. */
static void
collect(struct prober *p, double sent, unsigned int timeout)
{
	struct pollfd pf[MTU_BATCH + 1];
	size_t map[MTU_BATCH + 1], i, k;
	double left;

	for (;;) {
		for (i = 0; i < p->nfl && p->fl[i].settled; i++)
			;
		left = sent + timeout - now_ms();
		if (i == p->nfl || left <= 0)
			break;
		k = 0;
		if (p->icmp_fd >= 0) {
			pf[k] = (struct pollfd){ p->icmp_fd, POLLIN, 0 };
			map[k++] = (size_t)-1;
		}
		for (i = 0; i < p->nfl; i++)
			if (p->fl[i].udp_fd >= 0) {
				pf[k] = (struct pollfd){ p->fl[i].udp_fd, 0, 0 };
				map[k++] = i;
			}
		if (poll(pf, k, (int)left + 1) <= 0)
			continue;
		for (i = 0; i < k; i++) {
			if (map[i] == (size_t)-1) {
				if (pf[i].revents & POLLERR)
					read_errqueue(p, p->icmp_fd,
						      (size_t)-1, sent);
				if (pf[i].revents & POLLIN)
					read_echo(p, sent);
			} else if (pf[i].revents & POLLERR) {
				read_errqueue(p, pf[i].fd,
					      p->fl[map[i]].rec_udp, sent);
			}
		}
	}
}

/* Close the round: every size gets its answer fed to the search. */
static void
finish_round(struct prober *p, struct mtu_search *s, unsigned int timeout)
{
	struct mtu_probe_rec *q;
	enum mtu_answer best;
	unsigned int mtu;
	size_t i, j;

	for (i = 0; i < p->nfl; i++) {
		struct flight *f = &p->fl[i];
		size_t recs[2] = { f->rec_icmp, f->rec_udp };

		best = MTU_LOST;
		mtu = 0;
		for (j = 0; j < 2; j++) {
			if (recs[j] == (size_t)-1)
				continue;
			q = &p->r->probes[recs[j]];
			if (q->answer == MTU_NONE && !f->settled) {
				q->answer = MTU_LOST;
				q->ms = timeout;
			}
			if (q->answer == MTU_PASS ||
			    (best == MTU_LOST && q->answer != MTU_NONE)) {
				best = q->answer;
				mtu = q->mtu;
			}
		}
		mtu_search_feed(s, f->size, best, mtu);
		if (f->udp_fd >= 0)
			close(f->udp_fd);
		f->udp_fd = -1;
	}
}

/* The host's address: an IPv4 or IPv6 literal, or a name's first
 * address (IPv4 first, as the IPv4 path is the one masqueraded most). */
static int
resolve(const char *host, struct prober *p, struct masq_err *e)
{
	struct addrinfo hints, *ai = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, NULL, &hints, &ai);
	if (rc != 0 || !ai) {
		hints.ai_family = AF_INET6;
		rc = getaddrinfo(host, NULL, &hints, &ai);
	}
	if (rc != 0 || !ai) {
		err_set(e, MASQ_EFAIL, "cannot resolve '%s': %s", host,
			rc ? gai_strerror(rc) : "no address");
		return err_hint(e, "give an IPv4 or IPv6 address, or a name "
				"with one");
	}
	p->af = ai->ai_family;
	p->dlen = ai->ai_addrlen;
	memcpy(&p->dst, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

static void
tally(struct mtu_report *r, const struct mtu_search *s)
{
	size_t i;

	for (i = 0; i < r->n_probes; i++) {
		switch (r->probes[i].answer) {
		case MTU_PASS:
			r->n_pass++;
			break;
		case MTU_FRAG:
			r->n_frag++;
			break;
		case MTU_LOCAL:
			r->n_local++;
			break;
		case MTU_LOST:
			r->n_lost++;
			break;
		default:
			break;
		}
	}
	r->path_mtu = mtu_search_maxpass(s);
	r->minfail = mtu_search_minfail(s, &r->minfail_answer);
	for (i = 0; i < s->n; i++)
		if (s->v[i].size < r->path_mtu &&
		    (s->v[i].answer == MTU_FRAG || s->v[i].answer == MTU_LOCAL))
			r->inconsistent = true;
}

/* The route to the host: interface, source, next hop, MTUs. */
static int
probe_route(struct prober *p, unsigned int oif, struct masq_err *e)
{
	struct mtu_report *r = p->r;
	struct links_path ri;

	r->family = p->af;
	ctent_addr_text(r->dst, sizeof(r->dst), p->af, dst_addr(p));
	if (route_get(p, oif, &ri, e) < 0)
		return -1;
	if (!ri.oif || !ri.oifname[0]) {
		err_set(e, MASQ_EFAIL, "no route to %s", r->dst);
		return err_hint(e, "'ip route get %s' shows why", r->dst);
	}
	snprintf(r->oif, sizeof(r->oif), "%s", ri.oifname);
	if (ri.has_src)
		ctent_addr_text(r->src, sizeof(r->src), p->af, ri.src);
	if (ri.has_gw)
		ctent_addr_text(r->gateway, sizeof(r->gateway), p->af,
				ri.gw);
	r->cached_before = ri.mtu;
	r->link_mtu = mtu_link_mtu(ri.oifname);
	if (!p->iface)
		p->iface = r->oif;	/* the route's choice, kept */
	return 0;
}

/* The raw socket for echo probes, letting only echo replies in; without
 * it (no CAP_NET_RAW) the probes are UDP only. */
static void
icmp_open(struct prober *p)
{
	bool v6 = p->af == AF_INET6;

	p->icmp_fd = socket(p->af, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (p->icmp_fd < 0) {
		p->r->no_raw = true;
		return;
	}
	sock_common(p->icmp_fd, p->af, p->iface);
	if (v6) {
		struct icmp6_filter f6;

		/* a set bit blocks that type (RFC 3542's ICMP6_FILTER) */
		memset(&f6, 0xff, sizeof(f6));
		f6.data[ICMPV6_ECHO_REPLY >> 5] &=
			~(1u << (ICMPV6_ECHO_REPLY & 31));
		setsockopt(p->icmp_fd, IPPROTO_ICMPV6, ICMPV6_FILTER, &f6,
			   sizeof(f6));
	} else {
		uint32_t filt = ~(1u << ICMP_ECHOREPLY);

		setsockopt(p->icmp_fd, SOL_RAW, ICMP_FILTER, &filt,
			   sizeof(filt));
	}
}

int
mtu_probe_run(const struct mtu_probe_opts *o, struct mtu_report *r,
	      struct masq_err *e)
{
	struct prober p;
	struct mtu_search s;
	struct links_path ri;
	unsigned int sizes[MTU_BATCH], oif = 0, timeout;
	double sent;
	size_t n;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.s = &s;
	p.icmp_fd = -1;
	p.iface = o->iface;
	if (resolve(o->host, &p, e) < 0)
		return -1;
	if (o->iface && !(oif = if_nametoindex(o->iface))) {
		err_set(e, MASQ_EFAIL, "no interface '%s'", o->iface);
		return err_hint(e, "'ip link' lists the interfaces");
	}
	if (probe_route(&p, oif, e) < 0)
		return -1;
	icmp_open(&p);
	p.id = (uint16_t)(getpid() ^ (unsigned int)time(NULL));
	timeout = o->timeout_ms ? o->timeout_ms : 400;
	p.t0 = now_ms();
	mtu_search_init(&s, r->link_mtu ? r->link_mtu : 1500);
	while ((n = mtu_search_next(&s, sizes)) > 0) {
		unsigned int t = timeout;

		r->rounds = s.rounds;
		if (p.max_rtt * 3 > t)
			t = p.max_rtt * 3 > TIMEOUT_MAX_MS ? TIMEOUT_MAX_MS
							   : p.max_rtt * 3;
		send_round(&p, sizes, n, &sent);
		collect(&p, sent, t);
		finish_round(&p, &s, t);
	}
	r->elapsed_ms = (unsigned int)(now_ms() - p.t0 + 0.5);
	tally(r, &s);
	if (route_get(&p, oif, &ri, e) == 0)
		r->cached_after = ri.mtu;
	err_reset(e);
	ret = 0;
	if (p.icmp_fd >= 0)
		close(p.icmp_fd);
	return ret;
}

unsigned int
mtu_report_mss(const struct mtu_report *r)
{
	unsigned int h = r->family == AF_INET6 ? 60 : 40;

	return r->path_mtu > h ? r->path_mtu - h : 0;
}

void
mtu_report_done(struct mtu_report *r)
{
	free(r->probes);
	memset(r, 0, sizeof(*r));
}

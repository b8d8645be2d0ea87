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
 * Does not own: the search or the verdict.
 */
#include "config.h"

#include <net/if.h>	/* before the linux headers (libc-compat) */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
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
	struct sockaddr_in dst;
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

/* `ip route get DST [oif IF]`: the route and any cached PMTU. */
static int
route_get(struct in_addr dst, unsigned int oif, struct links_path *ri,
	  struct masq_err *e)
{
	return links_route_get(AF_INET, &dst, oif, ri, e);
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
sock_common(int fd, const char *iface)
{
	int v = IP_PMTUDISC_PROBE, one = 1;

	setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
	setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
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
       const struct in_addr *from, double sent)
{
	struct mtu_probe_rec *q = &p->r->probes[ri];
	size_t i;

	if (q->answer != MTU_NONE && q->answer != MTU_LOST)
		return;
	q->answer = a;
	q->mtu = mtu;
	q->ms = (unsigned int)(now_ms() - sent + 0.5);
	if (from)
		ctent_addr_text(q->from, sizeof(q->from), AF_INET, from);
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

static void
send_round(struct prober *p, const unsigned int *sizes, size_t n,
	   double *sent)
{
	static uint8_t buf[65536];
	struct icmphdr *ih = (struct icmphdr *)buf;
	struct sockaddr_in to;
	size_t i, len;
	int fd;

	memset(buf + sizeof(*ih), 0xa5, sizeof(buf) - sizeof(*ih));
	*sent = now_ms();
	p->nfl = n;
	for (i = 0; i < n; i++) {
		struct flight *f = &p->fl[i];

		memset(f, 0, sizeof(*f));
		f->size = sizes[i];
		f->udp_fd = -1;
		len = sizes[i] - 20;
		f->rec_icmp = (size_t)-1;
		if (p->icmp_fd >= 0) {
			f->rec_icmp = rec_add(p, sizes[i], 'i');
			memset(ih, 0, sizeof(*ih));
			ih->type = ICMP_ECHO;
			ih->un.echo.id = htons(p->id);
			ih->un.echo.sequence = htons((uint16_t)f->rec_icmp);
			ih->checksum = icmp_cksum(buf, len);
			if (sendto(p->icmp_fd, buf, len, 0,
				   (const struct sockaddr *)&p->dst,
				   sizeof(p->dst)) < 0 && errno == EMSGSIZE)
				answer(p, f->rec_icmp, MTU_LOCAL,
				       p->r->link_mtu, NULL, *sent);
		}
		f->rec_udp = rec_add(p, sizes[i], 'u');
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    0);
		if (fd < 0)
			continue;
		sock_common(fd, p->iface);
		to = p->dst;
		to.sin_port = htons((uint16_t)(UDP_PORT_BASE +
					       p->r->n_probes % 2000));
		if (connect(fd, (const struct sockaddr *)&to, sizeof(to)) < 0) {
			close(fd);
			continue;
		}
		f->udp_fd = fd;
		if (send(fd, buf + 8, len - 8, 0) < 0 && errno == EMSGSIZE)
			answer(p, f->rec_udp, MTU_LOCAL, p->r->link_mtu, NULL,
			       *sent);
	}
}

/* Drain one error queue entry from @fd; @rec is the UDP probe it belongs
 * to, or (size_t)-1 for the ICMP socket (matched by the quoted seq). */
static void
read_errqueue(struct prober *p, int fd, size_t rec, double sent)
{
	uint8_t data[128], ctl[512];
	struct sockaddr_in from;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh;
	struct cmsghdr *c;
	struct sock_extended_err *ee = NULL;
	const struct sockaddr_in *off;
	struct icmphdr ih;
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
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR)
			ee = (struct sock_extended_err *)CMSG_DATA(c);
	if (!ee || ee->ee_origin != SO_EE_ORIGIN_ICMP)
		return;		/* local errors were seen at send time */
	if (rec == (size_t)-1) {
		if ((size_t)n < sizeof(ih))
			return;
		memcpy(&ih, data, sizeof(ih));
		if (ih.type != ICMP_ECHO || ntohs(ih.un.echo.id) != p->id)
			return;
		rec = ntohs(ih.un.echo.sequence);
		if (rec >= p->r->n_probes || p->r->probes[rec].proto != 'i')
			return;
	}
	off = (const struct sockaddr_in *)SO_EE_OFFENDER(ee);
	if (ee->ee_type == ICMP_DEST_UNREACH &&
	    ee->ee_code == ICMP_FRAG_NEEDED)
		answer(p, rec, MTU_FRAG, ee->ee_info, &off->sin_addr, sent);
	else if (ee->ee_type == ICMP_DEST_UNREACH &&
		 ee->ee_code == ICMP_PORT_UNREACH &&
		 p->r->probes[rec].proto == 'u')
		answer(p, rec, MTU_PASS, 0, &off->sin_addr, sent);
}

static void
read_echo(struct prober *p, double sent)
{
	uint8_t data[256];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	struct icmphdr ih;
	size_t hl, rec;
	ssize_t n;

	n = recvfrom(p->icmp_fd, data, sizeof(data), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &fl);
	if (n < 20)
		return;
	hl = (size_t)(data[0] & 0x0f) * 4;
	if ((size_t)n < hl + sizeof(ih) ||
	    from.sin_addr.s_addr != p->dst.sin_addr.s_addr)
		return;
	memcpy(&ih, data + hl, sizeof(ih));
	if (ih.type != ICMP_ECHOREPLY || ntohs(ih.un.echo.id) != p->id)
		return;
	rec = ntohs(ih.un.echo.sequence);
	if (rec < p->r->n_probes && p->r->probes[rec].proto == 'i')
		answer(p, rec, MTU_PASS, 0, &from.sin_addr,
		       sent);
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

static int
resolve(const char *host, struct sockaddr_in *sa, struct masq_err *e)
{
	struct addrinfo hints, *ai = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, NULL, &hints, &ai);
	if (rc != 0 || !ai) {
		err_set(e, MASQ_EFAIL, "cannot resolve '%s': %s", host,
			rc ? gai_strerror(rc) : "no IPv4 address");
		return err_hint(e, "give an IPv4 address or a name with one "
				"(IPv6 paths are not probed yet)");
	}
	memcpy(sa, ai->ai_addr, sizeof(*sa));
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
	if (resolve(o->host, &p.dst, e) < 0)
		return -1;
	ctent_addr_text(r->dst, sizeof(r->dst), AF_INET, &p.dst.sin_addr);
	if (o->iface && !(oif = if_nametoindex(o->iface))) {
		err_set(e, MASQ_EFAIL, "no interface '%s'", o->iface);
		return err_hint(e, "'ip link' lists the interfaces");
	}
	if (route_get(p.dst.sin_addr, oif, &ri, e) < 0)
		return -1;
	if (!ri.oif || !ri.oifname[0]) {
		err_set(e, MASQ_EFAIL, "no route to %s", r->dst);
		return err_hint(e, "'ip route get %s' shows why", r->dst);
	}
	snprintf(r->oif, sizeof(r->oif), "%s", ri.oifname);
	if (ri.has_src)
		ctent_addr_text(r->src, sizeof(r->src), AF_INET, ri.src);
	if (ri.has_gw)
		ctent_addr_text(r->gateway, sizeof(r->gateway), AF_INET,
				ri.gw);
	r->cached_before = ri.mtu;
	r->link_mtu = mtu_link_mtu(ri.oifname);
	if (!p.iface)
		p.iface = r->oif;	/* the route's choice, kept */

	p.icmp_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			   IPPROTO_ICMP);
	if (p.icmp_fd >= 0) {
		uint32_t filt = ~(1u << ICMP_ECHOREPLY);

		sock_common(p.icmp_fd, p.iface);
		setsockopt(p.icmp_fd, SOL_RAW, ICMP_FILTER, &filt,
			   sizeof(filt));
	} else {
		r->no_raw = true;
	}
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
	if (route_get(p.dst.sin_addr, oif, &ri, e) == 0)
		r->cached_after = ri.mtu;
	err_reset(e);
	ret = 0;
	if (p.icmp_fd >= 0)
		close(p.icmp_fd);
	return ret;
}

void
mtu_report_done(struct mtu_report *r)
{
	free(r->probes);
	memset(r, 0, sizeof(*r));
}

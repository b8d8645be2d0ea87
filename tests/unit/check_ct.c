/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ct.c - the conntrack engine (src/nat/ct_*.c) against the real
 * kernel.
 *
 * Every kernel case runs in its own forked child (Check's fork mode,
 * forced on) that first moves into a fresh network namespace with
 * unshare(CLONE_NEWNET), so the host's table is never read or touched.
 * Entries are made through libnetfilter_conntrack (NFCT_Q_CREATE with
 * SNAT/DNAT setups), an implementation independent of the parser under
 * test, and conntrack(8) is the oracle for the listing.  Without root (or
 * without ctnetlink) the kernel cases say why and pass as skipped.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "core/filter.h"
#include "core/xalloc.h"
#include "nat/ct.h"
#include "nat/ct_budget.h"
#include "nat/ct_rule.h"
#include "nat/rule.h"

static char skip_reason[256];

#define NEED_KERNEL()							\
	do {								\
		if (skip_reason[0]) {					\
			/* Check names the function NAME_fn */	\
			printf("check_ct: SKIP %.*s: %s\n",		\
			       (int)strlen(__func__) - 3, __func__,	\
			       skip_reason);				\
			return;						\
		}							\
		ck_assert_msg(unshare(CLONE_NEWNET) == 0,		\
			      "unshare: %s", strerror(errno));		\
	} while (0)

/* ---- making entries ----------------------------------------------------- */

enum spec_nat { SPEC_NONE, SPEC_SNAT, SPEC_DNAT };	/* not rule.h's NAT_* */

/* Entry @i of a deterministic mix: families, protocols, NAT kinds. */
struct spec {
	int family;
	uint8_t proto;
	enum spec_nat nat;
	struct ct_entry want;		/* what a dump must give back */
};

static void
spec_addr(int family, uint32_t net, uint32_t host, union ct_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->w[0] = htonl(net | host);
	} else {
		a->w[0] = htonl(0x20010db8);
		a->w[1] = htonl(net);
		a->w[3] = htonl(host);
	}
}

static void
spec_make(unsigned int i, struct spec *s)
{
	struct ct_entry *w = &s->want;
	memset(s, 0, sizeof(*s));
	s->family = i % 4 == 3 ? AF_INET6 : AF_INET;
	s->proto = i % 2 ? IPPROTO_UDP : IPPROTO_TCP;
	if (i % 5 == 4)
		s->proto = s->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	s->nat = s->proto == IPPROTO_ICMPV6 || s->proto == IPPROTO_ICMP ?
		 SPEC_NONE : (enum spec_nat)(i % 3);
	w->family = (uint8_t)s->family;
	w->proto = s->proto;
	w->timeout = 600 + i % 100;
	w->mark = i;
	w->status = CT_ST_CONFIRMED;
	/* inside 10.1.x.y / 2001:db8:a01::x, remote 198.51.100.x */
	spec_addr(s->family, 0x0a010000, i & 0xffff, &w->orig.src);
	spec_addr(s->family, 0xc6336400, 1 + i % 200, &w->orig.dst);
	if (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) {
		w->orig.sport = (uint16_t)(i + 1);	/* echo id */
		w->orig.icmp_type = s->proto == IPPROTO_ICMP ? 8 : 128;
		w->reply.sport = w->orig.sport;
		w->reply.icmp_type = s->proto == IPPROTO_ICMP ? 0 : 129;
	} else {
		w->orig.sport = (uint16_t)(20000 + i % 40000);
		w->orig.dport = i % 2 ? 53 : 443;
	}
	if (s->proto == IPPROTO_TCP) {
		w->tcp_state = CT_TCP_ESTABLISHED;
		w->status |= CT_ST_SEEN_REPLY | CT_ST_ASSURED;
	}
	w->reply.src = w->orig.dst;
	w->reply.dst = w->orig.src;
	if (s->proto != IPPROTO_ICMP && s->proto != IPPROTO_ICMPV6) {
		w->reply.sport = w->orig.dport;
		w->reply.dport = w->orig.sport;
	}
	if (s->nat == SPEC_SNAT) {
		/* masqueraded as 203.0.113.(1 + i % 8):(30000 + i) */
		w->status |= CT_ST_SRC_NAT;
		spec_addr(s->family, 0xcb007100, 1 + i % 8, &w->reply.dst);
		w->reply.dport = (uint16_t)(30000 + i % 30000);
	} else if (s->nat == SPEC_DNAT) {
		/* forwarded to inside server 192.168.5.(i % 50):8080 */
		w->status |= CT_ST_DST_NAT;
		spec_addr(s->family, 0xc0a80500, i % 50, &w->reply.src);
		w->reply.sport = 8080;
	}
}

static void
spec_create(struct nfct_handle *h, const struct spec *s)
{
	const struct ct_entry *w = &s->want;
	struct nf_conntrack *ct = nfct_new();
	bool v6 = s->family == AF_INET6;

	ck_assert_ptr_nonnull(ct);
	nfct_set_attr_u8(ct, ATTR_L3PROTO, (uint8_t)s->family);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, (uint8_t)s->family);
	if (v6) {
		nfct_set_attr(ct, ATTR_IPV6_SRC, w->orig.src.b);
		nfct_set_attr(ct, ATTR_IPV6_DST, w->orig.dst.b);
	} else {
		nfct_set_attr_u32(ct, ATTR_IPV4_SRC, w->orig.src.w[0]);
		nfct_set_attr_u32(ct, ATTR_IPV4_DST, w->orig.dst.w[0]);
	}
	/* ctnetlink wants both tuples; the reply one as if there were no
	 * NAT: the NAT setup below rewrites it */
	if (v6) {
		nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, w->orig.dst.b);
		nfct_set_attr(ct, ATTR_REPL_IPV6_DST, w->orig.src.b);
	} else {
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, w->orig.dst.w[0]);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, w->orig.src.w[0]);
	}
	nfct_set_attr_u8(ct, ATTR_L4PROTO, s->proto);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, s->proto);
	if (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) {
		nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, w->orig.icmp_type);
		nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
		nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(w->orig.sport));
	} else {
		nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(w->orig.sport));
		nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(w->orig.dport));
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(w->orig.dport));
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(w->orig.sport));
	}
	if (s->proto == IPPROTO_TCP)
		nfct_set_attr_u8(ct, ATTR_TCP_STATE, w->tcp_state);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, w->timeout);
	nfct_set_attr_u32(ct, ATTR_MARK, w->mark);
	if (w->zone)
		nfct_set_attr_u16(ct, ATTR_ZONE, w->zone);
	nfct_set_attr_u32(ct, ATTR_STATUS,
			  w->status & (CT_ST_SEEN_REPLY | CT_ST_ASSURED));
	if (s->nat == SPEC_SNAT) {
		if (v6)
			nfct_set_attr(ct, ATTR_SNAT_IPV6, w->reply.dst.b);
		else
			nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, w->reply.dst.w[0]);
		nfct_set_attr_u16(ct, ATTR_SNAT_PORT, htons(w->reply.dport));
	} else if (s->nat == SPEC_DNAT) {
		if (v6)
			nfct_set_attr(ct, ATTR_DNAT_IPV6, w->reply.src.b);
		else
			nfct_set_attr_u32(ct, ATTR_DNAT_IPV4, w->reply.src.w[0]);
		nfct_set_attr_u16(ct, ATTR_DNAT_PORT, htons(w->reply.sport));
	}
	ck_assert_msg(nfct_query(h, NFCT_Q_CREATE, ct) == 0,
		      "create #%u: %s", w->mark, strerror(errno));
	nfct_destroy(ct);
}

/* Create entries 0..n-1 in the current namespace. */
static void
specs_create(unsigned int n)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct spec s;
	unsigned int i;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < n; i++) {
		spec_make(i, &s);
		spec_create(h, &s);
	}
	nfct_close(h);
}

/* ---- collecting a dump -------------------------------------------------- */

struct seen {
	unsigned int n, cap;
	struct ct_entry *v;
	long stop_after;		/* >0: return 1 at that entry */
};

static int
seen_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct seen *s = data;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		ck_assert_ptr_nonnull(s->v);
	}
	s->v[s->n++] = *ce;
	return s->stop_after && s->n >= s->stop_after ? 1 : 0;
}

static long
dump_q(struct ct_handle *h, const struct ct_query *q, struct seen *s)
{
	struct masq_err e;
	long n;

	err_init(&e);
	s->n = 0;
	n = ct_dump(h, q, seen_cb, s, &e);
	ck_assert_msg(n >= 0, "dump: %s", e.msg);
	ck_assert_int_eq(n, s->n);
	err_done(&e);
	return n;
}

static long
dump_filter(struct ct_handle *h, const char *expr, unsigned int flags,
	    struct seen *s)
{
	struct ct_query q = { .flags = flags };
	struct masq_err e;
	long n;

	err_init(&e);
	q.filter = filter_compile_str(expr, &e);
	ck_assert_msg(q.filter != NULL, "'%s': %s", expr, e.msg);
	n = dump_q(h, &q, s);
	filter_free((struct filter *)q.filter);
	return n;
}

static struct ct_handle *
open_or_fail(void)
{
	struct masq_err e;
	struct ct_handle *h;

	err_init(&e);
	h = ct_open(&e);
	ck_assert_msg(h != NULL, "ct_open: %s", e.msg);
	return h;
}

static bool
tuple_eq(int family, const struct ct_tuple *a, const struct ct_tuple *b)
{
	size_t alen = family == AF_INET6 ? 16 : 4;

	return !memcmp(a->src.b, b->src.b, alen) &&
	       !memcmp(a->dst.b, b->dst.b, alen) &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code;
}

/* The dumped entry with @w's mark (marks are unique in the specs). */
static const struct ct_entry *
seen_by_mark(const struct seen *s, uint32_t mark)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].mark == mark)
			return &s->v[i];
	return NULL;
}

static void
assert_entry(const struct ct_entry *got, const struct ct_entry *w)
{
	uint32_t bits = CT_ST_SEEN_REPLY | CT_ST_ASSURED | CT_ST_CONFIRMED |
			CT_ST_SRC_NAT | CT_ST_DST_NAT;

	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->family, w->family);
	ck_assert_uint_eq(got->proto, w->proto);
	ck_assert_uint_eq(got->tcp_state, w->tcp_state);
	ck_assert_uint_eq(got->status & bits, w->status);
	ck_assert_msg(got->timeout <= w->timeout && got->timeout + 5 >=
		      w->timeout, "timeout %u, want ~%u", got->timeout,
		      w->timeout);
	ck_assert_uint_eq(got->mark, w->mark);
	ck_assert_uint_eq(got->zone, w->zone);
	ck_assert_uint_ne(got->id, 0);
	ck_assert_msg(tuple_eq(w->family, &got->orig, &w->orig),
		      "orig tuple of mark %u", w->mark);
	ck_assert_msg(tuple_eq(w->family, &got->reply, &w->reply),
		      "reply tuple of mark %u", w->mark);
}

/* ---- dump --------------------------------------------------------------- */

#define NMIX 48

START_TEST(test_dump_fields)
{
	struct seen s = { 0 };
	struct ct_handle *h;
	struct spec sp;
	unsigned int i, nat = 0, v6 = 0, snat_udp = 0;

	NEED_KERNEL();
	specs_create(NMIX);
	h = open_or_fail();
	ck_assert_int_eq(dump_q(h, NULL, &s), NMIX);
	for (i = 0; i < NMIX; i++) {
		spec_make(i, &sp);
		assert_entry(seen_by_mark(&s, i), &sp.want);
		nat += sp.nat != SPEC_NONE;
		v6 += sp.family == AF_INET6;
		snat_udp += sp.nat == SPEC_SNAT && sp.proto == IPPROTO_UDP;
	}
	ck_assert_uint_gt(nat, 0);
	ck_assert_uint_gt(snat_udp, 0);

	/* NAT only: userspace status check */
	ck_assert_int_eq(dump_filter(h, "", CT_Q_NAT_ONLY, &s), nat);
	for (i = 0; i < s.n; i++)
		ck_assert(s.v[i].status & CT_ST_NAT_MASK);
	ck_assert_int_eq(dump_filter(h, "snat and proto udp", 0, &s), snat_udp);

	/* family selection in the kernel */
	{
		struct ct_query q = { .family = AF_INET6 };

		ck_assert_int_eq(dump_q(h, &q, &s), v6);
		for (i = 0; i < s.n; i++)
			ck_assert_uint_eq(s.v[i].family, AF_INET6);
	}

	/* stopping early leaves the socket usable */
	s.stop_after = 5;
	ck_assert_int_eq(dump_q(h, NULL, &s), 5);
	s.stop_after = 0;
	ck_assert_int_eq(dump_q(h, NULL, &s), NMIX);
	ct_close(h);
	free(s.v);
}
END_TEST

/* The annotate hook runs before the filter, so `rule N` can match. */
static void
annotate_rule(struct ct_entry *ce, void *data)
{
	(void)data;
	ce->rule_id = ce->mark % 3 + 1;
}

START_TEST(test_dump_annotate)
{
	struct ct_query q = { .annotate = annotate_rule };
	struct seen s = { 0 };
	struct masq_err e;
	struct ct_handle *h;
	unsigned int i;

	NEED_KERNEL();
	specs_create(30);
	h = open_or_fail();
	err_init(&e);
	q.filter = filter_compile_str("rule 2", &e);
	ck_assert_ptr_nonnull(q.filter);
	ck_assert_int_eq(dump_q(h, &q, &s), 10);
	for (i = 0; i < s.n; i++) {
		ck_assert_uint_eq(s.v[i].mark % 3, 1);
		ck_assert_uint_eq(s.v[i].rule_id, 2);
	}
	filter_free((struct filter *)q.filter);
	ct_close(h);
	free(s.v);
}
END_TEST

/* ---- delete ------------------------------------------------------------- */

static int
keep_even_marks(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	return ce->mark % 2 == 0 ? 1 : 0;
}

START_TEST(test_delete)
{
	struct ct_query q = { 0 };
	struct seen s = { 0 };
	struct masq_err e;
	struct ct_handle *h;
	struct spec sp;
	unsigned int i, dnat = 0, dnat_odd = 0;
	long n;

	NEED_KERNEL();
	specs_create(NMIX);
	h = open_or_fail();
	err_init(&e);

	/* one by tuple: then it is gone, and a second delete says so */
	spec_make(5, &sp);
	ck_assert_int_eq(ct_delete(h, &sp.want, &e), 1);
	ck_assert_int_eq(ct_delete(h, &sp.want, &e), 0);
	ck_assert_int_eq(dump_q(h, NULL, &s), NMIX - 1);
	ck_assert_ptr_null(seen_by_mark(&s, 5));

	/* a stale id does not delete a newer entry with the same tuple */
	spec_make(6, &sp);
	sp.want.id = seen_by_mark(&s, 6)->id + 1;
	ck_assert_int_eq(ct_delete(h, &sp.want, &e), 0);

	for (i = 0; i < NMIX; i++) {
		spec_make(i, &sp);
		if (sp.nat == SPEC_DNAT && i != 5) {
			dnat++;
			dnat_odd += i % 2;
		}
	}
	/* by filter, with a veto keeping even marks */
	q.filter = filter_compile_str("dnat", &e);
	ck_assert_ptr_nonnull(q.filter);
	n = ct_delete_matching(h, &q, keep_even_marks, NULL, &e);
	ck_assert_msg(n == dnat_odd, "deleted %ld, want %u (%s)", n, dnat_odd,
		      e.msg);
	n = ct_delete_matching(h, &q, NULL, NULL, &e);
	ck_assert_int_eq(n, dnat - dnat_odd);
	ck_assert_int_eq(dump_q(h, NULL, &s), NMIX - 1 - dnat);
	for (i = 0; i < s.n; i++)
		ck_assert(!(s.v[i].status & CT_ST_DST_NAT));
	filter_free((struct filter *)q.filter);

	/* zones: the same tuple in zone 7 is another entry */
	{
		struct nfct_handle *nh = nfct_open(CONNTRACK, 0);
		const struct ct_entry *z;
		long before = dump_q(h, NULL, &s);

		spec_make(0, &sp);
		sp.want.zone = 7;
		sp.want.mark = 7007;
		spec_create(nh, &sp);
		nfct_close(nh);
		ck_assert_int_eq(dump_q(h, NULL, &s), before + 1);
		z = seen_by_mark(&s, 7007);
		assert_entry(z, &sp.want);
		sp.want.id = 0;
		ck_assert_int_eq(ct_delete(h, &sp.want, &e), 1);
		ck_assert_int_eq(dump_q(h, NULL, &s), before);
		ck_assert_ptr_null(seen_by_mark(&s, 7007));
		ck_assert_ptr_nonnull(seen_by_mark(&s, 0));
	}

	/* everything */
	n = ct_delete_matching(h, NULL, NULL, NULL, &e);
	ck_assert_int_eq(n, NMIX - 1 - dnat);
	ck_assert_int_eq(dump_q(h, NULL, &s), 0);
	ct_close(h);
	free(s.v);
	err_done(&e);
}
END_TEST

/* ---- stats -------------------------------------------------------------- */

START_TEST(test_stats)
{
	struct ct_stats st;
	struct seen s = { 0 };
	struct masq_err e;
	struct ct_handle *h;
	unsigned long long max = 0;
	FILE *fp;

	NEED_KERNEL();
	specs_create(77);
	h = open_or_fail();
	err_init(&e);
	ck_assert_msg(ct_stats_get(h, &st, &e) == 0, "stats: %s", e.msg);
	ck_assert_int_eq(st.count, dump_q(h, NULL, &s));
	ck_assert_uint_eq(st.count, 77);
	fp = fopen("/proc/sys/net/netfilter/nf_conntrack_max", "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fscanf(fp, "%llu", &max), 1);
	fclose(fp);
	ck_assert_uint_eq(st.max, max);
	ck_assert_uint_ge(st.ncpu, 1);
	/* ctnetlink inserts count as inserts on some CPU */
	ck_assert_uint_ge(st.insert, 77);
	ct_close(h);
	free(s.v);
}
END_TEST

/* ---- events ------------------------------------------------------------- */

struct evc {
	unsigned int n[CT_EV_RESYNC_DONE + 1];
	unsigned char mark_new[1024], mark_destroy[1024];
};

static int
ev_cb(enum ct_event_type t, const struct ct_entry *ce, void *data,
      struct masq_err *e)
{
	struct evc *c = data;

	c->n[t]++;
	if (ce && ce->mark < 1024) {
		if (t == CT_EV_NEW)
			c->mark_new[ce->mark]++;
		if (t == CT_EV_DESTROY)
			c->mark_destroy[ce->mark]++;
	}
	return 0;
}

/* Process until @done says so or 3 s pass. */
static void
ev_pump(struct ct_events *ev, struct evc *c,
	bool (*done)(const struct evc *, unsigned int), unsigned int arg)
{
	struct pollfd pfd = { .fd = ct_events_fd(ev), .events = POLLIN };
	struct masq_err e;
	int spins = 0;

	err_init(&e);
	while (!done(c, arg) && spins++ < 30) {
		poll(&pfd, 1, 100);
		ck_assert_msg(ct_events_process(ev, ev_cb, c, &e) >= 0,
			      "events: %s", e.msg);
	}
}

static bool
ev_have_new(const struct evc *c, unsigned int n)
{
	return c->n[CT_EV_NEW] >= n;
}

static bool
ev_have_destroy(const struct evc *c, unsigned int n)
{
	return c->n[CT_EV_DESTROY] >= n;
}

START_TEST(test_events)
{
	struct ct_events_opts o = { .flags = CT_EV_F_NEW };
	struct ct_query q = { 0 };
	struct ct_events *ev, *ev_snat;
	struct ct_handle *h;
	struct masq_err e;
	struct evc c, cs;
	struct spec sp;
	unsigned int i, n = 300, snat = 0;

	NEED_KERNEL();
	memset(&c, 0, sizeof(c));
	memset(&cs, 0, sizeof(cs));
	err_init(&e);
	ev = ct_events_open(NULL, &e);
	ck_assert_msg(ev != NULL, "events: %s", e.msg);
	ck_assert_uint_ge(ct_events_rcvbuf(ev), 32u << 20);
	/* a second listener: NEW only, SNAT'ed UDP only */
	q.filter = filter_compile_str("snat proto udp", &e);
	ck_assert_ptr_nonnull(q.filter);
	o.query = &q;
	ev_snat = ct_events_open(&o, &e);
	ck_assert_ptr_nonnull(ev_snat);
	specs_create(n);
	ev_pump(ev, &c, ev_have_new, n);
	ck_assert_uint_eq(c.n[CT_EV_NEW], n);
	for (i = 0; i < n; i++) {
		ck_assert_msg(c.mark_new[i] == 1, "NEW for %u seen %u times",
			      i, c.mark_new[i]);
		spec_make(i, &sp);
		snat += sp.nat == SPEC_SNAT && sp.proto == IPPROTO_UDP;
	}
	ev_pump(ev_snat, &cs, ev_have_new, snat);
	ck_assert_uint_eq(cs.n[CT_EV_NEW], snat);
	for (i = 0; i < n; i++) {
		spec_make(i, &sp);
		ck_assert_uint_eq(cs.mark_new[i],
				  sp.nat == SPEC_SNAT &&
				  sp.proto == IPPROTO_UDP);
	}
	h = open_or_fail();
	ck_assert_int_eq(ct_delete_matching(h, NULL, NULL, NULL, &e), n);
	ev_pump(ev, &c, ev_have_destroy, n);
	ck_assert_uint_eq(c.n[CT_EV_DESTROY], n);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(c.mark_destroy[i], 1);
	ck_assert_uint_eq(c.n[CT_EV_OVERRUN], 0);
	ck_assert_uint_eq(ct_events_overruns(ev), 0);
	/* the NEW-only listener heard no destroys */
	ck_assert_int_eq(ct_events_process(ev_snat, ev_cb, &cs, &e), 0);
	ck_assert_uint_eq(cs.n[CT_EV_DESTROY], 0);
	ct_close(h);
	ct_events_close(ev);
	ct_events_close(ev_snat);
	filter_free((struct filter *)q.filter);
}
END_TEST

/* A buffer far too small: the overrun is reported, the buffer grows, the
 * table is replayed, and the listener goes on working. */
START_TEST(test_events_overrun)
{
	struct ct_events_opts o = { .rcvbuf = 4096, .rcvbuf_max = 8192 };
	struct nfct_handle *nh;
	struct ct_events *ev;
	struct masq_err e;
	struct spec sp;
	struct evc c;
	unsigned int n = 500, i;

	NEED_KERNEL();
	memset(&c, 0, sizeof(c));
	err_init(&e);
	ev = ct_events_open(&o, &e);
	ck_assert_msg(ev != NULL, "events: %s", e.msg);
	specs_create(n);
	ck_assert_int_ge(ct_events_process(ev, ev_cb, &c, &e), n);
	ck_assert_uint_ge(c.n[CT_EV_OVERRUN], 1);
	ck_assert_uint_ge(ct_events_overruns(ev), 1);
	ck_assert_uint_lt(c.n[CT_EV_NEW], n);	/* some really were lost */
	ck_assert_uint_eq(c.n[CT_EV_RESYNC], n);
	ck_assert_uint_eq(c.n[CT_EV_RESYNC_DONE], 1);
	ck_assert_uint_eq(ct_events_rcvbuf(ev), 8192);

	/* nothing pending: no second resync */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(ct_events_process(ev, ev_cb, &c, &e), 0);
	ck_assert_uint_eq(c.n[CT_EV_RESYNC_DONE], 0);

	/* and it still hears new events */
	nh = nfct_open(CONNTRACK, 0);
	ck_assert_ptr_nonnull(nh);
	for (i = n; i < n + 3; i++) {
		spec_make(i, &sp);
		spec_create(nh, &sp);
	}
	nfct_close(nh);
	ev_pump(ev, &c, ev_have_new, 3);
	ck_assert_uint_eq(c.n[CT_EV_NEW], 3);
	ct_events_close(ev);
}
END_TEST

/* ---- counters from real packets ---------------------------------------- */

START_TEST(test_counters)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct seen s = { 0 };
	struct ct_handle *h;
	char buf[100] = { 0 };
	const struct ct_entry *ce = NULL;
	int rx, tx, i, rc;
	unsigned int k;

	NEED_KERNEL();
	/* conntrack only sees packets once something needs it: a ct rule */
	rc = system("ip link set lo up && nft 'table ip t { chain o { "
		    "type filter hook output priority 0; ct state new "
		    "counter; }; }' "
		    "&& echo 1 > /proc/sys/net/netfilter/nf_conntrack_acct");
	if (rc != 0) {
		printf("check_ct: SKIP test_counters: ip/nft failed (%d)\n",
		       rc);
		return;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(5555);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sendto(tx, buf, sizeof(buf), 0,
					(struct sockaddr *)&a, sizeof(a)),
				 sizeof(buf));
	h = open_or_fail();
	dump_filter(h, "proto udp and dport 5555", 0, &s);
	for (k = 0; k < s.n; k++)
		ce = &s.v[k];
	ck_assert_msg(ce != NULL, "no entry for the UDP flow");
	ck_assert(ce->has_counters);
	ck_assert_uint_eq(ce->c_orig.packets, 3);
	ck_assert_uint_eq(ce->c_orig.bytes, 3 * (sizeof(buf) + 28));
	ck_assert_uint_eq(ce->c_reply.packets, 0);
	ck_assert(!(ce->status & CT_ST_SEEN_REPLY));
	close(rx);
	close(tx);
	ct_close(h);
	free(s.v);
}
END_TEST

/* ---- against conntrack -L ----------------------------------------------- */

/* One line of `conntrack -L -o extended` reduced to a comparable key. */
static int
key_from_line(const char *line, char *key, size_t len)
{
	char fam[8], proto[16], state[16] = "";
	char kv[2][4][64] = { { "" } };
	char buf[1024], *tok, *save;
	const char *names[4] = { "src=", "dst=", "sport=", "dport=" };
	const char *inames[4] = { "src=", "dst=", "id=", "type=" };
	unsigned int mark = 0;
	int dir[4] = { 0 }, ntok = 0, k;
	bool icmp;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save), ntok++) {
		if (ntok == 0)
			snprintf(fam, sizeof(fam), "%s", tok);
		else if (ntok == 2)
			snprintf(proto, sizeof(proto), "%s", tok);
		if (ntok == 5 && !strchr(tok, '=') && tok[0] != '[')
			snprintf(state, sizeof(state), "%s", tok);
		if (!strncmp(tok, "mark=", 5))
			mark = (unsigned int)strtoul(tok + 5, NULL, 10);
		icmp = !strcmp(proto, "icmp") || !strcmp(proto, "icmpv6");
		for (k = 0; k < 4; k++) {
			const char *n = icmp ? inames[k] : names[k];

			if (!strncmp(tok, n, strlen(n)) && dir[k] < 2)
				snprintf(kv[dir[k]++][k], 64, "%s",
					 tok + strlen(n));
		}
	}
	if (ntok < 5)
		return -1;
	snprintf(key, len, "%s %s %s %s>%s:%s>%s %s:%s>%s:%s m%u",
		 fam, proto, state, kv[0][0], kv[0][2], kv[0][1], kv[0][3],
		 kv[1][0], kv[1][2], kv[1][1], kv[1][3], mark);
	return 0;
}

static void
key_from_entry(const struct ct_entry *ce, char *key, size_t len)
{
	char a[4][CT_ADDRSTRLEN], p[4][8];
	const char *pn = ctent_proto_name(ce->proto);
	bool icmp = ce->proto == IPPROTO_ICMP || ce->proto == IPPROTO_ICMPV6;

	ctent_addr_format(ce->family, &ce->orig.src, a[0]);
	ctent_addr_format(ce->family, &ce->orig.dst, a[1]);
	ctent_addr_format(ce->family, &ce->reply.src, a[2]);
	ctent_addr_format(ce->family, &ce->reply.dst, a[3]);
	/* for ICMP the key holds id and type where ports would be */
	snprintf(p[0], 8, "%u", ce->orig.sport);
	snprintf(p[1], 8, "%u", icmp ? ce->orig.icmp_type : ce->orig.dport);
	snprintf(p[2], 8, "%u", ce->reply.sport);
	snprintf(p[3], 8, "%u", icmp ? ce->reply.icmp_type : ce->reply.dport);
	snprintf(key, len, "%s %s %s %s>%s:%s>%s %s:%s>%s:%s m%u",
		 ce->family == AF_INET6 ? "ipv6" : "ipv4", pn ? pn : "?",
		 ce->proto == IPPROTO_TCP ?
		 ctent_tcp_state_name(ce->tcp_state) : "",
		 a[0], p[0], a[1], p[1], a[2], p[2], a[3], p[3], ce->mark);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keys of `conntrack -L ARGS`, sorted.  Returns the count. */
static unsigned int
oracle_keys(const char *args, char ***out)
{
	char cmd[256], line[1024], key[1024];
	char **v = NULL;
	unsigned int n = 0;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "conntrack -L -o extended %s 2>/dev/null",
		 args);
	fp = popen(cmd, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		if (key_from_line(line, key, sizeof(key)))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		v[n++] = strdup(key);
	}
	ck_assert_int_eq(pclose(fp), 0);
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static void
compare_with_oracle(struct ct_handle *h, const char *filter,
		    const char *args, unsigned int want)
{
	struct seen s = { 0 };
	char **mine, **theirs, key[1024];
	unsigned int i, n;

	dump_filter(h, filter, 0, &s);
	mine = calloc(s.n + 1, sizeof(*mine));
	for (i = 0; i < s.n; i++) {
		key_from_entry(&s.v[i], key, sizeof(key));
		mine[i] = strdup(key);
	}
	qsort(mine, s.n, sizeof(*mine), cmp_str);
	n = oracle_keys(args, &theirs);
	ck_assert_uint_eq(s.n, want);
	ck_assert_uint_eq(n, s.n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(mine[i], theirs[i]);
	for (i = 0; i < n; i++) {
		free(mine[i]);
		free(theirs[i]);
	}
	free(mine);
	free(theirs);
	free(s.v);
}

START_TEST(test_vs_conntrack)
{
	struct ct_handle *h;
	struct spec sp;
	unsigned int i, n = 1000, snat = 0;

	NEED_KERNEL();
	if (system("conntrack --version >/dev/null 2>&1") != 0) {
		printf("check_ct: SKIP test_vs_conntrack: conntrack(8) not "
		       "installed\n");
		return;
	}
	specs_create(n);
	for (i = 0; i < n; i++) {
		spec_make(i, &sp);
		snat += sp.nat == SPEC_SNAT;
	}
	h = open_or_fail();
	compare_with_oracle(h, "", "", n);
	compare_with_oracle(h, "snat", "--src-nat", snat);
	ct_close(h);
}
END_TEST

/* ---- port budgets (no kernel) ------------------------------------------ */

/*
 * ct_budget's accounting over hand-made entries, once per view's flags:
 * which entries count, under which key, with which size (first entry or
 * largest; the rule's range, the default, ICMP ids, none), and the top
 * host.  Rules: 1 = 10.1/16 tcp ports 20000-20009 (10 ports), 2 = 10/8.
 */
struct bent {
	const char *src, *gw, *remote;
	uint8_t proto;
	uint16_t rport, gport;		/* reply sport (remote), dport (ours) */
	bool snat;
};

/* proto: 6 tcp, 17 udp, 1 icmp, 47 gre */
static const struct bent bents[] = {
	{ "10.1.0.1", "198.51.100.3", "203.0.113.1", 6, 80, 20001, 1 },
	{ "10.1.0.2", "198.51.100.3", "203.0.113.1", 6, 80, 20002, 1 },
	/* same endpoint through rule 2: first size 10, largest 64512 */
	{ "10.2.0.1", "198.51.100.3", "203.0.113.1", 6, 80, 30000, 1 },
	{ "10.1.0.2", "198.51.100.3", "203.0.113.2", 6, 443, 20003, 1 },
	{ "10.2.0.1", "198.51.100.2", "192.0.2.53", 17, 53, 30001, 1 },
	/* echo ids 7 and 8: one budget when keyed by port */
	{ "10.2.0.1", "198.51.100.2", "203.0.113.1", 1, 7, 7, 1 },
	{ "10.2.0.2", "198.51.100.2", "203.0.113.1", 1, 8, 8, 1 },
	{ "10.2.0.3", "198.51.100.2", "203.0.113.50", 47, 2, 1, 1 },
	{ "fd00::1", "2001:db8:1::2", "2001:db8::53", 17, 53, 40000, 1 },
	{ "10.9.0.1", "203.0.113.1", "203.0.113.1", 17, 9, 5000, 0 },
};

/* One budget to look up: @remote NULL when not keyed by it. */
struct bwant {
	const char *gw;
	uint8_t proto;
	const char *remote;
	uint16_t port;
	uint64_t n;
	uint32_t size;
	const char *top0;		/* its first host */
};

static const struct bcase {
	const char *name;
	unsigned int flags;
	bool rules;
	uint64_t counted;
	size_t budgets, hosts;
	const char *top_host;		/* NULL: no hosts kept */
	uint64_t top_n;
	const char *first_gw;		/* ct_budget_list()[0] */
	uint8_t first_proto;
	struct bwant w[3];
} bcases[] = {
	{ "engine", CT_BUDGET_BY_REMOTE | CT_BUDGET_BY_PORT |
	  CT_BUDGET_HOSTS_ALL, true, 6, 4, 7, "10.2.0.1", 3,
	  "198.51.100.3", IPPROTO_TCP, {
	  { "198.51.100.3", IPPROTO_TCP, "203.0.113.1", 80, 3, 10, "10.1.0.1" },
	  { "198.51.100.3", IPPROTO_TCP, "203.0.113.2", 443, 1, 10,
	    "10.1.0.2" },
	  { "2001:db8:1::2", IPPROTO_UDP, "2001:db8::53", 53, 1, 64512,
	    "fd00::1" } } },
	{ "engine, no rules", CT_BUDGET_BY_REMOTE | CT_BUDGET_BY_PORT |
	  CT_BUDGET_HOSTS_ALL, false, 6, 4, 7, "10.2.0.1", 3,
	  "198.51.100.3", IPPROTO_TCP, {
	  { "198.51.100.3", IPPROTO_TCP, "203.0.113.1", 80, 3, 64512,
	    "10.1.0.1" } } },
	{ "diag ports", CT_BUDGET_BY_REMOTE | CT_BUDGET_BY_PORT |
	  CT_BUDGET_PORTLESS | CT_BUDGET_RANGE_ANY | CT_BUDGET_HOSTS, true,
	  9, 6, 6, "10.2.0.1", 3, "198.51.100.3", IPPROTO_TCP, {
	  { "198.51.100.3", IPPROTO_TCP, "203.0.113.1", 80, 3, 10, "10.1.0.1" },
	  { "198.51.100.2", IPPROTO_ICMP, "203.0.113.1", 0, 2, 65536,
	    "10.2.0.1" },
	  { "198.51.100.2", 47, "203.0.113.50", 2, 1, 64512, "10.2.0.3" } } },
	{ "show ports", CT_BUDGET_PORTLESS | CT_BUDGET_SIZE_MAX, true,
	  9, 5, 0, NULL, 0, "198.51.100.3", IPPROTO_TCP, {
	  { "198.51.100.3", IPPROTO_TCP, NULL, 0, 4, 64512, "10.1.0.2" },
	  { "198.51.100.2", IPPROTO_ICMP, NULL, 0, 2, 65536, "10.2.0.1" },
	  { "198.51.100.2", 47, NULL, 0, 1, 0, "10.2.0.3" } } },
	{ "show ports by dst", CT_BUDGET_PORTLESS | CT_BUDGET_SIZE_MAX |
	  CT_BUDGET_BY_REMOTE, true, 9, 6, 0, NULL, 0, "198.51.100.3",
	  IPPROTO_TCP, {
	  { "198.51.100.3", IPPROTO_TCP, "203.0.113.1", 0, 3, 64512,
	    "10.1.0.1" },
	  { "198.51.100.3", IPPROTO_TCP, "203.0.113.2", 0, 1, 10,
	    "10.1.0.2" },
	  { "2001:db8:1::2", IPPROTO_UDP, "2001:db8::53", 0, 1, 64512,
	    "fd00::1" } } },
	/* masqtop: show ports' numbers from the rule ids it keeps, no
	 * inside hosts */
	{ "masqtop", CT_BUDGET_SHOW_PORTS | CT_BUDGET_RULE_IDS |
	  CT_BUDGET_NO_SHARES, true, 9, 5, 0, NULL, 0, "198.51.100.3",
	  IPPROTO_TCP, {
	  { "198.51.100.3", IPPROTO_TCP, NULL, 0, 4, 64512, NULL },
	  { "198.51.100.2", IPPROTO_ICMP, NULL, 0, 2, 65536, NULL },
	  { "198.51.100.2", 47, NULL, 0, 1, 0, NULL } } },
	{ "rule ids by dst", CT_BUDGET_SHOW_PORTS | CT_BUDGET_RULE_IDS |
	  CT_BUDGET_NO_SHARES | CT_BUDGET_BY_REMOTE, true, 9, 6, 0, NULL, 0,
	  "198.51.100.3", IPPROTO_TCP, {
	  { "198.51.100.3", IPPROTO_TCP, "203.0.113.2", 0, 1, 10, NULL } } },
};

static int
baddr(const char *text, union ct_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->b) == 1)
		return AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET6, text, a->b), 1);
	return AF_INET6;
}

static void
bent_make(const struct bent *b, struct ct_entry *ce)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = baddr(b->src, &ce->orig.src);
	baddr(b->remote, &ce->orig.dst);
	baddr(b->gw, &ce->reply.dst);
	baddr(b->remote, &ce->reply.src);
	ce->proto = b->proto;
	ce->orig.sport = b->gport;
	ce->orig.dport = b->rport;
	ce->reply.sport = b->rport;
	ce->reply.dport = b->gport;
	ce->status = CT_ST_SEEN_REPLY | (b->snat ? CT_ST_SRC_NAT : 0);
}

static void
bruleset(struct nat_ruleset *rs)
{
	struct nat_rule r;
	struct nat_net n = { .family = AF_INET, .plen = 16 };

	nat_rule_init(&r);
	r.id = 1;
	inet_pton(AF_INET, "10.1.0.0", n.addr);
	r.src.inc = xcalloc(1, sizeof(n));
	r.src.inc[r.src.n_inc++] = n;
	r.proto.v[r.proto.n++] = IPPROTO_TCP;
	r.has_ports = true;
	r.ports.lo = 20000;
	r.ports.hi = 20009;
	nat_ruleset_add_masq(rs, &r);
	nat_rule_init(&r);
	r.id = 2;
	n.plen = 8;
	inet_pton(AF_INET, "10.0.0.0", n.addr);
	r.src.inc = xcalloc(1, sizeof(n));
	r.src.inc[r.src.n_inc++] = n;
	nat_ruleset_add_masq(rs, &r);
}

static void
host_text(const struct ct_budget_slot *s, char *buf)
{
	ctent_addr_format(s->key.family, &s->host, buf);
}

START_TEST(test_budget)
{
	const struct bcase *c = &bcases[_i];
	const struct ct_budget_slot **list, *top, *g;
	struct ct_budget_key k;
	struct nat_ruleset rs;
	struct ct_rules *cr;
	struct ct_budget b;
	struct ct_entry ce;
	char buf[CT_ADDRSTRLEN];
	size_t i;

	nat_ruleset_init(&rs);
	bruleset(&rs);
	cr = c->rules ? ct_rules_new(&rs) : NULL;
	ct_budget_init(&b, c->flags, cr);
	for (i = 0; i < sizeof(bents) / sizeof(bents[0]); i++) {
		bent_make(&bents[i], &ce);
		if (c->flags & CT_BUDGET_RULE_IDS)	/* as masqtop keeps them */
			ce.rule_id = ct_rules_match(cr, &ce);
		ck_assert_int_eq(ct_budget_add(&b, &ce),
				 ct_budget_key_of(&b, &ce, &k));
	}
	ct_budget_rank(&b);
	ck_assert_msg(b.seen == 10 && b.counted == c->counted,
		      "%s: seen %" PRIu64 " counted %" PRIu64, c->name,
		      b.seen, b.counted);
	ck_assert_msg(b.budgets.n == c->budgets && b.hosts.n == c->hosts,
		      "%s: %zu budgets, %zu hosts", c->name, b.budgets.n,
		      b.hosts.n);
	if (c->top_host) {
		ck_assert_uint_eq(ct_budget_top_hosts(&b, &top, 1), 1);
		host_text(top, buf);
		ck_assert_msg(!strcmp(buf, c->top_host) && top->n == c->top_n,
			      "%s: top host %s (%" PRIu64 ")", c->name, buf,
			      top->n);
	}
	list = ct_budget_list(&b);
	ctent_addr_format(list[0]->key.family, &list[0]->key.gw, buf);
	ck_assert_msg(!strcmp(buf, c->first_gw) &&
		      list[0]->key.proto == c->first_proto,
		      "%s: most used first, got %s/%u", c->name, buf,
		      list[0]->key.proto);
	free(list);
	for (i = 0; i < 3 && c->w[i].gw; i++) {
		const struct bwant *w = &c->w[i];

		memset(&k, 0, sizeof(k));
		k.family = baddr(w->gw, &k.gw);
		k.proto = w->proto;
		if (w->remote)
			baddr(w->remote, &k.remote);
		k.port = w->port;
		g = ct_budget_find(&b, &k);
		ck_assert_msg(g != NULL, "%s: no budget %s/%u %s:%u", c->name,
			      w->gw, w->proto, w->remote ? w->remote : "-",
			      w->port);
		if (w->top0)
			host_text(g->top[0], buf);
		else		/* CT_BUDGET_NO_SHARES: nothing ranked */
			snprintf(buf, sizeof(buf), "%s",
				 g->top[0] ? "a host" : "none");
		ck_assert_msg(g->n == w->n && g->size == w->size &&
			      !strcmp(buf, w->top0 ? w->top0 : "none"),
			      "%s: budget %s/%u %s:%u: %" PRIu64 " of %u, top "
			      "%s", c->name, w->gw, w->proto,
			      w->remote ? w->remote : "-", w->port, g->n,
			      g->size, buf);
	}
	ct_budget_done(&b);
	ct_rules_free(cr);
	nat_ruleset_done(&rs);
}
END_TEST

/* ---- runner ------------------------------------------------------------- */

/* Can we use ctnetlink in a private namespace?  Fills skip_reason if not. */
static void
probe_kernel(void)
{
	struct masq_err e;
	struct ct_handle *h;
	pid_t pid;
	int st;

	if (geteuid() != 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "needs root (a private network namespace and "
			 "CAP_NET_ADMIN for ctnetlink)");
		return;
	}
	pid = fork();
	if (pid == 0) {
		err_init(&e);
		if (unshare(CLONE_NEWNET) == -1)
			_exit(2);
		h = ct_open(&e);
		if (!h || ct_dump(h, NULL, NULL, NULL, &e) < 0)
			_exit(3);
		ct_close(h);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		snprintf(skip_reason, sizeof(skip_reason),
			 "cannot use ctnetlink in a new network namespace "
			 "(unshare or nf_conntrack_netlink missing)");
}

static Suite *
ct_suite(void)
{
	Suite *s = suite_create("ct");
	TCase *tc = tcase_create("kernel");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dump_fields);
	tcase_add_test(tc, test_dump_annotate);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_events_overrun);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_vs_conntrack);
	suite_add_tcase(s, tc);
	tc = tcase_create("budget");
	tcase_add_loop_test(tc, test_budget, 0,
			    sizeof(bcases) / sizeof(bcases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	probe_kernel();
	if (skip_reason[0])
		printf("check_ct: kernel cases skipped: %s\n", skip_reason);
	sr = srunner_create(ct_suite());
	/* each case must be a child: it unshares its network namespace */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_parse.c - one ctnetlink message into one struct ct_entry.
 *
 * Owns: reading the attributes masqsh shows (both tuples, protocol, ports
 * or ICMP id/type/code, TCP state, timeout, status, mark, zone, id, 64-bit
 * counters) straight from the message with libmnl.  Parsing is done by
 * hand rather than through nfct_parse() because a listing of 250k entries
 * is dominated by it: one pass over the top-level attributes records
 * pointers, the status word is looked at first so a NAT-only listing throws
 * away other entries before touching their tuples, and nothing is
 * allocated.  Does not own: sockets (ct_dump.c) or what an entry means
 * (filter.c, the shell).
 */
#include "config.h"

#include <arpa/inet.h>
#include <endian.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "nat/ct_int.h"

/* ctent.h copies these kernel values; keep them honest. */
_Static_assert(CT_ST_SEEN_REPLY == IPS_SEEN_REPLY, "status bits");
_Static_assert(CT_ST_ASSURED == IPS_ASSURED, "status bits");
_Static_assert(CT_ST_SRC_NAT == IPS_SRC_NAT, "status bits");
_Static_assert(CT_ST_DST_NAT == IPS_DST_NAT, "status bits");
_Static_assert(CT_ST_DYING == IPS_DYING, "status bits");
_Static_assert(CT_ST_OFFLOAD == IPS_OFFLOAD, "status bits");
_Static_assert((int)CT_TCP_ESTABLISHED == (int)TCP_CONNTRACK_ESTABLISHED,
	       "tcp");
_Static_assert((int)CT_TCP_SYN_SENT2 == (int)TCP_CONNTRACK_SYN_SENT2, "tcp");

/*
 * Attribute walking, inlined: with libmnl's out-of-line accessors a third
 * of the parse time went to calls.  Same checks as mnl_attr_ok().
 * Measured again in issue 11 (the same build with libmnl's accessors,
 * side by side, 250k entries): masqtop's whole-table read takes 1.17-1.22x
 * the CPU time without it, `show masq` 1.09x; the parse alone runs 1.8x
 * the user-space instructions (callgrind, 25k entries: 25 M -> 46 M).
 */
static inline bool
ct_nla_ok(const struct nlattr *a, int rem)
{
	return rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       (int)a->nla_len <= rem;
}

static inline const struct nlattr *
ct_nla_next(const struct nlattr *a, int *rem)
{
	*rem -= (int)MNL_ALIGN(a->nla_len);
	return (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
}

static inline uint16_t
ct_nla_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline const void *
ct_nla_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

/* Every attribute nested in @nest. */
#define ct_nla_each(a, rem, nest)					\
	for ((a) = ct_nla_data(nest),					\
	     (rem) = (int)((nest)->nla_len - MNL_ATTR_HDRLEN);		\
	     ct_nla_ok((a), (rem)); (a) = ct_nla_next((a), &(rem)))

static inline bool
ct_attr_has(const struct nlattr *a, size_t len)
{
	return a->nla_len >= MNL_ATTR_HDRLEN + len;
}

static inline uint8_t
ct_attr_u8(const struct nlattr *a)
{
	return *(const uint8_t *)ct_nla_data(a);
}

static inline uint32_t
ct_attr_be32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, ct_nla_data(a), sizeof(v));
	return ntohl(v);
}

static inline uint16_t
ct_attr_be16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, ct_nla_data(a), sizeof(v));
	return ntohs(v);
}

static inline uint64_t
ct_attr_be64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, ct_nla_data(a), sizeof(v));
	return be64toh(v);
}

static void
ct_parse_ip(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *a;
	int rem;

	ct_nla_each(a, rem, nest) {
		switch (ct_nla_type(a)) {
		case CTA_IP_V4_SRC:
			if (ct_attr_has(a, 4))
				memcpy(t->src.b, ct_nla_data(a), 4);
			break;
		case CTA_IP_V4_DST:
			if (ct_attr_has(a, 4))
				memcpy(t->dst.b, ct_nla_data(a), 4);
			break;
		case CTA_IP_V6_SRC:
			if (ct_attr_has(a, 16))
				memcpy(t->src.b, ct_nla_data(a), 16);
			break;
		case CTA_IP_V6_DST:
			if (ct_attr_has(a, 16))
				memcpy(t->dst.b, ct_nla_data(a), 16);
			break;
		}
	}
}

static void
ct_parse_proto(const struct nlattr *nest, struct ct_tuple *t, uint8_t *proto)
{
	const struct nlattr *a;
	int rem;

	ct_nla_each(a, rem, nest) {
		switch (ct_nla_type(a)) {
		case CTA_PROTO_NUM:
			if (ct_attr_has(a, 1))
				*proto = ct_attr_u8(a);
			break;
		case CTA_PROTO_SRC_PORT:
		case CTA_PROTO_ICMP_ID:
		case CTA_PROTO_ICMPV6_ID:
			if (ct_attr_has(a, 2))
				t->sport = ct_attr_be16(a);
			break;
		case CTA_PROTO_DST_PORT:
			if (ct_attr_has(a, 2))
				t->dport = ct_attr_be16(a);
			break;
		case CTA_PROTO_ICMP_TYPE:
		case CTA_PROTO_ICMPV6_TYPE:
			if (ct_attr_has(a, 1))
				t->icmp_type = ct_attr_u8(a);
			break;
		case CTA_PROTO_ICMP_CODE:
		case CTA_PROTO_ICMPV6_CODE:
			if (ct_attr_has(a, 1))
				t->icmp_code = ct_attr_u8(a);
			break;
		}
	}
}

static void
ct_parse_tuple(const struct nlattr *nest, struct ct_tuple *t, uint8_t *proto)
{
	const struct nlattr *a;
	int rem;

	ct_nla_each(a, rem, nest) {
		switch (ct_nla_type(a)) {
		case CTA_TUPLE_IP:
			ct_parse_ip(a, t);
			break;
		case CTA_TUPLE_PROTO:
			ct_parse_proto(a, t, proto);
			break;
		}
	}
}

static void
ct_parse_counters(const struct nlattr *nest, struct ct_counters *c)
{
	const struct nlattr *a;
	int rem;

	ct_nla_each(a, rem, nest) {
		switch (ct_nla_type(a)) {
		case CTA_COUNTERS_PACKETS:
			if (ct_attr_has(a, 8))
				c->packets = ct_attr_be64(a);
			break;
		case CTA_COUNTERS_BYTES:
			if (ct_attr_has(a, 8))
				c->bytes = ct_attr_be64(a);
			break;
		case CTA_COUNTERS32_PACKETS:
			if (ct_attr_has(a, 4))
				c->packets = ct_attr_be32(a);
			break;
		case CTA_COUNTERS32_BYTES:
			if (ct_attr_has(a, 4))
				c->bytes = ct_attr_be32(a);
			break;
		}
	}
}

static void
ct_parse_protoinfo(const struct nlattr *nest, struct ct_entry *ce)
{
	const struct nlattr *a, *b;
	int rem, rem2;

	ct_nla_each(a, rem, nest) {
		if (ct_nla_type(a) != CTA_PROTOINFO_TCP)
			continue;
		ct_nla_each(b, rem2, a) {
			if (ct_nla_type(b) == CTA_PROTOINFO_TCP_STATE &&
			    ct_attr_has(b, 1))
				ce->tcp_state = ct_attr_u8(b);
		}
	}
}

int
ct_parse_msg(const struct nlmsghdr *nlh, const struct ct_query *q,
	     struct ct_entry *ce)
{
	const struct nlattr *tb[CTA_MAX + 1];
	const struct nfgenmsg *nfg;
	const struct nlattr *a;
	int rem;
	uint32_t status = 0;
	uint8_t rproto = 0;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*nfg))
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (q && q->family && nfg->nfgen_family != q->family)
		return 0;
	memset(tb, 0, sizeof(tb));
	a = (const struct nlattr *)((const char *)nfg +
				    MNL_ALIGN(sizeof(*nfg)));
	rem = (int)(nlh->nlmsg_len - MNL_NLMSG_HDRLEN -
		    MNL_ALIGN(sizeof(*nfg)));
	for (; ct_nla_ok(a, rem); a = ct_nla_next(a, &rem)) {
		uint16_t type = ct_nla_type(a);

		if (type <= CTA_MAX)
			tb[type] = a;
	}
	if (tb[CTA_STATUS] && ct_attr_has(tb[CTA_STATUS], 4))
		status = ct_attr_be32(tb[CTA_STATUS]);
	if (q && (q->flags & CT_Q_NAT_ONLY) && !(status & IPS_NAT_MASK))
		return 0;
	if (!tb[CTA_TUPLE_ORIG])
		return -1;

	memset(ce, 0, sizeof(*ce));
	ce->family = nfg->nfgen_family;
	ce->status = status;
	ct_parse_tuple(tb[CTA_TUPLE_ORIG], &ce->orig, &ce->proto);
	if (tb[CTA_TUPLE_REPLY])
		ct_parse_tuple(tb[CTA_TUPLE_REPLY], &ce->reply, &rproto);
	if (tb[CTA_PROTOINFO])
		ct_parse_protoinfo(tb[CTA_PROTOINFO], ce);
	if (tb[CTA_TIMEOUT] && ct_attr_has(tb[CTA_TIMEOUT], 4))
		ce->timeout = ct_attr_be32(tb[CTA_TIMEOUT]);
	if (tb[CTA_MARK] && ct_attr_has(tb[CTA_MARK], 4))
		ce->mark = ct_attr_be32(tb[CTA_MARK]);
	if (tb[CTA_ZONE] && ct_attr_has(tb[CTA_ZONE], 2))
		ce->zone = ct_attr_be16(tb[CTA_ZONE]);
	if (tb[CTA_ID] && ct_attr_has(tb[CTA_ID], 4))
		ce->id = ct_attr_be32(tb[CTA_ID]);
	if (tb[CTA_COUNTERS_ORIG] || tb[CTA_COUNTERS_REPLY]) {
		ce->has_counters = true;
		if (tb[CTA_COUNTERS_ORIG])
			ct_parse_counters(tb[CTA_COUNTERS_ORIG], &ce->c_orig);
		if (tb[CTA_COUNTERS_REPLY])
			ct_parse_counters(tb[CTA_COUNTERS_REPLY], &ce->c_reply);
	}
	if (q && q->annotate)
		q->annotate(ce, q->annotate_data);
	if (q && q->filter && !filter_match(q->filter, ce))
		return 0;
	return 1;
}

const struct ct_query *
ct_query_tighten(const struct ct_query *q, struct ct_query *buf)
{
	if (!q || (q->flags & CT_Q_NAT_ONLY) || !filter_implies_nat(q->filter))
		return q;
	*buf = *q;
	buf->flags |= CT_Q_NAT_ONLY;
	return buf;
}

struct nlmsghdr *
ct_msg_start(char *buf, uint16_t type, uint16_t flags, uint32_t seq,
	     uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

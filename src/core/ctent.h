/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctent.h - one conntrack entry as plain data.
 *
 * Owns: struct ct_entry, the netlink-free picture of one tracked connection
 * that the engine (src/nat/ct_*.c) fills and everything above it reads: the
 * filter language (core/filter.c), show/kill/watch and masqtop.  Also the
 * names of protocols and TCP states, the state word of a listing and the
 * one address formatter, so that every listing spells them the same way.
 * Does not own: talking to the kernel (src/nat/ct.h) or printing rows.
 *
 * Addresses are kept in network byte order (as the kernel sends them), ports
 * and everything else in host order.  The status bits and TCP state numbers
 * are the kernel's ABI values (IPS_*, TCP_CONNTRACK_*), copied here so that
 * this header needs no kernel headers; src/nat/ct_parse.c asserts they agree.
 */
#ifndef MASQ_CTENT_H
#define MASQ_CTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Status bits (enum ip_conntrack_status in the kernel). */
#define CT_ST_EXPECTED		(1u << 0)
#define CT_ST_SEEN_REPLY	(1u << 1)
#define CT_ST_ASSURED		(1u << 2)
#define CT_ST_CONFIRMED		(1u << 3)
#define CT_ST_SRC_NAT		(1u << 4)
#define CT_ST_DST_NAT		(1u << 5)
#define CT_ST_NAT_MASK		(CT_ST_SRC_NAT | CT_ST_DST_NAT)
#define CT_ST_DYING		(1u << 9)
#define CT_ST_FIXED_TIMEOUT	(1u << 10)
#define CT_ST_OFFLOAD		(1u << 14)

/* TCP states (enum tcp_conntrack); CT_TCP_NONE also means "no state". */
enum ct_tcp_state {
	CT_TCP_NONE = 0,
	CT_TCP_SYN_SENT,
	CT_TCP_SYN_RECV,
	CT_TCP_ESTABLISHED,
	CT_TCP_FIN_WAIT,
	CT_TCP_CLOSE_WAIT,
	CT_TCP_LAST_ACK,
	CT_TCP_TIME_WAIT,
	CT_TCP_CLOSE,
	CT_TCP_SYN_SENT2,
	CT_TCP_MAX = CT_TCP_SYN_SENT2,
};

/* An IPv4 (first 4 bytes) or IPv6 address, network byte order. */
union ct_addr {
	uint8_t b[16];
	uint32_t w[4];
};

/*
 * One direction of a connection.  For ICMP/ICMPv6 @sport holds the echo id
 * and @dport is 0; @icmp_type/@icmp_code are only meaningful for them.
 */
struct ct_tuple {
	union ct_addr src, dst;
	uint16_t sport, dport;
	uint8_t icmp_type, icmp_code;
};

/* Packet/byte counters of one direction; valid when has_counters. */
struct ct_counters {
	uint64_t packets, bytes;
};

struct ct_entry {
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* IPPROTO_* of the original tuple */
	uint8_t tcp_state;		/* enum ct_tcp_state, TCP only */
	bool has_counters;		/* accounting was on for this entry */
	uint16_t zone;
	uint32_t status;		/* CT_ST_* */
	uint32_t timeout;		/* seconds until it expires */
	uint32_t mark;
	uint32_t id;			/* kernel's entry id, 0 if unknown */
	struct ct_tuple orig, reply;
	struct ct_counters c_orig, c_reply;
	/*
	 * The masqsh rule that made this entry: 0 when unknown, the masq
	 * rule's id, or CT_RULE_FWD | the id of a port forward.  The engine
	 * never sets it; a caller that can map entries to rules fills it
	 * (see struct ct_query.annotate, nat/ct_rule.h) before the filter
	 * runs.
	 */
	uint64_t rule_id;
};

/* Set in a rule_id that names a port forward (the forward's id below it),
 * so it never equals a masq rule's id.  Bit 31, so a uint32_t copy of the
 * id keeps it. */
#define CT_RULE_FWD (UINT64_C(1) << 31)

/* Longest text ctent_addr_format() writes, NUL included. */
#define CT_ADDRSTRLEN 46

/*
 * The one address formatter: text of the address at @a (4 bytes for
 * AF_INET, 16 for AF_INET6, network order; any other family is taken as
 * IPv4) into @buf of at least CT_ADDRSTRLEN bytes: "192.0.2.1",
 * "2001:db8::1" as inet_ntop() spells it.  Returns @buf.  Cannot fail.
 */
char *ctent_addr_format(int family, const void *a, char *buf);

/*
 * The same text into @buf of any @size: a smaller buffer gets what fits,
 * NUL-terminated (@size 0: nothing is written).  Returns @buf.  Cannot
 * fail.
 */
char *ctent_addr_text(char *buf, size_t size, int family, const void *a);

/* Longest text ctent_endpoint_format() writes, NUL included. */
#define CT_ENDPOINTSTRLEN (CT_ADDRSTRLEN + 8)

/*
 * "192.0.2.1:80" or "[2001:db8::1]:80" into @buf of at least
 * CT_ENDPOINTSTRLEN bytes.  Returns the length written (without the NUL).
 * Cannot fail.
 */
size_t ctent_endpoint_format(int family, const void *a, uint16_t port,
			     char *buf);

/* "tcp", "udp", "icmp", "icmpv6", ... or NULL for an unnamed number. */
const char *ctent_proto_name(uint8_t proto);
/* Protocol number of @name (case-insensitive) or -1. */
int ctent_proto_parse(const char *name);

/* "ESTABLISHED", "TIME_WAIT", ... for a TCP state; "" for CT_TCP_NONE or out
 * of range.  The spelling is conntrack(8)'s. */
const char *ctent_tcp_state_name(uint8_t state);
/* TCP state of @name (case-insensitive) or -1. */
int ctent_tcp_state_parse(const char *name);

/*
 * The state column's word: the TCP state ("ESTABLISHED", ...) for TCP
 * with a state, else "UNREPLIED" before the first reply, "ASSURED" once
 * conntrack assured the entry, "REPLIED" in between.  Static text.
 */
const char *ctent_state_text(uint8_t proto, uint8_t tcp_state,
			     uint32_t status);

/* Does @proto carry an ICMP echo id (in the tuples' sport) instead of
 * ports?  ICMP and ICMPv6. */
bool ctent_proto_is_icmp(uint8_t proto);

/*
 * The gateway side of a NAT'ed entry, which is what "masq'ed as" shows and
 * what the filter's `gw` and `gport` match:
 *   SNAT (incl. masquerade): the reply tuple's destination, i.e. the address
 *     and port the inside host appears as to the remote end;
 *   DNAT (port forward): the original tuple's destination, i.e. the public
 *     address and port the remote end connected to.
 * For ICMP the "port" is the echo id, which both tuples keep in sport: the
 * reply tuple's (the id the gateway uses, after SNAT) or the original's.
 * For an entry with both bits the SNAT side is returned by this helper (the
 * filter matches either).  Returns false, leaving the outputs alone, for an
 * entry without NAT.
 */
bool ctent_gateway(const struct ct_entry *ce, const union ct_addr **addr,
		   uint16_t *port);

#endif

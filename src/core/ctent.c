/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctent.c - names and address text for struct ct_entry (see ctent.h).
 *
 * Owns: the spelling of protocols and TCP states shared by the filter
 * language and every listing, the one address formatter, and the
 * gateway-side view of a NAT'ed entry.
 * Does not own: parsing kernel messages (src/nat/ct_parse.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/ctent.h"
#include "core/strbuf.h"

static const char *const ctent_tcp_states[CT_TCP_MAX + 1] = {
	[CT_TCP_NONE] = "",
	[CT_TCP_SYN_SENT] = "SYN_SENT",
	[CT_TCP_SYN_RECV] = "SYN_RECV",
	[CT_TCP_ESTABLISHED] = "ESTABLISHED",
	[CT_TCP_FIN_WAIT] = "FIN_WAIT",
	[CT_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[CT_TCP_LAST_ACK] = "LAST_ACK",
	[CT_TCP_TIME_WAIT] = "TIME_WAIT",
	[CT_TCP_CLOSE] = "CLOSE",
	[CT_TCP_SYN_SENT2] = "SYN_SENT2",
};

static const struct {
	const char *name;
	uint8_t num;
} ctent_protos[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
	{ "sctp", IPPROTO_SCTP },
	{ "dccp", IPPROTO_DCCP },
	{ "udplite", IPPROTO_UDPLITE },
	{ "gre", IPPROTO_GRE },
	{ "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH },
};

/* inet_ntop() costs a third of a 250k-line listing; dotted quads are easy. */
static size_t
ctent_v4_format(const uint8_t *b, char *buf)
{
	char *p = buf;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = strbuf_put_u64(p, b[i]);
	}
	*p = '\0';
	return (size_t)(p - buf);
}

char *
ctent_addr_format(int family, const void *a, char *buf)
{
	if (family != AF_INET6)
		ctent_v4_format(a, buf);
	else if (!inet_ntop(AF_INET6, a, buf, CT_ADDRSTRLEN))
		buf[0] = '\0';
	return buf;
}

char *
ctent_addr_text(char *buf, size_t size, int family, const void *a)
{
	char tmp[CT_ADDRSTRLEN];

	if (size >= CT_ADDRSTRLEN)
		ctent_addr_format(family, a, buf);
	else if (size)
		snprintf(buf, size, "%s", ctent_addr_format(family, a, tmp));
	return buf;
}

size_t
ctent_endpoint_format(int family, const void *a, uint16_t port, char *buf)
{
	char *p = buf;

	if (family == AF_INET6) {
		*p++ = '[';
		ctent_addr_format(family, a, p);
		p += strlen(p);
		*p++ = ']';
	} else {
		p += ctent_v4_format(a, p);
	}
	*p++ = ':';
	p = strbuf_put_u64(p, port);
	*p = '\0';
	return (size_t)(p - buf);
}

const char *
ctent_proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(ctent_protos) / sizeof(ctent_protos[0]); i++)
		if (ctent_protos[i].num == proto)
			return ctent_protos[i].name;
	return NULL;
}

int
ctent_proto_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ctent_protos) / sizeof(ctent_protos[0]); i++)
		if (!strcasecmp(ctent_protos[i].name, name))
			return ctent_protos[i].num;
	if (!strcasecmp(name, "ipv6-icmp"))
		return IPPROTO_ICMPV6;
	return -1;
}

const char *
ctent_tcp_state_name(uint8_t state)
{
	return state <= CT_TCP_MAX ? ctent_tcp_states[state] : "";
}

int
ctent_tcp_state_parse(const char *name)
{
	int i;

	for (i = CT_TCP_NONE + 1; i <= CT_TCP_MAX; i++)
		if (!strcasecmp(ctent_tcp_states[i], name))
			return i;
	return -1;
}

const char *
ctent_state_text(uint8_t proto, uint8_t tcp_state, uint32_t status)
{
	if (proto == IPPROTO_TCP && tcp_state != CT_TCP_NONE)
		return ctent_tcp_state_name(tcp_state);
	if (!(status & CT_ST_SEEN_REPLY))
		return "UNREPLIED";
	return status & CT_ST_ASSURED ? "ASSURED" : "REPLIED";
}

bool
ctent_proto_is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

bool
ctent_gateway(const struct ct_entry *ce, const union ct_addr **addr,
	      uint16_t *port)
{
	bool icmp = ctent_proto_is_icmp(ce->proto);

	if (ce->status & CT_ST_SRC_NAT) {
		*addr = &ce->reply.dst;
		*port = icmp ? ce->reply.sport : ce->reply.dport;
		return true;
	}
	if (ce->status & CT_ST_DST_NAT) {
		*addr = &ce->orig.dst;
		*port = icmp ? ce->orig.sport : ce->orig.dport;
		return true;
	}
	return false;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * redact.h - hide the site in a text before it goes to a public help list:
 * every IPv4 and IPv6 address, every MAC address and the host's own names
 * are replaced, consistently within one text.
 *
 * Owns: recognising addresses in free text (and in JSON text: "\n" and
 * "\t" escapes count as separators) without touching times ("12:34:56"),
 * versions ("1.0.9", "6.18.44") or other numbers, and the mapping.  Does
 * not own what the text is (src/shell/cmd_report.c builds it).
 *
 * The mapping, keyed per report (struct redact_key):
 *  - the address class stays visible: 10/8, 172.16/12, 192.168/16,
 *    100.64/10, 169.254/16 keep their block; the documentation /24s
 *    (192.0.2, 198.51.100, 203.0.113) keep theirs; IPv6 keeps fe80::/64,
 *    2001:db8::/32, fc00::/8 (ULA) and 2000::/3 (global); any other
 *    (public) address keeps only the leading bits it takes to stay out
 *    of all those blocks, so it stays public;
 *  - the network part (IPv4 up to /24, IPv6 up to /64) goes through a
 *    prefix-preserving keyed map, so two addresses that share a prefix of
 *    any length still share one of that length afterwards: hosts of one
 *    /24 stay in one redacted /24, and a route's network contains the
 *    redacted hosts it contained before;
 *  - the host part (last octet, IPv6 interface id) becomes a keyed pick
 *    that is no original address found in the text, so no replaced host
 *    address equals an input address (IPv4: unless the text names more
 *    than half of a /24); IPv4 hosts of one /24 keep their order, so an
 *    SNAT range "A-B" stays a range; an IPv4 subnet longer than /24
 *    named in the text (10.0.0.4/30, 192.0.2.128/25) keeps its place in
 *    its /24 and its hosts are picked inside it;
 *  - NET/LEN with zero host bits stays a network: the redacted network
 *    with the same prefix length;
 *  - kept as they are, saying nothing about the site: 0.0.0.0/8,
 *    127/8, 224/3 (multicast, netmasks, broadcast), ::, ::1, ff00::/8,
 *    and the all-zero, broadcast and multicast MAC addresses; x.y.z.0
 *    and x.y.z.255 keep their last octet (their /24 is still redacted);
 *  - MAC addresses (written with ':' or '-') become locally administered
 *    unicast ones;
 *  - each given name (hostname) as a whole word becomes "redacted-host";
 *  - in rule comments (`comment WORD`, `comment "TEXT"`, JSON-escaped
 *    too) every DNS name of two labels or more ending in letters, in any
 *    case, and its first label become "redacted-host-" and 8 keyed hex
 *    digits, one per name; the full name also outside comments.
 */
#ifndef MASQ_DIAG_REDACT_H
#define MASQ_DIAG_REDACT_H

#include <stdint.h>

struct redact_key {
	uint8_t k[16];
};

/* A fresh random key (getrandom(); time and pid if that fails).  Cannot
 * fail. */
void redact_key_random(struct redact_key *key);

/*
 * @text with every address, MAC and word of @names (NULL-terminated,
 * may be NULL; empty names are ignored) replaced as above.  The same
 * @text and @key always give the same result.  Caller frees.  Cannot
 * fail (aborts on out of memory, as xalloc does).
 */
char *redact_text(const char *text, const struct redact_key *key,
		  const char *const *names);

#endif

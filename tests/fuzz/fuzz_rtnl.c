/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_rtnl.c - the rtnetlink readers fed raw bytes, as one datagram
 * walked by nl_cb_run() into the callbacks the dumps use: the link list
 * (links.c: `show links`, the doctor), the address list (links_addr.c:
 * what the compiler resolves an interface's address from), the main
 * routing table and the policy rules (links_route.c: `explain`, the
 * doctor), a route lookup's answer (links_path_parse), and the address
 * watcher's events (engine_addr.c: `masqsh engine`).  First byte: bits
 * 0-1 the family asked for (IPv4, IPv6; 2 and 3 also AF_UNSPEC for the
 * address list).
 *
 * Properties: every string a reader fills is terminated within its
 * field; a route's formatted line and a rule's text hold no control
 * byte; an address's prefix length fits its family; an event's family
 * is IPv4 or IPv6 when it carries an address.
 */
#include "config.h"

#include <sys/socket.h>

#include "core/err.h"
#include "nat/engine.h"
#include "nat/links.h"
#include "nat/links_int.h"
#include "fuzz.h"

#define TERMINATED(s) (memchr((s), '\0', sizeof(s)) != NULL)

static void
check_text(const char *s, size_t size)
{
	size_t i;

	fuzz_assert(memchr(s, '\0', size) != NULL, "unterminated text");
	for (i = 0; s[i]; i++)
		fuzz_assert((unsigned char)s[i] >= 0x20, "control byte 0x%02x "
			    "in \"%s\"", (unsigned char)s[i], s);
}

static void
links(const void *buf, size_t len)
{
	struct links_link *v;
	struct masq_err e;
	size_t n, i;

	err_init(&e);
	if (links_list_parse(buf, len, &v, &n, &e) == 0) {
		for (i = 0; i < n; i++) {
			fuzz_assert(TERMINATED(v[i].name) &&
				    TERMINATED(v[i].state), "link %zu", i);
			check_text(v[i].mac, sizeof(v[i].mac));
		}
		free(v);
	}
	err_done(&e);
}

static void
addrs(const void *buf, size_t len, int family)
{
	struct links_addr *v;
	struct masq_err e;
	size_t n, i;

	err_init(&e);
	if (links_addr_list_parse(buf, len, family, &v, &n, &e) == 0) {
		for (i = 0; i < n; i++) {
			const struct links_addr *a = &v[i];

			fuzz_assert(TERMINATED(a->ifname) &&
				    TERMINATED(a->label), "address %zu", i);
			fuzz_assert(family == AF_UNSPEC ||
				    a->net.family == family,
				    "address %zu: family %d", i,
				    a->net.family);
			fuzz_assert(a->net.plen <=
				    (a->net.family == AF_INET ? 32 : 128),
				    "address %zu: /%u", i,
				    (unsigned int)a->net.plen);
		}
		free(v);
	}
	err_done(&e);
}

static void
routes(const void *buf, size_t len, int family)
{
	struct links_route *v;
	struct masq_err e;
	char line[512];
	size_t n, i;

	err_init(&e);
	if (links_routes_parse(buf, len, family, &v, &n, &e) == 0) {
		for (i = 0; i < n; i++) {
			fuzz_assert(TERMINATED(v[i].dst) &&
				    TERMINATED(v[i].via) &&
				    TERMINATED(v[i].dev) &&
				    TERMINATED(v[i].src) &&
				    TERMINATED(v[i].proto) &&
				    TERMINATED(v[i].scope) &&
				    TERMINATED(v[i].type), "route %zu", i);
			links_route_format(&v[i], line, sizeof(line));
			check_text(line, sizeof(line));
		}
		free(v);
	}
	err_done(&e);
}

static void
rules(const void *buf, size_t len)
{
	struct links_rule *v;
	struct masq_err e;
	size_t n, i;

	err_init(&e);
	if (links_rules_parse(buf, len, &v, &n, &e) == 0) {
		for (i = 0; i < n; i++)
			check_text(v[i].text, sizeof(v[i].text));
		free(v);
	}
	err_done(&e);
}

static void
path(const void *buf, size_t len)
{
	struct links_path p;
	struct masq_err e;

	err_init(&e);
	if (links_path_parse(buf, len, &p, &e) == 0)
		fuzz_assert(TERMINATED(p.oifname), "path");
	err_done(&e);
}

static void
event_cb(const struct engine_addr_ev *ev, void *data)
{
	int *n = data;

	fuzz_assert(TERMINATED(ev->ifname), "event ifname");
	if (ev->type == ENGINE_ADDR_NEW || ev->type == ENGINE_ADDR_DEL)
		fuzz_assert(ev->family == AF_INET || ev->family == AF_INET6,
			    "event family %d", ev->family);
	(*n)++;
}

static void
events(const void *buf, size_t len)
{
	struct masq_err e;
	int n = 0, r;

	err_init(&e);
	r = engine_addr_parse(buf, len, event_cb, &n, &e);
	fuzz_assert(r < 0 || r == n, "%d events, %d calls", r, n);
	err_done(&e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int fams[] = { AF_INET, AF_INET6, AF_UNSPEC, AF_UNSPEC };
	int fam;
	uint32_t *buf;
	size_t len;

	if (size < 1 || size > 65536)
		return 0;
	/* netlink messages are 4-byte aligned in the receive buffer */
	buf = malloc((size + 3) & ~(size_t)3);
	if (!buf)
		abort();
	len = size - 1;
	memcpy(buf, data + 1, len);
	fam = fams[data[0] & 3];
	links(buf, len);
	addrs(buf, len, fam);
	routes(buf, len, fam == AF_INET6 ? AF_INET6 : AF_INET);
	rules(buf, len);
	path(buf, len);
	events(buf, len);
	free(buf);
	return 0;
}

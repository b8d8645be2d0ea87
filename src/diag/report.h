/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report.h - what `report` reads from rtnetlink beyond what the checks
 * already read (diag_int.h: addresses, policy rules): the interfaces with
 * their state, MTU and link address, and the IPv4 and IPv6 routes of the
 * main table.  Owned by report_net.c; printed by src/shell/cmd_report.c.
 */
#ifndef MASQ_DIAG_REPORT_H
#define MASQ_DIAG_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct report_link {
	unsigned int index;
	char name[16];
	char state[16];		/* operstate: "UP", "DOWN", "UNKNOWN", ... */
	bool admin_up;		/* IFF_UP */
	unsigned int mtu;
	char mac[64];		/* "52:54:00:12:34:56", "" when none; a
				 * tunnel's endpoint as an address */
};

/* Every interface in this namespace, by index.  Caller frees *v.  -1
 * with @e filled when the dump fails; nothing to free then. */
int report_links(struct report_link **v, size_t *n, struct masq_err *e);

struct report_route {
	char dst[56];		/* "default", "192.168.1.0/24", "fd00::/64" */
	char via[48];		/* gateway, "" when none */
	char dev[16];		/* "" when none */
	char src[48];		/* preferred source, "" when none */
	char proto[16];		/* "kernel", "boot", "static", "dhcp", number */
	char scope[16];		/* "link", "host", "" for universe */
	long metric;		/* -1 when none */
	char type[16];		/* "unicast", "blackhole", "unreachable", ... */
};

/* The routes of the main table for @family (AF_INET or AF_INET6), as
 * the kernel lists them.  Caller frees *v.  -1 with @e filled when the
 * dump fails; nothing to free then. */
int report_routes(int family, struct report_route **v, size_t *n,
		  struct masq_err *e);

/* One line as `ip route` prints it (without the type when unicast) into
 * @buf, truncated to @size.  Cannot fail. */
void report_route_format(const struct report_route *r, char *buf,
			 size_t size);

#endif

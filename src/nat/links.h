/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * links.h - interfaces and their addresses in this network namespace, read
 * over rtnetlink.
 *
 * Owns: listing interface names (for completion and checks) and the global
 * addresses of one interface (for "detect" and the linter).  Does not own:
 * watching for changes, or anything about routes.
 */
#ifndef MASQ_NAT_LINKS_H
#define MASQ_NAT_LINKS_H

#include <stddef.h>

#include "core/err.h"
#include "nat/rule.h"

/*
 * Names of every interface in this netns, in ifindex order.  On success
 * *names is an array of *n owned strings; free with links_names_free().
 * On error -1, *names NULL and *n 0.
 */
int links_names(char ***names, size_t *n, struct masq_err *e);
void links_names_free(char **names, size_t n);

/*
 * Global (scope universe) addresses of @ifname in @family (AF_INET or
 * AF_INET6), primary addresses first, each as a host with its prefix length
 * from the interface.  *v is the caller's to free(); *n may be 0.  An
 * unknown interface is an error (MASQ_EFAIL) naming it.
 */
int links_addrs(const char *ifname, int family, struct nat_net **v,
		size_t *n, struct masq_err *e);

#endif

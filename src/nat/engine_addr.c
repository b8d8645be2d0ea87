/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_addr.c - address and link changes over rtnetlink, for `masqsh
 * engine` (see engine.h).
 *
 * One NETLINK_ROUTE socket bound to the IPv4/IPv6 address groups and the
 * link group; each message becomes a struct engine_addr_ev handed to the
 * caller's callback and forgotten.  Nothing is cached: what the namespace
 * holds now is asked again when needed (engine_addr_present(), through
 * the one address collector of links_addr.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "core/xalloc.h"
#include "nat/engine.h"
#include "nat/links_int.h"
#include "nat/nl.h"

#define ENGINE_ADDR_RCVBUF (1u << 20)

struct engine_addrw {
	struct mnl_socket *nl;
};

struct engine_addr_run {
	engine_addr_cb cb;
	void *data;
	int n;
};

struct engine_addrw *
engine_addrw_open(struct masq_err *e)
{
	struct engine_addrw *w = xcalloc(1, sizeof(*w));
	int fd, sz = ENGINE_ADDR_RCVBUF;

	w->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!w->nl) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot open rtnetlink");
		goto fail;
	}
	if (mnl_socket_bind(w->nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
			    RTMGRP_IPV6_IFADDR, MNL_SOCKET_AUTOPID) < 0) {
		err_sys(e, MASQ_EKERNEL, errno,
			"cannot subscribe to address changes (rtnetlink)");
		goto fail;
	}
	fd = mnl_socket_get_fd(w->nl);
	/* Best effort: a bigger buffer only makes overruns rarer. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "rtnetlink: cannot set O_NONBLOCK");
		goto fail;
	}
	return w;
fail:
	engine_addrw_close(w);
	return NULL;
}

void
engine_addrw_close(struct engine_addrw *w)
{
	if (!w)
		return;
	if (w->nl)
		mnl_socket_close(w->nl);
	free(w);
}

int
engine_addrw_fd(const struct engine_addrw *w)
{
	return mnl_socket_get_fd(w->nl);
}

/* The interface name of @index, else the address label (IPv4 keeps it in
 * IFA_LABEL, which outlives an interface being deleted). */
static void
addr_ifname(struct engine_addr_ev *ev, unsigned int index, const char *label)
{
	char name[IF_NAMESIZE];

	if (if_indextoname(index, name))
		snprintf(ev->ifname, sizeof(ev->ifname), "%s", name);
	else if (label)
		snprintf(ev->ifname, sizeof(ev->ifname), "%s", label);
}

static int
addr_msg(const struct nlmsghdr *nlh, struct engine_addr_ev *ev)
{
	struct links_ifaddr ia;

	if (!links_ifaddr_parse(nlh, &ia))
		return 0;
	ev->type = nlh->nlmsg_type == RTM_NEWADDR ? ENGINE_ADDR_NEW :
		   ENGINE_ADDR_DEL;
	ev->family = ia.family;
	memcpy(ev->addr, ia.addr, ia.family == AF_INET ? 4 : 16);
	addr_ifname(ev, ia.ifindex, ia.label);
	return 1;
}

static int
link_msg(const struct nlmsghdr *nlh, struct engine_addr_ev *ev)
{
	const struct nlattr *a;

	ev->type = ENGINE_LINK;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(ev->ifname, sizeof(ev->ifname), "%s",
				 mnl_attr_get_str(a));
	}
	return 1;
}

static int
addrw_cb(const struct nlmsghdr *nlh, void *data)
{
	struct engine_addr_run *run = data;
	struct engine_addr_ev ev;
	int got = 0;

	memset(&ev, 0, sizeof(ev));
	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
		got = addr_msg(nlh, &ev);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		got = link_msg(nlh, &ev);
		break;
	}
	if (got) {
		run->cb(&ev, run->data);
		run->n++;
	}
	return MNL_CB_OK;
}

int
engine_addr_parse(const void *buf, size_t len, engine_addr_cb cb, void *data,
		  struct masq_err *e)
{
	struct engine_addr_run run = { cb, data, 0 };

	if (nl_cb_run(buf, len, 0, 0, addrw_cb, &run) < 0 && errno != ENOENT)
		return err_sys(e, MASQ_EFAIL, errno,
			       "rtnetlink: bad address message");
	return run.n;
}

int
engine_addrw_process(struct engine_addrw *w, engine_addr_cb cb, void *data,
		     struct masq_err *e)
{
	char buf[32768];
	int run = 0, got;
	ssize_t n;

	/* Failures here come after start-up, where the watcher worked: they
	 * are MASQ_EFAIL (exit 1, restarted by the unit), not EKERNEL (3, a
	 * missing feature or permission, which the unit does not restart). */
	for (;;) {
		n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf));
		if (n < 0) {
			struct engine_addr_ev ev;

			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			if (errno != ENOBUFS)
				return err_sys(e, MASQ_EFAIL, errno,
					       "rtnetlink: reading address "
					       "changes failed");
			memset(&ev, 0, sizeof(ev));
			ev.type = ENGINE_ADDR_OVERRUN;
			cb(&ev, data);
			run++;
			continue;
		}
		got = engine_addr_parse(buf, (size_t)n, cb, data, e);
		if (got < 0)
			return -1;
		run += got;
	}
	return run;
}

int
engine_addr_present(int family, const uint8_t *addr, struct masq_err *e)
{
	struct links_addr *v;
	size_t n, i, alen = family == AF_INET ? 4 : 16;
	int found = 0;

	if (links_addr_list(family, &v, &n, e) < 0) {
		e->code = MASQ_EFAIL;	/* after start-up: see above */
		return -1;
	}
	for (i = 0; i < n && !found; i++)
		found = !memcmp(v[i].net.addr, addr, alen);
	free(v);
	return found;
}

bool
engine_detect_uses(const struct nat_ruleset *rs, const char *ifname)
{
	size_t i, j;

	/* a hairpin forward follows the public addresses and the server's
	 * network (fwd_hairpin.c), which any interface may carry */
	for (i = 0; i < rs->n_fwd; i++)
		if (rs->fwd[i].hairpin)
			return true;
	for (i = 0; i < rs->n_masq; i++) {
		const struct nat_rule *r = &rs->masq[i];

		if (r->action != NAT_DETECT)
			continue;
		for (j = 0; j < r->n_oifs; j++) {
			const struct nat_ifname *f = &r->oifs[j];

			if (nat_ifname_match(f, ifname))
				return true;
		}
	}
	return false;
}

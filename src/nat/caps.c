/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * caps.c - the CAP_NET_ADMIN probe and the one nfnetlink opener (see
 * caps.h for why).
 *
 * The probe has two steps.  capget(2) on this process's effective set (the
 * raw syscall: no libcap) tells root-without-the-capability from a normal
 * user.  A process can also hold the capability in its own user namespace
 * only (unshare -U, a rootless container) while the network namespace
 * belongs to another: capget then says yes and the kernel still says
 * EPERM.  So when capget says yes, one NLMSG_NOOP with an ACK request is
 * sent on a throwaway nfnetlink socket: nfnetlink checks CAP_NET_ADMIN
 * over the socket's namespace before it looks at any message, and a NOOP
 * does nothing else (no subsystem, no module load).  Does not own: what is
 * sent on the real sockets (nft_*.c, ct_*.c, diag), nor rtnetlink.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/netlink.h>

#include "nat/caps.h"
#include "nat/nl.h"

enum cap_state {
	CAP_OK = 0,
	CAP_NO_ROOT,		/* root, capability not effective */
	CAP_NO_USER,		/* not root, capability not effective */
	CAP_NO_NETNS,		/* effective, but not over this netns */
};

bool
nat_cap_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return true;	/* cannot tell: let the kernel decide */
	return (data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &
		CAP_TO_MASK(CAP_NET_ADMIN)) != 0;
}

/* Does nfnetlink refuse us (EPERM) in this network namespace?  Anything
 * else, failures included, is "no": the real request will tell. */
static bool
nfnl_refuses(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	char buf[8192];			/* an ACK: a header and an error */
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL);
	bool refused = false;
	ssize_t n;

	if (!nl)
		return false;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_NOOP;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		refused = errno == EPERM;
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n > 0 && nl_cb_run(buf, (size_t)n, seq,
				mnl_socket_get_portid(nl), NULL, NULL) < 0)
		refused = errno == EPERM;
out:
	mnl_socket_close(nl);
	return refused;
}

static enum cap_state
cap_state(void)
{
	if (!nat_cap_net_admin())
		return geteuid() == 0 ? CAP_NO_ROOT : CAP_NO_USER;
	return nfnl_refuses() ? CAP_NO_NETNS : CAP_OK;
}

static const char *
state_reason(enum cap_state s)
{
	switch (s) {
	case CAP_NO_ROOT:
		return "needs CAP_NET_ADMIN (root without it)";
	case CAP_NO_USER:
		return "needs CAP_NET_ADMIN (run as root)";
	case CAP_NO_NETNS:
		return "needs CAP_NET_ADMIN over this network namespace";
	default:
		return NULL;
	}
}

const char *
nat_cap_missing(void)
{
	return state_reason(cap_state());
}

/* The next step for a process in state @s. */
static void
state_hint(struct masq_err *e, enum cap_state s)
{
	if (s == CAP_NO_ROOT)
		err_hint(e, "this root lacks CAP_NET_ADMIN (a container's "
			 "default, or capsh --drop): grant it (docker run "
			 "--cap-add=NET_ADMIN, systemd AmbientCapabilities="
			 "CAP_NET_ADMIN) and run again");
	else if (s == CAP_NO_USER)
		err_hint(e, "run it as root (sudo), or grant it "
			 "CAP_NET_ADMIN");
	else
		err_hint(e, "this process has CAP_NET_ADMIN only in its own "
			 "user namespace (unshare -U, a rootless container), "
			 "not over this network namespace: run it where it "
			 "has the capability");
}

int
nat_cap_require(const char *what, struct masq_err *e)
{
	enum cap_state s = cap_state();

	if (s == CAP_OK)
		return 0;
	err_set(e, MASQ_EKERNEL, "%s needs CAP_NET_ADMIN%s, which this "
		"process does not have", what, s == CAP_NO_NETNS ?
		" over this network namespace" : "");
	e->sys_errno = EPERM;
	state_hint(e, s);
	return -1;
}

int
nat_err_perm(struct masq_err *e)
{
	if (e->sys_errno != EPERM && e->sys_errno != EACCES)
		return -1;
	e->code = MASQ_EKERNEL;
	/* Refused after the probe passed: the namespace (or an LSM). */
	state_hint(e, nat_cap_net_admin() ? CAP_NO_NETNS :
		   geteuid() == 0 ? CAP_NO_ROOT : CAP_NO_USER);
	return -1;
}

struct mnl_socket *
nat_nfnl_open(const char *what, unsigned int groups, struct masq_err *e)
{
	struct mnl_socket *nl;

	if (nat_cap_require(what, e) < 0)
		return NULL;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl) {
		err_sys(e, MASQ_EKERNEL, errno, "%s: cannot open a netfilter "
			"netlink socket", what);
		if (e->sys_errno == EPERM || e->sys_errno == EACCES)
			nat_err_perm(e);
		else
			err_hint(e, "the kernel needs nfnetlink (nf_tables, "
				 "nf_conntrack_netlink)");
		return NULL;
	}
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "%s: %s", what,
			groups ? "cannot subscribe to events" :
			"cannot bind the netlink socket");
		nat_err_perm(e);
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

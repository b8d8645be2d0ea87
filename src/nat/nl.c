/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nl.c - see nl.h. */
#include "config.h"

#include "nat/nl.h"

int
nl_cb_run(const void *buf, size_t len, unsigned int seq, unsigned int portid,
	  mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > INT32_MAX ? INT32_MAX : (int)len;
	size_t ok = 0, step;

	while (nl_msg_ok(nlh, left)) {
		step = MNL_ALIGN(nlh->nlmsg_len);
		ok += step < (size_t)left ? step : (size_t)left;
		if (step >= (size_t)left)
			break;
		left -= (int)step;
		nlh = (const struct nlmsghdr *)((const char *)nlh + step);
	}
	return mnl_cb_run(buf, ok, seq, portid, cb, data);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_stats.c - the kernel's conntrack statistics.
 *
 * Owns: the entry count and limit (IPCTNL_MSG_CT_GET_STATS, or the
 * nf_conntrack_count/max sysctls when the kernel is too old to answer) and
 * the per-CPU counters (IPCTNL_MSG_CT_GET_STATS_CPU) summed over CPUs.
 * Does not own: turning two reads into rates or "since last look" (the
 * caller keeps the previous struct ct_stats).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nat/ct_int.h"

static int
ct_stats_global_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ct_stats *st = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_payload_len(a) < 4)
			continue;
		switch (mnl_attr_get_type(a)) {
		case CTA_STATS_GLOBAL_ENTRIES:
			st->count = ntohl(mnl_attr_get_u32(a));
			break;
		case CTA_STATS_GLOBAL_MAX_ENTRIES:
			st->max = ntohl(mnl_attr_get_u32(a));
			break;
		}
	}
	return MNL_CB_OK;
}

static int
ct_stats_cpu_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ct_stats *st = data;
	const struct nlattr *a;
	uint64_t v;

	st->ncpu++;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_payload_len(a) < 4)
			continue;
		v = ntohl(mnl_attr_get_u32(a));
		switch (mnl_attr_get_type(a)) {
		case CTA_STATS_FOUND: st->found += v; break;
		case CTA_STATS_INVALID: st->invalid += v; break;
		case CTA_STATS_INSERT: st->insert += v; break;
		case CTA_STATS_INSERT_FAILED: st->insert_failed += v; break;
		case CTA_STATS_DROP: st->drop += v; break;
		case CTA_STATS_EARLY_DROP: st->early_drop += v; break;
		case CTA_STATS_ERROR: st->error += v; break;
		case CTA_STATS_SEARCH_RESTART: st->search_restart += v; break;
		case CTA_STATS_CLASH_RESOLVE: st->clash_resolve += v; break;
		case CTA_STATS_CHAIN_TOOLONG: st->chaintoolong += v; break;
		}
	}
	return MNL_CB_OK;
}

static int
ct_sysctl_read(const char *name, uint64_t *v)
{
	char path[128];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", name);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	rc = fscanf(fp, "%" SCNu64, v) == 1 ? 0 : -1;
	fclose(fp);
	return rc;
}

/* One request on @h: a dump when @dump, else a plain get with an ack. */
static int
ct_stats_ask(struct ct_handle *h, uint16_t type, bool dump, mnl_cb_t cb,
	     struct ct_stats *st, struct masq_err *e)
{
	uint32_t seq = ++h->seq;
	struct nlmsghdr *nlh;

	nlh = ct_msg_start(h->buf, type, dump ? NLM_F_DUMP : NLM_F_ACK, seq,
			   AF_UNSPEC);
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) == -1)
		return ct_err_sys(e, errno, "cannot ask for statistics");
	return ct_recv_until_done(h, seq, cb, st, e);
}

int
ct_stats_get(struct ct_handle *h, struct ct_stats *st, struct masq_err *e)
{
	struct masq_err ign;

	memset(st, 0, sizeof(*st));
	err_init(&ign);
	/* Old kernels lack GET_STATS or its max attribute: use the sysctls. */
	if (ct_stats_ask(h, IPCTNL_MSG_CT_GET_STATS, false, ct_stats_global_cb,
			 st, &ign) == -1 || !st->max) {
		if (ct_sysctl_read("nf_conntrack_count", &st->count) == -1 ||
		    ct_sysctl_read("nf_conntrack_max", &st->max) == -1) {
			err_done(&ign);
			memset(st, 0, sizeof(*st));
			return err_set(e, MASQ_EKERNEL, "conntrack: cannot read "
				       "the entry count (is nf_conntrack "
				       "loaded?)");
		}
	}
	err_done(&ign);
	if (ct_stats_ask(h, IPCTNL_MSG_CT_GET_STATS_CPU, true, ct_stats_cpu_cb,
			 st, e) == -1) {
		memset(st, 0, sizeof(*st));
		return -1;
	}
	return 0;
}

int
ct_accounting(void)
{
	uint64_t v;

	return ct_sysctl_read("nf_conntrack_acct", &v) == -1 ? -1 : v != 0;
}

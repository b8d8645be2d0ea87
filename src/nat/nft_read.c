/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_read.c - reading our tables back from the kernel over netlink: a
 * table, chain, rule and object dump per family (nft_ct.c parses the
 * objects), filtered to table "masqsh", parsed into the same libnftnl
 * structure the compiler builds so that one printer serves both.  Whatever a hand edit put in our table is kept; nothing
 * outside it is read.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "core/xalloc.h"
#include "nat/caps.h"
#include "nat/nft_int.h"
#include "nat/nft_ct.h"

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_table *tb = nftnl_table_alloc();

	if (!tb || nftnl_table_nlmsg_parse(nlh, tb) < 0) {
		rd->err = EINVAL;
		goto out;
	}
	if (strcmp(nftnl_table_get_str(tb, NFTNL_TABLE_NAME), NAT_TABLE_NAME) ||
	    (int)nftnl_table_get_u32(tb, NFTNL_TABLE_FAMILY) != rd->t->family)
		goto out;
	rd->t->present = true;
	rd->t->table = tb;
	return MNL_CB_OK;
out:
	if (tb)
		nftnl_table_free(tb);
	return MNL_CB_OK;
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_chain *ch = nftnl_chain_alloc();

	if (!ch || nftnl_chain_nlmsg_parse(nlh, ch) < 0) {
		rd->err = EINVAL;
		if (ch)
			nftnl_chain_free(ch);
		return MNL_CB_OK;
	}
	if (strcmp(nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE),
		   NAT_TABLE_NAME)) {
		nftnl_chain_free(ch);
		return MNL_CB_OK;
	}
	nft_tab_add_chain(rd->t, ch);
	return MNL_CB_OK;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_rd *rd = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *chain;
	size_t i;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		rd->err = EINVAL;
		goto drop;
	}
	if (strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), NAT_TABLE_NAME))
		goto drop;
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	for (i = 0; i < rd->t->n_chains; i++) {
		struct nft_chainset *cs = &rd->t->chains[i];

		if (!strcmp(chain, nftnl_chain_get_str(cs->chain,
						       NFTNL_CHAIN_NAME))) {
			nft_chainset_add_rule(cs, r, NULL);
			return MNL_CB_OK;
		}
	}
drop:
	if (r)
		nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int
dump(struct mnl_socket *nl, uint16_t type, struct nft_tab *t, mnl_cb_t cb,
     struct masq_err *e)
{
	size_t bufsz = 32768 * 4;
	char *buf = xmalloc(bufsz);
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(nl);
	struct nft_rd rd = { t, 0 };
	int ret = -1;

	nlh = nftnl_nlmsg_build_hdr(buf, type, (uint16_t)t->family,
				    NLM_F_DUMP, seq);
	if (type != NFT_MSG_GETTABLE) {
		/* The kernel filters chain, rule and object dumps by table. */
		uint16_t attr = type == NFT_MSG_GETCHAIN ? NFTA_CHAIN_TABLE :
			type == NFT_MSG_GETOBJ ? NFTA_OBJ_TABLE :
			NFTA_RULE_TABLE;

		mnl_attr_put_strz(nlh, attr, NAT_TABLE_NAME);
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err_sys(e, MASQ_EKERNEL, errno, "cannot ask the kernel for "
			"table %s", NAT_TABLE_NAME);
		nat_err_perm(e);
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, bufsz);
		int r;

		if (n < 0) {
			err_sys(e, MASQ_EKERNEL, errno, "reading table %s "
				"from the kernel failed", NAT_TABLE_NAME);
			nat_err_perm(e);
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, &rd);
		if (r < 0) {
			/* No table in this family: nothing of ours there. */
			if (errno == ENOENT)
				break;
			err_sys(e, MASQ_EFAIL, errno, "reading table %s from "
				"the kernel failed", NAT_TABLE_NAME);
			nat_err_perm(e);
			goto out;
		}
		if (r == MNL_CB_STOP)
			break;
	}
	if (rd.err) {
		err_set(e, MASQ_EFAIL, "cannot parse table %s as the kernel "
			"sent it", NAT_TABLE_NAME);
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

int
nft_kernel_read(struct nat_compiled **cp, struct masq_err *e)
{
	struct nat_compiled *c = nft_compiled_new();
	struct mnl_socket *nl = nft_sock_open(0, e);
	int i;

	*cp = NULL;
	if (!nl)
		goto fail;
	for (i = 0; i < 2; i++) {
		struct nft_tab *t = &c->tab[i];

		if (dump(nl, NFT_MSG_GETTABLE, t, table_cb, e) < 0)
			goto fail;
		if (!t->present)
			continue;
		if (dump(nl, NFT_MSG_GETCHAIN, t, chain_cb, e) < 0 ||
		    dump(nl, NFT_MSG_GETRULE, t, rule_cb, e) < 0 ||
		    dump(nl, NFT_MSG_GETOBJ, t, nft_ct_obj_cb, e) < 0)
			goto fail;
	}
	mnl_socket_close(nl);
	*cp = c;
	return 0;
fail:
	if (nl)
		mnl_socket_close(nl);
	nat_compiled_free(c);
	return -1;
}

int
nat_kernel_print(char **text, bool with_counters, struct masq_err *e)
{
	struct nat_compiled *c;

	*text = NULL;
	if (nft_kernel_read(&c, e) < 0)
		return -1;
	*text = nft_tabs_print(c, with_counters);
	nat_compiled_free(c);
	return 0;
}

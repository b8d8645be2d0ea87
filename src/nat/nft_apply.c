/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_apply.c - sending a compiled table set to the kernel as ONE nfnetlink
 * batch, and the kernel's answer.
 *
 * The batch is BEGIN, then per family: NEWTABLE masqsh (create, so it
 * exists), DELTABLE masqsh (drop the old one with everything in it), and
 * when the family is wanted NEWTABLE, the chains, the ct objects, the
 * anonymous sets of the rules' lists (NEWSET, then NEWSETELEM messages of
 * at most 256 elements) and every rule; then END.
 * The kernel applies all of it or nothing, and never looks at any other
 * table.  Check mode leaves out END: the kernel then processes and
 * validates every message and aborts the transaction, which is what `nft
 * -c` does.
 *
 * Completion: nfnetlink handles the whole batch inside our sendmsg() call,
 * so when it returns every error (and the one ACK we ask for, on the last
 * message) is already queued on the socket; we drain it without blocking,
 * as iptables-nft does, instead of asking for an ACK per message.  Each
 * message's sequence number maps back to the masqsh rule it came from, so
 * an error reads "masq rule 7: <kernel text>".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/batch.h>
#include <libnftnl/object.h>
#include <libnftnl/set.h>
#include <libnftnl/common.h>

#include "core/xalloc.h"
#include "nat/caps.h"
#include "nat/nft_int.h"
#include "nat/nl.h"

#define BATCH_PAGE (256u * 1024u)
#define BATCH_OVERRUN (64u * 1024u)

/* What each message of the batch was, by seq - seq0. */
struct msg_info {
	const char *what;		/* "table", "chain NAME", or NULL: rule */
	int family;
	struct nft_origin origin;
};

struct bctx {
	struct nftnl_batch *b;
	uint32_t seq0, seq;
	struct msg_info *info;
	size_t n_info, cap;
	struct nlmsghdr *last;
};

static struct nlmsghdr *
bmsg(struct bctx *bc, uint16_t type, int family, uint16_t flags,
     const char *what, const struct nft_origin *o)
{
	struct nlmsghdr *nlh;
	struct msg_info *mi;

	if (bc->n_info == bc->cap) {
		bc->cap = bc->cap ? bc->cap * 2 : 64;
		bc->info = xreallocarray(bc->info, bc->cap, sizeof(*bc->info));
	}
	mi = &bc->info[bc->n_info++];
	memset(mi, 0, sizeof(*mi));
	mi->what = what;
	mi->family = family;
	if (o)
		mi->origin = *o;
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bc->b), type,
				    (uint16_t)family, flags, bc->seq++);
	bc->last = nlh;
	return nlh;
}

static void
bnext(struct bctx *bc)
{
	if (nftnl_batch_update(bc->b) < 0)
		abort();	/* only on allocation failure */
}

/* Elements per NEWSETELEM message: the element list is one netlink
 * attribute, whose length is 16 bits, and a message must fit in the batch
 * page's overrun; 256 elements of at most ~48 bytes stay far below both. */
#define SETELEM_CHUNK 256

struct elem_chunk {
	struct bctx *bc;
	const struct nft_tab *t;
	size_t set;
	struct nftnl_set *part;		/* the elements not sent yet */
	size_t n;
};

/* An empty set naming set @ck->set: what a NEWSETELEM message needs. */
static struct nftnl_set *
part_new(const struct elem_chunk *ck)
{
	const struct nftnl_set *s = ck->t->sets[ck->set];
	struct nftnl_set *p = nftnl_set_alloc();

	if (!p)
		abort();
	nftnl_set_set_str(p, NFTNL_SET_TABLE, NAT_TABLE_NAME);
	nftnl_set_set_str(p, NFTNL_SET_NAME, nftnl_set_get_str(s,
							       NFTNL_SET_NAME));
	nftnl_set_set_u32(p, NFTNL_SET_ID, nftnl_set_get_u32(s, NFTNL_SET_ID));
	nftnl_set_set_u32(p, NFTNL_SET_FAMILY, (uint32_t)ck->t->family);
	return p;
}

static void
chunk_flush(struct elem_chunk *ck)
{
	struct nlmsghdr *nlh;

	if (ck->n == 0)
		return;
	nlh = bmsg(ck->bc, NFT_MSG_NEWSETELEM, ck->t->family,
		   NLM_F_CREATE | NLM_F_EXCL, "set",
		   &ck->t->set_origin[ck->set]);
	nftnl_set_elems_nlmsg_build_payload(nlh, ck->part);
	bnext(ck->bc);
	nftnl_set_free(ck->part);
	ck->part = part_new(ck);
	ck->n = 0;
}

/* Copy one element into the current part, sending it when full. */
static int
chunk_elem(struct nftnl_set_elem *e, void *data)
{
	struct elem_chunk *ck = data;
	struct nftnl_set_elem *c = nftnl_set_elem_alloc();
	uint32_t len = 0;
	const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);

	if (!c)
		abort();
	nftnl_set_elem_set(c, NFTNL_SET_ELEM_KEY, key, len);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
		nftnl_set_elem_set_u32(c, NFTNL_SET_ELEM_FLAGS,
				       nftnl_set_elem_get_u32(e,
						NFTNL_SET_ELEM_FLAGS));
	nftnl_set_elem_add(ck->part, c);
	if (++ck->n == SETELEM_CHUNK)
		chunk_flush(ck);
	return 0;
}

/* NEWSET for set @i of @t, then its elements in NEWSETELEM messages of at
 * most SETELEM_CHUNK each (one message could not hold 12,000). */
static void
batch_set(struct bctx *bc, const struct nft_tab *t, size_t i)
{
	struct nftnl_set *s = t->sets[i];
	struct elem_chunk ck = { bc, t, i, NULL, 0 };
	struct nlmsghdr *nlh;

	nlh = bmsg(bc, NFT_MSG_NEWSET, t->family, NLM_F_CREATE | NLM_F_EXCL,
		   "set", &t->set_origin[i]);
	nftnl_set_nlmsg_build_payload(nlh, s);
	bnext(bc);
	ck.part = part_new(&ck);
	nftnl_set_elem_foreach(s, chunk_elem, &ck);
	chunk_flush(&ck);
	nftnl_set_free(ck.part);
}

static void
batch_table(struct bctx *bc, const struct nft_tab *t)
{
	struct nftnl_table *tb = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	size_t i, j;

	if (!tb)
		abort();
	nftnl_table_set_u32(tb, NFTNL_TABLE_FAMILY, (uint32_t)t->family);
	nftnl_table_set_str(tb, NFTNL_TABLE_NAME, NAT_TABLE_NAME);
	nlh = bmsg(bc, NFT_MSG_NEWTABLE, t->family, NLM_F_CREATE, "table",
		   NULL);
	nftnl_table_nlmsg_build_payload(nlh, tb);
	bnext(bc);
	nlh = bmsg(bc, NFT_MSG_DELTABLE, t->family, 0, "table", NULL);
	nftnl_table_nlmsg_build_payload(nlh, tb);
	bnext(bc);
	nftnl_table_free(tb);
	if (!t->present)
		return;
	nlh = bmsg(bc, NFT_MSG_NEWTABLE, t->family, NLM_F_CREATE | NLM_F_EXCL,
		   "table", NULL);
	nftnl_table_nlmsg_build_payload(nlh, t->table);
	bnext(bc);
	for (i = 0; i < t->n_chains; i++) {
		nlh = bmsg(bc, NFT_MSG_NEWCHAIN, t->family,
			   NLM_F_CREATE | NLM_F_EXCL, "chain", NULL);
		nftnl_chain_nlmsg_build_payload(nlh, t->chains[i].chain);
		bnext(bc);
	}
	for (i = 0; i < t->n_objs; i++) {	/* ct objects (nft_ct.c) */
		nlh = bmsg(bc, NFT_MSG_NEWOBJ, t->family,
			   NLM_F_CREATE | NLM_F_EXCL, "object", NULL);
		nftnl_obj_nlmsg_build_payload(nlh, t->objs[i]);
		bnext(bc);
	}
	for (i = 0; i < t->n_sets; i++)	/* before the rules using them */
		batch_set(bc, t, i);
	for (i = 0; i < t->n_chains; i++) {
		const struct nft_chainset *cs = &t->chains[i];

		for (j = 0; j < cs->n_rules; j++) {
			nlh = bmsg(bc, NFT_MSG_NEWRULE, t->family,
				   NLM_F_CREATE | NLM_F_APPEND, NULL,
				   &cs->origin[j]);
			/* libnftnl takes a non-const rule; it only reads it. */
			nftnl_rule_nlmsg_build_payload(nlh, cs->rules[j]);
			bnext(bc);
		}
	}
}

static const char *
fam_name(int family)
{
	return family == NFPROTO_IPV6 ? "ip6" : "ip";
}

/* Does a table named like ours carry nft's 'flags owner'?  Then it is
 * another process's (we never set it).  Read only after a refusal. */
static bool
owned_elsewhere(void)
{
	struct nat_compiled *c = NULL;
	struct masq_err e2;
	bool owned = false;
	int i;

	err_init(&e2);
	if (nat_cap_net_admin() && nft_kernel_read(&c, &e2) == 0) {
		for (i = 0; i < 2; i++) {
			const struct nft_tab *t = &c->tab[i];

			if (t->present && t->table &&
			    nftnl_table_is_set(t->table, NFTNL_TABLE_FLAGS) &&
			    (nftnl_table_get_u32(t->table, NFTNL_TABLE_FLAGS) &
			     NFT_TABLE_F_OWNER))
				owned = true;
		}
	}
	nat_compiled_free(c);
	err_done(&e2);
	return owned;
}

/* Turn the first kernel error into our message, naming its source. */
static int
report(const struct bctx *bc, uint32_t seq, int err, const char *ktext,
       struct masq_err *e)
{
	const struct msg_info *mi = NULL;
	char where[96];
	int code = MASQ_EFAIL;

	if (seq >= bc->seq0 + 1 && seq - bc->seq0 - 1 < bc->n_info)
		mi = &bc->info[seq - bc->seq0 - 1];
	if (!mi)
		snprintf(where, sizeof(where), "the transaction");
	else if (mi->origin.kind == NFT_ORIGIN_MASQ)
		snprintf(where, sizeof(where), "masq rule %lld",
			 (long long)mi->origin.id);
	else if (mi->origin.kind == NFT_ORIGIN_FWD)
		snprintf(where, sizeof(where), "forward %lld",
			 (long long)mi->origin.id);
	else
		snprintf(where, sizeof(where), "%s %s %s",
			 mi->what ? mi->what : "rule", fam_name(mi->family),
			 NAT_TABLE_NAME);
	if (err == EPERM || err == EACCES || err == EOPNOTSUPP ||
	    err == ENOENT || err == EAFNOSUPPORT || err == EPROTONOSUPPORT)
		code = MASQ_EKERNEL;
	err_sys(e, code, err, "the kernel rejected %s", where);
	if (ktext)
		snprintf(e->kernel, sizeof(e->kernel), "%s", ktext);
	if ((err == EPERM || err == EACCES) && owned_elsewhere())
		/* Since Linux 5.12 a table created with 'flags owner'
		 * belongs to the process that made it: seen, not guessed. */
		err_hint(e, "another process owns a table named %s (nft "
			 "'flags owner'); see 'nft list tables', stop that "
			 "process, then apply again", NAT_TABLE_NAME);
	else if (err == EPERM || err == EACCES)
		nat_err_perm(e);	/* the capability, named */
	else if (err == EOPNOTSUPP || err == ENOENT)
		err_hint(e, "the kernel lacks a NAT feature this rule uses, or "
			 "does not allow it in this chain: load nf_tables, "
			 "nft_chain_nat, nft_nat, nft_masq (modprobe), or "
			 "change the rule");
	else
		err_hint(e, "nothing was changed; fix %s and apply again",
			 where);
	return -1;
}

static void
parse_ext_ack(const struct nlmsghdr *nlh, const struct nlmsgerr *er,
	      const char **msg)
{
	size_t off = sizeof(*er);
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += er->msg.nlmsg_len - sizeof(er->msg);
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			*msg = mnl_attr_get_str(a);
	}
}

/* Send the batch and drain the replies; the first error wins. */
static int
talk(struct mnl_socket *nl, struct bctx *bc, struct masq_err *e)
{
	int n_iov = nftnl_batch_iovec_len(bc->b);
	struct iovec *iov = xcalloc((size_t)n_iov, sizeof(*iov));
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct msghdr msg = {
		.msg_name = &snl, .msg_namelen = sizeof(snl),
		.msg_iov = iov, .msg_iovlen = (size_t)n_iov,
	};
	size_t bufsz = 64 * 1024;
	char *buf = xmalloc(bufsz);
	bool failed = false;
	int ret = -1;

	nftnl_batch_iovec(bc->b, iov, (uint32_t)n_iov);
	if (sendmsg(mnl_socket_get_fd(nl), &msg, 0) < 0) {
		err_sys(e, MASQ_EFAIL, errno, "cannot send the nftables batch");
		nat_err_perm(e);
		goto out;
	}
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(nl), buf, bufsz,
				 MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int left;

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			if (!failed)
				err_sys(e, MASQ_EFAIL, errno, "reading the "
					"kernel's answer failed");
			failed = true;
			break;
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf;
		     nl_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *er;
			const char *ktext = NULL;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			er = mnl_nlmsg_get_payload(nlh);
			if (er->error == 0 || failed)
				continue;
			parse_ext_ack(nlh, er, &ktext);
			report(bc, nlh->nlmsg_seq, -er->error, ktext, e);
			failed = true;
		}
	}
	ret = failed ? -1 : 0;
out:
	free(buf);
	free(iov);
	return ret;
}

static int
run_batch(const struct nft_tab *tabs, enum nat_apply_mode mode,
	  struct masq_err *e)
{
	struct bctx bc;
	struct mnl_socket *nl = NULL;
	size_t total = 0;
	int ret = -1, i;

	memset(&bc, 0, sizeof(bc));
	bc.b = nftnl_batch_alloc(BATCH_PAGE, BATCH_OVERRUN);
	if (!bc.b)
		abort();
	bc.seq0 = bc.seq = (uint32_t)time(NULL);
	nftnl_batch_begin(nftnl_batch_buffer(bc.b), bc.seq++);
	bnext(&bc);
	for (i = 0; i < 2; i++)
		batch_table(&bc, &tabs[i]);
	/* One ACK, on the last real message: proof the batch was read. */
	bc.last->nlmsg_flags |= NLM_F_ACK;
	if (mode == NAT_APPLY_COMMIT) {
		nftnl_batch_end(nftnl_batch_buffer(bc.b), bc.seq++);
		bnext(&bc);
	}
	{
		int n = nftnl_batch_iovec_len(bc.b);
		struct iovec *iov = xcalloc((size_t)n, sizeof(*iov));
		int k;

		nftnl_batch_iovec(bc.b, iov, (uint32_t)n);
		for (k = 0; k < n; k++)
			total += iov[k].iov_len;
		free(iov);
	}
	nl = nft_sock_open(total + 65536, e);
	if (!nl)
		goto out;
	ret = talk(nl, &bc, e);
out:
	if (nl)
		mnl_socket_close(nl);
	nftnl_batch_free(bc.b);
	free(bc.info);
	return ret;
}

int
nat_apply(const struct nat_compiled *c, enum nat_apply_mode mode,
	  struct masq_err *e)
{
	return run_batch(c->tab, mode, e);
}

int
nat_flush(struct masq_err *e)
{
	struct nat_compiled *c = nft_compiled_new();
	int ret = run_batch(c->tab, NAT_APPLY_COMMIT, e);

	nat_compiled_free(c);
	return ret;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_nft_read.c - the nftables read-back fed raw nfnetlink bytes: a
 * datagram of NFT_MSG_NEWTABLE/NEWCHAIN/NEWRULE/NEWOBJ/NEWSET/NEWSETELEM
 * messages (as the dumps of nft_kernel_read() receive them; the sets are
 * what a rule's list compiles to, printed where a rule looks them up) walked by nl_cb_run() into the
 * dump callbacks of nft_read.c (nft_read_msg(): libnftnl's
 * nftnl_*_nlmsg_parse, then our table's structure), the result printed
 * in nft syntax (nft_print.c, nft_ct.c: what `show nft` and the change
 * summary print); and the same bytes through nft_ruleset_parse(), the
 * every-owner reader of the diagnostics (nft_ruleset.c), and what that
 * reader kept walked by the filter evaluator (nft_eval.c) with a fixed
 * packet on every hook, IPv4 and IPv6.  First byte: bit 0 the family read
 * (ip / ip6), bit 1 counters printed.
 *
 * Properties: the printed text holds no control byte but \n and \t (the
 * terminal gets only what it should), and is the same printed twice; the
 * plain ruleset is consistent (every rule's chain exists, every name is a
 * terminated string, no chain counts more rules than were kept); the
 * evaluator ends (a goto loop is cut), keeps its indexes in range, and its
 * hook verdict agrees with its chains' (a drop is the last chain met).
 */
#include "config.h"

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>

#include "core/err.h"
#include "nat/nft.h"
#include "nat/nft_eval.h"
#include "nat/nft_int.h"
#include "nat/nft_ruleset.h"
#include "nat/nl.h"
#include "fuzz.h"

static int
read_cb(const struct nlmsghdr *nlh, void *data)
{
	nft_read_msg(nlh, data);
	return MNL_CB_OK;
}

static void
check_text(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		fuzz_assert((unsigned char)s[i] >= 0x20 || s[i] == '\n' ||
			    s[i] == '\t', "control byte 0x%02x at %zu",
			    (unsigned char)s[i], i);
}

static void
check_name(const char *s, size_t size)
{
	fuzz_assert(memchr(s, '\0', size) != NULL, "unterminated name");
}

/* A fixed packet: tcp 192.0.2.1:40000 -> 198.51.100.2:8080 (or the ip6
 * documentation addresses), in "wan0" out "lan0", new. */
static void
eval_pkt(struct nft_eval_pkt *p, int family)
{
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t s4[4] = { 192, 0, 2, 1 }, d4[4] = { 198, 51, 100, 2 };

	memset(p, 0, sizeof(*p));
	p->family = family;
	p->proto = 6;
	memcpy(p->src, family == NFT_RS_IP ? s4 : s6, family == NFT_RS_IP ?
	       4 : 16);
	memcpy(p->dst, family == NFT_RS_IP ? d4 : d6, family == NFT_RS_IP ?
	       4 : 16);
	p->has_sport = p->has_dport = p->has_tcp_flags = true;
	p->sport = 40000;
	p->dport = 8080;
	p->tcp_flags = 0x02;
	p->iif_state = p->oif_state = NFT_EVAL_IF_KNOWN;
	memcpy(p->iif, "wan0", 5);
	memcpy(p->oif, "lan0", 5);
	p->iif_index = 2;
	p->oif_index = 3;
	p->ct_state = NFT_EVAL_CT_NEW;
	p->ct_status = NFT_EVAL_ST_DST_NAT | NFT_EVAL_ST_DST_NAT_DONE;
}

static void
check_eval(const struct nft_ruleset *rs)
{
	static const int fams[] = { NFT_RS_IP, NFT_RS_IP6 };
	struct nft_eval_pkt p, q;
	struct nft_eval_hook h;
	size_t f, i;
	int hook;

	for (f = 0; f < 2; f++)
		for (hook = 0; hook <= NFT_RS_POSTROUTING; hook++) {
			eval_pkt(&p, fams[f]);
			q = p;
			q.mark = 1;
			nft_eval_run(rs, hook, &p, &q, -100, &h);
			fuzz_assert(h.decider < (long)h.n_chains, "decider");
			fuzz_assert((h.decider < 0) ==
				    (h.verdict == NFT_EVAL_ACCEPT), "verdict");
			if (h.verdict == NFT_EVAL_DROP)
				fuzz_assert(h.decider == (long)h.n_chains - 1,
					    "a drop is the last chain met");
			for (i = 0; i < h.n_chains; i++) {
				const struct nft_eval_chain *c = &h.chains[i];

				fuzz_assert(c->chain < rs->n_chains &&
					    c->rule_chain < rs->n_chains,
					    "chain index");
				fuzz_assert(memchr(c->why, '\0',
						   sizeof(c->why)) != NULL,
					    "why unterminated");
				fuzz_assert(nft_eval_verdict_name(c->verdict)
					    != NULL, "name");
			}
			nft_eval_hook_done(&h);
		}
}

static void
check_ruleset(const void *buf, size_t len)
{
	struct nft_ruleset rs;
	struct masq_err e;
	size_t i, j;

	err_init(&e);
	if (nft_ruleset_parse(buf, len, &rs, &e) < 0) {
		fuzz_assert(rs.n_chains == 0 && rs.n_rules == 0 &&
			    rs.n_helpers == 0, "not empty after an error");
		err_done(&e);
		return;
	}
	err_done(&e);
	for (i = 0; i < rs.n_chains; i++) {
		const struct nft_rs_chain *ch = &rs.chains[i];
		size_t n = 0;

		check_name(ch->table, sizeof(ch->table));
		check_name(ch->name, sizeof(ch->name));
		check_name(ch->type, sizeof(ch->type));
		fuzz_assert(nft_rs_family_name(ch->family) != NULL &&
			    nft_rs_hook_name(ch->hook) != NULL, "names");
		for (j = 0; j < rs.n_rules; j++)
			n += rs.rules[j].chain == i;
		fuzz_assert(n == ch->n_rules, "chain %zu: %zu rules, says %u",
			    i, n, ch->n_rules);
	}
	for (i = 0; i < rs.n_rules; i++) {
		const struct nft_rs_rule *r = &rs.rules[i];

		fuzz_assert(r->chain < rs.n_chains, "rule %zu: chain %zu", i,
			    r->chain);
		fuzz_assert(nft_rs_chain_of(&rs, r) != NULL, "chain of");
		for (j = 0; j < r->n_x; j++) {
			check_name(r->x[j].name, sizeof(r->x[j].name));
			check_name(r->x[j].obj, sizeof(r->x[j].obj));
		}
	}
	for (i = 0; i < rs.n_helpers; i++) {
		check_name(rs.helpers[i].table, sizeof(rs.helpers[i].table));
		check_name(rs.helpers[i].name, sizeof(rs.helpers[i].name));
		check_name(rs.helpers[i].helper, sizeof(rs.helpers[i].helper));
	}
	check_eval(&rs);
	nft_ruleset_done(&rs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nat_compiled *c;
	struct nft_tab *t;
	bool counters;
	uint32_t *buf;
	char *text, *again;

	if (size < 1 || size > 65536)
		return 0;
	/* netlink messages are 4-byte aligned in the receive buffer, and
	 * nft_dump() puts a NUL after the datagram */
	buf = calloc(1, (size + 4) & ~(size_t)3);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	counters = data[0] & 2;
	c = nft_compiled_new();
	t = &c->tab[(data[0] & 1) ? NFT_TAB_IP6 : NFT_TAB_IP];
	nl_cb_run(buf, size - 1, 0, 0, read_cb, t);
	text = nft_tabs_print(c, counters);
	fuzz_assert(text != NULL, "no text");
	check_text(text);
	again = nft_tabs_print(c, counters);
	fuzz_assert(!strcmp(text, again), "printed twice, not the same");
	free(again);
	free(text);
	nat_compiled_free(c);
	check_ruleset(buf, size - 1);
	free(buf);
	return 0;
}

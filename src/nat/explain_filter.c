/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * explain_filter.c - someone else's filter on a flow's way: the packets
 * explain worked out (the first one, and its reply's first one) as each
 * hook they cross sees them, walked through every other table's base
 * chains (nft_eval.c), and the `nft` rule that would let them through.
 *
 * Owns: which hooks a flow crosses, what each hook sees of it (the
 * interfaces a hook has, ct state and status, the addresses before and
 * after our NAT at its priority), the fix text.  Does not own: the
 * evaluation (nft_eval.c), reading the ruleset (nft_ruleset.c), our own
 * NAT (explain.c), printing (the commands).
 *
 * What a hook sees follows the kernel: prerouting and input have no
 * output device, output and postrouting no input device; the DNAT of
 * prerouting (priority -100) sets ct status dnat for the chains after it;
 * the SNAT of postrouting (100) changes the source for the chains after
 * it; the first packet is ct state new (a TCP SYN, an ICMP echo request),
 * the reply's first established (a SYN/ACK, an echo reply) with the
 * status seen-reply.
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "core/ctent.h"
#include "nat/explain.h"

#define PRIO_DNAT (-100)	/* NF_IP_PRI_NAT_DST */
#define PRIO_SNAT 100		/* NF_IP_PRI_NAT_SRC */

static void
pkt_if(enum nft_eval_if *st, char *name, uint32_t *index, const char *n)
{
	if (!n) {
		*st = NFT_EVAL_IF_NONE;
		return;
	}
	if (!n[0]) {
		*st = NFT_EVAL_IF_UNKNOWN;
		return;
	}
	*st = NFT_EVAL_IF_KNOWN;
	snprintf(name, 16, "%s", n);
	/* meta iif/oif compare indexes: only an existing device has one */
	*index = if_nametoindex(n);
}

/* The first packet from @src to @dst (ports likewise) on a hook with the
 * devices @iif and @oif (NULL: none on this hook; "": unknown). */
static void
pkt_make(struct nft_eval_pkt *p, const struct explain_flow *f,
	 const uint8_t *src, const uint8_t *dst, bool has_sport,
	 uint16_t sport, bool has_dport, uint16_t dport, const char *iif,
	 const char *oif, bool reply)
{
	memset(p, 0, sizeof(*p));
	p->family = f->family == AF_INET6 ? NFT_RS_IP6 : NFT_RS_IP;
	p->proto = f->proto;
	memcpy(p->src, src, 16);
	memcpy(p->dst, dst, 16);
	p->has_sport = has_sport;
	p->sport = sport;
	p->has_dport = has_dport;
	p->dport = dport;
	p->has_tcp_flags = f->proto == IPPROTO_TCP;
	p->tcp_flags = reply ? 0x12 : 0x02;
	/* an ICMP flow explain is asked about is a ping: echo request, and
	 * its reply an echo reply */
	p->has_icmp = f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6;
	if (f->proto == IPPROTO_ICMP)
		p->icmp_type = reply ? 0 : 8;
	else
		p->icmp_type = reply ? 129 : 128;
	pkt_if(&p->iif_state, p->iif, &p->iif_index, iif);
	pkt_if(&p->oif_state, p->oif, &p->oif_index, oif);
	p->ct_state = reply ? NFT_EVAL_CT_ESTABLISHED : NFT_EVAL_CT_NEW;
	p->ct_status = reply ? NFT_EVAL_ST_SEEN_REPLY | NFT_EVAL_ST_CONFIRMED |
		       NFT_EVAL_ST_DST_NAT_DONE | NFT_EVAL_ST_SRC_NAT_DONE : 0;
}

static void
hook_add(struct explain_filter *ef, const struct nft_ruleset *rs, int hook,
	 bool reply, const struct nft_eval_pkt *p,
	 const struct nft_eval_pkt *p_nat, int nat_prio)
{
	struct explain_filter_hook *fh = &ef->hooks[ef->n++];

	fh->reply = reply;
	nft_eval_run(rs, hook, p, p_nat, nat_prio, &fh->h);
	if (fh->h.n_chains)
		ef->any_chain = true;
}

/* The first packet, hook by hook. */
static void
run_orig(const struct nft_ruleset *rs, const struct explain_filter_in *in,
	 struct explain_filter *ef)
{
	const struct explain_flow *f = in->f, *a = in->after;
	struct nft_eval_pkt pre, post, snat;
	uint32_t st = in->dnat ? NFT_EVAL_ST_DST_NAT | NFT_EVAL_ST_DST_NAT_DONE :
		      NFT_EVAL_ST_DST_NAT_DONE;

	if (!f->local_src) {
		pkt_make(&pre, f, f->src, f->dst, f->has_sport, f->sport,
			 f->has_dport, f->dport, f->iif, NULL, false);
		pkt_make(&post, f, a->src, a->dst, a->has_sport, a->sport,
			 a->has_dport, a->dport, f->iif, NULL, false);
		post.ct_status = st;
		hook_add(ef, rs, NFT_RS_PREROUTING, false, &pre, &post,
			 PRIO_DNAT);
		if (in->local_dst) {
			hook_add(ef, rs, NFT_RS_INPUT, false, &post, NULL, 0);
			return;
		}
		pkt_make(&post, f, a->src, a->dst, a->has_sport, a->sport,
			 a->has_dport, a->dport, f->iif, a->oif, false);
		post.ct_status = st;
		hook_add(ef, rs, NFT_RS_FORWARD, false, &post, NULL, 0);
	} else {
		pkt_make(&post, f, a->src, a->dst, a->has_sport, a->sport,
			 a->has_dport, a->dport, NULL, a->oif, false);
		hook_add(ef, rs, NFT_RS_OUTPUT, false, &post, NULL, 0);
	}
	pkt_make(&post, f, a->src, a->dst, a->has_sport, a->sport,
		 a->has_dport, a->dport, NULL, a->oif, false);
	post.ct_status = st;
	snat = post;
	if (in->snat && in->snat_known) {
		memcpy(snat.src, in->snat_addr, 16);
		snat.ct_status |= NFT_EVAL_ST_SRC_NAT | NFT_EVAL_ST_SRC_NAT_DONE;
	}
	hook_add(ef, rs, NFT_RS_POSTROUTING, false, &post,
		 in->snat ? &snat : NULL, PRIO_SNAT);
}

/* The reply's first packet of a forwarded flow: back from the new
 * destination to the source, in by the way out. */
static void
run_reply(const struct nft_ruleset *rs, const struct explain_filter_in *in,
	  struct explain_filter *ef)
{
	const struct explain_flow *f = in->f, *a = in->after;
	const uint8_t *to = in->snat && in->snat_known ? in->snat_addr : f->src;
	struct nft_eval_pkt pre, fwd;
	uint32_t nat = (in->dnat ? NFT_EVAL_ST_DST_NAT : 0) |
		       (in->snat ? NFT_EVAL_ST_SRC_NAT : 0);

	pkt_make(&pre, f, a->dst, to, a->has_dport, a->dport, f->has_sport,
		 f->sport, a->oif, NULL, true);
	pre.ct_status |= nat;
	pkt_make(&fwd, f, a->dst, f->src, a->has_dport, a->dport,
		 f->has_sport, f->sport, a->oif, NULL, true);
	fwd.ct_status |= nat;
	hook_add(ef, rs, NFT_RS_PREROUTING, true, &pre, &fwd, PRIO_DNAT);
	pkt_make(&fwd, f, a->dst, f->src, a->has_dport, a->dport,
		 f->has_sport, f->sport, a->oif, f->iif, true);
	fwd.ct_status |= nat;
	hook_add(ef, rs, NFT_RS_FORWARD, true, &fwd, NULL, 0);
}

void
explain_filter_run(const struct nft_ruleset *rs,
		   const struct explain_filter_in *in, bool reply,
		   struct explain_filter *ef)
{
	size_t i;

	memset(ef, 0, sizeof(*ef));
	ef->decider = -1;
	run_orig(rs, in, ef);
	if (reply && !in->f->local_src && !in->local_dst)
		run_reply(rs, in, ef);
	for (i = 0; i < ef->n; i++) {
		enum nft_eval_verdict v = ef->hooks[i].h.verdict;

		if (v == NFT_EVAL_DROP && ef->verdict != NFT_EVAL_DROP) {
			ef->verdict = NFT_EVAL_DROP;
			ef->decider = (long)i;
		} else if (v == NFT_EVAL_UNSURE && ef->decider < 0) {
			ef->verdict = NFT_EVAL_UNSURE;
			ef->decider = (long)i;
		}
	}
}

void
explain_filter_done(struct explain_filter *ef)
{
	size_t i;

	for (i = 0; i < ef->n; i++)
		nft_eval_hook_done(&ef->hooks[i].h);
	ef->n = 0;
}

/* The match of the fix rule for hook @fh of @in. */
static void
fix_match(const struct explain_filter_hook *fh,
	  const struct explain_filter_in *in, const char *src_match,
	  char *buf, size_t size)
{
	const struct explain_flow *f = in->f, *a = in->after;
	const char *iif = fh->reply ? a->oif : f->local_src ? "" : f->iif;
	const char *oif = fh->reply ? f->iif : a->oif;
	int hook = fh->h.hook;
	size_t n = 0;

	buf[0] = '\0';
	if (fh->reply) {
		snprintf(buf, size, "ct state established,related");
		return;
	}
	if (in->dnat && (hook == NFT_RS_FORWARD ||
			 hook == NFT_RS_POSTROUTING || hook == NFT_RS_INPUT)) {
		snprintf(buf, size, "ct status dnat");
		return;
	}
	if (iif[0] && hook != NFT_RS_OUTPUT && hook != NFT_RS_POSTROUTING)
		n += (size_t)snprintf(buf + n, size - n, "iifname \"%s\" ",
				      iif);
	if (n < size && oif[0] && hook != NFT_RS_PREROUTING &&
	    hook != NFT_RS_INPUT)
		n += (size_t)snprintf(buf + n, size - n, "oifname \"%s\" ",
				      oif);
	if (n < size && src_match)
		n += (size_t)snprintf(buf + n, size - n, "%s ", src_match);
	if (n < size && in->dnat && f->has_dport)	/* before our DNAT */
		n += (size_t)snprintf(buf + n, size - n, "meta l4proto %u "
				      "th dport %u ", f->proto, f->dport);
	if (n > 0 && n < size)
		buf[n - 1] = '\0';
	else if (n == 0)
		snprintf(buf, size, "ct state new");
}

bool
explain_filter_fix(const struct nft_ruleset *rs,
		   const struct explain_filter *ef,
		   const struct explain_filter_in *in, const char *src_match,
		   char *buf, size_t size)
{
	const struct explain_filter_hook *fh;
	const struct nft_eval_chain *d;
	const struct nft_rs_chain *ch;
	char match[256], pos[48] = "";

	if (ef->verdict != NFT_EVAL_DROP || ef->decider < 0)
		return false;
	fh = &ef->hooks[ef->decider];
	if (fh->h.decider < 0)
		return false;
	d = &fh->h.chains[fh->h.decider];
	ch = &rs->chains[d->rule_chain];
	fix_match(fh, in, src_match, match, sizeof(match));
	/* after a policy drop an appended rule is reached; before a
	 * dropping rule, one inserted in front of it */
	if (!d->by_policy)
		snprintf(pos, sizeof(pos), " position %llu",
			 (unsigned long long)d->handle);
	snprintf(buf, size, "nft %s rule %s %s %s%s %s accept",
		 d->by_policy ? "add" : "insert",
		 nft_rs_family_name(ch->family), ch->table, ch->name, pos,
		 match);
	return true;
}

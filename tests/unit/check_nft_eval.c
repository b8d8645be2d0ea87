/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_nft_eval.c - the filter evaluator (nat/nft_eval.h) on rules the
 * kernel itself holds: each case loads a ruleset with `nft -f` (the test
 * oracle) into a private network namespace, reads it back with
 * nft_ruleset_read() and walks packets through one hook, expecting the
 * verdict, the chain and rule that decide (by position: the kernel picks
 * the handles) and, for "unsure", the expression named.  The bytecode is
 * the kernel's, so the inet nfproto guards, prefix masks, ranges and
 * ct bitmasks are those nft really generates.  Then explain_filter
 * (nat/explain.h): a forward's or masq flow through its hooks, reply
 * included, and the exact nft rule a drop calls for.  Skipped (with the
 * reason) without root or nft.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "nat/explain.h"
#include "nat/nft_eval.h"
#include "nat/nft_ruleset.h"

static int child_fail;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);	\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			child_fail = 1;					\
		}							\
	} while (0)

#define ISSUE_FILTER							\
	"table inet filter { chain forward { type filter hook forward "	\
	"priority 0; policy drop; ct state established,related accept; "\
	"iifname \"lan0\" accept; }; }\n"

/* One packet on one hook and what must come of it. */
struct pcase {
	const char *what;
	int hook;
	const char *proto;	/* "tcp", "udp", "icmp" */
	const char *src, *dst;	/* addresses (v4 or v6) */
	int sport, dport;	/* -1 unknown */
	const char *iif, *oif;	/* NULL none on this hook, "?" unknown */
	uint32_t ct_state, ct_status;
	uint32_t mark;
	enum nft_eval_verdict want;
	const char *table, *chain;	/* the deciding chain (NULL: none) */
	int rule;		/* its position in that chain; -1 policy */
	const char *why;	/* UNSURE: a word of the reason */
};

struct kcase {
	const char *nft;	/* the ruleset, nft syntax */
	const struct pcase *p;
};

#define NEW NFT_EVAL_CT_NEW
#define EST NFT_EVAL_CT_ESTABLISHED
#define DNAT (NFT_EVAL_ST_DST_NAT | NFT_EVAL_ST_DST_NAT_DONE)
#define FWD NFT_RS_FORWARD
#define ACC NFT_EVAL_ACCEPT
#define DROP NFT_EVAL_DROP
#define UNS NFT_EVAL_UNSURE

static const struct pcase issue_cases[] = {
	{ "a forward's first packet: the policy drops it", FWD, "tcp",
	  "203.0.113.5", "192.168.1.10", 40000, 80, "wan0", "lan0", NEW, DNAT,
	  0, DROP, "filter", "forward", -1, NULL },
	{ "its reply: established", FWD, "tcp", "192.168.1.10", "203.0.113.5",
	  80, 40000, "lan0", "wan0", EST, DNAT, 0, ACC, "filter", "forward",
	  0, NULL },
	{ "a LAN host going out", FWD, "udp", "192.168.1.20", "198.51.100.1",
	  5000, 53, "lan0", "wan0", NEW, 0, 0, ACC, "filter", "forward", 1,
	  NULL },
	{ "an unknown in-interface: cannot tell", FWD, "tcp", "203.0.113.5",
	  "192.168.1.10", 1, 80, "?", "lan0", NEW, 0, 0, UNS, "filter",
	  "forward", 1, "iifname" },
	{ "the input hook has no chain", NFT_RS_INPUT, "tcp", "203.0.113.5",
	  "192.0.2.1", 1, 22, "wan0", NULL, NEW, 0, 0, ACC, NULL, NULL, 0,
	  NULL },
	{ NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL,
	  0, NULL },
};

static const struct pcase fixed_cases[] = {
	{ "with ct status dnat accepted", FWD, "tcp", "203.0.113.5",
	  "192.168.1.10", 40000, 80, "wan0", "lan0", NEW, DNAT, 0, ACC,
	  "filter", "forward", 2, NULL },
	{ "not DNAT'ed: still the policy", FWD, "tcp", "203.0.113.5",
	  "192.168.1.10", 40000, 80, "wan0", "lan0", NEW,
	  NFT_EVAL_ST_DST_NAT_DONE, 0, DROP, "filter", "forward", -1, NULL },
	{ NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL,
	  0, NULL },
};

static const struct pcase match_cases[] = {
	{ "prefix: 10/8 dropped", FWD, "tcp", "10.1.2.3", "192.0.2.1", 1, 2,
	  "a", "b", NEW, 0, 0, DROP, "t", "f", 0, NULL },
	{ "prefix: others pass the first rule, range 1000-2000", FWD, "tcp",
	  "192.0.2.7", "192.0.2.1", 1, 1500, "a", "b", NEW, 0, 0, DROP, "t",
	  "f", 1, NULL },
	{ "udp in the range: the tcp rule does not match", FWD, "udp",
	  "192.0.2.7", "192.0.2.1", 1, 1500, "a", "b", NEW, 0, 0, ACC, "t",
	  "f", -1, NULL },
	{ "tcp outside the range", FWD, "tcp", "192.0.2.7", "192.0.2.1", 1,
	  2001, "a", "b", NEW, 0, 0, ACC, "t", "f", -1, NULL },
	{ "a mark", FWD, "icmp", "192.0.2.7", "192.0.2.1", -1, -1, "a", "b",
	  NEW, 0, 7, DROP, "t", "f", 3, NULL },
	{ "icmp echo-request accepted before the mark rule", FWD, "icmp",
	  "192.0.2.8", "192.0.2.1", -1, -1, "a", "b", NEW, 0, 7, ACC, "t",
	  "f", 2, NULL },
	{ "oifname prefix wg*", FWD, "icmp", "192.0.2.7", "192.0.2.1", -1,
	  -1, "a", "wg3", NEW, 0, 0, DROP, "t", "f", 4, NULL },
	{ "no oif on prerouting: oifname never matches", NFT_RS_PREROUTING,
	  "icmp", "192.0.2.7", "192.0.2.1", -1, -1, "a", NULL, NEW, 0, 0,
	  ACC, "t", "p", -1, NULL },
	{ "ip6: not this table's family", FWD, "tcp", "2001:db8::1",
	  "2001:db8::2", 1, 2, "a", "b", NEW, 0, 0, ACC, NULL, NULL, 0,
	  NULL },
	{ NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL,
	  0, NULL },
};

static const struct pcase unsure_cases[] = {
	{ "numgen: cannot tell", FWD, "tcp", "192.0.2.7", "192.0.2.1", 1, 2,
	  "a", "b", NEW, 0, 0, UNS, "u", "f", 0, "numgen" },
	{ "udp never reaches the numgen (l4proto first); not in the set",
	  FWD, "udp", "192.0.2.7", "192.0.2.1", 1, 2, "a", "b", NEW, 0, 0,
	  ACC, "u", "f", -1, NULL },
	{ "udp 123: in the anonymous set", FWD, "udp", "192.0.2.7",
	  "192.0.2.1", 1, 123, "a", "b", NEW, 0, 0, DROP, "u", "f", 1, NULL },
	{ "icmp: neither; the ip6 table drops nothing; policy", FWD, "icmp",
	  "192.0.2.7", "192.0.2.1", -1, -1, "a", "b", NEW, 0, 0, ACC, "u",
	  "f", -1, NULL },
	{ "a concatenation of ranges: not followed", NFT_RS_INPUT, "tcp",
	  "10.1.1.1", "192.0.2.1", 1, 50, "a", NULL, NEW, 0, 0, UNS, "u",
	  "in", 0, "set lookup @cc" },
	{ "ip6 to 2001:db8::/32 dropped by the ip6 table", FWD, "icmp",
	  "fd00::1", "2001:db8::5", -1, -1, "a", "b", NEW, 0, 0, DROP, "six",
	  "f", 0, NULL },
	{ "ip6 elsewhere: accepted", FWD, "icmp", "fd00::1", "fd00::2", -1,
	  -1, "a", "b", NEW, 0, 0, ACC, "six", "f", -1, NULL },
	{ NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL,
	  0, NULL },
};

static const struct pcase jump_cases[] = {
	{ "jump: eth9 returns, policy accepts", FWD, "tcp", "192.0.2.7",
	  "192.0.2.1", 1, 2, "eth9", "b", NEW, 0, 0, ACC, "j", "f", -1,
	  NULL },
	{ "jump: others dropped in the jumped-to chain", FWD, "tcp",
	  "192.0.2.7", "192.0.2.1", 1, 2, "eth1", "b", NEW, 0, 0, DROP, "j",
	  "sub", 1, NULL },
	{ "goto: rejected (a drop) in the chain gone to", FWD, "tcp",
	  "192.0.2.7", "192.0.2.1", 1, 22, "eth1", "b", NEW, 0, 0, DROP, "j",
	  "rej", 0, NULL },
	{ "priority: the ip chain at -10 drops before the inet one",
	  NFT_RS_INPUT, "tcp", "192.0.2.7", "192.0.2.1", 1, 2, "eth1", NULL,
	  NEW, 0, 0, DROP, "j", "early", 0, NULL },
	{ "our own table is left out", NFT_RS_OUTPUT, "tcp", "192.0.2.7",
	  "192.0.2.1", 1, 2, NULL, "eth1", NEW, 0, 0, ACC, NULL, NULL, 0,
	  NULL },
	{ "a nat chain sees only new: established skips it",
	  NFT_RS_POSTROUTING, "tcp", "192.0.2.7", "192.0.2.1", 1, 2, "a",
	  "b", EST, 0, 0, ACC, NULL, NULL, 0, NULL },
	{ "a nat chain of another table: its masquerade is unsure",
	  NFT_RS_POSTROUTING, "tcp", "192.0.2.7", "192.0.2.1", 1, 2, "a",
	  "b", NEW, 0, 0, UNS, "j", "nat", 0, "masq" },
	{ NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL,
	  0, NULL },
};

static const struct pcase set_cases[] = {
	{ "interval set: 10/8", FWD, "tcp", "10.1.2.3", "192.0.2.1", 1, 2,
	  "a", "b", NEW, 0, 0, DROP, "s", "f", 0, NULL },
	{ "interval set: the last of 192.0.2.0/24", FWD, "tcp",
	  "192.0.2.255", "192.0.2.1", 1, 2, "a", "b", NEW, 0, 0, DROP, "s",
	  "f", 0, NULL },
	{ "vmap: 22 drops", FWD, "tcp", "192.0.3.0", "192.0.2.1", 1, 22, "a",
	  "b", NEW, 0, 0, DROP, "s", "f", 1, NULL },
	{ "vmap: 80 accepts", FWD, "tcp", "192.0.3.0", "192.0.2.1", 1, 80,
	  "a", "b", NEW, 0, 0, ACC, "s", "f", 1, NULL },
	{ "vmap miss, then != { 443, 8443 }: 443 passes to the policy", FWD,
	  "tcp", "9.9.9.9", "192.0.2.1", 1, 443, "a", "b", NEW, 0, 0, ACC,
	  "s", "f", -1, NULL },
	{ "!= { 443, 8443 }: 25 dropped", FWD, "tcp", "9.9.9.9", "192.0.2.1",
	  1, 25, "a", "b", NEW, 0, 0, DROP, "s", "f", 2, NULL },
	{ "a mark set from a map: the statement is not followed", FWD,
	  "icmp", "9.9.9.9", "192.0.2.1", -1, -1, "lan9", "b", NEW, 0, 0, UNS,
	  "s", "m", 0, "expression meta" },
	{ NULL, 0, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL,
	  0, NULL },
};

static const struct kcase kcases[] = {
	{ ISSUE_FILTER, issue_cases },
	{ ISSUE_FILTER "add rule inet filter forward ct status dnat accept\n",
	  fixed_cases },
	{ "table ip t { chain f { type filter hook forward priority 0;\n"
	  "ip saddr 10.0.0.0/8 counter drop\n"
	  "tcp dport 1000-2000 drop\n"
	  "ip saddr 192.0.2.8 icmp type echo-request accept\n"
	  "meta mark 7 drop\n"
	  "oifname \"wg*\" drop; }\n"
	  "chain p { type filter hook prerouting priority 0;\n"
	  "oifname \"b\" drop; }; }\n", match_cases },
	{ "table ip u { chain f { type filter hook forward priority 0;\n"
	  "meta l4proto tcp numgen random mod 2 0 drop\n"
	  "udp dport { 53, 123 } drop; }\n"
	  "set cc { type ipv4_addr . inet_service; flags interval;\n"
	  "elements = { 10.0.0.0/8 . 1-100 }; }\n"
	  "chain in { type filter hook input priority 0;\n"
	  "ip saddr . tcp dport @cc drop; }; }\n"
	  "table ip6 six { chain f { type filter hook forward priority 0;\n"
	  "ip6 daddr 2001:db8::/32 log drop; }; }\n", unsure_cases },
	{ "table inet j { chain f { type filter hook forward priority 0;\n"
	  "tcp dport 22 goto rej\n jump sub; }\n"
	  "chain sub { iifname \"eth9\" return\n drop; }\n"
	  "chain rej { reject; }\n"
	  "chain in { type filter hook input priority 10; drop; }\n"
	  "chain nat { type nat hook postrouting priority 100; masquerade; }; "
	  "}\n"
	  "table ip j { chain early { type filter hook input priority -10;\n"
	  "drop; }; }\n"
	  "table ip masqsh { chain o { type filter hook output priority 0;\n"
	  "policy drop; }; }\n", jump_cases },
	{ "table inet s { set bad { type ipv4_addr; flags interval;\n"
	  "elements = { 10.0.0.0/8, 192.0.2.0/24 }; }\n"
	  "map mk { type ifname : mark; elements = { \"lan9\" : 5 }; }\n"
	  "chain f { type filter hook forward priority 0;\n"
	  "ip saddr @bad drop\n"
	  "tcp dport vmap { 22 : drop, 80 : accept }\n"
	  "tcp dport != { 443, 8443 } drop; }\n"
	  "chain m { type filter hook forward priority 5;\n"
	  "meta mark set iifname map @mk meta mark 5 drop; }; }\n",
	  set_cases },
};

#define NKCASES ((int)(sizeof(kcases) / sizeof(kcases[0])))

static void
pkt_make(const struct pcase *c, struct nft_eval_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->family = strchr(c->src, ':') ? NFT_RS_IP6 : NFT_RS_IP;
	inet_pton(p->family == NFT_RS_IP ? AF_INET : AF_INET6, c->src,
		  p->src);
	inet_pton(p->family == NFT_RS_IP ? AF_INET : AF_INET6, c->dst,
		  p->dst);
	p->proto = !strcmp(c->proto, "tcp") ? IPPROTO_TCP :
		!strcmp(c->proto, "udp") ? IPPROTO_UDP :
		p->family == NFT_RS_IP ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	p->has_sport = c->sport >= 0;
	p->has_dport = c->dport >= 0;
	p->sport = (uint16_t)(c->sport >= 0 ? c->sport : 0);
	p->dport = (uint16_t)(c->dport >= 0 ? c->dport : 0);
	p->iif_state = !c->iif ? NFT_EVAL_IF_NONE : !strcmp(c->iif, "?") ?
		NFT_EVAL_IF_UNKNOWN : NFT_EVAL_IF_KNOWN;
	p->oif_state = !c->oif ? NFT_EVAL_IF_NONE : !strcmp(c->oif, "?") ?
		NFT_EVAL_IF_UNKNOWN : NFT_EVAL_IF_KNOWN;
	if (c->iif)
		snprintf(p->iif, sizeof(p->iif), "%s", c->iif);
	if (c->oif)
		snprintf(p->oif, sizeof(p->oif), "%s", c->oif);
	p->ct_state = c->ct_state;
	p->ct_status = c->ct_status;
	p->mark = c->mark;
	p->has_icmp = p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;
	p->icmp_type = p->proto == IPPROTO_ICMP ? 8 : 128;	/* echo */
}

/* The handle of rule @k of chain @table @chain (any family). */
static uint64_t
handle_of(const struct nft_ruleset *rs, size_t chain, int k)
{
	size_t i;

	for (i = 0; i < rs->n_rules; i++)
		if (rs->rules[i].chain == chain && k-- == 0)
			return rs->rules[i].handle;
	return 0;
}

static void
check_one(const struct nft_ruleset *rs, const struct pcase *c)
{
	struct nft_eval_pkt p;
	struct nft_eval_hook h;
	const struct nft_eval_chain *d;
	const struct nft_rs_chain *ch;
	size_t k;

	pkt_make(c, &p);
	nft_eval_run(rs, c->hook, &p, NULL, 0, &h);
	CHECK(h.verdict == c->want, "%s: %s, want %s", c->what,
	      nft_eval_verdict_name(h.verdict),
	      nft_eval_verdict_name(c->want));
	if (!c->table) {
		CHECK(h.decider < 0, "%s: a chain decided", c->what);
		goto out;
	}
	/* accept: the chain named (every chain met accepts); else the
	 * decider */
	d = h.decider >= 0 ? &h.chains[h.decider] : NULL;
	for (k = 0; !d && k < h.n_chains; k++) {
		ch = &rs->chains[h.chains[k].rule_chain];
		if (!strcmp(ch->table, c->table) && !strcmp(ch->name, c->chain))
			d = &h.chains[k];
	}
	CHECK(d != NULL, "%s: no chain", c->what);
	if (!d)
		goto out;
	ch = &rs->chains[d->rule_chain];
	CHECK(!strcmp(ch->table, c->table) && !strcmp(ch->name, c->chain),
	      "%s: decided by %s %s", c->what, ch->table, ch->name);
	CHECK(c->rule < 0 ? d->by_policy && d->handle == 0 :
	      !d->by_policy && d->handle == handle_of(rs, d->rule_chain,
						      c->rule),
	      "%s: rule handle %llu%s", c->what,
	      (unsigned long long)d->handle, d->by_policy ? " (policy)" : "");
	if (c->why)
		CHECK(strstr(d->why, c->why) != NULL, "%s: why '%s'", c->what,
		      d->why);
out:
	nft_eval_hook_done(&h);
}

static void
kcase_run(const struct kcase *k)
{
	struct nft_ruleset rs;
	struct masq_err e;
	const struct pcase *c;
	FILE *fp = popen("nft -f -", "w");

	err_init(&e);
	CHECK(fp && fputs(k->nft, fp) >= 0 && pclose(fp) == 0,
	      "nft -f failed for:\n%s", k->nft);
	CHECK(nft_ruleset_read(&rs, &e) == 0, "read: %s", e.msg);
	for (c = k->p; c->what; c++)
		check_one(&rs, c);
	nft_ruleset_done(&rs);
	err_done(&e);
}

/* explain_filter (nat/explain.h): a forward's flow through the hooks, and
 * the nft rule each drop calls for. */
struct fcase {
	const char *nft;
	bool dnat;		/* our forward DNATs it; else a masq flow */
	enum nft_eval_verdict want;
	const char *fix;	/* NULL: none */
};

static const struct fcase fcases[] = {
	{ ISSUE_FILTER, true, DROP,
	  "nft add rule inet filter forward ct status dnat accept" },
	/* (ct status dnat would accept the reply too: the status is the
	 * connection's) */
	{ "table inet filter { chain forward { type filter hook forward "
	  "priority 0; policy drop; iifname \"wan0\" ct state new accept; "
	  "}; }\n", true, DROP,
	  "nft add rule inet filter forward ct state established,related "
	  "accept" },
	{ "table ip x { chain f { type filter hook forward priority 0;\n"
	  "ct state established accept\n"
	  "iifname \"lan0\" drop\n"
	  "accept; }; }\n", false, DROP,
	  "nft insert rule ip x f position 3 iifname \"lan0\" oifname "
	  "\"wan0\" ip saddr 192.168.1.0/24 accept" },
	{ "table ip x { chain p { type filter hook prerouting priority -300;\n"
	  "tcp dport 8080 drop; }; }\n", true, DROP,
	  "nft insert rule ip x p position 2 iifname \"wan0\" meta l4proto 6 "
	  "th dport 8080 accept" },
	{ "table ip x { chain p { type filter hook postrouting priority 0;\n"
	  "oifname \"lan0\" accept; }; }\n", true, ACC, NULL },
};

static void
fcase_run(const struct fcase *c)
{
	struct explain_flow f, a;
	struct explain_filter_in in;
	struct explain_filter ef;
	struct nft_ruleset rs;
	struct masq_err e;
	char fix[1024];
	bool has;
	FILE *fp = popen("nft -f -", "w");

	err_init(&e);
	CHECK(fp && fputs(c->nft, fp) >= 0 && pclose(fp) == 0, "nft -f");
	CHECK(nft_ruleset_read(&rs, &e) == 0, "read: %s", e.msg);
	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = IPPROTO_TCP;
	f.has_sport = f.has_dport = true;
	f.sport = 40000;
	f.dport = c->dnat ? 8080 : 443;
	inet_pton(AF_INET, c->dnat ? "192.0.2.10" : "192.168.1.20", f.src);
	inet_pton(AF_INET, c->dnat ? "198.51.100.2" : "192.0.2.10", f.dst);
	snprintf(f.iif, sizeof(f.iif), "%s", c->dnat ? "wan0" : "lan0");
	a = f;
	if (c->dnat) {
		inet_pton(AF_INET, "192.168.1.10", a.dst);
		a.dport = 80;
	}
	snprintf(a.oif, sizeof(a.oif), "%s", c->dnat ? "lan0" : "wan0");
	memset(&in, 0, sizeof(in));
	in.f = &f;
	in.after = &a;
	in.dnat = c->dnat;
	in.snat = !c->dnat;
	explain_filter_run(&rs, &in, true, &ef);
	CHECK(ef.verdict == c->want, "%s: %s", c->nft,
	      nft_eval_verdict_name(ef.verdict));
	has = explain_filter_fix(&rs, &ef, &in, c->dnat ? NULL :
				 "ip saddr 192.168.1.0/24", fix, sizeof(fix));
	CHECK(has == (c->fix != NULL), "%s: a fix or not", c->nft);
	if (has && c->fix)
		CHECK(!strcmp(fix, c->fix), "fix '%s', want '%s'", fix, c->fix);
	explain_filter_done(&ef);
	nft_ruleset_done(&rs);
	err_done(&e);
}

START_TEST(test_kernel)
{
	pid_t pid;
	int st = 0;

	if (geteuid() != 0 || system("nft --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "SKIP kernel case %d: %s\n", _i,
			geteuid() ? "not root (needs CAP_NET_ADMIN and "
			"CAP_SYS_ADMIN)" : "nft is not installed (the "
			"test oracle)");
		return;
	}
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0) {
			perror("unshare");
			_exit(2);
		}
		if (_i < NKCASES)
			kcase_run(&kcases[_i]);
		else
			fcase_run(&fcases[_i - NKCASES]);
		fflush(NULL);
		_exit(child_fail);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "kernel case %d failed (see stderr)", _i);
}
END_TEST

/* No chain at all: accept, nothing decides. */
START_TEST(test_empty)
{
	struct nft_ruleset rs;
	struct nft_eval_hook h;
	struct nft_eval_pkt p;

	memset(&rs, 0, sizeof(rs));
	memset(&p, 0, sizeof(p));
	p.family = NFT_RS_IP;
	nft_eval_run(&rs, NFT_RS_FORWARD, &p, NULL, 0, &h);
	ck_assert_int_eq(h.verdict, NFT_EVAL_ACCEPT);
	ck_assert_int_eq(h.decider, -1);
	ck_assert_uint_eq(h.n_chains, 0);
	nft_eval_hook_done(&h);
	ck_assert_str_eq(nft_eval_verdict_name(NFT_EVAL_UNSURE), "unsure");
}
END_TEST

static Suite *
eval_suite(void)
{
	Suite *s = suite_create("nft_eval");
	TCase *tc = tcase_create("eval");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_empty);
	tcase_add_loop_test(tc, test_kernel, 0, NKCASES +
			    (int)(sizeof(fcases) / sizeof(fcases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(eval_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

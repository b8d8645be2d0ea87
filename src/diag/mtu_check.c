/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mtu_check.c - the verdict of `diag mtu HOST [out IF]` (FAQ 7.15: "some
 * sites don't work"), and the diag check "mtu" it is registered as.
 *
 * Probes the path (mtu_probe.c), reads the local ruleset before and after
 * (mtu_rules.c) and the link MTUs, and names one of:
 *   normal    - sizes pass and fail consistently; "fragmentation needed"
 *               came back naming the MTU, or nothing on the path is
 *               smaller than our link;
 *   blackhole - large DF probes vanish without "fragmentation needed"
 *               while smaller ones pass;
 *   filtered  - the same silence, and a rule or drop policy of this host
 *               (ours or another's) drops incoming frag-needed;
 *   mismatch  - the uplink's MTU is smaller than a LAN interface's on a
 *               forwarding host (PPPoE 1492 with 1500 LANs);
 *   noanswer  - the host answered nothing at all.
 * with the path MTU, the MSS to clamp to (MTU - 40) and the `clamp mss`
 * command.  The evidence lists every size probed with its answer.
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "diag/diag.h"
#include "diag/mtu.h"
#include "nat/links.h"

/* Does interface @index carry a global IPv4 address? */
static bool
has_v4(const struct links_addr *a, size_t na, unsigned int index)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (a[i].ifindex == index && a[i].scope == LINKS_SCOPE_UNIVERSE &&
		    !a[i].tentative)
			return true;
	return false;
}

/* "LIST, NAME MTU[ (uplink)]" */
static void
list_add(struct strbuf *list, const char *name, unsigned int mtu,
	 bool uplink)
{
	strbuf_addf(list, "%s%s %u%s", list->len ? ", " : "", name, mtu,
		    uplink ? " (uplink)" : "");
}

/* The largest MTU among the other up interfaces holding an address of
 * @family (the LANs), with its name; 0 when there is none.  @list gets every up
 * interface with its MTU. */
static unsigned int
lan_mtu(const char *oif, int family, char *name, size_t sz,
	struct strbuf *list)
{
	struct links_link *l = NULL;
	struct links_addr *a = NULL;
	size_t nl = 0, na = 0, i;
	struct masq_err e;
	unsigned int best = 0;

	err_init(&e);
	if (links_list(&l, &nl, &e) < 0 ||
	    links_addr_list(family, &a, &na, &e) < 0)
		goto out;
	for (i = 0; i < nl; i++) {
		if (!l[i].admin_up || l[i].loopback)
			continue;
		if (!strcmp(l[i].name, oif)) {
			list_add(list, l[i].name, l[i].mtu, true);
			continue;
		}
		if (!has_v4(a, na, l[i].index))
			continue;
		list_add(list, l[i].name, l[i].mtu, false);
		if (l[i].mtu > best) {
			best = l[i].mtu;
			snprintf(name, sz, "%s", l[i].name);
		}
	}
out:
	free(l);
	free(a);
	err_done(&e);
	return best;
}

static bool
forwarding(const struct diag_ctx *ctx, int family)
{
	char path[256], v = '0';
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sys/net/%s",
		 ctx->proc ? ctx->proc : "/proc", family == AF_INET6 ?
		 "ipv6/conf/all/forwarding" : "ipv4/ip_forward");
	fp = fopen(path, "r");
	if (!fp)
		return false;
	if (fread(&v, 1, 1, fp) != 1)
		v = '0';
	fclose(fp);
	return v == '1';
}

static const char *
answer_word(enum mtu_answer a)
{
	switch (a) {
	case MTU_PASS:
		return "ok";
	case MTU_FRAG:
		return "frag-needed";
	case MTU_LOCAL:
		return "too big here";
	case MTU_LOST:
		return "lost";
	default:
		return "-";
	}
}

/* One evidence line per round: "round 1: 1500/icmp frag-needed(mtu 1400
 * from 192.0.2.1) 1ms, 1500/udp ...". */
static void
probe_evidence(struct diag_result *res, const struct mtu_report *r)
{
	struct strbuf l = STRBUF_INIT;
	unsigned int round;
	const char *sep;
	size_t i;

	for (round = 1; round <= r->rounds; round++) {
		strbuf_reset(&l);
		strbuf_addf(&l, "round %u:", round);
		sep = "";
		for (i = 0; i < r->n_probes; i++) {
			const struct mtu_probe_rec *q = &r->probes[i];

			if (q->round != round || q->answer == MTU_NONE)
				continue;
			strbuf_addf(&l, "%s %u/%s %s", sep, q->size,
				    q->proto == 'i' ? "icmp" : "udp",
				    answer_word(q->answer));
			if (q->answer == MTU_FRAG)
				strbuf_addf(&l, "(mtu %u from %s)", q->mtu,
					    q->from);
			if (q->answer != MTU_LOCAL)
				strbuf_addf(&l, " %ums", q->ms);
			sep = ",";
		}
		diag_evidence(res, "%s", strbuf_str(&l));
	}
	strbuf_done(&l);
}

/* Drops whose counters rose between @a (before) and @b (after). */
static uint64_t
drop_delta(const struct mtu_drop *d, const struct mtu_drop *before,
	   size_t nb)
{
	size_t i;

	for (i = 0; i < nb; i++)
		if (before[i].handle == d->handle && d->handle &&
		    !strcmp(before[i].table, d->table) &&
		    !strcmp(before[i].family, d->family) &&
		    !strcmp(before[i].chain, d->chain))
			return d->packets - before[i].packets;
	return 0;
}

/* The local ruleset read before and after probing. */
struct mtu_drops {
	bool ok;		/* both reads worked */
	struct mtu_drop *d0, *d1;
	size_t n0, n1;
};

/* The route, the cached PMTU, the probes and the interfaces. */
static void
path_evidence(struct diag_result *res, const struct mtu_report *r,
	      const char *links, bool fwd)
{
	char cb[12], ca[12];

	diag_evidence(res, "route: %s%s dev %s (link MTU %u)%s%s",
		      r->gateway[0] ? "via " : "on-link", r->gateway, r->oif,
		      r->link_mtu, r->src[0] ? " src " : "", r->src);
	snprintf(cb, sizeof(cb), "%u", r->cached_before);
	snprintf(ca, sizeof(ca), "%u", r->cached_after);
	diag_evidence(res, "kernel's cached PMTU for %s: %s before, %s after",
		      r->dst, r->cached_before ? cb : "none",
		      r->cached_after ? ca : "none");
	diag_evidence(res, "probes: %u sent in %u rounds, %u.%03u s: %u "
		      "answered, %u frag-needed, %u too big here, %u lost%s",
		      r->n_sent, r->rounds, r->elapsed_ms / 1000,
		      r->elapsed_ms % 1000, r->n_pass, r->n_frag, r->n_local,
		      r->n_lost, r->no_raw ? " (no raw socket: UDP only)" :
		      "");
	probe_evidence(res, r);
	diag_evidence(res, "interfaces: %s%s", links,
		      fwd ? "; forwarding on" : "; forwarding off");
}

/* One evidence line (two with a rule handle) per drop found after the
 * probes; returns how many drop frag-needed for this host itself. */
static unsigned int
drops_evidence(struct diag_result *res, const struct mtu_drops *dr)
{
	unsigned int local_drops = 0;
	size_t i;

	for (i = 0; dr->ok && i < dr->n1; i++) {
		const struct mtu_drop *x = &dr->d1[i];
		uint64_t delta = drop_delta(x, dr->d0, dr->n0);
		bool in = strcmp(x->hook, "forward") != 0;

		if (in && (x->kind == MTU_DROP_RULE || delta))
			local_drops++;
		if (in && x->kind == MTU_DROP_POLICY)
			local_drops++;
		diag_evidence(res, "local ruleset: %stable %s %s chain %s "
			      "(%s hook): %s", x->ours ? "our own " : "",
			      x->family, x->table, x->chain, x->hook,
			      x->kind == MTU_DROP_POLICY ?
			      "policy drop and no rule accepts ICMP "
			      "frag-needed (type 3 code 4, ct related)" :
			      x->kind == MTU_DROP_RULE ?
			      "a rule drops ICMP frag-needed" :
			      "a rule may drop ICMP frag-needed");
		if (x->handle)
			diag_evidence(res, "  rule handle %llu, counter %llu "
				      "packets, +%llu while probing%s",
				      (unsigned long long)x->handle,
				      (unsigned long long)x->packets,
				      (unsigned long long)delta,
				      in ? "" : " (affects LAN hosts only)");
	}
	return local_drops;
}

/* The ICMP message that names the MTU: IPv6's "Packet Too Big". */
static const char *
icmp_word(const struct mtu_report *r)
{
	return r->family == AF_INET6 ? "'Packet Too Big'" :
		"'fragmentation needed'";
}

/*
 * The fix: a clamp rule, to @mss or (0) to the route's MTU.  'clamp mss' compiles into the ip table only, so for an
 * IPv6 path there is no rule to offer yet: evidence says so instead of
 * a fix that would not touch IPv6 packets.
 */
static void
clamp_fix(struct diag_result *res, const struct mtu_report *r,
	  unsigned int mss)
{
	if (r->family == AF_INET6) {
		diag_evidence(res, "fix: 'clamp mss' acts on IPv4 only; for "
			      "IPv6 hosts, lower the LAN's advertised MTU "
			      "(router advertisements) to %u", r->path_mtu);
		return;
	}
	if (mss)
		diag_fix(res, "clamp mss %u out %s", mss, r->oif);
	else
		diag_fix(res, "clamp mss pmtu out %s", r->oif);
}

/* Large probes vanished: a black hole, or frag-needed filtered here. */
static enum diag_status
verdict_lost(struct diag_result *res, const struct mtu_report *r,
	     unsigned int local_drops, const char **verdict)
{
	if (local_drops) {
		*verdict = "filtered";
		diag_message(res, "path MTU to %s is %u (MSS %u): ICMP "
			     "%s is filtered locally - "
			     "probes above %u vanish and this host's ruleset "
			     "drops the answer", r->dst, r->path_mtu,
			     mtu_report_mss(r), icmp_word(r), r->path_mtu);
	} else {
		*verdict = "blackhole";
		diag_message(res, "path MTU to %s is %u (MSS %u): black hole - "
			     "probes above %u vanish without %s%s", r->dst,
			     r->path_mtu, mtu_report_mss(r), r->path_mtu,
			     icmp_word(r), r->icmp_alive ? "" :
			     " (echo unanswered: UDP only, less sure)");
	}
	clamp_fix(res, r, mtu_report_mss(r));
	return local_drops || r->icmp_alive ? DIAG_FAIL : DIAG_WARN;
}

/* The path answers consistently: a link MTU mismatch, or normal. */
static enum diag_status
verdict_ok(struct diag_result *res, const struct mtu_report *r, bool fwd,
	   unsigned int lmax, const char *lan, const char **verdict)
{
	if (fwd && lmax > r->link_mtu && r->link_mtu) {
		*verdict = "mismatch";
		diag_message(res, "path MTU to %s is %u (MSS %u): link MTU "
			     "mismatch - uplink %s has %u, LAN %s has %u, "
			     "LAN hosts will send %u-byte packets", r->dst,
			     r->path_mtu, mtu_report_mss(r), r->oif,
			     r->link_mtu, lan, lmax, lmax);
		clamp_fix(res, r, 0);
		return DIAG_WARN;
	}
	*verdict = "normal";
	if (r->frag_mtu)
		diag_message(res, "path MTU to %s is %u (MSS %u): normal PMTUD "
			     "- %s from %s names %u",
			     r->dst, r->path_mtu, mtu_report_mss(r),
			     icmp_word(r), r->frag_from, r->frag_mtu);
	else
		diag_message(res, "path MTU to %s is %u (MSS %u): normal - "
			     "nothing on the path is smaller than %s", r->dst,
			     r->path_mtu, mtu_report_mss(r), r->oif);
	if (fwd && r->path_mtu < (lmax ? lmax : r->link_mtu))
		clamp_fix(res, r, 0);
	return DIAG_PASS;
}

int
mtu_diagnose(struct diag_ctx *ctx, struct diag_result *res,
	     struct mtu_report *r, const char **verdict)
{
	struct mtu_probe_opts o = { ctx->host, ctx->iface, 0 };
	struct mtu_drops dr = { false, NULL, NULL, 0, 0 };
	struct strbuf links = STRBUF_INIT;
	struct masq_err e;
	char lan[IF_NAMESIZE] = "";
	unsigned int lmax, local_drops;
	bool fwd;
	enum diag_status st;

	err_init(&e);
	*verdict = "error";
	dr.ok = mtu_rules_drops(&dr.d0, &dr.n0, &e) == 0;
	err_reset(&e);
	if (mtu_probe_run(&o, r, &e) < 0) {
		st = diag_error(res, &e);
		goto out;
	}
	if (dr.ok && mtu_rules_drops(&dr.d1, &dr.n1, &e) < 0)
		dr.ok = false;
	fwd = forwarding(ctx, r->family);
	lmax = lan_mtu(r->oif, r->family, lan, sizeof(lan), &links);
	path_evidence(res, r, strbuf_str(&links), fwd);
	if (!dr.ok)
		diag_evidence(res, "local ruleset: could not be read (%s)",
			      e.msg);
	local_drops = drops_evidence(res, &dr);
	if (!r->path_mtu) {
		*verdict = "noanswer";
		diag_message(res, "%s answered none of %u probes (echo and "
			     "UDP): host down, or it filters both", r->dst,
			     r->n_sent);
		st = DIAG_ERROR;
	} else if (r->minfail && r->minfail_answer == MTU_LOST) {
		st = verdict_lost(res, r, local_drops, verdict);
	} else {
		st = verdict_ok(res, r, fwd, lmax, lan, verdict);
	}
out:
	if (r->inconsistent)
		diag_evidence(res, "note: some sizes failed below one that "
			      "passed (loss or a flapping path)");
	strbuf_done(&links);
	free(dr.d0);
	free(dr.d1);
	err_done(&e);
	return (int)st;
}

static enum diag_status
mtu_run(struct diag_ctx *ctx, struct diag_result *res)
{
	struct mtu_report r;
	const char *verdict;
	enum diag_status st;

	memset(&r, 0, sizeof(r));
	st = (enum diag_status)mtu_diagnose(ctx, res, &r, &verdict);
	mtu_report_done(&r);
	return st;
}

const struct diag_check diag_mtu_check = {
	.id = "mtu",
	.title = "path MTU to a host: black holes, filtered frag-needed, "
		 "PPPoE-style link mismatch",
	.faq = "7.15",
	.needs = DIAG_NEEDS_ROOT | DIAG_NEEDS_HOST,
	.run = mtu_run,
};

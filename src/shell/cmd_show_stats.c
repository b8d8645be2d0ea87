/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_show_stats.c - `show stats`: how full the conntrack table is, what
 * it holds, and what the kernel had to drop.
 *
 * Count and max come from the kernel's statistics; the split per protocol,
 * the NAT'ed and the unreplied (evictable) entries from one dump that only
 * counts.  The kernel's drop / early_drop / insert_failed / clash_resolve
 * counters run since boot, so the values of the previous look are kept in
 * the store's settings ("stats.last") and the growth since then is shown.
 * A store that cannot be opened or written only loses the "since" part.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "shell/cmd_int.h"
#include "shell/ct_row.h"

#define STATS_KEY "stats.last"

struct tally {
	uint64_t total, nat, unreplied;
	uint64_t proto[256];
};

static int
tally_cb(const struct ct_entry *ce, void *data, struct masq_err *e)
{
	struct tally *t = data;

	(void)e;
	t->total++;
	t->proto[ce->proto]++;
	t->nat += (ce->status & CT_ST_NAT_MASK) != 0;
	t->unreplied += !(ce->status & CT_ST_SEEN_REPLY);
	return 0;
}

/* The kernel counters shown, in order. */
struct kc {
	const char *key;
	uint64_t now, last;
};

/* Previous look from the store: 1 when found, 0 when none. */
static int
stats_last(struct cmd_ctx *ctx, struct kc *kc, int64_t *when)
{
	struct masq_err le;
	struct store *s;
	char *val = NULL;
	unsigned long long v[5];
	int rc = 0;

	err_init(&le);
	if (cmd_ctx_store(ctx, &s, &le) < 0 ||
	    store_setting_get(s, STATS_KEY, &val, &le) < 0 || !val)
		goto out;
	if (sscanf(val, "%llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		   &v[3], &v[4]) != 5)
		goto out;
	*when = (int64_t)v[0];
	kc[0].last = v[1];
	kc[1].last = v[2];
	kc[2].last = v[3];
	kc[3].last = v[4];
	rc = 1;
out:
	free(val);
	err_done(&le);
	return rc;
}

static void
stats_save(struct cmd_ctx *ctx, const struct kc *kc, int64_t now)
{
	struct masq_err le;
	struct store *s;
	char val[128];

	if (ctx->check_only)
		return;
	err_init(&le);
	snprintf(val, sizeof(val), "%lld %" PRIu64 " %" PRIu64 " %" PRIu64
		 " %" PRIu64, (long long)now, kc[0].now, kc[1].now, kc[2].now,
		 kc[3].now);
	if (cmd_ctx_store(ctx, &s, &le) == 0)
		store_setting_set(s, STATS_KEY, val, &le);
	err_done(&le);
}

static void
print_protos(struct out *o, const struct tally *t)
{
	const char *pn;
	char num[8];
	int p;

	out_obj_open(o, "protocols");
	for (p = 0; p < 256; p++) {
		if (!t->proto[p])
			continue;
		pn = ctent_proto_name((uint8_t)p);
		if (!pn) {
			snprintf(num, sizeof(num), "%d", p);
			pn = num;
		}
		out_text(o, "  %-14s", pn);
		out_u64(o, pn, "%10" PRIu64 "\n", t->proto[p]);
	}
	out_obj_close(o);
}

static int
cmd_show_stats(struct cmd_ctx *ctx, const struct cmd_args *a,
	       struct masq_err *e)
{
	struct tally t = { 0 };
	struct ct_stats st;
	struct ct_handle *h;
	struct kc kc[4] = { { "drop", 0, 0 }, { "early_drop", 0, 0 },
			    { "insert_failed", 0, 0 },
			    { "clash_resolve", 0, 0 } };
	struct out *o = ctx->out;
	int64_t now = (int64_t)time(NULL), when = 0;
	int i, have_last;

	(void)a;	/* the dispatcher refused any word */
	h = ct_open(e);
	if (!h)
		return -1;
	if (ct_stats_get(h, &st, e) < 0 || ct_dump(h, NULL, tally_cb, &t, e) < 0) {
		ct_close(h);
		return -1;
	}
	ct_close(h);
	kc[0].now = st.drop;
	kc[1].now = st.early_drop;
	kc[2].now = st.insert_failed;
	kc[3].now = st.clash_resolve;
	have_last = stats_last(ctx, kc, &when);

	out_obj_open(o, NULL);
	out_u64(o, "count", "entries     %10" PRIu64, st.count);
	out_u64(o, "max", " / %" PRIu64, st.max);
	out_text(o, " (%.1f%% full)\n",
		 st.max ? 100.0 * (double)st.count / (double)st.max : 0.0);
	print_protos(o, &t);
	out_u64(o, "nat", "NAT'ed      %10" PRIu64 "\n", t.nat);
	out_u64(o, "unreplied", "unreplied   %10" PRIu64, t.unreplied);
	out_text(o, " (%.1f%%, evictable first when the table is full)\n",
		 t.total ? 100.0 * (double)t.unreplied / (double)t.total : 0.0);
	out_u64(o, "listed", NULL, t.total);
	if (have_last)
		out_text(o, "kernel counters       total   since last look "
			 "(%llds ago)\n", (long long)(now - when));
	else
		out_text(o, "kernel counters       total   (first look: no "
			 "earlier values)\n");
	for (i = 0; i < 4; i++) {
		out_text(o, "  %-14s", kc[i].key);
		out_u64(o, kc[i].key, "%10" PRIu64, kc[i].now);
		if (have_last)
			/* counters restart at boot: then all is new */
			out_text(o, "   +%" PRIu64, kc[i].now >= kc[i].last ?
				 kc[i].now - kc[i].last : kc[i].now);
		out_text(o, "\n");
	}
	out_obj_open(o, "since_last");
	if (have_last) {
		out_int(o, "seconds", NULL, now - when);
		for (i = 0; i < 4; i++)
			out_u64(o, kc[i].key, NULL, kc[i].now >= kc[i].last ?
				kc[i].now - kc[i].last : kc[i].now);
	}
	out_obj_close(o);
	out_u64(o, "cpus", NULL, st.ncpu);
	out_obj_close(o);
	stats_save(ctx, kc, now);
	return 0;
}

const struct cmd_entry cmd_show_stats_entry = {
	.name = "show stats",
	.usage = "",
	.summary = "conntrack table fill, protocols, drops since last look",
	.help = "How full the conntrack table is (count / max), the entries\n"
		"per protocol, how many are NAT'ed, how many never saw a reply\n"
		"(the kernel evicts those first when the table is full), and\n"
		"the kernel's drop, early_drop, insert_failed and clash_resolve\n"
		"counters, with their growth since the previous 'show stats'\n"
		"(kept in the rule database; -n does not update it).",
	.kws = NULL,
	.flags = CMD_KERNEL,
	.exec = cmd_show_stats,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ruleset_load.c - the staged rules from the store, parsed back.
 *
 * Owns: turning store rows (canonical keyword text) into a struct
 * nat_ruleset with ids and positions, all or nothing, each row through
 * the one reader of stored rules (nat_rule_from_text(), rule_text.c);
 * and the MSS clamp setting (settings "clamp.mss" / "clamp.out"), its
 * parser and its canonical text.  Does not own: SQL (core/store.c) or the
 * grammar (rule_parse.c, fwd_parse.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/xalloc.h"

#include "core/store.h"
#include "nat/rule.h"

static int
load_masq(struct nat_ruleset *rs, const struct store_row *row,
	  struct masq_err *e)
{
	struct nat_rule r;
	int ret = -1;

	nat_rule_init(&r);
	if (nat_rule_from_text(&r, row->spec, row->id, e) == 0) {
		r.pos = row->pos;
		nat_ruleset_add_masq(rs, &r);
		ret = 0;
	}
	nat_rule_done(&r);
	return ret;
}

static int
load_fwd(struct nat_ruleset *rs, const struct store_row *row,
	 struct masq_err *e)
{
	struct nat_forward f;
	int ret = -1;

	nat_forward_init(&f);
	if (nat_forward_from_text(&f, row->spec, row->id, e) == 0) {
		f.pos = row->pos;
		nat_ruleset_add_fwd(rs, &f);
		ret = 0;
	}
	nat_forward_done(&f);
	return ret;
}

/* The clamp settings; a value that no longer parses is a store error. */
static int
load_clamp(struct store *s, struct nat_clamp *c, struct masq_err *e)
{
	char *mss = NULL, *oif = NULL;
	int ret = -1;

	if (store_setting_get(s, "clamp.mss", &mss, e) == -1 ||
	    store_setting_get(s, "clamp.out", &oif, e) == -1)
		goto out;
	if (nat_clamp_parse(c, mss, oif, e) == -1) {
		err_prefix(e, "stored clamp setting no longer parses");
		e->code = MASQ_ESTORE;
		err_hint(e, "set it again with 'clamp mss ...' or 'clamp off'");
		goto out;
	}
	ret = 0;
out:
	free(mss);
	free(oif);
	return ret;
}

/*
 * Loading is followed by a lot of small allocations: the parsed rules,
 * then the libnftnl objects, the printed table and the netlink batch,
 * about 2.5 KiB per rule in all, every byte of it fresh memory.  From
 * about 400 rules up (MEM_HUGE_FROM) that heap is marked for huge pages
 * up front (core/mem.h): an apply of 10,000 rules then takes 650 page
 * faults instead of 6,400 and about half the time, one of 1,000 rules
 * 12-18 % less (bench/apply.sh -a, issue 11).  Smaller sets gain
 * nothing measurable and get nothing.
 */
#define LOAD_HEAP_PER_RULE 2560

static void
load_heap_reserve(size_t n_rules)
{
	mem_reserve(n_rules * LOAD_HEAP_PER_RULE);
}

/*
 * All or nothing: the rows are parsed into a scratch set and moved into
 * @rs only when every one of them parsed.  The scratch arrays are sized
 * from the row counts up front, and when @rs is empty (the usual case)
 * they are handed over whole instead of copied rule by rule.
 */
int
nat_ruleset_load(struct store *s, struct nat_ruleset *rs, struct masq_err *e)
{
	struct store_row *masq = NULL, *fwd = NULL;
	size_t n_masq = 0, n_fwd = 0, i;
	struct nat_ruleset tmp;
	int ret = -1;

	nat_ruleset_init(&tmp);
	if (store_rows_list(s, STORE_MASQ, &masq, &n_masq, e) == -1 ||
	    store_rows_list(s, STORE_FORWARD, &fwd, &n_fwd, e) == -1)
		goto out;
	load_heap_reserve(n_masq + n_fwd);
	if (n_masq) {
		tmp.masq = xreallocarray(NULL, n_masq, sizeof(*tmp.masq));
		tmp.cap_masq = n_masq;
	}
	if (n_fwd) {
		tmp.fwd = xreallocarray(NULL, n_fwd, sizeof(*tmp.fwd));
		tmp.cap_fwd = n_fwd;
	}
	for (i = 0; i < n_masq; i++)
		if (load_masq(&tmp, &masq[i], e) == -1)
			goto out;
	for (i = 0; i < n_fwd; i++)
		if (load_fwd(&tmp, &fwd[i], e) == -1)
			goto out;
	if (load_clamp(s, &tmp.clamp, e) == -1 ||
	    nat_helpers_load(s, &tmp.helpers, e) == -1)	/* ct_helpers.c */
		goto out;
	if (!rs->n_masq && !rs->n_fwd) {
		/* only the arrays move: other fields of @rs stay as they are */
		free(rs->masq);
		free(rs->fwd);
		rs->masq = tmp.masq;
		rs->n_masq = tmp.n_masq;
		rs->cap_masq = tmp.cap_masq;
		rs->fwd = tmp.fwd;
		rs->n_fwd = tmp.n_fwd;
		rs->cap_fwd = tmp.cap_fwd;
		tmp.masq = NULL;
		tmp.fwd = NULL;
		tmp.n_masq = tmp.cap_masq = tmp.n_fwd = tmp.cap_fwd = 0;
	} else {
		for (i = 0; i < tmp.n_masq; i++)
			nat_ruleset_add_masq(rs, &tmp.masq[i]);
		for (i = 0; i < tmp.n_fwd; i++)
			nat_ruleset_add_fwd(rs, &tmp.fwd[i]);
	}
	rs->clamp = tmp.clamp;
	rs->helpers = tmp.helpers;
	ret = 0;
out:
	nat_ruleset_done(&tmp);
	store_rows_free(masq, n_masq);
	store_rows_free(fwd, n_fwd);
	return ret;
}

int
nat_clamp_parse(struct nat_clamp *c, const char *mss, const char *out,
		struct masq_err *e)
{
	size_t i, n;
	char *end;
	long v;

	memset(c, 0, sizeof(*c));
	if (!mss)
		return 0;
	if (strcmp(mss, "pmtu") != 0) {
		v = strtol(mss, &end, 10);
		if (!*mss || *end || *mss == '-' || *mss == '+' ||
		    v < NAT_CLAMP_MSS_MIN || v > NAT_CLAMP_MSS_MAX) {
			err_set(e, MASQ_EUSAGE, "MSS '%s' is not 'pmtu' or a "
				"number from %d to %d", mss, NAT_CLAMP_MSS_MIN,
				NAT_CLAMP_MSS_MAX);
			return err_hint(e, "for an MTU of M, clamp to M-40 "
					"(1492 -> 1452), or say 'pmtu'");
		}
		c->mss = (uint16_t)v;
	}
	c->on = true;
	if (!out)
		return 0;
	n = strlen(out);
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] <= ' ' || out[i] >= 0x7f ||
		    out[i] == '/' || out[i] == ':' || out[i] == ',' ||
		    out[i] == '"' || (out[i] == '+' && i + 1 < n))
			break;
	if (!n || i < n || n > NAT_IFNAMSIZ - 1 + (out[n - 1] == '+')) {
		err_set(e, MASQ_EUSAGE, "'%s' is not an interface name", out);
		return err_hint(e, "interface names are like eth0, ppp0 or "
				"ppp+ (every ppp interface)");
	}
	c->has_oif = true;
	c->oif.wildcard = out[n - 1] == '+';
	snprintf(c->oif.name, sizeof(c->oif.name), "%.*s",
		 (int)(n - c->oif.wildcard), out);
	return 0;
}

char *
nat_clamp_format(const struct nat_clamp *c)
{
	char mss[16];

	if (!c->on)
		return NULL;
	if (c->mss)
		snprintf(mss, sizeof(mss), "%u", c->mss);
	else
		snprintf(mss, sizeof(mss), "pmtu");
	if (!c->has_oif)
		return xstrdup(mss);
	return xasprintf("%s out %s%s", mss, c->oif.name,
			 c->oif.wildcard ? "+" : "");
}

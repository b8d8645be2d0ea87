/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision_timeouts.c - the conntrack timeouts inside the apply
 * transaction: which ones an apply writes, the text a revision keeps of
 * them, a rollback's re-staging of a revision's timeouts, and the write
 * with its undo (the order is revision.h's).
 *
 * The sysctls are not transactional, so an apply reads what it is about
 * to replace and writes that back when the nft batch fails after it.
 * Owns the plan and the undo.  Does not own: the names, the sysctl reads
 * and writes or the settings' keys (nat/timeouts.c).  Never prints.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/revision_int.h"

void
rev_tmo_init(struct rev_tmo *t)
{
	memset(t, 0, sizeof(*t));
}

void
rev_tmo_done(struct rev_tmo *t)
{
	free(t->text);
	rev_tmo_init(t);
}

unsigned int
rev_tmo_count(const struct rev_tmo *t)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < NAT_TIMEOUTS_NMAX; i++)
		n += t->put.has[i];
	return n;
}

int
rev_tmo_stored_text(struct store *s, char **text, struct masq_err *e)
{
	struct nat_timeout_set set;

	*text = NULL;
	if (nat_timeouts_load(s, &set, NULL, e) < 0)
		return -1;
	*text = nat_timeouts_text(&set);
	return 0;
}

/* The value state @i has in the kernel now, when it can be read. */
static bool
tmo_found(size_t i, uint32_t *v)
{
	struct masq_err le;
	bool ok;

	err_init(&le);
	ok = nat_timeout_read(i, v, &le) == 0;
	err_done(&le);
	return ok;
}

int
rev_tmo_restage(struct store *s, const char *text, struct rev_tmo *t,
		struct masq_err *e)
{
	struct nat_timeout_set want, set, dflt, drop = { 0 }, found = { 0 };
	const struct nat_timeout *tab;
	size_t i, n;

	if (!text)
		return 0;
	if (nat_timeouts_from_text(&want, text, e) < 0 ||
	    nat_timeouts_load(s, &set, &dflt, e) < 0)
		return -1;
	tab = nat_timeouts_table(&n);
	for (i = 0; i < n; i++) {
		if (want.has[i] && !set.has[i] && !dflt.has[i])
			found.has[i] = tmo_found(i, &found.val[i]);
		if (!set.has[i] || want.has[i])
			continue;
		/* masqsh's setting goes: what was there before it comes back */
		drop.has[i] = true;
		t->put.has[i] = true;
		t->put.val[i] = dflt.has[i] ? dflt.val[i] :
				tab[i].kernel_default;
	}
	if (nat_timeouts_forget(s, &drop, e) < 0 ||
	    nat_timeouts_save(s, &want, &found, e) < 0)
		return -1;
	return 0;
}

int
rev_tmo_plan(struct store *s, struct rev_tmo *t, struct masq_err *e)
{
	struct nat_timeout_set set;
	size_t i;

	if (nat_timeouts_load(s, &set, NULL, e) < 0)
		return -1;
	for (i = 0; i < NAT_TIMEOUTS_NMAX; i++) {
		if (!set.has[i])
			continue;
		t->put.has[i] = true;
		t->put.val[i] = set.val[i];
	}
	free(t->text);
	t->text = nat_timeouts_text(&set);
	return 0;
}

/* Whether the sysctl of state @i is missing: conntrack is not loaded in
 * this namespace yet (any other trouble shows when it is written). */
static bool
tmo_missing(size_t i)
{
	struct masq_err le;
	bool missing;
	uint32_t v;

	err_init(&le);
	missing = nat_timeout_read(i, &v, &le) < 0 && le.sys_errno == ENOENT;
	err_done(&le);
	return missing;
}

int
rev_tmo_write(struct rev_tmo *t, struct masq_err *e)
{
	struct nat_timeout_set now = { 0 };
	size_t i;

	for (i = 0; i < NAT_TIMEOUTS_NMAX; i++) {
		if (!t->put.has[i])
			continue;
		/* no sysctl yet: the batch loads conntrack; after it */
		if (tmo_missing(i)) {
			t->late.has[i] = true;
			t->late.val[i] = t->put.val[i];
			continue;
		}
		now.has[i] = true;
		now.val[i] = t->put.val[i];
	}
	if (nat_timeouts_write(&now, &t->old, e) < 0)
		return -1;
	t->written = true;
	return 0;
}

void
rev_tmo_undo(struct rev_tmo *t)
{
	struct masq_err le;

	if (!t->written)
		return;
	err_init(&le);
	nat_timeouts_write(&t->old, NULL, &le);	/* best effort */
	err_done(&le);
	t->written = false;
}

int
rev_tmo_write_late(struct rev_tmo *t, struct masq_err *e)
{
	return nat_timeouts_write(&t->late, NULL, e);
}

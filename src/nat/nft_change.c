/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_change.c - what replacing our running tables by a compiled set
 * would do to the rules the kernel runs now: how many there are, how many
 * of them the new set does not continue, and the running text (for
 * "nothing to apply" and for a question the user answered).  apply's
 * guard against wiping a gateway's NAT (src/ctl/revision_guard.c) decides
 * with these numbers.
 *
 * A running nft rule is continued when a rule of the new set carries the
 * same comment: the comment names the masqsh rule ("masqsh masq 3",
 * "masqsh forward 2", "masqsh clamp"), so an edited rule continues and a
 * deleted one does not.  Comments are matched as a multiset (a rule that
 * fans out to two nft rules continues twice).  A rule without a comment
 * came from a hand edit and never continues.  Does not own: reading the
 * kernel (nft_read.c) or printing (nft_print.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libnftnl/udata.h>

#include "core/xalloc.h"
#include "nat/nft_int.h"

/* The comment of every rule of @c (NULL where there is none), borrowed
 * from the rules; *@n of them.  Caller frees the array. */
static const char **
change_comments(const struct nat_compiled *c, size_t *n)
{
	const char **v = NULL;
	size_t k = 0, t, ch, r;

	for (t = 0; t < 2; t++)
		for (ch = 0; ch < c->tab[t].n_chains; ch++) {
			const struct nft_chainset *cs = &c->tab[t].chains[ch];

			v = xreallocarray(v, k + cs->n_rules + 1, sizeof(*v));
			for (r = 0; r < cs->n_rules; r++) {
				v[k++] = nft_rule_comment(cs->rules[r]);
			}
		}
	*n = k;
	return v;
}

/* NULL sorts first; then byte order. */
static int
change_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	if (!x || !y)
		return (x != NULL) - (y != NULL);
	return strcmp(x, y);
}

/* How many of @run have no partner in @new (both sorted). */
static unsigned int
change_unmatched(const char **run, size_t nr, const char **new, size_t nn)
{
	size_t i = 0, j = 0;
	unsigned int gone = 0;
	int d;

	while (i < nr) {
		if (!run[i]) {
			gone++;
			i++;
			continue;
		}
		while (j < nn && (!new[j] || strcmp(new[j], run[i]) < 0))
			j++;
		d = j < nn ? strcmp(new[j], run[i]) : 1;
		if (d == 0)
			j++;
		else
			gone++;
		i++;
	}
	return gone;
}

void
nat_change_of(const struct nat_compiled *run, const struct nat_compiled *c,
	      struct nat_change *d)
{
	size_t nr, nn;
	const char **vr = change_comments(run, &nr);
	const char **vn = change_comments(c, &nn);

	if (nr)
		qsort(vr, nr, sizeof(*vr), change_cmp);
	if (nn)
		qsort(vn, nn, sizeof(*vn), change_cmp);
	d->running = (unsigned int)nr;
	d->staged = (unsigned int)nn;
	d->removed = change_unmatched(vr, nr, vn, nn);
	free(vr);
	free(vn);
}

int
nat_kernel_change(const struct nat_compiled *c, struct nat_change *d,
		  struct masq_err *e)
{
	struct nat_compiled *run;

	memset(d, 0, sizeof(*d));
	if (nft_kernel_read(&run, e) < 0)
		return -1;
	nat_change_of(run, c, d);
	d->kernel = nft_tabs_print(run, false);
	nat_compiled_free(run);
	return 0;
}

void
nat_change_done(struct nat_change *d)
{
	free(d->kernel);
	memset(d, 0, sizeof(*d));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mtu_search.c - which probe sizes to send, round by round: a pure state
 * machine with no I/O, so that the unit test can drive it with any
 * pass/fail oracle and check every size it tries.
 *
 * Round one sends the liveness size, the outgoing link's MTU and every
 * common plateau below it (1500 1492 1480 1460 1400 1280 576) at once.
 * After that the gap between the largest size that passed and the
 * smallest that did not is closed: a size named by "fragmentation needed"
 * (M, and M+1 to confirm it) when it lies in the gap, else MTU_SPLIT
 * evenly spaced sizes inside it (every size when the gap is that small).
 * A size nothing came back for is tentatively a failure and is tried once
 * more in the next round, together with that round's new sizes, before it
 * counts; so a black hole costs a few timeouts, not one per bisection step.
 */
#include "config.h"

#include <string.h>

#include "diag/mtu.h"

static const unsigned int plateaus[] = {
	1500, 1492, 1480, 1460, 1400, 1280, 576,
};

void
mtu_search_init(struct mtu_search *s, unsigned int hi)
{
	memset(s, 0, sizeof(*s));
	s->hi = hi < MTU_LIVE ? MTU_LIVE : hi > 65535 ? 65535 : hi;
}

static struct mtu_size *
entry(struct mtu_search *s, unsigned int size)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].size == size)
			return &s->v[i];
	if (s->n == MTU_MAX_KNOWN)
		return NULL;
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	s->v[s->n].size = (uint16_t)size;
	return &s->v[s->n++];
}

const struct mtu_size *
mtu_search_get(const struct mtu_search *s, unsigned int size)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].size == size)
			return &s->v[i];
	return NULL;
}

/* Rank of an answer: a real answer beats silence, a pass beats all. */
static int
rank(enum mtu_answer a)
{
	switch (a) {
	case MTU_PASS:
		return 4;
	case MTU_FRAG:
	case MTU_LOCAL:
		return 3;
	case MTU_LOST:
		return 2;
	default:
		return 0;
	}
}

void
mtu_search_feed(struct mtu_search *s, unsigned int size, enum mtu_answer a,
		unsigned int mtu)
{
	struct mtu_size *z = entry(s, size);

	if (!z || rank(a) < rank((enum mtu_answer)z->answer))
		return;
	z->answer = (uint8_t)a;
	if (a == MTU_FRAG || a == MTU_LOCAL)
		z->mtu = (uint16_t)mtu;
}

unsigned int
mtu_search_maxpass(const struct mtu_search *s)
{
	unsigned int m = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].answer == MTU_PASS && s->v[i].size > m)
			m = s->v[i].size;
	return m;
}

unsigned int
mtu_search_minfail(const struct mtu_search *s, enum mtu_answer *a)
{
	unsigned int lo = mtu_search_maxpass(s), m = 0;
	size_t i;

	if (a)
		*a = MTU_NONE;
	for (i = 0; i < s->n; i++) {
		const struct mtu_size *z = &s->v[i];

		if (z->size <= lo || z->answer == MTU_NONE ||
		    z->answer == MTU_PASS || (m && z->size >= m))
			continue;
		m = z->size;
		if (a)
			*a = (enum mtu_answer)z->answer;
	}
	return m;
}

/* A lost size that has not had all its tries yet. */
static bool
retry_due(const struct mtu_search *s, unsigned int size)
{
	const struct mtu_size *z = mtu_search_get(s, size);

	return z && z->answer == MTU_LOST && z->tries < MTU_TRIES;
}

bool
mtu_search_done(const struct mtu_search *s)
{
	unsigned int lo = mtu_search_maxpass(s), hi;
	enum mtu_answer a;

	if (s->rounds == 0)
		return false;
	if (s->rounds >= MTU_MAX_ROUNDS)
		return true;
	hi = mtu_search_minfail(s, &a);
	if (lo == 0)	/* nothing passed: done once liveness is lost twice */
		return !retry_due(s, MTU_LIVE);
	if (hi == 0)
		return lo >= s->hi;
	return hi == lo + 1 && !retry_due(s, hi);
}

/* Add @size to the batch unless it is out of range or already there. */
static void
want(struct mtu_search *s, unsigned int *out, size_t *k, unsigned int size,
     bool retry)
{
	const struct mtu_size *z;
	size_t i;

	if (size < MTU_MIN || size > s->hi || *k == MTU_BATCH)
		return;
	for (i = 0; i < *k; i++)
		if (out[i] == size)
			return;
	z = mtu_search_get(s, size);
	if (z && z->tries && !(retry && retry_due(s, size)))
		return;
	out[(*k)++] = size;
}

size_t
mtu_search_next(struct mtu_search *s, unsigned int *out)
{
	unsigned int lo, hi, gap, i, m;
	enum mtu_answer a;
	size_t k = 0, j;

	if (mtu_search_done(s))
		return 0;
	if (s->rounds == 0) {
		want(s, out, &k, s->hi, false);
		for (i = 0; i < sizeof(plateaus) / sizeof(plateaus[0]); i++)
			want(s, out, &k, plateaus[i], false);
		want(s, out, &k, MTU_LIVE, false);
		goto out;
	}
	lo = mtu_search_maxpass(s);
	hi = mtu_search_minfail(s, &a);
	if (lo == 0) {
		/* nothing passed yet: liveness again, and halfway down */
		want(s, out, &k, MTU_LIVE, true);
		if (hi > MTU_LIVE + 1)
			want(s, out, &k, MTU_LIVE + (hi - MTU_LIVE) / 2, false);
		goto out;
	}
	if (hi == 0)
		hi = s->hi + 1;	/* everything tried passed: go up to hi */
	if (retry_due(s, hi))
		want(s, out, &k, hi, true);
	/* a frag-needed naming an MTU inside the gap: check it directly */
	for (j = 0; j < s->n; j++) {
		m = s->v[j].mtu;
		if (s->v[j].answer != MTU_FRAG || m < lo || m >= hi)
			continue;
		if (m > lo)
			want(s, out, &k, m, false);
		if (m + 1 < hi)
			want(s, out, &k, m + 1, false);
	}
	if (k > (retry_due(s, hi) ? 1u : 0u))
		goto out;
	gap = hi - lo - 1;
	if (gap <= MTU_SPLIT) {
		for (i = 1; i <= gap; i++)
			want(s, out, &k, lo + i, false);
	} else {
		for (i = 1; i <= MTU_SPLIT; i++)
			want(s, out, &k, lo + (gap + 1) * i / (MTU_SPLIT + 1),
			     false);
	}
out:
	for (j = 0; j < k; j++) {
		struct mtu_size *z = entry(s, out[j]);

		if (z) {
			z->tries++;
			if (z->answer == MTU_LOST)
				z->answer = MTU_NONE;
		}
	}
	if (k)
		s->rounds++;
	return k;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha_status.c - the NAT pair as it runs now (ha.h: ha_status_get()): the
 * one place `show ha` and masqtop's pair line get their numbers from, so
 * the two cannot disagree.
 *
 * Reads only: the interfaces (which VIPs are here), the notify script's
 * state file, and conntrackd's own statistics (it runs `conntrackd -s`,
 * no shell).  Judging them is diag's (src/diag/check_ha*.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctl/ha.h"

/* The notify script's last event, if its state file says one. */
static void
ha_status_last(const struct ha_paths *p, struct ha_status *st)
{
	char buf[64];
	size_t n = 0;
	FILE *f = fopen(p->state, "re");

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	st->last_known = f && ha_state_parse(buf, st->last_event,
					     &st->last_time) == 0;
}

void
ha_status_get(const struct ha_conf *c, const struct ha_paths *p,
	      struct ha_status *st)
{
	const char *bin = ha_conntrackd_bin();
	const char *argv[] = { bin, "-C", p->conntrackd_conf, "-s", NULL };
	struct masq_err e;
	char out[8192];
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < c->n_vips; i++)
		st->held += ha_vip_held(&c->vips[i]);
	st->n_vips = c->n_vips;
	st->state = !st->held ? "backup" : st->held == c->n_vips ? "master" :
		    "split";
	ha_status_last(p, st);
	if (!c->sync_dev[0])
		return;
	err_init(&e);
	st->ctd_running = bin && ha_run(argv, out, sizeof(out), &e) == 0;
	err_done(&e);
	if (st->ctd_running)
		ha_ctd_stats_parse(out, &st->ctd);
}

unsigned long long
ha_ctd_errors(const struct ha_ctd_stats *s)
{
	return s->err_send + s->err_recv + s->failed + s->malformed + s->lost;
}

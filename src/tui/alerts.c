/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alerts.c - the engine's active alerts for masqtop's header (see
 * alerts.h).  One read-only open, one query, one close per read: cheap
 * enough every few seconds, and a database created or upgraded while
 * masqtop runs is picked up on the next read.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "core/store.h"
#include "tui/alerts.h"

void
top_alerts_read(const char *db, struct top_alerts *a)
{
	struct store *s = NULL;
	struct store_alert *v = NULL;
	struct masq_err e;
	size_t n = 0;
	char *p;

	a->active = -1;
	a->newest[0] = '\0';
	err_init(&e);
	if (store_open_ro(&s, db, &e) == -1 ||
	    store_alerts_list(s, false, &v, &n, &e) == -1)
		goto out;
	a->active = n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
	/* Oldest first: the newest raised is the last. */
	if (n)
		snprintf(a->newest, sizeof(a->newest), "%s: %s", v[n - 1].kind,
			 v[n - 1].message);
	/* One header line: no control characters reach the terminal. */
	for (p = a->newest; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
out:
	store_alerts_free(v, n);
	store_close(s);
	err_done(&e);
}

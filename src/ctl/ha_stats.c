/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha_stats.c - reading conntrackd's `-s` statistics: the caches' counts
 * and failures, the sync link's packets and errors.
 *
 * The text is conntrackd's (1.4): sections headed "cache internal:",
 * "cache external:", "UDP traffic (...)" or "Multicast traffic (...)",
 * and "message tracking:", with lines such as
 *   "connections created:   6   failed:   0",
 *   "30 Pckts sent   29 Pckts recv", "0 Error send   0 Error recv",
 *   "0 Malformed msgs   0 Lost msgs".
 * Each number is read before or after its words as conntrackd prints it;
 * a line not understood is skipped, so another version's extra lines do
 * no harm.  Does not run conntrackd (ha_run.c) or judge (src/diag).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ha.h"

enum ha_sec { SEC_NONE, SEC_INTERNAL, SEC_EXTERNAL, SEC_SYNC, SEC_MSG };

/* The number just before @word in @line (of @len bytes), or 0. */
static unsigned long long
ha_num_before(const char *line, size_t len, const char *word)
{
	size_t wl = strlen(word), i;
	unsigned long long v = 0, mul = 1;

	for (i = 0; i + wl <= len; i++) {
		size_t k = i;

		if (memcmp(line + i, word, wl))
			continue;
		while (k > 0 && line[k - 1] == ' ')
			k--;
		/* at most 19 digits: no overflow */
		while (k > 0 && line[k - 1] >= '0' && line[k - 1] <= '9' &&
		       mul <= 1000000000000000000ULL) {
			v += (unsigned long long)(line[k - 1] - '0') * mul;
			mul *= 10;
			k--;
		}
		return v;
	}
	return 0;
}

/* The number after @word (blanks, tabs between), or 0. */
static unsigned long long
ha_num_after(const char *line, size_t len, const char *word)
{
	size_t wl = strlen(word), i, k, digits = 0;
	unsigned long long v = 0;

	for (i = 0; i + wl <= len; i++) {
		if (memcmp(line + i, word, wl))
			continue;
		for (k = i + wl; k < len && (line[k] == ' ' ||
					     line[k] == '\t'); k++)
			;
		for (; k < len && line[k] >= '0' && line[k] <= '9' &&
		       digits < 19; k++, digits++)
			v = v * 10 + (unsigned long long)(line[k] - '0');
		return v;
	}
	return 0;
}

static bool
ha_has(const char *line, size_t len, const char *word)
{
	size_t wl = strlen(word), i;

	for (i = 0; i + wl <= len; i++)
		if (!memcmp(line + i, word, wl))
			return true;
	return false;
}

/* One line of section @sec. */
static void
ha_stats_line(struct ha_ctd_stats *st, enum ha_sec sec, const char *l,
	      size_t n)
{
	if (sec == SEC_INTERNAL || sec == SEC_EXTERNAL) {
		if (ha_has(l, n, "current active connections:")) {
			unsigned long long v = ha_num_after(l, n, "connections:");

			if (sec == SEC_INTERNAL)
				st->active_internal = v;
			else
				st->active_external = v;
		}
		st->failed += ha_num_after(l, n, "failed:");
	} else if (sec == SEC_SYNC) {
		st->pkts_sent += ha_num_before(l, n, "Pckts sent");
		st->pkts_recv += ha_num_before(l, n, "Pckts recv");
		st->err_send += ha_num_before(l, n, "Error send");
		st->err_recv += ha_num_before(l, n, "Error recv");
	} else if (sec == SEC_MSG) {
		st->malformed += ha_num_before(l, n, "Malformed msgs");
		st->lost += ha_num_before(l, n, "Lost msgs");
	}
}

void
ha_ctd_stats_parse(const char *text, struct ha_ctd_stats *st)
{
	enum ha_sec sec = SEC_NONE;
	const char *p = text, *nl;
	size_t n;

	memset(st, 0, sizeof(*st));
	for (; *p; p = nl ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= 15 && !memcmp(p, "cache internal:", 15)) {
			sec = SEC_INTERNAL;
			st->seen_cache = true;
		} else if (n >= 15 && !memcmp(p, "cache external:", 15)) {
			sec = SEC_EXTERNAL;
			st->seen_cache = true;
		} else if ((n >= 11 && !memcmp(p, "UDP traffic", 11)) ||
			   (n >= 17 && !memcmp(p, "Multicast traffic", 17))) {
			sec = SEC_SYNC;
			st->seen_sync = true;
		} else if (n >= 17 && !memcmp(p, "message tracking:", 17)) {
			sec = SEC_MSG;
		} else if (n > 0 && p[0] != ' ' && p[0] != '\t' &&
			   p[n - 1] == ':' && !ha_has(p, n, "connections")) {
			sec = SEC_NONE;		/* another section */
		} else {
			ha_stats_line(st, sec, p, n);
		}
	}
}

int
ha_state_parse(const char *text, char event[8], long long *when)
{
	static const char *const events[] = { "primary", "backup", "fault",
		NULL };
	size_t i, n, digits = 0;
	const char *p;
	long long v = 0;

	for (i = 0; events[i]; i++) {
		n = strlen(events[i]);
		if (!strncmp(text, events[i], n) && text[n] == ' ')
			break;
	}
	if (!events[i])
		return -1;
	/* 1..18 digits (no overflow), then an optional newline, nothing
	 * else */
	for (p = text + n + 1; *p >= '0' && *p <= '9' && digits < 18;
	     p++, digits++)
		v = v * 10 + (*p - '0');
	if (!digits || (*p && strcmp(p, "\n")))
		return -1;
	snprintf(event, 8, "%s", events[i]);
	*when = v;
	return 0;
}

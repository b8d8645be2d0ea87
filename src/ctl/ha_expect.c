/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha_expect.c - reading a conntrackd.conf's ExpectationSync: does the
 * file replicate a conntrack helper's expectations?  What `diag ha`
 * (ha.helpers) asks of the file in use, which an admin may have edited.
 *
 * conntrackd's grammar (conntrackd.conf(5), Sync { Options { ... } }):
 *   ExpectationSync On|Off          all helpers, or none
 *   ExpectationSync { ftp sip ... } the helpers named
 * Words are separated by blanks; '{' and '}' are words of their own even
 * when written against another; '#' starts a comment to the end of the
 * line.  Keywords are compared without case (conntrackd's lexer is
 * caseless), helper names exactly.  Only the tokens are read, not the
 * whole grammar: a file conntrackd refuses is ha.conntrackd's matter.
 * Does not read the file (the caller does) and does not judge.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "ctl/ha.h"

/* The next word of *@p into @w (at most @size - 1 bytes kept, the rest
 * skipped); false at the end of the text. */
static bool
ha_word(const char **p, char *w, size_t size)
{
	const char *s = *p;
	size_t n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (*s != '#')
			break;
		while (*s && *s != '\n')
			s++;
	}
	if (!*s)
		return false;
	if (*s == '{' || *s == '}') {
		w[n++] = *s++;
	} else {
		for (; *s && !strchr(" \t\n\r#{}", *s); s++)
			if (n + 1 < size)
				w[n++] = *s;
	}
	w[n] = '\0';
	*p = s;
	return true;
}

int
ha_expect_sync_covers(const char *text, const char *helper)
{
	char w[64];
	int covered = 0;

	/* the last ExpectationSync wins, as a later option does in
	 * conntrackd's parser */
	while (ha_word(&text, w, sizeof(w))) {
		if (strcasecmp(w, "ExpectationSync"))
			continue;
		if (!ha_word(&text, w, sizeof(w)))
			break;
		if (!strcasecmp(w, "on") || !strcasecmp(w, "off")) {
			covered = !strcasecmp(w, "on");
			continue;
		}
		if (strcmp(w, "{"))
			continue;
		covered = 0;
		while (ha_word(&text, w, sizeof(w)) && strcmp(w, "}"))
			if (!strcmp(w, helper))
				covered = 1;
	}
	return covered;
}

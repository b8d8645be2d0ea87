/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * script.c - reading masqsh scripts (-f FILE, -f -, a piped stdin) as
 * logical lines, keeping track of the physical line each part came from
 * so an error points at "FILE:LINE:COL" of the text the user wrote.
 *
 * Owns: line reading, CR/LF handling, '\' continuation.  Does not own:
 * the words (core/tok.c) or running them (cmd.c) or printing (main.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "shell/cmd.h"

void
cmd_script_init(struct cmd_script *sc, FILE *fp, const char *name)
{
	memset(sc, 0, sizeof(*sc));
	sc->fp = fp;
	sc->name = name;
}

void
cmd_script_done(struct cmd_script *sc)
{
	free(sc->line);
	free(sc->starts);
	sc->line = NULL;
	sc->starts = NULL;
	sc->nparts = 0;
}

/* Does @s (without its newline) end in an odd run of backslashes? */
static bool
script_continues(const char *s, size_t len)
{
	size_t n = 0;

	if (s[strspn(s, " \t")] == '#')
		return false;		/* a comment never continues */
	while (n < len && s[len - 1 - n] == '\\')
		n++;
	return n % 2 == 1;
}

int
cmd_script_next(struct cmd_script *sc, struct masq_err *e)
{
	char *buf = NULL;
	size_t cap = 0, len = 0, total = 0;
	ssize_t got;
	bool more = true;

	free(sc->line);
	free(sc->starts);
	sc->line = NULL;
	sc->starts = NULL;
	sc->nparts = 0;
	while (more) {
		errno = 0;
		got = getline(&buf, &cap, sc->fp);
		if (got < 0) {
			if (ferror(sc->fp)) {
				free(buf);
				return err_sys(e, MASQ_EFAIL, errno, "%s: read error",
					       sc->name);
			}
			if (!sc->nparts)
				break;
			more = false;	/* '\' on the last line: take what we have */
			continue;
		}
		len = (size_t)got;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		sc->lineno++;
		if (!sc->nparts)
			sc->first = sc->lineno;
		more = script_continues(buf, len);
		if (more)
			buf[--len] = '\0';
		sc->starts = xreallocarray(sc->starts, sc->nparts + 1,
					   sizeof(*sc->starts));
		sc->starts[sc->nparts++] = total;
		sc->line = xrealloc(sc->line, total + len + 2);
		memcpy(sc->line + total, buf, len);
		total += len;
		/* The part that continues gets a blank where its '\' was, so
		 * "eth0\<newline>from" stays two words. */
		if (more)
			sc->line[total++] = ' ';
		sc->line[total] = '\0';
	}
	free(buf);
	if (!sc->nparts)
		return 0;
	snprintf(sc->where, sizeof(sc->where), "%s:%u", sc->name, sc->first);
	return 1;
}

void
cmd_script_locate(struct cmd_script *sc, struct masq_err *e)
{
	size_t part = 0, beg, end;
	char *phys;

	if (!e->input || !e->len || sc->nparts < 2 || !sc->line ||
	    strcmp(e->input, sc->line))
		return;
	while (part + 1 < sc->nparts && sc->starts[part + 1] <= e->pos)
		part++;
	beg = sc->starts[part];
	end = part + 1 < sc->nparts ? sc->starts[part + 1] - 1 : strlen(sc->line);
	phys = xstrndup(sc->line + beg, end - beg);
	free(e->input);
	e->input = phys;
	e->pos -= beg;
	if (e->pos > end - beg)
		e->pos = end - beg;
	if (e->pos + e->len > end - beg + 1)
		e->len = end - beg + 1 - e->pos;
	if (!e->len)
		e->len = 1;
	snprintf(sc->where, sizeof(sc->where), "%s:%u", sc->name,
		 sc->first + (unsigned int)part);
}

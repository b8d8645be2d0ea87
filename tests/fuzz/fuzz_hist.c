/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_hist.c - the shell's history file (src/shell/hist.c): any bytes
 * a ~/.masqsh_history may hold, read at start, appended to, then capped.
 * Input: byte 0 picks the cap (its low 3 bits: lines kept) and, with bit
 * 7, puts a symbolic link where the file should be; the rest is the
 * file.  Properties: the lines handed to readline are exactly the file's
 * non-empty lines (up to a NUL in each); a link is refused and its target
 * left alone; after the append and the cap the file is 0600 and holds
 * exactly the last lines of what it held plus the appended one.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "shell/hist.h"
#include "fuzz.h"

/* tmpfs when there is one: the cap fsyncs, which on a disk costs a
 * hundred times the rest of a run */
static char dir[64];
static char path[sizeof(dir) + 32], target[sizeof(dir) + 32];
static const uint8_t *want;	/* the file as written, for add() */
static size_t want_n, want_off, n_added;

/* The next non-empty line of the file, as hist_open must hand it over. */
static void
add(const char *line)
{
	const uint8_t *p, *nl;
	size_t len;

	for (;;) {
		fuzz_assert(want_off < want_n, "line %zu '%s' beyond the file",
			    n_added, line);
		p = want + want_off;
		nl = memchr(p, '\n', want_n - want_off);
		len = nl ? (size_t)(nl - p) : want_n - want_off;
		want_off += len + (nl != NULL);
		if (len && *p)
			break;
	}
	len = strnlen((const char *)p, len);
	fuzz_assert(strlen(line) == len && !memcmp(p, line, len),
		    "line %zu differs", n_added);
	n_added++;
}

static void
put(const char *file, const uint8_t *data, size_t size)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fuzz_assert(fd != -1, "cannot create %s", file);
	fuzz_assert(write(fd, data, size) == (ssize_t)size, "short write");
	close(fd);
}

static uint8_t *
slurp(const char *file, size_t *n)
{
	struct stat st;
	uint8_t *b;
	int fd = open(file, O_RDONLY);

	fuzz_assert(fd != -1 && fstat(fd, &st) == 0, "cannot read %s", file);
	b = malloc((size_t)st.st_size + 1);
	fuzz_assert(b && read(fd, b, (size_t)st.st_size) == st.st_size,
		    "short read");
	close(fd);
	*n = (size_t)st.st_size;
	return b;
}

/* Where the last @keep lines of @b start, as the cap must cut (hist.h:
 * "keep the last @keep lines"; 0 keeps none). */
static size_t
tail(const uint8_t *b, size_t n, size_t keep)
{
	size_t i, lines = 0;

	if (!keep)
		return n;
	for (i = n; i > 0; i--)
		if (b[i - 1] == '\n' && i != n && ++lines == keep)
			return i;
	return 0;
}

static void
check_cap(const uint8_t *data, size_t size, size_t keep)
{
	static const char more[] = "appended line";
	size_t n, all_n = size + sizeof(more), start;
	uint8_t *all = malloc(all_n), *got;
	struct stat st;

	fuzz_assert(all != NULL, "malloc");
	memcpy(all, data, size);
	memcpy(all + size, more, sizeof(more) - 1);
	all[all_n - 1] = '\n';
	start = tail(all, all_n, keep);
	got = slurp(path, &n);
	fuzz_assert(n == all_n - start && !memcmp(got, all + start, n),
		    "capped to %zu lines: %zu bytes, want %zu", keep, n,
		    all_n - start);
	fuzz_assert(lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 07777) == 0600, "mode %o", st.st_mode);
	free(got);
	free(all);
}

static void
cleanup(void)
{
	unlink(path);
	unlink(target);
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hist h = { NULL, -1 };
	struct masq_err e;
	size_t keep, n;
	uint8_t *t;
	bool link_it;

	if (size < 1 || size > 65536)
		return 0;
	if (!path[0]) {
		strcpy(dir, "/dev/shm/fuzz_hist.XXXXXX");
		if (!mkdtemp(dir)) {
			strcpy(dir, "/tmp/fuzz_hist.XXXXXX");
			fuzz_assert(mkdtemp(dir), "mkdtemp");
		}
		atexit(cleanup);
		snprintf(path, sizeof(path), "%s/.masqsh_history", dir);
		snprintf(target, sizeof(target), "%s/target", dir);
	}
	keep = data[0] & 7;
	link_it = data[0] & 0x80;
	data++, size--;
	unlink(path);
	if (link_it) {
		put(target, data, size);
		fuzz_assert(symlink("target", path) == 0, "symlink");
	} else {
		put(path, data, size);
	}
	want = data, want_n = size, want_off = 0, n_added = 0;
	err_init(&e);
	if (hist_open(&h, dir, add, &e) == -1) {
		err_done(&e);
		fuzz_assert(link_it, "a regular file of ours was refused");
		t = slurp(target, &n);
		fuzz_assert(n == size && !memcmp(t, data, n), "the link's "
			    "target changed");
		free(t);
		return 0;
	}
	fuzz_assert(!link_it, "a symbolic link was followed");
	while (want_off < want_n) {	/* no line was left out */
		const uint8_t *p = want + want_off, *nl;

		nl = memchr(p, '\n', want_n - want_off);
		want_off = nl ? (size_t)(nl - want) + 1 : want_n;
		fuzz_assert(p == nl || !*p, "a line was not handed over");
	}
	fuzz_assert(hist_append(&h, "appended line", &e) == 0, "append");
	fuzz_assert(hist_close(&h, keep, &e) == 0, "close");
	err_done(&e);
	check_cap(data, size, keep);
	return 0;
}

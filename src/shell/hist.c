/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hist.c - the saved history of the interactive shell (see hist.h).
 *
 * Why not readline's read_history/append_history/history_truncate_file:
 * they open the file by name each time and follow a symbolic link (8.2
 * even resolves one on purpose so that truncation writes through it),
 * create with the umask, and history_truncate_file renames a temporary
 * file with a predictable name that it opens without O_EXCL and never
 * fsyncs.  Here the file is checked once (lstat: a regular file of ours,
 * no link), opened O_NOFOLLOW and compared with what lstat saw, and that
 * one descriptor serves both the read at start and every append.  Lines
 * appended by another masqsh between the read and the rename of the cap
 * are lost, as with readline.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fdio.h"
#include "core/xalloc.h"
#include "shell/hist.h"

#define HIST_NAME ".masqsh_history"

static void
hist_shut(struct hist *h)
{
	if (h->fd != -1)
		close(h->fd);
	h->fd = -1;
	free(h->path);
	h->path = NULL;
}

/* Create @path 0600, whatever the umask; -2: it exists already. */
static int
hist_create(const char *path, struct masq_err *e)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW |
		      O_CLOEXEC, 0600);

	if (fd == -1 && errno == EEXIST)
		return -2;
	if (fd == -1)
		return err_sys(e, MASQ_EFAIL, errno, "cannot create %s", path);
	if (fchmod(fd, 0600) == -1) {
		err_sys(e, MASQ_EFAIL, errno, "cannot set the mode of %s",
			path);
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/*
 * Open the existing @path: a regular file owned by this user, not a
 * symbolic link, and the same file lstat() looked at.  A group or other
 * bit is taken away: the history holds what was typed, usually as root.
 */
static int
hist_reopen(const char *path, struct masq_err *e)
{
	struct stat lst, st;
	int fd;

	if (lstat(path, &lst) == -1)
		return err_sys(e, MASQ_EFAIL, errno, "cannot read %s", path);
	if (S_ISLNK(lst.st_mode))
		return err_set(e, MASQ_EFAIL, "%s is a symbolic link; not "
			       "following it", path);
	if (!S_ISREG(lst.st_mode))
		return err_set(e, MASQ_EFAIL, "%s is not a regular file",
			       path);
	if (lst.st_uid != geteuid())
		return err_set(e, MASQ_EFAIL, "%s belongs to uid %lu, not to "
			       "this user", path, (unsigned long)lst.st_uid);
	fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_NOCTTY |
		  O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return err_sys(e, MASQ_EFAIL, errno, "cannot open %s", path);
	if (fstat(fd, &st) == -1 || st.st_dev != lst.st_dev ||
	    st.st_ino != lst.st_ino) {
		close(fd);
		return err_set(e, MASQ_EFAIL, "%s changed while it was "
			       "being opened", path);
	}
	if ((st.st_mode & 077) && fchmod(fd, st.st_mode & 07700) == -1) {
		err_sys(e, MASQ_EFAIL, errno, "cannot set the mode of %s",
			path);
		close(fd);
		return -1;
	}
	return fd;
}

/* The whole file behind @fd, from its start. */
static int
hist_slurp(const struct hist *h, char **buf, size_t *n, struct masq_err *e)
{
	size_t cap = 4096, got = 0;
	ssize_t r;

	*buf = xmalloc(cap);
	for (;;) {
		if (got == cap)
			*buf = xrealloc(*buf, cap *= 2);
		r = pread(h->fd, *buf + got, cap - got, (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(*buf);
			*buf = NULL;
			return err_sys(e, MASQ_EFAIL, errno, "cannot read %s",
				       h->path);
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*n = got;
	return 0;
}

int
hist_open(struct hist *h, const char *home, void (*add)(const char *),
	  struct masq_err *e)
{
	char *buf, *p, *nl;
	size_t n;

	h->path = xasprintf("%s/%s", home, HIST_NAME);
	h->fd = hist_create(h->path, e);
	if (h->fd == -2)
		h->fd = hist_reopen(h->path, e);
	if (h->fd < 0 || hist_slurp(h, &buf, &n, e) == -1) {
		hist_shut(h);
		return -1;
	}
	for (p = buf; p < buf + n; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(buf + n - p));
		if (!nl)
			nl = buf + n;
		*nl = '\0';
		if (*p)
			add(p);
	}
	free(buf);
	return 0;
}

int
hist_append(struct hist *h, const char *line, struct masq_err *e)
{
	char *s;
	int rc = 0;

	if (h->fd == -1)
		return 0;
	s = xasprintf("%s\n", line);
	if (fd_write_all(h->fd, s, strlen(s)) == -1) {
		rc = err_sys(e, MASQ_EFAIL, errno, "cannot write %s", h->path);
		hist_shut(h);
	}
	free(s);
	return rc;
}

/* Offset of the first of the last @keep lines of @buf: 0 when it holds
 * no more than @keep lines, @n when @keep is 0 (keep none). */
static size_t
hist_tail(const char *buf, size_t n, size_t keep)
{
	size_t i, lines = 0;

	if (!keep)
		return n;
	for (i = n; i > 0; i--)
		if (buf[i - 1] == '\n' && i != n && ++lines == keep)
			return i;
	return 0;
}

/* Make @path hold @p atomically: a 0600 file beside it, fsync, rename. */
static int
hist_replace(const char *path, const char *p, size_t n, struct masq_err *e)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC), rc = -1;

	if (fd == -1) {
		err_sys(e, MASQ_EFAIL, errno, "cannot create a temporary "
			"file next to %s", path);
		free(tmp);
		return -1;
	}
	if (fd_write_all(fd, p, n) == -1 || fchmod(fd, 0600) == -1 ||
	    fsync(fd) == -1)
		err_sys(e, MASQ_EFAIL, errno, "cannot write %s", tmp);
	else if (rename(tmp, path) == -1)
		err_sys(e, MASQ_EFAIL, errno, "cannot replace %s", path);
	else
		rc = 0;
	close(fd);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
hist_close(struct hist *h, size_t keep, struct masq_err *e)
{
	char *buf = NULL;
	size_t n, start;
	int rc = 0;

	if (h->fd == -1)
		return 0;
	rc = hist_slurp(h, &buf, &n, e);
	if (rc == 0) {
		start = hist_tail(buf, n, keep);
		if (start)
			rc = hist_replace(h->path, buf + start, n - start, e);
	}
	free(buf);
	hist_shut(h);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * crlf.c - one walk over a file's bytes that both reports the faults of
 * crlf.h and, when asked, writes the fixed bytes, so that what is reported
 * and what is fixed can never disagree; and the safe in-place rewrite
 * (no symlinks, temporary file + rename, mode and owner kept, PATH.orig).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/esc.h"
#include "core/fdio.h"
#include "core/xalloc.h"
#include "diag/crlf.h"

#define CRLF_MAX_FILE (64u << 20)

struct walk {
	struct diag_crlf_finding *f;
	size_t nf, fcap;
	uint8_t *out;		/* NULL: scan only */
	size_t on;
};

static void
found(struct walk *w, enum diag_crlf_kind k, unsigned int line,
      unsigned int col, uint32_t cp, uint8_t byte)
{
	/* doubling: a DOS file of a million lines has a million */
	if (w->nf == w->fcap) {
		w->fcap = w->fcap ? w->fcap * 2 : 16;
		w->f = xreallocarray(w->f, w->fcap, sizeof(*w->f));
	}
	w->f[w->nf++] = (struct diag_crlf_finding){ k, line, col, cp, byte };
}

static void
emit(struct walk *w, const uint8_t *p, size_t n)
{
	if (w->out) {
		memcpy(w->out + w->on, p, n);
		w->on += n;
	}
}

/* What an invisible code point is, and its replacement (" " or ""). */
static bool
invisible(uint32_t cp, enum diag_crlf_kind *k, const char **repl)
{
	*repl = "";
	switch (cp) {
	case 0x00a0:
	case 0x202f:
		*k = DIAG_CRLF_NBSP;
		*repl = " ";
		return true;
	case 0x00ad:
		*k = DIAG_CRLF_SOFT_HYPHEN;
		return true;
	case 0x200b:
	case 0x200c:
	case 0x200d:
	case 0x2060:
	case 0xfeff:
		*k = DIAG_CRLF_ZERO_WIDTH;
		return true;
	case 0x200e:
	case 0x200f:
	case 0x202a: case 0x202b: case 0x202c: case 0x202d: case 0x202e:
	case 0x2066: case 0x2067: case 0x2068: case 0x2069:
		*k = DIAG_CRLF_BIDI;
		return true;
	}
	return false;
}

static void
walk(struct walk *w, const uint8_t *b, size_t n)
{
	unsigned int line = 1;
	size_t i = 0, ls = 0, len;
	bool shebang = n >= 2 && b[0] == '#' && b[1] == '!';
	enum diag_crlf_kind k;
	const char *repl;
	uint32_t cp;

	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		found(w, DIAG_CRLF_BOM, 1, 1, 0xfeff, 0);
		i = 3;	/* columns stay byte columns of the file */
		shebang = n >= 5 && b[3] == '#' && b[4] == '!';
	}
	while (i < n) {
		if (b[i] == '\r') {
			bool crlf = i + 1 < n && b[i + 1] == '\n';

			k = crlf ? DIAG_CRLF_CRLF : DIAG_CRLF_CR;
			if (line == 1 && shebang)
				k = DIAG_CRLF_SHEBANG;
			found(w, k, line, (unsigned int)(i - ls + 1), 0, 0);
			emit(w, (const uint8_t *)"\n", 1);
			i += crlf ? 2 : 1;
			ls = i;
			line++;
			continue;
		}
		if (b[i] == '\n') {
			emit(w, b + i, 1);
			ls = ++i;
			line++;
			continue;
		}
		len = esc_utf8(b + i, n - i, &cp);
		if (!len) {
			found(w, DIAG_CRLF_BAD_UTF8, line,
			      (unsigned int)(i - ls + 1), 0, b[i]);
			emit(w, b + i, 1);
			i++;
			continue;
		}
		if (len > 1 && invisible(cp, &k, &repl)) {
			found(w, k, line, (unsigned int)(i - ls + 1), cp, 0);
			emit(w, (const uint8_t *)repl, strlen(repl));
		} else {
			emit(w, b + i, len);
		}
		i += len;
	}
}

void
diag_crlf_scan(const uint8_t *buf, size_t n, struct diag_crlf_finding **f,
	       size_t *nf)
{
	struct walk w = { 0 };

	walk(&w, buf, n);
	*f = w.f;
	*nf = w.nf;
}

uint8_t *
diag_crlf_fix_buf(const uint8_t *buf, size_t n, size_t *out_n)
{
	struct walk w;
	uint8_t *prev = NULL;
	size_t pn = n;

	/*
	 * Again until nothing changes: taking a character out can join the
	 * bytes around it into a new one -- "e2 80" + U+200F + "8f" leaves
	 * "e2 80 8f", U+200F again (tests/fuzz/regress/fuzz_crlf).  Every
	 * pass that changes something removes bytes or a CR, so this ends;
	 * a real script needs one pass, rarely two.
	 */
	for (;;) {
		memset(&w, 0, sizeof(w));
		w.out = xmalloc(pn + 1);	/* never grows */
		walk(&w, prev ? prev : buf, pn);
		free(w.f);
		if (w.on == pn && !memcmp(w.out, prev ? prev : buf, pn))
			break;
		free(prev);
		prev = w.out;
		pn = w.on;
	}
	free(prev);
	*out_n = w.on;
	return w.out;
}

const char *
diag_crlf_kind_name(enum diag_crlf_kind kind)
{
	switch (kind) {
	case DIAG_CRLF_CRLF:
		return "CR LF line end (DOS)";
	case DIAG_CRLF_CR:
		return "lone CR line end (old Mac)";
	case DIAG_CRLF_SHEBANG:
		return "CR at the end of the #! line: the interpreter name "
		       "ends in CR";
	case DIAG_CRLF_BOM:
		return "UTF-8 byte-order mark at the start";
	case DIAG_CRLF_NBSP:
		return "no-break space (looks like a space, is not one)";
	case DIAG_CRLF_ZERO_WIDTH:
		return "zero-width character";
	case DIAG_CRLF_SOFT_HYPHEN:
		return "soft hyphen (invisible)";
	case DIAG_CRLF_BIDI:
		return "bidirectional control character (invisible)";
	case DIAG_CRLF_BAD_UTF8:
		break;
	}
	return "byte that is not UTF-8 (not changed by fix)";
}

bool
diag_crlf_kind_fixable(enum diag_crlf_kind kind)
{
	return kind != DIAG_CRLF_BAD_UTF8;
}

/* Open @path without following a symlink; a regular file only. */
static int
open_plain(const char *path, struct stat *st, struct masq_err *e)
{
	struct stat lst;
	int fd;

	if (lstat(path, &lst) == -1)
		return err_sys(e, MASQ_EFAIL, errno, "cannot read '%s'", path);
	if (S_ISLNK(lst.st_mode)) {
		err_set(e, MASQ_EFAIL, "'%s' is a symbolic link; not "
			"following it", path);
		return err_hint(e, "name the file it points to");
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return err_sys(e, MASQ_EFAIL, errno, "cannot open '%s'", path);
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode) ||
	    st->st_ino != lst.st_ino || st->st_dev != lst.st_dev) {
		close(fd);
		return err_set(e, MASQ_EFAIL, "'%s' is not a regular file",
			       path);
	}
	return fd;
}

static int
read_fd(int fd, const char *path, const struct stat *st, uint8_t **buf,
	size_t *n, struct masq_err *e)
{
	size_t cap = (size_t)st->st_size + 1, got = 0;
	ssize_t r;

	if (st->st_size > (off_t)CRLF_MAX_FILE)
		return err_set(e, MASQ_EFAIL, "'%s' is larger than 64 MiB; "
			       "not a script", path);
	*buf = xmalloc(cap);
	for (;;) {
		if (got == cap)
			*buf = xrealloc(*buf, cap *= 2);
		r = read(fd, *buf + got, cap - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(*buf);
			*buf = NULL;
			return err_sys(e, MASQ_EFAIL, errno, "cannot read "
				       "'%s'", path);
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*n = got;
	return 0;
}

int
diag_crlf_read(const char *path, uint8_t **buf, size_t *n,
	       struct masq_err *e)
{
	struct stat st;
	int fd, rc;

	*buf = NULL;
	*n = 0;
	fd = open_plain(path, &st, e);
	if (fd == -1)
		return -1;
	rc = read_fd(fd, path, &st, buf, n, e);
	close(fd);
	return rc;
}

/* Make a rename in @dir durable; best effort (the rename is done). */
static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd != -1) {
		fsync(fd);
		close(fd);
	}
}

int
diag_crlf_fix_file(const char *path, bool *changed, struct masq_err *e)
{
	uint8_t *buf = NULL, *fixed = NULL;
	char *tmp = NULL, *bak = NULL, *dup = NULL, *dir = NULL;
	size_t n = 0, fn = 0;
	struct stat st;
	int fd, tfd = -1, rc = -1;

	*changed = false;
	fd = open_plain(path, &st, e);
	if (fd == -1)
		return -1;
	if (read_fd(fd, path, &st, &buf, &n, e) == -1)
		goto out;
	fixed = diag_crlf_fix_buf(buf, n, &fn);
	if (fn == n && !memcmp(fixed, buf, n)) {
		rc = 0;
		goto out;
	}
	bak = xasprintf("%s%s", path, DIAG_CRLF_BACKUP_SUFFIX);
	if (access(bak, F_OK) == 0 || errno != ENOENT) {
		err_set(e, MASQ_EFAIL, "backup '%s' already exists; not "
			"overwriting it", bak);
		err_hint(e, "move it away and run the fix again");
		goto out;
	}
	dup = xstrdup(path);
	dir = dirname(dup);	/* in @dup, or a static "." */
	tmp = xasprintf("%s/.masqsh-fix.XXXXXX", dir);
	tfd = mkostemp(tmp, O_CLOEXEC);
	if (tfd == -1) {
		err_sys(e, MASQ_EFAIL, errno, "cannot create a temporary "
			"file next to '%s'", path);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* mkostemp(): O_CREAT|O_EXCL, 0600, so nothing sees it half
	 * written; the owner before the mode, since chown() clears the
	 * set-id bits */
	if (fd_write_all(tfd, fixed, fn) == -1 ||
	    ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
	     fchown(tfd, st.st_uid, st.st_gid) == -1) ||
	    fchmod(tfd, st.st_mode & 07777) == -1 ||
	    fsync(tfd) == -1) {
		err_sys(e, MASQ_EFAIL, errno, "cannot write the fixed copy "
			"of '%s'", path);
		goto out;
	}
	if (link(path, bak) == -1) {
		err_sys(e, MASQ_EFAIL, errno, "cannot keep a backup '%s'",
			bak);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		err_sys(e, MASQ_EFAIL, errno, "cannot replace '%s'", path);
		unlink(bak);
		goto out;
	}
	free(tmp);
	tmp = NULL;
	sync_dir(dir);
	*changed = true;
	rc = 0;
out:
	if (tfd != -1)
		close(tfd);
	if (tmp)
		unlink(tmp);
	close(fd);
	free(tmp);
	free(bak);
	free(dup);
	free(buf);
	free(fixed);
	return rc;
}

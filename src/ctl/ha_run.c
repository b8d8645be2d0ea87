/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha_run.c - putting the NAT pair's files in place and telling systemd:
 * each file written atomically (temporary file, fsync, rename), then
 * "systemctl try-restart conntrackd" and "systemctl try-reload-or-restart
 * keepalived" when systemd is PID 1, so that only a service systemd runs
 * is touched.  Also runs `conntrackd -s` for diag (ha_run()).
 *
 * ha_run() is one of the reviewed exec sites (tests/audit/no_shell.sh):
 * argv[0] is one of the fixed absolute paths below, never a string from
 * input, and no shell is involved.  Does not generate text (ha_conf.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fdio.h"
#include "ctl/ha.h"

const char *
ha_conntrackd_bin(void)
{
	static const char *const paths[] = { "/usr/sbin/conntrackd",
		"/sbin/conntrackd", "/usr/local/sbin/conntrackd", NULL };
	size_t i;

	for (i = 0; paths[i]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static const char *
ha_systemctl_bin(void)
{
	static const char *const paths[] = { "/usr/bin/systemctl",
		"/bin/systemctl", NULL };
	size_t i;

	for (i = 0; paths[i]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* The child: stdin /dev/null, stdout+stderr to @fd, exec. */
static void
ha_child(const char *const *argv, int fd)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0)
		_exit(127);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

int
ha_run(const char *const *argv, char *out, size_t size, struct masq_err *e)
{
	int p[2], status;
	size_t used = 0;
	ssize_t r;
	char sink[256];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot run %s", argv[0]);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return err_sys(e, MASQ_EFAIL, errno, "cannot run %s", argv[0]);
	}
	if (pid == 0)
		ha_child(argv, p[1]);
	close(p[1]);
	for (;;) {
		char *dst = out && used + 1 < size ? out + used : sink;
		size_t room = out && used + 1 < size ? size - used - 1 :
			      sizeof(sink);

		r = read(p[0], dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst != sink)
			used += (size_t)r;
	}
	close(p[0]);
	if (out && size)
		out[used] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_sys(e, MASQ_EFAIL, errno, "waiting for %s",
				       argv[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Write @text to @path through "@path.tmp": all or nothing. */
static int
ha_write_file(const char *path, const char *text, mode_t mode,
	      struct masq_err *e)
{
	char tmp[HA_PATH_MAX + 8];
	size_t len = strlen(text);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  mode);
	if (fd < 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot write %s", tmp);
	if (fd_write_all(fd, text, len) < 0 || fchmod(fd, mode) < 0 ||
	    fsync(fd) < 0) {
		int err = errno;

		close(fd);
		unlink(tmp);
		return err_sys(e, MASQ_EFAIL, err, "cannot write %s", tmp);
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int err = errno;

		unlink(tmp);
		return err_sys(e, MASQ_EFAIL, err, "cannot write %s", path);
	}
	return 0;
}

/* systemctl @verb @unit when systemd runs @unit; true when done. */
static bool
ha_systemctl(const char *verb, const char *unit)
{
	const char *bin = ha_systemctl_bin();
	const char *argv[] = { bin, "--quiet", "is-active", unit, NULL };
	struct masq_err e;
	bool ok;

	if (!bin)
		return false;
	err_init(&e);
	ok = ha_run(argv, NULL, 0, &e) == 0;
	if (ok) {
		argv[2] = verb;
		ok = ha_run(argv, NULL, 0, &e) == 0;
	}
	err_done(&e);
	return ok;
}

int
ha_apply(const struct ha_conf *c, const struct ha_paths *p,
	 struct ha_apply_res *res, struct masq_err *e)
{
	char *ct = NULL, *ka = NULL, *nt = NULL;
	struct stat st;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	/* generate all three before writing any */
	if (ha_conntrackd_text(c, p, &ct, e) < 0 ||
	    ha_keepalived_text(c, p, &ka, e) < 0 ||
	    ha_notify_text(c, p, &nt, e) < 0)
		goto out;
	if (ha_write_file(p->notify, nt, 0755, e) < 0 ||
	    ha_write_file(p->conntrackd_conf, ct, 0644, e) < 0 ||
	    ha_write_file(p->keepalived_conf, ka, 0644, e) < 0)
		goto out;
	/* sd_booted(): the test systemd itself documents */
	res->systemd = !p->custom && lstat("/run/systemd/system", &st) == 0 &&
		       S_ISDIR(st.st_mode);
	if (res->systemd) {
		res->reloaded_conntrackd = ha_systemctl("try-restart",
							"conntrackd.service");
		res->reloaded_keepalived = ha_systemctl(
			"try-reload-or-restart", "keepalived.service");
	}
	rc = 0;
out:
	free(ct);
	free(ka);
	free(nt);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * revision_timer.c - starting the confirm timer of a pending revision: a
 * detached process that outlives the admin's session (see
 * rev_timer_spawn() in revision_int.h).
 *
 * Owns: the process mechanics (double fork, new session, signals, stdio
 * on /dev/null, no inherited descriptors, re-executing this program).
 * Does not own: what the timer does once it runs (ctl_timer_run(),
 * revision_pending.c), or the command that runs it (the shell's hidden
 * `__confirm-timer`).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl/revision_int.h"

/* Close every descriptor from 3 up. */
static void
rev_close_from3(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < (max > 0 ? max :
							     1024); fd++)
		close((int)fd);
}

/* The grandchild: detach and become the timer.  Never returns. */
static void
rev_timer_exec(char *const argv[])
{
	sigset_t none;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGHUP, SIG_IGN);
	if (chdir("/") < 0)
		_exit(126);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	rev_close_from3();
	execv(argv[0], argv);
	_exit(127);
}

int
rev_timer_spawn(const char *db_path, int64_t id, struct masq_err *e)
{
	char exe[PATH_MAX], db[PATH_MAX], cmd[64];
	char *argv[] = { exe, (char *)"--db", db, (char *)"-c", cmd, NULL };
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	pid_t pid;
	int st;

	/* the timer runs in "/": a relative --db must not change meaning */
	if (!realpath(db_path, db))
		return err_sys(e, MASQ_EFAIL, errno, "%s", db_path);
	if (n <= 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot find this "
			       "program (/proc/self/exe) to start the confirm "
			       "timer");
	exe[n] = '\0';
	snprintf(cmd, sizeof(cmd), "__confirm-timer %" PRId64, id);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot start the confirm "
			       "timer");
	if (pid == 0) {
		setsid();
		pid = fork();
		if (pid != 0)
			_exit(pid < 0 ? 1 : 0);
		rev_timer_exec(argv);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return err_sys(e, MASQ_EFAIL, errno, "confirm timer");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return err_set(e, MASQ_EFAIL, "cannot start the confirm timer");
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_lock.c - one engine per network namespace and per database (see
 * ctl_engine_lock() in engine.h).
 *
 * Owns: the abstract unix socket that marks a namespace's engine and the
 * flock on DB.engine.lock (with the pid in it, for the message).  Does
 * not own what the engine does (engine.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "ctl/engine.h"

#define ENGINE_NS_NAME "masqsh-engine"

/* The per-namespace lock: bind the abstract name.  -1 with @e set. */
static int
engine_lock_ns(struct masq_err *e)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* sun_path[0] stays '\0': an abstract name, no file anywhere */
	memcpy(sun.sun_path + 1, ENGINE_NS_NAME, strlen(ENGINE_NS_NAME));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			  strlen(ENGINE_NS_NAME));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot make the engine "
			       "lock socket");
	if (bind(fd, (struct sockaddr *)&sun, len) < 0) {
		int err = errno;

		close(fd);
		if (err != EADDRINUSE)
			return err_sys(e, MASQ_EFAIL, err, "cannot take the "
				       "engine lock");
		err_set(e, MASQ_EFAIL, "another masqsh engine is already "
			"running in this network namespace");
		err_hint(e, "stop it first (systemctl stop masqsh); one "
			 "engine looks after a namespace's NAT table");
		return -1;
	}
	return fd;
}

/* The per-database lock.  -1 with @e set. */
static int
engine_lock_db(const char *db, struct masq_err *e)
{
	char *path = xasprintf("%s.engine.lock", db), pid[32] = "";
	ssize_t n;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err_sys(e, MASQ_ESTORE, errno, "cannot open the lock %s", path);
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		fd = -1;
		if (err == EWOULDBLOCK) {
			err_set(e, MASQ_EFAIL, "another masqsh engine is "
				"already running on %s%s%s%s", db,
				*pid ? " (pid " : "", pid, *pid ? ")" : "");
			err_hint(e, "stop it first (systemctl stop masqsh), "
				 "or use another database with --db");
		} else {
			err_sys(e, MASQ_ESTORE, err, "cannot lock %s", path);
		}
		goto out;
	}
	/* The pid is only a courtesy for the message above. */
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) < 0)
		(void)0;
out:
	free(path);
	return fd;
}

int
ctl_engine_lock(const char *db, int *ns_fd, int *db_fd, struct masq_err *e)
{
	*db_fd = -1;
	*ns_fd = engine_lock_ns(e);
	if (*ns_fd < 0)
		return -1;
	*db_fd = engine_lock_db(db, e);
	if (*db_fd < 0) {
		close(*ns_fd);
		*ns_fd = -1;
		return -1;
	}
	return 0;
}

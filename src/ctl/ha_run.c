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

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* The Internet checksum of @n bytes (ICMPv4; ICMPv6's is the kernel's). */
static uint16_t
ha_csum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		sum += (uint32_t)(b[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Wait up to @ms for an echo reply with our @id on @fd. */
static bool
ha_ping_wait(int fd, int family, uint16_t id, unsigned int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	unsigned char buf[1500];

	while (poll(&pfd, 1, (int)ms) > 0) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		size_t off = 0;

		if (r <= 0)
			return false;
		if (family == AF_INET) {
			/* a raw IPv4 socket hands over the IP header too */
			off = (size_t)(buf[0] & 0x0f) * 4;
			if ((size_t)r >= off + 8 && buf[off] == ICMP_ECHOREPLY &&
			    !memcmp(buf + off + 4, &id, 2))
				return true;
		} else if (r >= 8 && buf[0] == ICMP6_ECHO_REPLY &&
			   !memcmp(buf + 4, &id, 2)) {
			return true;
		}
	}
	return false;
}

int
ha_ping(const char *ifname, int family, const char *addr, unsigned int tries,
	unsigned int ms, struct masq_err *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned char pkt[16] = { 0 };
	uint16_t id = htons((uint16_t)getpid());
	unsigned int i;
	int fd, got = 0;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		sl = sizeof(*sin6);
	}
	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC,
		    family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot ping %s", addr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname)) < 0) {
		int err = errno;

		close(fd);
		return err_sys(e, MASQ_EFAIL, err, "cannot ping out of %s",
			       ifname);
	}
	pkt[0] = family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	memcpy(pkt + 4, &id, 2);
	for (i = 0; i < tries && !got; i++) {
		uint16_t seq = htons((uint16_t)(i + 1)), sum;

		memcpy(pkt + 6, &seq, 2);
		memset(pkt + 2, 0, 2);
		if (family == AF_INET) {
			sum = ha_csum(pkt, sizeof(pkt));
			memcpy(pkt + 2, &sum, 2);
		}
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss,
			   sl) < 0)
			continue;	/* no route or neighbour yet: again */
		got = ha_ping_wait(fd, family, id, ms);
	}
	close(fd);
	return got;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fdio.c - see fdio.h. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "core/fdio.h"

int
fd_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t r;

	while (n) {
		r = write(fd, c, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

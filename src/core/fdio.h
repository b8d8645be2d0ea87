/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fdio.h - writing a whole buffer to a descriptor: the files masqsh
 * rewrites itself (diag crlf fix, the shell's history).
 */
#ifndef MASQ_CORE_FDIO_H
#define MASQ_CORE_FDIO_H

#include <stddef.h>

/* All @n bytes of @p to @fd, again after EINTR and short writes.  0, or
 * -1 with errno set. */
int fd_write_all(int fd, const void *p, size_t n);

#endif

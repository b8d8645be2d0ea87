/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nokernel.c - run a program as on a kernel without a netlink family:
 *
 *   nokernel PROTO PROG [ARG...]
 *
 * A seccomp filter makes socket(AF_NETLINK, *, PROTO) fail with
 * EPROTONOSUPPORT -- what a kernel built without that family answers
 * (PROTO 12, NETLINK_NETFILTER: no nfnetlink, hence no nf_tables, no
 * ctnetlink; 0, NETLINK_ROUTE).  The kernel here has every piece built
 * in, so this is how tests/netns/455 sees masqsh meet a missing one.
 * Every other call passes.  Exit 126 when the filter cannot be set.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	unsigned int proto;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),	/* PROTO */
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | (EPROTONOSUPPORT & 0xffff)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (argc < 3) {
		fprintf(stderr, "usage: nokernel PROTO PROG [ARG...]\n");
		return 2;
	}
	proto = (unsigned int)strtoul(argv[1], NULL, 10);
	f[5].k = proto;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("nokernel: seccomp");
		return 126;
	}
	execvp(argv[2], argv + 2);
	perror("nokernel: exec");
	return 127;
}

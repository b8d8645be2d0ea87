# tests/netns: builds tests/lib/nokernel (for 455); masqsh on the real kernel in throwaway
# network namespaces, NNN_name.sh run by run.sh (exit 77, with the reason,
# when not root or the kernel lacks a feature).
TESTS += tests/netns/run.sh
EXTRA_DIST += tests/netns

# tests/netns/455: a kernel without a netlink family, as seccomp shows it
check_PROGRAMS += tests/lib/nokernel
tests_lib_nokernel_SOURCES = tests/lib/nokernel.c

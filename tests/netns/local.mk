# tests/netns: builds nothing; masqsh on the real kernel in throwaway
# network namespaces, NNN_name.sh run by run.sh (exit 77, with the reason,
# when not root or the kernel lacks a feature).
TESTS += tests/netns/run.sh
EXTRA_DIST += tests/netns

# unit test of the path-MTU search (diag/mtu_search.c, issue 4): a pure
# state machine driven by a pass/fail oracle; no kernel needed.
check_PROGRAMS += tests/unit/check_mtu
tests_unit_check_mtu_SOURCES = tests/unit/check_mtu.c
tests_unit_check_mtu_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_mtu_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/check_mtu

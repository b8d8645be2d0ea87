# unit tests of the diagnostics framework and the crlf check (issue 4).
check_PROGRAMS += tests/unit/check_diag
tests_unit_check_diag_SOURCES = tests/unit/check_diag.c
tests_unit_check_diag_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_diag_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/check_diag

# unit tests of the conntrack engine and the filter language (issue 3).
# check_filter needs no kernel; check_ct runs its kernel cases in a private
# network namespace when root and says why it skips them otherwise.
check_PROGRAMS += tests/unit/check_filter tests/unit/check_ct
tests_unit_check_filter_SOURCES = tests/unit/check_filter.c
tests_unit_check_filter_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_filter_LDADD = $(UNIT_LDADD)
tests_unit_check_ct_SOURCES = tests/unit/check_ct.c
tests_unit_check_ct_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ct_LDADD = $(UNIT_LDADD)

# TESTS already takes $(UNIT_TESTS) (tests/local.mk), so listing them in
# TESTS again would run them twice.
UNIT_TESTS += tests/unit/check_filter tests/unit/check_ct

# bench/ct_dump.sh builds this driver with `make bench/ct_dump_bench`.
EXTRA_PROGRAMS = bench/ct_dump_bench
bench_ct_dump_bench_SOURCES = bench/ct_dump_bench.c
bench_ct_dump_bench_LDADD = $(MASQ_LIBS)
CLEANFILES += bench/ct_dump_bench
EXTRA_DIST += bench/ct_dump.sh bench/README-ct.md

# the one conntrack row (nat/ct_cols.c: text, JSON, masqtop's cells and
# batch rows) and the buffer it writes into (core/strbuf.c).  No kernel.
check_PROGRAMS += tests/unit/check_ct_cols
tests_unit_check_ct_cols_SOURCES = tests/unit/check_ct_cols.c
tests_unit_check_ct_cols_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ct_cols_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/check_ct_cols

# bench: the benchmark scripts and their notes (shipped whole), and the
# driver they build on demand with `make bench/ct_dump_bench` (never
# installed, not built by `make all`).  bench/ct_churn.c is compiled by
# the scripts that use it.
EXTRA_PROGRAMS += bench/ct_dump_bench
bench_ct_dump_bench_SOURCES = bench/ct_dump_bench.c bench/ct_bench.h
bench_ct_dump_bench_LDADD = $(MASQ_LIBS)
CLEANFILES += bench/ct_dump_bench
EXTRA_DIST += bench

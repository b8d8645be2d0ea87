# tests/fuzz: the libFuzzer targets, one per input surface (see
# tests/fuzz/README.md).  With --enable-fuzz (CC=clang) they link
# libFuzzer's main and `make fuzz` runs each over its corpus (run.sh);
# in every other build they link tests/fuzz/replay.c instead, and make
# check replays the committed corpora and crashers through them
# (replay.sh), under ASan/UBSan in _build-asan.
FUZZ_TARGETS = \
	tests/fuzz/fuzz_rule \
	tests/fuzz/fuzz_filter \
	tests/fuzz/fuzz_crlf \
	tests/fuzz/fuzz_ct \
	tests/fuzz/fuzz_cli \
	tests/fuzz/fuzz_import \
	tests/fuzz/fuzz_import_ipt \
	tests/fuzz/fuzz_store \
	tests/fuzz/fuzz_nft_read \
	tests/fuzz/fuzz_rtnl \
	tests/fuzz/fuzz_redact \
	tests/fuzz/fuzz_hist \
	tests/fuzz/fuzz_ha
check_PROGRAMS += $(FUZZ_TARGETS)
TESTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz

FUZZ_CF = $(AM_CFLAGS)
FUZZ_LIBS = $(MASQ_LIBS)
if FUZZ
FUZZ_MAIN =
FUZZ_LINK = $(AM_LDFLAGS) $(MASQ_FUZZ_LDFLAGS)
else
FUZZ_MAIN = tests/fuzz/replay.c
FUZZ_LINK = $(AM_LDFLAGS)
endif

tests_fuzz_fuzz_rule_SOURCES = tests/fuzz/fuzz_rule.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_rule_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_rule_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_rule_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_filter_SOURCES = tests/fuzz/fuzz_filter.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_filter_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_filter_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_filter_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_crlf_SOURCES = tests/fuzz/fuzz_crlf.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_crlf_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_crlf_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_crlf_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_ct_SOURCES = tests/fuzz/fuzz_ct.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_ct_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_ct_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_ct_LDADD = $(FUZZ_LIBS)
FUZZ_CMD = tests/fuzz/fuzz_cmd.c tests/fuzz/fuzz_cmd.h
tests_fuzz_fuzz_cli_SOURCES = tests/fuzz/fuzz_cli.c tests/fuzz/fuzz.h $(FUZZ_CMD) $(FUZZ_MAIN)
tests_fuzz_fuzz_cli_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_cli_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_cli_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_import_SOURCES = tests/fuzz/fuzz_import.c tests/fuzz/fuzz.h $(FUZZ_CMD) $(FUZZ_MAIN)
tests_fuzz_fuzz_import_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_import_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_import_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_import_ipt_SOURCES = tests/fuzz/fuzz_import_ipt.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_import_ipt_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_import_ipt_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_import_ipt_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_store_SOURCES = tests/fuzz/fuzz_store.c tests/fuzz/fuzz.h $(FUZZ_CMD) $(FUZZ_MAIN)
tests_fuzz_fuzz_store_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_store_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_store_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_nft_read_SOURCES = tests/fuzz/fuzz_nft_read.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_nft_read_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_nft_read_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_nft_read_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_rtnl_SOURCES = tests/fuzz/fuzz_rtnl.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_rtnl_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_rtnl_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_rtnl_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_redact_SOURCES = tests/fuzz/fuzz_redact.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_redact_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_redact_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_redact_LDADD = $(FUZZ_LIBS)
# the history file's reader/capper is part of the masqsh program only
tests_fuzz_fuzz_hist_SOURCES = tests/fuzz/fuzz_hist.c tests/fuzz/fuzz.h \
	src/shell/hist.c src/shell/hist.h $(FUZZ_MAIN)
tests_fuzz_fuzz_hist_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_hist_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_hist_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_ha_SOURCES = tests/fuzz/fuzz_ha.c tests/fuzz/fuzz.h $(FUZZ_MAIN)
tests_fuzz_fuzz_ha_CFLAGS = $(FUZZ_CF)
tests_fuzz_fuzz_ha_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_ha_LDADD = $(FUZZ_LIBS)

# make fuzz [FUZZ_TIME=seconds per target] [FUZZ_TARGET=name]
FUZZ_TIME = 60
fuzz: $(FUZZ_TARGETS)
	FUZZ_TIME=$(FUZZ_TIME) FUZZ_TARGET='$(FUZZ_TARGET)' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(top_srcdir)/tests/fuzz/run.sh $(FUZZ_TARGETS)
.PHONY: fuzz

# tests/unit: the Check unit tests, one binary per module, each built from
# its own tests/unit/check_MODULE.c linked with libmasq.a (MASQ_LIBS): a
# test compiles no source of src/.  Tests that need the kernel run their
# kernel cases in a private network namespace when root, and say why they
# skip them otherwise (check_ct, check_nft).  UNIT_TESTS is also what
# scripts/test runs under ASan and debian/rules at package build.
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -DTESTS_SRCDIR='"$(abs_top_srcdir)/tests"'
UNIT_LDADD = $(MASQ_LIBS) $(CHECK_LIBS)
UNIT_TESTS = \
	tests/unit/check_core \
	tests/unit/check_rule \
	tests/unit/check_ipt \
	tests/unit/check_nft \
	tests/unit/check_nft_eval \
	tests/unit/check_store \
	tests/unit/check_shell \
	tests/unit/check_filter \
	tests/unit/check_ct \
	tests/unit/check_ct_cols \
	tests/unit/check_diag \
	tests/unit/check_tui \
	tests/unit/check_mtu \
	tests/unit/check_report \
	tests/unit/check_ha
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
EXTRA_DIST += tests/unit/data

tests_unit_check_core_SOURCES = tests/unit/check_core.c
tests_unit_check_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_core_LDADD = $(UNIT_LDADD)
tests_unit_check_rule_SOURCES = tests/unit/check_rule.c
tests_unit_check_rule_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_rule_LDADD = $(UNIT_LDADD)
tests_unit_check_ipt_SOURCES = tests/unit/check_ipt.c
tests_unit_check_ipt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ipt_LDADD = $(UNIT_LDADD)
tests_unit_check_nft_SOURCES = tests/unit/check_nft.c
tests_unit_check_nft_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_nft_LDADD = $(UNIT_LDADD)
tests_unit_check_nft_eval_SOURCES = tests/unit/check_nft_eval.c
tests_unit_check_nft_eval_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_nft_eval_LDADD = $(UNIT_LDADD)
tests_unit_check_store_SOURCES = tests/unit/check_store.c
tests_unit_check_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_store_LDADD = $(UNIT_LDADD)
tests_unit_check_shell_SOURCES = tests/unit/check_shell.c
tests_unit_check_shell_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_shell_LDADD = $(UNIT_LDADD)
# the filter language (core/filter.c); no kernel
tests_unit_check_filter_SOURCES = tests/unit/check_filter.c
tests_unit_check_filter_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_filter_LDADD = $(UNIT_LDADD)
# the conntrack engine (nat/ct_*.c)
tests_unit_check_ct_SOURCES = tests/unit/check_ct.c
tests_unit_check_ct_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ct_LDADD = $(UNIT_LDADD)
# the one conntrack row (nat/ct_cols.c: text, JSON, masqtop's cells and
# batch rows) and the buffer it writes into (core/strbuf.c); no kernel
tests_unit_check_ct_cols_SOURCES = tests/unit/check_ct_cols.c
tests_unit_check_ct_cols_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ct_cols_LDADD = $(UNIT_LDADD)
# the diagnostics framework and the crlf check (diag/diag.c, crlf.c)
tests_unit_check_diag_SOURCES = tests/unit/check_diag.c
tests_unit_check_diag_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_diag_LDADD = $(UNIT_LDADD)
# masqtop's curses-free parts (src/tui in libmasq.a); the program itself
# is tests/tui's
tests_unit_check_tui_SOURCES = tests/unit/check_tui.c
tests_unit_check_tui_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_tui_LDADD = $(UNIT_LDADD)
# the path-MTU search (diag/mtu_search.c), a pure state machine driven by
# a pass/fail oracle; no kernel
tests_unit_check_mtu_SOURCES = tests/unit/check_mtu.c
tests_unit_check_mtu_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_mtu_LDADD = $(UNIT_LDADD)
# `report`'s redaction (diag/redact.c), a pure function over text
tests_unit_check_report_SOURCES = tests/unit/check_report.c
tests_unit_check_report_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_report_LDADD = $(UNIT_LDADD)
tests_unit_check_ha_SOURCES = tests/unit/check_ha.c
tests_unit_check_ha_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ha_LDADD = $(UNIT_LDADD)

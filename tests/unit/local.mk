# tests: Check unit tests (one binary per module), golden CLI transcripts,
# real-kernel namespace tests, masqtop tmux tests.
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -DTESTS_SRCDIR='"$(abs_top_srcdir)/tests"'
UNIT_LDADD = $(MASQ_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_core tests/unit/check_rule \
	tests/unit/check_nft tests/unit/check_store tests/unit/check_shell
tests_unit_check_core_SOURCES = tests/unit/check_core.c
tests_unit_check_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_core_LDADD = $(UNIT_LDADD)
tests_unit_check_rule_SOURCES = tests/unit/check_rule.c
tests_unit_check_rule_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_rule_LDADD = $(UNIT_LDADD)
tests_unit_check_nft_SOURCES = tests/unit/check_nft.c
tests_unit_check_nft_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_nft_LDADD = $(UNIT_LDADD)
tests_unit_check_store_SOURCES = tests/unit/check_store.c
tests_unit_check_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_store_LDADD = $(UNIT_LDADD)
tests_unit_check_shell_SOURCES = tests/unit/check_shell.c
tests_unit_check_shell_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_shell_LDADD = $(UNIT_LDADD)

UNIT_TESTS = tests/unit/check_core tests/unit/check_rule \
	tests/unit/check_nft tests/unit/check_store tests/unit/check_shell
# Unit tests first; the CLI goldens need the masqsh binary; the namespace
# and tmux suites need root and a kernel (they exit 77 and say why if not).
TESTS += $(UNIT_TESTS) tests/cli/run.sh tests/netns/run.sh
AM_TESTS_ENVIRONMENT = export MASQSH='$(abs_top_builddir)/masqsh' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)';
EXTRA_DIST += tests/cli tests/netns tests/tui tests/lib tests/unit/data

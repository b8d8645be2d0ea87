# masqtop (issue 3): unit tests of its curses-free parts, and the tmux
# suite that drives the real program in a namespace (tests/tui/run.sh
# exits 77 and says why when it cannot run: not root, no tmux).
check_PROGRAMS += tests/unit/check_tui
tests_unit_check_tui_SOURCES = tests/unit/check_tui.c
tests_unit_check_tui_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_tui_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/check_tui
TESTS += tests/tui/run.sh
EXTRA_DIST += bench/masqtop.sh bench/masqtop_cpu.sh bench/ct_churn.c

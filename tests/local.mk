# tests: builds nothing; what the suites in tests/*/ share -- the
# environment every test runs in (the masqsh just built, the source and
# build trees) and tests/lib, the shell helpers of the script suites.  Each
# suite's own fragment (tests/unit/local.mk, tests/cli/local.mk, ...)
# adds it to TESTS, in the order Makefile.am includes them: unit tests
# first; the CLI goldens need the masqsh binary; the namespace and tmux
# suites need root and a kernel (they exit 77 and say why if not).
AM_TESTS_ENVIRONMENT = export MASQSH='$(abs_top_builddir)/masqsh' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)';
EXTRA_DIST += tests/lib

# tests/audit: builds nothing; no_shell.sh checks that nothing from input
# can reach a shell (imports of masqsh/masqtop, exec/fork call sites).
TESTS += tests/audit/no_shell.sh
EXTRA_DIST += tests/audit

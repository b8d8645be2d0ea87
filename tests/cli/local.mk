# tests/cli: builds nothing; the golden transcripts (CASE.msh run by
# masqsh -f against a temporary database, compared with CASE.out and
# CASE.err), run by run.sh.
TESTS += tests/cli/run.sh tests/cli/file_modes.sh
EXTRA_DIST += tests/cli

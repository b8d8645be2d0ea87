#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/fuzz/replay.sh - every committed fuzz input through its target:
# tests/fuzz/corpus/TARGET (the seeds, made from the tests) and
# tests/fuzz/regress/TARGET (each input that once crashed, kept so the
# crash cannot come back).  The targets are built with replay.c (or
# libFuzzer's main, which runs files given to it the same way); in
# _build-asan this runs under ASan/UBSan.  Exit 1 on any crash or
# sanitizer report.
set -uo pipefail

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
dir=$top_srcdir/tests/fuzz
rc=0
# a target is a source that defines the entry point (fuzz_cmd.c is a
# harness some of them share)
while IFS= read -r src; do
	t=$(basename "$src" .c)
	bin=$top_builddir/tests/fuzz/$t
	if [ ! -x "$bin" ]; then
		echo "FAIL: $t: not built ($bin)"
		rc=1
		continue
	fi
	inputs=()
	for d in "$dir/corpus/$t" "$dir/regress/$t"; do
		[ -d "$d" ] && inputs+=("$d")
	done
	if [ ${#inputs[@]} = 0 ]; then
		echo "FAIL: $t: no committed corpus ($dir/corpus/$t)"
		rc=1
		continue
	fi
	# libFuzzer runs directories as a corpus; give it the files.
	mapfile -t files < <(find "${inputs[@]}" -type f | sort)
	if out=$("$bin" -runs=1 "${files[@]}" 2>&1); then
		echo "ok: $t: ${#files[@]} inputs"
	else
		echo "FAIL: $t"
		tail -n 40 <<<"$out"
		rc=1
	fi
done < <(grep -l '^LLVMFuzzerTestOneInput' "$dir"/fuzz_*.c)
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/fuzz/run.sh - `make fuzz` in a build configured with --enable-fuzz
# CC=clang: each target (or $FUZZ_TARGET alone) runs under libFuzzer for
# $FUZZ_TIME seconds, from its committed corpus and crashers, with its
# dictionary.  New inputs go to BUILD/tests/fuzz/work/TARGET (the source
# tree is not written), crashes to BUILD/tests/fuzz/crash/.  Prints one
# line per target -- executions, coverage (edges), corpus size, crashes --
# and exits 1 when any target crashed, leaked or tripped a sanitizer.
# To keep a crasher: minimise it (TARGET -minimize_crash=1 FILE), fix the
# bug, and commit the input to tests/fuzz/regress/TARGET/.
set -uo pipefail

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
src=$top_srcdir/tests/fuzz
out=$top_builddir/tests/fuzz
time=${FUZZ_TIME:-60}
rc=0

printf '%-16s %12s %8s %8s %8s  %s\n' target executions cov ft corpus result
for bin in "$@"; do
	t=$(basename "$bin")
	[ -n "${FUZZ_TARGET:-}" ] && [ "$FUZZ_TARGET" != "$t" ] && continue
	bin=$top_builddir/$bin
	mkdir -p "$out/work/$t" "$out/crash"
	args=(-max_total_time="$time" -print_final_stats=1 -timeout=10
	      -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-4096}"
	      -artifact_prefix="$out/crash/$t-")
	[ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
	[ -f "$src/dict/$t.dict" ] && args+=(-dict="$src/dict/$t.dict")
	dirs=("$out/work/$t")
	for d in "$src/corpus/$t" "$src/regress/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	log=$out/$t.fuzz.log
	if "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1; then
		result=ok
	else
		result="CRASH (see $log)"
		rc=1
	fi
	execs=$(awk '/stat::number_of_executed_units:/ {print $2}' "$log")
	done_line=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
	corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$done_line")
	printf '%-16s %12s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${cov:-?}" \
		"${ft:-?}" "${corp:-?}" "$result"
	[ "$result" = ok ] || grep -E 'ERROR|SUMMARY|fuzz:' "$log" | head -n 5
done
exit $rc

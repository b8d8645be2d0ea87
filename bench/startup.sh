#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# startup.sh - start-up time of `masqsh -c 'masq list'` against two
# netlink tools an admin runs all day: `ip -br addr` and `nft list tables`.
#
# All of them run in one throwaway network namespace (an uplink and lo), in
# the same hyperfine invocation, without a shell in between (-N).  masqsh
# reads a temporary database holding 10 rules.  We report the median and
# the ratio to `nft list tables`, because absolute milliseconds move with
# the machine while the ratio mostly does not.  Target (issue 11): ratio
# <= 1.  -a times further masqsh builds in the same run (e.g. one linked
# with --enable-static-libs), each against the same database.
#
# usage: startup.sh [-R ROUNDS] [-r RUNS] [-w WARMUP] [-a LABEL=PATH].. [-v]
#   -R 15 rounds of -r 20 runs each, after -w 3 warm-up runs per command
#   -a 'static=_build-static/masqsh'  also time that binary, as "masqsh (static)"
#   MASQSH=/path/to/masqsh   binary to time (default ../_build/masqsh, PATH)
#   BENCH_OUT=DIR            keep JSON/CSV/logs there (default /tmp/...)

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=15
runs=20
warmup=3
also=()
while getopts R:r:w:a:vh opt; do
	case $opt in
	R) rounds=$OPTARG ;;
	r) runs=$OPTARG ;;
	w) warmup=$OPTARG ;;
	a)
		case $OPTARG in
		?*=?*) also+=("$OPTARG") ;;
		*) bench_die "-a wants LABEL=PATH, not '$OPTARG'" ;;
		esac
		;;
	v) BENCH_VERBOSE=1 ;;
	*)
		bench_usage "$0"
		;;
	esac
done

bench_require
bench_find_masqsh || true
bench_outdir

ns=masqbench-su-$$
bench_netns_add "$ns" wan0

cmds=()
names=()
if [ -n "$MASQSH" ]; then
	db=$BENCH_OUT/startup.db
	rm -f "$db" "$db-wal" "$db-shm"
	"$BENCH_DIR/gen_rules.sh" masqsh 10 wan0 >"$BENCH_OUT/startup.masqsh"
	bench_in "$ns" "$MASQSH" --db "$db" -f "$BENCH_OUT/startup.masqsh" \
		>/dev/null || bench_die "loading 10 rules into $db failed"
	lines=$(bench_in "$ns" "$MASQSH" --db "$db" -c 'masq list' | wc -l)
	[ "$lines" -ge 10 ] ||
		bench_die "masq list printed $lines lines, expected 10 rules"
	names+=("masqsh -c 'masq list'")
	cmds+=("'$MASQSH' --db '$db' -c 'masq list'")
	for a in "${also[@]}"; do
		bin=$(cd "$(dirname "${a#*=}")" 2>/dev/null && pwd)/$(basename "${a#*=}")
		[ -n "$("$bin" --version 2>/dev/null)" ] ||
			bench_die "-a $a: ${a#*=} does not answer --version"
		names+=("masqsh (${a%%=*})")
		cmds+=("'$bin' --db '$db' -c 'masq list'")
	done
else
	[ ${#also[@]} -eq 0 ] || bench_die "-a needs a working masqsh to compare with"
	bench_note "dry run for masqsh: would time: masqsh --db DB -c 'masq list'"
fi
names+=("ip -br addr" "nft list tables")
cmds+=("ip -br addr" "nft list tables")

# Several short rounds instead of one long one, the command order rotated
# each round: a burst of load from elsewhere then hits one round of every
# command rather than all runs of one command.
declare -A med
n=${#cmds[@]}
bench_note "timing $n commands in netns $ns: $rounds rounds of $runs runs"
for ((r = 0; r < rounds; r++)); do
	args=(--warmup "$warmup" --runs "$runs")
	for ((k = 0; k < n; k++)); do
		i=$(((k + r) % n))
		args+=(-n "${names[$i]}" "${cmds[$i]}")
	done
	bench_hyperfine "$ns" "$BENCH_OUT/startup-r$r" "${args[@]}"
	for i in "${!cmds[@]}"; do
		med[$i,$r]=$(bench_median "$BENCH_OUT/startup-r$r" "${names[$i]}")
	done
done

ref=$((n - 1))	# index of nft list tables
echo "start-up: median wall time, $rounds rounds x $runs runs" \
	"(hyperfine -N, warmup $warmup); ratio = median of the per-round ratios"
bench_machine
echo
row() {
	printf '%-24s %10s %20s %14s %10s\n' "$@"
}
row command median "ratio to nft" "rounds min-max" "peak RSS"
for i in "${!cmds[@]}"; do
	t=()
	q=()
	for ((r = 0; r < rounds; r++)); do
		t+=("${med[$i,$r]}")
		q+=("$(bench_ratio "${med[$i,$r]}" "${med[$ref,$r]}")")
	done
	ratio=$(bench_median_of "${q[@]}")
	range=$(printf '%s\n' "${q[@]}" | sort -g | sed -n '1p;$p' | paste -sd-)
	eval "set -- ${cmds[$i]}"
	rss=$(bench_peak_rss "$ns" "$@")
	row "${names[$i]}" "$(bench_ms "$(bench_median_of "${t[@]}")")" \
		"$(bench_ratio "$ratio" 1)" "$range" "$(bench_mib "$rss")"
	[ "$i" -eq 0 ] && [ -n "$MASQSH" ] && mratio=$(bench_ratio "$ratio" 1)
done
echo
if [ -n "$MASQSH" ]; then
	verdict=$(awk -v r="$mratio" 'BEGIN { print (r <= 1 ? "met" : "NOT met") }')
	echo "target: masqsh start-up no slower than nft list tables (ratio <= 1): $verdict ($mratio)"
else
	echo "target: masqsh start-up <= nft list tables: not measured (no masqsh)"
fi
echo "files: $BENCH_OUT/startup-r*.{json,csv,log}"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ab.sh - one command, several builds, interleaved rounds: how much a change
# (a speed trick left in or taken out) moves wall and CPU time.
#
# Each build tree's PROGRAM runs with the same ARGS in one throwaway
# namespace (an uplink wan0; with -e, ENTRIES SNAT'ed conntrack entries
# made by the first build's bench/ct_dump_bench, as ct_dump.sh makes them).
# MASQSH_DB points at a database holding ct_dump.sh's two masq rules and a
# port forward, so `masqsh -c 'show masq'` and masqtop fill their rule
# column.  Every round is one hyperfine run of every build, the order
# rotated from round to round; the ratios to the first build are taken
# within each round, and their median and range are printed, for the wall
# time (median) and the CPU time (user + system, mean).  The CPU ratio is
# the steadier one on a machine shared with other jobs.
#
# usage: ab.sh [-R ROUNDS] [-r RUNS] [-e ENTRIES] -a LABEL=BUILDDIR.. PROGRAM [ARG..]
#   -R 10 rounds of -r 3 runs per build (after one warm-up run)
#   -a 'base=_build' -a 'plain=/tmp/b-plain'   the builds; the first is
#      the reference
#   e.g. ab.sh -e 250000 -a base=_build -a nothp=/tmp/b-nothp \
#            masqtop -b -n 1 -w 200 --lines 50
#   BENCH_OUT=DIR  keep the hyperfine CSV/JSON/logs there (default /tmp/...)

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=10
runs=3
entries=0
builds=()
while getopts R:r:e:a:vh opt; do
	case $opt in
	R) rounds=$OPTARG ;;
	r) runs=$OPTARG ;;
	e) entries=$OPTARG ;;
	a)
		case $OPTARG in
		?*=?*) builds+=("$OPTARG") ;;
		*) bench_die "-a wants LABEL=BUILDDIR, not '$OPTARG'" ;;
		esac
		;;
	v) BENCH_VERBOSE=1 ;;
	*) bench_usage "$0" ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ] || [ ${#builds[@]} -lt 2 ]; then
	bench_usage "$0"
fi
prog=$1
shift

bench_require
bench_outdir
labels=()
cmds=()
for b in "${builds[@]}"; do
	dir=$(cd "${b#*=}" 2>/dev/null && pwd) || bench_die "no build tree ${b#*=}"
	[ -x "$dir/$prog" ] || bench_die "no $prog in $dir"
	labels+=("${b%%=*}")
	printf -v q '%q ' "$dir/$prog" "$@"
	cmds+=("$q")
done
first=$(cd "${builds[0]#*=}" && pwd)

ns=masqbench-ab-$$
bench_netns_add "$ns" wan0
if [ "$entries" -gt 0 ]; then
	make -s -C "$first" bench/ct_dump_bench >/dev/null ||
		bench_die "cannot build bench/ct_dump_bench in $first"
	bench_in "$ns" "$first/bench/ct_dump_bench" create "$entries" ||
		bench_die "creating $entries entries failed"
fi
export MASQSH_DB=$BENCH_OUT/ab.db
rm -f "$MASQSH_DB" "$MASQSH_DB-wal" "$MASQSH_DB-shm"
"$first/masqsh" -c 'masq add out wan0 from 10.0.0.0/9' \
	-c 'masq add out wan0 from 10.128.0.0/9' \
	-c 'forward add in wan0 proto tcp dport 443 to 192.168.1.10' \
	>/dev/null 2>&1 || bench_die "cannot store the rules in $MASQSH_DB"

declare -A wall cpu
n=${#cmds[@]}
for ((r = 0; r < rounds; r++)); do
	args=(--warmup 1 --runs "$runs" --output=pipe)
	for ((k = 0; k < n; k++)); do
		i=$(((k + r) % n))
		args+=(-n "${labels[$i]}" "${cmds[$i]}")
	done
	bench_hyperfine "$ns" "$BENCH_OUT/ab-r$r" "${args[@]}"
	for i in "${!labels[@]}"; do
		wall[$i,$r]=$(bench_median "$BENCH_OUT/ab-r$r" "${labels[$i]}")
		cpu[$i,$r]=$(bench_cpu "$BENCH_OUT/ab-r$r" "${labels[$i]}")
	done
done

# ratio_stats ARRAY I: "median min-max" of the per-round ratios to build 0
ratio_stats() {
	local -n m=$1
	local q=() r

	for ((r = 0; r < rounds; r++)); do
		q+=("$(bench_ratio "${m[$2,$r]}" "${m[0,$r]}")")
	done
	printf '%s %s\n' "$(bench_ratio "$(bench_median_of "${q[@]}")" 1)" \
		"$(printf '%s\n' "${q[@]}" | sort -g | sed -n '1p;$p' | paste -sd-)"
}

echo "$prog $*: $rounds rounds x $runs runs (hyperfine -N), entries $entries;" \
	"ratios to ${labels[0]}: median of the per-round ratios (rounds min-max)"
MASQSH=$first/masqsh bench_machine
echo
printf '%-14s %10s %7s %12s %10s %7s %12s\n' build wall ratio rounds CPU ratio rounds
for i in "${!labels[@]}"; do
	t=()
	c=()
	for ((r = 0; r < rounds; r++)); do
		t+=("${wall[$i,$r]}")
		c+=("${cpu[$i,$r]}")
	done
	read -r wq wr < <(ratio_stats wall "$i")
	read -r cq cr < <(ratio_stats cpu "$i")
	printf '%-14s %10s %7s %12s %10s %7s %12s\n' "${labels[$i]}" \
		"$(bench_ms "$(bench_median_of "${t[@]}")")" "$wq" "$wr" \
		"$(bench_ms "$(bench_median_of "${c[@]}")")" "$cq" "$cr"
done
echo "files: $BENCH_OUT"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# apply.sh - time `masqsh -c 'apply replace'` of N NAT rules against loading the
# same rules with `nft -f` and with `iptables-nft-restore`.
#
# For each N (default 100, 1000, 10000) gen_rules.sh writes N distinct SNAT
# rules.  masqsh loads them into a fresh database (untimed), and its
# `show compiled` text, prefixed so that it replaces table ip masqsh, is the
# nft -f input: both tools then do the same work, replacing one table of N
# rules in one transaction.  iptables-nft-restore gets the same rules as a
# full restore of the nat table.  Each tool runs in the same throwaway
# namespace with an uplink wan0, the ruleset flushed before it starts, so
# every timed run replaces a table that already holds the N rules.  After
# timing we check the kernel holds N rules and that a further run really
# replaced them (new rule handles), so a no-op cannot pass for speed.
#
# Reported per N: median wall time (hyperfine -N), masqsh/nft and
# masqsh/iptables ratios, and peak RSS (GNU time, median of 3).  Targets
# from issue 2: masqsh/nft <= 0.5 and masqsh/iptables <= 1.
#
# -a times further masqsh builds in the same rounds (e.g. one without a
# speed trick), each with its own copy of the database, and prints their
# ratio to masqsh.
#
# usage: apply.sh [-R ROUNDS] [-r MIN_RUNS] [-w WARMUP] [-a LABEL=PATH].. [-v] [N ...]
#   -R 5 rounds per N, each tool >= -r 5 runs (hyperfine fills 3 s) after
#   -w 2 warm-up runs
#   -a 'plain=/tmp/b-plain/masqsh'  also time that binary, as "masqsh (plain)"
#   MASQSH=/path/to/masqsh   binary to time (default ../_build/masqsh, PATH)
#   BENCH_OUT=DIR            keep rule files, JSON/CSV/logs there

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=5
runs=5
warmup=2
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
	*) bench_usage "$0" ;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
for n in "${sizes[@]}"; do
	case $n in
	'' | *[!0-9]*) bench_die "not a rule count: $n" ;;
	esac
done

bench_require
bench_find_masqsh || true
bench_outdir
[ ${#also[@]} -eq 0 ] || [ -n "$MASQSH" ] ||
	bench_die "-a needs a working masqsh to compare with"
# -a: tool name altK, its label and binary
alts=()
declare -A alt_label alt_bin
for a in "${also[@]}"; do
	k=alt${#alts[@]}
	alt_bin[$k]=$(cd "$(dirname "${a#*=}")" 2>/dev/null && pwd)/$(basename "${a#*=}")
	[ -n "$("${alt_bin[$k]}" --version 2>/dev/null)" ] ||
		bench_die "-a $a: ${a#*=} does not answer --version"
	alt_label[$k]=${a%%=*}
	alts+=("$k")
done

ns=masqbench-ap-$$
bench_netns_add "$ns" wan0

# med and cpu are read through "local -n" (tool_time, tool_ratios)
declare -A med cpu rss noop cmd table

# Handles of FAMILY TABLE and its first snat rule, as "T/R": a table
# deleted and re-added gets a new T, a flushed one new rule handles R.
rule_handle() {
	bench_in "$ns" nft -a list table "$1" "$2" 2>/dev/null |
		awk '/^table / { t = $NF }
		/snat to/ && /# handle/ { print t "/" $NF; exit }'
}

rule_count() {
	bench_in "$ns" nft list table "$1" "$2" 2>/dev/null | grep -c 'snat to'
}

# time_tool TOOL N ROUND: time cmd[TOOL] (a hyperfine -N string) from an
# empty ruleset.  In round 0 also check its effect and sample its memory.
time_tool() {
	local tool=$1 n=$2 r=$3 base h1 h2 got fam tbl

	base=$BENCH_OUT/apply-$n-$tool-r$r
	bench_in "$ns" nft flush ruleset
	bench_note "N=$n round $r: timing $tool"
	bench_hyperfine "$ns" "$base" --warmup "$warmup" --min-runs "$runs" \
		-n "$tool" "${cmd[$tool]}"
	# shellcheck disable=SC2034
	med[$tool,$n,$r]=$(bench_median "$base" "$tool")
	cpu[$tool,$n,$r]=$(bench_cpu "$base" "$tool")
	[ "$r" -eq 0 ] || return 0

	read -r fam tbl <<<"${table[$tool]}"
	got=$(rule_count "$fam" "$tbl")
	[ "$got" -eq "$n" ] ||
		bench_die "$tool: table $fam $tbl holds $got snat rules, expected $n"
	h1=$(rule_handle "$fam" "$tbl")
	eval "set -- ${cmd[$tool]}"
	rss[$tool,$n]=$(bench_peak_rss "$ns" "$@")
	h2=$(rule_handle "$fam" "$tbl")
	if [ "$h1" = "$h2" ]; then
		bench_note "WARNING: $tool left table $fam $tbl untouched (handle $h1);" \
			"its time is not comparable"
		noop[$tool,$n]=1
	fi
}

# Per N, from the array named by $metric (med: wall time, cpu: CPU time):
# the median over rounds of TOOL's time; the per-round ratios of TOOL to
# OTHER (nothing when either was not measured).
metric=med

tool_time() {
	local -n m=$metric
	local t=() r

	[ -z "${noop[$1,$2]:-}" ] || return 0
	for ((r = 0; r < rounds; r++)); do
		t+=("${m[$1,$2,$r]:-}")
	done
	bench_median_of "${t[@]}"
}

tool_ratios() {
	local -n m=$metric
	local q=() r

	[ -z "${noop[$1,$3]:-}" ] && [ -z "${noop[$2,$3]:-}" ] || return 0
	for ((r = 0; r < rounds; r++)); do
		[ -n "${m[$1,$3,$r]:-}" ] || return 0
		q+=("$(bench_ratio "${m[$1,$3,$r]}" "${m[$2,$3,$r]}")")
	done
	printf '%s\n' "${q[@]}"
}

for n in "${sizes[@]}"; do
	"$BENCH_DIR/gen_rules.sh" iptables "$n" wan0 >"$BENCH_OUT/rules-$n.iptables" ||
		exit 1
	nftfile=$BENCH_OUT/rules-$n.nft
	if [ -n "$MASQSH" ]; then
		db=$BENCH_OUT/apply-$n.db
		rm -f "$db" "$db-wal" "$db-shm"
		"$BENCH_DIR/gen_rules.sh" masqsh "$n" wan0 >"$BENCH_OUT/rules-$n.masqsh"
		t0=$(date +%s.%N)
		bench_in "$ns" "$MASQSH" --db "$db" -f "$BENCH_OUT/rules-$n.masqsh" \
			>/dev/null || bench_die "masqsh -f rules-$n.masqsh failed"
		t1=$(date +%s.%N)
		bench_note "N=$n: loaded into $db in $(bench_ms "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')") (untimed)"
		bench_in "$ns" "$MASQSH" --db "$db" -c 'show compiled' \
			>"$BENCH_OUT/compiled-$n.nft" || bench_die "show compiled failed"
		# Same transaction as apply: create-if-missing, delete, re-add.
		awk '/^table [a-z0-9]+ [^ ]+ \{$/ {
			print "table " $2 " " $3; print "delete table " $2 " " $3 }' \
			"$BENCH_OUT/compiled-$n.nft" >"$nftfile"
		cat "$BENCH_OUT/compiled-$n.nft" >>"$nftfile"
	else
		"$BENCH_DIR/gen_rules.sh" nft "$n" wan0 >"$nftfile" || exit 1
	fi
	bench_in "$ns" nft -c -f "$nftfile" ||
		bench_die "nft does not accept $nftfile"

	tools=(nft iptables)
	cmd[nft]="nft -f '$nftfile'"
	table[nft]="ip masqsh"
	cmd[iptables]="iptables-nft-restore '$BENCH_OUT/rules-$n.iptables'"
	table[iptables]="ip nat"
	if [ -n "$MASQSH" ]; then
		tools=(masqsh "${tools[@]}")
		# 'apply replace': a plain apply of rules the kernel runs
		# already is "nothing to apply" and would time nothing
		cmd[masqsh]="'$MASQSH' --db '$db' -c 'apply replace'"
		table[masqsh]="ip masqsh"
		for k in "${alts[@]}"; do
			rm -f "$db.$k" "$db.$k-wal" "$db.$k-shm"
			cp "$db" "$db.$k"
			tools+=("$k")
			cmd[$k]="'${alt_bin[$k]}' --db '$db.$k' -c 'apply replace'"
			table[$k]="ip masqsh"
		done
	else
		bench_note "N=$n: dry run for masqsh: would time: masqsh --db DB -c 'apply replace'"
	fi
	# Rounds with the order rotated, so that load from elsewhere falls
	# on every tool alike; ratios are taken within a round.
	for ((r = 0; r < rounds; r++)); do
		for ((k = 0; k < ${#tools[@]}; k++)); do
			time_tool "${tools[$(((k + r) % ${#tools[@]}))]}" "$n" "$r"
		done
	done
	bench_in "$ns" nft flush ruleset
done

echo "apply of N SNAT rules: median wall time over $rounds rounds of >= $runs runs" \
	"(hyperfine -N, warmup $warmup); ratios: median of the per-round ratios;" \
	"peak RSS: median of 3 runs (GNU time)"
bench_machine
echo
row() {
	printf '%6s %11s %11s %11s %10s %10s' "${@:1:6}"
	[ $# -le 6 ] || printf ' %11s %11s %11s' "${@:7}"
	echo
}
ratio_of() {
	local q

	mapfile -t q < <(tool_ratios "$1" "$2" "$3")
	if [ ${#q[@]} -eq 0 ]; then
		printf -- -
		return
	fi
	bench_ratio "$(bench_median_of "${q[@]}")" 1
}
range_of() {
	tool_ratios "$1" "$2" "$3" | sort -g | sed -n '1p;$p' | paste -sd-
}
ms_or_dash() {
	if [ -n "$1" ]; then bench_ms "$1"; else printf -- -; fi
}
row N "masqsh" "nft -f" "ipt-restore" "m/nft" "m/ipt" \
	"RSS masqsh" "RSS nft" "RSS ipt"
for n in "${sizes[@]}"; do
	row "$n" "$(ms_or_dash "$(tool_time masqsh "$n")")" \
		"$(ms_or_dash "$(tool_time nft "$n")")" \
		"$(ms_or_dash "$(tool_time iptables "$n")")" \
		"$(ratio_of masqsh nft "$n")" "$(ratio_of masqsh iptables "$n")" \
		"$(bench_mib "${rss[masqsh,$n]:-}")" "$(bench_mib "${rss[nft,$n]}")" \
		"$(bench_mib "${rss[iptables,$n]}")"
done
echo
echo "CPU time (user + system, mean per run; blind to waiting), for context:"
metric=cpu
for n in "${sizes[@]}"; do
	row "$n" "$(ms_or_dash "$(tool_time masqsh "$n")")" \
		"$(ms_or_dash "$(tool_time nft "$n")")" \
		"$(ms_or_dash "$(tool_time iptables "$n")")" \
		"$(ratio_of masqsh nft "$n")" "$(ratio_of masqsh iptables "$n")"
done
metric=med
echo
echo "targets (wall time): m/nft <= 0.50 (apply at most half of nft -f), m/ipt <= 1.00"
for n in "${sizes[@]}"; do
	a=$(ratio_of masqsh nft "$n")
	b=$(ratio_of masqsh iptables "$n")
	if [ "$a" = - ] || [ "$b" = - ]; then
		echo "  N=$n: not measured"
		continue
	fi
	awk -v n="$n" -v a="$a" -v b="$b" -v ra="$(range_of masqsh nft "$n")" \
		-v rb="$(range_of masqsh iptables "$n")" 'BEGIN {
		printf "  N=%s: m/nft %s (rounds %s) %s; m/ipt %s (rounds %s) %s\n",
		    n, a, ra, (a <= 0.5 ? "met" : "NOT met"),
		    b, rb, (b <= 1 ? "met" : "NOT met") }'
done
if [ ${#alts[@]} -gt 0 ]; then
	echo
	echo "masqsh builds side by side (-a), ratio to masqsh: wall time" \
		"(median of the per-round ratios, rounds min-max), CPU time, peak RSS:"
	printf '%6s %-16s %11s %7s %12s %11s %7s %11s\n' N build wall ratio \
		"rounds" CPU ratio RSS
	for n in "${sizes[@]}"; do
		for k in masqsh "${alts[@]}"; do
			label=${alt_label[$k]:-masqsh}
			metric=cpu
			c=$(tool_time "$k" "$n")
			cr=$(ratio_of "$k" masqsh "$n")
			metric=med
			printf '%6s %-16s %11s %7s %12s %11s %7s %11s\n' "$n" \
				"$label" "$(ms_or_dash "$(tool_time "$k" "$n")")" \
				"$(ratio_of "$k" masqsh "$n")" \
				"$(range_of "$k" masqsh "$n")" "$(ms_or_dash "$c")" \
				"$cr" "$(bench_mib "${rss[$k,$n]:-}")"
		done
	done
fi
echo "files: $BENCH_OUT"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# idle_rss.sh - the memory the long-running programs keep after a big rule
# load: `masqsh engine` once it applied N rules and went idle, and masqtop
# once it loaded N rules for its rule column.  This is what mem_settle()
# (src/core/mem.c) is for: giving a load's heap back to the system instead
# of holding it for the life of the process.
#
# For each N (default 1000 and 10000 rules from gen_rules.sh) and each
# build, in a throwaway namespace with an uplink wan0: the engine starts
# with its own copy of the database, applies the rules, runs its first
# check and sleeps; after IDLE seconds (default 4) its resident memory
# (VmRSS) and peak (VmHWM) are read from /proc.  Then masqtop runs in
# batch mode (-b -d 1) against the same database, loads the rules for its
# rule column, and is sampled the same way.  Each program is stopped by its pid.  Prints one line per N,
# program and build, and the RSS ratio to the first build.
#
# usage: idle_rss.sh [-i IDLE] [-a LABEL=BUILDDIR].. [N ...]
#   -a 'plain=/tmp/b-plain'   also measure that build tree's masqsh and
#                             masqtop, as "plain"
#   BUILD=DIR   the first build tree (default ../_build next to bench/)
#   BENCH_OUT=DIR  keep databases and logs there (default /tmp/...)

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

idle=4
builds=("this=${BUILD:-$BENCH_DIR/../_build}")
while getopts i:a:h opt; do
	case $opt in
	i) idle=$OPTARG ;;
	a)
		case $OPTARG in
		?*=?*) builds+=("$OPTARG") ;;
		*) bench_die "-a wants LABEL=BUILDDIR, not '$OPTARG'" ;;
		esac
		;;
	*) bench_usage "$0" ;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

bench_require
bench_outdir
for b in "${builds[@]}"; do
	for p in masqsh masqtop; do
		[ -x "${b#*=}/$p" ] || bench_die "no $p in ${b#*=}"
	done
done

ns=masqbench-rss-$$
bench_netns_add "$ns" wan0
pid=
stop() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	pid=
}
trap 'stop; bench_cleanup' EXIT
trap 'exit 130' INT TERM

# VmRSS and VmHWM (KiB) of $pid.
sample() {
	awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }' \
		"/proc/$pid/status"
}

declare -A rss hwm
for n in "${sizes[@]}"; do
	"$BENCH_DIR/gen_rules.sh" masqsh "$n" wan0 >"$BENCH_OUT/rules-$n.masqsh"
	for b in "${builds[@]}"; do
		label=${b%%=*}
		bin=$(cd "${b#*=}" && pwd)
		db=$BENCH_OUT/idle-$n-$label.db
		rm -f "$db" "$db-wal" "$db-shm" "$db.engine.lock"
		bench_in "$ns" "$bin/masqsh" --db "$db" \
			-f "$BENCH_OUT/rules-$n.masqsh" >/dev/null ||
			bench_die "loading $n rules failed"
		bench_in "$ns" nft flush ruleset

		log=$BENCH_OUT/engine-$n-$label.log
		# not through a function: $! must be the program's own pid
		ip netns exec "$ns" "$bin/masqsh" --db "$db" engine nosyslog \
			>"$log" 2>&1 &
		pid=$!
		for _ in $(seq 1 300); do
			grep -q 'first check' "$log" && break
			kill -0 "$pid" 2>/dev/null || bench_die "engine died: $(cat "$log")"
			sleep 0.1
		done
		grep -q "applied $n rules" "$log" ||
			bench_die "engine did not apply $n rules: $(cat "$log")"
		sleep "$idle"
		read -r r h < <(sample)
		rss[engine,$n,$label]=$r
		hwm[engine,$n,$label]=$h
		stop

		ip netns exec "$ns" env MASQSH_DB="$db" "$bin/masqtop" -b -d 1 -n 1000000 \
			>/dev/null 2>"$BENCH_OUT/masqtop-$n-$label.log" &
		pid=$!
		sleep "$idle"
		kill -0 "$pid" 2>/dev/null ||
			bench_die "masqtop died: $(cat "$BENCH_OUT/masqtop-$n-$label.log")"
		read -r r h < <(sample)
		rss[masqtop,$n,$label]=$r
		hwm[masqtop,$n,$label]=$h
		stop
		bench_in "$ns" nft flush ruleset
	done
done

echo "resident memory after a load of N rules, idle ${idle} s: VmRSS (VmHWM = peak)"
MASQSH=$(cd "${builds[0]#*=}" && pwd)/masqsh bench_machine
echo
printf '%6s %-8s %-12s %12s %8s %12s\n' N program build RSS ratio peak
first=${builds[0]%%=*}
for n in "${sizes[@]}"; do
	for p in engine masqtop; do
		for b in "${builds[@]}"; do
			label=${b%%=*}
			printf '%6s %-8s %-12s %12s %8s %12s\n' "$n" "$p" "$label" \
				"$(bench_mib "${rss[$p,$n,$label]}")" \
				"$(bench_ratio "${rss[$p,$n,$label]}" "${rss[$p,$n,$first]}")" \
				"$(bench_mib "${hwm[$p,$n,$label]}")"
		done
	done
done
echo "files: $BENCH_OUT"

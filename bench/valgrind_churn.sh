#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/valgrind_churn.sh - the engine, masqtop and watch under valgrind
# through conntrack churn: no leak, no memory error, and no growth.
#
#   bench/valgrind_churn.sh [-s SECS] [-e EVENTS_PER_S] [-b BUILDDIR]
#
# In a throwaway namespace with one masq rule applied, bench/ct_churn
# replaces EVENTS_PER_S/2 SNAT'ed entries a second (10000 events/s by
# default, about 10000 entries standing) for SECS seconds (600), while
#   - `masqsh engine` (the service: rules, addresses, port budget alerts),
#   - `masqtop -b -a -j -d 1` (batch, following the events) and
#   - `masqsh -j watch` (every event printed)
# run under `valgrind --leak-check=full --errors-for-leak-kinds=definite`.
# Their RSS is sampled each minute: growth after the first minute is
# the figure (valgrind's own arenas make the absolute numbers large).  At
# the end each gets SIGTERM and valgrind's summary is kept: "definitely
# lost" and "ERROR SUMMARY" per program, printed side by side.
# Not a test (it takes ten minutes); its result is quoted in
# tests/fuzz/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECS=600
RATE=10000
BUILD=${BUILD:-$BENCH_DIR/../_build}
NS=masqbench-vg-$$
OUT=$(mktemp -d /tmp/masqsh-bench-vg.XXXXXX)
PIDS=()
CHURN=

die() {
	printf 'valgrind_churn.sh: %s\n' "$*" >&2
	exit 1
}
cleanup() {
	local p
	[ -n "$CHURN" ] && kill "$CHURN" 2>/dev/null
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	sleep 1
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

while getopts s:e:b: o; do
	case $o in
	s) SECS=$OPTARG ;;
	e) RATE=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	*) die "usage: $0 [-s SECS] [-e EVENTS_PER_S] [-b BUILDDIR]" ;;
	esac
done
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, ctnetlink)"
for t in valgrind ip cc pkg-config; do
	command -v "$t" >/dev/null 2>&1 || die "missing $t"
done
make -s -C "$BUILD" masqsh masqtop >/dev/null || die "cannot build in $BUILD"
SH=$(cd "$BUILD" && pwd)/masqsh
TOP=$(cd "$BUILD" && pwd)/masqtop
DRV=$OUT/ct_churn
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$DRV" "$BENCH_DIR/ct_churn.c" \
	$(pkg-config --cflags --libs libmnl libnetfilter_conntrack) ||
	die "cannot compile bench/ct_churn.c"

ip netns add "$NS"
ip -n "$NS" link add wan0 type veth peer name wan1
ip -n "$NS" addr add 203.0.113.1/24 dev wan0
ip -n "$NS" link set wan0 up
export MASQSH_DB=$OUT/masq.db
ip netns exec "$NS" "$SH" -c 'masq add out wan0 from 10.0.0.0/8' \
	-c apply >/dev/null || die "apply failed"

VG=(valgrind --leak-check=full --show-leak-kinds=definite
    --errors-for-leak-kinds=definite --track-fds=no --num-callers=20)
start() {		# NAME CMD...: under valgrind in the namespace
	local name=$1
	shift
	ip netns exec "$NS" "${VG[@]}" --log-file="$OUT/$name.vg" "$@" \
		>"$OUT/$name.out" 2>"$OUT/$name.err" &
	PIDS+=($!)
	echo "$name $!" >>"$OUT/pids"
}
start engine "$SH" engine interval 5 nosyslog
start masqtop "$TOP" -b -a -j -d 1 -n $((SECS + 30))
start watch "$SH" -j watch
sleep 15		# valgrind's start
ip netns exec "$NS" "$DRV" "$RATE" "$SECS" 10000 >"$OUT/churn" &
CHURN=$!

rss() { ps -o rss= -p "$1" 2>/dev/null | tr -d ' '; }
printf 'minute' >"$OUT/rss"
for p in "${PIDS[@]}"; do printf ' %s' "$p"; done >>"$OUT/rss"
echo >>"$OUT/rss"
m=0
while kill -0 "$CHURN" 2>/dev/null; do
	line="$m"
	for p in "${PIDS[@]}"; do line="$line $(rss "$p")"; done
	echo "$line" >>"$OUT/rss"
	sleep 60
	m=$((m + 1))
done
wait "$CHURN" || true
CHURN=
line="$m"
for p in "${PIDS[@]}"; do line="$line $(rss "$p")"; done
echo "$line" >>"$OUT/rss"
for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
PIDS=()

echo "valgrind churn: $(cat "$OUT/churn")"
echo "RSS (KiB) by minute: engine masqtop watch"
cat "$OUT/rss"
for n in engine masqtop watch; do
	printf '%-8s %s; %s\n' "$n" \
		"$(grep -h 'definitely lost:' "$OUT/$n.vg" | tail -n 1 | sed 's/^==[0-9]*== *//')" \
		"$(grep -h 'ERROR SUMMARY' "$OUT/$n.vg" | tail -n 1 | sed 's/^==[0-9]*== *//')"
done
echo "logs: $OUT"

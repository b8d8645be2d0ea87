#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/masqtop.sh - masqtop's first screen against iptstate's, at 250k
# entries in a throwaway namespace (issue 3: >= 10x faster, <= 1/3 of the
# memory).
#
#   bench/masqtop.sh [-n ENTRIES] [-r RUNS] [-b BUILDDIR]
#
# The entries are SNAT'ed ones made by bench/ct_dump_bench (as
# bench/ct_dump.sh does).  Measured: `masqtop -b -n 1` (the whole table
# printed once, like iptstate's single run), `masqtop -b -n 1 -j`, and
# `iptstate -1` under a pty (`script -qc`, since it wants a terminal);
# time by hyperfine, peak RSS by /usr/bin/time.  Prints a table and the
# ratios.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=250000
RUNS=5
BUILD=${BUILD:-$BENCH_DIR/../_build}
NS=masqbench-top-$$

die() {
	printf 'masqtop.sh: %s\n' "$*" >&2
	exit 1
}
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

while getopts n:r:b: o; do
	case $o in
	n) N=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	*) die "usage: $0 [-n N] [-r RUNS] [-b BUILDDIR]" ;;
	esac
done

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, ctnetlink)"
for t in hyperfine /usr/bin/time iptstate script ip python3 make; do
	command -v "$t" >/dev/null 2>&1 ||
		die "missing $t (apt-get install -y hyperfine time iptstate bsdutils iproute2)"
done
[ -f "$BUILD/Makefile" ] || die "no configured build tree at $BUILD (use -b)"
make -s -C "$BUILD" masqtop bench/ct_dump_bench >/dev/null ||
	die "cannot build masqtop and bench/ct_dump_bench in $BUILD"
TOP=$(cd "$BUILD" && pwd)/masqtop
DRV=$(cd "$BUILD" && pwd)/bench/ct_dump_bench
OUT=${BENCH_OUT:-$(mktemp -d /tmp/masqsh-bench.XXXXXX)}

ip netns add "$NS"
ip netns exec "$NS" "$DRV" create "$N" || die "creating $N entries failed"
got=$(ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_conntrack_count)
[ "$got" -eq "$N" ] || die "the namespace holds $got entries, wanted $N"

# Sanity: masqtop printed every entry.
rows=$(ip netns exec "$NS" "$TOP" -b -n 1 -w 200 | grep -c '^[a-z0-9]* *[0-9a-f.:[]*:[0-9]* ' || true)
[ "$rows" -ge "$N" ] || die "masqtop -b printed $rows rows, wanted $N"

ip netns exec "$NS" hyperfine -N --output=pipe -w 1 -r "$RUNS" \
	--export-json "$OUT/masqtop.json" \
	-n masqtop "$TOP -b -n 1 -w 200" \
	-n masqtop-json "$TOP -b -n 1 -j" \
	-n iptstate "script -qc 'stty cols 200 rows 50; iptstate -1' /dev/null" >"$OUT/hyperfine.log" 2>&1 ||
	die "hyperfine failed, see $OUT/hyperfine.log"

rss() { ip netns exec "$NS" /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
rss_top=$(rss "$TOP" -b -n 1 -w 200)
rss_ipt=$(rss script -qc 'stty cols 200 rows 50; iptstate -1' /dev/null)

python3 - "$OUT/masqtop.json" "$rss_top" "$rss_ipt" "$N" <<'EOF'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
top, ipt = res["masqtop"]["median"], res["iptstate"]["median"]
rt, ri = int(sys.argv[2]), int(sys.argv[3])
print(f"entries              {sys.argv[4]}")
for k in ("masqtop", "masqtop-json", "iptstate"):
    print(f"{k:20s} {res[k]['median']:.3f} s (median)")
print(f"peak RSS masqtop     {rt / 1024:.1f} MiB")
print(f"peak RSS iptstate    {ri / 1024:.1f} MiB")
print(f"speed ratio          {ipt / top:.1f}x faster (target >= 10x)")
print(f"memory ratio         {rt / ri:.2f} of iptstate's (target <= 0.33)")
EOF
echo "raw results in $OUT"

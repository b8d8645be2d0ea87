#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/masqtop.sh - masqtop's first screen against iptstate's, at 250k
# entries in a throwaway namespace (issue 3: >= 10x faster, <= 1/3 of the
# memory).
#
#   bench/masqtop.sh [-n ENTRIES] [-r RUNS] [-b BUILDDIR] [-B OLD_MASQTOP]
#
# The entries are SNAT'ed ones made by bench/ct_dump_bench (as
# bench/ct_dump.sh does).  Measured, each in the same run:
#   masqtop-screen   `masqtop -n 1` under a pty (`script -qc`, 200x50):
#                    start, dump, first screen drawn, exit -- the
#                    headline, compared with
#   iptstate         `iptstate -1` under the same pty (it wants a terminal)
#   masqtop-50-rows  `masqtop -b -n 1 --lines 50` (the same, no curses)
#   masqtop-all      `masqtop -b -n 1` (the whole table printed and
#                    sorted; iptstate's single run reads and sorts every
#                    entry too, though it prints only its first 16384)
#   masqtop-json     `masqtop -b -n 1 -j`
#   floor            `ct_dump_bench count`: a raw dump counting messages
# with -B, an older masqtop binary as well (before/after in one run).
# Time by hyperfine, peak RSS by /usr/bin/time.  No rule database is
# read (MASQSH_DB points nowhere), so the rule column is "-".  Prints a
# table and the ratios against iptstate from the same run.
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

OLD=
while getopts n:r:b:B: o; do
	case $o in
	n) N=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	B) OLD=$OPTARG ;;
	*) die "usage: $0 [-n N] [-r RUNS] [-b BUILDDIR] [-B OLD_MASQTOP]" ;;
	esac
done
export MASQSH_DB=/nonexistent/masq.db

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
mkdir -p "$OUT"

ip netns add "$NS"
ip netns exec "$NS" "$DRV" create "$N" || die "creating $N entries failed"
got=$(ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_conntrack_count)
[ "$got" -eq "$N" ] || die "the namespace holds $got entries, wanted $N"

# Sanity: masqtop printed every entry (-a: NAT'ed or not).
rows=$(ip netns exec "$NS" "$TOP" -b -n 1 -w 200 -a | grep -c '^[a-z0-9]* *[0-9a-f.:[]*:[0-9]* ' || true)
[ "$rows" -ge "$N" ] || die "masqtop -b printed $rows rows, wanted $N"

old=()
[ -n "$OLD" ] && old=(-n masqtop-old "$OLD -b -n 1 -w 200")
pty() { printf "script -qc 'stty cols 200 rows 50; %s' /dev/null" "$1"; }
ip netns exec "$NS" hyperfine -N --output=pipe -w 1 -r "$RUNS" \
	--export-json "$OUT/masqtop.json" \
	-n masqtop-screen "$(pty "$TOP -n 1")" \
	-n masqtop-50-rows "$TOP -b -n 1 -w 200 --lines 50" \
	-n masqtop-all "$TOP -b -n 1 -w 200" \
	-n masqtop-json "$TOP -b -n 1 -j" \
	-n floor "$DRV count" \
	"${old[@]}" \
	-n iptstate "$(pty "iptstate -1")" >"$OUT/hyperfine.log" 2>&1 ||
	die "hyperfine failed, see $OUT/hyperfine.log"

rss() { ip netns exec "$NS" /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
rss_scr=$(rss script -qc "stty cols 200 rows 50; $TOP -n 1" /dev/null)
rss_all=$(rss "$TOP" -b -n 1 -w 200)
rss_ipt=$(rss script -qc 'stty cols 200 rows 50; iptstate -1' /dev/null)
rss_old=0
[ -n "$OLD" ] && rss_old=$(rss "$OLD" -b -n 1 -w 200)

python3 - "$OUT/masqtop.json" "$N" "$rss_scr" "$rss_all" "$rss_ipt" "$rss_old" <<'EOF'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
scr, ipt = res["masqtop-screen"]["median"], res["iptstate"]["median"]
rs, ra, ri, ro = (int(x) for x in sys.argv[3:7])
print(f"entries              {sys.argv[2]}")
for k in ("masqtop-screen", "masqtop-50-rows", "masqtop-all", "masqtop-json",
          "masqtop-old", "floor", "iptstate"):
    if k in res:
        r = res[k]
        print(f"{k:20s} {r['median']:.3f} s (median; user {r['user']:.3f} "
              f"sys {r['system']:.3f})  iptstate/this {ipt / r['median']:.1f}x")
if ro:
    print(f"peak RSS masqtop-old    {ro / 1024:.1f} MiB")
print(f"peak RSS masqtop-screen {rs / 1024:.1f} MiB")
print(f"peak RSS masqtop-all    {ra / 1024:.1f} MiB")
print(f"peak RSS iptstate       {ri / 1024:.1f} MiB")
cpu = lambda k: res[k]["user"] + res[k]["system"]
print(f"first screen         {ipt / scr:.1f}x faster than iptstate -1 "
      f"(target >= 10x); {scr / res['floor']['median']:.2f}x the raw dump")
# On a shared machine wall time is noisy; CPU time (user + system, mean)
# is what each one needs.
print(f"first screen CPU     {cpu('iptstate') / cpu('masqtop-screen'):.1f}x "
      f"less than iptstate -1 ({cpu('masqtop-screen'):.3f} s vs "
      f"{cpu('iptstate'):.3f} s; the raw dump {cpu('floor'):.3f} s)")
print(f"memory ratio         {rs / ri:.2f} of iptstate's (first screen), "
      f"{ra / ri:.2f} printing everything (target <= 0.33)")
EOF
echo "raw results in $OUT"

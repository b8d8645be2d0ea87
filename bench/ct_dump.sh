#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ct_dump.sh - how fast masqsh's conntrack engine lists a big table.
#
# In a throwaway network namespace: create N conntrack entries (default
# 250,000; the kernel caps a table at 262,144 and a namespace cannot raise
# it), 90% SNAT, 5% DNAT, 5% plain, then time with hyperfine, output fed
# through a pipe:
#   floor      a raw libmnl dump that only counts messages
#   parse      the engine's ct_dump() parsing every entry, printing nothing
#   masq       the engine listing NAT'ed entries, one `show masq` line each
#   conntrack  `conntrack -L --src-nat` (the reference tool)
#   tab        what TAB costs after `show conntrack src `: one dump, the
#              50 most frequent source addresses (src/shell/complete_live.c)
# and the peak RSS of `masq` at N/10 and N entries (it must not grow with
# the table).  Prints medians and minimums with their ratios to the floor.
#
# Usage: bench/ct_dump.sh [-n N] [-r RUNS] [-b BUILDDIR] [-a LABEL=BUILDDIR]..
#   BUILDDIR is a configured build tree (default: _build next to bench/);
#   the driver bench/ct_dump_bench is built there with make.
#   -a times `parse`, `masq` and `show-masq` of another build tree in the
#   same hyperfine run too (e.g. one without a speed trick), as
#   "parse/LABEL" ..., and prints their user time against this build's.
#   BENCH_OUT=DIR keeps the hyperfine JSON (default: a new /tmp dir).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=250000
RUNS=10
BUILD=${BUILD:-$BENCH_DIR/../_build}
NETNS=()

die() {
	printf 'ct_dump.sh: %s\n' "$*" >&2
	exit 1
}

cleanup() {
	local ns

	for ns in "${NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ALSO=()
while getopts n:r:b:a: o; do
	case $o in
	n) N=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	a)
		case $OPTARG in
		?*=?*) ALSO+=("$OPTARG") ;;
		*) die "-a wants LABEL=BUILDDIR, not '$OPTARG'" ;;
		esac
		;;
	*) die "usage: $0 [-n N] [-r RUNS] [-b BUILDDIR] [-a LABEL=BUILDDIR].." ;;
	esac
done

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, ctnetlink)"
for t in hyperfine /usr/bin/time conntrack ip python3 make; do
	command -v "$t" >/dev/null 2>&1 ||
		die "missing $t (apt-get install -y hyperfine time conntrack iproute2 python3 make)"
done
[ -f "$BUILD/Makefile" ] || die "no configured build tree at $BUILD (use -b)"
make -s -C "$BUILD" bench/ct_dump_bench >/dev/null ||
	die "cannot build bench/ct_dump_bench in $BUILD"
DRV=$(cd "$BUILD" && pwd)/bench/ct_dump_bench
OUT=${BENCH_OUT:-$(mktemp -d /tmp/masqsh-bench.XXXXXX)}
mkdir -p "$OUT"

# A namespace holding $2 entries; its name goes to NETNS for the trap.
make_ns() {
	local ns=$1 n=$2 got

	ip netns add "$ns"
	NETNS+=("$ns")
	ip netns exec "$ns" "$DRV" create "$n" ||
		die "creating $n entries in $ns failed"
	got=$(ip netns exec "$ns" cat /proc/sys/net/netfilter/nf_conntrack_count)
	[ "$got" -eq "$n" ] || die "$ns holds $got entries, wanted $n"
}

# Peak RSS in KiB of a command run in namespace $1.
peak_rss() {
	local ns=$1
	shift
	ip netns exec "$ns" /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
}

BIG=masqbench-ct-$$
SMALL=masqbench-ct-small-$$
make_ns "$BIG" "$N"
make_ns "$SMALL" $((N / 10))

nat=$(ip netns exec "$BIG" "$DRV" nat 2>/dev/null | wc -l)
ref=$(ip netns exec "$BIG" conntrack -L --src-nat 2>/dev/null | wc -l)

# The whole command too: `masqsh -c 'show masq'` opens the rule database,
# attributes every entry to a rule (two masq rules and a forward match the
# generated table) and prints through masqsh's printer.
MASQSH=$(cd "$BUILD" && pwd)/masqsh
SHOW=()
if [ -x "$MASQSH" ]; then
	DB=$OUT/show.db
	rm -f "$DB"
	"$MASQSH" --db "$DB" -c 'masq add out wan0 from 10.0.0.0/9' \
		-c 'masq add out wan0 from 10.128.0.0/9' \
		-c 'forward add in wan0 proto tcp dport 443 to 192.168.1.10' \
		>/dev/null 2>&1 || die "cannot store the rules for show masq"
	SHOW=(-n show-masq "$MASQSH --db $DB -c 'show masq'"
		-n tab "$MASQSH --db $DB __complete 'show conntrack src '")
	shown=$(ip netns exec "$BIG" "$MASQSH" --db "$DB" -c 'show masq' | wc -l)
fi
# -a: the same commands from other build trees, the same database
LABELS=()
for a in "${ALSO[@]}"; do
	b=${a#*=}
	[ -f "$b/Makefile" ] || die "-a $a: no configured build tree at $b"
	make -s -C "$b" masqsh bench/ct_dump_bench >/dev/null ||
		die "cannot build masqsh and bench/ct_dump_bench in $b"
	b=$(cd "$b" && pwd)
	LABELS+=("${a%%=*}")
	SHOW+=(-n "parse/${a%%=*}" "$b/bench/ct_dump_bench count-api"
		-n "masq/${a%%=*}" "$b/bench/ct_dump_bench nat")
	[ -z "${DB:-}" ] ||
		SHOW+=(-n "show-masq/${a%%=*}" "$b/masqsh --db $DB -c 'show masq'")
done

ip netns exec "$BIG" hyperfine -N --output=pipe -w 2 -r "$RUNS" \
	--export-json "$OUT/ct_dump.json" \
	-n floor "$DRV count" \
	-n parse "$DRV count-api" \
	-n masq "$DRV nat" \
	"${SHOW[@]}" \
	-n conntrack "conntrack -L --src-nat" >"$OUT/hyperfine.log" 2>&1 ||
	die "hyperfine failed, see $OUT/hyperfine.log"

rss_small=$(peak_rss "$SMALL" "$DRV" nat)
rss_big=$(peak_rss "$BIG" "$DRV" nat)
rss_ct=$(peak_rss "$BIG" conntrack -L --src-nat)

echo "# conntrack dump, $N entries ($nat NAT'ed, $ref SNAT'ed per conntrack), $RUNS runs"
python3 - "$OUT/ct_dump.json" "${LABELS[@]}" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
# On a shared machine the minimum is the steadier estimate; both shown.
fl = r["floor"]
for name in ("floor", "parse", "masq", "show-masq", "tab", "conntrack"):
    if name not in r:
        continue
    x = r[name]
    print("%-10s median %7.1f ms (%4.2fx)  min %7.1f ms (%4.2fx)  "
          "user %6.1f ms  sys %6.1f ms"
          % (name, x["median"] * 1e3, x["median"] / fl["median"],
             x["min"] * 1e3, x["min"] / fl["min"],
             x["user"] * 1e3, x["system"] * 1e3))
print("conntrack -L --src-nat / masq: %.2fx median, %.2fx min" %
      (r["conntrack"]["median"] / r["masq"]["median"],
       r["conntrack"]["min"] / r["masq"]["min"]))
# Other builds (-a): user time, the part a user-space change moves, and
# wall time, each as a ratio to this build's.
for label in sys.argv[2:]:
    for name in ("parse", "masq", "show-masq"):
        k = name + "/" + label
        if k not in r:
            continue
        x, b = r[k], r[name]
        print("%-18s median %7.1f ms (%4.2fx %s)  user %6.1f ms (%4.2fx)"
              % (k, x["median"] * 1e3, x["median"] / b["median"], name,
                 x["user"] * 1e3, x["user"] / b["user"]))
EOF
if [ ${#SHOW[@]} -gt 0 ]; then
	rss_show=$(peak_rss "$BIG" "$MASQSH" --db "$DB" -c 'show masq')
	echo "show masq printed $shown lines; peak RSS $rss_show KiB"
else
	echo "show masq not measured: no masqsh in $BUILD"
fi
echo "peak RSS: masq $rss_small KiB at $((N / 10)) entries, $rss_big KiB at $N; conntrack -L --src-nat $rss_ct KiB at $N"
echo "# hyperfine JSON and log in $OUT"

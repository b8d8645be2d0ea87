# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
#
# lib.sh - shared helpers for the masqsh benchmarks (sourced, not run).
#
# Owns: finding the masqsh binary, checking the public tools we time with
# (hyperfine, GNU time), throwaway network namespaces that are deleted on
# any exit, running hyperfine inside a namespace with JSON/CSV export,
# peak-RSS sampling, and number formatting (milliseconds, ratios, MiB).
# Does not own what is measured: startup.sh and apply.sh decide that.
#
# Everything that touches the kernel happens inside namespaces created
# here; the root namespace's ruleset and sysctls are never changed.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_NETNS=()

bench_die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

bench_note() {
	printf '# %s\n' "$*" >&2
}

# Stop unless root and every public tool we rely on is present.
bench_require() {
	local t missing=()

	BENCH_LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
	[ "$(id -u)" -eq 0 ] || bench_die "needs root (network namespaces, nftables)"
	for t in hyperfine /usr/bin/time ip nft iptables-nft-restore awk; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		bench_die "missing: ${missing[*]} (apt-get install -y hyperfine time nftables iptables iproute2)"
	fi
	# --shell=none (-N) exists since hyperfine 1.13; without it a 4 ms
	# start-up would drown in the shell-spawn correction.
	hyperfine --help 2>/dev/null | grep -q -- '--shell=none' ||
		bench_die "hyperfine too old: need --shell=none (1.13 or later)"
}

# Set MASQSH to a working binary and return 0, or return 1 with a note.
# Order: $MASQSH, ../_build/masqsh next to bench/, `command -v masqsh`.
bench_find_masqsh() {
	local c cand=()

	if [ -n "${MASQSH:-}" ]; then
		cand=("$MASQSH")
	else
		cand=("$BENCH_DIR/../_build/masqsh")
		c=$(command -v masqsh 2>/dev/null) && cand+=("$c")
	fi
	for c in "${cand[@]}"; do
		[ -x "$c" ] || continue
		# A placeholder binary that prints no version does not count.
		if [ -n "$("$c" --version 2>/dev/null)" ]; then
			MASQSH=$(cd "$(dirname "$c")" && pwd)/$(basename "$c")
			return 0
		fi
		bench_note "masqsh at $c does not answer --version; ignoring it"
	done
	bench_note "no working masqsh (set MASQSH=/path/to/masqsh); timing the anchors only"
	MASQSH=
	return 1
}

# Directory for this run's files: $BENCH_OUT, else a fresh one in /tmp.
bench_outdir() {
	if [ -n "${BENCH_OUT:-}" ]; then
		mkdir -p "$BENCH_OUT" || bench_die "cannot create $BENCH_OUT"
	else
		BENCH_OUT=$(mktemp -d /tmp/masqsh-bench.XXXXXX) ||
			bench_die "mktemp failed"
	fi
	BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
}

bench_cleanup() {
	local ns

	for ns in "${BENCH_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	BENCH_NETNS=()
}

# Create namespace NAME with lo up and an uplink IFACE (dummy, or a veth
# when the kernel has no dummy driver) holding 198.51.100.1/24.
bench_netns_add() {
	local ns=$1 ifc=${2:-wan0}

	if [ ${#BENCH_NETNS[@]} -eq 0 ]; then
		trap bench_cleanup EXIT
		trap 'bench_cleanup; exit 130' INT TERM
	fi
	ip netns add "$ns" || bench_die "ip netns add $ns failed"
	BENCH_NETNS+=("$ns")
	ip -n "$ns" link set lo up
	if ! ip -n "$ns" link add "$ifc" type dummy 2>/dev/null; then
		ip -n "$ns" link add "$ifc" type veth peer name "${ifc}p" ||
			bench_die "cannot create $ifc in $ns"
		ip -n "$ns" link set "${ifc}p" up
	fi
	ip -n "$ns" addr add 198.51.100.1/24 dev "$ifc"
	ip -n "$ns" link set "$ifc" up
}

# Run a command inside namespace NS.
bench_in() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# bench_hyperfine NS BASE [hyperfine args...]: run hyperfine inside NS with
# --shell=none, writing BASE.json, BASE.csv and BASE.log.  Name every
# command with -n so bench_median can find it.
bench_hyperfine() {
	local ns=$1 base=$2

	shift 2
	if ! bench_in "$ns" hyperfine -N --style basic \
		--export-json "$base.json" --export-csv "$base.csv" \
		"$@" >"$base.log" 2>&1; then
		cat "$base.log" >&2
		bench_die "hyperfine failed (log: $base.log)"
	fi
	[ "${BENCH_VERBOSE:-0}" = 1 ] && cat "$base.log" >&2
	return 0
}

# Median seconds of command NAME in BASE.csv.
bench_median() {
	awk -F, -v name="$2" 'NR > 1 && $1 == name { print $4; f = 1 }
		END { exit !f }' "$1.csv" ||
		bench_die "no result for '$2' in $1.csv"
}

# Mean CPU seconds (user + system) of command NAME in BASE.csv.  Less
# disturbed than wall time on a busy machine, but blind to waiting (I/O,
# fsync, the kernel committing a transaction in another context).
bench_cpu() {
	awk -F, -v name="$2" 'NR > 1 && $1 == name { print $5 + $6; f = 1 }
		END { exit !f }' "$1.csv" ||
		bench_die "no result for '$2' in $1.csv"
}

# Peak RSS in KiB of a command run inside NS: median of 3 runs under GNU
# time.  The command's own output is discarded.
bench_peak_rss() {
	local ns=$1 f _

	shift
	f=$(mktemp "$BENCH_OUT/rss.XXXXXX")
	for _ in 1 2 3; do
		bench_in "$ns" /usr/bin/time -a -o "$f" -f '%M' "$@" \
			>/dev/null 2>&1 || {
			rm -f "$f"
			bench_die "failed: $*"
		}
	done
	sort -n "$f" | sed -n 2p
	rm -f "$f"
}

# Formatting: seconds -> "12.3 ms"; a/b -> "0.42"; KiB -> "12.3 MiB".
bench_ms() {
	awk -v s="$1" 'BEGIN { v = s * 1000
		printf (v < 10 ? "%.2f ms" : v < 100 ? "%.1f ms" : "%.0f ms"), v }'
}

bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) printf "-"
		else printf "%.2f", a / b }'
}

bench_mib() {
	awk -v k="$1" 'BEGIN { if (k == "") printf "-"
		else printf "%.1f MiB", k / 1024 }'
}

# One paragraph naming the machine and tool versions, for pasting.
bench_machine() {
	local cpu

	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: ${cpu:-unknown cpu}, $(nproc) cores, kernel $(uname -r)"
	echo "load:    1-minute load average ${BENCH_LOAD_START:-?} at start," \
		"$(cut -d' ' -f1 /proc/loadavg) at end"
	echo "tools:   $(hyperfine --version), $(nft --version | cut -d' ' -f1-2)," \
		"$(iptables-nft-restore --version 2>&1 | cut -d' ' -f1-2)," \
		"$(ip -V | sed 's/.*iproute2-\([^,]*\).*/iproute2 \1/')"
	if [ -n "${MASQSH:-}" ]; then
		echo "masqsh:  $MASQSH ($("$MASQSH" --version 2>/dev/null | head -1))"
	else
		echo "masqsh:  not found (anchors only)"
	fi
}

# Print the "usage:" paragraph of a script's header comment; exit 2.
bench_usage() {
	awk '/^# usage:/ { p = 1 } p && !/^#/ { exit }
		p { sub(/^# ?/, ""); print }' "$1" >&2
	exit 2
}

# Median of the numbers given as arguments (empty ones ignored).
bench_median_of() {
	printf '%s\n' "$@" | awk 'NF' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR == 0) exit
			print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# conn_rate.sh - the rate of NEW connections a real namespace gateway NATs
# with (a) one masq rule, (b) one masq rule listing N (6,000) networks, as
# masqsh compiles it now (one nft rule, an anonymous interval set), and
# (c) the same list compiled the 0.1 way (one nft rule per network, walked
# one by one for every new connection).  Issue 13, part 2: (b) should reach
# 90% of (a).
#
# usage: bench/conn_rate.sh [-R ROUNDS] [-n NETS] [-c FLOWS] [-t SECS]
#   -R ROUNDS  rounds, each timing (a), (b) and (c) in rotating order (3)
#   -n NETS    networks in the list (6000); the client's source is in the
#              last one, so (c) walks every rule before it matches
#   -c FLOWS   flows (packets) sent per measurement, at most (100000)
#   -t SECS    seconds per measurement, at most (2)
#   OLD_MASQSH=PATH  a masqsh 0.1 build (e.g. main's 0cc79e9) compiles (c);
#              without it (c) is the same nft rules written for `nft -f`
#              (what 0.1's compiler emitted for this rule: oifname, ip
#              saddr NET, counter, masquerade, comment, per network)
#
# Three namespaces: a client (.2 in the last listed network),
# the gateway (masqsh applies its rules there) and a sink (198.51.100.2)
# that counts arriving packets in a raw-priority counter and drops them.
# bench/udp_flows.c sends one UDP packet per flow, each with its own
# port pair; what reaches the sink per second is the gateway's rate of
# new translated connections (when the gateway is slower than the sender,
# the rest is dropped in front of it).  Conntrack is flushed between
# measurements.  Prints each configuration's median flows/s over the
# rounds and the ratios (b)/(a) and (c)/(a) taken within each round, by
# wall time and by the sender's CPU time (which holds the gateway's work:
# the veths forward in its softirq; on a busy machine the steadier one).
# Nothing here asserts a time; it is not part of `make check`.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ROUNDS=3 NETS=6000 FLOWS=100000 SECS=2
while getopts R:n:c:t:h o; do
	case $o in
	R) ROUNDS=$OPTARG ;;
	n) NETS=$OPTARG ;;
	c) FLOWS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	*) bench_usage "$0" ;;
	esac
done
case $NETS in '' | *[!0-9]*) bench_usage "$0" ;; esac
if [ "$NETS" -lt 2 ] || [ "$NETS" -gt 32768 ]; then
	bench_die "-n: 2..32768"
fi

[ "$(id -u)" -eq 0 ] || bench_die "needs root (network namespaces, nftables)"
for t in ip nft conntrack cc awk; do
	command -v "$t" >/dev/null 2>&1 || bench_die "missing: $t"
done
BENCH_LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
bench_find_masqsh || bench_die "conn_rate.sh needs masqsh"
bench_outdir
OUT=$BENCH_OUT

# The N networks: every other /24, 10.(i/128).(2*(i%128)).0/24, so that no
# two are adjacent and the set really holds N intervals (adjacent ones
# would be merged into one: 6,000 consecutive /24s are ONE interval).
# The client is in the last one (10.46.222.0/24 for 6,000).
nets=$(awk -v n="$NETS" 'BEGIN { for (i = 0; i < n; i++)
	printf "%s10.%d.%d.0/24", i ? "," : "", int(i / 128), 2 * (i % 128) }')
lnet=$(awk -v n="$NETS" 'BEGIN { i = n - 1
	printf "10.%d.%d", int(i / 128), 2 * (i % 128) }')
CLIENT=$lnet.2

cc -O2 -Wall -Wextra -o "$OUT/udp_flows" "$BENCH_DIR/udp_flows.c" ||
	bench_die "cannot compile bench/udp_flows.c"

P=masqbench-cr$$
CL=$P-cl GW=$P-gw SK=$P-sk
trap bench_cleanup EXIT
trap 'bench_cleanup; exit 130' INT TERM
for ns in "$CL" "$GW" "$SK"; do
	ip netns add "$ns" || bench_die "ip netns add $ns"
	BENCH_NETNS+=("$ns")
	ip -n "$ns" link set lo up
done
ip link add lan0 netns "$GW" type veth peer name eth0 netns "$CL" ||
	bench_die "veth"
ip link add wan0 netns "$GW" type veth peer name eth0 netns "$SK" ||
	bench_die "veth"
ip -n "$CL" addr add "$CLIENT/24" dev eth0
ip -n "$CL" link set eth0 up
ip -n "$CL" route add default via "$lnet.1"
ip -n "$GW" addr add "$lnet.1/24" dev lan0
ip -n "$GW" addr add 198.51.100.1/24 dev wan0
ip -n "$GW" link set lan0 up
ip -n "$GW" link set wan0 up
ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1
ip -n "$SK" addr add 198.51.100.2/24 dev eth0
ip -n "$SK" link set eth0 up
# counted and dropped before conntrack: the sink does no work per flow
ip netns exec "$SK" nft -f - <<'EOF' || bench_die "sink ruleset"
table ip sink {
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		udp dport >= 9 counter drop
	}
}
EOF


echo "masq add out wan0 from $lnet.0/24" >"$OUT/one.msh"
echo "masq add out wan0 from $nets" >"$OUT/list.msh"
for cfg in one list; do
	ip netns exec "$GW" "$MASQSH" --db "$OUT/$cfg.db" -f "$OUT/$cfg.msh" \
		>/dev/null || bench_die "masqsh -f $OUT/$cfg.msh"
done
if [ -n "${OLD_MASQSH:-}" ]; then
	ip netns exec "$GW" "$OLD_MASQSH" --db "$OUT/old.db" -f "$OUT/list.msh" \
		>/dev/null || bench_die "$OLD_MASQSH -f $OUT/list.msh"
else
	awk -v n="$NETS" 'BEGIN {
		print "table ip masqsh"
		print "delete table ip masqsh"
		print "table ip masqsh {"
		print "\tchain prerouting {"
		print "\t\ttype nat hook prerouting priority dstnat; policy accept;"
		print "\t}"
		print "\tchain postrouting {"
		print "\t\ttype nat hook postrouting priority srcnat; policy accept;"
		for (i = 0; i < n; i++)
			printf "\t\toifname \"wan0\" ip saddr 10.%d.%d.0/24 counter masquerade comment \"masqsh masq 1\"\n",
			    int(i / 128), 2 * (i % 128)
		print "\t}"
		print "}"
	}' >"$OUT/old.nft"
fi

# load CFG: make CFG the gateway's ruleset; prints its nft rule count.
load() {
	case $1 in
	a) ip netns exec "$GW" "$MASQSH" --db "$OUT/one.db" -c 'apply replace' ;;
	b) ip netns exec "$GW" "$MASQSH" --db "$OUT/list.db" -c 'apply replace' ;;
	c) if [ -n "${OLD_MASQSH:-}" ]; then
		ip netns exec "$GW" "$OLD_MASQSH" --db "$OUT/old.db" -c 'apply replace'
	   else
		ip netns exec "$GW" nft -f "$OUT/old.nft"
	   fi ;;
	esac >/dev/null 2>"$OUT/load.err" || bench_die "load $1: $(cat "$OUT/load.err")"
	ip netns exec "$GW" nft -a list table ip masqsh | grep -c $'^\t\t.*# handle'
}

sink_count() {
	ip netns exec "$SK" nft list chain ip sink pre |
		awk '/counter packets/ { for (i = 1; i < NF; i++)
			if ($i == "packets") print $(i + 1) }'
}

# measure: "WALL CPU": flows reaching the sink per second of wall time and
# per second of the sender's CPU time (which includes the gateway's work:
# see udp_flows.c; steadier than wall time on a busy machine).
measure() {
	local before after sent secs cpu ct

	ip netns exec "$GW" conntrack -F >/dev/null 2>&1
	before=$(sink_count)
	read -r _ sent _ secs _ _ cpu _ < <(ip netns exec "$CL" \
		"$OUT/udp_flows" "$CLIENT" 198.51.100.2 "$FLOWS" "$SECS")
	sleep 0.2	# what is still queued in the veths
	after=$(sink_count)
	ct=$(ip netns exec "$GW" conntrack -C 2>/dev/null)
	echo "$1 sent=$sent secs=$secs cpu=$cpu delivered=$((after - before)) conntrack=$ct" \
		>>"$OUT/runs.log"
	awk -v d="$((after - before))" -v s="$secs" -v c="$cpu" \
		'BEGIN { printf "%.0f %.0f", d / s, d / c }'
}

declare -A rate crate
declare -a rb rc cb cc
order=(a b c)
echo "# $(date -u '+%F %T') conn_rate: $NETS networks, $FLOWS flows / $SECS s per run" >"$OUT/runs.log"
for cfg in a b c; do
	n=$(load "$cfg")
	bench_note "($cfg): $n nft rules in table ip masqsh, matching" \
		"$(ip netns exec "$GW" nft list table ip masqsh | grep -o '/24' | wc -l)" \
		"networks"
	measure "warmup-$cfg" >/dev/null
done
for ((r = 0; r < ROUNDS; r++)); do
	for cfg in "${order[@]}"; do
		load "$cfg" >/dev/null
		read -r "rate[$r$cfg]" "crate[$r$cfg]" < <(measure "round$r-$cfg")
	done
	bench_note "round $r: (a) ${rate[${r}a]}/s (b) ${rate[${r}b]}/s (c) ${rate[${r}c]}/s;" \
		"per CPU s: (a) ${crate[${r}a]} (b) ${crate[${r}b]} (c) ${crate[${r}c]}"
	rb+=("$(bench_ratio "${rate[${r}b]}" "${rate[${r}a]}")")
	rc+=("$(bench_ratio "${rate[${r}c]}" "${rate[${r}a]}")")
	cb+=("$(bench_ratio "${crate[${r}b]}" "${crate[${r}a]}")")
	cc+=("$(bench_ratio "${crate[${r}c]}" "${crate[${r}a]}")")
	order=("${order[@]:1}" "${order[0]}")
done

med() {
	local cfg=$1 r v=()

	for ((r = 0; r < ROUNDS; r++)); do v+=("${rate[$r$cfg]}"); done
	bench_median_of "${v[@]}"
}
cmed() {
	local cfg=$1 r v=()

	for ((r = 0; r < ROUNDS; r++)); do v+=("${crate[$r$cfg]}"); done
	bench_median_of "${v[@]}"
}
range() { printf '%s\n' "$@" | sort -g | sed -n '1p;$p' | paste -sd- -; }

echo
echo "new connections per second through the gateway (median of $ROUNDS rounds)"
printf '  (a) one masq rule:                       %8.0f /s\n' "$(med a)"
printf '  (b) one rule, %d networks, as a set:    %8.0f /s   (b)/(a) %s (rounds %s)\n' \
	"$NETS" "$(med b)" "$(bench_median_of "${rb[@]}")" "$(range "${rb[@]}")"
printf '  (c) the same, one nft rule per network:  %8.0f /s   (c)/(a) %s (rounds %s)\n' \
	"$(med c)" "$(bench_median_of "${rc[@]}")" "$(range "${rc[@]}")"
echo "the same per second of CPU time (sender + gateway; steadier under load)"
printf '  (a) %8.0f   (b) %8.0f   (b)/(a) %s (rounds %s)\n' "$(cmed a)" "$(cmed b)" \
	"$(bench_median_of "${cb[@]}")" "$(range "${cb[@]}")"
printf '  (c) %8.0f   (c)/(a) %s (rounds %s)\n' "$(cmed c)" \
	"$(bench_median_of "${cc[@]}")" "$(range "${cc[@]}")"
echo "  (c) compiled by ${OLD_MASQSH:-nft -f of the per-network rules, as 0.1 compiled them}"
echo
bench_machine | grep -v '^tools'
echo "runs: $OUT/runs.log"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 310_diag_mtu.sh - `diag mtu` against the real faults (FAQ 7.15), and
# `clamp mss` compiled, applied and clamping a LAN host's SYN.
#
# The gateway GW probes SRV through the router ISP, whose link to SRV has
# MTU 1400:
#   (a) ISP sends "fragmentation needed": verdict normal, path MTU 1400,
#       the same as tracepath's pmtu;
#   (b) ISP drops its own frag-needed (nft on its output hook): verdict
#       blackhole within 5 s, while tracepath learns nothing;
#   (c) ISP sends them, GW's own input chain drops them: verdict filtered;
#   (d) no 1400 link, but GW's uplink is 1492 (PPPoE-style) with 1500
#       LANs: verdict mismatch; then `clamp mss pmtu out wan0` + apply puts
#       the rule in our table (printer byte-equal to nft list) and a LAN
#       client's SYN reaches SRV with MSS 1452.
# Timings of diag mtu and tracepath are printed for the record.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$here/../lib/netns.sh"

test_setup
command -v tracepath >/dev/null || skip "tracepath not installed (iputils-tracepath)"

now_ms() { date +%s%3N; }

# diag_mtu: run `diag mtu` in GW as JSON; sets J (the document), RC, MS.
diag_mtu() {
	local t0
	t0=$(now_ms)
	RC=0
	J=$(gw_masqsh -j -c "diag mtu 192.0.2.10" 2>"$NS_TMP/err") || RC=$?
	MS=$(( $(now_ms) - t0 ))
	echo "diag mtu: exit $RC, $MS ms"
}

jget() { printf '%s' "$J" | "$NS_PY" -c \
	'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v)' "$1"; }

# tracepath_run SECS: tracepath from GW with a time limit; sets TP, TP_MS.
tracepath_run() {
	local t0
	t0=$(now_ms)
	TP=$(timeout "$1" ip netns exec "$GW" tracepath -n 192.0.2.10 2>&1)
	TP_MS=$(( $(now_ms) - t0 ))
	printf 'tracepath (%s ms):\n%s\n' "$TP_MS" "$TP"
}

flush_pmtu() { ip -n "$GW" route flush cache >/dev/null 2>&1 || true; }

ip -n "$ISP" link set net0 mtu 1400
ip -n "$SRV" link set eth0 mtu 1400

echo "== (a) frag-needed delivered"
tracepath_run 20
tp_pmtu=$(printf '%s\n' "$TP" | awk '/Resume: pmtu/ { print $3 }')
assert_eq "tracepath's path MTU" 1400 "$tp_pmtu"
flush_pmtu
diag_mtu
assert_eq "(a) exit status" 0 "$RC"
assert_eq "(a) verdict" normal "$(jget verdict)"
assert_eq "(a) path MTU (= tracepath's)" "$tp_pmtu" "$(jget path_mtu)"
assert_eq "(a) MSS" 1360 "$(jget mss)"
assert_eq "(a) MTU named by frag-needed" 1400 "$(jget frag_mtu)"
assert_eq "(a) fix" "clamp mss pmtu out wan0" "$(jget fix)"
echo "(a) probes $(jget probes_sent) in $(jget rounds) rounds, $(jget elapsed_ms) ms"

echo "== (b) the router stops sending frag-needed: black hole"
ip netns exec "$ISP" nft -f - <<'EOF'
table ip bh {
	chain out {
		type filter hook output priority 0; policy accept;
		icmp type destination-unreachable icmp code frag-needed counter drop
	}
}
EOF
flush_pmtu
diag_mtu
assert_eq "(b) exit status" 1 "$RC"
assert_eq "(b) verdict" blackhole "$(jget verdict)"
assert_eq "(b) status" fail "$(jget status)"
assert_eq "(b) path MTU" 1400 "$(jget path_mtu)"
assert_eq "(b) fix" "clamp mss 1360 out wan0" "$(jget fix)"
assert_in_range "(b) time to the verdict (ms)" 0 5000 "$MS"
echo "(b) probes $(jget probes_sent) in $(jget rounds) rounds, $(jget elapsed_ms) ms"
flush_pmtu
tracepath_run "${TP_LIMIT:-12}"
if printf '%s\n' "$TP" | grep -q 'pmtu 1400'; then
	fail "(b) tracepath found pmtu 1400 through the black hole?"
fi
echo "ok: (b) tracepath did not find the path MTU in $TP_MS ms"
ip netns exec "$ISP" nft delete table ip bh

echo "== (c) frag-needed dropped by the gateway's own ruleset"
ip netns exec "$GW" nft -f - <<'EOF'
table inet fw {
	chain input {
		type filter hook input priority 0; policy accept;
		icmp type destination-unreachable icmp code frag-needed counter drop
	}
}
EOF
flush_pmtu
diag_mtu
assert_eq "(c) verdict" filtered "$(jget verdict)"
assert_eq "(c) status" fail "$(jget status)"
assert_eq "(c) path MTU" 1400 "$(jget path_mtu)"
assert_match "(c) evidence names the table and chain" \
	'table inet fw chain input \(input hook\): a rule drops' "$J"
assert_match "(c) the rule's counter rose while probing" \
	'\+[1-9][0-9]* while probing' "$J"
gw_nft delete table inet fw

echo "== (d) 1492 uplink, 1500 LANs: link MTU mismatch"
ip -n "$ISP" link set net0 mtu 1500
ip -n "$SRV" link set eth0 mtu 1500
ip -n "$GW" link set wan0 mtu 1492
ip -n "$ISP" link set up0 mtu 1492
flush_pmtu
diag_mtu
assert_eq "(d) verdict" mismatch "$(jget verdict)"
assert_eq "(d) status" warn "$(jget status)"
assert_eq "(d) path MTU" 1492 "$(jget path_mtu)"
assert_eq "(d) link MTU" 1492 "$(jget link_mtu)"
assert_eq "(d) fix" "clamp mss pmtu out wan0" "$(jget fix)"

echo "== clamp mss pmtu out wan0 + apply"
run gw_masqsh -c "masq add out wan0 from 192.168.0.0/16" \
	-c "clamp mss pmtu out wan0" -c apply
gw_nft list table ip masqsh >"$NS_TMP/kernel.txt"
gw_masqsh -j -c "show compiled" | "$NS_PY" -c \
	'import json,sys; sys.stdout.write(json.load(sys.stdin)["text"])' \
	>"$NS_TMP/compiled.txt"
assert_same_text "show compiled = nft list table ip masqsh" \
	"$NS_TMP/compiled.txt" "$NS_TMP/kernel.txt"
assert_match "the clamp rule is in our table" \
	'chain forward \{.*type filter hook forward priority mangle; policy accept;.*oifname "wan0" tcp flags syn tcp option maxseg size set rt mtu counter packets 0 bytes 0 comment "masqsh clamp"' \
	"$(tr '\n' ' ' <"$NS_TMP/kernel.txt")"
assert_eq "diff after apply" "in sync" "$(gw_masqsh -c diff)"
# SRV counts SYNs by the MSS they carry.
ip netns exec "$SRV" nft -f - <<'EOF'
table ip mss {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp dport 80 tcp flags syn tcp option maxseg size 1452 counter
		tcp dport 80 tcp flags syn tcp option maxseg size 1460 counter
	}
}
EOF
got=$(req "$C1" tcp 192.0.2.10 80)
assert_eq "the LAN client still gets through" 198.51.100.2 "${got%% *}"
mss_cnt() {
	ip netns exec "$SRV" nft list table ip mss |
		awk -v m="size $1 counter" 'index($0, m) { print $(NF - 2) }'
}
assert_eq "SYNs at SRV with MSS 1452" 1 "$(mss_cnt 1452)"
assert_eq "SYNs at SRV with MSS 1460" 0 "$(mss_cnt 1460)"
clamp_pk=$(gw_nft list table ip masqsh |
	awk '/masqsh clamp/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
assert_eq "the clamp rule's counter" 1 "$clamp_pk"

echo "== clamp mss 1400 out ppp+, clamp off"
run gw_masqsh -c "clamp mss 1400 out ppp+" -c apply
assert_match "fixed MSS, wildcard interface" \
	'oifname "ppp\*" tcp flags syn tcp option maxseg size set 1400 counter' \
	"$(gw_nft list table ip masqsh)"
assert_eq "diff after apply (fixed MSS)" "in sync" "$(gw_masqsh -c diff)"
run gw_masqsh -c "clamp off" -c apply
if gw_nft list table ip masqsh | grep -q 'chain forward'; then
	fail "clamp off left the forward chain"
fi
echo "ok: clamp off removes the chain"
echo "PASS"

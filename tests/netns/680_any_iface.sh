#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 680: masq rules without 'out' match any output interface, IPv4 and IPv6
# alike, with real traffic through the gateway (tests/lib/netns.sh
# topo_v6).  An interface-less nonat keeps LAN-to-LAN flows (out lan2)
# untranslated while an interface-less SNAT translates what goes out to
# the internet (out wan0); with the nonat rules gone, the same SNAT rules
# translate the LAN-to-LAN flows too: they really match every interface.
# Checked where it counts: the address the server saw, the gateway's
# conntrack reply tuple, the rule 'show masq' names, the kernel's table
# (no oifname) and explain.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup_v6
srv_start "$C2"

S1=2001:db8:200::10 UP6=2001:db8:100::2 UP4=198.51.100.2

# diag_status ID: the status of one check (JSON).
diag_status() {
	gw_masqsh -j -c "diag $1" | "$NS_PY" -c '
import json, sys
print(json.load(sys.stdin)[0]["status"])'
}

# "rule gw" of the show masq -j rows from SRC, sorted and unique.
masq_rule_gw() {
	gw_masqsh -j -c "show masq src $1" | "$NS_PY" -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["rule"], e["gw"])' | sort -u
}

echo "== any-interface nonat and snat, IPv4 and IPv6"
run gw_masqsh -c 'masq add from 192.168.0.0/16 to 192.168.0.0/16 nonat' \
	-c 'masq add from fd00::/8 to fd00::/8 nonat' \
	-c "masq add from 192.168.1.0/24 snat $UP4" \
	-c "masq add from fd00:1::/64 snat $UP6 proto tcp,udp" \
	-c 'masq add out wan0 from 192.168.2.0/24' -c check -c apply
list=$(gw_masqsh -c 'masq list')
echo "$list"
assert_match "stored without 'out'" "3 +3 +from 192\.168\.1\.0/24 snat $UP4\$" \
	"$list"

expect_nat "v4 snat out wan0" "$C1" 192.168.1.10 tcp 192.0.2.10 80 $UP4
assert_eq "v4 snat: rule and address in show masq" "3 $UP4" \
	"$(masq_rule_gw 192.168.1.10)"
expect_nat "v4 snat udp out wan0" "$C1" 192.168.1.10 udp 192.0.2.10 53 $UP4
expect_nat "v6 snat out wan0" "$C1" fd00:1::10 tcp $S1 80 $UP6
assert_eq "v6 snat: rule and address in show masq" "4 $UP6" \
	"$(masq_rule_gw fd00:1::10)"
expect_nat "v6 snat udp out wan0" "$C1" fd00:1::10 udp $S1 53 $UP6
# the server in C2 answers C1 directly: the flow leaves the gateway by
# lan2, and the any-interface nonat leaves its source alone
expect_nat "v4 nonat out lan2" "$C1" 192.168.1.10 tcp 192.168.2.10 80 \
	192.168.1.10
expect_nat "v6 nonat out lan2" "$C1" fd00:1::10 udp fd00:2::10 53 \
	fd00:1::10
expect_nat "v4 interface rule still applies" "$C2" 192.168.2.10 tcp \
	192.0.2.10 80 $UP4

echo "== the kernel's table: no oifname on the interface-less rules"
gw_masqsh -c 'show compiled' >"$NS_TMP/compiled" 2>&1 ||
	fail "show compiled: $(cat "$NS_TMP/compiled")"
gw_nft list table ip masqsh >"$NS_TMP/kernel"
gw_nft list table ip6 masqsh >>"$NS_TMP/kernel"
sed -i 's/counter packets [0-9]* bytes [0-9]*/counter/' \
	"$NS_TMP/compiled" "$NS_TMP/kernel"
cat "$NS_TMP/kernel"
assert_same_text "show compiled = nft list table ip + ip6 masqsh" \
	"$NS_TMP/compiled" "$NS_TMP/kernel"
assert_eq "rules with oifname (only rule 5)" 1 \
	"$(grep -c 'oifname' "$NS_TMP/kernel")"
assert_match "v4 snat rule as nft lists it" \
	"^	+ip saddr 192\.168\.1\.0/24 counter snat to $UP4 comment \"masqsh masq 3\"" \
	"$(cat "$NS_TMP/kernel")"

out=$(gw_masqsh -c diff 2>&1) && rc=0 || rc=$?
assert_eq "diff: the kernel's table reads back as the staged rules" \
	"0" "$rc"

echo "== explain (routes read in the gateway)"
out=$(gw_masqsh -c 'explain tcp 192.168.1.10:4000 -> 192.168.2.10:80')
echo "$out"
assert_match "explain: out lan2 by the route" 'out lan2' "$out"
assert_match "explain: v4 nonat" 'snat: none \(masq rule 1 is nonat\)' "$out"
out=$(gw_masqsh -c "explain udp fd00:1::10 -> $S1")
assert_match "explain: v6 snat" \
	"snat: snat by masq rule 4: source becomes $UP6" "$out"

echo "== diag: the nonat exempts the LANs; no rule names an uplink"
assert_eq "diag rules.lan-to-lan with the nonat" pass \
	"$(diag_status rules.lan-to-lan)"
assert_eq "diag routing.multi-uplink (rule 5 names wan0)" pass \
	"$(diag_status routing.multi-uplink)"

echo "== without the nonat rules, LAN-to-LAN is translated too (out lan2)"
run gw_masqsh -c 'masq del 1' -c 'masq del 2' -c apply
out=$(gw_masqsh -c 'diag rules.lan-to-lan')
echo "$out"
assert_eq "diag rules.lan-to-lan without the nonat" warn \
	"$(diag_status rules.lan-to-lan)"
assert_match "diag: the any-interface rule out lan2" \
	'masq rule 3 \(position 1\) translates traffic out lan2' "$out"
# an IPv4 rule does not catch the IPv6 LANs (it did before: any family)
assert_eq "diag: v6 LANs not blamed on the v4 rule" 0 \
	"$(grep -c 'rule 3 .* LAN fd00' <<<"$out")"
expect_nat "v4 snat out lan2" "$C1" 192.168.1.10 tcp 192.168.2.10 80 $UP4
assert_eq "v4 snat out lan2: rule in show masq" "3 $UP4" \
	"$(masq_rule_gw 192.168.1.10)"
expect_nat "v6 snat out lan2" "$C1" fd00:1::10 udp fd00:2::10 53 $UP6
# masqtop's rules view counts the live entry under the any-interface rule
top=$(ip netns exec "$GW" "${MASQSH%/*}/masqtop" --db "$NS_TMP/masq.db" \
	-b -v rules -w 100 2>&1) || fail "masqtop -b -v rules: $top"
echo "$top"
assert_match "masqtop rules view: rule 4 has the v6 entry" '^ *4 +1( |$)' \
	"$top"
out=$(gw_masqsh -c 'explain tcp 192.168.1.10 -> 192.168.2.10:80')
assert_match "explain: snat out lan2" \
	"snat: snat by masq rule 3: source becomes $UP4" "$out"

echo "== refused: a forgotten 'out' does not masquerade everything"
out=$(gw_masqsh -c 'masq add from 192.168.1.0/24' 2>&1) && rc=0 || rc=$?
assert_eq "masquerade without out: exit" 2 "$rc"
assert_match "masquerade without out: message" "masquerade needs 'out IFACE'" \
	"$out"
assert_eq "rules after the refusal" 3 \
	"$(gw_masqsh -j -c 'masq list' | "$NS_PY" -c \
	'import json, sys; print(len(json.load(sys.stdin)))')"
echo "PASS"

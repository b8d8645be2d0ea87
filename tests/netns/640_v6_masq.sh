#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 640: IPv6 parity of the masq rules, with real IPv6 traffic through the
# gateway (tests/lib/netns.sh topo_v6): masquerade, SNAT to an address,
# SNAT to a range with a port range, NONAT, a wildcard interface, a
# source exclusion, lists, and the ip6 table printed as nft prints it.
# Each flow is checked where it counts: the address the server saw and
# the gateway's conntrack reply tuple.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup_v6

S1=2001:db8:200::10 S2=2001:db8:200::200 UP=2001:db8:100::2

echo "== masquerade"
run gw_masqsh -c 'masq add out wan0 from fd00:1::/64' -c apply
expect_nat "v6 masquerade tcp/80" "$C1" fd00:1::10 tcp $S1 80 $UP
expect_nat "v6 masquerade udp/53" "$C1" fd00:1::10 udp $S1 53 $UP
expect_untranslated "v6 lan2 (no rule)" "$C2" fd00:2::10 tcp $S1 80
# the v4 side is untouched by a v6-only rule set (no answer: not
# translated; the kernel tracks no v4 flow without a v4 NAT expression)
assert_eq "v4 lan1 (no v4 rule): answer" "" \
	"$(req "$C1" tcp 192.0.2.10 80 192.168.1.10)"

echo "== snat address, range with ports, nonat, wildcard, exclusion, lists"
ns_addr6 "$GW" wan0 2001:db8:100::20/64
ns_addr6 "$GW" wan0 2001:db8:100::21/64
run gw_masqsh -c 'masq del 1' \
	-c 'masq add out wan0 from fd00:1::11 snat 2001:db8:100::20-2001:db8:100::21 ports 2000-2100 proto tcp,udp' \
	-c 'masq add out wan0 from fd00:1::/64!fd00:1::12 snat 2001:db8:100::20' \
	-c 'masq add out wan+ from fd00:2::/64 to 2001:db8:200::200 snat 2001:db8:100::21' \
	-c 'masq add out wan0 from fd00:2::/64 nonat' \
	-c apply
expect_nat_in "v6 snat range tcp" "$C1" fd00:1::11 tcp $S1 80 \
	2001:db8:100::20 2001:db8:100::21
assert_in_range "v6 snat range: source port" 2000 2100 "$SEEN_PORT"
expect_nat_in "v6 snat range udp" "$C1" fd00:1::11 udp $S1 53 \
	2001:db8:100::20 2001:db8:100::21
assert_in_range "v6 snat range udp: source port" 2000 2100 "$SEEN_PORT"
expect_nat "v6 snat address" "$C1" fd00:1::10 tcp $S1 80 2001:db8:100::20
expect_nat "v6 wildcard interface + to" "$C2" fd00:2::10 udp $S2 53 \
	2001:db8:100::21
expect_untranslated "v6 nonat" "$C2" fd00:2::10 udp $S1 53

echo "== exclusion: fd00:1::12 is not translated"
ns_addr6 "$C1" eth0 fd00:1::12/64
expect_untranslated "v6 excluded source" "$C1" fd00:1::12 tcp $S1 80

echo "== the ip6 table, as nft lists it"
gw_masqsh -c 'show compiled' >"$NS_TMP/compiled" 2>&1 ||
	fail "show compiled: $(cat "$NS_TMP/compiled")"
gw_nft list table ip masqsh >"$NS_TMP/kernel"
gw_nft list table ip6 masqsh >>"$NS_TMP/kernel"
# counters moved with the traffic above: compare the rules without them
sed -i 's/counter packets [0-9]* bytes [0-9]*/counter/' \
	"$NS_TMP/compiled" "$NS_TMP/kernel"
cat "$NS_TMP/kernel"
assert_same_text "show compiled = nft list table ip + ip6 masqsh" \
	"$NS_TMP/compiled" "$NS_TMP/kernel"
assert_match "range compiled as nft writes it" \
	'snat to 2001:db8:100::20/127:2000-2100' "$(cat "$NS_TMP/kernel")"
n=$(grep -c 'comment "masqsh masq' "$NS_TMP/kernel")
assert_eq "nft rules (one per masq rule: the proto list is a set)" 4 "$n"

echo "== explain, v6 flows (routes read in the gateway)"
out=$(gw_masqsh -c 'explain tcp [fd00:1::11]:4000 -> [2001:db8:200::10]:80')
echo "$out"
assert_match "explain: range rule" 'snat: snat by masq rule 2' "$out"
assert_match "explain: range with ports, bracketed" \
	'becomes: \[2001:db8:100::20-2001:db8:100::21\]:2000-2100 -> \[2001:db8:200::10\]:80' \
	"$out"
out=$(gw_masqsh -c 'explain udp fd00:2::10 -> 2001:db8:200::10')
assert_match "explain: nonat" 'snat: none \(masq rule 5 is nonat\)' "$out"
out=$(gw_masqsh -c 'explain tcp fd00:1::12 -> 2001:db8:200::10')
assert_match "explain: the exclusion" \
	'masq +3 +no +out wan0 from fd00:1::/64 except fd00:1::12' "$out"

echo "== snat detect and masquerade: the uplink's v6 address"
# one global address left on wan0 (the kernel lists the newest first, and
# detect takes the first listed)
ip -n "$GW" addr del 2001:db8:100::20/64 dev wan0
ip -n "$GW" addr del 2001:db8:100::21/64 dev wan0
run gw_masqsh -c 'masq del 2' -c 'masq del 3' -c 'masq del 4' \
	-c 'masq del 5' -c 'masq add out wan0 from fd00:1::10 snat detect' \
	-c 'masq add out wan0 from fd00:2::/64' -c apply
expect_nat "v6 snat detect" "$C1" fd00:1::10 tcp $S1 80 "$UP"
assert_match "detect compiled to the uplink's first global v6 address" \
	'snat to 2001:db8:100::2 comment "masqsh masq 6"' \
	"$(gw_nft list table ip6 masqsh)"
out=$(gw_masqsh -c 'explain udp fd00:2::10 -> 2001:db8:200::200')
echo "$out"
assert_match "explain: v6 masquerade takes the route's source" \
	'masquerade: the route.s source address' "$out"

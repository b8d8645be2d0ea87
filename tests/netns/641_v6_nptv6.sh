#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 641: NPTv6 prefix translation, `masq add out wan0 from fd00:1::/64
# prefix 2001:db8:1::/64`.  The ISP routes 2001:db8:1::/48 to the gateway
# (topo_v6).  Checked: the server sees the LAN host's own host bits under
# the new prefix (fd00:1::10 -> 2001:db8:1::10, ::11 -> ::11), replies come
# back (conntrack maps them, no prerouting rule), the kernel holds "snat
# prefix to" exactly as `show compiled` prints it, `show masq` names the
# rule, `explain` computes the same address, and the rule's stored text
# and masq-file column survive a round trip.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup_v6

S1=2001:db8:200::10

run gw_masqsh -c 'masq add out wan0 from fd00:1::/64 prefix 2001:db8:1::/64' \
	-c apply
expect_nat "NPTv6 tcp/80 from ::10" "$C1" fd00:1::10 tcp $S1 80 \
	2001:db8:1::10
assert_eq "NPTv6 keeps the source port (tcp)" "$(ip netns exec "$GW" \
	conntrack -L -f ipv6 -p tcp --dport 80 2>/dev/null |
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^sport=/) { print $i; exit } }')" \
	"sport=$SEEN_PORT"
expect_nat "NPTv6 udp/53 from ::11" "$C1" fd00:1::11 udp $S1 53 \
	2001:db8:1::11
expect_untranslated "lan2 not in the prefix" "$C2" fd00:2::10 tcp $S1 80

echo "== show masq names the rule and the mapped address"
ct_flush
req "$C1" tcp $S1 443 fd00:1::10 >/dev/null
j=$(gw_masqsh -j -c 'show masq')
echo "$j"
row=$(printf '%s' "$j" | "$NS_PY" -c 'import json, sys
r = [x for x in json.load(sys.stdin) if x["dport"] == 443][0]
print(r["src"], r["gw"], r["rule"], r["family"])')
assert_eq "show masq row: src gw rule family" \
	"fd00:1::10 2001:db8:1::10 1 ipv6" "$row"
# the text row: v6 endpoints in brackets, and the row back under the
# header by the RULE column although MASQ-AS overflows its width
t=$(gw_masqsh -c 'show masq')
echo "$t"
assert_match "show masq text row" \
	'^tcp +\[fd00:1::10\]:[0-9]+ +\[2001:db8:1::10\]:[0-9]+ \[2001:db8:200::10\]:443 ' \
	"$(printf '%s\n' "$t" | sed -n 2p)"
col=$(printf '%s\n' "$t" | "$NS_PY" -c 'import sys
h, r = sys.stdin.read().split("\n")[:2]
end = h.index("RULE") + len("RULE")
print(r[end - 1] + "|" + r[end] + "|")')
assert_eq "rule id under RULE's last letter" "1| |" "$col"
# the filter language on v6 entries: the mapped prefix, the rule, and a
# v6 net that matches nothing
n() { gw_masqsh -j -c "show masq $1" | "$NS_PY" -c \
	'import json, sys; print(len(json.load(sys.stdin)))'; }
assert_eq "show masq gw 2001:db8:1::/64" 1 "$(n 'gw 2001:db8:1::/64')"
assert_eq "show masq rule 1 and src fd00:1::/64" 1 \
	"$(n 'rule 1 and src fd00:1::/64')"
assert_eq "show masq gw 2001:db8:2::/64" 0 "$(n 'gw 2001:db8:2::/64')"
# masqtop's batch screen shows the same row
top=$(ip netns exec "$GW" "$(dirname "$MASQSH")/masqtop" --db "$NS_TMP/masq.db" \
	-b -n 1 -w 140 2>&1)
echo "$top"
assert_match "masqtop -b: the v6 row" \
	'tcp +\[fd00:1::10\]:[0-9]+ +\[2001:db8:1::10\]:[0-9]+ \[2001:db8:200::10\]:443 +TIME_WAIT +[0-9]+ +- +- +1 -' \
	"$top"
assert_match "masqtop -b: the busiest address is the mapped one" \
	'busiest 2001:db8:1::10/tcp' "$top"

echo "== the kernel runs what show compiled prints"
gw_masqsh -c 'show compiled' >"$NS_TMP/compiled" 2>&1 ||
	fail "show compiled: $(cat "$NS_TMP/compiled")"
{ gw_nft list table ip masqsh; gw_nft list table ip6 masqsh; } \
	>"$NS_TMP/kernel"
sed -i 's/counter packets [0-9]* bytes [0-9]*/counter/' \
	"$NS_TMP/compiled" "$NS_TMP/kernel"
cat "$NS_TMP/kernel"
assert_same_text "show compiled = nft list (ip + ip6)" \
	"$NS_TMP/compiled" "$NS_TMP/kernel"
assert_match "nft itself reads back snat prefix to" \
	'oifname "wan0" ip6 saddr fd00:1::/64 counter snat prefix to 2001:db8:1::/64' \
	"$(cat "$NS_TMP/kernel")"
out=$(gw_masqsh -c diff 2>&1); rc=$?
assert_eq "diff after apply: exit" 0 "$rc"

echo "== explain"
out=$(gw_masqsh -c 'explain tcp [fd00:1::2a]:5000 -> [2001:db8:200::10]:80')
echo "$out"
assert_match "explain: action" \
	'snat: prefix by masq rule 1: source becomes 2001:db8:1::2a' "$out"
assert_match "explain: result" \
	'becomes: \[2001:db8:1::2a\]:5000 -> \[2001:db8:200::10\]:80' "$out"
x=$(gw_masqsh -j -c 'explain udp fd00:1::1:2 -> 2001:db8:200::10' |
	"$NS_PY" -c 'import json, sys; print(json.load(sys.stdin)["addr"])')
assert_eq "explain -j: translated source" "2001:db8:1::1:2" "$x"

echo "== stored text and the masq-file column round trip"
assert_eq "masq list" \
	"1    1    out wan0 from fd00:1::/64 prefix 2001:db8:1::/64" \
	"$(gw_masqsh -c 'masq list' | sed -n 2p)"
gw_masqsh -c 'export shorewall' >"$NS_TMP/masq.txt"
cat "$NS_TMP/masq.txt"
assert_match "column form" "wan0	fd00:1::/64	prefix=2001:db8:1::/64" \
	"$(cat "$NS_TMP/masq.txt")"
DB=$NS_TMP/b.db gw_masqsh -c "import shorewall $NS_TMP/masq.txt" \
	>/dev/null || fail "import of the exported file"
assert_eq "import(export) = the rule" \
	"$(gw_masqsh -c 'masq list' | sed -n '2,$p' | cut -c11-)" \
	"$(DB=$NS_TMP/b.db gw_masqsh -c 'masq list' | sed -n '2,$p' | cut -c11-)"

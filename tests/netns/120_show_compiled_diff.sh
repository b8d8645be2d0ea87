#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 120: 'show compiled' prints exactly what 'nft list table ip masqsh'
# prints after apply; 'diff' reports a hand edit of our table and is back
# in sync after re-applying.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.3/24
gw_addr_add 198.51.100.4/24

run gw_masqsh \
	-c 'masq add out wan0 from 192.168.2.0/24 nonat' \
	-c 'masq add out wan0 to 192.0.2.0/25 from 192.168.1.0/24 snat 198.51.100.3' \
	-c 'masq add out wan0 from 192.168.1.0/24 except 192.168.1.10 proto tcp dport 443 snat 198.51.100.3-198.51.100.4' \
	-c 'masq add out wan0 from 192.168.1.0/24,192.168.2.0/24 proto tcp ports 20000-20100' \
	-c 'masq add out wan0 from 192.168.1.0/24 proto udp dport 53,5353' \
	-c 'masq add out wan0 from 192.168.0.0/16' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'forward add in wan0 proto udp dport 5353 to 192.168.2.10' \
	-c apply
assert_compiled_in_kernel

gw_masqsh -c diff >"$NS_TMP/diff0" 2>&1
echo "diff in sync:"; sed 's/^/  /' "$NS_TMP/diff0"
# The lists are anonymous sets, read back from the kernel with their
# elements: the running table equals the staged one.
assert_eq "diff right after apply (lists read back as sets)" "in sync" \
	"$(cat "$NS_TMP/diff0")"
assert_match "a source list is one set" \
	'ip saddr \{ 192\.168\.1\.0-192\.168\.2\.255 \} meta l4proto tcp' \
	"$(cat "$NS_TMP/kernel")"

chain=$(awk '/^\tchain /{c=$2} /hook postrouting/{print c; exit}' "$NS_TMP/kernel")
[ -n "$chain" ] || fail "no postrouting chain in our table"
run gw_nft add rule ip masqsh "$chain" oifname wan0 ip saddr 10.99.0.0/16 counter masquerade comment '"handedit"'
gw_masqsh -c diff >"$NS_TMP/diff1" 2>&1
echo "diff after a hand edit:"; sed 's/^/  /' "$NS_TMP/diff1"
assert_ne "diff output changes after a hand edit" "$(cat "$NS_TMP/diff0")" "$(cat "$NS_TMP/diff1")"
assert_match "diff shows the hand-edited rule" 'handedit|10\.99\.0\.0' "$(cat "$NS_TMP/diff1")"
# A hand edit with nft's own anonymous sets (nft adds a leading interval
# end and element user data, and merges 10.96/15 with the adjacent
# 10.98/16, as we do) is read back and printed as nft prints it.
run gw_nft add rule ip masqsh "$chain" oifname wan0 ip saddr '{ 10.98.0.0/16, 10.97.0.0/16, 10.96.0.0/15 }' tcp dport '{ 80, 22 }' counter masquerade comment '"handset"'
gw_masqsh -c diff >"$NS_TMP/diff1" 2>&1
echo "diff after a hand edit with sets:"; sed 's/^/  /' "$NS_TMP/diff1"
assert_match "diff shows the hand-edited sets as nft lists them" \
	'^\+.*ip saddr \{ 10\.96\.0\.0-10\.98\.255\.255 \} tcp dport \{ 22, 80 \} .*handset' \
	"$(cat "$NS_TMP/diff1")"
assert_match "... which is what nft lists" \
	'ip saddr \{ 10\.96\.0\.0-10\.98\.255\.255 \} tcp dport \{ 22, 80 \} ' \
	"$(gw_nft list table ip masqsh)"
# A named set (nft's, we make none) shows by its name, as nft prints it.
run gw_nft add set ip masqsh blocked '{ type ipv4_addr; }'
run gw_nft add element ip masqsh blocked '{ 10.95.0.1 }'
run gw_nft add rule ip masqsh "$chain" ip saddr != @blocked counter masquerade comment '"handnamed"'
gw_masqsh -c diff >"$NS_TMP/diff1" 2>&1
assert_match "diff shows a lookup in a named set by its name" \
	'^\+.*ip saddr != @blocked counter packets 0 bytes 0 masquerade comment "handnamed"' \
	"$(cat "$NS_TMP/diff1")"
assert_match "... which is what nft lists" 'ip saddr != @blocked counter' \
	"$(gw_nft list table ip masqsh)"

run gw_masqsh -c apply
gw_masqsh -c diff >"$NS_TMP/diff2" 2>&1
assert_same_text "diff in sync again after re-apply" "$NS_TMP/diff0" "$NS_TMP/diff2"
gw_nft list table ip masqsh >"$NS_TMP/kernel2"
assert_same_text "re-applied table = first apply" "$NS_TMP/kernel" "$NS_TMP/kernel2"

# Traffic flows through it, so the listing is a real, working ruleset.
expect_nat "lan1 -> 192.0.2.10" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.3

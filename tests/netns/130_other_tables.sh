#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 130: apply replaces only our table: another owner's tables, chains and
# rules (and their order) survive apply, re-apply and an empty ruleset.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

gw_nft -f - <<'NFT' || fail "could not create the other tables"
table inet other {
	chain keepfwd {
		type filter hook forward priority filter; policy accept;
		ip saddr 192.168.2.0/24 tcp dport 443 counter accept comment "keep me"
		counter
	}
}
table ip nat {
	chain POSTROUTING {
		type nat hook postrouting priority srcnat + 10; policy accept;
		oifname "wan9" counter masquerade
	}
}
NFT
others() { gw_nft list ruleset | awk '/^table /{keep = ($3 != "masqsh")} keep'; }
others >"$NS_TMP/others.before"
cat "$NS_TMP/others.before"

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
others >"$NS_TMP/others.after1"
assert_same_text "other tables unchanged by apply" "$NS_TMP/others.before" "$NS_TMP/others.after1"
expect_nat "lan1" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24' -c apply
others >"$NS_TMP/others.after2"
# The other filter chain counted lan1's packets: compare without counters.
strip() { sed 's/counter packets [0-9]* bytes [0-9]*/counter/' "$1"; }
assert_eq "other tables unchanged by a second apply" \
	"$(strip "$NS_TMP/others.before")" "$(strip "$NS_TMP/others.after2")"
expect_nat "lan2" "$C2" 192.168.2.10 tcp 192.0.2.10 443 198.51.100.2
n=$(gw_nft list table inet other | grep -c 'packets [1-9]')
assert_match "the other table still sees traffic" '^[1-9]' "$n"

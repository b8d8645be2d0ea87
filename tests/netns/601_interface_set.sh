#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 601: a rule's interface list is one set (issue 13, part 2), a wildcard
# in it the interval of its prefix: "out ppp+,wan1" NATs what leaves by
# wan1 and leaves what leaves by wan0 untranslated; "out wan0,wan1" NATs
# both uplinks, each flow to its uplink's address.  One nft rule each.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup two

run gw_masqsh -c 'masq add out ppp+,wan1 from 192.168.2.0/24' \
	-c 'masq add out wan1,wan0 from 192.168.1.0/24' -c apply
assert_compiled_in_kernel
assert_match "the interface lists are sets, the wildcard as nft prints it" \
	'oifname \{ "ppp\*", "wan1" \} ip saddr 192\.168\.2\.0/24 .*oifname \{ "wan0", "wan1" \} ip saddr 192\.168\.1\.0/24 ' \
	"$(tr -d '\n' <"$NS_TMP/kernel")"
assert_eq "nft rules in our table" 2 "$(grep -c 'comment "masqsh' "$NS_TMP/kernel")"

expect_nat "lan2 by wan1 (in the list)" "$C2" 192.168.2.10 tcp 192.0.2.200 80 203.0.113.2
expect_untranslated "lan2 by wan0 (not in ppp+,wan1)" "$C2" 192.168.2.10 tcp 192.0.2.10 80
expect_nat "lan1 by wan0" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
expect_nat "lan1 by wan1" "$C1" 192.168.1.10 udp 192.0.2.200 53 203.0.113.2
assert_eq "diff" "in sync" "$(gw_masqsh -c diff 2>&1)"

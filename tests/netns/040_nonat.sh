#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 040: NONAT: an exemption before a broader rule leaves lan2 untranslated
# (the ISP gets a route back to lan2 in this test only); in the reverse
# order the exemption is shadowed and lan2 is translated.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
ip -n "$ISP" route add 192.168.2.0/24 via 198.51.100.2

run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24 nonat' \
	-c 'masq add out wan0 from 192.168.0.0/16' -c apply
expect_nat "exempt first: lan2" "$C2" 192.168.2.10 tcp 192.0.2.10 80 192.168.2.10
expect_nat "exempt first: lan2 udp" "$C2" 192.168.2.10 udp 192.0.2.10 53 192.168.2.10
expect_nat "exempt first: lan1" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

DB=$NS_TMP/reverse.db run gw_masqsh -c 'masq add out wan0 from 192.168.0.0/16' \
	-c 'masq add out wan0 from 192.168.2.0/24 nonat' -c 'apply replace'
expect_nat "shadowed: lan2" "$C2" 192.168.2.10 tcp 192.0.2.10 80 198.51.100.2
expect_nat "shadowed: lan1" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 080: two uplinks, routed by destination (192.0.2.128/25 via wan1): each
# flow leaves with the address of the uplink it takes.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup two

run gw_masqsh -c 'masq add out wan0,wan1 from 192.168.1.0/24,192.168.2.0/24' -c apply
expect_nat "lan1 via wan0" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
expect_nat "lan1 via wan1" "$C1" 192.168.1.10 tcp 192.0.2.200 80 203.0.113.2
expect_nat "lan2 via wan0 udp" "$C2" 192.168.2.10 udp 192.0.2.10 53 198.51.100.2
expect_nat "lan2 via wan1 udp" "$C2" 192.168.2.10 udp 192.0.2.200 53 203.0.113.2

# The same with one rule per uplink, wan1's SNAT to its own address.
DB=$NS_TMP/two.db run gw_masqsh \
	-c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'masq add out wan1 from 192.168.1.0/24 snat 203.0.113.2' -c 'apply replace'
expect_nat "rule per uplink: wan0" "$C1" 192.168.1.10 tcp 192.0.2.10 443 198.51.100.2
expect_nat "rule per uplink: wan1" "$C1" 192.168.1.10 tcp 192.0.2.200 443 203.0.113.2

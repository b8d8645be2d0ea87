#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 060: a destination-qualified rule: traffic to 192.0.2.0/25 leaves as
# 198.51.100.3, to 192.0.2.200 (outside it) as the uplink address.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.3/24

run gw_masqsh -c 'masq add out wan0 to 192.0.2.0/25 from 192.168.1.0/24 snat 198.51.100.3' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
expect_nat "to 192.0.2.10" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.3
expect_nat "to 192.0.2.10 udp" "$C1" 192.168.1.10 udp 192.0.2.10 53 198.51.100.3
expect_nat "to 192.0.2.200" "$C1" 192.168.1.10 tcp 192.0.2.200 80 198.51.100.2

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 050: a proto/port-qualified rule before a general masquerade: tcp 443
# leaves as 198.51.100.4, port 80 (and udp 53) as the uplink address.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.4/24

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 proto tcp dport 443 snat 198.51.100.4' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
expect_nat "tcp/443" "$C1" 192.168.1.10 tcp 192.0.2.10 443 198.51.100.4
expect_nat "tcp/80" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
expect_nat "udp/53" "$C1" 192.168.1.10 udp 192.0.2.10 53 198.51.100.2

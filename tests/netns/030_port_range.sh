#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 030: a port range remap: with 'ports 20000-20100' (tcp) the server sees
# the uplink address and a source port in the range; udp is untouched.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 proto tcp ports 20000-20100' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
for i in 1 2 3 4 5; do
	expect_nat "tcp flow $i" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
	assert_in_range "tcp flow $i: source port the server saw" 20000 20100 "$SEEN_PORT"
	assert_in_range "tcp flow $i: conntrack reply dport" 20000 20100 \
		"$(ct_reply dport tcp 80 192.168.1.10)"
done
expect_nat "udp flow (second rule)" "$C1" 192.168.1.10 udp 192.0.2.10 53 198.51.100.2

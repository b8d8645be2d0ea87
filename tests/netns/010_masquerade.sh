#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 010: masquerade of a LAN.  lan1 leaves wan0 as the uplink's address;
# lan2 has no rule and gets no answer (the ISP has no route back).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply

expect_nat "lan1 tcp/80" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
expect_nat "lan1 tcp/443" "$C1" 192.168.1.10 tcp 192.0.2.200 443 198.51.100.2
expect_nat "lan1 udp/53" "$C1" 192.168.1.10 udp 192.0.2.10 53 198.51.100.2
expect_nat "lan1 .11 tcp/80" "$C1" 192.168.1.11 tcp 192.0.2.10 80 198.51.100.2
expect_untranslated "lan2 tcp/80 (no rule)" "$C2" 192.168.2.10 tcp 192.0.2.10 80

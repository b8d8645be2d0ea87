#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 090: a port forward from the fake internet to an inside server: a
# client behind the ISP connects to 198.51.100.2:8080 and reaches
# 192.168.1.10:80, which sees the client's real address.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
srv_start "$C1" tcp 80

run gw_masqsh -c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
ct_flush
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)
assert_eq "inside server saw" 192.0.2.10 "${got%% *}"
assert_eq "conntrack reply src (the inside server)" 192.168.1.10 \
	"$(ct_reply src tcp 8080 192.0.2.10 | sort -u)"
assert_eq "conntrack reply sport" 80 "$(ct_reply sport tcp 8080 192.0.2.10 | sort -u)"
assert_eq "conntrack reply dst (client, untranslated)" 192.0.2.10 \
	"$(ct_reply dst tcp 8080 192.0.2.10 | sort -u)"
# From the second server address too; and the LAN's own traffic still NATs.
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.200)
assert_eq "inside server saw (second client)" 192.0.2.200 "${got%% *}"
expect_nat "lan1 outbound still masqueraded" "$C1" 192.168.1.10 tcp 192.0.2.10 443 198.51.100.2
# Port 80 on the uplink is not forwarded.
got=$(req "$SRV" tcp 198.51.100.2 80 192.0.2.10)
assert_eq "unforwarded port 80 on the gateway: no answer" "" "$got"

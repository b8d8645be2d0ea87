#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 070: a source exclusion: 'from 192.168.1.0/24 except 192.168.1.10'
# translates .11 and leaves .10 untranslated.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 except 192.168.1.10' -c apply
expect_nat "192.168.1.11" "$C1" 192.168.1.11 tcp 192.0.2.10 80 198.51.100.2
expect_untranslated "192.168.1.10 (excluded)" "$C1" 192.168.1.10 tcp 192.0.2.10 80
expect_nat "192.168.1.11 udp" "$C1" 192.168.1.11 udp 192.0.2.10 53 198.51.100.2

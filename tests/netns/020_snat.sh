#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 020: SNAT to one address, then to an address range: every flow leaves
# from an address of the range, and the server sees that address.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.3/24
gw_addr_add 198.51.100.4/24
gw_addr_add 198.51.100.5/24

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 snat 198.51.100.3' -c apply
expect_nat "snat one: tcp/80" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.3
expect_nat "snat one: udp/53" "$C1" 192.168.1.10 udp 192.0.2.10 53 198.51.100.3
expect_nat "snat one: .11 tcp/443" "$C1" 192.168.1.11 tcp 192.0.2.200 443 198.51.100.3

DB=$NS_TMP/range.db run gw_masqsh \
	-c 'masq add out wan0 from 192.168.1.0/24,192.168.2.0/24 snat 198.51.100.3-198.51.100.5' \
	-c 'apply replace'
seen_all=()
for c in "$C1 192.168.1.10" "$C1 192.168.1.11" "$C2 192.168.2.10"; do
	ns=${c% *} src=${c#* }
	for d in 192.0.2.10 192.0.2.200; do
		for pp in "tcp 80" "tcp 443" "udp 53" "udp 5353"; do
			expect_nat_in "range: $src -> $d $pp" "$ns" "$src" \
				"${pp% *}" "$d" "${pp#* }" \
				198.51.100.3 198.51.100.5
			seen_all+=("$SEEN")
		done
	done
done
echo "addresses used (count address):" \
	"$(printf '%s\n' "${seen_all[@]}" | sort | uniq -c | tr -s ' \n' ' ')"

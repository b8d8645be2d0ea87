#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 670: forwards by public address (issue 13).  The gateway has three
# addresses on wan0 (198.51.100.2, .3, .4); port 80 of .3 goes to the
# server on lan1 (192.168.1.10:80), port 80 of .4 to the one on lan2
# (192.168.2.10:8080); port 80 of .2 is not forwarded.  Real TCP from the
# fake internet reaches the right server, the table the kernel runs is
# what `show compiled` prints, the live table names the forward of each
# connection, and `explain` says the same.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.3/24
gw_addr_add 198.51.100.4/24
# Each server listens on its one port only: a forward to the wrong host
# or port gets no answer.
srv_start "$C1" tcp 80
srv_start "$C2" tcp 8080

run gw_masqsh -c 'forward add in wan0 dst 198.51.100.3 proto tcp dport 80 to 192.168.1.10' \
	-c 'forward add in wan0 dst 198.51.100.4 proto tcp dport 80 to 192.168.2.10:8080' \
	-c 'masq add out wan0 from 192.168.0.0/16' -c apply
list=$(gw_masqsh -c 'forward list')
echo "$list"
assert_match "forward list shows dst" \
	'1 +1 +in wan0 dst 198\.51\.100\.3 proto tcp dport 80 to 192\.168\.1\.10$' "$list"
js=$(gw_masqsh -j -c 'forward list')
assert_match "forward list -j keeps dst in the rule text" \
	'"rule":"in wan0 dst 198\.51\.100\.4 proto tcp dport 80 to 192\.168\.2\.10:8080"' "$js"
assert_match "forward list -j: dst, to, toport and hairpin as keys" \
	'"id":2,.*"in":"wan0","dst":"198\.51\.100\.4","to":"192\.168\.2\.10","toport":"8080","hairpin":false' "$js"
assert_compiled_in_kernel
assert_match "the kernel matches the public address" \
	'iifname "wan0" ip daddr 198\.51\.100\.3 tcp dport 80 .*dnat to 192\.168\.1\.10' \
	"$(cat "$NS_TMP/kernel")"

ct_flush
got=$(req "$SRV" tcp 198.51.100.3 80 192.0.2.10)
assert_eq "198.51.100.3:80 reaches lan1's server, which saw" 192.0.2.10 "${got%% *}"
assert_eq "conntrack reply src (lan1's server)" 192.168.1.10 \
	"$(ct_reply src tcp 80 192.0.2.10 | sort -u)"
ct_flush
got=$(req "$SRV" tcp 198.51.100.4 80 192.0.2.200)
assert_eq "198.51.100.4:80 reaches lan2's server, which saw" 192.0.2.200 "${got%% *}"
assert_eq "conntrack reply src:sport (lan2's server)" "192.168.2.10 8080" \
	"$(ct_reply src tcp 80 192.0.2.200 | sort -u) $(ct_reply sport tcp 80 192.0.2.200 | sort -u)"
ct_flush
got=$(req "$SRV" tcp 198.51.100.2 80 192.0.2.10)
assert_eq "198.51.100.2:80 (no forward for it): no answer" "" "$got"
assert_eq "198.51.100.2:80: not translated in conntrack" "" \
	"$(ct_reply src tcp 80 192.0.2.10 | grep -v '^198\.51\.100\.2$' || true)"

# The live table: each connection names its forward.
ct_flush
req "$SRV" tcp 198.51.100.3 80 192.0.2.10 >/dev/null
req "$SRV" tcp 198.51.100.4 80 192.0.2.200 >/dev/null
txt=$(gw_masqsh -c 'show conntrack')
echo "$txt"
assert_eq "rule, forward-to columns of the .3 connection" "fwd1 192.168.1.10:80" \
	"$(echo "$txt" | awk '/198\.51\.100\.3:80 / { print $(NF - 1), $NF; exit }')"
assert_eq "rule, forward-to columns of the .4 connection" "fwd2 192.168.2.10:8080" \
	"$(echo "$txt" | awk '/198\.51\.100\.4:80 / { print $(NF - 1), $NF; exit }')"

# explain evaluates dst in userspace the same way.
ex=$(gw_masqsh -c 'explain tcp 192.0.2.10:40000 -> 198.51.100.4:80')
echo "$ex"
assert_match "explain: forward 2 sends .4 to lan2" \
	'dnat: forward 2 sends it to 192\.168\.2\.10 port 8080' "$ex"
assert_match "explain: forward 1 misses on the address" \
	'addressed to 198\.51\.100\.4, not its dst 198\.51\.100\.3' "$ex"
ex=$(gw_masqsh -j -c 'explain tcp 192.0.2.10:40000 -> 198.51.100.2:80')
assert_eq "explain -j: .2 is forwarded by none" "" \
	"$(echo "$ex" | grep -o '"dnat"' || true)"

# check: a dst the interface does not have is a finding; the others not.
run gw_masqsh -c 'forward add in wan0 dst 198.51.100.9 proto tcp dport 81 to 192.168.1.10'
chk=$(gw_masqsh -c check 2>&1)
echo "$chk"
assert_match "check: dst not on wan0" \
	'forward [0-9]+: dst 198\.51\.100\.9 is not configured on wan0' "$chk"
assert_eq "check: the configured dst addresses are fine" "" \
	"$(echo "$chk" | grep -E 'forward [12]:' || true)"
echo "PASS"

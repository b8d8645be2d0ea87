#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 600: rules with lists (issue 13, part 2) compile to anonymous sets, and
# real flows through the gateway translate exactly as the rules say: a
# source list with a destination list, an exclusion list, a protocol list
# with a port list (ports and a range), and a port forward's source and
# port lists.  The kernel's table holds ONE nft rule per masqsh rule
# (counted with nft -j), and 'show compiled' is still 'nft list table'.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.3/24
gw_addr_add 198.51.100.4/24
srv_start "$C1"

run gw_masqsh \
	-c 'masq add out wan0 from 192.168.1.11,192.168.2.0/24 to 192.0.2.200,203.0.113.0/24,192.0.2.201 snat 198.51.100.4' \
	-c 'masq add out wan0 from 192.168.1.0/24!192.168.1.11,192.168.1.12 proto tcp,udp dport 53,80,443-444 snat 198.51.100.3' \
	-c 'masq add out wan0 from 192.168.0.0/16' \
	-c 'forward add in wan0 dport 8080,5353 to 192.168.1.10 from 192.0.2.10,198.51.100.0/24' \
	-c apply
assert_compiled_in_kernel

# One nft rule per masqsh rule: 3 masq rules, 1 forward (both protocols,
# both ports, both sources in one rule).
counts=$(gw_nft -j list table ip masqsh | "$NS_PY" -c '
import json, sys
items = json.load(sys.stdin)["nftables"]
rules = [i["rule"] for i in items if "rule" in i]
print(len(rules), len({r.get("comment") for r in rules}))
')
assert_eq "nft rules in table ip masqsh, distinct comments" "4 4" "$counts"
assert_match "the forward is one rule with three sets" \
	'iifname "wan0" ip saddr \{ 192\.0\.2\.10, 198\.51\.100\.0/24 \} meta l4proto \{ tcp, udp \} th dport \{ 5353, 8080 \} ' \
	"$(cat "$NS_TMP/kernel")"

# from list x to list: both lists must match.
expect_nat "from-list .11 to to-list .200" "$C1" 192.168.1.11 tcp 192.0.2.200 443 198.51.100.4
expect_nat "from-list lan2 to to-list .200 (udp)" "$C2" 192.168.2.10 udp 192.0.2.200 5353 198.51.100.4
expect_nat "from-list lan2, destination not in the to-list" "$C2" 192.168.2.10 tcp 192.0.2.10 80 198.51.100.2
# exclusion list, protocol list, port list with a range
expect_nat "lan1 .10, tcp 80 (in the port list)" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.3
expect_nat "lan1 .10, udp 53 (protocol list)" "$C1" 192.168.1.10 udp 192.0.2.10 53 198.51.100.3
expect_nat "lan1 .10, tcp 443 (in the range 443-444)" "$C1" 192.168.1.10 tcp 192.0.2.10 443 198.51.100.3
expect_nat "lan1 .10, tcp 8080 (not in the port list)" "$C1" 192.168.1.10 tcp 192.0.2.10 8080 198.51.100.2
expect_nat "lan1 .11 is in the exclusion list" "$C1" 192.168.1.11 tcp 192.0.2.10 80 198.51.100.2

# The forward: a source in its from-list reaches the inside server on
# both listed ports and both protocols; one outside the list does not.
ct_flush
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)
assert_eq "forward tcp 8080 from a listed source: server saw" 192.0.2.10 "${got%% *}"
got=$(req "$SRV" udp 198.51.100.2 5353 192.0.2.10)
assert_eq "forward udp 5353 from a listed source: server saw" 192.0.2.10 "${got%% *}"
assert_eq "conntrack reply src of the forwarded flow" 192.168.1.10 \
	"$(ct_reply src tcp 8080 192.0.2.10 | sort -u)"
got=$(REQ_TIMEOUT=1 req "$SRV" tcp 198.51.100.2 8080 192.0.2.200)
assert_eq "forward from a source not in the list: no answer" "" "$got"

# The counters are per masqsh rule now: the forward counted both flows.
pk=$(gw_nft -j list table ip masqsh | "$NS_PY" -c '
import json, sys
for i in json.load(sys.stdin)["nftables"]:
    r = i.get("rule")
    if r and r.get("comment", "").startswith("masqsh forward"):
        print(sum(e["counter"]["packets"] for e in r["expr"] if "counter" in e))
')
assert_eq "packets counted by the forward's one rule" 2 "$pk"

# Nothing changes on a second apply, and diff reads the sets back.
assert_eq "apply again" "nothing to apply (revision 1 is running)" \
	"$(gw_masqsh -c apply 2>&1)"
assert_eq "diff" "in sync" "$(gw_masqsh -c diff 2>&1)"

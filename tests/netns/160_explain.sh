#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 160: 'explain' against the kernel.  For each flow, explain (run in the
# gateway, interfaces left to the routing table) names the rule and the
# translated source; the same flow sent through the gateway must come out
# with exactly that source (the server's view and the conntrack reply
# tuple), or untranslated where explain says no source NAT.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.3/24
gw_addr_add 198.51.100.4/24

run gw_masqsh \
	-c 'masq add out wan0 from 192.168.2.0/24 nonat' \
	-c 'masq add out wan0 from 192.168.1.0/24 proto tcp dport 443 snat 198.51.100.3' \
	-c 'masq add out wan0 from 192.168.1.0/24 except 192.168.1.11' \
	-c 'masq add out wan0 from 192.168.0.0/16 snat 198.51.100.4' \
	-c 'masq add out wan0 from 192.168.1.0/24 mark 7 snat 198.51.100.3' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c apply

# check WHAT NS SRC PROTO DST PORT RULE: explain names masq rule RULE (or
# "nonatN": NONAT rule N) and its translated source; the kernel agrees.
check() {
	local what=$1 ns=$2 src=$3 proto=$4 dst=$5 port=$6 rule=$7 out got
	out=$(gw_masqsh -c "explain $proto $src -> $dst:$port") ||
		fail "$what: explain failed: $out"
	printf '%s\n' "$out" | sed 's/^/  | /'
	assert_match "$what: in from the route" '^  in lan[12] \(route back' \
		"$(printf '%s\n' "$out" | sed -n 2p)"
	assert_match "$what: out by the route" '^  out wan0 \(route\)' \
		"$(printf '%s\n' "$out" | sed -n 3p)"
	got=$(printf '%s\n' "$out" | sed -n 's/^becomes: \([^ ]*\) -> .*/\1/p')
	if [ "${rule#nonat}" != "$rule" ]; then
		assert_match "$what: explain says no source NAT by rule ${rule#nonat}" \
			"^snat: none \\(masq rule ${rule#nonat} is nonat\\)" \
			"$(printf '%s\n' "$out" | grep '^snat:')"
		assert_eq "$what: explain keeps the source" "$src" "$got"
		expect_untranslated "$what" "$ns" "$src" "$proto" "$dst" "$port"
	else
		assert_match "$what: explain names masq rule $rule" \
			"by masq rule $rule:" "$(printf '%s\n' "$out" | grep '^snat:')"
		expect_nat "$what" "$ns" "$src" "$proto" "$dst" "$port" "$got"
	fi
}

check "masquerade"      "$C1" 192.168.1.10 tcp 192.0.2.10 80  3
check "snat for 443"    "$C1" 192.168.1.10 tcp 192.0.2.10 443 2
check "excluded: next"  "$C1" 192.168.1.11 tcp 192.0.2.10 80  4
check "udp masquerade"  "$C1" 192.168.1.10 udp 192.0.2.10 53  3
check "nonat"           "$C2" 192.168.2.10 tcp 192.0.2.10 80  nonat1
check "nonat udp"       "$C2" 192.168.2.10 udp 192.0.2.10 53  nonat1

# The mark rule comes after a deciding rule: shadowed, with its condition.
out=$(gw_masqsh -c 'explain tcp 192.168.1.10 -> 192.0.2.10:80')
assert_match "mark rule shadowed" 'masq +5 +shadowed' "$out"
assert_match "with its condition" 'the packet mark is 0x7/0xffffffff' "$out"

# A forward: in wan0 from the route back to an outside source.
out=$(gw_masqsh -c 'explain tcp 192.0.2.10:5555 -> 198.51.100.2:8080')
printf '%s\n' "$out" | sed 's/^/  | /'
assert_match "dnat by forward 6" 'dnat: forward 6 sends it to 192.168.1.10 port 80' "$out"
assert_match "then out lan1" 'out lan1 \(route to the new destination\)' "$out"
assert_match "becomes" 'becomes: 192.0.2.10:5555 -> 192.168.1.10:80' "$out"

# Delivered locally: no source NAT.
out=$(gw_masqsh -c 'explain tcp 192.168.1.10 -> 192.168.1.1:22')
assert_match "local destination" 'snat: none \(delivered to this host\)' "$out"
echo "160: all good"

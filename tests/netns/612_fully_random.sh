#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 612: fully-random (nft's fully-random, iptables' --random-fully) reaches
# the kernel and changes the port choice.  lan1 masquerades fully-random,
# 192.168.1.11 is SNATed to a port range fully-random (udp), lan2
# masquerades plainly.  The kernel's table holds the flag on the masq and
# the snat expressions (nft list, and the expression flags under nft
# --debug=netlink); 'show compiled' prints it as nft does, and 'diff'
# reads it back.  Flows still
# translate; the plain masquerade keeps each flow's source port (nothing
# clashes), fully-random does not -- the difference the flag makes.  The
# same holds for a rule that came in through import iptables --random-fully.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.11 snat 198.51.100.2 ports 20000-20099 fully-random proto udp' \
	-c 'masq add out wan0 from 192.168.1.0/24 fully-random' \
	-c 'masq add out wan0 from 192.168.2.0/24' -c apply
assert_compiled_in_kernel
assert_match "kernel: masquerade fully-random on lan1's rule" \
	'ip saddr 192\.168\.1\.0/24 .*masquerade fully-random comment "masqsh masq 2"' \
	"$(cat "$NS_TMP/kernel")"
assert_match "kernel: snat to the range, fully-random" \
	'snat to 198\.51\.100\.2:20000-20099 fully-random comment "masqsh masq 1"' \
	"$(cat "$NS_TMP/kernel")"
assert_match "kernel: plain masquerade on lan2's rule" \
	'ip saddr 192\.168\.2\.0/24 counter packets [0-9]+ bytes [0-9]+ masquerade comment' \
	"$(cat "$NS_TMP/kernel")"
# read back from the kernel, the flag is the staged one; a hand edit with
# it shows in diff as nft writes it
assert_eq "diff right after apply" "in sync" "$(gw_masqsh -c diff 2>&1)"
chain=$(awk '/^\tchain /{c=$2} /hook postrouting/{print c; exit}' "$NS_TMP/kernel")
run gw_nft add rule ip masqsh "$chain" oifname wan0 ip saddr 10.99.0.0/16 counter masquerade fully-random,persistent comment '"handedit"'
assert_match "diff shows the hand edit's flags" \
	'^\+.*ip saddr 10\.99\.0\.0/16 counter packets [0-9]+ bytes [0-9]+ masquerade fully-random,persistent comment "handedit"' \
	"$(gw_masqsh -c diff 2>&1)"
run gw_masqsh -c apply
assert_eq "diff after re-apply" "in sync" "$(gw_masqsh -c diff 2>&1)"

# the expressions themselves: NF_NAT_RANGE_PROTO_RANDOM_FULLY is 0x10
# (nft itself writes 0x12 for the snat, proto range + fully random; we
# also set NF_NAT_RANGE_MAP_IPS, 0x1, which the kernel sets anyway)
nl=$(gw_nft --debug=netlink list table ip masqsh 2>&1)
echo "$nl" | grep -E '\[ (masq|nat) ' || true
assert_match "netlink: masq expression with flags 0x10" \
	'\[ masq flags 0x10 \]' "$nl"
assert_match "netlink: snat expression with the 0x10 bit" \
	'\[ nat snat ip addr_min reg [0-9]+ .*proto_max reg [0-9]+ flags 0x1[0-9a-f] \]' "$nl"
assert_eq "netlink: lan2's masq without flags" 1 "$(grep -c '\[ masq \]' <<<"$nl")"

# ports NS SRC PROTO PORT N: N flows; prints "ORIG_SPORT REPLY_DPORT" each
ports() {
	local ns=$1 src=$2 proto=$3 port=$4 n=$5 i
	for ((i = 0; i < n; i++)); do
		ct_flush
		req "$ns" "$proto" 192.0.2.10 "$port" "$src" >/dev/null
		ip netns exec "$GW" conntrack -L -p "$proto" --dport "$port" \
			-s "$src" 2>/dev/null | awk '{
			n = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^sport=/ && !o) o = substr($i, 7)
				if ($i ~ /^src=/) n++
				if (n == 2 && $i ~ /^dport=/) r = substr($i, 7)
			}
			print o, r }'
	done
}
# kept PAIRS: how many flows kept their source port
kept() { awk '$1 == $2 && $1 != "" { k++ } END { print k + 0 }' <<<"$1"; }

expect_nat "lan1 fully-random: translated" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
expect_nat "lan2 plain: translated" "$C2" 192.168.2.10 tcp 192.0.2.10 80 198.51.100.2
p1=$(ports "$C1" 192.168.1.10 tcp 80 8)
p2=$(ports "$C2" 192.168.2.10 tcp 80 8)
printf 'lan1 (fully-random) orig/translated ports:\n%s\nlan2 (plain):\n%s\n' "$p1" "$p2"
assert_eq "lan2 plain masquerade: flows seen" 8 "$(grep -c '^[0-9]* [0-9]*$' <<<"$p2")"
assert_eq "lan2 plain masquerade: source ports kept" 8 "$(kept "$p2")"
assert_eq "lan1 fully-random: flows seen" 8 "$(grep -c '^[0-9]* [0-9]*$' <<<"$p1")"
# a chance port equal to the original one is 1 in ~64000 per flow: at
# most one is let through
k=$(kept "$p1")
[ "$k" -le 1 ] || fail "lan1 fully-random: $k of 8 flows kept their source port"
echo "ok: lan1 fully-random: $k of 8 flows kept their source port"

expect_nat "192.168.1.11 udp: SNAT fully-random" "$C1" 192.168.1.11 udp 192.0.2.10 53 198.51.100.2
assert_in_range "192.168.1.11 udp: port in the range" 20000 20099 "$SEEN_PORT"

# import iptables --random-fully: the same flag in the kernel
cat >"$NS_TMP/nat.rules" <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 192.168.2.0/24 -o wan0 -j MASQUERADE --random-fully
COMMIT
RULES
run gw_masqsh -c "import iptables $NS_TMP/nat.rules replace" -c 'masq list' -c apply
assert_compiled_in_kernel
assert_match "imported --random-fully: masquerade fully-random" \
	'ip saddr 192\.168\.2\.0/24 .*masquerade fully-random' "$(cat "$NS_TMP/kernel")"
p2=$(ports "$C2" 192.168.2.10 tcp 80 8)
k=$(kept "$p2")
assert_eq "lan2 after import: flows seen" 8 "$(grep -c '^[0-9]* [0-9]*$' <<<"$p2")"
[ "$k" -le 1 ] || fail "lan2 after import: $k of 8 flows kept their source port"
echo "ok: lan2 after import: $k of 8 flows kept their source port"
echo PASS

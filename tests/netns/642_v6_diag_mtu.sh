#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 642: `diag mtu` on an IPv6 path whose MTU is lower than the uplink's:
# ISP's link to SRV has MTU 1400 (topo_v6).
#   (a) ISP sends ICMPv6 Packet Too Big: verdict normal, path MTU 1400,
#       the MTU the PTB named and who sent it, MSS 1340 (1400 - 60);
#   (b) ISP drops its own Packet Too Big: verdict blackhole at 1400;
#   (c) a v4 host still gets the IPv4 answer on the same path (1400/1360).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup_v6

diag_mtu() {
	RC=0
	J=$(gw_masqsh -j -c "diag mtu $1" 2>"$NS_TMP/err") || RC=$?
	echo "diag mtu $1: exit $RC"
	printf '%s\n' "$J"
}

jget() { printf '%s' "$J" | "$NS_PY" -c \
	'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v)' "$1"; }

flush_pmtu() { ip -n "$GW" -6 route flush cache >/dev/null 2>&1 || true
	ip -n "$GW" route flush cache >/dev/null 2>&1 || true; }

ip -n "$ISP" link set net0 mtu 1400
ip -n "$SRV" link set eth0 mtu 1400
# The v6 path answers before diag asks: on a loaded machine neighbour
# discovery on the fresh links can take longer than diag's two rounds
# (one CI-like run saw every probe lost, 84 bytes too).  Small pings do
# not touch the path MTU.
for _ in $(seq 50); do
	ip netns exec "$GW" ping -6 -n -c 1 -W 1 -s 16 2001:db8:200::10 \
		>/dev/null 2>&1 && break
	sleep 0.1
done

echo "== (a) Packet Too Big delivered"
diag_mtu 2001:db8:200::10
assert_eq "(a) exit status" 0 "$RC"
assert_eq "(a) verdict" normal "$(jget verdict)"
assert_eq "(a) host" 2001:db8:200::10 "$(jget host)"
assert_eq "(a) path MTU" 1400 "$(jget path_mtu)"
assert_eq "(a) MSS (IPv6: MTU - 60)" 1340 "$(jget mss)"
assert_eq "(a) MTU named by Packet Too Big" 1400 "$(jget frag_mtu)"
assert_eq "(a) Packet Too Big sent by the ISP (its uplink address)" 2001:db8:100::1 \
	"$(jget frag_from)"
assert_match "(a) message names Packet Too Big" \
	"'Packet Too Big' from 2001:db8:100::1 names 1400" "$(jget message)"
assert_match "(a) the route is the v6 one" \
	'route: via 2001:db8:100::1 dev wan0 \(link MTU 1500\)' "$J"

echo "== (b) the ISP drops its own Packet Too Big: black hole"
ip netns exec "$ISP" nft -f - <<'NFT'
table ip6 bh {
	chain out {
		type filter hook output priority 0; policy accept;
		icmpv6 type packet-too-big counter drop
	}
}
NFT
flush_pmtu
diag_mtu 2001:db8:200::10
assert_eq "(b) exit status" 1 "$RC"
assert_eq "(b) verdict" blackhole "$(jget verdict)"
assert_eq "(b) path MTU" 1400 "$(jget path_mtu)"
assert_eq "(b) no Packet Too Big seen" 0 "$(jget frag_mtu)"
# the large ICMPv6 echoes vanished, and the ones that fit were answered
e=$(printf '%s' "$J" | "$NS_PY" -c 'import json, sys
p = json.load(sys.stdin)["probes"]
print(" ".join(sorted({"%d:%s" % (x["size"], x["answer"]) for x in p
    if x["proto"] == "icmp" and x["size"] in (1500, 1400)})))')
assert_eq "(b) ICMPv6 echo: 1400 answered, 1500 lost" "1400:pass 1500:lost" "$e"
assert_match "(b) message" "vanish without 'Packet Too Big'" \
	"$(jget message)"
assert_match "(b) no IPv4 clamp offered for a v6 path" \
	"'clamp mss' acts on IPv4 only" "$J"
ip netns exec "$ISP" nft delete table ip6 bh

echo "== (c) the IPv4 path through the same links"
flush_pmtu
diag_mtu 192.0.2.10
assert_eq "(c) verdict" normal "$(jget verdict)"
assert_eq "(c) path MTU" 1400 "$(jget path_mtu)"
assert_eq "(c) MSS (IPv4: MTU - 40)" 1360 "$(jget mss)"

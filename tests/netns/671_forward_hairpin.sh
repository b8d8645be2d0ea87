#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 671: hairpin NAT (issue 13; the FAQ's "works from outside, not from
# inside").  A third LAN, lan3 (a bridge in the gateway, 192.168.3.1/24),
# holds an inside server SV3 (192.168.3.10, tcp 80) and a client CL3
# (192.168.3.20) on one segment.  Port 80 of the public address is
# forwarded to SV3:
#   - without hairpin, the internet reaches it and CL3 does not;
#   - with hairpin, CL3 reaches it through the public address and SV3 sees
#     the gateway's LAN address (the masquerade leg, so that its reply
#     goes back through the gateway); a client on lan2 reaches it too and
#     keeps its own address (its replies are routed through the gateway
#     anyway); the internet still sees its own address;
#   - with dst, the hairpin is for that address;
#   - the engine follows a change of wan0's address, and hairpin works on
#     the new one.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
DB=$NS_TMP/masq.db
SV3=${NS_PREFIX}-sv3; CL3=${NS_PREFIX}-cl3
ns_add "$SV3"; ns_add "$CL3"
ip -n "$GW" link add lan3 type bridge || die "bridge lan3"
ip -n "$GW" addr add 192.168.3.1/24 dev lan3
ip -n "$GW" link set lan3 up
# lan3_port NS ADDR N: NS on the lan3 bridge with ADDR.
lan3_port() {
	ip link add eth0 netns "$1" type veth peer name "p$3" netns "$GW" ||
		die "veth $1"
	ip -n "$GW" link set "p$3" master lan3 up
	ip -n "$1" addr add "$2/24" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" route add default via 192.168.3.1
}
lan3_port "$SV3" 192.168.3.10 1
lan3_port "$CL3" 192.168.3.20 2
srv_start "$SV3" tcp 80
# the client's first SYN may wait for neighbour discovery on the bridge
REQ_TIMEOUT=4

run gw_masqsh -c 'forward add in wan0 proto tcp dport 80 to 192.168.3.10' \
	-c 'masq add out wan0 from 192.168.0.0/16' -c apply
got=$(req "$SRV" tcp 198.51.100.2 80)
assert_eq "no hairpin: the internet reaches SV3, which saw" 192.0.2.10 "${got%% *}"
got=$(req "$CL3" tcp 198.51.100.2 80)
assert_eq "no hairpin: CL3 through the public address: no answer" "" "$got"
got=$(req "$GW" tcp 198.51.100.2 80)
assert_eq "no hairpin: the gateway itself to the public address: no answer" "" "$got"

run gw_masqsh -c 'forward del 1' \
	-c 'forward add in wan0 proto tcp dport 80 to 192.168.3.10 hairpin' -c apply
fid=$(gw_masqsh -c 'forward list' | awk '$1 ~ /^[0-9]+$/ { print $1; exit }')
assert_compiled_in_kernel
k=$(cat "$NS_TMP/kernel")
assert_match "hairpin leg: other interfaces, for the public address" \
	'iifname != "wan0" ip daddr 198\.51\.100\.2 tcp dport 80 .*dnat to 192\.168\.3\.10' "$k"
assert_match "masquerade leg: the server's network, first in postrouting" \
	'srcnat; policy accept;.	*ip saddr 192\.168\.3\.0/24 ip daddr 192\.168\.3\.10 tcp dport 80 .*masquerade comment "masqsh forward' \
	"$(tr '\n' '.' <<<"$k")"

ct_flush
got=$(req "$CL3" tcp 198.51.100.2 80)
assert_eq "hairpin: CL3 reaches SV3 by the public address; SV3 saw" \
	192.168.3.1 "${got%% *}"
assert_eq "conntrack: reply src (SV3), reply dst (the gateway's LAN address)" \
	"192.168.3.10 192.168.3.1" \
	"$(ct_reply src tcp 80 192.168.3.20 | sort -u) $(ct_reply dst tcp 80 192.168.3.20 | sort -u)"
txt=$(gw_masqsh -c 'show conntrack')
echo "$txt"
assert_eq "the live table names the forward of the hairpin connection" \
	"fwd$fid 192.168.3.10:80" \
	"$(echo "$txt" | awk '/^tcp +192\.168\.3\.20:/ { print $(NF - 1), $NF; exit }')"
got=$(req "$C2" tcp 198.51.100.2 80)
assert_eq "hairpin from lan2 (routed through the gateway): SV3 saw" \
	192.168.2.10 "${got%% *}"
got=$(req "$SRV" tcp 198.51.100.2 80)
assert_eq "hairpin: the internet still reaches SV3 with its address" \
	192.0.2.10 "${got%% *}"
got=$(req "$CL3" tcp 192.168.3.1 80)
assert_eq "the gateway's own LAN address is not forwarded" "" "$got"
got=$(req "$GW" tcp 198.51.100.2 80)
assert_eq "the gateway's own connection to its public address (output chain); SV3 saw" \
	198.51.100.2 "${got%% *}"
assert_match "output chain: the hairpin's DNAT" \
	'chain output \{.	*type nat hook output priority -100; policy accept;.	*ip daddr 198\.51\.100\.2 tcp dport 80 .*dnat to 192\.168\.3\.10' \
	"$(tr '\n' '.' <<<"$k")"
ex=$(gw_masqsh -c 'explain tcp 198.51.100.2:5000 -> 198.51.100.2:80')
echo "$ex"
assert_match "explain: the gateway's own connection meets the hairpin" \
	"hairpin: sent by this host to the public address" "$ex"
ex=$(gw_masqsh -c 'explain tcp 192.168.3.20:5000 -> 198.51.100.2:80')
echo "$ex"
assert_match "explain: the hairpin leg" "hairpin: from lan3 for the public address" "$ex"
assert_match "explain: the masquerade leg" \
	"snat: masquerade by forward $fid \\(hairpin\\): source becomes 192\\.168\\.3\\.1" "$ex"
assert_match "explain -j: the forward masquerades" "\"forward\":$fid" \
	"$(gw_masqsh -j -c 'explain tcp 192.168.3.20:5000 -> 198.51.100.2:80')"

# With dst: the hairpin is for that address, not for the others.
gw_addr_add 198.51.100.3/24
run gw_masqsh -c "forward del $fid" \
	-c 'forward add in wan0 dst 198.51.100.3 proto tcp dport 80 to 192.168.3.10 hairpin' \
	-c apply
assert_compiled_in_kernel
got=$(req "$CL3" tcp 198.51.100.3 80)
assert_eq "hairpin with dst: CL3 by 198.51.100.3; SV3 saw" 192.168.3.1 "${got%% *}"
got=$(req "$CL3" tcp 198.51.100.2 80)
assert_eq "hairpin with dst: not by 198.51.100.2" "" "$got"

# The engine keeps a hairpin without dst on wan0's address.
fid=$(gw_masqsh -c 'forward list' | awk '$1 ~ /^[0-9]+$/ { print $1; exit }')
run gw_masqsh -c "forward del $fid" \
	-c 'forward add in wan0 proto tcp dport 80 to 192.168.3.10 hairpin' -c apply
ip netns exec "$GW" "$MASQSH" --db "$DB" engine nosyslog \
	</dev/null >"$NS_TMP/engine.out" 2>"$NS_TMP/engine.log" &
ENG=$!
NS_PIDS+=("$ENG")
now_ms() { date +%s%3N; }
wait_log() {
	local t0
	t0=$(now_ms)
	until grep -q "$1" "$NS_TMP/engine.log"; do
		[ $(($(now_ms) - t0)) -lt 10000 ] ||
			fail "engine: '$1' not logged: $(cat "$NS_TMP/engine.log")"
		sleep 0.1
	done
}
wait_log 'first check:'
ip -n "$GW" addr del 198.51.100.3/24 dev wan0
ip -n "$GW" addr del 198.51.100.2/24 dev wan0
ip -n "$GW" addr add 198.51.100.5/24 dev wan0
ip -n "$GW" route add default via 198.51.100.1
t0=$(now_ms)
until gw_nft list table ip masqsh | grep -q 'ip daddr 198\.51\.100\.5 tcp dport 80'; do
	[ $(($(now_ms) - t0)) -lt 10000 ] ||
		fail "hairpin not moved to the new address: $(cat "$NS_TMP/engine.log")"
	sleep 0.1
done
echo "ok: engine re-applied the hairpin within $(($(now_ms) - t0)) ms"
assert_eq "old address gone from the hairpin" "" \
	"$(gw_nft list table ip masqsh | grep '198\.51\.100\.2' || true)"
ct_flush
got=$(req "$CL3" tcp 198.51.100.5 80)
assert_eq "after the address change CL3 reaches SV3 by the new address; SV3 saw" \
	192.168.3.1 "${got%% *}"
kill -TERM "$ENG"
wait "$ENG" || fail "engine exit status $?: $(cat "$NS_TMP/engine.log")"

# check: a hairpin to a server on no network of the gateway has no
# masquerade leg, and says so.
run gw_masqsh -c 'forward add in wan0 proto tcp dport 99 to 10.9.9.9 hairpin'
chk=$(gw_masqsh -c check 2>&1)
echo "$chk"
assert_match "check: hairpin without a masquerade leg" \
	'hairpin: 10\.9\.9\.9 is on no network of this host' "$chk"
assert_eq "check: the hairpin to lan3 is fine" "" \
	"$(echo "$chk" | grep "forward $fid:" || true)"
echo "PASS"

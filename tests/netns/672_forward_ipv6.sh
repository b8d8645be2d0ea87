#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 672: an IPv6 port forward (issue 13): `to [ADDR]:PORT` and `dst` of
# IPv6.  The test adds IPv6 to the shared topology itself:
#   GW wan0 2001:db8:100::2 and ::3/64, ISP up0 2001:db8:100::1/64,
#   ISP net0 2001:db8:2::1/64, SRV 2001:db8:2::10/64 (the fake internet),
#   GW lan1 fd00:1::1/64, C1 fd00:1::10/64 (server on tcp 8080),
#   GW lan2 fd00:2::1/64, C2 fd00:2::10/64 (a client on another LAN).
# The ISP has no route to fd00::/8.  Port 80 of 2001:db8:100::3 goes to
# [fd00:1::10]:8080 with hairpin; port 80 of ::2 is not forwarded.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
v6() { ip -n "$1" -6 addr add "$2" dev "$3" nodad; }
v6 "$GW" 2001:db8:100::2/64 wan0
v6 "$GW" 2001:db8:100::3/64 wan0
v6 "$ISP" 2001:db8:100::1/64 up0
v6 "$ISP" 2001:db8:2::1/64 net0
v6 "$SRV" 2001:db8:2::10/64 eth0
v6 "$GW" fd00:1::1/64 lan1
v6 "$C1" fd00:1::10/64 eth0
v6 "$GW" fd00:2::1/64 lan2
v6 "$C2" fd00:2::10/64 eth0
ip -n "$GW" -6 route add default via 2001:db8:100::1
ip -n "$SRV" -6 route add default via 2001:db8:2::1
ip -n "$C1" -6 route add default via fd00:1::1
ip -n "$C2" -6 route add default via fd00:2::1
ns_sysctl "$GW" net.ipv6.conf.all.forwarding=1
ns_sysctl "$ISP" net.ipv6.conf.all.forwarding=1

# An IPv6 echo server (tcp, "ADDR PORT" of the peer) and client.
PY6_SERVER='
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(16)
print("ready", flush=True)
while True:
    c, peer = s.accept()
    try:
        c.sendall(("%s %d\n" % peer[:2]).encode())
    except OSError:
        pass
    c.close()
'
PY6_CLIENT='
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.settimeout(3)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print(s.recv(256).decode().strip())
except OSError:
    pass
'
req6() { ip netns exec "$1" "$NS_PY" -c "$PY6_CLIENT" "$2" "$3" </dev/null 2>/dev/null; }
ip netns exec "$C1" "$NS_PY" -c "$PY6_SERVER" 8080 </dev/null >"$NS_TMP/srv6" 2>&1 &
NS_PIDS+=("$!")
for _ in $(seq 100); do grep -q ready "$NS_TMP/srv6" && break; sleep 0.05; done
grep -q ready "$NS_TMP/srv6" || fail "IPv6 server did not start: $(cat "$NS_TMP/srv6")"

run gw_masqsh -c 'forward add in wan0 dst 2001:db8:100::3 proto tcp dport 80 to [fd00:1::10]:8080 hairpin' \
	-c apply
list=$(gw_masqsh -c 'forward list')
echo "$list"
assert_match "forward list: the canonical IPv6 form" \
	'in wan0 dst 2001:db8:100::3 proto tcp dport 80 to \[fd00:1::10\]:8080 hairpin' "$list"
gw_masqsh -c 'show compiled' >"$NS_TMP/compiled" || fail "show compiled"
{ gw_nft list table ip masqsh; gw_nft list table ip6 masqsh; } >"$NS_TMP/kernel"
cat "$NS_TMP/kernel"
assert_same_text "show compiled = nft list table ip + ip6 masqsh" \
	"$NS_TMP/compiled" "$NS_TMP/kernel"
assert_match "ip6 table: dst and the bracketed target" \
	'iifname "wan0" ip6 daddr 2001:db8:100::3 tcp dport 80 .*dnat to \[fd00:1::10\]:8080' \
	"$(cat "$NS_TMP/kernel")"
assert_match "ip6 table: the masquerade leg for fd00:1::/64" \
	'ip6 saddr fd00:1::/64 ip6 daddr fd00:1::10 tcp dport 8080 .*masquerade' \
	"$(cat "$NS_TMP/kernel")"

ct_flush
got=$(req6 "$SRV" 2001:db8:100::3 80)
assert_eq "[2001:db8:100::3]:80 reaches [fd00:1::10]:8080, which saw" \
	2001:db8:2::10 "${got%% *}"
ct=$(ip netns exec "$GW" conntrack -L -f ipv6 -p tcp --dport 80 2>/dev/null)
echo "$ct"
assert_match "conntrack: the reply comes from the inside server's 8080" \
	'src=fd00:1::10 dst=2001:db8:2::10 sport=8080' "$ct"
got=$(req6 "$SRV" 2001:db8:100::2 80)
assert_eq "[2001:db8:100::2]:80 (not its dst): no answer" "" "$got"
got=$(req6 "$C2" 2001:db8:100::3 80)
assert_eq "hairpin from lan2 by the public IPv6 address; the server saw" \
	fd00:2::10 "${got%% *}"
txt=$(gw_masqsh -c 'show conntrack')
echo "$txt"
assert_match "the live table names the forward" 'fwd1 \[fd00:1::10\]:8080' "$txt"
ex=$(gw_masqsh -c 'explain tcp [2001:db8:2::10]:4000 -> [2001:db8:100::3]:80')
echo "$ex"
assert_match "explain: the IPv6 forward" \
	'dnat: forward 1 sends it to fd00:1::10 port 8080' "$ex"
echo "PASS"

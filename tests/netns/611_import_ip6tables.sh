#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 611: `import iptables` of an ip6tables-save dump translates IPv6 flows
# as ip6tables did (the IPv6 half of 610).  Two gateways with the same
# topology plus IPv6 (lan1 fd00:1::/64, wan0 2001:db8:1::/64, the server
# 2001:db8:2::10 and ::200 behind the ISP): A runs the ip6tables ruleset,
# B what masqsh imported from A's ip6tables-save; the conntrack reply
# tuples of the same flows must agree, and be what the rules say.
#
# The ruleset: a user chain reached with -o, a MASQUERADE with --to-ports
# and no address (masqsh keeps it IPv6 with 'from ::/0'), an SNAT, a
# RETURN on '-d', a catch-all MASQUERADE after it, and a DNAT to
# [fd00:1::10]:80.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
if ! command -v ip6tables-restore >/dev/null || ! command -v ip6tables-save >/dev/null; then
	skip "ip6tables-restore / ip6tables-save are not installed (the oracle)"
fi
ns_trap
A_TMP=""
trap 'rm -rf "$A_TMP"; ns_cleanup' EXIT

# An echo server (every PROTO:PORT given, on [::]) and a client, IPv6.
# shellcheck disable=SC2016
PY6_SERVER='
import selectors, socket, sys
sel = selectors.DefaultSelector()
for spec in sys.argv[1:]:
    proto, port = spec.split(":")
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # the IPv4 servers of tests/lib/netns.sh hold the same ports
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(("::", int(port)))
    if proto == "tcp":
        s.listen(16)
    sel.register(s, selectors.EVENT_READ, proto)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        try:
            if key.data == "tcp":
                c, peer = s.accept()
                c.sendall(("%s %d\n" % peer[:2]).encode())
                c.close()
            else:
                data, peer = s.recvfrom(2048)
                s.sendto(("%s %d\n" % peer[:2]).encode(), peer)
        except OSError:
            pass
'
PY6_CLIENT='
import socket, sys
proto, src, dst, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET6, kind)
s.settimeout(2.0)
try:
    s.bind((src, 0))
    s.connect((dst, port))
    if proto == "udp":
        s.send(b"hello\n")
    print(s.recv(256).decode().strip())
except OSError:
    pass
'

srv6_start() {
	local ns=$1 ready i=0
	shift
	ready=$(mktemp "$NS_TMP/srv6.XXXXXX")
	ip netns exec "$ns" "$NS_PY" -c "$PY6_SERVER" "$@" </dev/null >"$ready" 2>&1 &
	NS_PIDS+=("$!")
	while [ $((i += 1)) -le 100 ]; do
		grep -q '^ready' "$ready" && return 0
		sleep 0.05
	done
	die "IPv6 echo server in $ns did not start: $(cat "$ready")"
}

# The IPv6 half of the topology of tests/lib/netns.sh.
topo6() {
	ip -n "$C1" addr add fd00:1::10/64 dev eth0 nodad
	ip -n "$C1" addr add fd00:1::11/64 dev eth0 nodad
	ip -n "$C1" -6 route add default via fd00:1::1
	ip -n "$GW" addr add fd00:1::1/64 dev lan1 nodad
	ip -n "$GW" addr add 2001:db8:1::2/64 dev wan0 nodad
	# deprecated, so that MASQUERADE picks ::2 and only SNAT uses ::30
	ip -n "$GW" addr add 2001:db8:1::30/64 dev wan0 nodad preferred_lft 0
	ip -n "$GW" -6 route add default via 2001:db8:1::1
	ns_sysctl "$GW" net.ipv6.conf.all.forwarding=1
	ip -n "$ISP" addr add 2001:db8:1::1/64 dev up0 nodad
	ip -n "$ISP" addr add 2001:db8:2::1/64 dev net0 nodad
	ns_sysctl "$ISP" net.ipv6.conf.all.forwarding=1
	ip -n "$SRV" addr add 2001:db8:2::10/64 dev eth0 nodad
	ip -n "$SRV" addr add 2001:db8:2::200/64 dev eth0 nodad
	ip -n "$SRV" -6 route add default via 2001:db8:2::1
	srv6_start "$SRV" tcp:80 udp:53
	srv6_start "$C1" tcp:80
}

base=$NS_PREFIX
NS_PREFIX=${base}a topo_create
topo6
# shellcheck disable=SC2034  # read as ${!name} in same()
A_C1=$C1 A_GW=$GW A_SRV=$SRV A_TMP=$NS_TMP
NS_PREFIX=${base}b topo_create
topo6
# shellcheck disable=SC2034  # read as ${!name} in same()
B_C1=$C1 B_GW=$GW B_SRV=$SRV

cat >"$A_TMP/nat6.rules" <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:LAN6 - [0:0]
-A PREROUTING -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::10]:80
-A POSTROUTING -o wan0 -j LAN6
-A LAN6 -p udp -j MASQUERADE --to-ports 40000-40100
-A LAN6 -s fd00:1::11/128 -j SNAT --to-source 2001:db8:1::30
-A LAN6 -d 2001:db8:2::200/128 -j RETURN
-A LAN6 -j MASQUERADE
COMMIT
RULES
run ip netns exec "$A_GW" ip6tables-restore "$A_TMP/nat6.rules"
ip netns exec "$A_GW" ip6tables-save >"$NS_TMP/dump6" ||
	fail "ip6tables-save in $A_GW failed"
cat "$NS_TMP/dump6"
GW=$B_GW
out=$(gw_masqsh -c "import iptables $NS_TMP/dump6" 2>&1) ||
	fail "import failed: $out"
echo "$out"
assert_eq "import summary" "imported 3 masq rules and 1 forwards" "$out"
gw_masqsh -c 'masq list' -c 'forward list'
run gw_masqsh -c apply

# flow6 GW NS PROTO SRC DST PORT FIELD: FIELD of the reply tuple of the
# flow (one request from NS bound to SRC) in GW's conntrack table.
flow6() {
	local gw=$1 ns=$2 proto=$3 src=$4 dst=$5 port=$6 field=$7
	ip netns exec "$gw" conntrack -F -f ipv6 >/dev/null 2>&1
	ip netns exec "$ns" "$NS_PY" -c "$PY6_CLIENT" "$proto" "$src" "$dst" \
		"$port" </dev/null >/dev/null 2>&1
	ip netns exec "$gw" conntrack -L -f ipv6 -p "$proto" --dport "$port" \
		-s "$src" 2>/dev/null |
	awk -v f="$field=" '{
		n = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^src=/) n++
			if (n == 2 && index($i, f) == 1) {
				print substr($i, length(f) + 1); break
			}
		}
	}' | sort -u
}

# same WHAT WANT NS-VAR PROTO SRC DST PORT FIELD
same() {
	local what=$1 want=$2 nsv=$3; shift 3
	local a b an=A_$nsv bn=B_$nsv
	a=$(flow6 "$A_GW" "${!an}" "$@")
	b=$(flow6 "$B_GW" "${!bn}" "$@")
	echo "$what: ip6tables $a, masqsh $b"
	assert_eq "$what: ip6tables gateway" "$want" "$a"
	assert_eq "$what: masqsh gateway (same as ip6tables)" "$a" "$b"
}

same "lan masquerade" 2001:db8:1::2 C1 tcp fd00:1::10 2001:db8:2::10 80 dst
same "SNAT of ::11" 2001:db8:1::30 C1 tcp fd00:1::11 2001:db8:2::10 80 dst
same "RETURN on -d: untranslated" fd00:1::10 C1 tcp fd00:1::10 2001:db8:2::200 80 dst
same "udp masquerade (no address in the rule)" 2001:db8:1::2 \
	C1 udp fd00:1::10 2001:db8:2::10 53 dst
same "forward 8080" fd00:1::10 SRV tcp 2001:db8:2::10 2001:db8:1::2 8080 src
same "forward 8080: to port" 80 SRV tcp 2001:db8:2::10 2001:db8:1::2 8080 sport
p=$(flow6 "$B_GW" "$B_C1" udp fd00:1::10 2001:db8:2::10 53 dport)
assert_in_range "udp masquerade port on masqsh" 40000 40100 "${p:-0}"
echo PASS

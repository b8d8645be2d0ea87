#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 410: the live table says where a port forward went, and which echo id
# a ping is masqueraded as.  A client on the fake internet connects to
# 198.51.100.2:8080, forwarded to the inside server 192.168.1.10:80: the
# entry's JSON (`show conntrack -j`) holds the inside address and port as
# to/toport, as the kernel's reply tuple does, and `show masq dnat` prints
# them in the FORWARD-TO column.  Two inside hosts ping the same server
# with the same ICMP echo id: the gateway must give one of them another
# id, and gport / MASQ-AS must show the id the kernel chose (not 0).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
srv_start "$C1" tcp 80

run gw_masqsh -c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
fid=$(gw_masqsh -c 'forward list' | awk '$1 ~ /^[0-9]+$/ { print $1; exit }')

# A real forwarded TCP connection.
ct_flush
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)
assert_eq "the inside server answered the client" 192.0.2.10 "${got%% *}"
assert_eq "the kernel's reply source (the inside server)" 192.168.1.10:80 \
	"$(ct_reply src tcp 8080 192.0.2.10 | sort -u):$(ct_reply sport tcp 8080 192.0.2.10 | sort -u)"

js=$(gw_masqsh -j -c 'show conntrack dport 8080') || fail "show conntrack -j: $js"
echo "$js"
got=$(printf '%s' "$js" | "$NS_PY" -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["src"], e["gw"], e["gport"], e["dst"], e["dport"], e["to"],
          e["toport"], e["rule"], e["forward"])')
assert_eq "JSON of the forwarded connection: inside server in to/toport" \
	"192.0.2.10 198.51.100.2 8080 198.51.100.2 8080 192.168.1.10 80 None $fid" \
	"$got"

txt=$(gw_masqsh -c 'show masq dnat')
echo "$txt"
assert_match "show masq dnat: the title row ends with FORWARD-TO" \
	'^PROTO +SOURCE +MASQ-AS +REMOTE +STATE +EXPIRES +BYTES +PACKETS +RULE +FORWARD-TO$' \
	"$(echo "$txt" | head -n 1)"
assert_match "show masq dnat: the row names the inside server" \
	"^tcp +192\\.0\\.2\\.10:[0-9]+ +198\\.51\\.100\\.2:8080 +198\\.51\\.100\\.2:8080 +[A-Z_]+ +[0-9]+ +[0-9-]+ +[0-9-]+ +fwd$fid 192\\.168\\.1\\.10:80\$" \
	"$(echo "$txt" | grep ':8080 ')"
# An entry without a forward has no inside server.
req "$C1" tcp 192.0.2.10 443 >/dev/null
got=$(gw_masqsh -j -c 'show masq snat and dport 443' | "$NS_PY" -c '
import json, sys
print(*[(e["to"], e["toport"]) for e in json.load(sys.stdin)])')
assert_eq "a masqueraded connection: to/toport null" "(None, None)" "$got"

# Two inside hosts ping 192.0.2.10 with echo id 4242: the second needs
# another id on the gateway's address.
ping_id() {	# SRC DST ID: one echo request with that id, raw socket
	ip netns exec "$C1" "$NS_PY" - "$@" <<'PY'
import socket, struct, sys
src, dst, ident = sys.argv[1], sys.argv[2], int(sys.argv[3])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
body = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"masqsh"
pkt = struct.pack("!BBHHH", 8, 0, csum(body), ident, 1) + b"masqsh"
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind((src, 0))
s.settimeout(2)
s.sendto(pkt, (dst, 0))
try:
    while True:
        data = s.recv(2048)
        ihl = (data[0] & 15) * 4
        t, _, _, i, _ = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if t == 0 and i == ident:
            print("reply")
            break
except OSError:
    pass
PY
}
ct_flush
assert_eq "ping from .10 answered" reply "$(ping_id 192.168.1.10 192.0.2.10 4242)"
assert_eq "ping from .11 answered" reply "$(ping_id 192.168.1.11 192.0.2.10 4242)"
# The kernel's ids: "SRC ORIG-ID REPLY-ID" per entry.
kern=$(ip netns exec "$GW" conntrack -L -p icmp 2>/dev/null | awk '{
	n = 0; s = ""; oid = ""; rid = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^src=/) { n++; if (n == 1) s = substr($i, 5) }
		if ($i ~ /^id=/) { if (n == 1) oid = substr($i, 4); else rid = substr($i, 4) }
	}
	print s, oid, rid }' | sort)
echo "kernel: $kern"
assert_eq "both pings tracked" 2 "$(echo "$kern" | grep -c ' 4242 ')"
assert_eq "the kernel gave the two pings two ids" 2 \
	"$(echo "$kern" | awk '{ print $3 }' | sort -u | wc -l)"
ours=$(gw_masqsh -j -c 'show masq proto icmp' | "$NS_PY" -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["src"], e["sport"], e["gport"], e["dport"])' | sort)
assert_eq "JSON sport / gport are the kernel's ids (dport null)" \
	"$(echo "$kern" | sed 's/$/ None/')" "$ours"
txt=$(gw_masqsh -c 'show masq proto icmp')
echo "$txt"
while read -r src oid rid; do
	assert_match "show masq: $src:$oid masqueraded as id $rid" \
		"icmp +$src:$oid +198\\.51\\.100\\.2:$rid +192\\.0\\.2\\.10 " "$txt"
done <<<"$kern"
echo "PASS"

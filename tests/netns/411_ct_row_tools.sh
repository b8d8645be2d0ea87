#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 411: masqsh and masqtop print the same rows.  The gateway holds real
# flows of each kind (a port forward, masqueraded TCP and UDP, two pings
# whose echo ids clash, all with conntrack accounting on) plus entries
# loaded through ctnetlink (IPv6 SNAT, one without NAT); then
# `masqsh -j show conntrack` and `masqtop -b -j` (all entries, same rule
# database) must give identical objects for every entry -- same keys in
# the same order, same values and types -- but for "expires", which may
# tick between the two reads (at most 2 s apart).  The text rows must be
# equal too, column by column, EXPIRES aside.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
top=$(dirname "$MASQSH")/masqtop
[ -x "$top" ] || skip "no masqtop binary next to $MASQSH"
srv_start "$C1" tcp 80
ns_sysctl "$GW" net.netfilter.nf_conntrack_acct=1

run gw_masqsh -c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
ct_flush
req "$SRV" tcp 198.51.100.2 8080 192.0.2.10 >/dev/null
req "$C1" tcp 192.0.2.10 443 >/dev/null
req "$C1" udp 192.0.2.10 53 192.168.1.11 >/dev/null
for src in 192.168.1.10 192.168.1.11; do
	ip netns exec "$C1" "$NS_PY" - "$src" <<'PY'
import socket, struct, sys
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
body = struct.pack("!BBHHH", 8, 0, 0, 4242, 1) + b"masqsh"
pkt = struct.pack("!BBHHH", 8, 0, csum(body), 4242, 1) + b"masqsh"
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind((sys.argv[1], 0))
s.settimeout(1)
s.sendto(pkt, ("192.0.2.10", 0))
try:
    s.recv(2048)
except OSError:
    pass
PY
done
ip netns exec "$GW" conntrack -I -p udp -s fd00::2 -d 2001:db8::9 --sport 5000 \
	--dport 53 -t 300 --src-nat 2001:db8::1 >/dev/null 2>&1 ||
	fail "conntrack -I (IPv6 SNAT) failed"
ip netns exec "$GW" conntrack -I -p tcp -s 10.9.9.9 -d 10.9.9.10 --sport 1000 \
	--dport 22 --state ESTABLISHED -u SEEN_REPLY -t 300 >/dev/null 2>&1 ||
	fail "conntrack -I (no NAT) failed"
ip netns exec "$GW" conntrack -L 2>/dev/null

ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -j -c 'show conntrack' \
	>"$NS_TMP/sh.json" || fail "show conntrack -j failed"
ip netns exec "$GW" "$top" --db "$NS_TMP/masq.db" -a -b -n 1 -j \
	>"$NS_TMP/top.json" 2>"$NS_TMP/top.err" ||
	fail "masqtop -b -j failed: $(cat "$NS_TMP/top.err")"
res=$("$NS_PY" - "$NS_TMP/sh.json" "$NS_TMP/top.json" <<'PY'
import json, sys
sh = json.load(open(sys.argv[1]))
top = json.load(open(sys.argv[2]))["rows"]
bad = []
by_id = {e.get("id"): e for e in top}
if len(sh) != len(top) or len(by_id) != len(top):
    bad.append("%d rows in masqsh, %d in masqtop" % (len(sh), len(top)))
for e in sh:
    t = by_id.get(e["id"])
    if t is None:
        bad.append("masqtop lacks %s" % e)
        continue
    if list(e) != list(t):
        bad.append("keys differ: %s vs %s" % (list(e), list(t)))
    for k in e:
        if k == "expires" and k in t:
            if abs(e[k] - t[k]) > 2:
                bad.append("expires %s vs %s" % (e[k], t[k]))
        elif e[k] != t.get(k) or type(e[k]) is not type(t.get(k)):
            bad.append("%s: %r vs %r in %s" % (k, e[k], t.get(k), e))
kinds = sorted({(e["family"], e["proto"], "dnat" if e["to"] else
                 "snat" if e["gw"] else "plain") for e in sh})
print("kinds", kinds)
print("counted", sum(e["bytes"] is not None for e in sh))
print("\n".join(bad) if bad else "same")
PY
)
echo "$res"
assert_match "every kind of entry is there" \
	"\\('ipv4', 'icmp', 'snat'\\).*\\('ipv4', 'tcp', 'dnat'\\).*\\('ipv4', 'tcp', 'plain'\\).*\\('ipv4', 'tcp', 'snat'\\).*\\('ipv4', 'udp', 'snat'\\).*\\('ipv6', 'udp', 'snat'\\)" \
	"$(echo "$res" | sed -n 1p)"
assert_ne "some entries have counters (accounting on)" "counted 0" \
	"$(echo "$res" | sed -n 2p)"
assert_eq "masqsh -j show conntrack = masqtop -b -j, object for object" \
	same "$(echo "$res" | sed -n '3,$p')"

# The text rows: the same columns and cells (EXPIRES, the 6th, aside).
gw_masqsh -c 'show conntrack' | sed '$d' >"$NS_TMP/sh.txt"
ip netns exec "$GW" "$top" --db "$NS_TMP/masq.db" -a -b -n 1 -w 1000 |
	sed -n '5,$p' >"$NS_TMP/top.txt"
cat "$NS_TMP/sh.txt" "$NS_TMP/top.txt"
assert_eq "the same title row" "$(head -n 1 "$NS_TMP/sh.txt")" \
	"$(head -n 1 "$NS_TMP/top.txt")"
rows() { sed 1d "$1" | awk '{ $6 = ""; print }' | sort; }
assert_eq "the same text rows" "$(rows "$NS_TMP/sh.txt")" \
	"$(rows "$NS_TMP/top.txt")"
echo "PASS"

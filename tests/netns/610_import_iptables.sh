#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 610: `import iptables` translates flows as iptables did.  Two gateways
# with the same topology: A runs an iptables nat ruleset (loaded with
# iptables-restore), B runs what masqsh imported from A's iptables-save
# dump.  The same flows go through both, and the conntrack reply tuples
# (what each flow was translated to) must agree -- and be what the rules
# say, so that two equally broken gateways do not pass.
#
# The ruleset has a masquerade in a user chain reached by an interface
# wildcard (-o wan+), a RETURN out of it, an exemption by ACCEPT in both
# directions, an SNAT range with ports, '! -d', a -g into a chain with a
# RETURN on --dport, and two DNATs, one for a single public address (-d,
# the forward's dst).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
if ! command -v iptables-restore >/dev/null || ! command -v iptables-save >/dev/null; then
	skip "iptables-restore / iptables-save are not installed (the oracle)"
fi
ns_trap
A_TMP=""
trap 'rm -rf "$A_TMP"; ns_cleanup' EXIT

base=$NS_PREFIX
NS_PREFIX=${base}a topo_create
# shellcheck disable=SC2034  # read as ${!name} in same()
A_C1=$C1 A_C2=$C2 A_GW=$GW A_SRV=$SRV A_TMP=$NS_TMP
NS_PREFIX=${base}b topo_create
# shellcheck disable=SC2034  # read as ${!name} in same()
B_C1=$C1 B_C2=$C2 B_GW=$GW B_SRV=$SRV
for g in "$A_GW" "$B_GW"; do
	for a in 198.51.100.20 198.51.100.21 198.51.100.30; do
		ip -n "$g" addr add "$a/32" dev wan0
	done
done
for c in "$A_C1" "$B_C1"; do srv_start "$c" tcp 80; done
# the gateways answer on 8080 themselves: what is not forwarded is seen
for g in "$A_GW" "$B_GW"; do srv_start "$g" tcp 8080; srv_start "$g" tcp 80; done

cat >"$A_TMP/nat.rules" <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:LAN - [0:0]
:C2UDP - [0:0]
-A PREROUTING -s 192.0.2.200/32 -j ACCEPT
-A PREROUTING -i wan+ -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.1.10:80
-A PREROUTING -i wan0 -d 198.51.100.20/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 192.168.1.10
-A POSTROUTING -o wan+ -j LAN
-A POSTROUTING -s 192.168.1.11/32 -o wan0 -j SNAT --to-source 198.51.100.30
-A POSTROUTING -s 192.168.2.0/24 ! -d 192.0.2.200/32 -o wan0 -p tcp -j SNAT --to-source 198.51.100.20-198.51.100.21:20000-20099
-A POSTROUTING -s 192.168.2.0/24 -o wan0 -p udp -g C2UDP
-A POSTROUTING -s 192.168.2.0/24 -o wan0 -j MASQUERADE
-A C2UDP -p udp -m udp --dport 5353 -j RETURN
-A C2UDP -j SNAT --to-source 198.51.100.21
-A LAN -s 192.168.1.11/32 -j RETURN
-A LAN -s 192.168.1.0/24 -p tcp -m tcp --dport 443 -m comment --comment "no NAT for 443" -j ACCEPT
-A LAN -s 192.168.1.0/24 -j MASQUERADE
COMMIT
RULES
run ip netns exec "$A_GW" iptables-restore "$A_TMP/nat.rules"
# what is imported is the real dump of A, not the file above
ip netns exec "$A_GW" iptables-save >"$NS_TMP/dump" ||
	fail "iptables-save in $A_GW failed"
cat "$NS_TMP/dump"
GW=$B_GW
out=$(gw_masqsh -c "import iptables $NS_TMP/dump" 2>&1) ||
	fail "import failed: $out"
echo "$out"
assert_eq "import summary" "imported 7 masq rules and 2 forwards" "$out"
gw_masqsh -c 'masq list' -c 'forward list'
run gw_masqsh -c apply

# flow SIDE NS SRC PROTO DST PORT FIELD: the request from NS (bound to
# SRC) through gateway SIDE; prints FIELD of the reply tuple.
flow() {
	local side=$1 ns=$2 src=$3 proto=$4 dst=$5 port=$6 field=$7
	GW=$side
	ct_flush
	req "$ns" "$proto" "$dst" "$port" "$src" >/dev/null
	ct_reply "$field" "$proto" "$port" "$src" | sort -u
}

# same WHAT WANT NS-VAR SRC PROTO DST PORT FIELD: A and B agree, on WANT.
same() {
	local what=$1 want=$2 nsv=$3; shift 3
	local a b an=A_$nsv bn=B_$nsv
	a=$(flow "$A_GW" "${!an}" "$@")
	b=$(flow "$B_GW" "${!bn}" "$@")
	echo "$what: iptables $a, masqsh $b"
	assert_eq "$what: iptables gateway" "$want" "$a"
	assert_eq "$what: masqsh gateway (same as iptables)" "$a" "$b"
}

same "lan1 via user chain (masquerade)" 198.51.100.2 \
	C1 192.168.1.10 tcp 192.0.2.10 80 dst
same "lan1 .11 RETURNs from the chain, then SNAT" 198.51.100.30 \
	C1 192.168.1.11 tcp 192.0.2.10 80 dst
same "lan1 to 443: exempt by ACCEPT" 192.168.1.10 \
	C1 192.168.1.10 tcp 192.0.2.10 443 dst
same "lan2 tcp to .200: '! -d' skips the SNAT range" 198.51.100.2 \
	C2 192.168.2.10 tcp 192.0.2.200 80 dst
same "lan2 udp: -g C2UDP, SNAT" 198.51.100.21 C2 192.168.2.10 udp 192.0.2.10 53 dst
same "lan2 udp 5353: RETURN from the goto, untranslated" 192.168.2.10 \
	C2 192.168.2.10 udp 192.0.2.10 5353 dst
same "forward 8080 from .10" 192.168.1.10 SRV 192.0.2.10 tcp 198.51.100.2 8080 src
same "forward 8080 from .200: exempt by ACCEPT" 198.51.100.2 \
	SRV 192.0.2.200 tcp 198.51.100.2 8080 src
# -d 198.51.100.20: port 80 of that address only goes to lan1's server;
# the same port of the gateway's other addresses is the gateway's own
same "forward -d .20 port 80" 192.168.1.10 SRV 192.0.2.10 tcp 198.51.100.20 80 src
same "port 80 of .21: not forwarded (-d .20 only)" 198.51.100.21 \
	SRV 192.0.2.10 tcp 198.51.100.21 80 src
same "port 80 of .2: not forwarded (-d .20 only)" 198.51.100.2 \
	SRV 192.0.2.10 tcp 198.51.100.2 80 src

# The SNAT range: the address is a function of the flow (same on both),
# the port anywhere in 20000-20099.
a=$(flow "$A_GW" "$A_C2" 192.168.2.10 tcp 192.0.2.10 80 dst)
b=$(flow "$B_GW" "$B_C2" 192.168.2.10 tcp 192.0.2.10 80 dst)
bp=$(flow "$B_GW" "$B_C2" 192.168.2.10 tcp 192.0.2.10 80 dport)
echo "lan2 tcp SNAT range: iptables $a, masqsh $b port $bp"
case $a in 198.51.100.20|198.51.100.21) ;; *) fail "SNAT range on A gave '$a'" ;; esac
assert_eq "SNAT range address (same as iptables)" "$a" "$b"
assert_in_range "SNAT range port on masqsh" 20000 20099 "${bp:-0}"
echo PASS

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 450: 'show compiled' is 'nft list table' byte for byte for every shape
# the compiler emits (issue 10, item 8): SNAT ranges that are whole
# prefixes (nft prints "198.51.100.2/31"), ranges that are not, single
# addresses, v4 and v6, with and without port ranges and flags; marks
# with prefix and other masks; users, groups, ipsec, protocol lists and
# negations, port lists and negated ports, exclusions, wildcard
# interfaces, detect, nonat, fully-random, ct timeouts, helpers, the MSS clamp and port
# forwards.  One namespace, no traffic: the text is what is compared.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
GW=${NS_PREFIX}-gw
ns_add "$GW"
ip link add wan0 netns "$GW" type veth peer name lan1 netns "$GW" ||
	die "veth in $GW"
ip -n "$GW" link set wan0 up
ip -n "$GW" link set lan1 up
ip -n "$GW" addr add 198.51.100.2/24 dev wan0
ip -n "$GW" addr add 2001:db8::2/64 dev wan0 nodad

cat >"$NS_TMP/tricky.msh" <<'EOF'
# SNAT ranges: prefixes of every size, unaligned ranges, single addresses
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.2-198.51.100.3
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.0-198.51.100.255
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.4-198.51.100.6
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.1-198.51.100.2
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.3-198.51.100.4
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.0-198.51.100.254
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.1-198.51.100.255
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.4-198.51.100.7 proto tcp ports 1024-2047
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.8-198.51.100.15 proto udp ports 5000 random persistent
masq add out wan0 from 192.168.1.1 snat 198.51.100.128-198.51.100.255 proto tcp ports 1-65535 random persistent
masq add out wan0 from 192.168.1.1 snat 198.51.100.0-198.51.100.127 proto tcp ports 65535
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.2 proto tcp,udp ports 1024-65535
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.2-198.51.100.2
masq add out wan0 from 192.168.1.1 snat 0.0.0.0-255.255.255.255
masq add out wan0 from 192.168.1.1 snat 0.0.0.0-127.255.255.255
masq add out wan0 from 192.168.1.1 snat 128.0.0.0-255.255.255.255
masq add out wan0 from 192.168.1.1 snat 0.0.0.1-255.255.255.255
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::2-2001:db8::3
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::-2001:db8::ffff proto tcp ports 1000-2000
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::1-2001:db8::3 proto tcp ports 1000-2000
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::5 proto tcp ports 1000
masq add out wan0 from 2001:db8:1::/61 except 2001:db8:1::/65 to ::/0 snat 2001:db8::1-2001:db8::3
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::-2001:db8:0:1::ffff
masq add out wan0 from 2001:db8:1::/64 snat ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff proto udp ports 53
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::8000:0:0:0-2001:db8::ffff:ffff:ffff:ffff
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::1:0-2001:db8::1:ffff random
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::1-2001:db8::1:0 persistent
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.2-198.51.100.3 proto tcp ports 1024-2048 fully-random persistent
masq add out wan0 from 192.168.1.0/24 snat 198.51.100.2 fully-random
masq add out wan0 from 192.168.1.0/24 fully-random
masq add out wan0 from 192.168.1.0/24 proto udp ports 1024-2048 fully-random
masq add out wan0 from 2001:db8:1::/64 snat 2001:db8::1:0-2001:db8::1:ffff fully-random
masq add out wan0 from 2001:db8:1::/64 fully-random
# sources, destinations, exclusions, protocols, ports
masq add out wan0 from 192.168.1.0/25 except 192.168.1.10,192.168.1.64/27 to 192.0.2.0/23!192.0.2.128/25 proto tcp dport 1024-2047,80
masq add out wan0 from 192.168.1.0/25 proto tcp dport !22,1000-2000
masq add out wan0,ppp+ from 10.1.2.3,10.0.0.0/8,10.128.0.0/9,0.0.0.0/0 proto !tcp,udp
masq add out wan0 from 192.168.1.0/24 proto icmp,gre,esp,47,132
masq add out wan0 proto 253
masq add out wan0 proto 0
masq add out wan0 from 2001:db8:1::/64 proto icmpv6,ipv6
masq add out wan0 proto tcp dport !80
masq add out wan0 proto udp dport 1-65535
masq add out wan0 proto udp dport 1-1
masq add out wan0 proto sctp,dccp,udplite dport 7
masq add out wan0 from ppp+
masq add out ppp+ from 192.168.1.0/24!192.168.1.0/31,192.168.1.3/32
masq add out wan0 to 0.0.0.0/1
masq add out wan0 to !10.0.0.0/8
masq add out wan0 to 1.2.3.4/30
masq add out wan0 from 2001:db8:1::/64!2001:db8:1::/127
# lists as anonymous sets: overlapping and adjacent networks merged, the
# ends of the address space, v6, ports, a forward's lists
masq add out wan0 from 10.0.0.0/9,10.128.0.0/9,11.0.0.0/8,192.168.0.0/24,192.168.0.128/25 to 255.255.255.0/24,0.0.0.0/8,255.255.255.255
masq add out wan0 from 2001:db8:1::/64,2001:db8:1::/48,2001:db8:2::1,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120 except 2001:db8:1::1,2001:db8:1::2
masq add out wan0 from 2001:db8:1::/64 to 2001:db8:5::/64,2001:db8:7::/64!2001:db8:5::1,2001:db8:7::/80 proto tcp dport 1-100,50-200,201,65535
masq add out wan0 proto tcp,udp,sctp dport 22,80,443,8000-8999,8080 snat 198.51.100.2 ports 1024-65535
forward add in wan0 dport 8081,8082,9000-9001 to 192.168.1.10 from 192.0.2.0/25,192.0.2.128/25!192.0.2.1,192.0.2.2
# marks, users, ipsec
masq add out wan0 from 192.168.1.0/24 mark !0x10/0xff:C user !0:0 ipsec no
masq add out wan0 from 192.168.1.0/24 mark 5 user root ipsec reqid=5,spi=258,tunnel-src=192.0.2.1,tunnel-dst=192.0.2.2
masq add out wan0 mark !5
masq add out wan0 mark 0x10/0xf0
masq add out wan0 mark 0/0
masq add out wan0 mark 0x10000/0xffff0000:C
masq add out wan0 mark !4/0xfffffffe
masq add out wan0 mark 0xffffffff:C
masq add out wan0 user :100
masq add out wan0 user !nobody
masq add out wan0 user 1000:1000
masq add out wan0 from 2001:db8:1::/64 ipsec tunnel-src=2001:db8::1,tunnel-dst=2001:db8::2,reqid=4294967295,spi=4294967295
masq add out wan0 ipsec yes
masq add out wan0 ipsec tunnel-src=192.0.2.0/24,tunnel-dst=192.0.2.128/25
masq add out wan0 ipsec tunnel-src=0.0.0.0/0,tunnel-dst=192.0.2.7/32
masq add out wan0 from 2001:db8:1::/64 ipsec tunnel-src=2001:db8::/32,tunnel-dst=2001:db8:ff::/49
masq add out wan0 from 192.168.1.0/24 ipsec yes nonat
# actions: timeouts, masquerade ports, detect, nonat
masq add out wan0 from 192.168.1.0/24 proto tcp timeout tcp-established=3600
masq add out wan0 from 192.168.1.0/24 proto udp timeout udp=1m
masq add out wan0 from 2001:db8:1::/64 proto tcp timeout tcp-syn-sent=5,tcp-close=1
masq add out wan0 from 192.168.1.0/24 proto tcp ports 1-65535 random
masq add out wan0 proto tcp ports 1000-1000
masq add out wan0 from lan1 snat detect
masq add out wan0 from 2001:db8:1::/64 snat detect
masq add out wan0 from 2001:db8:1::/64 nonat
# port forwards, clamp, helpers
forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80
forward add in wan0 dport 8000-8010 to 192.168.1.10:9000-9010 from 192.0.2.0/24!192.0.2.7
forward add in wan0 proto tcp dport 7000-7010 to 192.168.1.10:80
forward add in wan0 proto udp dport 53 to 192.168.1.10:5353 from 10.0.0.0/8,172.16.0.0/12!172.16.0.1
forward add in ppp+ proto tcp dport 22 to 192.168.1.10
forward add in wan0 proto tcp dport 443 to [2001:db8:1::10]:8443
forward add in wan0 proto tcp dport 80 to [2001:db8:1::10] from 2001:db8::/32!2001:db8::/64
forward add in wan0 dport 1000-1001 to [2001:db8:1::10]:2000-2001
clamp mss pmtu out wan0
helper add ftp ports 21,2121,3000-3010
helper add sip
helper add irc ports 6667,6697-6699
helper add tftp
helper add amanda
helper add netbios-ns
helper add pptp
helper add sane
helper add snmp
EOF

# A list longer than one NEWSETELEM message holds (nft_apply.c: 256
# elements): 600 networks, 1200 set elements, none adjacent.
"$NS_PY" -c '
nets = ",".join("10.%d.%d.0/24" % (i // 100, (i % 100) * 2) for i in range(600))
print("masq add out wan0 from " + nets + " to 192.0.2.0/24")
' >>"$NS_TMP/tricky.msh"

gw_masqsh -f "$NS_TMP/tricky.msh" >"$NS_TMP/add.out" 2>&1 ||
	fail "staging the tricky table: $(cat "$NS_TMP/add.out")"
run gw_masqsh -c apply

# both_tables: what the kernel runs, as nft lists it.
both_tables() {
	gw_nft list table ip masqsh
	gw_nft list table ip6 masqsh
}

compare() {
	gw_masqsh -c 'show compiled' >"$NS_TMP/compiled" 2>&1 ||
		fail "show compiled: $(cat "$NS_TMP/compiled")"
	both_tables >"$NS_TMP/kernel"
	assert_same_text "$1" "$NS_TMP/kernel" "$NS_TMP/compiled"
}

compare "show compiled = nft list table ip + ip6 (tricky table)"
assert_match "the aligned range prints as nft prints it" \
	'snat to 198\.51\.100\.2/31 comment "masqsh masq 1"' "$(cat "$NS_TMP/kernel")"
assert_match "fully-random with persistent, as nft prints the flags" \
	'snat to 198\.51\.100\.2/31:1024-2048 fully-random,persistent comment' \
	"$(cat "$NS_TMP/kernel")"
assert_match "masquerade fully-random (v6)" \
	'ip6 saddr 2001:db8:1::/64 counter packets [0-9]+ bytes [0-9]+ masquerade fully-random comment' \
	"$(cat "$NS_TMP/kernel")"
assert_match "an IPv6 prefix with a port has no brackets" \
	'snat to 2001:db8::/112:1000-2000 ' "$(cat "$NS_TMP/kernel")"
assert_match "a tunnel-src network stays a network in the kernel" \
	'ipsec out ip saddr 192\.0\.2\.0/24 ipsec out ip daddr 192\.0\.2\.128/25 ' \
	"$(cat "$NS_TMP/kernel")"
n=$(grep -c 'comment "masqsh' "$NS_TMP/kernel")
echo "ok: $n nft rules compared"
# Lists are sets: every masqsh rule is one nft rule, the one with two
# interfaces ("out wan0,ppp+") too.
assert_eq "masqsh rules with more than one nft rule" "" \
	"$(grep -o 'comment "masqsh [a-z]* [0-9]*"' "$NS_TMP/kernel" |
		sort | uniq -c | awk '$1 > 1 { $1 = $1; print }')"
assert_match "two interfaces, one a wildcard, are one set" \
	'oifname \{ "ppp\*", "wan0" \} ip saddr \{ 0\.0\.0\.0/0 \} meta l4proto != \{ tcp, udp \}' \
	"$(cat "$NS_TMP/kernel")"
assert_match "adjacent and overlapping networks are merged, as nft does" \
	'ip saddr \{ 10\.0\.0\.0/7, 192\.168\.0\.0/24 \} ip daddr \{ 0\.0\.0\.0/8, 255\.255\.255\.0/24 \}' \
	"$(cat "$NS_TMP/kernel")"
assert_match "the 600-network list is one rule" \
	'10\.5\.198\.0/24 \} ip daddr 192\.0\.2\.0/24 counter' "$(cat "$NS_TMP/kernel")"

# The clamp with a fixed MSS on any interface, applied on top.
run gw_masqsh -c 'clamp mss 1400' -c apply
compare "show compiled = nft list table (clamp mss 1400)"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# gen_rules.sh - write N distinct source NAT rules in one of three syntaxes,
# so that every tool in the apply benchmark is fed the same rules.
#
# Rule i (0-based) translates traffic from 10.(i/256).(i%256).0/24 leaving
# IFACE to 198.51.100.(1 + i%254).  The sources never repeat (N <= 65536),
# so no tool can fold two rules into one.
#
#   masqsh    a `masqsh -f` script: masq add out IFACE from SRC snat ADDR
#   iptables  an iptables-restore file for the nat table (full restore)
#   nft       an `nft -f` file that replaces table ip masqsh; only a
#             stand-in for `masqsh show compiled` when masqsh is missing
#
# Does not run anything and needs nothing but awk.

usage() {
	echo "usage: ${0##*/} masqsh|iptables|nft N [IFACE]" >&2
	exit 2
}

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	usage
fi
fmt=$1
n=$2
iface=${3:-wan0}

case $n in
'' | *[!0-9]*) usage ;;
esac
if [ "$n" -lt 1 ] || [ "$n" -gt 65536 ]; then
	echo "${0##*/}: N must be 1..65536" >&2
	exit 2
fi
case $fmt in
masqsh | iptables | nft) ;;
*) usage ;;
esac

exec awk -v fmt="$fmt" -v n="$n" -v ifc="$iface" '
function src(i) { return sprintf("10.%d.%d.0/24", int(i / 256), i % 256) }
function to(i)  { return sprintf("198.51.100.%d", 1 + i % 254) }
BEGIN {
	if (fmt == "masqsh") {
		printf "# %d masq rules for the apply benchmark\n", n
		for (i = 0; i < n; i++)
			printf "masq add out %s from %s snat %s\n", ifc, src(i), to(i)
	} else if (fmt == "iptables") {
		print "*nat"
		for (i = 0; i < n; i++)
			printf "-A POSTROUTING -o %s -s %s -j SNAT --to-source %s\n",
			    ifc, src(i), to(i)
		print "COMMIT"
	} else {
		print "table ip masqsh"
		print "delete table ip masqsh"
		print "table ip masqsh {"
		print "\tchain postrouting {"
		print "\t\ttype nat hook postrouting priority srcnat; policy accept;"
		for (i = 0; i < n; i++)
			printf "\t\toifname \"%s\" ip saddr %s counter packets 0 bytes 0 snat to %s comment \"masqsh rule %d\"\n",
			    ifc, src(i), to(i), i + 1
		print "\t}"
		print "}"
	}
}'

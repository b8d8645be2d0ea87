#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 621: Shorewall's own compiler as the oracle for snat files.  Each case
# is a snat file checked by `shorewall check` (Debian's shorewall 5.2, in a
# scratch configuration directory, inside a namespace of our own) and by
# `masqsh -n import shorewall`; the verdicts (accepted, or refused at line
# N) must be the ones listed.  They agree except where the list says why:
# what masqsh's rule model cannot express is refused by masqsh although
# Shorewall compiles it, and ACCEPT/NONAT are read as CONTINUE although
# Shorewall 5.2 refuses them.  Skipped when shorewall is not installed.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
command -v shorewall >/dev/null 2>&1 ||
	skip "no oracle: shorewall is not installed (apt-get install shorewall)"
command -v iptables >/dev/null 2>&1 || skip "shorewall needs iptables"
[ -d /usr/share/shorewall/configfiles ] ||
	skip "no /usr/share/shorewall/configfiles to start a configuration from"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
SW=${NS_PREFIX}-sw
ns_add "$SW"
ip link add eth0 netns "$SW" type veth peer name eth1 netns "$SW" ||
	die "veth in $SW"
ip -n "$SW" link set eth0 up
ip -n "$SW" link set eth1 up
ip -n "$SW" addr add 198.51.100.2/24 dev eth0
ip -n "$SW" addr add 192.168.1.1/24 dev eth1

# A minimal two-zone configuration; the capabilities are probed once, in
# the namespace, so each check only compiles.
CFG=$NS_TMP/shorewall
mkdir "$CFG"
sed 's|^LOGFILE=.*|LOGFILE=/dev/null|' \
	/usr/share/shorewall/configfiles/shorewall.conf >"$CFG/shorewall.conf"
printf 'fw firewall\nnet ipv4\nloc ipv4\n' >"$CFG/zones"
printf '?FORMAT 2\nnet eth0\nloc eth1\n' >"$CFG/interfaces"
printf 'all all ACCEPT\n' >"$CFG/policy"
ip netns exec "$SW" shorewall -c "$CFG" show -f capabilities \
	>"$CFG/capabilities" 2>"$NS_TMP/cap.err" ||
	skip "shorewall cannot report capabilities: $(head -1 "$NS_TMP/cap.err")"
grep -q '^NAT_ENABLED=Yes' "$CFG/capabilities" ||
	skip "shorewall finds no NAT support in this kernel"

# verdict_sw / verdict_mq: "ok" or "line N"
verdict_sw() {
	local out
	if out=$(ip netns exec "$SW" shorewall check "$CFG" 2>&1); then
		echo ok
	else
		out=$(printf '%s\n' "$out" | grep -m1 'ERROR:')
		echo "line $(printf '%s' "$out" | sed -n 's/.*(line \([0-9]*\)).*/\1/p')"
		echo "  shorewall: $out" >&2
	fi
}
verdict_mq() {
	local out
	if out=$("$MASQSH" --db "$NS_TMP/m.db" -n -c "import shorewall $CFG/snat" 2>&1); then
		echo ok
	else
		echo "line $(printf '%s' "$out" | sed -n 's|^[^ ]*/snat:\([0-9]*\):.*|\1|p' | head -1)"
		echo "  masqsh: $(printf '%s' "$out" | head -1)" >&2
	fi
}

# case NAME SHOREWALL MASQSH: the file is on stdin
n=0
case_() {
	cat >"$CFG/snat"
	n=$((n + 1))
	assert_eq "$1: shorewall" "$2" "$(verdict_sw)"
	assert_eq "$1: masqsh" "$3" "$(verdict_mq)"
}

case_ "every accepted ACTION and column" ok ok <<'S'
?COMMENT the LAN
MASQUERADE			192.168.1.0/24				eth0
MASQUERADE+(1024-2000:random)	192.168.2.0/24!192.168.2.8-192.168.2.9	eth0	tcp,udp
MASQUERADE(random)		192.168.3.0/24!192.168.3.7-192.168.3.17	eth0
?COMMENT
SNAT(198.51.100.10)		192.168.4.0/24		eth0:0		tcp	smtp
SNAT+(198.51.100.20-198.51.100.23:persistent)	10.0.0.0/8	eth0
SNAT(198.51.100.30:5000-6000:random)	10.1.0.0/16	eth0	udp	-	-	0x10/0xff
SNAT(detect)			10.2.0.0/16		eth0
CONTINUE			192.168.5.0/24		eth0:192.0.2.0/24
CONTINUE+			eth1			eth0::192.0.2.128/25
MASQUERADE			192.168.7.0/24		eth0:0.0.0.0/0!192.0.2.0-192.0.2.63	tcp	80,443,8000:8080	yes	!1/1:C
MASQUERADE			-			eth0	-	-	-	-	0
S
case_ "?FORMAT 2 with an empty SPORT" ok ok <<'S'
?FORMAT 2
MASQUERADE	192.168.1.0/24	eth0	tcp	80	-	no
S
case_ "MASQUERADE with persistent" "line 2" "line 2" <<'S'
MASQUERADE	192.168.1.0/24	eth0
MASQUERADE(1024-2000:persistent)	192.168.2.0/24	eth0	tcp
S
case_ "SWITCH (no condition match in nftables)" "line 2" "line 2" <<'S'
MASQUERADE	192.168.1.0/24	eth0
MASQUERADE	192.168.2.0/24	eth0	-	-	-	-	-	vpn_up
S
case_ "options on CONTINUE" "line 2" "line 2" <<'S'
MASQUERADE	192.168.1.0/24	eth0
CONTINUE(random)	192.168.2.0/24	eth0
S
case_ "a range that ends before it starts" "line 2" "line 2" <<'S'
MASQUERADE	192.168.1.0/24	eth0
MASQUERADE	192.168.1.0/24!192.168.1.9-192.168.1.8	eth0
S
case_ "an unknown ACTION" "line 2" "line 2" <<'S'
MASQUERADE	192.168.1.0/24	eth0
SNATT(198.51.100.10)	192.168.2.0/24	eth0
S
case_ "no DEST" "line 2" "line 2" <<'S'
MASQUERADE	192.168.1.0/24	eth0
MASQUERADE	192.168.2.0/24	-
S
case_ "SNAT without parentheses" "line 2" "line 2" <<'S'
MASQUERADE	192.168.1.0/24	eth0
SNAT	192.168.2.0/24	eth0
S
case_ "a SOURCE interface with exclusions" "line 2" "line 2" <<'S'
MASQUERADE	eth1	eth0
MASQUERADE	eth1:!192.168.1.4	eth0
S
# Where they differ, and why.
case_ "ACCEPT/NONAT (masqsh: CONTINUE, as the masq file's NONAT)" "line 1" ok <<'S'
ACCEPT	192.168.1.0/24	eth0
NONAT	192.168.2.0/24	eth0
S
case_ "PROBABILITY (no random rule selection in masqsh)" ok "line 1" <<'S'
SNAT(198.51.100.10)	192.168.1.0/24	eth0	-	-	-	-	-	-	-	0.5
S
case_ "ORIGDEST (no original-destination match in masqsh)" ok "line 1" <<'S'
MASQUERADE	192.168.1.0/24	eth0	-	-	-	-	-	-	198.51.100.7
S
case_ "a log level (masqsh does not log)" ok "line 1" <<'S'
MASQUERADE:info	192.168.1.0/24	eth0
S
case_ "SNAT of the port only" ok "line 1" <<'S'
SNAT(:4000-5000)	192.168.1.0/24	eth0	tcp
S
echo "$n cases"

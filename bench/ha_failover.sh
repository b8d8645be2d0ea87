#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/ha_failover.sh - how long a NAT pair's failover interrupts a flow
# (issue 14).  Runs tests/netns/650_ha_failover.sh N times (default 3):
# two gateways in namespaces with the real conntrackd and keepalived, a
# LAN client sending a line every 100 ms over TCP and UDP to a WAN server,
# and four switches (keepalived stopped on the master, started again;
# the master's WAN link down, up).  For each switch it prints the longest
# time the server got no data (ms), TCP and UDP, as min / median / max
# over the runs, the UDP datagrams lost, and those that went out through
# a new conntrack entry (another port) before the new master's notify
# script had committed the replicated ones.
#
#   bench/ha_failover.sh [-n RUNS]      as root; MASQSH=... picks the binary
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=3
while getopts n:h o; do
	case $o in
	n) runs=$OPTARG ;;
	*) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
export MASQSH=${MASQSH:-$here/../_build/masqsh}
out=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-bench-ha.XXXXXX")
for i in $(seq "$runs"); do
	rc=0
	HA_RESULT_FILE=$out/run$i NS_PREFIX=${NS_PREFIX:-hb$$} \
		bash "$here/../tests/netns/650_ha_failover.sh" >"$out/log$i" 2>&1 || rc=$?
	if [ $rc = 77 ]; then
		grep SKIP "$out/log$i"; exit 77
	fi
	[ $rc = 0 ] || { echo "run $i failed (log: $out/log$i)" >&2; exit 1; }
	echo "run $i: ok"
done
echo
printf '%-24s %-22s %-22s %-10s %s\n' "switch" "tcp ms (min/med/max)" \
	"udp ms (min/med/max)" "udp lost" "udp via a new entry"
# Each run file: NAME|TCP_GAP|UDP_GAP|UDP_LOST|UDP_NEW per switch.
cat "$out"/run* | awk -F'|' '
function stat(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[1] "/" a[int((n + 1) / 2)] "/" a[n]
}
{ if (!($1 in tcp)) order[++k] = $1
  tcp[$1] = tcp[$1] " " $2; udp[$1] = udp[$1] " " $3
  lost[$1] = lost[$1] " " $4; nw[$1] = nw[$1] " " $5 }
END { for (i = 1; i <= k; i++) { n = order[i]
	printf "%-24s %-22s %-22s %-10s %s\n", n, stat(tcp[n]), stat(udp[n]),
		stat(lost[n]), stat(nw[n]) } }'
echo
echo "logs: $out"

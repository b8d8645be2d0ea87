#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 240: timeouts set by masqsh are the kernel's.  `timeouts set tcp 7200
# tcpfin 10 udp 60` in the gateway's namespace changes exactly the mapped
# sysctls there (read back from /proc inside it), new connections get the
# new timeouts in `conntrack -L`, `show timeouts` says where each value
# comes from, `apply` writes the stored values again after someone else
# changed one, `timeouts reset` restores the defaults, -n changes nothing,
# and no other namespace (the ISP's, the root's) sees any change.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

P=/proc/sys/net/netfilter
snap() {	# every conntrack timeout of namespace $1 ("" = this one)
	if [ -n "$1" ]; then
		ip netns exec "$1" sh -c "grep -H . $P/nf_conntrack_*timeout*"
	else
		grep -H . $P/nf_conntrack_*timeout*
	fi
}
gwval() { ip netns exec "$GW" cat "$P/nf_conntrack_$1"; }
source_of() {	# source of state $1 in show timeouts -j
	gw_masqsh -j -c 'show timeouts' | "$NS_PY" -c '
import json, sys
for t in json.load(sys.stdin):
    if t["name"] == sys.argv[1]:
        print(t["source"], t["seconds"])' "$1"
}

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
# conntrack is loaded in the gateway now; its sysctls exist there.
snap "$ISP" >"$NS_TMP/isp.before"
snap "" >"$NS_TMP/root.before"
est0=$(gwval tcp_timeout_established)

run gw_masqsh -c 'timeouts set tcp 7200 tcpfin 10 udp 60'
assert_eq "tcp -> established" 7200 "$(gwval tcp_timeout_established)"
for s in fin_wait close_wait last_ack time_wait; do
	assert_eq "tcpfin -> $s" 10 "$(gwval tcp_timeout_$s)"
done
assert_eq "udp -> udp (unreplied)" 60 "$(gwval udp_timeout)"
assert_eq "udp -> udp_stream" 60 "$(gwval udp_timeout_stream)"
assert_eq "syn_sent untouched" 120 "$(gwval tcp_timeout_syn_sent)"
assert_eq "show timeouts: established" "masqsh 7200" "$(source_of tcp-established)"
assert_eq "show timeouts: syn_sent" "default 120" "$(source_of tcp-syn-sent)"

# New connections through the gateway get the new timeouts.
ct_flush
assert_eq "udp request" 198.51.100.2 "$(req_addr "$C1" udp 192.0.2.10 53)"
t=$(ip netns exec "$GW" conntrack -L -p udp --dport 53 2>/dev/null |
	awk '{ print $3; exit }')
assert_in_range "new udp entry's timeout (udp 60)" 50 60 "$t"
assert_eq "tcp request" 198.51.100.2 "$(req_addr "$C1" tcp 192.0.2.10 80)"
sleep 0.3
line=$(ip netns exec "$GW" conntrack -L -p tcp --dport 80 2>/dev/null | head -1)
assert_match "closed tcp entry is in a FIN state" \
	'(TIME_WAIT|FIN_WAIT|CLOSE_WAIT|LAST_ACK|CLOSE)' "$line"
assert_in_range "its timeout (tcpfin 10)" 1 10 "$(echo "$line" | awk '{print $3}')"

# Per-state names, and -n changes nothing.
run gw_masqsh -c 'timeouts set tcp-syn-sent 45 udp-stream 180'
assert_eq "tcp-syn-sent" 45 "$(gwval tcp_timeout_syn_sent)"
assert_eq "udp-stream" 180 "$(gwval udp_timeout_stream)"
assert_eq "udp (unreplied) kept" 60 "$(gwval udp_timeout)"
run gw_masqsh -n -c 'timeouts set tcp 5'
assert_eq "-n leaves the kernel alone" 7200 "$(gwval tcp_timeout_established)"

# Someone else changes one; show says so; apply puts masqsh's back.
ip netns exec "$GW" sh -c "echo 999 > $P/nf_conntrack_tcp_timeout_established"
assert_eq "show timeouts: changed by someone else" "other 999" \
	"$(source_of tcp-established)"
out=$(gw_masqsh -c apply) || fail "apply failed: $out"
assert_match "apply says it set the stored timeouts" "set 8 stored conntrack timeouts" "$out"
assert_eq "apply re-wrote established" 7200 "$(gwval tcp_timeout_established)"

# Nothing outside the gateway changed.
snap "$ISP" >"$NS_TMP/isp.after"
assert_same_text "the other namespace's timeouts are unchanged" \
	"$NS_TMP/isp.before" "$NS_TMP/isp.after"
snap "" >"$NS_TMP/root.after"
assert_same_text "the root namespace's timeouts are unchanged" \
	"$NS_TMP/root.before" "$NS_TMP/root.after"

# Reset: the values found before the first change come back.
run gw_masqsh -c 'timeouts reset'
assert_eq "reset established" "$est0" "$(gwval tcp_timeout_established)"
assert_eq "reset syn_sent" 120 "$(gwval tcp_timeout_syn_sent)"
assert_eq "reset udp_stream" 120 "$(gwval udp_timeout_stream)"
assert_eq "show timeouts after reset" "default $est0" "$(source_of tcp-established)"
out=$(gw_masqsh -c apply) || fail "apply failed: $out"
case $out in *timeouts*) fail "apply still sets timeouts after reset: $out" ;; esac
echo "PASS"

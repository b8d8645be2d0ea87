#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 090: a port forward from the fake internet to an inside server: a
# client behind the ISP connects to 198.51.100.2:8080 and reaches
# 192.168.1.10:80, which sees the client's real address.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
srv_start "$C1" tcp 80

run gw_masqsh -c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
ct_flush
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)
assert_eq "inside server saw" 192.0.2.10 "${got%% *}"
assert_eq "conntrack reply src (the inside server)" 192.168.1.10 \
	"$(ct_reply src tcp 8080 192.0.2.10 | sort -u)"
assert_eq "conntrack reply sport" 80 "$(ct_reply sport tcp 8080 192.0.2.10 | sort -u)"
assert_eq "conntrack reply dst (client, untranslated)" 192.0.2.10 \
	"$(ct_reply dst tcp 8080 192.0.2.10 | sort -u)"
# From the second server address too; and the LAN's own traffic still NATs.
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.200)
assert_eq "inside server saw (second client)" 192.0.2.200 "${got%% *}"
expect_nat "lan1 outbound still masqueraded" "$C1" 192.168.1.10 tcp 192.0.2.10 443 198.51.100.2
# Port 80 on the uplink is not forwarded.
got=$(req "$SRV" tcp 198.51.100.2 80 192.0.2.10)
assert_eq "unforwarded port 80 on the gateway: no answer" "" "$got"

# The live table names the forward behind a forwarded connection (the
# rule column says "fwdID", then FORWARD-TO the inside server; JSON has
# "forward": ID and "rule": null), and the masq rule behind a masqueraded
# one.
ct_flush
req "$SRV" tcp 198.51.100.2 8080 192.0.2.10 >/dev/null
req "$C1" tcp 192.0.2.10 443 >/dev/null
fid=$(gw_masqsh -c 'forward list' | awk '$1 ~ /^[0-9]+$/ { print $1; exit }')
mid=$(gw_masqsh -c 'masq list' | awk '$1 ~ /^[0-9]+$/ { print $1; exit }')
txt=$(gw_masqsh -c 'show conntrack')
echo "$txt"
assert_eq "rule, forward-to columns of the forwarded connection" \
	"fwd$fid 192.168.1.10:80" \
	"$(echo "$txt" | awk '/:8080 / { print $(NF - 1), $NF; exit }')"
assert_eq "rule, forward-to columns of the masqueraded connection" "$mid -" \
	"$(echo "$txt" | awk '/:443 / { print $(NF - 1), $NF; exit }')"
js=$(gw_masqsh -j -c 'show conntrack')
assert_match "JSON names the forward" "\"rule\":null,\"forward\":$fid" "$js"
# The filter selects by it: 'fwd ID' is the forwarded connection only,
# 'rule N' never a forward's, even when N is the forward's id.
sel=$(gw_masqsh -c "show conntrack fwd $fid")
echo "$sel"
assert_match "fwd $fid selects the forwarded connection" ':8080 ' "$sel"
assert_eq "fwd $fid selects nothing else" 1 "$(echo "$sel" | grep -c ':[0-9]* ')"
assert_eq "rule $fid (the forward's number) does not select it" "" \
	"$(gw_masqsh -c "show conntrack rule $fid" | grep ':8080 ')"
# masqtop's batch mode shows the same rule column (text and JSON).
top=$(dirname "$MASQSH")/masqtop
if [ -x "$top" ]; then
	ttxt=$(ip netns exec "$GW" "$top" --db "$NS_TMP/masq.db" -a -b -n 1 -w 200 2>&1)
	echo "$ttxt"
	assert_match "masqtop rule column names the forward" "fwd$fid" "$ttxt"
	tjs=$(ip netns exec "$GW" "$top" --db "$NS_TMP/masq.db" -a -b -n 1 -j 2>&1)
	"$NS_PY" -c 'import json, sys; json.loads(sys.stdin.read())' <<<"$tjs" ||
		fail "masqtop -j is not JSON: $tjs"
	assert_match "masqtop JSON names the forward" \
		"\"rule\":null,\"forward\":$fid,\"to\":\"192.168.1.10\",\"toport\":80" "$tjs"
else
	echo "SKIP (part): no masqtop binary next to $MASQSH"
fi

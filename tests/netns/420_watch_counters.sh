#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 420: with accounting on, `watch` shows counters on new and update events
# too.  ctnetlink puts counters in DESTROY events only (checked on 6.18),
# so watch asks the kernel for the entry's counters when it reads a new or
# update event; with accounting off every line shows "-" / null.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply

# One UDP request/answer (a new event, then an update when the answer
# comes), through the masquerade, while watch -j listens.
watch_one() {	# acct -> NDJSON in $NS_TMP/w.$1.json
	ns_sysctl "$GW" "net.netfilter.nf_conntrack_acct=$1"
	ct_flush
	gw_masqsh -j -c "watch proto udp and src 192.168.1.10 count 2 for 15" \
		>"$NS_TMP/w.$1.json" 2>"$NS_TMP/w.$1.err" &
	local wpid=$!
	NS_PIDS+=("$wpid")
	sleep 1
	req "$C1" udp 192.0.2.10 53 >/dev/null
	wait "$wpid"
}

summary() {	# file -> "event bytes packets" per line
	"$NS_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    print(e["event"], e["bytes"], e["packets"])' "$1"
}

watch_one 1
s=$(summary "$NS_TMP/w.1.json")
echo "accounting on:"; echo "$s"
assert_match "accounting on: the new event has counters" \
	'^new [1-9][0-9]* [1-9][0-9]*$' "$(sed -n 1p <<<"$s")"
assert_match "accounting on: the update has counters" \
	'^update [1-9][0-9]* [1-9][0-9]*$' "$(sed -n 2p <<<"$s")"

watch_one 0
s=$(summary "$NS_TMP/w.0.json")
echo "accounting off:"; echo "$s"
assert_eq "accounting off: no counters (new)" "new None None" "$(sed -n 1p <<<"$s")"
assert_eq "accounting off: no counters (update)" "update None None" "$(sed -n 2p <<<"$s")"
echo "PASS"

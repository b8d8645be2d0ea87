#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 220: `watch count N -j` sees the events of a burst of short UDP flows
# through the masquerading gateway, one NDJSON object each, with the
# translated address and the rule; `watch` ends on SIGTERM; a filter keeps
# other flows out.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
N=40

# N UDP flows from N source ports to an address nobody answers: each makes
# exactly one NEW event (no reply, so no update) in the gateway.
burst() {
	ip netns exec "$1" "$NS_PY" -c '
import socket, sys
socks = []
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", (sys.argv[2], 9))
    socks.append(s)' "$2" "$3"
}

ct_flush
gw_masqsh -j -c "watch src 192.168.1.0/24 count $N for 20" >"$NS_TMP/w.json" \
	2>"$NS_TMP/w.err" &
wpid=$!
NS_PIDS+=("$wpid")
sleep 1
burst "$C2" 10 192.0.2.99	# not masqueraded, not in the filter
burst "$C1" "$N" 192.0.2.99
wait "$wpid"; rc=$?
assert_eq "watch exit status" 0 "$rc"
"$NS_PY" - "$NS_TMP/w.json" "$N" >"$NS_TMP/w.sum" <<'PY' ||
import json, sys
lines = open(sys.argv[1]).read().splitlines()
ev = [json.loads(l) for l in lines]
ports = {e["sport"] for e in ev}
print("lines", len(lines))
print("events", ",".join(sorted({e["event"] for e in ev})))
print("sports", len(ports))
print("src", ",".join(sorted({e["src"] for e in ev})))
print("gw", ",".join(sorted({str(e["gw"]) for e in ev})))
print("rule", ",".join(sorted({str(e["rule"]) for e in ev})))
PY
	fail "watch output is not NDJSON: $(head -c 300 "$NS_TMP/w.json")"
cat "$NS_TMP/w.sum"
assert_eq "one line per event" "lines $N" "$(sed -n 1p "$NS_TMP/w.sum")"
assert_eq "only new events" "events new" "$(sed -n 2p "$NS_TMP/w.sum")"
assert_eq "one per flow" "sports $N" "$(sed -n 3p "$NS_TMP/w.sum")"
assert_eq "filtered source" "src 192.168.1.10" "$(sed -n 4p "$NS_TMP/w.sum")"
assert_eq "translated address" "gw 198.51.100.2" "$(sed -n 5p "$NS_TMP/w.sum")"
assert_eq "rule" "rule 1" "$(sed -n 6p "$NS_TMP/w.sum")"

# Destroy events, text mode, and SIGTERM ending an open-ended watch.
# (ip netns exec execs masqsh: $! is masqsh itself)
ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -c 'watch proto udp' \
	>"$NS_TMP/w.txt" 2>&1 &
wpid=$!
NS_PIDS+=("$wpid")
sleep 1
ip netns exec "$GW" conntrack -D -p udp >/dev/null 2>&1
sleep 0.5
kill -TERM "$wpid"
wait "$wpid"; rc=$?
assert_eq "watch ends on SIGTERM with status 0" 0 "$rc"
assert_match "text header" '^EVENT +PROTO +SOURCE' "$(head -n 1 "$NS_TMP/w.txt")"
d=$(grep -Ec '^destroy +udp +192\.168\.1\.10:' "$NS_TMP/w.txt")
assert_eq "a destroy line per deleted flow" "$N" "$d"
assert_match "summary line" "^$((N + 10)) events, 0 overruns" "$(tail -n 1 "$NS_TMP/w.txt")"
echo "PASS"

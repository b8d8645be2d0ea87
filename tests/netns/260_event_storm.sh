#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 260: an event storm.  `masqsh -j watch` either counts every event of
# many short-lived flows through the masquerading gateway or says it
# lost some ("overrun", then "resync") -- and in both cases keeps running:
#
#   1. 1500 UDP flows (answered, so NEW + UPDATE) and 300 TCP connections
#      that expire within seconds (the gateway's timeouts are lowered, so
#      the kernel's garbage collector sends the DESTROY events in bursts):
#      one "new" and one "destroy" per flow, or an overrun reported;
#   2. watch is stopped (SIGSTOP) while 60000 unanswered UDP flows go
#      through, so the kernel may have to drop events for it; after
#      SIGCONT it must print one "new" per flow, or "overrun" followed by
#      "resync" -- never fewer lines without saying so;
#   3. after each storm a marker flow still shows up (watch kept running),
#      and SIGTERM ends it with status 0;
#   4. masqtop (batch, following events) is stopped through the same storm
#      as watch; once resumed, its table must come back to exactly the
#      kernel's count (a resync that let stale events resurrect entries
#      would leave it high).  Skipped, saying so, without a masqtop binary.
#   5. the overrun forced: watch and masqtop with their event socket
#      pinned to 4 KiB (MASQSH_TEST_RCVBUF), stopped through 3000 flows,
#      MUST report the overrun and the resync, keep running (a marker
#      after it shows up), and masqtop's table comes back to the kernel's.
# No timing is asserted: waits are bounded, and only what was printed
# counts.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
# Short-lived flows: these timeouts are the gateway namespace's own.
for s in udp_timeout=2 udp_timeout_stream=2 tcp_timeout_time_wait=1 \
	tcp_timeout_close=1 tcp_timeout_fin_wait=1 tcp_timeout_last_ack=1 \
	tcp_timeout_close_wait=1; do
	ns_sysctl "$GW" "net.netfilter.nf_conntrack_$s"
done

# Resume a stopped watch before the common cleanup signals it.
STOPPED=
# shellcheck disable=SC2086
trap '[ -n "$STOPPED" ] && kill -CONT $STOPPED 2>/dev/null; ns_cleanup' EXIT

# flows KIND N ...: from C1, N flows, each from its own source port.
#   udp N PORT0: to the echo server 192.0.2.10:53, waiting for each answer
#   tcp N PORT0: connect to 192.0.2.10:80, read the answer, close
#   blind N: to 192.0.2.99:9 (nobody), from 192.168.1.10 and .11, ports
#            30000.. (no answer: one NEW event each)
flows() {
	ip netns exec "$C1" "$NS_PY" - "$@" <<'PY'
import socket, sys
kind, n = sys.argv[1], int(sys.argv[2])
done = 0
if kind == "udp":
    p0 = int(sys.argv[3])
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("192.168.1.10", p0 + i))
        s.settimeout(2)
        for _ in range(3):
            s.sendto(b"x", ("192.0.2.10", 53))
            try:
                s.recv(100)
                done += 1
                break
            except socket.timeout:
                pass
        s.close()
elif kind == "tcp":
    p0 = int(sys.argv[3])
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("192.168.1.10", p0 + i))
        s.settimeout(3)
        try:
            s.connect(("192.0.2.10", 80))
            s.recv(100)
            done += 1
        except OSError:
            pass
        s.close()
else:
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("192.168.1.1%d" % (i % 2), 30000 + i // 2))
        s.sendto(b"x", ("192.0.2.99", 9))
        s.close()
        done += 1
print(done)
PY
}

# count_json FILE: "new destroy overrun resync" lines, and the distinct
# (src, sport) pairs of the new and the destroy lines, as "K=V" words.
count_json() {
	"$NS_PY" - "$1" <<'PY'
import json, sys
c = {"new": 0, "update": 0, "destroy": 0, "overrun": 0, "resync": 0}
new, gone = set(), set()
for line in open(sys.argv[1]):
    ev = json.loads(line)
    k = ev["event"]
    c[k] = c.get(k, 0) + 1
    if k == "new":
        new.add((ev["src"], ev["sport"]))
    elif k == "destroy":
        gone.add((ev["src"], ev["sport"]))
print(" ".join(f"{k}={v}" for k, v in c.items()),
      f"newflows={len(new)} goneflows={len(gone)}")
PY
}
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# wait_until SECS CMD...: poll CMD every 0.5 s for at most SECS seconds.
wait_until() {
	local n=$(($1 * 2))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.5
		n=$((n - 1))
	done
	return 1
}
gw_empty() { [ "$(ip netns exec "$GW" conntrack -C)" = 0 ]; }
has_marker() { grep -q "\"sport\":$1[,}]" "$2"; }

# --- 1. short-lived answered flows: every new and every destroy ---------
ct_flush
# (ip netns exec execs masqsh: $! is masqsh itself, for the signals)
ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -j -c 'watch src 192.168.1.0/24' \
	>"$NS_TMP/w1.json" 2>"$NS_TMP/w1.err" &
w1=$!
NS_PIDS+=("$w1")
sleep 1
U=1500 T=300
got_u=$(flows udp "$U" 20000)
got_t=$(flows tcp "$T" 40000)
echo "udp flows answered: $got_u/$U, tcp connections: $got_t/$T"
[ "$got_u" -gt 0 ] && [ "$got_t" -gt 0 ] || fail "the flows did not get through the gateway"
# Every flow ends by its (short) timeout: wait for the table to empty.
wait_until 90 gw_empty || fail "the gateway's table did not empty: $(ip netns exec "$GW" conntrack -C) left"
flows udp 1 19000 >/dev/null	# the marker
wait_until 20 has_marker 19000 "$NS_TMP/w1.json" ||
	fail "watch stopped reporting after the storm: $(tail -c 300 "$NS_TMP/w1.err")"
kill -0 "$w1" 2>/dev/null || fail "watch died: $(cat "$NS_TMP/w1.err")"
kill -TERM "$w1"
wait "$w1"; rc=$?
assert_eq "watch ends on SIGTERM with status 0" 0 "$rc"
c=$(count_json "$NS_TMP/w1.json") || fail "watch output is not NDJSON: $(head -c 300 "$NS_TMP/w1.json")"
echo "phase 1: $c"
flows1=$((U + T + 1))	# an unanswered try is a flow too
if [ "$(field overrun "$c")" = 0 ]; then
	# Nothing lost: every flow came and went exactly once.
	assert_eq "one new event per flow" "$flows1" "$(field new "$c")"
	assert_eq "new events name every flow" "$flows1" "$(field newflows "$c")"
	# The marker may still be alive.
	assert_in_range "one destroy per flow" $((flows1 - 1)) "$flows1" "$(field destroy "$c")"
	assert_in_range "destroy events name every flow" $((flows1 - 1)) "$flows1" "$(field goneflows "$c")"
else
	echo "phase 1: the kernel dropped events; checking the resync"
	[ "$(field resync "$c")" -ge 1 ] || fail "overrun without a resync"
fi

# --- 2. a stopped reader: every event, or the overrun said --------------
# Long enough that no blind flow ends before it is counted: the table then
# holds exactly one entry per NEW event.
ns_sysctl "$GW" net.netfilter.nf_conntrack_udp_timeout=60
ct_flush
ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -j -c 'watch dst 192.0.2.99' \
	>"$NS_TMP/w2.json" 2>"$NS_TMP/w2.err" &
w2=$!
NS_PIDS+=("$w2")
sleep 1
B=60000
MASQTOP=${MASQTOP:-$(dirname "$MASQSH")/masqtop}
tp=
if [ -x "$MASQTOP" ]; then
	ip netns exec "$GW" env MASQSH_DB="$NS_TMP/none/masq.db" "$MASQTOP" -b -a -j \
		--lines 1 -n 100000 -d 0.5 >"$NS_TMP/top.json" 2>"$NS_TMP/top.err" &
	tp=$!
	NS_PIDS+=("$tp")
	sleep 1
else
	echo "masqtop checks skipped: no $MASQTOP"
fi
kill -STOP "$w2" $tp
STOPPED="$w2 $tp"
sent=$(flows blind "$B")
inkernel=$(ip netns exec "$GW" conntrack -C)
kill -CONT "$w2" $tp
STOPPED=
echo "blind flows sent: $sent, entries in the gateway: $inkernel"
[ "$inkernel" -ge $((B / 2)) ] || fail "the storm did not reach the gateway ($inkernel entries)"
# Caught up: every flow printed, or the resync line is out.
caught_up() {
	grep -q '"event":"resync"' "$NS_TMP/w2.json" ||
		[ "$(grep -c '"event":"new"' "$NS_TMP/w2.json")" -ge "$inkernel" ]
}
wait_until 120 caught_up || fail "watch neither caught up nor reported an overrun: $(count_json "$NS_TMP/w2.json")"
# Markers (one a second, each its own flow) until watch prints one: a
# marker's event may itself be lost to a late overrun, a dead or stuck
# watch prints none.
marker() {
	ip netns exec "$C1" "$NS_PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.1.10", int(sys.argv[1])))
s.sendto(b"x", ("192.0.2.99", 9))' "$1"
}
# first_marker FROM TO FILE: markers from port FROM down to TO, one a
# second, until FILE shows one; its port in $seen ("" if none did).
first_marker() {
	local p
	seen=
	for p in $(seq "$1" -1 "$2"); do
		marker "$p"
		if wait_until 1 has_marker "$p" "$3"; then
			seen=$p
			return 0
		fi
	done
	return 1
}
first_marker 29999 29940 "$NS_TMP/w2.json"
[ -n "$seen" ] || fail "watch stopped reporting after the stopped storm: $(tail -c 300 "$NS_TMP/w2.err") $(tail -n 3 "$NS_TMP/w2.json")"
markers=$((29999 - seen + 1))
echo "watch printed marker $markers"
if [ -n "$tp" ]; then
	top_agrees() {
		local k
		k=$(ip netns exec "$GW" conntrack -C)
		tail -n 1 "$NS_TMP/top.json" | grep -q "\"shown\":$k,"
	}
	if ! wait_until 60 top_agrees; then
		fail "masqtop's table does not match the kernel's ($(ip netns exec "$GW" conntrack -C)): $(tail -n 1 "$NS_TMP/top.json" | head -c 300)"
	fi
	echo "ok: masqtop's table matches the kernel's after the storm" \
		"($(tail -n 1 "$NS_TMP/top.json" | sed 's/.*"overruns":\([0-9]*\).*/\1/') overruns)"
	kill -TERM "$tp"
	wait "$tp"; rc=$?
	assert_eq "masqtop ends on SIGTERM with status 0" 0 "$rc"
fi
kill -TERM "$w2"
wait "$w2"; rc=$?
assert_eq "watch ends on SIGTERM with status 0 after the storm" 0 "$rc"
c=$(count_json "$NS_TMP/w2.json") || fail "watch output is not NDJSON"
echo "phase 2: $c"
if [ "$(field overrun "$c")" = 0 ]; then
	echo "phase 2: no overrun (the receive buffer held the storm)"
	assert_in_range "one new event per blind flow (+ markers)" $((inkernel + 1)) $((inkernel + markers)) "$(field newflows "$c")"
else
	echo "phase 2: overrun reported and resynchronised"
	[ "$(field resync "$c")" -ge 1 ] || fail "overrun without a resync"
	# The resync re-read the table: its entry count is the kernel's
	# (nothing expires meanwhile; markers may be in it or not).
	r=$(grep '"event":"resync"' "$NS_TMP/w2.json" | tail -n 1 |
		sed 's/.*"entries":\([0-9]*\).*/\1/')
	assert_in_range "the resync read the whole table" "$inkernel" $((inkernel + markers)) "$r"
	ov=$(grep -n '"event":"overrun"' "$NS_TMP/w2.json" | head -n 1 | cut -d: -f1)
	rs=$(grep -n '"event":"resync"' "$NS_TMP/w2.json" | head -n 1 | cut -d: -f1)
	[ "$ov" -lt "$rs" ] || fail "resync before the overrun was reported"
fi
# --- 3. the overrun forced: a 4 KiB socket cannot hold 3000 events -----
ct_flush
ip netns exec "$GW" env MASQSH_TEST_RCVBUF=4096 "$MASQSH" --db "$NS_TMP/masq.db" \
	-j -c 'watch dst 192.0.2.99' >"$NS_TMP/w3.json" 2>"$NS_TMP/w3.err" &
w3=$!
NS_PIDS+=("$w3")
tp3=
if [ -x "$MASQTOP" ]; then
	ip netns exec "$GW" env MASQSH_TEST_RCVBUF=4096 \
		MASQSH_DB="$NS_TMP/none/masq.db" "$MASQTOP" -b -a -j \
		--lines 1 -n 100000 -d 0.5 >"$NS_TMP/top3.json" 2>"$NS_TMP/top3.err" &
	tp3=$!
	NS_PIDS+=("$tp3")
fi
sleep 1
kill -STOP "$w3" $tp3
STOPPED="$w3 $tp3"
flows blind 3000 >/dev/null
inkernel=$(ip netns exec "$GW" conntrack -C)
kill -CONT "$w3" $tp3
STOPPED=
resynced() { grep -q '"event":"resync"' "$NS_TMP/w3.json"; }
wait_until 60 resynced ||
	fail "a 4 KiB event socket and 3000 flows: no overrun/resync said: $(count_json "$NS_TMP/w3.json")"
first_marker 29899 29870 "$NS_TMP/w3.json"
[ -n "$seen" ] || fail "watch stopped reporting after the forced overrun: $(tail -c 300 "$NS_TMP/w3.err")"
c=$(count_json "$NS_TMP/w3.json") || fail "watch output is not NDJSON"
echo "phase 3: $c ($inkernel entries)"
[ "$(field overrun "$c")" -ge 1 ] || fail "resync without an overrun said"
if [ -n "$tp3" ]; then
	top3_agrees() {
		local k
		k=$(ip netns exec "$GW" conntrack -C)
		tail -n 1 "$NS_TMP/top3.json" | grep -q "\"shown\":$k," &&
			tail -n 1 "$NS_TMP/top3.json" | grep -q '"overruns":[1-9]'
	}
	wait_until 60 top3_agrees ||
		fail "masqtop after a forced overrun: $(tail -n 1 "$NS_TMP/top3.json" | head -c 300)"
	echo "ok: masqtop said the overrun and its table matches the kernel's"
	kill -TERM "$tp3"
	wait "$tp3"; rc=$?
	assert_eq "masqtop ends on SIGTERM with status 0 after the forced overrun" 0 "$rc"
fi
kill -TERM "$w3"
wait "$w3"; rc=$?
assert_eq "watch ends on SIGTERM with status 0 after the forced overrun" 0 "$rc"
echo "PASS"

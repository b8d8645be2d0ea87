#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 350: `masqsh engine`, the service, on the real kernel.
#   - at start it applies the stored rules (the kernel's table shows them);
#   - a second engine on the same database, or in the same network
#     namespace with another database, refuses to start;
#   - (a) the uplink address changes under it (del old, add new): `detect`
#     is re-applied to the new address (nft list table, and a new flow is
#     translated to it) and the conntrack entries translated to the old one
#     are deleted (untranslated ones stay), and it logs that;
#   - (b) a burst of thousands of short UDP flows from one LAN host through
#     a rule with 'ports 20000-20099' raises a port-budget alert naming that
#     host in `show alerts -j`; the time from the start of the burst to the
#     alert is printed.  The only timing bound is 10 s: issue 4 asks for the
#     alert "within seconds" (checks run every 2 s);
#   - (c) SIGTERM ends it with status 0, the rules stay loaded and the
#     alerts stay active; a new engine takes them over (same alert ids, no
#     second row, no second "alert" log line); when the condition goes away
#     (table flushed) the alert is cleared and kept as history;
#   - staged rules nobody applied are not applied on an address change (an
#     "apply" alert instead), and an apply by the admin clears it;
#   - SIGINT ends it with status 0 too;
#   - a start-up apply that fails keeps its alert (the revision from before
#     the start is not taken for what the kernel runs) and is retried;
#   - without the permission it exits at once with status 3.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
DB=$NS_TMP/masq.db
ENG=""

run gw_masqsh -c 'masq add out wan0 from 192.168.1.10 proto udp dport 5353 snat detect ports 20000-20099' \
	-c 'masq add out wan0 from 192.168.1.0/24 snat detect'

now_ms() { date +%s%3N; }

# wait_for WHAT SECS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local what=$1 secs=$2 t0
	shift 2
	t0=$(now_ms)
	while ! "$@" >/dev/null 2>&1; do
		[ $(($(now_ms) - t0)) -lt $((secs * 1000)) ] ||
			fail "$what: not within $secs s (engine log: $(cat "$NS_TMP/engine.log"))"
		sleep 0.1
	done
	echo "ok: $what after $(($(now_ms) - t0)) ms"
}

# engine_start LOG: run an engine on $DB in the gateway, logging to LOG.
engine_start() {
	ip netns exec "$GW" "$MASQSH" --db "$DB" engine nosyslog \
		</dev/null >"$NS_TMP/engine.out" 2>"$1" &
	ENG=$!
	NS_PIDS+=("$ENG")
}
# engine_stop SIG: send SIG, expect exit status 0.
engine_stop() {
	local rc=0 t0
	t0=$(now_ms)
	kill "-$1" "$ENG"
	wait "$ENG" || rc=$?
	ENG=""
	assert_eq "engine exit status after SIG$1" 0 "$rc"
	echo "stopped within $(($(now_ms) - t0)) ms"
}
alerts_js() { gw_masqsh -j -c "show alerts${1:+ $1}"; }
# count_rows KIND [all]: rows of KIND in `show alerts [all] -j`.
count_rows() {
	alerts_js "${2:-}" | "$NS_PY" -c '
import json, sys
print(sum(1 for a in json.load(sys.stdin) if a["kind"] == sys.argv[1]))' "$1"
}
# alert_id KIND: the id of the active alert of KIND ("" when none).
alert_id() {
	alerts_js | "$NS_PY" -c '
import json, sys
print(" ".join(str(a["id"]) for a in json.load(sys.stdin)
               if a["kind"] == sys.argv[1]))' "$1"
}

engine_start "$NS_TMP/engine.log"

# 1. the stored rules are applied at start.
wait_for "start-up apply logged" 5 grep -q 'applied 2 rules' "$NS_TMP/engine.log"
table=$(gw_nft list table ip masqsh)
assert_match "table applied at start: snat to the uplink address" \
	'snat (ip )?to 198\.51\.100\.2' "$table"
assert_match "kernel in sync with the stored rules after start" \
	'"in_sync":true' "$(gw_masqsh -j -c diff 2>&1)"

# 2. one engine per database and per network namespace.
out=$(timeout 10 ip netns exec "$GW" "$MASQSH" --db "$DB" engine nosyslog \
	</dev/null 2>&1); rc=$?
assert_eq "second engine: exit status" 1 "$rc"
assert_match "second engine: says why" "already running" "$out"
out=$(ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/other.db" engine nosyslog \
	</dev/null 2>&1); rc=$?
assert_eq "engine on another database, same namespace: exit status" 1 "$rc"
assert_match "... says why" "already running in this network namespace" "$out"
kill -0 "$ENG" 2>/dev/null || fail "the first engine died: $(cat "$NS_TMP/engine.log")"

# 3. the uplink address changes under the running engine.
ct() { ip netns exec "$GW" conntrack "$@"; }
for i in 1 2 3 4 5; do
	ct -I -s 192.168.1.10 -d 192.0.2.10 -p tcp --sport $((41000 + i)) \
		--dport 80 --state ESTABLISHED -t 600 --src-nat 198.51.100.2 \
		>/dev/null 2>&1 || fail "conntrack -I (snat) failed"
	ct -I -s 192.168.2.10 -d 192.0.2.10 -p tcp --sport $((42000 + i)) \
		--dport 80 --state ESTABLISHED -t 600 >/dev/null 2>&1 ||
		fail "conntrack -I (no nat) failed"
done
old_n() { ct -L --src-nat -q 198.51.100.2 2>/dev/null | grep -c .; }
assert_eq "entries translated to the old address" 5 "$(old_n)"
t0=$(now_ms)
ip -n "$GW" addr del 198.51.100.2/24 dev wan0
ip -n "$GW" addr add 198.51.100.3/24 dev wan0
ip -n "$GW" route add default via 198.51.100.1
no_old() { [ "$(old_n)" = 0 ]; }
wait_for "entries on the old address deleted" 5 no_old
new_snat() { gw_nft list table ip masqsh | grep -Eq 'snat (ip )?to 198\.51\.100\.3'; }
wait_for "detect re-applied to the new address" 5 new_snat
echo "address change handled within $(($(now_ms) - t0)) ms"
table=$(gw_nft list table ip masqsh)
assert_eq "old address gone from the table" "" \
	"$(printf '%s\n' "$table" | grep '198\.51\.100\.2' || true)"
assert_eq "untranslated entries kept" 5 \
	"$(ct -L -s 192.168.2.10 -p tcp 2>/dev/null | grep -c .)"
assert_match "engine logged the deletion" \
	'198\.51\.100\.2 left wan0: deleted 5 conntrack entries' \
	"$(cat "$NS_TMP/engine.log")"
expect_nat "flow after the change" "$C1" 192.168.1.11 udp 192.0.2.10 53 198.51.100.3

# 4. a burst of short UDP flows from one host through 'ports 20000-20099'.
ct_flush
ip -n "$GW" addr add 203.0.113.99/24 dev lan2 # unrelated: must not matter
t0=$(now_ms)
ip netns exec "$C1" "$NS_PY" - <<'PY' &
import socket
for i in range(3000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("192.168.1.10", 0))
    s.sendto(b"x", ("192.0.2.10", 5353))
    s.close()
PY
burst=$!
alert_up() {
	gw_masqsh -j -c 'show alerts' | grep -q '"kind":"port-budget".*"host":"192.168.1.10"'
}
wait_for "port-budget alert naming 192.168.1.10" 10 alert_up
echo "alert after $(($(now_ms) - t0)) ms from the start of the burst"
wait "$burst"
js=$(gw_masqsh -j -c 'show alerts')
echo "$js"
assert_match "alert key: external address, proto, destination" \
	'"key":"198\.51\.100\.3 udp 192\.0\.2\.10:5353"' "$js"
assert_match "alert message: budget of 100" 'of 100 used' "$js"
txt=$(gw_masqsh -c 'show alerts')
assert_match "text listing names the host" 'port-budget +192\.168\.1\.10' "$txt"

# 5. (c) stop and start: rules stay, alerts are taken over, not repeated.
budget_id=$(alert_id port-budget)
insert_id=$(alert_id insert-failed)
[ -n "$budget_id" ] || fail "no active port-budget alert id"
engine_stop TERM
assert_match "rules stay loaded after stop" 'snat (ip )?to 198\.51\.100\.3' \
	"$(gw_nft list table ip masqsh)"
assert_eq "alert still active after stop" "$budget_id" "$(alert_id port-budget)"
assert_eq "engine 1 logged the port-budget alert once" 1 \
	"$(grep -c 'alert port-budget:' "$NS_TMP/engine.log")"

engine_start "$NS_TMP/engine2.log"
wait_for "second engine's first check" 10 grep -q 'first check:' "$NS_TMP/engine2.log"
cat "$NS_TMP/engine2.log"
# the kernel runs what the database holds: no new revision on a restart
assert_match "start-up finds nothing to apply" \
	'nothing to apply: revision [0-9]+ is running \(start\)' \
	"$(cat "$NS_TMP/engine2.log")"
assert_match "rules loaded after restart" 'snat (ip )?to 198\.51\.100\.3' \
	"$(gw_nft list table ip masqsh)"
assert_eq "same port-budget alert after restart" "$budget_id" "$(alert_id port-budget)"
assert_eq "one port-budget row in the history" 1 "$(count_rows port-budget all)"
if [ -n "$insert_id" ]; then
	assert_eq "same insert-failed alert after restart" "$insert_id" \
		"$(alert_id insert-failed)"
	assert_eq "one insert-failed row in the history" 1 \
		"$(count_rows insert-failed all)"
else
	echo "note: the kernel reported no insert failures; insert-failed not checked"
fi
assert_eq "engine 2 raised nothing new" 0 \
	"$(grep -c 'alert [a-z-]*:' "$NS_TMP/engine2.log")"

# 6. the condition goes away: the alert is cleared and kept as history.
ct_flush
budget_gone() { [ "$(count_rows port-budget)" = 0 ]; }
wait_for "port-budget alert cleared after the table was flushed" 10 budget_gone
assert_match "history keeps the cleared alert" \
	"\"id\":$budget_id,\"raised_at\":[0-9]+,\"cleared_at\":[0-9]+,\"active\":false,\"kind\":\"port-budget\"" \
	"$(alerts_js all)"
assert_match "engine 2 logged the clearing" 'cleared port-budget alert' \
	"$(cat "$NS_TMP/engine2.log")"

# 7. staged edits nobody applied are not applied behind the admin's back:
# an address change then raises an "apply" alert and leaves the kernel be;
# the admin's own apply (followed by the engine) clears it.
gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24 snat detect' >/dev/null
ip -n "$GW" addr del 198.51.100.3/24 dev wan0
ip -n "$GW" addr add 198.51.100.4/24 dev wan0
apply_alert() { [ "$(count_rows apply)" = 1 ]; }
wait_for "apply alert for staged rules not applied" 10 apply_alert
assert_match "... says why" 'staged rules differ from the applied revision' \
	"$(alerts_js)"
assert_eq "kernel not changed behind the admin's back" "" \
	"$(gw_nft list table ip masqsh | grep -E '192\.168\.2\.0|198\.51\.100\.4' || true)"
gw_masqsh -c apply >/dev/null
no_apply_alert() { [ "$(count_rows apply)" = 0 ]; }
wait_for "apply alert cleared after the admin's apply" 10 no_apply_alert
assert_match "engine follows the admin's revision" 'following revision' \
	"$(cat "$NS_TMP/engine2.log")"

# 8. SIGINT: exit 0, rules stay.
engine_stop INT
assert_match "rules stay loaded after SIGINT" 'snat (ip )?to 198\.51\.100\.4' \
	"$(gw_nft list table ip masqsh)"

# 9. after a "reboot" (no table) with the detect interface still without
# an address, the start-up apply fails: its "apply" alert must outlive the
# first check (the revision from before the start is not what the kernel
# runs, so it is not "followed"), and the apply is retried when the
# address comes.
gw_nft delete table ip masqsh
ip -n "$GW" addr del 198.51.100.4/24 dev wan0
engine_start "$NS_TMP/engine3.log"
wait_for "third engine's first check" 10 grep -q 'first check:' "$NS_TMP/engine3.log"
assert_eq "failed start-up apply: alert kept after the first check" 1 \
	"$(count_rows apply)"
ip -n "$GW" addr add 198.51.100.5/24 dev wan0
snat5() { gw_nft list table ip masqsh | grep -Eq 'snat (ip )?to 198\.51\.100\.5'; }
wait_for "start-up apply retried when the address came" 10 snat5
wait_for "apply alert cleared by the retried apply" 10 no_apply_alert
engine_stop TERM

# 10. without the permission (not root) it stops at once with status 3
# instead of retrying for ever.
if command -v setpriv >/dev/null 2>&1; then
	# $NS_TMP is private (0700): a directory nobody may use
	nb=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-nobody.XXXXXX")
	chmod 777 "$nb"
	rc=0
	out=$(timeout 10 ip netns exec "$GW" setpriv --reuid=65534 \
		--regid=65534 --clear-groups "$MASQSH" \
		--db "$nb/masq.db" engine nosyslog </dev/null 2>&1) || rc=$?
	rm -rf "$nb"
	echo "$out"
	assert_eq "engine without permission: exit status" 3 "$rc"
	assert_match "... says what it needs" 'CAP_NET_ADMIN' "$out"
else
	echo "note: setpriv missing; the non-root start is not checked"
fi
echo "PASS"

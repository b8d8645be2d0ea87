#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 150: the lifecycle around apply.  'apply confirm SECS' without 'confirm':
# the detached timer puts the previous table (and staged rules) back by
# itself after masqsh has exited; with 'confirm' the new table stays;
# 'rollback' goes back (and a second one forward again); a rollback that
# cannot compile changes neither the kernel nor the staged rules;
# 'revisions' lists it all; 'export nft' loads with 'nft -f' into a fresh
# namespace and lists there exactly as 'show compiled'.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.3/24

kernel() { gw_nft list table ip masqsh; }
staged() { gw_masqsh -c 'masq list'; }

# wait_status REV STATUS: up to 15 s for revision REV to reach STATUS.
wait_status() {
	local i=0
	while [ $i -lt 150 ]; do
		gw_masqsh -j -c revisions | grep -q "\"id\":$1,[^}]*\"status\":\"$2\"" &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	gw_masqsh -c revisions
	fail "revision $1 did not become $2"
}

# newest_rev: the id of the newest revision.
newest_rev() {
	gw_masqsh -j -c revisions | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2
}

# stop_timer REV: stop the confirm timer of revision REV, by its pid (found
# among the gateway's processes), so that nothing reverts it by itself.
stop_timer() {
	local p
	for p in $(ip netns pids "$GW"); do
		case $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) in
		*"__confirm-timer $1"*) kill "$p" ;;
		esac
	done
}

# 1. Revision 1: plain masquerade.
run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
kernel >"$NS_TMP/k1"
staged >"$NS_TMP/s1"
expect_nat "rev 1" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

# 2. apply confirm 4, no confirm: reverts by itself.
run gw_masqsh -c 'masq del 1' \
	-c 'masq add out wan0 from 192.168.1.0/24 snat 198.51.100.3'
gw_masqsh -c 'apply confirm 4' >"$NS_TMP/out" 2>&1 ||
	fail "apply confirm: $(cat "$NS_TMP/out")"
# masqsh has exited; the timer is a detached process in the gateway's
# namespace
assert_match "a confirm timer runs" '__confirm-timer 2' \
	"$(ps -o args= -p "$(ip netns pids "$GW" | tr '\n' ',' | sed 's/,$//')" 2>/dev/null)"
cat "$NS_TMP/out"
assert_match "apply confirm says it is pending" "pending: run 'confirm' by" \
	"$(cat "$NS_TMP/out")"
assert_match "revisions: 2 pending" '"id":2,[^}]*"status":"pending"' \
	"$(gw_masqsh -j -c revisions)"
expect_nat "pending rev 2 runs" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.3
wait_status 2 reverted
kernel >"$NS_TMP/k3"
staged >"$NS_TMP/s3"
assert_same_text "kernel back to revision 1's table" "$NS_TMP/k1" "$NS_TMP/k3"
assert_same_text "staged rules back to revision 1's" "$NS_TMP/s1" "$NS_TMP/s3"
expect_nat "after the revert" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
assert_match "revert recorded as revision 3" \
	'"id":3,[^}]*"status":"applied"[^}]*"origin":"revert of 2 \(not confirmed\)"' \
	"$(gw_masqsh -j -c revisions)"
rc=0
gw_masqsh -c confirm >"$NS_TMP/out" 2>&1 || rc=$?
assert_eq "confirm with nothing pending fails" 1 "$rc"
assert_match "and says why" 'nothing to confirm' "$(cat "$NS_TMP/out")"

# 3. apply confirm 2 + confirm: stays past the deadline.
run gw_masqsh -c 'masq del 1' \
	-c 'masq add out wan0 from 192.168.1.0/24 snat 198.51.100.3' \
	-c 'apply confirm 2' -c confirm
kernel >"$NS_TMP/k4"
sleep 3.5
kernel >"$NS_TMP/k4b"
assert_same_text "confirmed table stays after the deadline" "$NS_TMP/k4" "$NS_TMP/k4b"
assert_match "revision 4 confirmed" '"id":4,[^}]*"status":"confirmed"' \
	"$(gw_masqsh -j -c revisions)"
expect_nat "confirmed rev 4" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.3

# 4. rollback (default: the newest older revision with other rules = 3,
#    whose table is revision 1's), then rollback again toggles to 4's.
run gw_masqsh -c rollback
kernel >"$NS_TMP/k5"
assert_same_text "rollback: revision 1's table again" "$NS_TMP/k1" "$NS_TMP/k5"
expect_nat "after rollback" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
run gw_masqsh -c rollback
kernel >"$NS_TMP/k6"
assert_same_text "second rollback: revision 4's table (same rule ids)" \
	"$NS_TMP/k4" "$NS_TMP/k6"
run gw_masqsh -c 'rollback 1'
kernel >"$NS_TMP/k7"
assert_same_text "rollback 1: revision 1's table" "$NS_TMP/k1" "$NS_TMP/k7"

# 5. A rollback that cannot be compiled changes nothing.
ip -n "$GW" link add noaddr0 type veth peer name noaddr1 ||
	fail "cannot create a veth pair in the gateway"
ip -n "$GW" link set noaddr0 up
ip -n "$GW" addr add 10.77.0.1/24 dev noaddr0
run gw_masqsh -c 'masq add out noaddr0 from 192.168.2.0/24 snat detect' -c apply
bad=$(newest_rev)
run gw_masqsh -c 'rollback 1'
ip -n "$GW" addr del 10.77.0.1/24 dev noaddr0
kernel >"$NS_TMP/k8"
staged >"$NS_TMP/s8"
gw_masqsh -j -c revisions >"$NS_TMP/r8"
rc=0
gw_masqsh -c "rollback $bad" >"$NS_TMP/out" 2>&1 || rc=$?
cat "$NS_TMP/out"
assert_eq "rollback to an uncompilable revision fails" 1 "$rc"
kernel >"$NS_TMP/k9"
staged >"$NS_TMP/s9"
gw_masqsh -j -c revisions >"$NS_TMP/r9"
assert_same_text "kernel unchanged" "$NS_TMP/k8" "$NS_TMP/k9"
assert_same_text "staged rules unchanged" "$NS_TMP/s8" "$NS_TMP/s9"
assert_same_text "no revision recorded" "$NS_TMP/r8" "$NS_TMP/r9"

# 6. The engine reverts too: the timer is stopped (by its pid, found
#     among the gateway's processes), 'masqsh engine' runs.
kernel >"$NS_TMP/k10"
run gw_masqsh -c 'masq add out wan0 from 10.9.0.0/16' -c 'apply confirm 2'
pend=$(newest_rev)
stop_timer "$pend"
ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" engine interval 1 \
	nosyslog 2>"$NS_TMP/engine.log" &
eng=$!
NS_PIDS+=("$eng")
wait_status "$pend" reverted
kill "$eng"
wait "$eng" 2>/dev/null
cat "$NS_TMP/engine.log"
assert_match "the engine says it reverted" \
	"revision $pend was not confirmed in time: reverted" \
	"$(cat "$NS_TMP/engine.log")"
kernel >"$NS_TMP/k4c"
assert_same_text "engine revert: the table before it" "$NS_TMP/k10" "$NS_TMP/k4c"

# 6b. A confirm after the deadline, with no timer and no engine to revert:
#     it is refused as too late and reverts there and then.
kernel >"$NS_TMP/k11"
# (3 s, not 1: the timer must still be there when stop_timer looks for
# it, which on a loaded machine took longer than a second)
run gw_masqsh -c 'masq add out wan0 from 10.10.0.0/16' -c 'apply confirm 3'
pend=$(newest_rev)
stop_timer "$pend"
sleep 4
assert_match "still pending without a timer" \
	"\"id\":$pend,[^}]*\"status\":\"pending\"" \
	"$(gw_masqsh -j -c revisions)"
rc=0
gw_masqsh -c confirm >"$NS_TMP/out" 2>&1 || rc=$?
assert_eq "late confirm fails" 1 "$rc"
assert_match "and says it is too late" 'too late' "$(cat "$NS_TMP/out")"
assert_match "the late one is reverted" \
	"\"id\":$pend,[^}]*\"status\":\"reverted\"" \
	"$(gw_masqsh -j -c revisions)"
kernel >"$NS_TMP/k12"
assert_same_text "late confirm: the table before it" "$NS_TMP/k11" "$NS_TMP/k12"

# 7. The listing.
gw_masqsh -c revisions >"$NS_TMP/list"
cat "$NS_TMP/list"
assert_match "text header" '^  REV  APPLIED +RULES  STATUS +BY +WHAT' \
	"$(head -1 "$NS_TMP/list")"
assert_match "newest marked" '^\* +[0-9]+ ' "$(sed -n 2p "$NS_TMP/list")"
assert_match "rollback origin" 'rollback to 1' "$(cat "$NS_TMP/list")"
assert_eq "one line per revision" \
	"$(gw_masqsh -j -c revisions | grep -o '"id":' | wc -l)" \
	"$(($(wc -l <"$NS_TMP/list") - 1))"

# 8. export nft: loads with nft -f into a fresh namespace and lists there
#    exactly as 'show compiled' prints.
# A timeout policy of nothing but defaults is listed "policy = {  }",
# which nft cannot load: the export must still load.
run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24 proto tcp dport 443 snat 198.51.100.3' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'masq add out wan0 from 192.168.3.0/24 proto udp timeout udp-unreplied=30'
gw_masqsh -c 'export nft' >"$NS_TMP/export.nft" || fail "export nft"
gw_masqsh -c 'show compiled' >"$NS_TMP/compiled" || fail "show compiled"
cat "$NS_TMP/export.nft"
fresh=${NS_PREFIX}fresh
ns_add "$fresh"
ip netns exec "$fresh" nft -f "$NS_TMP/export.nft" ||
	fail "nft -f refused the export"
ip netns exec "$fresh" nft list table ip masqsh >"$NS_TMP/fresh"
assert_same_text "export nft loaded = show compiled" "$NS_TMP/compiled" "$NS_TMP/fresh"
ip netns exec "$fresh" nft -f "$NS_TMP/export.nft" ||
	fail "nft -f refused the export a second time"
ip netns exec "$fresh" nft list table ip masqsh >"$NS_TMP/fresh2"
assert_same_text "loading it twice replaces, not appends" "$NS_TMP/compiled" "$NS_TMP/fresh2"
echo "150: all good"

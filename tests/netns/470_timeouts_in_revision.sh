#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 470: the conntrack timeouts go in and out with the rules, in the apply
# transaction (issue 11).
#   - an apply records the stored timeouts with its revision; a change of
#     the timeouts alone is a new revision, not "nothing to apply";
#   - 'rollback N' puts revision N's timeouts back in the kernel and in
#     the settings, and a revision applied without masqsh timeouts gets
#     the values from before masqsh changed them ('timeouts reset');
#     a bare 'rollback' counts a timeouts-only change as a change;
#   - the revert of an unconfirmed 'apply confirm' restores the timeouts
#     of the revision before;
#   - an apply or a rollback that the kernel refuses leaves the timeouts
#     as they were (the ones written before the batch are put back), the
#     table, the staged rules and the revisions too.
# The kernel refuses a batch when another process owns a table named like
# ours (nft's 'flags owner', held open by an 'nft -i' of ours), as in 100.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

P=/proc/sys/net/netfilter
est() { ip netns exec "$GW" cat "$P/nf_conntrack_tcp_timeout_established"; }
udp() { ip netns exec "$GW" cat "$P/nf_conntrack_udp_timeout"; }
both() { echo "$(est) $(udp)"; }
newest() { gw_masqsh -j -c revisions | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2; }
# the masqsh setting of state $1 in show timeouts -j ("null" when none)
setting() {
	gw_masqsh -j -c 'show timeouts' | "$NS_PY" -c '
import json, sys
for t in json.load(sys.stdin):
    if t["name"] == sys.argv[1]:
        print("null" if t["setting"] is None else t["setting"])' "$1"
}
# try CMD..: run it; its output in $OUT, its exit status in $RC
try() { OUT=$("$@" 2>&1); RC=$?; }

# 1. Revision 1: rules, no masqsh timeouts.  The values before masqsh.
run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
before=$(both)
echo "kernel timeouts before masqsh: $before"

# 2. Timeouts alone: a new revision that keeps them.
run gw_masqsh -c 'timeouts set tcp 7200 udp 60'
try gw_masqsh -c apply
echo "$OUT"
assert_eq "apply after timeouts set: exit status" 0 "$RC"
assert_match "a new revision, not 'nothing to apply'" \
	'applied 1 rules .* as revision 2' "$OUT"
assert_match "it says it set them" 'set 3 stored conntrack timeouts' "$OUT"
assert_eq "rev 2: kernel" "7200 60" "$(both)"
gw_nft list table ip masqsh >"$NS_TMP/k2"

# 3. Revision 3: other rules and other timeouts.
run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24' \
	-c 'timeouts set tcp 3600 udp 30' -c apply
assert_eq "rev 3 is the newest" 3 "$(newest)"
assert_eq "rev 3: kernel" "3600 30" "$(both)"
gw_nft list table ip masqsh >"$NS_TMP/k3"

# 4. rollback 2: its rules and its timeouts, in the kernel and stored.
run gw_masqsh -c 'rollback 2'
assert_eq "rollback 2: kernel timeouts" "7200 60" "$(both)"
assert_eq "rollback 2: stored setting" 7200 "$(setting tcp-established)"
gw_nft list table ip masqsh >"$NS_TMP/k4"
assert_same_text "rollback 2: revision 2's table" "$NS_TMP/k2" "$NS_TMP/k4"

# 5. rollback 1: applied without masqsh timeouts, so the values found
#    before masqsh changed them come back and the settings go.
run gw_masqsh -c 'rollback 1'
assert_eq "rollback 1: kernel timeouts as before masqsh" "$before" "$(both)"
assert_eq "rollback 1: no masqsh setting" null "$(setting tcp-established)"
assert_eq "rollback 1: no masqsh setting (udp)" null "$(setting udp-unreplied)"

# 6. rollback 3, then a bare rollback counts timeouts-only changes.
run gw_masqsh -c 'rollback 3'
assert_eq "rollback 3: kernel timeouts" "3600 30" "$(both)"
run gw_masqsh -c 'timeouts set udp 45' -c apply
assert_eq "udp 45 applied" "3600 45" "$(both)"
t45=$(newest)
run gw_masqsh -c rollback
assert_eq "bare rollback: the revision before (udp 30)" "3600 30" "$(both)"
run gw_masqsh -c rollback
assert_eq "bare rollback again: back to udp 45" "3600 45" "$(both)"
assert_eq "the toggle re-applied revision $t45's settings" 45 \
	"$(setting udp-unreplied)"

# 7. An unconfirmed apply is reverted with its timeouts.
run gw_masqsh -c 'timeouts set tcp 100' -c 'apply confirm 2'
assert_eq "pending: kernel" "100 45" "$(both)"
pend=$(newest)
i=0
until gw_masqsh -j -c revisions | grep -q "\"id\":$pend,[^}]*\"status\":\"reverted\""; do
	[ $((i += 1)) -le 150 ] || fail "revision $pend was not reverted"
	sleep 0.1
done
assert_eq "after the revert: the timeouts before it" "3600 45" "$(both)"
assert_eq "after the revert: stored too" 3600 "$(setting tcp-established)"

# 8. Refused by the kernel: the timeouts stay as they were.
mkfifo "$NS_TMP/owner.in"
ip netns exec "$GW" nft -i <"$NS_TMP/owner.in" >"$NS_TMP/owner.out" 2>&1 &
owner=$!
NS_PIDS+=("$owner")
exec 9>"$NS_TMP/owner.in"
echo 'add table ip6 masqsh { flags owner; }' >&9
i=0
until gw_nft list table ip6 masqsh 2>/dev/null | grep -q owner; do
	[ $((i += 1)) -le 40 ] ||
		skip "nft cannot make an owner table here ('flags owner'), which this test needs to make the kernel refuse a batch"
	sleep 0.05
done
# someone else changed one: the kernel's value is not masqsh's
ip netns exec "$GW" sh -c "echo 999 > $P/nf_conntrack_tcp_timeout_established"
gw_nft list table ip masqsh >"$NS_TMP/k8"
gw_masqsh -c 'masq list' >"$NS_TMP/s8"
gw_masqsh -j -c revisions >"$NS_TMP/r8"
try gw_masqsh -c 'masq add out wan0 from 192.168.3.0/24'
added=$(printf '%s' "$OUT" | sed -n 's/^added masq rule \([0-9]*\) .*/\1/p')
[ -n "$added" ] || fail "masq add: $OUT"
try gw_masqsh -c apply
echo "$OUT"
assert_ne "refused apply: exit status" 0 "$RC"
assert_match "refused apply: the kernel's reason" 'another process owns' "$OUT"
assert_eq "refused apply: timeouts as they were" "999 45" "$(both)"
run gw_masqsh -c "masq del $added"
gw_masqsh -c 'masq list' >"$NS_TMP/s8b"
assert_same_text "staged rules as before" "$NS_TMP/s8" "$NS_TMP/s8b"
try gw_masqsh -c 'rollback 2'
echo "$OUT"
assert_ne "refused rollback: exit status" 0 "$RC"
assert_eq "refused rollback: timeouts as they were" "999 45" "$(both)"
assert_eq "refused rollback: stored setting as it was" 3600 \
	"$(setting tcp-established)"
gw_masqsh -c 'masq list' >"$NS_TMP/s8c"
assert_same_text "refused rollback: staged rules as before" \
	"$NS_TMP/s8" "$NS_TMP/s8c"
gw_nft list table ip masqsh >"$NS_TMP/k8b"
assert_same_text "the table as before" "$NS_TMP/k8" "$NS_TMP/k8b"
gw_masqsh -j -c revisions >"$NS_TMP/r8b"
assert_same_text "no revision recorded" "$NS_TMP/r8" "$NS_TMP/r8b"
exec 9>&-		# nft -i ends; its owner table goes with it
wait "$owner" 2>/dev/null

# Once the obstacle is gone the same rollback works.
run gw_masqsh -c 'rollback 2'
assert_eq "rollback 2 at last: kernel timeouts" "7200 60" "$(both)"
echo "PASS"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 100: a rejected apply leaves the running ruleset exactly as it was.
# A good ruleset is applied; then rule sets the parser accepts but the
# kernel (or the compiler) refuses are applied: each apply must fail with a
# message, the whole ruleset must stay byte-identical and traffic must
# still be translated.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
# An interface without an address, for 'snat detect'.
ip -n "$GW" link add noaddr0 type veth peer name noaddr1 ||
	fail "cannot create a veth pair in the gateway"
ip -n "$GW" link set noaddr0 up

good='masq add out wan0 from 192.168.1.0/24'
run gw_masqsh -c "$good" -c apply
expect_nat "before" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24'

# refused_apply WHAT: apply the staged rules (good + lan2), which must fail
# with a message and leave the whole ruleset and the traffic as they were.
refused_apply() {
	local rc=0
	gw_nft list ruleset >"$NS_TMP/before"
	gw_masqsh -c apply >"$NS_TMP/out" 2>&1 || rc=$?
	gw_nft list ruleset >"$NS_TMP/after"
	echo "apply with $1: exit $rc"; sed 's/^/  | /' "$NS_TMP/out"
	assert_in_range "$1: exit status of the refused apply" 1 4 "$rc"
	assert_match "$1: an error message" '[[:alpha:]]' "$(cat "$NS_TMP/out")"
	assert_same_text "$1: ruleset unchanged" "$NS_TMP/before" "$NS_TMP/after"
	expect_nat "$1: lan1 still translated" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
	expect_untranslated "$1: lan2 rule not loaded" "$C2" 192.168.2.10 tcp 192.0.2.10 80
}

# 1. The kernel refuses the batch: another program owns a table named
#    like ours in the ip6 family (nft's 'flags owner', held open by an
#    'nft -i' of ours).  Every apply replaces both families, so the whole
#    batch is refused; the ip table stays as it was.
mkfifo "$NS_TMP/owner.in"
ip netns exec "$GW" nft -i <"$NS_TMP/owner.in" >"$NS_TMP/owner.out" 2>&1 &
owner=$!
NS_PIDS+=("$owner")
exec 9>"$NS_TMP/owner.in"
echo 'add table ip6 masqsh { flags owner; }' >&9
i=0
until gw_nft list table ip6 masqsh >/dev/null 2>&1; do
	[ $((i += 1)) -le 40 ] || break
	sleep 0.05
done
if gw_nft list table ip6 masqsh 2>/dev/null | grep -q owner; then
	refused_apply "a foreign owner of table ip6 masqsh"
	assert_match "the owner is named, seen in the kernel" \
		'another process owns a table named masqsh' "$(cat "$NS_TMP/out")"
else
	echo "note: this nft cannot make an owner table; kernel refusal not tested"
	cat "$NS_TMP/owner.out"
fi
exec 9>&-		# nft -i ends; its owner table goes with it
wait "$owner" 2>/dev/null

# 2. The compiler refuses: a 'detect' rule on an interface without an
#    address (checked at apply time, against the live interfaces).
run gw_masqsh -c 'masq add out noaddr0 from 192.168.2.0/24 snat detect'
refused_apply "detect on an interface without an address"
assert_match "the rule is named" 'noaddr0|rule' "$(cat "$NS_TMP/out")"

# Once the obstacles are gone the same rules apply.
run gw_masqsh -c 'masq del 3' -c apply
expect_nat "afterwards: lan2 translated" "$C2" 192.168.2.10 tcp 192.0.2.10 80 198.51.100.2

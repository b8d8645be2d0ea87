#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 531: a bare 'rollback' goes back to the rules that ran before the
# current ones, also when the current ones were never recorded.  That is
# the state an apply killed between the kernel's commit and the store's
# COMMIT leaves (530 reaches it by chance); here it is made on purpose:
# the staged rules' table is loaded with nft, bypassing the record.
# Before the fix, 'rollback' skipped the newest revision -- the rules that
# ran just before -- and went back two steps.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
GW=${NS_PREFIX}-rbdrift
ns_add "$GW"
ip -n "$GW" link add wan0 type veth peer name wan1 || fail "veth"

# The networks our table translates, sorted, from the kernel.
kernel_nets() {
	gw_nft list table ip masqsh 2>/dev/null |
		grep -o 'saddr 10\.[0-9.]*/24' | awk '{print $2}' | sort | tr '\n' ' '
}

run gw_masqsh -c 'masq add out wan0 from 10.1.0.0/24' -c 'apply replace'
run gw_masqsh -c 'masq add out wan0 from 10.2.0.0/24' -c apply
assert_eq "revision 2 runs" "10.1.0.0/24 10.2.0.0/24 " "$(kernel_nets)"

# The interrupted apply: a third rule reaches the kernel, no record.
run gw_masqsh -c 'masq add out wan0 from 10.3.0.0/24'
gw_masqsh -c 'export nft' | ip netns exec "$GW" nft -f - ||
	fail "loading the staged table with nft"
assert_eq "unrecorded rules run" "10.1.0.0/24 10.2.0.0/24 10.3.0.0/24 " \
	"$(kernel_nets)"
out=$(gw_masqsh -c revisions)
echo "$out"
assert_match "revisions says the kernel runs no revision" \
	"does not run revision 2" "$out"

out=$(gw_masqsh -n -c rollback)
echo "$out"
assert_match "rollback -n goes to the newest recorded revision" \
	"would roll back to revision 2 " "$out"
run gw_masqsh -c rollback
assert_eq "after rollback revision 2's rules run" \
	"10.1.0.0/24 10.2.0.0/24 " "$(kernel_nets)"
out=$(gw_masqsh -c diff 2>&1) || fail "diff after rollback: $out"

# Recorded now: the next bare rollback goes one step further back (to
# revision 1, whose rules differ), as before.
out=$(gw_masqsh -n -c rollback)
echo "$out"
assert_match "then rollback -n goes to revision 1" \
	"would roll back to revision 1 " "$out"
run gw_masqsh -c rollback
assert_eq "after the second rollback revision 1's rules run" "10.1.0.0/24 " \
	"$(kernel_nets)"
echo "PASS"

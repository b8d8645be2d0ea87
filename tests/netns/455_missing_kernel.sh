#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 455: a kernel without a piece masqsh needs.  This kernel has nf_tables,
# ctnetlink and NAT built in, so tests/lib/nokernel makes the netlink
# family missing the way such a kernel does (socket() fails with
# EPROTONOSUPPORT, by a seccomp filter).  Without netfilter's netlink
# (nfnetlink: nf_tables and ctnetlink) every command that needs it exits
# 3, names the missing piece, and changes nothing; masqtop too; what
# needs no kernel (masq list, show compiled) still works.  Without
# rtnetlink (NETLINK_ROUTE), explain exits 3 naming it -- it used to say
# "unknown: no route", a guess -- unless both interfaces are given.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
NOKERNEL=${top_builddir:-$(dirname "$MASQSH")}/tests/lib/nokernel
[ -x "$NOKERNEL" ] || skip "tests/lib/nokernel is not built (make check builds it)"
test_setup
MASQTOP=$(dirname "$MASQSH")/masqtop

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24'
gw_nft list ruleset >"$NS_TMP/ruleset0"
revs0=$(gw_masqsh -c revisions)

# without PROTO PROG ARGS...: in the gateway, netlink family PROTO
# missing; exit status in $rc, output in $NS_TMP/out and $NS_TMP/err.
without() {
	local proto=$1
	shift
	rc=0
	ip netns exec "$GW" "$NOKERNEL" "$proto" "$@" \
		>"$NS_TMP/out" 2>"$NS_TMP/err" </dev/null || rc=$?
}

# missing WHAT ARGS...: masqsh without nfnetlink: exit 3, the piece named.
missing() {
	local what=$1
	shift
	without 12 "$MASQSH" --db "$NS_TMP/masq.db" "$@"
	assert_eq "$what without nfnetlink: exit 3" 3 "$rc"
	assert_match "$what: the missing piece named" \
		'nfnetlink \(nf_tables, nf_conntrack_netlink\)' "$(cat "$NS_TMP/err")"
}
missing "apply" -c apply
missing "diff" -c diff
missing "show conntrack" -c 'show conntrack'
missing "show stats" -c 'show stats'
missing "kill" -c 'kill proto tcp'

if [ -x "$MASQTOP" ]; then
	without 12 env MASQSH_DB="$NS_TMP/masq.db" "$MASQTOP" -b -n 1
	assert_eq "masqtop without nfnetlink: exit 3" 3 "$rc"
	assert_match "masqtop: the missing piece named" 'nfnetlink' "$(cat "$NS_TMP/err")"
else
	echo "masqtop check skipped: no $MASQTOP"
fi

# What needs no kernel still works, and nothing changed.
without 12 "$MASQSH" --db "$NS_TMP/masq.db" -c 'masq list' -c 'show compiled'
assert_eq "masq list and show compiled need no kernel" 0 "$rc"
gw_nft list ruleset >"$NS_TMP/ruleset1"
cmp -s "$NS_TMP/ruleset0" "$NS_TMP/ruleset1" || fail "the ruleset changed"
assert_eq "the revisions did not change" "$revs0" "$(gw_masqsh -c revisions)"

# Without rtnetlink: explain cannot read the routes.
without 0 "$MASQSH" --db "$NS_TMP/masq.db" -c "explain tcp 192.168.1.10 -> 192.0.2.10:80"
assert_eq "explain without rtnetlink: exit 3" 3 "$rc"
assert_match "explain: rtnetlink named, not 'no route'" 'rtnetlink' "$(cat "$NS_TMP/err")"
# with both interfaces given it needs no routes
without 0 "$MASQSH" --db "$NS_TMP/masq.db" -c "explain tcp 192.168.1.10 -> 192.0.2.10:80 in lan0 out wan0"
assert_eq "explain with in/out given needs no rtnetlink" 0 "$rc"
echo "PASS"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 430: no slip of the hand wipes a gateway's NAT.  With our table running
# rules from masq.db:
#   - a typo'd --db (a path where no database is) makes 'apply' fail
#     (exit 4) and creates nothing; -n and a reader create nothing either;
#   - a database that exists but was never applied, or one with no rule
#     staged, makes 'apply' refuse (exit 1) naming the running rules it
#     would remove, and -n says so too; the kernel table and the traffic
#     stay as they were;
#   - 'masqsh engine' on such a database does not wipe the table either;
#   - 'apply replace' applies anyway.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

# our table with its handles (a reload gives new ones), counters dropped
kernel() {
	gw_nft -a list table ip masqsh | sed -E 's/packets [0-9]+ bytes [0-9]+//'
}
# try CMD..: run it; its output in $OUT, its exit status in $RC
try() { OUT=$("$@" 2>&1); RC=$?; }
# masqsh in the gateway against database $1
db_masqsh() { local db=$1; shift; ip netns exec "$GW" "$MASQSH" --db "$db" "$@"; }

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'masq add out wan0 from 192.168.2.0/24' -c apply
kernel >"$NS_TMP/before"
expect_nat "lan1 masqueraded" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

# 1. A typo: no database there.  Nothing is created, nothing applied.
typo=$NS_TMP/mqas.db
try db_masqsh "$typo" -c apply
echo "$OUT"
assert_eq "apply on a missing database: exit status" 4 "$RC"
assert_match "says there is no database" "no database at $typo" "$OUT"
for f in "$typo" "$typo-wal" "$typo-shm"; do
	[ ! -e "$f" ] || fail "apply created $f"
done
kernel >"$NS_TMP/after"
assert_same_text "kernel table unchanged by the typo'd apply" \
	"$NS_TMP/before" "$NS_TMP/after"

# 2. -n and readers on a new path create no file and no directory.
new=$NS_TMP/newdir/sub/masq.db
try db_masqsh "$new" -n -c 'masq add out wan0 from 10.9.0.0/16' \
	-c 'masq list' -c apply
echo "$OUT"
assert_match "-n: checked against an empty database" 'would add masq rule' "$OUT"
for c in 'masq list' 'show compiled' revisions diff 'export nft' \
	'forward list' 'explain tcp 192.168.1.10 -> 192.0.2.10:80'; do
	try db_masqsh "$new" -c "$c"
	case $c in
	diff)	want=1 ;;	# nothing staged, the kernel runs 2 rules
	*)	want=0 ;;
	esac
	assert_eq "'$c' on a missing database: exit status" "$want" "$RC"
	assert_match "'$c' warns there is no database" \
		"warning: no database at $new yet" "$OUT"
done
for c in rollback confirm; do
	try db_masqsh "$new" -c "$c"
	assert_eq "'$c' on a missing database: exit status" 4 "$RC"
	assert_match "'$c' says so" "error: no database at $new" "$OUT"
done
[ ! -e "$NS_TMP/newdir" ] || fail "-n or a reader created $(find "$NS_TMP/newdir")"
echo "ok: nothing created under $NS_TMP/newdir"

# 3. A database that exists but was never applied (a rule added and
# deleted again): refused, with the count, in scripts and with -n.
never=$NS_TMP/never.db
run db_masqsh "$never" -c 'masq add out wan0' -c 'masq del 1'
try db_masqsh "$never" -c apply
echo "$OUT"
assert_eq "apply of a never-applied database: exit status" 1 "$RC"
assert_match "names the database and the running rules" \
	"$never holds no rules and was never applied; applying it would remove all 2 nft rules running in table masqsh" "$OUT"
assert_match "says how to go on" "apply replace.*--db" "$OUT"
try db_masqsh "$never" -n -c apply
assert_eq "apply -n predicts the refusal: exit status" 1 "$RC"
assert_match "apply -n says why" 'apply would refuse' "$OUT"
# never applied but with rules of its own: still refused
try db_masqsh "$never" -c 'masq add out wan0 from 10.1.0.0/16' -c apply
echo "$OUT"
assert_eq "apply of other rules, never applied: exit status" 1 "$RC"
assert_match "its rules would replace the running ones" \
	'was never applied; its 1 rule would replace all 2 nft rules' "$OUT"
kernel >"$NS_TMP/after"
assert_same_text "kernel table unchanged by the refused applies" \
	"$NS_TMP/before" "$NS_TMP/after"
expect_nat "lan1 still masqueraded" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

# 4. The engine on the never-applied database leaves the table alone too.
ip netns exec "$GW" "$MASQSH" --db "$never" engine nosyslog \
	>"$NS_TMP/engine.log" 2>&1 &
eng=$!
NS_PIDS+=("$eng")
for _ in $(seq 100); do
	grep -q 'first check' "$NS_TMP/engine.log" && break
	sleep 0.1
done
kill -TERM "$eng" 2>/dev/null
wait "$eng" 2>/dev/null
cat "$NS_TMP/engine.log"
assert_match "engine refused the start-up apply" 'was never applied' \
	"$(cat "$NS_TMP/engine.log")"
kernel >"$NS_TMP/after"
assert_same_text "kernel table unchanged by the engine" \
	"$NS_TMP/before" "$NS_TMP/after"

# 5. The right database with every rule deleted: refused as well.
try gw_masqsh -c 'masq del 1' -c 'masq del 2' -c apply
echo "$OUT"
assert_eq "apply of no rules: exit status" 1 "$RC"
assert_match "no rules staged" \
	'no rules are staged in .*masq\.db; applying would remove all 2 nft rules running in table masqsh' \
	"$OUT"
kernel >"$NS_TMP/after"
assert_same_text "kernel table unchanged by the empty apply" \
	"$NS_TMP/before" "$NS_TMP/after"

# 6. 'apply replace' means it.
run gw_masqsh -c 'apply replace'
assert_eq "apply replace emptied our table" 0 \
	"$(kernel | grep -c 'comment "masqsh')"
assert_match "recorded as 'apply replace'" 'apply replace' \
	"$(gw_masqsh -c revisions)"
# and a database never applied replaces a running table only that way
run gw_masqsh -c 'masq add out wan0 from 192.168.0.0/16' -c apply
run db_masqsh "$never" -c 'apply replace'
assert_match "the never-applied database's rule runs" 'ip saddr 10\.1\.0\.0/16' \
	"$(kernel)"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 532: kill -9 at any moment of 'rollback' and of 'confirm' leaves a
# gateway whole (530 does the same for 'apply').  Two sets of 300 masq
# rules, A and B, both recorded.
#   rollback: with one running, a bare 'rollback' (to the other) is killed
#     after a delay spread over its length; the kernel then runs exactly A
#     or B, the database opens, 'revisions' marks in force the revision
#     the kernel runs (or none, and says so), and the next bare 'rollback'
#     or 'apply' converges;
#   confirm: with A running, B is applied with 'confirm 2' and 'confirm'
#     is killed after a delay spread over its length; after the deadline
#     either B was confirmed and runs, or the timer reverted it and A
#     runs -- never still pending, never a table the history denies.
# MASQSH_KILL_RUNS runs of each (default 12); MASQSH_KILL_SEED seeds the
# delays.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
GW=${NS_PREFIX}-krb
ns_add "$GW"
ip -n "$GW" link add v0 type veth peer name v1 || fail "veth"
ip -n "$GW" link set v0 up
DB=$NS_TMP/masq.db
RUNS=${MASQSH_KILL_RUNS:-12}
SEED=${MASQSH_KILL_SEED:-$$}
# shellcheck source-path=SCRIPTDIR source=../lib/killapply.sh
. "$(dirname "$0")/../lib/killapply.sh"
make_sets 300

# delays DUR_US: RUNS delays over 0 .. 1.2 x DUR_US, jittered by SEED
delays() {
	"$NS_PY" -c '
import random, sys
runs, dur, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
for i in range(runs):
    print(max(0, int(dur * 1.2 * (i + rnd.random()) / runs)))
' "$RUNS" "$1" "$SEED"
}

# status ID: the status 'revisions' gives revision ID
status() {
	gw_masqsh -j -c revisions | "$NS_PY" -c '
import json, sys
print([r["status"] for r in json.load(sys.stdin) if r["id"] == int(sys.argv[1])][0])
' "$1"
}

failn=0
note() { echo "FAIL $1: $2" >&2; failn=$((failn + 1)); }

stage A
run gw_masqsh -c 'apply replace'
fpA=$(fingerprint)
stage B
read -r how rc dur <<<"$(killer -1)"
[ "$how $rc" = "exited 0" ] || fail "apply of B: $how $rc"
fpB=$(fingerprint)
assert_ne "A and B differ in the kernel" "$fpA" "$fpB"
case $fpA in "300 "*) ;; *) fail "A is not 300 rules: $fpA" ;; esac
echo "A: $fpA  B: $fpB  one apply: ${dur} us  seed: $SEED"

# ---- rollback ----
# one rollback's length, as the killer sees it: the slowest of three
# (each toggles A and B), so the kills spread over a rollback, not an apply
rdur=0
for _ in 1 2 3; do
	read -r how rc us <<<"$(killer -1 rollback)"
	[ "$how $rc" = "exited 0" ] || fail "rollback: $how $rc"
	[ "$us" -gt "$rdur" ] && rdur=$us
done
echo "one rollback: ${rdur} us"
mapfile -t D < <(delays "$rdur")
cur=$(fingerprint)
same=0 moved=0 movedrec=0
for ((i = 0; i < RUNS; i++)); do
	if [ "$cur" = "$fpA" ]; then other=$fpB; else other=$fpA; fi
	read -r last _ <<<"$(revs)"
	how=$(killer "${D[i]}" rollback)
	fp=$(fingerprint)
	read -r newest current <<<"$(revs)"
	tag="rollback run $i (${D[i]} us, $how)"
	if [ "$fp" = "$cur" ]; then
		same=$((same + 1))
		[ "$newest" = "$last" ] && [ "$current" = "$last" ] ||
			note "$tag" "kernel unchanged, revisions newest $newest in force $current (was $last)"
	elif [ "$fp" = "$other" ]; then
		moved=$((moved + 1))
		if [ "$newest" != "$last" ]; then
			movedrec=$((movedrec + 1))
			[ "$current" = "$newest" ] ||
				note "$tag" "rollback recorded as $newest, $current marked in force"
		else
			[ "$current" = 0 ] ||
				note "$tag" "kernel runs the rolled-back rules unrecorded; $current marked in force"
		fi
	else
		note "$tag" "kernel table is neither A nor B: $fp"
	fi
	# converge: a bare rollback goes back to what ran before the current
	# table when that was recorded; an unrecorded one is undone to the
	# newest revision (531).  Either way the kernel and history agree.
	out=$(gw_masqsh -c rollback 2>&1) || fail "$tag: rollback after: $out"
	fp2=$(fingerprint)
	[ "$fp2" = "$fpA" ] || [ "$fp2" = "$fpB" ] ||
		fail "$tag: the next rollback left $fp2"
	read -r newest current <<<"$(revs)"
	[ "$current" = "$newest" ] || fail "$tag: after the next rollback $current marked, newest $newest"
	out=$(gw_masqsh -c diff 2>&1) || fail "$tag: diff after rollback: $out"
	cur=$fp2
done

# ---- confirm ----
# 'confirm' is short: measure it on a pending revision first.
stage A
run gw_masqsh -c apply
stage B
run gw_masqsh -c 'apply confirm 30'
read -r how rc cdur <<<"$(killer -1 confirm)"
[ "$how $rc" = "exited 0" ] || fail "confirm: $how $rc"
echo "one confirm: ${cdur} us"
mapfile -t D < <(delays "$cdur")
conf=0 rev=0
for ((i = 0; i < RUNS; i++)); do
	stage A >/dev/null
	out=$(gw_masqsh -c apply 2>&1) || fail "confirm run $i: apply A: $out"
	[ "$(fingerprint)" = "$fpA" ] || fail "confirm run $i: A does not run"
	stage B >/dev/null
	out=$(gw_masqsh -c 'apply confirm 2' 2>&1) || fail "confirm run $i: apply confirm: $out"
	read -r pend _ <<<"$(revs)"
	how=$(killer "${D[i]}" confirm)
	sleep 3.5	# past the deadline: the timer has reverted or found it confirmed
	fp=$(fingerprint)
	st=$(status "$pend")
	read -r newest current <<<"$(revs)"
	tag="confirm run $i (${D[i]} us, $how)"
	case $st in
	reverted)
		rev=$((rev + 1))
		[ "$fp" = "$fpA" ] || note "$tag" "revision $pend reverted, kernel runs $fp"
		;;
	pending)
		note "$tag" "revision $pend still pending after its deadline" ;;
	*)
		conf=$((conf + 1))
		[ "$fp" = "$fpB" ] || note "$tag" "revision $pend $st, kernel runs $fp"
		;;
	esac
	[ "$current" = "$newest" ] && [ "$newest" != 0 ] ||
		note "$tag" "revisions mark $current in force, newest $newest"
done
echo "summary: $RUNS rollback kills (kernel unchanged $same, rolled back" \
	"$moved: recorded $movedrec), $RUNS confirm kills ($conf confirmed," \
	"$rev reverted by the timer), failures $failn, seed $SEED"
[ "$failn" = 0 ] || fail "$failn runs left a wrong state"
echo "PASS"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 530: kill -9 at any moment of 'apply' leaves a gateway whole.  Two sets
# of 1,000 masq rules, A and B; with one running, the other is staged and
# 'apply' is killed (SIGKILL) after a delay spread in microseconds over
# the whole length of an apply (and a little beyond).  After each kill:
#   - our table in the kernel is exactly the old set or exactly the new
#     one (rule count and a fingerprint of every saddr -> snat pair),
#     never a mix, never missing;
#   - the database opens ('revisions' and 'masq list' work);
#   - 'revisions' tells the truth: the revision it marks in force is the
#     one the kernel runs (the new one only when it was recorded), and
#     none when the kernel runs rules no revision holds;
#   - a plain 'apply' converges (the kernel runs the staged set) and
#     'diff' exits 0.
# MASQSH_KILL_RUNS runs (default 40); MASQSH_KILL_SEED seeds the delays.
#
# Campaign, 2026-12-04 (MASQSH_KILL_RUNS=200 MASQSH_KILL_SEED=530, 2
# shared cores, kernel 6.18; bench/README.md "Fault campaign"):
#   before the fixes: 200 runs, old table 116, new 84 (recorded 74, not
#     recorded 10), exited before the kill 51; 10 failures, every one the
#     kernel running the new set while 'revisions' marked the old
#     revision in force (the record is committed after the batch);
#   with them (revisions asks the kernel, ctl_running(); apply records
#     before the batch): old 114, new 86 (recorded 77, not recorded 9),
#     exited first 64, 0 failures, 368 s.
#   Never a mixed or a missing table, never an unopenable database;
#   every apply and engine start afterwards converged.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
GW=${NS_PREFIX}-kapply
ns_add "$GW"
ip -n "$GW" link add v0 type veth peer name v1 || fail "veth"
ip -n "$GW" link set v0 up
DB=$NS_TMP/masq.db
RUNS=${MASQSH_KILL_RUNS:-40}
SEED=${MASQSH_KILL_SEED:-$$}

# shellcheck source-path=SCRIPTDIR source=../lib/killapply.sh
. "$(dirname "$0")/../lib/killapply.sh"
make_sets 1000

# converge RUN: every fourth run by starting the engine (its start-up
# apply), else by a plain 'apply'.
converge() {
	local out eng
	if [ $(($1 % 4)) != 3 ]; then
		out=$(gw_masqsh -c apply 2>&1) ||
			fail "run $1: apply after the kill fails: $out"
		return
	fi
	# not gw_masqsh: $! must be the engine's pid, not a subshell's
	ip netns exec "$GW" "$MASQSH" --db "$DB" engine nosyslog \
		>"$NS_TMP/engine.log" 2>&1 &
	eng=$!
	NS_PIDS+=("$eng")
	for _ in $(seq 200); do
		grep -q 'first check' "$NS_TMP/engine.log" && break
		sleep 0.05
	done
	kill -TERM "$eng" 2>/dev/null
	wait "$eng" 2>/dev/null
	grep -q 'first check' "$NS_TMP/engine.log" ||
		fail "run $1: the engine did not start: $(cat "$NS_TMP/engine.log")"
}

stage A
run gw_masqsh -c apply
fpA=$(fingerprint)
# one apply's length, as the killer sees it: the slowest of B, A, B
dur=0
for s in B A B; do
	stage "$s" >/dev/null
	read -r how rc us <<<"$(killer -1)"
	[ "$how $rc" = "exited 0" ] || fail "apply of $s: $how $rc"
	[ "$us" -gt "$dur" ] && dur=$us
done
fpB=$(fingerprint)
echo "A: $fpA  B: $fpB  one apply: ${dur} us  seed: $SEED"
assert_ne "A and B differ in the kernel" "$fpA" "$fpB"
case $fpA in "1000 "*) ;; *) fail "A is not 1000 rules: $fpA" ;; esac

# delays: 0 .. 1.1 x one apply, spread evenly over the runs, jittered
mapfile -t DELAYS < <("$NS_PY" -c '
import random, sys
runs, dur, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
for i in range(runs):
    print(max(0, int(dur * 1.1 * i / runs + rnd.uniform(-0.5, 0.5) *
                     dur * 1.1 / runs)))
' "$RUNS" "$dur" "$SEED")

old=0 new=0 newrec=0 done_=0 failn=0
cur=B
start=$(date +%s)
note() { echo "FAIL run $1 (delay $2 us): $3" >&2; failn=$((failn + 1)); }
for ((i = 0; i < RUNS; i++)); do
	if [ "$cur" = A ]; then
		want=B fpo=$fpA fpn=$fpB
	else
		want=A fpo=$fpB fpn=$fpA
	fi
	stage "$want" >/dev/null
	read -r last _ <<<"$(revs)"
	d=${DELAYS[i]}
	how=$(killer "$d")
	fp=$(fingerprint)
	read -r newest current <<<"$(revs)"
	if [ "$fp" = "$fpo" ]; then
		old=$((old + 1))
		if [ "$newest" != "$last" ] || [ "$current" != "$last" ]; then
			note "$i" "$d" "kernel runs the old set, revisions say newest $newest in force $current (was $last)"
		fi
	elif [ "$fp" = "$fpn" ]; then
		new=$((new + 1))
		if [ "$newest" != "$last" ]; then
			newrec=$((newrec + 1))
			[ "$current" = "$newest" ] ||
				note "$i" "$d" "new set recorded as $newest, revisions mark $current in force"
		else
			[ "$current" = 0 ] ||
				note "$i" "$d" "kernel runs the new set, not recorded; revisions mark $current (the old set) in force"
			gw_masqsh -c revisions 2>&1 |
				grep -q "kernel does not run revision $last:" ||
				note "$i" "$d" "revisions do not say the kernel runs no recorded revision"
		fi
	else
		note "$i" "$d" "kernel table is neither old nor new: $fp"
	fi
	case $how in exited*) done_=$((done_ + 1)) ;; esac
	n=$(gw_masqsh -c 'masq list' 2>&1 | grep -c 'v0') ||
		note "$i" "$d" "masq list fails"
	[ "$n" = 1000 ] || note "$i" "$d" "masq list shows $n rules"
	converge "$i"
	[ "$(fingerprint)" = "$fpn" ] ||
		fail "run $i: apply did not converge: $(fingerprint)"
	out=$(gw_masqsh -c diff 2>&1) || fail "run $i: diff after apply: $out"
	read -r newest current <<<"$(revs)"
	if [ "$current" != "$newest" ] || [ "$newest" = 0 ]; then
		fail "run $i: after apply revisions mark $current, newest $newest"
	fi
	cur=$want
done
secs=$(( $(date +%s) - start ))
echo "summary: runs $RUNS, old table $old, new table $new" \
	"(recorded $newrec, unrecorded $((new - newrec))), exited before" \
	"the kill $done_, failures $failn, ${secs}s, seed $SEED"
[ "$failn" = 0 ] || fail "$failn of $RUNS runs left a wrong state"
echo "PASS"

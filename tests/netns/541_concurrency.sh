#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 541: many writers on one database.  8 processes (MASQSH_CONC_PROCS) each
# run MASQSH_CONC_OPS (default 60) mixed operations on the same database
# in the gateway: masq add, masq del of one of its own rules, forward add,
# masq move of its own rule to the top, a read, and every 20th an apply.
#   - every operation exits 0: no "database is locked" ever reaches the
#     user (BEGIN IMMEDIATE + the busy timeout serialize the writers);
#   - the final rules are exactly those the per-process logs say should
#     be there (no lost edit), ids unique, positions 1..N in each list;
#   - the kernel runs what a last apply compiles.
# Then the lock: a masqsh shell left open (stdin a fifo) after an edit
# holds no transaction, another masqsh writes meanwhile; a sqlite3
# session holding BEGIN IMMEDIATE makes a write and an apply wait the
# busy timeout (5 s) and fail with exit 4 naming the holder, the kernel
# unchanged, and the next command after it lets go works.
#
# A full run, MASQSH_CONC_OPS=500 (8 x 500 = 4000 operations, 200 of
# them applies), on 2 shared cores: 345 s, 0 failed, 0 "locked", 1801
# masq + 600 forward rules left exactly as logged, ids unique, positions
# contiguous, 187 revisions (the other applies found nothing new); the
# applies of ~2400 rules dominate.  The default (60) runs in about 50 s
# with the 10 s of lock waits.  Figures print as "conc: ...".
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

# worker W OPS DB LOG: one writer (run inside the gateway namespace).
# LOG gets "+ ID TAG" for a rule it added, "- ID" for one it deleted and
# "FAIL rc op: output" for any operation that did not exit 0.
worker() {
	local w=$1 ops=$2 db=$3 log=$4 i out rc op tag id
	local -a mine=()
	for ((i = 1; i <= ops; i++)); do
		case $((i % 20)) in
		0) op=apply ;;
		3 | 9 | 15) op=fwd ;;
		5 | 12) op=del ;;
		7 | 17) op=move ;;
		10) op=list ;;
		*) op=add ;;
		esac
		[ "${#mine[@]}" = 0 ] && case $op in del | move) op=add ;; esac
		case $op in
		add)
			tag=w$w-$i
			out=$("$MASQSH" --db "$db" -c "masq add out wan0 from 10.$w.$((i % 250)).$((i / 250))/32 comment $tag" 2>&1) ;;
		fwd)
			tag=f$((20000 + w * 1000 + i))
			out=$("$MASQSH" --db "$db" -c "forward add in wan0 proto tcp dport ${tag#f} to 192.168.1.10:80" 2>&1) ;;
		del)
			id=${mine[0]}
			mine=("${mine[@]:1}")
			out=$("$MASQSH" --db "$db" -c "masq del $id" 2>&1) ;;
		move)
			id=${mine[$((i % ${#mine[@]}))]}
			out=$("$MASQSH" --db "$db" -c "masq move $id to 1" 2>&1) ;;
		list)
			out=$("$MASQSH" --db "$db" -c 'masq list' 2>&1) ;;
		apply)
			out=$("$MASQSH" --db "$db" -c apply 2>&1) ;;
		esac
		rc=$?
		if [ "$rc" != 0 ]; then
			echo "FAIL $rc $op: $out" >>"$log"
			continue
		fi
		case $op in
		add)
			id=$(sed -n 's/^added masq rule \([0-9]*\) .*/\1/p' <<<"$out")
			mine+=("$id")
			echo "+ $id $tag" >>"$log" ;;
		fwd)
			id=$(sed -n 's/^added forward \([0-9]*\) .*/\1/p' <<<"$out")
			echo "+ $id $tag" >>"$log" ;;
		del)
			echo "- $id" >>"$log" ;;
		esac
	done
}

if [ "${1:-}" = --worker ]; then
	shift
	worker "$@"
	exit 0
fi

test_setup
command -v sqlite3 >/dev/null || skip "missing tool: sqlite3"
command -v mkfifo >/dev/null || skip "missing tool: mkfifo"

procs=${MASQSH_CONC_PROCS:-8}
ops=${MASQSH_CONC_OPS:-60}
DB=$NS_TMP/masq.db
export DB
run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 comment base' \
	-c apply

start=$(date +%s.%N)
pids=()
for ((w = 1; w <= procs; w++)); do
	: >"$NS_TMP/w$w.log"
	ip netns exec "$GW" bash "$0" --worker "$w" "$ops" "$DB" \
		"$NS_TMP/w$w.log" </dev/null &
	pids+=("$!")
done
for p in "${pids[@]}"; do
	wait "$p" || fail "worker $p exited $?"
done
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")

fails=$(cat "$NS_TMP"/w*.log | grep -c '^FAIL' || true)
locked=$(cat "$NS_TMP"/w*.log | grep -ci 'locked' || true)
grep -h '^FAIL' "$NS_TMP"/w*.log | head -20
assert_eq "operations that failed" 0 "$fails"
assert_eq "'database is locked' seen by a user" 0 "$locked"

# What the logs say must be there: every "+ ID TAG" without a "- ID",
# and the base rule (id 1).
{
	echo "1 base"
	cat "$NS_TMP"/w*.log | awk '
		$1 == "+" { tag[$2] = $3 }
		$1 == "-" { delete tag[$2] }
		END { for (id in tag) print id, tag[id] }'
} | sort -n >"$NS_TMP/want"

gw_masqsh -c 'masq list' >"$NS_TMP/masq.list" ||
	fail "masq list: $(cat "$NS_TMP/masq.list")"
gw_masqsh -c 'forward list' >"$NS_TMP/fwd.list" ||
	fail "forward list: $(cat "$NS_TMP/fwd.list")"
{
	awk 'NR > 1 { print $1, $NF }' "$NS_TMP/masq.list"
	awk 'NR > 1 { for (i = 1; i <= NF; i++)
		if ($i == "dport") print $1, "f" $(i + 1) }' "$NS_TMP/fwd.list"
} | sort -n >"$NS_TMP/have"
assert_same_text "the rules are exactly those the logs say (no lost edit)" \
	"$NS_TMP/want" "$NS_TMP/have"
assert_eq "ids unique" "" "$(awk '{ print $1 }' "$NS_TMP/have" | sort | uniq -d)"
for l in masq fwd; do
	assert_eq "$l positions are 1..N" "" "$(awk 'NR > 1 && $2 != NR - 1 {
		print "line " NR ": pos " $2 }' "$NS_TMP/$l.list")"
done
nmasq=$(($(wc -l <"$NS_TMP/masq.list") - 1))
nfwd=$(($(wc -l <"$NS_TMP/fwd.list") - 1))
run gw_masqsh -c apply
assert_eq "after a last apply" "in sync" "$(gw_masqsh -c diff 2>&1)"
nops=$((procs * ops))
echo "conc: $procs processes x $ops operations = $nops in ${secs}s," \
	"0 failed, 0 locked, $nmasq masq + $nfwd forward rules left," \
	"$(gw_masqsh -c revisions | awk 'NR > 1' | wc -l) revisions"

# A masqsh shell left open after an edit holds no transaction.
mkfifo "$NS_TMP/repl.in"
ip netns exec "$GW" "$MASQSH" --db "$DB" <"$NS_TMP/repl.in" \
	>"$NS_TMP/repl.out" 2>&1 &
repl=$!
NS_PIDS+=("$repl")
exec 7>"$NS_TMP/repl.in"
echo 'masq add out wan0 from 10.99.0.1/32 comment repl' >&7
sleep 0.5
t0=$(date +%s)
run gw_masqsh -c 'masq add out wan0 from 10.99.0.2/32 comment besides-repl'
assert_in_range "a write beside the open shell: seconds" 0 2 \
	$(($(date +%s) - t0))
exec 7>&-
wait "$repl" || fail "the shell: $(cat "$NS_TMP/repl.out")"
assert_match "the shell's edit is there" 'comment repl$' \
	"$(gw_masqsh -c 'masq list')"

# A sqlite3 session holding the write lock: masqsh waits the busy
# timeout, then fails naming the holder.
run gw_masqsh -c apply
gw_nft list table ip masqsh >"$NS_TMP/nft.before"
gw_masqsh -c 'masq list' >"$NS_TMP/list.before"
mkfifo "$NS_TMP/sql.in"
sqlite3 "$DB" <"$NS_TMP/sql.in" >"$NS_TMP/sql.out" 2>&1 &
holder=$!
NS_PIDS+=("$holder")
exec 8>"$NS_TMP/sql.in"
echo 'BEGIN IMMEDIATE; SELECT 1;' >&8
for ((i = 0; i < 50; i++)); do
	grep -q '^1$' "$NS_TMP/sql.out" && break
	sleep 0.1
done
grep -q '^1$' "$NS_TMP/sql.out" || fail "sqlite3 did not take the lock"
for c in 'masq add out wan0 from 10.98.0.0/16' apply; do
	t0=$(date +%s)
	out=$(gw_masqsh -c "$c" 2>&1)
	rc=$?
	t=$(($(date +%s) - t0))
	printf '%s\n' "$out"
	assert_eq "'$c' while locked: exit status (storage)" 4 "$rc"
	assert_in_range "'$c' while locked: waited the busy timeout, s" 4 10 "$t"
	assert_match "'$c' while locked: names the holder" \
		"locked by pid $holder \\(sqlite3\\)" "$out"
done
assert_same_text "while locked: the rules are unchanged" \
	"$NS_TMP/list.before" <(gw_masqsh -c 'masq list')
assert_same_text "while locked: the kernel is unchanged" \
	"$NS_TMP/nft.before" <(gw_nft list table ip masqsh)
echo 'ROLLBACK;' >&8
exec 8>&-
wait "$holder"
run gw_masqsh -c 'masq add out wan0 from 10.98.0.0/16 comment after-lock' \
	-c apply

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/netns/run.sh - the real-kernel suite: every NNN_*.sh beside this
# file, each in its own throwaway namespaces (tests/lib/netns.sh).
#
#   tests/netns/run.sh [PATTERN..]    run all tests, or those whose file
#                                     name contains one of the PATTERNs
#
# Prints PASS/FAIL/SKIP per test (a skip says why; a failure shows the
# test's output), then "N passed, N failed, N skipped".  Exit 0 when
# nothing failed, 1 when something did, 77 when the suite cannot run here
# (not root, no namespaces, tools missing) - automake's skip.
set -u

here=$(cd "$(dirname "$0")" && pwd)
export NS_TEST_TIMEOUT=${NS_TEST_TIMEOUT:-180}

# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$here/../lib/netns.sh"

if ! why=$(ns_preflight); then
	echo "tests/netns: skipped: $why"
	exit 77
fi
if ! masq_find_binary; then
	echo "tests/netns: skipped: masqsh binary not found (build first or set MASQSH)"
	exit 77
fi
echo "tests/netns: using $MASQSH"

logdir=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-netns-log.XXXXXX")
trap 'rm -rf "$logdir"' EXIT

pass=0 failn=0 skipn=0 failed=""
for t in "$here"/[0-9][0-9][0-9]_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ $# -gt 0 ]; then
		want=no
		for p in "$@"; do
			case $name in *"$p"*) want=yes ;; esac
		done
		[ "$want" = yes ] || continue
	fi
	start=$(date +%s)
	rc=0
	prefix=mq$$t${name%%_*}
	NS_PREFIX=$prefix timeout --foreground -k 10 "$NS_TEST_TIMEOUT" \
		bash "$t" </dev/null >"$logdir/$name.log" 2>&1 || rc=$?
	# A test must leave no namespace behind (its trap deletes them).
	leaked=$(ip netns list 2>/dev/null | awk -v p="$prefix" \
		'index($1, p) == 1 { print $1 }')
	if [ -n "$leaked" ]; then
		echo "left namespaces behind:" "$leaked" >>"$logdir/$name.log"
		for ns in $leaked; do
			for pid in $(ip netns pids "$ns" 2>/dev/null); do
				kill "$pid" 2>/dev/null
			done
			ip netns del "$ns" 2>/dev/null
		done
		[ "$rc" = 0 ] && rc=1
	fi
	secs=$(( $(date +%s) - start ))
	case $rc in
	0)
		pass=$((pass + 1))
		printf 'PASS  %-28s (%ss)\n' "$name" "$secs" ;;
	77)
		skipn=$((skipn + 1))
		reason=$(grep -m1 '^SKIP:' "$logdir/$name.log" | sed 's/^SKIP: *//')
		printf 'SKIP  %-28s %s\n' "$name" "${reason:-(no reason given)}" ;;
	*)
		failn=$((failn + 1))
		failed="$failed $name"
		[ "$rc" = 124 ] && echo "(timed out after ${NS_TEST_TIMEOUT}s)" \
			>>"$logdir/$name.log"
		printf 'FAIL  %-28s (exit %s, %ss)\n' "$name" "$rc" "$secs"
		sed 's/^/    | /' "$logdir/$name.log" ;;
	esac
done

echo "$pass passed, $failn failed, $skipn skipped"
[ -n "$failed" ] && echo "failed:$failed"
[ "$failn" = 0 ] || exit 1
exit 0

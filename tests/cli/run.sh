#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/cli/run.sh - golden CLI transcripts.
#
# Every tests/cli/NAME.msh runs as `masqsh --db TMP/db [ARGS] -f NAME.msh`
# in a scratch directory holding a copy of tests/cli/data/, and its
# standard output followed by the line "exit STATUS" must equal NAME.out;
# its standard error must equal NAME.err (an absent .err means: nothing on
# stderr).  ARGS come from a first line "# args: ..." of the case.
#
# The cases run inside a network namespace of their own (unshare) holding
# only lo and two interfaces, eth0 (203.0.113.1/24) and eth1
# (192.168.1.1/24), so interface checks give the same answer on every
# machine.  Nothing outside that namespace is touched.
#
#   UPDATE=1 tests/cli/run.sh        regenerate the .out/.err files
#   tests/cli/run.sh NAME...          run some cases
#
# MASQSH and top_srcdir come from `make check`; by hand they default to the
# tree this script sits in.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/../..}
MASQSH=${MASQSH:-$here/../../masqsh}
case $MASQSH in /*) ;; *) MASQSH=$(pwd)/$MASQSH ;; esac
cases=$top_srcdir/tests/cli
export MASQSH top_srcdir

if [ ! -x "$MASQSH" ]; then
	echo "tests/cli: SKIP: no masqsh binary at $MASQSH (build it first)"
	exit 77
fi

# Enter a private network namespace once, then come back here.
if [ -z "${MASQSH_CLI_NETNS:-}" ]; then
	export MASQSH_CLI_NETNS=1
	if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
		exec unshare -n "$0" "$@"
	elif unshare -rn true 2>/dev/null; then
		exec unshare -rn "$0" "$@"
	fi
	echo "tests/cli: SKIP: cannot create a network namespace" \
	     "(needs root or unprivileged user namespaces) for stable" \
	     "interface names"
	exit 77
fi
# Two dummies, or else one veth pair (eth0 <-> eth1): either way exactly
# the names lo, eth0, eth1.
{ ip link add eth0 type dummy && ip link add eth1 type dummy; } \
	2>/dev/null ||
	{ ip link del eth0 2>/dev/null; ip link add eth0 type veth peer name eth1; }
ip link set lo up && ip link set eth0 up && ip link set eth1 up &&
ip addr add 203.0.113.1/24 dev eth0 &&
ip addr add 192.168.1.1/24 dev eth1 || {
	echo "tests/cli: SKIP: cannot create the test interfaces (neither" \
	     "dummy nor veth links)"
	exit 77
}

LC_ALL=C
TZ=UTC
export LC_ALL TZ
unset MASQSH_DB

scratch=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-cli.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT INT TERM

if [ $# -gt 0 ]; then
	list=
	for n in "$@"; do
		list="$list $cases/${n%.msh}.msh"
	done
else
	list=$(ls "$cases"/*.msh)
fi

pass=0
fail=0
failed=
for msh in $list; do
	name=$(basename "$msh" .msh)
	work=$scratch/$name
	mkdir -p "$work"
	[ -d "$cases/data" ] && cp -R "$cases/data" "$work/data"
	cp "$msh" "$work/$name.msh"
	args=$(sed -n '1s/^# args: *//p' "$msh")
	# $args is split on purpose: it holds options
	# shellcheck disable=SC2086
	(cd "$work" && HOME=$work "$MASQSH" --db db $args \
		-f "$name.msh" >"$work/stdout" 2>"$work/stderr"
	 echo "exit $?" >>"$work/stdout")
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$work/stdout" "$cases/$name.out"
		if [ -s "$work/stderr" ]; then
			cp "$work/stderr" "$cases/$name.err"
		else
			rm -f "$cases/$name.err"
		fi
	fi
	ok=1
	if ! diff -u "$cases/$name.out" "$work/stdout" >"$work/diff.out"
	then
		ok=0
		echo "--- $name: stdout differs"
		cat "$work/diff.out"
	fi
	exp_err=/dev/null
	[ -f "$cases/$name.err" ] && exp_err=$cases/$name.err
	if ! diff -u "$exp_err" "$work/stderr" >"$work/diff.err"; then
		ok=0
		echo "--- $name: stderr differs"
		cat "$work/diff.err"
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "PASS: $name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL: $name"
	fi
done

echo "$pass passed, $fail failed${failed:+ ($failed )}"
[ $fail = 0 ]

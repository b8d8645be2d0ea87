#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 653: `scripts/lab --pair`, run non-interactively: it must build the pair,
# start the real conntrackd and keepalived, keep the client's connection
# (same masqueraded address and port, no line lost) across a failover and
# a failback, and tear everything down, its daemons included.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found"
for t in conntrackd keepalived; do
	command -v "$t" >/dev/null || skip "missing $t (scripts/deps installs it)"
done
root=$(cd "$(dirname "$0")/../.." && pwd)
export NS_PREFIX MASQSH
rc=0
out=$(LAB_NONINTERACTIVE=1 LAB_SKIP_BUILD=1 "$root/scripts/lab" --pair </dev/null 2>&1) || rc=$?
printf '%s\n' "$out"
assert_eq "lab --pair exit status" 0 "$rc"
assert_match "failover kept the connection" \
	"A's keepalived stops -> B +server saw 198\.51\.100\.2:[0-9]+, .* lines lost 0 ok" "$out"
assert_match "failback kept it" \
	"A's keepalived is back -> A +server saw 198\.51\.100\.2:[0-9]+, .* lines lost 0 ok" "$out"
assert_match "show ha on A after failback" "ha: this node is master" "$out"
assert_eq "lab namespaces left behind" "" \
	"$(ip netns list | awk -v p="$NS_PREFIX" 'index($1, p) == 1 { print $1 }')"
assert_eq "lab daemons left behind" "" \
	"$(pgrep -f "masqsh-ha\.[A-Za-z0-9]+/$NS_PREFIX-" || true)"
rc=0; scripts_out=$("$root/scripts/lab" --bogus 2>&1) || rc=$?
assert_eq "lab --bogus: usage, exit 2" "2 usage: scripts/lab [--pair]" "$rc $scripts_out"
echo PASS

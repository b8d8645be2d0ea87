#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 900: the README's lab demo, run non-interactively: it must build the
# topology, apply its default ruleset, see its clients' traffic translated,
# and tear everything down again.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found"
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$root/scripts/lab" ] || skip "scripts/lab not found"
export NS_PREFIX
rc=0
LAB_NONINTERACTIVE=1 LAB_SKIP_BUILD=1 "$root/scripts/lab" </dev/null || rc=$?
assert_eq "lab exit status" 0 "$rc"
assert_eq "lab namespaces left behind" "" \
	"$(ip netns list | awk -v p="$NS_PREFIX" 'index($1, p) == 1 { print $1 }')"

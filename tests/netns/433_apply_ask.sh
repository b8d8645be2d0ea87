#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 433: the interactive shell asks before an apply that removes more than
# half of the running rules, or that the guard refuses in scripts (a
# database never applied); 'n' leaves the kernel as it was, 'y' applies.
# An apply that removes fewer is not asked about, and a script (no
# terminal) is never asked: it gets the refusal where the guard applies.
# The shell runs on a pseudo-terminal made by script(1); each answer is
# typed only once the question is on the screen.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
command -v script >/dev/null || skip "missing tool: script (util-linux)"

rules() { gw_nft list table ip masqsh | grep -c 'comment "masqsh'; }

# shell_start DB: masqsh's interactive shell on a pty, its screen in
# $NS_TMP/screen, fed through fd 3.
shell_start() {
	rm -f "$NS_TMP/in" "$NS_TMP/screen"
	mkfifo "$NS_TMP/in"
	HOME=$NS_TMP TERM=dumb ip netns exec "$GW" script -qfec \
		"stty cols 400; exec '$MASQSH' --db '$1'" /dev/null \
		<"$NS_TMP/in" >"$NS_TMP/screen" 2>&1 &
	SHELL_PID=$!
	NS_PIDS+=("$SHELL_PID")
	exec 3>"$NS_TMP/in"
}
# expect N REGEX: wait (10 s) until the screen has REGEX N times.
expect() {
	local i=0
	while [ "$(grep -cE -- "$2" "$NS_TMP/screen" 2>/dev/null)" -lt "$1" ]; do
		[ $((i += 1)) -le 100 ] || {
			cat -v "$NS_TMP/screen"
			fail "the shell did not show '$2' ($1 times)"
		}
		sleep 0.1
	done
}
type_line() { printf '%s\n' "$1" >&3; }
shell_stop() {
	type_line exit
	exec 3>&-
	wait "$SHELL_PID" 2>/dev/null
	cat -v "$NS_TMP/screen"
}

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'masq add out wan0 from 192.168.2.0/24' \
	-c 'masq add out wan0 from 192.168.3.0/24' \
	-c 'masq add out wan0 from 192.168.4.0/24' -c apply
assert_eq "four rules run" 4 "$(rules)"

shell_start "$NS_TMP/masq.db"
expect 1 'masqsh> '
# one of four removed: no question
type_line 'masq del 4'
expect 2 'masqsh> '
type_line apply
expect 1 'applied 3 rules'
# two of three removed: asked; no
type_line 'masq del 1'
type_line 'masq del 2'
expect 5 'masqsh> '
type_line apply
expect 1 'applying would remove 2 of the 3 nft rules running in table masqsh \(the new table has 1\)\.  Apply anyway\? \[y/N\]'
type_line n
expect 1 'nothing applied'
assert_eq "after 'n': three rules still run" 3 "$(rules)"
# asked again; yes
type_line apply
expect 2 'Apply anyway\?'
type_line y
expect 1 'applied 1 rules'
shell_stop
assert_eq "no question for the apply that removed one of four" 2 \
	"$(grep -c 'Apply anyway' "$NS_TMP/screen")"
assert_eq "after 'y': one rule runs" 1 "$(rules)"

# A database never applied: the shell asks where a script is refused.
never=$NS_TMP/never.db
ip netns exec "$GW" "$MASQSH" --db "$never" -c 'masq add out wan0 from 10.1.0.0/16' ||
	fail "masq add into $never"
shell_start "$never"
expect 1 'masqsh> '
type_line apply
expect 1 'was never applied; its 1 rule would replace all 1 nft rule running in table masqsh\.  Apply anyway\?'
type_line n
expect 1 'nothing applied'
shell_stop
assert_match "after 'n': the first database's rule still runs" \
	'192\.168\.3\.0/24' "$(gw_nft list table ip masqsh)"

# A script removing more than half is not asked (no terminal) and goes on.
run gw_masqsh -c 'masq add out wan0 from 192.168.5.0/24' -c apply
run gw_masqsh -c 'masq del 3' -c 'masq del 5' -c 'masq add out wan0 from 192.168.6.0/24' \
	-c apply
assert_match "the script applied" 'ip saddr 192\.168\.6\.0/24' "$(gw_nft list table ip masqsh)"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 910: the lab as a person meets it, driven through tmux: the banner and a
# masqsh prompt inside the gateway; a command there; Ctrl-C clears the line
# and does not end the lab; Ctrl-D leaves, and the lab is torn down.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found"
command -v tmux >/dev/null || skip "tmux not installed"
root=$(cd "$(dirname "$0")/../.." && pwd)
export NS_PREFIX

sock=masqsh-lab-test-$$
T=(tmux -L "$sock")
# On any exit: end our tmux server (the lab's traps then remove its
# namespaces); whatever is still left with our prefix is removed here.
finish() {
	local ns p i=0
	"${T[@]}" kill-server 2>/dev/null
	while [ $((i += 1)) -le 50 ] && lab_namespaces | grep -q .; do
		sleep 0.1
	done
	for ns in $(lab_namespaces); do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p"; done
		ip netns del "$ns"
	done
}
lab_namespaces() {
	ip netns list | awk -v p="$NS_PREFIX" 'index($1, p) == 1 { print $1 }'
}
trap finish EXIT
trap 'exit 130' INT TERM
"${T[@]}" -f /dev/null new-session -d -s lab -x 160 -y 60 \
	"env -u LAB_NONINTERACTIVE -u CI LAB_SKIP_BUILD=1 MASQSH='$MASQSH' NS_PREFIX='$NS_PREFIX' \
	'$root/scripts/lab'; echo LAB-EXIT=\$?; sleep 60" ||
	skip "tmux cannot start a session here"

screen() { "${T[@]}" capture-pane -p -J -S -200 -t lab; }
# wait_for REGEX [SECS]
wait_for() {
	local i=0 n=$(( ${2:-30} * 10 ))
	while [ $((i += 1)) -le "$n" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	echo "--- screen:"; screen
	fail "did not see /$1/ within ${2:-30}s"
}

wait_for '^masqsh> *$' 60
assert_match "banner" 'you are in the gateway namespace' "$(screen)"
assert_match "self-check lines" 'server saw 198\.51\.100\.2 +ok' "$(screen)"
"${T[@]}" send-keys -t lab 'masq list' Enter
wait_for 'lan1: masquerade'
"${T[@]}" send-keys -t lab 'show compiled' Enter
wait_for 'masquerade comment'
# Ctrl-C at the prompt: the line goes, the lab stays.
"${T[@]}" send-keys -t lab 'masq ad' C-c
sleep 0.5
assert_eq "lab namespaces still there after Ctrl-C" 5 "$(lab_namespaces | wc -l)"
"${T[@]}" send-keys -t lab 'forward list' Enter
wait_for 'web server in lan1'
"${T[@]}" send-keys -t lab C-d
wait_for 'LAB-EXIT=0' 30
assert_match "teardown reported" 'torn down' "$(screen)"
assert_eq "lab namespaces left behind" "" "$(lab_namespaces)"

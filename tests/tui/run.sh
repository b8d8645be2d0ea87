#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/tui/run.sh - masqtop on the real kernel, driven through tmux.
#
# A throwaway network namespace gets conntrack entries made with
# `conntrack -I` (SNAT'ed, so masqtop's default NAT-only view shows them);
# masqtop runs in a fixed-size detached tmux pane inside it; keys are sent,
# the pane is captured and compared with what the help promises and with
# what the kernel says (`conntrack -C`, `conntrack -L`).  Batch mode is
# checked piped to a file.  The header's alerts come from a database
# made by masqsh, with alerts written by sqlite3 as the engine would; keys
# that act (d, :) are checked to run masqsh's commands.
#
# Prints PASS/FAIL per check and a last line "N passed, N failed".  Exit 0
# when nothing failed, 1 otherwise, 77 (skip, with the reason) when not
# root or tmux / conntrack / ip are missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${top_builddir:-$(cd "$here/../.." && pwd)}
MASQTOP=${MASQTOP:-$build/masqtop}
MASQSH=${MASQSH:-$build/masqsh}

[ "$(id -u)" = 0 ] || { echo "tests/tui: skipped: needs root (network namespaces)"; exit 77; }
for tool in tmux conntrack ip; do
	command -v $tool >/dev/null || { echo "tests/tui: skipped: $tool not installed"; exit 77; }
done
[ -x "$MASQTOP" ] || { echo "tests/tui: skipped: $MASQTOP not built"; exit 77; }

ns=masqtop-tui-$$
sock=masqtop-tui-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/masqtop-tui.XXXXXX")
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" || { echo "tests/tui: skipped: cannot create a namespace"; exit 77; }
nsx() { ip netns exec "$ns" "$@"; }

# 20 masqueraded TCP entries: 15 to port 80, 5 to 443, and 2 unNAT'ed UDP.
add_tcp() {	# i dport
	nsx conntrack -I -p tcp -s 192.168.7.$1 -d 198.51.100.9 --sport $((40000 + $1)) \
		--dport "$2" --state ESTABLISHED -t $((600 + $1)) -u SEEN_REPLY,ASSURED \
		--src-nat 203.0.113.5 >/dev/null 2>&1
}
for i in $(seq 1 15); do add_tcp "$i" 80; done
for i in $(seq 16 20); do add_tcp "$i" 443; done
for i in 1 2; do
	nsx conntrack -I -p udp -s 192.168.7.$i -d 198.51.100.53 --sport 5353 --dport 53 -t 60 \
		>/dev/null 2>&1
done
if [ "$(nsx conntrack -C)" != 22 ]; then
	echo "tests/tui: skipped: conntrack -I did not create the entries (nf_conntrack netlink?)"
	exit 77
fi

pass=0 failn=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'; failn=$((failn + 1)); }
check() {	# name, then a command that must succeed
	local name=$1; shift
	if "$@"; then ok "$name"; else bad "$name" "$(cap)"; fi
}

cap() { tmux -L "$sock" capture-pane -p -t mt; }
keys() { tmux -L "$sock" send-keys -t mt "$@"; sleep 0.4; }
# Wait (up to 5 s) until the pane shows a line matching ERE $1.
wait_for() {
	local i
	for i in $(seq 1 25); do
		cap | grep -Eq -- "$1" && return 0
		sleep 0.2
	done
	return 1
}

# The engine's alerts: a database where one was raised (masqsh makes the
# database with a write -- only a write creates one --, sqlite3 plays the
# engine).
db=$tmp/masq.db
alerts=1
if ! "$MASQSH" --db "$db" -c 'clamp off' >/dev/null 2>&1 ||
	! sqlite3 "$db" "INSERT INTO alerts (raised_at, kind, key, message)
		VALUES (strftime('%s', 'now'), 'table-fill', '',
		'conntrack table 91% full')"; then
	alerts=
	bad "the test database with an alert is made" "masqsh clamp off or sqlite3 failed"
fi
# Every masqtop here reads the test's database, never the machine's.
export MASQSH_DB=$db

tmux -L "$sock" new-session -d -s mt -x 132 -y 30 \
	"ip netns exec $ns env TERM=xterm-256color $MASQTOP -d 0.3 --db $db; sleep 30"

check "screen comes up" wait_for '^conntrack 22/'
kcount=$(nsx conntrack -C)
check "header count is the kernel's ($kcount)" wait_for "^conntrack $kcount/"
check "20 NAT'ed rows shown" wait_for 'view connections  rows 20 '
check "rows show inside, masq'ed and remote" \
	wait_for '^tcp +192\.168\.7\.[0-9]+:400[0-9]+ +203\.0\.113\.5:[0-9]+ +198\.51\.100\.9:(80|443) '
check "busiest port budget" wait_for 'busiest 203\.0\.113\.5/tcp 20/64512'

if [ -n "$alerts" ]; then
	check "the header shows the engine's alert" \
		wait_for '^alerts 1, newest table-fill: conntrack table 91% full'
	sqlite3 "$db" "INSERT INTO alerts (raised_at, kind, key, message, host)
		VALUES (strftime('%s', 'now'), 'port-budget', '203.0.113.5 tcp',
		'ports 97% used', '192.168.7.3')"
	check "a new alert shows within seconds" \
		wait_for '^alerts 2, newest port-budget: ports 97% used'
	sqlite3 "$db" "UPDATE alerts SET cleared_at = strftime('%s', 'now')"
	check "cleared alerts leave the header" wait_for '^alerts 0$'
fi

keys t
check "t shows every entry" wait_for 'rows 22 .* all '
keys t
check "t back to NAT-only" wait_for 'rows 20 .* nat-only'

keys s
check "s sorts on the next column" wait_for 'sort bytes'
keys S
check "S sorts on the previous column" wait_for 'sort expires  '
keys r
check "r reverses" wait_for 'sort expires reversed'
# Reversed expires: the longest timeout (entry 20, 620 s) is on top.
check "reversed order puts 192.168.7.20 first" \
	sh -c "tmux -L $sock capture-pane -p -t mt | sed -n 6p | grep -q '192\.168\.7\.20:'"
keys r

keys / C-u 'dport 443' Enter
check "/ filters (dport 443: 5 rows)" wait_for 'rows 5 .*filter dport 443'
keys / C-u 'dport 443 and' Enter
check "a bad filter shows the error with the caret" wait_for "needs a term after it.*\\^"
check "a bad filter keeps the old one" wait_for 'rows 5 .*filter dport 443'
keys / C-u Enter
check "an empty filter shows everything" wait_for 'rows 20 .*filter none'

for v in hosts ports rules timeouts connections; do
	keys v
	check "v goes to the $v view" wait_for "^view $v"
done

keys '?'
check "? shows the help generated from the keymap" wait_for 'd +delete +delete the entry under the cursor'
keys q	# any key leaves the help
check "help closes" wait_for '^view connections'

before=$(nsx conntrack -C)
keys Home d
check "d asks to run masqsh's kill naming the entry" \
	wait_for "run 'kill proto tcp and src 192\.168\.7\.[0-9]+ and dst 198\.51\.100\.9 and sport 400[0-9]+ and dport (80|443)'\? \(y/n\)"
keys n
check "n keeps the entry" test "$(nsx conntrack -C)" = "$before"
keys d
wait_for "run 'kill .*\(y/n\)" >/dev/null
victim=$(cap | sed -n "s/.*and src \([0-9.]*\) and .*/\1/p" | head -n 1)
keys y
check "d + y deletes the entry under the cursor" test "$(nsx conntrack -C)" = $((before - 1))
check "... that entry" sh -c "! ip netns exec $ns conntrack -L -p tcp -s $victim 2>/dev/null | grep -q ."
check "kill's answer in the status line" wait_for '^deleted 1 connection$'
check "the header follows the delete" wait_for "^conntrack $((before - 1))/"

keys : C-u 'show stats' Enter
check ": runs a masqsh command, output in a pane" wait_for '^masqsh> show stats'
keys Escape	# any key closes the pane; Escape runs nothing
keys : C-u 'kill src 192.168.7.2 and proto udp' Enter
check ": asks as masqsh asks" wait_for 'delete 1 connection\? \(y/n\)'
keys y
check ": kill deleted the entry" sh -c "! ip netns exec $ns conntrack -L -p udp -s 192.168.7.2 2>/dev/null | grep -q ."
keys : C-u 'watch' Enter
check ": refuses a command that never returns" wait_for "'watch' runs until interrupted"
keys : C-u 'kil dport 80 and' Enter
check ": shows masqsh's error" wait_for 'masqsh: error: '
keys Escape
before=$(($(nsx conntrack -C) + 1))

add_tcp 77 8080
check "a new entry arrives by event" wait_for '192\.168\.7\.77:40077'
check "new/s counted it or the count rose" wait_for "^conntrack $before/"

check "no rule made it yet" wait_for '192\.168\.7\.77:40077 .* -$'
keys : C-u 'masq add out lo from 192.168.7.77' Enter
check ": masq add ran" wait_for '^added masq rule 1 '
keys Escape
check "the rule column follows the rule staged from ':'" \
	wait_for '192\.168\.7\.77:40077 .* 1$'

keys Enter
check "Enter shows the details (both tuples)" wait_for '^  reply +198\.51\.100\.9:'
keys q

tmux -L "$sock" resize-window -t mt -x 70 -y 15 2>/dev/null ||
	tmux -L "$sock" resize-pane -t mt -x 70 -y 15
sleep 1
check "a resize redraws at the new size" sh -c "
	out=\$(tmux -L $sock capture-pane -p -t mt)
	printf '%s\n' \"\$out\" | grep -q '^conntrack ' &&
	[ \"\$(printf '%s\n' \"\$out\" | awk '{ if (length > m) m = length } END { print m }')\" -le 70 ] &&
	printf '%s\n' \"\$out\" | grep -q '^PROTO  SOURCE'"

keys q
check "q quits" sh -c "sleep 0.5; ! tmux -L $sock capture-pane -p -t mt | grep -q '^conntrack '"

# Batch mode, piped: the width holds, no escape codes, -n iterations.
nsx "$MASQTOP" -b -w 50 -a > "$tmp/b50"
check "batch -w 50: no line longer than 50" awk 'length > 50 { exit 1 }' "$tmp/b50"
check "batch has no escape codes" sh -c "! grep -q \$'\\033' $tmp/b50"
MASQSH_DB="$tmp/none/masq.db" nsx "$MASQTOP" -b -w 80 >"$tmp/nodb" 2>&1
check "batch without a database: it runs" \
	sh -c "head -n 1 $tmp/nodb | grep -q '^conntrack '"
check "batch without a database: no alerts line" \
	test "$(sed -n 4p "$tmp/nodb")" = ""
if [ -n "$alerts" ]; then
	sqlite3 "$db" "INSERT INTO alerts (raised_at, kind, key, message)
		VALUES (strftime('%s', 'now'), 'insert-failed', '', 'inserts failing')"
	check "batch shows the alerts" \
		test "$(nsx "$MASQTOP" -b -w 80 --db "$db" | sed -n 4p)" = "alerts 1, newest insert-failed: inserts failing"
	check "batch -j: the alerts" sh -c "ip netns exec $ns $MASQTOP -b -j --db $db |
		grep -q '\"alerts\":{\"active\":1,\"newest\":\"insert-failed: inserts failing\"}'"
fi
check "batch lists every entry (-a: 22)" test "$(grep -c '^\(tcp\|udp\) ' "$tmp/b50")" = "$(nsx conntrack -C)"
COLUMNS=90 nsx "$MASQTOP" -b -n 2 -d 0.2 > "$tmp/b2"
check "batch -n 2 prints two screens" test "$(grep -c '^conntrack ' "$tmp/b2")" = 2
check "batch honours \$COLUMNS" awk 'length > 90 { exit 1 }' "$tmp/b2"
nsx "$MASQTOP" -b -j -f 'dport 80' > "$tmp/j"
check "batch -j: one JSON document with the filtered rows" python3 -c "
import json, sys
d = json.load(open('$tmp/j'))
assert d['filter'] == 'dport 80', d['filter']
assert len(d['rows']) == d['shown'] > 0, d['shown']
assert all(r['dport'] == 80 for r in d['rows'])  # masqsh's schema
"
check "batch count equals conntrack -L --src-nat" test \
	"$(nsx "$MASQTOP" -b -j | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))')" = \
	"$(nsx conntrack -L --src-nat 2>/dev/null | grep -c .)"
nsx "$MASQTOP" -b -w 200 -s src > "$tmp/ball"
nsx "$MASQTOP" -b -w 200 -s src --lines 5 > "$tmp/b5"
check "batch --lines 5: header, titles and 5 rows" test "$(wc -l < "$tmp/b5")" = 10
check "batch --lines 5: the head of the full listing" \
	test "$(sed -n 6,10p "$tmp/b5" | awk '{ print $2 }')" = "$(sed -n 6,10p "$tmp/ball" | awk '{ print $2 }')"
check "--lines 0 is refused" sh -c "ip netns exec $ns $MASQTOP -b --lines 0 2>&1 | grep -q 'bad line count'"
check "--lines needs -b" sh -c "ip netns exec $ns $MASQTOP --lines 5 </dev/null 2>&1 | grep -q -- '--lines needs -b'"

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]

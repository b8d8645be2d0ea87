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
ns2=masqtop-tui2-$$
sock=masqtop-tui-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/masqtop-tui.XXXXXX")
pids=()
cleanup() {
	local p
	tmux -L "$sock" kill-server 2>/dev/null
	# what runs in part 2's namespace is ours (the UDP stream)
	for p in "${pids[@]}" $(ip netns pids "$ns2" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	ip netns del "$ns2" 2>/dev/null
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
# Wait (up to 5 s) until no line of the pane matches ERE $1.
wait_gone() {
	local i
	for i in $(seq 1 25); do
		cap | grep -Eq -- "$1" || return 0
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

# The NAT pair's line (issue 14): set a pair in the database from another
# shell; within a poll the header grows by its line (no daemons here:
# backup, nothing recorded, conntrackd not answering) and the column
# titles move down one; 'ha off' takes it away again.
if "$MASQSH" --db "$db" -c 'ha sync dev sync0 peer 10.9.0.2' \
	-c 'ha vip lan0 192.168.1.1/24' -c 'ha role master' >/dev/null 2>&1; then
	check "the pair's line shows within seconds" wait_for \
		'^pair backup 0/1 VIPs \(role master\)  peer 10\.9\.0\.2  last -  conntrackd not answering$'
	check "the column titles are on line 6 under the pair's line" \
		sh -c "tmux -L $sock capture-pane -p -t mt | sed -n 6p | grep -q '^PROTO '"
	"$MASQSH" --db "$db" -c 'ha off' >/dev/null 2>&1
	check "ha off: the pair's line goes" wait_gone '^pair '
	check "the column titles are back on line 5" \
		sh -c "tmux -L $sock capture-pane -p -t mt | sed -n 5p | grep -q '^PROTO '"
else
	bad "the pair is set in the test database" "masqsh ha sync/vip failed"
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
# The entry existed before masqtop started: the kernel sends no DESTROY
# event for it (nf_conntrack_events=2); masqtop reads the table after 'd'.
check "... and its row leaves the screen" wait_gone "^tcp +$victim:"

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
MASQSH_DB="$tmp/none/masq.db" nsx "$MASQTOP" -b -w 80 >"$tmp/nodb" 2>"$tmp/nodb.err"
check "batch without a database: it runs" \
	sh -c "head -n 1 $tmp/nodb | grep -q '^conntrack '"
check "batch without a database: no alerts line" \
	test "$(sed -n 4p "$tmp/nodb")" = ""
# masqtop(8): a database that cannot be read turns the rule column off
# with a warning -- a path with no file at all too.
nsx "$MASQTOP" -b -w 80 --db /no/such/file >/dev/null 2>"$tmp/nodb.err"
check "--db /no/such/file: the warning masqtop(8) promises" \
	grep -qx 'masqtop: warning: rule column off: no rule database at /no/such/file' "$tmp/nodb.err"
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

# ---- Part 2: what masqtop shows is what the kernel has (issue 10) ----
#
# A second namespace, with the kernel's default nf_conntrack_events=2 said
# explicitly: an entry made before the first event listener sends no
# event at all, not even DESTROY.  Accounting on, short UDP timeouts (so a
# countdown that traffic does not refresh reaches 0 within the test).
if ! ip netns add "$ns2"; then
	bad "part 2: cannot create a second namespace"
	echo "$pass passed, $failn failed"
	exit 1
fi
nsx2() { ip netns exec "$ns2" "$@"; }
nsx2 sysctl -qw net.netfilter.nf_conntrack_events=2 \
	net.netfilter.nf_conntrack_acct=1 \
	net.netfilter.nf_conntrack_udp_timeout=5 \
	net.netfilter.nf_conntrack_udp_timeout_stream=6
nsx2 ip link set lo up
db2=$tmp/masq2.db
m2() { nsx2 "$MASQSH" --db "$db2" "$@"; }
ct2() {	# i src dport gw[:port]: one SNAT'ed TCP entry
	nsx2 conntrack -I -p tcp -s "$2" -d 198.51.100.9 --sport $((40000 + $1)) \
		--dport "$3" --state ESTABLISHED -t 600 -u SEEN_REPLY,ASSURED \
		--src-nat "$4" >/dev/null 2>&1
}
# Ten connections through a rule that allows ten ports: its budget is full.
m2 -c 'masq add out lo from 192.168.8.0/24 snat 203.0.113.6 ports 20000-20009 proto tcp' \
	-c apply >/dev/null
for i in $(seq 1 10); do ct2 "$i" 192.168.8.$i 80 203.0.113.6:$((19999 + i)); done
ct2 50 192.168.8.50 443 203.0.113.7	# the one conntrack -D deletes
for i in $(seq 1 20); do	# unreplied, deleted later
	nsx2 conntrack -I -p udp -s 192.168.8.$((100 + i)) -d 198.51.100.53 \
		--sport 5353 --dport 53 -t 600 --src-nat 203.0.113.7 >/dev/null 2>&1
done
[ "$(nsx2 conntrack -C)" = 31 ] || bad "part 2: conntrack -I made $(nsx2 conntrack -C) entries, wanted 31"

cap2() { tmux -L "$sock" capture-pane -p -t mt2; }
w2() {	# wait (up to 8 s) until the pane shows ERE $1
	local i
	for i in $(seq 1 40); do
		cap2 | grep -Eq -- "$1" && return 0
		sleep 0.2
	done
	return 1
}
check2() {	# like check, showing this pane on failure
	local name=$1; shift
	if "$@"; then ok "$name"; else bad "$name" "$(cap2)"; fi
}
tmux -L "$sock" new-session -d -s mt2 -x 132 -y 40 \
	"ip netns exec $ns2 env TERM=xterm-256color $MASQTOP -d 1 --db $db2; sleep 60"
check2 "part 2: screen comes up" w2 '^conntrack 31/'

# The busiest port budget is `show ports`' first line, sized by the rule.
ports=$(m2 -j -c 'show ports' | python3 -c '
import json, sys
g = json.load(sys.stdin)[0]
print("%s/%s %d/%d" % (g["gw"], g["proto"], g["used"], g["available"]))')
check2 "busiest budget is show ports' ($ports)" w2 "busiest ${ports//./\\.} \\(100\\.0%\\)"
check2 "... and its port range" test "$ports" = "203.0.113.6/tcp 10/10"

# An entry made before masqtop started leaves within two refreshes of
# `conntrack -D` (no DESTROY event comes for it).
check2 "the old entry is shown" w2 '^tcp +192\.168\.8\.50:40050 '
nsx2 conntrack -D -p tcp -s 192.168.8.50 >/dev/null 2>&1
t0=$(date +%s%N)
gone=
for i in $(seq 1 40); do
	cap2 | grep -Eq '^tcp +192\.168\.8\.50:40050 ' || { gone=$(date +%s%N); break; }
	sleep 0.1
done
if [ -n "$gone" ] && [ $(((gone - t0) / 1000000)) -le 3000 ]; then
	ok "conntrack -D of an old entry: its row left in $(((gone - t0) / 1000000)) ms (refresh 1 s)"
else
	bad "conntrack -D of an old entry: its row left within two refreshes" "$(cap2)"
fi
check2 "... and the header's count is the rows'" \
	sh -c "tmux -L $sock capture-pane -p -t mt2 | grep -q '^conntrack 30/' &&
		tmux -L $sock capture-pane -p -t mt2 | grep -q '  rows 30 '"

# "unreplied" is a share of the entries (never above 100%) and says what
# `show stats` says, also while old unreplied entries are deleted.
stats=$(m2 -c 'show stats' | sed -n 's/^unreplied .*(\([0-9.]*%\).*/\1/p')
check2 "unreplied is show stats' ($stats, 20 of 30)" w2 "unreplied ${stats//./\\.} "
nsx2 conntrack -D -p udp >/dev/null 2>&1
worst=0
for i in $(seq 1 15); do
	p=$(cap2 | sed -n 's/.* unreplied \([0-9.]*\)%.*/\1/p' | head -n 1)
	worst=$(awk -v a="$worst" -v b="${p:-0}" 'BEGIN { print (b > a ? b : a) }')
	sleep 0.2
done
check2 "unreplied never above 100% (highest seen: $worst%)" \
	awk -v w="$worst" 'BEGIN { exit !(w <= 100) }'
stats=$(m2 -c 'show stats' | sed -n 's/^unreplied .*(\([0-9.]*%\).*/\1/p')
check2 "unreplied after the delete is show stats' ($stats)" w2 "unreplied ${stats//./\\.} "

# A rule applied from another shell names the new flows it makes (and a
# rollback to the first revision takes it back): the rule column follows
# the running revision.
m2 -c 'masq add at 1 out lo from 192.168.9.0/24 snat 203.0.113.8' -c apply >/dev/null
ct2 100 192.168.9.1 80 203.0.113.8
check2 "a rule applied from another shell names new flows" \
	w2 '^tcp +192\.168\.9\.1:40100 .* 2$'
m2 -c rollback >/dev/null
check2 "a rollback from another shell takes it back" \
	w2 '^tcp +192\.168\.9\.1:40100 .* -$'

# A UDP stream made after start, refreshed every 2 s (timeout 5-6 s): its
# countdown is the kernel's, never 0, and its counters show.  The applied
# ruleset's NAT chains make the namespace track loopback traffic.
ip netns exec "$ns2" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5999))
while True:
    d, a = s.recvfrom(100)
    s.sendto(d, a)' &
pids+=("$!")
ip netns exec "$ns2" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
for i in range(15):
    s.sendto(b"x" * 100, ("127.0.0.1", 5999))
    try:
        s.recv(100)
    except OSError:
        pass
    time.sleep(2)' &
pids+=("$!")
tmux -L "$sock" send-keys -t mt2 t; sleep 0.3
tmux -L "$sock" send-keys -t mt2 / C-u 'dport 5999' Enter
check2 "the stream's row" w2 '^udp +127\.0\.0\.1:[0-9]+ .*127\.0\.0\.1:5999 '
# EXPIRES and BYTES by their titles' places (every cell is one word).
col() { cap2 | awk -v t="$1" '$1 == "PROTO" { for (i = 1; i <= NF; i++) if ($i == t) c = i }
	c && $1 == "udp" && $0 ~ /:5999 / { print $c; exit }'; }
zero=0 seen=0 exp=
for i in $(seq 1 36); do	# 18 s: well past the 6 s a countdown lasts
	exp=$(col EXPIRES)
	if [ -n "$exp" ]; then
		seen=$((seen + 1))
		[ "$exp" = 0 ] && zero=$((zero + 1))
	fi
	sleep 0.5
done
check2 "a UDP stream refreshed every 2 s never shows EXPIRES 0 ($zero of $seen)" \
	test "$seen" -ge 30 -a "$zero" = 0
bytes=$(col BYTES)
check2 "accounting on: a new entry's counters are shown (BYTES $bytes)" \
	sh -c "echo '$bytes' | grep -Eq '^[1-9][0-9]*$'"

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]

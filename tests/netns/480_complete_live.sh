#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 480: TAB offers what is in the conntrack table now (issue 11).  Real
# connections through the masquerading gateway, then the candidates that
# the hidden `__complete` entry, bash's completion (completions/masqsh,
# with COMP_WORDS cut at ':' as bash cuts them) and the REPL's readline
# TAB (in tmux) give for the filter words of show masq / show conntrack /
# kill / watch and for explain's SRC[:PORT] and DST[:PORT]: the inside
# hosts, servers, gateway address and ports of those connections, the
# most frequent first and at most 50 of them.  Without CAP_NET_ADMIN
# completion still works, quietly, without table values.  No candidate
# holds a control character.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TM=${NS_PREFIX}-tmux
trap 'tmux -L "$TM" kill-server 2>/dev/null; ns_cleanup' EXIT

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply

# comp LINE: the words __complete offers for LINE, one per line, in its
# order; the whole output (help included) stays in $NS_TMP/comp.
comp() {
	gw_masqsh __complete "$1" >"$NS_TMP/comp" 2>"$NS_TMP/comp.err" ||
		fail "__complete '$1' failed: $(cat "$NS_TMP/comp.err")"
	[ ! -s "$NS_TMP/comp.err" ] ||
		fail "__complete '$1' wrote to stderr: $(cat "$NS_TMP/comp.err")"
	if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\t' <"$NS_TMP/comp"); then
		fail "__complete '$1' printed a control character"
	fi
	cut -f1 "$NS_TMP/comp"
}

# has WHAT WORD LIST: WORD is one of the lines of LIST.
has() {
	if ! grep -qxF -- "$2" <<<"$3"; then
		printf 'FAIL: %s\n  expected a candidate: %s\n  actual:\n%s\n' \
			"$1" "$2" "$3" >&2
		exit 1
	fi
	printf 'ok: %s (%s)\n' "$1" "$2"
}

# Real connections: 192.168.1.10 three times (tcp 80 and 443, udp 53),
# 192.168.1.11 once (tcp 8080).
ct_flush
assert_eq "lan1 .10 tcp 80" "198.51.100.2" "$(req_addr "$C1" tcp 192.0.2.10 80 192.168.1.10)"
assert_eq "lan1 .10 tcp 443" "198.51.100.2" "$(req_addr "$C1" tcp 192.0.2.10 443 192.168.1.10)"
assert_eq "lan1 .10 udp 53" "198.51.100.2" "$(req_addr "$C1" udp 192.0.2.10 53 192.168.1.10)"
assert_eq "lan1 .11 tcp 8080" "198.51.100.2" "$(req_addr "$C1" tcp 192.0.2.10 8080 192.168.1.11)"
sport=$(ip netns exec "$GW" conntrack -L -p tcp --dport 443 2>/dev/null |
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^sport=/) {
		print substr($i, 7); exit } }')
gport=$(ct_reply dport tcp 443)
if [ -z "$sport" ] || [ -z "$gport" ]; then
	fail "no conntrack entry for the 443 flow"
fi
echo "the 443 flow: sport $sport, masqueraded as port $gport"

# The hidden entry, for each live word.
got=$(comp 'show masq src ')
has "show masq src: the busier inside host" 192.168.1.10 "$got"
has "show masq src: the other inside host" 192.168.1.11 "$got"
assert_eq "show masq src: most frequent first" 192.168.1.10 "$(head -n 1 <<<"$got")"
assert_match "show masq src: help counts the connections" \
	'^192\.168\.1\.10	in 3 connections now$' "$(cat "$NS_TMP/comp")"
got=$(comp 'show masq src 192.168.1.11')
assert_eq "show masq src with a prefix" 192.168.1.11 "$got"
assert_eq "show masq src 192.168.2: nothing there" "" "$(comp 'show masq src 192.168.2')"
has "show masq dst" 192.0.2.10 "$(comp 'show masq dst ')"
has "show conntrack gw: the masquerading address" 198.51.100.2 \
	"$(comp 'show conntrack gw ')"
got=$(comp 'kill src 192.168.1.10 and dport ')
has "kill ... dport: http" 80 "$got"
has "kill ... dport: https" 443 "$got"
has "kill ... dport: dns" 53 "$got"
has "kill ... dport: 8080" 8080 "$got"
has "watch sport: the client's port" "$sport" "$(comp 'watch sport ')"
has "show masq gport: the masqueraded port" "$gport" "$(comp 'show masq gport ')"
has "show masq dport h: service names once a name is typed" https \
	"$(comp 'show masq dport h')"
got=$(comp 'explain tcp ')
has "explain SRC: the inside host" 192.168.1.10 "$got"
has "explain SRC: keywords still offered" in "$got"
has "explain SRC[:PORT]: with the port once ':' is typed" \
	"192.168.1.10:$sport" "$(comp 'explain tcp 192.168.1.10:')"
got=$(comp 'explain tcp 192.168.1.10 -> 192.0.2.10:4')
assert_eq "explain DST[:PORT]" "192.0.2.10:443" "$got"

# Bash asks the same entry.  bash cuts "192.0.2.10:4" at ':' into
# "192.0.2.10" ":" "4"; the reply must then hold only what follows ':'.
bash_comp() {	# COMP_LINE, then COMP_WORDS as bash cut them
	local line=$1
	shift
	# shellcheck disable=SC2016
	ip netns exec "$GW" env PATH="$(dirname "$MASQSH"):$PATH" bash -c '
		. "$1"; shift
		COMP_LINE=$1; COMP_POINT=${#1}; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_masqsh
		printf "%s\n" "${COMPREPLY[@]}"' bash "$ROOT/completions/masqsh" \
		"$line" "$@"
}
db=$NS_TMP/masq.db
got=$(bash_comp "masqsh --db $db show masq src 192.168.1.1" \
	masqsh --db "$db" show masq src 192.168.1.1)
has "bash: show masq src" 192.168.1.10 "$got"
has "bash: show masq src (2)" 192.168.1.11 "$got"
got=$(bash_comp "masqsh --db $db explain tcp 192.168.1.10 -> 192.0.2.10:4" \
	masqsh --db "$db" explain tcp 192.168.1.10 '->' 192.0.2.10 : 4)
assert_eq "bash: DST[:PORT] after the ':'" 443 "$got"
got=$(bash_comp "masqsh --db $db explain tcp 192.168.1.10:" \
	masqsh --db "$db" explain tcp 192.168.1.10 :)
has "bash: SRC[:PORT], the word being ':'" "$sport" "$got"

# More values than fit: 200 inside hosts, one entry each (conntrack -I).
for i in $(seq 1 200); do
	printf -- '-I -s 10.9.%d.%d -d 192.0.2.10 -p tcp --sport 1000 --dport 22 --state ESTABLISHED -t 600 -u SEEN_REPLY --src-nat 198.51.100.2\n' \
		$((i / 100)) $((i % 100 + 1))
done >"$NS_TMP/many.ct"
ip netns exec "$GW" conntrack -R "$NS_TMP/many.ct" >/dev/null 2>&1 ||
	fail "conntrack -R could not load the entries"
got=$(comp 'show conntrack src ')
assert_eq "at most 50 candidates" 50 "$(wc -l <<<"$got")"
has "the busiest host is among them" 192.168.1.10 "$got"
got=$(comp 'show conntrack src 10.9.1.1')
assert_eq "narrowing down reaches the rest: 10.9.1.1, .10-.19, .100" 12 \
	"$(wc -l <<<"$got")"
has "narrowing down reaches the last one" 10.9.1.100 "$got"

# Without CAP_NET_ADMIN: no error, no table values, the rest as before.
if command -v capsh >/dev/null; then
	nocap() {
		local q
		printf -v q '%q ' "$MASQSH" --db "$db" __complete "$1"
		ip netns exec "$GW" capsh --drop=cap_net_admin -- -c "$q" \
			2>"$NS_TMP/nocap.err" </dev/null
	}
	got=$(nocap 'show masq src ') || fail "__complete failed without CAP_NET_ADMIN"
	assert_eq "no CAP_NET_ADMIN: no addresses" "" "$got"
	assert_eq "no CAP_NET_ADMIN: nothing on stderr" "" "$(cat "$NS_TMP/nocap.err")"
	got=$(nocap 'show masq dport ' | cut -f1)
	has "no CAP_NET_ADMIN: service names instead" http "$got"
else
	echo "skipped the CAP_NET_ADMIN part: capsh not installed (libcap2-bin)"
fi

# The REPL's TAB (readline) in a tmux pane.
if ! command -v tmux >/dev/null; then
	echo "skipped the readline part: tmux not installed"
	exit 0
fi
cap() { tmux -L "$TM" capture-pane -p -t repl; }
wait_for() {	# ERE, up to 5 s
	local i
	for i in $(seq 1 50); do
		cap | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	printf 'FAIL: %s\n  the pane:\n%s\n' "$2" "$(cap)" >&2
	exit 1
}
tmux -L "$TM" new-session -d -s repl -x 120 -y 30 \
	"env HOME=$NS_TMP TERM=xterm ip netns exec $GW $MASQSH --db $db"
wait_for 'masqsh.*> *$' "the REPL prompt"
tmux -L "$TM" send-keys -t repl 'show masq src 192.168.1.1' Tab Tab
wait_for '192\.168\.1\.10 +192\.168\.1\.11' "readline lists both inside hosts"
printf 'ok: readline TAB lists the inside hosts\n'
tmux -L "$TM" send-keys -t repl C-u 'explain tcp 192.168.1.10 -> 192.0.2.10:44' Tab
wait_for 'explain tcp 192\.168\.1\.10 -> 192\.0\.2\.10:443 *$' \
	"readline completes DST[:PORT]"
printf 'ok: readline TAB completes 192.0.2.10:443\n'

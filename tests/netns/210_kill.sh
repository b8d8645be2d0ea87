#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 210: `kill FILTER` deletes exactly the entries the filter matches and
# nothing else: the table after it equals the table before minus the ones
# conntrack's own filter selects.  -n only counts; an empty filter is
# refused.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
GW=${NS_PREFIX}-kill
ns_add "$GW"

# 4,000 entries: SNAT'ed tcp/udp from two LANs, and some without NAT.
"$NS_PY" - >"$NS_TMP/load.ct" <<'PY'
for i in range(4000):
    proto = "udp" if i % 2 else "tcp"
    state = "--state ESTABLISHED " if proto == "tcp" else ""
    nat = "--src-nat 198.51.100.%d" % (2 + i % 3) if i % 10 else ""
    print("-I -s 192.168.%d.%d -d 192.0.2.%d -p %s --sport %d --dport %d "
          "%s-t 600 %s" % (1 + (i // 2) % 2, 1 + (i // 2) % 250, 1 + i % 9, proto,
                           30000 + i, (80, 443, 53, 123)[i % 4], state, nat))
PY
ip netns exec "$GW" conntrack -R "$NS_TMP/load.ct" >/dev/null 2>&1 ||
	fail "conntrack -R could not load the entries"
assert_eq "entries loaded" 4000 "$(ip netns exec "$GW" conntrack -C)"

# The whole table as sorted lines without the changing timeout/use fields.
table() {
	ip netns exec "$GW" conntrack -L 2>/dev/null |
		sed -E 's/^([a-z]+ +[0-9]+) [0-9]+ /\1 /; s/ use=[0-9]+//' | sort
}

# kill_case WHAT FILTER CONNTRACK-ARGS...: kill FILTER; the table must lose
# exactly what `conntrack -L ARGS` listed.
kill_case() {
	local what=$1 filter=$2 js n
	shift 2
	table >"$NS_TMP/before"
	ip netns exec "$GW" conntrack -L "$@" 2>/dev/null |
		sed -E 's/^([a-z]+ +[0-9]+) [0-9]+ /\1 /; s/ use=[0-9]+//' |
		sort >"$NS_TMP/victims"
	n=$(wc -l <"$NS_TMP/victims")
	[ "$n" -gt 0 ] || fail "$what: conntrack selects nothing"
	js=$(ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -j -n -c "kill $filter")
	assert_eq "$what: -n counts" "{\"matched\":$n,\"deleted\":0}" "$js"
	assert_eq "$what: -n deletes nothing" 4000 "$(ip netns exec "$GW" conntrack -C)"
	js=$(ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -j -c "kill $filter")
	assert_eq "$what: reply" "{\"matched\":$n,\"deleted\":$n}" "$js"
	table >"$NS_TMP/after"
	comm -23 "$NS_TMP/before" "$NS_TMP/victims" >"$NS_TMP/want"
	assert_same_text "$what: exactly the matching entries are gone" \
		"$NS_TMP/want" "$NS_TMP/after"
	ip netns exec "$GW" conntrack -F >/dev/null 2>&1
	ip netns exec "$GW" conntrack -R "$NS_TMP/load.ct" >/dev/null 2>&1
	assert_eq "$what: table refilled" 4000 "$(ip netns exec "$GW" conntrack -C)"
}

kill_case "src 192.168.2.0/24 and proto udp" \
	"src 192.168.2.0/24 and proto udp" -s 192.168.2.0/24 -p udp
kill_case "gw 198.51.100.4" "gw 198.51.100.4" --src-nat -q 198.51.100.4
kill_case "dport 443" "proto udp dport 443" -p udp --dport 443

out=$(ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -c kill 2>&1); rc=$?
assert_eq "empty filter: exit status" 2 "$rc"
assert_match "empty filter: says why" "needs a filter" "$out"
assert_eq "empty filter: nothing deleted" 4000 "$(ip netns exec "$GW" conntrack -C)"
out=$(ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -c 'kill dst 192.0.2.200')
assert_eq "no match" "no matching connections" "$out"
echo "PASS"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 630: forwards and masquerading through someone else's filter (issue 13).
# The admin's own `table inet filter` with a policy-drop forward chain
# drops a port forward's first packet: the real request times out, and
# `explain` and `diag filter.forwards` must say so (table, chain, policy)
# and print the nft rule that lets it through; once the admin adds exactly
# that rule, the real forward works and both say so.  Then: an expression
# the evaluator does not know (numgen) gives "unsure"; a masq rule whose
# flow the forward chain drops; an ip-family table rejecting by a rule (the
# fix is inserted before it); a named interval set in prerouting that
# blocks one client and not another (as the real traffic shows); an ip6
# table.  Without other tables explain prints what it always did.  masqsh never changes these
# tables: the test checks they are as the admin left them.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
command -v nft >/dev/null || skip "nft is not installed (the test oracle)"
srv_start "$C1" tcp 80
REQ_TIMEOUT=2

run gw_masqsh -c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
# No other table yet: explain is as it always was (no filter key or lines).
flow='explain tcp 192.0.2.10:40000 -> 198.51.100.2:8080'
txt=$(gw_masqsh -c "$flow")
assert_eq "no other table: no filter lines" "" \
	"$(echo "$txt" | grep -E "^(blocked|filter|would become|other tables)")"
assert_match "no other table: becomes" '^becomes: 192\.0\.2\.10:40000 -> 192\.168\.1\.10:80$' "$txt"
assert_eq "no other table: no JSON filter key" "" \
	"$(gw_masqsh -j -c "$flow" | grep -o '"filter"')"
run gw_nft -f - <<'EOF'
table inet filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "lan1" accept
	}
}
EOF
ct_flush
assert_eq "before: the forward times out" "" \
	"$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)"

txt=$(gw_masqsh -c "$flow")
echo "$txt"
assert_eq "explain: the drop comes first" \
	"blocked: inet filter forward drops it on forward (policy drop); the flow does not get through" \
	"$(echo "$txt" | head -1)"
assert_eq "explain: the fix" \
	"  fix: nft add rule inet filter forward ct status dnat accept" \
	"$(echo "$txt" | sed -n 2p)"
assert_eq "explain: no claim that it works" "" "$(echo "$txt" | grep '^becomes:')"
assert_match "explain: what it would become" \
	'^would become: 192\.0\.2\.10:40000 -> 192\.168\.1\.10:80, but a filter drops it$' "$txt"
assert_match "explain: the chain's line" \
	'^  forward +drop +inet filter forward: policy drop$' "$txt"
assert_match "explain: the reply is accepted by the ct state rule" \
	'^  reply forward +accept +inet filter forward: rule handle [0-9]+$' "$txt"
js=$(gw_masqsh -j -c "$flow")
"$NS_PY" - "$js" <<'EOF' || fail "explain -j: see above"
import json, sys
d = json.loads(sys.argv[1])["filter"]
assert d["verdict"] == "drop" and d["blocked"] is True, d
assert d["fix"] == "nft add rule inet filter forward ct status dnat accept", d
fw = [h for h in d["hooks"] if h["hook"] == "forward" and not h["reply"]][0]
c = fw["chains"][0]
assert (c["family"], c["table"], c["chain"], c["verdict"], c["policy"],
        c["handle"]) == ("inet", "filter", "forward", "drop", True, None), c
print("ok: explain -j: filter verdict drop, the policy, the fix")
EOF

drc=0
dtxt=$(gw_masqsh -c 'diag filter.forwards' 2>&1) || drc=$?
echo "$dtxt"
assert_eq "diag: exit status 1 (a check failed)" 1 "$drc"
assert_match "diag: FAIL naming the chain and the policy" \
	'^FAIL +filter\.forwards +1 of 2 flows .*forward [0-9]+ \(tcp .*\): dropped by inet filter forward \(policy drop\) on forward$' \
	"$dtxt"
fix=$(gw_masqsh -j -c 'diag filter.forwards' 2>/dev/null |
	"$NS_PY" -c 'import json,sys; r=json.load(sys.stdin)[0]; assert r["status"]=="fail", r; print(r["fix"])')
assert_eq "diag: the rule to add" \
	"nft add rule inet filter forward ct status dnat accept" "$fix"

# The admin adds exactly the printed rule: the real forward works.
# shellcheck disable=SC2086 # the printed command, word by word
run ip netns exec "$GW" $fix
ct_flush
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)
assert_eq "after the fix: the inside server saw the client" 192.0.2.10 "${got%% *}"
txt=$(gw_masqsh -c "$flow")
echo "$txt"
assert_match "explain after the fix: becomes" \
	'^becomes: 192\.0\.2\.10:40000 -> 192\.168\.1\.10:80$' "$txt"
assert_eq "explain after the fix: nothing blocked" "" "$(echo "$txt" | grep -E '^(blocked|filter):')"
assert_match "explain after the fix: the new rule accepts" \
	'^  forward +accept +inet filter forward: rule handle [0-9]+$' "$txt"
run gw_masqsh -c 'diag filter.forwards'
assert_match "diag after the fix: PASS" '^PASS +filter\.forwards' \
	"$(gw_masqsh -c 'diag filter.forwards')"

# An expression the evaluator does not follow: unsure, named; never a guess.
run gw_nft add table ip odd
run gw_nft add chain ip odd f '{ type filter hook forward priority -5; }'
run gw_nft add rule ip odd f numgen random mod 2 0 drop
txt=$(gw_masqsh -c "$flow")
echo "$txt"
assert_match "explain: unsure, naming numgen" \
	'^filter: unsure: cannot tell whether ip odd f lets it through on forward \(rule handle [0-9]+: expression numgen\)$' \
	"$txt"
assert_match "explain: still says what it becomes" '^becomes: ' "$txt"
assert_match "diag: WARN naming numgen" \
	'^WARN +filter\.forwards +cannot tell .*expression numgen' \
	"$(gw_masqsh -c 'diag filter.forwards')"
run gw_nft delete table ip odd

# A masq rule whose flow the forward chain drops: no rule for lan1 any more.
run gw_nft flush chain inet filter forward
run gw_nft add rule inet filter forward ct state established,related accept
run gw_nft add rule inet filter forward ct status dnat accept
ct_flush
assert_eq "masq flow: times out" "" "$(req "$C1" tcp 192.0.2.10 443)"
txt=$(gw_masqsh -c 'explain tcp 192.168.1.10:40000 -> 192.0.2.10:443')
echo "$txt"
assert_match "explain masq flow: blocked" \
	'^blocked: inet filter forward drops it on forward \(policy drop\)' "$txt"
fix=$(gw_masqsh -j -c 'diag filter.forwards' 2>/dev/null |
	"$NS_PY" -c 'import json,sys; r=json.load(sys.stdin)[0]; assert r["status"]=="fail", r; print(r["fix"])')
assert_eq "diag: the rule for the masq rule's flow" \
	'nft add rule inet filter forward iifname "lan1" oifname "wan0" ip saddr 192.168.1.0/24 accept' \
	"$fix"
run gw_nft add rule inet filter forward iifname '"lan1"' oifname '"wan0"' \
	ip saddr 192.168.1.0/24 accept
ct_flush
got=$(req "$C1" tcp 192.0.2.10 443)
assert_eq "masq flow after the fix: masqueraded" 198.51.100.2 "${got%% *}"
assert_match "diag: PASS again" '^PASS +filter\.forwards' \
	"$(gw_masqsh -c 'diag filter.forwards')"

# An ip-family table rejecting by a rule: the fix goes before that rule.
run gw_nft add table ip f4
run gw_nft add chain ip f4 fwd4 '{ type filter hook forward priority 10; }'
run gw_nft add rule ip f4 fwd4 tcp dport 80 reject
h=$(gw_nft -a list chain ip f4 fwd4 | awk '/reject/ { print $NF }')
ct_flush
assert_eq "ip f4: the forward is rejected" "" \
	"$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)"
txt=$(gw_masqsh -c "$flow")
echo "$txt"
assert_match "explain: the ip table's rule and handle" \
	"^blocked: ip f4 fwd4 drops it on forward \\(rule handle $h \\(reject\\)\\)" "$txt"
assert_match "explain: insert before it" \
	"^  fix: nft insert rule ip f4 fwd4 position $h ct status dnat accept$" "$txt"
run ip netns exec "$GW" nft insert rule ip f4 fwd4 position "$h" ct status dnat accept
ct_flush
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)
assert_eq "ip f4 after the fix: forwarded" 192.0.2.10 "${got%% *}"

# A named set in a prerouting chain before our DNAT: one client is
# blocked, the others are not; explain tells them apart as the kernel does.
run gw_nft -f - <<'EOF'
table inet bl {
	set bad { type ipv4_addr; flags interval; elements = { 192.0.2.0/29, 192.0.2.10 }; }
	chain pre {
		type filter hook prerouting priority -200;
		iifname "wan0" ip saddr @bad counter drop
	}
}
EOF
hb=$(gw_nft -a list chain inet bl pre | awk '/@bad/ { print $NF }')
ct_flush
assert_eq "set: the listed client times out" "" \
	"$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.10)"
got=$(req "$SRV" tcp 198.51.100.2 8080 192.0.2.200)
assert_eq "set: another client gets through" 192.0.2.200 "${got%% *}"
assert_match "explain: the set's rule drops the listed client" \
	"^blocked: inet bl pre drops it on prerouting \\(rule handle $hb\\)" \
	"$(gw_masqsh -c "$flow")"
assert_eq "explain: not the other client" "" \
	"$(gw_masqsh -c 'explain tcp 192.0.2.200:40000 -> 198.51.100.2:8080' |
		grep -E '^(blocked|filter):')"
run gw_nft delete table inet bl

# An ip6 table before the inet one (priority -10): an IPv6 flow meets it
# first, the IPv4 flows never.
run gw_nft add table ip6 f6
run gw_nft add chain ip6 f6 forward '{ type filter hook forward priority -10; policy drop; }'
txt=$(gw_masqsh -c 'explain tcp [2001:db8::5]:40000 -> [fd00::10]:80 in wan0 out lan1')
echo "$txt"
assert_match "explain ip6: blocked by the ip6 table" \
	'^blocked: ip6 f6 forward drops it on forward \(policy drop\)' "$txt"
assert_eq "explain ip4: the ip6 table is not on its way" "" \
	"$(gw_masqsh -c "$flow" | grep -E '^(blocked|filter):|ip6 f6')"

# masqsh changed none of the admin's tables.
assert_eq "the admin's tables are theirs" "f4 f6 filter" \
	"$(gw_nft list tables | awk '$3 != "masqsh" { print $3 }' | LC_ALL=C sort | xargs)"
echo "PASS: 630"

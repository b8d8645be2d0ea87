#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 320: `diag dynaddr` (FAQ 7.8, 7.14) against the real faults in the
# gateway namespace: a static uplink with masquerade (PASS); a dynamic
# uplink address (valid_lft 300) with SNAT to it (WARN, the fix is the
# same rule with `snat detect`); the address changed under live entries
# (SNAT to a vanished address: FAIL, the stale entries counted, `kill gw
# OLD` clears them); the detect fix applied (PASS again).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

# field KEY [ARGS..]: one key of `diag dynaddr ARGS` (-j), evidence joined.
field() {
	local k=$1; shift
	gw_masqsh -j -c "diag dynaddr $*" 2>/dev/null | "$NS_PY" -c '
import json, sys
r = json.load(sys.stdin)[0]
v = r[sys.argv[1]]
print("\n".join(v) if isinstance(v, list) else (v or ""))' "$k"
}

expect() {
	local got
	got=$(field status "${3:-}")
	if [ "$got" != "$1" ]; then
		gw_masqsh diag dynaddr ${3:-} || true
		fail "dynaddr: $2: got '$got', want '$1'"
	fi
	echo "ok: dynaddr $1 ($2)"
}

# ---- a static uplink and masquerade ----
run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24'
run gw_masqsh apply
expect pass "static uplink, masquerade"
expect pass "static uplink, named" wan0
assert_match "the address is called permanent" 'wan0: 198\.51\.100\.2/24 permanent' "$(field evidence)"
assert_match "ip_dynaddr is reported" 'net\.ipv4\.ip_dynaddr = [0-9]' "$(field evidence)"

# ---- a dynamic address (a DHCP-style lifetime) and SNAT to it ----
ip -n "$GW" addr add 198.51.100.5/24 dev wan0 valid_lft 300 preferred_lft 300
run gw_masqsh -c 'masq del 1' -c 'masq add out wan0 from 192.168.1.0/24 snat 198.51.100.5'
run gw_masqsh apply
expect warn "SNAT to a fixed address on a dynamic uplink"
assert_match "the lifetime is evidence" '198\.51\.100\.5/24 dynamic, valid [0-9]+ s' "$(field evidence)"
fix=$(field fix)
echo "fix: $fix"
assert_match "the fix is the rule with snat detect" '^masq add .*out wan0.* snat detect.* at 1$' "$fix"

# live entries translated to .5: one real flow and three inserted
got=$(req_addr "$C1" udp 192.0.2.10 53)
assert_eq "the flow is translated to .5" 198.51.100.5 "$got"
for p in 4001 4002 4003; do
	ip netns exec "$GW" conntrack -I -p udp -s 192.168.1.10 -d 192.0.2.10 \
		--sport "$p" --dport 53 -t 600 --src-nat 198.51.100.5 \
		>/dev/null 2>&1 || fail "conntrack -I"
done

# ---- the address changes: .5 goes, .6 comes ----
ip -n "$GW" addr del 198.51.100.5/24 dev wan0
ip -n "$GW" addr add 198.51.100.6/24 dev wan0 valid_lft 300 preferred_lft 300
expect fail "SNAT to an address the uplink no longer has"
ev=$(field evidence)
printf '%s\n' "$ev"
assert_match "the rule's missing address" 'snat 198\.51\.100\.5, which no interface carries' "$ev"
assert_match "stale entries counted" '^[4-9] conntrack entries still translated to 198\.51\.100\.5' "$ev"
rc=0; gw_masqsh diag dynaddr >/dev/null 2>&1 || rc=$?
assert_eq "a FAIL exits 1" 1 "$rc"
run gw_masqsh kill gw 198.51.100.5
ev=$(field evidence)
if printf '%s\n' "$ev" | grep -q 'still translated'; then
	fail "stale entries remain after kill gw"
fi
echo "ok: kill gw cleared the stale entries"

# ---- the fix: snat detect follows the address ----
run gw_masqsh -c "$fix" -c 'masq del 2'
run gw_masqsh apply
expect pass "dynamic uplink, snat detect"
got=$(req_addr "$C1" udp 192.0.2.10 53)
assert_match "detect translates to an uplink address" '^198\.51\.100\.[26]$' "$got"
echo "PASS: 320_diag_dynaddr"

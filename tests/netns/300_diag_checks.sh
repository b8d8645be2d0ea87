#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 300: the FAQ checks of `diag` against the real fault, built in the
# gateway namespace, and against the same namespace without it:
# forwarding off/on, a tiny tcp established timeout, two uplinks with and
# without an ip rule, a LAN-to-LAN masquerade and its nonat fix, alias
# addresses and a SNAT address nobody carries, an input policy drop
# without (and with) 113 handling and an explicit 113 drop, a foreign
# `table ip nat` srcnat chain before and after ours, ftp/irc helpers, and
# the exit status.  Only namespace sysctls are written (ip netns exec).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup two

# status ID: the status word of one check, from -j output.
status() {
	gw_masqsh -j diag "$1" 2>/dev/null | "$NS_PY" -c '
import json, sys
r = json.load(sys.stdin)
print(r[0]["status"])'
}

# expect ID STATUS WHAT
expect() {
	local got
	got=$(status "$1")
	if [ "$got" != "$2" ]; then
		gw_masqsh diag "$1" || true
		fail "$1: $3: got '$got', want '$2'"
	fi
	echo "ok: $1 $2 ($3)"
}

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24'

# ---- sysctl.ip-forward ----
expect sysctl.ip-forward pass "forwarding on"
ns_sysctl "$GW" net.ipv4.ip_forward=0
expect sysctl.ip-forward fail "forwarding off"
rc=0; gw_masqsh diag sysctl.ip-forward >/dev/null 2>&1 || rc=$?
assert_eq "a FAIL exits 1" 1 "$rc"
ns_sysctl "$GW" net.ipv4.ip_forward=1
rc=0; gw_masqsh diag sysctl.ip-forward >/dev/null 2>&1 || rc=$?
assert_eq "a PASS exits 0" 0 "$rc"

# ---- kernel.nat-features ----
expect kernel.nat-features pass "the kernel takes the staged rules"

# ---- timeouts.idle (conntrack is loaded once NAT rules are applied) ----
run gw_masqsh apply
expect timeouts.idle pass "default timeouts"
ns_sysctl "$GW" net.netfilter.nf_conntrack_tcp_timeout_established=300
expect timeouts.idle warn "tcp established 300 s"
ns_sysctl "$GW" net.netfilter.nf_conntrack_tcp_timeout_established=432000
expect conntrack.sizing pass "an empty table"

# ---- routing.multi-uplink ----
expect routing.multi-uplink pass "one uplink"
run gw_masqsh -c 'masq add out wan1 from 192.168.2.0/24'
expect routing.multi-uplink warn "two uplinks, no ip rule"
ip -n "$GW" rule add from 203.0.113.2 table 101
expect routing.multi-uplink pass "two uplinks with a source rule"
ip -n "$GW" rule del from 203.0.113.2 table 101

# ---- rules.lan-to-lan ----
expect rules.lan-to-lan pass "uplink-only rules"
run gw_masqsh -c 'masq add out lan+ from 192.168.0.0/16'
expect rules.lan-to-lan warn "out lan+ catches LAN-to-LAN traffic"
fix=$(gw_masqsh -j diag rules.lan-to-lan 2>/dev/null | "$NS_PY" -c '
import json, sys
print(json.load(sys.stdin)[0]["fix"])')
echo "fix: $fix"
assert_match "the fix is a nonat rule" '^masq add out lan[12] to 192\.168\.[12]\.0/24 nonat at [0-9]+$' "$fix"
run gw_masqsh -c "$fix"
fix=$(gw_masqsh -j diag rules.lan-to-lan 2>/dev/null | "$NS_PY" -c '
import json, sys
print(json.load(sys.stdin)[0]["fix"] or "")')
[ -n "$fix" ] && run gw_masqsh -c "$fix"
expect rules.lan-to-lan pass "both LANs exempted by nonat"

# ---- rules.alias ----
expect rules.alias pass "no aliases"
ip -n "$GW" addr add 198.51.100.7/24 dev wan0 label wan0:1
expect rules.alias warn "masquerade out wan0 which carries wan0:1"
ip -n "$GW" addr del 198.51.100.7/24 dev wan0
expect rules.alias pass "alias gone"
run gw_masqsh -c 'masq add out wan0 from 192.168.9.0/24 snat 198.51.100.99'
expect rules.alias warn "snat to an address no interface carries"
gw_addr_add 198.51.100.99/24
expect rules.alias pass "the snat address is carried"

# ---- ident ----
expect ident pass "no filter ruleset"
gw_nft -f - <<'NFT' || fail "could not create the filter table"
table inet fw {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
	}
}
NFT
expect ident warn "input policy drop, nothing about 113"
gw_nft add rule inet fw input tcp dport 113 reject with tcp reset
expect ident pass "113 rejected"
gw_nft flush chain inet fw input
gw_nft add rule inet fw input tcp dport 113 drop
gw_nft chain inet fw input '{ policy accept; }'
expect ident warn "an explicit 113 drop"
gw_nft delete table inet fw

# ---- nat.others ----
expect nat.others pass "only our table"
gw_nft -f - <<'NFT' || fail "could not create the foreign nat table"
table ip nat {
	chain POSTROUTING {
		type nat hook postrouting priority srcnat - 10; policy accept;
		oifname "docker0" masquerade
	}
}
NFT
expect nat.others warn "a foreign srcnat chain before ours"
gw_nft delete table ip nat
gw_nft -f - <<'NFT' || fail "could not create the foreign nat table"
table ip nat {
	chain POSTROUTING {
		type nat hook postrouting priority srcnat + 10; policy accept;
		oifname "docker0" masquerade
	}
}
NFT
expect nat.others pass "a foreign srcnat chain after ours"
gw_nft delete table ip nat

# ---- helpers ----
expect helpers warn "ftp and irc masqueraded without helpers"
if gw_nft -f - <<'NFT'
table ip helpers {
	ct helper ftp { type "ftp" protocol tcp; }
	ct helper irc { type "irc" protocol tcp; }
	chain pre {
		type filter hook prerouting priority 0;
		tcp dport 21 ct helper set "ftp"
		tcp dport 6667 ct helper set "irc"
	}
}
NFT
then
	expect helpers pass "ftp and irc helpers assigned"
else
	echo "SKIP (part): ct helper objects unavailable (nf_conntrack_ftp/irc)"
fi

# ---- the whole run: one line per check, crlf left out ----
out=$(gw_masqsh diag 2>&1) || true
echo "$out"
assert_match "diag lists ident" 'ident' "$out"
n=$(gw_masqsh -j diag 2>/dev/null | "$NS_PY" -c '
import json, sys
r = json.load(sys.stdin)
assert all(set(x) == {"id", "status", "message", "evidence", "fix", "faq", "skip"} for x in r)
assert "crlf" not in [x["id"] for x in r]
print(len(r))')
assert_match "every check without parameters ran" '^[0-9]+$' "$n"
echo "PASS"

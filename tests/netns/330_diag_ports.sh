#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 330: `diag ports` (FAQ 7.21 "no free ports") against the real fault: a
# quiet gateway is PASS; then one LAN host opens thousands of short UDP
# flows to one server port through SNAT with a 100-port range (the FAQ's
# GameSpy case) while a second host opens a few: the check must FAIL
# within seconds, name the budget (gateway address, udp, server) and the
# first host as the top one, and show the kernel counters' growth.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

now_ms() { date +%s%3N; }

# J: the JSON result of `diag ports`; key KEY of it (evidence joined).
diag_ports() { J=$(gw_masqsh -j -c "diag ports" 2>"$NS_TMP/err") || true; [ -n "$J" ] || cat "$NS_TMP/err"; }
jget() {
	printf '%s' "$J" | "$NS_PY" -c '
import json, sys
r = json.load(sys.stdin)[0]
v = r[sys.argv[1]]
print("\n".join(v) if isinstance(v, list) else (v or ""))' "$1"
}

# burst NS SRC N: N short UDP flows from SRC, each from a new port.
burst() {
	ip netns exec "$1" "$NS_PY" -c '
import socket, sys
src, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.sendto(b"ping\n", ("192.0.2.10", 53))
    s.close()
' "$2" "$3"
}

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 snat 198.51.100.2 proto udp ports 20000-20099' \
	-c 'masq add out wan0 from 192.168.1.0/24'
run gw_masqsh apply

# ---- a quiet gateway ----
got=$(req_addr "$C1" udp 192.0.2.10 53)
assert_eq "one flow is translated" 198.51.100.2 "$got"
diag_ports
assert_eq "quiet gateway" pass "$(jget status)"
echo "message: $(jget message)"

# ---- the burst ----
t0=$(now_ms)
burst "$C1" 192.168.1.11 20
burst "$C1" 192.168.1.10 3000
diag_ports
ms=$(( $(now_ms) - t0 ))
jget message
jget evidence
assert_eq "a burst through 100 ports" fail "$(jget status)"
assert_match "the top host is named" 'top host 192\.168\.1\.10($|[^0-9])' "$(jget message)"
assert_match "the budget is named" '198\.51\.100\.2 udp -> 192\.0\.2\.10:53: (9[0-9]|100) of 100 source ports' "$(jget evidence)"
assert_match "the host's share" 'inside host 192\.168\.1\.10: [0-9]+ entries' "$(jget evidence)"
assert_match "the counters' growth is shown" 'since the last look [0-9]+s ago: insert_failed \+[0-9]+' "$(jget evidence)"
assert_eq "the fix drops the host's entries" "kill src 192.168.1.10" "$(jget fix)"
echo "burst to verdict: $ms ms"
[ "$ms" -lt 10000 ] || fail "diag ports took $ms ms after the burst began"
rc=0; gw_masqsh diag ports >/dev/null 2>&1 || rc=$?
assert_eq "FAIL exits 1" 1 "$rc"
echo "PASS: 330_diag_ports"

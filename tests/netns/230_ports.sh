#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 230: `show ports` counts what the kernel holds.  SNAT entries loaded
# through ctnetlink (conntrack -R) are grouped per translated address and
# protocol (and per remote address with 'by dst'); every count must equal
# `conntrack -L --src-nat` grouped by the reply tuple; the budget is the
# rule's 'ports LO-HI' where the rule behind the entries has one, else
# 64512; the busiest inside host is named with its exact count.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

gw_addr_add 198.51.100.3/24
run gw_masqsh -c 'masq add out wan0 from 10.1.0.0/16 proto tcp snat 198.51.100.3 ports 20000-29999' \
	-c 'masq add out wan0 from 10.2.0.0/16'
ct_flush

# 10.1/16 -> .3 tcp with source ports inside the rule's range (kept by the
# kernel, so they are the translated ports); 10.2/16 -> .2 tcp and udp;
# 10.1.0.1 is the busiest host.
"$NS_PY" - >"$NS_TMP/load.ct" <<'PY'
rows = []
for i in range(1500):
    rows.append(("tcp", "10.1.%d.%d" % (i // 200, 1 + i % 200), 20000 + i,
                 "203.0.113.%d" % (1 + i % 3), "198.51.100.3"))
for i in range(60):
    rows.append(("tcp", "10.1.0.1", 22000 + i, "203.0.113.9", "198.51.100.3"))
for i in range(900):
    proto = "udp" if i % 3 == 0 else "tcp"
    rows.append((proto, "10.2.%d.%d" % (i // 200, 1 + i % 200), 30000 + i,
                 "203.0.113.%d" % (1 + i % 5), "198.51.100.2"))
for proto, src, sport, dst, gw in rows:
    state = "--state ESTABLISHED " if proto == "tcp" else ""
    print("-I -s %s -d %s -p %s --sport %d --dport 80 %s-t 600 -u SEEN_REPLY "
          "--src-nat %s" % (src, dst, proto, sport, state, gw))
PY
ip netns exec "$GW" conntrack -R "$NS_TMP/load.ct" >/dev/null 2>&1 ||
	fail "conntrack -R could not load the entries"

# "gw proto [dst] count" from conntrack -L --src-nat (reply dst = gw).
ct_groups() {
	ip netns exec "$GW" conntrack -L --src-nat 2>/dev/null | awk -v by="$1" '{
		n = 0
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "src") n++
			v[kv[1] n] = kv[2]
		}
		k = v["dst2"] " " $1
		if (by) k = k " " v["src2"]
		c[k]++
	} END { for (k in c) print k, c[k] }' | sort
}
# The same from show ports -j, plus "available" and the top host.
our_groups() {
	gw_masqsh -j -c "show ports $1" | "$NS_PY" -c '
import json, sys
for g in json.load(sys.stdin):
    k = [g["gw"], g["proto"]] + ([g["dst"]] if "dst" in g else [])
    print(" ".join(k), g["used"])' | sort
}

ct_groups "" >"$NS_TMP/theirs"
our_groups "" >"$NS_TMP/ours"
[ -s "$NS_TMP/theirs" ] || fail "conntrack listed no SNAT entries"
assert_same_text "show ports = conntrack -L --src-nat per address x proto" \
	"$NS_TMP/theirs" "$NS_TMP/ours"
ct_groups by >"$NS_TMP/theirs_d"
our_groups "by dst" >"$NS_TMP/ours_d"
assert_same_text "show ports by dst = conntrack per address x proto x remote ($(wc -l <"$NS_TMP/ours_d") groups)" \
	"$NS_TMP/theirs_d" "$NS_TMP/ours_d"

js=$(gw_masqsh -j -c 'show ports') || fail "show ports -j failed"
field() {
	printf '%s' "$js" | "$NS_PY" -c '
import json, sys
gw, proto, what = sys.argv[1:4]
for g in json.load(sys.stdin):
    if g["gw"] == gw and g["proto"] == proto:
        print(eval(what))' "$@"
}
assert_eq "budget of the ranged rule (ports 20000-29999)" 10000 \
	"$(field 198.51.100.3 tcp 'g["available"]')"
assert_eq "budget without a range (1024-65535)" 64512 \
	"$(field 198.51.100.2 tcp 'g["available"]')"
assert_eq "busiest host behind 198.51.100.3" 10.1.0.1 \
	"$(field 198.51.100.3 tcp 'g["top"][0]["host"]')"
want=$(ip netns exec "$GW" conntrack -L --src-nat -s 10.1.0.1 -p tcp 2>/dev/null | wc -l)
assert_eq "its count" "$want" "$(field 198.51.100.3 tcp 'g["top"][0]["used"]')"
assert_eq "share used, in tenths of a percent" \
	"$(( 1000 * (1500 + 60) / 10000 ))" \
	"$(field 198.51.100.3 tcp 'g["used_pct_x10"]')"

txt=$(gw_masqsh -c 'show ports')
assert_match "text header" '^EXTERNAL +PROTO +USED +AVAILABLE +USED%' "$txt"
assert_match "text row of the ranged rule" \
	'198\.51\.100\.3 +tcp +1560 +10000 +15\.6% +10\.1\.0\.1 \(61\)' "$txt"
out=$(gw_masqsh -c 'show ports by src' 2>&1); rc=$?
assert_eq "bad keyword value: usage error" 2 "$rc"
assert_match "it names the choice" "not one of: dst" "$out"
echo "PASS"

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 200: `show masq` is the kernel's table.  Real flows through the
# masquerading gateway show up with the translated address and the rule
# that made them; 10,000 SNAT entries loaded through ctnetlink
# (conntrack -R) are listed entry for entry as `conntrack -L --src-nat`
# lists them; filters select what conntrack's own filters select.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

# Tuples "proto src sport dst dport gw gport" of `show masq -j`, sorted.
json_tuples() {
	"$NS_PY" -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["proto"], e["src"], e["sport"], e["dst"], e["dport"],
          e["gw"], e["gport"], e["rule"])' | sort
}

# The same from `conntrack -L` text (reply dst/dport = gw/gport).
ct_tuples() {
	awk '{
		n = 0; p = $1
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "src") n++
			k = kv[1] n
			v[k] = kv[2]
		}
		print p, v["src1"], v["sport1"], v["dst1"], v["dport1"], \
			v["dst2"], v["dport2"]
	}' | sort
}

gw_addr_add 198.51.100.3/24
run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'masq add out wan0 from 192.168.2.0/24 snat 198.51.100.3' -c apply

# Real flows, then their rows.
ct_flush
assert_eq "lan1 request" "198.51.100.2" "$(req_addr "$C1" tcp 192.0.2.10 80 192.168.1.10)"
assert_eq "lan2 request" "198.51.100.3" "$(req_addr "$C2" udp 192.0.2.10 53)"
js=$(gw_masqsh -j -c 'show masq') || fail "show masq -j failed"
got=$(printf '%s' "$js" | json_tuples | awk '{ $3 = ""; $7 = ""; print }')
want=$(printf '%s\n' "tcp 192.168.1.10  192.0.2.10 80 198.51.100.2  1" \
	"udp 192.168.2.10  192.0.2.10 53 198.51.100.3  2" | sort)
assert_eq "real flows: tuples, translated address and rule" "$want" "$got"
txt=$(gw_masqsh -c 'show masq')
assert_match "text header" '^PROTO +SOURCE +MASQ-AS +REMOTE +STATE +EXPIRES' "$txt"
assert_match "text row of lan1" \
	'tcp +192\.168\.1\.10:[0-9]+ +198\.51\.100\.2:[0-9]+ +192\.0\.2\.10:80 +[A-Z_]+ +[0-9]+ .* 1' "$txt"

# 10,000 SNAT entries through ctnetlink: tcp and udp, two addresses.
"$NS_PY" - >"$NS_TMP/load.ct" <<'PY'
for i in range(10000):
    proto = "udp" if i % 4 == 0 else "tcp"
    state = "" if proto == "udp" else "--state ESTABLISHED "
    print("-I -s 10.%d.%d.%d -d 203.0.113.%d -p %s --sport %d --dport %d "
          "%s-t 600 -u SEEN_REPLY --src-nat 198.51.100.%d"
          % (1 + i // 5000, (i // 250) % 20, 1 + i % 250, 1 + i % 7, proto,
             20000 + i, (80, 443, 53)[i % 3], state, 2 + i % 2))
PY
ip netns exec "$GW" conntrack -R "$NS_TMP/load.ct" >/dev/null 2>&1 ||
	fail "conntrack -R could not load the entries"
n=$(ip netns exec "$GW" conntrack -L --src-nat 2>/dev/null | wc -l)
assert_in_range "entries in the gateway" 10002 10010 "$n"

gw_masqsh -j -c 'show masq' | json_tuples | cut -d' ' -f1-7 >"$NS_TMP/ours"
ip netns exec "$GW" conntrack -L --src-nat 2>/dev/null | ct_tuples >"$NS_TMP/theirs"
assert_eq "show masq count = conntrack -L --src-nat count" \
	"$(wc -l <"$NS_TMP/theirs")" "$(wc -l <"$NS_TMP/ours")"
assert_same_text "show masq = conntrack -L --src-nat, entry for entry" \
	"$NS_TMP/theirs" "$NS_TMP/ours"

# Filters against conntrack's own.
check_filter() {
	local what=$1 ours=$2
	shift 2
	gw_masqsh -j -c "show masq $ours" | json_tuples | cut -d' ' -f1-7 \
		>"$NS_TMP/f_ours"
	ip netns exec "$GW" conntrack -L --src-nat "$@" 2>/dev/null |
		ct_tuples >"$NS_TMP/f_theirs"
	[ -s "$NS_TMP/f_theirs" ] || fail "$what: conntrack selected nothing"
	assert_same_text "filter $what ($(wc -l <"$NS_TMP/f_ours") entries)" \
		"$NS_TMP/f_theirs" "$NS_TMP/f_ours"
}
check_filter "src 10.2.0.0/16" "src 10.2.0.0/16" -s 10.2.0.0/16
check_filter "proto udp" "proto udp" -p udp
check_filter "dport 443" "proto tcp and dport 443" -p tcp --dport 443
check_filter "gw 198.51.100.3" "gw 198.51.100.3" -q 198.51.100.3
check_filter "dst and src" "dst 203.0.113.5 and src 10.1.0.0/16" \
	-d 203.0.113.5 -s 10.1.0.0/16

# rule N: only the real flows were made by our rules.
js=$(gw_masqsh -j -c 'show masq rule 1 or rule 2')
assert_eq "rule 1 or rule 2" "2" "$(printf '%s' "$js" | "$NS_PY" -c \
	'import json,sys; print(len(json.load(sys.stdin)))')"
# A bad filter is a usage error that marks the word.
out=$(gw_masqsh -c 'show masq src 10.0.0.0/33' 2>&1); rc=$?
assert_eq "bad filter exit status" 2 "$rc"
assert_match "bad filter message" "prefix length" "$out"
echo "PASS"

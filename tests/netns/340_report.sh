#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 340: `report` and `report redact` in the gateway namespace with two
# uplinks and applied rules: every section is there, the compiled ruleset
# is the one `show compiled` prints and the kernel runs it ("in sync");
# the redacted report contains none of the gateway's addresses, MACs or
# route gateways (as `ip -j` lists them; loopback is kept on purpose: it
# says nothing about a site) nor its host name (set in a UTS namespace of
# the report's own), while its interfaces keep as many distinct /24s as
# before; -j gives one JSON object with the documented keys, plain and
# redacted.  Without root and with an unreadable database every section
# is still there and says why it could not be read; without a database
# the report says so and creates none.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup two

# More kinds of address on the gateway: a second LAN host address, a ULA
# /64 and a /30 transfer net.
ip -n "$GW" addr add 192.168.1.77/24 dev lan1
ip -n "$GW" addr add fd42:1:2:3::1/64 dev lan1 nodad
ip -n "$GW" addr add 10.255.9.1/30 dev wan1

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'masq add out wan1 from 192.168.2.0/24 snat 203.0.113.2'
run gw_masqsh apply

HOST=gw7.branch.example.net
# masqsh in the gateway, in a UTS namespace of its own named $HOST.
gw_report() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec "$GW" unshare --uts sh -c 'hostname "$0" && exec "$@"' \
		"$HOST" "$MASQSH" --db "$NS_TMP/masq.db" "$@"
}

plain=$(gw_report report 2>&1) || fail "report failed: $plain"
sections=("versions" "kernel features" "stored rules" "compiled ruleset"
	"kernel ruleset (what runs now)" "interfaces and addresses"
	"IPv4 routes (main table)" "IPv6 routes (main table)"
	"IPv4 policy rules" "sysctls"
	"conntrack counters" "diag")
for h in "${sections[@]}"; do
	printf '%s\n' "$plain" | grep -qxF "== $h ==" ||
		fail "section '$h' missing from the report"
done
echo "ok: every section header"
assert_match "the stored rules as a script" \
	'masq add out wan1 from 192\.168\.2\.0/24 snat 203\.0\.113\.2' "$plain"
compiled=$(gw_masqsh show compiled 2>&1) || fail "show compiled failed"
while IFS= read -r line; do
	[ -n "$line" ] || continue
	printf '%s\n' "$plain" | grep -qxF -- "$line" ||
		fail "compiled line missing from the report: $line"
done <<<"$compiled"
echo "ok: the compiled ruleset appears"
assert_match "in sync after apply" '^in sync: ' "$plain"
assert_match "ip_forward sysctl" 'net\.ipv4\.ip_forward +1' "$plain"
assert_match "a diag line" 'sysctl\.ip-forward' "$plain"
assert_match "the host name" "host +$HOST" "$plain"
assert_match "a route" '^192\.0\.2\.128/25 via 203\.0\.113\.1 dev wan1' "$plain"
assert_match "an IPv6 route" '^fd42:1:2:3::/64 dev lan1 proto kernel' "$plain"
assert_match "conntrack counters" 'count [0-9]+ / max [0-9]+' "$plain"

red=$(gw_report report redact 2>&1) || fail "report redact failed: $red"
for h in "${sections[@]}"; do
	printf '%s\n' "$red" | grep -qxF "== $h ==" ||
		fail "section '$h' missing from the redacted report"
done
assert_match "the redacted report still has its rules" \
	'masq add out wan1 from 192\.168\.[0-9]+\.0/24 snat 203\.0\.113\.[0-9]+' "$red"
assert_match "the host name is replaced" 'host +redacted-host' "$red"

# Every address, MAC and route gateway of the gateway, as ip -j has them.
secrets=$( { ip -n "$GW" -j addr; echo; ip -n "$GW" -j link; echo
	ip -n "$GW" -j route; } | "$NS_PY" -c '
import json, sys
seen = set()
for doc in sys.stdin.read().split("\n"):
    if not doc.strip():
        continue
    for o in json.loads(doc):
        if o.get("ifname") == "lo" or o.get("dev") == "lo":
            continue
        for a in o.get("addr_info", []):
            seen.add(a["local"])
        if o.get("address") and o.get("link_type") != "loopback":
            seen.add(o["address"])
        if o.get("gateway"):
            seen.add(o["gateway"])
print("\n".join(sorted(seen)))')
n=$(printf '%s\n' "$secrets" | grep -c .)
[ "$n" -ge 12 ] || fail "expected the gateway's addresses and MACs, got: $secrets"
for a in $secrets; do
	printf '%s\n' "$plain" | grep -qiwF -- "$a" ||
		fail "$a is not in the plain report (so the test proves nothing)"
	if printf '%s\n' "$red" | grep -qiwF -- "$a"; then
		printf '%s\n' "$red" | grep -iwF -- "$a" >&2
		fail "$a survived redaction"
	fi
done
echo "ok: no address, MAC or gateway survives ($n checked: ${secrets//$'\n'/ })"
for h in "$HOST" "${HOST%%.*}"; do
	if printf '%s\n' "$red" | grep -qwF -- "$h"; then
		fail "the host name $h survived redaction"
	fi
done
echo "ok: host name redacted"

# JSON: the documented keys, plain and redacted, and the same number of
# distinct /24s on the interfaces before and after.
summary() {
	"$NS_PY" -c '
import json, sys
r = json.load(sys.stdin)
top = ["time", "redacted", "versions", "kernel", "rules", "ruleset",
       "network", "sysctls", "conntrack", "diag"]
assert sorted(r) == sorted(top), sorted(r)
for k in ("masqsh", "kernel", "release", "nodename", "libnftnl", "libmnl",
          "libnetfilter_conntrack", "sqlite"):
    assert k in r["versions"], k
for k in ("status", "message", "evidence"):
    assert k in r["kernel"], k
assert "script" in r["rules"]
for k in ("compiled", "kernel", "in_sync"):
    assert k in r["ruleset"], k
for k in ("links", "routes", "routes6", "rules"):
    assert isinstance(r["network"][k], list), k
for l in r["network"]["links"]:
    for k in ("name", "state", "up", "mtu", "mac", "addresses"):
        assert k in l, k
assert r["sysctls"]["net.ipv4.ip_forward"] == "1"
assert "count" in r["conntrack"] and "max" in r["conntrack"]
assert isinstance(r["diag"], list) and r["diag"]
assert all("id" in d and "status" in d for d in r["diag"])
nets = set()
for l in r["network"]["links"]:
    if l["name"] == "lo":
        continue
    for a in l["addresses"]:
        if ":" not in a:
            nets.add(".".join(a.split("/")[0].split(".")[:3]))
print(len(nets), r["ruleset"]["in_sync"], r["redacted"],
      r["versions"]["nodename"])'
}
before=$(gw_report -j report | summary) || fail "report -j: bad JSON or keys"
after=$(gw_report -j report redact | summary) ||
	fail "report -j redact: bad JSON or keys"
echo "distinct /24s, in sync, redacted, host: $before | $after"
n=${before%% *}
[ "$n" -ge 5 ] || fail "expected at least 5 /24s on the gateway, got $n"
assert_eq "plain -j" "$n True False $HOST" "$before"
assert_eq "redacted -j keeps the /24 count" "$n True True redacted-host" "$after"

# Without root, and with a database that is not one: every section is
# still there, those that cannot be read say why, and -j stays JSON.
echo "not a database" >"$NS_TMP/bad.db"
chmod 644 "$NS_TMP/bad.db"
chmod 755 "$NS_TMP"
nobody() {
	ip netns exec "$GW" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$MASQSH" --db "$NS_TMP/bad.db" "$@"
}
weak=$(nobody report 2>&1) || fail "report without root failed: $weak"
for h in "${sections[@]}"; do
	printf '%s\n' "$weak" | grep -qxF "== $h ==" ||
		fail "section '$h' missing from the report without root"
done
assert_match "the database says why" \
	"error: .*bad\.db.*not a database" "$weak"
# the first line of section $1 in report $2
first_line() { printf '%s\n' "$2" | grep -A1 -xF "== $1 ==" | sed -n 2p; }
assert_match "the kernel ruleset says why" '^error: .*needs CAP_NET_ADMIN' \
	"$(first_line 'kernel ruleset (what runs now)' "$weak")"
assert_match "conntrack says why" '^error: ' \
	"$(first_line 'conntrack counters' "$weak")"
assert_match "the interfaces are still read" '^lan1 +UP' "$(printf '%s\n' "$weak" |
	grep '^lan1')"
nobody -j report redact | "$NS_PY" -c '
import json, sys
r = json.load(sys.stdin)
assert "error" in r["rules"] and "error" in r["conntrack"], r
assert r["ruleset"]["in_sync"] is None' || fail "report -j without root"
echo "ok: without root and a database, each section says why"
nodb=$(ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/none.db" report 2>&1) ||
	fail "report without a database failed: $nodb"
assert_match "no database is said" '^# no database at .*/none\.db' "$nodb"
assert_match "and the kernel still read" '^differs: the kernel does not run' "$nodb"
[ ! -e "$NS_TMP/none.db" ] || fail "report created a database"
echo "PASS"

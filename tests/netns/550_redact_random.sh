#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 550: `report redact` against 1,000 random values.  In a namespace of its
# own, a seeded generator (the seed is printed: RD_SEED=N replays a
# failure) makes IPv4 and IPv6 addresses (10/8, 192.168/16, fd00::/8 and
# the documentation ranges only), MACs and host names, and puts them into
# interfaces (veth pairs with random MACs and several addresses each),
# routes (via and dev), masq rules and forwards (addresses, and comments
# holding addresses, MACs and host names), conntrack entries (with
# --src-nat) and the host name (a UTS namespace of the report's own).
# Then `report redact`, text and -j: no value of the plain report appears
# in any spelling (IPv6 compressed, expanded, upper case; MACs with ':'
# or '-', either case; host names in any case), the same value gets the
# same replacement everywhere and different values different ones, the
# number of links, routes, rules and conntrack entries is what was
# created, and -j is valid JSON.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
RD=${NS_PREFIX:-mq$$}rd
ns_add "$RD"

SEED=${RD_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed: $SEED (replay: RD_SEED=$SEED tests/netns/run.sh 550)"

here=$(cd "$(dirname "$0")" && pwd)
"$NS_PY" "$here/550_redact_random.py" gen "$SEED" "$NS_TMP" ||
	fail "generating the values"
ip -n "$RD" -batch "$NS_TMP/ip.batch" || fail "ip -batch"
ip netns exec "$RD" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$RD" sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec "$RD" "$MASQSH" --db "$NS_TMP/masq.db" \
	-f "$NS_TMP/rules.msh" >"$NS_TMP/rules.log" 2>&1 ||
	fail "masq rules: $(tail -5 "$NS_TMP/rules.log")"
ip netns exec "$RD" "$MASQSH" --db "$NS_TMP/masq.db" apply \
	>"$NS_TMP/apply.log" 2>&1 || fail "apply: $(tail -5 "$NS_TMP/apply.log")"
while read -r -a args; do
	ip netns exec "$RD" conntrack -I "${args[@]}" >/dev/null 2>&1 ||
		fail "conntrack -I ${args[*]}"
done <"$NS_TMP/ct.args"

HOST=$(cat "$NS_TMP/hostname")
rd_report() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec "$RD" unshare --uts sh -c 'hostname "$0" && exec "$@"' \
		"$HOST" "$MASQSH" --db "$NS_TMP/masq.db" "$@"
}
rd_report report >"$NS_TMP/plain.txt" 2>&1 || fail "report failed"
rd_report report redact >"$NS_TMP/red.txt" 2>&1 || fail "report redact failed"
rd_report -j report >"$NS_TMP/plain.json" 2>&1 || fail "report -j failed"
rd_report -j report redact >"$NS_TMP/red.json" 2>&1 ||
	fail "report -j redact failed"
for f in plain.json red.json; do
	"$NS_PY" -m json.tool "$NS_TMP/$f" >/dev/null ||
		fail "$f is not valid JSON"
done
echo "ok: -j is valid JSON, plain and redacted"

# RD_KEEP=DIR: keep the reports and the values there to look at
if [ -n "${RD_KEEP:-}" ]; then
	mkdir -p "$RD_KEEP" && cp "$NS_TMP"/*.txt "$NS_TMP"/*.json "$RD_KEEP"/
fi
"$NS_PY" "$here/550_redact_random.py" check "$SEED" "$NS_TMP" ||
	fail "redaction check failed (seed $SEED)"
echo "PASS"

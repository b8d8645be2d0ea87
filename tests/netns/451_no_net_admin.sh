#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 451: root without CAP_NET_ADMIN (Docker's default; here `capsh
# --drop=cap_net_admin`) is told so (issue 10, item 6).  Every command
# that talks to netfilter exits 3 with "needs CAP_NET_ADMIN" before it
# prints anything, never "another process owns a table"; the running
# table and the revision history stay as they were; `diag` SKIPs the
# kernel checks with that reason instead of failing them; `report` says
# so; what needs no capability (show compiled, explain, masq list) works.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
command -v capsh >/dev/null || skip "capsh not installed (libcap2-bin; scripts/deps)"
test_setup
MASQTOP=$(dirname "$MASQSH")/masqtop

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
expect_nat "applied with the capability" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24'
gw_nft list ruleset >"$NS_TMP/ruleset0"
revs0=$(gw_masqsh -c revisions)

# nocap PROG ARGS...: PROG in the gateway as root without CAP_NET_ADMIN.
# Leaves exit status, stdout and stderr in $rc, $NS_TMP/out, $NS_TMP/err.
nocap() {
	local q
	printf -v q '%q ' "$@"
	rc=0
	ip netns exec "$GW" capsh --drop=cap_net_admin -- -c "$q" \
		>"$NS_TMP/out" 2>"$NS_TMP/err" </dev/null || rc=$?
}

ip netns exec "$GW" capsh --drop=cap_net_admin -- -c \
	'grep ^CapEff /proc/self/status' | tee "$NS_TMP/capeff"
eff=$(awk '{ print $2 }' "$NS_TMP/capeff")
[ $(( 0x$eff & (1 << 12) )) = 0 ] || fail "capsh did not drop CAP_NET_ADMIN"

# refused WHAT ARGS...: masqsh ARGS without the capability: exit 3, the
# capability named on stderr, nothing on stdout, no misdiagnosis.
refused() {
	local what=$1; shift
	nocap "$MASQSH" --db "$NS_TMP/masq.db" "$@"
	echo "$what: exit $rc"; sed 's/^/  | /' "$NS_TMP/err"
	assert_eq "$what: exit status" 3 "$rc"
	assert_match "$what: names the capability" 'needs CAP_NET_ADMIN' \
		"$(cat "$NS_TMP/err")"
	assert_match "$what: says what to do" 'hint: .*(cap-add|grant)' \
		"$(cat "$NS_TMP/err")"
	if grep -q 'another process owns' "$NS_TMP/err"; then
		fail "$what: misdiagnosed as a foreign table owner"
	fi
	assert_eq "$what: nothing on stdout" "" "$(cat "$NS_TMP/out")"
}

refused apply -c apply
refused "check (kernel validation)" -c check
refused diff -c diff
refused "show masq" -c 'show masq'
refused "show conntrack -j" -j -c 'show conntrack'
refused "show stats" -c 'show stats'
refused "show ports" -c 'show ports'
refused kill -c 'kill proto tcp'
refused watch -c 'watch'
refused engine -c engine

# masqtop, the other program on the same engine.
nocap "$MASQTOP" -b -n 1 --db "$NS_TMP/masq.db"
assert_eq "masqtop -b: exit status" 3 "$rc"
assert_match "masqtop -b: names the capability" 'needs CAP_NET_ADMIN' \
	"$(cat "$NS_TMP/err")"

# Nothing changed: the table, the traffic, the history.
gw_nft list ruleset >"$NS_TMP/ruleset1"
assert_same_text "the refused commands left the ruleset alone" \
	"$NS_TMP/ruleset0" "$NS_TMP/ruleset1"
assert_eq "no revision recorded" "$revs0" "$(gw_masqsh -c revisions)"
expect_untranslated "lan2 rule not loaded" "$C2" 192.168.2.10 tcp 192.0.2.10 80

# What needs no capability works.
nocap "$MASQSH" --db "$NS_TMP/masq.db" -c 'show compiled'
assert_eq "show compiled: exit status" 0 "$rc"
assert_match "show compiled: prints the staged table" '192\.168\.2\.0/24' \
	"$(cat "$NS_TMP/out")"
nocap "$MASQSH" --db "$NS_TMP/masq.db" -c 'explain tcp 192.168.1.10 -> 192.0.2.10:80'
assert_eq "explain: exit status" 0 "$rc"
assert_match "explain: names the rule" 'masq +1 ' "$(cat "$NS_TMP/out")"

# diag: the kernel checks are skipped with the reason, never failed.
nocap "$MASQSH" --db "$NS_TMP/masq.db" -j diag
echo "diag -j (exit $rc):"; sed 's/^/  | /' "$NS_TMP/out" "$NS_TMP/err"
"$NS_PY" - "$NS_TMP/out" <<'EOF' || fail "diag without CAP_NET_ADMIN: see above"
import json, sys
res = {r["id"]: r for r in json.load(open(sys.argv[1]))}
kernel = ["kernel.nat-features", "helpers", "ident", "nat.others",
          "filter.forwards", "ports"]
for cid in kernel:
    r = res[cid]
    assert r["status"] == "skip", (cid, r["status"], r["message"])
    assert "needs CAP_NET_ADMIN" in r["skip"], (cid, r["skip"])
for cid, r in res.items():
    assert r["status"] not in ("fail", "error"), (cid, r["status"], r["message"])
print("ok: diag skips %s with the reason, fails nothing" % ", ".join(kernel))
EOF
assert_eq "diag: exit status (nothing failed)" 0 "$rc"
nocap "$MASQSH" --db "$NS_TMP/masq.db" diag kernel.nat-features
assert_match "diag text: SKIP with the reason" \
	'^SKIP +kernel\.nat-features +needs CAP_NET_ADMIN' "$(cat "$NS_TMP/out")"

# report: says the capability is missing, and where it could not look.
nocap "$MASQSH" --db "$NS_TMP/masq.db" -c report
assert_eq "report: exit status" 0 "$rc"
assert_match "report: the capability line" '^CAP_NET_ADMIN +no' "$(cat "$NS_TMP/out")"
assert_match "report: the kernel ruleset section says why" \
	'nftables needs CAP_NET_ADMIN' "$(cat "$NS_TMP/out")"

# Root of its own user namespace only (unshare -U, a rootless container):
# capget says the capability is there, the kernel refuses the network
# namespace it does not own.  Named the same way, diag skips the same.
if ip netns exec "$GW" unshare -U -r true 2>/dev/null; then
	rc=0
	ip netns exec "$GW" unshare -U -r "$MASQSH" --db "$NS_TMP/masq.db" \
		-c apply >"$NS_TMP/out" 2>"$NS_TMP/err" || rc=$?
	sed 's/^/  | /' "$NS_TMP/err"
	assert_eq "userns root: apply exit status" 3 "$rc"
	assert_match "userns root: names the capability and the namespace" \
		'needs CAP_NET_ADMIN over this network namespace' "$(cat "$NS_TMP/err")"
	if grep -q 'another process owns' "$NS_TMP/err"; then
		fail "userns root: misdiagnosed as a foreign table owner"
	fi
	out=$(ip netns exec "$GW" unshare -U -r "$MASQSH" --db "$NS_TMP/masq.db" \
		diag kernel.nat-features 2>&1) || true
	assert_match "userns root: diag skips with the reason" \
		'^SKIP +kernel\.nat-features +needs CAP_NET_ADMIN over this network namespace' "$out"
else
	echo "note: no user namespaces here (unshare -U); that case is not tested"
fi

# With the capability back, the same staged rules apply.
run gw_masqsh -c apply
expect_nat "applied again with the capability" "$C2" 192.168.2.10 tcp 192.0.2.10 80 198.51.100.2

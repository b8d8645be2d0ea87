#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 654: a NAT pair with conntrack helpers replicates their expectations
# (issue 14, "helpers ... as the pair needs them").  One gateway A with a
# sync link to B (no traffic is sent; B only gives sync0 its peer):
#   - 'ha apply dir' with helpers ftp and sip writes ExpectationSync
#     naming both, inside Sync's Options;
#   - the real conntrackd starts in the foreground from that file and
#     answers -s; the same file with a bad ExpectationSync value is
#     refused (so the start above is conntrackd reading the block);
#   - diag ha's ha.helpers passes; a helper added after the file was
#     written fails naming it, until 'ha apply'; the file replaced by one
#     without ExpectationSync fails naming ftp with the fix 'ha apply';
#   - without helpers the file has no ExpectationSync and the check passes.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/hapair.sh
. "$(dirname "$0")/../lib/hapair.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
command -v conntrackd >/dev/null || skip "missing conntrackd (scripts/deps installs it)"
command -v jq >/dev/null || skip "missing jq"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ha654.XXXXXX")
A=${NS_PREFIX}-a; B=${NS_PREFIX}-b
ns_add "$A"; ns_add "$B"
ns_link "$A" sync0 10.9.0.1/30 "$B" sync0 10.9.0.2/30
mkdir -p "$NS_TMP/$A"
CONF=$NS_TMP/$A/conntrackd.conf

# helpers_check: ha.helpers of `diag ha dir` on A, as JSON (the other
# checks fail without keepalived: the exit status is not ours).
helpers_check() {
	ha_masqsh "$A" -j -c "diag ha dir $NS_TMP/$A" 2>/dev/null |
		jq -c '.[] | select(.id == "ha.helpers")'
}

run ha_masqsh "$A" -c "ha sync dev sync0 peer 10.9.0.2" \
	-c "ha vip sync0 10.9.0.3/30" -c "ha role master"

# No helper: no ExpectationSync, nothing to replicate.
run ha_masqsh "$A" -c "ha apply dir $NS_TMP/$A"
assert_eq "no helpers: no ExpectationSync" 0 "$(grep -c ExpectationSync "$CONF")"
r=$(helpers_check); echo "$r"
assert_eq "no helpers: pass" pass "$(jq -r .status <<<"$r")"

# ftp and sip: both named, inside Sync { Options { } }.
run ha_masqsh "$A" -c "helper add ftp" -c "helper add sip" -c apply \
	-c "ha apply dir $NS_TMP/$A"
block=$(awk '/^\tOptions \{/,/^\t\}/' "$CONF" | grep -v '^[[:space:]]*#')
echo "$block"
assert_eq "ExpectationSync in Sync's Options" "$(printf '\tOptions {\n\t\tTCPWindowTracking Off\n\t\tExpectationSync {\n\t\t\tftp\n\t\t\tsip\n\t\t}\n\t}')" "$block"

# conntrackd reads it: a bad value is refused, the generated file runs.
sed 's/^\t\tExpectationSync {$/\t\tExpectationSync Maybe {/' "$CONF" >"$NS_TMP/bad.conf"
grep -q 'ExpectationSync Maybe {' "$NS_TMP/bad.conf" || fail "no bad copy"
rc=0; out=$(ip netns exec "$A" timeout 5 conntrackd -C "$NS_TMP/bad.conf" 2>&1) || rc=$?
echo "bad ExpectationSync: exit $rc: $out"
if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
	fail "conntrackd accepted 'ExpectationSync Maybe' (exit $rc)"
fi
ha_start_ctd "$A"
s=$(ip netns exec "$A" conntrackd -C "$CONF" -s 2>&1)
assert_match "conntrackd answers -s in a sync mode" "cache internal" "$s"
kill -0 "${HA_CTD[$A]}" || fail "conntrackd exited: $(cat "$NS_TMP/$A/conntrackd.out")"
if grep -i 'error\|fail' "$NS_TMP/$A/conntrackd.log" "$NS_TMP/$A/conntrackd.out" 2>/dev/null |
	grep -iv 'failed: *0' | grep -i 'expect'; then
	fail "conntrackd complained about expectations"
fi

r=$(helpers_check); echo "$r"
assert_eq "ftp and sip replicated: pass" pass "$(jq -r .status <<<"$r")"
assert_eq "evidence per helper" "helper ftp: expectations replicated
helper sip: expectations replicated" "$(jq -r '.evidence[]' <<<"$r")"

# A helper added after the file was written: fail naming it.
# (the stored helpers count, as 'ha apply' writes them; 'apply' would
# only load the helper in the kernel)
run ha_masqsh "$A" -c "helper add tftp"
r=$(helpers_check); echo "$r"
assert_eq "tftp not in the file: fail" fail "$(jq -r .status <<<"$r")"
assert_match "the message names tftp" "expectations of helper tftp \(ExpectationSync\)" "$(jq -r .message <<<"$r")"
assert_eq "the fix" "ha apply dir $NS_TMP/$A, then restart conntrackd" "$(jq -r .fix <<<"$r")"
run ha_masqsh "$A" -c "ha apply dir $NS_TMP/$A"
r=$(helpers_check)
assert_eq "after ha apply: pass" pass "$(jq -r .status <<<"$r")"

# The file replaced by one without ExpectationSync: fail naming ftp.
sed '/ExpectationSync {/,/^\t\t}/d' "$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF"
assert_eq "the block is gone" 0 "$(grep -c ExpectationSync "$CONF")"
r=$(helpers_check); echo "$r"
assert_eq "no ExpectationSync: fail" fail "$(jq -r .status <<<"$r")"
assert_match "the message names ftp and the others" "expectations of helper ftp and others" "$(jq -r .message <<<"$r")"
out=$(ha_masqsh "$A" -c "diag ha dir $NS_TMP/$A" 2>&1)
assert_match "text: the FAIL line" "FAIL +ha\.helpers " "$out"
# 'ExpectationSync On' (all helpers) is accepted too.
sed 's/^\t\tTCPWindowTracking Off$/&\n\t\tExpectationSync On/' "$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF"
r=$(helpers_check)
assert_eq "ExpectationSync On: pass" pass "$(jq -r .status <<<"$r")"
echo "PASS"

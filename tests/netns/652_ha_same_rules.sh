#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 652: both nodes of a NAT pair run the same masqsh table (issue 14,
# diag ha's ha.same-rules).  The pair's namespaces (tests/lib/hapair.sh;
# no daemons: the check compares tables only), each gateway with its own
# database and kernel:
#   - show compiled digest: the staged digest is sha256sum(1) of what
#     'show compiled' prints, the kernel digest is the one of what
#     'show compiled kernel' prints, and of what nft(8) lists;
#   - without the peer's digest: WARN with this node's digest and the
#     command to run on the peer;
#   - the same rule on both: peer-digest PASSes; B applies one more rule:
#     peer-digest FAILs, peer-rules FILE FAILs naming the rule only the
#     peer runs; A staging a rule without applying is evidence, not a
#     difference; the same rules in another order FAIL (first match
#     wins); a bad digest is a usage error (exit 2) marking it.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/hapair.sh
. "$(dirname "$0")/../lib/hapair.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
command -v jq >/dev/null || skip "missing jq"
ns_trap
ha_topo

RULE="masq add out wan0 from 192.168.1.0/24 snat $HA_VIP_WAN"
ha_configure "$A" master 10.9.0.2 "$RULE"
ha_configure "$B" backup 10.9.0.1 "$RULE"

# same_rules NS [ARGS..]: ha.same-rules of `diag ha ARGS` in NS, as JSON
# (the other checks fail without daemons: the exit status is not ours).
same_rules() {
	local ns=$1; shift
	ha_masqsh "$ns" -j -c "diag ha $*" 2>/dev/null |
		jq -c '.[] | select(.id == "ha.same-rules")'
}

# The digests against independent oracles.
dig=$(ha_masqsh "$B" -j -c "show compiled digest") || fail "digest: $dig"
echo "$dig"
staged=$(jq -r .staged <<<"$dig"); kernel=$(jq -r .kernel <<<"$dig")
assert_eq "staged digest = sha256sum of show compiled" \
	"$(ha_masqsh "$B" -c "show compiled" | sha256sum | cut -d' ' -f1)" "$staged"
assert_eq "kernel digest = sha256sum of nft list table ip masqsh" \
	"$(ip netns exec "$B" nft list table ip masqsh | sha256sum | cut -d' ' -f1)" "$kernel"
assert_eq "kernel digest = staged after apply" "$staged" "$kernel"
assert_eq "in_sync" true "$(jq -r .in_sync <<<"$dig")"
txt=$(ha_masqsh "$B" -c "show compiled digest")
assert_eq "text form" "staged $staged
kernel $kernel" "$txt"
assert_eq "show compiled digest kernel: the running one only" \
	"kernel $kernel" "$(ha_masqsh "$B" -c "show compiled digest kernel")"

# Not compared: a WARN naming this node's digest and the peer's command.
r=$(same_rules "$A"); echo "$r"
assert_eq "no peer digest: warn" warn "$(jq -r .status <<<"$r")"
assert_match "the warning names A's digest" "$kernel" "$(jq -r .message <<<"$r")"
assert_match "the fix says what to run on the peer" \
	"on the peer \(10\.9\.0\.2\): masqsh show compiled digest" "$(jq -r .fix <<<"$r")"

# The same rules: pass (upper case and a sha256: prefix are accepted).
r=$(same_rules "$A" peer-digest "$kernel"); echo "$r"
assert_eq "same rules: pass" pass "$(jq -r .status <<<"$r")"
r=$(same_rules "$A" peer-digest "sha256:${kernel^^}")
assert_eq "sha256:HEX in upper case: pass" pass "$(jq -r .status <<<"$r")"
ha_masqsh "$B" -c "show compiled kernel" >"$NS_TMP/b.nft"
r=$(same_rules "$A" peer-rules "$NS_TMP/b.nft")
assert_eq "same rules, peer-rules: pass" pass "$(jq -r .status <<<"$r")"

# B runs one rule more.
run ha_masqsh "$B" -c "masq add out wan0 from 192.168.5.0/24 snat $HA_VIP_WAN" -c apply
kernel2=$(ha_masqsh "$B" -j -c "show compiled digest" | jq -r .kernel)
assert_ne "B's digest changed" "$kernel" "$kernel2"
r=$(same_rules "$A" peer-digest "$kernel2"); echo "$r"
assert_eq "a rule more on B: fail" fail "$(jq -r .status <<<"$r")"
assert_match "the fix says how to name the difference" "peer-rules" "$(jq -r .fix <<<"$r")"
ha_masqsh "$B" -c "show compiled kernel" >"$NS_TMP/b.nft"
r=$(same_rules "$A" peer-rules "$NS_TMP/b.nft"); echo "$r"
assert_eq "peer-rules: fail" fail "$(jq -r .status <<<"$r")"
assert_match "the message names the rule the peer runs" \
	"the peer runs 'oifname \"wan0\" ip saddr 192\.168\.5\.0/24 .*snat to $HA_VIP_WAN .*', this node does not" \
	"$(jq -r .message <<<"$r")"
assert_eq "one line differs, shown as evidence" 1 \
	"$(jq -r '.evidence[]' <<<"$r" | grep -c '^only on the peer: oifname "wan0" ip saddr 192.168.5.0/24')"
# the text as plain diag prints it (exit 1: a check failed)
out=$(ha_masqsh "$A" -c "diag ha peer-rules $NS_TMP/b.nft" 2>&1) && fail "diag ha passed: $out"
assert_match "text: the FAIL line" "FAIL +ha\.same-rules +the tables differ in 1 line" "$out"

# A stages the same rule without applying: still what runs that counts.
run ha_masqsh "$A" -c "masq add out wan0 from 192.168.5.0/24 snat $HA_VIP_WAN"
r=$(same_rules "$A" peer-digest "$kernel2")
assert_eq "staged only on A: still fail" fail "$(jq -r .status <<<"$r")"
assert_match "evidence: staged here, not applied" "not applied" "$(jq -r '.evidence[]' <<<"$r")"
run ha_masqsh "$A" -c apply
r=$(same_rules "$A" peer-digest "$kernel2")
assert_eq "after apply on A: pass" pass "$(jq -r .status <<<"$r")"

# The same rules in another order on B: the first match wins, so it
# differs (digest and text), and the text names the first line out of order.
run ha_masqsh "$B" -c "masq move 2 to 1" -c apply
kernel3=$(ha_masqsh "$B" -j -c "show compiled digest" | jq -r .kernel)
r=$(same_rules "$A" peer-digest "$kernel3")
assert_eq "another order on B: peer-digest fails" fail "$(jq -r .status <<<"$r")"
ha_masqsh "$B" -c "show compiled kernel" >"$NS_TMP/b.nft"
r=$(same_rules "$A" peer-rules "$NS_TMP/b.nft"); echo "$r"
assert_eq "another order on B: peer-rules fails" fail "$(jq -r .status <<<"$r")"
assert_match "the message says order and the line" \
	"same lines in another order .*: line [0-9]+ here is 'oifname \"wan0\" ip saddr 192\.168\.1\.0/24 .*', on the peer 'oifname \"wan0\" ip saddr 192\.168\.5\.0/24 " \
	"$(jq -r .message <<<"$r")"
run ha_masqsh "$B" -c "masq move 1 to 2" -c apply
r=$(same_rules "$A" peer-digest "$kernel2")
assert_eq "order restored: pass" pass "$(jq -r .status <<<"$r")"

# A bad digest: exit 2, the word marked, nothing run.
rc=0; out=$(ha_masqsh "$A" -c "diag ha peer-digest 12ab" 2>&1) || rc=$?
echo "$out"
assert_eq "short digest: exit 2" 2 "$rc"
assert_match "the error names the digest" "error: a digest is 64 hex digits, not 4" "$out"

# No table in A's kernel: fail, fix 'apply'.
ip netns exec "$A" nft delete table ip masqsh
r=$(same_rules "$A" peer-digest "$kernel2"); echo "$r"
assert_eq "no table here: fail" fail "$(jq -r .status <<<"$r")"
assert_eq "no table here: fix" apply "$(jq -r .fix <<<"$r")"
echo "PASS"

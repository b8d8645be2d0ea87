#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 431: an apply with nothing new records nothing; a drifted kernel is
# re-applied; 'diff' exits 1 when the kernel differs.
#   - five identical applies give one revision; the others say "nothing to
#     apply (revision 1 is running)" and leave the table (its handles) as
#     it was; so does 'apply confirm SECS' (no pending revision);
#   - 'diff' exits 0 in sync, 1 after 'nft insert rule' into our table
#     (-j too, "in_sync":false); the next apply loads the table again
#     and records a revision, after which 'diff' exits 0 again;
#   - after 'nft flush table' the same;
#   - 'apply replace' always loads and records.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

# try CMD..: run it; its output in $OUT, its exit status in $RC
try() { OUT=$("$@" 2>&1); RC=$?; }
handles() { gw_nft -a list table ip masqsh | grep -o 'handle [0-9]*' | paste -sd' '; }
nrevs() { gw_masqsh -j -c revisions | grep -o '"id":[0-9]*' | wc -l; }

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' -c apply
h1=$(handles)
for i in 2 3 4 5; do
	try gw_masqsh -c apply
	assert_eq "apply $i: exit status" 0 "$RC"
	assert_eq "apply $i says so" "nothing to apply (revision 1 is running)" "$OUT"
done
try gw_masqsh -c 'apply confirm 30'
assert_eq "apply confirm with nothing new" \
	"nothing to apply (revision 1 is running)" "$OUT"
assert_eq "JSON: not applied" '{"applied":false,"revision":1}' \
	"$(gw_masqsh -j -c apply)"
assert_eq "one revision for seven applies" 1 "$(nrevs)"
assert_eq "the table was not reloaded (same handles)" "$h1" "$(handles)"
assert_match "no revision pending" '"status":"applied"' \
	"$(gw_masqsh -j -c revisions)"

try gw_masqsh -c diff
assert_eq "diff in sync: exit status" 0 "$RC"
assert_eq "diff in sync: text" "in sync" "$OUT"

# A hand edit inside our table.
run gw_nft insert rule ip masqsh postrouting oifname wan0 ip saddr 10.99.0.0/16 counter masquerade
try gw_masqsh -c diff
echo "$OUT"
assert_eq "diff after nft insert rule: exit status" 1 "$RC"
assert_match "diff shows the inserted rule" '^\+.*10\.99\.0\.0/16' "$OUT"
assert_eq "diff differs quietly: nothing on stderr" "" \
	"$(gw_masqsh -c diff 2>&1 >/dev/null)"
try gw_masqsh -j -c diff
assert_eq "diff -j after the edit: exit status" 1 "$RC"
assert_match "diff -j: in_sync false" '"in_sync":false' "$OUT"
try gw_masqsh --keep-going -c diff -c 'show compiled'
assert_eq "--keep-going: the first failure's status (diff)" 1 "$RC"

try gw_masqsh -c apply
echo "$OUT"
assert_eq "apply after a hand edit: exit status" 0 "$RC"
assert_match "says the kernel had drifted" 'differed from revision 1' "$OUT"
assert_match "and records it" 'as revision 2' "$OUT"
try gw_masqsh -c diff
assert_eq "diff in sync again: exit status" 0 "$RC"
try gw_masqsh -c apply
assert_eq "then nothing to apply" "nothing to apply (revision 2 is running)" "$OUT"

# A flushed table is drift too.
run gw_nft flush table ip masqsh
try gw_masqsh -c diff
assert_eq "diff after a flush: exit status" 1 "$RC"
try gw_masqsh -c apply
assert_match "apply after a flush reloads" 'as revision 3' "$OUT"
expect_nat "lan1 masqueraded after the reload" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

# 'apply replace' always loads and records.
h3=$(handles)
try gw_masqsh -c 'apply replace'
assert_match "apply replace records" 'as revision 4' "$OUT"
assert_ne "apply replace reloaded the table" "$h3" "$(handles)"
assert_eq "four revisions in all" 4 "$(nrevs)"

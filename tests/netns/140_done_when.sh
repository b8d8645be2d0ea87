#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 140: the issue's 'done when': inside the gateway,
#   masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
# makes a LAN client's connection reach the fake internet from the uplink's
# address.  The database comes from MASQSH_DB and is created 0600.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

assert_eq "before: no answer without NAT" "" "$(req "$C1" tcp 192.0.2.10 80)"
db=$NS_TMP/sub/dir/masq.db
mkdir -p "$(dirname "$db")"
run ip netns exec "$GW" env MASQSH_DB="$db" "$MASQSH" \
	-c 'masq add out wan0 from 192.168.1.0/24' -c apply
expect_nat "after" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
assert_eq "database created" yes "$([ -f "$db" ] && echo yes || echo no)"
assert_eq "database mode" 600 "$(stat -c %a "$db")"
out=$(ip netns exec "$GW" env MASQSH_DB="$db" "$MASQSH" -c 'masq list')
echo "$out"
assert_match "masq list shows the rule" 'wan0' "$out"
assert_match "masq list shows the source" '192\.168\.1\.0/24' "$out"

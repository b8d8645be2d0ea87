#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 095: a system without netbase (no /etc/protocols, no /etc/services: a
# minimal container or router image).  Stored rules say "proto tcp", so a
# database made elsewhere must still load and apply there, and rules
# naming the common protocols can be added; a service name is refused
# with a hint to use the number.  The files are hidden by bind-mounting
# /dev/null over them in a private mount namespace of this test only.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
command -v unshare >/dev/null || skip "unshare not installed (util-linux)"

# nonetbase CMD...: CMD with /etc/protocols and /etc/services empty.
nonetbase() {
	unshare -m sh -c 'mount --bind /dev/null /etc/protocols &&
		mount --bind /dev/null /etc/services && exec "$@"' nonetbase "$@"
}
nonetbase sh -c 'getent protocols tcp' >/dev/null &&
	fail "the private mount namespace still resolves 'tcp'"

# 1. Made on a normal system: the protocol words are stored.
run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 proto tcp dport 80' \
	-c 'masq add out wan0 from 192.168.1.0/24 proto udp,icmp' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80'
before=$(gw_masqsh -c 'masq list' -c 'forward list')

# 2. Without netbase: the same rules load, list the same and apply.
run nonetbase ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" -c apply
after=$(nonetbase ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" \
	-c 'masq list' -c 'forward list')
assert_eq "rules read back the same without netbase" "$before" "$after"
gw_nft list table ip masqsh | grep -q 'tcp dport 80' ||
	fail "the applied table has no 'tcp dport 80' rule"
expect_nat "applied without netbase: tcp 80" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

# 3. Adding rules there: names of common protocols work, "icmpv6" too.
run nonetbase ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" \
	-c 'masq add out wan0 from 192.168.2.0/24 proto sctp' \
	-c 'masq add out wan0 from 192.168.2.0/24 proto gre'
assert_match "stored as sctp" 'proto sctp' "$(gw_masqsh -c 'masq list')"

# 4. A service name cannot be resolved there: refused, pointing at it.
out=$(nonetbase ip netns exec "$GW" "$MASQSH" --db "$NS_TMP/masq.db" \
	-c 'masq add out wan0 from 192.168.3.0/24 proto tcp dport http' 2>&1) &&
	fail "dport http was accepted without /etc/services: $out"
echo "$out"
assert_match "names the service" "unknown service 'http'" "$out"
assert_match "suggests the number" 'port number' "$out"

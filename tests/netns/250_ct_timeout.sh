#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 250: per-rule conntrack timeout policies.  A masq rule with
# "timeout STATE=SECONDS" compiles to a ct timeout object and a
# "ct timeout set" before its NAT statement; a flow through that rule gets
# the policy's timeout in the kernel's table, a flow through another rule
# keeps the namespace's.  show compiled and diff agree with the kernel.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh \
	-c 'masq add out wan0 from 192.168.1.0/24 proto udp dport 53 timeout udp-unreplied=7,udp-stream=77' \
	-c 'masq add out wan0 from 192.168.1.0/24 proto tcp timeout tcp-time-wait=33,tcp-established=1h' \
	-c 'masq add out wan0 from 192.168.1.0/24' \
	-c apply
assert_compiled_in_kernel
assert_match "policy object in the kernel" \
	'policy = \{ unreplied : 7, replied : 77 \}' "$(cat "$NS_TMP/kernel")"
assert_match "tcp policy object: 1h established, 33 s time-wait" \
	'policy = \{ established : 3600, time_wait : 33 \}' "$(cat "$NS_TMP/kernel")"
assert_match "the tcp rule sets its policy before masquerading" \
	'meta l4proto tcp .*ct timeout set "masq-2" masquerade' "$(cat "$NS_TMP/kernel")"
assert_eq "diff in sync" "in sync" "$(gw_masqsh -c diff 2>&1 | head -1)"
assert_match "masq list shows the policy" 'timeout tcp-established=3600,tcp-time-wait=33' \
	"$(gw_masqsh -c 'masq list')"

# ct_timeout PROTO DPORT: the remaining timeout of the gateway's entry.
ct_timeout() {
	ip netns exec "$GW" conntrack -L -p "$1" --dport "$2" 2>/dev/null |
		awk '{ print $3; exit }'
}

ct_flush
got=$(req "$C1" udp 192.0.2.10 53)
assert_eq "udp 53 answered through the policy rule" "198.51.100.2" "${got%% *}"
assert_in_range "udp 53 entry: the policy's 7 s" 1 7 "$(ct_timeout udp 53)"

got=$(req "$C1" udp 192.0.2.10 5353)
assert_eq "udp 5353 answered through the plain rule" "198.51.100.2" "${got%% *}"
assert_in_range "udp 5353 entry: the namespace's 30 s" 20 30 "$(ct_timeout udp 5353)"

got=$(req "$C1" tcp 192.0.2.10 80)
assert_eq "tcp 80 answered through the tcp policy rule" "198.51.100.2" "${got%% *}"
sleep 0.5
state=$(ip netns exec "$GW" conntrack -L -p tcp --dport 80 2>/dev/null | awk '{ print $4; exit }')
echo "tcp entry state: $state"
case $state in
TIME_WAIT) assert_in_range "tcp TIME_WAIT entry: the policy's 33 s" 20 33 "$(ct_timeout tcp 80)" ;;
# In these states the policy's values are the defaults: nothing to see
# in the entry, the object and the rule above hold the policy.
CLOSE|CLOSE_WAIT|LAST_ACK|FIN_WAIT) echo "ok: tcp entry in $state (policy only sets time-wait)" ;;
*) fail "tcp entry in unexpected state '$state'" ;;
esac

# Removing the policy (re-adding the rule without it) restores the default.
run gw_masqsh -c 'masq del 1' -c 'masq add out wan0 from 192.168.1.0/24 proto udp dport 53 at 1' -c apply
ct_flush
req "$C1" udp 192.0.2.10 53 >/dev/null
assert_in_range "udp 53 without the policy: 30 s again" 20 30 "$(ct_timeout udp 53)"
if gw_nft list table ip masqsh | grep -q 'ct timeout masq-1 '; then
	fail "the old rule's ct timeout object is left in the table"
fi
echo "ok: the old rule's ct timeout object is gone"

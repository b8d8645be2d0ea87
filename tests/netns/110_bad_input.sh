#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 110: bad input leaves the database and the kernel unchanged: rejected
# 'masq add' forms and an import of a file with one bad line change
# neither 'masq list' nor the running ruleset.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' -c apply
snap() {
	gw_masqsh -c 'masq list' -c 'forward list' >"$NS_TMP/list.$1" 2>&1 ||
		fail "masq list failed: $(cat "$NS_TMP/list.$1")"
	gw_nft list ruleset >"$NS_TMP/rules.$1"
}
snap before

cat >"$NS_TMP/bad.masq" <<'MASQ'
#INTERFACE	SOURCE		ADDRESS		PROTO	PORT(S)
wan0		192.168.2.0/24
wan0		192.168.3.0/24	198.51.100.9	tcp	80
wan0		192.168.4.0/24	-		nosuchproto
MASQ

bad=(
	'masq add out wan0 from 192.168.1.0/33'
	'masq add out wan0 from 192.168.1.0/24 proto nosuchproto'
	'masq add out wan0 from 192.168.1.0/24 proto tcp dport nosuchservice'
	'masq add out wan0 from 192.168.1.0/24 ports 20000-20100'
	'masq add out wan0 from 192.168.1.0/24 persistent'
	'masq add out wan0 from 192.168.1.0/24 nonat random'
	'masq add out eth0:1 from 192.168.1.0/24'
	'masq add from 192.168.1.0/24'
	'masq add out wan0 from 192.168.1.0/24 snat 198.51.100.9-198.51.100.3'
	'masq add out wan0 frobnicate'
	'forward add in wan0 proto tcp dport 8080 to 192.168.1.300:80'
	'masq del 99'
	"import shorewall $NS_TMP/bad.masq"
	"import shorewall $NS_TMP/bad.masq replace"
	"import shorewall $NS_TMP/does-not-exist"
)
for cmd in "${bad[@]}"; do
	rc=0
	gw_masqsh -c "$cmd" >"$NS_TMP/out" 2>&1 || rc=$?
	echo "--- $cmd -> exit $rc"; sed 's/^/  /' "$NS_TMP/out"
	assert_in_range "exit status of: $cmd" 1 4 "$rc"
	assert_match "a message for: $cmd" '[[:alpha:]]' "$(cat "$NS_TMP/out")"
	snap after
	assert_same_text "rules in the DB unchanged by: $cmd" \
		"$NS_TMP/list.before" "$NS_TMP/list.after"
	assert_same_text "kernel ruleset unchanged by: $cmd" \
		"$NS_TMP/rules.before" "$NS_TMP/rules.after"
done

# A failing command in a -c chain stops the chain: apply after it never runs.
rc=0
gw_masqsh -c 'masq add out wan0 from 192.168.1.0/33' -c apply >/dev/null 2>&1 || rc=$?
assert_in_range "exit status of a failing chain" 1 4 "$rc"
snap after
assert_same_text "kernel ruleset unchanged by a failing chain" \
	"$NS_TMP/rules.before" "$NS_TMP/rules.after"
expect_nat "still translated" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2

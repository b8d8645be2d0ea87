#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 432: reading never needs write access.  The same database is read
#   - through a read-only bind mount (made inside a private mount
#     namespace of this test, never on the host's mounts), and
#   - as the user nobody, the file 0644 and its directory 0755 (root's),
# each time once with the -wal/-shm files SQLite keeps next to it and once
# without them (a copy, or a file no writer has opened yet).  Every
# reading command works there: masq list, forward list, show compiled,
# revisions, explain, export nft/shorewall, diff and masqtop's rule column
# (these two on the mount: they need CAP_NET_ADMIN), and nothing is
# created next to the file.  A command that writes says why it cannot
# (exit 4).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
command -v unshare >/dev/null || skip "missing tool: unshare (util-linux)"
command -v setpriv >/dev/null || skip "missing tool: setpriv (util-linux)"
top=$(dirname "$MASQSH")/masqtop

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 comment lan1' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' -c apply
gw_masqsh -c 'masq list' >"$NS_TMP/list.want"
gw_masqsh -c 'show compiled' >"$NS_TMP/compiled.want"
req "$C1" tcp 192.0.2.10 80 >/dev/null	# a masqueraded connection for masqtop

# Two copies of the database, each in its own 0755 directory: "wal" with
# the -wal/-shm files (as masqsh leaves them), "bare" without.
chmod 0755 "$NS_TMP"
for v in wal bare; do
	mkdir -m 0755 "$NS_TMP/$v"
	cp -p "$NS_TMP/masq.db" "$NS_TMP/$v/masq.db"
	chmod 0644 "$NS_TMP/$v/masq.db"
done
[ ! -s "$NS_TMP/masq.db-wal" ] || fail "masq.db-wal not empty after masqsh closed it"
cp -p "$NS_TMP/masq.db-wal" "$NS_TMP/masq.db-shm" "$NS_TMP/wal/"
chmod 0644 "$NS_TMP/wal/masq.db-wal" "$NS_TMP/wal/masq.db-shm"

# reads WHO DB: every reading command works; the listings are right.
# WHO is "mount" (root, read-only bind mount) or "nobody".
reads() {
	local who=$1 db=$2 c out rc
	local -a pre=(ip netns exec "$GW")
	[ "$who" = nobody ] &&
		pre+=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	for c in 'masq list' 'forward list' 'show compiled' revisions \
		'explain tcp 192.168.1.10 -> 192.0.2.10:80 out wan0' \
		'export nft' 'export shorewall' 'masq show 1'; do
		out=$("${pre[@]}" "$MASQSH" --db "$db" -c "$c" 2>&1)
		rc=$?
		[ "$rc" = 0 ] || fail "$who: '$c' on $db: exit $rc: $out"
	done
	echo "ok: $who: every reading command on $db"
	assert_eq "$who: masq list on $db" "$(cat "$NS_TMP/list.want")" \
		"$("${pre[@]}" "$MASQSH" --db "$db" -c 'masq list' 2>&1)"
	assert_eq "$who: show compiled on $db" "$(cat "$NS_TMP/compiled.want")" \
		"$("${pre[@]}" "$MASQSH" --db "$db" -c 'show compiled' 2>&1)"
	out=$("${pre[@]}" "$MASQSH" --db "$db" -c 'masq add out wan0' 2>&1)
	rc=$?
	assert_eq "$who: a write fails as a storage error" 4 "$rc"
	assert_match "$who: and says why" "cannot write $db" "$out"
	[ "$who" = mount ] || return 0
	out=$("${pre[@]}" "$MASQSH" --db "$db" -c diff 2>&1)
	assert_eq "$who: diff on $db" "in sync" "$out"
	if [ -x "$top" ]; then
		out=$("${pre[@]}" "$top" --db "$db" -b -n 1 -w 200 2>&1)
		echo "$out"
		assert_match "$who: masqtop's rule column on $db" \
			'192\.168\.1\.10:[0-9]+ .* 1 -$' "$out"
	fi
}

lib=$(cd "$(dirname "$0")/../lib" && pwd)/netns.sh
for v in wal bare; do
	ls "$NS_TMP/$v" >"$NS_TMP/$v.files"
	# In a private mount namespace: bind the directory onto itself,
	# read-only; then the same reads (functions and names handed over).
	# shellcheck disable=SC2016
	unshare -m bash -c '
		mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" || exit 1
		if touch "$1/x" 2>/dev/null; then
			echo "FAIL: the bind mount is writable"; exit 1
		fi
		eval "$2"' _ "$NS_TMP/$v" \
		"$(declare -f reads); . '$lib'; $(declare -p NS_TMP GW MASQSH top); reads mount '$NS_TMP/$v/masq.db'" ||
		fail "read-only bind mount ($v): see above"
	reads nobody "$NS_TMP/$v/masq.db"
	assert_eq "nothing created next to the $v database" \
		"$(cat "$NS_TMP/$v.files")" "$(ls "$NS_TMP/$v")"
done

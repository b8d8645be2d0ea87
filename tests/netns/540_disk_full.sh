#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 540: a full disk and a read-only database while writing.  The database
# lives on a small tmpfs made by this test (unmounted by the trap).  With
# the tmpfs filled to the last byte, and again with it remounted
# read-only, each of 'masq add', 'import shorewall FILE' and 'apply'
#   - exits 4 (storage),
#   - says what is wrong (the filesystem is full / the database is
#     read-only) and names the place to free or fix,
#   - leaves the database as it was (masq list, forward list, revisions
#     and a full sqlite3 dump compared before/after) and still opening,
#   - leaves the kernel's table as it was (nft list table before/after;
#     nft is only the oracle here).
# With space freed (and the mount writable again) the next command works.
# 432 covers reading from read-only places; this is about writing.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
command -v sqlite3 >/dev/null || skip "missing tool: sqlite3"

MNT=$NS_TMP/fs
mkdir "$MNT"
mount -t tmpfs -o size=256k,mode=0700 masqsh-test540 "$MNT" ||
	skip "cannot mount a tmpfs here"
# Unmount before the namespaces and NS_TMP go, even on failure.
trap 'umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; ns_cleanup' EXIT
DB=$MNT/masq.db
export DB

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24 comment lan1' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' -c apply
# Something staged and not applied yet, so that apply has work to do.
run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24 comment lan2'

imp=$NS_TMP/import.masq
cat >"$imp" <<'EOF'
# imported while the disk is full
eth0	192.168.7.0/24
eth0	192.168.8.0/24	203.0.113.10
EOF

# snap NAME: what the database and the kernel hold now.
snap() {
	{
		gw_masqsh -c 'masq list' -c 'forward list' -c revisions 2>&1
		echo "rc=$?"
	} >"$NS_TMP/$1.list"
	sqlite3 "file:$DB?mode=ro" .dump >"$NS_TMP/$1.dump" 2>&1 ||
		fail "sqlite3 .dump: $(cat "$NS_TMP/$1.dump")"
	gw_nft list table ip masqsh >"$NS_TMP/$1.nft" 2>&1
}

# unchanged WHAT: database and kernel as in the "before" snapshot.
unchanged() {
	snap after
	assert_same_text "$1: the database still opens, same rules" \
		"$NS_TMP/before.list" "$NS_TMP/after.list"
	assert_same_text "$1: the database file is unchanged (sqlite3 .dump)" \
		"$NS_TMP/before.dump" "$NS_TMP/after.dump"
	assert_same_text "$1: the kernel table is unchanged" \
		"$NS_TMP/before.nft" "$NS_TMP/after.nft"
}

# refused WHAT REGEX CMD...: exit 4, a message matching REGEX, nothing
# changed anywhere.
refused() {
	local what=$1 re=$2 out rc
	shift 2
	out=$(gw_masqsh "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	assert_eq "$what: exit status (storage)" 4 "$rc"
	assert_match "$what: says why and what to do" "$re" "$(tr "\n" " " <<<"$out")"
	assert_match "$what: names the place" "$MNT" "$out"
	unchanged "$what"
}

fill() {
	dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null
	# the last partial page too
	dd if=/dev/zero of="$MNT/filler2" bs=1 count=8192 2>/dev/null
	df "$MNT"
	[ "$(df --output=avail "$MNT" | tail -1 | tr -d ' ')" = 0 ] ||
		fail "the tmpfs is not full"
}

snap before
cat "$NS_TMP/before.list"
fill
full='filesystem holding .* is full.*free space on the filesystem'
refused "full: masq add" "$full" -c 'masq add out wan0 from 10.9.0.0/16'
refused "full: import" "$full" -c "import shorewall $imp"
refused "full: apply" "$full" -c apply
refused "full: masq del" "$full" -c 'masq del 1'

rm -f "$MNT/filler" "$MNT/filler2"
run gw_masqsh -c apply
run gw_masqsh -c 'masq add out wan0 from 10.9.0.0/16 comment after'
run gw_masqsh -c "import shorewall $imp"
run gw_masqsh -c apply
out=$(gw_masqsh -c 'masq list' 2>&1)
printf '%s\n' "$out"
assert_match "space freed: the import is there" '192\.168\.8\.0/24' "$out"
assert_match "space freed: it is in the kernel" '192\.168\.8\.0/24' \
	"$(gw_nft list table ip masqsh)"

# Nearly full: N pages left, for N from 0 up.  Each apply either works
# (the kernel and the history agree) or fails with exit 4 and the kernel
# as it was; never "the kernel took the rules, but the store could not
# record it" (apply reserves its commit's room before the kernel).
took=0 refusedn=0
for n in 0 1 2 3 4 5 6 7 8 10 12 16 24 32; do
	run gw_masqsh -c "masq add out wan0 from 10.77.$n.0/24 comment sweep$n"
	gw_nft list table ip masqsh >"$NS_TMP/sweep.before"
	avail=$(df --output=avail -B4096 "$MNT" | tail -1 | tr -d ' ')
	[ "$avail" -gt "$n" ] && dd if=/dev/zero of="$MNT/filler" bs=4096 \
		count=$((avail - n)) 2>/dev/null
	out=$(gw_masqsh -c apply 2>&1)
	rc=$?
	rm -f "$MNT/filler"
	echo "$n pages free: apply exit $rc: $out"
	case $rc in
	0)
		took=$((took + 1))
		assert_eq "$n pages free: applied and recorded" "in sync" \
			"$(gw_masqsh -c diff 2>&1)" ;;
	4)
		refusedn=$((refusedn + 1))
		assert_same_text "$n pages free: refused, kernel unchanged" \
			"$NS_TMP/sweep.before" <(gw_nft list table ip masqsh)
		assert_match "$n pages free: says the filesystem is full" \
			"is full" "$out" ;;
	*)
		fail "$n pages free: apply exit $rc" ;;
	esac
done
echo "nearly full: $took applies went through, $refusedn refused cleanly"
run gw_masqsh -c apply

# Read-only: the tmpfs remounted read-only (root ignores file modes, so a
# chmod 0400 database would not stop it).
run gw_masqsh -c 'masq add out wan0 from 192.168.9.0/24 comment staged'
snap before
mount -o remount,ro "$MNT" || fail "cannot remount $MNT read-only"
ro='[Rr]ead-only.*(remount|writable)'
refused "read-only: masq add" "$ro" -c 'masq add out wan0 from 10.9.0.0/16'
refused "read-only: import" "$ro" -c "import shorewall $imp"
refused "read-only: apply" "$ro" -c apply
mount -o remount,rw "$MNT" || fail "cannot remount $MNT read-write"
run gw_masqsh -c apply
out=$(gw_masqsh -c diff 2>&1)
assert_eq "writable again: applied" "in sync" "$out"
# The room reserved for apply's commit does not stay behind: the log is
# emptied when masqsh exits, as always.
[ ! -s "$DB-wal" ] || fail "$DB-wal not empty after masqsh exited: $(stat -c %s "$DB-wal")"
echo "ok: $DB-wal empty after masqsh exited"

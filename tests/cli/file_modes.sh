#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/cli/file_modes.sh - the files masqsh writes, under umask 022:
#   - the database, its -wal and -shm are 0600, the directories it makes
#     0700;
#   - ~/.masqsh_history is created 0600 by the interactive shell (driven
#     through a pty with script(1)), a looser one is tightened, the cap
#     rewrites it atomically (1000 lines, 0600, no temporary file left);
#   - a history file that is a symbolic link is refused with a warning
#     naming it, and the file it points to is not written;
#   - `diag crlf PATH fix` refuses a symbolic link and, on a regular file,
#     keeps its mode and leaves PATH.orig.
# Runs in a private network namespace (unshare) so that eth0 is absent
# everywhere alike (masq add only warns).  MASQSH comes from `make check`.
set -u

here=$(cd "$(dirname "$0")" && pwd)
MASQSH=${MASQSH:-$here/../../masqsh}
case $MASQSH in /*) ;; *) MASQSH=$(pwd)/$MASQSH ;; esac
export MASQSH

skip() { echo "tests/cli/file_modes: SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; failed=1; }

[ -x "$MASQSH" ] || skip "no masqsh binary at $MASQSH (build it first)"
command -v script >/dev/null || skip "missing tool: script (util-linux)"
if [ -z "${MASQSH_MODES_NETNS:-}" ]; then
	export MASQSH_MODES_NETNS=1
	if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
		exec unshare -n "$0" "$@"
	elif unshare -rn true 2>/dev/null; then
		exec unshare -rn "$0" "$@"
	fi
	skip "cannot create a network namespace"
fi

umask 022
T=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-modes.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 0755 "$T"
failed=0

# mode FILE WANT: FILE's permission bits are WANT (octal, as stat %a)
mode() {
	local got
	got=$(stat -c %a "$1" 2>/dev/null) || { fail "$1: missing"; return; }
	[ "$got" = "$2" ] || fail "$1: mode $got, want $2"
}

# The interactive shell on a pty, HOME=$T/home, typing stdin's lines.
shell() {
	HOME=$T/home script -qec "$MASQSH --db $T/sub/masq.db" /dev/null \
		>"$T/tty.out" 2>&1
}

# ---- the database --------------------------------------------------------
"$MASQSH" --db "$T/sub/masq.db" \
	-c 'masq add out eth0 from 192.168.1.0/24' >/dev/null 2>&1 ||
	fail "masq add failed"
"$MASQSH" --db "$T/a/b/masq.db" \
	-c 'masq add out eth0 from 192.168.1.0/24' >/dev/null 2>&1 ||
	fail "masq add (a/b) failed"
mode "$T/sub" 700
mode "$T/a" 700
mode "$T/a/b" 700
for f in "$T/sub/masq.db" "$T/a/b/masq.db"; do
	mode "$f" 600
	for side in -wal -shm; do
		[ ! -e "$f$side" ] || mode "$f$side" 600
	done
done

# ---- the history ---------------------------------------------------------
mkdir -m 0755 "$T/home"
h=$T/home/.masqsh_history
printf 'masq list\nquit\n' | shell
mode "$h" 600
grep -qx 'masq list' "$h" || fail "history: 'masq list' not saved"

# a looser file is tightened; the cap keeps the last 1000 lines, atomically
seq -f 'masq list # %g' 1 1005 >"$h"
chmod 0644 "$h"
ino=$(stat -c %i "$h")
printf 'quit\n' | shell
mode "$h" 600
[ "$(wc -l <"$h")" = 1000 ] || fail "history: $(wc -l <"$h") lines, want 1000"
[ "$(tail -n1 "$h")" = quit ] || fail "history: last line not 'quit'"
[ "$(head -n1 "$h")" = 'masq list # 7' ] || fail "history: wrong lines kept"
[ "$(stat -c %i "$h")" != "$ino" ] ||
	fail "history: capped in place, not renamed"
compgen -G "$T/home/.masqsh_history.*" >/dev/null &&
	fail "history: temporary file left behind"

# a symbolic link is refused, said once with its path; its target untouched
rm -f "$h"
echo keep >"$T/target"
ln -s "$T/target" "$h"
printf 'masq list\nquit\n' | shell
[ "$(cat "$T/target")" = keep ] || fail "history: written through a symlink"
[ -L "$h" ] || fail "history: the symlink was replaced"
n=$(grep -c "warning: $h is a symbolic link" "$T/tty.out")
if [ "$n" != 1 ]; then
	fail "history: symlink warned $n times, want 1"
	cat "$T/tty.out"
fi

# a dangling link: nothing is created where it points
rm -f "$h"
ln -s "$T/nowhere" "$h"
printf 'quit\n' | shell
[ ! -e "$T/nowhere" ] || fail "history: created through a dangling symlink"
grep -q "warning: $h is a symbolic link" "$T/tty.out" ||
	fail "history: dangling symlink not warned about"

# ---- diag crlf fix -------------------------------------------------------
printf 'masq list\r\n' >"$T/rules.msh"
chmod 0640 "$T/rules.msh"
ln -s "$T/rules.msh" "$T/link.msh"
if "$MASQSH" --db "$T/sub/masq.db" -c "diag crlf $T/link.msh fix" \
	>"$T/crlf.out" 2>&1; then
	fail "diag crlf fix: a symlink was accepted"
fi
grep -q "symbolic link" "$T/crlf.out" ||
	fail "diag crlf fix: no symlink error"
[ -e "$T/link.msh.orig" ] || [ -e "$T/rules.msh.orig" ] &&
	fail "diag crlf fix: a backup was made through the symlink"
grep -q $'\r' "$T/rules.msh" ||
	fail "diag crlf fix: the link's target changed"

"$MASQSH" --db "$T/sub/masq.db" -c "diag crlf $T/rules.msh fix" \
	>"$T/crlf.out" 2>&1 || fail "diag crlf fix failed: $(cat "$T/crlf.out")"
mode "$T/rules.msh" 640
grep -q $'\r' "$T/rules.msh" && fail "diag crlf fix: CR still there"
grep -q $'\r' "$T/rules.msh.orig" ||
	fail "diag crlf fix: no PATH.orig with the CR"
compgen -G "$T/.masqsh-fix.*" >/dev/null &&
	fail "diag crlf fix: temporary file left"

[ "$failed" = 0 ] && echo "tests/cli/file_modes: PASS"
exit "$failed"

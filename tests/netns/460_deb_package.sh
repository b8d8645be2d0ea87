#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 460: the Debian package, installed with dpkg into a throwaway container
# (tests/lib/container.sh: this machine's OS under a real systemd, inside
# the test gateway's network namespace).  The container sees this host's
# /usr and /var through overlays whose writes land in the test's scratch
# directory, so dpkg works against this host's package database and
# nothing is written back; /etc is the container's own tmpfs (the host's
# users and groups bound in read-only, for dpkg's statoverrides).
#
#   1. dpkg -i: the programs in /usr/sbin run and link the shared
#      libraries, the man pages and completions are in place,
#      /var/lib/masqsh is 0700, masqsh.service is installed, disabled and
#      not running, and nothing is loaded into the kernel;
#   2. masqtop -b -n1 prints its header in the gateway's namespace;
#   3. rules staged with the packaged masqsh (default database), then
#      `systemctl enable --now masqsh`: the engine applies them, a LAN
#      client is masqueraded, `diff` finds nothing to do;
#   4. dpkg --purge stops the engine (the loaded rules stay), removes the
#      unit, its enablement and /var/lib/masqsh.
#
# MASQSH_DEB names the .deb (scripts/test builds one with
# dpkg-buildpackage); without it the test skips.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/container.sh
. "$(dirname "$0")/../lib/container.sh"

[ -n "${MASQSH_DEB:-}" ] ||
	skip "no package to install: set MASQSH_DEB=masqsh_VERSION_ARCH.deb" \
		"(scripts/test builds one with dpkg-buildpackage)"
[ -r "$MASQSH_DEB" ] || fail "cannot read MASQSH_DEB=$MASQSH_DEB"
command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed (not Debian)"
test_setup
ct_preflight

CT=$NS_TMP/ct
DEB=$(basename "$MASQSH_DEB")
mkdir -p "$CT/deb" "$CT/usr" "$CT/var"
cp "$MASQSH_DEB" "$CT/deb/"
VERSION=$(dpkg-deb -f "$MASQSH_DEB" Version)
CT_MOUNTS=(--bind-ro="$CT/deb:/mnt/deb"
	--overlay="/usr:$CT/usr:/usr" --overlay="/var:$CT/var:/var"
	--bind-ro=/etc/passwd --bind-ro=/etc/group)
ct_trap

ct_boot || skip "systemd-nspawn cannot boot this system as a container here"
# An image built with Docker keeps a /usr/sbin/policy-rc.d that forbids
# maintainer scripts every service action; the container's admin has none.
in_ct rm -f /usr/sbin/policy-rc.d

# 1. Install.
run in_ct dpkg -i "/mnt/deb/$DEB"
# shellcheck disable=SC2016
assert_eq "package state" "install ok installed" \
	"$(in_ct dpkg-query -W -f '${Status}' masqsh)"
assert_eq "masqsh --version" "masqsh ${VERSION%-*}" \
	"$(in_ct /usr/sbin/masqsh --version | head -n 1)"
assert_match "masqsh links the shared libsqlite3 and libnftnl" \
	'libsqlite3\.so.*libnftnl\.so|libnftnl\.so.*libsqlite3\.so' \
	"$(in_ct ldd /usr/sbin/masqsh | tr '\n' ' ')"
assert_match "the package depends on them" \
	'libnftnl11.*libsqlite3-0' "$(dpkg-deb -f "$MASQSH_DEB" Depends)"
for f in /usr/sbin/masqtop /usr/share/man/man5/masqsh-rules.5.gz \
    /usr/share/bash-completion/completions/masqsh \
    /usr/share/bash-completion/completions/masqtop \
    /usr/share/zsh/vendor-completions/_masqsh \
    /usr/share/zsh/vendor-completions/_masqtop; do
	in_ct test -s "$f" || fail "the package did not install $f"
done
for m in masqsh masqtop; do
	assert_eq "$m(8) is a man page" "1" \
		"$(in_ct zcat "/usr/share/man/man8/$m.8.gz" | grep -c "^\.TH ")"
done
assert_eq "/var/lib/masqsh" "700 root" \
	"$(in_ct stat -c '%a %U' /var/lib/masqsh)"
assert_eq "unit file installed" "/lib/systemd/system/masqsh.service" \
	"$(prop FragmentPath)"
assert_match "the unit runs the packaged engine" \
	'path=/usr/sbin/masqsh ; argv\[\]=/usr/sbin/masqsh engine' \
	"$(prop ExecStart)"
assert_eq "unit disabled after install" disabled \
	"$(in_ct systemctl is-enabled masqsh.service)"
assert_eq "unit not started by the install" inactive "$(prop ActiveState)"
assert_eq "no rules in the kernel after install" 0 "$(kernel_rules)"

# 2. masqtop, batch mode, in the gateway's namespace.
out=$(in_ct masqtop -b -n1 -w 100) || fail "masqtop -b -n1 failed: $out"
echo "$out"
assert_match "masqtop's header" '^conntrack [0-9]+/[0-9]+ ' "$out"

# 3. Rules staged in the default database, then the engine enabled.
run in_ct masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80'
assert_eq "the database, private to root" "600 root" \
	"$(in_ct stat -c '%a %U' /var/lib/masqsh/masq.db)"
assert_eq "staged, not applied" 0 "$(kernel_rules)"
run in_ct systemctl enable --now masqsh.service
assert_eq "unit enabled" enabled "$(in_ct systemctl is-enabled masqsh.service)"
wait_journal 'applied 2 rules'
in_ct journalctl -b -u masqsh --no-pager -o cat
assert_eq "unit active" active "$(prop ActiveState)"
assert_eq "kernel table applied by the engine" 2 "$(kernel_rules)"
expect_nat "masqueraded by the packaged engine" "$C1" 192.168.1.10 \
	tcp 192.0.2.10 80 198.51.100.2
run in_ct masqsh -c diff

# 4. Purge.
run in_ct dpkg --purge masqsh
assert_eq "engine stopped by the removal" inactive "$(prop ActiveState)"
assert_eq "unit file gone" "" "$(prop FragmentPath)"
in_ct test -e /etc/systemd/system/multi-user.target.wants/masqsh.service &&
	fail "the unit's enablement link survived the purge"
in_ct test -e /var/lib/masqsh && fail "/var/lib/masqsh survived the purge"
in_ct test -e /usr/sbin/masqsh && fail "/usr/sbin/masqsh survived the purge"
assert_eq "the loaded rules stay in the kernel" 2 "$(kernel_rules)"
echo "ok: purged"
ct_stop

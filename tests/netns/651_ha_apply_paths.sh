#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 651: `ha apply` at the standard paths, without touching the host: in a
# mount namespace of its own (tmpfs over /etc/conntrackd, /etc/keepalived
# and /run) and a network namespace (so the files' node addresses are the
# test's).  Checks: the three files land at /etc/conntrackd/conntrackd.conf,
# /etc/keepalived/keepalived.conf and /etc/conntrackd/masqsh-ha-notify.sh
# with modes 0644/0644/0755 and no temporary file left; they name the
# standard run-time paths and the system service settings (Systemd on,
# enable_script_security); with no systemd running nothing is reloaded and
# the output says to start the services; a directory that cannot be
# written is an error naming the file, exit 1, no temporary file stays
# and the keepalived.conf from before is whole (each file is replaced
# atomically; the three are not one transaction: conntrackd.conf, written
# first, is the new one); -n writes nothing.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
why=$(ns_preflight) || skip "$why"
masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
if [ ! -d /etc/conntrackd ] || [ ! -d /etc/keepalived ]; then
	skip "no /etc/conntrackd or /etc/keepalived (install conntrackd keepalived)"
fi
command -v unshare >/dev/null || skip "no unshare (util-linux)"
[ -d /run/systemd/system ] && skip "systemd runs here: ha apply would reload the host's services"
ns_trap
NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ha651.XXXXXX")

# Everything below runs in the private mounts; $1 is masqsh.
cat >"$NS_TMP/inner.sh" <<'INNER'
set -u
M=$1 T=$2
mount -t tmpfs tmpfs /etc/conntrackd && mount -t tmpfs tmpfs /etc/keepalived &&
	mount -t tmpfs tmpfs /run || exit 99
ip link set lo up
ip link add sync0 type veth peer name sync1 && ip addr add 10.9.0.1/30 dev sync0 &&
	ip link set sync0 up || exit 97
db=$T/db
"$M" --db "$db" -c 'ha sync dev sync0 peer 10.9.0.2' -c 'ha vip sync0 10.9.0.3/30' \
	-c 'ha role backup' >/dev/null || exit 98
echo "== -n"
"$M" --db "$db" -n -c 'ha apply'; echo "exit $?"
ls -A /etc/conntrackd /etc/keepalived
echo "== apply"
"$M" --db "$db" -c 'ha apply'; echo "exit $?"
"$M" --db "$db" -j -c 'ha apply'; echo "exit $?"
stat -c '%a %n' /etc/conntrackd/* /etc/keepalived/*
grep -h '^\s*\(Path\|LockFile\|Systemd\|IPv4_address 10.9.0.1\)\|enable_script_security\|notify_master\|^CONF=\|^STATE=' \
	/etc/conntrackd/conntrackd.conf /etc/keepalived/keepalived.conf \
	/etc/conntrackd/masqsh-ha-notify.sh
echo "== read-only /etc/keepalived"
"$M" --db "$db" -c 'ha vip sync0 10.9.0.3/30 del' -c 'ha vip sync0 10.9.0.2/30' >/dev/null
mount -o remount,ro /etc/keepalived
"$M" --db "$db" -c 'ha apply'; echo "exit $?"
ls -A /etc/conntrackd /etc/keepalived
grep -c 'virtual_ipaddress' /etc/keepalived/keepalived.conf
INNER
out=$(unshare -m -n --propagation private bash "$NS_TMP/inner.sh" "$MASQSH" "$NS_TMP" 2>&1)
echo "$out"
assert_match "-n writes nothing" "$(printf '== -n\nwould write /etc/conntrackd/conntrackd.conf, /etc/keepalived/keepalived.conf, /etc/conntrackd/masqsh-ha-notify.sh\nexit 0\n/etc/conntrackd:\n\n/etc/keepalived:\n== apply')" "$out"
assert_match "apply says where and that nothing was reloaded" \
	"wrote /etc/conntrackd/conntrackd.conf, /etc/keepalived/keepalived.conf, /etc/conntrackd/masqsh-ha-notify.sh
no service was running under systemd: start conntrackd, then keepalived
exit 0" "$out"
assert_match "JSON" '\{"written":true,"conntrackd":"/etc/conntrackd/conntrackd.conf",.*"systemd":false,"conntrackd_restarted":false,"keepalived_reloaded":false\}' "$out"
assert_match "modes, no temporary file" "644 /etc/conntrackd/conntrackd.conf
755 /etc/conntrackd/masqsh-ha-notify.sh
644 /etc/keepalived/keepalived.conf
" "$out"
for want in 'Systemd on' 'LockFile /var/lock/conntrack.lock' 'Path /var/run/conntrackd.ctl' \
	'IPv4_address 10.9.0.1$' 'enable_script_security' \
	'notify_master "/etc/conntrackd/masqsh-ha-notify.sh primary"' \
	'CONF=/etc/conntrackd/conntrackd.conf' 'STATE=/run/masqsh-ha.state'; do
	assert_match "standard files: $want" "$want" "$out"
done
assert_match "a read-only directory: the error names the file, exit 1" \
	"error: cannot write /etc/keepalived/keepalived.conf.tmp: Read-only file system
exit 1" "$out"
assert_match "nothing half-written is left" "== read-only /etc/keepalived
.*
/etc/conntrackd:
conntrackd.conf
masqsh-ha-notify.sh

/etc/keepalived:
keepalived.conf
1$" "$out"
echo PASS

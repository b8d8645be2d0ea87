#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 360: the engine under its systemd unit, with a real systemd as PID 1.
# This machine's own OS is booted as a throwaway container (systemd-nspawn
# --volatile=yes: an empty tmpfs root, this host's /usr read-only, nothing
# written back) inside the test gateway's network namespace, with
# masqsh.service made from masqsh.service.in the way `make` makes it (only
# the directories differ: /opt/masqsh, a bind mount of the build, and the
# database's /var/lib/masqsh)
# and enabled.  A drop-in points MASQSH_DB at the test's database.
#
#   1. boot: the unit starts the engine, which applies the stored rules
#      and conntrack timeouts (inside the unit's sandbox); a LAN client is
#      masqueraded through the rules;
#   2. `systemctl reload` applies newly staged rules; `systemctl stop`
#      ends the engine cleanly and leaves the rules loaded;
#   3. "reboot": the kernel table is removed (as a reboot loses it) and
#      the container booted again: the engine puts every rule back;
#   4. without CAP_NET_ADMIN the engine exits 3 and the unit does not
#      restart it in a loop (RestartPreventExitStatus).
#
# The container comes from tests/lib/container.sh (shared with 460).
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/container.sh
. "$(dirname "$0")/../lib/container.sh"
test_setup
ct_preflight
UNIT_IN=$(cd "$(dirname "$0")/../.." && pwd)/masqsh.service.in
[ -r "$UNIT_IN" ] || fail "cannot read $UNIT_IN"

CT=$NS_TMP/ct
mkdir -p "$CT/bin" "$CT/units/multi-user.target.wants" \
	"$CT/units/masqsh.service.d" "$CT/state"
chmod 700 "$CT/state"
cp "$MASQSH" "$CT/bin/masqsh"
sed -e 's|@sbindir[@]|/opt/masqsh|g' -e 's|@dbdir[@]|/var/lib/masqsh|g' \
	"$UNIT_IN" >"$CT/units/masqsh.service"
ln -s ../masqsh.service "$CT/units/multi-user.target.wants/masqsh.service"
printf '[Service]\nEnvironment=MASQSH_DB=/var/lib/masqsh/masq.db\n' \
	>"$CT/units/masqsh.service.d/test-db.conf"
export DB=$CT/state/masq.db	# gw_masqsh: the same file, from outside

CT_MOUNTS=(--bind-ro="$CT/bin:/opt/masqsh"
	--bind-ro="$CT/units:/etc/systemd/system"
	--bind="$CT/state:/var/lib/masqsh")
ct_trap

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' \
	-c 'forward add in wan0 proto tcp dport 8080 to 192.168.1.10:80' \
	-c 'timeouts set udp 61'

# 1. Boot: the unit starts the engine, the engine applies.  A machine that
# cannot boot a container at all (no cgroups for it, say) skips the test.
ct_boot || skip "systemd-nspawn cannot boot this system as a container here"
wait_journal 'applied 2 rules'
assert_eq "unit active after boot" active "$(prop ActiveState)"
assert_eq "its main process is the engine" "/opt/masqsh/masqsh engine" \
	"$(in_ct ps -o args= -p "$(prop MainPID)")"
in_ct journalctl -b -u masqsh --no-pager -o cat
assert_eq "kernel table after boot" 2 "$(kernel_rules)"
expect_nat "masqueraded by the rules the unit applied" "$C1" 192.168.1.10 \
	tcp 192.0.2.10 80 198.51.100.2
# the unit's sandbox leaves the engine /proc/sys/net/netfilter to write
wait_journal 'stored conntrack timeouts'
assert_eq "stored udp timeout set by the engine" 61 \
	"$(ip netns exec "$GW" sysctl -n net.netfilter.nf_conntrack_udp_timeout)"

# 2. reload applies what was staged since; stop leaves the rules loaded.
run gw_masqsh -c 'masq add out wan0 from 192.168.2.0/24'
run in_ct systemctl reload masqsh.service
assert_eq "reload applied the staged rule" 3 "$(kernel_rules)"
assert_eq "still active after reload" active "$(prop ActiveState)"
run in_ct systemctl stop masqsh.service
assert_eq "inactive after stop" inactive "$(prop ActiveState)"
assert_eq "stopped cleanly" 0 "$(prop ExecMainStatus)"
assert_eq "rules still loaded after stop" 3 "$(kernel_rules)"
ct_stop

# 3. A reboot loses the kernel's table; the engine puts it back at boot.
run gw_nft delete table ip masqsh
assert_eq "kernel table gone" 0 "$(kernel_rules)"
ct_boot || fail "the second boot failed"
wait_journal 'applied 3 rules'
assert_eq "unit active after the second boot" active "$(prop ActiveState)"
assert_eq "every stored rule is back" 3 "$(kernel_rules)"
ct_stop

# 4. Without CAP_NET_ADMIN: exit 3, once, no restart loop.
ct_boot nonet || fail "the boot without CAP_NET_ADMIN failed"
i=0
while [ "$(prop ActiveState)" = activating ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
journal=$(in_ct journalctl -b -u masqsh --no-pager -o cat)
echo "$journal"
assert_eq "unit failed" failed "$(prop ActiveState)"
assert_eq "exit status 3 (permission missing)" 3 "$(prop ExecMainStatus)"
assert_eq "not restarted" 0 "$(prop NRestarts)"
assert_match "the journal says what is missing" 'CAP_NET_ADMIN' "$journal"
ct_stop

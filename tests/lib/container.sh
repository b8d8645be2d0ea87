# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
#
# tests/lib/container.sh - this machine's own OS booted as a throwaway
# container with a real systemd as PID 1: systemd-nspawn --volatile=yes
# (an empty tmpfs root, this host's /usr read-only, nothing written back)
# inside the test gateway's network namespace.  Shared by the tests of
# masqsh.service (tests/netns/360) and of the Debian package (460).
#
# Owns: the preflight (skip when systemd-nspawn, nsenter or a bootable
# systemd is missing), booting and shutting down the container, running a
# command in it, waiting for the engine's journal, reading the unit's
# properties, counting the rules the engine loaded.  Does not own what the
# container sees: the caller puts its systemd-nspawn mount options
# (--bind, --overlay, ...) in CT_MOUNTS.
#
# Source it after tests/lib/netns.sh, then call test_setup (which makes
# $GW and $NS_TMP), ct_preflight and ct_trap.  The container's /proc/sys is
# read-only (systemd-sysctl does not run in it); it reaches no network but
# the gateway's namespace.

CT_MOUNTS=()
NSPAWN=""
LEADER=""
BOOTS=0
MNAME=mq$$

# ct_preflight: skip the test when this machine cannot boot itself as a
# container.
ct_preflight() {
	command -v systemd-nspawn >/dev/null ||
		skip "systemd-nspawn not installed (systemd-container)"
	command -v nsenter >/dev/null || skip "nsenter not installed (util-linux)"
	[ -x /usr/lib/systemd/systemd ] || [ -x /lib/systemd/systemd ] ||
		skip "no systemd in this system's /usr to boot"
}

# ct_boot [CAPS]: boot the container in the background, wait (30 s at most)
# until systemd has finished starting up; 1 (with the boot log shown) when
# it does not.  CAPS "nonet" leaves out CAP_NET_ADMIN (systemd-nspawn does
# not give it by default).
ct_boot() {
	local caps=(--capability=CAP_NET_ADMIN) _ state
	[ "${1:-}" = nonet ] && caps=()
	BOOTS=$((BOOTS + 1))
	systemd-nspawn -q -D / --volatile=yes -b -M "$MNAME" \
		--network-namespace-path="/run/netns/$GW" \
		--register=no --keep-unit "${caps[@]}" --console=read-only \
		"${CT_MOUNTS[@]}" \
		systemd.firstboot=off >"$NS_TMP/boot$BOOTS.log" 2>&1 &
	NSPAWN=$!
	for _ in $(seq 1 150); do
		LEADER=$(pgrep -P "$NSPAWN" | head -n 1)
		if [ -n "$LEADER" ]; then
			state=$(nsenter -t "$LEADER" -a systemctl \
				is-system-running 2>/dev/null)
			case $state in running|degraded) return 0 ;; esac
		fi
		kill -0 "$NSPAWN" 2>/dev/null || break
		sleep 0.2
	done
	cat "$NS_TMP/boot$BOOTS.log"
	echo "the container did not boot (systemd state '${state:-none}')"
	ct_stop
	return 1
}

# ct_stop: shut the container down (SIGTERM to systemd-nspawn asks its
# systemd to power off), 20 s at most, then by force.
ct_stop() {
	local _
	[ -n "$NSPAWN" ] || return 0
	kill "$NSPAWN" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$NSPAWN" 2>/dev/null || break
		sleep 0.2
	done
	kill -9 "$NSPAWN" 2>/dev/null
	wait "$NSPAWN" 2>/dev/null
	NSPAWN=""
	LEADER=""
}

# ct_trap: on exit, stop the container before the namespaces go.
ct_trap() { trap 'ct_stop; ns_cleanup' EXIT; }

in_ct() { nsenter -t "$LEADER" -a "$@"; }

# wait_journal PATTERN: 10 s at most for the engine to log PATTERN (it
# applies after systemd has started it, not before).
wait_journal() {
	local _
	for _ in $(seq 1 100); do
		in_ct journalctl -b -u masqsh --no-pager -o cat | grep -q "$1" &&
			return 0
		sleep 0.1
	done
	in_ct journalctl -b -u masqsh --no-pager -o cat
	fail "the engine did not log '$1'"
}

# kernel_rules: how many of masqsh's rules the gateway's kernel runs (what
# the engine applied, seen from outside the container).
kernel_rules() { gw_nft list table ip masqsh 2>/dev/null | grep -c 'comment "masqsh '; }

# prop NAME: a property of masqsh.service (systemctl show).
prop() { in_ct systemctl show -p "$1" --value masqsh.service; }

# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
#
# tests/lib/netns.sh - the throwaway NAT topology shared by the namespace
# tests (tests/netns/NNN_*.sh) and the lab demo (scripts/lab).
#
# Owns: creating uniquely named network namespaces and the links between
# them, the echo servers, client requests, reading the conntrack reply
# tuple in the gateway, assertions, and tearing everything down again (a
# trap deletes every namespace and stops every process this file started,
# even when a test fails halfway).  Everything runs inside namespaces made
# here: the root namespace's ruleset, routes and sysctls are never touched.
#
#   C1 (lan1 client)      eth0 192.168.1.10/24 (+ .11)   via 192.168.1.1
#   C2 (lan2 client)      eth0 192.168.2.10/24           via 192.168.2.1
#   GW (the NAT gateway)  lan1 192.168.1.1  lan2 192.168.2.1
#                         wan0 198.51.100.2/24 default via 198.51.100.1
#                         [wan1 203.0.113.2/24, 192.0.2.128/25 via it]
#   ISP (router)          up0 198.51.100.1  net0 192.0.2.1/24
#                         [t0 10.255.0.1/30 -> ISP2 for 203.0.113.0/24]
#   [ISP2 (router)        up0 203.0.113.1  t0 10.255.0.2/30
#                         192.0.2.0/24 via ISP]
#   SRV (fake internet)   eth0 192.0.2.10/24 + 192.0.2.200, via 192.0.2.1
#
# The ISPs have no route to 192.168.0.0/16: a LAN client reaches a server
# only when the gateway translates its address.  Servers answer every
# connection with the address and port they saw ("ADDR PORT").
#
# Callers set MASQSH (the binary) or let masq_find_binary() look for it.

NS_PREFIX=${NS_PREFIX:-mq$$}
NS_CREATED=()
NS_PIDS=()
NS_TMP=""

# Server ports: tcp 80 443 8080, udp 53 5353.
NS_TCP_PORTS="80 443 8080"
NS_UDP_PORTS="53 5353"

die() { echo "error: $*" >&2; exit 1; }

# Exit 77 (skip) with a reason.
skip() { echo "SKIP: $*"; exit 77; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# Can this process make namespaces, and are the tools there?  Prints the
# reason and returns 1 when not.
ns_preflight() {
	local t
	if [ "$(id -u)" != 0 ]; then
		echo "needs root (network namespaces, nftables)"; return 1
	fi
	for t in ip nft conntrack "$NS_PY"; do
		command -v "$t" >/dev/null 2>&1 || {
			echo "missing tool: $t (run scripts/deps)"; return 1; }
	done
	if ! ip netns add "${NS_PREFIX}probe" 2>/dev/null; then
		echo "cannot create network namespaces here (ip netns add failed)"
		return 1
	fi
	ip netns del "${NS_PREFIX}probe"
	return 0
}

# Find the masqsh binary: $MASQSH, the build dirs, then PATH.
masq_find_binary() {
	local here root c
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	root=$(cd "$here/../.." && pwd)
	for c in "${MASQSH:-}" "${top_builddir:+$top_builddir/masqsh}" \
	    "$root/_build/masqsh" "$root/masqsh"; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			MASQSH=$(cd "$(dirname "$c")" && pwd)/$(basename "$c")
			export MASQSH; return 0
		fi
	done
	c=$(command -v masqsh 2>/dev/null) || return 1
	MASQSH=$c; export MASQSH
}

ns_add() {
	ip netns add "$1" || die "ip netns add $1"
	NS_CREATED+=("$1")
	ip -n "$1" link set lo up
}

# ns_link NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair with one address a side.
ns_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" ||
		die "veth $1/$2 - $4/$5"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

ns_sysctl() { ip netns exec "$1" sysctl -qw "$2" >/dev/null; }

# Remove everything this file created.  Safe to call twice.
ns_cleanup() {
	local p ns
	for p in "${NS_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for ns in "${NS_CREATED[@]}"; do
		# Anything still running inside one of our namespaces was
		# started by us (echo servers); stop it by pid.
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$p" 2>/dev/null
		done
	done
	for p in "${NS_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ns in "${NS_CREATED[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NS_CREATED=(); NS_PIDS=()
	if [ -n "$NS_TMP" ] && [ -d "$NS_TMP" ]; then
		rm -rf "$NS_TMP"
	fi
	NS_TMP=""
}

# Install the cleanup trap (EXIT, and INT/TERM turned into an exit).
ns_trap() {
	trap 'ns_cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# topo_create [two]: build the topology above; "two" adds wan1/ISP2.
# Sets C1 C2 GW ISP SRV [ISP2] and NS_TMP (a scratch dir).
topo_create() {
	local two=${1:-}
	NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ns.XXXXXX")
	C1=${NS_PREFIX}-c1; C2=${NS_PREFIX}-c2; GW=${NS_PREFIX}-gw
	ISP=${NS_PREFIX}-isp; SRV=${NS_PREFIX}-srv; ISP2=${NS_PREFIX}-isp2
	ns_add "$C1"; ns_add "$C2"; ns_add "$GW"; ns_add "$ISP"; ns_add "$SRV"

	ns_link "$C1" eth0 192.168.1.10/24 "$GW" lan1 192.168.1.1/24
	ip -n "$C1" addr add 192.168.1.11/24 dev eth0
	ip -n "$C1" route add default via 192.168.1.1
	ns_link "$C2" eth0 192.168.2.10/24 "$GW" lan2 192.168.2.1/24
	ip -n "$C2" route add default via 192.168.2.1

	ns_link "$GW" wan0 198.51.100.2/24 "$ISP" up0 198.51.100.1/24
	ip -n "$GW" route add default via 198.51.100.1
	ns_sysctl "$GW" net.ipv4.ip_forward=1

	ns_link "$ISP" net0 192.0.2.1/24 "$SRV" eth0 192.0.2.10/24
	ip -n "$SRV" addr add 192.0.2.200/24 dev eth0
	ip -n "$SRV" route add default via 192.0.2.1
	ns_sysctl "$ISP" net.ipv4.ip_forward=1

	if [ "$two" = two ]; then
		ns_add "$ISP2"
		ns_link "$GW" wan1 203.0.113.2/24 "$ISP2" up0 203.0.113.1/24
		ip -n "$GW" route add 192.0.2.128/25 via 203.0.113.1
		ns_link "$ISP" t0 10.255.0.1/30 "$ISP2" t0 10.255.0.2/30
		ip -n "$ISP" route add 203.0.113.0/24 via 10.255.0.2
		ip -n "$ISP2" route add 192.0.2.0/24 via 10.255.0.1
		ns_sysctl "$ISP2" net.ipv4.ip_forward=1
	fi
	[ -n "${NS_V6:-}" ] && topo_v6
	srv_start "$SRV"
}

# ns_addr6 NS IF ADDR/PLEN: an IPv6 address, usable at once (no DAD).
ns_addr6() { ip -n "$1" addr add "$3" dev "$2" nodad; }

# topo_v6: the IPv6 addresses and routes beside the IPv4 ones (opt-in:
# test_setup_v6).  Only the namespaces' own sysctls change.
#   C1   eth0 fd00:1::10/64 (+ ::11) via fd00:1::1
#   C2   eth0 fd00:2::10/64          via fd00:2::1
#   GW   lan1 fd00:1::1/64  lan2 fd00:2::1/64
#        wan0 2001:db8:100::2/64 default via 2001:db8:100::1
#   ISP  up0 2001:db8:100::1/64  net0 2001:db8:200::1/64
#        2001:db8:1::/48 via GW (the prefix delegated to it, for NPTv6)
#   SRV  eth0 2001:db8:200::10/64 + 2001:db8:200::200
# As with IPv4, the ISP has no route to fd00::/8: only translated flows
# are answered.
topo_v6() {
	local ns
	for ns in "$C1" "$C2" "$GW" "$ISP" "$SRV"; do
		ns_sysctl "$ns" net.ipv6.conf.all.accept_dad=0
		ns_sysctl "$ns" net.ipv6.conf.default.accept_dad=0
	done
	ns_addr6 "$C1" eth0 fd00:1::10/64
	ns_addr6 "$C1" eth0 fd00:1::11/64
	ip -n "$C1" -6 route add default via fd00:1::1
	ns_addr6 "$C2" eth0 fd00:2::10/64
	ip -n "$C2" -6 route add default via fd00:2::1
	ns_addr6 "$GW" lan1 fd00:1::1/64
	ns_addr6 "$GW" lan2 fd00:2::1/64
	ns_addr6 "$GW" wan0 2001:db8:100::2/64
	ip -n "$GW" -6 route add default via 2001:db8:100::1
	ns_sysctl "$GW" net.ipv6.conf.all.forwarding=1
	ns_addr6 "$ISP" up0 2001:db8:100::1/64
	ns_addr6 "$ISP" net0 2001:db8:200::1/64
	ip -n "$ISP" -6 route add 2001:db8:1::/48 via 2001:db8:100::2
	ns_sysctl "$ISP" net.ipv6.conf.all.forwarding=1
	ns_addr6 "$SRV" eth0 2001:db8:200::10/64
	ns_addr6 "$SRV" eth0 2001:db8:200::200/64
	ip -n "$SRV" -6 route add default via 2001:db8:200::1
}

# Add an address to the gateway's uplink (SNAT targets must be answered
# for on the wire).
gw_addr_add() { ip -n "$GW" addr add "$1" dev "${2:-wan0}"; }

# The echo servers and the client, in Python (one process serves every
# port without forking, so answers are prompt even on a busy machine).
NS_PY=${NS_PY:-$(command -v /usr/bin/python3 || command -v python3 || echo python3)}

# shellcheck disable=SC2016
NS_PY_SERVER='
import selectors, socket, sys
sel = selectors.DefaultSelector()
for spec in sys.argv[1:]:
    proto, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    addr = addr.strip("[]")
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, int(port)))
    if proto == "tcp":
        s.listen(64)
    sel.register(s, selectors.EVENT_READ, proto)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        try:
            if key.data == "tcp":
                c, peer = s.accept()
                c.settimeout(2)
                c.sendall(("%s %d\n" % peer[:2]).encode())
                c.close()
            else:
                data, peer = s.recvfrom(2048)
                s.sendto(("%s %d\n" % peer[:2]).encode(), peer)
        except OSError:
            pass
'

NS_PY_CLIENT='
import socket, sys
proto, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, kind)
s.settimeout(float(sys.argv[5]) if len(sys.argv) > 5 else 3.0)
try:
    if len(sys.argv) > 4 and sys.argv[4]:
        s.bind((sys.argv[4], 0))
    s.connect((dst, port))
    if proto == "udp":
        s.send(b"hello\n")
    data = s.recv(256)
    print(data.decode().strip())
except OSError:
    pass
'

# srv_start NS [PROTO PORT]: echo servers in NS answering "ADDR PORT" of
# the peer they saw; without PROTO/PORT, every NS_TCP_PORTS/NS_UDP_PORTS.
# UDP sockets are bound to each address of NS, so that answers leave from
# the address the request went to.
srv_start() {
	local ns=$1 specs=() p a addrs ready i=0
	addrs=$(ip -n "$ns" -4 -o addr show scope global |
		awk '{ sub("/.*", "", $4); print $4 }')
	# the IPv6 topology (NS_V6) serves its v6 addresses too; TCP then
	# also listens on "::", v6-only, so 0.0.0.0 stays the v4 socket
	[ -n "${NS_V6:-}" ] && addrs="$addrs $(ip -n "$ns" -6 -o addr show \
		scope global | awk '{ sub("/.*", "", $4); print $4 }')"
	if [ $# -ge 3 ]; then
		set -- "$2 $3"
	else
		set --
		for p in $NS_TCP_PORTS; do set -- "$@" "tcp $p"; done
		for p in $NS_UDP_PORTS; do set -- "$@" "udp $p"; done
	fi
	for p in "$@"; do
		if [ "${p% *}" = tcp ]; then
			specs+=("tcp:0.0.0.0:${p#* }")
			[ -n "${NS_V6:-}" ] && specs+=("tcp:[::]:${p#* }")
		else
			for a in $addrs; do specs+=("udp:$a:${p#* }"); done
		fi
	done
	ready=$(mktemp "${NS_TMP:-/tmp}/srv.XXXXXX")
	ip netns exec "$ns" "$NS_PY" -c "$NS_PY_SERVER" "${specs[@]}" \
		</dev/null >"$ready" 2>&1 &
	NS_PIDS+=("$!")
	while [ $((i += 1)) -le 100 ]; do
		grep -q '^ready' "$ready" && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.05
	done
	die "echo server in $ns did not start: $(cat "$ready")"
}

# req NS PROTO DST PORT [SRCADDR]: one request from NS; prints what the
# server saw ("ADDR PORT"), nothing when the request failed (3 s timeout,
# REQ_TIMEOUT).
req() {
	ip netns exec "$1" "$NS_PY" -c "$NS_PY_CLIENT" "$2" "$3" "$4" "${5:-}" \
		"${REQ_TIMEOUT:-3}" </dev/null 2>/dev/null
	return 0
}

# req_addr ...: like req, only the address the server saw.
req_addr() { req "$@" | awk '{print $1}'; }

# ct_reply FIELD PROTO ORIG_DPORT [ORIG_SRC] [NS]: the value of FIELD
# (src, dst, sport, dport) in the reply direction of each matching entry
# of the gateway's conntrack table, one per line.  For masquerade/SNAT the
# reply dst is the translated source; for a port forward the reply src is
# the inside server.
ct_reply() {
	local field=$1 proto=$2 dport=$3 src=${4:-} ns=${5:-$GW}
	local args=(-L -p "$proto" --dport "$dport")
	[ -n "$src" ] && args+=(-s "$src")
	case $src in *:*) args+=(-f ipv6) ;; esac
	ip netns exec "$ns" conntrack "${args[@]}" 2>/dev/null |
	awk -v f="$field=" '{
		n = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^src=/) n++
			if (n == 2 && index($i, f) == 1) {
				print substr($i, length(f) + 1); break
			}
		}
	}'
}

# ct_flush [NS]: empty the gateway's (or NS's) conntrack table.
# shellcheck disable=SC2120
ct_flush() {
	ip netns exec "${1:-$GW}" conntrack -F >/dev/null 2>&1 || true
	# conntrack -F empties one family (IPv4 unless told)
	[ -z "${NS_V6:-}" ] ||
		ip netns exec "${1:-$GW}" conntrack -F -f ipv6 >/dev/null 2>&1 ||
		true
}

# masqsh inside the gateway against the test's database ($DB, default
# NS_TMP/masq.db).
gw_masqsh() {
	ip netns exec "$GW" "$MASQSH" --db "${DB:-$NS_TMP/masq.db}" "$@"
}

# nft inside the gateway.
gw_nft() { ip netns exec "$GW" nft "$@"; }

# expect_nat WHAT NS SRC PROTO DST PORT WANT: a request from NS (bound to
# SRC) reaches the server, which saw WANT, and the gateway's conntrack
# entry for it has WANT as its reply destination (expect_nat_in for
# address ranges).  Leaves the server's view in $SEEN and $SEEN_PORT.
# shellcheck disable=SC2034
expect_nat() {
	local what=$1 ns=$2 src=$3 proto=$4 dst=$5 port=$6 want=$7 got ct
	ct_flush
	got=$(req "$ns" "$proto" "$dst" "$port" "$src")
	SEEN=${got%% *}; SEEN_PORT=${got##* }
	assert_eq "$what: address the server saw" "$want" "$SEEN"
	ct=$(ct_reply dst "$proto" "$port" "$src" | sort -u)
	assert_eq "$what: conntrack reply dst in the gateway" "$want" "$ct"
}

# expect_nat_in WHAT NS SRC PROTO DST PORT LO HI: like expect_nat, the
# address seen must lie in LO-HI and equal the conntrack reply dst.
# shellcheck disable=SC2034
expect_nat_in() {
	local what=$1 ns=$2 src=$3 proto=$4 dst=$5 port=$6 lo=$7 hi=$8 got ct
	ct_flush
	got=$(req "$ns" "$proto" "$dst" "$port" "$src")
	SEEN=${got%% *}; SEEN_PORT=${got##* }
	[ -n "$got" ] || fail "$what: no answer from $dst:$port ($proto)"
	case $lo in
	*:*) assert_addr6_in "$what: address the server saw" "$lo" "$hi" \
		"$SEEN" ;;
	*) assert_in_range "$what: address the server saw" \
		"$(ip4_num "$lo")" "$(ip4_num "$hi")" "$(ip4_num "$SEEN")" ;;
	esac
	ct=$(ct_reply dst "$proto" "$port" "$src" | sort -u)
	assert_eq "$what: conntrack reply dst = server's view" "$SEEN" "$ct"
}

# expect_untranslated WHAT NS SRC PROTO DST PORT: the gateway forwards the
# flow with its source unchanged (conntrack reply dst = SRC); with no route
# back at the ISP, no answer arrives.
expect_untranslated() {
	local what=$1 ns=$2 src=$3 proto=$4 dst=$5 port=$6 got ct
	ct_flush
	got=$(req "$ns" "$proto" "$dst" "$port" "$src")
	assert_eq "$what: answer (none without translation)" "" "$got"
	ct=$(ct_reply dst "$proto" "$port" "$src" | sort -u)
	assert_eq "$what: conntrack reply dst (untranslated)" "$src" "$ct"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	if [ "$2" != "$3" ]; then
		printf 'FAIL: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3" >&2
		exit 1
	fi
	printf 'ok: %s = %s\n' "$1" "$3"
}

assert_ne() {
	if [ "$2" = "$3" ]; then
		printf 'FAIL: %s\n  expected anything but: %s\n' "$1" "$2" >&2
		exit 1
	fi
	printf 'ok: %s (%s != %s)\n' "$1" "$3" "$2"
}

# assert_match WHAT REGEX ACTUAL (extended regex, whole text)
assert_match() {
	if ! printf '%s' "$3" | grep -Eq -- "$2"; then
		printf 'FAIL: %s\n  expected to match: %s\n  actual: %s\n' \
			"$1" "$2" "$3" >&2
		exit 1
	fi
	printf 'ok: %s\n' "$1"
}

# assert_same_text WHAT FILE1 FILE2: byte-identical files (diff on failure)
assert_same_text() {
	if ! cmp -s "$2" "$3"; then
		printf 'FAIL: %s\n' "$1" >&2
		diff -u "$2" "$3" >&2
		exit 1
	fi
	printf 'ok: %s\n' "$1"
}

# assert_compiled_in_kernel: 'show compiled' prints byte for byte what
# 'nft list table ip masqsh' prints; the kernel's text stays in
# $NS_TMP/kernel for further checks.
assert_compiled_in_kernel() {
	gw_masqsh -c 'show compiled' >"$NS_TMP/compiled" 2>&1 ||
		fail "show compiled: $(cat "$NS_TMP/compiled")"
	gw_nft list table ip masqsh >"$NS_TMP/kernel"
	cat "$NS_TMP/kernel"
	assert_same_text "show compiled = nft list table ip masqsh" \
		"$NS_TMP/compiled" "$NS_TMP/kernel"
}

# assert_in_range WHAT LO HI VALUE (integers)
assert_in_range() {
	case $4 in
	''|*[!0-9]*)
		printf 'FAIL: %s\n  expected a number in %s-%s\n  actual: %s\n' \
			"$1" "$2" "$3" "$4" >&2
		exit 1 ;;
	esac
	if [ "$4" -lt "$2" ] || [ "$4" -gt "$3" ]; then
		printf 'FAIL: %s\n  expected: %s-%s\n  actual:   %s\n' \
			"$1" "$2" "$3" "$4" >&2
		exit 1
	fi
	printf 'ok: %s = %s (in %s-%s)\n' "$1" "$4" "$2" "$3"
}

# assert_addr6_in WHAT LO HI ADDR: an IPv6 address inside LO-HI.
assert_addr6_in() {
	if ! "$NS_PY" -c 'import ipaddress as i, sys
a = [i.IPv6Address(x) for x in sys.argv[1:4]]
sys.exit(0 if a[0] <= a[2] <= a[1] else 1)' "$2" "$3" "$4" 2>/dev/null; then
		printf 'FAIL: %s\n  expected: %s-%s\n  actual:   %s\n' \
			"$1" "$2" "$3" "$4" >&2
		exit 1
	fi
	printf 'ok: %s = %s (in %s-%s)\n' "$1" "$4" "$2" "$3"
}

# ip4_num ADDR: dotted quad as an integer (for address ranges).
ip4_num() {
	local IFS=. a b c d
	read -r a b c d <<<"$1"
	echo $(( (a << 24) + (b << 16) + (c << 8) + d ))
}

# run CMD...: echo and run; fail the test with the output when it fails.
run() {
	local out rc=0
	echo "+ $*"
	out=$("$@" 2>&1) || rc=$?
	[ -n "$out" ] && printf '%s\n' "$out"
	[ "$rc" = 0 ] || fail "command failed (exit $rc): $*"
}

# test_setup_v6 [two]: test_setup with the IPv6 topology (topo_v6) too.
# shellcheck disable=SC2120
test_setup_v6() {
	NS_V6=1
	test_setup "$@"
}

# Common start of a test: preflight, binary, trap, topology.
test_setup() {
	local why
	why=$(ns_preflight) || skip "$why"
	masq_find_binary || skip "masqsh binary not found (build first or set MASQSH)"
	ns_trap
	topo_create "${1:-}"
}

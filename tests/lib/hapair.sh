# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
#
# tests/lib/hapair.sh - a NAT pair in namespaces, for tests/netns/65x and
# bench/ha_failover.sh: two gateways A and B bridged to one LAN and one
# WAN, a sync link between them, masqsh's rules SNAT'ing to the WAN
# virtual address, and the real conntrackd and keepalived of each gateway
# started in the foreground from `ha apply dir` files (PIDs recorded,
# killed by PID by ns_cleanup).  Sourced after tests/lib/netns.sh.
#
#   C  (client)   eth0 192.168.1.10/24 via 192.168.1.1 (the LAN VIP)
#   A  (gateway)  lan0 192.168.1.2  wan0 198.51.100.3  sync0 10.9.0.1/30
#   B  (gateway)  lan0 192.168.1.3  wan0 198.51.100.4  sync0 10.9.0.2/30
#   SRV           eth0 198.51.100.10/24 (the fake internet, on the WAN)
#   SW            bridges brlan and brwan joining the above
#   VIPs          lan0 192.168.1.1/24, wan0 198.51.100.2/24
#
# SRV has no route to 192.168.1.0/24: only a translated flow is answered.

HA_VIP_LAN=192.168.1.1
HA_VIP_WAN=198.51.100.2
HA_SRV=198.51.100.10

# The pids of each gateway's daemons, by gateway letter.
declare -A HA_CTD HA_KA

ha_preflight() {
	local t
	for t in conntrackd keepalived; do
		command -v "$t" >/dev/null 2>&1 ||
			skip "missing $t (scripts/deps installs it)"
	done
}

# ha_port SW NS IF ADDR BRIDGE: a veth from NS (IF, ADDR) into SW's BRIDGE.
ha_port() {
	local peer=p$RANDOM$RANDOM
	ip link add "$3" netns "$2" type veth peer name "$peer" netns "$1" ||
		die "veth $2/$3"
	ip -n "$1" link set "$peer" master "$5" up
	[ -n "$4" ] && ip -n "$2" addr add "$4" dev "$3"
	ip -n "$2" link set "$3" up
}

# ha_topo: the namespaces and links above.  Sets C A B SRV SW NS_TMP.
ha_topo() {
	local g
	NS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/masqsh-ha.XXXXXX")
	C=${NS_PREFIX}-c; A=${NS_PREFIX}-a; B=${NS_PREFIX}-b
	SRV=${NS_PREFIX}-srv; SW=${NS_PREFIX}-sw
	for g in "$SW" "$C" "$A" "$B" "$SRV"; do ns_add "$g"; done
	ip -n "$SW" link add brlan type bridge
	ip -n "$SW" link add brwan type bridge
	ip -n "$SW" link set brlan up
	ip -n "$SW" link set brwan up
	ha_port "$SW" "$C" eth0 192.168.1.10/24 brlan
	ip -n "$C" route add default via "$HA_VIP_LAN"
	ha_port "$SW" "$A" lan0 192.168.1.2/24 brlan
	ha_port "$SW" "$B" lan0 192.168.1.3/24 brlan
	ha_port "$SW" "$A" wan0 198.51.100.3/24 brwan
	ha_port "$SW" "$B" wan0 198.51.100.4/24 brwan
	ha_port "$SW" "$SRV" eth0 "$HA_SRV/24" brwan
	ns_link "$A" sync0 10.9.0.1/30 "$B" sync0 10.9.0.2/30
	for g in "$A" "$B"; do
		ns_sysctl "$g" net.ipv4.ip_forward=1
		# conntrackd does not replicate TCP window data (its
		# TCPWindowTracking Off): the taking-over gateway must not
		# judge segments by a window it never saw.  Loose pick-up
		# stays off: a mid-stream segment reaching B before the
		# commit must not make a new entry (with another port).
		ns_sysctl "$g" net.netfilter.nf_conntrack_tcp_be_liberal=1
		ns_sysctl "$g" net.netfilter.nf_conntrack_tcp_loose=0
		mkdir -p "$NS_TMP/$g"
		# The pair's firewall (not masqsh's: it only NATs) drops what
		# conntrack calls invalid.  Between taking the VIPs and the
		# commit (~0.2 s), a server's segment to the WAN VIP has no
		# entry on the new master: without this its own TCP stack
		# answers with a reset and the connection is lost (2 runs in
		# about 9 here); a client's segment would leave untranslated.
		ip netns exec "$g" nft -f - <<-'EOF' || die "nft in $g"
		table inet hapairfw {
			chain input { type filter hook input priority 0; ct state invalid drop; }
			chain forward { type filter hook forward priority 0; ct state invalid drop; }
		}
		EOF
	done
}

# ha_masqsh NS ARGS...: masqsh inside gateway NS with its own database.
ha_masqsh() {
	local ns=$1; shift
	ip netns exec "$ns" "$MASQSH" --db "$NS_TMP/$ns/masq.db" "$@"
}

# ha_configure NS ROLE PEER RULE: the pair's settings, the rule, apply,
# and the daemons' files under NS_TMP/NS.
ha_configure() {
	run ha_masqsh "$1" -c "ha sync dev sync0 peer $3" \
		-c "ha vip lan0 $HA_VIP_LAN/24" -c "ha vip wan0 $HA_VIP_WAN/24" \
		-c "ha role $2" -c "$4" -c apply -c "ha apply dir $NS_TMP/$1"
}

# ha_start_ctd NS: conntrackd in the foreground, pid in HA_CTD[NS].
ha_start_ctd() {
	local i=0
	ip netns exec "$1" conntrackd -C "$NS_TMP/$1/conntrackd.conf" \
		</dev/null >"$NS_TMP/$1/conntrackd.out" 2>&1 &
	HA_CTD[$1]=$!
	NS_PIDS+=("$!")
	while [ $((i += 1)) -le 100 ]; do
		ip netns exec "$1" conntrackd -C "$NS_TMP/$1/conntrackd.conf" \
			-s >/dev/null 2>&1 && return 0
		kill -0 "${HA_CTD[$1]}" 2>/dev/null || break
		sleep 0.05
	done
	die "conntrackd in $1 did not start: $(cat "$NS_TMP/$1/conntrackd.out" "$NS_TMP/$1/conntrackd.log" 2>/dev/null)"
}

# ha_start_ka NS: keepalived (VRRP only) in the foreground, pid in HA_KA.
ha_start_ka() {
	local d=$NS_TMP/$1
	ip netns exec "$1" keepalived -n -l -D -P -f "$d/keepalived.conf" \
		-p "$d/keepalived.pid" -r "$d/vrrp.pid" -c "$d/checkers.pid" \
		</dev/null >>"$d/keepalived.out" 2>&1 &
	HA_KA[$1]=$!
	NS_PIDS+=("$!")
}

# ha_stop_ka NS: SIGTERM, as `systemctl stop` does; wait for it.
ha_stop_ka() {
	kill -TERM "${HA_KA[$1]}" 2>/dev/null
	wait "${HA_KA[$1]}" 2>/dev/null
	HA_KA[$1]=""
}

# ha_holds NS: does NS hold both virtual addresses?
ha_holds() {
	ip -n "$1" -4 -o addr show dev lan0 | grep -q " $HA_VIP_LAN/" &&
		ip -n "$1" -4 -o addr show dev wan0 | grep -q " $HA_VIP_WAN/"
}

# ha_holds_none NS: neither virtual address is on NS.
ha_holds_none() {
	! ip -n "$1" -4 -o addr show | grep -qE " ($HA_VIP_LAN|$HA_VIP_WAN)/"
}

# ha_wait_master NS OTHER SECS: until NS holds both VIPs and OTHER none.
ha_wait_master() {
	local i=0 n=$(($3 * 10))
	while [ $((i += 1)) -le $n ]; do
		ha_holds "$1" && ha_holds_none "$2" && return 0
		sleep 0.1
	done
	return 1
}

now_ms() { date +%s%3N; }

# The flow's two ends.  The server logs each line it gets, with the time
# (ms) and the address and port it came from; the client sends a numbered
# line every 100 ms over one TCP connection and as one UDP datagram, and
# logs an error (a reset) and stops if the connection breaks.
# shellcheck disable=SC2016
HA_PY_SERVER='
import selectors, socket, sys, time
out = open(sys.argv[2], "a", buffering=1)
sel = selectors.DefaultSelector()
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((sys.argv[1], 7000)); t.listen(4)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind((sys.argv[1], 7001))
sel.register(t, selectors.EVENT_READ, "listen")
sel.register(u, selectors.EVENT_READ, "udp")
print("ready", flush=True)
bufs = {}
while True:
    for key, _ in sel.select():
        now = int(time.time() * 1000)
        if key.data == "listen":
            c, peer = t.accept()
            bufs[c] = (peer, b"")
            sel.register(c, selectors.EVENT_READ, "tcp")
        elif key.data == "udp":
            d, peer = u.recvfrom(2048)
            out.write("udp %d %s %d %s\n" % (now, peer[0], peer[1], d.decode().strip()))
        else:
            c = key.fileobj
            peer, buf = bufs[c]
            try:
                d = c.recv(4096)
            except OSError as e:
                d = None
                out.write("tcp-error %d %s %d %s\n" % (now, peer[0], peer[1], e))
            if not d:
                out.write("tcp-end %d %s %d\n" % (now, peer[0], peer[1]))
                sel.unregister(c); c.close(); continue
            buf += d
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                out.write("tcp %d %s %d %s\n" % (now, peer[0], peer[1], line.decode()))
            bufs[c] = (peer, buf)
'
# shellcheck disable=SC2016
HA_PY_CLIENT='
import socket, sys, time
t = socket.create_connection((sys.argv[1], 7000), timeout=5)
t.settimeout(None)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect((sys.argv[1], 7001))
print("connected", flush=True)
n = 0
while True:
    n += 1
    try:
        t.sendall(b"%d\n" % n)
    except OSError as e:
        print("tcp error after %d: %s" % (n, e), flush=True); sys.exit(1)
    try:
        u.send(b"%d\n" % n)
    except OSError:
        pass
    time.sleep(0.1)
'

# ha_flows_start: the server in SRV and the client in C.
ha_flows_start() {
	local i=0
	HA_LOG=$NS_TMP/server.log
	: >"$HA_LOG"
	ip netns exec "$SRV" "$NS_PY" -c "$HA_PY_SERVER" "$HA_SRV" "$HA_LOG" \
		</dev/null >"$NS_TMP/server.out" 2>&1 &
	NS_PIDS+=("$!")
	while ! grep -qs ready "$NS_TMP/server.out"; do
		[ $((i += 1)) -le 100 ] || die "server: $(cat "$NS_TMP/server.out")"
		sleep 0.05
	done
	ip netns exec "$C" "$NS_PY" -c "$HA_PY_CLIENT" "$HA_SRV" \
		</dev/null >"$NS_TMP/client.out" 2>&1 &
	# shellcheck disable=SC2034 # the tests check it is alive
	HA_CLIENT=$!
	NS_PIDS+=("$!")
	i=0
	while ! grep -qs connected "$NS_TMP/client.out"; do
		[ $((i += 1)) -le 100 ] || die "client: $(cat "$NS_TMP/client.out")"
		sleep 0.05
	done
}

# ha_window PROTO T0 T1: over the server's lines of PROTO received in
# [T0, T1] ms: "PEERS MAXGAP FIRSTSEQ LASTSEQ MISSING" -- the distinct
# "addr:port" it came from (comma-separated), the longest time without a
# line (ms, counting from T0), and for TCP the sequence numbers missing
# in between (must be 0: one stream, nothing lost or reset).
ha_window() {
	awk -v p="$1" -v t0="$2" -v t1="$3" '
	$1 == p && $2 >= t0 && $2 <= t1 {
		peer = $3 ":" $4
		if (!(peer in seen)) { seen[peer] = 1; peers = peers (peers ? "," : "") peer }
		gap = $2 - (last ? last : t0); if (gap > max) max = gap
		last = $2
		if (first == "") first = $5
		if (prev != "" && $5 != prev + 1) miss += $5 - prev - 1
		prev = $5
	}
	END { if (last) { gap = t1 - last; if (gap > max) max = gap }
	      printf "%s %d %s %s %d\n", peers ? peers : "-", max, first, prev, miss }
	' "$HA_LOG"
}

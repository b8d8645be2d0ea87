#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 270: conntrack helpers.  `helper add ftp` puts a ct helper object and a
# prerouting rule in our table (show compiled = nft list table); an FTP
# control connection from the LAN through the masquerade gets helper=ftp
# and its PORT command opens an expectation, while other connections get
# no helper.  The diag check 'helpers' warns with the masqsh fix before,
# says 'apply' while the helper is only staged, and passes after.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup

# A minimal FTP server: a banner, then "200" to every line.
FTP_SRV='
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 21)); s.listen(8)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(10)
    try:
        c.sendall(b"220 masqsh test\r\n")
        f = c.makefile("rb")
        for line in f:
            c.sendall(b"200 ok\r\n")
    except OSError:
        pass
    c.close()
'
# The client: banner, PORT (active FTP), then hold the connection open.
FTP_CLI='
import socket, time
c = socket.create_connection(("192.0.2.10", 21), timeout=5)
c.recv(100)
# the helper reads commands that start right after a newline it has
# seen, so (as every real client does) something comes before PORT
c.sendall(b"USER anonymous\r\n")
c.recv(100)
c.sendall(b"PORT 192,168,1,10,39,16\r\n")
print(c.recv(100).decode().strip(), flush=True)
time.sleep(4)
'
ip netns exec "$SRV" "$NS_PY" -c "$FTP_SRV" >"$NS_TMP/ftpsrv" 2>&1 &
NS_PIDS+=("$!")
for _ in $(seq 50); do grep -q ready "$NS_TMP/ftpsrv" && break; sleep 0.1; done
grep -q ready "$NS_TMP/ftpsrv" ||
	fail "the FTP server did not start: $(cat "$NS_TMP/ftpsrv")"

status() {
	gw_masqsh -j diag helpers 2>/dev/null | "$NS_PY" -c '
import json, sys
r = json.load(sys.stdin)[0]
print(r["status"], "|", r.get("fix") or "")'
}

run gw_masqsh -c 'masq add out wan0 from 192.168.1.0/24' -c apply
got=$(status); echo "diag helpers before: $got"
assert_match "no helper: warn, fix 'helper add ftp'" '^warn \| helper add ftp' "$got"

run gw_masqsh -c 'helper add ftp' -c 'helper add irc ports 6667,6697' -c 'helper list'
got=$(status); echo "diag helpers staged: $got"
assert_match "staged only: fix 'apply'" '^warn \| apply' "$got"

run gw_masqsh -c apply
assert_compiled_in_kernel
assert_eq "diff in sync" "in sync" "$(gw_masqsh -c diff 2>&1 | head -1)"
got=$(status); echo "diag helpers applied: $got"
assert_match "applied: pass" '^pass' "$got"

ct_flush
ip netns exec "$C1" "$NS_PY" -c "$FTP_CLI" >"$NS_TMP/ftpcli" 2>&1 &
cli=$!
NS_PIDS+=("$cli")
sleep 1.5
ctl=$(ip netns exec "$GW" conntrack -L -p tcp --dport 21 2>/dev/null)
echo "$ctl"
assert_match "control connection has helper=ftp" 'helper=ftp' "$ctl"
for _ in $(seq 30); do
	exp=$(ip netns exec "$GW" conntrack -L expect 2>&1)
	case $exp in *198.51.100.2*) break ;; esac
	sleep 0.1
done
echo "expectations: $exp"
echo "client: $(cat "$NS_TMP/ftpcli")"
assert_match "PORT opened an expectation to the masqueraded address" \
	'198\.51\.100\.2' "$exp"
wait "$cli" 2>/dev/null
assert_eq "server answered the PORT command" "200 ok" "$(cat "$NS_TMP/ftpcli")"

req "$C1" tcp 192.0.2.10 80 >/dev/null
other=$(ip netns exec "$GW" conntrack -L -p tcp --dport 80 2>/dev/null)
echo "$other"
case $other in
*helper=*) fail "port 80 connection got a helper" ;;
esac
echo "ok: port 80 connection has no helper"

run gw_masqsh -c 'helper del ftp' -c 'helper del irc' -c apply
if gw_nft list table ip masqsh | grep -q 'ct helper'; then
	fail "helper objects left after 'helper del' + apply"
fi
echo "ok: helpers gone after del + apply"

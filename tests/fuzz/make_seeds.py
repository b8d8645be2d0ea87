#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tests/fuzz/make_seeds.py - write the seed corpora of tests/fuzz from the
tests: the rules, filters, scripts and files the unit and CLI tests use.
Run from the top of the source tree; files are named by the SHA-1 of their
content, as libFuzzer names what it finds, so rerunning adds nothing twice.
A target's own regression inputs live in tests/fuzz/regress/, not here."""
import glob
import hashlib
import os
import re
import struct
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(TOP, "tests", "fuzz", "corpus")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def c_strings(path):
    """The string literals of a C file, unescaped (\\" \\\\ \\n \\t \\r)."""
    text = read(path).decode("utf-8", "replace")
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        yield (m.group(1).replace('\\"', '"').replace("\\n", "\n")
               .replace("\\t", "\t").replace("\\r", "\r")
               .replace("\\\\", "\\"))


def script_lines():
    for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "*.msh"))):
        for line in read(p).decode("utf-8", "replace").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                yield line


def rule_seeds():
    lines = list(script_lines())
    for p in sorted(glob.glob(os.path.join(TOP, "tests", "netns", "*.sh"))):
        for m in re.finditer(r"(masq add|forward add|helper add|timeouts set|clamp mss) ([^'\"\n]*)",
                             read(p).decode("utf-8", "replace")):
            lines.append(m.group(0))
    masq = []
    for line in lines:
        for prefix, form in (("masq add ", 0), ("forward add ", 2),
                             ("timeouts set ", 4)):
            if line.startswith(prefix):
                words = line[len(prefix):]
                words = re.sub(r"^at [0-9]+ ", "", words)
                put("fuzz_rule", bytes([form]) + words.encode())
                if form == 0:
                    masq.append(line)
        if line.startswith("helper add "):
            w = line.split()[2:]
            txt = w[0] + ("=" + w[2] if len(w) > 2 and w[1] == "ports" else "")
            put("fuzz_rule", b"\x03" + txt.encode())
        if line.startswith("clamp mss "):
            w = line.split()[2:]
            out = w[2] if len(w) > 2 and w[1] == "out" else ""
            put("fuzz_rule", b"\x05" + (w[0] + "\n" + out).encode())
    put("fuzz_rule", b"\x03ftp=21,2121 tftp=69 irc")
    for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "data", "*.masq"))):
        for line in read(p).splitlines():
            put("fuzz_rule", b"\x01" + line)
    for i in range(0, len(masq), 4):
        put("fuzz_rule", b"\x06" + "\n".join(masq[i:i + 4]).encode())


def filter_seeds():
    # The entry header of fuzz_filter.c's entry_from(): a zeroed entry,
    # and a TCP/IPv4 SNAT'ed one 10.0.0.2:40000 -> 192.0.2.1:80.
    zero = bytes(64)
    tcp = bytearray(64)
    tcp[0], tcp[1], tcp[2], tcp[3] = 0, 6, 3, 1
    struct.pack_into("<III", tcp, 4, 0x1e, 300, 0)
    struct.pack_into("<Q", tcp, 16, 1)
    tcp[24:28] = bytes([10, 0, 0, 2])
    tcp[40:44] = bytes([192, 0, 2, 1])
    struct.pack_into(">HHHH", tcp, 56, 40000, 80, 40000, 0)
    texts = set()
    for s in c_strings(os.path.join(TOP, "tests", "unit", "check_filter.c")):
        if len(s) < 200:
            texts.add(s)
    for line in script_lines():
        for cmd in ("show conntrack ", "kill ", "watch "):
            if line.startswith(cmd):
                texts.add(line[len(cmd):])
    for t in sorted(texts):
        put("fuzz_filter", zero + t.encode())
        put("fuzz_filter", bytes(tcp) + t.encode())


def crlf_seeds():
    put("fuzz_crlf", b"#!/bin/sh\r\niptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\r\n")
    put("fuzz_crlf", b"#!/bin/sh\nip=\xc2\xa0192.168.1.1\n\xef\xbb\xbfecho \xe2\x80\x9cq\xe2\x80\x9d\r")
    put("fuzz_crlf", b"a\rb\r\r\nc\xff\xfe\xc3")
    for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "data", "*"))):
        put("fuzz_crlf", read(p))


def redact_seeds():
    for t in c_strings(os.path.join(TOP, "tests", "unit", "check_report.c")):
        if len(t) > 3:
            put("fuzz_redact", t)
    put("fuzz_redact", "masq add out eth0 from 10.0.0.0/8 comment 'gw7.example.net "
        "aa-bb-cc-dd-ee-ff 2001:db8::1'\nlink/ether 02:00:5e:10:00:01 "
        "inet 192.0.2.7/24\n{\"comment\":\"GW7.Example.NET\"}")


def hist_seeds():
    """Byte 0: the cap (low 3 bits) and a symbolic link (bit 7); then the
    history file: the CLI transcripts' commands, and odd line ends."""
    for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "*.msh")))[:6]:
        put("fuzz_hist", bytes([3]) + read(p))
    put("fuzz_hist", bytes([1]) + b"show masq\n\nmasq list\x00junk\nlast")
    put("fuzz_hist", bytes([0x82]) + b"apply\n")
    put("fuzz_hist", bytes([7]) + b"\n\n\n\x1b[2Jclear\r\n")


def cli_seeds():
    for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "*.msh"))):
        lines = [l for l in read(p).decode("utf-8", "replace").splitlines()
                 if l.strip() and not l.startswith("#")]
        for i in range(0, len(lines), 8):
            chunk = "\n".join(lines[i:i + 8]).encode()
            put("fuzz_cli", b"\x00" + chunk)
            put("fuzz_cli", b"\x01" + chunk)


def ct_dump_datagrams():
    """A conntrack dump of the current network namespace, as the raw
    datagrams the kernel sends (needs CAP_NET_ADMIN)."""
    import socket
    NETLINK_NETFILTER = 12
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.bind((0, 0))
    # nlmsghdr + nfgenmsg: IPCTNL_MSG_CT_GET of CTNETLINK (1 << 8 | 1),
    # NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC
    msg = struct.pack("=IHHII", 20, (1 << 8) | 1, 0x1 | 0x300, 1, 0)
    msg += struct.pack("=BBH", 0, 0, 0)
    s.send(msg)
    out = []
    while True:
        d = s.recv(65536)
        out.append(d)
        if struct.unpack_from("=H", d, 4)[0] in (2, 3):  # ERROR, DONE
            break
    s.close()
    return out


def ct_seeds():
    """Real ctnetlink bytes: run as root inside a scratch namespace with a
    few entries (see tests/fuzz/README.md: `make_seeds.py ct` does it)."""
    for d in ct_dump_datagrams():
        put("fuzz_ct", b"\x00" + d)
        put("fuzz_ct", b"\x01" + d)
        off = 0
        while off + 16 <= len(d):
            n = struct.unpack_from("=I", d, off)[0]
            if n < 16:
                break
            put("fuzz_ct", b"\x01" + d[off:off + n])
            off += (n + 3) & ~3


def import_seeds():
    for ext in ("*.masq", "*.snat"):
        for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "data", ext))):
            put("fuzz_import", read(p))
    put("fuzz_import", b"#INTERFACE SOURCE ADDRESS PROTO PORT(S)\n"
        b"COMMENT office\neth0 192.168.1.0/24 203.0.113.5 tcp 25,587\n"
        b"COMMENT\n+ppp0:192.0.2.7 10.0.0.0/8,!10.1.0.0/16\n"
        b"eth1 fd00::/64 2001:db8::1 udp 53 - 0x10 root:wheel\n")
    put("fuzz_import", b"?FORMAT 2\n?COMMENT office\n"
        b"MASQUERADE+(1024-2000:random) 10.0.0.0/8!10.0.0.7-10.0.0.9 eth0:0 "
        b"tcp 80:90 - yes !1/1:C root:wheel\n?COMMENT\n"
        b"SNAT([2001:db8::1]:10-20:persistent) fd00::-fd00::ff eth1:::/0\n"
        b"CONTINUE eth2:!192.168.1.4 eth0::198.51.100.0/24\n")


def ipt_seeds():
    for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "data", "ipt", "*.rules"))):
        put("fuzz_import_ipt", read(p))


def ipt_real_seeds():
    """Real iptables-save / ip6tables-save output (root): the rule files
    of tests/cli/data/ipt that the tools accept, loaded into a scratch
    network namespace and dumped again -- never the host's ruleset."""
    import subprocess
    ns = "masqsh-seed-ipt-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for p in sorted(glob.glob(os.path.join(TOP, "tests", "cli", "data", "ipt", "*.rules"))):
            v6 = b"ip6tables-save" in read(p)
            tool = "ip6tables" if v6 else "iptables"
            r = subprocess.run(["ip", "netns", "exec", ns, tool + "-restore", p],
                               capture_output=True)
            if r.returncode != 0:
                continue        # a file only masqsh refuses is no dump
            for c in ([], ["-c"]):
                out = subprocess.run(["ip", "netns", "exec", ns, tool + "-save"] + c,
                                     capture_output=True, check=True).stdout
                put("fuzz_import_ipt", out)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def store_seeds(masqsh):
    """Databases masqsh itself wrote: rules, forwards, settings, and (when
    root, in a scratch namespace) applied revisions."""
    import subprocess
    import tempfile
    scripts = [
        ["masq add out eth0 from 192.168.1.0/24"],
        ["masq add out eth0 from 10.0.0.0/8 snat 203.0.113.5 proto tcp "
         "dport 25 comment 'mail'",
         "forward add in eth0 proto tcp dport 8080 to 192.168.1.10:80",
         "helper add ftp", "clamp mss pmtu out ppp+",
         "timeouts set tcp-established 3600"],
        ["masq add out ppp+ from 10.1.0.0/16 proto udp ports 20000-20999 "
         "random timeout udp-stream=30", "apply", "masq del 1",
         "masq add out eth1 from fd00::/64", "apply"],
    ]
    for cmds in scripts:
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "masq.db")
            args = [masqsh, "--db", db, "--keep-going"]
            for c in cmds:
                args += ["-c", c]
            subprocess.run(args, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            # one file: the WAL checkpointed into it
            subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE);"],
                           stdout=subprocess.DEVNULL, check=False)
            put("fuzz_store", read(db))


def nl_dump(proto, msg):
    """Send the dump request @msg on a raw AF_NETLINK socket of @proto and
    return the datagrams of the answer, up to NLMSG_DONE or an error."""
    import socket
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    s.bind((0, 0))
    s.send(msg)
    out = []
    done = False
    while not done:
        d = s.recv(1 << 20)
        out.append(d)
        off = 0
        while off + 16 <= len(d):
            n, t = struct.unpack_from("=IH", d, off)
            if t in (2, 3) or n < 16:  # ERROR, DONE
                done = True
                break
            off += (n + 3) & ~3
    s.close()
    return out


def nl_msgs(datagrams):
    """The messages of @datagrams, but NLMSG_DONE and NLMSG_ERROR."""
    out = []
    for d in datagrams:
        off = 0
        while off + 16 <= len(d):
            n, t = struct.unpack_from("=IH", d, off)
            if n < 16:
                break
            if t not in (2, 3):
                out.append(d[off:off + n] + bytes(((n + 3) & ~3) - n))
            off += (n + 3) & ~3
    return out


# NFNL_SUBSYS_NFTABLES and the dumps nft_read.c and nft_ruleset.c ask for
NFT_SUBSYS = 10
NFT_GETS = (("table", 1), ("chain", 4), ("rule", 7), ("set", 10),
            ("obj", 19))


def nft_dump(msg_type, family=0):
    # nlmsghdr + nfgenmsg (family, NFNETLINK_V0, res_id 0),
    # NLM_F_REQUEST | NLM_F_DUMP
    msg = struct.pack("=IHHII", 20, (NFT_SUBSYS << 8) | msg_type,
                      0x1 | 0x300, 1, 0)
    msg += struct.pack("=BBH", family, 0, 0)
    return nl_dump(12, msg)  # NETLINK_NETFILTER


def nl_attrs(m, off=20):
    """The attributes of message @m after its headers: {type: payload}."""
    out = {}
    while off + 4 <= len(m):
        n, t = struct.unpack_from("=HH", m, off)
        if n < 4:
            break
        out[t & 0x3fff] = m[off + 4:off + n]
        off += (n + 3) & ~3
    return out


def nl_strz(t, s):
    a = s + b"\0"
    return struct.pack("=HH", 4 + len(a), t) + a + bytes(-len(a) % 4)


def nft_setelem_dumps(set_msgs):
    """The elements of each set of @set_msgs (NEWSET messages): one
    NFT_MSG_GETSETELEM dump per set, as nft_read.c asks (by table and set
    name: NFTA_SET_ELEM_LIST_TABLE, _SET)."""
    grams = []
    for m in set_msgs:
        a = nl_attrs(m)
        if 1 not in a or 2 not in a:
            continue
        body = struct.pack("=BBH", m[16], 0, 0)
        body += nl_strz(1, a[1].rstrip(b"\0"))
        body += nl_strz(2, a[2].rstrip(b"\0"))
        msg = struct.pack("=IHHII", 16 + len(body), (NFT_SUBSYS << 8) | 13,
                          0x1 | 0x300, 1, 0) + body
        grams.extend(nl_dump(12, msg))
    return grams


def nft_seeds():
    """Real nfnetlink bytes of the ruleset of this namespace (needs
    CAP_NET_ADMIN; run inside a scratch namespace where masqsh applied a
    ruleset).  Each dump's datagrams as they came, every message alone,
    and the table, chain, rule, object, set and set element messages of
    each family concatenated (the read-back's whole input), with first
    bytes 0-3 (family ip/ip6, counters).  The committed seeds come from:

      ns=fz$$; ip netns add $ns; trap "ip netns del $ns" EXIT
      ip netns exec $ns sh -c '
        ip link set lo up; ip link add v0 type veth peer name v1
        ip addr add 192.168.7.1/24 dev v0
        ip addr add 192.168.7.9/24 dev v0 label v0:sec
        ip -6 addr add fd00::1/64 dev v0; ip link set v0 up; ip link set v1 up
        ip route add 198.51.100.0/24 via 192.168.7.2 dev v0 onlink
        ip -6 route add 2001:db8:1::/48 via fd00::2 dev v0
        ip rule add from 10.9.0.0/16 lookup 100 prio 100
        ip route add blackhole 203.0.113.0/24
        nft -f OTHER.nft     # another owner's table: inet fzother with a
                             # set, a ct helper, filter/snat/dnat chains
        MASQSH_DB=$tmp/db ./_build/masqsh \\
          -c "masq add out v0 from 192.168.7.0/24" \\
          -c "masq add out v0 from 192.168.7.0/24 proto udp dport 53 timeout udp-stream=30s,udp-unreplied=10" \\
          -c "masq add out v0 from fd00::/64" \\
          -c "masq add out v0 from 10.0.0.0/9,10.128.0.0/9,192.168.8.1 except 10.1.0.0/16,10.2.0.0/16 proto tcp,udp dport 22,80,1000-2000" \\
          -c "masq add out v0 from fd00:1::/64,fd00:2::1 proto !tcp,udp" \\
          -c "forward add in v0 dport 53,5353 to 192.168.7.6 from 198.51.100.0/25,198.51.100.128/26" \\
          -c "forward add in v0 proto tcp dport 8080 to 192.168.7.5:80" \\
          -c "helper add ftp" -c "helper add irc ports 6667,6697" \\
          -c "timeouts set tcp-established 2h" -c "clamp mss 1400 out v0" \\
          -c apply
        python3 tests/fuzz/make_seeds.py nft
        python3 tests/fuzz/make_seeds.py rtnl'
    """
    dumps = {name: nft_dump(t) for name, t in NFT_GETS}
    dumps["setelem"] = nft_setelem_dumps(nl_msgs(dumps["set"]))
    for name, grams in dumps.items():
        for d in grams:
            put("fuzz_nft_read", b"\x00" + d)
            put("fuzz_nft_read", b"\x01" + d)
        for m in nl_msgs(grams):
            put("fuzz_nft_read", bytes([m[16] == 10]) + m)
    for fam, first in ((2, 0), (10, 1)):
        msgs = [m for name in [n for n, _ in NFT_GETS] + ["setelem"]
                for m in nl_msgs(dumps[name]) if m[16] == fam]
        if msgs:
            put("fuzz_nft_read", bytes([first]) + b"".join(msgs))
            put("fuzz_nft_read", bytes([first | 2]) + b"".join(msgs))


def rtnl_seeds():
    """Real rtnetlink bytes: the links, addresses, routes and policy rules
    of this namespace (run inside a scratch namespace, see nft_seeds()),
    each dump with first bytes 0 (IPv4), 1 (IPv6) and 2 (AF_UNSPEC),
    every message alone too, and a route lookup's answer."""
    import socket
    NETLINK_ROUTE = 0
    seeds = []
    # RTM_GETLINK/ifinfomsg, RTM_GETADDR/ifaddrmsg, RTM_GETROUTE/rtmsg,
    # RTM_GETRULE/fib_rule_hdr (rtmsg-sized)
    for t, hdr in ((18, 16), (22, 8), (26, 12), (34, 12)):
        for fam in (0, 2, 10):
            if t == 18 and fam:
                continue
            msg = struct.pack("=IHHII", 16 + hdr, t, 0x1 | 0x300, 1, 0)
            msg += bytes([fam]) + bytes(hdr - 1)
            seeds.extend(nl_dump(NETLINK_ROUTE, msg))
    # RTM_GETROUTE for 198.51.100.7 (a route lookup: links_path_parse)
    attr = struct.pack("=HH", 8, 1) + socket.inet_aton("198.51.100.7")
    msg = struct.pack("=IHHII", 16 + 12 + 8, 26, 0x1 | 0x4, 1, 0)  # ACK
    msg += struct.pack("=BBBBBBBBI", 2, 32, 0, 0, 0, 0, 0, 0, 0) + attr
    seeds.extend(nl_dump(NETLINK_ROUTE, msg))
    for d in seeds:
        for first in (0, 1, 2):
            put("fuzz_rtnl", bytes([first]) + d)
    for m in nl_msgs(seeds):
        put("fuzz_rtnl", bytes([1 if m[16] == 10 else 0]) + m)


def main():
    if sys.argv[1:] == ["ct"]:
        ct_seeds()
        return
    if sys.argv[1:2] == ["store"] and len(sys.argv) == 3:
        store_seeds(sys.argv[2])
        return
    if sys.argv[1:] == ["nft"]:
        nft_seeds()
        return
    if sys.argv[1:] == ["rtnl"]:
        rtnl_seeds()
        return
    if sys.argv[1:] == ["ipt"]:
        ipt_real_seeds()
        return
    rule_seeds()
    filter_seeds()
    crlf_seeds()
    cli_seeds()
    import_seeds()
    ipt_seeds()
    redact_seeds()
    hist_seeds()


if __name__ == "__main__":
    main()

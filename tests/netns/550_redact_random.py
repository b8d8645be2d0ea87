# SPDX-License-Identifier: GPL-3.0-or-later
"""550_redact_random.py - the generator and checker of 550_redact_random.sh.

  gen SEED DIR    write DIR/ip.batch, rules.msh, ct.args, hostname and
                  values.json (every value, what was created)
  check SEED DIR  read DIR/plain.txt, red.txt, plain.json, red.json and
                  check them against values.json

Values come only from 10/8, 192.168/16, fd00::/8, 192.0.2/24,
198.51.100/24, 203.0.113/24 and 2001:db8::/32.  A host address never
ends in .0 or .255 (those keep their last octet on purpose).
"""
import ipaddress
import json
import random
import re
import sys

NVALUES = 1000
NIF = 20
V4_BLOCKS = [("10.0.0.0/8", 40), ("192.168.0.0/16", 30),
             ("192.0.2.0/24", 10), ("198.51.100.0/24", 10),
             ("203.0.113.0/24", 10)]
V6_BLOCKS = ["fd00::/8", "2001:db8::/32"]
WORDS = ["alpha", "bravo", "nas", "printer", "cam", "office", "lab", "db",
         "mail", "vpn", "core", "edge", "srv", "ws", "kiosk", "pbx"]
DOMAINS = ["example.net", "corp.example.com", "home.arpa", "lan.example.org"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seen = set()
        self.values = []        # (kind, canonical text)

    def _new(self, kind, v):
        if v in self.seen:
            return None
        self.seen.add(v)
        self.values.append((kind, v))
        return v

    def v4_in(self, net):
        net = ipaddress.ip_network(net)
        while True:
            a = net[self.r.randrange(net.num_addresses)]
            if a.packed[3] in (0, 255):
                continue
            if self._new("v4", str(a)):
                return str(a)

    def v4(self):
        blocks = [b for b, _ in V4_BLOCKS]
        weights = [w for _, w in V4_BLOCKS]
        return self.v4_in(self.r.choices(blocks, weights)[0])

    def v6_in(self, net):
        net = ipaddress.ip_network(net)
        while True:
            a = net[self.r.randrange(net.num_addresses)]
            if int(a) & (2**64 - 1) == 0:
                continue
            if self._new("v6", a.compressed):
                return a.compressed

    def v6(self):
        return self.v6_in(self.r.choice(V6_BLOCKS))

    def mac(self):
        while True:
            b = [self.r.randrange(256) for _ in range(6)]
            b[0] = (b[0] & 0xfc) | self.r.choice([0, 2])  # unicast
            m = ":".join("%02x" % x for x in b)
            if self._new("mac", m):
                return m

    def host(self):
        while True:
            lab = "%s%d-%s" % (self.r.choice(WORDS), self.r.randrange(1000),
                               "".join(self.r.choice("abcdefghjkmnpqrstuvwxyz")
                                       for _ in range(4)))
            h = "%s.%s" % (lab, self.r.choice(DOMAINS))
            if self._new("host", h):
                return h


def gen(seed, d):
    g = Gen(seed)
    ipb, rules, ct = [], [], []
    made = {"links": [], "routes": 0, "routes6": 0, "rules": 0,
            "forwards": 0, "ct": 0}
    nodename = g.host()
    ifs = []
    ifmac = {}
    masq_hosts = []
    for i in range(NIF):
        name = "rd%d" % i
        peer = "rp%d" % i
        m1, m2 = g.mac(), g.mac()
        ifmac[name] = m1
        ipb.append("link add %s address %s type veth peer name %s address %s"
                   % (name, m1, peer, m2))
        ipb.append("link set %s alias %s" % (name, g.host()))
        a4 = [g.v4() for _ in range(3)]
        a6 = [g.v6() for _ in range(2)]
        for a in a4:
            ipb.append("addr add %s/24 dev %s" % (a, name))
        for a in a6:
            ipb.append("addr add %s/64 dev %s nodad" % (a, name))
        ipb.append("link set %s up" % name)
        ipb.append("link set %s up" % peer)
        made["links"] += [name, peer]
        ifs.append((name, a4, a6))
    # a gateway on each interface's first /24 and /64
    gws = []
    for name, a4, a6 in ifs:
        n4 = ipaddress.ip_network(a4[0] + "/24", strict=False)
        n6 = ipaddress.ip_network(a6[0] + "/64", strict=False)
        gws.append((name, g.v4_in(n4), g.v6_in(n6)))
    for k in range(80):
        name, gw4, _ = gws[k % NIF]
        if k % 4 == 3:
            ipb.append("route add %s/32 dev %s" % (g.v4(), name))
        else:
            ipb.append("route add %s/32 via %s dev %s" % (g.v4(), gw4, name))
        made["routes"] += 1
    for k in range(40):
        name, _, gw6 = gws[k % NIF]
        if k % 4 == 3:
            ipb.append("route add %s/128 dev %s" % (g.v6(), name))
        else:
            ipb.append("route add %s/128 via %s dev %s"
                       % (g.v6(), gw6, name))
        made["routes6"] += 1
    for k in range(80):
        name = ifs[k % NIF][0]
        # comments are at most 100 characters: a v6 or a host name
        # and the values of an interface again, in other spellings
        iname, i4, i6 = ifs[(k * 7) % NIF]
        i6 = ipaddress.ip_address(i6[k % 2])
        if k % 2:
            masq_hosts.append(g.host())
        if k % 4 == 1:
            c = "%s %s %s" % (masq_hosts[-1], g.v4(), g.mac().upper())
        elif k % 4 == 3:
            c = "%s %s %s" % (masq_hosts[-1], i4[1], ifmac[iname].upper())
        elif k % 8 == 0:
            c = "%s,%s,%s" % (g.v6(), g.v4(), g.mac())
        elif k % 8 == 2:
            c = "%s,%s" % (i6.exploded, ifmac[iname].replace(":", "-"))
        elif k % 8 == 4:
            c = "%s,%s" % (i6.compressed.upper(), g.v4())
        else:
            c = "%s,%s" % (i6.exploded.upper(), g.mac().upper())
        rules.append("masq add out %s from %s/32 snat %s comment '%s'"
                     % (name, g.v4(), g.v4(), c))
        made["rules"] += 1
    for k in range(40):
        name = ifs[k % NIF][0]
        # and a host name of a masq comment again, upper case
        c = "%s (%s) %s" % (g.host(), g.mac().replace(":", "-"),
                            masq_hosts[k % len(masq_hosts)].upper())
        rules.append("forward add in %s proto tcp dport %d to %s comment '%s'"
                     % (name, 1000 + k, g.v4(), c))
        made["forwards"] += 1
    k = 0
    while len(g.values) < NVALUES - 3:
        src, dst, nat = g.v4(), g.v4(), g.v4()
        ct.append("-p tcp -s %s -d %s --sport %d --dport 80 --state "
                  "ESTABLISHED -u ASSURED -t 600 --src-nat %s"
                  % (src, dst, 20000 + k, nat))
        k += 1
        made["ct"] += 1
    while len(g.values) < NVALUES:
        g.host()        # in no report: the count is exact
    assert len(g.values) == NVALUES
    open(d + "/ip.batch", "w").write("\n".join(ipb) + "\n")
    open(d + "/rules.msh", "w").write("\n".join(rules) + "\n")
    open(d + "/ct.args", "w").write("\n".join(ct) + "\n")
    open(d + "/hostname", "w").write(nodename + "\n")
    json.dump({"values": g.values, "made": made, "nodename": nodename},
              open(d + "/values.json", "w"))
    print("generated %d values: %s" % (len(g.values), ", ".join(
        "%d %s" % (sum(1 for k, _ in g.values if k == t), t)
        for t in ("v4", "v6", "mac", "host"))))


def spellings(kind, v):
    if kind == "v4":
        return [v]
    if kind == "v6":
        a = ipaddress.ip_address(v)
        return sorted({a.compressed, a.exploded, a.compressed.upper(),
                       a.exploded.upper()})
    if kind == "mac":
        return sorted({v, v.upper(), v.replace(":", "-"),
                       v.upper().replace(":", "-")})
    return [v, v.upper(), v.split(".")[0]]


def found(text, s, kind):
    """Is @s in @text as a token of its own (case-insensitive for names)?"""
    flags = re.I if kind in ("host", "mac") else 0
    pat = r"(?<![0-9A-Za-z.:_-])" + re.escape(s) + r"(?![0-9A-Za-z_:-]|\.\d)"
    return re.search(pat, text, flags) is not None


def norm(kind, s):
    if kind == "v6":
        return ipaddress.ip_address(s).compressed
    if kind == "mac":
        return s.lower().replace("-", ":")
    return s.lower()


SEP = re.compile(r"""([\s'"=,\[\]{}()]+|\\[nt"])""")


def align(plain, red, values, what):
    """Map each value to its replacement by lining the reports up: the
    words around the values must be the same, a value in any spelling
    (a comment may hold an expanded or upper-case IPv6 address, a MAC
    with '-') is the same value."""
    errs = []
    value_of = {}
    for k, v in values:
        for sp in spellings(k, v)[:None if k != "host" else 2]:
            value_of[sp.lower()] = (k, norm(k, v))
    alt = re.compile("|".join(
        r"(?<![0-9A-Za-z.:_-])(%s)(?![0-9A-Za-z_:-]|\.\d)" % re.escape(sp)
        for sp in sorted(value_of, key=lambda x: -len(x))), re.I)
    pl, rl = plain.split("\n"), red.split("\n")
    if len(pl) != len(rl):
        errs.append("%s: %d lines, redacted %d" % (what, len(pl), len(rl)))
        return {}, errs
    fwd = {}
    for i, (a, b) in enumerate(zip(pl, rl)):
        if not alt.search(a):
            continue
        wa, wb = SEP.split(a), SEP.split(b)
        if len(wa) != len(wb):
            errs.append("%s line %d: words differ:\n  %s\n  %s"
                        % (what, i + 1, a, b))
            continue
        for x, y in zip(wa, wb):
            hits = list(alt.finditer(x))
            if not hits:
                continue
            pat, pos, keys = "", 0, []
            for m in hits:
                pat += re.escape(x[pos:m.start()]) + "(.+?)"
                pos = m.end()
                keys.append(value_of[m.group(0).lower()])
            pat += re.escape(x[pos:]) + "$"
            mm = re.match(pat, y)
            if not mm:
                errs.append("%s line %d: %r became %r" % (what, i + 1, x, y))
                continue
            for key, rep in zip(keys, mm.groups()):
                try:
                    rep = norm(key[0], rep)
                except ValueError:
                    errs.append("%s line %d: %s %s became %r, not an address"
                                % (what, i + 1, key[0], key[1], rep))
                fwd.setdefault(key, set()).add(rep)
    return fwd, errs


def check(seed, d):
    info = json.load(open(d + "/values.json"))
    values = [tuple(x) for x in info["values"]]
    made = info["made"]
    plain = open(d + "/plain.txt").read()
    red = open(d + "/red.txt").read()
    pj = open(d + "/plain.json").read()
    rj = open(d + "/red.json").read()
    errs = []
    inplain = [(k, v) for k, v in values
               if any(found(plain + pj, s, k) for s in spellings(k, v))]
    print("%d of %d values are in the plain report" % (len(inplain),
                                                       len(values)))
    leaks = []
    for k, v in inplain:
        for s in spellings(k, v):
            for name, t in (("text", red), ("json", rj)):
                if found(t, s, k) and not any(
                        x.startswith("%s %s survived in the %s" % (k, v, name))
                        for x in leaks[-8:]):
                    leaks.append("%s %s survived in the %s report as %s"
                                 % (k, v, name, s))
    # the first line holds the time, drop it
    fwd = {}
    for what, a, b in (("text", plain, red), ("json", pj, rj)):
        if what == "text":
            a, b = a.split("\n", 1)[1], b.split("\n", 1)[1]
        else:
            a = re.sub(r'"time":"[^"]*"', "", a)
            b = re.sub(r'"time":"[^"]*"', "", b)
            a = a.replace(',"', ',\n"')
            b = b.replace(',"', ',\n"')
        f, e = align(a, b, inplain, what)
        errs += e
        fwd.setdefault(what, f)
    for what, f in fwd.items():
        inv = {}
        for key, reps in f.items():
            if len(reps) > 1:
                errs.append("%s: %s %s has several replacements: %s"
                            % (what, key[0], key[1], sorted(reps)))
            for rep in reps:
                inv.setdefault((key[0], rep), set()).add(key[1])
        for (k, rep), srcs in inv.items():
            if len(srcs) > 1 and not (k == "host" and rep == "redacted-host"):
                errs.append("%s: %s %s replaces several values: %s"
                            % (what, k, rep, sorted(srcs)))
        missing = [v for k, v in inplain if (k, norm(k, v)) not in f]
        if missing:
            errs.append("%s: no replacement seen for %d values: %s"
                        % (what, len(missing), missing[:5]))
        print("%s: %d values mapped" % (what, len(f)))
    # counts
    r = json.loads(rj)
    net = r["network"]
    names = [ln["name"] for ln in net["links"]]
    for n in made["links"]:
        if n not in names:
            errs.append("link %s missing from the report" % n)
    mine = [x for x in net["routes"] if " dev rd" in x and "/32 " in x]
    if len(mine) != made["routes"]:
        errs.append("IPv4 routes: %d, expected %d" % (len(mine),
                                                     made["routes"]))
    mine6 = [x for x in net["routes6"] if " dev rd" in x
             and "/128" in x]
    if len(mine6) != made["routes6"]:
        errs.append("IPv6 routes: %d, expected %d" % (len(mine6),
                                                      made["routes6"]))
    script = r["rules"].get("script", "")
    nm = len(re.findall(r"^masq add ", script, re.M))
    nf = len(re.findall(r"^forward add ", script, re.M))
    if (nm, nf) != (made["rules"], made["forwards"]):
        errs.append("rules: %d masq, %d forward; expected %d, %d"
                    % (nm, nf, made["rules"], made["forwards"]))
    if r["conntrack"].get("count") != made["ct"]:
        errs.append("conntrack count %s, expected %d"
                    % (r["conntrack"].get("count"), made["ct"]))
    print("counts: %d links, %d+%d routes, %d masq, %d forward, %s ct"
          % (len(names), len(mine), len(mine6), nm, nf,
             r["conntrack"].get("count")))
    kinds = {}
    for x in leaks:
        kinds[x.split()[0]] = kinds.get(x.split()[0], 0) + 1
    if leaks:
        print("leaks by kind: %s" % kinds)
    for x in leaks[:40]:
        print("LEAK: " + x)
    if len(leaks) > 40:
        print("... %d leaks in all" % len(leaks))
    for x in errs[:40]:
        print("INCONSISTENT: " + x)
    if len(errs) > 40:
        print("... %d inconsistencies in all" % len(errs))
    return 1 if leaks or errs else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    sys.exit(check(int(sys.argv[2]), sys.argv[3]))

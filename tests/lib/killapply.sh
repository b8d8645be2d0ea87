# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/lib/killapply.sh - what the kill -9 tests (530, 532) share: the
# kernel's table as a fingerprint, 'revisions' as "NEWEST CURRENT", and a
# killer that SIGKILLs a masqsh command after a delay in microseconds.
# Sourced after netns.sh; uses GW, DB, MASQSH, NS_TMP and NS_PY.

# make_sets N: two sets of N masq rules out of v0 as Shorewall masq files,
# NS_TMP/A.masq and B.masq (every source network and SNAT address
# differs); stage A|B stages one ('import ... replace': one transaction).
make_sets() {
	"$NS_PY" - "$NS_TMP" "$1" <<'PY'
import sys
for name, base in (("A", 0), ("B", 1)):
    with open("%s/%s.masq" % (sys.argv[1], name), "w") as f:
        for i in range(int(sys.argv[2])):
            f.write("v0 10.%d.%d.0/24 203.0.113.%d\n" %
                    (base * 8 + i // 250, i % 250, 1 + (i + base * 7) % 250))
PY
}
stage() { run gw_masqsh -c "import shorewall $NS_TMP/$1.masq replace"; }

# The kernel's table as "COUNT SHA" of its sorted saddr>snat pairs;
# "missing" when there is no table of ours.
fingerprint() {
	ip netns exec "$GW" nft -j list table ip masqsh 2>/dev/null |
		"$NS_PY" -c '
import hashlib, json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    print("missing"); sys.exit(0)
pairs = []
for o in doc["nftables"]:
    r = o.get("rule")
    if not r:
        continue
    src = snat = "-"
    for x in r["expr"]:
        m = x.get("match")
        if m and m["left"].get("payload", {}).get("field") == "saddr":
            p = m["right"]["prefix"]
            src = "%s/%d" % (p["addr"], p["len"])
        if "snat" in x:
            snat = x["snat"]["addr"]
    pairs.append(src + ">" + snat)
pairs.sort()
print(len(pairs), hashlib.sha1("\n".join(pairs).encode()).hexdigest()[:16])
'
}

# revs: "NEWEST-ID CURRENT-ID" from 'revisions' (CURRENT-ID 0 when no
# revision is marked in force); fails the test when it cannot open.
revs() {
	local js
	js=$(gw_masqsh -j -c revisions 2>"$NS_TMP/revs.err") ||
		fail "revisions does not open: $(cat "$NS_TMP/revs.err")"
	printf '%s' "$js" | "$NS_PY" -c '
import json, sys
v = json.load(sys.stdin)
cur = [r["id"] for r in v if r.get("current")]
print(v[0]["id"] if v else 0, cur[0] if cur else 0)
'
}

# killer DELAY_US [CMD]: 'masqsh -c CMD' (default apply) in the gateway,
# SIGKILL after DELAY_US
# microseconds; prints "killed" or "exited RC".  DELAY_US -1: no kill,
# prints "exited RC US", how long the apply took from its fork on.
KILLER='
import os, signal, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
if int(sys.argv[1]) < 0:
    rc = p.wait()
    print("exited", rc, int((time.monotonic() - t0) * 1e6))
    sys.exit(0)
time.sleep(int(sys.argv[1]) / 1e6)
rc = p.poll()
if rc is None:
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    print("killed")
else:
    print("exited", rc)
'
killer() {
	ip netns exec "$GW" "$NS_PY" -c "$KILLER" "$1" \
		"$MASQSH" --db "$DB" -c "${2:-apply}"
}

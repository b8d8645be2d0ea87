#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# 620: a Shorewall 5 snat file imported and applied; real flows translate
# as the file says.  CONTINUE and ACCEPT exempt what they match from the
# rules after them; an exclusion given as an address range
# (192.168.1.11-192.168.1.20, four prefixes in the kernel) keeps .11 out
# of the MASQUERADE rule so the SNAT range rule after it takes it; a SNAT
# with a port range translates both address and port.  The file exported
# again (export shorewall snat) and imported into a fresh database
# compiles to the very same table.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
test_setup
gw_addr_add 198.51.100.20/24
gw_addr_add 198.51.100.21/24
gw_addr_add 198.51.100.30/24

cat >"$NS_TMP/snat" <<'SNAT'
#ACTION				SOURCE				DEST			PROTO	PORT
?COMMENT exempt: the partner network is reached untranslated
CONTINUE			192.168.1.0/24			wan0:192.0.2.200
ACCEPT				192.168.2.10			wan0:192.0.2.200
?COMMENT
MASQUERADE			192.168.1.0/24!192.168.1.11-192.168.1.20	wan0
SNAT(198.51.100.20-198.51.100.21)	192.168.1.0/24		wan0
SNAT(198.51.100.30:5000-5100)	192.168.2.0/24			wan0			tcp
MASQUERADE			192.168.2.0/24			wan0			udp
SNAT

out=$(gw_masqsh -c "import shorewall $NS_TMP/snat" -c 'masq list' -c apply 2>&1) ||
	fail "import/apply: $out"
echo "$out"
assert_match "recognised as a snat file" "imported 6 rules from a snat file" "$out"
assert_compiled_in_kernel
# the range in the exclusion, as the kernel holds it
# (the exact prefixes 192.168.1.11, .12/30, .16/30, .20 in one interval set,
# which the kernel holds -- and nft prints -- merged into one range)
assert_match "exclusion range in the kernel" \
	'saddr != { 192\.168\.1\.11-192\.168\.1\.20 } .* masquerade' \
	"$(tr -s ' \t\n' ' ' <"$NS_TMP/kernel")"

# MASQUERADE: .10 leaves as the uplink's primary address
expect_nat "MASQUERADE 192.168.1.10" "$C1" 192.168.1.10 tcp 192.0.2.10 80 198.51.100.2
expect_nat "MASQUERADE 192.168.1.10 udp" "$C1" 192.168.1.10 udp 192.0.2.10 53 198.51.100.2
# .11 is in the excluded range: the SNAT range rule takes it
expect_nat_in "SNAT range for 192.168.1.11 (excluded from MASQUERADE)" \
	"$C1" 192.168.1.11 tcp 192.0.2.10 443 198.51.100.20 198.51.100.21
# CONTINUE / ACCEPT: to 192.0.2.200 nothing is translated, though the
# MASQUERADE and SNAT rules after them match too
expect_untranslated "CONTINUE 192.168.1.10 -> 192.0.2.200" "$C1" 192.168.1.10 tcp 192.0.2.200 80
expect_untranslated "CONTINUE 192.168.1.11 -> 192.0.2.200" "$C1" 192.168.1.11 tcp 192.0.2.200 80
expect_untranslated "ACCEPT 192.168.2.10 -> 192.0.2.200" "$C2" 192.168.2.10 tcp 192.0.2.200 80
# SNAT with a port range: address and port both
expect_nat "SNAT(198.51.100.30:5000-5100) tcp" "$C2" 192.168.2.10 tcp 192.0.2.10 80 198.51.100.30
assert_in_range "SNAT source port seen by the server" 5000 5100 "$SEEN_PORT"
expect_nat "MASQUERADE 192.168.2.10 udp" "$C2" 192.168.2.10 udp 192.0.2.10 53 198.51.100.2

# export snat -> import into a fresh database -> the same compiled table
gw_masqsh -c "export shorewall snat $NS_TMP/exported.snat" >/dev/null ||
	fail "export shorewall snat"
cat "$NS_TMP/exported.snat"
DB=$NS_TMP/again.db gw_masqsh -c "import shorewall $NS_TMP/exported.snat" >/dev/null ||
	fail "import of the exported file"
DB=$NS_TMP/again.db gw_masqsh -c 'show compiled' >"$NS_TMP/compiled.again" 2>&1 ||
	fail "show compiled (again): $(cat "$NS_TMP/compiled.again")"
assert_same_text "export snat + import compiles to the running table" \
	"$NS_TMP/kernel" "$NS_TMP/compiled.again"

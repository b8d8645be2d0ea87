/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_filter.c - the conntrack filter language (`show conntrack`,
 * `kill`, `watch`, masqtop's '/').  The input's first HDR bytes make an
 * entry to match (entry_from() says how), the rest is the filter text.
 * Properties: a compiled filter's canonical text compiles again, prints
 * the same, and matches the entry the same way.
 */
#include "config.h"

#include <sys/socket.h>

#include "core/filter.h"
#include "fuzz.h"

static FILE *devnull;

#define HDR 64

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* [0] family (odd: IPv6) [1] proto [2] TCP state [3] counters
 * [4] status [8] timeout [12] mark [16] rule id (8) [24] source (16)
 * [40] destination (16) [56] sport [58] dport [60] gateway port [62]
 * zone.  The reply swaps the ends; with SNAT its destination (the
 * gateway side) differs from the original source in its last byte. */
static void
entry_from(struct ct_entry *ce, const uint8_t *p)
{
	memset(ce, 0, sizeof(*ce));
	ce->family = (p[0] & 1) ? AF_INET6 : AF_INET;
	ce->proto = p[1];
	ce->tcp_state = p[2];
	ce->has_counters = p[3] & 1;
	ce->status = get32(p + 4);
	ce->timeout = get32(p + 8);
	ce->mark = get32(p + 12);
	ce->rule_id = (uint64_t)get32(p + 16) | (uint64_t)get32(p + 20) << 32;
	memcpy(&ce->orig.src, p + 24, 16);
	memcpy(&ce->orig.dst, p + 40, 16);
	ce->orig.sport = (uint16_t)(p[56] << 8 | p[57]);
	ce->orig.dport = (uint16_t)(p[58] << 8 | p[59]);
	ce->reply.src = ce->orig.dst;
	ce->reply.dst = ce->orig.src;
	ce->reply.sport = ce->orig.dport;
	ce->reply.dport = (uint16_t)(p[60] << 8 | p[61]);
	if (ce->status & CT_ST_SRC_NAT)
		((uint8_t *)&ce->reply.dst)[ce->family == AF_INET ? 3 : 15] ^= 1;
	ce->zone = (uint16_t)(p[62] << 8 | p[63]);
	ce->c_orig.packets = ce->c_reply.packets = p[3];
	ce->c_orig.bytes = ce->c_reply.bytes = get32(p + 8);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_entry ce;
	struct filter *f, *back;
	struct masq_err e;
	char *text, *t1, *t2;

	if (size < HDR || size > HDR + 4096)
		return 0;
	entry_from(&ce, data);
	text = fuzz_str(data + HDR, size - HDR);
	err_init(&e);
	f = filter_compile_str(text, &e);
	if (f) {
		bool m = filter_match(f, &ce);

		filter_uses_rule(f);
		filter_implies_nat(f);
		t1 = filter_format(f);
		back = filter_compile_str(t1, &e);
		fuzz_assert(back, "'%s' prints as '%s', which does not "
			    "compile: %s", text, t1, e.msg);
		t2 = filter_format(back);
		fuzz_assert(strcmp(t1, t2) == 0, "'%s' prints as '%s', then "
			    "as '%s'", text, t1, t2);
		fuzz_assert(filter_match(back, &ce) == m, "'%s' and its "
			    "text '%s' match differently", text, t1);
		if (filter_implies_nat(f))
			fuzz_assert(!m || (ce.status & (CT_ST_SRC_NAT |
							 CT_ST_DST_NAT)),
				    "'%s' implies NAT but matched an entry "
				    "without it", text);
		free(t1);
		free(t2);
		filter_free(back);
		filter_free(f);
	} else {
		err_print(devnull, &e, "fuzz", NULL);
	}
	err_done(&e);
	free(text);
	return 0;
}

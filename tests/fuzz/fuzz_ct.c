/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_ct.c - the conntrack entry parser fed raw ctnetlink bytes, as a
 * dump's datagram (mnl_cb_run, the path of `show conntrack` and masqtop's
 * reads) and as an event datagram (mnl_nlmsg_ok/next, the path of
 * `watch` and the engine), each entry then written as a text row, as JSON
 * and column by column.  Property: a written row holds no control
 * character (the terminal gets only what it should).
 */
#include "config.h"

#include <libmnl/libmnl.h>

#include "core/filter.h"
#include "core/strbuf.h"
#include "nat/ct.h"
#include "nat/ct_cols.h"
#include "nat/ct_int.h"
#include "nat/nl.h"
#include "fuzz.h"

static struct filter *filter;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct masq_err e;

	err_init(&e);
	filter = filter_compile_str("proto tcp or proto udp or nat or "
				    "state unreplied", &e);
	if (!filter)
		abort();
	err_done(&e);
	return 0;
}

static void
annotate(struct ct_entry *ce, void *data)
{
	ce->rule_id = (ce->mark & 1) ? (CT_RULE_FWD | 3) : 2;
}

static void
write_entry(const struct ct_entry *ce)
{
	char cell[CT_CELL_MAX];
	struct strbuf sb;
	size_t i;
	int id;

	strbuf_init(&sb, 256);
	ct_row_text(&sb, ce, CT_COLS_TEXT);
	strbuf_putc(&sb, '\n');
	ct_row_json(&sb, ce, "new");
	for (i = 0; i < sb.len; i++)
		fuzz_assert((unsigned char)sb.s[i] >= 0x20 ||
			    sb.s[i] == '\n', "control byte 0x%02x in a row",
			    (unsigned char)sb.s[i]);
	strbuf_done(&sb);
	for (id = 0; id < CT_COL_COUNT; id++) {
		size_t n = ct_col_text((enum ct_col_id)id, ce, cell);

		fuzz_assert(n < sizeof(cell) && strlen(cell) == n,
			    "column %d: length %zu", id, n);
	}
}

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ct_query *q = data;
	struct ct_entry ce;

	if (ct_parse_msg(nlh, q, &ce) == 1)
		write_entry(&ce);
	return MNL_CB_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_query all = { 0 }, filtered = {
		.family = 0, .filter = filter, .annotate = annotate,
	}, tight;
	const struct nlmsghdr *nlh;
	struct ct_entry ce;
	uint32_t *buf;
	int left;

	if (size < 1 || size > 65536)
		return 0;
	/* netlink messages are 4-byte aligned in the receive buffer */
	buf = malloc((size + 3) & ~(size_t)3);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	nl_cb_run(buf, size - 1, 0, 0, dump_cb,
		   (void *)((data[0] & 1) ? ct_query_tighten(&filtered, &tight)
					  : &all));
	left = (int)(size - 1);
	for (nlh = (const struct nlmsghdr *)buf; nl_msg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left))
		if (ct_parse_msg(nlh, NULL, &ce) == 1)
			write_entry(&ce);
	free(buf);
	return 0;
}

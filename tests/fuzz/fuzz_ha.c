/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_ha.c - the NAT pair's two parsers (ctl/ha.h): the stored "ha.*"
 * settings (ha_conf_set(), what `ha ...` and the database feed) and the
 * text of `conntrackd -s` (ha_ctd_stats_parse(), what `diag ha` reads).
 * The first byte picks:
 *   even: lines of "KEY VALUE" ("sync.dev", "sync.peer", "sync.local",
 *         "role", "priority", "vrid", "vips" -- its lines joined by ';').
 *         Properties: what was accepted stores and reads back the same
 *         (the settings' text is all the store keeps); the generated
 *         keepalived.conf and notify script hold no control byte but
 *         '\n' and '\t' and no '"' outside the notify lines (nothing from
 *         the settings can change their syntax).
 *   odd (& 3 == 1):  conntrackd's statistics text, and the notify
 *         script's state line ("primary 1796404696").  Properties: two
 *         parses agree; a state line that parses prints and parses back
 *         the same.  The same text as a conntrackd.conf read for
 *         ha.helpers' ExpectationSync (expect_sync() says what holds).
 *   & 3 == 3: ha.same-rules' text (ha_digest.c): the whole input as a
 *         peer digest (what parses is 64 lower-case hex and parses back
 *         the same), then two tables split at the first 0x1e byte.
 *         Properties: a table against itself has no difference; the
 *         count is symmetric and equals the lines reported; lines only
 *         here minus lines only there is the difference of their
 *         non-blank line counts; equal digests iff equal texts; the
 *         first line out of order is one that differs.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>

#include "core/strbuf.h"
#include "ctl/ha.h"
#include "fuzz.h"
#include "nat/rule.h"

/* The settings of @c as ha_conf_save() writes them, set on @out. */
static void
reload(const struct ha_conf *c, struct ha_conf *out)
{
	struct strbuf b = STRBUF_INIT;
	struct masq_err e;
	char num[16];
	size_t i;
	char *v;

	err_init(&e);
	ha_conf_init(out);
	if (c->sync_dev[0])
		fuzz_assert(ha_conf_set(out, "sync.dev", c->sync_dev, &e) == 0,
			    "sync.dev %s", c->sync_dev);
	if (c->peer[0])
		fuzz_assert(ha_conf_set(out, "sync.peer", c->peer, &e) == 0,
			    "peer %s", c->peer);
	if (c->local[0])
		fuzz_assert(ha_conf_set(out, "sync.local", c->local, &e) == 0,
			    "local %s", c->local);
	fuzz_assert(ha_conf_set(out, "role", c->master ? "master" : "backup",
				&e) == 0, "role");
	snprintf(num, sizeof(num), "%u", c->priority);
	fuzz_assert(ha_conf_set(out, "priority", num, &e) == 0, "prio");
	snprintf(num, sizeof(num), "%u", c->vrid);
	fuzz_assert(ha_conf_set(out, "vrid", num, &e) == 0, "vrid");
	for (i = 0; i < c->n_vips; i++)
		strbuf_addf(&b, "%s%s %s/%u", i ? "\n" : "", c->vips[i].ifname,
			    c->vips[i].addr, c->vips[i].plen);
	v = strbuf_take(&b);
	if (c->n_vips)
		fuzz_assert(ha_conf_set(out, "vips", v, &e) == 0, "vips %s",
			    v);
	free(v);
	err_done(&e);
}

/* No control byte but \n \t; with @quotes false, '"' only on the
 * notify_* lines (keepalived.conf). */
static void
check_text(const char *t, bool quotes)
{
	const char *line = t, *p;

	for (p = t; *p; p++) {
		if (*p == '\n') {
			line = p + 1;
			continue;
		}
		fuzz_assert((unsigned char)*p >= ' ' || *p == '\t',
			    "control byte 0x%02x", (unsigned char)*p);
		if (*p == '"' && !quotes)
			fuzz_assert(!strncmp(line, "\tnotify_", 8),
				    "a quote outside the notify lines: %s",
				    line);
	}
}

static void
settings(const char *s)
{
	struct ha_conf c, back;
	struct ha_paths p;
	struct masq_err e;
	char *copy = strdup(s), *line, *save = NULL, *sp, *q, *t;

	if (!copy)
		abort();
	err_init(&e);
	ha_conf_init(&c);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		for (q = sp + 1; *q; q++)
			if (*q == ';')
				*q = '\n';
		err_reset(&e);
		(void)ha_conf_set(&c, line, sp + 1, &e);
	}
	reload(&c, &back);
	fuzz_assert(c.n_vips == back.n_vips &&
		    memcmp(c.vips, back.vips, c.n_vips * sizeof(c.vips[0])) == 0 && c.priority == back.priority &&
		    c.vrid == back.vrid && c.master == back.master &&
		    !strcmp(c.sync_dev, back.sync_dev) &&
		    !strcmp(c.peer, back.peer) && !strcmp(c.local, back.local),
		    "settings do not read back the same");
	err_reset(&e);
	if (ha_paths_init(&p, "/run/fuzz-ha", &e) == 0) {
		if (ha_keepalived_text(&c, &p, &t, &e) == 0) {
			check_text(t, false);
			free(t);
		}
		err_reset(&e);
		if (ha_notify_text(&c, &p, &t, &e) == 0) {
			check_text(t, true);
			free(t);
		}
	}
	err_done(&e);
	free(copy);
}

static void
diff_count(void *arg, char side, const char *line, size_t len)
{
	long *n = arg;

	(void)line;
	fuzz_assert(len > 0 && (side == '-' || side == '+'), "bad report");
	n[side == '-' ? 0 : 1]++;
}

/* Non-blank lines, as ha_rules_compare() counts them. */
static long
lines_of(const char *t)
{
	long n = 0;
	bool any = false;

	for (; *t; t++) {
		if (*t == '\n') {
			n += any;
			any = false;
		} else if (*t != ' ' && *t != '\t' && *t != '\r') {
			any = true;
		}
	}
	return n + any;
}

static void
same_rules(char *s)
{
	char hex[HA_DIGEST_HEXLEN + 1], back[HA_DIGEST_HEXLEN + 1];
	char da[HA_DIGEST_HEXLEN + 1], db[HA_DIGEST_HEXLEN + 1];
	char *a = s, *b = strchr(s, 0x1e), none[1] = "";
	struct masq_err e;
	long n[2] = { 0, 0 }, m[2] = { 0, 0 };
	const char *la, *lb;
	size_t k, i, lal, lbl;

	err_init(&e);
	if (ha_digest_parse(s, hex, &e) == 0) {
		for (i = 0; i < HA_DIGEST_HEXLEN; i++)
			fuzz_assert(strchr("0123456789abcdef", hex[i]) &&
				    hex[i], "digest not canonical: %s", hex);
		fuzz_assert(ha_digest_parse(hex, back, &e) == 0 &&
			    !strcmp(hex, back), "digest does not read back");
	}
	err_done(&e);
	if (b)
		*b++ = '\0';
	else
		b = none;
	fuzz_assert(ha_rules_compare(a, a, NULL, NULL) == 0, "self differs");
	k = ha_rules_compare(a, b, diff_count, n);
	fuzz_assert(k == ha_rules_compare(b, a, diff_count, m),
		    "not symmetric");
	fuzz_assert((long)k == n[0] + n[1] && n[0] == m[1] && n[1] == m[0],
		    "count %zu vs reported %ld+%ld", k, n[0], n[1]);
	fuzz_assert(n[0] - n[1] == lines_of(a) - lines_of(b),
		    "line balance");
	/* in order: a table against itself never differs; a position
	 * found is one where both have a line and they differ */
	fuzz_assert(ha_rules_order(a, a, &la, &lal, &lb, &lbl) == 0,
		    "self out of order");
	if ((i = ha_rules_order(a, b, &la, &lal, &lb, &lbl)) > 0)
		fuzz_assert(lal && lbl && (lal != lbl ||
					   memcmp(la, lb, lal)),
			    "order: line %zu is no difference", i);
	ha_rules_digest(a, da);
	ha_rules_digest(b, db);
	fuzz_assert(!strcmp(da, db) == !strcmp(a, b), "digest vs text");
}

/* ha.helpers' reader of a conntrackd.conf (ha_expect_sync_covers()),
 * for each helper masqsh knows: the same answer twice; the text with
 * every line commented out covers nothing; whatever the text left open
 * (a list, a keyword), "}" and a last ExpectationSync On|Off decide. */
static void
expect_sync(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	char *com, *on, *off;
	const char *p;
	size_t i, len = strlen(s);

	strbuf_putc(&b, '#');
	for (p = s; *p; p++) {
		strbuf_putc(&b, *p);
		if (*p == '\n')
			strbuf_putc(&b, '#');
	}
	com = strbuf_take(&b);
	strbuf_add(&b, s, len);
	strbuf_puts(&b, "\n}\nExpectationSync On\n");
	on = strbuf_take(&b);
	strbuf_add(&b, s, len);
	strbuf_puts(&b, "\n}\nexpectationsync off\n");
	off = strbuf_take(&b);
	for (i = 0; nat_helper_names[i]; i++) {
		const char *h = nat_helper_names[i];

		fuzz_assert(ha_expect_sync_covers(s, h) ==
			    ha_expect_sync_covers(s, h), "two reads differ");
		fuzz_assert(!ha_expect_sync_covers(com, h),
			    "commented-out text covers %s", h);
		fuzz_assert(ha_expect_sync_covers(on, h), "On: not %s", h);
		fuzz_assert(!ha_expect_sync_covers(off, h), "Off: %s", h);
	}
	free(com);
	free(on);
	free(off);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ha_ctd_stats a, b;
	char *s;

	if (size < 1 || size > 8192)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	if ((data[0] & 3) == 3) {
		same_rules(s);
	} else if (data[0] & 1) {
		char ev[8], again[40];
		long long when, w2;

		expect_sync(s);
		ha_ctd_stats_parse(s, &a);
		ha_ctd_stats_parse(s, &b);
		fuzz_assert(memcmp(&a, &b, sizeof(a)) == 0, "two parses differ");
		/* the notify script's state line: what parses prints back
		 * and parses the same */
		if (ha_state_parse(s, ev, &when) == 0) {
			snprintf(again, sizeof(again), "%s %lld\n", ev, when);
			fuzz_assert(ha_state_parse(again, ev, &w2) == 0 &&
				    w2 == when, "state line does not read back");
		}
	} else {
		settings(s);
	}
	free(s);
	return 0;
}

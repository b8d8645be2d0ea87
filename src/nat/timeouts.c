/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * timeouts.c - conntrack timeouts: names, the HOWTO triple, sysctl reads
 * and writes in the current namespace, and their settings (see
 * timeouts.h for the mapping and what this file does not do).
 *
 * The sysctl files are opened by path under /proc/sys/net/netfilter: the
 * kernel resolves /proc/sys/net in the network namespace of the process
 * that opens the file, which is exactly "this namespace and no other".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/kw.h"
#include "core/store.h"
#include "core/tok.h"
#include "core/xalloc.h"
#include "nat/timeouts.h"

#define SYSCTL_DIR "/proc/sys/net/netfilter/"

static const struct nat_timeout timeouts[] = {
	{ "tcp-syn-sent", "tcp", "syn_sent",
	  "nf_conntrack_tcp_timeout_syn_sent", 120 },
	{ "tcp-syn-recv", "tcp", "syn_recv",
	  "nf_conntrack_tcp_timeout_syn_recv", 60 },
	{ "tcp-established", "tcp", "established",
	  "nf_conntrack_tcp_timeout_established", 432000 },
	{ "tcp-fin-wait", "tcp", "fin_wait",
	  "nf_conntrack_tcp_timeout_fin_wait", 120 },
	{ "tcp-close-wait", "tcp", "close_wait",
	  "nf_conntrack_tcp_timeout_close_wait", 60 },
	{ "tcp-last-ack", "tcp", "last_ack",
	  "nf_conntrack_tcp_timeout_last_ack", 30 },
	{ "tcp-time-wait", "tcp", "time_wait",
	  "nf_conntrack_tcp_timeout_time_wait", 120 },
	{ "tcp-close", "tcp", "close",
	  "nf_conntrack_tcp_timeout_close", 10 },
	{ "tcp-unacknowledged", "tcp", "unacknowledged",
	  "nf_conntrack_tcp_timeout_unacknowledged", 300 },
	{ "tcp-retrans", "tcp", "retrans",
	  "nf_conntrack_tcp_timeout_max_retrans", 300 },
	{ "udp-unreplied", "udp", "unreplied",
	  "nf_conntrack_udp_timeout", 30 },
	{ "udp-stream", "udp", "stream",
	  "nf_conntrack_udp_timeout_stream", 120 },
	{ "icmp", "icmp", "", "nf_conntrack_icmp_timeout", 30 },
	{ "icmpv6", "icmpv6", "", "nf_conntrack_icmpv6_timeout", 30 },
	{ "generic", "generic", "", "nf_conntrack_generic_timeout", 600 },
};

#define N_TIMEOUTS (sizeof(timeouts) / sizeof(timeouts[0]))

/* The HOWTO's words, each a list of table names. */
static const struct {
	const char *word;
	const char *members[5];
} groups[] = {
	{ "tcp", { "tcp-established", NULL } },
	{ "tcpfin", { "tcp-fin-wait", "tcp-close-wait", "tcp-last-ack",
		      "tcp-time-wait", NULL } },
	{ "udp", { "udp-unreplied", "udp-stream", NULL } },
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

/* Every word `timeouts set` and `timeouts reset` take, as typed words
 * resolve against them (core/kw.h); the shell grammar lists the same. */
static const char *const all_words[] = {
	"tcp", "tcpfin", "udp", "tcp-syn-sent", "tcp-syn-recv",
	"tcp-established", "tcp-fin-wait", "tcp-close-wait", "tcp-last-ack",
	"tcp-time-wait", "tcp-close", "tcp-unacknowledged", "tcp-retrans",
	"udp-unreplied", "udp-stream", "icmp", "icmpv6", "generic", NULL,
};

const struct nat_timeout *
nat_timeouts_table(size_t *n)
{
	_Static_assert(N_TIMEOUTS <= NAT_TIMEOUTS_NMAX, "set too small");
	*n = N_TIMEOUTS;
	return timeouts;
}

int
nat_timeout_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_TIMEOUTS; i++)
		if (!strcasecmp(timeouts[i].name, name))
			return (int)i;
	return -1;
}

int
nat_timeout_select(const char *word, bool *sel)
{
	size_t g, m;
	int i;

	for (g = 0; g < N_GROUPS; g++) {
		if (strcasecmp(groups[g].word, word))
			continue;
		for (m = 0; groups[g].members[m]; m++)
			sel[nat_timeout_find(groups[g].members[m])] = true;
		return 0;
	}
	i = nat_timeout_find(word);
	if (i < 0)
		return -1;
	sel[i] = true;
	return 0;
}

/* Mark the states @t names in @sel (core/kw.h: exact, else a unique
 * prefix).  -1 (MASQ_EUSAGE) when unknown or ambiguous. */
static int
word_select(const struct masq_tok *t, bool *sel, struct masq_err *e)
{
	int k = kw_resolve(all_words, sizeof(all_words) /
			   sizeof(all_words[0]) - 1, t, "timeout", NULL, e);

	if (k >= 0)
		return nat_timeout_select(all_words[k], sel);
	if (!e->hint[0])
		err_hint(e, "tcp, tcpfin, udp (the HOWTO's three) or a state: "
			 "tcp-established, udp-stream, ... ('help timeouts "
			 "set' lists them)");
	return -1;
}

/* SECONDS with an optional unit.  -1 (MASQ_EUSAGE) marking @t. */
static int
seconds_parse(const struct masq_tok *t, uint32_t *out, struct masq_err *e)
{
	unsigned long long v = 0, mul = 1;
	const char *p = t->s;
	size_t digits = 0;

	while (*p >= '0' && *p <= '9') {
		if (v <= NAT_TIMEOUT_MAX)	/* stop growing: too large */
			v = v * 10 + (unsigned long long)(*p - '0');
		p++;
		digits++;
	}
	if (*p && !p[1]) {
		switch (*p) {
		case 's': mul = 1; p++; break;
		case 'm': mul = 60; p++; break;
		case 'h': mul = 3600; p++; break;
		case 'd': mul = 86400; p++; break;
		default: break;
		}
	}
	if (!digits || *p) {
		err_tok(e, MASQ_EUSAGE, t, "'%s' is not a number of seconds",
			t->s);
		return err_hint(e, "a whole number of seconds, e.g. 7200, or "
				"with a unit: 90s, 15m, 2h, 5d");
	}
	v *= mul;
	if (v == 0) {
		err_tok(e, MASQ_EUSAGE, t, "a timeout of 0 would end every "
			"connection at once");
		return err_hint(e, "give at least 1 second");
	}
	if (v > NAT_TIMEOUT_MAX) {
		err_tok(e, MASQ_EUSAGE, t, "'%s' is too large", t->s);
		return err_hint(e, "at most %u seconds", NAT_TIMEOUT_MAX);
	}
	*out = (uint32_t)v;
	return 0;
}

int
nat_timeouts_parse(const struct masq_tok *v, size_t n,
		   struct nat_timeout_set *ts, struct masq_err *e)
{
	bool sel[NAT_TIMEOUTS_NMAX];
	uint32_t val = 0;
	size_t i, k;

	memset(ts, 0, sizeof(*ts));
	if (!n)
		return err_set(e, MASQ_EUSAGE, "'timeouts set' needs a name "
			       "and a number of seconds, e.g. 'timeouts set "
			       "tcp 7200 tcpfin 10 udp 60'");
	for (i = 0; i < n; i += 2) {
		memset(sel, 0, sizeof(sel));
		if (word_select(&v[i], sel, e) < 0)
			return -1;
		if (i + 1 == n) {
			err_tok_sub(e, MASQ_EUSAGE, &v[i], v[i].len, 0,
				    "'%s' needs a number of seconds after it",
				    v[i].s);
			return -1;
		}
		if (seconds_parse(&v[i + 1], &val, e) < 0)
			return -1;
		for (k = 0; k < N_TIMEOUTS; k++) {
			if (!sel[k])
				continue;
			ts->has[k] = true;
			ts->val[k] = val;
		}
	}
	return 0;
}

int
nat_timeouts_parse_names(const struct masq_tok *v, size_t n,
			 struct nat_timeout_set *ts, struct masq_err *e)
{
	size_t i;

	memset(ts, 0, sizeof(*ts));
	if (!n) {
		for (i = 0; i < N_TIMEOUTS; i++)
			ts->has[i] = true;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (word_select(&v[i], ts->has, e) < 0)
			return -1;
	return 0;
}

int
nat_timeout_read(size_t i, uint32_t *val, struct masq_err *e)
{
	char path[128], buf[32], *end;
	unsigned long v;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", timeouts[i].sysctl);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;	/* err_sys() may change errno */

		err_sys(e, MASQ_EKERNEL, err, "cannot read the %s timeout "
			"(%s)", timeouts[i].name, path);
		return err_hint(e, err == ENOENT ?
				"conntrack is not loaded in this network "
				"namespace: load nf_conntrack (modprobe "
				"nf_conntrack) or apply a NAT rule first" :
				"run as root");
	}
	r = read(fd, buf, sizeof(buf) - 1);
	if (r <= 0) {
		int err = r < 0 ? errno : EIO;	/* before close() */

		close(fd);
		return err_sys(e, MASQ_EKERNEL, err, "cannot read %s", path);
	}
	close(fd);
	buf[r] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || v > NAT_TIMEOUT_MAX)
		return err_set(e, MASQ_EKERNEL, "unexpected value in %s: %s",
			       path, buf);
	*val = (uint32_t)v;
	return 0;
}

/* Write one value.  -1 (MASQ_EKERNEL) naming the state and the value. */
static int
timeout_write1(size_t i, uint32_t val, struct masq_err *e)
{
	char path[128], buf[16];
	int fd, len, saved;
	ssize_t w;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", timeouts[i].sysctl);
	len = snprintf(buf, sizeof(buf), "%u\n", val);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		err_sys(e, MASQ_EKERNEL, saved, "cannot set the %s timeout "
			"(%s)", timeouts[i].name, path);
		return err_hint(e, saved == ENOENT ? "conntrack is not loaded "
				"in this network namespace (modprobe "
				"nf_conntrack)" : "run as root");
	}
	w = write(fd, buf, (size_t)len);
	saved = errno;
	close(fd);
	if (w == len)
		return 0;
	err_sys(e, MASQ_EKERNEL, w < 0 ? saved : EIO, "the kernel refused "
		"%u seconds for the %s timeout", val, timeouts[i].name);
	if (w < 0 && saved == EINVAL)
		err_hint(e, "the kernel keeps timeouts in clock ticks in a "
			 "32-bit number: give a smaller value");
	return -1;
}

int
nat_timeouts_write(const struct nat_timeout_set *ts,
		   struct nat_timeout_set *old, struct masq_err *e)
{
	struct nat_timeout_set prev;
	struct masq_err le;
	size_t i, k;

	memset(&prev, 0, sizeof(prev));
	for (i = 0; i < N_TIMEOUTS; i++) {
		if (!ts->has[i])
			continue;
		if (nat_timeout_read(i, &prev.val[i], e) < 0)
			goto undo;
		prev.has[i] = true;
		if (timeout_write1(i, ts->val[i], e) < 0)
			goto undo;
	}
	if (old)
		*old = prev;
	return 0;
undo:
	/* best effort: put back what was written before the failure */
	err_init(&le);
	for (k = 0; k < i; k++)
		if (prev.has[k] && timeout_write1(k, prev.val[k], &le) < 0)
			err_reset(&le);
	err_done(&le);
	return -1;
}

/* A stored value as a number of seconds, or false. */
static bool
setting_num(const char *val, uint32_t *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(val, &end, 10);
	if (errno || end == val || *end || n < 1 || n > NAT_TIMEOUT_MAX)
		return false;
	*v = (uint32_t)n;
	return true;
}

/* The table index of @name, or -1. */
static int
timeout_index(const char *name)
{
	size_t i;

	for (i = 0; i < N_TIMEOUTS; i++)
		if (!strcmp(timeouts[i].name, name))
			return (int)i;
	return -1;
}

#define KEY_SET "timeout."
#define KEY_DFLT "timeout.default."

int
nat_timeouts_load(struct store *s, struct nat_timeout_set *set,
		  struct nat_timeout_set *dflt, struct masq_err *e)
{
	struct store_setting *v = NULL;
	struct nat_timeout_set *to;
	const char *name;
	size_t n = 0, i;
	int k;

	if (set)
		memset(set, 0, sizeof(*set));
	if (dflt)
		memset(dflt, 0, sizeof(*dflt));
	/* one query for both kinds: "timeout.NAME", "timeout.default.NAME" */
	if (store_settings_prefix(s, KEY_SET, &v, &n, e) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		name = v[i].key + strlen(KEY_SET);
		to = set;
		if (!strncmp(v[i].key, KEY_DFLT, strlen(KEY_DFLT))) {
			name = v[i].key + strlen(KEY_DFLT);
			to = dflt;
		}
		k = timeout_index(name);
		if (to && k >= 0)
			to->has[k] = setting_num(v[i].val, &to->val[k]);
	}
	store_settings_free(v, n);
	return 0;
}

int
nat_timeouts_save(struct store *s, const struct nat_timeout_set *ts,
		  const struct nat_timeout_set *found, struct masq_err *e)
{
	struct nat_timeout_set dflt;
	char key[80], val[16];
	size_t i;

	if (store_begin(s, e) < 0)
		return -1;
	if (nat_timeouts_load(s, NULL, &dflt, e) < 0)
		goto fail;
	for (i = 0; i < N_TIMEOUTS; i++) {
		if (!ts->has[i])
			continue;
		if (!dflt.has[i] && found && found->has[i]) {
			snprintf(key, sizeof(key), "timeout.default.%s",
				 timeouts[i].name);
			snprintf(val, sizeof(val), "%u", found->val[i]);
			if (store_setting_set(s, key, val, e) < 0)
				goto fail;
		}
		snprintf(key, sizeof(key), "timeout.%s", timeouts[i].name);
		snprintf(val, sizeof(val), "%u", ts->val[i]);
		if (store_setting_set(s, key, val, e) < 0)
			goto fail;
	}
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

int
nat_timeouts_forget(struct store *s, const struct nat_timeout_set *ts,
		    struct masq_err *e)
{
	char key[80];
	size_t i;

	if (store_begin(s, e) < 0)
		return -1;
	for (i = 0; i < N_TIMEOUTS; i++) {
		if (!ts->has[i])
			continue;
		snprintf(key, sizeof(key), "timeout.%s", timeouts[i].name);
		if (store_setting_set(s, key, NULL, e) < 0)
			goto fail;
		snprintf(key, sizeof(key), "timeout.default.%s",
			 timeouts[i].name);
		if (store_setting_set(s, key, NULL, e) < 0)
			goto fail;
	}
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

char *
nat_timeouts_text(const struct nat_timeout_set *ts)
{
	/* the longest name, a blank, 10 digits and a blank per state */
	char *buf = xmalloc(N_TIMEOUTS * 32 + 1), *o = buf;
	size_t i;

	*o = '\0';
	for (i = 0; i < N_TIMEOUTS; i++)
		if (ts->has[i])
			o += sprintf(o, "%s%s %u", o == buf ? "" : " ",
				     timeouts[i].name, ts->val[i]);
	return buf;
}

int
nat_timeouts_from_text(struct nat_timeout_set *ts, const char *text,
		       struct masq_err *e)
{
	struct tok_list tl;
	int rc;

	memset(ts, 0, sizeof(*ts));
	if (tok_split(&tl, text, 0, e) == -1)
		return -1;
	/* the empty set is "" (nat_timeouts_parse() wants a pair) */
	rc = tl.n ? nat_timeouts_parse(tl.v, tl.n, ts, e) : 0;
	tok_list_done(&tl);
	if (rc == -1) {
		e->code = MASQ_ESTORE;
		err_prefix(e, "stored timeouts no longer parse");
	}
	return rc;
}

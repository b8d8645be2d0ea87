/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ct_helpers.c - conntrack helpers as masqsh keeps them (see rule.h): the
 * kernel helpers masqsh knows with their standard port and protocol, the
 * words of `helper add NAME [ports LIST]`, and the one setting "helpers"
 * that holds them all ("ftp=21,2121 tftp=69", sorted by name).
 *
 * Does not own: compiling them into ct helper objects (nft_ct.c), the
 * commands (src/shell/cmd_helper.c), or the diag check (check_kernel.c).
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/rule_int.h"

static const struct {
	const char *name;
	uint8_t proto;
	uint16_t port;
	bool v6;
} known[] = {
	{ "amanda", IPPROTO_UDP, 10080, true },
	{ "ftp", IPPROTO_TCP, 21, true },
	{ "irc", IPPROTO_TCP, 6667, false },
	{ "netbios-ns", IPPROTO_UDP, 137, false },
	{ "pptp", IPPROTO_TCP, 1723, false },
	{ "sane", IPPROTO_TCP, 6566, true },
	{ "sip", IPPROTO_UDP, 5060, true },
	{ "snmp", IPPROTO_UDP, 161, false },
	{ "tftp", IPPROTO_UDP, 69, true },
};

#define N_KNOWN (sizeof(known) / sizeof(known[0]))

const char *const nat_helper_names[N_KNOWN + 1] = {
	"amanda", "ftp", "irc", "netbios-ns", "pptp", "sane", "sip", "snmp",
	"tftp", NULL,
};

static int
known_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		if (strlen(known[i].name) == len &&
		    !memcmp(known[i].name, name, len))
			return (int)i;
	return -1;
}

bool
nat_helper_has_ipv6(const char *name)
{
	int k = known_find(name, strlen(name));

	return k >= 0 && known[k].v6;
}

/* NAME and an optional port list (@ports may have no token). */
static int
helper_fill(struct nat_pctx *c, const struct nat_span *name,
	    const struct nat_span *ports, struct nat_helper *h)
{
	struct nat_proto pr;
	int k = known_find(nat_span_str(name), name->len);

	memset(h, 0, sizeof(*h));
	if (k < 0) {
		char w[32] = "";
		const char *sug;

		nat_span_copy(name, w, sizeof(w));
		nat_perr(c, name, "unknown conntrack helper '%.*s'",
			 (int)name->len, nat_span_str(name));
		sug = err_suggest(w, nat_helper_names);
		if (sug)
			return err_hint(c->e, "did you mean '%s'?", sug);
		return err_hint(c->e, "known helpers: amanda, ftp, irc, "
				"netbios-ns, pptp, sane, sip, snmp, tftp");
	}
	snprintf(h->name, sizeof(h->name), "%s", known[k].name);
	h->proto = known[k].proto;
	if (!ports->t) {
		h->ports.n = 1;
		h->ports.v[0].lo = h->ports.v[0].hi = known[k].port;
		return 0;
	}
	memset(&pr, 0, sizeof(pr));
	pr.n = 1;
	pr.v[0] = h->proto;
	if (nat_p_dport(c, ports, &h->ports, &pr) < 0)
		return -1;
	if (h->ports.neg) {
		struct nat_span bang = nat_span_sub(ports, 0, 1);

		nat_perr(c, &bang, "a helper's port list cannot be negated");
		return err_hint(c->e, "list the ports the helper should watch");
	}
	return 0;
}

int
nat_helper_parse(struct nat_helper *h, const struct masq_tok *name,
		 const struct masq_tok *ports, struct masq_err *e)
{
	struct nat_pctx c = { e, 0 };
	struct nat_span sn = nat_span_tok(name), sp = nat_span_tok(ports);

	return helper_fill(&c, &sn, &sp, h);
}

int
nat_helpers_parse(struct nat_helpers *hs, const char *text,
		  struct masq_err *e)
{
	struct nat_pctx c = { e, 0 };
	struct masq_tok t;
	struct nat_helper h;
	const char *p = text, *q, *eq;
	char *word;
	int ret = 0;

	memset(hs, 0, sizeof(*hs));
	while (ret == 0 && *p) {
		struct nat_span name, ports = { NULL, 0, 0 };

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (q = p; *q && *q != ' '; q++)
			;
		word = xstrndup(p, (size_t)(q - p));
		t.s = word;
		t.line = text;
		t.off = (size_t)(p - text);
		t.len = (size_t)(q - p);
		eq = strchr(word, '=');
		name.t = &t;
		name.off = 0;
		name.len = eq ? (size_t)(eq - word) : t.len;
		if (eq) {
			ports.t = &t;
			ports.off = (size_t)(eq - word) + 1;
			ports.len = t.len - ports.off;
		}
		ret = helper_fill(&c, &name, &ports, &h);
		if (ret == 0 && nat_helpers_put(hs, &h) < 0)
			ret = err_set(e, MASQ_EUSAGE, "more than %d helpers",
				      NAT_HELPERS_MAX);
		free(word);
		p = q;
	}
	return ret;
}

char *
nat_helpers_format(const struct nat_helpers *hs)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	for (i = 0; i < hs->n; i++) {
		strbuf_addf(&b, "%s%s=", i ? " " : "", hs->v[i].name);
		nat_sb_ports(&b, &hs->v[i].ports, '-');
	}
	return strbuf_take(&b);
}

int
nat_helpers_load(struct store *s, struct nat_helpers *hs, struct masq_err *e)
{
	char *text = NULL;
	int ret = -1;

	memset(hs, 0, sizeof(*hs));
	if (store_setting_get(s, "helpers", &text, e) < 0)
		return -1;
	if (text && nat_helpers_parse(hs, text, e) < 0) {
		err_prefix(e, "stored helper setting '%s' no longer parses",
			   text);
		e->code = MASQ_ESTORE;
		/* 'helper del' would load (and fail on) the same value */
		err_hint(e, "delete the setting (sqlite3 DB \"DELETE FROM "
			 "settings WHERE key = 'helpers'\") and add the "
			 "helpers again");
		goto out;
	}
	ret = 0;
out:
	free(text);
	return ret;
}

int
nat_helpers_put(struct nat_helpers *hs, const struct nat_helper *h)
{
	size_t i;

	for (i = 0; i < hs->n; i++) {
		int cmp = strcmp(hs->v[i].name, h->name);

		if (cmp == 0) {
			hs->v[i] = *h;
			return 0;
		}
		if (cmp > 0)
			break;
	}
	if (hs->n == NAT_HELPERS_MAX)
		return -1;
	memmove(&hs->v[i + 1], &hs->v[i], (hs->n - i) * sizeof(hs->v[0]));
	hs->v[i] = *h;
	hs->n++;
	return 0;
}

int
nat_helpers_del(struct nat_helpers *hs, const char *name)
{
	size_t i;

	for (i = 0; i < hs->n; i++) {
		if (strcmp(hs->v[i].name, name))
			continue;
		memmove(&hs->v[i], &hs->v[i + 1],
			(hs->n - i - 1) * sizeof(hs->v[0]));
		hs->n--;
		return 0;
	}
	return -1;
}

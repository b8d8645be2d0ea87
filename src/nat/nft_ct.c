/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nft_ct.c - conntrack objects in table masqsh (see nft_ct.h): "ct
 * timeout" policies of masq rules and "ct helper" assignments.
 *
 * Owns: building the objects and the helper rules, the "ct timeout set" /
 * "ct helper set" statements, and printing objects exactly as nft 1.0.6
 * does.  nft fills a timeout policy's unnamed states with its own
 * compiled-in defaults and prints only the states that differ from them;
 * so do we, which keeps the policy independent of the namespace's sysctls
 * and the two texts equal.
 * Does not own: parsing policies (rule_values.c) or helpers (ct_helpers.c),
 * the batch (nft_apply.c), the rule printer (nft_print.c), reading them
 * back (nft_read.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/udata.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "nat/nft_ct.h"
#include "nat/timeouts.h"

/* nft's state names and defaults, in libnftnl's array order. */
static const char *const tcp_states[NFTNL_CTTIMEOUT_TCP_MAX] = {
	"syn_sent", "syn_recv", "established", "fin_wait", "close_wait",
	"last_ack", "time_wait", "close", "syn_sent2", "retrans", "unack",
};
static const uint32_t tcp_dflt[NFTNL_CTTIMEOUT_TCP_MAX] = {
	120, 60, 432000, 120, 60, 30, 120, 10, 120, 300, 300,
};
static const char *const udp_states[NFTNL_CTTIMEOUT_UDP_MAX] = {
	"unreplied", "replied",
};
static const uint32_t udp_dflt[NFTNL_CTTIMEOUT_UDP_MAX] = { 30, 120 };

/* masqsh's state name (timeouts.h) -> array index. */
static const struct {
	const char *name;
	int idx;
} state_map[] = {
	{ "tcp-syn-sent", NFTNL_CTTIMEOUT_TCP_SYN_SENT },
	{ "tcp-syn-recv", NFTNL_CTTIMEOUT_TCP_SYN_RECV },
	{ "tcp-established", NFTNL_CTTIMEOUT_TCP_ESTABLISHED },
	{ "tcp-fin-wait", NFTNL_CTTIMEOUT_TCP_FIN_WAIT },
	{ "tcp-close-wait", NFTNL_CTTIMEOUT_TCP_CLOSE_WAIT },
	{ "tcp-last-ack", NFTNL_CTTIMEOUT_TCP_LAST_ACK },
	{ "tcp-time-wait", NFTNL_CTTIMEOUT_TCP_TIME_WAIT },
	{ "tcp-close", NFTNL_CTTIMEOUT_TCP_CLOSE },
	{ "tcp-retrans", NFTNL_CTTIMEOUT_TCP_RETRANS },
	{ "tcp-unacknowledged", NFTNL_CTTIMEOUT_TCP_UNACK },
	{ "udp-unreplied", NFTNL_CTTIMEOUT_UDP_UNREPLIED },
	{ "udp-stream", NFTNL_CTTIMEOUT_UDP_REPLIED },
};

void
nft_ct_timeout_name(const struct nat_rule *mr, char *buf, size_t size)
{
	if (mr->id)
		snprintf(buf, size, "masq-%lld", (long long)mr->id);
	else
		snprintf(buf, size, "masq-p%u", mr->pos);
}

void
nft_ct_rule_timeout(struct nftnl_rule *r, const struct nat_rule *mr)
{
	struct nftnl_expr *x;
	char name[32];

	if (!mr->timeout.n)
		return;
	x = nftnl_expr_alloc("objref");
	if (!x)
		abort();
	nft_ct_timeout_name(mr, name, sizeof(name));
	nftnl_expr_set_u32(x, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_CT_TIMEOUT);
	nftnl_expr_set_str(x, NFTNL_EXPR_OBJREF_IMM_NAME, name);
	nftnl_rule_add_expr(r, x);
}

static struct nftnl_obj *
obj_new(const struct nft_tab *t, const char *name, uint32_t type)
{
	struct nftnl_obj *o = nftnl_obj_alloc();

	if (!o)
		abort();
	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, (uint32_t)t->family);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, NAT_TABLE_NAME);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, type);
	return o;
}

static int
timeout_obj(struct nft_tab *t, const struct nat_rule *mr, struct masq_err *e)
{
	uint32_t v[NFTNL_CTTIMEOUT_ARRAY_MAX];
	const struct nat_timeout *tab;
	struct nftnl_obj *o;
	char name[32];
	size_t i, k, ntab;
	bool tcp = mr->proto.n == 1 && mr->proto.v[0] == IPPROTO_TCP;

	memset(v, 0, sizeof(v));
	if (tcp)
		memcpy(v, tcp_dflt, sizeof(tcp_dflt));
	else
		memcpy(v, udp_dflt, sizeof(udp_dflt));
	tab = nat_timeouts_table(&ntab);
	for (i = 0; i < mr->timeout.n; i++) {
		const char *sn = mr->timeout.state[i] < ntab ?
				 tab[mr->timeout.state[i]].name : "";

		for (k = 0; k < sizeof(state_map) / sizeof(state_map[0]); k++)
			if (!strcmp(state_map[k].name, sn))
				break;
		if (k == sizeof(state_map) / sizeof(state_map[0]) ||
		    strncmp(sn, tcp ? "tcp-" : "udp-", 4))
			return err_set(e, MASQ_EFAIL, "masq rule %lld: timeout "
				       "state '%s' cannot be compiled",
				       (long long)mr->id, sn);
		v[state_map[k].idx] = mr->timeout.secs[i];
	}
	nft_ct_timeout_name(mr, name, sizeof(name));
	o = obj_new(t, name, NFT_OBJECT_CT_TIMEOUT);
	nftnl_obj_set_u16(o, NFTNL_OBJ_CT_TIMEOUT_L3PROTO, (uint16_t)t->family);
	nftnl_obj_set_u8(o, NFTNL_OBJ_CT_TIMEOUT_L4PROTO,
			 tcp ? IPPROTO_TCP : IPPROTO_UDP);
	nftnl_obj_set_data(o, NFTNL_OBJ_CT_TIMEOUT_ARRAY, v, sizeof(v));
	nft_tab_add_obj(t, o);
	return 0;
}

static struct nftnl_expr *
expr_add(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *x = nftnl_expr_alloc(name);

	if (!x)
		abort();
	nftnl_rule_add_expr(r, x);
	return x;
}

static void
cmp_add(struct nftnl_rule *r, uint32_t op, const void *d, uint32_t len)
{
	struct nftnl_expr *x = expr_add(r, "cmp");

	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, d, len);
}

/* "meta l4proto P th dport LO[-HI] counter ct helper set NAME", with
 * the expressions nft generates for "tcp dport 21 counter ...". */
static struct nftnl_rule *
helper_rule(const struct nft_tab *t, const struct nat_helper *h,
	    const struct nat_port_range *pr)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *u;
	struct nftnl_expr *x;
	uint16_t lo = htons(pr->lo), hi = htons(pr->hi);
	char comment[48];

	if (!r)
		abort();
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, (uint32_t)t->family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NAT_TABLE_NAME);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "prerouting");
	x = expr_add(r, "meta");
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	cmp_add(r, NFT_CMP_EQ, &h->proto, 1);
	x = expr_add(r, "payload");
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE,
			   NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, 2);
	if (pr->lo == pr->hi) {
		cmp_add(r, NFT_CMP_EQ, &lo, 2);
	} else {
		cmp_add(r, NFT_CMP_GTE, &lo, 2);
		cmp_add(r, NFT_CMP_LTE, &hi, 2);
	}
	expr_add(r, "counter");
	x = expr_add(r, "objref");
	nftnl_expr_set_u32(x, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_CT_HELPER);
	nftnl_expr_set_str(x, NFTNL_EXPR_OBJREF_IMM_NAME, h->name);
	snprintf(comment, sizeof(comment), "masqsh helper %s", h->name);
	u = nftnl_udata_buf_alloc(64);
	if (!u)
		abort();
	nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, comment);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
			    nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	return r;
}

/* Helper objects and rules for table @t; the rules go first in its
 * prerouting chain, so forwarded connections get their helper too. */
static void
helpers_compile(struct nft_tab *t, const struct nat_helpers *hs)
{
	struct nft_chainset *cs = NULL;
	size_t i, j, k, n0, nnew;

	for (i = 0; i < t->n_chains; i++)
		if (!strcmp(nftnl_chain_get_str(t->chains[i].chain,
						NFTNL_CHAIN_NAME), "prerouting"))
			cs = &t->chains[i];
	if (!cs)
		return;
	n0 = cs->n_rules;
	for (i = 0; i < hs->n; i++) {
		const struct nat_helper *h = &hs->v[i];
		struct nftnl_obj *o;

		if (t->family == NFPROTO_IPV6 && !nat_helper_has_ipv6(h->name))
			continue;
		o = obj_new(t, h->name, NFT_OBJECT_CT_HELPER);
		nftnl_obj_set_str(o, NFTNL_OBJ_CT_HELPER_NAME, h->name);
		nftnl_obj_set_u16(o, NFTNL_OBJ_CT_HELPER_L3PROTO,
				  (uint16_t)t->family);
		nftnl_obj_set_u8(o, NFTNL_OBJ_CT_HELPER_L4PROTO, h->proto);
		nft_tab_add_obj(t, o);
		for (j = 0; j < h->ports.n; j++)
			nft_chainset_add_rule(cs, helper_rule(t, h,
						&h->ports.v[j]), NULL);
	}
	/* Rotate the new rules to the front. */
	nnew = cs->n_rules - n0;
	for (k = 0; k < nnew && n0; k++) {
		struct nftnl_rule *r = cs->rules[n0 + k];
		struct nft_origin o = cs->origin[n0 + k];

		memmove(&cs->rules[k + 1], &cs->rules[k],
			n0 * sizeof(*cs->rules));
		memmove(&cs->origin[k + 1], &cs->origin[k],
			n0 * sizeof(*cs->origin));
		cs->rules[k] = r;
		cs->origin[k] = o;
	}
}

int
nft_ct_compile(struct nat_compiled *c, const struct nat_ruleset *rs,
	       struct masq_err *e)
{
	size_t i;
	int ti;

	for (ti = 0; ti < 2; ti++)
		if (c->tab[ti].present)
			helpers_compile(&c->tab[ti], &rs->helpers);
	for (i = 0; i < rs->n_masq; i++) {
		const struct nat_rule *mr = &rs->masq[i];
		struct nft_tab *t;

		if (!mr->timeout.n)
			continue;
		t = &c->tab[nat_rule_family(mr) == AF_INET6 ? NFT_TAB_IP6 :
			    NFT_TAB_IP];
		if (timeout_obj(t, mr, e) < 0)
			return -1;
	}
	return 0;
}

/* ---- printing ---- */

static const char *
l4_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" :
	       p == IPPROTO_DCCP ? "dccp" : p == IPPROTO_SCTP ? "sctp" :
	       p == IPPROTO_UDPLITE ? "udplite" : NULL;
}

static const char *
l3_name(uint16_t f)
{
	return f == NFPROTO_IPV4 ? "ip" : f == NFPROTO_IPV6 ? "ip6" :
	       f == NFPROTO_INET ? "inet" : "unknown";
}

static void
print_timeout(struct strbuf *b, struct nftnl_obj *o, bool script)
{
	uint8_t l4 = nftnl_obj_get_u8(o, NFTNL_OBJ_CT_TIMEOUT_L4PROTO);
	uint32_t len = 0, i, max;
	const uint32_t *v = nftnl_obj_get_data(o, NFTNL_OBJ_CT_TIMEOUT_ARRAY,
					       &len);
	const char *const *names = l4 == IPPROTO_TCP ? tcp_states : udp_states;
	const uint32_t *dflt = l4 == IPPROTO_TCP ? tcp_dflt : udp_dflt;
	const char *sep = "";
	const char *l4n = l4_name(l4);

	max = l4 == IPPROTO_TCP ? NFTNL_CTTIMEOUT_TCP_MAX :
	      NFTNL_CTTIMEOUT_UDP_MAX;
	if (l4n)
		strbuf_addf(b, "\t\tprotocol %s\n", l4n);
	else
		strbuf_addf(b, "\t\tprotocol %u\n", l4);
	strbuf_addf(b, "\t\tl3proto %s\n", l3_name(nftnl_obj_get_u16(o,
					NFTNL_OBJ_CT_TIMEOUT_L3PROTO)));
	strbuf_addf(b, "\t\tpolicy = { ");
	for (i = 0; v && i < max && i < len / sizeof(uint32_t); i++) {
		if (v[i] == dflt[i])
			continue;
		strbuf_addf(b, "%s%s : %u", sep, names[i], v[i]);
		sep = ", ";
	}
	if (script && !*sep)	/* all defaults: "{  }" does not load */
		strbuf_addf(b, "%s : %u", names[0], dflt[0]);
	strbuf_addf(b, " }\n");
}

void
nft_ct_objs_print(struct strbuf *b, const struct nft_tab *t, bool script)
{
	size_t i;

	for (i = 0; i < t->n_objs; i++) {
		struct nftnl_obj *o = t->objs[i];	/* getters are not const */
		uint32_t type = nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE);
		const char *name = nftnl_obj_get_str(o, NFTNL_OBJ_NAME);

		if (type == NFT_OBJECT_CT_TIMEOUT) {
			strbuf_puts(b, "\tct timeout ");
			nft_put_text(b, name, SIZE_MAX);
			strbuf_puts(b, " {\n");
			print_timeout(b, o, script);
		} else if (type == NFT_OBJECT_CT_HELPER) {
			uint8_t l4 = nftnl_obj_get_u8(o,
					NFTNL_OBJ_CT_HELPER_L4PROTO);

			strbuf_puts(b, "\tct helper ");
			nft_put_text(b, name, SIZE_MAX);
			strbuf_puts(b, " {\n\t\ttype \"");
			nft_put_text(b, nftnl_obj_get_str(o,
						NFTNL_OBJ_CT_HELPER_NAME),
				     SIZE_MAX);
			strbuf_addf(b, "\" protocol %s\n",
				    l4_name(l4) ? l4_name(l4) : "unknown");
			strbuf_addf(b, "\t\tl3proto %s\n",
			       l3_name(nftnl_obj_get_u16(o,
					NFTNL_OBJ_CT_HELPER_L3PROTO)));
		} else {
			strbuf_puts(b, "\t# unknown object ");
			nft_put_text(b, name, SIZE_MAX);
			strbuf_puts(b, " {\n");
		}
		strbuf_addf(b, "\t}\n\n");
	}
}

bool
nft_ct_objref_text(const struct nftnl_expr *x, char *buf, size_t size)
{
	const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_NAME);
	uint32_t type;

	if (!name || strcmp(name, "objref") ||
	    !nftnl_expr_is_set(x, NFTNL_EXPR_OBJREF_IMM_NAME))
		return false;
	type = nftnl_expr_get_u32(x, NFTNL_EXPR_OBJREF_IMM_TYPE);
	if (type != NFT_OBJECT_CT_TIMEOUT && type != NFT_OBJECT_CT_HELPER)
		return false;
	snprintf(buf, size, "ct %s set \"%s\"",
		 type == NFT_OBJECT_CT_TIMEOUT ? "timeout" : "helper",
		 nftnl_expr_get_str(x, NFTNL_EXPR_OBJREF_IMM_NAME));
	return true;
}

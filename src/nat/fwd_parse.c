/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fwd_parse.c - the keyword form of `forward add` (see rule.h):
 *   in IFACE [dst ADDR] [proto tcp|udp] dport PORTS to ADDR[:PORT|:LO-HI]
 *   [from SOURCE[!EXCL]] [hairpin] [comment TEXT]
 * Keywords in any order, each once, unique prefixes accepted.  Without
 * proto a forward covers tcp and udp.  An IPv6 target with a port is
 * written in brackets, "[2001:db8::5]:80".  A to-port range maps the
 * dport range one to one, so both must be equally long.
 * Does not own: the value parsers (rule_addr.c, rule_parse.c) and the
 * canonical text (rule_format.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/kw.h"
#include "core/xalloc.h"
#include "nat/rule_int.h"

enum fkw {
	FK_IN, FK_DST, FK_PROTO, FK_DPORT, FK_TO, FK_FROM, FK_HAIRPIN,
	FK_COMMENT, FK__N
};

static const char *const fkw_names[FK__N + 1] = {
	"in", "dst", "proto", "dport", "to", "from", "hairpin", "comment", NULL
};

/* What follows each keyword; NULL: a flag without a value. */
static const char *const fkw_usage[FK__N] = {
	"in IFACE", "dst ADDR", "proto tcp|udp", "dport PORT[,PORT|LOW-HIGH..]",
	"to ADDR[:PORT|:LOW-HIGH]", "from NET[,NET..][!EXCL[,..]]", NULL,
	"comment TEXT",
};

const char *const *
nat_forward_keywords(size_t *n)
{
	*n = FK__N;
	return fkw_names;
}

/* Which keyword @t is (core/kw.h: exact, else a unique prefix). */
static int
fkw_lookup(struct masq_err *e, const struct masq_tok *t)
{
	int k = kw_resolve(fkw_names, FK__N, t, "keyword", NULL, e);

	if (k < 0 && !e->hint[0])
		err_hint(e, "write 'forward add in IFACE dport PORTS to ADDR'");
	return k;
}

static int
fwd_proto(struct nat_pctx *c, const struct nat_span *sp, struct nat_proto *p)
{
	if (nat_p_proto(c, sp, p) < 0)
		return -1;
	if (!p->neg && p->n == 2 && ((p->v[0] == 6 && p->v[1] == 17) ||
				     (p->v[0] == 17 && p->v[1] == 6))) {
		p->v[0] = 6;
		p->v[1] = 17;
		return 0;
	}
	if (p->neg || p->n != 1 || (p->v[0] != 6 && p->v[0] != 17)) {
		nat_perr(c, sp, "a forward takes proto tcp or udp, not '%.*s'",
			 (int)sp->len, nat_span_str(sp));
		return err_hint(c->e, "write 'proto tcp', 'proto udp', or leave "
				"proto out for both");
	}
	return 0;
}

static int
fwd_to(struct nat_pctx *c, const struct nat_span *sp, struct nat_forward *f,
       struct nat_span *portsp)
{
	const char *s = nat_span_str(sp);
	struct nat_span addr = *sp;
	size_t i, colons = 0;

	memset(portsp, 0, sizeof(*portsp));
	for (i = 0; i < sp->len; i++)
		colons += s[i] == ':';
	if (sp->len && s[0] == '[') {
		const char *rb = memchr(s, ']', sp->len);

		if (!rb) {
			addr = nat_span_sub(sp, 0, 1);
			nat_perr(c, &addr, "'[' without a closing ']'");
			return err_hint(c->e, "write [2001:db8::5]:80");
		}
		i = (size_t)(rb - s);
		addr = nat_span_sub(sp, 1, i - 1);
		if (i + 1 < sp->len) {
			if (s[i + 1] != ':') {
				*portsp = nat_span_sub(sp, i + 1,
						       sp->len - i - 1);
				nat_perr(c, portsp, "':PORT' expected after "
					 "']'");
				return err_hint(c->e, "write [2001:db8::5]:80");
			}
			*portsp = nat_span_sub(sp, i + 2, sp->len - i - 2);
		}
	} else if (colons == 1) {
		i = (size_t)((const char *)memchr(s, ':', sp->len) - s);
		addr = nat_span_sub(sp, 0, i);
		*portsp = nat_span_sub(sp, i + 1, sp->len - i - 1);
	}
	if (memchr(nat_span_str(&addr), '/', addr.len)) {
		nat_perr(c, &addr, "a forward goes to one host, not a network");
		return err_hint(c->e, "write the inside server's address, e.g. "
				"'to 192.168.1.5:80'");
	}
	if (nat_p_net(c, &addr, &f->to) < 0)
		return -1;
	if (portsp->t) {
		if (nat_p_portrange(c, portsp, &f->toport) < 0)
			return -1;
		f->has_toport = true;
	}
	return 0;
}

/* Sort @tv into @key / @val: each keyword once, with its value, and
 * every keyword a forward needs. */
static int
fwd_collect(const struct masq_tok *tv, size_t tc,
	    const struct masq_tok *key[FK__N],
	    const struct masq_tok *val[FK__N], struct masq_err *e)
{
	size_t i;
	int k;

	for (i = 0; i < tc; i++) {
		k = fkw_lookup(e, &tv[i]);
		if (k < 0)
			return -1;
		if (key[k]) {
			err_tok(e, MASQ_EUSAGE, &tv[i], "'%s' given twice",
				fkw_names[k]);
			return err_hint(e, "give each keyword once");
		}
		key[k] = &tv[i];
		if (!fkw_usage[k])
			continue;	/* a flag: "hairpin" */
		if (i + 1 == tc) {
			err_tok(e, MASQ_EUSAGE, &tv[i], "'%s' needs a value",
				fkw_names[k]);
			return err_hint(e, "write %s", fkw_usage[k]);
		}
		val[k] = &tv[++i];
	}
	for (k = 0; k < FK__N; k++) {
		if (val[k] || k == FK_PROTO || k == FK_FROM ||
		    k == FK_COMMENT || k == FK_DST || k == FK_HAIRPIN)
			continue;
		err_set(e, MASQ_EUSAGE, "a forward needs '%s'", fkw_usage[k]);
		return err_hint(e, "e.g. 'forward add in eth0 proto tcp dport "
				"80 to 192.168.1.5'");
	}
	return 0;
}

/* in, proto (tcp and udp when not given), dport (never negated). */
static int
fwd_match(struct nat_pctx *c, const struct masq_tok *val[FK__N],
	  struct nat_forward *f)
{
	struct nat_span sp = nat_span_tok(val[FK_IN]);

	if (nat_p_ifname(c, &sp, &f->iif) < 0)
		return -1;
	sp = nat_span_tok(val[FK_PROTO]);
	if (sp.t) {
		if (fwd_proto(c, &sp, &f->proto) < 0)
			return -1;
	} else {
		f->proto.n = 2;
		f->proto.v[0] = 6;
		f->proto.v[1] = 17;
	}
	sp = nat_span_tok(val[FK_DPORT]);
	if (nat_p_dport(c, &sp, &f->dport, &f->proto) < 0)
		return -1;
	if (f->dport.neg) {
		sp.len = 1;
		nat_perr(c, &sp, "a forward cannot take negated ports");
		return err_hint(c->e, "list the ports to forward");
	}
	return 0;
}

/* to ADDR[:PORT[-PORT]]: a to-port range as long as the dport range. */
static int
fwd_target(struct nat_pctx *c, const struct masq_tok *val[FK__N],
	   struct nat_forward *f)
{
	struct nat_span sp = nat_span_tok(val[FK_TO]), portsp;
	unsigned int dlen, tlen;

	if (fwd_to(c, &sp, f, &portsp) < 0)
		return -1;
	if (!f->has_toport || f->toport.hi == f->toport.lo)
		return 0;
	tlen = (unsigned int)(f->toport.hi - f->toport.lo) + 1;
	dlen = f->dport.n == 1 ? (unsigned int)(f->dport.v[0].hi -
		f->dport.v[0].lo) + 1 : 0;
	if (tlen == dlen)
		return 0;
	nat_perr(c, &portsp, "to-port range %u-%u is %u ports long, but "
		 "dport is %s %u", f->toport.lo, f->toport.hi, tlen, dlen ?
		 "a range of" : "a list, not a range; length", dlen ? dlen :
		 (unsigned int)f->dport.n);
	return err_hint(c->e, "give one to-port, or a range as long as the "
			"one dport range");
}

/* dst ADDR: one public address, of the target's family (parsed after
 * "to", so the context's family already holds it). */
static int
fwd_dst(struct nat_pctx *c, const struct masq_tok *val[FK__N],
	struct nat_forward *f)
{
	struct nat_span sp = nat_span_tok(val[FK_DST]);

	if (!sp.t)
		return 0;
	if (memchr(nat_span_str(&sp), '/', sp.len)) {
		nat_perr(c, &sp, "dst is one public address, not a network");
		return err_hint(c->e, "write the address connections arrive "
				"for, e.g. 'dst 198.51.100.3'");
	}
	if (nat_p_net(c, &sp, &f->dst) < 0)
		return -1;
	f->has_dst = true;
	return 0;
}

/* dst ADDR, from SOURCE, hairpin, comment TEXT. */
static int
fwd_extra(struct nat_pctx *c, const struct masq_tok *key[FK__N],
	  const struct masq_tok *val[FK__N], struct nat_forward *f)
{
	struct nat_span sp = nat_span_tok(val[FK_FROM]);
	const struct masq_tok *cm = val[FK_COMMENT];

	if (fwd_dst(c, val, f) < 0)
		return -1;
	if (sp.t && nat_p_netlist(c, &sp, &f->src, false) < 0)
		return -1;
	f->hairpin = key[FK_HAIRPIN] != NULL;
	if (f->hairpin && !f->has_dst && f->iif.wildcard) {
		err_tok(c->e, MASQ_EUSAGE, key[FK_HAIRPIN], "hairpin on '%s+' "
			"needs 'dst ADDR': the public address is not known",
			f->iif.name);
		return err_hint(c->e, "give the public address with 'dst', or "
				"name the interface");
	}
	if (!cm || !cm->s[0])
		return 0;
	if (strlen(cm->s) > NAT_COMMENT_MAX) {
		err_tok(c->e, MASQ_EUSAGE, cm, "comment is longer than %d "
			"characters", NAT_COMMENT_MAX);
		return err_hint(c->e, "shorten it; nftables keeps short "
				"comments");
	}
	f->comment = xstrdup(cm->s);
	return 0;
}

int
nat_forward_parse_kw(struct nat_forward *f, const struct masq_tok *tv,
		     size_t tc, struct masq_err *e)
{
	const struct masq_tok *val[FK__N] = { NULL }, *key[FK__N] = { NULL };
	struct nat_pctx c = { e, 0 };

	if (fwd_collect(tv, tc, key, val, e) < 0 ||
	    fwd_match(&c, val, f) < 0 || fwd_target(&c, val, f) < 0 ||
	    fwd_extra(&c, key, val, f) < 0) {
		nat_forward_done(f);
		return -1;
	}
	return 0;
}

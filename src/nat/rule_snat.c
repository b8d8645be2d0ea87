/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule_snat.c - one line of a Shorewall 5 snat file (shorewall-snat(5)),
 * the successor of the masq file, read into the same rule model:
 *
 *   ACTION SOURCE DEST PROTO PORT [SPORT] IPSEC MARK USER SWITCH
 *   ORIGDEST PROBABILITY                     (SPORT with ?FORMAT 2 only)
 *
 * ACTION is MASQUERADE[+][([LOW[-HIGH]][random])], SNAT[+](ADDRESS...)
 * with the masq file's ADDRESS syntax inside the parentheses (address or
 * range, :LOW-HIGH, :random, :persistent, detect), or CONTINUE[+]; a '+'
 * is the masq file's leading '+' on INTERFACE (before one-to-one NAT).
 * ACCEPT and NONAT are read as CONTINUE: the masq file's NONAT says the
 * same thing, "this traffic is not translated", and the issue asked for
 * them -- although Shorewall 5.2's compiler refuses both in a snat file
 * ("Invalid ACTION"; tests/netns/621 records the difference).
 * DEST is the masq file's INTERFACE column without the '+'.  The other
 * columns are the masq file's.
 *
 * Refused, each with the column marked: what the model cannot express
 * (SPORT, SWITCH, ORIGDEST, PROBABILITY, log levels and the LOG, NFLOG
 * and ULOG actions, user-defined actions, $FW, providers, ipsets, inline
 * matches ';;', the '{ key=value }' form) and what Shorewall's compiler
 * refuses (MASQUERADE with persistent, SNAT without an address, options
 * on CONTINUE, a missing ACTION or DEST, a SOURCE interface with
 * exclusions).  tests/netns/621 holds these verdicts against Shorewall's
 * own compiler.
 *
 * Does not own: the file (directives, comments, which format a file is:
 * shell/cmd_import.c), the value parsers (rule_parse.c, rule_values.c,
 * rule_addr.c), writing the format (rule_format.c).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "nat/rule_int.h"

#define SNAT_COLS_MAX 12

enum snat_col {
	SC_ACTION, SC_SOURCE, SC_DEST, SC_PROTO, SC_PORT, SC_SPORT, SC_IPSEC,
	SC_MARK, SC_USER, SC_SWITCH, SC_ORIGDEST, SC_PROBABILITY, SC__N
};

static const char *const col_names[SC__N] = {
	"ACTION", "SOURCE", "DEST", "PROTO", "PORT", "SPORT", "IPSEC",
	"MARK", "USER", "SWITCH", "ORIGDEST", "PROBABILITY",
};

/* The ACTION words of the format (what makes a line a snat line). */
static const char *const action_names[] = {
	"MASQUERADE", "SNAT", "CONTINUE", "ACCEPT", "NONAT", "LOG", "NFLOG",
	"ULOG", NULL
};

/* Length of the action name at @s: upper-case letters. */
static size_t
action_name_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && isupper((unsigned char)s[i]); i++)
		;
	return i;
}

bool
nat_snat_line(const char *text)
{
	const char *s = text + strspn(text, " \t");
	size_t n = strcspn(s, " \t\r\n#"), k = action_name_len(s, n), i;

	if (k == 0 || (k < n && !strchr("+(:", s[k])))
		return false;
	for (i = 0; action_names[i]; i++)
		if (strlen(action_names[i]) == k &&
		    memcmp(action_names[i], s, k) == 0)
			return true;
	return false;
}

/* MASQUERADE's parameter: [LOW[-HIGH]][[:]random]. */
static int
action_masq(struct nat_pctx *c, const struct nat_span *par,
	    struct nat_rule *r, struct nat_marks *mk)
{
	const char *s = nat_span_str(par);
	struct nat_span ports = *par;
	const char *p = memmem(s, par->len, "persistent", 10);

	if (p) {
		mk->persistent = nat_span_sub(par, (size_t)(p - s), 10);
		nat_perr(c, &mk->persistent, "MASQUERADE takes no persistent "
			 "(Shorewall refuses it too)");
		return err_hint(c->e, "use SNAT(FIRST-LAST:persistent) for a "
				"stable address from a range");
	}
	if (par->len >= 6 && memcmp(s + par->len - 6, "random", 6) == 0) {
		mk->random = nat_span_sub(par, par->len - 6, 6);
		r->random = true;
		ports.len -= 6;
		if (ports.len && s[ports.len - 1] == ':')
			ports.len--;
	}
	if (ports.len == 0)
		return 0;
	mk->ports = ports;
	if (nat_p_portrange(c, &ports, &r->ports) < 0) {
		err_hint(c->e, "write MASQUERADE(LOW-HIGH), "
			 "MASQUERADE(LOW-HIGH:random) or MASQUERADE(random)");
		return -1;
	}
	r->has_ports = true;
	return 0;
}

/* SNAT's parameter: the masq file's ADDRESS column, an address needed. */
static int
action_snat(struct nat_pctx *c, const struct nat_span *act,
	    const struct nat_span *par, struct nat_rule *r,
	    struct nat_marks *mk)
{
	if (par->len == 0 || nat_span_str(par)[0] == ':') {
		nat_perr(c, par->len ? par : act, "SNAT needs an address: "
			 "masqsh cannot keep the source address and change "
			 "only the port");
		return err_hint(c->e, "write SNAT(ADDRESS[:LOW-HIGH]) or "
				"MASQUERADE(LOW-HIGH)");
	}
	if (nat_col_address(c, par, r, mk) < 0)
		return -1;
	if (!mk->snat.t && !mk->detect.t) {
		nat_perr(c, par, "SNAT(%.*s) names no address", (int)par->len,
			 nat_span_str(par));
		return err_hint(c->e, "write SNAT(ADDRESS), SNAT(FIRST-LAST) "
				"or SNAT(detect); for no translation write "
				"CONTINUE");
	}
	return 0;
}

/* The name, '+', "(PARAMS)" and ":LEVEL" of ACTION, split. */
struct action_parts {
	struct nat_span name, plus, par, level;
	bool has_par;
};

static int
action_split(struct nat_pctx *c, const struct nat_span *sp,
	     struct action_parts *ap)
{
	const char *s = nat_span_str(sp), *rp;
	size_t k = action_name_len(s, sp->len), i;

	memset(ap, 0, sizeof(*ap));
	ap->name = nat_span_sub(sp, 0, k);
	i = k;
	if (i < sp->len && s[i] == '+') {
		ap->plus = nat_span_sub(sp, i, 1);
		i++;
	}
	if (i < sp->len && s[i] == '(') {
		rp = memchr(s + i, ')', sp->len - i);
		if (!rp) {
			ap->par = nat_span_sub(sp, i, 1);
			nat_perr(c, &ap->par, "'(' without a closing ')'");
			return err_hint(c->e, "write e.g. SNAT(203.0.113.10)");
		}
		ap->has_par = true;
		ap->par = nat_span_sub(sp, i + 1, (size_t)(rp - s) - i - 1);
		i = (size_t)(rp - s) + 1;
	}
	if (i < sp->len && s[i] == ':') {
		ap->level = nat_span_sub(sp, i, sp->len - i);
		nat_perr(c, &ap->level, "log level '%.*s': masqsh does not "
			 "log NAT rules", (int)ap->level.len - 1, s + i + 1);
		return err_hint(c->e, "remove ':%.*s'", (int)ap->level.len - 1,
				s + i + 1);
	}
	if (i < sp->len || k == 0) {
		struct nat_span at = k ? nat_span_sub(sp, i, sp->len - i) :
					 *sp;

		nat_perr(c, &at, "'%.*s' is not a snat ACTION", (int)sp->len,
			 s);
		return err_hint(c->e, "write MASQUERADE[+][(PORTS)], "
				"SNAT[+](ADDRESS) or CONTINUE[+]");
	}
	return 0;
}

/* ACTION column. */
static int
col_action(struct nat_pctx *c, const struct nat_span *sp, struct nat_rule *r,
	   struct nat_marks *mk)
{
	struct action_parts ap;
	char w[16] = "";
	const char *sug;

	if (nat_span_is(sp, "-")) {
		nat_perr(c, sp, "ACTION must be given");
		return err_hint(c->e, "write MASQUERADE, SNAT(ADDRESS) or "
				"CONTINUE");
	}
	if (action_split(c, sp, &ap) < 0)
		return -1;
	r->early = ap.plus.t != NULL;
	if (nat_span_is(&ap.name, "MASQUERADE"))
		return ap.has_par ? action_masq(c, &ap.par, r, mk) : 0;
	if (nat_span_is(&ap.name, "SNAT")) {
		if (ap.has_par)
			return action_snat(c, &ap.name, &ap.par, r, mk);
		nat_perr(c, sp, "SNAT needs its address in parentheses");
		return err_hint(c->e, "write SNAT(203.0.113.10)");
	}
	if (nat_span_is(&ap.name, "CONTINUE") ||
	    nat_span_is(&ap.name, "ACCEPT") ||
	    nat_span_is(&ap.name, "NONAT")) {
		if (ap.has_par) {
			nat_perr(c, &ap.par, "%.*s takes no options",
				 (int)ap.name.len, nat_span_str(&ap.name));
			return err_hint(c->e, "write %.*s alone",
					(int)ap.name.len,
					nat_span_str(&ap.name));
		}
		r->action = NAT_NONAT;
		mk->nonat = ap.name;
		return 0;
	}
	if (nat_span_is(&ap.name, "LOG") || nat_span_is(&ap.name, "NFLOG") ||
	    nat_span_is(&ap.name, "ULOG")) {
		nat_perr(c, &ap.name, "%.*s: masqsh does not log NAT rules",
			 (int)ap.name.len, nat_span_str(&ap.name));
		return err_hint(c->e, "remove the line, or log in the filter "
				"table");
	}
	nat_span_copy(&ap.name, w, sizeof(w));
	sug = err_suggest(w, action_names);
	nat_perr(c, &ap.name, "unknown ACTION '%.*s'", (int)ap.name.len,
		 nat_span_str(&ap.name));
	if (sug)
		return err_hint(c->e, "did you mean '%s'?", sug);
	return err_hint(c->e, "masqsh reads MASQUERADE, SNAT(...), CONTINUE "
			"(ACCEPT, NONAT); user-defined actions are not "
			"supported");
}

/* Is the rest @rest of DEST after "IFACES:" an alias label?  Digits,
 * then the end or ':' and an IPv4 list (aliases are IPv4 only, and an
 * IPv6 DEST may start with digits: "eth0:200::/8"). */
static size_t
dest_alias_len(const struct nat_span *rest)
{
	const char *s = nat_span_str(rest);
	size_t d;

	for (d = 0; d < rest->len && isdigit((unsigned char)s[d]); d++)
		;
	if (d == 0 || d > 3)
		return 0;
	if (d == rest->len)
		return d;
	if (s[d] != ':' || memchr(s + d + 1, ':', rest->len - d - 1))
		return 0;
	return d;
}

/* DEST column: IFACE[:DIGIT][,..][:[DEST[,..][!EXCL]]]. */
static int
col_dest(struct nat_pctx *c, const struct nat_span *sp, struct nat_rule *r,
	 struct nat_marks *mk)
{
	const char *s = nat_span_str(sp);
	struct nat_span ifs, rest;
	size_t i, d;

	if (nat_span_is(sp, "-")) {
		nat_perr(c, sp, "DEST must be given: the outgoing interface");
		return err_hint(c->e, "e.g. 'MASQUERADE 192.168.1.0/24 eth0'");
	}
	if (s[0] == '+' || s[0] == '$') {
		struct nat_span at = nat_span_sub(sp, 0, s[0] == '$' ?
						  sp->len : 1);

		nat_perr(c, &at, s[0] == '+' ? "a leading '+' belongs to the "
			 "ACTION in a snat file" : "'%.*s': masqsh translates "
			 "forwarded traffic only (no SNAT in INPUT)",
			 (int)sp->len, s);
		return err_hint(c->e, s[0] == '+' ? "write e.g. MASQUERADE+" :
				"name the outgoing interface");
	}
	for (i = 0; i < sp->len && s[i] != ':'; i++)
		;
	ifs = nat_span_sub(sp, 0, i);
	if (memchr(s, '(', i)) {
		nat_perr(c, &ifs, "providers sharing an interface are not "
			 "supported");
		return err_hint(c->e, "name the interface alone and SNAT to "
				"the provider's address");
	}
	if (nat_p_iflist(c, &ifs, &r->oifs, &r->n_oifs) < 0)
		return -1;
	if (i == sp->len)
		return 0;
	rest = nat_span_sub(sp, i + 1, sp->len - i - 1);
	d = dest_alias_len(&rest);
	if (d) {
		mk->alias = nat_span_sub(&rest, 0, d);
		if (nat_p_alias(c, &mk->alias, &r->alias) < 0)
			return -1;
		d += d < rest.len;
		rest = nat_span_sub(&rest, d, rest.len - d);
	} else if (rest.len && nat_span_str(&rest)[0] == ':' &&
		   !(rest.len > 2 && !strncmp(nat_span_str(&rest), "::", 2) &&
		     nat_span_str(&rest)[2] != ':')) {
		/* "eth2::192.0.2.32/27" (no alias) and ":" + "::/0"; but
		 * "eth0:::/0" is the IPv6 DEST "::/0" as Shorewall6 reads
		 * it, one ':' after the interface */
		rest = nat_span_sub(&rest, 1, rest.len - 1);
	}
	if (rest.len == 0)
		return 0;
	if (nat_span_str(&rest)[0] == '+') {
		nat_perr(c, &rest, "ipsets are not supported");
		return err_hint(c->e, "list the addresses");
	}
	return nat_p_netlist(c, &rest, &r->dst, false);
}

/*
 * Split @buf (a copy of @text) at blanks into @col (positions against
 * @line at @base).  The columns given, or -1.
 */
static int
snat_split(char *buf, const char *text, const char *line, size_t base,
	   int ncols, struct masq_tok col[SNAT_COLS_MAX + 1],
	   struct masq_err *e)
{
	int n = 0;
	size_t i = 0, j;
	char *semi = strstr(buf, ";;");

	if (semi) {
		/* Shorewall starts inline matches at ";;" anywhere */
		struct masq_tok t = { .s = semi, .line = line,
				      .off = base + (size_t)(semi - buf),
				      .len = 2 };

		err_tok(e, MASQ_EUSAGE, &t, "';;' with inline matches is not "
			"supported");
		return err_hint(e, "write the columns in order; '-' leaves "
				"one empty");
	}
	for (;;) {
		i += strspn(buf + i, " \t\r\n");
		if (!buf[i])
			break;
		j = i + strcspn(buf + i, " \t\r\n");
		col[n] = (struct masq_tok){ .s = buf + i, .line = line,
					    .off = base + i, .len = j - i };
		if (buf[i] == '{') {
			err_tok(e, MASQ_EUSAGE, &col[n], "the '{ COLUMN=VALUE }' "
				"form is not supported");
			return err_hint(e, "write the columns in order; '-' "
					"leaves one empty");
		}
		if (++n > ncols) {
			err_tok(e, MASQ_EUSAGE, &col[n - 1], "too many columns: "
				"a snat line has at most %d", ncols);
			return err_hint(e, "ACTION SOURCE DEST PROTO PORT%s "
					"IPSEC MARK USER SWITCH ORIGDEST "
					"PROBABILITY", ncols == SNAT_COLS_MAX ?
					" SPORT" : "");
		}
		if (!buf[j])
			break;
		buf[j] = '\0';
		i = j + 1;
	}
	for (i = (size_t)n; i < SNAT_COLS_MAX; i++)
		col[i] = (struct masq_tok){ .s = "-", .line = line,
					    .off = base + strlen(text) };
	return n;
}

/* SPORT, SWITCH, ORIGDEST, PROBABILITY: only '-'. */
static int
col_refused(struct nat_pctx *c, const struct masq_tok *t, enum snat_col k)
{
	static const char *const why[SC__N] = {
		[SC_SPORT] = "source-port matches are not part of the rule "
			     "model",
		[SC_SWITCH] = "nf_condition switches are not available in "
			      "nftables",
		[SC_ORIGDEST] = "matching the original destination is not "
				"part of the rule model",
		[SC_PROBABILITY] = "random rule selection is not part of the "
				   "rule model",
	};

	static const char *const fix[SC__N] = {
		[SC_SPORT] = "", [SC_SWITCH] = "; 'apply' and 'rollback' "
		"switch rule sets", [SC_ORIGDEST] = "; SNAT the inside "
		"server's address instead", [SC_PROBABILITY] = "; "
		"SNAT(FIRST-LAST) spreads connections over addresses",
	};

	if (!strcmp(t->s, "-"))
		return 0;
	err_tok(c->e, MASQ_EUSAGE, t, "%s '%s': %s", col_names[k], t->s,
		why[k]);
	return err_hint(c->e, "leave %s empty ('-')%s", col_names[k], fix[k]);
}

/* Columns into @r; @col is indexed by enum snat_col. */
static int
snat_cols(struct nat_pctx *c, const struct masq_tok *col[SC__N],
	  struct nat_rule *r)
{
	struct nat_marks mk;
	struct nat_span sp;

	memset(&mk, 0, sizeof(mk));
	sp = nat_span_tok(col[SC_DEST]);
	if (col_dest(c, &sp, r, &mk) < 0)
		return -1;
	sp = nat_span_tok(col[SC_SOURCE]);
	if (!nat_span_is(&sp, "-") && nat_p_source(c, &sp, r) < 0)
		return -1;
	if (r->has_src_if && r->src.n_exc) {
		/* shorewall check: "SOURCE interface may not be specified
		 * with a source IP address in the POSTROUTING chain" */
		nat_perr(c, &sp, "a SOURCE interface takes no exclusions in a "
			 "snat file (Shorewall refuses it too)");
		return err_hint(c->e, "name the networks behind it instead: "
				"NET!EXCL");
	}
	sp = nat_span_tok(col[SC_ACTION]);
	if (col_action(c, &sp, r, &mk) < 0)
		return -1;
	mk.proto = nat_span_tok(col[SC_PROTO]);
	if (!nat_span_is(&mk.proto, "-") &&
	    nat_p_proto(c, &mk.proto, &r->proto) < 0)
		return -1;
	mk.dport = nat_span_tok(col[SC_PORT]);
	if (!nat_span_is(&mk.dport, "-") &&
	    nat_p_dport(c, &mk.dport, &r->dport, &r->proto) < 0)
		return -1;
	sp = nat_span_tok(col[SC_IPSEC]);
	if (!nat_span_is(&sp, "-") && nat_p_ipsec(c, &sp, &r->ipsec) < 0)
		return -1;
	sp = nat_span_tok(col[SC_MARK]);
	if (!nat_span_is(&sp, "-") && nat_p_mark(c, &sp, &r->mark) < 0)
		return -1;
	sp = nat_span_tok(col[SC_USER]);
	if (!nat_span_is(&sp, "-") && nat_p_owner(c, &sp, &r->owner) < 0)
		return -1;
	if (col_refused(c, col[SC_SPORT], SC_SPORT) < 0 ||
	    col_refused(c, col[SC_SWITCH], SC_SWITCH) < 0 ||
	    col_refused(c, col[SC_ORIGDEST], SC_ORIGDEST) < 0 ||
	    col_refused(c, col[SC_PROBABILITY], SC_PROBABILITY) < 0)
		return -1;
	return nat_rule_validate(c, r, &mk);
}

int
nat_rule_parse_snat(struct nat_rule *r, const char *text, const char *line,
		    size_t base, int format, struct masq_err *e)
{
	struct nat_pctx c = { e, 0 };
	struct masq_tok col[SNAT_COLS_MAX + 1];
	const struct masq_tok *by[SC__N];
	static const struct masq_tok none = { .s = "-" };
	char *buf = xstrdup(text), *hash = strchr(buf, '#');
	int n, rc = -1, k, i;

	if (hash)
		*hash = '\0';
	n = snat_split(buf, text, line, base, format == 2 ? SNAT_COLS_MAX :
		       SNAT_COLS_MAX - 1, col, e);
	if (n == 0)
		rc = 1;
	if (n <= 0)
		goto out;
	/* format 1 has no SPORT: the columns after PORT move up one */
	for (k = 0, i = 0; k < SC__N; k++)
		by[k] = k == SC_SPORT && format != 2 ? &none : &col[i++];
	if (!isupper((unsigned char)col[0].s[0]) && strcmp(col[0].s, "-")) {
		/* before the count: a masq line here lacks no column, it is
		 * in the wrong file (actions are upper case, interface
		 * names in practice never) */
		err_tok(e, MASQ_EUSAGE, &col[0], "'%s' is not a snat ACTION",
			col[0].s);
		err_hint(e, "a snat line starts with MASQUERADE, SNAT(..) or "
			 "CONTINUE; a file is masq or snat, not both");
		goto out;
	}
	if (n < 3) {
		err_tok(e, MASQ_EUSAGE, &col[n], "the DEST column is missing");
		err_hint(e, "write ACTION SOURCE DEST ..., e.g. 'MASQUERADE "
			 "192.168.1.0/24 eth0'");
		goto out;
	}
	rc = snat_cols(&c, by, r);
	if (rc < 0)
		nat_rule_done(r);
out:
	free(buf);
	return rc;
}

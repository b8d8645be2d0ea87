/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rule.h - the NAT rule model: masquerade/SNAT rules with every column of
 * Shorewall's masq file (seeds/shorewall-masq.5.txt), and port forwards
 * (DNAT, the HOWTO's IPPORTFW).
 *
 * Owns: the in-memory model, parsing from the two user forms (keyword form
 * of `masq add ...` and the masq-file column form), validation with
 * positioned errors, and canonical formatting back to both forms.
 * Does not own: storage (core/store.c keeps each rule as its canonical
 * keyword text), compiling to nftables (nft_*.c), or printing tables.
 *
 * Canonical form: nat_rule_format_kw(r) is the keyword text without the
 * leading "masq add"; parsing it again yields an equal rule.  The store keeps
 * exactly that text, and nat_rule_from_text() is its only reader.
 */
#ifndef MASQ_NAT_RULE_H
#define MASQ_NAT_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define NAT_IFNAMSIZ 16		/* IFNAMSIZ, with the NUL */
#define NAT_MAX_PORTS 15	/* multiport's limit, kept from the masq file */
#define NAT_COMMENT_MAX 100	/* bytes of a rule's comment */

/* One address or network: a host is a network with a full prefix. */
struct nat_net {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; v4 in the first 4 */
	uint8_t plen;		/* prefix length */
};

/* "NET[,NET..][!EXCL[,EXCL..]]": no includes means "any". */
struct nat_netlist {
	struct nat_net *inc;
	size_t n_inc;
	struct nat_net *exc;
	size_t n_exc;
};

/* An interface name; "ppp+" is stored as name "ppp" with wildcard set. */
struct nat_ifname {
	char name[NAT_IFNAMSIZ];
	bool wildcard;
};

/* An address or an inclusive range of addresses (SNAT target). */
struct nat_addr_range {
	int family;
	uint8_t lo[16];
	uint8_t hi[16];		/* == lo for a single address */
};

struct nat_port_range {
	uint16_t lo, hi;	/* hi == lo for a single port */
};

/* PORT(S): up to NAT_MAX_PORTS ports/ranges, optionally negated. */
struct nat_ports {
	bool neg;
	size_t n;
	struct nat_port_range v[NAT_MAX_PORTS];
};

/* PROTO: one or more protocol numbers, optionally negated ("!tcp"). */
struct nat_proto {
	bool neg;
	size_t n;		/* 0: any protocol */
	uint8_t v[8];
};

enum nat_action {
	NAT_MASQUERADE = 0,	/* ADDRESS "-" or empty */
	NAT_SNAT,		/* ADDRESS is an address or a range */
	NAT_DETECT,		/* ADDRESS "detect": the interface's addresses */
	NAT_NONAT,		/* exempt: stop, no translation */
	NAT_PREFIX,		/* NPTv6: "prefix NET6", the from prefix mapped
				 * onto @prefix bit for bit (keyword form, and
				 * the ADDRESS column "prefix=NET6") */
};

/* IPSEC column.  Only what nftables can match is accepted. */
enum nat_ipsec_policy {
	NAT_IPSEC_ANY = 0,	/* column empty */
	NAT_IPSEC_YES,		/* will be encrypted ("yes" / options) */
	NAT_IPSEC_NO,		/* will not be encrypted ("no") */
};

struct nat_ipsec {
	enum nat_ipsec_policy policy;
	bool has_reqid, has_spi, has_tsrc, has_tdst;
	uint32_t reqid, spi;
	struct nat_net tsrc, tdst;	/* tunnel-src= / tunnel-dst= */
};

/* MARK: [!]value[/mask][:C] */
struct nat_mark {
	bool set, neg, ct;
	uint32_t value, mask;		/* mask 0xffffffff when omitted */
};

/* USER/GROUP: [!][user][:group] -- locally generated traffic only. */
struct nat_owner {
	bool set, neg, has_uid, has_gid;
	uint32_t uid, gid;
	char user[33], group[33];	/* names as given (for formatting) */
};

/*
 * Per-rule conntrack timeout policy ("timeout STATE=SECONDS[,..]"): the
 * connections the rule matches get these timeouts instead of the
 * namespace's.  state[] indexes the table of nat/timeouts.h, ascending and
 * without repeats; n == 0 means no policy.  The rule's protocol is one of
 * tcp or udp and every state belongs to it.
 */
#define NAT_RULE_TIMEOUTS_MAX 16
struct nat_ct_policy {
	size_t n;
	uint8_t state[NAT_RULE_TIMEOUTS_MAX];
	uint32_t secs[NAT_RULE_TIMEOUTS_MAX];
};

struct nat_rule {
	int64_t id;			/* store id; 0 before insertion */
	unsigned int pos;		/* 1-based order; set by the loader */

	/* INTERFACE */
	bool early;			/* leading '+' (before one-to-one NAT) */
	size_t n_oifs;			/* 0: any output interface (keyword
					 * form without 'out') */
	struct nat_ifname *oifs;
	int alias;			/* ":digit" label, -1 when none */
	struct nat_netlist dst;		/* ":dest" qualifiers + exclusions */

	/* SOURCE: networks, or (deprecated form) an inbound interface */
	struct nat_netlist src;
	bool has_src_if;
	struct nat_ifname src_if;

	/* ADDRESS */
	enum nat_action action;
	bool has_to;
	struct nat_addr_range to;	/* NAT_SNAT: the address or range */
	struct nat_net prefix;		/* NAT_PREFIX: the outside prefix */
	bool has_ports;
	struct nat_port_range ports;	/* ":lo-hi" source port remap */
	bool random, persistent;
	/* nft's fully-random (NF_NAT_RANGE_PROTO_RANDOM_FULLY, iptables'
	 * --random-fully): every source port from a PRNG, not a keyed hash
	 * of the flow; never together with random (the kernel would let
	 * fully-random win and the rule would say two things) */
	bool fully_random;

	struct nat_proto proto;		/* PROTO */
	struct nat_ports dport;		/* PORT(S) */
	struct nat_ipsec ipsec;		/* IPSEC */
	struct nat_mark mark;		/* MARK */
	struct nat_owner owner;		/* USER/GROUP */
	struct nat_ct_policy timeout;	/* keyword form only: no column */
	char *comment;			/* owned, or NULL */
};

/*
 * Port forward: DNAT from an inbound interface to an inside host.
 * With @has_dst only what arrives addressed to @dst (one of several public
 * addresses) is forwarded.  With @hairpin LAN clients that use the public
 * address reach the server too (nft_build.c: fwd_hairpin): DNAT of what
 * arrives on any other interface for @dst (without @dst: the addresses of
 * @iif, resolved at apply and kept current by the engine, as `detect`),
 * plus a masquerade of that leg so the server's reply comes back through
 * the gateway.  @src ("from") restricts the inbound leg only.
 */
struct nat_forward {
	int64_t id;
	unsigned int pos;
	struct nat_ifname iif;
	bool has_dst;
	struct nat_net dst;		/* a host, of the target's family */
	bool hairpin;
	struct nat_proto proto;		/* tcp, udp or both (n == 2) */
	struct nat_ports dport;		/* never negated */
	struct nat_net to;		/* a host (full prefix) */
	bool has_toport;
	struct nat_port_range toport;	/* a port, or a range as long as dport */
	struct nat_netlist src;		/* "from": allowed sources */
	char *comment;
};

/*
 * What a hairpin forward is compiled against (fwd_hairpin.c), read from
 * the namespace now: @pub the public addresses LAN clients use (the
 * forward's dst, else the global addresses of its inbound interface; none
 * when the interface is missing or has none yet -- the engine re-applies
 * when one appears), @lan the gateway's network holding the server (the
 * clients there need the masquerade leg; @has_lan false when the server
 * is on no network of the gateway).  Empty for a forward without hairpin.
 */
struct nat_hairpin {
	struct nat_net *pub;		/* full-prefix hosts; owned */
	size_t n_pub;
	bool has_lan;
	struct nat_net lan;		/* masked to its prefix */
};

/* Fill @hp for @f (see above).  -1 with @e set when rtnetlink cannot be
 * read; nothing to free then.  Else the caller calls _done. */
int nat_hairpin_resolve(const struct nat_forward *f, struct nat_hairpin *hp,
			struct masq_err *e);
void nat_hairpin_done(struct nat_hairpin *hp);
/* Is @a (of @family) one of @hp's public addresses? */
bool nat_hairpin_has_pub(const struct nat_hairpin *hp, int family,
			 const uint8_t *a);

/*
 * TCP MSS clamping (`clamp mss pmtu|N [out IFACE]`): SYNs forwarded out of
 * @oif (any interface when !has_oif) get their MSS option set to @mss, or
 * to the route's MTU minus 40 when @mss is 0 ("pmtu").  Stored as the
 * settings "clamp.mss" ("pmtu" or the number) and "clamp.out".
 */
#define NAT_CLAMP_MSS_MIN 88	/* the kernel's TCP_MIN_MSS */
#define NAT_CLAMP_MSS_MAX 65495

struct nat_clamp {
	bool on;
	uint16_t mss;			/* 0: "pmtu" (rt mtu) */
	bool has_oif;
	struct nat_ifname oif;
};

/*
 * Conntrack helpers (`helper add NAME [ports LIST]`): connections to one
 * of @ports (protocol @proto) get the kernel helper @name assigned in
 * prerouting.  Stored as the one setting "helpers" (nat_helpers_format).
 */
#define NAT_HELPERS_MAX 16
struct nat_helper {
	char name[16];			/* the kernel's helper name: "ftp" */
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct nat_ports ports;		/* never negated, n >= 1 */
};

struct nat_helpers {
	size_t n;
	struct nat_helper v[NAT_HELPERS_MAX];	/* sorted by name */
};

/* Rules in order, as `apply` compiles them. */
struct nat_ruleset {
	size_t n_masq, cap_masq;
	struct nat_rule *masq;
	size_t n_fwd, cap_fwd;
	struct nat_forward *fwd;
	struct nat_clamp clamp;		/* loaded from the settings */
	struct nat_helpers helpers;	/* loaded from the settings */
};

void nat_rule_init(struct nat_rule *r);
/* Free what @r owns and re-init it.  Cannot fail. */
void nat_rule_done(struct nat_rule *r);
void nat_forward_init(struct nat_forward *f);
void nat_forward_done(struct nat_forward *f);
void nat_ruleset_init(struct nat_ruleset *rs);
void nat_ruleset_done(struct nat_ruleset *rs);
/* Append a parsed rule; takes over what @r owns and re-inits @r. */
void nat_ruleset_add_masq(struct nat_ruleset *rs, struct nat_rule *r);
void nat_ruleset_add_fwd(struct nat_ruleset *rs, struct nat_forward *f);
/* True when any rule needs the ip6 table. */
bool nat_ruleset_has_ipv6(const struct nat_ruleset *rs);
/* The family of a rule: AF_INET6 if any address in it is v6, else AF_INET. */
int nat_rule_family(const struct nat_rule *r);

/*
 * Parse the keyword form (the words after "masq add"), e.g.
 *   out eth0 from 192.168.1.0/24 snat 203.0.113.10 proto tcp dport smtp
 * Tokens carry their positions; on error -1, @e marks the bad word and
 * says the fix, and @r is left initialised (caller still calls _done).
 * "at N" is NOT part of the rule: the caller strips it.
 */
int nat_rule_parse_kw(struct nat_rule *r, const struct masq_tok *tv,
		      size_t tc, struct masq_err *e);

/*
 * Parse one masq-file line in column form:
 *   INTERFACE SOURCE [ADDRESS [PROTO [PORT(S) [IPSEC [MARK [USER/GROUP]]]]]]
 * @text is the line's content; positions in errors are reported as
 * @base + offset into @text, against @line (the whole input line, which
 * may be @text itself with @base 0).  '#' starts a comment; "-" is an empty
 * column.  Returns 0 with a rule, 1 for a blank/comment-only line (nothing
 * parsed), -1 on error.
 */
int nat_rule_parse_columns(struct nat_rule *r, const char *text,
			   const char *line, size_t base, struct masq_err *e);

/*
 * One line of a Shorewall 5 snat file (rule_snat.c):
 *   ACTION SOURCE DEST [PROTO [PORT [SPORT] [IPSEC [MARK [USER [SWITCH
 *   [ORIGDEST [PROBABILITY]]]]]]]]
 * with SPORT only when @format is 2 (?FORMAT 2).  Positions, return
 * values and '#' as nat_rule_parse_columns().
 */
int nat_rule_parse_snat(struct nat_rule *r, const char *text,
			const char *line, size_t base, int format,
			struct masq_err *e);
/* Does the first word of @text name a snat ACTION (MASQUERADE, SNAT(..),
 * CONTINUE, ...)?  What tells a snat file from a masq file, whose first
 * column is an interface.  Cannot fail. */
bool nat_snat_line(const char *text);

/* Forward keyword form: the words after "forward add". */
int nat_forward_parse_kw(struct nat_forward *f, const struct masq_tok *tv,
			 size_t tc, struct masq_err *e);

/*
 * The keywords of the two keyword forms (@n of them), as the parsers
 * resolve typed words against them (core/kw.h).  The shell's grammars for
 * `masq add` and `forward add` hold the same words plus its own ("at",
 * "line"); tests/unit/check_rule.c keeps the two in step.  Cannot fail.
 */
const char *const *nat_rule_keywords(size_t *n);
const char *const *nat_forward_keywords(size_t *n);

/* "udp-unreplied=10,udp-stream=30": the value of a rule's timeout
 * keyword; NULL when @t is empty.  Caller frees. */
char *nat_ct_policy_format(const struct nat_ct_policy *t);

/* Canonical keyword form (no "masq add"/"forward add").  Caller frees. */
char *nat_rule_format_kw(const struct nat_rule *r);
char *nat_forward_format_kw(const struct nat_forward *f);
/* Masq-file column form, tab-separated, trailing "-" columns dropped,
 * comment not included.  NULL for a rule without interfaces: INTERFACE
 * is a required column.  Caller frees. */
char *nat_rule_format_columns(const struct nat_rule *r);
/* Snat-file line (format 1), tab-separated, trailing "-" columns
 * dropped, comment not included; NONAT is written CONTINUE.  NULL when
 * the rule has no snat form.  Caller frees. */
char *nat_rule_format_snat(const struct nat_rule *r);
/* Can @r be written as a snat line?  Not when Shorewall refuses it
 * (MASQUERADE with persistent, a SOURCE interface with exclusions), has no
 * word for it (MASQUERADE with fully-random, a rule for any interface:
 * DEST is required), or the line would read back otherwise (an interface
 * named "-" or "$..."). */
bool nat_rule_has_snat_form(const struct nat_rule *r);

/*
 * A rule from its stored text (rule_text.c): the canonical keyword form
 * that nat_rule_format_kw() / nat_forward_format_kw() give, as the
 * store's rows and a revision's lines hold it.  Every reader of a stored
 * rule comes here.  @id is set in the rule and named in the error: -1
 * with MASQ_ESTORE, "stored masq rule ID no longer parses: <why>" and the
 * way out ('masq del ID').  @r / @f must be initialised.
 */
int nat_rule_from_text(struct nat_rule *r, const char *text, int64_t id,
		       struct masq_err *e);
int nat_forward_from_text(struct nat_forward *f, const char *text,
			  int64_t id, struct masq_err *e);

/*
 * The ruleset as text (rule_text.c): one "masq add ..." line per masq
 * rule, then one "forward add ..." line per forward, each the rule's
 * stored text -- a `masqsh -f` script, and what a revision keeps.
 * Settings (clamp, helpers) are not part of it.  Caller frees.
 */
char *nat_ruleset_text(const struct nat_ruleset *rs);
/* The store ids of @rs in the order of its text, space-separated (a
 * revision's rule_ids).  Caller frees. */
char *nat_ruleset_text_ids(const struct nat_ruleset *rs);
/* How many rule lines @text (NULL: none) holds.  Cannot fail. */
size_t nat_ruleset_text_count(const char *text);
/*
 * Append the rules of @text to @rs, in order, with positions, and with
 * the ids of @ids (nat_ruleset_text_ids(); NULL or too short: 0 for the
 * rest).  Lines that are not rules are skipped.  -1 as
 * nat_rule_from_text() at the first rule that no longer parses; @rs then
 * holds the rules before it.
 */
int nat_ruleset_from_text(struct nat_ruleset *rs, const char *text,
			  const char *ids, struct masq_err *e);

/*
 * Load the staged rules from @s (core/store.h): every row parsed back from
 * its canonical text, ids and positions set.  A row that no longer parses
 * is an MASQ_ESTORE error naming its id.  @rs must be initialised.
 */
struct store;
int nat_ruleset_load(struct store *s, struct nat_ruleset *rs,
		     struct masq_err *e);

/*
 * The clamp setting from its stored text: @mss "pmtu" or a number in
 * NAT_CLAMP_MSS_MIN..NAT_CLAMP_MSS_MAX, @out an interface name ("ppp+"
 * for a prefix) or NULL for any.  @mss NULL means clamping is off.  -1
 * (MASQ_EUSAGE) with @e naming the bad value.
 */
int nat_clamp_parse(struct nat_clamp *c, const char *mss, const char *out,
		    struct masq_err *e);
/* "pmtu out wan0", "1452", ...: the words after "clamp mss".  Caller
 * frees.  NULL when clamping is off. */
char *nat_clamp_format(const struct nat_clamp *c);

/*
 * Conntrack helpers (ct_helpers.c).  nat_helper_parse() reads the values of
 * `helper add NAME [ports LIST]` (@ports NULL when not given) into @h,
 * with the helper's standard port when no list is given; -1 (MASQ_EUSAGE)
 * marking the bad word or the bad part of it.
 * nat_helpers_parse() reads the stored setting text; nat_helpers_format()
 * gives it ("ftp=21,2121 tftp=69"; "" when empty; caller frees).
 * nat_helpers_load() fills @hs from the store's "helpers" setting (a value
 * that no longer parses is MASQ_ESTORE).  nat_helpers_put() adds or
 * replaces @h by name; -1 when the table is full.  nat_helpers_del()
 * removes @name; -1 when absent.
 */
int nat_helper_parse(struct nat_helper *h, const struct masq_tok *name,
		     const struct masq_tok *ports, struct masq_err *e);
int nat_helpers_parse(struct nat_helpers *hs, const char *text,
		      struct masq_err *e);
char *nat_helpers_format(const struct nat_helpers *hs);
int nat_helpers_load(struct store *s, struct nat_helpers *hs,
		     struct masq_err *e);
int nat_helpers_put(struct nat_helpers *hs, const struct nat_helper *h);
int nat_helpers_del(struct nat_helpers *hs, const char *name);
/* The kernel helper names masqsh knows, NULL-terminated. */
extern const char *const nat_helper_names[];
/* Whether the kernel's helper @name exists for IPv6 (irc, pptp, snmp and
 * netbios-ns are IPv4 only). */
bool nat_helper_has_ipv6(const char *name);

/* Helpers shared with the forward parser, the compiler and the shell. */
int nat_net_parse(struct nat_net *n, const char *s, int want_family);
/* "192.168.1.0/24" or "10.0.0.1" (full prefix printed bare).  Caller frees. */
char *nat_net_format(const struct nat_net *n);
/*
 * Matching a flow's values against a rule's columns, for the user-space
 * readers of the rules (conntrack attribution, explain, the engine); the
 * kernel side is what nft_build.c compiles.
 */
/* Does protocol @num carry ports: tcp, udp, dccp, sctp, udplite? */
bool nat_proto_has_ports(uint8_t num);
/* Is address @a (@family: 4 or 16 bytes) inside network @n? */
bool nat_net_has(const struct nat_net *n, int family, const uint8_t *a);
/* 1: in @l (no includes means any address), 0: in none of its includes,
 * -1: in one of its exclusions. */
int nat_netlist_has(const struct nat_netlist *l, int family,
		    const uint8_t *a);
/* Does interface @name match @ifn ("ppp+" matches ppp0 and ppp too)? */
bool nat_ifname_match(const struct nat_ifname *ifn, const char *name);
/* Is @port inside one of @p's ranges (@p->neg is the caller's)? */
bool nat_ports_has(const struct nat_ports *p, uint16_t port);

/* Protocol name/number: built in for the common ones (as netbase names
 * them; the file may be missing), else /etc/protocols; -1 if unknown. */
int nat_proto_lookup(const char *s);
const char *nat_proto_name(uint8_t num);	/* borrowed, NULL if none */
/* Service name/number via /etc/services for @proto ("tcp"/"udp"/NULL). */
int nat_service_lookup(const char *s, const char *proto);

#endif

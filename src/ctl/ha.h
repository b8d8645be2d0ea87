/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha.h - a NAT pair: two gateways sharing virtual addresses (keepalived,
 * VRRP) and their conntrack table (conntrackd, FTFW), so that a failover
 * keeps every masqueraded connection.
 *
 * Owns the pair's settings (struct ha_conf, kept as "ha.*" settings in the
 * store: no schema change), their words (ha_conf_set(), also the fuzzed
 * parser), the configuration files derived from them (ha_conf.c) and
 * writing those files and asking systemd to reload the services (ha_run.c).
 *
 * Does not replicate anything itself: conntrackd and keepalived do that;
 * we generate their files, start nothing, and check them (src/diag).
 */
#ifndef MASQ_CTL_HA_H
#define MASQ_CTL_HA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/store.h"

#define HA_VIPS_MAX 16
#define HA_IFNAMSIZ 16
#define HA_ADDRSTRLEN 46	/* INET6_ADDRSTRLEN */
#define HA_PATH_MAX 512
#define HA_PRIO_MASTER 150
#define HA_PRIO_BACKUP 100
#define HA_VRID_DEFAULT 51
#define HA_HELPERS_MAX 16		/* NAT_HELPERS_MAX */
#define HA_HELPER_NAMSIZ 16

struct ha_vip {
	char ifname[HA_IFNAMSIZ];
	int family;			/* AF_INET or AF_INET6 */
	char addr[HA_ADDRSTRLEN];	/* canonical (inet_ntop) */
	unsigned int plen;
};

struct ha_conf {
	char sync_dev[HA_IFNAMSIZ];	/* "" when no sync link is set */
	int family;			/* of peer and local */
	char peer[HA_ADDRSTRLEN];
	char local[HA_ADDRSTRLEN];	/* "" : the sync dev's address */
	bool master;			/* initial VRRP state */
	unsigned int priority;		/* 1..254 */
	unsigned int vrid;		/* first virtual router id, 1..255 */
	size_t n_vips;
	struct ha_vip vips[HA_VIPS_MAX];
	/* the conntrack helpers of `helper add` (the "helpers" setting, not
	 * an ha.* one): their expectations are replicated (ExpectationSync) */
	size_t n_helpers;
	char helpers[HA_HELPERS_MAX][HA_HELPER_NAMSIZ];
};

/* No pair: backup, priority 100, vrid 51, nothing set.  Cannot fail. */
void ha_conf_init(struct ha_conf *c);
/* Is anything set (a sync link or a virtual address)? */
bool ha_conf_any(const struct ha_conf *c);

/*
 * Words, checked.  Each returns -1 (MASQ_EUSAGE, message naming the word)
 * and leaves @c unchanged on error.
 *   ha_ifname_check: 1..15 bytes of [A-Za-z0-9._-] (the names go into
 *     configuration files: nothing there may be read as syntax).
 *   ha_addr_parse: one IPv4/IPv6 address, canonical into @buf.
 */
int ha_ifname_check(const char *name, struct masq_err *e);
int ha_addr_parse(const char *s, int *family, char buf[HA_ADDRSTRLEN],
		  struct masq_err *e);
/* "ADDR/PLEN" (PLEN defaults to 32 / 128) on @ifname. */
int ha_vip_parse(struct ha_vip *v, const char *ifname, const char *s,
		 struct masq_err *e);
/* Add @v (an equal one already there is not added twice). */
int ha_vip_add(struct ha_conf *c, const struct ha_vip *v, struct masq_err *e);
/* Remove the VIP equal to @v; -1 (MASQ_EFAIL) when there is none. */
int ha_vip_del(struct ha_conf *c, const struct ha_vip *v, struct masq_err *e);

/*
 * The interfaces that have virtual addresses, each once, in the order
 * they first appear, into @ifs (borrowed from @c); their count.  The
 * i-th gets VRRP router id c->vrid + i.  Cannot fail.
 */
size_t ha_ifaces(const struct ha_conf *c, const char *ifs[HA_VIPS_MAX]);
/* The router id of @ifname's VRRP instance, 0 when it has no VIP. */
unsigned int ha_vrid_of(const struct ha_conf *c, const char *ifname);

/*
 * One stored setting: @key without the "ha." prefix ("sync.dev",
 * "sync.peer", "sync.local", "role", "priority", "vrid", "vips") and its
 * text.  The parser the store's text goes through (fuzzed: fuzz_ha).
 */
int ha_conf_set(struct ha_conf *c, const char *key, const char *val,
		struct masq_err *e);

/* Read the "ha.*" settings of @s into @c (ha_conf_init() first). */
int ha_conf_load(struct store *s, struct ha_conf *c, struct masq_err *e);
/* Replace the "ha.*" settings by @c (every key written or deleted). */
int ha_conf_save(struct store *s, const struct ha_conf *c,
		 struct masq_err *e);
/* Delete every "ha.*" setting. */
int ha_conf_clear(struct store *s, struct masq_err *e);

/* ---- the generated files (ha_conf.c) ---- */

/* Where the files go and the run-time paths they name. */
struct ha_paths {
	bool custom;			/* under a directory (tests, labs) */
	char dir[128];			/* "" : the standard paths; the
					 * socket path (108) limits it */
	char conntrackd_conf[HA_PATH_MAX];
	char keepalived_conf[HA_PATH_MAX];
	char notify[HA_PATH_MAX];	/* the notify script */
	char ctl_socket[HA_PATH_MAX];	/* conntrackd's UNIX socket */
	char lock[HA_PATH_MAX];
	char log[HA_PATH_MAX];
	char state[HA_PATH_MAX];	/* the notify script's last event */
};

/* The standard paths (@dir NULL) or all of them under @dir.  -1
 * (MASQ_EUSAGE) when @dir is not absolute, too long or has characters a
 * configuration file cannot quote (blanks, quotes, '#', controls). */
int ha_paths_init(struct ha_paths *p, const char *dir, struct masq_err *e);

/*
 * The three files, complete and commented.  -1 (MASQ_EFAIL) when @c lacks
 * what the file needs (no sync link; no virtual address), or the local
 * sync address cannot be found on the sync dev.  *@text is the caller's.
 */
int ha_conntrackd_text(const struct ha_conf *c, const struct ha_paths *p,
		       char **text, struct masq_err *e);
int ha_keepalived_text(const struct ha_conf *c, const struct ha_paths *p,
		       char **text, struct masq_err *e);
int ha_notify_text(const struct ha_conf *c, const struct ha_paths *p,
		   char **text, struct masq_err *e);

/* Does this node carry @v's address on @v's interface now?  Cannot
 * fail (false when the interfaces cannot be read). */
bool ha_vip_held(const struct ha_vip *v);

/* ---- writing them (ha_run.c) ---- */

struct ha_apply_res {
	bool reloaded_conntrackd;	/* systemd runs it: try-restart done */
	bool reloaded_keepalived;
	bool systemd;			/* systemd is PID 1 here */
};

/*
 * Write the three files to @p's paths, each atomically (a temporary file
 * in the same directory, fsync, rename; the script mode 0755, the rest
 * 0644), then, when systemd is running, "systemctl try-restart
 * conntrackd" and "try-reload-or-restart keepalived" (a service systemd
 * does not run is left alone).  On a write error no file of the three
 * that failed is left half-written; earlier ones stay.
 */
int ha_apply(const struct ha_conf *c, const struct ha_paths *p,
	     struct ha_apply_res *res, struct masq_err *e);

/*
 * Run @argv[0] (an absolute path) with @argv, no shell, stdin from
 * /dev/null, stdout+stderr into @out (@size bytes, NUL-terminated,
 * may be NULL).  Returns the exit status, 127 when it cannot run, -1
 * (MASQ_EFAIL) when fork fails.
 */
int ha_run(const char *const *argv, char *out, size_t size,
	   struct masq_err *e);

/* The first of conntrackd's usual paths that is executable, or NULL. */
const char *ha_conntrackd_bin(void);

/*
 * ICMP echo to @addr (of @family) out of @ifname, up to @tries requests,
 * @ms apart; 1 when an answer came, 0 when none, -1 (MASQ_EFAIL, errno
 * text) when the socket cannot be made (needs CAP_NET_RAW).
 */
int ha_ping(const char *ifname, int family, const char *addr,
	    unsigned int tries, unsigned int ms, struct masq_err *e);

/*
 * The state file the notify script writes on every transition: one line
 * "primary|backup|fault SECONDS" (time(2)).  0 with @event and *@when
 * set, -1 when @text is not such a line (anything else may be in a file
 * someone edited).  Cannot fail otherwise.  Fuzzed (fuzz_ha).
 */
int ha_state_parse(const char *text, char event[8], long long *when);

/* ---- conntrackd's statistics (ha_stats.c) ---- */

/* What `conntrackd -s` says, the numbers diag ha judges. */
struct ha_ctd_stats {
	bool seen_cache, seen_sync;	/* its sections were found */
	unsigned long long active_internal, active_external;
	unsigned long long failed;	/* every "failed:" of the caches */
	unsigned long long pkts_sent, pkts_recv;
	unsigned long long err_send, err_recv;
	unsigned long long malformed, lost;
};

/*
 * Read the text of `conntrackd -s` (any length, any bytes; what is not
 * understood is skipped).  Cannot fail; fields not found stay 0.  The
 * fuzzed parser of fuzz_ha.
 */
void ha_ctd_stats_parse(const char *text, struct ha_ctd_stats *st);

/*
 * Does the conntrackd.conf @text replicate the expectations of @helper
 * (ExpectationSync On, or a list naming it; the last ExpectationSync
 * counts)?  1 yes, 0 no.  Any bytes; cannot fail.  The fuzzed parser of
 * fuzz_ha (ha_expect.c).
 */
int ha_expect_sync_covers(const char *text, const char *helper);

/* ---- the same rules on both nodes (ha_digest.c) ---- */

#define HA_DIGEST_HEXLEN 64

/*
 * The digest of a table's text as `show compiled` prints it: SHA-256 in
 * lower-case hex, the value `masqsh show compiled | sha256sum` gives, so
 * an admin can check it without masqsh.  Cannot fail.
 */
void ha_rules_digest(const char *text, char hex[HA_DIGEST_HEXLEN + 1]);

/*
 * The peer's digest as typed: 64 hex digits (either case), an optional
 * "sha256:" in front; canonical (lower case) into @hex.  -1 (MASQ_EUSAGE,
 * saying what is wrong) otherwise.  Fuzzed (fuzz_ha).
 */
int ha_digest_parse(const char *s, char hex[HA_DIGEST_HEXLEN + 1],
		    struct masq_err *e);

/*
 * The lines of @here that @peer lacks and those of @peer that @here lacks,
 * counted as multisets (a rule twice here and once there is one
 * difference); blank lines and trailing blanks or CR are ignored, so a
 * copy that went through another system still compares.  @fn gets each
 * ('-' here only, '+' on the peer only, the line without its end) in the
 * order of @here then @peer.  Returns the number of differences.
 * Any bytes; cannot fail.  Fuzzed (fuzz_ha).
 */
size_t ha_rules_compare(const char *here, const char *peer,
			void (*fn)(void *arg, char side, const char *line,
				   size_t len),
			void *arg);

/*
 * When ha_rules_compare() finds no difference the tables may still hold
 * their lines in another order, and order decides (first match wins).
 * The first non-blank line (1-based, ignoring what ha_rules_compare()
 * ignores) where @here and @peer differ, its text in each (@a and
 * @alen, @b and @blen; borrowed from the inputs); 0 when they are the same in
 * order (or one ends first: then the counts differ, which
 * ha_rules_compare() reports).  Cannot fail.  Fuzzed (fuzz_ha).
 */
size_t ha_rules_order(const char *here, const char *peer, const char **a,
		      size_t *alen, const char **b, size_t *blen);

/* ---- the pair now (ha_status.c): what `show ha` and masqtop show ---- */

struct ha_status {
	size_t held, n_vips;		/* virtual addresses held here / set */
	const char *state;		/* "master" (all held), "backup"
					 * (none), "split"; static */
	bool last_known;		/* the notify script's state file */
	char last_event[8];		/* "primary", "backup", "fault" */
	long long last_time;		/* time(2) of it */
	bool ctd_running;		/* conntrackd answered -s */
	struct ha_ctd_stats ctd;	/* its counters when it did */
};

/*
 * The pair as it runs now on this node: the VIPs of @c held here, the
 * state file at @p->state, `conntrackd -C @p->conntrackd_conf -s` (runs
 * it: up to its own time, a few ms).  Cannot fail: what cannot be read
 * is "not known" / "not running".
 */
void ha_status_get(const struct ha_conf *c, const struct ha_paths *p,
		   struct ha_status *st);

/* conntrackd's errors of every kind, summed as `show ha` counts them. */
unsigned long long ha_ctd_errors(const struct ha_ctd_stats *s);

#endif

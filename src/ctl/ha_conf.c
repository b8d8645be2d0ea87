/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha_conf.c - the NAT pair's files: conntrackd.conf (FTFW over the sync
 * link, with its external cache), keepalived.conf (one VRRP instance per
 * interface with virtual addresses, all in one sync group) and the notify
 * script keepalived runs on each change of state.
 *
 * Why these choices:
 *  - FTFW, not NOTRACK or ALARM: it acknowledges and retransmits, so a
 *    lost datagram on the sync link does not lose a connection.
 *  - unicast UDP to the peer, not multicast: a pair has one peer, and
 *    unicast needs no multicast route or IGMP on the sync link.
 *  - the external cache stays on (the default): the backup keeps the
 *    master's entries out of its kernel table until it becomes master and
 *    commits them, so its own table is not filled with entries it cannot
 *    yet route for.
 *  - the filter ignores connections to or from this node's own addresses,
 *    the peer's and the virtual ones (traffic to the gateways themselves:
 *    ssh, VRRP, conntrackd's own datagrams), as conntrackd's examples do.
 *    Masqueraded connections have a LAN client and a remote server at
 *    their ends and pass.
 *  - the notify script's order is conntrackd's own primary-backup.sh:
 *    primary: commit (-c), flush (-f), resync with the kernel (-R), bulk
 *    send (-B); backup: shorten the kernel's timers (-t), ask the peer for
 *    its table (-n); fault: -t.
 *
 * Owns generating text only: no file is written here (ha_run.c).  Reads
 * the node's addresses (getifaddrs) for the local sync address and the
 * filter, so the output depends on the node it runs on.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "core/strbuf.h"
#include "ctl/ha.h"

#define HA_SYNC_PORT 3780

/* Is @s safe inside a configuration file and a keepalived command line:
 * no blank, quote, '#', '\\', '$', '`' or control. */
static bool
ha_path_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || strchr("\"'#\\$`;&|<>*?", *s) ||
		    *s == 0x7f)
			return false;
	return true;
}

int
ha_paths_init(struct ha_paths *p, const char *dir, struct masq_err *e)
{
	struct sockaddr_un un;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (!dir) {
		snprintf(p->conntrackd_conf, HA_PATH_MAX,
			 "/etc/conntrackd/conntrackd.conf");
		snprintf(p->keepalived_conf, HA_PATH_MAX,
			 "/etc/keepalived/keepalived.conf");
		snprintf(p->notify, HA_PATH_MAX,
			 "/etc/conntrackd/masqsh-ha-notify.sh");
		snprintf(p->ctl_socket, HA_PATH_MAX, "/var/run/conntrackd.ctl");
		snprintf(p->lock, HA_PATH_MAX, "/var/lock/conntrack.lock");
		snprintf(p->log, HA_PATH_MAX, "/var/log/conntrackd.log");
		snprintf(p->state, HA_PATH_MAX, "/run/masqsh-ha.state");
		return 0;
	}
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (dir[0] != '/' || !ha_path_ok(dir))
		return err_set(e, MASQ_EUSAGE, "directory '%s' must be an "
			       "absolute path without blanks, quotes or shell "
			       "characters", dir);
	/* the socket path is the tightest limit */
	if (n + sizeof("/conntrackd.ctl") > sizeof(un.sun_path))
		return err_set(e, MASQ_EUSAGE, "directory '%s' is too long "
			       "for conntrackd's socket (%zu bytes at most)",
			       dir, sizeof(un.sun_path) -
			       sizeof("/conntrackd.ctl"));
	p->custom = true;
	snprintf(p->dir, sizeof(p->dir), "%.*s", (int)n, dir);
	snprintf(p->conntrackd_conf, HA_PATH_MAX, "%s/conntrackd.conf", p->dir);
	snprintf(p->keepalived_conf, HA_PATH_MAX, "%s/keepalived.conf", p->dir);
	snprintf(p->notify, HA_PATH_MAX, "%s/masqsh-ha-notify.sh", p->dir);
	snprintf(p->ctl_socket, HA_PATH_MAX, "%s/conntrackd.ctl", p->dir);
	snprintf(p->lock, HA_PATH_MAX, "%s/conntrackd.lock", p->dir);
	snprintf(p->log, HA_PATH_MAX, "%s/conntrackd.log", p->dir);
	snprintf(p->state, HA_PATH_MAX, "%s/ha.state", p->dir);
	return 0;
}

/* The addresses of this node, of @fam (0: both), on @ifname (NULL: any),
 * canonical, each once, appended to @v (@n so far, @max).  Link-local
 * IPv6 left out unless @ll. */
static size_t
ha_node_addrs(const char *ifname, int fam, bool ll,
	      char (*v)[HA_ADDRSTRLEN], size_t n, size_t max)
{
	struct ifaddrs *ifa, *i;
	char buf[HA_ADDRSTRLEN];
	size_t k;

	if (getifaddrs(&ifa) < 0)
		return n;
	for (i = ifa; i && n < max; i = i->ifa_next) {
		int f = i->ifa_addr ? i->ifa_addr->sa_family : 0;
		const void *a;

		if ((f != AF_INET && f != AF_INET6) || (fam && f != fam) ||
		    (ifname && strcmp(i->ifa_name, ifname)))
			continue;
		a = f == AF_INET ?
		    (const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr :
		    (const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (f == AF_INET6 && !ll &&
		    IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)a))
			continue;
		inet_ntop(f, a, buf, sizeof(buf));
		for (k = 0; k < n && strcmp(v[k], buf); k++)
			;
		if (k == n)
			memcpy(v[n++], buf, sizeof(buf));
	}
	freeifaddrs(ifa);
	return n;
}

bool
ha_vip_held(const struct ha_vip *v)
{
	char a[HA_VIPS_MAX][HA_ADDRSTRLEN];
	size_t i, n = ha_node_addrs(v->ifname, v->family, true, a, 0,
				    HA_VIPS_MAX);

	for (i = 0; i < n; i++)
		if (!strcmp(a[i], v->addr))
			return true;
	return false;
}

/* This node's sync address: stored, else the sync dev's first. */
static int
ha_local(const struct ha_conf *c, char out[HA_ADDRSTRLEN],
	 struct masq_err *e)
{
	char v[1][HA_ADDRSTRLEN];

	if (c->local[0]) {
		memcpy(out, c->local, HA_ADDRSTRLEN);
		return 0;
	}
	if (ha_node_addrs(c->sync_dev, c->family, false, v, 0, 1) == 1) {
		memcpy(out, v[0], HA_ADDRSTRLEN);
		return 0;
	}
	err_set(e, MASQ_EFAIL, "sync interface %s has no %s address",
		c->sync_dev, c->family == AF_INET6 ? "IPv6" : "IPv4");
	return err_hint(e, "give it one, or say which: 'ha sync dev %s peer "
			"%s local ADDR'", c->sync_dev, c->peer);
}

#define HA_IGNORE_MAX 64

/* conntrackd's "Address Ignore" lines: loopback, the sync addresses, the
 * virtual ones, every address this node has. */
static void
ha_ignore_block(struct strbuf *b, const struct ha_conf *c, const char *local)
{
	char v[HA_IGNORE_MAX][HA_ADDRSTRLEN];
	size_t i, n = 0, own;

	memcpy(v[n++], "127.0.0.1", sizeof("127.0.0.1"));
	memcpy(v[n++], "::1", sizeof("::1"));
	memcpy(v[n++], local, HA_ADDRSTRLEN);
	memcpy(v[n++], c->peer, HA_ADDRSTRLEN);
	for (i = 0; i < c->n_vips && n < HA_IGNORE_MAX; i++)
		memcpy(v[n++], c->vips[i].addr, HA_ADDRSTRLEN);
	own = n;
	/* link-local addresses left out: never forwarded, so never NATed,
	 * and listing them would tie the file to the MAC addresses */
	n = ha_node_addrs(NULL, 0, false, v, n, HA_IGNORE_MAX);
	strbuf_puts(b, "\t\t# connections to or from the gateways "
		    "themselves are not replicated\n"
		    "\t\tAddress Ignore {\n");
	for (i = 0; i < n; i++) {
		bool dup = false;
		size_t k;

		for (k = 0; k < i; k++)
			dup |= !strcmp(v[k], v[i]);
		if (dup)
			continue;
		strbuf_addf(b, "\t\t\tIPv%c_address %s%s\n",
			    strchr(v[i], ':') ? '6' : '4', v[i],
			    i == 0 || i == 1 ? " # loopback" :
			    i == 2 ? " # this node, sync link" :
			    i == 3 ? " # the peer, sync link" :
			    i < own ? " # virtual" : " # this node");
	}
	strbuf_puts(b, "\t\t}\n");
}

static int
ha_need_sync(const struct ha_conf *c, struct masq_err *e)
{
	if (c->sync_dev[0])
		return 0;
	err_set(e, MASQ_EFAIL, "no sync link is set");
	return err_hint(e, "'ha sync dev IFACE peer ADDR' first");
}

/*
 * ExpectationSync naming the configured helpers, nothing without any.
 * Named rather than "On": only the helpers masqsh assigns create
 * expectations, and a named list is what 'diag ha' (ha.helpers) checks
 * the file against.
 */
static void
ha_expect_block(struct strbuf *b, const struct ha_conf *c)
{
	size_t i;

	if (!c->n_helpers)
		return;
	strbuf_puts(b, "\t\t# the helpers' expectations (an FTP data "
		    "connection not yet\n\t\t# opened) are replicated too: "
		    "without them such a connection\n\t\t# fails after a "
		    "failover ('helper add' lists the helpers)\n"
		    "\t\tExpectationSync {\n");
	for (i = 0; i < c->n_helpers; i++)
		strbuf_addf(b, "\t\t\t%s\n", c->helpers[i]);
	strbuf_puts(b, "\t\t}\n");
}

int
ha_conntrackd_text(const struct ha_conf *c, const struct ha_paths *p,
		   char **text, struct masq_err *e)
{
	struct strbuf b = STRBUF_INIT;
	char local[HA_ADDRSTRLEN];
	char v = c->family == AF_INET6 ? '6' : '4';

	if (ha_need_sync(c, e) < 0 || ha_local(c, local, e) < 0)
		return -1;
	strbuf_addf(&b,
		"# conntrackd.conf for the masqsh NAT pair, written by masqsh\n"
		"# ('ha apply' / 'export conntrackd'); change the pair with "
		"'ha ...'\n# and re-run 'ha apply' rather than editing this "
		"file.\n#\n# FTFW: reliable replication (acknowledged, "
		"retransmitted) over the\n# sync link %s, to the peer %s.\n"
		"Sync {\n\tMode FTFW {\n"
		"\t\t# the peer's entries wait in the external cache until "
		"this\n\t\t# node becomes master and commits them (notify "
		"script: -c)\n\t\tDisableExternalCache Off\n"
		"\t\t# entries a commit has not finished in 30 min are "
		"dropped\n\t\tCommitTimeout 1800\n"
		"\t\t# the entries the peer says are gone live 5 s more\n"
		"\t\tPurgeTimeout 5\n\t}\n"
		"\tUDP {\n\t\tIPv%c_address %s\n"
		"\t\tIPv%c_Destination_Address %s\n\t\tPort %d\n"
		"\t\tInterface %s\n"
		"\t\tSndSocketBuffer 1249280\n\t\tRcvSocketBuffer 1249280\n"
		"\t\tChecksum on\n\t}\n"
		"\tOptions {\n\t\t# the kernel's window data is not "
		"replicated: the pair runs\n\t\t# with "
		"nf_conntrack_tcp_be_liberal=1 ('diag ha' checks)\n"
		"\t\tTCPWindowTracking Off\n",
		c->sync_dev, c->peer, v, local, v, c->peer, HA_SYNC_PORT,
		c->sync_dev);
	ha_expect_block(&b, c);
	strbuf_puts(&b, "\t}\n}\n");
	strbuf_addf(&b, "General {\n"
		"\t# %s\n\tSystemd %s\n"
		"\tHashSize 32768\n\tHashLimit 131072\n"
		"\tLogFile %s\n\tSyslog off\n\tLockFile %s\n"
		"\t# 'conntrackd -C THIS_FILE -s|-c|...' talk to the daemon "
		"here\n\tUNIX {\n\t\tPath %s\n\t}\n"
		"\t# a busy gateway overruns the default event buffer\n"
		"\tNetlinkBufferSize 2097152\n"
		"\tNetlinkBufferSizeMaxGrowth 8388608\n"
		"\tNetlinkOverrunResync On\n"
		"\tFilter From Userspace {\n"
		"\t\tProtocol Accept {\n\t\t\tTCP\n\t\t\tUDP\n"
		"\t\t\tICMP\n\t\t\tIPv6-ICMP\n\t\t}\n",
		p->custom ? "run in the foreground by hand (not by systemd)" :
		"the Debian unit is Type=notify",
		p->custom ? "off" : "on", p->log, p->lock, p->ctl_socket);
	ha_ignore_block(&b, c, local);
	strbuf_puts(&b, "\t}\n}\n");
	*text = strbuf_take(&b);
	return 0;
}

/* One vrrp_instance for @ifname, router id @vrid. */
static void
ha_instance(struct strbuf *b, const struct ha_conf *c, const char *ifname,
	    unsigned int vrid)
{
	int fam = 0;
	size_t i;

	strbuf_addf(b, "vrrp_instance masqsh_%s {\n"
		    "\t# the state it starts in; the priorities decide\n"
		    "\tstate %s\n\tinterface %s\n"
		    "\t# the same id on both gateways, unique on this link\n"
		    "\tvirtual_router_id %u\n\tpriority %u\n\tadvert_int 1\n"
		    "\t# announce the moved addresses again after 5 s "
		    "(switches that missed the first)\n"
		    "\tgarp_master_delay 5\n"
		    "\tvirtual_ipaddress {\n",
		    ifname, c->master ? "MASTER" : "BACKUP", ifname, vrid,
		    c->priority);
	/* one VRRP instance speaks one family: the first one's addresses
	 * are announced, the other family's move with them unannounced */
	for (i = 0; i < c->n_vips; i++) {
		const struct ha_vip *v = &c->vips[i];

		if (strcmp(v->ifname, ifname) || (fam && v->family != fam))
			continue;
		fam = v->family;
		strbuf_addf(b, "\t\t%s/%u dev %s\n", v->addr, v->plen,
			    v->ifname);
	}
	strbuf_puts(b, "\t}\n");
	for (i = 0; i < c->n_vips; i++) {
		const struct ha_vip *v = &c->vips[i];

		if (strcmp(v->ifname, ifname) || v->family == fam)
			continue;
		strbuf_addf(b, "\tvirtual_ipaddress_excluded {\n"
			    "\t\t%s/%u dev %s\n\t}\n", v->addr, v->plen,
			    v->ifname);
	}
	strbuf_puts(b, "}\n\n");
}

int
ha_keepalived_text(const struct ha_conf *c, const struct ha_paths *p,
		   char **text, struct masq_err *e)
{
	struct strbuf b = STRBUF_INIT;
	const char *ifs[HA_VIPS_MAX];
	size_t i, n = ha_ifaces(c, ifs);

	if (!n) {
		err_set(e, MASQ_EFAIL, "no virtual address is set");
		return err_hint(e, "'ha vip IFACE ADDR/PLEN' for the LAN and "
				"the WAN side first");
	}
	strbuf_addf(&b,
		"# keepalived.conf for the masqsh NAT pair, written by masqsh\n"
		"# ('ha apply' / 'export keepalived'); change the pair with "
		"'ha ...'\n# and re-run 'ha apply' rather than editing this "
		"file.\n#\n# This gateway: %s, priority %u.  No VRRP "
		"authentication (VRRPv2's is\n# a clear-text password): keep "
		"these links private.\n\n"
		"global_defs {\n\t# the notify script calls conntrackd, "
		"which needs root\n\tscript_user root\n%s"
		"}\n\n",
		c->master ? "master" : "backup", c->priority,
		p->custom ? "" : "\t# the script is root's, in a root-owned "
		"directory\n\tenable_script_security\n");
	strbuf_puts(&b, "# the LAN and WAN addresses move together: a "
		    "gateway holding only one side\n# would drop every "
		    "connection\nvrrp_sync_group masqsh {\n\tgroup {\n");
	for (i = 0; i < n; i++)
		strbuf_addf(&b, "\t\tmasqsh_%s\n", ifs[i]);
	strbuf_addf(&b, "\t}\n"
		    "\t# conntrackd: commit the peer's connections on "
		    "becoming master\n"
		    "\tnotify_master \"%s primary\"\n"
		    "\tnotify_backup \"%s backup\"\n"
		    "\tnotify_fault \"%s fault\"\n}\n\n",
		    p->notify, p->notify, p->notify);
	for (i = 0; i < n; i++)
		ha_instance(&b, c, ifs[i], c->vrid + (unsigned int)i);
	*text = strbuf_take(&b);
	return 0;
}

int
ha_notify_text(const struct ha_conf *c, const struct ha_paths *p,
	       char **text, struct masq_err *e)
{
	struct strbuf b = STRBUF_INIT;
	const char *bin = ha_conntrackd_bin();

	if (ha_need_sync(c, e) < 0)
		return -1;
	/* keepalived runs this file, never masqsh (tests/audit/no_shell.sh) */
	strbuf_addf(&b, "#!/bin/sh\n"
		"# keepalived's notify script for the masqsh NAT pair, written "
		"by masqsh\n# ('ha apply'); the steps and their order are "
		"conntrackd's own\n# primary-backup.sh.  Usage: %s "
		"primary|backup|fault\n"
		"CONNTRACKD=%s\nCONF=%s\nSTATE=%s\n\n"
		"run() {\n\t\"$CONNTRACKD\" -C \"$CONF\" \"$@\" ||\n"
		"\t\tlogger -t masqsh-ha \"conntrackd $* failed\"\n}\n\n"
		"# the last transition, for 'show ha'\n"
		"case \"$1\" in primary|backup|fault)\n"
		"\techo \"$1 $(date +%%s)\" >\"$STATE.tmp\" && "
		"mv \"$STATE.tmp\" \"$STATE\"\nesac\n\n"
		"case \"$1\" in\nprimary)\n"
		"\trun -c\t# commit the peer's connections (external cache) "
		"to the kernel\n"
		"\trun -f\t# flush the internal and external caches\n"
		"\trun -R\t# resynchronise the internal cache with the "
		"kernel table\n"
		"\trun -B\t# send the whole table to the peer\n\t;;\n"
		"backup)\n"
		"\t# conntrackd is started by its service, not here\n"
		"\t\"$CONNTRACKD\" -C \"$CONF\" -s >/dev/null 2>&1 ||\n"
		"\t\tlogger -t masqsh-ha \"conntrackd is not running\"\n"
		"\trun -t\t# shorten the kernel's timers: our entries are "
		"stale now\n"
		"\trun -n\t# ask the master for its table\n\t;;\n"
		"fault)\n\trun -t\n\t;;\n"
		"*)\n\techo \"usage: $0 primary|backup|fault\" >&2\n"
		"\texit 2\n\t;;\nesac\nexit 0\n",
		p->notify, bin ? bin : "/usr/sbin/conntrackd",
		p->conntrackd_conf, p->state);
	*text = strbuf_take(&b);
	return 0;
}

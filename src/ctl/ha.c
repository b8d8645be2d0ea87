/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ha.c - the NAT pair's settings: checking their words, reading and
 * writing them as "ha.*" settings of the store.
 *
 * The virtual addresses are one setting, "ha.vips", one "IF ADDR/PLEN"
 * per line, so that adding one is a single write and their order (the
 * order keepalived lists them in) is kept.  Everything read back from the
 * store goes through ha_conf_set() and is checked again: the database is
 * a file someone may have edited.
 *
 * Does not generate files (ha_conf.c) or run anything (ha_run.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "ctl/ha.h"
#include "nat/rule.h"

void
ha_conf_init(struct ha_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->priority = HA_PRIO_BACKUP;
	c->vrid = HA_VRID_DEFAULT;
}

bool
ha_conf_any(const struct ha_conf *c)
{
	return c->sync_dev[0] || c->n_vips;
}

int
ha_ifname_check(const char *name, struct masq_err *e)
{
	size_t i, n = strlen(name);

	if (n == 0 || n >= HA_IFNAMSIZ)
		return err_set(e, MASQ_EUSAGE, "interface name '%s' must be "
			       "1 to %d characters", name, HA_IFNAMSIZ - 1);
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-'))
			return err_set(e, MASQ_EUSAGE, "interface name '%s' "
				       "has a character the generated "
				       "files cannot hold (letters, digits, "
				       "'.', '_', '-')", name);
	}
	return 0;
}

int
ha_addr_parse(const char *s, int *family, char buf[HA_ADDRSTRLEN],
	      struct masq_err *e)
{
	unsigned char bin[16];
	int fam = strchr(s, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(fam, s, bin) != 1)
		return err_set(e, MASQ_EUSAGE, "'%s' is not an IPv4 or IPv6 "
			       "address", s);
	inet_ntop(fam, bin, buf, HA_ADDRSTRLEN);
	*family = fam;
	return 0;
}

int
ha_vip_parse(struct ha_vip *v, const char *ifname, const char *s,
	     struct masq_err *e)
{
	char addr[HA_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen;
	char *end;
	struct ha_vip nv;

	memset(&nv, 0, sizeof(nv));
	if (ha_ifname_check(ifname, e) < 0)
		return -1;
	if (alen >= sizeof(addr))
		return err_set(e, MASQ_EUSAGE, "'%s' is not an address/prefix "
			       "length", s);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (ha_addr_parse(addr, &nv.family, nv.addr, e) < 0)
		return -1;
	plen = nv.family == AF_INET ? 32 : 128;
	if (slash) {
		/* digits only: strtoul would take " 24", "+24" and "0x18" */
		if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3)
			goto bad_plen;
		plen = strtoul(slash + 1, &end, 10);
		if (*end || plen > (nv.family == AF_INET ? 32u : 128u))
			goto bad_plen;
	}
	nv.plen = (unsigned int)plen;
	snprintf(nv.ifname, sizeof(nv.ifname), "%s", ifname);
	*v = nv;
	return 0;
bad_plen:
	return err_set(e, MASQ_EUSAGE, "prefix length '%s' must be 0 to %d",
		       slash + 1, nv.family == AF_INET ? 32 : 128);
}

static bool
ha_vip_eq(const struct ha_vip *a, const struct ha_vip *b)
{
	return !strcmp(a->ifname, b->ifname) && !strcmp(a->addr, b->addr) &&
	       a->plen == b->plen;
}

int
ha_vip_add(struct ha_conf *c, const struct ha_vip *v, struct masq_err *e)
{
	size_t i;

	for (i = 0; i < c->n_vips; i++)
		if (ha_vip_eq(&c->vips[i], v))
			return 0;
	if (c->n_vips == HA_VIPS_MAX)
		return err_set(e, MASQ_EUSAGE, "already %d virtual addresses",
			       HA_VIPS_MAX);
	c->vips[c->n_vips++] = *v;
	return 0;
}

int
ha_vip_del(struct ha_conf *c, const struct ha_vip *v, struct masq_err *e)
{
	size_t i;

	for (i = 0; i < c->n_vips; i++) {
		if (!ha_vip_eq(&c->vips[i], v))
			continue;
		memmove(&c->vips[i], &c->vips[i + 1],
			(c->n_vips - i - 1) * sizeof(c->vips[0]));
		c->n_vips--;
		return 0;
	}
	err_set(e, MASQ_EFAIL, "no virtual address %s/%u on %s", v->addr,
		v->plen, v->ifname);
	return err_hint(e, "'ha show' lists them");
}

size_t
ha_ifaces(const struct ha_conf *c, const char *ifs[HA_VIPS_MAX])
{
	size_t i, j, n = 0;

	for (i = 0; i < c->n_vips; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(ifs[j], c->vips[i].ifname))
				break;
		if (j == n)
			ifs[n++] = c->vips[i].ifname;
	}
	return n;
}

unsigned int
ha_vrid_of(const struct ha_conf *c, const char *ifname)
{
	const char *ifs[HA_VIPS_MAX];
	size_t i, n = ha_ifaces(c, ifs);

	for (i = 0; i < n; i++)
		if (!strcmp(ifs[i], ifname))
			return c->vrid + (unsigned int)i;
	return 0;
}

/* The "vips" setting: lines of "IF ADDR/PLEN". */
static int
ha_vips_set(struct ha_conf *c, const char *val, struct masq_err *e)
{
	struct ha_conf nc = *c;
	char line[128], *sp;
	const char *p = val, *nl;
	size_t len;
	struct ha_vip v;

	/* unused slots zeroed: two confs with the same VIPs compare equal */
	nc.n_vips = 0;
	memset(nc.vips, 0, sizeof(nc.vips));
	for (; *p; p = nl ? nl + 1 : p + len) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == 0)
			continue;
		if (len >= sizeof(line))
			return err_set(e, MASQ_EUSAGE, "virtual address line "
				       "too long");
		memcpy(line, p, len);
		line[len] = '\0';
		sp = strchr(line, ' ');
		if (!sp)
			return err_set(e, MASQ_EUSAGE, "virtual address line "
				       "'%s' is not 'IF ADDR/PLEN'", line);
		*sp = '\0';
		if (ha_vip_parse(&v, line, sp + 1, e) < 0 ||
		    ha_vip_add(&nc, &v, e) < 0)
			return -1;
	}
	*c = nc;
	return 0;
}

/* A number @lo..@hi from @val, all digits. */
static int
ha_num(const char *key, const char *val, unsigned int lo, unsigned int hi,
       unsigned int *out, struct masq_err *e)
{
	unsigned long v;
	char *end;

	if (*val < '0' || *val > '9' || strlen(val) > 5)
		goto bad;
	v = strtoul(val, &end, 10);
	if (*end || v < lo || v > hi)
		goto bad;
	*out = (unsigned int)v;
	return 0;
bad:
	return err_set(e, MASQ_EUSAGE, "%s '%s' must be a number from %u to "
		       "%u", key, val, lo, hi);
}

int
ha_conf_set(struct ha_conf *c, const char *key, const char *val,
	    struct masq_err *e)
{
	char buf[HA_ADDRSTRLEN];
	int fam;

	if (!strcmp(key, "sync.dev")) {
		if (ha_ifname_check(val, e) < 0)
			return -1;
		snprintf(c->sync_dev, sizeof(c->sync_dev), "%s", val);
	} else if (!strcmp(key, "sync.peer") || !strcmp(key, "sync.local")) {
		if (ha_addr_parse(val, &fam, buf, e) < 0)
			return -1;
		if (c->family && fam != c->family)
			return err_set(e, MASQ_EUSAGE, "'%s': the peer and "
				       "local sync addresses must be of one "
				       "family", val);
		c->family = fam;
		memcpy(key[5] == 'p' ? c->peer : c->local, buf, sizeof(buf));
	} else if (!strcmp(key, "role")) {
		if (strcmp(val, "master") && strcmp(val, "backup"))
			return err_set(e, MASQ_EUSAGE, "role '%s' must be "
				       "'master' or 'backup'", val);
		c->master = val[0] == 'm';
	} else if (!strcmp(key, "priority")) {
		return ha_num("priority", val, 1, 254, &c->priority, e);
	} else if (!strcmp(key, "vrid")) {
		/* each VIP interface takes the next id: leave room */
		return ha_num("vrid", val, 1, 255 - HA_VIPS_MAX, &c->vrid, e);
	} else if (!strcmp(key, "vips")) {
		return ha_vips_set(c, val, e);
	} else {
		return err_set(e, MASQ_EUSAGE, "unknown ha setting '%s'", key);
	}
	return 0;
}

/* The names of the configured conntrack helpers into @c. */
static int
ha_helpers_load(struct store *s, struct ha_conf *c, struct masq_err *e)
{
	struct nat_helpers hs;
	size_t i;

	if (nat_helpers_load(s, &hs, e) < 0)
		return -1;
	for (i = 0; i < hs.n && i < HA_HELPERS_MAX; i++)
		snprintf(c->helpers[i], HA_HELPER_NAMSIZ, "%s", hs.v[i].name);
	c->n_helpers = i;
	return 0;
}

int
ha_conf_load(struct store *s, struct ha_conf *c, struct masq_err *e)
{
	struct store_setting *v = NULL;
	size_t i, n = 0;
	int rc = 0;

	ha_conf_init(c);
	if (store_settings_prefix(s, "ha.", &v, &n, e) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		rc = ha_conf_set(c, v[i].key + 3, v[i].val, e);
		if (rc < 0)
			err_prefix(e, "stored setting %s", v[i].key);
	}
	store_settings_free(v, n);
	return rc < 0 ? rc : ha_helpers_load(s, c, e);
}

/* "IF ADDR/PLEN\n..." for the store; NULL when there is none. */
static char *
ha_vips_format(const struct ha_conf *c)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	if (!c->n_vips)
		return NULL;
	for (i = 0; i < c->n_vips; i++)
		strbuf_addf(&b, "%s%s %s/%u", i ? "\n" : "",
			    c->vips[i].ifname, c->vips[i].addr,
			    c->vips[i].plen);
	return strbuf_take(&b);
}

int
ha_conf_save(struct store *s, const struct ha_conf *c, struct masq_err *e)
{
	char prio[16], vrid[16], *vips = ha_vips_format(c);
	bool any = ha_conf_any(c);
	int rc;

	snprintf(prio, sizeof(prio), "%u", c->priority);
	snprintf(vrid, sizeof(vrid), "%u", c->vrid);
	rc = store_setting_set(s, "ha.sync.dev", c->sync_dev[0] ?
			       c->sync_dev : NULL, e) < 0 ||
	     store_setting_set(s, "ha.sync.peer", c->peer[0] ? c->peer :
			       NULL, e) < 0 ||
	     store_setting_set(s, "ha.sync.local", c->local[0] ? c->local :
			       NULL, e) < 0 ||
	     store_setting_set(s, "ha.role", any ? (c->master ? "master" :
			       "backup") : NULL, e) < 0 ||
	     store_setting_set(s, "ha.priority", any ? prio : NULL, e) < 0 ||
	     store_setting_set(s, "ha.vrid", any ? vrid : NULL, e) < 0 ||
	     store_setting_set(s, "ha.vips", vips, e) < 0 ? -1 : 0;
	free(vips);
	return rc;
}

int
ha_conf_clear(struct store *s, struct masq_err *e)
{
	struct ha_conf c;

	ha_conf_init(&c);
	return ha_conf_save(s, &c, e);
}

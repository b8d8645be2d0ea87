/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_engine_apply.c - how `masqsh engine` puts rules into the kernel and
 * keeps track of the rules that run there, and its single-instance locks
 * (see cmd_engine.h).
 *
 * Owns: the engine's apply (start-up and `detect` re-resolution), which is
 * revision_apply() with the engine's flags, so it is one store write
 * transaction that never interleaves with an `apply`, `rollback` or
 * confirm expiry of another process; adopting revisions that others
 * applied; and the per-namespace and per-database locks.  Does not
 * own: the compiler and the kernel batch (nat/nft.h), revisions' SQL
 * (core/store.c), or the confirm logic (revision.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "nat/nft.h"
#include "nat/timeouts.h"
#include "shell/cmd_engine.h"
#include "shell/cmds_int.h"
#include "shell/revision.h"

/* Adopt @rs (moved in: @rs is left empty) as what runs, as of @rev_id. */
static void
engine_rules_take(struct engine *eng, struct nat_ruleset *rs, int64_t rev_id)
{
	ct_rules_free(eng->cr);
	nat_ruleset_done(&eng->rs);
	eng->rs = *rs;
	nat_ruleset_init(rs);
	eng->cr = ct_rules_new(&eng->rs);
	eng->rev_id = rev_id;
}

void
engine_rules_reindex(struct engine *eng)
{
	ct_rules_free(eng->cr);
	eng->cr = ct_rules_new(&eng->rs);
}

int
engine_apply(struct engine *eng, const char *why, bool detect_only,
	     struct masq_err *e)
{
	struct nat_ruleset rs;
	struct revision_req q = { .keep_pending = true,
				  .detect_only = detect_only,
				  .rules_out = &rs };
	struct revision_res res;
	unsigned int nt = 0;
	char origin[96];

	nat_ruleset_init(&rs);
	snprintf(origin, sizeof(origin), "engine: %s", why);
	q.origin = origin;
	if (revision_apply(eng->s, &q, &res, e) < 0)
		return -1;
	if (res.unchanged && !detect_only)
		engine_log(eng, LOG_INFO, "nothing to apply: revision %lld "
			   "is running (%s)", (long long)res.id, why);
	else if (!res.unchanged)
		engine_log(eng, LOG_NOTICE, "applied %zu rules (%u nft rules) "
			   "as revision %lld (%s)", res.n_rules,
			   res.nft_rules, (long long)res.id, why);
	engine_rules_take(eng, &rs, res.id);
	eng->started = true;
	if (res.unchanged)
		return 1;
	if (nat_timeouts_apply_stored(eng->s, &nt, e) < 0)
		return err_prefix(e, "the rules are applied, but setting the "
				  "stored timeouts failed");
	if (nt)
		engine_log(eng, LOG_NOTICE, "set %u stored conntrack timeouts",
			   nt);
	return 0;
}

void
engine_rules_refresh(struct engine *eng)
{
	struct store_revision last = { 0 };
	struct nat_ruleset rs;
	struct masq_err e;
	char *script = NULL;
	int64_t id;
	int have;

	err_init(&e);
	nat_ruleset_init(&rs);
	/* every check comes here: the id first (no texts read), the whole
	 * revision only when it is a new one */
	have = store_revision_last_id(eng->s, &id, &e);
	if (have == 0 && (id == eng->rev_id || id == eng->boot_id))
		goto out;
	if (have == 0)
		have = store_revision_last(eng->s, &last, &e);
	/* The revision that was newest at start is not followed: after a
	 * reboot the kernel does not run it, whatever the start-up apply
	 * did (a failed one keeps its alert and is retried). */
	if (have != 0 || last.id == eng->rev_id || last.id == eng->boot_id)
		goto out;
	/* Someone applied (or rolled back) meanwhile.  Track the rules when
	 * the staged ones are what they applied; otherwise keep ours until
	 * they are (the kernel runs last.rules, which we cannot re-read
	 * without its parser). */
	if (nat_ruleset_load(eng->s, &rs, &e) < 0)
		goto out;
	script = cmds_ruleset_script(&rs);
	if (strcmp(script, last.rules))
		goto out;
	engine_log(eng, LOG_INFO, "following revision %lld (%s)",
		   (long long)last.id, last.origin ? last.origin : "apply");
	engine_rules_take(eng, &rs, last.id);
	/* The kernel took rules after all: a failed engine apply is moot,
	 * and from now on only `detect` is re-resolved, never staged edits
	 * nobody applied. */
	eng->started = true;
	engine_alert_drop(eng, "apply");
out:
	if (have < 0 || e.code)
		engine_log(eng, LOG_ERR, "cannot follow the applied rules: %s",
			   e.msg);
	free(script);
	nat_ruleset_done(&rs);
	store_revision_done(&last);
	err_done(&e);
}

/* ---- single instance -------------------------------------------------------- */

#define ENGINE_NS_NAME "masqsh-engine"

/* The per-namespace lock: bind the abstract name.  -1 with @e set. */
static int
engine_lock_ns(struct masq_err *e)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* sun_path[0] stays '\0': an abstract name, no file anywhere */
	memcpy(sun.sun_path + 1, ENGINE_NS_NAME, strlen(ENGINE_NS_NAME));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			  strlen(ENGINE_NS_NAME));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, MASQ_EFAIL, errno, "cannot make the engine "
			       "lock socket");
	if (bind(fd, (struct sockaddr *)&sun, len) < 0) {
		int err = errno;

		close(fd);
		if (err != EADDRINUSE)
			return err_sys(e, MASQ_EFAIL, err, "cannot take the "
				       "engine lock");
		err_set(e, MASQ_EFAIL, "another masqsh engine is already "
			"running in this network namespace");
		err_hint(e, "stop it first (systemctl stop masqsh); one "
			 "engine looks after a namespace's NAT table");
		return -1;
	}
	return fd;
}

/* The per-database lock.  -1 with @e set. */
static int
engine_lock_db(const char *db, struct masq_err *e)
{
	char *path = xasprintf("%s.engine.lock", db), pid[32] = "";
	ssize_t n;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err_sys(e, MASQ_ESTORE, errno, "cannot open the lock %s", path);
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		fd = -1;
		if (err == EWOULDBLOCK) {
			err_set(e, MASQ_EFAIL, "another masqsh engine is "
				"already running on %s%s%s%s", db,
				*pid ? " (pid " : "", pid, *pid ? ")" : "");
			err_hint(e, "stop it first (systemctl stop masqsh), "
				 "or use another database with --db");
		} else {
			err_sys(e, MASQ_ESTORE, err, "cannot lock %s", path);
		}
		goto out;
	}
	/* The pid is only a courtesy for the message above. */
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) < 0)
		(void)0;
out:
	free(path);
	return fd;
}

int
engine_lock(const char *db, int *ns_fd, int *db_fd, struct masq_err *e)
{
	*db_fd = -1;
	*ns_fd = engine_lock_ns(e);
	if (*ns_fd < 0)
		return -1;
	*db_fd = engine_lock_db(db, e);
	if (*db_fd < 0) {
		close(*ns_fd);
		*ns_fd = -1;
		return -1;
	}
	return 0;
}

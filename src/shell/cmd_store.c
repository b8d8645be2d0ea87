/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_store.c - the database a command runs against: which commands may
 * create it, which need write access, and the one connection a context
 * keeps between commands (the REPL, a -f script, masqtop's ':' line).
 *
 * The rule (masqsh(8), FILES): only a write creates the database.  A
 * command that stages something (CMD_WRITES: masq add, import, timeouts
 * set, ...) sees a missing database as a new, empty one and creates it
 * when it writes.  A command that only reads sees a missing database as
 * an empty one too (a fresh install's 'masq list' says "no masq rules"),
 * but says on stderr that there is no database at PATH, so a typo in --db
 * shows up instead of passing for "no rules"; it creates nothing.  The
 * commands that act on what was staged or applied (apply, rollback,
 * confirm) open with STORE_WRITE and fail on a missing database with
 * "no database at PATH" (exit 4).  Readers open the file read-write only when this
 * process could write it (a reader may keep a note, like 'show stats'
 * does), and read-only otherwise: reading never needs write access.
 * Under -n nothing is ever written or created, and a missing database is
 * checked against as a new, empty one (STORE_CHECK) by every command.
 *
 * Does not own: SQL or the file handling (core/store.c), or what a
 * command does with the store.
 */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include "shell/cmd.h"
#include "shell/cmd_int.h"

/* Does the open store @s do for @mode? */
static bool
cmd_store_fits(const struct cmd_ctx *ctx, const struct store *s,
	       enum store_mode mode)
{
	if (ctx->check_only)
		return true;	/* one connection for the whole -n run */
	switch (mode) {
	case STORE_READ:
		return !store_missing(s);
	case STORE_WRITE:
	case STORE_CREATE:
		return !store_missing(s) && !store_readonly(s);
	case STORE_STAGE:
	case STORE_CHECK:
		return !store_readonly(s);
	}
	return false;
}

int
cmd_ctx_store_mode(struct cmd_ctx *ctx, enum store_mode mode,
		   struct store **s, struct masq_err *e)
{
	const char *path = ctx->db_path ? ctx->db_path : store_default_path();

	*s = NULL;
	if (ctx->check_only)
		mode = STORE_CHECK;
	else if (mode == STORE_READ && store_writable(path))
		mode = STORE_WRITE;
	if (ctx->store && !cmd_store_fits(ctx, ctx->store, mode)) {
		store_close(ctx->store);
		ctx->store = NULL;
	}
	if (!ctx->store && store_open_mode(&ctx->store, path, mode, e) == -1)
		return -1;
	*s = ctx->store;
	return 0;
}

int
cmd_ctx_store(struct cmd_ctx *ctx, struct store **s, struct masq_err *e)
{
	bool writes = ctx->cmd && (ctx->cmd->flags & CMD_WRITES);
	const char *path = ctx->db_path ? ctx->db_path : store_default_path();
	struct stat st;

	if (!writes && !ctx->check_only && stat(path, &st) == -1 &&
	    errno == ENOENT) {
		/* read as empty, create nothing, and say so (once a run) */
		if (!ctx->store)
			cmds_warn(ctx, "no database at %s yet: nothing is staged "
				  "('masq add' creates it; check --db and "
				  "$MASQSH_DB)", path);
		return cmd_ctx_store_mode(ctx, STORE_CHECK, s, e);
	}
	return cmd_ctx_store_mode(ctx, writes ? STORE_STAGE : STORE_READ, s,
				  e);
}

void
cmd_ctx_done(struct cmd_ctx *ctx)
{
	cmds_warn_flush(ctx);
	if (ctx->store)
		store_close(ctx->store);
	ctx->store = NULL;
}

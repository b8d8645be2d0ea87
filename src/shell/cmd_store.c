/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_store.c - the database a command runs against: which commands may
 * create it, which need write access, and the one connection a context
 * keeps between commands (the REPL, a -f script, masqtop's ':' line).
 *
 * The rule (masqsh(8), FILES): only a write creates the database.  A
 * command that stages something (CMD_WRITES: masq add, import, timeouts
 * set, ...) sees a missing database as a new, empty one and creates it
 * when it writes; every other command on a missing database fails with
 * "no database at PATH" (exit 4), so a typo in --db shows up instead of
 * reading as "no rules".  Readers open the file read-write only when this
 * process could write it (a reader may keep a note, like 'show stats'
 * does), and read-only otherwise: reading never needs write access.
 * Under -n nothing is ever written or created, and a missing database is
 * checked against as a new, empty one (STORE_CHECK) by every command.
 *
 * Does not own: SQL or the file handling (core/store.c), or what a
 * command does with the store.
 */
#include "config.h"

#include "shell/cmd.h"

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

	return cmd_ctx_store_mode(ctx, writes ? STORE_STAGE : STORE_READ, s,
				  e);
}

void
cmd_ctx_done(struct cmd_ctx *ctx)
{
	if (ctx->store)
		store_close(ctx->store);
	ctx->store = NULL;
}

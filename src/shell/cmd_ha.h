/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_ha.h - what the `ha` and `export conntrackd|keepalived` command
 * files share (cmd_ha.c, cmd_ha_export.c).
 */
#ifndef MASQ_SHELL_CMD_HA_H
#define MASQ_SHELL_CMD_HA_H

#include "ctl/ha.h"
#include "shell/cmd.h"

/* Move the message ctl/ha.c left in @e onto token @t.  Returns -1. */
int cmds_ha_mark(struct masq_err *e, const struct masq_tok *t);

/* The settings as one object; @verb ("set", "would set") first in text
 * mode when not NULL.  Cannot fail. */
void cmds_ha_print(struct cmd_ctx *ctx, const struct ha_conf *c,
		   const char *verb);

#endif

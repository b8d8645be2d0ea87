/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_ha.h - what the two files of `diag ha`'s checks share.
 */
#ifndef MASQ_DIAG_CHECK_HA_H
#define MASQ_DIAG_CHECK_HA_H

#include "ctl/ha.h"
#include "diag/diag.h"

/* The stored pair (ctx->store) and its paths (ctx->ha_dir): DIAG_PASS
 * with @c and @p filled, DIAG_SKIP when no pair is configured, DIAG_ERROR
 * when the store or the directory is bad (@res says which). */
enum diag_status diag_ha_conf(struct diag_ctx *ctx, struct ha_conf *c,
			      struct ha_paths *p, struct diag_result *res);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ruleset_load.c - the staged rules from the store, parsed back.
 *
 * Owns: turning store rows (canonical keyword text) into a struct
 * nat_ruleset with ids and positions, through the one tokenizer and the
 * one parser, so a stored rule means exactly what it meant when typed.
 * Does not own: SQL (core/store.c) or the grammar (rule_parse.c,
 * fwd_parse.c).
 */
#include "config.h"

#include <inttypes.h>

#include "core/store.h"
#include "core/tok.h"
#include "nat/rule.h"

/* Make @e say that stored rule @id of @kind no longer parses. */
static int
load_fail(struct masq_err *e, const char *kind, int64_t id)
{
	err_prefix(e, "stored %s rule %" PRId64 " no longer parses", kind, id);
	e->code = MASQ_ESTORE;
	if (!e->hint[0])
		err_hint(e, "delete it with '%s del %" PRId64 "' and add it "
			 "again", kind, id);
	return -1;
}

static int
load_masq(struct nat_ruleset *rs, const struct store_row *row,
	  struct masq_err *e)
{
	struct nat_rule r;
	struct tok_list tl;
	int ret = -1;

	nat_rule_init(&r);
	if (tok_split(&tl, row->spec, 0, e) == -1 ||
	    nat_rule_parse_kw(&r, tl.v, tl.n, e) == -1) {
		load_fail(e, "masq", row->id);
		goto out;
	}
	r.id = row->id;
	r.pos = row->pos;
	nat_ruleset_add_masq(rs, &r);
	ret = 0;
out:
	tok_list_done(&tl);
	nat_rule_done(&r);
	return ret;
}

static int
load_fwd(struct nat_ruleset *rs, const struct store_row *row,
	 struct masq_err *e)
{
	struct nat_forward f;
	struct tok_list tl;
	int ret = -1;

	nat_forward_init(&f);
	if (tok_split(&tl, row->spec, 0, e) == -1 ||
	    nat_forward_parse_kw(&f, tl.v, tl.n, e) == -1) {
		load_fail(e, "forward", row->id);
		goto out;
	}
	f.id = row->id;
	f.pos = row->pos;
	nat_ruleset_add_fwd(rs, &f);
	ret = 0;
out:
	tok_list_done(&tl);
	nat_forward_done(&f);
	return ret;
}

/*
 * All or nothing: the rows are parsed into a scratch set and moved into
 * @rs only when every one of them parsed.
 */
int
nat_ruleset_load(struct store *s, struct nat_ruleset *rs, struct masq_err *e)
{
	struct store_row *masq = NULL, *fwd = NULL;
	size_t n_masq = 0, n_fwd = 0, i;
	struct nat_ruleset tmp;
	int ret = -1;

	nat_ruleset_init(&tmp);
	if (store_rows_list(s, STORE_MASQ, &masq, &n_masq, e) == -1 ||
	    store_rows_list(s, STORE_FORWARD, &fwd, &n_fwd, e) == -1)
		goto out;
	for (i = 0; i < n_masq; i++)
		if (load_masq(&tmp, &masq[i], e) == -1)
			goto out;
	for (i = 0; i < n_fwd; i++)
		if (load_fwd(&tmp, &fwd[i], e) == -1)
			goto out;
	for (i = 0; i < tmp.n_masq; i++)
		nat_ruleset_add_masq(rs, &tmp.masq[i]);
	for (i = 0; i < tmp.n_fwd; i++)
		nat_ruleset_add_fwd(rs, &tmp.fwd[i]);
	ret = 0;
out:
	nat_ruleset_done(&tmp);
	store_rows_free(masq, n_masq);
	store_rows_free(fwd, n_fwd);
	return ret;
}

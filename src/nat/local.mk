# src/nat: the NAT engine, into libmasq.a -- the rule model (parse,
# validate, format, the stored ruleset), the compiler to nftables objects,
# its atomic apply, printer and read-back, links and capabilities, and the
# conntrack engine (dump, events, delete, stats, rule ids, port budgets,
# the one row of columns, timeouts).  Its netlink-free entry model and the
# filter language are in src/core.
src_libmasq_a_SOURCES += \
	src/nat/rule.c src/nat/rule.h src/nat/rule_int.h \
	src/nat/rule_addr.c \
	src/nat/rule_parse.c \
	src/nat/rule_snat.c \
	src/nat/rule_values.c \
	src/nat/rule_format.c \
	src/nat/fwd_parse.c src/nat/fwd_hairpin.c \
	src/nat/ipt_parse.c src/nat/ipt_parse.h src/nat/ipt_int.h \
	src/nat/ipt_rule.c src/nat/ipt_flat.c \
	src/nat/ct_helpers.c \
	src/nat/ruleset_load.c \
	src/nat/rule_text.c \
	src/nat/explain.h src/nat/explain.c src/nat/explain_route.c \
	src/nat/explain_filter.c \
	src/nat/engine.h src/nat/engine_addr.c src/nat/engine_scan.c \
	src/nat/nft.h src/nat/nft_int.h \
	src/nat/nft_build.c \
	src/nat/nft_apply.c \
	src/nat/nft_print.c \
	src/nat/nft_read.c \
	src/nat/nft_change.c \
	src/nat/nft_ct.c src/nat/nft_ct.h \
	src/nat/nft_set.c \
	src/nat/nft_tab.c \
	src/nat/nft_dump.c \
	src/nat/nft_valid.c \
	src/nat/nft_ruleset.c src/nat/nft_ruleset.h \
	src/nat/nft_eval.c src/nat/nft_eval.h src/nat/nft_rs_set.c \
	src/nat/nl.c src/nat/nl.h \
	src/nat/links.h src/nat/links_int.h src/nat/links.c \
	src/nat/links_addr.c src/nat/links_route.c \
	src/nat/caps.c src/nat/caps.h \
	src/nat/ct.h src/nat/ct_int.h \
	src/nat/ct_parse.c \
	src/nat/ct_dump.c \
	src/nat/ct_delete.c \
	src/nat/ct_stats.c \
	src/nat/ct_events.c \
	src/nat/ct_rule.c src/nat/ct_rule.h \
	src/nat/ct_budget.c src/nat/ct_budget.h \
	src/nat/ct_cols.c src/nat/ct_cols.h \
	src/nat/timeouts.c src/nat/timeouts.h

# src/nat conntrack engine (issue 3): dump, events, delete, stats.  Its
# netlink-free entry model and the filter language are in src/core.
src_libmasq_a_SOURCES += \
	src/nat/ct.h src/nat/ct_int.h \
	src/nat/ct_parse.c src/nat/ct_dump.c src/nat/ct_delete.c \
	src/nat/ct_stats.c src/nat/ct_events.c \
	src/nat/ct_rule.h src/nat/ct_rule.c \
	src/nat/ct_budget.h src/nat/ct_budget.c \
	src/nat/ct_cols.h src/nat/ct_cols.c
src_libmasq_a_SOURCES += src/nat/timeouts.h src/nat/timeouts.c
# what the engine service watches: address events (rtnetlink) and the
# table's fill and port budgets
src_libmasq_a_SOURCES += src/nat/engine.h src/nat/engine_addr.c \
	src/nat/engine_scan.c

# src/ctl: the control layer above nat -- the apply transaction and
# revisions (rollback, confirm, the confirm timer, the guard, the
# timeouts inside the transaction) and the engine service with its alerts.
src_libmasq_a_SOURCES += \
	src/ctl/log.h src/ctl/log.c \
	src/ctl/revision.h src/ctl/revision_int.h \
	src/ctl/revision.c src/ctl/revision_guard.c \
	src/ctl/revision_timeouts.c src/ctl/revision_pending.c \
	src/ctl/revision_timer.c \
	src/ctl/engine.h src/ctl/engine_int.h \
	src/ctl/engine.c src/ctl/engine_apply.c src/ctl/engine_lock.c \
	src/ctl/alerts.c
# the NAT pair: settings, conntrackd/keepalived files, writing them
src_libmasq_a_SOURCES += src/ctl/ha.h src/ctl/ha.c src/ctl/ha_conf.c \
	src/ctl/ha_run.c src/ctl/ha_stats.c src/ctl/ha_expect.c src/ctl/ha_digest.c \
	src/ctl/ha_status.c

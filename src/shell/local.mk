# src/shell: command table, dispatcher, completion, help, scripts (a
# library), and the masqsh program (main.c + repl.c, the only readline user).
src_libmasq_a_SOURCES += \
	src/shell/cmd.h src/shell/cmd_int.h src/shell/cmd.c src/shell/cmd_bind.c \
	src/shell/script.c \
	src/shell/complete.c src/shell/complete_live.h src/shell/complete_live.c \
	src/shell/cmd_help.c \
	src/shell/cmds_int.h src/shell/cmd_rules.c src/shell/warn.c \
	src/shell/cmd_masq.c src/shell/cmd_masq_add.c src/shell/cmd_masq_show.c \
	src/shell/cmd_forward.c \
	src/shell/cmd_import.c \
	src/shell/cmd_check.c src/shell/cmd_diff.c \
	src/shell/cmd_apply.c \
	src/shell/ct_row.h src/shell/ct_row.c \
	src/shell/cmd_show_ct.c src/shell/cmd_show_stats.c \
	src/shell/cmd_kill.c src/shell/cmd_watch.c

sbin_PROGRAMS += masqsh
masqsh_SOURCES = src/shell/main.c src/shell/repl.c src/shell/repl.h
masqsh_CFLAGS = $(AM_CFLAGS) $(READLINE_CFLAGS)
masqsh_LDADD = $(MASQ_LIBS) $(READLINE_LIBS)
src_libmasq_a_SOURCES += src/shell/cmd_clamp.c src/shell/cmd_diag_mtu.c
# conntrack helpers
src_libmasq_a_SOURCES += src/shell/cmd_helper.c
# masqsh engine (the service) and show alerts
src_libmasq_a_SOURCES += src/shell/cmd_engine.h src/shell/cmd_engine.c \
	src/shell/cmd_engine_apply.c src/shell/cmd_alerts.c \
	src/nat/engine.h src/nat/engine_addr.c src/nat/engine_scan.c
src_libmasq_a_SOURCES += src/shell/cmd_ports.c src/shell/cmd_timeouts.c
src_libmasq_a_SOURCES += src/shell/revision.h src/shell/revision.c src/shell/cmd_revisions.c src/shell/cmd_export_nft.c src/shell/cmd_explain.c src/nat/explain.h src/nat/explain.c src/nat/explain_route.c
# the database a command runs against
src_libmasq_a_SOURCES += src/shell/cmd_store.c

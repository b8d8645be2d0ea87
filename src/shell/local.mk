# src/shell: command table, dispatcher, completion, help, scripts (a
# library), and the masqsh program (main.c + repl.c, the only readline user).
src_libmasq_a_SOURCES += \
	src/shell/cmd.h src/shell/cmd_int.h src/shell/cmd.c src/shell/cmd_bind.c \
	src/shell/script.c \
	src/shell/complete.c src/shell/complete_live.h src/shell/complete_live.c \
	src/shell/cmd_help.c \
	src/shell/cmd_report.c src/shell/report_sec.h src/shell/report_sec.c \
	src/shell/stage.c src/shell/warn.c \
	src/shell/cmd_masq.c src/shell/cmd_masq_add.c src/shell/cmd_masq_show.c \
	src/shell/cmd_forward.c \
	src/shell/cmd_import.c \
	src/shell/cmd_import_ipt.c \
	src/shell/cmd_check.c src/shell/cmd_diff.c \
	src/shell/cmd_apply.c \
	src/shell/ct_row.h src/shell/ct_row.c \
	src/shell/cmd_show_ct.c src/shell/cmd_show_stats.c \
	src/shell/cmd_kill.c src/shell/cmd_watch.c

sbin_PROGRAMS += masqsh
masqsh_SOURCES = src/shell/main.c src/shell/repl.c src/shell/repl.h \
	src/shell/hist.c src/shell/hist.h
masqsh_CFLAGS = $(AM_CFLAGS) $(READLINE_CFLAGS)
masqsh_LDADD = $(MASQ_LIBS) $(READLINE_LIBS)
src_libmasq_a_SOURCES += src/shell/cmd_clamp.c src/shell/cmd_diag_mtu.c
# conntrack helpers
src_libmasq_a_SOURCES += src/shell/cmd_helper.c
# masqsh engine (the service) and show alerts
src_libmasq_a_SOURCES += src/shell/cmd_engine.c src/shell/cmd_alerts.c
src_libmasq_a_SOURCES += src/shell/cmd_ports.c src/shell/cmd_timeouts.c
src_libmasq_a_SOURCES += src/shell/cmd_revisions.c src/shell/cmd_export_nft.c \
	src/shell/cmd_explain.c src/shell/cmd_explain_filter.c
# the database a command runs against
src_libmasq_a_SOURCES += src/shell/cmd_store.c
# the diag commands (the checks are src/diag's)
src_libmasq_a_SOURCES += src/shell/cmd_diag.h src/shell/cmd_diag.c \
	src/shell/cmd_diag_dynaddr.c src/shell/cmd_diag_ports.c

# The library versions masqsh was built against, for `report`: pkg-config
# knows them at build time (libnftnl, libmnl and libnetfilter_conntrack
# have no run-time version call).  Generated in the build tree (VPATH and
# distcheck safe; report_sec.c finds it through -I$(top_builddir)), never
# distributed.  BUILT_SOURCES makes `make all/check` create it first; the
# object rule covers building report_sec.o alone.
src/shell/report_versions.h: Makefile
	$(AM_V_GEN)$(MKDIR_P) src/shell && { \
	  for m in LIBNFTNL:libnftnl LIBMNL:libmnl \
	      LIBNFCT:libnetfilter_conntrack SQLITE:sqlite3; do \
	    v=`$(PKG_CONFIG) --modversion $${m#*:} 2>/dev/null || echo unknown`; \
	    echo "#define REPORT_V_$${m%%:*} \"$$v\""; \
	  done; } > $@-t && mv $@-t $@
BUILT_SOURCES += src/shell/report_versions.h
src/shell/report_sec.$(OBJEXT): src/shell/report_versions.h
CLEANFILES += src/shell/report_versions.h
# the NAT pair (ha ..., export conntrackd|keepalived)
src_libmasq_a_SOURCES += src/shell/cmd_ha.h src/shell/cmd_ha.c \
	src/shell/cmd_ha_export.c src/shell/cmd_diag_ha.c \
	src/shell/cmd_show_ha.c

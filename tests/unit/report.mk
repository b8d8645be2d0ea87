# `report [redact]` (issue 4, item 7): the redaction filter in src/diag,
# the command in src/shell, and the unit test of the redaction (a pure
# function over text; no kernel needed).
src_libmasq_a_SOURCES += src/diag/redact.h src/diag/redact.c
check_PROGRAMS += tests/unit/check_report
tests_unit_check_report_SOURCES = tests/unit/check_report.c
tests_unit_check_report_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_report_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/check_report
src_libmasq_a_SOURCES += src/shell/report_sec.h src/shell/report_sec.c src/shell/cmd_report.c

# The library versions masqsh was built against, for `report`: pkg-config
# knows them at build time (libnftnl, libmnl and libnetfilter_conntrack
# have no run-time version call).
src/shell/report_versions.h: Makefile
	$(AM_V_GEN)$(MKDIR_P) src/shell && { \
	  for m in LIBNFTNL:libnftnl LIBMNL:libmnl \
	      LIBNFCT:libnetfilter_conntrack SQLITE:sqlite3; do \
	    v=`$(PKG_CONFIG) --modversion $${m#*:} 2>/dev/null || echo unknown`; \
	    echo "#define REPORT_V_$${m%%:*} \"$$v\""; \
	  done; } > $@-t && mv $@-t $@
# Generated in the build tree (VPATH and distcheck safe; found through
# -I$(top_builddir)), never distributed.  BUILT_SOURCES (set in
# db/local.mk) makes `make all/check` create it first; the object rule
# covers building report_sec.o alone.
BUILT_SOURCES += src/shell/report_versions.h
src/shell/report_sec.$(OBJEXT): src/shell/report_versions.h
CLEANFILES += src/shell/report_versions.h

# db: numbered migrations, compiled into the store as strings.
MIGRATIONS = db/001_initial.sql db/002_alerts.sql db/003_revisions.sql \
	db/004_revision_timeouts.sql
EXTRA_DIST += $(MIGRATIONS) db/embed.sh
BUILT_SOURCES = src/core/migrations.c
nodist_src_libmasq_a_SOURCES = src/core/migrations.c
CLEANFILES += src/core/migrations.c
src/core/migrations.c: $(MIGRATIONS) db/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/core && \
	(cd $(srcdir) && sh db/embed.sh $(MIGRATIONS)) > $@.tmp && mv $@.tmp $@

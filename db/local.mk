# db: the schema's numbered migrations, and db/migrations.c made from them
# (db/embed.sh: each one a C string, in order), which goes into libmasq.a
# for the store (core/store.c) to run.  Generated in the build tree, never
# distributed.
MIGRATIONS = db/001_initial.sql db/002_alerts.sql db/003_revisions.sql \
	db/004_revision_timeouts.sql
EXTRA_DIST += $(MIGRATIONS) db/embed.sh
BUILT_SOURCES += db/migrations.c
nodist_src_libmasq_a_SOURCES += db/migrations.c
CLEANFILES += db/migrations.c
db/migrations.c: $(MIGRATIONS) db/embed.sh
	$(AM_V_GEN)$(MKDIR_P) db && \
	(cd $(srcdir) && sh db/embed.sh $(MIGRATIONS)) > $@.tmp && mv $@.tmp $@

# src/tui: masqtop.  Everything that needs no curses (the entry table, the
# display model and views, keymap and commands, text/JSON rendering) goes
# into libmasq.a, so tests/unit/check_tui links it; the program adds the
# curses screen, the event loop and the database poller.
src_libmasq_a_SOURCES += \
	src/tui/table.c src/tui/table.h \
	src/tui/model.c src/tui/model.h \
	src/tui/view.c src/tui/view.h \
	src/tui/view_conn.c src/tui/view_conn.h \
	src/tui/view_agg.c src/tui/view_agg.h \
	src/tui/view_ports.c src/tui/view_ports.h \
	src/tui/app.c src/tui/app.h \
	src/tui/keymap.c src/tui/keymap.h \
	src/tui/masqsh_run.c src/tui/masqsh_run.h \
	src/tui/render.c src/tui/render.h \
	src/tui/alerts.c src/tui/alerts.h

sbin_PROGRAMS += masqtop
masqtop_SOURCES = src/tui/main.c src/tui/loop.c src/tui/loop.h \
	src/tui/screen.c src/tui/screen.h src/tui/dbpoll.c src/tui/dbpoll.h
# -pthread: the database (alerts, rules) is read off the UI thread
# (dbpoll.c).
masqtop_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) -pthread
masqtop_LDFLAGS = -pthread
masqtop_LDADD = $(MASQ_LIBS) $(NCURSES_LIBS)

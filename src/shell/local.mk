# src/shell: command table, tokenizer, dispatcher, completion (a library),
# and the masqsh program (main.c + repl.c, the only readline user).
src_libmasq_a_SOURCES += \
	src/shell/cmd.h src/shell/cmd.c \
	src/shell/complete.c \
	src/shell/cmd_masq.c \
	src/shell/cmd_forward.c \
	src/shell/cmd_apply.c \
	src/shell/cmd_import.c \
	src/shell/cmd_help.c

sbin_PROGRAMS += masqsh
masqsh_SOURCES = src/shell/main.c src/shell/repl.c src/shell/repl.h
masqsh_CFLAGS = $(AM_CFLAGS) $(READLINE_CFLAGS)
masqsh_LDADD = $(MASQ_LIBS) $(READLINE_LIBS)

# src/core: errors, printer, allocation, the store.
src_libmasq_a_SOURCES += \
	src/core/err.c src/core/err.h \
	src/core/out.c src/core/out.h \
	src/core/xalloc.c src/core/xalloc.h \
	src/core/store.c src/core/store.h \
	src/core/tok.c src/core/tok.h

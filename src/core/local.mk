# src/core: into libmasq.a -- errors, the printer, allocation and heap
# policy, the tokenizer and keyword resolver, the store, the conntrack
# entry model and the filter language.
src_libmasq_a_SOURCES += \
	src/core/err.c src/core/err.h \
	src/core/esc.c src/core/esc.h \
	src/core/fdio.c src/core/fdio.h \
	src/core/out.c src/core/out.h \
	src/core/xalloc.c src/core/xalloc.h \
	src/core/strbuf.c src/core/strbuf.h \
	src/core/mem.c src/core/mem.h \
	src/core/store.c src/core/store.h \
	src/core/tok.c src/core/tok.h \
	src/core/kw.c src/core/kw.h \
	src/core/ctent.c src/core/ctent.h \
	src/core/filter.c src/core/filter.h \
	src/core/sha256.c src/core/sha256.h

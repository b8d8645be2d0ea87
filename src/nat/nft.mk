# src/nat compiler, apply, printer, read-back.
src_libmasq_a_SOURCES += \
	src/nat/nft.h src/nat/nft_int.h \
	src/nat/nft_tab.c \
	src/nat/nft_build.c \
	src/nat/nft_apply.c \
	src/nat/nft_print.c \
	src/nat/nft_read.c \
	src/nat/nft_dump.c \
	src/nat/nft_ruleset.c src/nat/nft_ruleset.h \
	src/nat/nft_change.c \
	src/nat/nft_ct.c src/nat/nft_ct.h \
	src/nat/links.h src/nat/links_int.h src/nat/links.c \
	src/nat/links_addr.c src/nat/links_route.c \
	src/nat/caps.c src/nat/caps.h

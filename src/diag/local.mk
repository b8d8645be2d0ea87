# src/diag: FAQ checks: the check framework (registry, runner, context),
# the checks, `diag mtu`'s prober and verdict.  The `diag` commands are
# src/shell's (src/shell/local.mk).
src_libmasq_a_SOURCES += \
	src/diag/diag.h src/diag/diag.c src/diag/diag_ctx.c \
	src/diag/redact.h src/diag/redact.c \
	src/diag/diag_int.h src/diag/diag_net.c src/diag/diag_nft.c \
	src/diag/crlf.h src/diag/crlf.c src/diag/check_crlf.c \
	src/diag/check_sysctl.c src/diag/check_net.c src/diag/check_nft.c src/diag/check_filter.c \
	src/diag/check_kernel.c
src_libmasq_a_SOURCES += src/diag/mtu.h src/diag/mtu_search.c src/diag/mtu_probe.c src/diag/mtu_rules.c src/diag/mtu_check.c
src_libmasq_a_SOURCES += src/diag/check_dynaddr.c src/diag/check_ports.c
# diag ha: the NAT pair's checks (settings and files from src/ctl/ha.h)
src_libmasq_a_SOURCES += src/diag/check_ha.h src/diag/check_ha.c \
	src/diag/check_ha_daemons.c src/diag/check_ha_fw.c src/diag/check_ha_rules.c \
	src/diag/check_ha_helpers.c

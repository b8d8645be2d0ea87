# src/nat rule model: parse, validate, format.
src_libmasq_a_SOURCES += \
	src/nat/rule.c src/nat/rule.h src/nat/rule_int.h \
	src/nat/rule_addr.c \
	src/nat/rule_parse.c \
	src/nat/rule_values.c \
	src/nat/rule_format.c \
	src/nat/fwd_parse.c \
	src/nat/ct_helpers.c \
	src/nat/ruleset_load.c

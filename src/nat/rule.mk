# src/nat rule model: parse, validate, format.
src_libmasq_a_SOURCES += \
	src/nat/rule.c src/nat/rule.h src/nat/rule_int.h \
	src/nat/rule_addr.c \
	src/nat/rule_parse.c \
	src/nat/rule_values.c \
	src/nat/rule_format.c \
	src/nat/fwd_parse.c \
	src/nat/helpers.c \
	src/nat/ruleset_load.c \
	src/nat/rule_text.c
# the userspace evaluator of the rules (`explain`)
src_libmasq_a_SOURCES += src/nat/explain.h src/nat/explain.c \
	src/nat/explain_route.c

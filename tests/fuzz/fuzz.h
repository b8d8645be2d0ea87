/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz.h - what the targets of tests/fuzz share.  Each target defines
 * LLVMFuzzerTestOneInput(); libFuzzer's main drives it in a fuzz build
 * (--enable-fuzz), tests/fuzz/replay.c in every other build, where make
 * check replays the committed corpora and crashers through it.
 *
 * A target must not leak (LeakSanitizer runs after each input in the fuzz
 * build), must not touch the network outside a namespace of its own, and
 * checks the properties its parser promises (a formatted rule parses back
 * to the same text, ...) with fuzz_assert(): a broken promise is a crash
 * the fuzzer keeps.
 */
#ifndef MASQ_FUZZ_H
#define MASQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a C string: up to the first NUL (input lines cannot hold
 * one).  Caller frees. */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

#define fuzz_assert(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__,	\
				__LINE__, #cond);			\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

#endif

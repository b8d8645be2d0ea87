/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_redact.c - `report redact`'s scanner (diag/redact.h) over any
 * text: addresses, MACs in both spellings, host names in rule comments,
 * JSON escapes.  Properties: the same text and key give the same result,
 * and the host name it was told to hide never survives as a word.
 */
#include "config.h"

#include <ctype.h>
#include <strings.h>

#include "diag/redact.h"
#include "fuzz.h"

#define HOST "gw7.example.net"

/* Does @s hold HOST as a word (not inside a longer name or identifier:
 * letters, digits, '_', '.' and '-' on either side make it part of one,
 * as the redactor's own word test says)? */
static int
has_host_word(const char *s)
{
	size_t n = strlen(HOST);
	const char *p;

	for (p = s; (p = strcasestr(p, HOST)) != NULL; p++) {
		int before = p > s && (isalnum((unsigned char)p[-1]) ||
				       strchr("._-", p[-1]));
		int after = p[n] && (isalnum((unsigned char)p[n]) ||
				     strchr("._-", p[n]));

		if (!before && !after)
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { HOST, NULL };
	struct redact_key key;
	char *text, *a, *b;

	if (size > 8192)
		return 0;
	memset(&key, 0x5a, sizeof(key));
	text = fuzz_str(data, size);
	a = redact_text(text, &key, names);
	b = redact_text(text, &key, names);
	fuzz_assert(strcmp(a, b) == 0, "two runs with one key differ");
	fuzz_assert(!has_host_word(a), "the host name survived: %s", a);
	free(a);
	free(b);
	free(text);
	return 0;
}

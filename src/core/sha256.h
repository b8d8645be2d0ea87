/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sha256.h - SHA-256 (FIPS 180-4), for digests users compare by eye or
 * with sha256sum(1): `show compiled digest` hashes the printed table, so
 * `masqsh show compiled | sha256sum` gives the same value.
 *
 * Owns the hash only.  Not for secrets (no constant-time promise, no
 * key handling): the digests it makes are public fingerprints.
 */
#ifndef MASQ_CORE_SHA256_H
#define MASQ_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEXLEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];
	size_t n;		/* bytes in buf */
};

/* Start, feed any number of bytes, finish.  Cannot fail. */
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);

/* The digest of @len bytes as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEXLEN + 1]);

#endif

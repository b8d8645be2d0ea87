/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mem.c - heap policy around a big rule load (see mem.h).
 *
 * Owns: the mallopt() settings of every program and the madvise() call
 * that marks the heap a big load is about to use for huge pages
 * (MADV_HUGEPAGE), and giving that heap back (malloc_trim()).  Does not
 * own: who needs how much (nat_ruleset_load() says) or when a process is
 * idle (the engine, the REPL and masqtop call mem_settle()).  Failure of
 * any of these calls (THP off, another malloc) loses only the speed-up, so
 * errors are ignored on purpose.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "core/mem.h"

#define HUGE (2u << 20)
/* glibc's defaults for M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (mallopt(3)) */
#define GLIBC_THRESHOLD (128u << 10)

#ifdef __GLIBC__
static bool huge_held;		/* a reserve ran, not yet settled */
#endif

void
mem_reserve(size_t bytes)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
	uintptr_t b0, b1;
	void *p;

	if (bytes < MEM_HUGE_FROM || huge_held)
		return;
	huge_held = true;
	if (bytes < MEM_HUGE_MIN)
		bytes = MEM_HUGE_MIN;
	if (bytes > MEM_RESERVE_MAX)
		bytes = MEM_RESERVE_MAX;
	/* the block, and later the load's big arrays, from the sbrk heap,
	 * which free() then keeps */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	b0 = (uintptr_t)sbrk(0);
	p = malloc(bytes);
	b1 = (uintptr_t)sbrk(0);
	if (p && b0 != (uintptr_t)-1 && b1 != (uintptr_t)-1) {
		b0 = (b0 + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
		if (b1 > b0 + HUGE)
			(void)madvise((void *)b0,
				      (b1 - b0) & ~(uintptr_t)(HUGE - 1),
				      MADV_HUGEPAGE);
	}
	free(p);
#else
	(void)bytes;
#endif
}

void
mem_settle(void)
{
#ifdef __GLIBC__
	if (!huge_held)
		return;
	huge_held = false;
	mallopt(M_MMAP_THRESHOLD, (int)GLIBC_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, (int)GLIBC_THRESHOLD);
	malloc_trim(0);
#endif
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mem.c - heap policy: grow in steps, fill each step in with one call.
 *
 * Owns: the mallopt() settings of every program and the madvise() calls
 * that fill in (MADV_POPULATE_WRITE, Linux 5.14) or mark for huge pages
 * (MADV_HUGEPAGE) the heap that is about to be used.  Does not own: who
 * needs how much (main() and nat_ruleset_load() say).  Failure of any of
 * these calls (an older kernel, THP off, another malloc) loses only the
 * speed-up, so errors are ignored on purpose.
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

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define HUGE (2u << 20)

#ifdef __GLIBC__
static size_t warm_bytes;	/* mem_warm()'s step, 0 before */
static bool huge_held;		/* reserve_huge() ran, not yet settled */
#endif

/* Fill in the pages under [@p, @p + @n) (a heap block, so its pages are
 * mapped: the heap's end is page-aligned). */
static void
fill(void *p, size_t n)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p & ~(pg - 1);
	uintptr_t b = ((uintptr_t)p + n + pg - 1) & ~(pg - 1);

	(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
}

void
mem_warm(size_t bytes)
{
#ifdef __GLIBC__
	static bool done;
	void *p;

	if (done)
		return;
	done = true;
	warm_bytes = bytes;
	/*
	 * Grow by @bytes at a time; keep blocks below MEM_HUGE_FROM on the
	 * heap, where mem_reserve() can fill them in and free() keeps them,
	 * rather than in an mmap() each (the 320 KiB netlink batch buffer of
	 * an apply was an mmap(), faulted in page by page); give memory back
	 * to the system only when more than twice that is free at the top.
	 * Blocks from 1 MiB up (masqtop's tables) still get an mmap(), which
	 * realloc() can grow without copying.
	 */
	mallopt(M_TOP_PAD, (int)bytes);
	mallopt(M_MMAP_THRESHOLD, (int)MEM_HUGE_FROM);
	mallopt(M_TRIM_THRESHOLD, (int)(2 * MEM_HUGE_FROM));
	p = malloc(bytes);
	if (p)
		fill(p, bytes);
	free(p);
#else
	(void)bytes;
#endif
}

/* The huge-page reserve; see mem.h.  Once until mem_settle(). */
static void
reserve_huge(size_t want)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
	uintptr_t b0, b1;
	void *p;

	if (huge_held)
		return;
	huge_held = true;
	if (want < MEM_HUGE_MIN)
		want = MEM_HUGE_MIN;
	if (want > MEM_RESERVE_MAX)
		want = MEM_RESERVE_MAX;
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	b0 = (uintptr_t)sbrk(0);
	p = malloc(want);
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
	(void)want;
#endif
}

void
mem_reserve(size_t bytes)
{
	void *p;

	if (bytes >= MEM_HUGE_FROM) {
		reserve_huge(bytes);
		return;
	}
	p = malloc(bytes);
	if (p)
		fill(p, bytes);
	free(p);
}

void
mem_settle(void)
{
#ifdef __GLIBC__
	if (!huge_held)
		return;
	huge_held = false;
	mallopt(M_MMAP_THRESHOLD, (int)MEM_HUGE_FROM);
	mallopt(M_TRIM_THRESHOLD, (int)(2 * MEM_HUGE_FROM));
	malloc_trim(warm_bytes);
#endif
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mem.h - fresh heap memory in bulk instead of one page fault at a time.
 *
 * A short-lived masqsh touches a few hundred KiB of new heap, and each
 * new 4 KiB page used to cost a page fault.  On a virtual machine such a
 * fault is expensive: measured on the 2-core VM that bench/ runs on, about
 * 12 us per page, against 0.5 us per page (plus about 3 us at first
 * touch) when the kernel fills the same pages in one madvise() call.  A
 * fault per page was a fifth of a "masq list" and of an apply of 100 rules.
 * See bench/README.md.
 */
#ifndef MASQ_MEM_H
#define MASQ_MEM_H

#include <stddef.h>

/* Heap that every program gets at start (masqsh, masqtop). */
#define MEM_WARM_START (256u << 10)

/*
 * Once per process, at the start of main(): make the heap grow in steps of
 * @bytes and fill the first step in at once.  Also keeps blocks below
 * MEM_HUGE_FROM on the heap, not in an mmap() of their own that is
 * faulted in page by page and unmapped at free().
 */
void mem_warm(size_t bytes);

/*
 * Have @bytes of heap ready for what comes next: the memory is allocated,
 * filled in and freed again, so malloc() hands the same pages out.  From
 * MEM_HUGE_FROM up, once per process, the block (at least MEM_HUGE_MIN,
 * at most MEM_RESERVE_MAX) is instead marked for transparent huge pages,
 * so one fault maps 2 MiB, and the heap is kept from shrinking or from
 * moving large blocks to mmap() for the life of the process.  Where
 * malloc is not glibc's sbrk heap (ASan, valgrind) this costs a malloc()
 * and changes nothing else.
 */
#define MEM_HUGE_FROM (1u << 20)
#define MEM_HUGE_MIN (6u << 20)	/* two whole huge pages after alignment */
#define MEM_RESERVE_MAX (30u << 20)
void mem_reserve(size_t bytes);

/*
 * For a long-lived process (the engine): after a big mem_reserve(), give
 * the heap above what mem_warm() keeps back to the system and put its
 * settings back, so an idle daemon does not hold a load's 30 MiB for good.
 * Does nothing (and costs nothing) when no big reserve happened since.
 */
void mem_settle(void);

#endif

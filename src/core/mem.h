/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mem.h - heap policy around a big rule load: huge pages while it lasts,
 * the memory given back once a long-lived process is idle again.
 *
 * Loading thousands of rules touches tens of MiB of fresh heap, and each
 * new 4 KiB page costs a page fault, which is expensive in a virtual
 * machine.  Marking the heap for transparent huge pages first maps 2 MiB
 * per fault instead.  Measured with bench/apply.sh -a (issue 11: the same
 * tree built without it, side by side, 2-core VM, shared libraries): an
 * apply of 10,000 rules takes 1.6-2.1x the wall time and 1.9-2.1x the CPU
 * time without it (6,400 page faults instead of 650), of 1,000 rules
 * 1.14-1.22x the wall and 1.18x the CPU time.  Smaller loads gained
 * nothing measurable from filling in the heap ahead (start-up and an apply
 * of 100 rules: within 5 %, in the noise), so nothing is done for them.
 * See bench/README.md, "Speed tricks".
 */
#ifndef MASQ_MEM_H
#define MASQ_MEM_H

#include <stddef.h>

/*
 * Have @bytes of heap ready for what comes next.  From MEM_HUGE_FROM up,
 * once per process until mem_settle(), a block of that size (at least
 * MEM_HUGE_MIN, at most MEM_RESERVE_MAX) is allocated on the heap, marked
 * for transparent huge pages and freed again, and the heap is kept from
 * shrinking or moving large blocks to mmap(), so the load's allocations
 * land in huge pages.  Below MEM_HUGE_FROM it does nothing.  Where malloc
 * is not glibc's sbrk heap (ASan, valgrind) or THP is off it costs a
 * malloc() and changes nothing else.  Cannot fail.
 */
#define MEM_HUGE_FROM (1u << 20)
#define MEM_HUGE_MIN (6u << 20)	/* two whole huge pages after alignment */
#define MEM_RESERVE_MAX (30u << 20)
void mem_reserve(size_t bytes);

/*
 * For a long-lived process (the engine, the REPL, masqtop): after a big
 * mem_reserve(), put glibc's settings back and give the free heap back to
 * the system, so an idle daemon does not hold a load's memory for good
 * (bench/idle_rss.sh: the engine after applying 10,000 rules keeps
 * 13 MiB with it, 30 MiB without).  Does nothing (and costs nothing) when
 * no big reserve happened since.  Cannot fail.
 */
void mem_settle(void);

#endif

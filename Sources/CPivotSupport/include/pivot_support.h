#ifndef PIVOT_SUPPORT_H
#define PIVOT_SUPPORT_H

/// The git revision the binary was built from ("unknown" when built outside a checkout by make).
const char *pivot_build_revision(void);
/// The build date (UTC, RFC 3339) written by make, or "unknown".
const char *pivot_build_date(void);

/// Keeps request-sized buffers in the heap instead of mapping them and returning them to the kernel
/// after every request (glibc's defaults page-fault each decompressed remote-write body anew).
void pivot_tune_malloc(void);

/// Returns freed heap memory to the kernel now (malloc_trim), for when resident memory is over its bound.
void pivot_release_free_memory(void);

/// Asks the CPU to start loading the cache line at `address` for a write soon (a hint: no effect on
/// results, never faults).
static inline void pivot_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif

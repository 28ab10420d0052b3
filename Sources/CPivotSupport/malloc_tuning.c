#include <malloc.h>
#include "pivot_support.h"

void pivot_tune_malloc(void) {
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

void pivot_release_free_memory(void) {
#ifdef M_MMAP_THRESHOLD
    malloc_trim(0);
#endif
}

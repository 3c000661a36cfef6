#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>

#include "GlibcCompat.h"

// hypotf got a new symbol version in glibc 2.35. In double precision the squares of any two
// floats neither overflow nor lose a float's digits, so one square root gives the float result;
// IEEE's hypot is infinite when either side is, even when the other is NaN.
float __wrap_hypotf(float x, float y) {
    if (__builtin_isinf(x) || __builtin_isinf(y)) return __builtin_inff();
    double dx = x, dy = y;
    return (float)__builtin_sqrt(dx * dx + dy * dy);
}

// arc4random is new in glibc 2.36; libstdc++'s std::random_device uses it when present.
// getrandom (glibc 2.25) reads the same kernel source.
uint32_t __wrap_arc4random(void) {
    uint32_t value;
    char *cursor = (char *)&value;
    size_t left = sizeof value;
    while (left > 0) {
        ssize_t n = getrandom(cursor, left, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            abort();  // as glibc's arc4random does: never hand out predictable numbers
        }
        cursor += n;
        left -= (size_t)n;
    }
    return value;
}

// _dl_find_object is new in glibc 2.35; GCC 12's unwinder (libgcc_eh) asks it for the loaded
// object holding a code address and that object's PT_GNU_EH_FRAME. dl_iterate_phdr answers the
// same question on older glibc. Unlike _dl_find_object it takes the loader's lock, so unwinding
// from a signal that interrupted the loader could wait; the runtime never unwinds there.
struct search {
    uintptr_t pc;
    struct dl_find_object *result;
    int found;
};

static int visit(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct search *search = data;
    uintptr_t low = UINTPTR_MAX, high = 0;
    void *eh_frame = NULL;
    int contains = 0;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + header->p_vaddr;
        if (header->p_type == PT_LOAD) {
            uintptr_t end = start + header->p_memsz;
            if (start < low) low = start;
            if (end > high) high = end;
            if (search->pc >= start && search->pc < end) contains = 1;
        } else if (header->p_type == PT_GNU_EH_FRAME) {
            eh_frame = (void *)start;
        }
    }
    if (!contains) return 0;
    search->result->dlfo_flags = 0;
    search->result->dlfo_map_start = (void *)low;
    search->result->dlfo_map_end = (void *)high;
    search->result->dlfo_link_map = NULL;
    search->result->dlfo_eh_frame = eh_frame;
    search->found = 1;
    return 1;
}

int __wrap__dl_find_object(void *pc, struct dl_find_object *result) {
    struct search search = {(uintptr_t)pc, result, 0};
    dl_iterate_phdr(visit, &search);
    return search.found ? 0 : -1;
}

#ifndef LEDGER_CGLIBC_SHIM_H
#define LEDGER_CGLIBC_SHIM_H
/* glibc interfaces the Glibc module does not bring, and a compiler builtin. */
#include <stddef.h>
#ifdef __linux__
/* mallopt: the Glibc module does not include malloc.h. */
#include <malloc.h>
/* sched_getaffinity is a GNU extension, declared only under _GNU_SOURCE, which the Glibc module
   is not built with: declared here under another name, bound to the same symbol, over a plain
   byte mask (a cpu_set_t is 128 bytes of bits). */
extern int ledger_sched_getaffinity(int pid, size_t size, void *mask) __asm__("sched_getaffinity");
/* sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE), also a GNU extension: starts writing a file's
   dirty pages to the disk without waiting for them. */
extern int ledger_sync_file_range(int fd, long long offset, long long bytes, unsigned int flags)
    __asm__("sync_file_range");
#define LEDGER_SYNC_FILE_RANGE_WRITE 2
/* memmem, a GNU extension too: a search for bytes among bytes. */
extern void *ledger_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length)
    __asm__("memmem");
#endif
/* A hint to bring memory into the cache before it is read: Swift has no prefetch of its own. */
static inline void ledger_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif

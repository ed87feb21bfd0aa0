#ifndef LEDGER_XXHASH_LANES_H
#define LEDGER_XXHASH_LANES_H
/* XXH32's four lanes of eight buffers advanced at once in AVX-512 or AVX2 registers: one buffer's
   lanes each wait on two multiplies a stripe, which keeps a core's scalar multiplier busy at about
   6 GB a second; eight buffers' lanes side by side fill the vector unit instead. */
#include <stddef.h>
#include <stdint.h>

/* The widest vectors, in bits, in which this processor and its operating system run
   `ledger_xxh32_stripes8`: 512 (AVX-512 F and BW), 256 (AVX2), or 0 for none (or no vector
   state saved across context switches). */
int ledger_xxh32_widest_lanes(void);

/* Advances the XXH32 lanes of eight buffers over their next `stripes` 16-byte stripes: buffer k's
   from `starts[k]`, its lanes in `lanes[4k ..< 4k + 4]`, and adds the `\n` bytes of those stripes
   to `line_ends[k]`, in vectors of `width` bits (512 or 256), at most
   `ledger_xxh32_widest_lanes()`. The same buffer may be named more than once (its lanes then
   each advance alone). */
void ledger_xxh32_stripes8(int width, const unsigned char *const starts[8], uint32_t lanes[32], size_t stripes,
                           uint64_t line_ends[8]);

#endif

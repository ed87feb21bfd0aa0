#include "xxhash_lanes.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

int ledger_xxh32_lanes_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (!(b & bit_AVX512F) || !(b & bit_AVX512BW)) return 0;
    /* XCR0: the SSE, AVX, mask and both halves of the ZMM state enabled by the system. */
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xE6) == 0xE6;
}

/* Four buffers' next stripe in one register: buffer k's 16 bytes in its 128-bit lane k. */
__attribute__((target("avx512f,avx512bw"))) static inline __m512i stripe4(const unsigned char *const *s,
                                                                           size_t offset) {
    __m512i x = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(s[0] + offset)));
    x = _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(s[1] + offset)), 1);
    x = _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(s[2] + offset)), 2);
    return _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(s[3] + offset)), 3);
}

__attribute__((target("avx512f,avx512bw"))) void ledger_xxh32_stripes8(const unsigned char *const starts[8],
                                                                        uint32_t lanes[32], size_t stripes,
                                                                        uint64_t line_ends[8]) {
    const __m512i prime1 = _mm512_set1_epi32((int)0x9E3779B1u), prime2 = _mm512_set1_epi32((int)0x85EBCA77u);
    const __m512i newline = _mm512_set1_epi8('\n'), one = _mm512_set1_epi8(1), zero = _mm512_setzero_si512();
    /* Two registers of four buffers each: two chains of multiplies in flight at once. */
    __m512i low = _mm512_loadu_si512(lanes), high = _mm512_loadu_si512(lanes + 16);
    __m512i low_ends = zero, high_ends = zero;
    size_t i = 0;
    while (i < stripes) {
        /* Each byte of a count register counts its place's line ends: 255 stripes at most, then
           the bytes are summed in eights into 64-bit totals (two to a buffer). */
        size_t end = stripes - i > 255 ? i + 255 : stripes;
        __m512i low_count = zero, high_count = zero;
        for (; i < end; i++) {
            __m512i x = stripe4(starts, i * 16), y = stripe4(starts + 4, i * 16);
            low = _mm512_mullo_epi32(_mm512_rol_epi32(_mm512_add_epi32(low, _mm512_mullo_epi32(x, prime2)), 13), prime1);
            high = _mm512_mullo_epi32(_mm512_rol_epi32(_mm512_add_epi32(high, _mm512_mullo_epi32(y, prime2)), 13), prime1);
            low_count = _mm512_mask_add_epi8(low_count, _mm512_cmpeq_epi8_mask(x, newline), low_count, one);
            high_count = _mm512_mask_add_epi8(high_count, _mm512_cmpeq_epi8_mask(y, newline), high_count, one);
        }
        low_ends = _mm512_add_epi64(low_ends, _mm512_sad_epu8(low_count, zero));
        high_ends = _mm512_add_epi64(high_ends, _mm512_sad_epu8(high_count, zero));
    }
    _mm512_storeu_si512(lanes, low);
    _mm512_storeu_si512(lanes + 16, high);
    uint64_t totals[16];
    _mm512_storeu_si512(totals, low_ends);
    _mm512_storeu_si512(totals + 8, high_ends);
    for (int k = 0; k < 8; k++) line_ends[k] += totals[2 * k] + totals[2 * k + 1];
}

#else
int ledger_xxh32_lanes_available(void) { return 0; }

void ledger_xxh32_stripes8(const unsigned char *const starts[8], uint32_t lanes[32], size_t stripes,
                           uint64_t line_ends[8]) {
    (void)starts, (void)lanes, (void)stripes, (void)line_ends;
}
#endif

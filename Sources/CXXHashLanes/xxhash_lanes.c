#include "xxhash_lanes.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

/* The widest vectors this processor and its operating system run: AVX-512 F and BW need the mask
   and both halves of the ZMM state enabled by the system in XCR0, AVX2 the YMM state. */
int ledger_xxh32_widest_lanes(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((b & bit_AVX512F) && (b & bit_AVX512BW) && (lo & 0xE6) == 0xE6) return 512;
    if ((b & bit_AVX2) && (lo & 0x6) == 0x6) return 256;
    return 0;
}

/* Four buffers' next stripe in one register: buffer k's 16 bytes in its 128-bit lane k. */
__attribute__((target("avx512f,avx512bw"))) static inline __m512i stripe4(const unsigned char *const *s,
                                                                           size_t offset) {
    __m512i x = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(s[0] + offset)));
    x = _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(s[1] + offset)), 1);
    x = _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(s[2] + offset)), 2);
    return _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(s[3] + offset)), 3);
}

__attribute__((target("avx512f,avx512bw"))) static void stripes8_512(const unsigned char *const starts[8],
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

/* Two buffers' next stripe in one register: buffer k's 16 bytes in its 128-bit lane k. */
__attribute__((target("avx2"))) static inline __m256i stripe2(const unsigned char *const *s, size_t offset) {
    __m256i x = _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(s[0] + offset)));
    return _mm256_inserti128_si256(x, _mm_loadu_si128((const __m128i *)(s[1] + offset)), 1);
}

/* One XXH32 round of eight lanes: AVX2 has no rotate, so two shifts. */
__attribute__((target("avx2"))) static inline __m256i round8(__m256i acc, __m256i input, __m256i prime1,
                                                               __m256i prime2) {
    __m256i x = _mm256_add_epi32(acc, _mm256_mullo_epi32(input, prime2));
    x = _mm256_or_si256(_mm256_slli_epi32(x, 13), _mm256_srli_epi32(x, 19));
    return _mm256_mullo_epi32(x, prime1);
}

/* As `stripes8_512`, in four 256-bit registers of two buffers each: four chains of multiplies in
   flight at once. A line end's byte compares to all ones, -1, so subtracting counts it. */
__attribute__((target("avx2"))) static void stripes8_256(const unsigned char *const starts[8], uint32_t lanes[32],
                                                          size_t stripes, uint64_t line_ends[8]) {
    const __m256i prime1 = _mm256_set1_epi32((int)0x9E3779B1u), prime2 = _mm256_set1_epi32((int)0x85EBCA77u);
    const __m256i newline = _mm256_set1_epi8('\n'), zero = _mm256_setzero_si256();
    __m256i acc[4], ends[4];
    for (int r = 0; r < 4; r++) {
        acc[r] = _mm256_loadu_si256((const __m256i *)(lanes + 8 * r));
        ends[r] = zero;
    }
    size_t i = 0;
    while (i < stripes) {
        size_t end = stripes - i > 255 ? i + 255 : stripes;
        __m256i count[4] = {zero, zero, zero, zero};
        for (; i < end; i++) {
            for (int r = 0; r < 4; r++) {
                __m256i x = stripe2(starts + 2 * r, i * 16);
                acc[r] = round8(acc[r], x, prime1, prime2);
                count[r] = _mm256_sub_epi8(count[r], _mm256_cmpeq_epi8(x, newline));
            }
        }
        for (int r = 0; r < 4; r++) ends[r] = _mm256_add_epi64(ends[r], _mm256_sad_epu8(count[r], zero));
    }
    uint64_t totals[16];
    for (int r = 0; r < 4; r++) {
        _mm256_storeu_si256((__m256i *)(lanes + 8 * r), acc[r]);
        _mm256_storeu_si256((__m256i *)(totals + 4 * r), ends[r]);
    }
    for (int k = 0; k < 8; k++) line_ends[k] += totals[2 * k] + totals[2 * k + 1];
}

void ledger_xxh32_stripes8(int width, const unsigned char *const starts[8], uint32_t lanes[32], size_t stripes,
                           uint64_t line_ends[8]) {
    if (width == 512) stripes8_512(starts, lanes, stripes, line_ends);
    else stripes8_256(starts, lanes, stripes, line_ends);
}

#else
int ledger_xxh32_widest_lanes(void) { return 0; }

void ledger_xxh32_stripes8(int width, const unsigned char *const starts[8], uint32_t lanes[32], size_t stripes,
                           uint64_t line_ends[8]) {
    (void)width, (void)starts, (void)lanes, (void)stripes, (void)line_ends;
}
#endif

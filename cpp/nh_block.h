// NH, the universal hash of UMAC (Black, Halevi, Krawczyk, Krovetz and Rogaway, "UMAC: Fast
// and Secure Message Authentication", CRYPTO 1999, section 3), for the streams' segment
// commitments (cpp/fernet_stream.cpp), the one home of that rule.
//
//   fernet::nh::accumulate(sums, text, key, units)
//     sums[p] += NH of `units` 32-byte units of text under key p (p = 0..3), mod 2^64.
//     Key p is the kKeyStride bytes at key + p * kKeyStride, read from the same offset as the
//     text's; a call covers at most kKeyStride bytes of text from a key's start.
//
// NH of 32-bit little-endian words m[0..n) under key words k[0..n):
//   sum over the pairs (i, j) of ((m[i] + k[i]) mod 2^32) * ((m[j] + k[j]) mod 2^32), mod 2^64.
// The CRYPTO paper pairs neighbouring words; here, as in RFC 4418 (UMAC's specification), word
// i of each 32-byte unit pairs with word i + 4, so that both vector forms multiply the lanes of
// two plain loads. Any fixed pairing of the positions keeps the paper's bound (it is the same
// function of a relabelled message and key):
// for two different messages of the same length, the chance over a uniformly random key
// that their NH values are equal is at most 2^-32. Four independent keys: 2^-128.
//
// Why NH: a pass of CBC decryption must check its text against the verified pass without
// hashing it with SHA-256 again (the second pass spent half its time there). NH costs a few
// vector instructions per 32 bytes. Its bound needs a key the text's author cannot know:
// a fresh random one per verification, never leaving wasm memory.
//
// Vector forms for WebAssembly SIMD128 (shipped) and x86 SSE2 (native tests and fuzzers run
// a vector form too); the portable form is always compiled, so tests/cpp/nh_test.cpp
// compares the two with a textbook NH. No secret-dependent branch or memory index.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fernet {
namespace nh {

constexpr size_t kUnit = 32;
constexpr size_t kKeys = 4;
constexpr size_t kKeyStride = 4096;  // text per NH value; each key's length
constexpr size_t kKeySize = kKeys * kKeyStride;

namespace portable {

inline uint32_t word(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

inline void accumulate(uint64_t sums[kKeys], const uint8_t* text, const uint8_t* key,
                       size_t units) {
  for (size_t p = 0; p < kKeys; ++p) {
    const uint8_t* k = key + p * kKeyStride;
    uint64_t sum = sums[p];
    for (size_t u = 0; u < units * kUnit; u += kUnit)
      for (size_t i = 0; i < 16; i += 4) {
        const uint32_t a = word(text + u + i) + word(k + u + i);
        const uint32_t b = word(text + u + i + 16) + word(k + u + i + 16);
        sum += static_cast<uint64_t>(a) * b;
      }
    sums[p] = sum;
  }
}

}  // namespace portable

#if defined(__wasm_simd128__)

// Lanes (a0 b0, a1 b1) + (a2 b2, a3 b3) of a = text + key, b the same 16 bytes on.
inline v128_t unit_products(v128_t m0, v128_t m1, const uint8_t* k) {
  const v128_t a = wasm_i32x4_add(m0, wasm_v128_load(k));
  const v128_t b = wasm_i32x4_add(m1, wasm_v128_load(k + 16));
  return wasm_i64x2_add(wasm_u64x2_extmul_low_u32x4(a, b), wasm_u64x2_extmul_high_u32x4(a, b));
}

// One key at a time, each a loop: the text is read four times from L1 cache, and the code is
// the smallest of the forms measured (the download is budgeted; NH is a few percent of a pass).
inline void accumulate(uint64_t sums[kKeys], const uint8_t* text, const uint8_t* key,
                       size_t units) {
#pragma clang loop unroll(disable)
  for (size_t p = 0; p < kKeys; ++p) {
    const uint8_t* k = key + p * kKeyStride;
    v128_t acc = wasm_i64x2_make(static_cast<int64_t>(sums[p]), 0);
#pragma clang loop unroll(disable)
    for (size_t u = 0; u < units * kUnit; u += kUnit)
      acc = wasm_i64x2_add(acc, unit_products(wasm_v128_load(text + u),
                                              wasm_v128_load(text + u + 16), k + u));
    sums[p] = static_cast<uint64_t>(wasm_i64x2_extract_lane(acc, 0)) +
              static_cast<uint64_t>(wasm_i64x2_extract_lane(acc, 1));
  }
}

#elif defined(__SSE2__)

// _mm_mul_epu32 multiplies lanes 0 and 2; lanes 1 and 3 are shifted down to meet it.
inline __m128i unit_products(__m128i m0, __m128i m1, const uint8_t* k) {
  const __m128i a = _mm_add_epi32(m0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k)));
  const __m128i b = _mm_add_epi32(m1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k + 16)));
  return _mm_add_epi64(_mm_mul_epu32(a, b),
                       _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32)));
}

inline void accumulate(uint64_t sums[kKeys], const uint8_t* text, const uint8_t* key,
                       size_t units) {
  __m128i acc[kKeys];
  for (size_t p = 0; p < kKeys; ++p) acc[p] = _mm_set_epi64x(0, static_cast<int64_t>(sums[p]));
  for (size_t u = 0; u < units * kUnit; u += kUnit) {
    const __m128i m0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + u));
    const __m128i m1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + u + 16));
    for (size_t p = 0; p < kKeys; ++p)
      acc[p] = _mm_add_epi64(acc[p], unit_products(m0, m1, key + p * kKeyStride + u));
  }
  for (size_t p = 0; p < kKeys; ++p) {
    uint64_t lanes[2];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), acc[p]);
    sums[p] = lanes[0] + lanes[1];
  }
}

#else

using portable::accumulate;

#endif

}  // namespace nh
}  // namespace fernet

// The Salsa20/8 core (RFC 7914 section 3) for scrypt's BlockMix (cpp/kdf.cpp), the one home
// of that rule.
//
//   fernet::salsa20::kOrder[16]   the order the words of a 64-byte block are kept in:
//                                 slot s holds word kOrder[s] of the block
//   fernet::salsa20::core8_of_xor(out, p, q, r)
//                                 out <- Salsa20/8 core of p ^ q (^ r unless r is null), all
//                                 16 words in that order; BlockMix's XORs done in registers
//
// Why the order: Salsa20's column and row steps each apply one operation to four words at
// once, but to a different set of four. Kept by diagonals, (0, 5, 10, 15), (4, 9, 14, 3),
// (8, 13, 2, 7), (12, 1, 6, 11), every step of a column round is one operation on whole
// 128-bit vectors, and a row round is the same after rotating three of the vectors by lanes.
// scrypt XORs blocks word by word and reads only word 0 (Integerify), which stays in slot 0,
// so ROMix keeps every block in this order and converts once per lane, not per core call.
// Measured in Node 20 (V8) on x86-64, scrypt at n = 2^14, r = 8, p = 1, old and new build
// alternating in one process: 71-77 ms with the scalar form (sixteen words in locals, which
// V8 partly spills to its stack), 52-56 ms with this one on vectors, 46-49 ms with BlockMix's
// XORs moved in here from a separate pass over memory. The four double rounds stay a loop:
// written out they were no faster and the wasm 1 KB larger.
//
// Three builds of the same algorithm, chosen by the compiler's target as in
// cpp/sha256_block.h: WebAssembly SIMD128 (shipped), x86 SSE2 (native tests and fuzzers run
// the vector form too), and the portable scalar form (other hosts, or FERNET_SALSA20_PORTABLE
// defined before the include: tests/cpp/salsa20_test.cpp builds both and compares them with a
// textbook Salsa20/8). Each lives in its own inline namespace, so one program may contain
// more than one.
//
// Salsa20 has no secret-dependent branch or memory index.
#pragma once

#include <cstdint>

#if !defined(FERNET_SALSA20_PORTABLE) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define FERNET_SALSA20_IMPL simd128
#elif !defined(FERNET_SALSA20_PORTABLE) && defined(__SSE2__)
#include <emmintrin.h>
#define FERNET_SALSA20_IMPL sse2
#else
#define FERNET_SALSA20_IMPL portable
#endif

#if defined(__GNUC__) || defined(__clang__)
#define FERNET_SALSA20_NOINLINE __attribute__((noinline))
#else
#define FERNET_SALSA20_NOINLINE
#endif

namespace fernet {
namespace salsa20 {

// tests/js/kdf.test.js's memory scan keeps its own copy (SLOT_ORDER) to find blocks in this
// order: change both together.
constexpr uint32_t kOrder[16] = {0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11};

inline namespace FERNET_SALSA20_IMPL {

#if defined(__wasm_simd128__) && !defined(FERNET_SALSA20_PORTABLE)
using V = v128_t;
inline V load(const uint32_t* p) { return wasm_v128_load(p); }
inline void store(uint32_t* p, V x) { wasm_v128_store(p, x); }
inline V add(V a, V b) { return wasm_i32x4_add(a, b); }
inline V bit_xor(V a, V b) { return wasm_v128_xor(a, b); }
// x ^ rotl(t, n): a rotation is two shifts in SIMD128, each XORed in on its own.
template <int n>
inline V xor_rotl(V x, V t) {
  return wasm_v128_xor(wasm_v128_xor(x, wasm_i32x4_shl(t, n)), wasm_u32x4_shr(t, 32 - n));
}
// Lane i of the result is lane (i + n) mod 4 of x.
template <int n>
inline V lanes(V x) {
  return wasm_i32x4_shuffle(x, x, n, (n + 1) & 3, (n + 2) & 3, (n + 3) & 3);
}
#elif defined(__SSE2__) && !defined(FERNET_SALSA20_PORTABLE)
using V = __m128i;
inline V load(const uint32_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline void store(uint32_t* p, V x) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), x); }
inline V add(V a, V b) { return _mm_add_epi32(a, b); }
inline V bit_xor(V a, V b) { return _mm_xor_si128(a, b); }
template <int n>
inline V xor_rotl(V x, V t) {
  return _mm_xor_si128(_mm_xor_si128(x, _mm_slli_epi32(t, n)), _mm_srli_epi32(t, 32 - n));
}
template <int n>
inline V lanes(V x) {
  return _mm_shuffle_epi32(x, _MM_SHUFFLE((n + 3) & 3, (n + 2) & 3, (n + 1) & 3, n));
}
#else
struct V {
  uint32_t w[4];
};
inline V load(const uint32_t* p) { return {{p[0], p[1], p[2], p[3]}}; }
inline void store(uint32_t* p, V x) {
  for (int i = 0; i < 4; ++i) p[i] = x.w[i];
}
inline V add(V a, V b) {
  for (int i = 0; i < 4; ++i) a.w[i] += b.w[i];
  return a;
}
inline V bit_xor(V a, V b) {
  for (int i = 0; i < 4; ++i) a.w[i] ^= b.w[i];
  return a;
}
template <int n>
inline V xor_rotl(V x, V t) {
  for (int i = 0; i < 4; ++i) x.w[i] ^= t.w[i] << n | t.w[i] >> (32 - n);
  return x;
}
template <int n>
inline V lanes(V x) {
  return {{x.w[n], x.w[(n + 1) & 3], x.w[(n + 2) & 3], x.w[(n + 3) & 3]}};
}
#endif

// In slot order: a = words (0, 5, 10, 15), b = (4, 9, 14, 3), c = (8, 13, 2, 7),
// d = (12, 1, 6, 11). A column round updates b, c, d, a in turn (word 4 from 0 and 12,
// 9 from 5 and 1, ...). For the row round the same four steps need (1, 6, 11, 12),
// (2, 7, 8, 13) and (3, 4, 9, 14) beside a: d, c and b rotated by one, two and three lanes.
//
// out <- Salsa20/8 core of (p ^ q ^ r), r optional (null): scrypt's BlockMix XORs each
// block into the previous output before the core, so the XOR is done here in registers.
FERNET_SALSA20_NOINLINE inline void core8_of_xor(uint32_t out[16], const uint32_t p[16],
                                                 const uint32_t q[16], const uint32_t* r) {
  V a0 = bit_xor(load(p), load(q)), b0 = bit_xor(load(p + 4), load(q + 4)),
    c0 = bit_xor(load(p + 8), load(q + 8)), d0 = bit_xor(load(p + 12), load(q + 12));
  if (r != nullptr) {
    a0 = bit_xor(a0, load(r));
    b0 = bit_xor(b0, load(r + 4));
    c0 = bit_xor(c0, load(r + 8));
    d0 = bit_xor(d0, load(r + 12));
  }
  V a = a0, b = b0, c = c0, d = d0;
#if defined(__clang__)
#pragma clang loop unroll(disable)
#endif
  for (int i = 0; i < 8; i += 2) {
    b = xor_rotl<7>(b, add(a, d));
    c = xor_rotl<9>(c, add(b, a));
    d = xor_rotl<13>(d, add(c, b));
    a = xor_rotl<18>(a, add(d, c));
    V rd = lanes<1>(d), rc = lanes<2>(c), rb = lanes<3>(b);
    rd = xor_rotl<7>(rd, add(a, rb));
    rc = xor_rotl<9>(rc, add(rd, a));
    rb = xor_rotl<13>(rb, add(rc, rd));
    a = xor_rotl<18>(a, add(rb, rc));
    d = lanes<3>(rd);
    c = lanes<2>(rc);
    b = lanes<1>(rb);
  }
  store(out, add(a, a0));
  store(out + 4, add(b, b0));
  store(out + 8, add(c, c0));
  store(out + 12, add(d, d0));
}

}  // inline namespace FERNET_SALSA20_IMPL
}  // namespace salsa20
}  // namespace fernet

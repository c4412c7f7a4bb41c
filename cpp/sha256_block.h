// SHA-256's compression function (FIPS 180-4, section 6.2.2), the one home of the rule for
// every caller: mbedTLS's block hook (cpp/sha256_process.cpp, and so every hash and HMAC the
// core computes) and PBKDF2's inner loop (cpp/kdf.cpp).
//
//   fernet::sha256::compress(state, block)          state[8] updated with one 64-byte block
//   fernet::sha256::compress_digest(out, iv, round0, words)
//                                                   one block that is a 32-byte digest (words,
//                                                   big-endian values) after a 64-byte prefix
//                                                   whose chaining value is iv: HMAC's second
//                                                   block when the message is one digest;
//                                                   round0 from digest_round0(round0, iv), once
//                                                   per chaining value
//
// How it is split, and why: the 64 rounds are a chain (each needs the one before), so they
// stay scalar; the message schedule is independent of the state and runs four words at a
// time in a 128-bit vector, round constants added there too, while the scalar units work
// on the rounds. Measured in Node 20 (V8) on x86-64, one compression went from about 295 ns
// (scalar, rolling schedule in locals) to about 185 ns this way. Each group of four W[t]+K[t]
// is handed to the rounds by lane extraction, not through memory, so in WebAssembly neither
// the schedule nor the working variables are ever written to linear memory (only the
// caller's chaining value is) and nothing needs wiping per block. Measured and dropped:
// storing the vector and reloading words (no faster), sigma1 with five shifts (slower), and
// in the rounds Sigma0/Sigma1 as three independent rotations or Maj as
// (a & b) | (c & (a | b)) (both slower in V8).
//
// Three builds of the same algorithm, chosen by the compiler's target like cpp/aes_ct.cpp:
// WebAssembly SIMD128 (the shipped build; plain SIMD128, no relaxed-SIMD), x86 SSSE3 (native
// tests and fuzzers run the vector algorithm too) and portable scalar code (other hosts, or
// FERNET_SHA256_PORTABLE defined before the include: the tests build both). Each lives in its
// own inline namespace, so one program may contain more than one without mixing them up.
//
// SHA-256 has no secret-dependent branch or memory index: the round constants are read in a
// fixed order and every shuffle pattern is a compile-time constant.
#pragma once

#include <cstdint>

#if !defined(FERNET_SHA256_PORTABLE) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define FERNET_SHA256_IMPL simd128
#elif !defined(FERNET_SHA256_PORTABLE) && defined(__SSSE3__)
#include <tmmintrin.h>
#define FERNET_SHA256_IMPL ssse3
#else
#define FERNET_SHA256_IMPL portable
#endif

#if defined(__GNUC__) || defined(__clang__)
#define FERNET_SHA256_INLINE inline __attribute__((always_inline))
#else
#define FERNET_SHA256_INLINE inline
#endif

namespace fernet {
namespace sha256 {
inline namespace FERNET_SHA256_IMPL {

alignas(16) inline constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

// ---- Four 32-bit lanes with the few operations the schedule needs ------------------------
// (and PBKDF2's running XOR, cpp/kdf.cpp, which uses make, get, ^ and &)
// shr64: each pair of lanes (0,1) and (2,3) shifted right as one little-endian 64-bit value
// (lane 0 the low half). Shuffles are named by the lanes they produce.
#if defined(__wasm_simd128__) && !defined(FERNET_SHA256_PORTABLE)
struct V {
  v128_t v;
};
FERNET_SHA256_INLINE V load_be(const unsigned char* p) {
  return {wasm_i8x16_swizzle(wasm_v128_load(p),
                             wasm_i8x16_const(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12))};
}
FERNET_SHA256_INLINE V load_k(int i) { return {wasm_v128_load(&kK[i])}; }
FERNET_SHA256_INLINE V make(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  return {wasm_u32x4_make(w0, w1, w2, w3)};
}
template <int lane>
FERNET_SHA256_INLINE uint32_t get(V x) { return wasm_u32x4_extract_lane(x.v, lane); }
FERNET_SHA256_INLINE V operator+(V a, V b) { return {wasm_i32x4_add(a.v, b.v)}; }
FERNET_SHA256_INLINE V operator^(V a, V b) { return {wasm_v128_xor(a.v, b.v)}; }
FERNET_SHA256_INLINE V operator&(V a, V b) { return {wasm_v128_and(a.v, b.v)}; }
template <int n>
FERNET_SHA256_INLINE V shr32(V x) { return {wasm_u32x4_shr(x.v, n)}; }
template <int n>
FERNET_SHA256_INLINE V shl32(V x) { return {wasm_i32x4_shl(x.v, n)}; }
template <int n>
FERNET_SHA256_INLINE V shr64(V x) { return {wasm_u64x2_shr(x.v, n)}; }
// (a1, a2, a3, b0)
FERNET_SHA256_INLINE V next_window(V a, V b) { return {wasm_i32x4_shuffle(a.v, b.v, 1, 2, 3, 4)}; }
FERNET_SHA256_INLINE V dup_low(V x) { return {wasm_i32x4_shuffle(x.v, x.v, 0, 0, 1, 1)}; }
FERNET_SHA256_INLINE V dup_high(V x) { return {wasm_i32x4_shuffle(x.v, x.v, 2, 2, 3, 3)}; }
FERNET_SHA256_INLINE V evens(V x) { return {wasm_i32x4_shuffle(x.v, x.v, 0, 2, 0, 2)}; }
// (lo0, lo1, hi2, hi3)
FERNET_SHA256_INLINE V halves(V lo, V hi) { return {wasm_i32x4_shuffle(lo.v, hi.v, 0, 1, 6, 7)}; }
#elif defined(__SSSE3__) && !defined(FERNET_SHA256_PORTABLE)
struct V {
  __m128i v;
};
FERNET_SHA256_INLINE V load_be(const unsigned char* p) {
  return {_mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)),
                           _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12))};
}
FERNET_SHA256_INLINE V load_k(int i) {
  return {_mm_load_si128(reinterpret_cast<const __m128i*>(&kK[i]))};
}
FERNET_SHA256_INLINE V make(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  return {_mm_setr_epi32(static_cast<int>(w0), static_cast<int>(w1), static_cast<int>(w2),
                         static_cast<int>(w3))};
}
template <int lane>
FERNET_SHA256_INLINE uint32_t get(V x) {
  return static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_shuffle_epi32(x.v, lane)));
}
FERNET_SHA256_INLINE V operator+(V a, V b) { return {_mm_add_epi32(a.v, b.v)}; }
FERNET_SHA256_INLINE V operator^(V a, V b) { return {_mm_xor_si128(a.v, b.v)}; }
FERNET_SHA256_INLINE V operator&(V a, V b) { return {_mm_and_si128(a.v, b.v)}; }
template <int n>
FERNET_SHA256_INLINE V shr32(V x) { return {_mm_srli_epi32(x.v, n)}; }
template <int n>
FERNET_SHA256_INLINE V shl32(V x) { return {_mm_slli_epi32(x.v, n)}; }
template <int n>
FERNET_SHA256_INLINE V shr64(V x) { return {_mm_srli_epi64(x.v, n)}; }
FERNET_SHA256_INLINE V next_window(V a, V b) { return {_mm_alignr_epi8(b.v, a.v, 4)}; }
FERNET_SHA256_INLINE V dup_low(V x) { return {_mm_shuffle_epi32(x.v, 0x50)}; }   // 0,0,1,1
FERNET_SHA256_INLINE V dup_high(V x) { return {_mm_shuffle_epi32(x.v, 0xfa)}; }  // 2,2,3,3
FERNET_SHA256_INLINE V evens(V x) { return {_mm_shuffle_epi32(x.v, 0x88)}; }     // 0,2,0,2
FERNET_SHA256_INLINE V halves(V lo, V hi) {
  return {_mm_castpd_si128(_mm_move_sd(_mm_castsi128_pd(hi.v), _mm_castsi128_pd(lo.v)))};
}
#else
struct V {
  uint32_t w[4];
};
FERNET_SHA256_INLINE V load_be(const unsigned char* p) {
  V r;
  for (int i = 0; i < 4; ++i, p += 4) {
    r.w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  return r;
}
FERNET_SHA256_INLINE V load_k(int i) { return {{kK[i], kK[i + 1], kK[i + 2], kK[i + 3]}}; }
FERNET_SHA256_INLINE V make(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  return {{w0, w1, w2, w3}};
}
template <int lane>
FERNET_SHA256_INLINE uint32_t get(V x) { return x.w[lane]; }
FERNET_SHA256_INLINE V operator+(V a, V b) {
  for (int i = 0; i < 4; ++i) a.w[i] += b.w[i];
  return a;
}
FERNET_SHA256_INLINE V operator^(V a, V b) {
  for (int i = 0; i < 4; ++i) a.w[i] ^= b.w[i];
  return a;
}
FERNET_SHA256_INLINE V operator&(V a, V b) {
  for (int i = 0; i < 4; ++i) a.w[i] &= b.w[i];
  return a;
}
template <int n>
FERNET_SHA256_INLINE V shr32(V x) {
  for (int i = 0; i < 4; ++i) x.w[i] >>= n;
  return x;
}
template <int n>
FERNET_SHA256_INLINE V shl32(V x) {
  for (int i = 0; i < 4; ++i) x.w[i] <<= n;
  return x;
}
template <int n>
FERNET_SHA256_INLINE V shr64(V x) {
  for (int i = 0; i < 4; i += 2) {
    const uint64_t pair = (uint64_t{x.w[i + 1]} << 32 | x.w[i]) >> n;
    x.w[i] = static_cast<uint32_t>(pair);
    x.w[i + 1] = static_cast<uint32_t>(pair >> 32);
  }
  return x;
}
FERNET_SHA256_INLINE V next_window(V a, V b) { return {{a.w[1], a.w[2], a.w[3], b.w[0]}}; }
FERNET_SHA256_INLINE V dup_low(V x) { return {{x.w[0], x.w[0], x.w[1], x.w[1]}}; }
FERNET_SHA256_INLINE V dup_high(V x) { return {{x.w[2], x.w[2], x.w[3], x.w[3]}}; }
FERNET_SHA256_INLINE V evens(V x) { return {{x.w[0], x.w[2], x.w[0], x.w[2]}}; }
FERNET_SHA256_INLINE V halves(V lo, V hi) { return {{lo.w[0], lo.w[1], hi.w[2], hi.w[3]}}; }
#endif

// ---- The message schedule, four words at a time ------------------------------------------
// sigma0 on four lanes: there is no vector rotate in SIMD128, so each rotation is two shifts.
FERNET_SHA256_INLINE V small_sigma0(V x) {
  return (shr32<7>(x) ^ shl32<25>(x)) ^ (shr32<18>(x) ^ shl32<14>(x)) ^ shr32<3>(x);
}
// sigma1 on two words, given as (w, w, w', w') (dup_low/dup_high): a 64-bit shift of a word
// beside its own copy is a 32-bit rotation in the low half, so two 64-bit shifts and one
// 32-bit shift do the work of five shifts. The results are in lanes 0 and 2; evens() moves
// them to 0,1 (and repeats them in 2,3). Measured faster in V8 than the five-shift form.
FERNET_SHA256_INLINE V small_sigma1_pair(V dup) {
  return evens(shr64<17>(dup) ^ shr64<19>(dup) ^ shr32<10>(dup));
}
// W[t..t+3] from x0 = W[t-16..t-13], x1 = W[t-12..t-9], x2 = W[t-8..t-5], x3 = W[t-4..t-1]:
// W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16]. The sigma1 terms of W[t+2],
// W[t+3] are the two words computed first, hence the two halves.
FERNET_SHA256_INLINE V schedule(V x0, V x1, V x2, V x3) {
  const V partial = x0 + small_sigma0(next_window(x0, x1)) + next_window(x2, x3);
  const V low = partial + small_sigma1_pair(dup_high(x3));
  const V high = partial + small_sigma1_pair(dup_low(low));
  return halves(low, high);
}

// ---- The rounds -------------------------------------------------------------------------
FERNET_SHA256_INLINE uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
// Sigma0 and Sigma1 nested: rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22) = rotr(rotr(rotr(x, 9) ^ x,
// 11) ^ x, 2). Three rotations and two XORs as in FIPS 180-4's form, but in x86's two-operand
// code each of the other forms needs one or two register copies more, and V8's code for these
// loops is bound by how many instructions it issues, not by the chain's length. Measured in
// Node 20 (V8) against rotr(x ^ rotr(x, 11) ^ rotr(x, 20), 2) (one copy more, a chain of
// four, not five): 1 KiB encrypt 1.035-1.04x, 1 KiB decrypt 1.065x, PBKDF2 1.04x. (An
// earlier measurement, on earlier code, had PBKDF2 6-7% faster the other way.)
FERNET_SHA256_INLINE uint32_t big_sigma0(uint32_t a) {
  return rotr(rotr(rotr(a, 9) ^ a, 11) ^ a, 2);
}
FERNET_SHA256_INLINE uint32_t big_sigma1(uint32_t e) {
  return rotr(rotr(rotr(e, 14) ^ e, 5) ^ e, 6);
}

// Round r (mod 8) of the eight working variables, kept in v[] and renamed by index instead
// of moved: after round r, variable "a" is v[(8 - r - 1) & 7]. Ch(e,f,g) = g ^ (e & (f ^ g)).
// Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), where b ^ c is the previous round's a ^ b, carried
// in `bc`: one operation fewer per round.
template <int r>
FERNET_SHA256_INLINE void round(uint32_t (&v)[8], uint32_t& bc, uint32_t kw) {
  const uint32_t a = v[(8 - r) & 7], b = v[(9 - r) & 7], e = v[(12 - r) & 7],
                 f = v[(13 - r) & 7], g = v[(14 - r) & 7];
  uint32_t& d = v[(11 - r) & 7];
  uint32_t& h = v[(15 - r) & 7];
  const uint32_t t1 = h + big_sigma1(e) + (g ^ (e & (f ^ g))) + kw;
  const uint32_t ab = a ^ b;
  const uint32_t t2 = big_sigma0(a) + (b ^ (ab & bc));
  bc = ab;
  d += t1;
  h = t1 + t2;
}

template <int r>
FERNET_SHA256_INLINE void four_rounds(uint32_t (&v)[8], uint32_t& bc, V kw) {
  round<r>(v, bc, get<0>(kw));
  round<r + 1>(v, bc, get<1>(kw));
  round<r + 2>(v, bc, get<2>(kw));
  round<r + 3>(v, bc, get<3>(kw));
}

// Sixteen rounds from round t; unless they are the last sixteen, the schedule moves on by
// sixteen words on the way (each group is replaced once the rounds have taken it).
template <bool last>
FERNET_SHA256_INLINE void sixteen_rounds(uint32_t (&v)[8], uint32_t& bc, int t, V& x0, V& x1,
                                         V& x2, V& x3) {
  four_rounds<0>(v, bc, x0 + load_k(t));
  if (!last) x0 = schedule(x0, x1, x2, x3);
  four_rounds<4>(v, bc, x1 + load_k(t + 4));
  if (!last) x1 = schedule(x1, x2, x3, x0);
  four_rounds<0>(v, bc, x2 + load_k(t + 8));
  if (!last) x2 = schedule(x2, x3, x0, x1);
  four_rounds<4>(v, bc, x3 + load_k(t + 12));
  if (!last) x3 = schedule(x3, x0, x1, x2);
}

// The 64 rounds on v[] for the message words x0..x3 (W[0..15], four per vector). The first
// 48 rounds are a loop of 16: one copy of the code for every hash (the shipped bundle
// carries the wasm inline, where code size counts), 1.5-2% slower than written out.
FERNET_SHA256_INLINE void rounds(uint32_t (&v)[8], V x0, V x1, V x2, V x3) {
  uint32_t bc = v[1] ^ v[2];
  for (int t = 0; t < 48; t += 16) sixteen_rounds<false>(v, bc, t, x0, x1, x2, x3);
  sixteen_rounds<true>(v, bc, 48, x0, x1, x2, x3);
}

// state[0..7] <- state + compression of the 64-byte block. The working variables are locals.
FERNET_SHA256_INLINE void compress(uint32_t state[8], const unsigned char block[64]) {
  uint32_t v[8] = {state[0], state[1], state[2], state[3],
                   state[4], state[5], state[6], state[7]};
  rounds(v, load_be(block), load_be(block + 16), load_be(block + 32), load_be(block + 48));
  for (int i = 0; i < 8; ++i) state[i] += v[i];
}

// Round 0 of compress_digest's block, done once per chaining value rather than per block:
// round 0 adds W[0] into T1 only, and the new a and e are T1 + T2 and d + T1, so they are
// the values computed here with W[0] = 0, plus W[0]. round0 <- {a, e}.
FERNET_SHA256_INLINE void digest_round0(uint32_t round0[2], const uint32_t iv[8]) {
  uint32_t v[8] = {iv[0], iv[1], iv[2], iv[3], iv[4], iv[5], iv[6], iv[7]};
  uint32_t bc = v[1] ^ v[2];
  round<0>(v, bc, kK[0]);
  round0[0] = v[7];
  round0[1] = v[3];
}

// out[0..7] <- iv + compression of the block holding the digest `words` (8 big-endian word
// values) and SHA-256's padding for a 96-byte message: 0x80, zeros, the length 768 bits;
// round0: digest_round0 of iv. The last eight message words are constants, so the compiler
// folds their part of the schedule and the K additions of rounds 8-15 away, and round 0 is
// two additions. The rounds are written out, no loop: PBKDF2 spends its time here.
// `out` may be `words`.
// Measured in V8 (PBKDF2): round 0 precomputed, 3% faster than computed per block, with
// the two precomputed words chosen in locals (9% slower when read from memory like the iv,
// see cpp/kdf.cpp). Dropped: rounds 0-7 fed W[t] + K[t] from `words` by scalar adds instead
// of through the vector (no faster, 70 bytes more gzip); the round's sums regrouped so that
// Sigma1(e) comes last (no faster, and it takes barriers against the compiler's own order).
FERNET_SHA256_INLINE void compress_digest(uint32_t out[8], const uint32_t iv[8],
                                          const uint32_t round0[2], const uint32_t words[8]) {
  uint32_t v[8] = {iv[0], iv[1], iv[2], round0[1] + words[0],
                   iv[4], iv[5], iv[6], round0[0] + words[0]};
  uint32_t bc = iv[0] ^ iv[1];  // round 0's a ^ b, as round<0> leaves it
  V x0 = make(words[0], words[1], words[2], words[3]);
  V x1 = make(words[4], words[5], words[6], words[7]);
  V x2 = make(0x80000000u, 0, 0, 0);
  V x3 = make(0, 0, 0, 768);
  const V kw0 = x0 + load_k(0);
  round<1>(v, bc, get<1>(kw0));
  round<2>(v, bc, get<2>(kw0));
  round<3>(v, bc, get<3>(kw0));
  x0 = schedule(x0, x1, x2, x3);
  four_rounds<4>(v, bc, x1 + load_k(4));
  x1 = schedule(x1, x2, x3, x0);
  four_rounds<0>(v, bc, x2 + load_k(8));
  x2 = schedule(x2, x3, x0, x1);
  four_rounds<4>(v, bc, x3 + load_k(12));
  x3 = schedule(x3, x0, x1, x2);
  sixteen_rounds<false>(v, bc, 16, x0, x1, x2, x3);
  sixteen_rounds<false>(v, bc, 32, x0, x1, x2, x3);
  sixteen_rounds<true>(v, bc, 48, x0, x1, x2, x3);
  for (int i = 0; i < 8; ++i) out[i] = iv[i] + v[i];
}

}  // inline namespace FERNET_SHA256_IMPL
}  // namespace sha256
}  // namespace fernet

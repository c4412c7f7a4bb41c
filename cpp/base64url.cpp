// Base64url codec. The bulk of a token goes through a 16-byte vector kernel (Muła and
// Lemire's method: characters are classified and translated with 16-entry nibble lookups,
// 6-bit values are packed with multiplies and byte shuffles); the last few groups, the
// padded final group and every canonical-form rule stay in the scalar code below, which is
// the one place those rules live.
//
// Three builds, chosen by the compiler's target, as in aes_ct.cpp:
//   WebAssembly SIMD128 (the shipped build, -msimd128), x86 SSSE3 (native tests and
//   fuzzers run the same kernel), and the scalar code alone elsewhere.
// The vector kernel uses only plain SIMD128 (no relaxed SIMD, which Node 20 hides behind a
// flag), and byte moves are i8x16.swizzle with constant masks, like aes_ct.cpp.

#include "base64url.h"

#include <array>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define FERNET_B64_WASM 1
#elif defined(__SSSE3__)
#include <tmmintrin.h>
#define FERNET_B64_SSSE3 1
#endif

namespace fernet::base64url {
namespace {

constexpr unsigned char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) table[kAlphabet[i]] = i;
  return table;
}
constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

#if FERNET_B64_WASM || FERNET_B64_SSSE3
#define FERNET_B64_VECTOR 1

// ---- A 16-byte vector with the few operations the codec needs ---------------------------
// lookup(t, idx): lane n is t[idx[n]] for idx[n] < 16 and 0 for idx[n] >= 0x80 (the only
// index values that occur); wasm swizzle and pshufb agree there.
// Lanes of 16 and 32 bits are little-endian on both targets.
using Bytes = std::array<uint8_t, 16>;

#if FERNET_B64_WASM
struct V {
  v128_t v;
};
inline V load(const uint8_t* p) { return {wasm_v128_load(p)}; }
inline void store(uint8_t* p, V a) { wasm_v128_store(p, a.v); }
inline V constant(const Bytes& b) { return load(b.data()); }
inline V splat8(uint8_t b) { return {wasm_i8x16_splat(static_cast<int8_t>(b))}; }
inline V splat16(uint16_t h) { return {wasm_i16x8_splat(static_cast<int16_t>(h))}; }
inline V splat32(uint32_t w) { return {wasm_i32x4_splat(static_cast<int32_t>(w))}; }
inline V operator&(V a, V b) { return {wasm_v128_and(a.v, b.v)}; }
inline V operator|(V a, V b) { return {wasm_v128_or(a.v, b.v)}; }
inline V add8(V a, V b) { return {wasm_i8x16_add(a.v, b.v)}; }
inline V sub8_sat(V a, V b) { return {wasm_u8x16_sub_sat(a.v, b.v)}; }
inline V eq8(V a, V b) { return {wasm_i8x16_eq(a.v, b.v)}; }
inline V lt8(V a, V b) { return {wasm_i8x16_lt(a.v, b.v)}; }  // signed
inline V high_nibbles(V a) { return {wasm_u8x16_shr(a.v, 4)}; }
inline V low_nibbles(V a) { return {wasm_v128_and(a.v, wasm_i8x16_splat(0x0f))}; }
inline V shl16(V a, uint32_t n) { return {wasm_i16x8_shl(a.v, n)}; }
inline V shr16(V a, uint32_t n) { return {wasm_u16x8_shr(a.v, n)}; }
inline V mul16(V a, V b) { return {wasm_i16x8_mul(a.v, b.v)}; }
// Lane n of 32 bits: a.lo * b.lo + a.hi * b.hi over its two signed 16-bit halves.
inline V dot16(V a, V b) { return {wasm_i32x4_dot_i16x8(a.v, b.v)}; }
inline V lookup(V t, V idx) { return {wasm_i8x16_swizzle(t.v, idx.v)}; }
inline bool any_set(V a) { return wasm_v128_any_true(a.v); }
// Hides a constant from the compiler. LLVM rewrites a multiplication by powers of two as
// shifts by a different amount per lane, which SIMD128 lacks, so it would split the vector
// into eight scalar shifts; the multiplier must stay a multiplier. (An empty asm: no code.)
inline V opaque(V a) {
  __asm__("" : "+r"(a.v));
  return a;
}
#else
struct V {
  __m128i v;
};
inline V load(const uint8_t* p) { return {_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))}; }
inline void store(uint8_t* p, V a) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), a.v); }
inline V constant(const Bytes& b) { return load(b.data()); }
inline V splat8(uint8_t b) { return {_mm_set1_epi8(static_cast<char>(b))}; }
inline V splat16(uint16_t h) { return {_mm_set1_epi16(static_cast<short>(h))}; }
inline V splat32(uint32_t w) { return {_mm_set1_epi32(static_cast<int>(w))}; }
inline V operator&(V a, V b) { return {_mm_and_si128(a.v, b.v)}; }
inline V operator|(V a, V b) { return {_mm_or_si128(a.v, b.v)}; }
inline V add8(V a, V b) { return {_mm_add_epi8(a.v, b.v)}; }
inline V sub8_sat(V a, V b) { return {_mm_subs_epu8(a.v, b.v)}; }
inline V eq8(V a, V b) { return {_mm_cmpeq_epi8(a.v, b.v)}; }
inline V lt8(V a, V b) { return {_mm_cmplt_epi8(a.v, b.v)}; }
inline V high_nibbles(V a) { return {_mm_and_si128(_mm_srli_epi16(a.v, 4), _mm_set1_epi8(0x0f))}; }
inline V low_nibbles(V a) { return {_mm_and_si128(a.v, _mm_set1_epi8(0x0f))}; }
inline V shl16(V a, uint32_t n) { return {_mm_slli_epi16(a.v, static_cast<int>(n))}; }
inline V shr16(V a, uint32_t n) { return {_mm_srli_epi16(a.v, static_cast<int>(n))}; }
inline V mul16(V a, V b) { return {_mm_mullo_epi16(a.v, b.v)}; }
inline V dot16(V a, V b) { return {_mm_madd_epi16(a.v, b.v)}; }
inline V lookup(V t, V idx) { return {_mm_shuffle_epi8(t.v, idx.v)}; }
inline bool any_set(V a) { return _mm_movemask_epi8(_mm_cmpeq_epi8(a.v, _mm_setzero_si128())) != 0xffff; }
inline V opaque(V a) { return a; }  // x86 has no per-lane shifts to turn pmullw into
#endif

constexpr uint8_t kZero = 0x80;  // a lookup index that yields 0

// ---- Encoding: 12 bytes -> 16 characters ----------------------------------------------
// Each 32-bit lane gets the bytes s1 s0 s2 s1 of its 3-byte group s0 s1 s2, so that its low
// 16 bits are s0:s1 and its high 16 bits s1:s2 (little-endian); every 6-bit field is then
// within one 16-bit half and two shift steps move them to the bottom of their own bytes.
constexpr Bytes kEncodeSpread = {{1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10}};
// Per 6-bit value class (see encode_block), what to add to reach its character.
constexpr Bytes kEncodeOffset = {{
    static_cast<uint8_t>('a' - 26),                               // 0: 26..51
    static_cast<uint8_t>('0' - 52), static_cast<uint8_t>('0' - 52),  // 1..10: 52..61
    static_cast<uint8_t>('0' - 52), static_cast<uint8_t>('0' - 52),
    static_cast<uint8_t>('0' - 52), static_cast<uint8_t>('0' - 52),
    static_cast<uint8_t>('0' - 52), static_cast<uint8_t>('0' - 52),
    static_cast<uint8_t>('0' - 52), static_cast<uint8_t>('0' - 52),
    static_cast<uint8_t>('-' - 62),                               // 11: 62
    static_cast<uint8_t>('_' - 63),                               // 12: 63
    static_cast<uint8_t>('A'),                                    // 13: 0..25
    0, 0}};

struct EncodeTables {
  V spread, offsets, lift, odd_shift;
};

EncodeTables encode_tables() {
  return {constant(kEncodeSpread), constant(kEncodeOffset), opaque(splat32(0x00100001)),
          opaque(splat32(0x01000010))};
}

// Reads 16 bytes at `in` (uses the first 12), writes 16 characters.
inline void encode_block(const uint8_t* in, uint8_t* out, const EncodeTables& t) {
  const V s = lookup(load(in), t.spread);
  // Low half s0:s1 holds fields 0 (bits 15..10) and 1 (9..4); high half s1:s2 holds fields
  // 2 (11..6) and 3 (5..0). Fields 0 and 2 go to bits 5..0 of bytes 0 and 2 (the high half
  // is first lifted by 4 so that one shift serves both); fields 1 and 3 go to bits 5..0 of
  // bytes 1 and 3 (multiplied by 16 and 256).
  const V even = shr16(mul16(s, t.lift) & splat16(0xfc00), 10);
  const V odd = mul16(s & splat32(0x003f03f0), t.odd_shift);
  const V values = even | odd;  // each byte 0..63
  // Class 0 for 26..51, 1..12 for 52..63 and 13 for 0..25: one lookup gives the offset.
  const V cls = sub8_sat(values, splat8(51)) | (lt8(values, splat8(26)) & splat8(13));
  store(out, add8(values, lookup(t.offsets, cls)));
}

// ---- Decoding: 16 characters -> 12 bytes -------------------------------------------------
// A character c is invalid exactly when kValidHigh[c >> 4] & kValidLow[c & 15] != 0: each bit
// names a row of the ASCII table (high nibble) and is set in the low-nibble entries that are
// not in the alphabet on that row. Bytes >= 0x80 and rows 0, 1 have bit 0, set everywhere.
//   bit 0: no character valid        bit 1: row 2, only '-' (0x2d)
//   bit 2: row 3, digits 0x30..0x39  bit 3: rows 4 and 6, 0x?1..0x?f
//   bit 4: row 5, 0x50..0x5a and '_' (0x5f)   bit 5: row 7, 0x70..0x7a
constexpr Bytes kValidHigh = {{1, 1, 2, 4, 8, 16, 8, 32, 1, 1, 1, 1, 1, 1, 1, 1}};
constexpr Bytes kValidLow = {{
    1 | 2 | 8, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2,  // 0..7
    1 | 2, 1 | 2,                                                 // 8, 9
    1 | 2 | 4,                                                    // a
    1 | 2 | 4 | 16 | 32,                                          // b
    1 | 2 | 4 | 16 | 32,                                          // c
    1 | 4 | 16 | 32,                                              // d: '-' is valid
    1 | 2 | 4 | 16 | 32,                                          // e
    1 | 2 | 4 | 32}};                                             // f: '_' is valid
// What to add to a valid character to get its value, by row; '_' (row 5, like P..Z) is
// moved to row 15 first, which holds no valid character.
constexpr Bytes kDecodeOffset = {{
    0, 0,
    static_cast<uint8_t>(62 - '-'),   // 2
    static_cast<uint8_t>(52 - '0'),   // 3
    static_cast<uint8_t>(0 - 'A'),    // 4
    static_cast<uint8_t>(0 - 'A'),    // 5
    static_cast<uint8_t>(26 - 'a'),   // 6
    static_cast<uint8_t>(26 - 'a'),   // 7
    0, 0, 0, 0, 0, 0, 0,
    static_cast<uint8_t>(63 - '_')}};  // 15: '_'
// Bytes 0..2 of each 32-bit lane, most significant first.
constexpr Bytes kDecodeGather = {{2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, kZero, kZero, kZero, kZero}};

struct DecodeTables {
  V valid_high, valid_low, offsets, gather;
};

// Reads 16 characters, writes 16 bytes (the last 4 are scratch); ORs a nonzero byte into
// `bad` for any character outside the alphabet.
inline void decode_block(const uint8_t* in, uint8_t* out, const DecodeTables& t, V& bad) {
  const V c = load(in);
  const V high = high_nibbles(c);
  bad = bad | (lookup(t.valid_high, high) & lookup(t.valid_low, low_nibbles(c)));
  const V row = high | (eq8(c, splat8('_')) & splat8(15));
  const V values = add8(c, lookup(t.offsets, row));
  // Bytes a b c d of a lane (6 bits each) -> a:b and c:d as 12-bit halves -> a:b:c:d in 24.
  const V pairs = shl16(values & splat16(0x003f), 6) | shr16(values, 8);
  const V words = dot16(pairs, splat32(0x00011000));
  store(out, lookup(words, t.gather));
}

#endif  // vector builds

}  // namespace

void encode_scalar(const uint8_t* in, size_t size, uint8_t* out) {
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const uint32_t v = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    out[0] = kAlphabet[v >> 18];
    out[1] = kAlphabet[(v >> 12) & 63];
    out[2] = kAlphabet[(v >> 6) & 63];
    out[3] = kAlphabet[v & 63];
    out += 4;
  }
  const size_t rest = size - i;
  if (rest == 0) return;
  const uint32_t v = uint32_t{in[i]} << 16 | (rest == 2 ? uint32_t{in[i + 1]} << 8 : 0);
  out[0] = kAlphabet[v >> 18];
  out[1] = kAlphabet[(v >> 12) & 63];
  out[2] = rest == 2 ? kAlphabet[(v >> 6) & 63] : uint8_t{'='};
  out[3] = '=';
}

bool decode_scalar(const uint8_t* in, size_t size, uint8_t* out, size_t* out_size) {
  if (size % 4 != 0) return false;
  if (size == 0) {
    *out_size = 0;
    return true;
  }
  const size_t padding = in[size - 1] != '=' ? 0 : in[size - 2] != '=' ? 1 : 2;
  const size_t full_quads = size / 4 - (padding != 0 ? 1 : 0);

  // Any invalid character ORs 0xff into `bad`; one branch per token, not per byte.
  uint32_t bad = 0;
  uint8_t* o = out;
  for (size_t q = 0; q < full_quads; ++q, in += 4, o += 3) {
    const uint32_t a = kDecode[in[0]], b = kDecode[in[1]], c = kDecode[in[2]], d = kDecode[in[3]];
    bad |= a | b | c | d;
    const uint32_t v = a << 18 | b << 12 | c << 6 | d;
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
  }
  if (bad & 0xc0) return false;

  if (padding != 0) {
    const uint32_t a = kDecode[in[0]], b = kDecode[in[1]];
    const uint32_t c = padding == 1 ? kDecode[in[2]] : 0;
    if ((a | b | c) & 0xc0) return false;
    // Canonical form: the bits below the last whole byte are zero.
    if (padding == 2 && (b & 0x0f) != 0) return false;
    if (padding == 1 && (c & 0x03) != 0) return false;
    const uint32_t v = a << 18 | b << 12 | c << 6;
    *o++ = static_cast<uint8_t>(v >> 16);
    if (padding == 1) *o++ = static_cast<uint8_t>(v >> 8);
  }
  *out_size = static_cast<size_t>(o - out);
  return true;
}

void encode(const uint8_t* in, size_t size, uint8_t* out) {
#if FERNET_B64_VECTOR
  const EncodeTables t = encode_tables();
  // A block reads 16 bytes for the 12 it encodes.
  for (; size >= 16; in += 12, size -= 12, out += 16) encode_block(in, out, t);
#endif
  encode_scalar(in, size, out);
}

bool decode(const uint8_t* in, size_t size, uint8_t* out, size_t* out_size) {
  if (size % 4 != 0) return false;
  size_t done = 0;  // bytes written by the vector kernel
#if FERNET_B64_VECTOR
  const DecodeTables t = {constant(kValidHigh), constant(kValidLow), constant(kDecodeOffset),
                          constant(kDecodeGather)};
  V bad = splat8(0);
  // A block takes 4 groups and stores 16 bytes for their 12, so it runs only while 2 more
  // groups follow: the output (3 bytes per group of input) has room for the 4 extra bytes,
  // and the last group, the only one that may hold padding, is left to decode_scalar.
  for (; size >= 24; in += 16, size -= 16, done += 12) decode_block(in, out + done, t, bad);
  // One branch per token: the scalar code below rechecks nothing the kernel has read.
  if (any_set(bad)) return false;
#endif
  size_t rest = 0;
  if (!decode_scalar(in, size, out + done, &rest)) return false;
  *out_size = done + rest;
  return true;
}

}  // namespace fernet::base64url

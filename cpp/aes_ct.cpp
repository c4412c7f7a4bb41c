// Constant-time AES-128 for mbedTLS's MBEDTLS_AES_ALT hook (context in aes_alt.h).
//
// mbedTLS's own AES looks up 256-entry S-box/T-tables indexed by key and data bytes, so
// which cache lines it touches depends on secrets. This one never indexes memory with a
// secret: the S-box is computed in a tower-field representation with 16-entry byte shuffles
// (Hamburg's vector-permute idea; wasm i8x16.swizzle, x86 pshufb), whose "index" is a
// register operand, not an address. The 16-entry tables and their derivation are in
// aes_ct_tables.h / scripts/aes_ct_tables.py (tables composed with the encoding are derived
// from those at compile time, below). There are no branches on secrets either; the key
// schedule uses the same S-box, and runs in the encoding too.
//
// The state stays in the shuffle-friendly encoding between rounds: the output tables already
// produce the next round's encoding, MixColumns and ShiftRows are byte moves and XORs (which
// commute with a linear encoding), and the round keys are stored pre-encoded, with the S-box's
// constant folded in. Only the first and the last round convert.
//
// CBC decryption of eight blocks or more uses a second, bitsliced form (further down): eight
// blocks as bit planes, the S-box as a Boolean circuit (a last group of 5-7 blocks too); a
// remainder of 1-4 blocks, and every message shorter than 8 blocks, takes the shuffle code.
// CBC encryption is one dependent chain, so it stays with the shuffles.
//
// Wiping: the cipher state lives in vector registers (wasm locals, which are not in linear
// memory), and round keys go from registers straight into the context. The only copies that
// may sit in memory, the blocks CBC decryption hands to its block functions and the bitsliced
// round keys built for one call, are wiped once per call, not per block as mbedTLS does;
// mbedtls_aes_free wipes the schedule.
//
// Three builds of the same algorithms, chosen by the compiler's target:
//   WebAssembly SIMD128 (the shipped build, -msimd128), x86 SSSE3 (native tests and fuzzers),
//   and portable scalar code whose shuffle is a constant-time select over all 16 entries.

#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/aes.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mbedtls/platform_util.h"
#include "aes_ct.h"
#include "aes_ct_tables.h"
#include "sha256_block.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define FERNET_AES_WASM 1
#elif defined(__SSSE3__)
#include <tmmintrin.h>
#define FERNET_AES_SSSE3 1
#endif

namespace {

using fernet_aes_ct::Table;

// ---- A 16-byte vector with the few operations the cipher needs --------------------------
// lookup(t, idx): lane n is t[idx[n]] for idx[n] < 16, and 0 for idx[n] >= 0x80 (the only
// index values that occur); both wasm swizzle and pshufb behave so.
#if FERNET_AES_WASM
struct V {
  v128_t v;
};
inline V load(const uint8_t* p) { return {wasm_v128_load(p)}; }
inline void store(uint8_t* p, V a) { wasm_v128_store(p, a.v); }
inline V tab(const Table& t) { return load(t.b); }
inline V operator^(V a, V b) { return {wasm_v128_xor(a.v, b.v)}; }
inline V low_nibbles(V a) { return {wasm_v128_and(a.v, wasm_i8x16_splat(0x0f))}; }
// A 16-bit shift and the low-nibble mask: V8 lowers u8x16.shr to five instructions, and the
// browser bundle is smaller this way (see CONTRIBUTING.md).
inline V high_nibbles(V a) { return {wasm_v128_and(wasm_u16x8_shr(a.v, 4), wasm_i8x16_splat(0x0f))}; }
inline V lookup(V t, V idx) { return {wasm_i8x16_swizzle(t.v, idx.v)}; }
inline V splat(uint8_t b) { return {wasm_i8x16_splat(static_cast<int8_t>(b))}; }
// Multiplication by x in GF(2^8) on every byte: doubling, and reducing where the top bit was
// set (a signed compare makes that mask; no branch). Add and compare rather than byte shifts,
// which wasm engines emulate with several instructions.
inline V xtime(V a) {
  return {wasm_v128_xor(wasm_i8x16_add(a.v, a.v),
                        wasm_v128_and(wasm_i8x16_lt(a.v, wasm_i8x16_splat(0)),
                                      wasm_i8x16_splat(0x1b)))};
}
inline V operator&(V a, V b) { return {wasm_v128_and(a.v, b.v)}; }
inline V shr64(V a, int n) { return {wasm_u64x2_shr(a.v, static_cast<uint32_t>(n))}; }
inline V shl64(V a, int n) { return {wasm_i64x2_shl(a.v, static_cast<uint32_t>(n))}; }
// 0xff in the bytes whose bit n is set, 0 elsewhere (a compare: byte shifts are emulated).
inline V bit_mask(V a, int n) {
  const v128_t bit = wasm_i8x16_splat(static_cast<int8_t>(1 << n));
  return {wasm_i8x16_eq(wasm_v128_and(a.v, bit), bit)};
}
#elif FERNET_AES_SSSE3
struct V {
  __m128i v;
};
inline V load(const uint8_t* p) { return {_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))}; }
inline void store(uint8_t* p, V a) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), a.v); }
inline V tab(const Table& t) { return load(t.b); }
inline V operator^(V a, V b) { return {_mm_xor_si128(a.v, b.v)}; }
inline V low_nibbles(V a) { return {_mm_and_si128(a.v, _mm_set1_epi8(0x0f))}; }
inline V high_nibbles(V a) { return {_mm_and_si128(_mm_srli_epi16(a.v, 4), _mm_set1_epi8(0x0f))}; }
inline V lookup(V t, V idx) { return {_mm_shuffle_epi8(t.v, idx.v)}; }
inline V splat(uint8_t b) { return {_mm_set1_epi8(static_cast<char>(b))}; }
inline V xtime(V a) {
  __m128i top = _mm_cmplt_epi8(a.v, _mm_setzero_si128());  // 0xff where the top bit is set
  return {_mm_xor_si128(_mm_add_epi8(a.v, a.v), _mm_and_si128(top, _mm_set1_epi8(0x1b)))};
}
inline V operator&(V a, V b) { return {_mm_and_si128(a.v, b.v)}; }
inline V shr64(V a, int n) { return {_mm_srli_epi64(a.v, n)}; }
inline V shl64(V a, int n) { return {_mm_slli_epi64(a.v, n)}; }
inline V bit_mask(V a, int n) {
  __m128i bit = _mm_set1_epi8(static_cast<char>(1 << n));
  return {_mm_cmpeq_epi8(_mm_and_si128(a.v, bit), bit)};
}
#else
struct V {
  uint8_t b[16];
};
inline V load(const uint8_t* p) {
  V r;
  std::memcpy(r.b, p, 16);
  return r;
}
inline void store(uint8_t* p, V a) { std::memcpy(p, a.b, 16); }
inline V tab(const Table& t) { return load(t.b); }
inline V operator^(V a, V b) {
  for (int n = 0; n < 16; ++n) a.b[n] = static_cast<uint8_t>(a.b[n] ^ b.b[n]);
  return a;
}
inline V low_nibbles(V a) {
  for (int n = 0; n < 16; ++n) a.b[n] = static_cast<uint8_t>(a.b[n] & 0x0f);
  return a;
}
inline V high_nibbles(V a) {
  for (int n = 0; n < 16; ++n) a.b[n] = static_cast<uint8_t>(a.b[n] >> 4);
  return a;
}
// Reads every entry and keeps the one whose position equals the index (masks, no branch
// and no address depending on the index).
inline V lookup(V t, V idx) {
  V r;
  for (int n = 0; n < 16; ++n) {
    uint32_t acc = 0;
    for (uint32_t e = 0; e < 16; ++e) {
      uint32_t diff = idx.b[n] ^ e;
      uint32_t equal = ((diff | (0u - diff)) >> 31) ^ 1u;  // 1 if idx == e
      acc |= t.b[e] & (0u - equal);
    }
    r.b[n] = static_cast<uint8_t>(acc);
  }
  return r;
}
inline V splat(uint8_t b) {
  V r;
  std::memset(r.b, b, 16);
  return r;
}
inline V xtime(V a) {
  for (int n = 0; n < 16; ++n) {
    unsigned v = a.b[n];
    a.b[n] = static_cast<uint8_t>((v << 1) ^ (0x1bu & (0u - (v >> 7))));
  }
  return a;
}
inline V operator&(V a, V b) {
  for (int n = 0; n < 16; ++n) a.b[n] = static_cast<uint8_t>(a.b[n] & b.b[n]);
  return a;
}
// Shifts within each byte. The SIMD builds shift 64-bit lanes, but their only caller
// (swap_move) masks away every bit that would cross a byte, so the results agree.
inline V shr64(V a, int s) {
  for (int n = 0; n < 16; ++n) a.b[n] = static_cast<uint8_t>(a.b[n] >> s);
  return a;
}
inline V shl64(V a, int s) {
  for (int n = 0; n < 16; ++n) a.b[n] = static_cast<uint8_t>(a.b[n] << s);
  return a;
}
inline V bit_mask(V a, int s) {
  for (int n = 0; n < 16; ++n) a.b[n] = static_cast<uint8_t>(0u - ((a.b[n] >> s) & 1u));
  return a;
}
#endif

// Byte moves with constant masks (a lookup whose table is the data). The state is AES's
// column-major 4x4 matrix: byte 4c + r is row r of column c.
constexpr Table kShiftRows = {{0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11}};
constexpr Table kInvShiftRows = {{0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3}};
// Within each column: lane r takes row r+1, r+2, r+3 (mod 4).
constexpr Table kRot1 = {{1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12}};
constexpr Table kRot2 = {{2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13}};
constexpr Table kRot3 = {{3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14}};
// ShiftRows (inverse ShiftRows) followed by a column rotation, in one move: the S-box is
// byte-wise, so the row shift can wait until MixColumns gathers its inputs, which keeps it off
// the round's critical path (encryption is one dependent chain in CBC).
constexpr Table kShiftRowsRot1 = {{5, 10, 15, 0, 9, 14, 3, 4, 13, 2, 7, 8, 1, 6, 11, 12}};
constexpr Table kShiftRowsRot2 = {{10, 15, 0, 5, 14, 3, 4, 9, 2, 7, 8, 13, 6, 11, 12, 1}};
constexpr Table kShiftRowsRot3 = {{15, 0, 5, 10, 3, 4, 9, 14, 7, 8, 13, 2, 11, 12, 1, 6}};
constexpr Table kInvShiftRowsRot1 = {{13, 10, 7, 0, 1, 14, 11, 4, 5, 2, 15, 8, 9, 6, 3, 12}};
constexpr Table kInvShiftRowsRot2 = {{10, 7, 0, 13, 14, 11, 4, 1, 2, 15, 8, 5, 6, 3, 12, 9}};
constexpr Table kInvShiftRowsRot3 = {{7, 0, 13, 10, 11, 4, 1, 14, 15, 8, 5, 2, 3, 12, 9, 6}};
// Key schedule: RotWord of the last word into every word, and word shifts with zero fill.
constexpr Table kRotLastWord = {{13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12}};
constexpr Table kWordsUp1 = {{0x80, 0x80, 0x80, 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}};
constexpr Table kWordsUp2 = {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 1, 2, 3, 4, 5, 6, 7}};

inline V permute(V x, const Table& mask) { return lookup(x, tab(mask)); }

// The encoded inverse: (io, jo) with x^-1 = F[io] ^ G[jo] (see aes_ct_tables.py).
struct Inverse {
  V io, jo;
};
inline Inverse invert(V e) {
  const V inv = tab(fernet_aes_ct::k_inv);
  V k = low_nibbles(e);
  V i = high_nibbles(e);
  V j = i ^ k;
  V ak = lookup(tab(fernet_aes_ct::k_ta), k);
  V iak = lookup(inv, i) ^ ak;
  V jak = lookup(inv, j) ^ ak;
  return {lookup(inv, iak) ^ j, lookup(inv, jak) ^ i};
}
inline V output(const Inverse& n, const Table& f, const Table& g) {
  return lookup(tab(f), n.io) ^ lookup(tab(g), n.jo);
}
// A plain byte vector into the encoding of an encryption S-box input, and of an inverse S-box
// input (the latter is affine: it undoes the S-box's affine step first).
inline V encode(V x, const Table& lo, const Table& hi) {
  return lookup(tab(lo), low_nibbles(x)) ^ lookup(tab(hi), high_nibbles(x));
}
inline V encode_enc(V x) { return encode(x, fernet_aes_ct::k_enc_lo, fernet_aes_ct::k_enc_hi); }
inline V encode_dec(V x) { return encode(x, fernet_aes_ct::k_dec_lo, fernet_aes_ct::k_dec_hi); }

// ---- Block functions ---------------------------------------------------------------
// Encryption schedule: rk[0] plain, rk[1..9] encoded with the S-box constant folded in
// (MixColumns maps a constant column c,c,c,c to itself) and in InvShiftRows order, rk[10]
// plain with the constant.
// Rounds 1-9, in the encoding.
inline V encrypt_round(V e, V key) {
  Inverse n = invert(e);
  V a = output(n, fernet_aes_ct::k_e1_f, fernet_aes_ct::k_e1_g);  // S(x) without constant
  V b = output(n, fernet_aes_ct::k_e2_f, fernet_aes_ct::k_e2_g);  // 2 * the same
  // ShiftRows, then MixColumns: 2a[r] ^ 3a[r+1] ^ a[r+2] ^ a[r+3].
  // The key is added to b before its move (the schedule stores it moved back), and the four
  // terms are summed as a tree: the round key waits for nothing, and the chain is one XOR
  // shorter than a running sum.
  return (permute(b ^ key, kShiftRows) ^ permute(a, kShiftRowsRot2)) ^
         (permute(a ^ b, kShiftRowsRot1) ^ permute(a, kShiftRowsRot3));
}
inline V encrypt_last_round(V e, V key) {
  Inverse n = invert(e);
  return permute(output(n, fernet_aes_ct::k_s_f, fernet_aes_ct::k_s_g), kShiftRows) ^ key;
}
inline V encrypt_block(const unsigned char (*rk)[16], V x) {
  V e = encode_enc(x ^ load(rk[0]));
  for (int r = 1; r < 10; ++r) e = encrypt_round(e, load(rk[r]));
  return encrypt_last_round(e, load(rk[10]));
}

// ---- CBC encryption with SHA-256 in the same loop ------------------------------------
// CBC encryption is one dependent chain of vector shuffles, and SHA-256's rounds one of
// integer operations: run one after the other, each leaves the other's execution units idle.
// Here a compression's rounds are spliced between a block's, four SHA-256 rounds after every
// two AES rounds, and the processor runs both chains at once. Measured in Node 20 (V8) on
// 256 KiB: CBC alone 197 MB/s, SHA-256 alone 360 MB/s, one after the other 127 MB/s, spliced
// 180 MB/s. The finer the splice the better: with eight SHA-256 rounds after every four AES
// rounds it was no faster than one after the other (the processor's window does not reach
// across that much of one chain).
namespace sha = fernet::sha256;

// A compression in progress: the working variables and the message schedule's window (all
// locals once inlined: nothing of it is written to memory).
struct Compression {
  uint32_t v[8];
  uint32_t bc;
  sha::V x[4];
};

// Rounds t .. t+3 (t = 16q + 8h + 4i), and the schedule's four words 16 further on unless q
// is the last quarter. Step i takes its words from x[i]; after step 1, x turns by two, so
// that the next h finds its words in x[0] and x[1] again.
template <int i>
inline void compression_step(Compression& c, int q, int h) {
  sha::four_rounds<4 * i>(c.v, c.bc, c.x[i] + sha::load_k(16 * q + 8 * h + 4 * i));
  if (q < 3) c.x[i] = sha::schedule(c.x[i], c.x[(i + 1) & 3], c.x[(i + 2) & 3], c.x[(i + 3) & 3]);
  if (i == 1) {
    const sha::V x0 = c.x[0], x1 = c.x[1];
    c.x[0] = c.x[2];
    c.x[1] = c.x[3];
    c.x[2] = x0;
    c.x[3] = x1;
  }
}

// One block, with rounds 16q .. 16q+15 of `c` spliced in. The loop over h stays a loop
// (unrolled, Node's wasm grew by 2.5 KB and was no faster).
inline V encrypt_block_hashing(const unsigned char (*rk)[16], V x, Compression& c, int q) {
  V e = encode_enc(x ^ load(rk[0]));
#if defined(__clang__)
#pragma clang loop unroll(disable)
#endif
  for (int h = 0; h < 2; ++h) {
    e = encrypt_round(e, load(rk[4 * h + 1]));
    e = encrypt_round(e, load(rk[4 * h + 2]));
    compression_step<0>(c, q, h);
    e = encrypt_round(e, load(rk[4 * h + 3]));
    e = encrypt_round(e, load(rk[4 * h + 4]));
    compression_step<1>(c, q, h);
  }
  e = encrypt_round(e, load(rk[9]));
  return encrypt_last_round(e, load(rk[10]));
}

// Decryption schedule (FIPS-197's equivalent inverse cipher): dk[0] plain round key 10,
// dk[1..9] = InvMixColumns(round key 9..1) in the decryption encoding, dk[10] plain round key 0.
template <int N>
inline void decrypt_blocks(const unsigned char (*dk)[16], V* s) {
  V e[N];
  for (int b = 0; b < N; ++b) e[b] = encode_dec(s[b] ^ load(dk[0]));
  for (int r = 1; r < 10; ++r) {
    V key = load(dk[r]);
    for (int b = 0; b < N; ++b) {
      Inverse n = invert(e[b]);
      V t14 = output(n, fernet_aes_ct::k_d14_f, fernet_aes_ct::k_d14_g);
      V t11 = output(n, fernet_aes_ct::k_d11_f, fernet_aes_ct::k_d11_g);
      V t13 = output(n, fernet_aes_ct::k_d13_f, fernet_aes_ct::k_d13_g);
      V t9 = output(n, fernet_aes_ct::k_d9_f, fernet_aes_ct::k_d9_g);
      // InvShiftRows, then InvMixColumns: 14y[r] ^ 11y[r+1] ^ 13y[r+2] ^ 9y[r+3].
      e[b] = permute(t14, kInvShiftRows) ^ permute(t11, kInvShiftRowsRot1) ^
             permute(t13, kInvShiftRowsRot2) ^ permute(t9, kInvShiftRowsRot3) ^ key;
    }
  }
  V last = load(dk[10]);
  for (int b = 0; b < N; ++b) {
    Inverse n = invert(e[b]);
    s[b] = permute(output(n, fernet_aes_ct::k_si_f, fernet_aes_ct::k_si_g), kInvShiftRows) ^ last;
  }
}

// ---- Bitsliced decryption of 8 blocks --------------------------------------------------
// CBC decryption of a long message has independent blocks. Eight of them are held as eight
// bit planes (Kaesper and Schwabe's idea, here on 128-bit vectors): plane i holds bit i of
// every byte of the eight blocks; byte p of a plane is byte p of the AES state, and its bit k
// belongs to block k. Byte moves (InvShiftRows, the column rotations) are then the same
// constant-mask shuffles as above, applied to each plane; the S-box is a Boolean circuit over
// whole planes (no lookup at all); multiplying by a GF(2^8) constant is renaming planes and
// XORs. Measured in V8: about 1.5x the vector-permute code two blocks at a time.

// Exchanges the bits of b under `mask` with the bits of a under `mask << n`.
inline void swap_move(V& a, V& b, int n, uint8_t mask) {
  V t = (shr64(a, n) ^ b) & splat(mask);
  b = b ^ t;
  a = a ^ shl64(t, n);
}
// Eight blocks <-> eight planes: the 8x8 bit transpose in every byte position (block k's bit
// i becomes plane i's bit k); its own inverse.
inline void transpose(V* q) {
  swap_move(q[0], q[1], 1, 0x55);
  swap_move(q[2], q[3], 1, 0x55);
  swap_move(q[4], q[5], 1, 0x55);
  swap_move(q[6], q[7], 1, 0x55);
  swap_move(q[0], q[2], 2, 0x33);
  swap_move(q[1], q[3], 2, 0x33);
  swap_move(q[4], q[6], 2, 0x33);
  swap_move(q[5], q[7], 2, 0x33);
  swap_move(q[0], q[4], 4, 0x0f);
  swap_move(q[1], q[5], 4, 0x0f);
  swap_move(q[2], q[6], 4, 0x0f);
  swap_move(q[3], q[7], 4, 0x0f);
}

// L^-1, the inverse of the S-box's linear map, on planes: bit i of the result is
// bits i+2, i+5 and i+7 (mod 8) of the input.
inline void inv_linear(V* q) {
  V x0 = q[0], x1 = q[1], x2 = q[2], x3 = q[3], x4 = q[4], x5 = q[5], x6 = q[6], x7 = q[7];
  q[0] = x2 ^ x5 ^ x7;
  q[1] = x3 ^ x6 ^ x0;
  q[2] = x4 ^ x7 ^ x1;
  q[3] = x5 ^ x0 ^ x2;
  q[4] = x6 ^ x1 ^ x3;
  q[5] = x7 ^ x2 ^ x4;
  q[6] = x0 ^ x3 ^ x5;
  q[7] = x1 ^ x4 ^ x6;
}

// Boyar and Peralta's 113-gate S-box circuit (32 AND, 81 XOR/XNOR; IACR ePrint 2009/191),
// without its four NOTs (the constant 0x63): x -> L(x^-1). Their x0 is the most significant
// bit (plane 7). A wrong gate shows in tests/cpp/aes_ct_test.cpp at once: its 1 MiB message
// alone sends every byte value through the circuit thousands of times.
inline void sbox_linear_part(V* q) {
  V x0 = q[7], x1 = q[6], x2 = q[5], x3 = q[4], x4 = q[3], x5 = q[2], x6 = q[1], x7 = q[0];
  V y14 = x3 ^ x5, y13 = x0 ^ x6, y9 = x0 ^ x3, y8 = x0 ^ x5, t0 = x1 ^ x2;
  V y1 = t0 ^ x7, y4 = y1 ^ x3, y12 = y13 ^ y14, y2 = y1 ^ x0, y5 = y1 ^ x6;
  V y3 = y5 ^ y8, t1 = x4 ^ y12, y15 = t1 ^ x5, y20 = t1 ^ x1, y6 = y15 ^ x7;
  V y10 = y15 ^ t0, y11 = y20 ^ y9, y7 = x7 ^ y11, y17 = y10 ^ y11, y19 = y10 ^ y8;
  V y16 = t0 ^ y11, y21 = y13 ^ y16, y18 = x0 ^ y16;
  V t2 = y12 & y15, t3 = y3 & y6, t4 = t3 ^ t2, t5 = y4 & x7, t6 = t5 ^ t2;
  V t7 = y13 & y16, t8 = y5 & y1, t9 = t8 ^ t7, t10 = y2 & y7, t11 = t10 ^ t7;
  V t12 = y9 & y11, t13 = y14 & y17, t14 = t13 ^ t12, t15 = y8 & y10, t16 = t15 ^ t12;
  V t17 = t4 ^ t14, t18 = t6 ^ t16, t19 = t9 ^ t14, t20 = t11 ^ t16;
  V t21 = t17 ^ y20, t22 = t18 ^ y19, t23 = t19 ^ y21, t24 = t20 ^ y18;
  V t25 = t21 ^ t22, t26 = t21 & t23, t27 = t24 ^ t26, t28 = t25 & t27, t29 = t28 ^ t22;
  V t30 = t23 ^ t24, t31 = t22 ^ t26, t32 = t31 & t30, t33 = t32 ^ t24, t34 = t23 ^ t33;
  V t35 = t27 ^ t33, t36 = t24 & t35, t37 = t36 ^ t34, t38 = t27 ^ t36, t39 = t29 & t38;
  V t40 = t25 ^ t39;
  V t41 = t40 ^ t37, t42 = t29 ^ t33, t43 = t29 ^ t40, t44 = t33 ^ t37, t45 = t42 ^ t41;
  V z0 = t44 & y15, z1 = t37 & y6, z2 = t33 & x7, z3 = t43 & y16, z4 = t40 & y1;
  V z5 = t29 & y7, z6 = t42 & y11, z7 = t45 & y17, z8 = t41 & y10, z9 = t44 & y12;
  V z10 = t37 & y3, z11 = t33 & y4, z12 = t43 & y13, z13 = t40 & y5, z14 = t29 & y2;
  V z15 = t42 & y9, z16 = t45 & y14, z17 = t41 & y8;
  V t46 = z15 ^ z16, t47 = z10 ^ z11, t48 = z5 ^ z13, t49 = z9 ^ z10, t50 = z2 ^ z12;
  V t51 = z2 ^ z5, t52 = z7 ^ z8, t53 = z0 ^ z3, t54 = z6 ^ z7, t55 = z16 ^ z17;
  V t56 = z12 ^ t48, t57 = t50 ^ t53, t58 = z4 ^ t46, t59 = z3 ^ t54, t60 = t46 ^ t57;
  V t61 = z14 ^ t57, t62 = t52 ^ t58, t63 = t49 ^ t58, t64 = z4 ^ t59, t65 = t61 ^ t62;
  V t66 = z1 ^ t63, t67 = t64 ^ t65;
  V s3 = t53 ^ t66;
  q[7] = t59 ^ t63;  // s0
  q[6] = t64 ^ s3;   // s1 (without its constant bit)
  q[5] = t55 ^ t67;  // s2
  q[4] = s3;
  q[3] = t51 ^ t66;  // s4
  q[2] = t47 ^ t65;  // s5
  q[1] = t56 ^ t62;  // s6
  q[0] = t48 ^ t60;  // s7
}

// The inverse S-box from the forward circuit: InvS(x) = (L^-1(x ^ 0x63))^-1
// = L^-1(L((L^-1(x ^ 0x63))^-1)). The caller has already added 0x63 (it is folded into the
// round keys), so this is L^-1, the circuit, L^-1. (Merging each L^-1 into the circuit's
// linear layers saves 21 of 145 gates but was slower in V8: more values live at once, more
// spills of the 16 vector registers.)
inline void inv_sub_bytes(V* q) {
  inv_linear(q);
  sbox_linear_part(q);
  inv_linear(q);
}

// Multiplication by x of every byte, on planes.
inline void planes_xtime(const V* in, V* out) {
  V top = in[7];
  out[7] = in[6];
  out[6] = in[5];
  out[5] = in[4];
  out[4] = in[3] ^ top;
  out[3] = in[2] ^ top;
  out[2] = in[1];
  out[1] = in[0] ^ top;
  out[0] = top;
}

// InvMixColumns = MixColumns after the map b[r] = a[r] ^ 4(a[r] ^ a[r+2]): three byte moves
// per plane. (14a ^ 11a[r+1] ^ rot2(13a ^ 9a[r+1]) needs only two, but keeps sixteen planes
// live and measured slower in V8.)
inline void inv_mix_columns_planes(V* q) {
  const V rot1 = tab(kRot1), rot2 = tab(kRot2);
  V u[8], u2[8], u4[8];
  for (int i = 0; i < 8; ++i) u[i] = q[i] ^ lookup(q[i], rot2);
  planes_xtime(u, u2);
  planes_xtime(u2, u4);
  V b[8], br[8], t[8], t2[8];
  for (int i = 0; i < 8; ++i) {
    b[i] = q[i] ^ u4[i];
    br[i] = lookup(b[i], rot1);
    t[i] = b[i] ^ br[i];
  }
  planes_xtime(t, t2);
  for (int i = 0; i < 8; ++i) q[i] = t2[i] ^ br[i] ^ lookup(t[i], rot2);
}

// Round keys for the planes: every byte of plane i is 0xff where bit i of the key byte is set.
inline void key_planes(V key, V* out) {
  for (int i = 0; i < 8; ++i) out[i] = bit_mask(key, i);
}

// Eight blocks in q, decrypted in place. dkp: the eleven round keys as planes, in the order
// of FIPS-197's equivalent inverse cipher, with 0x63 folded into the first ten.
inline void decrypt_8(const V (*dkp)[8], V* q) {
  transpose(q);
  for (int i = 0; i < 8; ++i) q[i] = q[i] ^ dkp[0][i];
  const V shift = tab(kInvShiftRows);
  // The last round (no InvMixColumns) in the same loop: one copy of the S-box circuit.
  for (int r = 1; r <= 10; ++r) {
    for (int i = 0; i < 8; ++i) q[i] = lookup(q[i], shift);
    inv_sub_bytes(q);
    if (r < 10) inv_mix_columns_planes(q);
    for (int i = 0; i < 8; ++i) q[i] = q[i] ^ dkp[r][i];
  }
  transpose(q);
}

// The plane keys from the plain equivalent-inverse-cipher schedule (ctx->plain).
inline void decryption_key_planes(const unsigned char (*plain)[16], V (*dkp)[8]) {
  const V ones = splat(0xff);
  for (int r = 0; r < 11; ++r) {
    key_planes(load(plain[r]), dkp[r]);
    if (r < 10) {  // 0x63: bits 0, 1, 5, 6
      dkp[r][0] = dkp[r][0] ^ ones;
      dkp[r][1] = dkp[r][1] ^ ones;
      dkp[r][5] = dkp[r][5] ^ ones;
      dkp[r][6] = dkp[r][6] ^ ones;
    }
  }
}

// After at least one group of eight, a remainder of this many blocks or more is decrypted as
// one more bitsliced group (the other lanes are padding); fewer go to the shuffle code, which
// is then faster (measured in V8: 8 + 5 blocks 5% faster this way, 8 + 4 blocks 6% slower).
// Messages of fewer than 8 blocks never build the bitsliced keys: for 5 to 7 blocks alone
// that costs as much as it saves.
constexpr size_t kBitslicedTail = 5;

// CBC decryption eight blocks at a time, bitsliced, and of a last group of kBitslicedTail to 7
// blocks the same way; returns how many blocks it did (the rest, fewer than kBitslicedTail, is
// the caller's) and leaves chain at the last ciphertext block it read.
size_t cbc_decrypt_bitsliced(const mbedtls_aes_context* ctx, size_t blocks, V& chain,
                             const unsigned char* input, unsigned char* output) {
  V dkp[11][8];
  V q[8];
  decryption_key_planes(ctx->plain, dkp);
  size_t b = 0;
  // One loop for full groups and the last, short one (n < 8: the other lanes are zeros), so
  // that decrypt_8 is inlined once and its planes stay in registers.
  for (;;) {  // n, b: from the message length, not secret
    const size_t n = blocks - b < 8 ? blocks - b : 8;
    if (n < 8 && n < kBitslicedTail) break;
    const unsigned char* in = input + 16 * b;
    for (size_t i = 0; i < 8; ++i) q[i] = i < n ? load(in + 16 * i) : splat(0);
    decrypt_8(dkp, q);
    // In place, output block i overwrites ciphertext block i: chain with block i - 1
    // before it is overwritten (from the last block down), and keep the last one for the next.
    V next = load(in + 16 * (n - 1));
    for (size_t i = 7; i > 0; --i) {
      if (i < n) store(output + 16 * (b + i), q[i] ^ load(in + 16 * (i - 1)));
    }
    store(output + 16 * b, q[0] ^ chain);
    chain = next;
    b += n;
    if (n < 8) break;
  }
  mbedtls_platform_zeroize(dkp, sizeof dkp);
  mbedtls_platform_zeroize(q, sizeof q);
  return b;
}

// ---- Key schedule -------------------------------------------------------------------
// The round constants, in the first byte of every word.
constexpr Table kRconWords[10] = {
    {{0x01, 0, 0, 0, 0x01, 0, 0, 0, 0x01, 0, 0, 0, 0x01, 0, 0, 0}},
    {{0x02, 0, 0, 0, 0x02, 0, 0, 0, 0x02, 0, 0, 0, 0x02, 0, 0, 0}},
    {{0x04, 0, 0, 0, 0x04, 0, 0, 0, 0x04, 0, 0, 0, 0x04, 0, 0, 0}},
    {{0x08, 0, 0, 0, 0x08, 0, 0, 0, 0x08, 0, 0, 0, 0x08, 0, 0, 0}},
    {{0x10, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0, 0, 0}},
    {{0x20, 0, 0, 0, 0x20, 0, 0, 0, 0x20, 0, 0, 0, 0x20, 0, 0, 0}},
    {{0x40, 0, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0, 0}},
    {{0x80, 0, 0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0}},
    {{0x1b, 0, 0, 0, 0x1b, 0, 0, 0, 0x1b, 0, 0, 0, 0x1b, 0, 0, 0}},
    {{0x36, 0, 0, 0, 0x36, 0, 0, 0, 0x36, 0, 0, 0, 0x36, 0, 0, 0}},
};

// The encoding is linear (no constant), so the key expansion, whose other steps are byte moves
// and XORs, runs in it: the S-box then needs no conversion on the way in, and its output
// tables are composed with the encoding (16-entry tables again) on the way out. That takes the
// conversion off the expansion's one dependent chain. decode() is the way back.
constexpr uint8_t encode_byte(uint8_t x) {
  return static_cast<uint8_t>(fernet_aes_ct::k_enc_lo.b[x & 15] ^ fernet_aes_ct::k_enc_hi.b[x >> 4]);
}
constexpr Table encode_table(const Table& t) {
  Table r{};
  for (int i = 0; i < 16; ++i) r.b[i] = encode_byte(t.b[i]);
  return r;
}
// The inverse map on the nibble basis: y with encode_byte(y) == (hi ? n << 4 : n).
constexpr Table decode_table(bool hi) {
  Table r{};
  for (int n = 0; n < 16; ++n) {
    const int target = hi ? n << 4 : n;
    for (int y = 0; y < 256; ++y) {
      if (encode_byte(static_cast<uint8_t>(y)) == target) r.b[n] = static_cast<uint8_t>(y);
    }
  }
  return r;
}
constexpr Table kSubEncF = encode_table(fernet_aes_ct::k_s_f);
constexpr Table kSubEncG = encode_table(fernet_aes_ct::k_s_g);
constexpr Table kDecodeLo = decode_table(false);
constexpr Table kDecodeHi = decode_table(true);
constexpr Table kRconWordsEnc[10] = {
    encode_table(kRconWords[0]), encode_table(kRconWords[1]), encode_table(kRconWords[2]),
    encode_table(kRconWords[3]), encode_table(kRconWords[4]), encode_table(kRconWords[5]),
    encode_table(kRconWords[6]), encode_table(kRconWords[7]), encode_table(kRconWords[8]),
    encode_table(kRconWords[9])};
inline V decode(V e) { return encode(e, kDecodeLo, kDecodeHi); }

// What the above relies on, checked by the compiler: the encoding is linear (each byte's image
// is the XOR of its bits' images) and decode undoes it.
constexpr bool encoding_is_linear_and_decodable() {
  for (int x = 0; x < 256; ++x) {
    int sum = 0;
    for (int k = 0; k < 8; ++k) {
      if ((x >> k) & 1) sum ^= encode_byte(static_cast<uint8_t>(1 << k));
    }
    if (encode_byte(static_cast<uint8_t>(x)) != sum) return false;
    const int back = kDecodeLo.b[encode_byte(static_cast<uint8_t>(x)) & 15] ^
                     kDecodeHi.b[encode_byte(static_cast<uint8_t>(x)) >> 4];
    if (back != x) return false;
  }
  return true;
}
static_assert(encoding_is_linear_and_decodable(), "the tower-field encoding must be linear");

// The AES-128 round keys in the encoding (no S-box constant added), handed one by one
// (round r, key) to `use`, which stores them in whatever form its schedule wants: they pass
// through registers only, so there is no plain copy in memory to wipe.
template <class Use>
inline void expand_key(const unsigned char key[16], Use use) {
  V w = encode_enc(load(key));
  use(0, w);
  const V c63 = splat(fernet_aes_ct::kEncC63);
  for (int r = 1; r <= 10; ++r) {
    // Every word gets SubWord(RotWord(last word)) ^ rcon, then the prefix XOR of the
    // previous key's words: w'[c] = w[0] ^ ... ^ w[c] ^ t.
    V t = output(invert(permute(w, kRotLastWord)), kSubEncF, kSubEncG) ^
          (c63 ^ tab(kRconWordsEnc[r - 1]));
    w = w ^ permute(w, kWordsUp1);
    w = w ^ permute(w, kWordsUp2);
    w = w ^ t;
    use(r, w);
  }
}

// InvMixColumns of a plain round key (for the equivalent inverse cipher's schedule).
inline V inv_mix_columns(V x) {
  V m2 = xtime(x), m4 = xtime(m2), m8 = xtime(m4);
  V t14 = m8 ^ m4 ^ m2, t11 = m8 ^ m2 ^ x, t13 = m8 ^ m4 ^ x, t9 = m8 ^ x;
  return t14 ^ permute(t11, kRot1) ^ permute(t13, kRot2) ^ permute(t9, kRot3);
}

constexpr int kScheduleEncrypt = 1;
constexpr int kScheduleDecrypt = 2;

int check_key_bits(unsigned int keybits) {
  // Fernet's keys are 128-bit; the config says so too (MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH).
  return keybits == 128 ? 0 : MBEDTLS_ERR_AES_INVALID_KEY_LENGTH;
}

}  // namespace

extern "C" {

// Zeroed: no schedule (0) until a setkey call.
void mbedtls_aes_init(mbedtls_aes_context* ctx) { std::memset(ctx, 0, sizeof *ctx); }

void mbedtls_aes_free(mbedtls_aes_context* ctx) {
  if (ctx == nullptr) return;
  mbedtls_platform_zeroize(ctx, sizeof *ctx);
}

int mbedtls_aes_setkey_enc(mbedtls_aes_context* ctx, const unsigned char* key,
                           unsigned int keybits) {
  if (int rc = check_key_bits(keybits)) return rc;
  fernet::expand_encryption_key(key, ctx->rk);
  ctx->schedule = kScheduleEncrypt;
  return 0;
}

int mbedtls_aes_setkey_dec(mbedtls_aes_context* ctx, const unsigned char* key,
                           unsigned int keybits) {
  if (int rc = check_key_bits(keybits)) return rc;
  unsigned char (*rk)[16] = ctx->rk;
  unsigned char (*plain)[16] = ctx->plain;
  // Round key r is the decryption schedule's key 10 - r.
  expand_key(key, [rk, plain](int r, V w) {
    V k = decode(w);
    if (r == 0 || r == 10) {
      store(plain[10 - r], k);
      store(rk[10 - r], k);
    } else {
      k = inv_mix_columns(k);
      store(plain[10 - r], k);
      // encode_dec includes the affine constant the next inverse S-box needs.
      store(rk[10 - r], encode_dec(k));
    }
  });
  ctx->schedule = kScheduleDecrypt;
  return 0;
}

int mbedtls_internal_aes_encrypt(mbedtls_aes_context* ctx, const unsigned char input[16],
                                 unsigned char output[16]) {
  if (ctx->schedule != kScheduleEncrypt) return MBEDTLS_ERR_AES_BAD_INPUT_DATA;
  store(output, encrypt_block(ctx->rk, load(input)));
  return 0;
}

int mbedtls_internal_aes_decrypt(mbedtls_aes_context* ctx, const unsigned char input[16],
                                 unsigned char output[16]) {
  if (ctx->schedule != kScheduleDecrypt) return MBEDTLS_ERR_AES_BAD_INPUT_DATA;
  V s[1] = {load(input)};
  decrypt_blocks<1>(ctx->rk, s);
  store(output, s[0]);
  mbedtls_platform_zeroize(s, sizeof s);  // may live in memory (the wasm stack)
  return 0;
}

int mbedtls_aes_crypt_ecb(mbedtls_aes_context* ctx, int mode, const unsigned char input[16],
                          unsigned char output[16]) {
  if (mode == MBEDTLS_AES_ENCRYPT) return mbedtls_internal_aes_encrypt(ctx, input, output);
  if (mode == MBEDTLS_AES_DECRYPT) return mbedtls_internal_aes_decrypt(ctx, input, output);
  return MBEDTLS_ERR_AES_BAD_INPUT_DATA;
}

// In place (input == output) works: every block is read before its output is written.
int mbedtls_aes_crypt_cbc(mbedtls_aes_context* ctx, int mode, size_t length,
                          unsigned char iv[16], const unsigned char* input,
                          unsigned char* output) {
  if (mode != MBEDTLS_AES_ENCRYPT && mode != MBEDTLS_AES_DECRYPT) {
    return MBEDTLS_ERR_AES_BAD_INPUT_DATA;
  }
  if (length == 0) return 0;  // as mbedTLS: nothing to do, whatever the schedule
  if (length % 16 != 0) return MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH;
  if (ctx->schedule != (mode == MBEDTLS_AES_ENCRYPT ? kScheduleEncrypt : kScheduleDecrypt)) {
    return MBEDTLS_ERR_AES_BAD_INPUT_DATA;
  }
  size_t blocks = length / 16;
  if (mode == MBEDTLS_AES_ENCRYPT) {
    fernet::cbc_encrypt(ctx->rk, iv, input, output, blocks);
    return 0;
  }
  V chain = load(iv);
  // Decryption: eight blocks at a time, bitsliced (with a last group of 5 to 7), then the
  // vector-permute code two at a time (and one), which costs far less for the few blocks of a
  // short token. The plane keys and the blocks handed to the block functions go through arrays,
  // which may live in memory (the wasm stack): wiped once, after the loop.
  V two[2] = {chain, chain};
  V one[1] = {chain};
  size_t b = 0;
  if (blocks >= 8) b = cbc_decrypt_bitsliced(ctx, blocks, chain, input, output);
  // Two blocks at a time: independent, so the shuffles of one fill the other's latency.
  // (Measured in V8: two beat four, whose working set no longer fits the 16 vector
  // registers and spills to the stack.)
  for (; b + 2 <= blocks; b += 2) {
    V c0 = load(input + 16 * b), c1 = load(input + 16 * b + 16);
    two[0] = c0;
    two[1] = c1;
    decrypt_blocks<2>(ctx->rk, two);
    store(output + 16 * b, two[0] ^ chain);
    store(output + 16 * b + 16, two[1] ^ c0);
    chain = c1;
  }
  if (b < blocks) {  // the last odd block
    V c = load(input + 16 * b);
    one[0] = c;
    decrypt_blocks<1>(ctx->rk, one);
    store(output + 16 * b, one[0] ^ chain);
    chain = c;
  }
  mbedtls_platform_zeroize(two, sizeof two);
  mbedtls_platform_zeroize(one, sizeof one);
  store(iv, chain);
  return 0;
}

}  // extern "C"

namespace fernet {

void expand_encryption_key(const unsigned char key[16], unsigned char schedule[11][16]) {
  expand_key(key, [schedule](int r, V w) {
    if (r == 0) {
      store(schedule[0], decode(w));
    } else if (r == 10) {
      store(schedule[10], decode(w) ^ splat(0x63));
    } else {
      store(schedule[r], permute(w ^ splat(fernet_aes_ct::kEncC63), kInvShiftRows));  // see encrypt_round
    }
  });
}

void cbc_encrypt(const unsigned char schedule[11][16], unsigned char iv[16],
                 const unsigned char* input, unsigned char* output, size_t blocks) {
  V chain = load(iv);
  for (size_t b = 0; b < blocks; ++b) {
    chain = encrypt_block(schedule, load(input + 16 * b) ^ chain);
    store(output + 16 * b, chain);
  }
  store(iv, chain);
}

namespace {

inline void begin_compression(Compression& c, const uint32_t state[8], const unsigned char* hashed) {
  for (int i = 0; i < 8; ++i) c.v[i] = state[i];
  c.bc = c.v[1] ^ c.v[2];
  for (int i = 0; i < 4; ++i) c.x[i] = sha::load_be(hashed + 16 * i);
}

inline void end_compression(const Compression& c, uint32_t state[8]) {
  for (int i = 0; i < 8; ++i) state[i] += c.v[i];
}

// `turns` turns of cbc_encrypt_and_hash's loop from the blocks at `data` and the 64 bytes at
// `hashed` on. A function of its own, called for a few turns at a time, not the whole loop
// inlined into its caller: V8 runs a call to a wasm function in the tier it started in, so a
// loop that never returns would stay in the baseline compiler's code for the whole of a first,
// large message (64 MiB: 15 MiB/s instead of 80-100). It has two calls: the emsdk 3.1.6
// build's wasm-opt inlined it, noinline or not, when it had one.
__attribute__((noinline)) V encrypt_and_compress(const unsigned char (*rk)[16], V chain,
                                                 unsigned char* data, const unsigned char* hashed,
                                                 size_t turns, uint32_t state[8]) {
  Compression c;
  for (size_t t = 0; t < turns; ++t, data += 64, hashed += 64) {
    begin_compression(c, state, hashed);
#if defined(__clang__)
#pragma clang loop unroll(disable)
#endif
    for (int q = 0; q < 4; ++q) {
      unsigned char* at = data + 16 * q;
      chain = encrypt_block_hashing(rk, load(at) ^ chain, c, q);
      store(at, chain);
    }
    end_compression(c, state);
  }
  return chain;
}

// A last turn with only `blocks` (1-3) left to encrypt: they take the first quarters of the
// compression, which then finishes alone.
V encrypt_and_compress_last(const unsigned char (*rk)[16], V chain, unsigned char* data, size_t blocks,
                            const unsigned char* hashed, uint32_t state[8]) {
  Compression c;
  begin_compression(c, state, hashed);
  int q = 0;
  for (; q < static_cast<int>(blocks); ++q) {
    unsigned char* at = data + 16 * q;
    chain = encrypt_block_hashing(rk, load(at) ^ chain, c, q);
    store(at, chain);
  }
  for (; q < 4; ++q) {
    for (int h = 0; h < 2; ++h) {
      compression_step<0>(c, q, h);
      compression_step<1>(c, q, h);
    }
  }
  end_compression(c, state);
  return chain;
}

constexpr size_t kTurnsPerCall = 16;  // 1 KiB a call

}  // namespace

int cbc_encrypt_and_hash(const unsigned char schedule[11][16], unsigned char iv[16],
                         unsigned char* data, size_t blocks, const unsigned char* held,
                         size_t held_size, uint32_t state[8], size_t* hashed_size) {
  *hashed_size = 0;
  if (held_size >= 64) return MBEDTLS_ERR_AES_BAD_INPUT_DATA;
  V chain = load(iv);
  // The first hash block is the held bytes and the first `lead` bytes of ciphertext: the
  // blocks that make those are encrypted first, on their own.
  const size_t lead = 64 - held_size;
  const size_t first = (lead + 15) / 16;
  size_t b = 0;
  for (; b < first && b < blocks; ++b) {
    chain = encrypt_block(schedule, load(data + 16 * b) ^ chain);
    store(data + 16 * b, chain);
  }
  // Then each turn compresses the next 64 bytes, ciphertext by then, while it encrypts four
  // more blocks (the last turn perhaps fewer).
  const size_t rest = b == first ? blocks - b : 0;
  const size_t whole_turns = rest / 4;
  const size_t turns = (rest + 3) / 4;
  if (turns != 0) {
    unsigned char start[64];
    if (held_size != 0) std::memcpy(start, held, held_size);  // held may be null then
    std::memcpy(start + held_size, data, lead);
    if (whole_turns != 0) {
      chain = encrypt_and_compress(schedule, chain, data + 16 * b, start, 1, state);
      for (size_t t = 1; t < whole_turns; t += kTurnsPerCall) {
        const size_t n = whole_turns - t < kTurnsPerCall ? whole_turns - t : kTurnsPerCall;
        chain = encrypt_and_compress(schedule, chain, data + 16 * b + 64 * t,
                                     data + lead + 64 * (t - 1), n, state);
      }
    }
    if (rest % 4 != 0) {
      const unsigned char* hashed = whole_turns == 0 ? start : data + lead + 64 * (whole_turns - 1);
      chain = encrypt_and_compress_last(schedule, chain, data + 16 * (b + 4 * whole_turns),
                                        rest % 4, hashed, state);
    }
    b += rest;
  }
  for (; b < blocks; ++b) {
    chain = encrypt_block(schedule, load(data + 16 * b) ^ chain);
    store(data + 16 * b, chain);
  }
  store(iv, chain);
  if (turns != 0) *hashed_size = lead + 64 * (turns - 1);
  return 0;
}

}  // namespace fernet

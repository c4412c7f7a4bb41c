// SHA-256's compression function for mbedTLS's MBEDTLS_SHA256_PROCESS_ALT hook: the rest
// of sha256.c (padding, buffering, HMAC via md.c) stays mbedTLS's.
//
// Why: mbedTLS keeps the working variables and the 64-word message schedule in a struct
// whose address it takes (to wipe it after every block), so in WebAssembly every round
// reads and writes linear memory. Here the eight working variables and a rolling 16-word
// schedule are plain locals, fully unrolled, which the wasm compiler keeps in wasm locals
// (registers): nothing of the message or the state is written to memory but the chaining
// value itself, so there is nothing left to wipe per block.
//
// SHA-256 has no secret-dependent branches or table indexes: the round constants are read
// in a fixed order.

#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/sha256.h"

#include <cstdint>

namespace {

constexpr uint32_t kK[64] = {
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

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
inline uint32_t big_sigma0(uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
inline uint32_t big_sigma1(uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
inline uint32_t small_sigma0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
inline uint32_t small_sigma1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
// Ch and Maj, written with one operation fewer than their definitions.
inline uint32_t choose(uint32_t e, uint32_t f, uint32_t g) { return g ^ (e & (f ^ g)); }
inline uint32_t majority(uint32_t a, uint32_t b, uint32_t c) { return (a & b) | (c & (a | b)); }

inline uint32_t load_be(const unsigned char* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

}  // namespace

// One round: the eight variables rotate by renaming (the macro's argument order), so no
// moves are needed; w is this round's schedule word.
#define FERNET_SHA256_ROUND(a, b, c, d, e, f, g, h, k, w)               \
  do {                                                                  \
    uint32_t t1 = (h) + big_sigma1(e) + choose((e), (f), (g)) + (k) + (w); \
    uint32_t t2 = big_sigma0(a) + majority((a), (b), (c));              \
    (d) += t1;                                                          \
    (h) = t1 + t2;                                                      \
  } while (0)

// Eight rounds starting at round i, schedule words w[i % 16 ...].
#define FERNET_SHA256_EIGHT(i, W)                                        \
  do {                                                                   \
    FERNET_SHA256_ROUND(a, b, c, d, e, f, g, h, kK[(i) + 0], W(0));      \
    FERNET_SHA256_ROUND(h, a, b, c, d, e, f, g, kK[(i) + 1], W(1));      \
    FERNET_SHA256_ROUND(g, h, a, b, c, d, e, f, kK[(i) + 2], W(2));      \
    FERNET_SHA256_ROUND(f, g, h, a, b, c, d, e, kK[(i) + 3], W(3));      \
    FERNET_SHA256_ROUND(e, f, g, h, a, b, c, d, kK[(i) + 4], W(4));      \
    FERNET_SHA256_ROUND(d, e, f, g, h, a, b, c, kK[(i) + 5], W(5));      \
    FERNET_SHA256_ROUND(c, d, e, f, g, h, a, b, kK[(i) + 6], W(6));      \
    FERNET_SHA256_ROUND(b, c, d, e, f, g, h, a, kK[(i) + 7], W(7));      \
  } while (0)

extern "C" int mbedtls_internal_sha256_process(mbedtls_sha256_context* ctx,
                                               const unsigned char data[64]) {
  uint32_t w0 = load_be(data + 0), w1 = load_be(data + 4), w2 = load_be(data + 8),
           w3 = load_be(data + 12), w4 = load_be(data + 16), w5 = load_be(data + 20),
           w6 = load_be(data + 24), w7 = load_be(data + 28), w8 = load_be(data + 32),
           w9 = load_be(data + 36), w10 = load_be(data + 40), w11 = load_be(data + 44),
           w12 = load_be(data + 48), w13 = load_be(data + 52), w14 = load_be(data + 56),
           w15 = load_be(data + 60);
  uint32_t a = ctx->state[0], b = ctx->state[1], c = ctx->state[2], d = ctx->state[3],
           e = ctx->state[4], f = ctx->state[5], g = ctx->state[6], h = ctx->state[7];

// Rounds 0-15 use the message words; later rounds first extend the schedule in place:
// w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16], indexes mod 16.
#define FERNET_W_FIRST_LO(n) w##n
#define FERNET_W_FIRST_HI(n) FERNET_W_HI_##n
#define FERNET_W_HI_0 w8
#define FERNET_W_HI_1 w9
#define FERNET_W_HI_2 w10
#define FERNET_W_HI_3 w11
#define FERNET_W_HI_4 w12
#define FERNET_W_HI_5 w13
#define FERNET_W_HI_6 w14
#define FERNET_W_HI_7 w15
  FERNET_SHA256_EIGHT(0, FERNET_W_FIRST_LO);
  FERNET_SHA256_EIGHT(8, FERNET_W_FIRST_HI);

#define FERNET_X(t, tm2, tm7, tm15) (t += small_sigma1(tm2) + tm7 + small_sigma0(tm15))
#define FERNET_EXTEND_LO(n) FERNET_EXTEND_LO_##n
#define FERNET_EXTEND_LO_0 FERNET_X(w0, w14, w9, w1)
#define FERNET_EXTEND_LO_1 FERNET_X(w1, w15, w10, w2)
#define FERNET_EXTEND_LO_2 FERNET_X(w2, w0, w11, w3)
#define FERNET_EXTEND_LO_3 FERNET_X(w3, w1, w12, w4)
#define FERNET_EXTEND_LO_4 FERNET_X(w4, w2, w13, w5)
#define FERNET_EXTEND_LO_5 FERNET_X(w5, w3, w14, w6)
#define FERNET_EXTEND_LO_6 FERNET_X(w6, w4, w15, w7)
#define FERNET_EXTEND_LO_7 FERNET_X(w7, w5, w0, w8)
#define FERNET_EXTEND_HI(n) FERNET_EXTEND_HI_##n
#define FERNET_EXTEND_HI_0 FERNET_X(w8, w6, w1, w9)
#define FERNET_EXTEND_HI_1 FERNET_X(w9, w7, w2, w10)
#define FERNET_EXTEND_HI_2 FERNET_X(w10, w8, w3, w11)
#define FERNET_EXTEND_HI_3 FERNET_X(w11, w9, w4, w12)
#define FERNET_EXTEND_HI_4 FERNET_X(w12, w10, w5, w13)
#define FERNET_EXTEND_HI_5 FERNET_X(w13, w11, w6, w14)
#define FERNET_EXTEND_HI_6 FERNET_X(w14, w12, w7, w15)
#define FERNET_EXTEND_HI_7 FERNET_X(w15, w13, w8, w0)
  for (int i = 16; i < 64; i += 16) {
    FERNET_SHA256_EIGHT(i, FERNET_EXTEND_LO);
    FERNET_SHA256_EIGHT(i + 8, FERNET_EXTEND_HI);
  }

  ctx->state[0] += a;
  ctx->state[1] += b;
  ctx->state[2] += c;
  ctx->state[3] += d;
  ctx->state[4] += e;
  ctx->state[5] += f;
  ctx->state[6] += g;
  ctx->state[7] += h;
  return 0;
}

// PBKDF2-HMAC-SHA256 and scrypt; see kdf.h.
//
// PBKDF2 spends all its time in SHA-256 compressions, two per iteration. The
// HMAC key's inner and outer pad blocks are hashed once per password
// (internal::hmac_key_states); U1 (the salt has any length) goes through the
// core's general HMAC (internal::hmac_*). Every later iteration is HMAC of a
// 32-byte digest: two one-block messages whose last eight words are fixed
// padding, resumed from the two saved chaining values (round 0 of each block
// done once for both, sha256::digest_round0). That loop is sha256::compress_digest twice
// (cpp/sha256_block.h), with U and T in local variables: no mbedTLS call and no
// memory traffic but one read and one write of them per 1024 iterations and the
// reads of the chaining value each compression starts from (see pbkdf2_iterate).

#include "kdf.h"

#include <cstring>

#include "fernet_internal.h"
#include "salsa20_block.h"
#include "sha256_block.h"

namespace fernet {
namespace {

constexpr size_t kDigest = 32;

void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

uint32_t load_be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void store_le32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

// The password as HMAC's key: its two SHA-256 states (internal::hmac_key_states),
// wiped when the derivation ends.
struct HmacKey {
  uint32_t inner[8];
  uint32_t outer[8];
  HmacKey() = default;
  ~HmacKey() { secure_zero(this, sizeof *this); }
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;
  Status set(const uint8_t* key, size_t key_size) {
    return internal::hmac_key_states(key, key_size, inner, outer);
  }
};

// What PBKDF2's loop carries from one iteration to the next, as big-endian word values:
// the two chaining values of the HMAC key (chain[0] the inner, chain[1] the outer) and
// their sha256::digest_round0, U(i) and T so far.
struct Pbkdf2Words {
  uint32_t chain[2][8], round0[2][2], u[8], t[8];
};

// `count` iterations: U <- HMAC(P, U), T ^= U. U and T are locals whose address is never
// taken, so in WebAssembly they live in wasm locals (V8's registers and native stack), never
// in linear memory; they are read from `w` once and written back once per call, and the
// round0 words are read once. The chaining values are read from `w` at each compression,
// where they are for the whole derivation anyway (and wiped with it): no new copy of
// anything secret.
//
// Why the loop is cut into calls of kPbkdf2Chunk iterations rather than run in one: V8 has
// no on-stack replacement for wasm. A function first runs as baseline (Liftoff) code and is
// recompiled optimised in the background once it has run for a while; only its next call
// gets the optimised code. One call for all 1,200,000 iterations ran entirely as baseline
// code on a page's first derivation: 6.4 s instead of 0.5 s. Calls of 1024 iterations
// (about 0.5 ms each once optimised) cost nothing measurable and pick the optimised code up
// within a few milliseconds. noinline (and two callers, below) keep it a function of its own
// in the wasm, so that V8 sees it called.
constexpr uint32_t kPbkdf2Chunk = 1024;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
void pbkdf2_iterate(Pbkdf2Words& w, uint32_t count) {
  uint32_t u[8];
  for (int i = 0; i < 8; ++i) u[i] = w.u[i];
  // T in two vectors of four words: U is added into it at the start of the step after an
  // outer hash, through the same vectors compress_digest makes of U for its schedule (the
  // compiler shares them), four vector operations instead of sixteen scalar ones (same
  // speed, 51 bytes less wasm).
  using sha256::V;
  V t_low = sha256::make(w.t[0], w.t[1], w.t[2], w.t[3]);
  V t_high = sha256::make(w.t[4], w.t[5], w.t[6], w.t[7]);
  const uint32_t inner_a = w.round0[0][0], inner_e = w.round0[0][1];
  const uint32_t outer_a = w.round0[1][0], outer_e = w.round0[1][1];
  // One compression per step, the inner and the outer hash alternating, rather than two
  // per step: the compression is inlined once instead of twice, which halves this
  // function's code (the shipped bundle carries the wasm inline, where repeated code
  // compresses badly) and measured no slower. Step n starts from chain[n & 1] with the
  // round0 words chosen by the mask `outer_step`; `after_outer` is all ones when step n - 1
  // was an outer hash (n even, not 0). All of it depends on the step number only. (Choosing
  // the chaining value from two sets of locals with the mask too measured the same speed,
  // for 157 bytes more wasm; reading the round0 words from `w` like it, 9% slower.)
  for (uint32_t n = 0; n < 2 * count; ++n) {
    const uint32_t outer_step = 0u - (n & 1);
    const uint32_t after_outer = 0u - ((~n & 1) & static_cast<uint32_t>(n != 0));
    const V add = sha256::make(after_outer, after_outer, after_outer, after_outer);
    t_low = t_low ^ (sha256::make(u[0], u[1], u[2], u[3]) & add);
    t_high = t_high ^ (sha256::make(u[4], u[5], u[6], u[7]) & add);
    const uint32_t round0[2] = {(outer_a & outer_step) | (inner_a & ~outer_step),
                                (outer_e & outer_step) | (inner_e & ~outer_step)};
    // even: inner hash of U(i-1); odd: U(i)
    sha256::compress_digest(u, w.chain[n & 1], round0, u);
  }
  // The last step, if there was one, was an outer hash.
  const uint32_t ran = 0u - static_cast<uint32_t>(count != 0);
  const V add = sha256::make(ran, ran, ran, ran);
  t_low = t_low ^ (sha256::make(u[0], u[1], u[2], u[3]) & add);
  t_high = t_high ^ (sha256::make(u[4], u[5], u[6], u[7]) & add);
  for (int i = 0; i < 8; ++i) w.u[i] = u[i];
  w.t[0] = sha256::get<0>(t_low);
  w.t[1] = sha256::get<1>(t_low);
  w.t[2] = sha256::get<2>(t_low);
  w.t[3] = sha256::get<3>(t_low);
  w.t[4] = sha256::get<0>(t_high);
  w.t[5] = sha256::get<1>(t_high);
  w.t[6] = sha256::get<2>(t_high);
  w.t[7] = sha256::get<3>(t_high);
}

// sha256::digest_round0 as a function of its own: one copy of the round in the wasm for
// the two chaining values.
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
void digest_round0(uint32_t round0[2], const uint32_t iv[8]) { sha256::digest_round0(round0, iv); }

// One block of PBKDF2 output: T = U1 ^ U2 ^ ... ^ Uc with
// U1 = HMAC(P, salt || INT(index)), Ui = HMAC(P, U(i-1)).
class Pbkdf2Block {
 public:
  Pbkdf2Block() = default;
  ~Pbkdf2Block() {
    secure_zero(digest_, sizeof digest_);
    secure_zero(&words_, sizeof words_);
  }
  Pbkdf2Block(const Pbkdf2Block&) = delete;
  Pbkdf2Block& operator=(const Pbkdf2Block&) = delete;

  bool compute(const HmacKey& key, const uint8_t* salt, size_t salt_size, uint32_t index,
               uint32_t iterations, uint8_t out[kDigest]) {
    uint8_t counter[4];
    store_be32(counter, index);
    // U1: the salt has any length, so it goes through the general HMAC.
    internal::Hmac hmac;
    internal::hmac_start(hmac, key.inner, key.outer);
    if (internal::hmac_update(hmac, salt, salt_size) != Status::kOk ||
        internal::hmac_update(hmac, counter, sizeof counter) != Status::kOk) {
      internal::hmac_wipe(hmac);
      return false;
    }
    if (internal::hmac_finish(hmac, digest_) != Status::kOk) return false;
    for (size_t i = 0; i < 8; ++i) {
      words_.chain[0][i] = key.inner[i];
      words_.chain[1][i] = key.outer[i];
      words_.u[i] = words_.t[i] = load_be32(digest_ + 4 * i);
    }
    digest_round0(words_.round0[0], words_.chain[0]);
    digest_round0(words_.round0[1], words_.chain[1]);
    // Two call sites on purpose: Binaryen (emcc's link-time optimiser) inlines a function
    // with a single caller whatever its attributes, which would put the loop back into one
    // call.
    uint32_t left = iterations - 1;
    for (; left > kPbkdf2Chunk; left -= kPbkdf2Chunk) pbkdf2_iterate(words_, kPbkdf2Chunk);
    pbkdf2_iterate(words_, left);
    for (size_t i = 0; i < 8; ++i) store_be32(out + 4 * i, words_.t[i]);
    return true;
  }

 private:
  uint8_t digest_[kDigest];
  Pbkdf2Words words_;
};

Status pbkdf2_keyed(const HmacKey& key, const uint8_t* salt, size_t salt_size, uint32_t iterations,
                    uint8_t* out, size_t out_size) {
  Pbkdf2Block block;
  uint8_t t[kDigest];
  Status status = Status::kOk;
  uint32_t index = 1;
  for (size_t done = 0; done < out_size; done += kDigest, ++index) {
    if (!block.compute(key, salt, salt_size, index, iterations, t)) {
      status = Status::kOutOfMemory;  // unreachable with the software SHA-256
      break;
    }
    const size_t take = out_size - done < kDigest ? out_size - done : kDigest;
    std::memcpy(out + done, t, take);
  }
  secure_zero(t, sizeof t);
  return status;
}

// ---- scrypt (RFC 7914) ----------------------------------------------------
// Blocks are kept as little-endian 32-bit words throughout ROMix, each 64-byte
// block in Salsa20's slot order (salsa20::kOrder), converted from and to bytes
// once per p-lane.

// Where in a lane's bytes the word ROMix keeps at index k comes from.
size_t slot_offset(size_t k) { return 4 * (k - k % 16 + salsa20::kOrder[k % 16]); }

// BlockMix, with ROMix's "X xor V[j]" folded in when kWithV: `in` (and `v`)
// are 2r 64-byte blocks (32r words); `out` receives the even outputs in its
// first half and the odd ones in its second. Each Salsa20/8 input is the XOR
// of the previous output and the input block(s), formed in registers by the
// core; every intermediate stays in buffers that are wiped. `z`: 16 words.
template <bool kWithV>
void block_mix(const uint32_t* in, const uint32_t* v, uint32_t* out, uint32_t* z, size_t r) {
  const size_t last = (2 * r - 1) * 16;
  for (size_t k = 0; k < 16; ++k) z[k] = kWithV ? in[last + k] ^ v[last + k] : in[last + k];
  const uint32_t* prev = z;
  for (size_t i = 0; i < 2 * r; ++i) {
    uint32_t* dst = out + 16 * ((i >> 1) + (i & 1) * r);
    salsa20::core8_of_xor(dst, prev, in + 16 * i, kWithV ? v + 16 * i : nullptr);
    prev = dst;
  }
}

// ROMix on one 128r-byte lane of B. `v` holds n blocks of 32r words, `xy`
// 64r + 16 words. N is a power of two >= 2, so the loops go two at a time.
void ro_mix(uint8_t* lane, size_t r, uint64_t n, uint32_t* v, uint32_t* xy) {
  const size_t words = 32 * r;
  uint32_t* x = xy;
  uint32_t* y = xy + words;
  uint32_t* z = xy + 2 * words;
  for (size_t k = 0; k < words; ++k) x[k] = load_le32(lane + slot_offset(k));
  for (uint64_t i = 0; i < n; i += 2) {
    std::memcpy(v + i * words, x, 4 * words);
    block_mix<false>(x, nullptr, y, z, r);
    std::memcpy(v + (i + 1) * words, y, 4 * words);
    block_mix<false>(y, nullptr, x, z, r);
  }
  const uint64_t mask = n - 1;  // n <= 2^32 under the memory cap: the low word suffices
  for (uint64_t i = 0; i < n; i += 2) {
    block_mix<true>(x, v + (x[words - 16] & mask) * words, y, z, r);
    block_mix<true>(y, v + (y[words - 16] & mask) * words, x, z, r);
  }
  for (size_t k = 0; k < words; ++k) store_le32(lane + slot_offset(k), x[k]);
}

}  // namespace

Status pbkdf2_hmac_sha256(const uint8_t* password, size_t password_size, const uint8_t* salt,
                          size_t salt_size, uint32_t iterations, uint8_t* out, size_t out_size) {
  if (iterations < 1 || iterations > kMaxPbkdf2Iterations) return Status::kInvalidParameters;
  HmacKey key;
  const Status keyed = key.set(password, password_size);
  if (keyed != Status::kOk) return keyed;
  return pbkdf2_keyed(key, salt, salt_size, iterations, out, out_size);
}

Status check_scrypt_parameters(uint64_t n, uint32_t r, uint32_t p) {
  if (n <= 1 || (n & (n - 1)) != 0 || r < 1 || p < 1) return Status::kInvalidParameters;
  // OpenSSL (which Python calls) requires n < 2^(16r).
  if (r < 4 && n >= (uint64_t{1} << (16 * r))) return Status::kInvalidParameters;
  const uint64_t lane = uint64_t{128} * r;  // at most 2^39: no overflow
  if (n > kMaxScryptMemory / lane || p > kMaxScryptMemory / lane) return Status::kTooLarge;
  if (lane * n + lane * p > kMaxScryptMemory) return Status::kTooLarge;
  return Status::kOk;
}

Status scrypt(const uint8_t* password, size_t password_size, const uint8_t* salt, size_t salt_size,
              uint64_t n, uint32_t r, uint32_t p, uint8_t* out, size_t out_size) {
  const Status checked = check_scrypt_parameters(n, r, p);
  if (checked != Status::kOk) return checked;
  const size_t lane = size_t{128} * r;
  // SecureBuffer wipes B, V and the X/Y/Z scratch before freeing them.
  SecureBuffer b, v, xy;
  if (!b.allocate(lane * p) || !v.allocate(lane * static_cast<size_t>(n)) ||
      !xy.allocate((size_t{64} * r + 16) * sizeof(uint32_t)))
    return Status::kOutOfMemory;
  HmacKey key;
  Status status = key.set(password, password_size);
  if (status != Status::kOk) return status;
  status = pbkdf2_keyed(key, salt, salt_size, 1, b.data(), b.size());
  if (status != Status::kOk) return status;
  // calloc'd memory has no declared type; it is used as words from here on.
  uint32_t* v_words = reinterpret_cast<uint32_t*>(v.data());
  uint32_t* xy_words = reinterpret_cast<uint32_t*>(xy.data());
  for (uint32_t i = 0; i < p; ++i) ro_mix(b.data() + lane * i, r, n, v_words, xy_words);
  return pbkdf2_keyed(key, b.data(), b.size(), 1, out, out_size);
}

}  // namespace fernet

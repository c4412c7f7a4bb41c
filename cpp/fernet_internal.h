// The Fernet format's rules, each written once, shared by the one-shot
// (fernet.cpp) and streaming (fernet_stream.cpp) code. Internal: not part of
// the core's API. CONTRIBUTING.md's rule table points here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fernet.h"
#include "mbedtls/aes.h"

extern "C" {
#include "mbedtls/constant_time.h"
}
#include "mbedtls/sha256.h"

namespace fernet::internal {

// ---- token layout: version | timestamp | iv | ciphertext | hmac -------------

constexpr size_t kTimestampOffset = 1;  // after the version byte
constexpr size_t kIvOffset = kTimestampOffset + 8;
constexpr size_t kCiphertextOffset = kIvOffset + kIvSize;
static_assert(kCiphertextOffset == kHeaderSize, "header = version | timestamp | iv");
// Python's _get_unverified_token_data: the timestamp must be present.
constexpr size_t kMinTimestampBytes = kIvOffset;
// Decryption needs at least one ciphertext block (PKCS7 always adds one).
constexpr size_t kMinTokenBytes = kHeaderSize + kBlockSize + kHmacSize;

// Ciphertext size (= padded plaintext size) for a message of `message_size`.
constexpr size_t padded_size(size_t message_size) {
  return (message_size / kBlockSize + 1) * kBlockSize;
}
// Raw (decoded) token bytes for a message of `message_size`.
constexpr size_t raw_token_size(size_t message_size) {
  return kHeaderSize + padded_size(message_size) + kHmacSize;
}
// A decoded token that AES-CBC and PKCS7 can accept: at least one whole
// ciphertext block, whole blocks only. Python reaches the same verdict per
// key (CBC finalize or unpadding fails), so checking it once is equivalent.
constexpr bool decryptable_size(size_t raw_size) {
  return raw_size >= kMinTokenBytes && (raw_size - kHeaderSize - kHmacSize) % kBlockSize == 0;
}

inline void store_be64(uint64_t value, uint8_t* out) {
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<uint8_t>(value);
}

inline uint64_t load_be64(const uint8_t* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = value << 8 | in[i];
  return value;
}

// The header every token starts with.
inline void write_header(uint64_t timestamp, const uint8_t iv[kIvSize], uint8_t out[kHeaderSize]) {
  out[0] = kVersion;
  store_be64(timestamp, out + kTimestampOffset);
  for (size_t i = 0; i < kIvSize; ++i) out[kIvOffset + i] = iv[i];
}

// The version check (Python: data[0] != 0x80 -> InvalidToken).
inline bool has_version(const uint8_t* raw) { return raw[0] == kVersion; }
inline uint64_t header_timestamp(const uint8_t* raw) { return load_be64(raw + kTimestampOffset); }
inline const uint8_t* header_iv(const uint8_t* raw) { return raw + kIvOffset; }

// PKCS7: fills the block after its first `used` bytes with the pad length.
inline void pkcs7_pad(uint8_t block[kBlockSize], size_t used) {
  const uint8_t pad = static_cast<uint8_t>(kBlockSize - used);
  for (size_t i = used; i < kBlockSize; ++i) block[i] = pad;
}

// The PKCS7 pad length of a final plaintext block, or 0 if the padding is
// invalid; constant-time over the block.
inline size_t pkcs7_pad_length(const uint8_t last[kBlockSize]) {
  const uint32_t pad = last[kBlockSize - 1];
  uint32_t bad = (pad - 1) >> 31 & 1;            // pad == 0
  bad |= (uint32_t{kBlockSize} - pad) >> 31 & 1;  // pad > 16
  for (uint32_t i = 0; i < kBlockSize; ++i) {
    // Byte i of the block is padding when i >= 16 - pad.
    const uint32_t in_pad = ((kBlockSize - 1 - i) - pad) >> 31 & 1;
    bad |= in_pad & ((last[i] ^ pad) != 0);
  }
  return bad ? 0 : pad;
}

// The TTL (Python's rule, without overflow): expired when
// timestamp + ttl < now, too far ahead when now + skew < timestamp.
inline bool is_fresh(uint64_t timestamp, const Freshness& f) {
  bool expired;
  if (f.ttl >= 0) {
    expired = f.now > timestamp && f.now - timestamp > static_cast<uint64_t>(f.ttl);
  } else {
    const uint64_t back = static_cast<uint64_t>(-(f.ttl + 1)) + 1;  // |ttl|, INT64_MIN safe
    expired = f.now > UINT64_MAX - back || timestamp < f.now + back;
  }
  const bool from_future = f.now <= UINT64_MAX - kMaxClockSkew && f.now + kMaxClockSkew < timestamp;
  return !expired && !from_future;
}

// ---- primitives (fernet.cpp); every mbedTLS return code is checked ----------

// HMAC-SHA256 under a key's signing half, started from the key's prepared
// states (fernet::Key), in pieces. The one HMAC of the core: one-shot and
// streams alike. The functions that return a Status return kOutOfMemory if
// mbedTLS's SHA-256 reports a failure (with the core's block function it has
// none to report; every return code is checked all the same).
struct Hmac {
  mbedtls_sha256_context inner;  // SHA-256(signing key ^ ipad || data so far)
  uint32_t outer[8];
};
// RFC 2104's key schedule, the one place HMAC keys are prepared (Fernet keys in
// prepare_key, passwords in kdf.cpp): the SHA-256 states after the key (hashed
// first when longer than a block), zero-padded to a block, XOR ipad and XOR opad.
Status hmac_key_states(const uint8_t* key, size_t key_size, uint32_t inner[8], uint32_t outer[8]);
void hmac_start(Hmac& hmac, const uint32_t inner[8], const uint32_t outer[8]);
inline void hmac_start(Hmac& hmac, const Key& key) { hmac_start(hmac, key.hmac_inner, key.hmac_outer); }
Status hmac_update(Hmac& hmac, const uint8_t* data, size_t size);
// Writes the MAC and wipes `hmac`.
Status hmac_finish(Hmac& hmac, uint8_t mac[kHmacSize]);
// Wipes `hmac` without finishing it.
void hmac_wipe(Hmac& hmac);
// The whole MAC of `data` at once.
Status hmac_sha256(const Key& key, const uint8_t* data, size_t size, uint8_t mac[kHmacSize]);
// AES-128-CBC over whole blocks from `in` to `out` (the same, to work in
// place), under the key's encryption half; mode is MBEDTLS_AES_ENCRYPT or
// MBEDTLS_AES_DECRYPT. The chain, and a decryption schedule made for the call, are wiped
// (encryption reads the key's own schedule).
Status aes_cbc(const Key& key, int mode, const uint8_t iv[kIvSize], const uint8_t* in, size_t size,
               uint8_t* out);
// AES-128-CBC encryption of `size` bytes (whole blocks) at `data`, in place, under
// `schedule` (a Key's encryption_schedule, or a copy of one), continuing `chain`; the
// ciphertext is fed to `hmac` after whatever it was fed before. The one place a token's
// ciphertext is made and authenticated (one-shot and streams). kOutOfMemory when an mbedTLS
// call fails.
template <Passes passes>
Status encrypt_and_authenticate(const uint8_t schedule[11][16], uint8_t chain[kIvSize], Hmac& hmac,
                                uint8_t* data, size_t size);
// Whether the final ciphertext block `last`, chained on `previous` (the
// ciphertext block before it, or the IV), decrypts under `key` to valid PKCS7.
Status final_padding_valid(const Key& key, const uint8_t previous[kBlockSize],
                           const uint8_t last[kBlockSize], bool* valid);

// ---- key choice: Python's MultiFernet -------------------------------------
// The first key whose HMAC verifies AND whose padding is valid under it; a
// key whose MAC verifies but whose padding fails is passed over (keys may
// share a signing half). `mac_matches(k, &match)` returns a Status and sets
// `match`; it must compare in constant time and wipe the MAC it computed.
// *index is key_count when no key fits (kOk is still returned).
// `padding_checked_later`: the caller decrypts the whole token at once and
// checks its padding itself, so the last key, which no other could replace,
// needs no separate check (one key schedule less for a single Fernet). A
// stream's first pass must decide on padding itself: it passes false.
template <typename MacMatches>
Status choose_key(const Key* keys, size_t key_count, MacMatches&& mac_matches,
                  const uint8_t previous[kBlockSize], const uint8_t last[kBlockSize],
                  bool padding_checked_later, size_t* index) {
  *index = key_count;
  for (size_t k = 0; k < key_count; ++k) {
    bool match = false;
    Status status = mac_matches(k, &match);
    if (status != Status::kOk) return status;
    if (!match) continue;
    if (padding_checked_later && k + 1 == key_count) {
      *index = k;
      return Status::kOk;
    }
    bool valid = false;
    status = final_padding_valid(keys[k], previous, last, &valid);
    if (status != Status::kOk) return status;
    if (valid) {
      *index = k;
      return Status::kOk;
    }
  }
  return Status::kOk;
}

// Constant-time MAC comparison.
inline bool mac_equal(const uint8_t* a, const uint8_t* b) {
  return mbedtls_ct_memcmp(a, b, kHmacSize) == 0;
}

}  // namespace fernet::internal

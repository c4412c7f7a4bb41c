// The Fernet format (https://github.com/fernet/spec), rule for rule as
// Python's cryptography.fernet:
//
//   token = base64url(0x80 | timestamp:u64be | iv:16 | AES-128-CBC(PKCS7(msg)) | HMAC-SHA256)
//   key   = base64url(signing key:16 | encryption key:16)
//
// Pure C++17 with mbedTLS; no exceptions, no randomness (callers pass the IV),
// no clock (callers pass the time). Every secret this code copies into its own
// memory is wiped before that memory is released.
#pragma once

#include <cstddef>
#include <cstdint>

#include "secure_buffer.h"

namespace fernet {

enum class Status : int {
  kOk = 0,
  kInvalidToken = 1,  // the only failure a token can cause, whatever is wrong with it
  kInvalidKey = 2,    // key text that is not canonical base64url of 32 bytes
  kOutOfMemory = 3,
  kTooLarge = 4,      // message or token beyond kMaxMessageSize (or a KDF beyond its memory cap)
  kInvalidParameters = 5,  // KDF parameters Python's cryptography refuses
};

constexpr size_t kKeySize = 32;
constexpr size_t kKeyTextSize = 44;
constexpr size_t kIvSize = 16;
constexpr size_t kBlockSize = 16;
constexpr size_t kHmacSize = 32;
constexpr uint8_t kVersion = 0x80;
// version | timestamp | iv
constexpr size_t kHeaderSize = 1 + 8 + kIvSize;
// The core's own guard against size arithmetic overflowing in 32-bit wasm;
// the JS API documents (and enforces) a lower limit.
constexpr size_t kMaxMessageSize = size_t{1} << 30;
// Python allows a token's timestamp to run this far ahead of the clock.
constexpr uint64_t kMaxClockSkew = 60;

// Key halves of a raw 32-byte key: HMAC-SHA256 key, then AES-128 key.
constexpr size_t kKeyHalfSize = kKeySize / 2;
constexpr unsigned kAesKeyBits = kKeyHalfSize * 8;

// A key as the operations take it: the raw 32 bytes and, computed once by
// prepare_key, the SHA-256 states after HMAC's two padded key blocks (RFC
// 2104's signing key ^ ipad and ^ opad), from which every MAC under the key
// starts: two SHA-256 compressions fewer per MAC; and the AES key's
// encryption schedule (cpp/aes_ct.h), so that no encryption expands it again.
// Secret as a whole (the states alone forge MACs); whoever holds one wipes it.
struct Key {
  uint8_t raw[kKeySize];
  uint32_t hmac_inner[8];
  uint32_t hmac_outer[8];
  uint8_t encryption_schedule[11][16];
};
static_assert(sizeof(Key) == 272, "Key crosses the wasm boundary as bytes: no padding");
inline const uint8_t* signing_key(const uint8_t raw[kKeySize]) { return raw; }
inline const uint8_t* encryption_key(const Key& key) { return key.raw + kKeyHalfSize; }

// Fills `key` from 32 raw bytes.
Status prepare_key(const uint8_t raw[kKeySize], Key& key);
// Parses key text (canonical padded base64url of 32 bytes) into `key`, with
// mbedTLS's constant-time base64 decoder.
Status parse_key(const uint8_t* text, size_t text_size, Key& key);
// Writes the kKeyTextSize characters of a raw key's text form.
void format_key(const uint8_t raw[kKeySize], uint8_t text[kKeyTextSize]);

// Length of the token text for a message of `message_size` bytes.
size_t token_size(size_t message_size);

// How encryption runs AES-CBC and the HMAC over a message: in one loop, interleaved (each
// keeps the other's execution units busy: the two together up to 1.4x as fast), or one pass
// after the other (4 KB less WebAssembly: the browser link's choice, its download being
// budgeted). The bytes are the same either way.
enum class Passes { kOne, kTwo };

// Encrypts `message` into `token` (token_size(size) ASCII characters).
template <Passes passes = Passes::kOne>
Status encrypt(const Key& key, uint64_t timestamp, const uint8_t iv[kIvSize],
               const uint8_t* message, size_t message_size, SecureBuffer& token);

// A TTL check as Python does it: the token is rejected when
// timestamp + ttl < now, or when now + kMaxClockSkew < timestamp.
struct Freshness {
  int64_t ttl;
  uint64_t now;
};

// `keys` holds `key_count` keys, tried in order (MultiFernet); a single
// Fernet passes one. On success `message` points into `storage`.
struct Decrypted {
  SecureBuffer storage;
  const uint8_t* message = nullptr;
  size_t message_size = 0;
  uint64_t timestamp = 0;
};
Status decrypt(const Key* keys, size_t key_count, const uint8_t* token, size_t token_size,
               const Freshness* freshness, Decrypted& out);

// The token's timestamp, after its HMAC verifies under one of `keys`.
Status extract_timestamp(const Key* keys, size_t key_count, const uint8_t* token,
                         size_t token_size, uint64_t* timestamp);

// Decrypts under any of `keys` (no TTL) and re-encrypts under the first with
// the original timestamp and the given IV.
template <Passes passes = Passes::kOne>
Status rotate(const Key* keys, size_t key_count, const uint8_t* token, size_t token_size,
              const uint8_t iv[kIvSize], SecureBuffer& rotated);

}  // namespace fernet

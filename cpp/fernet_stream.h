// Fernet tokens of any size, in constant memory: the same bytes as
// fernet::encrypt / fernet::decrypt, produced and checked piece by piece.
//
// Decryption releases plaintext before the HMAC at the end of the token has
// been seen, so callers must not trust it until finish() returns kOk: verify
// in a first pass (StreamDecryptor with decrypt = false), then decrypt in a
// second one, or decrypt into private storage that is published only after
// finish() succeeds. The JS wrapper does both.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fernet.h"
#include "mbedtls/aes.h"
#include "mbedtls/md.h"

namespace fernet {

class StreamEncryptor {
 public:
  StreamEncryptor();
  ~StreamEncryptor();
  StreamEncryptor(const StreamEncryptor&) = delete;
  StreamEncryptor& operator=(const StreamEncryptor&) = delete;

  // Token text for `size` more plaintext bytes is at most this long.
  static size_t max_update_output(size_t size) { return (size + 15) / 3 * 4 + 8; }
  // finish() writes at most this many characters.
  static constexpr size_t kMaxFinishOutput = (2 + kBlockSize + kHmacSize + 2) / 3 * 4;

  // Writes the token's first characters (the header) to `out`
  // (max_update_output(0) + 36 bytes of room) and sets *written.
  Status start(const uint8_t key[kKeySize], uint64_t timestamp, const uint8_t iv[kIvSize],
               uint8_t* out, size_t* written);
  Status update(const uint8_t* data, size_t size, uint8_t* out, size_t* written);
  Status finish(uint8_t* out, size_t* written);

 private:
  void emit(const uint8_t* raw, size_t size, uint8_t* out, size_t* written);
  void wipe();

  mbedtls_aes_context aes_;
  mbedtls_md_context_t hmac_;
  uint8_t chain_[kIvSize];
  uint8_t block_[kBlockSize];  // plaintext not yet a whole block
  size_t block_size_ = 0;
  uint8_t carry_[3];           // raw bytes not yet a whole base64 group
  size_t carry_size_ = 0;
  bool started_ = false;
};

class StreamDecryptor {
 public:
  StreamDecryptor();
  ~StreamDecryptor();
  StreamDecryptor(const StreamDecryptor&) = delete;
  StreamDecryptor& operator=(const StreamDecryptor&) = delete;

  // Plaintext for `size` more token characters is at most this long.
  static size_t max_update_output(size_t size) { return size / 4 * 3 + 3 + 2 * kBlockSize; }

  // `keys`: key_count raw keys (MultiFernet), whose HMACs are all computed;
  // `decrypt` false checks only (no plaintext is produced). Decrypting takes
  // exactly one key: the one a checking pass found.
  Status start(const uint8_t* keys, size_t key_count, const Freshness* freshness, bool decrypt);
  Status update(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  // Verifies the HMAC and padding; writes the final plaintext bytes.
  Status finish(uint8_t* out, size_t* written);
  uint64_t timestamp() const { return timestamp_; }
  // Which key verified the token (valid after finish() returned kOk).
  size_t key_index() const { return key_index_; }
  static constexpr size_t kMaxKeys = 16;

 private:
  static constexpr size_t kSlice = 3072;  // raw bytes decoded per step
  Status fail();
  Status take_raw(uint8_t* raw, size_t size, uint8_t* out, size_t* written);
  void take_blocks(uint8_t* ciphertext, size_t size, uint8_t* out, size_t* written);
  void wipe();

  mbedtls_md_context_t hmac_[kMaxKeys];
  size_t key_count_ = 0;
  mbedtls_aes_context aes_;
  bool decrypt_ = false;
  bool have_block_ = false;  // at least one ciphertext block was seen
  Freshness freshness_{};
  bool check_freshness_ = false;
  uint8_t header_[kHeaderSize];
  size_t header_size_ = 0;
  // The last kHmacSize raw bytes may be the MAC, so they are held back, plus
  // up to one block of ciphertext waiting for its successor.
  uint8_t pending_[kHmacSize + kBlockSize];
  // Decoded text lands after room for pending_, so both are processed as one run.
  uint8_t work_[sizeof pending_ + kSlice];
  size_t pending_size_ = 0;
  uint8_t chain_[kIvSize];
  uint8_t last_plain_[kBlockSize];  // held back: its padding is known only at the end
  bool have_last_plain_ = false;
  uint8_t text_carry_[3];
  size_t text_carry_size_ = 0;
  bool text_ended_ = false;  // a padded group was seen: nothing may follow
  uint64_t timestamp_ = 0;
  size_t key_index_ = 0;
  bool failed_ = false;
  bool started_ = false;
};

}  // namespace fernet

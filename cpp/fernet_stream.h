// Fernet tokens of any size, in constant memory: the same bytes and the same
// decisions as fernet::encrypt / fernet::decrypt, produced and checked piece
// by piece.
//
// Decrypting is two passes over the token text, and no plaintext byte is
// released before the token was authenticated and TTL-checked:
//   1. StreamVerifier reads the whole token without producing plaintext. It
//      decides as the one-shot decrypt does (TTL, then the first key whose
//      HMAC and padding are valid) and commits to the text it read: after
//      each kSegmentSize bytes of text (and at the end), a 32-byte SHA-256
//      digest of everything read so far (the inner hash of the first key's
//      HMAC, which it computes anyway: no extra hashing).
//   2. VerifiedDecryptor reads the text again and decrypts under the chosen
//      key, holding each segment's plaintext back until the digest after that
//      segment matches the commitment: if the source changed between the
//      passes, no plaintext of the changed segment (or later) leaves, and the
//      stream fails.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fernet.h"
#include "fernet_internal.h"
#include "mbedtls/aes.h"
#include "secure_buffer.h"

namespace fernet {

// Token text per commitment (the last segment may be shorter). A multiple of
// 4, so base64 groups never straddle segments.
constexpr size_t kSegmentSize = 65536;
constexpr size_t kCommitmentSize = 32;  // a SHA-256 digest

namespace internal {
class TokenReader;
struct DecryptorState;
}  // namespace internal

class StreamEncryptor {
 public:
  StreamEncryptor();
  ~StreamEncryptor();
  StreamEncryptor(const StreamEncryptor&) = delete;
  StreamEncryptor& operator=(const StreamEncryptor&) = delete;
  FERNET_REGISTRY_NEW(StreamEncryptor)

  // Token text for `size` more plaintext bytes is at most this long.
  static size_t max_update_output(size_t size) { return (size + 15) / 3 * 4 + 8; }
  // finish() writes at most this many characters.
  static constexpr size_t kMaxFinishOutput = (2 + kBlockSize + kHmacSize + 2) / 3 * 4;

  // Writes the token's first characters (the header) to `out`
  // (max_update_output(0) + 36 bytes of room) and sets *written.
  // Every mbedTLS call is checked: when one fails, the call returns
  // kOutOfMemory with *written = 0, the encryptor wipes itself and refuses
  // further calls until start() (nothing half-computed is ever emitted).
  Status start(const Key& key, uint64_t timestamp, const uint8_t iv[kIvSize],
               uint8_t* out, size_t* written);
  Status update(const uint8_t* data, size_t size, uint8_t* out, size_t* written);
  Status finish(uint8_t* out, size_t* written);

 private:
  void emit(const uint8_t* raw, size_t size, uint8_t* out, size_t* written);
  Status fail(size_t* written);
  void wipe();

  mbedtls_aes_context aes_;
  internal::Hmac hmac_;
  uint8_t chain_[kIvSize];
  uint8_t block_[kBlockSize];  // plaintext not yet a whole block
  size_t block_size_ = 0;
  uint8_t carry_[3];           // raw bytes not yet a whole base64 group
  size_t carry_size_ = 0;
  bool started_ = false;
};

// Pass 1: checks a token read in pieces, produces no plaintext.
class StreamVerifier {
 public:
  StreamVerifier() = default;
  ~StreamVerifier();
  StreamVerifier(const StreamVerifier&) = delete;
  StreamVerifier& operator=(const StreamVerifier&) = delete;
  FERNET_REGISTRY_NEW(StreamVerifier)

  // `keys`: key_count keys (any number, tried in order as MultiFernet
  // does); `freshness` null for no TTL. kInvalidKey for no key,
  // kOutOfMemory when the per-key state cannot be allocated.
  Status start(const Key* keys, size_t key_count, const Freshness* freshness);
  // kInvalidToken as soon as the text cannot be a valid token (the verifier
  // then wipes itself and fails for good until start()).
  Status update(const uint8_t* text, size_t size);
  // The decision: kOk when the token is valid and fresh under a key.
  Status finish();

  // Valid after finish() returned kOk.
  size_t key_index() const { return key_index_; }
  uint64_t timestamp() const { return timestamp_; }
  uint64_t text_size() const { return text_size_; }
  bool verified() const { return verified_; }

 private:
  friend class VerifiedDecryptor;
  Status fail(Status status);
  void wipe();
  Status commit_segment();

  internal::TokenReader* reader_ = nullptr;
  size_t segment_fill_ = 0;        // text of the open segment read so far
  SecureBuffer commitments_;       // kCommitmentSize per segment
  size_t commitment_count_ = 0;
  uint64_t text_size_ = 0;
  Freshness freshness_{};
  bool check_freshness_ = false;
  uint64_t timestamp_ = 0;
  size_t key_index_ = 0;
  bool started_ = false;
  bool verified_ = false;
};

// Pass 2: decrypts text that matches what a StreamVerifier authenticated.
class VerifiedDecryptor {
 public:
  VerifiedDecryptor() = default;
  ~VerifiedDecryptor();
  VerifiedDecryptor(const VerifiedDecryptor&) = delete;
  VerifiedDecryptor& operator=(const VerifiedDecryptor&) = delete;
  FERNET_REGISTRY_NEW(VerifiedDecryptor)

  // One update() releases the plaintext of the whole segments it completes:
  // at most (size / kSegmentSize + 1) of them (the first may have begun in
  // earlier calls), each at most kSegmentSize / 4 * 3 bytes of raw token plus
  // what the decoder held back from before (3 + 2 * kBlockSize is a bound).
  static constexpr size_t kMaxSegmentOutput = kSegmentSize / 4 * 3 + 3 + 2 * kBlockSize;
  static size_t max_update_output(size_t size) {
    return (size / kSegmentSize + 1) * kMaxSegmentOutput;
  }
  // finish() releases the last (partial) segment and the final block.
  static constexpr size_t kMaxFinishOutput = kMaxSegmentOutput + kBlockSize;

  // `verified` must have finished with kOk (else kInvalidToken); `keys` is
  // the same key array it was started with. Takes the chosen key, the
  // timestamp, the TTL and a copy of the commitments.
  Status start(const StreamVerifier& verified, const Key* keys);
  // Decrypts as text comes, but holds the plaintext back until its segment is
  // whole and the digest matches the commitment. A mismatch, or more text than was
  // verified, is kInvalidToken: the decryptor wipes itself and fails for
  // good (until start()). On failure *written still counts the plaintext of
  // segments that matched earlier in the same call.
  Status update(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  // Checks the last segment and the total size, then the HMAC and padding
  // again, and writes the final plaintext.
  Status finish(uint8_t* out, size_t* written);
  uint64_t timestamp() const { return timestamp_; }

 private:
  Status fail();
  void wipe();
  Status release_segment(uint8_t* out, size_t* written);

  internal::DecryptorState* state_ = nullptr;
  uint64_t timestamp_ = 0;
  bool failed_ = false;
};

}  // namespace fernet

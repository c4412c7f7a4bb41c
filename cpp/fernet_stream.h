// Fernet tokens of any size, in constant memory: the same bytes and the same
// decisions as fernet::encrypt / fernet::decrypt, produced and checked piece
// by piece.
//
// Decrypting is two passes over the token text, and no plaintext byte is
// released before the token was authenticated and TTL-checked:
//   1. StreamVerifier reads the whole token without producing plaintext. It
//      decides as the one-shot decrypt does (TTL, then the first key whose
//      HMAC and padding are valid) and commits to the text it read: after
//      each kSegmentSize bytes of text (and at the end), a 32-byte commitment
//      to that segment (SegmentCommitment in fernet_stream.cpp: NH under a
//      random key the caller supplies, then SHA-256).
//   2. VerifiedDecryptor reads the text again and decrypts under the chosen
//      key, holding each segment's plaintext back until the segment's
//      commitment matches: if the source changed between the passes, no
//      plaintext of the changed segment (or later) leaves, and the stream
//      fails. It does not compute the HMAC again: every byte it decrypts was
//      matched against what the first pass authenticated.
// The first pass may leave the HMAC's SHA-256 to another thread: a
// StreamAuthenticator there is handed the bytes the verifier authenticates,
// and the verifier compares the MACs it returns (the file helpers' second
// thread, Node only).
#pragma once

#include <cstddef>
#include <cstdint>

#include "fernet.h"
#include "fernet_internal.h"
#include "mbedtls/aes.h"
#include "nh_block.h"
#include "secure_buffer.h"

namespace fernet {

// Token text per commitment (the last segment may be shorter). A multiple of
// 4, so base64 groups never straddle segments.
constexpr size_t kSegmentSize = 65536;
constexpr size_t kCommitmentSize = 32;  // a SHA-256 digest
// The random key of a verification's commitments.
constexpr size_t kCommitmentKeySize = nh::kKeySize;
static_assert(kSegmentSize % nh::kKeyStride == 0, "segments end where NH values end");

namespace internal {
class TokenReader;
struct DecryptorState;

// The commitment to one segment of token text, fed the text exactly as read,
// in any pieces. Defined in fernet_stream.cpp.
class SegmentCommitment {
 public:
  // Copies `key` (kCommitmentKeySize bytes) and begins the first segment.
  void start(const uint8_t* key);
  void update(const uint8_t* text, size_t size);
  // The commitment to the text since start() or the last finish(), which
  // begins the next segment.
  Status finish(uint64_t segment_index, uint8_t out[kCommitmentSize]);
  void wipe();  // the key too
  const uint8_t* key() const { return key_; }

 private:
  static constexpr size_t kValues = 2 + kSegmentSize / nh::kKeyStride * nh::kKeys;
  void begin_segment();
  void hash_block();
  uint8_t key_[kCommitmentKeySize];
  uint64_t length_ = 0;             // text of this segment so far
  uint8_t block_[nh::kKeyStride];   // text since the last NH value
  size_t block_size_ = 0;
  uint64_t values_[kValues];        // index, length, then the NH values
  size_t value_count_ = 2;
};
}  // namespace internal

// HMAC-SHA256 under each of several keys (fernet::Key's HMAC states) of
// bytes given in pieces: the token's header and ciphertext. The file helpers'
// second thread runs one for a StreamVerifier fed through its external calls
// (a verifier's own checking keeps the same per-key HMACs itself).
class StreamAuthenticator {
 public:
  StreamAuthenticator() = default;
  ~StreamAuthenticator();
  StreamAuthenticator(const StreamAuthenticator&) = delete;
  StreamAuthenticator& operator=(const StreamAuthenticator&) = delete;
  FERNET_REGISTRY_NEW(StreamAuthenticator)

  // kInvalidKey for no key, kOutOfMemory when the per-key state cannot be
  // allocated.
  Status start(const Key* keys, size_t key_count);
  Status update(const uint8_t* data, size_t size);
  // Writes the MAC under each key (key_count() * kHmacSize bytes, in key
  // order), then wipes the state; start() again for more.
  Status finish(uint8_t* macs);
  // Wipes the state without finishing.
  void wipe();
  size_t key_count() const { return key_count_; }

 private:
  Status fail(Status status);

  internal::Hmac* hmac_ = nullptr;  // key_count_ of them, in the registry
  size_t key_count_ = 0;
};

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
  // (Passes: see fernet::encrypt.)
  template <Passes passes = Passes::kOne>
  Status update(const uint8_t* data, size_t size, uint8_t* out, size_t* written);
  // With a second thread (cbc_encrypt_blocks there, chained from start()'s
  // IV): that thread's ciphertext of whole blocks, authenticated and encoded
  // here. The last 0-15 plaintext bytes then go to update(), and finish() pads
  // and encrypts them. Whole blocks only, and none once update() holds a
  // partial block: kInvalidToken.
  Status update_ciphertext(const uint8_t* ciphertext, size_t size, uint8_t* out, size_t* written);
  Status finish(uint8_t* out, size_t* written);

 private:
  void emit(const uint8_t* raw, size_t size, uint8_t* out, size_t* written);
  Status fail(size_t* written);
  void wipe();

  uint8_t schedule_[11][16];  // a copy of the key's encryption schedule
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
  // does); `freshness` null for no TTL; `commitment_key`:
  // kCommitmentKeySize fresh random bytes (the platform CSPRNG's), copied.
  // kInvalidKey for no key, kOutOfMemory when the per-key state cannot be
  // allocated.
  //
  // The HMAC may be computed elsewhere (external MACs), by a
  // StreamAuthenticator under the same keys: update_external() hands out the
  // bytes to authenticate, and finish_external() takes the MACs. A verifier
  // fed partly one way and partly the other matches no MAC.
  Status start(const Key* keys, size_t key_count, const Freshness* freshness,
               const uint8_t* commitment_key);
  // update_external() writes at most this many bytes to authenticate.
  static constexpr size_t max_authenticated_output(size_t size) {
    return size / 4 * 3 + 3 + kHeaderSize + kBlockSize;
  }
  // kInvalidToken as soon as the text cannot be a valid token (the verifier
  // then wipes itself and fails for good until start()).
  Status update(const uint8_t* text, size_t size);
  // The same, with external MACs: the bytes to authenticate (header and
  // ciphertext, in order, none twice) go to `out`, their number to *written.
  Status update_external(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  // The decision: kOk when the token is valid and fresh under a key.
  Status finish();
  // The same, with external MACs: `macs` holds the MAC under each key
  // (kHmacSize bytes each, in key order: macs_size bytes) of everything
  // update_external() handed out.
  Status finish_external(const uint8_t* macs, size_t macs_size);

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
  // update and finish, with or without external MACs (templates: the
  // browsers' wasm carries no code for the external kind).
  template <bool kExternal>
  Status read(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  template <bool kExternal>
  Status decide(const uint8_t* macs, size_t macs_size);

  internal::TokenReader* reader_ = nullptr;
  size_t segment_fill_ = 0;        // text of the open segment read so far
  internal::SegmentCommitment commitment_;  // and its key, until wipe()
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
  // timestamp, the TTL and copies of the commitments and their key.
  Status start(const StreamVerifier& verified, const Key* keys);
  // Decrypts as text comes, but holds the plaintext back until its segment is
  // whole and the digest matches the commitment. A mismatch, or more text than was
  // verified, is kInvalidToken: the decryptor wipes itself and fails for
  // good (until start()). On failure *written still counts the plaintext of
  // segments that matched earlier in the same call.
  Status update(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  // Checks the last segment and the total size, then the padding again, and
  // writes the final plaintext.
  Status finish(uint8_t* out, size_t* written);

  // Decrypting elsewhere (the second thread, with cbc_decrypt_blocks): the
  // same three steps, with ciphertext where plaintext was. Released, after
  // the same checks and within the same bounds: the IV, then every block but
  // the last, which finish_elsewhere() decrypts itself for its padding and
  // hands over through final_plaintext() (0-15 bytes; then the decryptor is
  // done). One kind of calls or the other from start() on (mixed, they
  // release nothing unverified, and nothing of use either).
  Status update_elsewhere(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  Status finish_elsewhere(uint8_t* out, size_t* written);
  Status final_plaintext(uint8_t* out, size_t* written);
  uint64_t timestamp() const { return timestamp_; }

 private:
  Status fail();
  void wipe();
  Status release_segment(uint8_t* out, size_t* written);
  // update and finish, decrypting here or elsewhere (templates: the browsers'
  // wasm carries no code for elsewhere).
  template <bool kElsewhere>
  Status read(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  template <bool kElsewhere>
  Status conclude(uint8_t* out, size_t* written);

  internal::DecryptorState* state_ = nullptr;
  uint64_t timestamp_ = 0;
  bool failed_ = false;
};

// AES-128-CBC encryption of whole blocks (`size` a multiple of kBlockSize,
// else kInvalidParameters) from `in` to `out` (`size` bytes each; they may be
// the same) under the key's encryption half, chained from `iv`, no padding,
// no MAC: the part of a large file's encryption that a second thread does
// (js/second-thread.mjs), sealed by StreamEncryptor::update_ciphertext. On
// failure `out` holds nothing of the result.
Status cbc_encrypt_blocks(const Key& key, const uint8_t iv[kIvSize], const uint8_t* in, size_t size,
                          uint8_t* out);
// Its inverse, for the ciphertext VerifiedDecryptor::update_elsewhere and
// finish_elsewhere release: the part of a large file's decryption that the
// second thread does.
Status cbc_decrypt_blocks(const Key& key, const uint8_t iv[kIvSize], const uint8_t* in, size_t size,
                          uint8_t* out);

}  // namespace fernet

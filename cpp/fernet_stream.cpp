#include "fernet_stream.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "aes_ct.h"
#include "base64url.h"
#include "fernet_internal.h"

namespace fernet {
namespace {

// Heap state of the stream classes, in the registry. Created inside a
// PersistentScope: it outlives the call that made it and is freed by its
// owner, not by reclaim_since.
template <typename T>
T* create() {
  void* block = secure_alloc(sizeof(T));
  return block == nullptr ? nullptr : new (block) T();
}

template <typename T>
void destroy(T*& object) {
  if (object == nullptr) return;
  object->~T();
  secure_free(object);  // wipes the object's own bytes too
  object = nullptr;
}

}  // namespace

namespace internal {

namespace {

// One HMAC per key over the same bytes: TokenReader's checking, and
// StreamAuthenticator's (the second thread's). The array is in the registry.
Hmac* start_hmacs(const Key* keys, size_t key_count) {
  if (key_count > SIZE_MAX / sizeof(Hmac)) return nullptr;
  auto* hmacs = static_cast<Hmac*>(secure_alloc(key_count * sizeof(Hmac)));
  if (hmacs != nullptr)
    for (size_t k = 0; k < key_count; ++k) hmac_start(hmacs[k], keys[k]);
  return hmacs;
}

Status update_hmacs(Hmac* hmacs, size_t key_count, const uint8_t* data, size_t size) {
  for (size_t k = 0; k < key_count; ++k)
    if (hmac_update(hmacs[k], data, size) != Status::kOk) return Status::kOutOfMemory;
  return Status::kOk;
}

void wipe_hmacs(Hmac*& hmacs, size_t key_count) {
  if (hmacs == nullptr) return;
  for (size_t k = 0; k < key_count; ++k) hmac_wipe(hmacs[k]);
  secure_free(hmacs);
  hmacs = nullptr;
}

}  // namespace

// Reads token text in pieces: base64url, header (version, TTL), ciphertext
// and the trailing MAC. Checking: one HMAC per key (or, with external MACs,
// the bytes to authenticate handed out), no plaintext.
// Decrypting: under one key, without the HMAC; its plaintext is
// unauthenticated, so the reader is private to this file and
// VerifiedDecryptor holds the plaintext back until the text it came from
// matched the verified pass.
class TokenReader {
 public:
  TokenReader() { mbedtls_aes_init(&aes_); }
  ~TokenReader() { wipe(); }
  TokenReader(const TokenReader&) = delete;
  TokenReader& operator=(const TokenReader&) = delete;

  // Plaintext for `size` more token characters is at most this long.
  static constexpr size_t max_update_output(size_t size) {
    return size / 4 * 3 + 3 + 2 * kBlockSize;
  }

  Status start_checking(const Key* keys, size_t key_count, const Freshness* freshness);
  Status start_decrypting(const Key& key, const Freshness* freshness);
  // kExternal: the pass's cryptography is done elsewhere (the second
  // thread). Checking hands out the bytes to authenticate instead of hashing
  // them (a text read partly each way matches no MAC); decrypting hands out
  // the ciphertext instead of decrypting it: the IV, then every block but the
  // last, which finish() decrypts for its padding. A template: the browsers'
  // wasm, which never works that way, carries none of that code.
  template <bool kExternal = false>
  Status update(const uint8_t* text, size_t size, uint8_t* out, size_t* written);
  // Checking: the key choice (internal::choose_key), its index in *key_index;
  // `macs` are the external MACs (macs_size bytes). Decrypting: the padding,
  // and the final plaintext (at most kBlockSize bytes) is written.
  template <bool kExternal = false>
  Status finish(uint8_t* out, size_t* written, size_t* key_index, const uint8_t* macs = nullptr,
                size_t macs_size = 0);
  uint64_t timestamp() const { return timestamp_; }

 private:
  static constexpr size_t kSlice = 3072;  // raw bytes decoded per step
  Status fail(Status status = Status::kInvalidToken);
  void begin(const Freshness* freshness);
  template <bool kExternal>
  Status take_raw(uint8_t* raw, size_t size, uint8_t* out, size_t* written);
  template <bool kExternal>
  Status take_blocks(uint8_t* ciphertext, size_t size, uint8_t* out, size_t* written);
  template <bool kExternal>
  Status authenticate(const uint8_t* data, size_t size, uint8_t* out, size_t* written);
  void wipe();

  SecureBuffer keys_;            // checking: a copy (Key[key_count_]), finish() needs them for padding
  Hmac* hmac_ = nullptr;         // checking: key_count_ of them, in the registry
  size_t key_count_ = 0;         // 0 when decrypting
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
  // The final ciphertext block and the one before it (or the IV): the key
  // choice checks padding under each key without any other plaintext.
  uint8_t previous_cipher_[kBlockSize];
  uint8_t last_cipher_[kBlockSize];
  uint8_t last_plain_[kBlockSize];  // held back: its padding is known only at the end
  bool have_last_plain_ = false;
  uint8_t text_carry_[3];
  size_t text_carry_size_ = 0;
  bool text_ended_ = false;  // a padded group was seen: nothing may follow
  uint64_t timestamp_ = 0;
  bool failed_ = false;
  bool started_ = false;
};

void TokenReader::wipe() {
  mbedtls_aes_free(&aes_);
  wipe_hmacs(hmac_, key_count_);
  keys_.reset();
  secure_zero(header_, sizeof header_);
  secure_zero(pending_, sizeof pending_);
  secure_zero(work_, sizeof work_);
  secure_zero(chain_, sizeof chain_);
  secure_zero(previous_cipher_, sizeof previous_cipher_);
  secure_zero(last_cipher_, sizeof last_cipher_);
  secure_zero(last_plain_, sizeof last_plain_);
  secure_zero(text_carry_, sizeof text_carry_);
  key_count_ = header_size_ = pending_size_ = text_carry_size_ = 0;
  have_last_plain_ = have_block_ = text_ended_ = started_ = false;
}

Status TokenReader::fail(Status status) {
  wipe();
  failed_ = true;
  return status;
}

// Both starts: a wiped reader, then the settings they share.
void TokenReader::begin(const Freshness* freshness) {
  wipe();
  mbedtls_aes_init(&aes_);
  failed_ = false;
  check_freshness_ = freshness != nullptr;
  if (check_freshness_) freshness_ = *freshness;
}

Status TokenReader::start_checking(const Key* keys, size_t key_count, const Freshness* freshness) {
  begin(freshness);
  if (key_count == 0) return Status::kInvalidKey;
  if (key_count > SIZE_MAX / sizeof(Key) || key_count > SIZE_MAX / kHmacSize) return Status::kOutOfMemory;
  if ((hmac_ = start_hmacs(keys, key_count)) == nullptr) return Status::kOutOfMemory;
  key_count_ = key_count;
  if (!keys_.allocate(key_count * sizeof(Key))) return fail(Status::kOutOfMemory);
  std::memcpy(keys_.data(), keys, key_count * sizeof(Key));
  decrypt_ = false;
  started_ = true;
  return Status::kOk;
}

Status TokenReader::start_decrypting(const Key& key, const Freshness* freshness) {
  begin(freshness);
  if (mbedtls_aes_setkey_dec(&aes_, encryption_key(key), kAesKeyBits) != 0)
    return fail(Status::kOutOfMemory);
  decrypt_ = true;
  started_ = true;
  return Status::kOk;
}

template <bool kExternal>
Status TokenReader::update(const uint8_t* text, size_t size, uint8_t* out, size_t* written) {
  *written = 0;
  if (!started_ || failed_) return Status::kInvalidToken;
  if (size != 0 && text_ended_) return fail();  // data after the padding
  uint8_t group[4];
  while (size != 0) {
    uint8_t* raw = work_ + sizeof pending_;
    size_t raw_size = 0;
    if (text_carry_size_ != 0) {
      // Complete the group left over from the previous call.
      std::memcpy(group, text_carry_, text_carry_size_);
      const size_t take = std::min(4 - text_carry_size_, size);
      std::memcpy(group + text_carry_size_, text, take);
      text += take;
      size -= take;
      if (text_carry_size_ + take < 4) {
        std::memcpy(text_carry_, group, text_carry_size_ + take);
        text_carry_size_ += take;
        break;
      }
      text_carry_size_ = 0;
      if (!base64url::decode(group, 4, raw, &raw_size)) return fail();
      text_ended_ = group[3] == '=';
    } else {
      const size_t groups = std::min(size / 4, kSlice / 3);
      if (groups == 0) {
        std::memcpy(text_carry_, text, size);
        text_carry_size_ = size;
        break;
      }
      if (!base64url::decode(text, groups * 4, raw, &raw_size)) return fail();
      text_ended_ = text[groups * 4 - 1] == '=';
      text += groups * 4;
      size -= groups * 4;
    }
    if (text_ended_ && size != 0) return fail();
    size_t produced = 0;
    const Status status = take_raw<kExternal>(raw, raw_size, out + *written, &produced);
    if (status != Status::kOk) return status;
    *written += produced;
  }
  return Status::kOk;
}

// `raw` sits in work_ right after room for pending_, so the held-back bytes
// can be put in front of it and both processed as one run.
template <bool kExternal>
Status TokenReader::take_raw(uint8_t* raw, size_t size, uint8_t* out, size_t* written) {
  if (header_size_ < kHeaderSize) {
    const size_t take = std::min(kHeaderSize - header_size_, size);
    std::memcpy(header_ + header_size_, raw, take);
    header_size_ += take;
    raw += take;
    size -= take;
    if (header_size_ < kHeaderSize) return Status::kOk;
    if (!has_version(header_)) return fail();
    timestamp_ = header_timestamp(header_);
    if (check_freshness_ && !is_fresh(timestamp_, freshness_)) return fail();
    std::memcpy(chain_, header_iv(header_), kIvSize);
    std::memcpy(last_cipher_, header_iv(header_), kIvSize);
    if (authenticate<kExternal>(header_, kHeaderSize, out, written) != Status::kOk)
      return fail(Status::kOutOfMemory);
  }
  uint8_t* run = raw - pending_size_;
  std::memmove(run, pending_, pending_size_);
  const size_t available = pending_size_ + size;
  // Whatever may still be the MAC (the last kHmacSize bytes) stays pending.
  const size_t blocks = available < kHmacSize ? 0 : (available - kHmacSize) / kBlockSize * kBlockSize;
  if (blocks != 0) {
    const Status status = take_blocks<kExternal>(run, blocks, out, written);
    if (status != Status::kOk) return status;
  }
  pending_size_ = available - blocks;
  std::memcpy(pending_, run + blocks, pending_size_);
  return Status::kOk;
}

template <bool kExternal>
Status TokenReader::take_blocks(uint8_t* ciphertext, size_t size, uint8_t* out,
                                size_t* written) {
  have_block_ = true;
  if (authenticate<kExternal>(ciphertext, size, out, written) != Status::kOk)
    return fail(Status::kOutOfMemory);
  if (kExternal && decrypt_) {
    // Out go the block held back last time (at first the IV: the chain's
    // start) and all of these but the last, held back in its turn.
    std::memcpy(out + *written, last_cipher_, kBlockSize);
    *written += kBlockSize;
    std::memcpy(out + *written, ciphertext, size - kBlockSize);
    *written += size - kBlockSize;
  }
  std::memcpy(previous_cipher_, size >= 2 * kBlockSize ? ciphertext + size - 2 * kBlockSize : last_cipher_,
              kBlockSize);
  std::memcpy(last_cipher_, ciphertext + size - kBlockSize, kBlockSize);
  if constexpr (!kExternal) {
    if (!decrypt_) return Status::kOk;
    if (mbedtls_aes_crypt_cbc(&aes_, MBEDTLS_AES_DECRYPT, size, chain_, ciphertext, ciphertext) != 0)
      return fail(Status::kOutOfMemory);
    // The last plaintext block is held back until finish() knows its padding.
    if (have_last_plain_) {
      std::memcpy(out + *written, last_plain_, kBlockSize);
      *written += kBlockSize;
    }
    std::memcpy(out + *written, ciphertext, size - kBlockSize);
    *written += size - kBlockSize;
    std::memcpy(last_plain_, ciphertext + size - kBlockSize, kBlockSize);
    have_last_plain_ = true;
    secure_zero(ciphertext, size);
  }
  return Status::kOk;
}

// Checking: the bytes the MAC covers (header, then ciphertext) go to the
// authenticator, or with external MACs, out to whoever computes them.
template <bool kExternal>
Status TokenReader::authenticate(const uint8_t* data, size_t size, uint8_t* out, size_t* written) {
  if (decrypt_) return Status::kOk;
  if constexpr (kExternal) {
    std::memcpy(out + *written, data, size);
    *written += size;
    return Status::kOk;
  } else {
    return update_hmacs(hmac_, key_count_, data, size);
  }
}

template <bool kExternal>
Status TokenReader::finish(uint8_t* out, size_t* written, size_t* key_index, const uint8_t* macs,
                           size_t macs_size) {
  *written = 0;
  if (!started_ || failed_) return Status::kInvalidToken;
  if (text_carry_size_ != 0 || header_size_ < kHeaderSize || !have_block_ ||
      pending_size_ != kHmacSize)
    return fail();
  if (decrypt_) {
    if constexpr (kExternal) {
      // The last block, held back: decrypted here, chained from the one before it.
      uint8_t chain[kBlockSize];
      std::memcpy(chain, previous_cipher_, kBlockSize);
      if (mbedtls_aes_crypt_cbc(&aes_, MBEDTLS_AES_DECRYPT, kBlockSize, chain, last_cipher_, last_plain_) != 0)
        return fail(Status::kOutOfMemory);
    }
    const size_t pad = pkcs7_pad_length(last_plain_);
    if (pad == 0) return fail();
    std::memcpy(out, last_plain_, kBlockSize - pad);
    *written = kBlockSize - pad;
    *key_index = 0;
    wipe();
    return Status::kOk;
  }
  if (kExternal && macs_size != key_count_ * kHmacSize) return fail();
  size_t match = key_count_;
  const Status status = choose_key(
      reinterpret_cast<const Key*>(keys_.data()), key_count_,
      [&](size_t k, bool* matches) {
        if constexpr (kExternal) {
          *matches = mac_equal(macs + k * kHmacSize, pending_);
          return Status::kOk;
        } else {
          uint8_t mac[kHmacSize];
          const bool ok = hmac_finish(hmac_[k], mac) == Status::kOk;
          *matches = ok && mac_equal(mac, pending_);
          secure_zero(mac, sizeof mac);  // the MAC of attacker-chosen data is not left behind
          return ok ? Status::kOk : Status::kOutOfMemory;
        }
      },
      previous_cipher_, last_cipher_, /*padding_checked_later=*/false, &match);
  if (status != Status::kOk) return fail(status);
  if (match == key_count_) return fail();
  *key_index = match;
  wipe();
  return Status::kOk;
}

// A segment's commitment is SHA-256(index || length || NH values), all
// 64-bit words in the machine's byte order (both passes run in one process),
// the NH values (cpp/nh_block.h, four sums each) those of every 4 KiB of the
// segment's text, the last 4 KiB zero-filled to whole units. Two different texts give the same commitment
// only through a SHA-256 collision or, for some 4 KiB with the same length
// and index, four NH collisions under independent random keys: at most 2^-128
// for text chosen without knowing the key. The key is fresh per verification
// and never leaves wasm memory; nothing that depends on it is ever released.
void SegmentCommitment::start(const uint8_t* key) {
  std::memcpy(key_, key, sizeof key_);
  begin_segment();
}

void SegmentCommitment::begin_segment() {
  secure_zero(block_, sizeof block_);
  secure_zero(values_, sizeof values_);
  length_ = block_size_ = 0;
  value_count_ = 2;
}

void SegmentCommitment::wipe() {
  secure_zero(key_, sizeof key_);
  begin_segment();
}

// The NH values of the text in block_, zero-filled to whole units. One copy
// of the NH code in the wasm, not one per caller (the download is budgeted).
__attribute__((noinline)) void SegmentCommitment::hash_block() {
  const size_t units = (block_size_ + nh::kUnit - 1) / nh::kUnit;
  std::memset(block_ + block_size_, 0, units * nh::kUnit - block_size_);
  uint64_t* sums = values_ + value_count_;
  nh::accumulate(sums, block_, key_, units);
  value_count_ += nh::kKeys;
  block_size_ = 0;
}

void SegmentCommitment::update(const uint8_t* text, size_t size) {
  while (size != 0) {
    const size_t take = std::min(sizeof block_ - block_size_, size);
    std::memcpy(block_ + block_size_, text, take);
    block_size_ += take;
    length_ += take;
    text += take;
    size -= take;
    if (block_size_ == sizeof block_) hash_block();
  }
}

Status SegmentCommitment::finish(uint64_t segment_index, uint8_t out[kCommitmentSize]) {
  if (block_size_ != 0) hash_block();
  values_[0] = segment_index;
  values_[1] = length_;
  const bool ok = mbedtls_sha256(reinterpret_cast<const uint8_t*>(values_),
                                 value_count_ * sizeof values_[0], out, 0) == 0;
  begin_segment();
  return ok ? Status::kOk : Status::kOutOfMemory;
}

// The second pass's state: the decrypting reader, the plaintext of the
// segment being read (held until the segment matches), the commitments and
// their key.
struct DecryptorState {
  TokenReader reader;
  SegmentCommitment commitment;
  SecureBuffer staged;  // VerifiedDecryptor::kMaxSegmentOutput
  size_t staged_size = 0;
  size_t segment_fill = 0;  // text of the current segment read so far
  SecureBuffer commitments;
  size_t commitment_count = 0;
  size_t next_segment = 0;
  uint64_t expected_size = 0;
  uint64_t received = 0;
  // Decrypting elsewhere: the final plaintext, from finish_elsewhere() until final_plaintext().
  uint8_t final_plain[kBlockSize] = {};
  size_t final_size = 0;
  bool concluded = false;
};

}  // namespace internal

// ---- HMAC under several keys -------------------------------------------------

StreamAuthenticator::~StreamAuthenticator() { wipe(); }

void StreamAuthenticator::wipe() {
  internal::wipe_hmacs(hmac_, key_count_);
  key_count_ = 0;
}

Status StreamAuthenticator::fail(Status status) {
  wipe();
  return status;
}

Status StreamAuthenticator::start(const Key* keys, size_t key_count) {
  PersistentScope owned;  // the per-key state outlives this call
  wipe();
  if (key_count == 0) return Status::kInvalidKey;
  if ((hmac_ = internal::start_hmacs(keys, key_count)) == nullptr) return Status::kOutOfMemory;
  key_count_ = key_count;
  return Status::kOk;
}

Status StreamAuthenticator::update(const uint8_t* data, size_t size) {
  if (hmac_ == nullptr) return Status::kInvalidToken;
  return internal::update_hmacs(hmac_, key_count_, data, size) == Status::kOk ? Status::kOk
                                                                             : fail(Status::kOutOfMemory);
}

Status StreamAuthenticator::finish(uint8_t* macs) {
  if (hmac_ == nullptr) return Status::kInvalidToken;
  for (size_t k = 0; k < key_count_; ++k) {
    if (internal::hmac_finish(hmac_[k], macs + k * kHmacSize) != Status::kOk) {
      secure_zero(macs, k * kHmacSize);
      return fail(Status::kOutOfMemory);
    }
  }
  wipe();
  return Status::kOk;
}

// ---- encryption -------------------------------------------------------------

StreamEncryptor::StreamEncryptor() { secure_zero(schedule_, sizeof schedule_); }

StreamEncryptor::~StreamEncryptor() { wipe(); }

void StreamEncryptor::wipe() {
  secure_zero(schedule_, sizeof schedule_);
  internal::hmac_wipe(hmac_);
  secure_zero(chain_, sizeof chain_);
  secure_zero(block_, sizeof block_);
  secure_zero(carry_, sizeof carry_);
  block_size_ = carry_size_ = 0;
  started_ = false;
}

Status StreamEncryptor::fail(size_t* written) {
  wipe();
  *written = 0;
  return Status::kOutOfMemory;  // mbedTLS fails here only when it cannot allocate
}

// Base64url-encodes `raw` onto the output, carrying up to two bytes to the
// next call so that groups never straddle calls.
void StreamEncryptor::emit(const uint8_t* raw, size_t size, uint8_t* out, size_t* written) {
  size_t i = 0;
  while (carry_size_ != 0 && carry_size_ < 3 && i < size) carry_[carry_size_++] = raw[i++];
  if (carry_size_ == 3) {
    base64url::encode(carry_, 3, out + *written);
    *written += 4;
    carry_size_ = 0;
  }
  const size_t whole = (size - i) / 3 * 3;
  base64url::encode(raw + i, whole, out + *written);
  *written += whole / 3 * 4;
  i += whole;
  while (i < size) carry_[carry_size_++] = raw[i++];
}

Status StreamEncryptor::start(const Key& key, uint64_t timestamp, const uint8_t iv[kIvSize],
                              uint8_t* out, size_t* written) {
  wipe();
  *written = 0;
  uint8_t header[kHeaderSize];
  internal::write_header(timestamp, iv, header);
  internal::hmac_start(hmac_, key);
  std::memcpy(schedule_, key.encryption_schedule, sizeof schedule_);
  if (internal::hmac_update(hmac_, header, sizeof header) != Status::kOk) return fail(written);
  std::memcpy(chain_, iv, kIvSize);
  emit(header, sizeof header, out, written);
  started_ = true;
  return Status::kOk;
}

template <Passes passes>
Status StreamEncryptor::update(const uint8_t* data, size_t size, uint8_t* out, size_t* written) {
  *written = 0;
  if (!started_) return Status::kInvalidToken;
  uint8_t chunk[4096];
  while (size != 0) {
    // Fill block_ first when it holds a partial block, else take whole blocks at once.
    size_t take;
    uint8_t* blocks;
    if (block_size_ != 0 || size < kBlockSize) {
      take = std::min(kBlockSize - block_size_, size);
      std::memcpy(block_ + block_size_, data, take);
      block_size_ += take;
      data += take;
      size -= take;
      if (block_size_ < kBlockSize) break;
      blocks = block_;
      take = kBlockSize;
      block_size_ = 0;
    } else {
      take = std::min(sizeof chunk, size / kBlockSize * kBlockSize);
      std::memcpy(chunk, data, take);
      data += take;
      size -= take;
      blocks = chunk;
    }
    if (internal::encrypt_and_authenticate<passes>(schedule_, chain_, hmac_, blocks, take) !=
        Status::kOk) {
      secure_zero(chunk, sizeof chunk);
      return fail(written);
    }
    emit(blocks, take, out, written);
  }
  secure_zero(chunk, sizeof chunk);
  return Status::kOk;
}

template Status StreamEncryptor::update<Passes::kOne>(const uint8_t*, size_t, uint8_t*, size_t*);
template Status StreamEncryptor::update<Passes::kTwo>(const uint8_t*, size_t, uint8_t*, size_t*);

Status StreamEncryptor::update_ciphertext(const uint8_t* ciphertext, size_t size, uint8_t* out,
                                          size_t* written) {
  *written = 0;
  if (!started_ || block_size_ != 0 || size % kBlockSize != 0) return Status::kInvalidToken;
  if (size == 0) return Status::kOk;
  if (internal::hmac_update(hmac_, ciphertext, size) != Status::kOk) return fail(written);
  std::memcpy(chain_, ciphertext + size - kBlockSize, kBlockSize);  // finish() continues the chain
  emit(ciphertext, size, out, written);
  return Status::kOk;
}

Status StreamEncryptor::finish(uint8_t* out, size_t* written) {
  *written = 0;
  if (!started_) return Status::kInvalidToken;
  internal::pkcs7_pad(block_, block_size_);
  uint8_t mac[kHmacSize];
  cbc_encrypt(schedule_, chain_, block_, block_, 1);
  if (internal::hmac_update(hmac_, block_, kBlockSize) != Status::kOk ||
      internal::hmac_finish(hmac_, mac) != Status::kOk) {
    secure_zero(mac, sizeof mac);
    return fail(written);
  }
  emit(block_, kBlockSize, out, written);
  emit(mac, sizeof mac, out, written);
  base64url::encode(carry_, carry_size_, out + *written);  // the padded last group
  *written += base64url::encoded_size(carry_size_);
  secure_zero(mac, sizeof mac);
  wipe();
  return Status::kOk;
}

// ---- pass 1: verification ---------------------------------------------------

StreamVerifier::~StreamVerifier() { wipe(); }

void StreamVerifier::wipe() {
  destroy(reader_);
  commitment_.wipe();
  commitments_.reset();
  commitment_count_ = segment_fill_ = 0;
  text_size_ = timestamp_ = 0;
  key_index_ = 0;
  started_ = verified_ = false;
}

Status StreamVerifier::fail(Status status) {
  wipe();
  return status;
}

Status StreamVerifier::start(const Key* keys, size_t key_count, const Freshness* freshness,
                             const uint8_t* commitment_key) {
  PersistentScope owned;
  wipe();
  if (key_count == 0) return Status::kInvalidKey;
  reader_ = create<internal::TokenReader>();
  if (reader_ == nullptr) return fail(Status::kOutOfMemory);
  commitment_.start(commitment_key);
  const Status status = reader_->start_checking(keys, key_count, freshness);
  if (status != Status::kOk) return fail(status);
  check_freshness_ = freshness != nullptr;
  if (check_freshness_) freshness_ = *freshness;
  started_ = true;
  return Status::kOk;
}

// Closes the open segment: its commitment joins the others.
Status StreamVerifier::commit_segment() {
  const size_t needed = (commitment_count_ + 1) * kCommitmentSize;
  if (commitments_.size() < needed &&
      !commitments_.resize(std::max(needed, commitments_.size() * 2)))
    return Status::kOutOfMemory;
  const Status status = commitment_.finish(
      commitment_count_, commitments_.data() + commitment_count_ * kCommitmentSize);
  if (status != Status::kOk) return status;
  ++commitment_count_;
  segment_fill_ = 0;
  return Status::kOk;
}

Status StreamVerifier::update(const uint8_t* text, size_t size) { return read<false>(text, size, nullptr, nullptr); }

Status StreamVerifier::update_external(const uint8_t* text, size_t size, uint8_t* out, size_t* written) {
  return read<true>(text, size, out, written);
}

template <bool kExternal>
Status StreamVerifier::read(const uint8_t* text, size_t size, uint8_t* out, size_t* written) {
  PersistentScope owned;  // the commitments grow here and belong to the verifier
  if constexpr (kExternal) *written = 0;
  if (!started_ || verified_) return Status::kInvalidToken;  // failed, or already decided
  text_size_ += size;
  size_t handed_out = 0;
  while (size != 0) {
    // Segments end at fixed text offsets, whatever the chunking.
    const size_t take = std::min(kSegmentSize - segment_fill_, size);
    size_t produced = 0;
    Status status = reader_->update<kExternal>(text, take, kExternal ? out + handed_out : nullptr, &produced);
    if (status != Status::kOk) return fail(status);
    if constexpr (kExternal) handed_out += produced;
    commitment_.update(text, take);
    segment_fill_ += take;
    text += take;
    size -= take;
    if (segment_fill_ == kSegmentSize && (status = commit_segment()) != Status::kOk)
      return fail(status);
  }
  if constexpr (kExternal) *written = handed_out;
  return Status::kOk;
}

Status StreamVerifier::finish() { return decide<false>(nullptr, 0); }

Status StreamVerifier::finish_external(const uint8_t* macs, size_t macs_size) {
  return decide<true>(macs, macs_size);
}

template <bool kExternal>
Status StreamVerifier::decide(const uint8_t* macs, size_t macs_size) {
  PersistentScope owned;
  if (verified_) return Status::kInvalidToken;  // decided once; the decision stands
  if (!started_) return fail(Status::kInvalidToken);
  Status status = Status::kOk;
  if (segment_fill_ != 0 && (status = commit_segment()) != Status::kOk) return fail(status);
  uint8_t no_plaintext[kBlockSize];  // checking writes none
  size_t unused = 0, key_index = 0;
  status = reader_->finish<kExternal>(no_plaintext, &unused, &key_index, macs, macs_size);
  if (status != Status::kOk) return fail(status);
  timestamp_ = reader_->timestamp();
  key_index_ = key_index;
  destroy(reader_);
  verified_ = true;
  return Status::kOk;
}

// ---- pass 2: decryption of verified text ------------------------------------

VerifiedDecryptor::~VerifiedDecryptor() { wipe(); }

void VerifiedDecryptor::wipe() {
  destroy(state_);  // the staged plaintext is wiped with it
  timestamp_ = 0;
}

Status VerifiedDecryptor::fail() {
  wipe();
  failed_ = true;
  return Status::kInvalidToken;
}

Status VerifiedDecryptor::start(const StreamVerifier& verified, const Key* keys) {
  PersistentScope owned;
  wipe();
  failed_ = false;
  if (!verified.verified_ || verified.commitment_count_ == 0) return fail();
  state_ = create<internal::DecryptorState>();
  if (state_ == nullptr) return Status::kOutOfMemory;
  auto& s = *state_;
  const size_t commitments_size = verified.commitment_count_ * kCommitmentSize;
  if (!s.staged.allocate(kMaxSegmentOutput) || !s.commitments.allocate(commitments_size)) {
    wipe();
    return Status::kOutOfMemory;
  }
  std::memcpy(s.commitments.data(), verified.commitments_.data(), commitments_size);
  s.commitment.start(verified.commitment_.key());
  s.commitment_count = verified.commitment_count_;
  s.expected_size = verified.text_size_;
  const Status status = s.reader.start_decrypting(
      keys[verified.key_index_], verified.check_freshness_ ? &verified.freshness_ : nullptr);
  if (status != Status::kOk) {
    wipe();
    return status;
  }
  timestamp_ = verified.timestamp_;
  return Status::kOk;
}

// The segment just read matches its commitment: its staged plaintext leaves.
Status VerifiedDecryptor::release_segment(uint8_t* out, size_t* written) {
  auto& s = *state_;
  if (s.next_segment >= s.commitment_count) return fail();
  uint8_t digest[kCommitmentSize];
  if (s.commitment.finish(s.next_segment, digest) != Status::kOk) return fail();
  const bool same = mbedtls_ct_memcmp(digest, s.commitments.data() + s.next_segment * kCommitmentSize,
                                      kCommitmentSize) == 0;
  secure_zero(digest, sizeof digest);
  if (!same) return fail();  // wipes the staged plaintext
  if (s.staged_size != 0) std::memcpy(out + *written, s.staged.data(), s.staged_size);
  *written += s.staged_size;
  secure_zero(s.staged.data(), s.staged_size);
  s.staged_size = 0;
  s.segment_fill = 0;
  ++s.next_segment;
  return Status::kOk;
}

Status VerifiedDecryptor::update(const uint8_t* text, size_t size, uint8_t* out, size_t* written) {
  return read<false>(text, size, out, written);
}

Status VerifiedDecryptor::update_elsewhere(const uint8_t* text, size_t size, uint8_t* out, size_t* written) {
  return read<true>(text, size, out, written);
}

template <bool kElsewhere>
Status VerifiedDecryptor::read(const uint8_t* text, size_t size, uint8_t* out, size_t* written) {
  *written = 0;
  if (failed_ || state_ == nullptr) return Status::kInvalidToken;
  auto& s = *state_;
  if (size > s.expected_size - s.received) return fail();  // more text than was verified
  s.received += size;
  while (size != 0) {
    const size_t take = std::min(kSegmentSize - s.segment_fill, size);
    // A segment's plaintext (or ciphertext, decrypting elsewhere) is at most
    // kMaxSegmentOutput bytes (see the header), so the staging buffer holds
    // it whatever the chunking.
    size_t produced = 0;
    if (s.reader.update<kElsewhere>(text, take, s.staged.data() + s.staged_size, &produced) != Status::kOk)
      return fail();
    s.commitment.update(text, take);
    s.staged_size += produced;
    s.segment_fill += take;
    text += take;
    size -= take;
    if (s.segment_fill == kSegmentSize) {
      const Status status = release_segment(out, written);
      if (status != Status::kOk) return status;
    }
  }
  return Status::kOk;
}

Status VerifiedDecryptor::finish(uint8_t* out, size_t* written) { return conclude<false>(out, written); }

Status VerifiedDecryptor::finish_elsewhere(uint8_t* out, size_t* written) {
  return conclude<true>(out, written);
}

Status VerifiedDecryptor::final_plaintext(uint8_t* out, size_t* written) {
  *written = 0;
  if (failed_ || state_ == nullptr || !state_->concluded) return fail();
  std::memcpy(out, state_->final_plain, state_->final_size);
  *written = state_->final_size;
  wipe();
  return Status::kOk;
}

template <bool kElsewhere>
Status VerifiedDecryptor::conclude(uint8_t* out, size_t* written) {
  *written = 0;
  if (failed_ || state_ == nullptr || state_->concluded) return fail();
  auto& s = *state_;
  if (s.received != s.expected_size) return fail();  // less text than was verified
  if (s.segment_fill != 0) {
    const Status status = release_segment(out, written);
    if (status != Status::kOk) return status;
  }
  if (s.next_segment != s.commitment_count) return fail();
  size_t produced = 0, key_index = 0;
  uint8_t* final_plain = kElsewhere ? s.final_plain : out + *written;
  const Status status = s.reader.finish<kElsewhere>(final_plain, &produced, &key_index);
  if (status != Status::kOk) {
    secure_zero(out, *written);  // the token failed after all: take back this call's output
    *written = 0;
    return fail();
  }
  if constexpr (kElsewhere) {
    s.final_size = produced;  // for final_plaintext(), once the ciphertext is decrypted
    s.concluded = true;
    return Status::kOk;
  }
  *written += produced;
  wipe();
  return Status::kOk;
}

namespace {

Status cbc_blocks(int mode, const Key& key, const uint8_t iv[kIvSize], const uint8_t* in, size_t size,
                  uint8_t* out) {
  if (size % kBlockSize != 0) return Status::kInvalidParameters;
  const Status status = internal::aes_cbc(key, mode, iv, in, size, out);
  if (status != Status::kOk) secure_zero(out, size);
  return status;
}

}  // namespace

Status cbc_encrypt_blocks(const Key& key, const uint8_t iv[kIvSize], const uint8_t* in, size_t size,
                          uint8_t* out) {
  return cbc_blocks(MBEDTLS_AES_ENCRYPT, key, iv, in, size, out);
}

Status cbc_decrypt_blocks(const Key& key, const uint8_t iv[kIvSize], const uint8_t* in, size_t size,
                          uint8_t* out) {
  return cbc_blocks(MBEDTLS_AES_DECRYPT, key, iv, in, size, out);
}

}  // namespace fernet

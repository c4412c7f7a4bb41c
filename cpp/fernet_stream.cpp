#include "fernet_stream.h"

#include <algorithm>
#include <cstring>

#include "base64url.h"
#include "fernet_internal.h"

extern "C" {
#include "mbedtls/constant_time.h"
}

namespace fernet {
namespace {

const mbedtls_md_info_t* sha256() { return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256); }

}  // namespace

// ---- encryption -------------------------------------------------------------

StreamEncryptor::StreamEncryptor() {
  mbedtls_aes_init(&aes_);
  mbedtls_md_init(&hmac_);
}

StreamEncryptor::~StreamEncryptor() { wipe(); }

void StreamEncryptor::wipe() {
  mbedtls_aes_free(&aes_);
  mbedtls_md_free(&hmac_);
  secure_zero(chain_, sizeof chain_);
  secure_zero(block_, sizeof block_);
  secure_zero(carry_, sizeof carry_);
  block_size_ = carry_size_ = 0;
  started_ = false;
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

Status StreamEncryptor::start(const uint8_t key[kKeySize], uint64_t timestamp,
                              const uint8_t iv[kIvSize], uint8_t* out, size_t* written) {
  wipe();
  mbedtls_aes_init(&aes_);
  mbedtls_md_init(&hmac_);
  *written = 0;
  if (mbedtls_aes_setkey_enc(&aes_, encryption_key(key), 128) != 0 ||
      mbedtls_md_setup(&hmac_, sha256(), 1) != 0 ||
      mbedtls_md_hmac_starts(&hmac_, signing_key(key), 16) != 0) {
    wipe();
    return Status::kOutOfMemory;
  }
  uint8_t header[kHeaderSize];
  header[0] = kVersion;
  internal::store_be64(timestamp, header + 1);
  std::memcpy(header + 9, iv, kIvSize);
  std::memcpy(chain_, iv, kIvSize);
  mbedtls_md_hmac_update(&hmac_, header, sizeof header);
  emit(header, sizeof header, out, written);
  started_ = true;
  return Status::kOk;
}

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
    mbedtls_aes_crypt_cbc(&aes_, MBEDTLS_AES_ENCRYPT, take, chain_, blocks, blocks);
    mbedtls_md_hmac_update(&hmac_, blocks, take);
    emit(blocks, take, out, written);
  }
  return Status::kOk;
}

Status StreamEncryptor::finish(uint8_t* out, size_t* written) {
  *written = 0;
  if (!started_) return Status::kInvalidToken;
  const uint8_t pad = static_cast<uint8_t>(kBlockSize - block_size_);
  std::memset(block_ + block_size_, pad, pad);
  mbedtls_aes_crypt_cbc(&aes_, MBEDTLS_AES_ENCRYPT, kBlockSize, chain_, block_, block_);
  mbedtls_md_hmac_update(&hmac_, block_, kBlockSize);
  emit(block_, kBlockSize, out, written);
  uint8_t mac[kHmacSize];
  mbedtls_md_hmac_finish(&hmac_, mac);
  emit(mac, sizeof mac, out, written);
  base64url::encode(carry_, carry_size_, out + *written);  // the padded last group
  *written += base64url::encoded_size(carry_size_);
  wipe();
  return Status::kOk;
}

// ---- decryption -------------------------------------------------------------

StreamDecryptor::StreamDecryptor() {
  mbedtls_aes_init(&aes_);
  for (auto& h : hmac_) mbedtls_md_init(&h);
}

StreamDecryptor::~StreamDecryptor() { wipe(); }

void StreamDecryptor::wipe() {
  mbedtls_aes_free(&aes_);
  for (auto& h : hmac_) mbedtls_md_free(&h);
  secure_zero(header_, sizeof header_);
  secure_zero(pending_, sizeof pending_);
  secure_zero(work_, sizeof work_);
  secure_zero(chain_, sizeof chain_);
  secure_zero(last_plain_, sizeof last_plain_);
  secure_zero(text_carry_, sizeof text_carry_);
  key_count_ = header_size_ = pending_size_ = text_carry_size_ = 0;
  have_last_plain_ = have_block_ = text_ended_ = started_ = false;
}

Status StreamDecryptor::fail() {
  wipe();
  failed_ = true;
  return Status::kInvalidToken;
}

Status StreamDecryptor::start(const uint8_t* keys, size_t key_count, const Freshness* freshness,
                              bool decrypt) {
  wipe();
  mbedtls_aes_init(&aes_);
  for (auto& h : hmac_) mbedtls_md_init(&h);
  failed_ = false;
  if (key_count == 0 || key_count > kMaxKeys || (decrypt && key_count != 1))
    return Status::kInvalidKey;
  for (size_t k = 0; k < key_count; ++k) {
    if (mbedtls_md_setup(&hmac_[k], sha256(), 1) != 0 ||
        mbedtls_md_hmac_starts(&hmac_[k], signing_key(keys + k * kKeySize), 16) != 0) {
      wipe();
      return Status::kOutOfMemory;
    }
  }
  if (decrypt && mbedtls_aes_setkey_dec(&aes_, encryption_key(keys), 128) != 0) {
    wipe();
    return Status::kOutOfMemory;
  }
  key_count_ = key_count;
  decrypt_ = decrypt;
  check_freshness_ = freshness != nullptr;
  if (check_freshness_) freshness_ = *freshness;
  started_ = true;
  return Status::kOk;
}

Status StreamDecryptor::update(const uint8_t* text, size_t size, uint8_t* out, size_t* written) {
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
    const Status status = take_raw(raw, raw_size, out + *written, &produced);
    if (status != Status::kOk) return status;
    *written += produced;
  }
  return Status::kOk;
}

// `raw` sits in work_ right after room for pending_, so the held-back bytes
// can be put in front of it and both processed as one run.
Status StreamDecryptor::take_raw(uint8_t* raw, size_t size, uint8_t* out, size_t* written) {
  if (header_size_ < kHeaderSize) {
    const size_t take = std::min(kHeaderSize - header_size_, size);
    std::memcpy(header_ + header_size_, raw, take);
    header_size_ += take;
    raw += take;
    size -= take;
    if (header_size_ < kHeaderSize) return Status::kOk;
    if (header_[0] != kVersion) return fail();
    timestamp_ = internal::load_be64(header_ + 1);
    if (check_freshness_ && !internal::is_fresh(timestamp_, freshness_)) return fail();
    std::memcpy(chain_, header_ + 9, kIvSize);
    for (size_t k = 0; k < key_count_; ++k) mbedtls_md_hmac_update(&hmac_[k], header_, kHeaderSize);
  }
  uint8_t* run = raw - pending_size_;
  std::memmove(run, pending_, pending_size_);
  const size_t available = pending_size_ + size;
  // Whatever may still be the MAC (the last kHmacSize bytes) stays pending.
  const size_t blocks = available < kHmacSize ? 0 : (available - kHmacSize) / kBlockSize * kBlockSize;
  if (blocks != 0) take_blocks(run, blocks, out, written);
  pending_size_ = available - blocks;
  std::memcpy(pending_, run + blocks, pending_size_);
  return Status::kOk;
}

void StreamDecryptor::take_blocks(uint8_t* ciphertext, size_t size, uint8_t* out,
                                  size_t* written) {
  have_block_ = true;
  for (size_t k = 0; k < key_count_; ++k) mbedtls_md_hmac_update(&hmac_[k], ciphertext, size);
  if (!decrypt_) return;
  mbedtls_aes_crypt_cbc(&aes_, MBEDTLS_AES_DECRYPT, size, chain_, ciphertext, ciphertext);
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

Status StreamDecryptor::finish(uint8_t* out, size_t* written) {
  *written = 0;
  if (!started_ || failed_) return Status::kInvalidToken;
  if (text_carry_size_ != 0 || header_size_ < kHeaderSize || !have_block_ ||
      pending_size_ != kHmacSize)
    return fail();
  size_t match = key_count_;
  for (size_t k = 0; k < key_count_; ++k) {
    uint8_t mac[kHmacSize];
    mbedtls_md_hmac_finish(&hmac_[k], mac);
    if (match == key_count_ && mbedtls_ct_memcmp(mac, pending_, kHmacSize) == 0) match = k;
  }
  if (match == key_count_) return fail();
  if (decrypt_) {
    const size_t pad = internal::pkcs7_pad_length(last_plain_, kBlockSize);
    if (pad == 0) return fail();
    std::memcpy(out, last_plain_, kBlockSize - pad);
    *written = kBlockSize - pad;
  }
  key_index_ = match;
  wipe();
  return Status::kOk;
}

}  // namespace fernet

#include "fernet.h"

#include <cstring>

#include "base64url.h"
#include "fernet_internal.h"
#include "mbedtls/aes.h"
#include "mbedtls/base64.h"
// constant_time.h, unlike mbedTLS's other public headers, has no extern "C".
extern "C" {
#include "mbedtls/constant_time.h"
}
#include "mbedtls/md.h"

namespace fernet {
namespace {

using internal::is_fresh;
using internal::load_be64;
using internal::pkcs7_pad_length;
using internal::store_be64;

constexpr size_t kMinTokenBytes = kHeaderSize + kBlockSize + kHmacSize;

// 0xff when a == b, else 0; no data-dependent branch (used on key text).
uint8_t ct_equal_mask(uint8_t a, uint8_t b) {
  const uint32_t diff = uint32_t{a} ^ uint32_t{b};
  return static_cast<uint8_t>(((diff - 1) >> 8) & 0xff);
}

// Swaps one pair of base64 alphabets' two extra characters without branching:
// url-safe '-' '_' <-> standard '+' '/'. `bad` collects characters that are
// from the alphabet being translated *to* (so non-canonical input is refused).
void ct_translate(uint8_t* text, size_t size, uint8_t from62, uint8_t from63, uint8_t to62,
                  uint8_t to63, uint8_t* bad) {
  uint8_t seen = 0;
  for (size_t i = 0; i < size; ++i) {
    const uint8_t c = text[i];
    const uint8_t is62 = ct_equal_mask(c, from62), is63 = ct_equal_mask(c, from63);
    seen = static_cast<uint8_t>(seen | ct_equal_mask(c, to62) | ct_equal_mask(c, to63));
    text[i] = static_cast<uint8_t>(c ^ (is62 & (from62 ^ to62)) ^ (is63 & (from63 ^ to63)));
  }
  *bad = static_cast<uint8_t>(*bad | seen);
}


bool hmac_sha256(const uint8_t* key, const uint8_t* data, size_t size, uint8_t mac[kHmacSize]) {
  return mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), signing_key(key), 16,
                         data, size, mac) == 0;
}

// AES-128-CBC over whole blocks, in place. mbedTLS advances the IV it is
// given, so it works on a copy.
bool aes_cbc(const uint8_t* key, int mode, const uint8_t iv[kIvSize], uint8_t* data,
             size_t size) {
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  uint8_t chain[kIvSize];
  std::memcpy(chain, iv, kIvSize);
  int rc = mode == MBEDTLS_AES_ENCRYPT ? mbedtls_aes_setkey_enc(&aes, encryption_key(key), 128)
                                       : mbedtls_aes_setkey_dec(&aes, encryption_key(key), 128);
  if (rc == 0) rc = mbedtls_aes_crypt_cbc(&aes, mode, size, chain, data, data);
  mbedtls_aes_free(&aes);  // wipes the key schedule
  secure_zero(chain, sizeof chain);
  return rc == 0;
}



// Decodes a token and checks what can be checked without a key: version and
// length. `raw` receives the decoded bytes.
Status decode_token(const uint8_t* token, size_t token_size, SecureBuffer& raw,
                    size_t* raw_size) {
  if (token_size > fernet::token_size(kMaxMessageSize)) return Status::kTooLarge;
  if (token_size % 4 != 0 || base64url::max_decoded_size(token_size) < kMinTokenBytes)
    return Status::kInvalidToken;
  if (!raw.allocate(base64url::max_decoded_size(token_size))) return Status::kOutOfMemory;
  if (!base64url::decode(token, token_size, raw.data(), raw_size)) return Status::kInvalidToken;
  if (*raw_size < kMinTokenBytes || raw.data()[0] != kVersion) return Status::kInvalidToken;
  if ((*raw_size - kHeaderSize - kHmacSize) % kBlockSize != 0) return Status::kInvalidToken;
  return Status::kOk;
}

// Index of the first key whose HMAC matches, or key_count when none does.
size_t find_signing_key(const uint8_t* keys, size_t key_count, const uint8_t* raw,
                        size_t raw_size) {
  const size_t signed_size = raw_size - kHmacSize;
  for (size_t k = 0; k < key_count; ++k) {
    uint8_t mac[kHmacSize];
    const bool ok = hmac_sha256(keys + k * kKeySize, raw, signed_size, mac) &&
                    mbedtls_ct_memcmp(mac, raw + signed_size, kHmacSize) == 0;
    secure_zero(mac, sizeof mac);
    if (ok) return k;
  }
  return key_count;
}

}  // namespace

Status parse_key(const uint8_t* text, size_t text_size, uint8_t key[kKeySize]) {
  if (text_size != kKeyTextSize) return Status::kInvalidKey;
  uint8_t standard[kKeyTextSize];
  uint8_t canonical[kKeyTextSize + 1];
  std::memcpy(standard, text, kKeyTextSize);
  uint8_t bad = 0;
  ct_translate(standard, kKeyTextSize, '-', '_', '+', '/', &bad);
  size_t decoded = 0, encoded = 0;
  int rc = mbedtls_base64_decode(key, kKeySize, &decoded, standard, kKeyTextSize);
  // mbedTLS tolerates line breaks and non-zero trailing bits; re-encoding and
  // comparing admits only the canonical text.
  if (rc == 0 && decoded == kKeySize)
    rc = mbedtls_base64_encode(canonical, sizeof canonical, &encoded, key, kKeySize);
  const bool ok = rc == 0 && decoded == kKeySize && encoded == kKeyTextSize &&
                  mbedtls_ct_memcmp(canonical, standard, kKeyTextSize) == 0 && bad == 0;
  secure_zero(standard, sizeof standard);
  secure_zero(canonical, sizeof canonical);
  if (!ok) {
    secure_zero(key, kKeySize);
    return Status::kInvalidKey;
  }
  return Status::kOk;
}

void format_key(const uint8_t key[kKeySize], uint8_t text[kKeyTextSize]) {
  uint8_t buffer[kKeyTextSize + 1];
  size_t written = 0;
  mbedtls_base64_encode(buffer, sizeof buffer, &written, key, kKeySize);
  uint8_t unused = 0;
  ct_translate(buffer, kKeyTextSize, '+', '/', '-', '_', &unused);
  std::memcpy(text, buffer, kKeyTextSize);
  secure_zero(buffer, sizeof buffer);
}

size_t token_size(size_t message_size) {
  const size_t padded = (message_size / kBlockSize + 1) * kBlockSize;
  return base64url::encoded_size(kHeaderSize + padded + kHmacSize);
}

Status encrypt(const uint8_t key[kKeySize], uint64_t timestamp, const uint8_t iv[kIvSize],
               const uint8_t* message, size_t message_size, SecureBuffer& token) {
  if (message_size > kMaxMessageSize) return Status::kTooLarge;
  const size_t padded = (message_size / kBlockSize + 1) * kBlockSize;
  const uint8_t pad = static_cast<uint8_t>(padded - message_size);
  SecureBuffer raw;
  if (!raw.allocate(kHeaderSize + padded + kHmacSize)) return Status::kOutOfMemory;
  uint8_t* p = raw.data();
  p[0] = kVersion;
  store_be64(timestamp, p + 1);
  std::memcpy(p + 9, iv, kIvSize);
  if (message_size != 0) std::memcpy(p + kHeaderSize, message, message_size);
  std::memset(p + kHeaderSize + message_size, pad, pad);
  if (!aes_cbc(key, MBEDTLS_AES_ENCRYPT, iv, p + kHeaderSize, padded) ||
      !hmac_sha256(key, p, kHeaderSize + padded, p + kHeaderSize + padded))
    return Status::kOutOfMemory;  // mbedTLS fails here only when it cannot allocate
  if (!token.allocate(base64url::encoded_size(raw.size()))) return Status::kOutOfMemory;
  base64url::encode(raw.data(), raw.size(), token.data());
  return Status::kOk;
}

Status decrypt(const uint8_t* keys, size_t key_count, const uint8_t* token, size_t token_size,
               const Freshness* freshness, Decrypted& out) {
  size_t raw_size = 0;
  Status status = decode_token(token, token_size, out.storage, &raw_size);
  if (status != Status::kOk) return status;
  uint8_t* raw = out.storage.data();
  const uint64_t timestamp = load_be64(raw + 1);
  if (freshness != nullptr && !is_fresh(timestamp, *freshness)) return Status::kInvalidToken;

  const size_t k = find_signing_key(keys, key_count, raw, raw_size);
  if (k == key_count) return Status::kInvalidToken;

  uint8_t* ciphertext = raw + kHeaderSize;
  const size_t ciphertext_size = raw_size - kHeaderSize - kHmacSize;
  if (!aes_cbc(keys + k * kKeySize, MBEDTLS_AES_DECRYPT, raw + 9, ciphertext, ciphertext_size))
    return Status::kInvalidToken;
  const size_t pad = pkcs7_pad_length(ciphertext, ciphertext_size);
  if (pad == 0) {
    out.storage.reset();
    return Status::kInvalidToken;
  }
  out.message = ciphertext;
  out.message_size = ciphertext_size - pad;
  out.timestamp = timestamp;
  return Status::kOk;
}

Status extract_timestamp(const uint8_t* keys, size_t key_count, const uint8_t* token,
                         size_t token_size, uint64_t* timestamp) {
  SecureBuffer raw;
  size_t raw_size = 0;
  Status status = decode_token(token, token_size, raw, &raw_size);
  if (status != Status::kOk) return status;
  if (find_signing_key(keys, key_count, raw.data(), raw_size) == key_count)
    return Status::kInvalidToken;
  *timestamp = load_be64(raw.data() + 1);
  return Status::kOk;
}

Status rotate(const uint8_t* keys, size_t key_count, const uint8_t* token, size_t token_size,
              const uint8_t iv[kIvSize], SecureBuffer& rotated) {
  Decrypted plain;
  Status status = decrypt(keys, key_count, token, token_size, nullptr, plain);
  if (status != Status::kOk) return status;
  return encrypt(keys, plain.timestamp, iv, plain.message, plain.message_size, rotated);
}

}  // namespace fernet

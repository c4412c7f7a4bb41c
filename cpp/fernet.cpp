// The HMAC starts from prepared SHA-256 states, which means setting the
// fields of mbedTLS's SHA-256 context (its layout is public, its names private).
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "fernet.h"

#include <cstring>
#include <initializer_list>

#include "aes_ct.h"
#include "base64url.h"
#include "fernet_internal.h"
#include "mbedtls/aes.h"
#include "mbedtls/base64.h"
// constant_time.h, unlike mbedTLS's other public headers, has no extern "C".
extern "C" {
#include "mbedtls/constant_time.h"
}
#include "mbedtls/sha256.h"

namespace fernet {
namespace {

using internal::is_fresh;
using internal::pkcs7_pad_length;

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

// The base64url character of a 6-bit value of key material: the offset of each
// range is added under a mask made by arithmetic, with no table or branch.
uint8_t ct_base64url_char(uint32_t value) {
  const auto at_least = [value](uint32_t bound) { return 0u - ((bound - 1 - value) >> 31); };
  const uint32_t c = value + 'A' + (at_least(26) & 6) + (at_least(52) & (0u - 75)) +
                     (at_least(62) & (0u - 13)) + (at_least(63) & 49);
  return static_cast<uint8_t>(c);
}

// Decodes a token (canonical base64url only) and checks what Python's
// _get_unverified_token_data checks: non-empty, version byte, a whole
// timestamp. `raw` receives the decoded bytes.
Status decode_token(const uint8_t* token, size_t token_size, SecureBuffer& raw,
                    size_t* raw_size) {
  if (token_size > fernet::token_size(kMaxMessageSize)) return Status::kTooLarge;
  if (token_size % 4 != 0 || base64url::max_decoded_size(token_size) < internal::kMinTimestampBytes)
    return Status::kInvalidToken;
  if (!raw.allocate(base64url::max_decoded_size(token_size))) return Status::kOutOfMemory;
  if (!base64url::decode(token, token_size, raw.data(), raw_size)) return Status::kInvalidToken;
  if (*raw_size < internal::kMinTimestampBytes || !internal::has_version(raw.data()))
    return Status::kInvalidToken;
  return Status::kOk;
}

// Python's _verify_signature: HMAC over data[:-32] equals data[-32:]. The
// MAC computed here is wiped whatever the outcome.
Status signature_matches(const Key& key, const uint8_t* raw, size_t raw_size, bool* match) {
  *match = false;
  if (raw_size < kHmacSize) return Status::kOk;  // data[-32:] is shorter than a MAC
  const size_t signed_size = raw_size - kHmacSize;
  uint8_t mac[kHmacSize];
  const Status status = internal::hmac_sha256(key, raw, signed_size, mac);
  *match = status == Status::kOk && internal::mac_equal(mac, raw + signed_size);
  secure_zero(mac, sizeof mac);
  return status;
}

// Decodes and decides like Python's MultiFernet (decrypt and rotate): the
// key-independent checks and the TTL first, then the key choice. On success
// `raw` holds the token and *key_index names the key.
Status verify_token(const Key* keys, size_t key_count, const uint8_t* token,
                    size_t token_size, const Freshness* freshness, SecureBuffer& raw,
                    size_t* raw_size, size_t* key_index) {
  Status status = decode_token(token, token_size, raw, raw_size);
  if (status != Status::kOk) return status;
  const uint8_t* data = raw.data();
  if (!internal::decryptable_size(*raw_size)) return Status::kInvalidToken;
  if (freshness != nullptr && !is_fresh(internal::header_timestamp(data), *freshness))
    return Status::kInvalidToken;
  const uint8_t* last = data + *raw_size - kHmacSize - kBlockSize;
  const uint8_t* previous = last - kBlockSize;  // the IV when there is one block
  status = internal::choose_key(
      keys, key_count,
      [&](size_t k, bool* match) {
        return signature_matches(keys[k], data, *raw_size, match);
      },
      previous, last, /*padding_checked_later=*/true, key_index);
  if (status != Status::kOk) return status;
  return *key_index == key_count ? Status::kInvalidToken : Status::kOk;
}

constexpr size_t kHmacBlockSize = 64;  // SHA-256's block

// A SHA-256 context that has hashed one block and is at `state`.
void sha256_resume(mbedtls_sha256_context& sha, const uint32_t state[8]) {
  mbedtls_sha256_init(&sha);
  std::memcpy(sha.state, state, sizeof sha.state);
  sha.total[0] = kHmacBlockSize;
  sha.total[1] = 0;
}

}  // namespace

namespace internal {

Status hmac_key_states(const uint8_t* key, size_t key_size, uint32_t inner[8], uint32_t outer[8]) {
  uint8_t block[kHmacBlockSize] = {};
  bool ok = true;
  if (key_size > kHmacBlockSize) {
    ok = mbedtls_sha256(key, key_size, block, 0) == 0;
  } else if (key_size != 0) {
    std::memcpy(block, key, key_size);
  }
  uint8_t padded[kHmacBlockSize];
  mbedtls_sha256_context sha;
  for (const uint8_t pad : {uint8_t{0x36}, uint8_t{0x5c}}) {
    for (size_t i = 0; i < kHmacBlockSize; ++i) padded[i] = static_cast<uint8_t>(block[i] ^ pad);
    mbedtls_sha256_init(&sha);
    ok = ok && mbedtls_sha256_starts(&sha, 0) == 0 &&
         mbedtls_sha256_update(&sha, padded, sizeof padded) == 0;
    std::memcpy(pad == 0x36 ? inner : outer, sha.state, sizeof sha.state);
    mbedtls_sha256_free(&sha);
  }
  secure_zero(block, sizeof block);
  secure_zero(padded, sizeof padded);
  return ok ? Status::kOk : Status::kOutOfMemory;
}

void hmac_start(Hmac& hmac, const uint32_t inner[8], const uint32_t outer[8]) {
  sha256_resume(hmac.inner, inner);
  std::memcpy(hmac.outer, outer, sizeof hmac.outer);
}

Status hmac_update(Hmac& hmac, const uint8_t* data, size_t size) {
  return mbedtls_sha256_update(&hmac.inner, data, size) == 0 ? Status::kOk : Status::kOutOfMemory;
}

Status hmac_finish(Hmac& hmac, uint8_t mac[kHmacSize]) {
  uint8_t inner[kHmacSize];
  mbedtls_sha256_context outer;
  sha256_resume(outer, hmac.outer);
  const bool ok = mbedtls_sha256_finish(&hmac.inner, inner) == 0 &&
                  mbedtls_sha256_update(&outer, inner, sizeof inner) == 0 &&
                  mbedtls_sha256_finish(&outer, mac) == 0;
  mbedtls_sha256_free(&outer);
  secure_zero(inner, sizeof inner);
  hmac_wipe(hmac);
  return ok ? Status::kOk : Status::kOutOfMemory;
}

void hmac_wipe(Hmac& hmac) {
  mbedtls_sha256_free(&hmac.inner);
  secure_zero(hmac.outer, sizeof hmac.outer);
}

Status hmac_sha256(const Key& key, const uint8_t* data, size_t size, uint8_t mac[kHmacSize]) {
  Hmac hmac;
  hmac_start(hmac, key);
  const Status status = hmac_update(hmac, data, size);
  if (status != Status::kOk) {
    hmac_wipe(hmac);
    return status;
  }
  return hmac_finish(hmac, mac);
}

Status aes_cbc(const Key& key, int mode, const uint8_t iv[kIvSize], const uint8_t* in, size_t size,
               uint8_t* out) {
  // CBC advances the IV it is given, so it works on a copy.
  uint8_t chain[kIvSize];
  std::memcpy(chain, iv, kIvSize);
  int rc = 0;
  if (mode == MBEDTLS_AES_ENCRYPT) {
    cbc_encrypt(key.encryption_schedule, chain, in, out, size / kBlockSize);
  } else {
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    rc = mbedtls_aes_setkey_dec(&aes, encryption_key(key), kAesKeyBits);
    if (rc == 0) rc = mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_DECRYPT, size, chain, in, out);
    mbedtls_aes_free(&aes);  // wipes the key schedule
  }
  secure_zero(chain, sizeof chain);
  return rc == 0 ? Status::kOk : Status::kOutOfMemory;
}

template <Passes passes>
Status encrypt_and_authenticate(const uint8_t schedule[11][16], uint8_t chain[kIvSize], Hmac& hmac,
                                uint8_t* data, size_t size) {
  if constexpr (passes == Passes::kTwo) {
    cbc_encrypt(schedule, chain, data, data, size / kBlockSize);
    return hmac_update(hmac, data, size);
  } else {
    // The compressions go into the context's state directly, starting with the bytes it holds
    // of an unfinished block.
    const size_t held = hmac.inner.total[0] % kHmacBlockSize;
    size_t hashed = 0;
    if (cbc_encrypt_and_hash(schedule, chain, data, size / kBlockSize, hmac.inner.buffer, held,
                             hmac.inner.state, &hashed) != 0)
      return Status::kOutOfMemory;
    const uint64_t total = (uint64_t{hmac.inner.total[1]} << 32 | hmac.inner.total[0]) + hashed;
    hmac.inner.total[0] = static_cast<uint32_t>(total);
    hmac.inner.total[1] = static_cast<uint32_t>(total >> 32);
    return hmac_update(hmac, data + hashed, size - hashed);
  }
}
template Status encrypt_and_authenticate<Passes::kOne>(const uint8_t (*)[16], uint8_t*, Hmac&,
                                                       uint8_t*, size_t);
template Status encrypt_and_authenticate<Passes::kTwo>(const uint8_t (*)[16], uint8_t*, Hmac&,
                                                       uint8_t*, size_t);

Status final_padding_valid(const Key& key, const uint8_t previous[kBlockSize],
                           const uint8_t last[kBlockSize], bool* valid) {
  uint8_t block[kBlockSize];
  std::memcpy(block, last, kBlockSize);
  const Status status = aes_cbc(key, MBEDTLS_AES_DECRYPT, previous, block, kBlockSize, block);
  *valid = status == Status::kOk && pkcs7_pad_length(block) != 0;
  secure_zero(block, sizeof block);
  return status;
}

}  // namespace internal

Status prepare_key(const uint8_t raw[kKeySize], Key& key) {
  std::memcpy(key.raw, raw, kKeySize);
  expand_encryption_key(encryption_key(key), key.encryption_schedule);
  const Status status =
      internal::hmac_key_states(signing_key(raw), kKeyHalfSize, key.hmac_inner, key.hmac_outer);
  if (status != Status::kOk) secure_zero(&key, sizeof key);
  return status;
}

Status parse_key(const uint8_t* text, size_t text_size, Key& key) {
  if (text_size != kKeyTextSize) return Status::kInvalidKey;
  uint8_t standard[kKeyTextSize];
  uint8_t canonical[kKeyTextSize];
  uint8_t raw[kKeySize] = {};
  std::memcpy(standard, text, kKeyTextSize);
  uint8_t bad = 0;
  ct_translate(standard, kKeyTextSize, '-', '_', '+', '/', &bad);
  size_t decoded = 0;
  const int rc = mbedtls_base64_decode(raw, kKeySize, &decoded, standard, kKeyTextSize);
  // mbedTLS tolerates line breaks and non-zero trailing bits; re-encoding and
  // comparing admits only the canonical text.
  format_key(raw, canonical);
  const bool ok = rc == 0 && decoded == kKeySize &&
                  mbedtls_ct_memcmp(canonical, text, kKeyTextSize) == 0 && bad == 0;
  secure_zero(standard, sizeof standard);
  secure_zero(canonical, sizeof canonical);
  const Status status = ok ? prepare_key(raw, key) : Status::kInvalidKey;
  secure_zero(raw, sizeof raw);
  if (!ok) secure_zero(&key, sizeof key);
  return status;
}

void format_key(const uint8_t raw[kKeySize], uint8_t text[kKeyTextSize]) {
  // 32 bytes: ten groups of three, then two bytes, three characters and '='.
  size_t i = 0;
  uint8_t* out = text;
  for (; i + 3 <= kKeySize; i += 3, out += 4) {
    const uint32_t group = uint32_t{raw[i]} << 16 | uint32_t{raw[i + 1]} << 8 | raw[i + 2];
    for (int c = 0; c < 4; ++c) out[c] = ct_base64url_char((group >> (18 - 6 * c)) & 63);
  }
  const uint32_t last = uint32_t{raw[i]} << 16 | uint32_t{raw[i + 1]} << 8;
  for (int c = 0; c < 3; ++c) out[c] = ct_base64url_char((last >> (18 - 6 * c)) & 63);
  out[3] = '=';
}

size_t token_size(size_t message_size) {
  return base64url::encoded_size(internal::raw_token_size(message_size));
}

template <Passes passes>
Status encrypt(const Key& key, uint64_t timestamp, const uint8_t iv[kIvSize],
               const uint8_t* message, size_t message_size, SecureBuffer& token) {
  if (message_size > kMaxMessageSize) return Status::kTooLarge;
  const size_t padded = internal::padded_size(message_size);
  // One block holds the token text and, after it, the raw token it encodes:
  // one allocation a token rather than two. Every byte of it is written before
  // any is read; until the token is finished it holds plaintext and is wiped if
  // freed, after that all of it is public. Node's link (kOne) skips zero-filling
  // it and, once public, wiping it; the browser's, whose download is budgeted,
  // does both (the code to skip them is 58 bytes of its gzip).
  const size_t raw_size = internal::raw_token_size(message_size);
  const size_t text_size = base64url::encoded_size(raw_size);
  const bool allocated = passes == Passes::kOne ? token.allocate_for_overwrite(text_size + raw_size)
                                                : token.allocate(text_size + raw_size);
  if (!allocated) return Status::kOutOfMemory;
  uint8_t* p = token.data() + text_size;
  internal::write_header(timestamp, iv, p);
  uint8_t* ciphertext = p + internal::kCiphertextOffset;
  // Whole blocks are copied as they are; the last one is padded.
  const size_t whole = padded - kBlockSize;
  if (whole != 0) std::memcpy(ciphertext, message, whole);
  uint8_t* last = ciphertext + whole;
  if (message_size != whole) std::memcpy(last, message + whole, message_size - whole);
  internal::pkcs7_pad(last, message_size - whole);
  // CBC advances the IV it is given, so it works on a copy.
  uint8_t chain[kIvSize];
  std::memcpy(chain, iv, kIvSize);
  internal::Hmac hmac;
  internal::hmac_start(hmac, key);
  Status status = internal::hmac_update(hmac, p, kHeaderSize);
  if (status == Status::kOk) {
    status = internal::encrypt_and_authenticate<passes>(key.encryption_schedule, chain, hmac,
                                                        ciphertext, padded);
  }
  secure_zero(chain, sizeof chain);
  if (status == Status::kOk) {
    status = internal::hmac_finish(hmac, ciphertext + padded);
  } else {
    internal::hmac_wipe(hmac);
  }
  if (status != Status::kOk) {
    token.reset();
    return status;
  }
  base64url::encode(p, raw_size, token.data());
  token.truncate(text_size);
  if constexpr (passes == Passes::kOne) token.make_public();
  return Status::kOk;
}
template Status encrypt<Passes::kOne>(const Key&, uint64_t, const uint8_t*, const uint8_t*, size_t,
                                      SecureBuffer&);
template Status encrypt<Passes::kTwo>(const Key&, uint64_t, const uint8_t*, const uint8_t*, size_t,
                                      SecureBuffer&);

Status decrypt(const Key* keys, size_t key_count, const uint8_t* token, size_t token_size,
               const Freshness* freshness, Decrypted& out) {
  out.message = nullptr;
  out.message_size = 0;
  size_t raw_size = 0, k = 0;
  Status status =
      verify_token(keys, key_count, token, token_size, freshness, out.storage, &raw_size, &k);
  if (status == Status::kOk) {
    uint8_t* raw = out.storage.data();
    uint8_t* ciphertext = raw + internal::kCiphertextOffset;
    const size_t ciphertext_size = raw_size - kHeaderSize - kHmacSize;
    status = internal::aes_cbc(keys[k], MBEDTLS_AES_DECRYPT, internal::header_iv(raw),
                               ciphertext, ciphertext_size, ciphertext);
    // choose_key checked this padding unless this is the last key, whose
    // padding is decided here.
    const size_t pad =
        status == Status::kOk ? pkcs7_pad_length(ciphertext + ciphertext_size - kBlockSize) : 0;
    if (status == Status::kOk && pad == 0) status = Status::kInvalidToken;
    if (status == Status::kOk) {
      out.message = ciphertext;
      out.message_size = ciphertext_size - pad;
      out.timestamp = internal::header_timestamp(raw);
      return Status::kOk;
    }
  }
  out.storage.reset();  // wiped: nothing of a refused token stays behind
  return status;
}

Status extract_timestamp(const Key* keys, size_t key_count, const uint8_t* token,
                         size_t token_size, uint64_t* timestamp) {
  // Exactly Python's extract_timestamp, tried under each key in order: no
  // length rule beyond the timestamp and the MAC.
  SecureBuffer raw;
  size_t raw_size = 0;
  Status status = decode_token(token, token_size, raw, &raw_size);
  if (status != Status::kOk) return status;
  for (size_t k = 0; k < key_count; ++k) {
    bool match = false;
    status = signature_matches(keys[k], raw.data(), raw_size, &match);
    if (status != Status::kOk) return status;
    if (match) {
      *timestamp = internal::header_timestamp(raw.data());
      return Status::kOk;
    }
  }
  return Status::kInvalidToken;
}

template <Passes passes>
Status rotate(const Key* keys, size_t key_count, const uint8_t* token, size_t token_size,
              const uint8_t iv[kIvSize], SecureBuffer& rotated) {
  Decrypted plain;
  Status status = decrypt(keys, key_count, token, token_size, nullptr, plain);
  if (status != Status::kOk) return status;
  return encrypt<passes>(keys[0], plain.timestamp, iv, plain.message, plain.message_size, rotated);
}
template Status rotate<Passes::kOne>(const Key*, size_t, const uint8_t*, size_t, const uint8_t*,
                                     SecureBuffer&);
template Status rotate<Passes::kTwo>(const Key*, size_t, const uint8_t*, size_t, const uint8_t*,
                                     SecureBuffer&);

}  // namespace fernet

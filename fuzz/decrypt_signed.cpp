// Input: 32 raw key bytes, then the token body (version | timestamp | iv |
// ciphertext) that this harness signs with a valid HMAC before decrypting.
// Mutated tokens almost never pass the MAC, so the other targets rarely reach
// AES and the padding check; here every input does. The constant-time
// padding check is compared with a plain reading of PKCS7.
#include "fuzz_input.h"
#include "mbedtls/aes.h"
#include "mbedtls/md.h"

namespace {

bool plain_pkcs7_ok(const uint8_t* block) {
  const uint8_t pad = block[fernet::kBlockSize - 1];
  if (pad == 0 || pad > fernet::kBlockSize) return false;
  for (size_t i = fernet::kBlockSize - pad; i < fernet::kBlockSize; ++i)
    if (block[i] != pad) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const uint8_t* raw_key = in.take(fernet::kKeySize);
  if (raw_key == nullptr || in.size > 1 << 16) return 0;
  fernet::Key key;
  FUZZ_CHECK(fernet::prepare_key(raw_key, key) == fernet::Status::kOk);

  fernet::SecureBuffer raw, token;
  FUZZ_CHECK(raw.allocate(in.size + fernet::kHmacSize));
  if (in.size != 0) std::memcpy(raw.data(), in.data, in.size);
  FUZZ_CHECK(mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), fernet::signing_key(raw_key),
                             16, raw.data(), in.size, raw.data() + in.size) == 0);
  FUZZ_CHECK(token.allocate(fernet::base64url::encoded_size(raw.size())));
  fernet::base64url::encode(raw.data(), raw.size(), token.data());

  fernet::Decrypted plain;
  const fernet::Status status = fernet::decrypt(&key, 1, token.data(), token.size(), nullptr, plain);
  FUZZ_CHECK(status == fernet::Status::kOk || status == fernet::Status::kInvalidToken);

  const bool well_formed = in.size >= fernet::kHeaderSize + fernet::kBlockSize &&
                           in.data[0] == fernet::kVersion &&
                           (in.size - fernet::kHeaderSize) % fernet::kBlockSize == 0;
  bool padding_ok = false;
  if (well_formed) {
    // The last ciphertext block, decrypted and chained by hand.
    const uint8_t* last = in.data + in.size - fernet::kBlockSize;
    const uint8_t* previous =
        in.size == fernet::kHeaderSize + fernet::kBlockSize ? in.data + fernet::kHeaderSize - fernet::kIvSize
                                                            : last - fernet::kBlockSize;
    uint8_t block[fernet::kBlockSize];
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    FUZZ_CHECK(mbedtls_aes_setkey_dec(&aes, raw_key + 16, 128) == 0);
    FUZZ_CHECK(mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_DECRYPT, last, block) == 0);
    mbedtls_aes_free(&aes);
    for (size_t i = 0; i < fernet::kBlockSize; ++i) block[i] ^= previous[i];
    padding_ok = plain_pkcs7_ok(block);
  }
  FUZZ_CHECK((status == fernet::Status::kOk) == (well_formed && padding_ok));
  if (status == fernet::Status::kOk) check_accepted(key, token.data(), token.size(), plain);
  return 0;
}

// Input: a key count byte (1-4 keys used), that many 32-byte raw keys, a
// 16-byte IV for rotation, then token text. Decrypt, extract_timestamp and
// rotate must agree with each other: the token is accepted by all or by none
// (up to bad padding, which only decryption sees), and a rotated token is a
// valid token under the first key with the same timestamp and plaintext.
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const uint8_t* count_byte = in.take(1);
  if (count_byte == nullptr) return 0;
  const size_t key_count = size_t{1} + *count_byte % 4;
  const uint8_t* keys = in.take(key_count * fernet::kKeySize);
  const uint8_t* iv = in.take(fernet::kIvSize);
  if (keys == nullptr || iv == nullptr) return 0;

  fernet::Decrypted plain;
  const fernet::Status status = fernet::decrypt(keys, key_count, in.data, in.size, nullptr, plain);
  uint64_t timestamp = 0;
  const fernet::Status extracted =
      fernet::extract_timestamp(keys, key_count, in.data, in.size, &timestamp);
  fernet::SecureBuffer rotated;
  const fernet::Status rotation = fernet::rotate(keys, key_count, in.data, in.size, iv, rotated);
  FUZZ_CHECK(rotation == status);
  if (status != fernet::Status::kOk) {
    FUZZ_CHECK(status == fernet::Status::kInvalidToken);
    return 0;
  }
  FUZZ_CHECK(extracted == fernet::Status::kOk && timestamp == plain.timestamp);

  // Exactly one key's MAC matched; find it and check the token under it.
  bool matched = false;
  for (size_t k = 0; k < key_count && !matched; ++k) {
    fernet::Decrypted single;
    if (fernet::decrypt(keys + k * fernet::kKeySize, 1, in.data, in.size, nullptr, single) ==
        fernet::Status::kOk) {
      check_accepted(keys + k * fernet::kKeySize, in.data, in.size, single);
      matched = true;
    }
  }
  FUZZ_CHECK(matched);

  fernet::Decrypted back;
  FUZZ_CHECK(fernet::decrypt(keys, 1, rotated.data(), rotated.size(), nullptr, back) ==
             fernet::Status::kOk);
  FUZZ_CHECK(back.timestamp == plain.timestamp && back.message_size == plain.message_size);
  FUZZ_CHECK(plain.message_size == 0 ||
             std::memcmp(back.message, plain.message, plain.message_size) == 0);
  return 0;
}

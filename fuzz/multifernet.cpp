// Input: a key count byte (1-4 keys used), that many 32-byte raw keys, a
// 16-byte IV for rotation, then token text. MultiFernet's rule: decrypt and
// rotate accept the token exactly when some single key does, and give the
// first such key's plaintext (a key whose MAC verifies but whose padding
// fails is passed over); extract_timestamp accepts every token decrypt
// accepts; a rotated token is a valid token under the first key with the
// same timestamp and plaintext. Keys here often share their signing half
// (the count byte's high bit copies key 0's into the others), so the
// passing-over is reached.
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const uint8_t* count_byte = in.take(1);
  if (count_byte == nullptr) return 0;
  const size_t key_count = size_t{1} + *count_byte % 4;
  const uint8_t* key_bytes = in.take(key_count * fernet::kKeySize);
  const uint8_t* iv = in.take(fernet::kIvSize);
  if (key_bytes == nullptr || iv == nullptr) return 0;
  uint8_t raw_keys[4 * fernet::kKeySize];
  std::memcpy(raw_keys, key_bytes, key_count * fernet::kKeySize);
  if (*count_byte & 0x80)
    for (size_t k = 1; k < key_count; ++k) std::memcpy(raw_keys + k * fernet::kKeySize, raw_keys, 16);
  fernet::Key keys[4];
  for (size_t k = 0; k < key_count; ++k)
    FUZZ_CHECK(fernet::prepare_key(raw_keys + k * fernet::kKeySize, keys[k]) == fernet::Status::kOk);

  fernet::Decrypted plain;
  const fernet::Status status = fernet::decrypt(keys, key_count, in.data, in.size, nullptr, plain);
  uint64_t timestamp = 0;
  const fernet::Status extracted =
      fernet::extract_timestamp(keys, key_count, in.data, in.size, &timestamp);
  fernet::SecureBuffer rotated;
  const fernet::Status rotation = fernet::rotate(keys, key_count, in.data, in.size, iv, rotated);
  FUZZ_CHECK(rotation == status);
  FUZZ_CHECK(status == fernet::Status::kOk || status == fernet::Status::kInvalidToken);

  // The first key that decrypts the token alone is the one MultiFernet uses.
  bool matched = false;
  for (size_t k = 0; k < key_count && !matched; ++k) {
    fernet::Decrypted single;
    if (fernet::decrypt(&keys[k], 1, in.data, in.size, nullptr, single) == fernet::Status::kOk) {
      check_accepted(keys[k], in.data, in.size, single);
      FUZZ_CHECK(status == fernet::Status::kOk && single.message_size == plain.message_size);
      FUZZ_CHECK(plain.message_size == 0 ||
                 std::memcmp(single.message, plain.message, plain.message_size) == 0);
      matched = true;
    }
  }
  FUZZ_CHECK(matched == (status == fernet::Status::kOk));
  if (status != fernet::Status::kOk) return 0;
  FUZZ_CHECK(extracted == fernet::Status::kOk && timestamp == plain.timestamp);

  fernet::Decrypted back;
  FUZZ_CHECK(fernet::decrypt(keys, 1, rotated.data(), rotated.size(), nullptr, back) ==
             fernet::Status::kOk);
  FUZZ_CHECK(back.timestamp == plain.timestamp && back.message_size == plain.message_size);
  FUZZ_CHECK(plain.message_size == 0 ||
             std::memcmp(back.message, plain.message, plain.message_size) == 0);
  return 0;
}

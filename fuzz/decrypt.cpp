// Input: 32 raw key bytes, then token text; decrypt without a TTL.
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  fernet::Key key;
  if (!in.take_key(key)) return 0;

  fernet::Decrypted plain;
  const fernet::Status status = fernet::decrypt(&key, 1, in.data, in.size, nullptr, plain);
  FUZZ_CHECK(status == fernet::Status::kOk || status == fernet::Status::kInvalidToken);

  uint64_t timestamp = 0;
  const fernet::Status extracted = fernet::extract_timestamp(&key, 1, in.data, in.size, &timestamp);
  FUZZ_CHECK(extracted == fernet::Status::kOk || extracted == fernet::Status::kInvalidToken);
  if (status != fernet::Status::kOk) return 0;
  FUZZ_CHECK(extracted == fernet::Status::kOk && timestamp == plain.timestamp);
  check_accepted(key, in.data, in.size, plain);
  return 0;
}

// Input: 32 raw key bytes, 8 bytes TTL (signed, big-endian), 8 bytes "now",
// then token text. Beyond not crashing: the TTL decision is Python's rule,
// recomputed here in 128-bit arithmetic, and a token accepted with a TTL is
// also accepted without one.
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  fernet::Key key;
  if (!in.take_key(key) || in.size < 16) return 0;
  const int64_t ttl = static_cast<int64_t>(in.take_u64());
  const uint64_t now = in.take_u64();
  const fernet::Freshness freshness{ttl, now};

  fernet::Decrypted with_ttl, without_ttl;
  const fernet::Status status = fernet::decrypt(&key, 1, in.data, in.size, &freshness, with_ttl);
  const fernet::Status plain = fernet::decrypt(&key, 1, in.data, in.size, nullptr, without_ttl);
  FUZZ_CHECK(status == fernet::Status::kOk || status == fernet::Status::kInvalidToken);
  if (plain != fernet::Status::kOk) {
    FUZZ_CHECK(status != fernet::Status::kOk);
    return 0;
  }
  const __int128 timestamp = without_ttl.timestamp;
  const bool expired = timestamp + ttl < static_cast<__int128>(now);
  const bool from_future = static_cast<__int128>(now) + fernet::kMaxClockSkew < timestamp;
  FUZZ_CHECK((status == fernet::Status::kOk) == (!expired && !from_future));
  if (status == fernet::Status::kOk) {
    FUZZ_CHECK(with_ttl.message_size == without_ttl.message_size);
    check_accepted(key, in.data, in.size, with_ttl);
  }
  return 0;
}

// Input: key text. parse_key must accept exactly the canonical base64url of
// 32 bytes: whatever it accepts, format_key must give back unchanged.
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fernet::Key key;
  const fernet::Status status = fernet::parse_key(data, size, key);
  FUZZ_CHECK(status == fernet::Status::kOk || status == fernet::Status::kInvalidKey);
  if (status != fernet::Status::kOk) return 0;
  uint8_t text[fernet::kKeyTextSize];
  fernet::format_key(key.raw, text);
  FUZZ_CHECK(size == fernet::kKeyTextSize && std::memcmp(text, data, size) == 0);
  return 0;
}

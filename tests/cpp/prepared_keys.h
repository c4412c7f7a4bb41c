// Raw keys as the tests write them (32 bytes each, concatenated) turned into
// the fernet::Key values the core's operations take.
#pragma once

#include <cstdint>
#include <vector>

#include "fernet.h"

inline std::vector<fernet::Key> prepared(const uint8_t* raw, size_t count) {
  std::vector<fernet::Key> keys(count);
  for (size_t k = 0; k < count; ++k) fernet::prepare_key(raw + k * fernet::kKeySize, keys[k]);
  return keys;
}

inline std::vector<fernet::Key> prepared(const std::vector<uint8_t>& raw) {
  return prepared(raw.data(), raw.size() / fernet::kKeySize);
}

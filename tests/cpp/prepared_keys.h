// Raw keys as the tests write them (32 bytes each, concatenated) turned into
// the fernet::Key values the core's operations take.
#pragma once

#include <cstdint>
#include <vector>

#include "fernet.h"
#include "fernet_stream.h"

inline std::vector<fernet::Key> prepared(const uint8_t* raw, size_t count) {
  std::vector<fernet::Key> keys(count);
  for (size_t k = 0; k < count; ++k) fernet::prepare_key(raw + k * fernet::kKeySize, keys[k]);
  return keys;
}

inline std::vector<fernet::Key> prepared(const std::vector<uint8_t>& raw) {
  return prepared(raw.data(), raw.size() / fernet::kKeySize);
}

// A stand-in for the random key of a verification's commitments (the library
// takes it from the platform CSPRNG): fixed bytes, so that runs repeat.
inline const uint8_t* commitment_key() {
  static const std::vector<uint8_t> key = [] {
    std::vector<uint8_t> bytes(fernet::kCommitmentKeySize);
    uint32_t state = 0x9e3779b9u;
    for (auto& b : bytes) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      b = static_cast<uint8_t>(state);
    }
    return bytes;
  }();
  return key.data();
}

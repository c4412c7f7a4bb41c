// Pieces of the format shared by the one-shot (fernet.cpp) and streaming
// (fernet_stream.cpp) code. Internal: not part of the core's API.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fernet.h"

namespace fernet::internal {

inline void store_be64(uint64_t value, uint8_t* out) {
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<uint8_t>(value);
}

inline uint64_t load_be64(const uint8_t* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = value << 8 | in[i];
  return value;
}

// The PKCS7 pad length of the final block, or 0 if the padding is invalid;
// constant-time over the last block.
inline size_t pkcs7_pad_length(const uint8_t* data, size_t size) {
  const uint8_t* last = data + size - kBlockSize;
  const uint32_t pad = last[kBlockSize - 1];
  uint32_t bad = (pad - 1) >> 31 & 1;            // pad == 0
  bad |= (uint32_t{kBlockSize} - pad) >> 31 & 1;  // pad > 16
  for (uint32_t i = 0; i < kBlockSize; ++i) {
    // Byte i of the block is padding when i >= 16 - pad.
    const uint32_t in_pad = ((kBlockSize - 1 - i) - pad) >> 31 & 1;
    bad |= in_pad & ((last[i] ^ pad) != 0);
  }
  return bad ? 0 : pad;
}

// Python's rule, without overflow: expired when timestamp + ttl < now,
// too far ahead when now + skew < timestamp.
inline bool is_fresh(uint64_t timestamp, const Freshness& f) {
  bool expired;
  if (f.ttl >= 0) {
    expired = f.now > timestamp && f.now - timestamp > static_cast<uint64_t>(f.ttl);
  } else {
    const uint64_t back = static_cast<uint64_t>(-(f.ttl + 1)) + 1;  // |ttl|, INT64_MIN safe
    expired = f.now > UINT64_MAX - back || timestamp < f.now + back;
  }
  const bool from_future = f.now <= UINT64_MAX - kMaxClockSkew && f.now + kMaxClockSkew < timestamp;
  return !expired && !from_future;
}

}  // namespace fernet::internal

// Shared by the libFuzzer targets: reading fixed-size fields off the front of
// the input, and failing loudly when a property the core promises is broken
// (a wrong answer is a finding, just like a crash).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base64url.h"
#include "fernet.h"

#define FUZZ_CHECK(condition)                                                   \
  do {                                                                          \
    if (!(condition)) {                                                         \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, \
                   #condition);                                                 \
      std::abort();                                                             \
    }                                                                           \
  } while (0)

struct FuzzInput {
  const uint8_t* data;
  size_t size;

  // Points at the next `n` bytes, or null when fewer remain.
  const uint8_t* take(size_t n) {
    if (size < n) return nullptr;
    const uint8_t* p = data;
    data += n;
    size -= n;
    return p;
  }

  // The next 32 bytes as a raw key, prepared as the core takes keys; false
  // when fewer remain.
  bool take_key(fernet::Key& key) {
    const uint8_t* raw = take(fernet::kKeySize);
    return raw != nullptr && fernet::prepare_key(raw, key) == fernet::Status::kOk;
  }

  uint64_t take_u64() {
    const uint8_t* p = take(8);
    uint64_t value = 0;
    for (int i = 0; p != nullptr && i < 8; ++i) value = value << 8 | p[i];
    return value;
  }
};

// A token the core accepted must be exactly the token encrypt() makes from
// the recovered parts under `key`: canonical base64, valid MAC, valid
// padding. A decoder, MAC or padding check that lets anything else through
// fails here even when nothing crashes.
inline void check_accepted(const fernet::Key& key, const uint8_t* token, size_t token_size,
                           const fernet::Decrypted& plain) {
  fernet::SecureBuffer raw;
  FUZZ_CHECK(raw.allocate(fernet::base64url::max_decoded_size(token_size)));
  size_t raw_size = 0;
  FUZZ_CHECK(fernet::base64url::decode(token, token_size, raw.data(), &raw_size));
  FUZZ_CHECK(raw_size >= fernet::kHeaderSize);
  const uint8_t* iv = raw.data() + fernet::kHeaderSize - fernet::kIvSize;  // the header ends with the IV
  fernet::SecureBuffer again;
  FUZZ_CHECK(fernet::encrypt(key, plain.timestamp, iv, plain.message, plain.message_size,
                             again) == fernet::Status::kOk);
  FUZZ_CHECK(again.size() == token_size && std::memcmp(again.data(), token, token_size) == 0);
}

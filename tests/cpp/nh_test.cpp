// NH (cpp/nh_block.h), the streams' segment commitments' hash, against the definition written
// out here word by word as the oracle: the vector form this build runs (SSE2 natively) and
// the portable form, on random text and keys, every unit count up to a whole key and every
// starting offset into the keys, from a nonzero running sum.
// The wasm build (SIMD128) is checked through the streams: tests/js/streams.test.js changes
// one character at each position of a unit between the passes and needs InvalidToken.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "nh_block.h"

namespace {

namespace nh = fernet::nh;

uint32_t le32(const std::vector<uint8_t>& bytes, size_t at) {
  return static_cast<uint32_t>(bytes[at]) | static_cast<uint32_t>(bytes[at + 1]) << 8 |
         static_cast<uint32_t>(bytes[at + 2]) << 16 | static_cast<uint32_t>(bytes[at + 3]) << 24;
}

// sum + NH of text[0..units * 32) under key p's words from key_offset, word w of each
// 32-byte unit paired with word w + 4.
uint64_t textbook_nh(uint64_t sum, const std::vector<uint8_t>& text, const std::vector<uint8_t>& key,
                     size_t p, size_t key_offset, size_t units) {
  const size_t words = units * 8;
  std::vector<uint32_t> m(words), k(words);
  for (size_t i = 0; i < words; ++i) {
    m[i] = le32(text, 4 * i);
    k[i] = le32(key, p * nh::kKeyStride + key_offset + 4 * i);
  }
  for (size_t unit = 0; unit < units; ++unit)
    for (size_t w = 0; w < 4; ++w) {
      const size_t i = 8 * unit + w, j = i + 4;
      sum += uint64_t{static_cast<uint32_t>(m[i] + k[i])} * static_cast<uint32_t>(m[j] + k[j]);
    }
  return sum;
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t size) {
  std::vector<uint8_t> bytes(size);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return bytes;
}

using Accumulate = void (*)(uint64_t*, const uint8_t*, const uint8_t*, size_t);

void check_against_textbook(Accumulate accumulate) {
  std::mt19937 rng(7);
  const auto key = random_bytes(rng, nh::kKeySize);
  for (size_t units = 0; units <= nh::kKeyStride / nh::kUnit; units += (units < 40 ? 1 : 13)) {
    const size_t offset = (rng() % (nh::kKeyStride / nh::kUnit - units + 1)) * nh::kUnit;
    const auto text = random_bytes(rng, units * nh::kUnit + 1);
    uint64_t sums[nh::kKeys];
    for (auto& s : sums) s = (uint64_t{rng()} << 32) | rng();
    uint64_t expected[nh::kKeys];
    for (size_t p = 0; p < nh::kKeys; ++p)
      expected[p] = textbook_nh(sums[p], text, key, p, offset, units);
    accumulate(sums, text.data(), key.data() + offset, units);
    for (size_t p = 0; p < nh::kKeys; ++p)
      ASSERT_EQ(sums[p], expected[p]) << "key " << p << ", " << units << " units at " << offset;
  }
}

TEST(Nh, VectorFormMatchesTheDefinition) { check_against_textbook(&nh::accumulate); }

TEST(Nh, PortableFormMatchesTheDefinition) { check_against_textbook(&nh::portable::accumulate); }

// Sums wrap modulo 2^64 and words modulo 2^32: all-ones text and keys reach both limits.
TEST(Nh, WrapsAsDefined) {
  const std::vector<uint8_t> text(nh::kKeyStride, 0xff), key(nh::kKeySize, 0xff);
  for (Accumulate accumulate : {Accumulate{&nh::accumulate}, Accumulate{&nh::portable::accumulate}}) {
    uint64_t sums[nh::kKeys] = {~uint64_t{0}, 1, 2, 3};
    accumulate(sums, text.data(), key.data(), nh::kKeyStride / nh::kUnit);
    for (size_t p = 0; p < nh::kKeys; ++p)
      EXPECT_EQ(sums[p], textbook_nh(p == 0 ? ~uint64_t{0} : p, text, key, p, 0, nh::kKeyStride / nh::kUnit));
  }
}

}  // namespace

// scrypt's Salsa20/8 core (cpp/salsa20_block.h), which works on blocks kept in slot order
// (salsa20::kOrder), against a textbook Salsa20/8 on words in their natural order, written
// here from RFC 7914 section 3 as the oracle:
//  - RFC 7914 section 8's known answer;
//  - random blocks XORed from two or three inputs, as BlockMix calls it, in the vector form
//    this build runs (SSE2 natively) and in the portable scalar form
//    (FERNET_SALSA20_PORTABLE, built for this test in salsa20_portable.cpp).
// The wasm build (SIMD128) is checked through scrypt against Python in tests/js/kdf.test.js
// and against the RFC's scrypt vectors in tests/cpp/kdf_test.cpp's native build.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <random>

#include "salsa20_block.h"
#include "salsa20_portable.h"

namespace {

using Block = std::array<uint32_t, 16>;

uint32_t rotl(uint32_t x, int n) { return x << n | x >> (32 - n); }

// RFC 7914 section 3, words in their natural order.
Block textbook_salsa20_8(const Block& in) {
  Block x = in;
  const auto step = [&x](int target, int a, int b, int n) { x[target] ^= rotl(x[a] + x[b], n); };
  for (int i = 0; i < 8; i += 2) {
    step(4, 0, 12, 7), step(8, 4, 0, 9), step(12, 8, 4, 13), step(0, 12, 8, 18);
    step(9, 5, 1, 7), step(13, 9, 5, 9), step(1, 13, 9, 13), step(5, 1, 13, 18);
    step(14, 10, 6, 7), step(2, 14, 10, 9), step(6, 2, 14, 13), step(10, 6, 2, 18);
    step(3, 15, 11, 7), step(7, 3, 15, 9), step(11, 7, 3, 13), step(15, 11, 7, 18);
    step(1, 0, 3, 7), step(2, 1, 0, 9), step(3, 2, 1, 13), step(0, 3, 2, 18);
    step(6, 5, 4, 7), step(7, 6, 5, 9), step(4, 7, 6, 13), step(5, 4, 7, 18);
    step(11, 10, 9, 7), step(8, 11, 10, 9), step(9, 8, 11, 13), step(10, 9, 8, 18);
    step(12, 15, 14, 7), step(13, 12, 15, 9), step(14, 13, 12, 13), step(15, 14, 13, 18);
  }
  for (int i = 0; i < 16; ++i) x[i] += in[i];
  return x;
}

Block to_slots(const Block& natural) {
  Block slots;
  for (int s = 0; s < 16; ++s) slots[s] = natural[fernet::salsa20::kOrder[s]];
  return slots;
}

Block from_slots(const Block& slots) {
  Block natural;
  for (int s = 0; s < 16; ++s) natural[fernet::salsa20::kOrder[s]] = slots[s];
  return natural;
}

using CoreOfXor = void (*)(uint32_t*, const uint32_t*, const uint32_t*, const uint32_t*);

// The core under test on natural-order words: in = p ^ q (^ r).
Block run(CoreOfXor core, const Block& p, const Block& q, const Block* r) {
  const Block ps = to_slots(p), qs = to_slots(q);
  Block rs{};
  if (r != nullptr) rs = to_slots(*r);
  Block out;
  core(out.data(), ps.data(), qs.data(), r != nullptr ? rs.data() : nullptr);
  return from_slots(out);
}

void vector_form(uint32_t* out, const uint32_t* p, const uint32_t* q, const uint32_t* r) {
  fernet::salsa20::core8_of_xor(out, p, q, r);
}

Block from_le_hex(const char* hex) {
  Block words{};
  for (int i = 0; i < 64; ++i) {
    unsigned byte = 0;
    std::sscanf(hex + 2 * i, "%2x", &byte);
    words[i / 4] |= uint32_t{static_cast<uint8_t>(byte)} << (8 * (i % 4));
  }
  return words;
}

TEST(Salsa20Core, Rfc7914Section8) {
  const Block in = from_le_hex(
      "7e879a214f3ec9867ca940e641718f26baee555b8c61c1b50df846116dcd3b1d"
      "ee24f319df9b3d8514121e4b5ac5aa3276021d2909c74829edebc68db8b8c25e");
  const Block expected = from_le_hex(
      "a41f859c6608cc993b81cacb020cef05044b2181a2fd337dfd7b1c6396682f29"
      "b4393168e3c9e6bcfe6bc5b7a06d96bae424cc102c91745c24ad673dc7618f81");
  const Block zero{};
  EXPECT_EQ(textbook_salsa20_8(in), expected);
  EXPECT_EQ(run(vector_form, in, zero, nullptr), expected);
  EXPECT_EQ(run(salsa20_portable::core8_of_xor, in, zero, nullptr), expected);
}

TEST(Salsa20Core, BothFormsMatchTheTextbookOnRandomInputs) {
  std::mt19937 random(20261129);
  for (int trial = 0; trial < 2000; ++trial) {
    Block p, q, r;
    for (auto* block : {&p, &q, &r}) {
      for (auto& word : *block) word = static_cast<uint32_t>(random());
    }
    const bool three = trial % 2 == 1;
    Block in;
    for (int i = 0; i < 16; ++i) in[i] = p[i] ^ q[i] ^ (three ? r[i] : 0);
    const Block expected = textbook_salsa20_8(in);
    ASSERT_EQ(run(vector_form, p, q, three ? &r : nullptr), expected) << trial;
    ASSERT_EQ(run(salsa20_portable::core8_of_xor, p, q, three ? &r : nullptr), expected) << trial;
  }
}

}  // namespace

#include "base64url.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using fernet::base64url::decode;
using fernet::base64url::decode_scalar;
using fernet::base64url::encode;
using fernet::base64url::encode_scalar;
using fernet::base64url::encoded_size;
using fernet::base64url::max_decoded_size;

std::string encode_string(const std::string& raw) {
  std::string out(encoded_size(raw.size()), '\0');
  encode(reinterpret_cast<const uint8_t*>(raw.data()), raw.size(),
         reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

bool decode_string(const std::string& text, std::string* raw) {
  std::vector<uint8_t> out(max_decoded_size(text.size()) + 1);
  size_t size = 0;
  if (!decode(reinterpret_cast<const uint8_t*>(text.data()), text.size(), out.data(), &size))
    return false;
  raw->assign(reinterpret_cast<const char*>(out.data()), size);
  return true;
}

TEST(Base64Url, EncodesRfc4648Vectors) {
  EXPECT_EQ(encode_string(""), "");
  EXPECT_EQ(encode_string("f"), "Zg==");
  EXPECT_EQ(encode_string("fo"), "Zm8=");
  EXPECT_EQ(encode_string("foo"), "Zm9v");
  EXPECT_EQ(encode_string("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode_string("\xfb\xff"), "-_8=");
}

TEST(Base64Url, RoundTripsEveryLengthAndByte) {
  std::string raw;
  for (int i = 0; i < 300; ++i) {
    std::string back;
    ASSERT_TRUE(decode_string(encode_string(raw), &back)) << i;
    EXPECT_EQ(back, raw);
    raw.push_back(static_cast<char>(i * 7 + 3));
  }
}

TEST(Base64Url, RejectsNonCanonicalText) {
  std::string out;
  for (const char* bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Zm+v", "Zm/v", "Zm9v\n", " Zm9v", "Zm9v====",
                          "Z===", "=Zm9", "Zg==Zm9v", "Zm8=Zm9v", "Zm\x80v"}) {
    EXPECT_FALSE(decode_string(bad, &out)) << bad;
  }
  ASSERT_TRUE(decode_string("Zm9vYmFy", &out));
  EXPECT_EQ(out, "foobar");
}

// ---- The vector kernel against the scalar codec ------------------------------------------
// encode/decode run the bulk of their input through a 16-byte kernel (SSSE3 here, SIMD128 in
// the wasm build) and the rest through encode_scalar/decode_scalar; both must agree with the
// scalar codec on everything, valid or not.

// Decodes `text` with both and expects the same verdict and the same bytes. Each output buffer
// is exactly max_decoded_size with guard bytes after it, which must stay untouched.
void expect_same_decode(const std::string& text, const std::string& what) {
  const size_t room = max_decoded_size(text.size());
  constexpr size_t kGuard = 32;
  std::vector<uint8_t> fast(room + kGuard, 0xa5), slow(room + kGuard, 0xa5);
  size_t fast_size = 12345, slow_size = 12345;
  const auto* in = reinterpret_cast<const uint8_t*>(text.data());
  const bool fast_ok = decode(in, text.size(), fast.data(), &fast_size);
  const bool slow_ok = decode_scalar(in, text.size(), slow.data(), &slow_size);
  ASSERT_EQ(fast_ok, slow_ok) << what << ": " << text;
  const bool guard_intact =
      std::all_of(fast.begin() + room, fast.end(), [](uint8_t b) { return b == 0xa5; });
  ASSERT_TRUE(guard_intact) << what << " wrote past the room";
  if (!fast_ok) return;
  ASSERT_EQ(fast_size, slow_size) << what;
  ASSERT_EQ(0, std::memcmp(fast.data(), slow.data(), fast_size)) << what;
}

std::string random_bytes(std::mt19937& rng, size_t size) {
  std::string raw(size, '\0');
  for (auto& c : raw) c = static_cast<char>(rng() & 0xff);
  return raw;
}

std::string encode_scalar_string(const std::string& raw) {
  std::string out(encoded_size(raw.size()), '\0');
  encode_scalar(reinterpret_cast<const uint8_t*>(raw.data()), raw.size(),
                reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

TEST(Base64Url, EncodeMatchesScalarForEveryLength) {
  std::mt19937 rng(1);
  for (size_t size = 0; size <= 600; ++size) {
    const std::string raw = random_bytes(rng, size);
    // The input sits at the very end of its buffer so a read past it is an ASan error.
    std::vector<uint8_t> exact(raw.begin(), raw.end());
    std::string fast(encoded_size(size) + 16, '#');
    encode(exact.data(), size, reinterpret_cast<uint8_t*>(fast.data()));
    ASSERT_EQ(fast.substr(encoded_size(size)), std::string(16, '#')) << size << ": wrote past the end";
    fast.resize(encoded_size(size));
    ASSERT_EQ(fast, encode_scalar_string(raw)) << size;
    std::string back;
    ASSERT_TRUE(decode_string(fast, &back)) << size;
    ASSERT_EQ(back, raw) << size;
  }
}

TEST(Base64Url, EncodesAllSixtyFourValuesInEveryLane) {
  // 48 bytes that encode to the alphabet in order, at each offset into a longer input, so every
  // value passes through every lane of the kernel.
  std::string raw;
  for (size_t i = 0; i < 64; i += 4) {
    const uint32_t v = uint32_t(i) << 18 | uint32_t(i + 1) << 12 | uint32_t(i + 2) << 6 | uint32_t(i + 3);
    raw += {static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  }
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  ASSERT_EQ(encode_string(raw), alphabet);
  for (size_t shift = 0; shift < 16; ++shift) {
    const std::string text = encode_string(std::string(shift * 3, 'x') + raw + raw);
    EXPECT_EQ(text.substr(shift * 4, 128), alphabet + alphabet) << shift;
    std::string back;
    ASSERT_TRUE(decode_string(text, &back));
    EXPECT_EQ(back.substr(shift * 3), raw + raw);
  }
}

TEST(Base64Url, DecodeMatchesScalarForEveryLengthAndCorruption) {
  std::mt19937 rng(2);
  // Bytes that must be refused anywhere but in padding, beside random ones.
  const uint8_t special[] = {'=', '+', '/', 0x80, 0xff, 0xad, 0xdf, 0x00, '@', '`', '[', '{', ' ', '\n',
                             0x2c, 0x2e, 0x3a, 0x5e, 0x60, 0x7b, 0x7f};
  size_t next_special = 0;
  for (size_t size = 0; size <= 600; ++size) {
    const std::string text = encode_string(random_bytes(rng, size));
    expect_same_decode(text, "intact " + std::to_string(size));
    for (size_t pos = 0; pos < text.size(); ++pos) {
      std::string bad = text;
      bad[pos] = static_cast<char>(rng() & 0xff);
      expect_same_decode(bad, "random byte at " + std::to_string(pos));
      bad[pos] = static_cast<char>(special[next_special++ % sizeof special]);
      expect_same_decode(bad, "special byte at " + std::to_string(pos));
      if (::testing::Test::HasFatalFailure()) return;
    }
    // Truncated and extended texts (lengths that are not a multiple of 4 included).
    expect_same_decode(text.substr(0, text.size() / 2), "half");
    expect_same_decode(text + "AAAA", "group after padding");
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(Base64Url, DecodeClassifiesEveryByteInEveryLane) {
  // Each of the 256 byte values at each position of a 96-character text: the kernel's blocks
  // cover every lane, and the last groups go to the scalar code.
  std::mt19937 rng(3);
  const std::string text = encode_string(random_bytes(rng, 72));
  ASSERT_EQ(text.size(), 96u);
  for (size_t pos = 0; pos < text.size(); ++pos) {
    for (int value = 0; value < 256; ++value) {
      std::string bad = text;
      bad[pos] = static_cast<char>(value);
      expect_same_decode(bad, "byte " + std::to_string(value) + " at " + std::to_string(pos));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  // The alphabet itself, in every lane, decodes to what the scalar code makes.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t shift = 0; shift < 16; shift += 4)
    expect_same_decode(std::string(shift, 'A') + alphabet + alphabet + "AAAA", "alphabet");
}

}  // namespace

#include "base64url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using fernet::base64url::decode;
using fernet::base64url::encode;
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

}  // namespace

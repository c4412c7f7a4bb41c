#include "fernet.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base64url.h"
#include "fernet_internal.h"
#include "prepared_keys.h"
#include "mbedtls/aes.h"
#include "mbedtls/md.h"

namespace {

using fernet::Decrypted;
using fernet::Freshness;
using fernet::SecureBuffer;
using fernet::Status;

// Made with Python's cryptography 48:
//   Fernet(key)._encrypt_from_parts(msg, 1700000000, bytes(range(16)))
// where key = urlsafe_b64encode(bytes(range(100, 132))).
constexpr char kKeyText[] = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=";
constexpr uint64_t kTime = 1700000000;
struct PythonVector {
  std::string message;
  std::string token;
};
const PythonVector kPythonVectors[] = {
    {"", "gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD_oCxom6GeJLDdcDRSlBx40b0_nERSomQeK__XTovgTv1Rw7iyZRKovXIXINQDScnA=="},
    {"fernet-wasm",
     "gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD3wy6x31JCj2xAjN4lPEbePkB6I9cL_S7KpRmWxyFI7hNChLHDJHn39qnLuQj0z_dw=="},
    {std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 17),
     "gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD9jikyn0zcvfgC21mrA2vTRruz4ev6Kdm9B4PyMQjgGOTBvf_y9fSvsDmdF8DIMj77zPwMwEjKanhyNmhaXg9i8="},
};

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::vector<uint8_t> parse(const std::string& text) {
  fernet::Key key;
  EXPECT_EQ(fernet::parse_key(bytes(text), text.size(), key), Status::kOk) << text;
  return std::vector<uint8_t>(key.raw, key.raw + fernet::kKeySize);
}

std::vector<uint8_t> iota_iv() {
  std::vector<uint8_t> iv(fernet::kIvSize);
  for (size_t i = 0; i < iv.size(); ++i) iv[i] = static_cast<uint8_t>(i);
  return iv;
}

std::string encrypt(const std::vector<uint8_t>& key, const std::string& message,
                    uint64_t time = kTime) {
  SecureBuffer token;
  EXPECT_EQ(fernet::encrypt(prepared(key)[0], time, iota_iv().data(), bytes(message), message.size(), token),
            Status::kOk);
  return std::string(reinterpret_cast<const char*>(token.data()), token.size());
}

Status decrypt(const std::vector<uint8_t>& keys, const std::string& token, std::string* message,
               const Freshness* freshness = nullptr) {
  Decrypted out;
  const Status status = fernet::decrypt(prepared(keys).data(), keys.size() / fernet::kKeySize, bytes(token),
                                        token.size(), freshness, out);
  if (status == Status::kOk && message != nullptr)
    message->assign(reinterpret_cast<const char*>(out.message), out.message_size);
  return status;
}

TEST(Fernet, MatchesPythonByteForByte) {
  const auto key = parse(kKeyText);
  for (const auto& v : kPythonVectors) {
    EXPECT_EQ(encrypt(key, v.message), v.token);
    std::string message;
    ASSERT_EQ(decrypt(key, v.token, &message), Status::kOk);
    EXPECT_EQ(message, v.message);
  }
}

TEST(Fernet, TokenSizeMatchesOutput) {
  const auto key = parse(kKeyText);
  for (size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 255, 1000}) {
    EXPECT_EQ(encrypt(key, std::string(n, 'x')).size(), fernet::token_size(n)) << n;
  }
}

// Node's build encrypts with AES and HMAC in one loop, the browser's in two passes
// (fernet::Passes): the same tokens, on every length to 600 (the loop takes over from
// about 128 bytes) and on random longer ones, under random keys, IVs and times.
TEST(Fernet, OneLoopAndTwoPassesGiveTheSameTokens) {
  std::mt19937_64 rng(20261130);
  std::vector<uint8_t> raw(fernet::kKeySize), iv(fernet::kIvSize);
  for (size_t n = 0; n < 640; ++n) {
    const size_t size = n < 600 ? n : 600 + rng() % 70000;
    for (auto& b : raw) b = static_cast<uint8_t>(rng());
    for (auto& b : iv) b = static_cast<uint8_t>(rng());
    std::string message(size, '\0');
    for (auto& c : message) c = static_cast<char>(rng());
    const uint64_t time = rng();
    const fernet::Key key = prepared(raw)[0];
    SecureBuffer one, two;
    ASSERT_EQ(fernet::encrypt<fernet::Passes::kOne>(key, time, iv.data(), bytes(message), size, one),
              Status::kOk);
    ASSERT_EQ(fernet::encrypt<fernet::Passes::kTwo>(key, time, iv.data(), bytes(message), size, two),
              Status::kOk);
    const std::string token(reinterpret_cast<const char*>(one.data()), one.size());
    ASSERT_EQ(token, std::string(reinterpret_cast<const char*>(two.data()), two.size())) << size;
    std::string back;
    ASSERT_EQ(decrypt(raw, token, &back), Status::kOk) << size;
    ASSERT_EQ(back, message) << size;
  }
}

// The core's HMAC starts from the states prepare_key computed; mbedTLS's own
// HMAC (md.c) is the oracle, whole and in pieces, on every length to 300.
TEST(Fernet, PreparedKeyHmacMatchesMbedtls) {
  std::vector<uint8_t> raw(fernet::kKeySize), data(300);
  uint32_t seed = 12345;
  auto next = [&] { return static_cast<uint8_t>((seed = seed * 1103515245u + 12345u) >> 16); };
  for (size_t size = 0; size <= data.size(); ++size) {
    for (auto& b : raw) b = next();
    for (auto& b : data) b = next();
    fernet::Key key;
    ASSERT_EQ(fernet::prepare_key(raw.data(), key), Status::kOk);
    uint8_t expected[fernet::kHmacSize], whole[fernet::kHmacSize], pieces[fernet::kHmacSize];
    ASSERT_EQ(mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), raw.data(), 16, data.data(),
                              size, expected), 0);
    ASSERT_EQ(fernet::internal::hmac_sha256(key, data.data(), size, whole), Status::kOk);
    fernet::internal::Hmac hmac;
    fernet::internal::hmac_start(hmac, key);
    const size_t cut = size / 3;
    ASSERT_EQ(fernet::internal::hmac_update(hmac, data.data(), cut), Status::kOk);
    ASSERT_EQ(fernet::internal::hmac_update(hmac, data.data() + cut, size - cut), Status::kOk);
    ASSERT_EQ(fernet::internal::hmac_finish(hmac, pieces), Status::kOk);
    EXPECT_EQ(std::memcmp(whole, expected, sizeof expected), 0) << size;
    EXPECT_EQ(std::memcmp(pieces, expected, sizeof expected), 0) << size;
    EXPECT_EQ(std::memcmp(key.raw, raw.data(), raw.size()), 0);
  }
}

// format_key's constant-time encoder against the token codec's table-driven one.
TEST(Fernet, KeyTextMatchesBase64urlOnRandomKeys) {
  std::mt19937 random(20261129);
  for (int round = 0; round < 2000; ++round) {
    uint8_t raw[fernet::kKeySize];
    for (auto& byte : raw) byte = static_cast<uint8_t>(random());
    uint8_t text[fernet::kKeyTextSize];
    uint8_t expected[fernet::base64url::encoded_size(fernet::kKeySize)];
    fernet::format_key(raw, text);
    fernet::base64url::encode_scalar(raw, sizeof raw, expected);
    ASSERT_EQ(sizeof expected, sizeof text);
    ASSERT_EQ(std::memcmp(text, expected, sizeof text), 0) << round;
  }
}

TEST(Fernet, KeyTextRoundTripsAndRejectsNonCanonical) {
  const auto key = parse(kKeyText);
  uint8_t text[fernet::kKeyTextSize];
  fernet::format_key(key.data(), text);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(text), sizeof text), kKeyText);

  fernet::Key out;
  const std::string good = kKeyText;
  for (const std::string& bad : {
           good.substr(0, 43),                   // no padding
           good + "=",                           // extra padding
           good.substr(0, 42) + "N=",            // non-zero trailing bits
           std::string("ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="),  // standard alphabet
           good.substr(0, 20) + " " + good.substr(21),
           std::string("ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgg=="),  // 31 bytes
           std::string(""),
       }) {
    EXPECT_EQ(fernet::parse_key(bytes(bad), bad.size(), out), Status::kInvalidKey) << bad;
  }
}

TEST(Fernet, EveryTamperedByteIsRejected) {
  const auto key = parse(kKeyText);
  const std::string token = encrypt(key, "attack at dawn");
  // Decode, flip each raw byte, re-encode: every field (version, time, IV,
  // ciphertext, HMAC) is covered.
  Decrypted plain;
  ASSERT_EQ(fernet::decrypt(prepared(key).data(), 1, bytes(token), token.size(), nullptr, plain), Status::kOk);
  const size_t raw_size = fernet::kHeaderSize + 16 + fernet::kHmacSize;
  for (size_t i = 0; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(decrypt(key, bad, nullptr), Status::kInvalidToken) << i;
  }
  EXPECT_EQ(token.size(), (raw_size + 2) / 3 * 4);
}

TEST(Fernet, RejectsMalformedTokens) {
  const auto key = parse(kKeyText);
  const std::string token = encrypt(key, "hello");
  for (const std::string& bad : {
           std::string(""), std::string("gA=="), token.substr(0, token.size() - 4),
           token + "AAAA", token.substr(0, token.size() - 1), token + "\n", " " + token,
           std::string(token).replace(0, 1, "h"),  // version 0x84
       }) {
    EXPECT_EQ(decrypt(key, bad, nullptr), Status::kInvalidToken) << bad;
  }
}

TEST(Fernet, WrongKeyIsInvalidTokenAndMultiKeyFindsTheRightOne) {
  const auto key = parse(kKeyText);
  std::vector<uint8_t> other(fernet::kKeySize, 7);
  const std::string token = encrypt(key, "rotate me");
  EXPECT_EQ(decrypt(other, token, nullptr), Status::kInvalidToken);
  std::vector<uint8_t> ring = other;
  ring.insert(ring.end(), key.begin(), key.end());
  std::string message;
  ASSERT_EQ(decrypt(ring, token, &message), Status::kOk);
  EXPECT_EQ(message, "rotate me");

  SecureBuffer rotated;
  ASSERT_EQ(fernet::rotate(prepared(ring).data(), 2, bytes(token), token.size(), iota_iv().data(), rotated),
            Status::kOk);
  const std::string rotated_text(reinterpret_cast<char*>(rotated.data()), rotated.size());
  EXPECT_EQ(decrypt(key, rotated_text, nullptr), Status::kInvalidToken);
  ASSERT_EQ(decrypt(other, rotated_text, &message), Status::kOk);
  EXPECT_EQ(message, "rotate me");
  uint64_t timestamp = 0;
  ASSERT_EQ(fernet::extract_timestamp(prepared(other).data(), 1, bytes(rotated_text), rotated_text.size(),
                                      &timestamp),
            Status::kOk);
  EXPECT_EQ(timestamp, kTime);
  EXPECT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(rotated_text), rotated_text.size(),
                                      &timestamp),
            Status::kInvalidToken);
}

TEST(Fernet, TtlAndClockSkewFollowPython) {
  const auto key = parse(kKeyText);
  const std::string token = encrypt(key, "fresh");
  auto check = [&](int64_t ttl, uint64_t now) {
    const Freshness f{ttl, now};
    return decrypt(key, token, nullptr, &f);
  };
  EXPECT_EQ(check(10, kTime + 10), Status::kOk);            // timestamp + ttl == now
  EXPECT_EQ(check(10, kTime + 11), Status::kInvalidToken);  // timestamp + ttl < now
  EXPECT_EQ(check(0, kTime), Status::kOk);
  EXPECT_EQ(check(0, kTime + 1), Status::kInvalidToken);
  EXPECT_EQ(check(100, kTime - 60), Status::kOk);            // now + 60 == timestamp
  EXPECT_EQ(check(100, kTime - 61), Status::kInvalidToken);  // too far in the future
  EXPECT_EQ(check(-1, kTime - 1), Status::kOk);            // timestamp - 1 == now
  EXPECT_EQ(check(-1, kTime), Status::kInvalidToken);       // timestamp - 1 < now
  EXPECT_EQ(check(INT64_MIN, 0), Status::kInvalidToken);
  EXPECT_EQ(check(INT64_MAX, UINT64_MAX), Status::kInvalidToken);
}

TEST(Fernet, TimestampsUseAllSixtyFourBits) {
  const auto key = parse(kKeyText);
  const std::string token = encrypt(key, "far future", UINT64_MAX);
  uint64_t timestamp = 0;
  ASSERT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp),
            Status::kOk);
  EXPECT_EQ(timestamp, UINT64_MAX);
  const Freshness at_end{0, UINT64_MAX};
  EXPECT_EQ(decrypt(key, token, nullptr, &at_end), Status::kOk);
  const Freshness late{5, UINT64_MAX - 100};
  EXPECT_EQ(decrypt(key, token, nullptr, &late), Status::kInvalidToken);  // skew
}

// Tokens with a valid HMAC can only be made with the key, so these are built
// by hand with mbedTLS: the MAC passes and the padding check must still fail.
std::string signed_token(const std::vector<uint8_t>& key, const std::vector<uint8_t>& plaintext_blocks) {
  std::vector<uint8_t> raw(fernet::kHeaderSize + plaintext_blocks.size() + fernet::kHmacSize);
  raw[0] = fernet::kVersion;
  const auto iv = iota_iv();
  std::memcpy(raw.data() + fernet::kHeaderSize - fernet::kIvSize, iv.data(), iv.size());
  std::memcpy(raw.data() + fernet::kHeaderSize, plaintext_blocks.data(), plaintext_blocks.size());
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  mbedtls_aes_setkey_enc(&aes, key.data() + 16, 128);
  uint8_t chain[16];
  std::memcpy(chain, iv.data(), 16);
  mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_ENCRYPT, plaintext_blocks.size(), chain,
                        raw.data() + fernet::kHeaderSize, raw.data() + fernet::kHeaderSize);
  mbedtls_aes_free(&aes);
  const size_t signed_size = raw.size() - fernet::kHmacSize;
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key.data(), 16, raw.data(),
                  signed_size, raw.data() + signed_size);
  std::string text(fernet::base64url::encoded_size(raw.size()), '\0');
  fernet::base64url::encode(raw.data(), raw.size(), reinterpret_cast<uint8_t*>(text.data()));
  return text;
}

TEST(Fernet, BadPaddingUnderAValidMacIsInvalidToken) {
  const auto key = parse(kKeyText);
  std::vector<uint8_t> block(16, 'p');
  block[15] = 1;  // valid padding: one byte of 0x01
  std::string message;
  ASSERT_EQ(decrypt(key, signed_token(key, block), &message), Status::kOk);
  EXPECT_EQ(message, std::string(15, 'p'));
  for (uint8_t last : {0, 17, 255}) {
    block[15] = last;
    EXPECT_EQ(decrypt(key, signed_token(key, block), nullptr), Status::kInvalidToken) << int(last);
  }
  block[15] = 2;  // claims two bytes of padding, but byte 14 is 'p'
  EXPECT_EQ(decrypt(key, signed_token(key, block), nullptr), Status::kInvalidToken);
  block[14] = 2;
  ASSERT_EQ(decrypt(key, signed_token(key, block), &message), Status::kOk);
  EXPECT_EQ(message, std::string(14, 'p'));
}

// Raw token bytes `body` followed by their HMAC under `key`, as text: any
// shape, including ones encrypt() never makes.
std::string signed_raw(const std::vector<uint8_t>& key, const std::vector<uint8_t>& body) {
  std::vector<uint8_t> raw(body);
  raw.resize(body.size() + fernet::kHmacSize);
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key.data(), 16, body.data(),
                  body.size(), raw.data() + body.size());
  std::string text(fernet::base64url::encoded_size(raw.size()), '\0');
  fernet::base64url::encode(raw.data(), raw.size(), reinterpret_cast<uint8_t*>(text.data()));
  return text;
}

TEST(Fernet, ExtractTimestampChecksExactlyWhatPythonChecks) {
  // key = bytes(range(100, 132)); body = (b"\x80" + (1700000000).to_bytes(8, "big") +
  // bytes(range(30, 94)))[:n]; token = urlsafe_b64encode(body + HMAC(key[:16], body)).
  // Python 38 and 48 both: extract_timestamp(token) == 1700000000 for every
  // n >= 9 below, and decrypt(token) raises InvalidToken for all of them.
  // For n == 1 the "timestamp" is data[1:9], read from the MAC itself:
  // Python gives 6793891280062041023; for n == 8, 72623859790382888.
  const auto key = parse(kKeyText);
  std::vector<uint8_t> header = {fernet::kVersion, 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00};
  for (uint8_t b = 30; b < 94; ++b) header.push_back(b);
  for (size_t n : {9, 10, 24, 25, 26, 40, 41, 42, 56, 57, 58, 73}) {
    const std::string token = signed_raw(key, std::vector<uint8_t>(header.begin(), header.begin() + static_cast<long>(n)));
    uint64_t timestamp = 0;
    ASSERT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp),
              Status::kOk) << n;
    EXPECT_EQ(timestamp, kTime) << n;
    EXPECT_EQ(decrypt(key, token, nullptr), Status::kInvalidToken) << n;
  }
  const std::vector<uint8_t> short_body = {fernet::kVersion, 1, 2, 3, 4, 5, 6, 7, 8};
  uint64_t timestamp = 0;
  std::string token = signed_raw(key, {fernet::kVersion});
  ASSERT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp), Status::kOk);
  EXPECT_EQ(timestamp, 6793891280062041023u);
  token = signed_raw(key, std::vector<uint8_t>(short_body.begin(), short_body.begin() + 8));
  ASSERT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp), Status::kOk);
  EXPECT_EQ(timestamp, 72623859790382888u);
  // n == 0: the whole token is the MAC of nothing, accepted only when it
  // starts with 0x80. Python: rejected under this key; under
  // bytes((142 + 7 * i) & 255 for i in range(32)) accepted, timestamp
  // 3106155190054505873.
  token = signed_raw(key, {});
  EXPECT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp),
            Status::kInvalidToken);
  std::vector<uint8_t> lucky(fernet::kKeySize);
  for (size_t i = 0; i < lucky.size(); ++i) lucky[i] = static_cast<uint8_t>(142 + 7 * i);
  token = signed_raw(lucky, {});
  ASSERT_EQ(fernet::extract_timestamp(prepared(lucky).data(), 1, bytes(token), token.size(), &timestamp), Status::kOk);
  EXPECT_EQ(timestamp, 3106155190054505873u);
  // Still refused: a wrong version, fewer than 9 bytes, a MAC under another key.
  std::vector<uint8_t> wrong_version(header.begin(), header.begin() + 20);
  wrong_version[0] = 0x81;
  token = signed_raw(key, wrong_version);
  EXPECT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp), Status::kInvalidToken);
  token = "gAECAwQFBg==";  // 0x80 + 6 bytes
  EXPECT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp), Status::kInvalidToken);
  token = signed_raw(lucky, std::vector<uint8_t>(header.begin(), header.begin() + 30));
  EXPECT_EQ(fernet::extract_timestamp(prepared(key).data(), 1, bytes(token), token.size(), &timestamp), Status::kInvalidToken);
  // MultiFernet.extract_timestamp: any key, in order.
  std::vector<uint8_t> ring = key;
  ring.insert(ring.end(), lucky.begin(), lucky.end());
  ASSERT_EQ(fernet::extract_timestamp(prepared(ring).data(), 2, bytes(token), token.size(), &timestamp), Status::kOk);
  EXPECT_EQ(timestamp, kTime);
}

TEST(Fernet, KeysSharingASigningHalfFollowMultiFernet) {
  // Python 38 and 48: A = S + E1, B = S + E2 with S = bytes(range(100, 116)),
  // E1 = bytes(range(200, 216)), E2 = bytes(range(50, 66)); tokens are
  // B._encrypt_from_parts(msg, 1700000000, bytes(range(16))).
  // A.decrypt(token) raises InvalidToken (its MAC verifies, its padding does
  // not); MultiFernet([A, B]).decrypt(token) == msg.
  std::vector<uint8_t> a(32), b(32);
  for (uint8_t i = 0; i < 16; ++i) {
    a[i] = b[i] = static_cast<uint8_t>(100 + i);
    a[16 + i] = static_cast<uint8_t>(200 + i);
    b[16 + i] = static_cast<uint8_t>(50 + i);
  }
  const std::pair<std::string, std::string> vectors[] = {
      {"shared signing half",
       "gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD_aUI8twz8YAuhzkvVmgQQ9bVOFVeg3hPOHPs_NMAcEODQM3CU27C_O89DrUWUU498uZneS5Qsy1e3TYzTU0DM4="},
      {"", "gAAAAABlU_EAAAECAwQFBgcICQoLDA0ODze6lC1QIMoPNqN8VynkkkIYTaFVjrcavB38P6X4abdcsbR7Ae8zbiV4F-Gyr1p3tg=="},
      {std::string(100, 'x'),
       "gAAAAABlU_EAAAECAwQFBgcICQoLDA0ODx8wapyxgNDpLJYHiTPaNXp9apBNMtSQfeTu0M84mgnHggVeHoXRdUsXRUsK_lSrGi-jJe-"
       "MT5aIJ6j69GPnTrzU9TiLJelYOxubpJtkcJBawflSsR6yg7RQdvjtyjKcggypVFhr6s06c8U4VIS2HGsyP6J3tFlViIa5vRjFePQee2uXz8XV"
       "SMjz8XmtG-uIng=="},
  };
  std::vector<uint8_t> ring = a;
  ring.insert(ring.end(), b.begin(), b.end());
  for (const auto& [message, token] : vectors) {
    EXPECT_EQ(encrypt(b, message), token);
    EXPECT_EQ(decrypt(a, token, nullptr), Status::kInvalidToken);
    std::string plain;
    ASSERT_EQ(decrypt(ring, token, &plain), Status::kOk);
    EXPECT_EQ(plain, message);
    SecureBuffer rotated;
    ASSERT_EQ(fernet::rotate(prepared(ring).data(), 2, bytes(token), token.size(), iota_iv().data(), rotated),
              Status::kOk);
    // Re-encrypted under the first key, A.
    ASSERT_EQ(decrypt(a, std::string(reinterpret_cast<char*>(rotated.data()), rotated.size()), &plain),
              Status::kOk);
    EXPECT_EQ(plain, message);
    uint64_t timestamp = 0;
    EXPECT_EQ(fernet::extract_timestamp(prepared(a).data(), 1, bytes(token), token.size(), &timestamp), Status::kOk);
  }
}

TEST(Fernet, AnyNumberOfKeys) {
  std::vector<uint8_t> ring;
  for (int k = 0; k < 100; ++k)
    for (int i = 0; i < 32; ++i) ring.push_back(static_cast<uint8_t>(k * 3 + i));
  const std::vector<uint8_t> last(ring.end() - 32, ring.end());
  const std::string token = encrypt(last, "key 99");
  std::string plain;
  ASSERT_EQ(decrypt(ring, token, &plain), Status::kOk);
  EXPECT_EQ(plain, "key 99");
}

TEST(Fernet, RefusedTokensLeaveNothingBehind) {
  const auto key = parse(kKeyText);
  std::string token = encrypt(key, "secret");
  token[60] = token[60] == 'A' ? 'B' : 'A';
  Decrypted out;
  ASSERT_EQ(fernet::decrypt(prepared(key).data(), 1, bytes(token), token.size(), nullptr, out), Status::kInvalidToken);
  EXPECT_EQ(out.storage.data(), nullptr);
  EXPECT_EQ(out.message, nullptr);
}

TEST(Fernet, OutOfMemoryIsReportedAndNothingLeaks) {
  const auto key = parse(kKeyText);
  const std::string token = encrypt(key, "memory");
  const size_t before = fernet::live_allocations();
  for (size_t budget = 0; budget < 8; ++budget) {
    fernet::internal::fail_allocations_after(budget);
    SecureBuffer out;
    const Status enc = fernet::encrypt(prepared(key)[0], kTime, iota_iv().data(), bytes(std::string("memory")), 6, out);
    Decrypted plain;
    const Status dec = fernet::decrypt(prepared(key).data(), 1, bytes(token), token.size(), nullptr, plain);
    fernet::internal::fail_allocations_after(SIZE_MAX);
    EXPECT_TRUE(enc == Status::kOk || enc == Status::kOutOfMemory) << budget;
    EXPECT_TRUE(dec == Status::kOk || dec == Status::kOutOfMemory) << budget;
    if (enc == Status::kOk) EXPECT_EQ(std::string(reinterpret_cast<char*>(out.data()), out.size()), token);
    if (dec == Status::kOk) EXPECT_EQ(std::string(reinterpret_cast<const char*>(plain.message), plain.message_size), "memory");
  }
  EXPECT_EQ(fernet::live_allocations(), before);
}

}  // namespace

#include "fernet_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fernet.h"

namespace {

using fernet::SecureBuffer;
using fernet::Status;
using fernet::StreamDecryptor;
using fernet::StreamEncryptor;

std::vector<uint8_t> test_key(uint8_t seed) {
  std::vector<uint8_t> key(fernet::kKeySize);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i * 13);
  return key;
}

std::vector<uint8_t> message(size_t size) {
  std::vector<uint8_t> m(size);
  for (size_t i = 0; i < size; ++i) m[i] = static_cast<uint8_t>(i * 31 + 7);
  return m;
}

const uint8_t kIv[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
constexpr uint64_t kTime = 1700000000;

std::string one_shot(const std::vector<uint8_t>& key, const std::vector<uint8_t>& m) {
  SecureBuffer token;
  EXPECT_EQ(fernet::encrypt(key.data(), kTime, kIv, m.data(), m.size(), token), Status::kOk);
  return std::string(reinterpret_cast<char*>(token.data()), token.size());
}

std::string streamed(const std::vector<uint8_t>& key, const std::vector<uint8_t>& m, size_t chunk) {
  StreamEncryptor enc;
  std::vector<uint8_t> out(StreamEncryptor::max_update_output(m.size()) + 64 + StreamEncryptor::kMaxFinishOutput +
                           m.size() / chunk * 8);
  size_t total = 0, written = 0;
  EXPECT_EQ(enc.start(key.data(), kTime, kIv, out.data(), &written), Status::kOk);
  total += written;
  for (size_t i = 0; i < m.size(); i += chunk) {
    const size_t n = std::min(chunk, m.size() - i);
    EXPECT_EQ(enc.update(m.data() + i, n, out.data() + total, &written), Status::kOk);
    EXPECT_LE(written, StreamEncryptor::max_update_output(n));
    total += written;
  }
  EXPECT_EQ(enc.finish(out.data() + total, &written), Status::kOk);
  total += written;
  return std::string(reinterpret_cast<char*>(out.data()), total);
}

// Feeds `token` in chunks; returns the status of the first failing call or of finish().
Status stream_decrypt(const std::vector<uint8_t>& keys, const std::string& token, size_t chunk,
                      bool decrypt, std::vector<uint8_t>* plain, size_t* key_index = nullptr,
                      const fernet::Freshness* freshness = nullptr) {
  StreamDecryptor dec;
  Status s = dec.start(keys.data(), keys.size() / fernet::kKeySize, freshness, decrypt);
  if (s != Status::kOk) return s;
  plain->clear();
  const auto* text = reinterpret_cast<const uint8_t*>(token.data());
  for (size_t i = 0; i < token.size(); i += chunk) {
    const size_t n = std::min(chunk, token.size() - i);
    std::vector<uint8_t> out(StreamDecryptor::max_update_output(n));
    size_t written = 0;
    s = dec.update(text + i, n, out.data(), &written);
    if (s != Status::kOk) return s;
    plain->insert(plain->end(), out.begin(), out.begin() + static_cast<long>(written));
  }
  std::vector<uint8_t> out(fernet::kBlockSize);
  size_t written = 0;
  s = dec.finish(out.data(), &written);
  if (s == Status::kOk) plain->insert(plain->end(), out.begin(), out.begin() + static_cast<long>(written));
  if (key_index != nullptr) *key_index = dec.key_index();
  return s;
}

TEST(FernetStream, EncryptionIsByteIdenticalToOneShotForEverySizeAndChunking) {
  const auto key = test_key(1);
  for (size_t size : {0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 100, 4095, 4096, 4097, 10000}) {
    const auto m = message(size);
    const std::string expected = one_shot(key, m);
    for (size_t chunk : {1, 2, 3, 7, 16, 17, 4096, 5000}) {
      ASSERT_EQ(streamed(key, m, chunk), expected) << size << "/" << chunk;
    }
  }
}

TEST(FernetStream, DecryptionMatchesOneShotForEverySizeAndChunking) {
  const auto key = test_key(2);
  for (size_t size : {0, 1, 15, 16, 17, 33, 4097, 10000}) {
    const auto m = message(size);
    const std::string token = one_shot(key, m);
    for (size_t chunk : {1, 3, 4, 5, 64, 4096, 100000}) {
      std::vector<uint8_t> plain;
      ASSERT_EQ(stream_decrypt(key, token, chunk, true, &plain), Status::kOk) << size << "/" << chunk;
      ASSERT_EQ(plain, m) << size << "/" << chunk;
      ASSERT_EQ(stream_decrypt(key, token, chunk, false, &plain), Status::kOk);
      ASSERT_TRUE(plain.empty());
    }
  }
}

TEST(FernetStream, EveryTamperedCharacterAndTruncationIsRejected) {
  const auto key = test_key(3);
  const std::string token = one_shot(key, message(40));
  std::vector<uint8_t> plain;
  for (size_t i = 0; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(stream_decrypt(key, bad, 7, false, &plain), Status::kInvalidToken) << i;
    EXPECT_EQ(stream_decrypt(key, bad, 7, true, &plain), Status::kInvalidToken) << i;
  }
  for (size_t cut = 0; cut < token.size(); cut += 4) {
    EXPECT_EQ(stream_decrypt(key, token.substr(0, cut), 5, false, &plain), Status::kInvalidToken) << cut;
  }
  EXPECT_EQ(stream_decrypt(key, token + "AAAA", 5, false, &plain), Status::kInvalidToken);
  EXPECT_EQ(stream_decrypt(key, token + "\n", 5, false, &plain), Status::kInvalidToken);
}

TEST(FernetStream, ChecksAllKeysAndReportsWhichOneVerified) {
  const auto a = test_key(4), b = test_key(5), c = test_key(6);
  const std::string token = one_shot(b, message(20));
  std::vector<uint8_t> keys = a;
  keys.insert(keys.end(), b.begin(), b.end());
  keys.insert(keys.end(), c.begin(), c.end());
  std::vector<uint8_t> plain;
  size_t index = 99;
  ASSERT_EQ(stream_decrypt(keys, token, 9, false, &plain, &index), Status::kOk);
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(stream_decrypt(a, token, 9, false, &plain), Status::kInvalidToken);
  // Decrypting takes the one verified key.
  EXPECT_EQ(stream_decrypt(keys, token, 9, true, &plain), Status::kInvalidKey);
}

TEST(FernetStream, AppliesTheTtlAsTheOneShotDoes) {
  const auto key = test_key(7);
  const std::string token = one_shot(key, message(5));
  std::vector<uint8_t> plain;
  const fernet::Freshness fresh{10, kTime + 10}, stale{10, kTime + 11}, future{10, kTime - 61};
  EXPECT_EQ(stream_decrypt(key, token, 11, true, &plain, nullptr, &fresh), Status::kOk);
  EXPECT_EQ(stream_decrypt(key, token, 11, true, &plain, nullptr, &stale), Status::kInvalidToken);
  EXPECT_EQ(stream_decrypt(key, token, 11, true, &plain, nullptr, &future), Status::kInvalidToken);
}

TEST(FernetStream, CallsAfterAFailureKeepFailing) {
  const auto key = test_key(8);
  StreamDecryptor dec;
  ASSERT_EQ(dec.start(key.data(), 1, nullptr, true), Status::kOk);
  uint8_t out[64];
  size_t written = 0;
  const std::string bad = "hAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";  // version 0x84
  EXPECT_EQ(dec.update(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), out, &written),
            Status::kInvalidToken);
  EXPECT_EQ(dec.update(reinterpret_cast<const uint8_t*>("AAAA"), 4, out, &written), Status::kInvalidToken);
  EXPECT_EQ(dec.finish(out, &written), Status::kInvalidToken);
}

}  // namespace

#include "fernet_stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base64url.h"
#include "fernet.h"
#include "prepared_keys.h"

namespace {

using fernet::SecureBuffer;
using fernet::Status;
using fernet::StreamVerifier;
using fernet::VerifiedDecryptor;
using fernet::StreamEncryptor;
using fernet::StreamAuthenticator;

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
  EXPECT_EQ(fernet::encrypt(prepared(key)[0], kTime, kIv, m.data(), m.size(), token), Status::kOk);
  return std::string(reinterpret_cast<char*>(token.data()), token.size());
}

template <fernet::Passes passes = fernet::Passes::kOne>
std::string streamed(const std::vector<uint8_t>& key, const std::vector<uint8_t>& m, size_t chunk) {
  StreamEncryptor enc;
  std::vector<uint8_t> out(StreamEncryptor::max_update_output(m.size()) + 64 + StreamEncryptor::kMaxFinishOutput +
                           m.size() / chunk * 8);
  size_t total = 0, written = 0;
  EXPECT_EQ(enc.start(prepared(key)[0], kTime, kIv, out.data(), &written), Status::kOk);
  total += written;
  for (size_t i = 0; i < m.size(); i += chunk) {
    const size_t n = std::min(chunk, m.size() - i);
    EXPECT_EQ(enc.update<passes>(m.data() + i, n, out.data() + total, &written), Status::kOk);
    EXPECT_LE(written, StreamEncryptor::max_update_output(n));
    total += written;
  }
  EXPECT_EQ(enc.finish(out.data() + total, &written), Status::kOk);
  total += written;
  return std::string(reinterpret_cast<char*>(out.data()), total);
}

// Pass 1 over `text` in chunks: the verifier's decision.
Status verify(fernet::StreamVerifier& verifier, const std::vector<uint8_t>& keys,
              const std::string& text, size_t chunk, const fernet::Freshness* freshness = nullptr) {
  Status s = verifier.start(prepared(keys).data(), keys.size() / fernet::kKeySize, freshness,
                            commitment_key());
  if (s != Status::kOk) return s;
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t i = 0; i < text.size(); i += chunk) {
    s = verifier.update(p + i, std::min(chunk, text.size() - i));
    if (s != Status::kOk) return s;
  }
  return verifier.finish();
}

// Pass 1 as the file helpers run it with a second thread: the verifier hands
// out the bytes to authenticate, a StreamAuthenticator (the other thread's)
// computes the MACs the verifier finishes with. `handed`: those bytes.
Status verify_handing_out(StreamVerifier& verifier, const std::vector<uint8_t>& keys, const std::string& text,
                          size_t chunk, const fernet::Freshness* freshness, std::vector<uint8_t>* handed) {
  const auto ring = prepared(keys);
  Status s = verifier.start(ring.data(), ring.size(), freshness, commitment_key());
  if (s != Status::kOk) return s;
  StreamAuthenticator authenticator;
  s = authenticator.start(ring.data(), ring.size());
  if (s != Status::kOk) return s;
  if (handed != nullptr) handed->clear();
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t i = 0; i < text.size(); i += chunk) {
    const size_t n = std::min(chunk, text.size() - i);
    std::vector<uint8_t> out(StreamVerifier::max_authenticated_output(n));
    size_t written = 99;
    s = verifier.update_external(p + i, n, out.data(), &written);
    if (s != Status::kOk) {
      EXPECT_EQ(written, 0u);
      return s;
    }
    EXPECT_LE(written, out.size());
    if (handed != nullptr) handed->insert(handed->end(), out.begin(), out.begin() + static_cast<long>(written));
    s = authenticator.update(out.data(), written);
    if (s != Status::kOk) return s;
  }
  std::vector<uint8_t> macs(ring.size() * fernet::kHmacSize);
  s = authenticator.finish(macs.data());
  if (s != Status::kOk) return s;
  return verifier.finish_external(macs.data(), macs.size());
}

Status verify_external(StreamVerifier& verifier, const std::vector<uint8_t>& keys, const std::string& text,
                       size_t chunk, const fernet::Freshness* freshness = nullptr) {
  return verify_handing_out(verifier, keys, text, chunk, freshness, nullptr);
}

// Pass 1 both ways: the HMAC computed here, and elsewhere (external MACs).
using Verify = Status (*)(StreamVerifier&, const std::vector<uint8_t>&, const std::string&, size_t,
                          const fernet::Freshness*);
const Verify kBothWays[] = {&verify, &verify_external};

std::vector<uint8_t> raw_token(const std::string& text) {
  std::vector<uint8_t> raw(text.size());
  size_t size = 0;
  EXPECT_TRUE(fernet::base64url::decode(reinterpret_cast<const uint8_t*>(text.data()), text.size(), raw.data(), &size));
  raw.resize(size);
  return raw;
}

// Pass 2 over `text` (which may differ from what was verified): returns the
// status of the first failing call or of finish(), with everything released
// in `plain` (also when a later call fails).
Status decrypt_verified(const fernet::StreamVerifier& verifier, const std::vector<uint8_t>& keys,
                        const std::string& text, size_t chunk, std::vector<uint8_t>* plain) {
  VerifiedDecryptor dec;
  plain->clear();
  Status s = dec.start(verifier, prepared(keys).data());
  if (s != Status::kOk) return s;
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t i = 0; i < text.size(); i += chunk) {
    const size_t n = std::min(chunk, text.size() - i);
    std::vector<uint8_t> out(VerifiedDecryptor::max_update_output(n));
    size_t written = 0;
    s = dec.update(p + i, n, out.data(), &written);
    EXPECT_LE(written, out.size());
    plain->insert(plain->end(), out.begin(), out.begin() + static_cast<long>(written));
    if (s != Status::kOk) return s;
  }
  std::vector<uint8_t> out(VerifiedDecryptor::kMaxFinishOutput);
  size_t written = 0;
  s = dec.finish(out.data(), &written);
  plain->insert(plain->end(), out.begin(), out.begin() + static_cast<long>(written));
  return s;
}

// Both passes over the same text.
Status stream_decrypt(const std::vector<uint8_t>& keys, const std::string& token, size_t chunk,
                      std::vector<uint8_t>* plain, size_t* key_index = nullptr,
                      const fernet::Freshness* freshness = nullptr) {
  StreamVerifier verifier;
  plain->clear();
  const Status s = verify(verifier, keys, token, chunk, freshness);
  if (s != Status::kOk) return s;
  if (key_index != nullptr) *key_index = verifier.key_index();
  EXPECT_EQ(verifier.text_size(), token.size());
  return decrypt_verified(verifier, keys, token, chunk, plain);
}

std::vector<uint8_t> key_ring(size_t count, uint8_t seed) {
  std::vector<uint8_t> keys;
  for (size_t k = 0; k < count; ++k) {
    const auto key = test_key(static_cast<uint8_t>(seed + k * 17));
    keys.insert(keys.end(), key.begin(), key.end());
  }
  return keys;
}

TEST(FernetStream, EncryptionIsByteIdenticalToOneShotForEverySizeAndChunking) {
  const auto key = test_key(1);
  for (size_t size : {0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 100, 4095, 4096, 4097, 10000}) {
    const auto m = message(size);
    const std::string expected = one_shot(key, m);
    for (size_t chunk : {1, 2, 3, 7, 16, 17, 4096, 5000}) {
      ASSERT_EQ(streamed(key, m, chunk), expected) << size << "/" << chunk;
      ASSERT_EQ(streamed<fernet::Passes::kTwo>(key, m, chunk), expected) << size << "/" << chunk;
    }
  }
}

TEST(FernetStream, DecryptionMatchesOneShotForEverySizeAndChunking) {
  const auto key = test_key(2);
  for (size_t size : {0, 1, 15, 16, 17, 33, 4097, 10000, 49095, 49096, 49152, 98304, 200000}) {
    const auto m = message(size);
    const std::string token = one_shot(key, m);
    fernet::Decrypted expected;
    ASSERT_EQ(fernet::decrypt(prepared(key).data(), 1, reinterpret_cast<const uint8_t*>(token.data()),
                              token.size(), nullptr, expected),
              Status::kOk);
    for (size_t chunk : {1, 3, 4, 5, 64, 4096, 65535, 65536, 65537, 100000, 1000000}) {
      if (chunk < 64 && size > 20000) continue;  // covered by the small sizes
      std::vector<uint8_t> plain;
      ASSERT_EQ(stream_decrypt(key, token, chunk, &plain), Status::kOk) << size << "/" << chunk;
      ASSERT_EQ(plain, std::vector<uint8_t>(expected.message, expected.message + expected.message_size))
          << size << "/" << chunk;
    }
  }
}

TEST(FernetStream, EveryTamperedCharacterAndTruncationIsRejected) {
  const auto key = test_key(3);
  const std::string token = one_shot(key, message(40));
  StreamVerifier verifier;
  for (const Verify run : kBothWays) {
    for (size_t i = 0; i < token.size(); ++i) {
      std::string bad = token;
      bad[i] = bad[i] == 'A' ? 'B' : 'A';
      EXPECT_EQ(run(verifier, key, bad, 7, nullptr), Status::kInvalidToken) << i;
      EXPECT_FALSE(verifier.verified());
    }
    for (size_t cut = 0; cut < token.size(); cut += 4) {
      EXPECT_EQ(run(verifier, key, token.substr(0, cut), 5, nullptr), Status::kInvalidToken) << cut;
    }
    EXPECT_EQ(run(verifier, key, token + "AAAA", 5, nullptr), Status::kInvalidToken);
    EXPECT_EQ(run(verifier, key, token + "\n", 5, nullptr), Status::kInvalidToken);
    EXPECT_EQ(run(verifier, test_key(4), token, 5, nullptr), Status::kInvalidToken);
  }
}

TEST(FernetStream, ChecksAllKeysAndReportsWhichOneVerified) {
  const auto a = test_key(4), b = test_key(5), c = test_key(6);
  const auto m = message(20);
  const std::string token = one_shot(b, m);
  std::vector<uint8_t> keys = a;
  keys.insert(keys.end(), b.begin(), b.end());
  keys.insert(keys.end(), c.begin(), c.end());
  std::vector<uint8_t> plain;
  size_t index = 99;
  ASSERT_EQ(stream_decrypt(keys, token, 9, &plain, &index), Status::kOk);
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(plain, m);
  EXPECT_EQ(stream_decrypt(a, token, 9, &plain), Status::kInvalidToken);
}

TEST(FernetStream, MoreThanSixteenKeys) {
  const auto keys = key_ring(40, 11);
  for (size_t k : {0, 16, 17, 39}) {
    const std::vector<uint8_t> key(keys.begin() + static_cast<long>(k * 32), keys.begin() + static_cast<long>(k * 32 + 32));
    const auto m = message(1000 + k);
    std::vector<uint8_t> plain;
    size_t index = 0;
    ASSERT_EQ(stream_decrypt(keys, one_shot(key, m), 100, &plain, &index), Status::kOk) << k;
    EXPECT_EQ(index, k);
    EXPECT_EQ(plain, m);
  }
}

TEST(FernetStream, KeysSharingASigningHalfFollowMultiFernet) {
  // As in fernet_test.cpp (Python-checked): A's MAC verifies, its padding
  // does not, so the verifier goes on to B.
  std::vector<uint8_t> a(32), b(32);
  for (uint8_t i = 0; i < 16; ++i) {
    a[i] = b[i] = static_cast<uint8_t>(100 + i);
    a[16 + i] = static_cast<uint8_t>(200 + i);
    b[16 + i] = static_cast<uint8_t>(50 + i);
  }
  std::vector<uint8_t> ring = a;
  ring.insert(ring.end(), b.begin(), b.end());
  const std::string text = "shared signing half";
  const std::vector<uint8_t> m(text.begin(), text.end());
  const std::string token = one_shot(b, m);
  std::vector<uint8_t> plain;
  size_t index = 0;
  ASSERT_EQ(stream_decrypt(ring, token, 13, &plain, &index), Status::kOk);
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(plain, m);
  EXPECT_EQ(stream_decrypt(a, token, 13, &plain), Status::kInvalidToken);
  StreamVerifier external;  // the same with the HMAC elsewhere
  ASSERT_EQ(verify_external(external, ring, token, 13), Status::kOk);
  EXPECT_EQ(external.key_index(), 1u);
  EXPECT_EQ(verify_external(external, a, token, 13), Status::kInvalidToken);
}

TEST(FernetStream, AppliesTheTtlAsTheOneShotDoes) {
  const auto key = test_key(7);
  const std::string token = one_shot(key, message(5));
  std::vector<uint8_t> plain;
  const fernet::Freshness fresh{10, kTime + 10}, stale{10, kTime + 11}, future{10, kTime - 61};
  EXPECT_EQ(stream_decrypt(key, token, 11, &plain, nullptr, &fresh), Status::kOk);
  EXPECT_EQ(stream_decrypt(key, token, 11, &plain, nullptr, &stale), Status::kInvalidToken);
  EXPECT_EQ(stream_decrypt(key, token, 11, &plain, nullptr, &future), Status::kInvalidToken);
  StreamVerifier external;  // the same with the HMAC elsewhere
  EXPECT_EQ(verify_external(external, key, token, 11, &fresh), Status::kOk);
  EXPECT_EQ(verify_external(external, key, token, 11, &stale), Status::kInvalidToken);
  EXPECT_EQ(verify_external(external, key, token, 11, &future), Status::kInvalidToken);
}

TEST(FernetStream, CallsAfterAFailureKeepFailing) {
  const auto key = test_key(8);
  StreamVerifier verifier;
  ASSERT_EQ(verifier.start(prepared(key).data(), 1, nullptr, commitment_key()), Status::kOk);
  const std::string bad = "hAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";  // version 0x84
  EXPECT_EQ(verifier.update(reinterpret_cast<const uint8_t*>(bad.data()), bad.size()), Status::kInvalidToken);
  EXPECT_EQ(verifier.update(reinterpret_cast<const uint8_t*>("AAAA"), 4), Status::kInvalidToken);
  EXPECT_EQ(verifier.finish(), Status::kInvalidToken);
  // A decryptor refuses a verifier that did not finish with kOk.
  VerifiedDecryptor dec;
  EXPECT_EQ(dec.start(verifier, prepared(key).data()), Status::kInvalidToken);
  uint8_t out[64];
  size_t written = 1;
  EXPECT_EQ(dec.update(reinterpret_cast<const uint8_t*>("AAAA"), 4, out, &written), Status::kInvalidToken);
  EXPECT_EQ(written, 0u);
  StreamVerifier fresh;
  EXPECT_EQ(dec.start(fresh, prepared(key).data()), Status::kInvalidToken);
  // A finished verifier takes no more text and keeps its decision.
  const std::string token = one_shot(key, message(3));
  ASSERT_EQ(verify(fresh, key, token, 4), Status::kOk);
  EXPECT_EQ(fresh.update(reinterpret_cast<const uint8_t*>("AAAA"), 4), Status::kInvalidToken);
  EXPECT_EQ(fresh.finish(), Status::kInvalidToken);
  EXPECT_TRUE(fresh.verified());
  std::vector<uint8_t> plain;
  EXPECT_EQ(decrypt_verified(fresh, key, token, 5, &plain), Status::kOk);
  EXPECT_EQ(plain, message(3));
}

// The second pass reads other bytes than the first.
TEST(FernetStream, ChangedSourceReleasesNoPlaintextOfAChangedSegment) {
  const auto key = test_key(9);
  const size_t size = 300000;  // about 6 segments of text
  const auto m = message(size);
  const std::string token = one_shot(key, m);
  StreamVerifier verifier;
  ASSERT_EQ(verify(verifier, key, token, 10000), Status::kOk);
  std::vector<uint8_t> plain;

  // Another valid token under the same key, same size, other IV: the first
  // segment differs, so nothing at all is released.
  {
    SecureBuffer other;
    const uint8_t iv[16] = {1};
    ASSERT_EQ(fernet::encrypt(prepared(key)[0], kTime, iv, m.data(), m.size(), other), Status::kOk);
    const std::string text(reinterpret_cast<char*>(other.data()), other.size());
    for (size_t chunk : {1000, 65536, 1000000}) {
      EXPECT_EQ(decrypt_verified(verifier, key, text, chunk, &plain), Status::kInvalidToken);
      EXPECT_TRUE(plain.empty()) << chunk;
    }
  }
  // A valid token under the same key that agrees with the verified one up to
  // segment 2 (same IV and time, the message changed there; CBC keeps the
  // ciphertext before the change): at most segments 0 and 1 are released,
  // and it is the verified token's plaintext.
  {
    auto changed = m;
    const size_t k = 2;
    changed[(k * fernet::kSegmentSize + 1000) / 4 * 3] ^= 1;
    const std::string text = one_shot(key, changed);
    ASSERT_EQ(text.substr(0, k * fernet::kSegmentSize), token.substr(0, k * fernet::kSegmentSize));
    for (size_t chunk : {1000, 65536, 1000000}) {
      EXPECT_EQ(decrypt_verified(verifier, key, text, chunk, &plain), Status::kInvalidToken);
      EXPECT_LE(plain.size(), k * fernet::kSegmentSize / 4 * 3) << chunk;
      EXPECT_TRUE(std::equal(plain.begin(), plain.end(), m.begin())) << chunk;
    }
  }
  // One flipped character in segment k of the second read.
  for (size_t k : {0, 1, 3, 5}) {
    std::string text = token;
    const size_t at = k * fernet::kSegmentSize + 12345;
    ASSERT_LT(at, text.size());
    text[at] = text[at] == 'A' ? 'B' : 'A';
    for (size_t chunk : {999, 65536, 1000000}) {
      EXPECT_EQ(decrypt_verified(verifier, key, text, chunk, &plain), Status::kInvalidToken);
      EXPECT_LE(plain.size(), k * fernet::kSegmentSize / 4 * 3) << k << "/" << chunk;
      EXPECT_TRUE(std::equal(plain.begin(), plain.end(), m.begin())) << k << "/" << chunk;
    }
  }
  // Longer and shorter text. The last segment is partial, so none of it is
  // released when the text stops early or runs on.
  const size_t last_segment = token.size() / fernet::kSegmentSize * fernet::kSegmentSize;
  for (const std::string& text : {token + "AAAA", token.substr(0, token.size() - 4),
                                  token.substr(0, last_segment), token.substr(0, 1000)}) {
    for (size_t chunk : {999, 65536, 1000000}) {
      EXPECT_EQ(decrypt_verified(verifier, key, text, chunk, &plain), Status::kInvalidToken);
      EXPECT_LE(plain.size(), last_segment / 4 * 3);
      EXPECT_TRUE(std::equal(plain.begin(), plain.end(), m.begin()));
    }
  }
  // The same bytes still decrypt, from the same verifier, any number of times.
  EXPECT_EQ(decrypt_verified(verifier, key, token, 4096, &plain), Status::kOk);
  EXPECT_EQ(plain, m);
}

TEST(FernetStream, ChangedSourceUnderALaterKey) {
  // The commitments come from the first key's HMAC, the plaintext from the
  // chosen one: a change is caught the same way.
  const auto keys = key_ring(3, 40);
  const std::vector<uint8_t> key(keys.begin() + 64, keys.end());
  const auto m = message(200000);
  const std::string token = one_shot(key, m);
  StreamVerifier verifier;
  ASSERT_EQ(verify(verifier, keys, token, 7777), Status::kOk);
  ASSERT_EQ(verifier.key_index(), 2u);
  std::vector<uint8_t> plain;
  for (size_t k : {0, 1, 3}) {
    std::string text = token;
    const size_t at = k * fernet::kSegmentSize + 4321;
    text[at] = text[at] == 'A' ? 'B' : 'A';
    EXPECT_EQ(decrypt_verified(verifier, keys, text, 5000, &plain), Status::kInvalidToken);
    EXPECT_LE(plain.size(), k * fernet::kSegmentSize / 4 * 3) << k;
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), m.begin())) << k;
  }
  ASSERT_EQ(decrypt_verified(verifier, keys, token, 5000, &plain), Status::kOk);
  EXPECT_EQ(plain, m);
}

TEST(FernetStream, ChangedSmallTokenReleasesNothing) {
  // One segment: nothing is released before the whole text is matched.
  const auto key = test_key(10);
  const auto m = message(100);
  const std::string token = one_shot(key, m);
  StreamVerifier verifier;
  ASSERT_EQ(verify(verifier, key, token, 7), Status::kOk);
  for (size_t i = 0; i < token.size(); i += 5) {
    std::string text = token;
    text[i] = text[i] == 'A' ? 'B' : 'A';
    std::vector<uint8_t> plain;
    EXPECT_EQ(decrypt_verified(verifier, key, text, 3, &plain), Status::kInvalidToken) << i;
    EXPECT_TRUE(plain.empty()) << i;
  }
}

TEST(FernetStream, OutputBoundsHold) {
  const auto key = test_key(12);
  const auto m = message(150000);
  const std::string token = one_shot(key, m);
  StreamVerifier verifier;
  ASSERT_EQ(verify(verifier, key, token, 65536), Status::kOk);
  // Worst case for one update: a segment minus one byte buffered, then more.
  VerifiedDecryptor dec;
  ASSERT_EQ(dec.start(verifier, prepared(key).data()), Status::kOk);
  const auto* p = reinterpret_cast<const uint8_t*>(token.data());
  std::vector<uint8_t> out(VerifiedDecryptor::max_update_output(token.size()));
  size_t written = 0, total = 0;
  ASSERT_EQ(dec.update(p, fernet::kSegmentSize - 1, out.data(), &written), Status::kOk);
  EXPECT_EQ(written, 0u);
  const size_t n = fernet::kSegmentSize + 1;
  ASSERT_EQ(dec.update(p + fernet::kSegmentSize - 1, n, out.data(), &written), Status::kOk);
  EXPECT_LE(written, VerifiedDecryptor::max_update_output(n));
  total += written;
  const size_t rest = token.size() - 2 * fernet::kSegmentSize;
  ASSERT_EQ(dec.update(p + 2 * fernet::kSegmentSize, rest, out.data(), &written), Status::kOk);
  EXPECT_LE(written, VerifiedDecryptor::max_update_output(rest));
  total += written;
  ASSERT_NE(token.size() % fernet::kSegmentSize, 0u);  // the last, partial segment waits for finish()
  std::vector<uint8_t> last(VerifiedDecryptor::kMaxFinishOutput);
  ASSERT_EQ(dec.finish(last.data(), &written), Status::kOk);
  EXPECT_LE(written, last.size());
  total += written;
  EXPECT_EQ(total, m.size());
}

TEST(FernetStream, NothingLeaksAndOutOfMemoryIsClean) {
  const auto keys = key_ring(3, 20);
  const std::vector<uint8_t> key(keys.begin() + 64, keys.end());
  const auto m = message(70000);
  const std::string token = one_shot(key, m);
  const size_t before = fernet::live_allocations();
  std::vector<uint8_t> plain;
  ASSERT_EQ(stream_decrypt(keys, token, 5000, &plain), Status::kOk);
  EXPECT_EQ(fernet::live_allocations(), before);
  // Every allocation in turn fails: kOutOfMemory or the right answer, never
  // a wrong token or plaintext, and nothing stays allocated.
  for (size_t budget = 0; budget < 40; ++budget) {
    fernet::internal::fail_allocations_after(budget);
    const Status s = stream_decrypt(keys, token, 30000, &plain);
    std::string encrypted;
    {
      StreamEncryptor enc;
      std::vector<uint8_t> out(StreamEncryptor::max_update_output(m.size()) + 100);
      size_t written = 0, total = 0;
      Status e = enc.start(prepared(key)[0], kTime, kIv, out.data(), &written);
      total += written;
      if (e == Status::kOk) e = enc.update(m.data(), m.size(), out.data() + total, &written), total += written;
      if (e == Status::kOk) e = enc.finish(out.data() + total, &written), total += written;
      EXPECT_TRUE(e == Status::kOk || e == Status::kOutOfMemory) << budget;
      if (e == Status::kOk) encrypted.assign(reinterpret_cast<char*>(out.data()), total);
      if (e != Status::kOk) EXPECT_EQ(written, 0u);
    }
    fernet::internal::fail_allocations_after(SIZE_MAX);
    EXPECT_TRUE(s == Status::kOk || s == Status::kOutOfMemory) << budget;
    if (s == Status::kOk) EXPECT_EQ(plain, m) << budget;
    if (!encrypted.empty()) EXPECT_EQ(encrypted, token) << budget;
    EXPECT_EQ(fernet::live_allocations(), before) << budget;
  }
}

// ---- the file helpers' second thread (js/second-thread.mjs) ----------------------

// Encryption split as the file helpers split it: cbc_encrypt_blocks (the other thread)
// on the whole blocks, chained from the IV; update_ciphertext on its output in
// pieces of `chunk` bytes (whole blocks); the last partial block through update().
std::string split_encrypted(const std::vector<uint8_t>& key, const std::vector<uint8_t>& m, size_t chunk) {
  const auto keys = prepared(key);
  const size_t whole = m.size() / fernet::kBlockSize * fernet::kBlockSize;
  std::vector<uint8_t> ciphertext(whole);
  EXPECT_EQ(fernet::cbc_encrypt_blocks(keys[0], kIv, m.data(), whole, ciphertext.data()), Status::kOk);
  StreamEncryptor enc;
  std::vector<uint8_t> out(StreamEncryptor::max_update_output(m.size()) + 64 + StreamEncryptor::kMaxFinishOutput +
                           m.size() / chunk * 8);
  size_t total = 0, written = 0;
  EXPECT_EQ(enc.start(keys[0], kTime, kIv, out.data(), &written), Status::kOk);
  total += written;
  for (size_t i = 0; i < whole; i += chunk) {
    const size_t n = std::min(chunk, whole - i);
    EXPECT_EQ(enc.update_ciphertext(ciphertext.data() + i, n, out.data() + total, &written), Status::kOk);
    EXPECT_LE(written, StreamEncryptor::max_update_output(n));
    total += written;
  }
  EXPECT_EQ(enc.update(m.data() + whole, m.size() - whole, out.data() + total, &written), Status::kOk);
  EXPECT_EQ(written, 0u);  // under a block: nothing to encode yet
  EXPECT_EQ(enc.finish(out.data() + total, &written), Status::kOk);
  total += written;
  return std::string(reinterpret_cast<char*>(out.data()), total);
}

TEST(SecondThread, SplitEncryptionGivesTheOneShotToken) {
  const auto key = test_key(3);
  for (size_t size : {0, 1, 15, 16, 17, 32, 100, 4096, 70000, 200003}) {
    const auto m = message(size);
    const std::string expected = one_shot(key, m);
    for (size_t chunk : {16, 48, 4096, 3 * 65536}) {
      ASSERT_EQ(split_encrypted(key, m, chunk), expected) << size << "/" << chunk;
    }
  }
}

TEST(SecondThread, SealingTakesWholeBlocksBeforeAnyPartialOne) {
  const auto keys = prepared(test_key(4));
  const auto m = message(32);
  std::vector<uint8_t> out(256);
  size_t written = 0;
  StreamEncryptor enc;
  ASSERT_EQ(enc.start(keys[0], kTime, kIv, out.data(), &written), Status::kOk);
  EXPECT_EQ(enc.update_ciphertext(m.data(), 15, out.data(), &written), Status::kInvalidToken);
  EXPECT_EQ(written, 0u);
  ASSERT_EQ(enc.update(m.data(), 5, out.data(), &written), Status::kOk);
  EXPECT_EQ(enc.update_ciphertext(m.data(), 16, out.data(), &written), Status::kInvalidToken);
  EXPECT_EQ(written, 0u);
  StreamEncryptor never_started;
  EXPECT_EQ(never_started.update_ciphertext(m.data(), 16, out.data(), &written), Status::kInvalidToken);
}

TEST(SecondThread, CbcEncryptBlocksTakesWholeBlocksInOrInPlace) {
  const auto keys = prepared(test_key(7));
  const auto m = message(4096);
  std::vector<uint8_t> ciphertext(m.size());
  EXPECT_EQ(fernet::cbc_encrypt_blocks(keys[0], kIv, m.data(), 17, ciphertext.data()),
            Status::kInvalidParameters);
  ASSERT_EQ(fernet::cbc_encrypt_blocks(keys[0], kIv, m.data(), m.size(), ciphertext.data()), Status::kOk);
  EXPECT_NE(ciphertext, m);
  std::vector<uint8_t> in_place = m;  // the file helpers encrypt in place
  ASSERT_EQ(fernet::cbc_encrypt_blocks(keys[0], kIv, in_place.data(), in_place.size(), in_place.data()),
            Status::kOk);
  EXPECT_EQ(in_place, ciphertext);
}

TEST(SecondThread, ExternalMacsGiveTheVerifiersDecisionOnTheBytesTheMacCovers) {
  const auto keys = key_ring(3, 40);
  const std::vector<uint8_t> second(keys.begin() + 32, keys.begin() + 64);
  for (size_t size : {0, 1, 15, 16, 100, 4096, 70000, 200003}) {
    const auto m = message(size);
    const std::string token = one_shot(second, m);
    const auto raw = raw_token(token);
    const std::vector<uint8_t> covered(raw.begin(), raw.end() - fernet::kHmacSize);
    for (size_t chunk : {1, 7, 4096, 65536 + 3, 1 << 20}) {
      if (chunk < 7 && size > 100) continue;  // byte by byte: the small tokens cover it
      StreamVerifier external;
      std::vector<uint8_t> handed;
      ASSERT_EQ(verify_handing_out(external, keys, token, chunk, nullptr, &handed), Status::kOk) << size << "/" << chunk;
      EXPECT_EQ(handed, covered) << size << "/" << chunk;
      EXPECT_EQ(external.key_index(), 1u);
      EXPECT_EQ(external.timestamp(), kTime);
      std::vector<uint8_t> plain;
      ASSERT_EQ(decrypt_verified(external, keys, token, chunk, &plain), Status::kOk);
      EXPECT_EQ(plain, m);
    }
  }
}

TEST(SecondThread, OnlyTheMacsOfWhatWasHandedOutVerify) {
  const auto keys = key_ring(2, 60);
  const std::vector<uint8_t> second(keys.begin() + 32, keys.end());
  const std::string token = one_shot(second, message(1000));
  const auto ring = prepared(keys);
  const auto* text = reinterpret_cast<const uint8_t*>(token.data());
  // Runs pass 1 with external MACs, then finishes with what `edit` makes of the right MACs.
  auto finish_with = [&](auto edit) {
    StreamVerifier verifier;
    EXPECT_EQ(verifier.start(ring.data(), ring.size(), nullptr, commitment_key()), Status::kOk);
    std::vector<uint8_t> out(StreamVerifier::max_authenticated_output(token.size()));
    size_t written = 0;
    EXPECT_EQ(verifier.update_external(text, token.size(), out.data(), &written), Status::kOk);
    StreamAuthenticator authenticator;
    EXPECT_EQ(authenticator.start(ring.data(), ring.size()), Status::kOk);
    EXPECT_EQ(authenticator.update(out.data(), written), Status::kOk);
    std::vector<uint8_t> macs(2 * fernet::kHmacSize);
    EXPECT_EQ(authenticator.finish(macs.data()), Status::kOk);
    edit(macs);
    return verifier.finish_external(macs.data(), macs.size());
  };
  EXPECT_EQ(finish_with([](std::vector<uint8_t>&) {}), Status::kOk);
  EXPECT_EQ(finish_with([](std::vector<uint8_t>& macs) { macs[40] ^= 1; }), Status::kInvalidToken);
  EXPECT_EQ(finish_with([](std::vector<uint8_t>& macs) {  // the keys' MACs swapped
    std::rotate(macs.begin(), macs.begin() + fernet::kHmacSize, macs.end());
  }), Status::kInvalidToken);
  EXPECT_EQ(finish_with([](std::vector<uint8_t>& macs) { macs.resize(fernet::kHmacSize); }), Status::kInvalidToken);
  EXPECT_EQ(finish_with([](std::vector<uint8_t>& macs) { macs.push_back(0); }), Status::kInvalidToken);
  EXPECT_EQ(finish_with([](std::vector<uint8_t>& macs) { macs.clear(); }), Status::kInvalidToken);
  // A text read one way and decided the other, or read partly each way, matches no MAC.
  auto mixed = [&](size_t external_from, bool decide_external) {
    StreamVerifier verifier;
    EXPECT_EQ(verifier.start(ring.data(), ring.size(), nullptr, commitment_key()), Status::kOk);
    EXPECT_EQ(verifier.update(text, external_from), Status::kOk);
    std::vector<uint8_t> out(StreamVerifier::max_authenticated_output(token.size()));
    size_t written = 0;
    EXPECT_EQ(verifier.update_external(text + external_from, token.size() - external_from, out.data(), &written),
              Status::kOk);
    if (!decide_external) return verifier.finish();
    StreamAuthenticator authenticator;
    EXPECT_EQ(authenticator.start(ring.data(), ring.size()), Status::kOk);
    EXPECT_EQ(authenticator.update(out.data(), written), Status::kOk);
    std::vector<uint8_t> macs(2 * fernet::kHmacSize);
    EXPECT_EQ(authenticator.finish(macs.data()), Status::kOk);
    return verifier.finish_external(macs.data(), macs.size());
  };
  EXPECT_EQ(mixed(token.size(), false), Status::kOk);  // all read and decided here
  EXPECT_EQ(mixed(0, true), Status::kOk);              // all with external MACs
  EXPECT_EQ(mixed(token.size(), true), Status::kInvalidToken);
  EXPECT_EQ(mixed(0, false), Status::kInvalidToken);
  for (size_t split : {40, 400, 1200}) {
    EXPECT_EQ(mixed(split, true), Status::kInvalidToken) << split;
    EXPECT_EQ(mixed(split, false), Status::kInvalidToken) << split;
  }
  // Split inside the header: the header is authenticated once whole, so all of it went out.
  EXPECT_EQ(mixed(4, true), Status::kOk);
  EXPECT_EQ(mixed(4, false), Status::kInvalidToken);
  std::vector<uint8_t> macs(2 * fernet::kHmacSize);
  // An authenticator refuses without keys or once finished.
  StreamAuthenticator authenticator;
  EXPECT_EQ(authenticator.start(ring.data(), 0), Status::kInvalidKey);
  EXPECT_EQ(authenticator.update(text, 1), Status::kInvalidToken);
  ASSERT_EQ(authenticator.start(ring.data(), ring.size()), Status::kOk);
  ASSERT_EQ(authenticator.finish(macs.data()), Status::kOk);
  EXPECT_EQ(authenticator.finish(macs.data()), Status::kInvalidToken);
}

// Pass 2 as the file helpers run it with a second thread: the decryptor
// releases the IV and verified ciphertext, which cbc_decrypt_blocks (the
// other thread's) decrypts piece by piece, chained; the last block's
// plaintext comes from final_plaintext(). Like decrypt_verified, with all
// plaintext in `plain` (also when a later call fails).
Status decrypt_elsewhere(const StreamVerifier& verifier, const std::vector<uint8_t>& keys, const std::string& text,
                         size_t chunk, std::vector<uint8_t>* plain) {
  const auto ring = prepared(keys);
  const fernet::Key& key = ring[verifier.key_index()];
  VerifiedDecryptor dec;
  plain->clear();
  Status s = dec.start(verifier, ring.data());
  if (s != Status::kOk) return s;
  std::vector<uint8_t> chain;  // empty until the IV came
  auto decrypt_released = [&](const uint8_t* released, size_t size) {
    if (chain.empty() && size != 0) {
      EXPECT_GE(size, fernet::kBlockSize);
      chain.assign(released, released + fernet::kBlockSize);
      released += fernet::kBlockSize;
      size -= fernet::kBlockSize;
    }
    if (size == 0) return;
    std::vector<uint8_t> piece(size);
    EXPECT_EQ(fernet::cbc_decrypt_blocks(key, chain.data(), released, size, piece.data()), Status::kOk);
    chain.assign(released + size - fernet::kBlockSize, released + size);
    plain->insert(plain->end(), piece.begin(), piece.end());
  };
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t i = 0; i < text.size(); i += chunk) {
    const size_t n = std::min(chunk, text.size() - i);
    std::vector<uint8_t> out(VerifiedDecryptor::max_update_output(n));
    size_t written = 0;
    s = dec.update_elsewhere(p + i, n, out.data(), &written);
    EXPECT_LE(written, out.size());
    decrypt_released(out.data(), written);
    if (s != Status::kOk) return s;
  }
  std::vector<uint8_t> out(VerifiedDecryptor::kMaxFinishOutput);
  size_t written = 0;
  s = dec.finish_elsewhere(out.data(), &written);
  decrypt_released(out.data(), written);
  if (s != Status::kOk) return s;
  std::vector<uint8_t> last(fernet::kBlockSize);
  s = dec.final_plaintext(last.data(), &written);
  plain->insert(plain->end(), last.begin(), last.begin() + static_cast<long>(written));
  return s;
}

TEST(SecondThread, DecryptionElsewhereGivesThePlaintextForEverySizeAndChunking) {
  const auto keys = key_ring(2, 70);
  const std::vector<uint8_t> second(keys.begin() + 32, keys.end());
  for (size_t size : {0, 1, 15, 16, 17, 31, 32, 100, 4096, 49151, 49152, 70000, 200003}) {
    const auto m = message(size);
    const std::string token = one_shot(second, m);
    for (size_t chunk : {1, 7, 4096, 65536, 65536 + 3, 1 << 20}) {
      if (chunk < 7 && size > 100) continue;  // byte by byte: the small tokens cover it
      StreamVerifier verifier;
      ASSERT_EQ(verify(verifier, keys, token, chunk), Status::kOk);
      std::vector<uint8_t> plain;
      ASSERT_EQ(decrypt_elsewhere(verifier, keys, token, chunk, &plain), Status::kOk) << size << "/" << chunk;
      EXPECT_EQ(plain, m) << size << "/" << chunk;
    }
  }
}

TEST(SecondThread, DecryptionElsewhereReleasesOnlyCiphertextThatMatched) {
  const auto key = test_key(9);
  const auto m = message(300000);  // 7 segments of text
  const std::string token = one_shot(key, m);
  StreamVerifier verifier;
  ASSERT_EQ(verify(verifier, key, token, 65536), Status::kOk);
  for (size_t at : {size_t{0}, size_t{30}, size_t{70000}, token.size() / 2, token.size() - 50, token.size() - 2}) {
    std::string changed = token;
    changed[at] = changed[at] == 'A' ? 'B' : 'A';
    std::vector<uint8_t> plain;
    EXPECT_EQ(decrypt_elsewhere(verifier, key, changed, 40000, &plain), Status::kInvalidToken) << at;
    // Only segments before the change went out, and what they decrypt to is the message's start.
    EXPECT_LE(plain.size(), at / fernet::kSegmentSize * fernet::kSegmentSize / 4 * 3) << at;
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), m.begin())) << at;
  }
  // Shorter and longer second reads.
  std::vector<uint8_t> plain;
  EXPECT_EQ(decrypt_elsewhere(verifier, key, token.substr(0, token.size() - 4), 40000, &plain),
            Status::kInvalidToken);
  EXPECT_EQ(decrypt_elsewhere(verifier, key, token + "AAAA", 40000, &plain), Status::kInvalidToken);
  // final_plaintext() only after finish_elsewhere(), and once.
  VerifiedDecryptor dec;
  ASSERT_EQ(dec.start(verifier, prepared(key).data()), Status::kOk);
  uint8_t last[fernet::kBlockSize];
  size_t written = 0;
  EXPECT_EQ(dec.final_plaintext(last, &written), Status::kInvalidToken);
  EXPECT_EQ(written, 0u);
}

TEST(SecondThread, BothPassesElsewhereLeakNothingWhenMemoryRunsOut) {
  const auto keys = key_ring(3, 20);
  const std::vector<uint8_t> key(keys.begin() + 64, keys.end());
  const auto m = message(70000);
  const std::string token = one_shot(key, m);
  const size_t before = fernet::live_allocations();
  for (size_t budget = 0; budget < 40; ++budget) {
    fernet::internal::fail_allocations_after(budget);
    Status s = Status::kOk;
    std::vector<uint8_t> plain;
    {
      StreamVerifier verifier;
      s = verify_external(verifier, keys, token, 30000);
      if (s == Status::kOk) s = decrypt_elsewhere(verifier, keys, token, 30000, &plain);
    }
    fernet::internal::fail_allocations_after(SIZE_MAX);
    EXPECT_TRUE(s == Status::kOk || s == Status::kOutOfMemory) << budget;
    if (s == Status::kOk) EXPECT_EQ(plain, m) << budget;
    EXPECT_EQ(fernet::live_allocations(), before) << budget;
  }
}

}  // namespace

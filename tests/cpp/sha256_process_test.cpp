// SHA-256's compression (cpp/sha256_block.h) against a plain textbook SHA-256 written here
// as the oracle:
//  - through mbedTLS's MBEDTLS_SHA256_PROCESS_ALT hook (cpp/sha256_process.cpp, built with
//    the vector algorithm: SSSE3 natively): FIPS 180 and RFC 4231 known answers, random
//    lengths and contents fed in random pieces (mbedTLS buffers partial blocks; every path
//    reaches the block function), and HMAC-SHA256 of every length 0..300 under keys of every
//    kind against a textbook HMAC;
//  - the same algorithm's portable scalar form (FERNET_SHA256_PORTABLE, built for this test
//    in sha256_portable.cpp), block by block on random states and blocks, against the
//    textbook block function and against the hook, and compress_digest (PBKDF2's block)
//    likewise. The wasm build (SIMD128) is checked against node:crypto in
//    tests/js/sha256-wasm.test.js.
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mbedtls/md.h"
#include "mbedtls/sha256.h"
#include "sha256_portable.h"

namespace {

using Bytes = std::vector<uint8_t>;

std::string to_hex(const uint8_t* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string sha256_hex(const std::string& text) {
  uint8_t out[32];
  EXPECT_EQ(mbedtls_sha256(reinterpret_cast<const uint8_t*>(text.data()), text.size(), out, 0), 0);
  return to_hex(out, 32);
}

// FIPS 180-4 as written: one loop over the whole schedule, no unrolling.
void textbook_compress(uint32_t hash[8], const uint8_t* block) {
  static const uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  uint32_t w[64];
  for (int t = 0; t < 16; ++t) {
    const uint8_t* p = block + 4 * t;
    w[t] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  for (int t = 16; t < 64; ++t) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t v[8];
  for (int i = 0; i < 8; ++i) v[i] = hash[i];
  for (int t = 0; t < 64; ++t) {
    uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
    uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    uint32_t t1 = v[7] + s1 + ch + k[t] + w[t];
    uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
    uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    uint32_t t2 = s0 + maj;
    for (int i = 7; i > 0; --i) v[i] = v[i - 1];
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; ++i) hash[i] += v[i];
}

Bytes textbook_sha256(const Bytes& message) {
  uint32_t hash[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  Bytes padded = message;
  padded.push_back(0x80);
  while (padded.size() % 64 != 56) padded.push_back(0);
  uint64_t bits = static_cast<uint64_t>(message.size()) * 8;
  for (int i = 7; i >= 0; --i) padded.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  for (size_t block = 0; block < padded.size(); block += 64) textbook_compress(hash, &padded[block]);
  Bytes out;
  for (uint32_t h : hash) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(h >> (8 * i)));
  }
  return out;
}

// RFC 2104 on the textbook hash.
Bytes textbook_hmac(Bytes key, const Bytes& message) {
  if (key.size() > 64) key = textbook_sha256(key);
  key.resize(64, 0);
  Bytes inner(64), outer(64);
  for (size_t i = 0; i < 64; ++i) {
    inner[i] = static_cast<uint8_t>(key[i] ^ 0x36);
    outer[i] = static_cast<uint8_t>(key[i] ^ 0x5c);
  }
  inner.insert(inner.end(), message.begin(), message.end());
  const Bytes inner_hash = textbook_sha256(inner);
  outer.insert(outer.end(), inner_hash.begin(), inner_hash.end());
  return textbook_sha256(outer);
}

Bytes random_bytes(std::mt19937_64& rng, size_t size) {
  Bytes out(size);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

TEST(Sha256Process, Fips180KnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// RFC 4231 test case 2: HMAC-SHA256 through mbedTLS's MD layer, as the core computes MACs.
TEST(Sha256Process, HmacRfc4231Case2) {
  const std::string key = "Jefe", data = "what do ya want for nothing?";
  uint8_t mac[32];
  ASSERT_EQ(mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                            reinterpret_cast<const uint8_t*>(key.data()), key.size(),
                            reinterpret_cast<const uint8_t*>(data.data()), data.size(), mac), 0);
  EXPECT_EQ(to_hex(mac, 32), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Sha256Process, MatchesTextbookOnRandomMessagesInRandomPieces) {
  std::mt19937_64 rng(0x5eed0256);
  for (int trial = 0; trial < 300; ++trial) {
    size_t size = static_cast<size_t>(rng() % 1200);
    Bytes message = random_bytes(rng, size);
    mbedtls_sha256_context ctx;
    mbedtls_sha256_init(&ctx);
    ASSERT_EQ(mbedtls_sha256_starts(&ctx, 0), 0);
    size_t done = 0;
    while (done < size) {
      size_t take = 1 + static_cast<size_t>(rng() % (size - done));
      ASSERT_EQ(mbedtls_sha256_update(&ctx, message.data() + done, take), 0);
      done += take;
    }
    uint8_t out[32];
    ASSERT_EQ(mbedtls_sha256_finish(&ctx, out), 0);
    mbedtls_sha256_free(&ctx);
    ASSERT_EQ(Bytes(out, out + 32), textbook_sha256(message)) << "size " << size;
  }
}

// Every length 0..300 (so every padding case: the 55/56/64-byte edges, several blocks) under
// an empty key, short keys, a 64-byte key and keys longer than a block, which are hashed.
TEST(Sha256Process, HmacOfEveryLengthMatchesTextbook) {
  std::mt19937_64 rng(0x4a7c0256);
  const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  const size_t key_sizes[] = {0, 1, 16, 32, 55, 63, 64, 65, 100, 200};
  for (size_t size = 0; size <= 300; ++size) {
    const Bytes message = random_bytes(rng, size);
    const Bytes key = random_bytes(rng, key_sizes[size % (sizeof key_sizes / sizeof key_sizes[0])]);
    uint8_t mac[32];
    ASSERT_EQ(mbedtls_md_hmac(sha256, key.data(), key.size(), message.data(), message.size(), mac), 0);
    ASSERT_EQ(Bytes(mac, mac + 32), textbook_hmac(key, message)) << "length " << size << ", key " << key.size();
  }
}

// The block function itself on arbitrary chaining values (not only those a hash reaches):
// the portable form built here, the hook (the vector form), and the textbook one agree.
TEST(Sha256Process, BlockFunctionMatchesTextbookOnRandomStates) {
  std::mt19937_64 rng(0xb10c0256);
  for (int trial = 0; trial < 2000; ++trial) {
    const Bytes block = random_bytes(rng, 64);
    uint32_t expected[8], portable[8];
    for (int i = 0; i < 8; ++i) expected[i] = portable[i] = static_cast<uint32_t>(rng());
    mbedtls_sha256_context ctx;
    mbedtls_sha256_init(&ctx);
    std::memcpy(ctx.state, expected, sizeof expected);
    textbook_compress(expected, block.data());
    sha256_portable::compress(portable, block.data());
    ASSERT_EQ(mbedtls_internal_sha256_process(&ctx, block.data()), 0);
    for (int i = 0; i < 8; ++i) {
      ASSERT_EQ(portable[i], expected[i]) << "trial " << trial << " word " << i;
      ASSERT_EQ(ctx.state[i], expected[i]) << "trial " << trial << " word " << i;
    }
    mbedtls_sha256_free(&ctx);
  }
}

// compress_digest (PBKDF2's block): the block a 32-byte digest makes after one 64-byte block,
// with its fixed padding, from any chaining value and its digest_round0, against the textbook
// block function and the generic compress of the same build on that block; the output may
// overwrite the input.
TEST(Sha256Process, DigestBlockMatchesTextbookAndCompress) {
  std::mt19937_64 rng(0xd16e0256);
  for (int trial = 0; trial < 2000; ++trial) {
    uint32_t iv[8], words[8], expected[8];
    Bytes block(64, 0);
    for (int i = 0; i < 8; ++i) {
      iv[i] = expected[i] = static_cast<uint32_t>(rng());
      words[i] = static_cast<uint32_t>(rng());
      for (int j = 0; j < 4; ++j) block[4 * i + j] = static_cast<uint8_t>(words[i] >> (24 - 8 * j));
    }
    block[32] = 0x80;
    block[62] = 0x03;  // 96 bytes = 768 bits
    textbook_compress(expected, block.data());
    uint32_t generic[8];
    std::memcpy(generic, iv, sizeof generic);
    sha256_portable::compress(generic, block.data());
    uint32_t out[8], round0[2];
    sha256_portable::digest_round0(round0, iv);
    sha256_portable::compress_digest(out, iv, round0, words);
    sha256_portable::compress_digest(words, iv, round0, words);
    for (int i = 0; i < 8; ++i) {
      ASSERT_EQ(generic[i], expected[i]) << "trial " << trial << " word " << i;
      ASSERT_EQ(out[i], expected[i]) << "trial " << trial << " word " << i;
      ASSERT_EQ(words[i], expected[i]) << "trial " << trial << " word " << i;
    }
  }
}

}  // namespace

// PBKDF2-HMAC-SHA256 and scrypt against published vectors (RFC 7914 section
// 11 for PBKDF2-HMAC-SHA256, section 12 for scrypt; the widely used
// "password"/"salt" PBKDF2-HMAC-SHA256 set), against RFC 8018 written out
// on mbedTLS's general HMAC for random inputs (the core's loop is its own
// specialised code: cpp/sha256_block.h's compress_digest and digest_round0 in
// the build kdf.cpp has, SSSE3 on x86-64, against the generic compress of the
// same build under mbedTLS's HMAC), and the parameter decisions Python's
// cryptography makes. tests/cpp/sha256_process_test.cpp checks the portable
// build's compress_digest block by block; tests/js/kdf.test.js the wasm build.
#include "kdf.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "mbedtls/md.h"

namespace {

using fernet::Status;

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  char pair[3];
  for (uint8_t b : bytes) {
    std::snprintf(pair, sizeof pair, "%02x", b);
    out += pair;
  }
  return out;
}

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string pbkdf2(const std::string& password, const std::string& salt, uint32_t iterations,
                   size_t length) {
  std::vector<uint8_t> out(length);
  const Status status = fernet::pbkdf2_hmac_sha256(bytes(password), password.size(), bytes(salt),
                                                   salt.size(), iterations, out.data(), out.size());
  return status == Status::kOk ? hex(out) : "status " + std::to_string(static_cast<int>(status));
}

std::string scrypt(const std::string& password, const std::string& salt, uint64_t n, uint32_t r,
                   uint32_t p, size_t length) {
  std::vector<uint8_t> out(length);
  const Status status = fernet::scrypt(bytes(password), password.size(), bytes(salt), salt.size(), n,
                                       r, p, out.data(), out.size());
  return status == Status::kOk ? hex(out) : "status " + std::to_string(static_cast<int>(status));
}

TEST(Pbkdf2HmacSha256, Rfc7914Vectors) {
  EXPECT_EQ(pbkdf2("passwd", "salt", 1, 64),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_EQ(pbkdf2("Password", "NaCl", 80000, 64),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(Pbkdf2HmacSha256, PasswordSaltVectors) {
  EXPECT_EQ(pbkdf2("password", "salt", 1, 32), "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_EQ(pbkdf2("password", "salt", 2, 32), "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  EXPECT_EQ(pbkdf2("password", "salt", 4096, 32), "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  // Output that ends inside a block.
  EXPECT_EQ(pbkdf2("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40),
            "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
}

TEST(Pbkdf2HmacSha256, PasswordLongerThanABlockIsHashedFirst) {
  // From Python's hashlib.pbkdf2_hmac('sha256', b'x' * 100, b'', 3, 32).
  EXPECT_EQ(pbkdf2(std::string(100, 'x'), "", 3, 32),
            "8bbb2417b3b8f12898ae6553195783b360877eef8935294d3f4000dbecfd9b22");
}

// RFC 8018 section 5.2 as written: a whole HMAC per U, through mbedTLS's MD layer.
std::vector<uint8_t> reference_pbkdf2(const std::vector<uint8_t>& password,
                                      const std::vector<uint8_t>& salt, uint32_t iterations,
                                      size_t length) {
  const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  std::vector<uint8_t> out;
  for (uint32_t index = 1; out.size() < length; ++index) {
    std::vector<uint8_t> message = salt;
    for (int shift = 24; shift >= 0; shift -= 8) message.push_back(static_cast<uint8_t>(index >> shift));
    uint8_t u[32], t[32];
    EXPECT_EQ(mbedtls_md_hmac(sha256, password.data(), password.size(), message.data(), message.size(), u), 0);
    std::copy(u, u + 32, t);
    for (uint32_t i = 1; i < iterations; ++i) {
      EXPECT_EQ(mbedtls_md_hmac(sha256, password.data(), password.size(), u, 32, u), 0);
      for (int j = 0; j < 32; ++j) t[j] ^= u[j];
    }
    out.insert(out.end(), t, t + 32);
  }
  out.resize(length);
  return out;
}

TEST(Pbkdf2HmacSha256, MatchesRfc8018WrittenOutOnRandomInputs) {
  std::mt19937_64 rng(0x9bdf2256);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint8_t> password(rng() % 150), salt(rng() % 80);
    for (auto& b : password) b = static_cast<uint8_t>(rng());
    for (auto& b : salt) b = static_cast<uint8_t>(rng());
    const uint32_t iterations = 1 + static_cast<uint32_t>(rng() % (trial % 10 == 0 ? 3000 : 40));
    const size_t length = 1 + rng() % 100;
    std::vector<uint8_t> out(length);
    ASSERT_EQ(fernet::pbkdf2_hmac_sha256(password.data(), password.size(), salt.data(), salt.size(),
                                         iterations, out.data(), out.size()),
              Status::kOk);
    ASSERT_EQ(hex(out), hex(reference_pbkdf2(password, salt, iterations, length)))
        << "password " << password.size() << " salt " << salt.size() << " iterations " << iterations;
  }
}

// The loop runs in calls of 1024 iterations (see pbkdf2_iterate in cpp/kdf.cpp): counts
// around the call boundaries.
TEST(Pbkdf2HmacSha256, IterationCountsAroundTheLoopsCallBoundaries) {
  const std::vector<uint8_t> password = {'p', 'a', 's', 's'}, salt = {'s', 'a', 'l', 't'};
  for (uint32_t iterations : {1u, 2u, 1023u, 1024u, 1025u, 1026u, 2048u, 2049u, 2050u, 3073u}) {
    std::vector<uint8_t> out(32);
    ASSERT_EQ(fernet::pbkdf2_hmac_sha256(password.data(), password.size(), salt.data(), salt.size(),
                                         iterations, out.data(), out.size()),
              Status::kOk);
    EXPECT_EQ(hex(out), hex(reference_pbkdf2(password, salt, iterations, 32))) << iterations;
  }
}

TEST(Pbkdf2HmacSha256, RefusesWhatPythonRefuses) {
  EXPECT_EQ(pbkdf2("p", "s", 0, 32), "status 5");
  EXPECT_EQ(pbkdf2("p", "s", fernet::kMaxPbkdf2Iterations + 1, 32), "status 5");
}

TEST(Scrypt, Rfc7914Vectors) {
  EXPECT_EQ(scrypt("", "", 16, 1, 1, 64),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  EXPECT_EQ(scrypt("password", "NaCl", 1024, 8, 16, 64),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  EXPECT_EQ(scrypt("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64),
            "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
            "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
  // The fourth vector (n = 2^20, r = 8: 1 GiB) is beyond the memory cap.
  EXPECT_EQ(scrypt("pleaseletmein", "SodiumChloride", 1048576, 8, 1, 64), "status 4");
}

TEST(Scrypt, OddShapes) {
  // From Python's hashlib.scrypt(b'x' * 100, salt=b's' * 7, n=2, r=3, p=2, dklen=32).
  EXPECT_EQ(scrypt(std::string(100, 'x'), "sssssss", 2, 3, 2, 32),
            "80b95efda645b1b57b7bd13de7d20d78e7db5efa995466f0ac9bcad84fd1c5c3");
}

TEST(Scrypt, ParameterDecisions) {
  using fernet::check_scrypt_parameters;
  // Python's ValueErrors.
  for (uint64_t n : {0ull, 1ull, 3ull, 6ull, 1000ull}) EXPECT_EQ(check_scrypt_parameters(n, 8, 1), Status::kInvalidParameters) << n;
  EXPECT_EQ(check_scrypt_parameters(16, 0, 1), Status::kInvalidParameters);
  EXPECT_EQ(check_scrypt_parameters(16, 1, 0), Status::kInvalidParameters);
  // OpenSSL's n < 2^(16r), which Python reports as a MemoryError.
  EXPECT_EQ(check_scrypt_parameters(1u << 16, 1, 1), Status::kInvalidParameters);
  EXPECT_EQ(check_scrypt_parameters(1u << 15, 1, 1), Status::kOk);
  // The memory cap: 128*r*n + 128*r*p <= 256 MiB.
  EXPECT_EQ(check_scrypt_parameters(1u << 14, 8, 1), Status::kOk);
  EXPECT_EQ(check_scrypt_parameters(1u << 17, 16, 1), Status::kTooLarge);  // 256 MiB + the lane
  EXPECT_EQ(check_scrypt_parameters(1u << 17, 8, 1 << 17), Status::kOk);  // exactly 256 MiB
  EXPECT_EQ(check_scrypt_parameters(1u << 17, 8, (1 << 17) + 1), Status::kTooLarge);
  EXPECT_EQ(check_scrypt_parameters(uint64_t{1} << 63, 8, 1), Status::kTooLarge);
  EXPECT_EQ(check_scrypt_parameters(2, 0xffffffffu, 0xffffffffu), Status::kTooLarge);
}

}  // namespace

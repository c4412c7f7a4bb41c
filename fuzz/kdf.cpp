// Input: parameters, password and salt. PBKDF2's lean loop (one compression
// per HMAC half, resumed from saved pad states) must agree with HMAC-SHA256
// computed the plain way through mbedTLS's MD layer, and scrypt's decisions
// must be those of check_scrypt_parameters, deterministically.
#include "fuzz_input.h"
#include "kdf.h"
#include "mbedtls/md.h"

namespace {

// PBKDF2 the textbook way: every HMAC from scratch with mbedtls_md_hmac.
void reference_pbkdf2(const uint8_t* password, size_t password_size, const uint8_t* salt, size_t salt_size,
                      uint32_t iterations, uint8_t* out, size_t out_size) {
  const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  uint8_t block[4096 + 4];
  for (uint32_t index = 1, done = 0; done < out_size; ++index, done += 32) {
    std::memcpy(block, salt, salt_size);
    block[salt_size] = static_cast<uint8_t>(index >> 24);
    block[salt_size + 1] = static_cast<uint8_t>(index >> 16);
    block[salt_size + 2] = static_cast<uint8_t>(index >> 8);
    block[salt_size + 3] = static_cast<uint8_t>(index);
    uint8_t u[32], t[32];
    FUZZ_CHECK(mbedtls_md_hmac(sha256, password, password_size, block, salt_size + 4, u) == 0);
    std::memcpy(t, u, 32);
    for (uint32_t i = 1; i < iterations; ++i) {
      FUZZ_CHECK(mbedtls_md_hmac(sha256, password, password_size, u, 32, u) == 0);
      for (int k = 0; k < 32; ++k) t[k] ^= u[k];
    }
    const size_t take = out_size - done < 32 ? out_size - done : 32;
    std::memcpy(out + done, t, take);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const uint8_t* head = in.take(6);
  if (head == nullptr) return 0;
  const uint32_t iterations = head[0] % 8;           // 0 is refused
  const size_t out_size = 1 + head[1] % 80;           // across a block boundary
  const uint64_t n = uint64_t{1} << (head[2] % 9);    // 1 .. 256 (1 is refused)
  const uint32_t r = head[3] % 4;                     // 0 is refused
  const uint32_t p = head[4] % 3;                     // 0 is refused
  const size_t password_size = head[5] % 2 == 0 ? in.size / 2 : in.size;  // long passwords too
  const uint8_t* password = in.take(password_size);
  const uint8_t* salt = in.data;
  const size_t salt_size = in.size < 4096 ? in.size : 4096;

  uint8_t got[80], want[80];
  const fernet::Status status = fernet::pbkdf2_hmac_sha256(password, password_size, salt, salt_size, iterations, got, out_size);
  if (iterations == 0) {
    FUZZ_CHECK(status == fernet::Status::kInvalidParameters);
  } else {
    FUZZ_CHECK(status == fernet::Status::kOk);
    reference_pbkdf2(password, password_size, salt, salt_size, iterations, want, out_size);
    FUZZ_CHECK(std::memcmp(got, want, out_size) == 0);
  }

  const fernet::Status expected = fernet::check_scrypt_parameters(n, r, p);
  uint8_t a[32], b[32];
  FUZZ_CHECK(fernet::scrypt(password, password_size, salt, salt_size, n, r, p, a, sizeof a) == expected);
  if (expected == fernet::Status::kOk) {
    FUZZ_CHECK(fernet::scrypt(password, password_size, salt, salt_size, n, r, p, b, sizeof b) == fernet::Status::kOk);
    FUZZ_CHECK(std::memcmp(a, b, sizeof a) == 0);
  }
  return 0;
}

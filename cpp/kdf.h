// Keys from passwords, as Python's cryptography derives them:
//
//   PBKDF2HMAC(algorithm=SHA256(), length=32, salt=salt, iterations=i).derive(password)
//   Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password)
//
// PBKDF2-HMAC-SHA256 (RFC 8018) runs on mbedTLS's SHA-256 compression;
// scrypt (RFC 7914: Salsa20/8, BlockMix, ROMix) is written here on top of it.
// Pure C++17, no exceptions. Every copy of the password, every intermediate
// block and the whole scrypt work area is wiped before its memory is freed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fernet.h"

namespace fernet {

// OpenSSL takes the iteration count as an int, and Python passes it through.
constexpr uint32_t kMaxPbkdf2Iterations = 0x7fffffff;

// scrypt's work area is 128*r*n bytes (V) plus 128*r*p bytes (B). Above this
// cap derivation is refused with kTooLarge rather than attempted: in wasm the
// memory, once grown, is never given back. 256 MiB is 16 times the 16 MiB of
// the common n=2^14, r=8 recipe.
constexpr uint64_t kMaxScryptMemory = uint64_t{256} << 20;

// kOk, or kInvalidParameters for what Python refuses (iterations < 1 or above
// kMaxPbkdf2Iterations). `out_size` may be any length; Fernet keys use 32.
Status pbkdf2_hmac_sha256(const uint8_t* password, size_t password_size, const uint8_t* salt,
                          size_t salt_size, uint32_t iterations, uint8_t* out, size_t out_size);

// The decision on scrypt parameters alone: kInvalidParameters where Python
// raises ValueError (n <= 1 or not a power of two, r < 1, p < 1) or OpenSSL
// refuses (n >= 2^(16*r)), kTooLarge beyond kMaxScryptMemory, else kOk.
Status check_scrypt_parameters(uint64_t n, uint32_t r, uint32_t p);

// kOk, a check_scrypt_parameters() failure, or kOutOfMemory.
Status scrypt(const uint8_t* password, size_t password_size, const uint8_t* salt, size_t salt_size,
              uint64_t n, uint32_t r, uint32_t p, uint8_t* out, size_t out_size);

}  // namespace fernet

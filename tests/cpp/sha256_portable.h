// The portable scalar SHA-256 of cpp/sha256_block.h (FERNET_SHA256_PORTABLE), compiled in
// tests/cpp/sha256_portable.cpp with the build type's optimisation, for
// sha256_process_test.cpp, whose GoogleTest code is compiled without it (CMakeLists.txt).
// x86 and wasm builds never run this form otherwise.
#pragma once

#include <cstdint>

namespace sha256_portable {
void compress(uint32_t state[8], const unsigned char block[64]);
void digest_round0(uint32_t round0[2], const uint32_t iv[8]);
void compress_digest(uint32_t out[8], const uint32_t iv[8], const uint32_t round0[2],
                     const uint32_t words[8]);
}  // namespace sha256_portable

// The portable scalar Salsa20/8 of cpp/salsa20_block.h (FERNET_SALSA20_PORTABLE), compiled in
// tests/cpp/salsa20_portable.cpp with the build type's optimisation, for salsa20_test.cpp.
// x86 and wasm builds never run this form otherwise.
#pragma once

#include <cstdint>

namespace salsa20_portable {
void core8_of_xor(uint32_t out[16], const uint32_t p[16], const uint32_t q[16],
                  const uint32_t* r);
}  // namespace salsa20_portable

#define FERNET_SALSA20_PORTABLE 1
#include "salsa20_portable.h"

#include "salsa20_block.h"

namespace salsa20_portable {
void core8_of_xor(uint32_t out[16], const uint32_t p[16], const uint32_t q[16],
                  const uint32_t* r) {
  fernet::salsa20::core8_of_xor(out, p, q, r);
}
}  // namespace salsa20_portable

#define FERNET_SHA256_PORTABLE 1
#include "sha256_portable.h"

#include "sha256_block.h"

namespace sha256_portable {
void compress(uint32_t state[8], const unsigned char block[64]) {
  fernet::sha256::compress(state, block);
}
void digest_round0(uint32_t round0[2], const uint32_t iv[8]) {
  fernet::sha256::digest_round0(round0, iv);
}
void compress_digest(uint32_t out[8], const uint32_t iv[8], const uint32_t round0[2],
                     const uint32_t words[8]) {
  fernet::sha256::compress_digest(out, iv, round0, words);
}
}  // namespace sha256_portable

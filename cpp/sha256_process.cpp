// SHA-256's compression function for mbedTLS's MBEDTLS_SHA256_PROCESS_ALT hook: the rest
// of sha256.c (padding, buffering, HMAC via md.c) stays mbedTLS's. The compression itself
// is fernet::sha256::compress (cpp/sha256_block.h), shared with PBKDF2 (cpp/kdf.cpp).
//
// Why: mbedTLS keeps the working variables and the 64-word message schedule in a struct
// whose address it takes (to wipe it after every block), so in WebAssembly every round
// reads and writes linear memory. sha256_block.h keeps the working variables in locals
// and the schedule in vector locals: nothing of the message or the state is written to
// memory but the chaining value itself, so there is nothing left to wipe per block.

#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/sha256.h"

#include "sha256_block.h"

extern "C" int mbedtls_internal_sha256_process(mbedtls_sha256_context* ctx,
                                               const unsigned char data[64]) {
  fernet::sha256::compress(ctx->state, data);
  return 0;
}

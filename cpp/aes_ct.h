// What cpp/aes_ct.cpp offers beyond mbedTLS's AES API (whose functions it implements
// through the MBEDTLS_AES_ALT hook).
#pragma once

#include <cstddef>
#include <cstdint>

#include "mbedtls/aes.h"

namespace fernet {

// CBC encryption of `blocks` whole blocks at `data`, in place, under an encryption schedule
// (mbedtls_aes_setkey_enc), chained from `iv`, which is left at the last ciphertext block as
// mbedtls_aes_crypt_cbc leaves it; and, in the same loop, SHA-256 compressions into `state` of
// the 64-byte blocks from `hashed` on (bytes the caller has final, then this call's
// ciphertext), as many as lie wholly before the end of the ciphertext, less up to four
// (the hash runs behind the encryption). *hashed_size: the bytes compressed, a multiple of 64;
// the caller hashes the rest. `hashed` must not be after `data`. Returns 0, or
// MBEDTLS_ERR_AES_BAD_INPUT_DATA (nothing done) when ctx holds no encryption schedule.
int cbc_encrypt_and_hash(const mbedtls_aes_context* ctx, unsigned char iv[16], unsigned char* data,
                         size_t blocks, const unsigned char* hashed, uint32_t state[8],
                         size_t* hashed_size);

}  // namespace fernet

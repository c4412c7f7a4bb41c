// What cpp/aes_ct.cpp offers beyond mbedTLS's AES API (whose functions it implements
// through the MBEDTLS_AES_ALT hook).
#pragma once

#include <cstddef>
#include <cstdint>

#include "mbedtls/aes.h"

namespace fernet {

// The encryption schedule of a 128-bit key (its eleven round keys as this file's rounds use
// them), as mbedtls_aes_setkey_enc makes it: fernet::Key keeps one, so that a call need not
// expand the key again.
void expand_encryption_key(const unsigned char key[16], unsigned char schedule[11][16]);

// CBC encryption of `blocks` whole blocks from `input` to `output` (the same, to work in
// place) under an encryption schedule (expand_encryption_key), chained from `iv`, which is
// left at the last ciphertext block as mbedtls_aes_crypt_cbc leaves it. The schedule is read
// where it is: no copy of it to wipe.
void cbc_encrypt(const unsigned char schedule[11][16], unsigned char iv[16],
                 const unsigned char* input, unsigned char* output, size_t blocks);
// The same in place at `data`, and, in the same loop, the SHA-256 compressions into `state`
// of the message that continues with this ciphertext: `held` is what the message has beyond
// its last whole block (held_size < 64 bytes, a SHA-256 context's unfinished block; null for
// none). The hash runs behind the encryption and stops with it: *hashed_size is how many bytes
// of ciphertext went into compressions (after the held bytes; 0 when none did, and the held
// bytes are then still unhashed); the caller hashes the rest. Returns 0, or
// MBEDTLS_ERR_AES_BAD_INPUT_DATA (nothing done) when held_size >= 64.
int cbc_encrypt_and_hash(const unsigned char schedule[11][16], unsigned char iv[16],
                         unsigned char* data, size_t blocks, const unsigned char* held,
                         size_t held_size, uint32_t state[8], size_t* hashed_size);

}  // namespace fernet

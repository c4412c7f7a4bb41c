/* mbedTLS's MBEDTLS_AES_ALT hook: the context of the constant-time AES in aes_ct.cpp.
 * mbedtls/aes.h includes this file in place of its own context when the project's config
 * (fernet_mbedtls_config.h) defines MBEDTLS_AES_ALT. Plain C: mbedTLS's headers are C. */
#ifndef FERNET_AES_ALT_H
#define FERNET_AES_ALT_H

#include "mbedtls/private_access.h"

typedef struct mbedtls_aes_context {
    /* Eleven round keys, each already in the byte encoding the round that uses it works in
     * (see aes_ct.cpp): an expanded key, secret, wiped by mbedtls_aes_free. */
    unsigned char MBEDTLS_PRIVATE(rk)[11][16];
    /* The decryption schedule once more, plain (FIPS-197's equivalent inverse cipher, not
     * encoded): the bitsliced eight-block path builds its round keys from it. Unused (zero)
     * for encryption. Secret, wiped with the rest. */
    unsigned char MBEDTLS_PRIVATE(plain)[11][16];
    /* Which schedule rk holds: 0 none, 1 encryption, 2 decryption. */
    int MBEDTLS_PRIVATE(schedule);
} mbedtls_aes_context;

#endif /* FERNET_AES_ALT_H */

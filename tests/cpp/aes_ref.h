/* The reference AES (mbedTLS's own, aes_ref.c) for the tests: one call per operation,
 * same arguments and return codes as mbedtls_aes_setkey_* followed by mbedtls_aes_crypt_*. */
#ifndef FERNET_AES_REF_H
#define FERNET_AES_REF_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
int ref_aes_ecb(int mode, const unsigned char *key, unsigned int keybits,
                const unsigned char input[16], unsigned char output[16]);
int ref_aes_cbc(int mode, const unsigned char *key, unsigned int keybits, unsigned char iv[16],
                size_t length, const unsigned char *input, unsigned char *output);
#ifdef __cplusplus
}
#endif
#endif

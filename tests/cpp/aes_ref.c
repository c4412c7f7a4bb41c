/* mbedTLS's own AES, compiled a second time for the tests only, as the oracle for the
 * constant-time AES in cpp/aes_ct.cpp (which replaces it in the core via MBEDTLS_AES_ALT).
 * Every external name of aes.c is renamed so both live in one test binary; the tests call it
 * through the two functions at the bottom, so its context type never meets the core's. */
#define mbedtls_aes_context ref_aes_context
#define mbedtls_aes_xts_context ref_aes_xts_context
#define mbedtls_aes_init ref_aes_init
#define mbedtls_aes_free ref_aes_free
#define mbedtls_aes_xts_init ref_aes_xts_init
#define mbedtls_aes_xts_free ref_aes_xts_free
#define mbedtls_aes_setkey_enc ref_aes_setkey_enc
#define mbedtls_aes_setkey_dec ref_aes_setkey_dec
#define mbedtls_aes_xts_setkey_enc ref_aes_xts_setkey_enc
#define mbedtls_aes_xts_setkey_dec ref_aes_xts_setkey_dec
#define mbedtls_internal_aes_encrypt ref_internal_aes_encrypt
#define mbedtls_internal_aes_decrypt ref_internal_aes_decrypt
#define mbedtls_aes_crypt_ecb ref_aes_crypt_ecb
#define mbedtls_aes_crypt_cbc ref_aes_crypt_cbc
#define mbedtls_aes_crypt_xts ref_aes_crypt_xts
#define mbedtls_aes_crypt_cfb128 ref_aes_crypt_cfb128
#define mbedtls_aes_crypt_cfb8 ref_aes_crypt_cfb8
#define mbedtls_aes_crypt_ofb ref_aes_crypt_ofb
#define mbedtls_aes_crypt_ctr ref_aes_crypt_ctr
#define mbedtls_aes_self_test ref_aes_self_test

#include "aes.c"

#include "aes_ref.h"

int ref_aes_ecb(int mode, const unsigned char *key, unsigned int keybits,
                const unsigned char input[16], unsigned char output[16])
{
    ref_aes_context ctx;
    ref_aes_init(&ctx);
    int rc = mode == MBEDTLS_AES_ENCRYPT ? ref_aes_setkey_enc(&ctx, key, keybits)
                                         : ref_aes_setkey_dec(&ctx, key, keybits);
    if (rc == 0) {
        rc = ref_aes_crypt_ecb(&ctx, mode, input, output);
    }
    ref_aes_free(&ctx);
    return rc;
}

int ref_aes_cbc(int mode, const unsigned char *key, unsigned int keybits, unsigned char iv[16],
                size_t length, const unsigned char *input, unsigned char *output)
{
    ref_aes_context ctx;
    ref_aes_init(&ctx);
    int rc = mode == MBEDTLS_AES_ENCRYPT ? ref_aes_setkey_enc(&ctx, key, keybits)
                                         : ref_aes_setkey_dec(&ctx, key, keybits);
    if (rc == 0) {
        rc = ref_aes_crypt_cbc(&ctx, mode, length, iv, input, output);
    }
    ref_aes_free(&ctx);
    return rc;
}

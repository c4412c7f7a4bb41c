/* The project's MBEDTLS_CONFIG_FILE: only what Fernet needs.
 * AES-128-CBC for the ciphertext, HMAC-SHA256 (via MD) for the MAC,
 * base64 (constant-time) for keys. Nothing else is compiled. */
#ifndef FERNET_MBEDTLS_CONFIG_H
#define FERNET_MBEDTLS_CONFIG_H

#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_MODE_CBC
/* Tables in read-only data: no run-time table generation at start-up,
 * and the linker can drop what is unused. */
#define MBEDTLS_AES_ROM_TABLES
/* Fernet keys are 128-bit; AES-192/256 key schedules are never needed. */
#define MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH
#define MBEDTLS_SHA256_C
#define MBEDTLS_MD_C
#define MBEDTLS_BASE64_C

#endif

/* Test-only mbedTLS config for the reference AES (aes_ref.c): mbedTLS's own software AES
 * as its default configuration builds it (RAM tables, all key sizes, CBC), without the
 * hardware paths (AES-NI, padlock), so the oracle is the table code the core used before. */
#ifndef FERNET_AES_REF_CONFIG_H
#define FERNET_AES_REF_CONFIG_H
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_MODE_CBC
#endif

/* The project's MBEDTLS_CONFIG_FILE: only what Fernet needs.
 * AES-128-CBC for the ciphertext, SHA-256 under the core's HMAC (cpp/fernet.cpp)
 * for the MAC, base64 (constant-time) for keys. MD is compiled for the native
 * tests and fuzzers, whose oracle is mbedtls_md_hmac; the wasm does not call it,
 * so the linker leaves it out. Nothing else is compiled. */
#ifndef FERNET_MBEDTLS_CONFIG_H
#define FERNET_MBEDTLS_CONFIG_H

#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_MODE_CBC
/* AES is the project's constant-time implementation (cpp/aes_ct.cpp, context in
 * cpp/aes_alt.h), not mbedTLS's table-driven one: aes.c compiles to nothing and the
 * S-box/T-tables are not in the build. */
#define MBEDTLS_AES_ALT
/* Fernet keys are 128-bit; AES-192/256 key schedules are never needed. */
#define MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH
#define MBEDTLS_SHA256_C
/* SHA-256's block function is cpp/sha256_process.cpp (state in registers, not in a
 * memory struct wiped per block); padding and buffering stay mbedTLS's. */
#define MBEDTLS_SHA256_PROCESS_ALT
#define MBEDTLS_MD_C
#define MBEDTLS_BASE64_C
/* mbedTLS's heap blocks (MD contexts, in the tests) go through the core's registry
 * (secure_buffer.h): wiped when freed, reclaimable after an aborted call. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO fernet_mbedtls_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO fernet_mbedtls_free
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void *fernet_mbedtls_calloc(size_t count, size_t size);
void fernet_mbedtls_free(void *block);
#ifdef __cplusplus
}
#endif

#endif

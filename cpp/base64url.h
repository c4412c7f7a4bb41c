// Base64url for tokens: vector kernels (WebAssembly SIMD128, x86 SSSE3) for the bulk and
// table-driven scalar code for the rest. Tokens are public, so unlike key parsing this
// codec needs no constant-time care.
//
// Decoding is strict: only the canonical, padded encoding is accepted
// (length a multiple of 4, alphabet A-Z a-z 0-9 - _, '=' only as final
// padding, unused trailing bits zero). Every token that Python's
// urlsafe_b64encode produces passes; the malleable variants its lenient
// decoder also accepts do not.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fernet::base64url {

constexpr size_t encoded_size(size_t raw_size) { return (raw_size + 2) / 3 * 4; }

// An upper bound on the decoded size; decode() reports the exact one.
constexpr size_t max_decoded_size(size_t text_size) { return text_size / 4 * 3; }

// Writes encoded_size(size) characters to `out`.
void encode(const uint8_t* in, size_t size, uint8_t* out);

// Writes the decoded bytes to `out` (max_decoded_size(size) bytes of room)
// and their count to `out_size`; false for any non-canonical input.
bool decode(const uint8_t* in, size_t size, uint8_t* out, size_t* out_size);

// The same codec without its vector kernel: the reference the tests compare with, and the
// code that encodes and decodes what the kernel leaves over (the tail, the padding).
void encode_scalar(const uint8_t* in, size_t size, uint8_t* out);
bool decode_scalar(const uint8_t* in, size_t size, uint8_t* out, size_t* out_size);

}  // namespace fernet::base64url

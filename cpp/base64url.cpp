#include "base64url.h"

#include <array>

namespace fernet::base64url {
namespace {

constexpr unsigned char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) table[kAlphabet[i]] = i;
  return table;
}
constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

}  // namespace

void encode(const uint8_t* in, size_t size, uint8_t* out) {
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const uint32_t v = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    out[0] = kAlphabet[v >> 18];
    out[1] = kAlphabet[(v >> 12) & 63];
    out[2] = kAlphabet[(v >> 6) & 63];
    out[3] = kAlphabet[v & 63];
    out += 4;
  }
  const size_t rest = size - i;
  if (rest == 0) return;
  const uint32_t v = uint32_t{in[i]} << 16 | (rest == 2 ? uint32_t{in[i + 1]} << 8 : 0);
  out[0] = kAlphabet[v >> 18];
  out[1] = kAlphabet[(v >> 12) & 63];
  out[2] = rest == 2 ? kAlphabet[(v >> 6) & 63] : uint8_t{'='};
  out[3] = '=';
}

bool decode(const uint8_t* in, size_t size, uint8_t* out, size_t* out_size) {
  if (size % 4 != 0) return false;
  if (size == 0) {
    *out_size = 0;
    return true;
  }
  const size_t padding = in[size - 1] != '=' ? 0 : in[size - 2] != '=' ? 1 : 2;
  const size_t full_quads = size / 4 - (padding != 0 ? 1 : 0);

  // Any invalid character ORs 0xff into `bad`; one branch per token, not per byte.
  uint32_t bad = 0;
  uint8_t* o = out;
  for (size_t q = 0; q < full_quads; ++q, in += 4, o += 3) {
    const uint32_t a = kDecode[in[0]], b = kDecode[in[1]], c = kDecode[in[2]], d = kDecode[in[3]];
    bad |= a | b | c | d;
    const uint32_t v = a << 18 | b << 12 | c << 6 | d;
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
  }
  if (bad & 0xc0) return false;

  if (padding != 0) {
    const uint32_t a = kDecode[in[0]], b = kDecode[in[1]];
    const uint32_t c = padding == 1 ? kDecode[in[2]] : 0;
    if ((a | b | c) & 0xc0) return false;
    // Canonical form: the bits below the last whole byte are zero.
    if (padding == 2 && (b & 0x0f) != 0) return false;
    if (padding == 1 && (c & 0x03) != 0) return false;
    const uint32_t v = a << 18 | b << 12 | c << 6;
    *o++ = static_cast<uint8_t>(v >> 16);
    if (padding == 1) *o++ = static_cast<uint8_t>(v >> 8);
  }
  *out_size = static_cast<size_t>(o - out);
  return true;
}

}  // namespace fernet::base64url

// The only file that knows about Emscripten. Values cross the boundary:
// JS Uint8Arrays in (copied into wasm memory that is wiped after the call),
// JS-owned Uint8Array copies out. A function returns its result on success
// and a fernet::Status number on failure; js/ turns that into an exception.
// 64-bit times travel as two 32-bit halves, which every emsdk binds alike.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "fernet.h"

namespace {

using emscripten::val;
using fernet::SecureBuffer;
using fernet::Status;

// A copy of a JS Uint8Array in wasm memory, wiped when it goes out of scope.
struct Input {
  SecureBuffer buffer;
  bool ok;
  explicit Input(const val& bytes) {
    const size_t size = bytes["length"].as<size_t>();
    ok = buffer.allocate(size);
    if (ok && size != 0) val(emscripten::typed_memory_view(size, buffer.data())).call<void>("set", bytes);
  }
  const uint8_t* data() const { return buffer.data(); }
  size_t size() const { return buffer.size(); }
};

val copy_out(const uint8_t* data, size_t size) {
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(size, data));
}

val failure(Status status) { return val(static_cast<int>(status)); }

uint64_t join(uint32_t high, uint32_t low) { return uint64_t{high} << 32 | low; }

val parse_key(const val& text) {
  Input in(text);
  if (!in.ok) return failure(Status::kOutOfMemory);
  uint8_t key[fernet::kKeySize];
  const Status status = fernet::parse_key(in.data(), in.size(), key);
  val result = status == Status::kOk ? copy_out(key, sizeof key) : failure(status);
  fernet::secure_zero(key, sizeof key);
  return result;
}

val format_key(const val& raw_key) {
  Input key(raw_key);
  if (!key.ok) return failure(Status::kOutOfMemory);
  uint8_t text[fernet::kKeyTextSize];
  fernet::format_key(key.data(), text);
  val result = copy_out(text, sizeof text);
  fernet::secure_zero(text, sizeof text);
  return result;
}

val encrypt(const val& raw_key, const val& message, uint32_t time_high, uint32_t time_low,
            const val& iv_bytes) {
  Input key(raw_key), plain(message), iv(iv_bytes);
  if (!key.ok || !plain.ok || !iv.ok) return failure(Status::kOutOfMemory);
  SecureBuffer token;
  const Status status = fernet::encrypt(key.data(), join(time_high, time_low), iv.data(),
                                        plain.data(), plain.size(), token);
  return status == Status::kOk ? copy_out(token.data(), token.size()) : failure(status);
}

val decrypt(const val& raw_keys, const val& token_text, bool check_ttl, int32_t ttl_high,
            uint32_t ttl_low, uint32_t now_high, uint32_t now_low) {
  Input keys(raw_keys), token(token_text);
  if (!keys.ok || !token.ok) return failure(Status::kOutOfMemory);
  const fernet::Freshness freshness{
      static_cast<int64_t>(join(static_cast<uint32_t>(ttl_high), ttl_low)), join(now_high, now_low)};
  fernet::Decrypted plain;
  const Status status = fernet::decrypt(keys.data(), keys.size() / fernet::kKeySize, token.data(),
                                        token.size(), check_ttl ? &freshness : nullptr, plain);
  return status == Status::kOk ? copy_out(plain.message, plain.message_size) : failure(status);
}

// The timestamp as its 8 big-endian bytes, so no precision is lost on the way.
val extract_timestamp(const val& raw_keys, const val& token_text) {
  Input keys(raw_keys), token(token_text);
  if (!keys.ok || !token.ok) return failure(Status::kOutOfMemory);
  uint64_t timestamp = 0;
  const Status status = fernet::extract_timestamp(keys.data(), keys.size() / fernet::kKeySize,
                                                  token.data(), token.size(), &timestamp);
  if (status != Status::kOk) return failure(status);
  uint8_t be[8];
  for (int i = 7; i >= 0; --i, timestamp >>= 8) be[i] = static_cast<uint8_t>(timestamp);
  return copy_out(be, sizeof be);
}

val rotate(const val& raw_keys, const val& token_text, const val& iv_bytes) {
  Input keys(raw_keys), token(token_text), iv(iv_bytes);
  if (!keys.ok || !token.ok || !iv.ok) return failure(Status::kOutOfMemory);
  SecureBuffer rotated;
  const Status status = fernet::rotate(keys.data(), keys.size() / fernet::kKeySize, token.data(),
                                       token.size(), iv.data(), rotated);
  return status == Status::kOk ? copy_out(rotated.data(), rotated.size()) : failure(status);
}

}  // namespace

EMSCRIPTEN_BINDINGS(fernet_core) {
  emscripten::function("parseKey", &parse_key);
  emscripten::function("formatKey", &format_key);
  emscripten::function("encrypt", &encrypt);
  emscripten::function("decrypt", &decrypt);
  emscripten::function("extractTimestamp", &extract_timestamp);
  emscripten::function("rotate", &rotate);
}

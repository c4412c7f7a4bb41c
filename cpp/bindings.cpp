// The only file that knows about Emscripten. Values cross the boundary:
// JS Uint8Arrays in (copied into wasm memory that is wiped after the call),
// JS-owned Uint8Array copies out. A function returns its result on success
// and a fernet::Status number on failure; js/ turns that into an exception.
// 64-bit times travel as two 32-bit halves, which every emsdk binds alike.
#include <cstring>

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "fernet.h"
#include "fernet_stream.h"

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
  // Looked up once: a global lookup by name on every call costs more than the copy.
  static const val uint8_array = val::global("Uint8Array");
  return uint8_array.new_(emscripten::typed_memory_view(size, data));
}

val failure(Status status) { return val(static_cast<int>(status)); }

uint64_t join(uint32_t high, uint32_t low) { return uint64_t{high} << 32 | low; }

// A timestamp as its 8 big-endian bytes, so no precision is lost on the way.
val timestamp_bytes(uint64_t timestamp) {
  uint8_t be[8];
  for (int i = 7; i >= 0; --i, timestamp >>= 8) be[i] = static_cast<uint8_t>(timestamp);
  return copy_out(be, sizeof be);
}

class Scratch {
 public:
  uint8_t* reserve(size_t size) {
    if (buffer_.size() < size && !buffer_.allocate(size)) return nullptr;
    return buffer_.data();
  }
  size_t size() const { return buffer_.size(); }
  val take(size_t size) {
    val copy = copy_out(buffer_.data(), size);
    fernet::secure_zero(buffer_.data(), size);
    return copy;
  }

 private:
  SecureBuffer buffer_;
};

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

// The in-memory hot path for small messages. JS writes its inputs into one
// scratch buffer in wasm memory (via scratch_view) and reads the result from
// it, then zero-fills it: one copy each way and no JS values per argument.
// Layout: encrypt [key 32 | iv 16 | message n | token out]; decrypt
// [keys 32k | token m | plaintext out]. Returns the result's length, or
// -status.
Scratch hot_scratch;

val scratch_view(size_t size) {
  uint8_t* data = hot_scratch.reserve(size);
  if (data == nullptr) return failure(Status::kOutOfMemory);
  return val(emscripten::typed_memory_view(size, data));
}

int encrypt_in_scratch(size_t message_size, uint32_t time_high, uint32_t time_low) {
  uint8_t* base = hot_scratch.reserve(0);
  if (message_size > fernet::kMaxMessageSize ||
      48 + message_size + fernet::token_size(message_size) > hot_scratch.size())
    return -static_cast<int>(Status::kTooLarge);
  SecureBuffer token;
  const Status status = fernet::encrypt(base, join(time_high, time_low), base + 32, base + 48,
                                        message_size, token);
  if (status != Status::kOk) return -static_cast<int>(status);
  std::memcpy(base + 48 + message_size, token.data(), token.size());
  return static_cast<int>(token.size());
}

int decrypt_in_scratch(size_t key_count, size_t token_size, bool check_ttl, int32_t ttl_high,
                       uint32_t ttl_low, uint32_t now_high, uint32_t now_low) {
  uint8_t* base = hot_scratch.reserve(0);
  if (key_count > hot_scratch.size() / fernet::kKeySize || token_size > hot_scratch.size() ||
      key_count * fernet::kKeySize + token_size + token_size / 4 * 3 > hot_scratch.size())
    return -static_cast<int>(Status::kTooLarge);
  const fernet::Freshness freshness{
      static_cast<int64_t>(join(static_cast<uint32_t>(ttl_high), ttl_low)), join(now_high, now_low)};
  fernet::Decrypted plain;
  const uint8_t* token = base + key_count * fernet::kKeySize;
  const Status status = fernet::decrypt(base, key_count, token, token_size,
                                        check_ttl ? &freshness : nullptr, plain);
  if (status != Status::kOk) return -static_cast<int>(status);
  std::memcpy(base + key_count * fernet::kKeySize + token_size, plain.message, plain.message_size);
  return static_cast<int>(plain.message_size);
}

val extract_timestamp(const val& raw_keys, const val& token_text) {
  Input keys(raw_keys), token(token_text);
  if (!keys.ok || !token.ok) return failure(Status::kOutOfMemory);
  uint64_t timestamp = 0;
  const Status status = fernet::extract_timestamp(keys.data(), keys.size() / fernet::kKeySize,
                                                  token.data(), token.size(), &timestamp);
  if (status != Status::kOk) return failure(status);
  return timestamp_bytes(timestamp);
}

val rotate(const val& raw_keys, const val& token_text, const val& iv_bytes) {
  Input keys(raw_keys), token(token_text), iv(iv_bytes);
  if (!keys.ok || !token.ok || !iv.ok) return failure(Status::kOutOfMemory);
  SecureBuffer rotated;
  const Status status = fernet::rotate(keys.data(), keys.size() / fernet::kKeySize, token.data(),
                                       token.size(), iv.data(), rotated);
  return status == Status::kOk ? copy_out(rotated.data(), rotated.size()) : failure(status);
}

// Streams keep state between calls, so they are objects; js/fernet.mjs owns
// each one and deletes it when the stream ends, fails or is abandoned.
class EncryptStream {
 public:
  val start(const val& raw_key, uint32_t time_high, uint32_t time_low, const val& iv_bytes) {
    Input key(raw_key), iv(iv_bytes);
    uint8_t* out = scratch_.reserve(64);
    if (!key.ok || !iv.ok || out == nullptr) return failure(Status::kOutOfMemory);
    size_t written = 0;
    const Status status = encryptor_.start(key.data(), join(time_high, time_low), iv.data(), out, &written);
    return status == Status::kOk ? scratch_.take(written) : failure(status);
  }
  val update(const val& chunk) {
    Input plain(chunk);
    uint8_t* out = scratch_.reserve(fernet::StreamEncryptor::max_update_output(plain.size()));
    if (!plain.ok || out == nullptr) return failure(Status::kOutOfMemory);
    size_t written = 0;
    const Status status = encryptor_.update(plain.data(), plain.size(), out, &written);
    return status == Status::kOk ? scratch_.take(written) : failure(status);
  }
  val finish() {
    uint8_t* out = scratch_.reserve(fernet::StreamEncryptor::kMaxFinishOutput);
    if (out == nullptr) return failure(Status::kOutOfMemory);
    size_t written = 0;
    const Status status = encryptor_.finish(out, &written);
    return status == Status::kOk ? scratch_.take(written) : failure(status);
  }

 private:
  fernet::StreamEncryptor encryptor_;
  Scratch scratch_;
};

class DecryptStream {
 public:
  val start(const val& raw_keys, bool decrypt, bool check_ttl, int32_t ttl_high, uint32_t ttl_low,
            uint32_t now_high, uint32_t now_low) {
    Input keys(raw_keys);
    if (!keys.ok) return failure(Status::kOutOfMemory);
    const fernet::Freshness freshness{
        static_cast<int64_t>(join(static_cast<uint32_t>(ttl_high), ttl_low)), join(now_high, now_low)};
    const Status status = decryptor_.start(keys.data(), keys.size() / fernet::kKeySize,
                                           check_ttl ? &freshness : nullptr, decrypt);
    return status == Status::kOk ? val::undefined() : failure(status);
  }
  val update(const val& chunk) {
    Input text(chunk);
    uint8_t* out = scratch_.reserve(fernet::StreamDecryptor::max_update_output(text.size()));
    if (!text.ok || out == nullptr) return failure(Status::kOutOfMemory);
    size_t written = 0;
    const Status status = decryptor_.update(text.data(), text.size(), out, &written);
    return status == Status::kOk ? scratch_.take(written) : failure(status);
  }
  val finish() {
    uint8_t* out = scratch_.reserve(fernet::kBlockSize);
    if (out == nullptr) return failure(Status::kOutOfMemory);
    size_t written = 0;
    const Status status = decryptor_.finish(out, &written);
    return status == Status::kOk ? scratch_.take(written) : failure(status);
  }
  // The verified token's timestamp (8 big-endian bytes) and key, after finish().
  val timestamp() const { return timestamp_bytes(decryptor_.timestamp()); }
  size_t key_index() const { return decryptor_.key_index(); }

 private:
  fernet::StreamDecryptor decryptor_;
  Scratch scratch_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(fernet_core) {
  emscripten::class_<EncryptStream>("EncryptStream")
      .constructor<>()
      .function("start", &EncryptStream::start)
      .function("update", &EncryptStream::update)
      .function("finish", &EncryptStream::finish);
  emscripten::class_<DecryptStream>("DecryptStream")
      .constructor<>()
      .function("start", &DecryptStream::start)
      .function("update", &DecryptStream::update)
      .function("finish", &DecryptStream::finish)
      .function("timestamp", &DecryptStream::timestamp)
      .function("keyIndex", &DecryptStream::key_index);
  emscripten::function("parseKey", &parse_key);
  emscripten::function("formatKey", &format_key);
  emscripten::function("encrypt", &encrypt);
  emscripten::function("decrypt", &decrypt);
  emscripten::function("extractTimestamp", &extract_timestamp);
  emscripten::function("rotate", &rotate);
  emscripten::function("scratchView", &scratch_view);
  emscripten::function("encryptInScratch", &encrypt_in_scratch);
  emscripten::function("decryptInScratch", &decrypt_in_scratch);
}

// ---- keys from passwords (cpp/kdf.h) ----------------------------------------
// Self-contained: deriveKey(password, salt, kind, a, b, c) with kind 0 =
// PBKDF2-HMAC-SHA256 (a = iterations) or 1 = scrypt (a = n, b = r, c = p)
// returns the 44-character key text of the 32 derived bytes, or a status.
// js/kdf.mjs checks the arguments first; the core checks them again.
#include "kdf.h"

namespace {

val derive_key(const val& password_bytes, const val& salt_bytes, uint32_t kind, uint32_t a,
               uint32_t b, uint32_t c) {
  Input password(password_bytes), salt(salt_bytes);
  if (!password.ok || !salt.ok) return failure(Status::kOutOfMemory);
  uint8_t key[fernet::kKeySize];
  Status status = Status::kInvalidParameters;
  if (kind == 0) {
    status = fernet::pbkdf2_hmac_sha256(password.data(), password.size(), salt.data(), salt.size(),
                                        a, key, sizeof key);
  } else if (kind == 1) {
    status = fernet::scrypt(password.data(), password.size(), salt.data(), salt.size(), a, b, c,
                            key, sizeof key);
  }
  val result = failure(status);
  if (status == Status::kOk) {
    uint8_t text[fernet::kKeyTextSize];
    fernet::format_key(key, text);
    result = copy_out(text, sizeof text);
    fernet::secure_zero(text, sizeof text);
  }
  fernet::secure_zero(key, sizeof key);
  return result;
}

}  // namespace

EMSCRIPTEN_BINDINGS(fernet_kdf) { emscripten::function("deriveKey", &derive_key); }

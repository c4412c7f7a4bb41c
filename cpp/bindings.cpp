// The only file that knows about Emscripten, and the one way data crosses.
//
// JS writes an operation's inputs into the exchange area (wasm memory), sets
// the numeric fields below, and calls the operation with numbers only; the
// operation leaves its result in the same area and says where in the fields.
// No JS value crosses the boundary and C++ never calls a JS function of the
// library's or the user's, so no user code can run while C++ holds a secret.
//
// The data area is laid out as [keys: fernet::Key (272 bytes: the raw key,
// its HMAC states and its AES encryption schedule, see cpp/fernet.h) *
// key_count][iv: 16][input]; the output is left where the operation made it
// (held until the next call or release()), so a large result is never copied
// inside wasm memory. An operation returns a fernet::Status; js/core.mjs
// turns it into an exception. Everything JS needs to know about the layout
// (field indexes, sizes, statuses) is exported from here as constants.
#include <emscripten/bind.h>
#include <emscripten/stack.h>

#include <cstring>
#include <new>
#include <optional>

#include "fernet.h"
#include "fernet_stream.h"
#include "kdf.h"

// Emscripten's libc copies large blocks by calling out to JS
// (HEAPU8.copyWithin), a method user code can replace, while C++ holds
// secrets. These never leave wasm: short runs (most of the core's copies are
// a block or two) in a plain loop, longer ones as one bulk-memory instruction.
// (AddressSanitizer builds keep its own checked versions.)
#if !defined(__has_feature) || !__has_feature(address_sanitizer)
namespace {
constexpr size_t kShortRun = 64;
}
extern "C" __attribute__((no_builtin)) void* memcpy(void* __restrict dest, const void* __restrict src,
                                                     size_t n) {
  if (n >= kShortRun) return __builtin_memcpy(dest, src, n);
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  while (n-- != 0) *d++ = *s++;
  return dest;
}
extern "C" __attribute__((no_builtin)) void* memmove(void* dest, const void* src, size_t n) {
  if (n >= kShortRun) return __builtin_memmove(dest, src, n);
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    while (n-- != 0) *d++ = *s++;
  } else {
    while (n-- != 0) d[n] = s[n];
  }
  return dest;
}
extern "C" __attribute__((no_builtin)) void* memset(void* dest, int value, size_t n) {
  if (n >= kShortRun) return __builtin_memset(dest, value, n);
  auto* d = static_cast<unsigned char*>(dest);
  while (n-- != 0) *d++ = static_cast<unsigned char>(value);
  return dest;
}
#endif

namespace {

using fernet::SecureBuffer;
using fernet::Status;

// Two links of this file (CMakeLists.txt): Node's (FERNET_NODE_LINK) and everyone else's,
// whose download is budgeted. Node's encrypts with AES and HMAC in one loop and adds the
// second thread's operations below; the other leaves both out.
#if defined(FERNET_NODE_LINK)
constexpr fernet::Passes kPasses = fernet::Passes::kOne;
#else
constexpr fernet::Passes kPasses = fernet::Passes::kTwo;
#endif

// The fields JS reads and writes, as 32-bit words; 64-bit values are two
// words, low first.
enum Field : uint32_t {
  kData,          // address of the data area (it moves when it grows)
  kCapacity,      // its size in bytes
  kKeyCount,      // keys at the start of the data area
  kInputSize,     // input bytes after the keys and the IV
  kTimeLow,       // the token's timestamp (encrypting) or the current time,
  kTimeHigh,      //   in seconds; verification writes the token's timestamp here
  kTtlLow,        // a signed TTL in seconds
  kTtlHigh,
  kCheckTtl,      // 0 or 1
  kKeyIndex,      // written by verification: which key the token is made with
  kOutputAddress,  // where the result starts in wasm memory
  kOutputSize,
  kFieldCount,
};

uint32_t fields[kFieldCount];
SecureBuffer data;
SecureBuffer result;  // the last operation's output, until JS has read and wiped it
uintptr_t resting_stack = 0;
uint64_t operation_mark = 0;

constexpr size_t kInitialCapacity = 4096;

uint64_t u64(Field low) { return uint64_t{fields[low + 1]} << 32 | fields[low]; }
void set_u64(Field low, uint64_t value) {
  fields[low] = static_cast<uint32_t>(value);
  fields[low + 1] = static_cast<uint32_t>(value >> 32);
}
void publish_data() {
  fields[kData] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(data.data()));
  fields[kCapacity] = static_cast<uint32_t>(data.size());
}

// The data area grows only by allocating its successor first: on failure the
// old area (and what JS wrote into it) stays valid, and JS sees kOutOfMemory.
bool grow_to(size_t size) {
  if (data.size() >= size) return true;
  const fernet::PersistentScope lives_across_calls;
  SecureBuffer bigger;
  if (!bigger.allocate(size)) return false;
  if (data.size() != 0) std::memcpy(bigger.data(), data.data(), data.size());
  data = std::move(bigger);  // wipes and frees the old area
  publish_data();
  return true;
}

// Every operation starts here: what it allocates can be reclaimed by
// recover(), and until it makes one there is no output (JS wipes what the
// fields name as output, so they must never name the last call's buffer).
void begin() {
  operation_mark = fernet::allocation_mark();
  fields[kOutputAddress] = 0;
  fields[kOutputSize] = 0;
}

size_t key_count() { return fields[kKeyCount]; }
size_t iv_offset() { return key_count() * sizeof(fernet::Key); }
size_t input_offset() { return iv_offset() + fernet::kIvSize; }
size_t input_end() { return input_offset() + fields[kInputSize]; }

// Inputs must lie inside the data area, as JS's fields claim.
bool inputs_fit() {
  return key_count() <= data.size() / sizeof(fernet::Key) && fields[kInputSize] <= data.size() &&
         input_end() <= data.size();
}

// The area is allocated aligned for any type, and keys come first.
const fernet::Key* keys() { return reinterpret_cast<const fernet::Key*>(data.data()); }
const uint8_t* iv() { return data.data() + iv_offset(); }
const uint8_t* input() { return data.data() + input_offset(); }

std::optional<fernet::Freshness> freshness() {
  if (fields[kCheckTtl] == 0) return std::nullopt;
  return fernet::Freshness{static_cast<int64_t>(u64(kTtlLow)), u64(kTimeLow)};
}

uint32_t address(const uint8_t* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

// Room for `size` bytes of output in `result`, reused when it is big enough.
Status output_room(size_t size, uint8_t** out) {
  if (result.size() < size) {
    const fernet::PersistentScope lives_across_calls;
    if (!result.allocate(size)) return Status::kOutOfMemory;
  }
  *out = result.data();
  return Status::kOk;
}

int finish_output(Status status, size_t written) {
  fields[kOutputAddress] = address(result.data());
  fields[kOutputSize] = status == Status::kOk ? static_cast<uint32_t>(written) : 0;
  return static_cast<int>(status);
}

int emit(const uint8_t* bytes, size_t size) {
  uint8_t* out = nullptr;
  const Status status = output_room(size, &out);
  if (status != Status::kOk) return static_cast<int>(status);
  if (size != 0) std::memcpy(out, bytes, size);
  return finish_output(Status::kOk, size);
}

// A result the core made in a buffer of its own is handed on as it is.
int hand_on(SecureBuffer& buffer, const uint8_t* start, size_t size) {
  result = std::move(buffer);
  fields[kOutputAddress] = address(start);
  fields[kOutputSize] = static_cast<uint32_t>(size);
  return static_cast<int>(Status::kOk);
}

uint32_t function_index(int (*function)()) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(function));
}

int fail(Status status) {
  fields[kOutputSize] = 0;
  return static_cast<int>(status);
}

// ---- the exchange ------------------------------------------------------------

uint32_t exchange_fields() {
  resting_stack = emscripten_stack_get_current();  // called from JS with no C++ frame below
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(fields));
}

int reserve(uint32_t size) {
  begin();
  return static_cast<int>(grow_to(size) ? Status::kOk : Status::kOutOfMemory);
}

// Wipes and frees the data area and the last result; the next operation
// starts with a small area.
void release() {
  const fernet::PersistentScope lives_across_calls;
  result.reset();
  data.reset();
  if (!data.allocate(kInitialCapacity)) data.reset();
  publish_data();
}

// Sets the stack pointer, the global wasm-ld gives every module. Emscripten's
// helper for this has changed its name (stackRestore in older releases,
// _emscripten_stack_restore in current ones), so it is the one instruction, here.
void set_stack_pointer(uintptr_t value) {
  __asm__ volatile(
      ".globaltype __stack_pointer, i32\n"
      "local.get %0\n"
      "global.set __stack_pointer\n" ::"r"(value));
}

// After a JS exception unwound through a C++ call (no C++ cleanup ran): put the
// stack pointer back, wipe the stack the aborted call used, and wipe and free
// everything it allocated. The data area is replaced as well.
void recover() {
  set_stack_pointer(resting_stack);
  // Neither this function nor memset keeps a frame in linear memory, so the
  // whole stack below the resting point is free to wipe.
  const uintptr_t end = emscripten_stack_get_end();
  if (resting_stack > end) memset(reinterpret_cast<void*>(end), 0, resting_stack - end);
  result.reset();  // it may hold a block of the aborted call: freed before reclaiming
  fernet::reclaim_since(operation_mark);
  release();
}

// ---- one-shot operations -----------------------------------------------------

// The prepared key as the output when `status` is kOk; the local copy is wiped either way.
int emit_key(Status status, fernet::Key& key) {
  const int result = status == Status::kOk ? emit(reinterpret_cast<const uint8_t*>(&key), sizeof key) : fail(status);
  fernet::secure_zero(&key, sizeof key);
  return result;
}

// Key text (parse_key) or 32 raw bytes (prepare_key) in, a fernet::Key out:
// JS keeps it and hands it back with every operation (wasm keeps no key).
int parse_key() {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  fernet::Key key;
  return emit_key(fernet::parse_key(input(), fields[kInputSize], key), key);
}

int prepare_key() {
  begin();
  if (!inputs_fit() || fields[kInputSize] != fernet::kKeySize) return fail(Status::kInvalidKey);
  fernet::Key key;
  return emit_key(fernet::prepare_key(input(), key), key);
}

// 32 raw bytes in, their key text out.
int format_key() {
  begin();
  if (!inputs_fit() || fields[kInputSize] != fernet::kKeySize) return fail(Status::kInvalidKey);
  uint8_t text[fernet::kKeyTextSize];
  fernet::format_key(input(), text);
  const int result = emit(text, sizeof text);
  fernet::secure_zero(text, sizeof text);
  return result;
}

int encrypt() {
  begin();
  if (!inputs_fit() || key_count() < 1) return fail(Status::kTooLarge);
  SecureBuffer token;
  const Status status = fernet::encrypt<kPasses>(keys()[0], u64(kTimeLow), iv(), input(), fields[kInputSize], token);
  return status == Status::kOk ? hand_on(token, token.data(), token.size()) : fail(status);
}

int decrypt() {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  const auto fresh = freshness();
  fernet::Decrypted plain;
  const Status status = fernet::decrypt(keys(), key_count(), input(), fields[kInputSize],
                                        fresh ? &*fresh : nullptr, plain);
  return status == Status::kOk ? hand_on(plain.storage, plain.message, plain.message_size) : fail(status);
}

int extract_timestamp() {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  uint64_t timestamp = 0;
  const Status status =
      fernet::extract_timestamp(keys(), key_count(), input(), fields[kInputSize], &timestamp);
  if (status != Status::kOk) return fail(status);
  set_u64(kTimeLow, timestamp);
  return finish_output(Status::kOk, 0);
}

int rotate() {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  SecureBuffer rotated;
  const Status status =
      fernet::rotate<kPasses>(keys(), key_count(), input(), fields[kInputSize], iv(), rotated);
  return status == Status::kOk ? hand_on(rotated, rotated.data(), rotated.size()) : fail(status);
}

// ---- streams -----------------------------------------------------------------
// A stream's state lives in wasm memory between calls; JS holds its address
// as a number and frees it when the stream ends, fails or is abandoned.

template <typename T>
uint32_t create() {
  begin();
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(new (std::nothrow) T()));
}

template <typename T>
void destroy(uint32_t handle) {
  delete reinterpret_cast<T*>(static_cast<uintptr_t>(handle));
}

template <typename T>
T& object(uint32_t handle) {
  return *reinterpret_cast<T*>(static_cast<uintptr_t>(handle));
}

// A stream step that writes at most `room` bytes of output.
template <typename Step>
int stream_step(size_t room, Step&& step) {
  uint8_t* out = nullptr;
  Status status = output_room(room, &out);
  size_t written = 0;
  if (status == Status::kOk) status = step(out, &written);
  return finish_output(status, written);
}

int encryptor_start(uint32_t handle) {
  begin();
  if (!inputs_fit() || key_count() < 1) return fail(Status::kTooLarge);
  return stream_step(fernet::StreamEncryptor::max_update_output(fernet::kHeaderSize), [&](uint8_t* out, size_t* n) {
    return object<fernet::StreamEncryptor>(handle).start(keys()[0], u64(kTimeLow), iv(), out, n);
  });
}

// The input through one of the encryptor's steps: update() (plaintext), or
// update_ciphertext() (Node's second thread, below).
using EncryptorInput = Status (fernet::StreamEncryptor::*)(const uint8_t*, size_t, uint8_t*, size_t*);
template <EncryptorInput step>
int encryptor_input(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  const size_t size = fields[kInputSize];
  return stream_step(fernet::StreamEncryptor::max_update_output(size), [&](uint8_t* out, size_t* n) {
    return (object<fernet::StreamEncryptor>(handle).*step)(input(), size, out, n);
  });
}

int encryptor_finish(uint32_t handle) {
  begin();
  return stream_step(fernet::StreamEncryptor::kMaxFinishOutput, [&](uint8_t* out, size_t* n) {
    return object<fernet::StreamEncryptor>(handle).finish(out, n);
  });
}

// The input is the commitments' random key (COMMITMENT_KEY_SIZE bytes).
int verifier_start(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  if (fields[kInputSize] != fernet::kCommitmentKeySize) return fail(Status::kInvalidParameters);
  const auto fresh = freshness();
  return static_cast<int>(object<fernet::StreamVerifier>(handle).start(
      keys(), key_count(), fresh ? &*fresh : nullptr, input()));
}

int verifier_update(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  return static_cast<int>(object<fernet::StreamVerifier>(handle).update(input(), fields[kInputSize]));
}

// The verifier's decision, and the fields it sets.
int decided(const fernet::StreamVerifier& verifier, Status status) {
  if (status == Status::kOk) {
    fields[kKeyIndex] = static_cast<uint32_t>(verifier.key_index());
    set_u64(kTimeLow, verifier.timestamp());
  }
  return static_cast<int>(status);
}
int verifier_finish(uint32_t handle) {
  begin();
  auto& verifier = object<fernet::StreamVerifier>(handle);
  return decided(verifier, verifier.finish());
}

// Decryption only ever starts from a verifier that accepted the token; the
// keys are the ones the verifier was given, in the data area.
int decryptor_start(uint32_t handle, uint32_t verifier) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  return static_cast<int>(object<fernet::VerifiedDecryptor>(handle).start(
      object<fernet::StreamVerifier>(verifier), keys()));
}

// The input through one of the decryptor's steps: update(), or
// update_elsewhere() (Node's second thread, below).
using DecryptorInput = Status (fernet::VerifiedDecryptor::*)(const uint8_t*, size_t, uint8_t*, size_t*);
template <DecryptorInput step>
int decryptor_input(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  const size_t size = fields[kInputSize];
  return stream_step(fernet::VerifiedDecryptor::max_update_output(size), [&](uint8_t* out, size_t* n) {
    return (object<fernet::VerifiedDecryptor>(handle).*step)(input(), size, out, n);
  });
}

// One of the decryptor's last steps, with at most `room` bytes out: finish(),
// or finish_elsewhere() and final_plaintext() (below).
using DecryptorOutput = Status (fernet::VerifiedDecryptor::*)(uint8_t*, size_t*);
template <DecryptorOutput step, size_t room>
int decryptor_output(uint32_t handle) {
  begin();
  return stream_step(room, [&](uint8_t* out, size_t* n) {
    return (object<fernet::VerifiedDecryptor>(handle).*step)(out, n);
  });
}

#if defined(FERNET_NODE_LINK)
// ---- a second thread for large files (Node's link only) ---------------------
// js/second-thread.mjs runs part of a large file's work in a worker thread:
// encryption's AES-CBC (sealed here: encryptorSeal), verification's HMAC
// (the verifier's external calls; the worker's StreamAuthenticator) and
// decryption's AES-CBC (the decryptor's calls elsewhere; cbcDecrypt there).

// The other thread's AES: whole blocks encrypted or decrypted under the key,
// chained from the IV, the same number of bytes out.
template <Status (*kCbc)(const fernet::Key&, const uint8_t*, const uint8_t*, size_t, uint8_t*)>
int cbc_blocks() {
  begin();
  if (!inputs_fit() || key_count() < 1) return fail(Status::kTooLarge);
  const size_t size = fields[kInputSize];
  return stream_step(size, [&](uint8_t* out, size_t* n) {
    *n = size;
    return kCbc(keys()[0], iv(), input(), size, out);
  });
}

// Verification with the HMAC in the other thread (a StreamAuthenticator
// there): a verifier started as usual hands out the bytes to authenticate,
// in order, and takes the MACs they came to at the end (its input then).
int verifier_update_external(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  const size_t size = fields[kInputSize];
  return stream_step(fernet::StreamVerifier::max_authenticated_output(size), [&](uint8_t* out, size_t* n) {
    return object<fernet::StreamVerifier>(handle).update_external(input(), size, out, n);
  });
}

int verifier_finish_external(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  auto& verifier = object<fernet::StreamVerifier>(handle);
  return decided(verifier, verifier.finish_external(input(), fields[kInputSize]));
}

// The other thread's half: the keys are in the data area.
int authenticator_start(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  return static_cast<int>(object<fernet::StreamAuthenticator>(handle).start(keys(), key_count()));
}

int authenticator_update(uint32_t handle) {
  begin();
  if (!inputs_fit()) return fail(Status::kTooLarge);
  return static_cast<int>(object<fernet::StreamAuthenticator>(handle).update(input(), fields[kInputSize]));
}

// The MACs, one per key in key order.
int authenticator_finish(uint32_t handle) {
  begin();
  auto& authenticator = object<fernet::StreamAuthenticator>(handle);
  const size_t size = authenticator.key_count() * fernet::kHmacSize;
  return stream_step(size, [&](uint8_t* out, size_t* n) {
    const Status status = authenticator.finish(out);
    *n = status == Status::kOk ? size : 0;
    return status;
  });
}
#endif

// ---- keys from passwords (cpp/kdf.h) ----------------------------------------
// The input is the password followed by the salt; kind 0 is PBKDF2-HMAC-SHA256
// (a = iterations), 1 is scrypt (a = n, b = r, c = p). The output is the key text.
int derive_key(uint32_t password_size, uint32_t kind, uint32_t a, uint32_t b, uint32_t c) {
  begin();
  if (!inputs_fit() || password_size > fields[kInputSize]) return fail(Status::kTooLarge);
  const uint8_t* salt = input() + password_size;
  const size_t salt_size = fields[kInputSize] - password_size;
  uint8_t key[fernet::kKeySize];
  Status status = Status::kInvalidParameters;
  if (kind == 0) {
    status = fernet::pbkdf2_hmac_sha256(input(), password_size, salt, salt_size, a, key, sizeof key);
  } else if (kind == 1) {
    status = fernet::scrypt(input(), password_size, salt, salt_size, a, b, c, key, sizeof key);
  }
  int result = fail(status);
  if (status == Status::kOk) {
    uint8_t text[fernet::kKeyTextSize];
    fernet::format_key(key, text);
    result = emit(text, sizeof text);
    fernet::secure_zero(text, sizeof text);
  }
  fernet::secure_zero(key, sizeof key);
  return result;
}

}  // namespace

EMSCRIPTEN_BINDINGS(fernet_core) {
  using emscripten::constant;
  using emscripten::function;
  constant("FIELD_DATA", static_cast<uint32_t>(kData));
  constant("FIELD_CAPACITY", static_cast<uint32_t>(kCapacity));
  constant("FIELD_KEY_COUNT", static_cast<uint32_t>(kKeyCount));
  constant("FIELD_INPUT_SIZE", static_cast<uint32_t>(kInputSize));
  constant("FIELD_TIME", static_cast<uint32_t>(kTimeLow));
  constant("FIELD_TTL", static_cast<uint32_t>(kTtlLow));
  constant("FIELD_CHECK_TTL", static_cast<uint32_t>(kCheckTtl));
  constant("FIELD_KEY_INDEX", static_cast<uint32_t>(kKeyIndex));
  constant("FIELD_OUTPUT_ADDRESS", static_cast<uint32_t>(kOutputAddress));
  constant("FIELD_OUTPUT_SIZE", static_cast<uint32_t>(kOutputSize));
  constant("KEY_SIZE", static_cast<uint32_t>(fernet::kKeySize));
  constant("PREPARED_KEY_SIZE", static_cast<uint32_t>(sizeof(fernet::Key)));
  constant("IV_SIZE", static_cast<uint32_t>(fernet::kIvSize));
  constant("COMMITMENT_KEY_SIZE", static_cast<uint32_t>(fernet::kCommitmentKeySize));
  constant("STATUS_OK", static_cast<int>(Status::kOk));
  constant("STATUS_INVALID_TOKEN", static_cast<int>(Status::kInvalidToken));
  constant("STATUS_INVALID_KEY", static_cast<int>(Status::kInvalidKey));
  constant("STATUS_OUT_OF_MEMORY", static_cast<int>(Status::kOutOfMemory));
  constant("STATUS_TOO_LARGE", static_cast<int>(Status::kTooLarge));
  constant("STATUS_INVALID_PARAMETERS", static_cast<int>(Status::kInvalidParameters));
#if defined(FERNET_NODE_LINK)
  // Where encrypt and decrypt are in the wasm function table: js/core.mjs calls them from
  // there, not through Embind's invoker, which (built without eval, as a strict CSP needs)
  // costs about 0.1 µs a call: 1.4% of a 1 KiB token's encryption. Node's link only: the
  // browsers' download is budgeted, and a host may hand Node's bundle either link's wasm.
  constant("ENCRYPT_FUNCTION", function_index(&encrypt));
  constant("DECRYPT_FUNCTION", function_index(&decrypt));
#endif

  function("exchangeFields", &exchange_fields);
  function("reserve", &reserve);
  function("release", &release);
  function("recover", &recover);
  function("parseKey", &parse_key);
  function("prepareKey", &prepare_key);
  function("formatKey", &format_key);
  function("encrypt", &encrypt);
  function("decrypt", &decrypt);
  function("extractTimestamp", &extract_timestamp);
  function("rotate", &rotate);
  function("deriveKey", &derive_key);

  function("encryptorCreate", &create<fernet::StreamEncryptor>);
  function("encryptorStart", &encryptor_start);
  function("encryptorUpdate", &encryptor_input<&fernet::StreamEncryptor::update<kPasses>>);
  function("encryptorFinish", &encryptor_finish);
  function("encryptorFree", &destroy<fernet::StreamEncryptor>);
  function("verifierCreate", &create<fernet::StreamVerifier>);
  function("verifierStart", &verifier_start);
  function("verifierUpdate", &verifier_update);
  function("verifierFinish", &verifier_finish);
  function("verifierFree", &destroy<fernet::StreamVerifier>);
  function("decryptorCreate", &create<fernet::VerifiedDecryptor>);
  function("decryptorStart", &decryptor_start);
  function("decryptorUpdate", &decryptor_input<&fernet::VerifiedDecryptor::update>);
  function("decryptorFinish",
           &decryptor_output<&fernet::VerifiedDecryptor::finish, fernet::VerifiedDecryptor::kMaxFinishOutput>);
  function("decryptorFree", &destroy<fernet::VerifiedDecryptor>);
#if defined(FERNET_NODE_LINK)
  function("encryptorSeal", &encryptor_input<&fernet::StreamEncryptor::update_ciphertext>);
  function("cbcEncrypt", &cbc_blocks<&fernet::cbc_encrypt_blocks>);
  function("cbcDecrypt", &cbc_blocks<&fernet::cbc_decrypt_blocks>);
  // A large file's decryption: the verified ciphertext released to the other thread (the IV
  // first, the last block kept back), decrypted there (cbcDecrypt), the final plaintext here.
  function("decryptorUpdateElsewhere", &decryptor_input<&fernet::VerifiedDecryptor::update_elsewhere>);
  function("decryptorFinishElsewhere", &decryptor_output<&fernet::VerifiedDecryptor::finish_elsewhere,
                                                         fernet::VerifiedDecryptor::kMaxFinishOutput>);
  function("decryptorFinal", &decryptor_output<&fernet::VerifiedDecryptor::final_plaintext, fernet::kBlockSize>);
  function("verifierUpdateExternal", &verifier_update_external);
  function("verifierFinishExternal", &verifier_finish_external);
  function("authenticatorCreate", &create<fernet::StreamAuthenticator>);
  function("authenticatorStart", &authenticator_start);
  function("authenticatorUpdate", &authenticator_update);
  function("authenticatorFinish", &authenticator_finish);
  function("authenticatorFree", &destroy<fernet::StreamAuthenticator>);
#endif
}

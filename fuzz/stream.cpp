// Input: 32 raw key bytes, one byte choosing the chunk size (1-256), then
// token text. The streaming core must decide every token as the one-shot
// decrypt does, whatever the chunking (its checking pass, which sees no
// plaintext, may differ only on padding), and give the same plaintext and
// timestamp; and streaming
// encryption of the same bytes, in the same chunks, must give the one-shot
// token exactly.
#include <vector>

#include "fernet_stream.h"
#include "fuzz_input.h"

namespace {

// Returns the status and appends all plaintext released to `plain`.
fernet::Status stream_decrypt(const uint8_t* key, bool decrypt, const uint8_t* token, size_t size,
                              size_t chunk, std::vector<uint8_t>& plain, uint64_t* timestamp) {
  fernet::StreamDecryptor decryptor;
  FUZZ_CHECK(decryptor.start(key, 1, nullptr, decrypt) == fernet::Status::kOk);
  std::vector<uint8_t> out(fernet::StreamDecryptor::max_update_output(chunk));
  for (size_t at = 0; at < size; at += chunk) {
    const size_t n = std::min(chunk, size - at);
    size_t written = 0;
    const fernet::Status status = decryptor.update(token + at, n, out.data(), &written);
    if (status != fernet::Status::kOk) return status;
    FUZZ_CHECK(written <= out.size());
    plain.insert(plain.end(), out.begin(), out.begin() + static_cast<long>(written));
  }
  size_t written = 0;
  std::vector<uint8_t> last(fernet::StreamDecryptor::max_update_output(0));
  const fernet::Status status = decryptor.finish(last.data(), &written);
  if (status != fernet::Status::kOk) return status;
  FUZZ_CHECK(written <= last.size());
  plain.insert(plain.end(), last.begin(), last.begin() + static_cast<long>(written));
  *timestamp = decryptor.timestamp();
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const uint8_t* key = in.take(fernet::kKeySize);
  const uint8_t* chunk_byte = in.take(1);
  if (key == nullptr || chunk_byte == nullptr) return 0;
  const size_t chunk = size_t{1} + *chunk_byte;

  fernet::Decrypted one_shot;
  const fernet::Status expected = fernet::decrypt(key, 1, in.data, in.size, nullptr, one_shot);
  for (const bool decrypt : {false, true}) {
    std::vector<uint8_t> plain;
    uint64_t timestamp = 0;
    const fernet::Status status = stream_decrypt(key, decrypt, in.data, in.size, chunk, plain, &timestamp);
    FUZZ_CHECK(status == fernet::Status::kOk || status == fernet::Status::kInvalidToken);
    if (!decrypt && status == fernet::Status::kOk && expected != fernet::Status::kOk) {
      // The checking pass sees no plaintext, so bad padding under a valid
      // MAC passes it; the decrypting pass must then refuse the token.
      uint64_t verified = 0;
      FUZZ_CHECK(fernet::extract_timestamp(key, 1, in.data, in.size, &verified) == fernet::Status::kOk);
      continue;
    }
    FUZZ_CHECK(status == expected);
    if (status != fernet::Status::kOk) continue;
    FUZZ_CHECK(timestamp == one_shot.timestamp);
    if (decrypt) {
      FUZZ_CHECK(plain.size() == one_shot.message_size);
      FUZZ_CHECK(plain.empty() || std::memcmp(plain.data(), one_shot.message, plain.size()) == 0);
    }
  }

  // The same bytes as a message: streamed and one-shot tokens are identical.
  const uint8_t* iv = key + 8;
  const uint64_t time = 1700000000u + *chunk_byte;
  fernet::SecureBuffer expected_token;
  FUZZ_CHECK(fernet::encrypt(key, time, iv, in.data, in.size, expected_token) == fernet::Status::kOk);
  fernet::StreamEncryptor encryptor;
  std::vector<uint8_t> token(fernet::StreamEncryptor::max_update_output(0) + 36);
  size_t written = 0;
  FUZZ_CHECK(encryptor.start(key, time, iv, token.data(), &written) == fernet::Status::kOk);
  token.resize(written);
  std::vector<uint8_t> out(std::max(fernet::StreamEncryptor::max_update_output(chunk),
                                    fernet::StreamEncryptor::kMaxFinishOutput));
  for (size_t at = 0; at < in.size; at += chunk) {
    const size_t n = std::min(chunk, in.size - at);
    written = 0;
    FUZZ_CHECK(encryptor.update(in.data + at, n, out.data(), &written) == fernet::Status::kOk);
    FUZZ_CHECK(written <= fernet::StreamEncryptor::max_update_output(n));
    token.insert(token.end(), out.begin(), out.begin() + static_cast<long>(written));
  }
  written = 0;
  FUZZ_CHECK(encryptor.finish(out.data(), &written) == fernet::Status::kOk);
  FUZZ_CHECK(written <= fernet::StreamEncryptor::kMaxFinishOutput);
  token.insert(token.end(), out.begin(), out.begin() + static_cast<long>(written));
  FUZZ_CHECK(token.size() == expected_token.size() &&
             std::memcmp(token.data(), expected_token.data(), token.size()) == 0);
  return 0;
}

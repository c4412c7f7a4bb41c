// Input: 32 raw key bytes, one byte choosing the chunk size (1-256), then
// token text. The streaming core (StreamVerifier, then VerifiedDecryptor)
// must decide every token as the one-shot decrypt does, whatever the
// chunking, and give the same plaintext and timestamp. A second pass over
// changed text (one byte flipped at a position the input chooses) must fail
// and release only plaintext of the segments before the change. And
// streaming encryption of the same bytes, in the same chunks, must give the
// one-shot token exactly, also split as a large file's is (js/second-thread.mjs):
// CBC in another thread, sealed here. Verification with the HMAC computed in
// another thread (external MACs, a StreamAuthenticator there) must decide as
// the one-shot decrypt does too, and hand out exactly the bytes the MAC covers;
// and decryption with its AES there (the decryptor releasing ciphertext) must
// give the same plaintext.
#include <algorithm>
#include <random>
#include <vector>

#include "base64url.h"
#include "fernet_stream.h"
#include "fuzz_input.h"

namespace {

// The commitments' key: the same pseudo-random bytes every run (the library
// takes fresh ones from the platform CSPRNG for each verification).
const uint8_t* commitment_key() {
  static const std::vector<uint8_t> key = [] {
    std::mt19937 generator(20261129);
    std::vector<uint8_t> bytes(fernet::kCommitmentKeySize);
    for (auto& b : bytes) b = static_cast<uint8_t>(generator());
    return bytes;
  }();
  return key.data();
}

// Pass 2 over `text`: the status, with all plaintext released in `plain`.
fernet::Status decrypt_verified(const fernet::StreamVerifier& verifier, const fernet::Key* key,
                                const uint8_t* text, size_t size, size_t chunk,
                                std::vector<uint8_t>& plain) {
  fernet::VerifiedDecryptor decryptor;
  fernet::Status status = decryptor.start(verifier, key);
  FUZZ_CHECK(status == fernet::Status::kOk);
  std::vector<uint8_t> out(fernet::VerifiedDecryptor::max_update_output(chunk));
  for (size_t at = 0; at < size; at += chunk) {
    const size_t n = std::min(chunk, size - at);
    size_t written = 0;
    status = decryptor.update(text + at, n, out.data(), &written);
    FUZZ_CHECK(written <= fernet::VerifiedDecryptor::max_update_output(n));
    plain.insert(plain.end(), out.begin(), out.begin() + static_cast<long>(written));
    if (status != fernet::Status::kOk) return status;
  }
  size_t written = 0;
  std::vector<uint8_t> last(fernet::VerifiedDecryptor::kMaxFinishOutput);
  status = decryptor.finish(last.data(), &written);
  FUZZ_CHECK(written <= last.size());
  plain.insert(plain.end(), last.begin(), last.begin() + static_cast<long>(written));
  return status;
}

// Pass 2 with the AES elsewhere: what the decryptor releases (the IV, then
// ciphertext) decrypted piece by piece, chained, then the final plaintext.
fernet::Status decrypt_elsewhere(const fernet::StreamVerifier& verifier, const fernet::Key* key,
                                 const uint8_t* text, size_t size, size_t chunk, std::vector<uint8_t>& plain) {
  fernet::VerifiedDecryptor decryptor;
  FUZZ_CHECK(decryptor.start(verifier, key) == fernet::Status::kOk);
  std::vector<uint8_t> chain;
  auto decrypt_released = [&](const uint8_t* released, size_t n) {
    if (chain.empty() && n != 0) {
      FUZZ_CHECK(n >= fernet::kBlockSize);
      chain.assign(released, released + fernet::kBlockSize);
      released += fernet::kBlockSize;
      n -= fernet::kBlockSize;
    }
    if (n == 0) return;
    FUZZ_CHECK(n % fernet::kBlockSize == 0);
    std::vector<uint8_t> piece(n);
    FUZZ_CHECK(fernet::cbc_decrypt_blocks(*key, chain.data(), released, n, piece.data()) == fernet::Status::kOk);
    chain.assign(released + n - fernet::kBlockSize, released + n);
    plain.insert(plain.end(), piece.begin(), piece.end());
  };
  std::vector<uint8_t> out(fernet::VerifiedDecryptor::max_update_output(chunk));
  fernet::Status status = fernet::Status::kOk;
  for (size_t at = 0; at < size; at += chunk) {
    const size_t n = std::min(chunk, size - at);
    size_t written = 0;
    status = decryptor.update_elsewhere(text + at, n, out.data(), &written);
    FUZZ_CHECK(written <= fernet::VerifiedDecryptor::max_update_output(n));
    decrypt_released(out.data(), written);
    if (status != fernet::Status::kOk) return status;
  }
  std::vector<uint8_t> rest(fernet::VerifiedDecryptor::kMaxFinishOutput);
  size_t written = 0;
  status = decryptor.finish_elsewhere(rest.data(), &written);
  decrypt_released(rest.data(), written);
  if (status != fernet::Status::kOk) return status;
  uint8_t last[fernet::kBlockSize];
  status = decryptor.final_plaintext(last, &written);
  plain.insert(plain.end(), last, last + written);
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const uint8_t* raw_key = in.take(fernet::kKeySize);
  const uint8_t* chunk_byte = in.take(1);
  if (raw_key == nullptr || chunk_byte == nullptr) return 0;
  fernet::Key key;
  FUZZ_CHECK(fernet::prepare_key(raw_key, key) == fernet::Status::kOk);
  const size_t chunk = size_t{1} + *chunk_byte;

  fernet::Decrypted one_shot;
  const fernet::Status expected = fernet::decrypt(&key, 1, in.data, in.size, nullptr, one_shot);
  fernet::StreamVerifier verifier;
  FUZZ_CHECK(verifier.start(&key, 1, nullptr, commitment_key()) == fernet::Status::kOk);
  fernet::Status status = fernet::Status::kOk;
  for (size_t at = 0; at < in.size && status == fernet::Status::kOk; at += chunk)
    status = verifier.update(in.data + at, std::min(chunk, in.size - at));
  if (status == fernet::Status::kOk) status = verifier.finish();
  FUZZ_CHECK(status == expected);

  fernet::StreamVerifier external;
  fernet::StreamAuthenticator authenticator;
  FUZZ_CHECK(external.start(&key, 1, nullptr, commitment_key()) == fernet::Status::kOk);
  FUZZ_CHECK(authenticator.start(&key, 1) == fernet::Status::kOk);
  std::vector<uint8_t> handed;
  std::vector<uint8_t> covered(fernet::StreamVerifier::max_authenticated_output(chunk));
  fernet::Status external_status = fernet::Status::kOk;
  for (size_t at = 0; at < in.size && external_status == fernet::Status::kOk; at += chunk) {
    const size_t n = std::min(chunk, in.size - at);
    size_t written = 0;
    external_status = external.update_external(in.data + at, n, covered.data(), &written);
    FUZZ_CHECK(written <= fernet::StreamVerifier::max_authenticated_output(n));
    FUZZ_CHECK(authenticator.update(covered.data(), written) == fernet::Status::kOk);
    handed.insert(handed.end(), covered.begin(), covered.begin() + static_cast<long>(written));
  }
  uint8_t mac[fernet::kHmacSize];
  FUZZ_CHECK(authenticator.finish(mac) == fernet::Status::kOk);
  if (external_status == fernet::Status::kOk) external_status = external.finish_external(mac, sizeof mac);
  FUZZ_CHECK(external_status == expected);
  if (expected == fernet::Status::kOk) {
    // What went out is the token's header and ciphertext: its raw bytes but the MAC.
    std::vector<uint8_t> raw(in.size);
    size_t raw_size = 0;
    FUZZ_CHECK(fernet::base64url::decode(in.data, in.size, raw.data(), &raw_size));
    FUZZ_CHECK(handed.size() == raw_size - fernet::kHmacSize &&
               std::memcmp(handed.data(), raw.data(), handed.size()) == 0);
    FUZZ_CHECK(external.timestamp() == one_shot.timestamp && external.key_index() == 0);
  }
  if (status == fernet::Status::kOk) {
    FUZZ_CHECK(verifier.timestamp() == one_shot.timestamp && verifier.key_index() == 0);
    FUZZ_CHECK(verifier.text_size() == in.size);
    std::vector<uint8_t> plain;
    FUZZ_CHECK(decrypt_verified(verifier, &key, in.data, in.size, chunk, plain) == fernet::Status::kOk);
    FUZZ_CHECK(plain.size() == one_shot.message_size);
    FUZZ_CHECK(plain.empty() || std::memcmp(plain.data(), one_shot.message, plain.size()) == 0);
    std::vector<uint8_t> elsewhere;
    FUZZ_CHECK(decrypt_elsewhere(verifier, &key, in.data, in.size, chunk, elsewhere) == fernet::Status::kOk);
    FUZZ_CHECK(elsewhere == plain);

    // The source changes between the passes.
    std::vector<uint8_t> changed(in.data, in.data + in.size);
    const size_t at = (size_t{*chunk_byte} * 7919) % changed.size();
    changed[at] ^= 1;
    plain.clear();
    FUZZ_CHECK(decrypt_verified(verifier, &key, changed.data(), changed.size(), chunk, plain) ==
               fernet::Status::kInvalidToken);
    FUZZ_CHECK(plain.size() <= at / fernet::kSegmentSize * fernet::kSegmentSize / 4 * 3);
    FUZZ_CHECK(plain.empty() || std::memcmp(plain.data(), one_shot.message, plain.size()) == 0);
  }

  // The same bytes as a message: streamed and one-shot tokens are identical (the one-shot
  // token made in two passes, the stream's with AES and HMAC in one loop).
  const uint8_t* iv = raw_key + 8;
  const uint64_t time = 1700000000u + *chunk_byte;
  fernet::SecureBuffer expected_token;
  FUZZ_CHECK(fernet::encrypt<fernet::Passes::kTwo>(key, time, iv, in.data, in.size, expected_token) ==
             fernet::Status::kOk);
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

  // Split: the whole blocks encrypted elsewhere, sealed here in pieces of
  // `chunk` blocks, the last partial block through update().
  const size_t whole = in.size / fernet::kBlockSize * fernet::kBlockSize;
  std::vector<uint8_t> ciphertext(whole);
  FUZZ_CHECK(fernet::cbc_encrypt_blocks(key, iv, in.data, whole, ciphertext.data()) == fernet::Status::kOk);
  fernet::StreamEncryptor sealer;
  std::vector<uint8_t> sealed(fernet::StreamEncryptor::max_update_output(0) + 36);
  FUZZ_CHECK(sealer.start(key, time, iv, sealed.data(), &written) == fernet::Status::kOk);
  sealed.resize(written);
  const size_t piece = chunk * fernet::kBlockSize;
  out.resize(std::max(fernet::StreamEncryptor::max_update_output(piece), fernet::StreamEncryptor::kMaxFinishOutput));
  for (size_t at = 0; at < whole; at += piece) {
    const size_t n = std::min(piece, whole - at);
    FUZZ_CHECK(sealer.update_ciphertext(ciphertext.data() + at, n, out.data(), &written) == fernet::Status::kOk);
    sealed.insert(sealed.end(), out.begin(), out.begin() + static_cast<long>(written));
  }
  FUZZ_CHECK(sealer.update(in.data + whole, in.size - whole, out.data(), &written) == fernet::Status::kOk);
  FUZZ_CHECK(written == 0);
  FUZZ_CHECK(sealer.finish(out.data(), &written) == fernet::Status::kOk);
  sealed.insert(sealed.end(), out.begin(), out.begin() + static_cast<long>(written));
  FUZZ_CHECK(sealed.size() == expected_token.size() &&
             std::memcmp(sealed.data(), expected_token.data(), sealed.size()) == 0);
  return 0;
}

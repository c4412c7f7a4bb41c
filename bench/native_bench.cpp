// The native build of our own core: the same C++ and mbedTLS (table-based
// AES, no AES-NI, as in wasm), without WebAssembly. Prints JSON rates.
//   fernet_native_bench MIN_SECONDS REPS SIZE...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fernet.h"

namespace {

template <typename F>
double rate(F&& op, double min_seconds) {
  const auto start = std::chrono::steady_clock::now();
  for (long count = 1;; ++count) {
    op();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed >= min_seconds) return static_cast<double>(count) / elapsed;
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  const double min_seconds = std::atof(argv[1]);
  const int reps = std::atoi(argv[2]);
  uint8_t raw[fernet::kKeySize], iv[fernet::kIvSize] = {};
  for (size_t i = 0; i < sizeof raw; ++i) raw[i] = static_cast<uint8_t>(i * 7 + 1);
  fernet::Key key;
  if (fernet::prepare_key(raw, key) != fernet::Status::kOk) std::abort();
  std::printf("{");
  for (int a = 3; a < argc; ++a) {
    const size_t size = std::strtoul(argv[a], nullptr, 10);
    std::vector<uint8_t> data(size, 'x');
    fernet::SecureBuffer token;
    fernet::encrypt(key, 1700000000, iv, data.data(), size, token);
    std::vector<double> enc, dec;
    for (int r = 0; r < reps; ++r) {
      enc.push_back(rate([&] {
        fernet::SecureBuffer t;
        fernet::encrypt(key, 1700000000, iv, data.data(), size, t);
      }, min_seconds));
      dec.push_back(rate([&] {
        fernet::Decrypted plain;
        if (fernet::decrypt(&key, 1, token.data(), token.size(), nullptr, plain) != fernet::Status::kOk) std::abort();
      }, min_seconds));
    }
    std::printf("%s\"%zu\":{\"encrypt\":%f,\"decrypt\":%f}", a == 3 ? "" : ",", size, median(enc), median(dec));
  }
  std::printf("}\n");
  return 0;
}

// The token codec's vector kernel against its scalar code (cpp/base64url.cpp): same verdict,
// same bytes, nothing written past the room decode is given, and encode's text decodes back.
// Input: one mode byte, then
//   even mode: raw bytes, which are encoded; then (mode >> 1) edits, 3 bytes each (position
//     high, low, new value), taken off the END of the input, overwrite characters of that
//     text before it is decoded: long, almost valid texts that reach the kernel with a bad
//     byte somewhere;
//   odd mode: the rest is decoded as it is.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "fuzz_input.h"

namespace {

using namespace fernet::base64url;

void check_decode(const uint8_t* text, size_t size) {
  const size_t room = max_decoded_size(size);
  constexpr size_t kGuard = 16;
  std::vector<uint8_t> fast(room + kGuard, 0xa5), slow(room + kGuard, 0xa5);
  size_t fast_size = 0, slow_size = 0;
  const bool fast_ok = decode(text, size, fast.data(), &fast_size);
  const bool slow_ok = decode_scalar(text, size, slow.data(), &slow_size);
  FUZZ_CHECK(fast_ok == slow_ok);
  for (size_t i = room; i < room + kGuard; ++i) FUZZ_CHECK(fast[i] == 0xa5);
  if (!fast_ok) return;
  FUZZ_CHECK(fast_size == slow_size);
  FUZZ_CHECK(std::equal(fast.begin(), fast.begin() + static_cast<std::ptrdiff_t>(fast_size), slow.begin()));
  // Accepted text is canonical: encoding the bytes gives it back.
  std::vector<uint8_t> again(encoded_size(fast_size) + 1);
  encode(fast.data(), fast_size, again.data());
  FUZZ_CHECK(encoded_size(fast_size) == size && std::equal(text, text + size, again.begin()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const uint8_t* mode = in.take(1);
  if (mode == nullptr) return 0;
  if (*mode & 1) {
    // An exact-size copy, so a read past the text is an ASan report.
    std::vector<uint8_t> text(in.data, in.data + in.size);
    check_decode(text.data(), text.size());
    return 0;
  }
  size_t edits = *mode >> 1;
  if (in.size < 3 * edits) edits = in.size / 3;
  const uint8_t* edit = in.data + in.size - 3 * edits;
  const size_t raw_size = in.size - 3 * edits;

  std::vector<uint8_t> raw(in.data, in.data + raw_size);
  std::vector<uint8_t> fast(encoded_size(raw_size)), slow(encoded_size(raw_size));
  encode(raw.data(), raw_size, fast.data());
  encode_scalar(raw.data(), raw_size, slow.data());
  FUZZ_CHECK(fast == slow);
  for (size_t i = 0; i < edits && !fast.empty(); ++i, edit += 3)
    fast[(size_t{edit[0]} << 8 | edit[1]) % fast.size()] = edit[2];
  check_decode(fast.data(), fast.size());
  return 0;
}

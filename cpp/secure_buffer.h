// A heap buffer that is wiped before it is freed, and reports allocation
// failure instead of throwing: the core runs without exceptions, and in
// WebAssembly a failed allocation must leave the module usable.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fernet {

void secure_zero(void* data, size_t size);

class SecureBuffer {
 public:
  SecureBuffer() = default;
  ~SecureBuffer() { reset(); }
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;
  SecureBuffer(SecureBuffer&& other) noexcept;
  SecureBuffer& operator=(SecureBuffer&& other) noexcept;

  // Replaces the contents with `size` zero bytes; false if memory ran out.
  bool allocate(size_t size);
  void reset();

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace fernet

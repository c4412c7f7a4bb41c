#include "secure_buffer.h"

#include <cstdlib>
#include <utility>

#include "mbedtls/platform_util.h"

namespace fernet {

void secure_zero(void* data, size_t size) { mbedtls_platform_zeroize(data, size); }

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

bool SecureBuffer::allocate(size_t size) {
  reset();
  // calloc(0) may return null; one byte keeps "allocated" unambiguous.
  data_ = static_cast<uint8_t*>(std::calloc(size == 0 ? 1 : size, 1));
  if (data_ == nullptr) return false;
  size_ = size;
  return true;
}

void SecureBuffer::reset() {
  if (data_ != nullptr) {
    secure_zero(data_, size_);
    std::free(data_);
  }
  data_ = nullptr;
  size_ = 0;
}

}  // namespace fernet

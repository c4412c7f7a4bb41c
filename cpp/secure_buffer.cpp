#include "secure_buffer.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "mbedtls/platform_util.h"

namespace fernet {
namespace {

// In front of every block; max_align_t keeps the block behind it aligned.
struct alignas(std::max_align_t) Header {
  Header* prev;
  Header* next;
  size_t size;
  uint64_t sequence;
  void (*destroy)(void*);  // set for objects: their destructor
  bool persistent;
  bool contents_public;  // freed with only the header wiped (SecureBuffer::make_public)
};

Header* g_head = nullptr;
uint64_t g_sequence = 0;
size_t g_live = 0;
unsigned g_persistent_depth = 0;
internal::FreeObserver g_free_observer = nullptr;
size_t g_allocations_left = SIZE_MAX;

Header* header_of(void* block) { return static_cast<Header*>(block) - 1; }

void* allocate_block(size_t size, void (*destroy)(void*), bool zero_filled = true) {
  if (size > SIZE_MAX - sizeof(Header)) return nullptr;
  if (g_allocations_left != SIZE_MAX) {
    if (g_allocations_left == 0) return nullptr;
    --g_allocations_left;
  }
  auto* h = static_cast<Header*>(zero_filled ? std::calloc(1, sizeof(Header) + size)
                                             : std::malloc(sizeof(Header) + size));
  if (h == nullptr) return nullptr;
  if (!zero_filled) std::memset(h, 0, sizeof(Header));
  h->size = size;
  h->sequence = ++g_sequence;
  h->destroy = destroy;
  h->persistent = g_persistent_depth != 0;
  h->next = g_head;
  if (g_head != nullptr) g_head->prev = h;
  g_head = h;
  ++g_live;
  return h + 1;
}

}  // namespace

void secure_zero(void* data, size_t size) { mbedtls_platform_zeroize(data, size); }

void* secure_alloc(size_t size) { return allocate_block(size, nullptr); }

void secure_free(void* block) {
  if (block == nullptr) return;
  Header* h = header_of(block);
  if (h->prev != nullptr) h->prev->next = h->next;
  else g_head = h->next;
  if (h->next != nullptr) h->next->prev = h->prev;
  --g_live;
  const size_t total = sizeof(Header) + h->size;
  secure_zero(h, h->contents_public ? sizeof(Header) : total);
  if (g_free_observer != nullptr) g_free_observer(h, total);
  std::free(h);
}

uint64_t allocation_mark() { return g_sequence; }

void reclaim_since(uint64_t mark) {
  // A destructor frees the blocks its object owns, anywhere in the list, so
  // the scan restarts after each one.
  for (;;) {
    Header* victim = g_head;
    while (victim != nullptr && (victim->sequence <= mark || victim->persistent))
      victim = victim->next;
    if (victim == nullptr) return;
    if (void (*destroy)(void*) = std::exchange(victim->destroy, nullptr)) destroy(victim + 1);
    secure_free(victim + 1);
  }
}

size_t live_allocations() { return g_live; }

PersistentScope::PersistentScope() { ++g_persistent_depth; }
PersistentScope::~PersistentScope() { --g_persistent_depth; }

void* internal::alloc_object(size_t size, void (*destroy)(void*)) {
  return allocate_block(size, destroy);
}

void internal::set_free_observer(FreeObserver observer) { g_free_observer = observer; }
void internal::fail_allocations_after(size_t count) { g_allocations_left = count; }

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

bool SecureBuffer::allocate(size_t size) { return replace(size, true); }

bool SecureBuffer::allocate_for_overwrite(size_t size) { return replace(size, false); }

bool SecureBuffer::replace(size_t size, bool zero_filled) {
  reset();
  // A zero-size request still gets a block: "allocated" stays unambiguous.
  data_ = static_cast<uint8_t*>(allocate_block(size == 0 ? 1 : size, nullptr, zero_filled));
  if (data_ == nullptr) return false;
  size_ = size;
  return true;
}

void SecureBuffer::make_public() {
  if (data_ != nullptr) header_of(data_)->contents_public = true;
}

bool SecureBuffer::resize(size_t size) {
  auto* next = static_cast<uint8_t*>(secure_alloc(size == 0 ? 1 : size));
  if (next == nullptr) return false;
  const size_t keep = size < size_ ? size : size_;
  if (keep != 0) std::memcpy(next, data_, keep);
  reset();
  data_ = next;
  size_ = size;
  return true;
}

void SecureBuffer::truncate(size_t size) {
  if (size < size_) size_ = size;
}

void SecureBuffer::reset() {
  secure_free(data_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace fernet

extern "C" void* fernet_mbedtls_calloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return nullptr;
  return fernet::secure_alloc(count * size);
}

extern "C" void fernet_mbedtls_free(void* block) { fernet::secure_free(block); }

// Memory for secrets. Every heap block the core takes (SecureBuffer, the
// stream objects and their state, and mbedTLS's own allocations through
// MBEDTLS_PLATFORM_CALLOC_MACRO) comes from secure_alloc: zeroed, wiped
// whole before it is freed, and recorded in a registry of live blocks. One
// kind of block is not zeroed, and once public not wiped: a token's in Node's
// link (SecureBuffer::allocate_for_overwrite, written whole before it is read;
// make_public once the token is finished). Freed before that, it is wiped whole.
//
// The registry exists for failure recovery. The wasm build has no exception
// support, so when a JS exception unwinds through a bindings call no C++
// destructor runs. The bindings take allocation_mark() before such a call and,
// when it throws, call reclaim_since(mark): every block allocated since is
// wiped and freed, so no secret and no leak survives the aborted call.
//
// Long-lived objects. Blocks allocated while a PersistentScope is alive are
// owned by an object that outlives the call (a stream's state, a reusable
// buffer): reclaim_since leaves them alone, their owner frees them. The stream
// classes open such a scope themselves. Objects created with the stream
// classes' `new (std::nothrow)` are registry blocks that know how to destroy
// themselves: reclaim_since runs their destructor (which frees what they own)
// when the object itself was created after the mark.
//
// Single-threaded, like the wasm module: no locking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

namespace fernet {

void secure_zero(void* data, size_t size);

// `size` zero bytes, or nullptr when memory ran out (never throws).
void* secure_alloc(size_t size);
// Wipes the whole block (only its header once made public), then frees it.
// nullptr is ignored.
void secure_free(void* block);
// The sequence number of the newest block so far (numbers only grow).
uint64_t allocation_mark();
// Wipes and frees every non-persistent block allocated after `mark`,
// destroying the objects among them first.
void reclaim_since(uint64_t mark);
// Blocks currently live (for tests and leak checks).
size_t live_allocations();

// While one is alive, new blocks belong to a long-lived owner (see above).
class PersistentScope {
 public:
  PersistentScope();
  ~PersistentScope();
  PersistentScope(const PersistentScope&) = delete;
  PersistentScope& operator=(const PersistentScope&) = delete;
};

namespace internal {
// A registry block holding an object that `destroy` (its destructor) tears down.
void* alloc_object(size_t size, void (*destroy)(void*));
template <typename T>
void destroy_object(void* object) {
  static_cast<T*>(object)->~T();
}

// Test hooks. The observer sees every block (header included) after it was
// wiped and before it is freed; null removes it.
using FreeObserver = void (*)(const void* block, size_t size);
void set_free_observer(FreeObserver observer);
// The next `count` allocations succeed, later ones fail (SIZE_MAX: no limit).
void fail_allocations_after(size_t count);
}  // namespace internal

// Gives a class nothrow, registry-backed new/delete (and no throwing new).
#define FERNET_REGISTRY_NEW(Class)                                                     \
  static void* operator new(size_t size, const std::nothrow_t&) noexcept {             \
    return ::fernet::internal::alloc_object(size, &::fernet::internal::destroy_object<Class>); \
  }                                                                                    \
  static void operator delete(void* block) noexcept { ::fernet::secure_free(block); } \
  static void operator delete(void* block, const std::nothrow_t&) noexcept {           \
    ::fernet::secure_free(block);                                                      \
  }

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
  // As allocate, but the contents are whatever the heap held there (wiped or
  // public bytes: the core wipes every other block it frees), for a caller
  // that writes every byte before it reads any. Zero-filling a token's block
  // cost as much as wiping it: a memset of about 2.6 KB for a 1 KiB message.
  bool allocate_for_overwrite(size_t size);
  // The contents are public from now on (a finished token): freeing the block
  // wipes only its header. Until then it is wiped whole like any other.
  void make_public();
  // Changes the size keeping the contents (new bytes zero). The old block is
  // released only after its successor exists; on failure nothing changes.
  bool resize(size_t size);
  // Makes only the first `size` bytes the contents (size <= size()); the block
  // keeps its length and is wiped whole when freed.
  void truncate(size_t size);
  void reset();

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  bool replace(size_t size, bool zero_filled);

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace fernet

// mbedTLS's allocator (fernet_mbedtls_config.h points its macros here).
extern "C" void* fernet_mbedtls_calloc(size_t count, size_t size);
extern "C" void fernet_mbedtls_free(void* block);

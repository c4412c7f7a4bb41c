// The allocation registry: blocks are zeroed, wiped before they are freed,
// and reclaim_since() frees (and wipes) what an aborted call left behind
// without touching what long-lived objects own.
#include "secure_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "fernet.h"
#include "fernet_stream.h"
#include "mbedtls/md.h"
#include "prepared_keys.h"

namespace {

size_t g_freed = 0;
size_t g_dirty = 0;  // freed blocks that still held a non-zero byte

void observe(const void* block, size_t size) {
  ++g_freed;
  const auto* p = static_cast<const uint8_t*>(block);
  for (size_t i = 0; i < size; ++i)
    if (p[i] != 0) {
      ++g_dirty;
      return;
    }
}

struct Observer {
  Observer() {
    g_freed = g_dirty = 0;
    fernet::internal::set_free_observer(&observe);
  }
  ~Observer() { fernet::internal::set_free_observer(nullptr); }
};

TEST(Registry, BlocksAreZeroedAndWipedWhenFreed) {
  Observer observer;
  const size_t before = fernet::live_allocations();
  auto* p = static_cast<uint8_t*>(fernet::secure_alloc(1000));
  ASSERT_NE(p, nullptr);
  for (size_t i = 0; i < 1000; ++i) EXPECT_EQ(p[i], 0);
  std::memset(p, 0xaa, 1000);
  EXPECT_EQ(fernet::live_allocations(), before + 1);
  fernet::secure_free(p);
  EXPECT_EQ(fernet::live_allocations(), before);
  EXPECT_EQ(g_freed, 1u);
  EXPECT_EQ(g_dirty, 0u);
  fernet::secure_free(nullptr);
}

TEST(Registry, ReclaimFreesAndWipesEverythingSinceTheMark) {
  Observer observer;
  const size_t before = fernet::live_allocations();
  void* old_block = fernet::secure_alloc(16);
  const uint64_t mark = fernet::allocation_mark();
  std::vector<void*> lost;
  for (size_t i = 1; i <= 5; ++i) {
    void* p = fernet::secure_alloc(i * 100);
    std::memset(p, 0x5c, i * 100);
    lost.push_back(p);
  }
  // A one-shot call abandoned half-way: its SecureBuffer and mbedTLS's
  // contexts would leak with a secret inside.
  auto* buffer = new fernet::SecureBuffer;
  ASSERT_TRUE(buffer->allocate(64));
  std::memset(buffer->data(), 0x77, 64);
  EXPECT_EQ(fernet::live_allocations(), before + 7);
  fernet::reclaim_since(mark);
  EXPECT_EQ(fernet::live_allocations(), before + 1);  // old_block survives
  EXPECT_EQ(g_freed, 6u);
  EXPECT_EQ(g_dirty, 0u);
  fernet::secure_free(old_block);
  // Its pointer dangles now (as in an abandoned call, whose destructors never
  // run): only the shell is freed here.
  ::operator delete(buffer);
  EXPECT_EQ(fernet::live_allocations(), before);
}

TEST(Registry, MbedTlsAllocatesThroughTheRegistry) {
  const size_t before = fernet::live_allocations();
  mbedtls_md_context_t md;
  mbedtls_md_init(&md);
  ASSERT_EQ(mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1), 0);
  EXPECT_EQ(fernet::live_allocations(), before + 2);  // digest and HMAC contexts
  mbedtls_md_free(&md);
  EXPECT_EQ(fernet::live_allocations(), before);
}

// Objects from the stream classes' new(std::nothrow) are reclaimed whole,
// their destructor freeing what they own; objects from before the mark keep
// state they grew during the aborted call.
TEST(Registry, StreamObjectsSurviveOrAreReclaimedWhole) {
  Observer observer;
  const size_t before = fernet::live_allocations();
  std::vector<uint8_t> key(32, 3);
  std::vector<uint8_t> message(200000, 'm');
  const uint8_t iv[16] = {4};
  fernet::SecureBuffer token;
  ASSERT_EQ(fernet::encrypt(prepared(key)[0], 1, iv, message.data(), message.size(), token), fernet::Status::kOk);

  auto* verifier = new (std::nothrow) fernet::StreamVerifier;
  ASSERT_NE(verifier, nullptr);
  ASSERT_EQ(verifier->start(prepared(key).data(), 1, nullptr, commitment_key()), fernet::Status::kOk);
  const uint64_t mark = fernet::allocation_mark();
  // An aborted call that grew the verifier's commitments and created objects.
  ASSERT_EQ(verifier->update(token.data(), token.size()), fernet::Status::kOk);
  auto* orphan = new (std::nothrow) fernet::StreamVerifier;
  ASSERT_EQ(orphan->start(prepared(key).data(), 1, nullptr, commitment_key()), fernet::Status::kOk);
  ASSERT_EQ(orphan->update(token.data(), 1000), fernet::Status::kOk);
  auto* encryptor = new (std::nothrow) fernet::StreamEncryptor;
  std::vector<uint8_t> out(200);
  size_t written = 0;
  ASSERT_EQ(encryptor->start(prepared(key)[0], 1, iv, out.data(), &written), fernet::Status::kOk);
  void* scratch = fernet::secure_alloc(100);
  (void)scratch;
  fernet::reclaim_since(mark);
  EXPECT_EQ(g_dirty, 0u);

  // The verifier from before the mark still works.
  ASSERT_EQ(verifier->finish(), fernet::Status::kOk);
  fernet::VerifiedDecryptor* decryptor = new (std::nothrow) fernet::VerifiedDecryptor;
  ASSERT_EQ(decryptor->start(*verifier, prepared(key).data()), fernet::Status::kOk);
  std::vector<uint8_t> plain(fernet::VerifiedDecryptor::max_update_output(token.size()));
  ASSERT_EQ(decryptor->update(token.data(), token.size(), plain.data(), &written), fernet::Status::kOk);
  size_t total = written;
  std::vector<uint8_t> last(fernet::VerifiedDecryptor::kMaxFinishOutput);
  ASSERT_EQ(decryptor->finish(last.data(), &written), fernet::Status::kOk);
  std::memcpy(plain.data() + total, last.data(), written);
  total += written;
  EXPECT_EQ(total, message.size());
  EXPECT_EQ(std::memcmp(plain.data(), message.data(), message.size()), 0);
  delete decryptor;
  delete verifier;
  EXPECT_EQ(g_dirty, 0u);
  token.reset();  // public: freed unwiped (the last test below)
  EXPECT_EQ(fernet::live_allocations(), before);
}

TEST(Registry, ResizeKeepsContentsAndReplacesOnlyOnSuccess) {
  fernet::SecureBuffer buffer;
  ASSERT_TRUE(buffer.allocate(4));
  std::memcpy(buffer.data(), "abcd", 4);
  ASSERT_TRUE(buffer.resize(8));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer.data()), 8), std::string("abcd\0\0\0\0", 8));
  fernet::internal::fail_allocations_after(0);
  const uint8_t* before = buffer.data();
  EXPECT_FALSE(buffer.resize(100));
  fernet::internal::fail_allocations_after(SIZE_MAX);
  EXPECT_EQ(buffer.data(), before);
  EXPECT_EQ(buffer.size(), 8u);
}

// The last block freed, as the observer saw it (header first).
std::vector<uint8_t> g_last_freed;
void keep_last(const void* block, size_t size) {
  const auto* p = static_cast<const uint8_t*>(block);
  g_last_freed.assign(p, p + size);
}
struct KeepLast {
  KeepLast() { fernet::internal::set_free_observer(&keep_last); }
  ~KeepLast() { fernet::internal::set_free_observer(nullptr); }
};
bool all_zero(const uint8_t* p, size_t size) {
  for (size_t i = 0; i < size; ++i)
    if (p[i] != 0) return false;
  return true;
}

TEST(Registry, ABlockForOverwriteIsWipedWholeUntilMadePublic) {
  KeepLast keep;
  const size_t before = fernet::live_allocations();
  fernet::SecureBuffer buffer;
  ASSERT_TRUE(buffer.allocate_for_overwrite(300));
  std::memset(buffer.data(), 0x5c, 300);
  buffer.reset();
  ASSERT_GT(g_last_freed.size(), 300u);
  EXPECT_TRUE(all_zero(g_last_freed.data(), g_last_freed.size()));
  EXPECT_EQ(fernet::live_allocations(), before);
}

TEST(Registry, APublicBlockIsFreedWithOnlyItsHeaderWiped) {
  KeepLast keep;
  fernet::SecureBuffer buffer;
  ASSERT_TRUE(buffer.allocate_for_overwrite(300));
  std::memset(buffer.data(), 0x5c, 300);
  buffer.make_public();
  buffer.reset();
  ASSERT_GT(g_last_freed.size(), 300u);
  const size_t header = g_last_freed.size() - 300;
  EXPECT_TRUE(all_zero(g_last_freed.data(), header));
  EXPECT_EQ(std::vector<uint8_t>(g_last_freed.begin() + static_cast<std::ptrdiff_t>(header),
                                 g_last_freed.end()),
            std::vector<uint8_t>(300, 0x5c));
}

// A token's block: freed unwiped once the token is finished, with its text in
// it and no trace of the plaintext.
TEST(Registry, AFinishedTokenIsFreedUnwipedWithNoPlaintextInIt) {
  const fernet::Key key = prepared(std::vector<uint8_t>(fernet::kKeySize, 0x11))[0];
  const uint8_t iv[fernet::kIvSize] = {1, 2, 3};
  const std::string message(100, 'm');
  KeepLast keep;
  std::string text;
  {
    fernet::SecureBuffer token;
    ASSERT_EQ(fernet::encrypt(key, 1000, iv, reinterpret_cast<const uint8_t*>(message.data()),
                              message.size(), token),
              fernet::Status::kOk);
    text.assign(reinterpret_cast<const char*>(token.data()), token.size());
  }
  const std::string freed(g_last_freed.begin(), g_last_freed.end());
  EXPECT_NE(freed.find(text), std::string::npos);
  EXPECT_EQ(freed.find(message), std::string::npos);
}

}  // namespace

// The constant-time AES (cpp/aes_ct.cpp, behind mbedTLS's MBEDTLS_AES_ALT) against
// published known answers and against mbedTLS's own table AES (tests/cpp/aes_ref.c) on
// random keys, IVs and lengths, both directions, ECB and CBC, in place and not, whole and
// in pieces (as the streaming core calls it); and CBC encryption with SHA-256 in the same
// loop (fernet::cbc_encrypt_and_hash) against the same AES and the portable SHA-256.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "aes_ct.h"
#include "aes_ref.h"
#include "sha256_portable.h"
#include "mbedtls/aes.h"

namespace {

using Bytes = std::vector<uint8_t>;

Bytes hex(const std::string& text) {
  Bytes out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(text.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// The core's AES: setkey, one CBC call, free.
int ct_cbc(int mode, const uint8_t* key, uint8_t iv[16], size_t length, const uint8_t* in,
           uint8_t* out) {
  mbedtls_aes_context ctx;
  mbedtls_aes_init(&ctx);
  int rc = mode == MBEDTLS_AES_ENCRYPT ? mbedtls_aes_setkey_enc(&ctx, key, 128)
                                       : mbedtls_aes_setkey_dec(&ctx, key, 128);
  if (rc == 0) rc = mbedtls_aes_crypt_cbc(&ctx, mode, length, iv, in, out);
  mbedtls_aes_free(&ctx);
  return rc;
}

int ct_ecb(int mode, const uint8_t* key, const uint8_t in[16], uint8_t out[16]) {
  mbedtls_aes_context ctx;
  mbedtls_aes_init(&ctx);
  int rc = mode == MBEDTLS_AES_ENCRYPT ? mbedtls_aes_setkey_enc(&ctx, key, 128)
                                       : mbedtls_aes_setkey_dec(&ctx, key, 128);
  if (rc == 0) rc = mbedtls_aes_crypt_ecb(&ctx, mode, in, out);
  mbedtls_aes_free(&ctx);
  return rc;
}

Bytes random_bytes(std::mt19937_64& rng, size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// FIPS-197 Appendix C.1 (AES-128).
TEST(AesCt, Fips197AppendixC1) {
  Bytes key = hex("000102030405060708090a0b0c0d0e0f");
  Bytes pt = hex("00112233445566778899aabbccddeeff");
  Bytes ct = hex("69c4e0d86a7b0430d8cdb78070b4c55a");
  uint8_t out[16];
  ASSERT_EQ(ct_ecb(MBEDTLS_AES_ENCRYPT, key.data(), pt.data(), out), 0);
  EXPECT_EQ(Bytes(out, out + 16), ct);
  ASSERT_EQ(ct_ecb(MBEDTLS_AES_DECRYPT, key.data(), ct.data(), out), 0);
  EXPECT_EQ(Bytes(out, out + 16), pt);
}

// FIPS-197 Appendix B: the cipher example (key 2b7e...).
TEST(AesCt, Fips197AppendixB) {
  Bytes key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  Bytes pt = hex("3243f6a8885a308d313198a2e0370734");
  Bytes ct = hex("3925841d02dc09fbdc118597196a0b32");
  uint8_t out[16];
  ASSERT_EQ(ct_ecb(MBEDTLS_AES_ENCRYPT, key.data(), pt.data(), out), 0);
  EXPECT_EQ(Bytes(out, out + 16), ct);
  ASSERT_EQ(ct_ecb(MBEDTLS_AES_DECRYPT, key.data(), ct.data(), out), 0);
  EXPECT_EQ(Bytes(out, out + 16), pt);
}

const char* const kSp80038aPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

// NIST SP 800-38A F.1.1 / F.1.2: ECB-AES128.
TEST(AesCt, Sp80038aEcb) {
  Bytes key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  Bytes pt = hex(kSp80038aPlain);
  Bytes ct = hex(
      "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
      "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4");
  for (size_t b = 0; b < 4; ++b) {
    uint8_t out[16];
    ASSERT_EQ(ct_ecb(MBEDTLS_AES_ENCRYPT, key.data(), pt.data() + 16 * b, out), 0);
    EXPECT_EQ(Bytes(out, out + 16), Bytes(ct.begin() + 16 * b, ct.begin() + 16 * b + 16));
    ASSERT_EQ(ct_ecb(MBEDTLS_AES_DECRYPT, key.data(), ct.data() + 16 * b, out), 0);
    EXPECT_EQ(Bytes(out, out + 16), Bytes(pt.begin() + 16 * b, pt.begin() + 16 * b + 16));
  }
}

// NIST SP 800-38A F.2.1 / F.2.2: CBC-AES128, and the IV mbedTLS hands back (the last
// ciphertext block, to continue the chain).
TEST(AesCt, Sp80038aCbc) {
  Bytes key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  Bytes iv0 = hex("000102030405060708090a0b0c0d0e0f");
  Bytes pt = hex(kSp80038aPlain);
  Bytes ct = hex(
      "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
      "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
  Bytes out(64);
  Bytes iv = iv0;
  ASSERT_EQ(ct_cbc(MBEDTLS_AES_ENCRYPT, key.data(), iv.data(), 64, pt.data(), out.data()), 0);
  EXPECT_EQ(out, ct);
  EXPECT_EQ(iv, Bytes(ct.end() - 16, ct.end()));
  iv = iv0;
  ASSERT_EQ(ct_cbc(MBEDTLS_AES_DECRYPT, key.data(), iv.data(), 64, ct.data(), out.data()), 0);
  EXPECT_EQ(out, pt);
  EXPECT_EQ(iv, Bytes(ct.end() - 16, ct.end()));
}

// Random keys and blocks, one block at a time: the key schedule and both block functions.
TEST(AesCt, EcbMatchesMbedtlsOnRandomKeys) {
  std::mt19937_64 rng(0x5eed0001);
  for (int trial = 0; trial < 2000; ++trial) {
    Bytes key = random_bytes(rng, 16);
    Bytes block = random_bytes(rng, 16);
    for (int mode : {MBEDTLS_AES_ENCRYPT, MBEDTLS_AES_DECRYPT}) {
      uint8_t ours[16], theirs[16];
      ASSERT_EQ(ct_ecb(mode, key.data(), block.data(), ours), 0);
      ASSERT_EQ(ref_aes_ecb(mode, key.data(), 128, block.data(), theirs), 0);
      ASSERT_EQ(Bytes(ours, ours + 16), Bytes(theirs, theirs + 16))
          << "trial " << trial << " mode " << mode;
    }
  }
}

// Random keys, IVs and lengths (0 to 80 blocks: the 8-block bitsliced decrypt path, the
// 2- and 1-block paths after it, and every remainder), both directions, out of place and in place; IVs handed back compared too.
TEST(AesCt, CbcMatchesMbedtlsOnRandomKeysIvsAndLengths) {
  std::mt19937_64 rng(0x5eed0002);
  for (int trial = 0; trial < 600; ++trial) {
    size_t length = 16 * static_cast<size_t>(rng() % 81);
    Bytes key = random_bytes(rng, 16);
    Bytes iv = random_bytes(rng, 16);
    Bytes data = random_bytes(rng, length);
    for (int mode : {MBEDTLS_AES_ENCRYPT, MBEDTLS_AES_DECRYPT}) {
      Bytes theirs(length), ours(length), iv_theirs = iv, iv_ours = iv;
      ASSERT_EQ(ref_aes_cbc(mode, key.data(), 128, iv_theirs.data(), length, data.data(),
                            theirs.data()), 0);
      ASSERT_EQ(ct_cbc(mode, key.data(), iv_ours.data(), length, data.data(), ours.data()), 0);
      ASSERT_EQ(ours, theirs) << "trial " << trial << " mode " << mode << " length " << length;
      ASSERT_EQ(iv_ours, iv_theirs);
      Bytes in_place = data, iv_in_place = iv;
      ASSERT_EQ(ct_cbc(mode, key.data(), iv_in_place.data(), length, in_place.data(),
                       in_place.data()), 0);
      ASSERT_EQ(in_place, theirs) << "in place, trial " << trial << " mode " << mode;
      ASSERT_EQ(iv_in_place, iv_theirs);
    }
  }
}

// Every block count from 0 to 40, several keys each: the bitsliced path (8 blocks at a time)
// runs 0 to 5 times, takes a remainder of 5..7 as one more, zero-padded group, and hands one
// of 1..4 to the vector-permute code, whose chain must continue from the last bitsliced
// block; fewer than 8 blocks take the vector-permute code alone. Out of place and in place,
// IVs compared.
TEST(AesCt, CbcEveryBlockCountUpTo40) {
  std::mt19937_64 rng(0x5eed0004);
  for (size_t blocks = 0; blocks <= 40; ++blocks) {
    for (int trial = 0; trial < 6; ++trial) {
      const size_t length = 16 * blocks;
      Bytes key = random_bytes(rng, 16);
      Bytes iv = random_bytes(rng, 16);
      Bytes data = random_bytes(rng, length);
      for (int mode : {MBEDTLS_AES_DECRYPT, MBEDTLS_AES_ENCRYPT}) {
        Bytes theirs(length), ours(length), iv_theirs = iv, iv_ours = iv;
        ASSERT_EQ(ref_aes_cbc(mode, key.data(), 128, iv_theirs.data(), length, data.data(),
                              theirs.data()), 0);
        ASSERT_EQ(ct_cbc(mode, key.data(), iv_ours.data(), length, data.data(), ours.data()), 0);
        ASSERT_EQ(ours, theirs) << blocks << " blocks, mode " << mode;
        ASSERT_EQ(iv_ours, iv_theirs);
        Bytes in_place = data, iv_in_place = iv;
        ASSERT_EQ(ct_cbc(mode, key.data(), iv_in_place.data(), length, in_place.data(),
                         in_place.data()), 0);
        ASSERT_EQ(in_place, theirs) << "in place, " << blocks << " blocks, mode " << mode;
        ASSERT_EQ(iv_in_place, iv_theirs);
      }
    }
  }
}

// A long message (1 MiB + 5 blocks), as Fernet decrypts it: one call, in place.
TEST(AesCt, CbcLongMessageInPlace) {
  std::mt19937_64 rng(0x5eed0005);
  const size_t length = (1u << 20) + 5 * 16;
  Bytes key = random_bytes(rng, 16);
  Bytes iv = random_bytes(rng, 16);
  Bytes data = random_bytes(rng, length);
  for (int mode : {MBEDTLS_AES_DECRYPT, MBEDTLS_AES_ENCRYPT}) {
    Bytes theirs(length), iv_theirs = iv, ours = data, iv_ours = iv;
    ASSERT_EQ(ref_aes_cbc(mode, key.data(), 128, iv_theirs.data(), length, data.data(),
                          theirs.data()), 0);
    ASSERT_EQ(ct_cbc(mode, key.data(), iv_ours.data(), length, ours.data(), ours.data()), 0);
    ASSERT_EQ(ours, theirs) << "mode " << mode;
    ASSERT_EQ(iv_ours, iv_theirs);
  }
}

// The streaming core calls crypt_cbc on pieces with the IV carried over: any split of a
// message into whole blocks gives the one-call result.
TEST(AesCt, CbcInPiecesEqualsOneCall) {
  std::mt19937_64 rng(0x5eed0003);
  for (int trial = 0; trial < 200; ++trial) {
    size_t blocks = 1 + static_cast<size_t>(rng() % 40);
    Bytes key = random_bytes(rng, 16);
    Bytes iv = random_bytes(rng, 16);
    Bytes data = random_bytes(rng, 16 * blocks);
    for (int mode : {MBEDTLS_AES_ENCRYPT, MBEDTLS_AES_DECRYPT}) {
      Bytes whole(data.size()), iv_whole = iv;
      ASSERT_EQ(ref_aes_cbc(mode, key.data(), 128, iv_whole.data(), data.size(), data.data(),
                            whole.data()), 0);
      mbedtls_aes_context ctx;
      mbedtls_aes_init(&ctx);
      ASSERT_EQ(mode == MBEDTLS_AES_ENCRYPT ? mbedtls_aes_setkey_enc(&ctx, key.data(), 128)
                                            : mbedtls_aes_setkey_dec(&ctx, key.data(), 128), 0);
      Bytes pieces(data.size()), chain = iv;
      size_t done = 0;
      while (done < blocks) {
        size_t take = 1 + static_cast<size_t>(rng() % (blocks - done));
        ASSERT_EQ(mbedtls_aes_crypt_cbc(&ctx, mode, 16 * take, chain.data(),
                                        data.data() + 16 * done, pieces.data() + 16 * done), 0);
        done += take;
      }
      mbedtls_aes_free(&ctx);
      ASSERT_EQ(pieces, whole) << "trial " << trial << " mode " << mode;
      ASSERT_EQ(chain, iv_whole);
    }
  }
}

// Random keys, IVs, states, block counts, and bytes the hash holds before the ciphertext (a
// token's header, or what an earlier call left of an unfinished block). The compressions must
// be exactly those of the bytes they claim, and must stop no more than the first hash block
// and four more AES blocks short of the end.
TEST(AesCt, CbcEncryptAndHashMatchesCbcThenSha256) {
  std::mt19937_64 rng(1130);
  for (int trial = 0; trial < 600; ++trial) {
    const size_t blocks = trial < 400 ? static_cast<size_t>(trial) % 40 : 40 + rng() % 600;
    const size_t held = rng() % 64;
    const Bytes key = random_bytes(rng, 16), iv = random_bytes(rng, 16);
    const Bytes prefix = random_bytes(rng, held);
    Bytes data = random_bytes(rng, 16 * blocks);
    Bytes expected(16 * blocks);
    uint8_t ref_iv[16], chain[16];
    std::memcpy(ref_iv, iv.data(), 16);
    std::memcpy(chain, iv.data(), 16);
    ASSERT_EQ(ref_aes_cbc(MBEDTLS_AES_ENCRYPT, key.data(), 128, ref_iv, 16 * blocks, data.data(),
                          expected.data()), 0);
    uint32_t state[8], expected_state[8];
    for (auto& w : state) w = static_cast<uint32_t>(rng());
    std::memcpy(expected_state, state, sizeof state);

    uint8_t schedule[11][16];
    fernet::expand_encryption_key(key.data(), schedule);
    size_t hashed = 1;
    ASSERT_EQ(fernet::cbc_encrypt_and_hash(schedule, chain, data.data(), blocks, prefix.data(), held,
                                           state, &hashed), 0);

    ASSERT_EQ(data, expected) << trial;
    ASSERT_EQ(std::memcmp(chain, ref_iv, 16), 0) << trial;
    ASSERT_LE(hashed, data.size()) << trial;
    Bytes message = prefix;
    message.insert(message.end(), expected.begin(), expected.end());
    if (hashed != 0) {
      ASSERT_EQ((held + hashed) % 64, 0u) << trial;
      for (size_t at = 0; at < held + hashed; at += 64)
        sha256_portable::compress(expected_state, message.data() + at);
    }
    ASSERT_EQ(std::memcmp(state, expected_state, sizeof state), 0) << trial;
    // Unhashed: the 64 bytes the hash runs behind, and what the first hash block took of the
    // ciphertext beyond whole blocks (or, when too few blocks for a first hash block, all).
    ASSERT_LT(data.size() - hashed, 64u + 16u) << trial;
  }
}

TEST(AesCt, CbcEncryptAndHashRefusesAWholeHeldBlock) {
  const Bytes key(16, 7);
  Bytes data(256, 1);
  const Bytes before = data;
  uint8_t chain[16] = {};
  uint32_t state[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  size_t hashed = 1;
  uint8_t schedule[11][16];
  fernet::expand_encryption_key(key.data(), schedule);
  EXPECT_EQ(fernet::cbc_encrypt_and_hash(schedule, chain, data.data(), 16, data.data(), 64, state,
                                         &hashed),
            MBEDTLS_ERR_AES_BAD_INPUT_DATA);
  EXPECT_EQ(data, before);
  EXPECT_EQ(hashed, 0u);
  EXPECT_EQ(state[0], 1u);
}

// Errors as mbedTLS reports them; a schedule used for the other direction is refused rather
// than silently giving garbage.
TEST(AesCt, ErrorsAndMisuse) {
  uint8_t key[32] = {1, 2, 3};
  uint8_t iv[16] = {0};
  uint8_t buf[48] = {0};
  mbedtls_aes_context ctx;
  mbedtls_aes_init(&ctx);
  EXPECT_EQ(mbedtls_aes_setkey_enc(&ctx, key, 192), MBEDTLS_ERR_AES_INVALID_KEY_LENGTH);
  EXPECT_EQ(mbedtls_aes_setkey_dec(&ctx, key, 256), MBEDTLS_ERR_AES_INVALID_KEY_LENGTH);
  EXPECT_EQ(mbedtls_aes_crypt_ecb(&ctx, MBEDTLS_AES_ENCRYPT, buf, buf), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
  ASSERT_EQ(mbedtls_aes_setkey_enc(&ctx, key, 128), 0);
  EXPECT_EQ(mbedtls_aes_crypt_cbc(&ctx, MBEDTLS_AES_ENCRYPT, 17, iv, buf, buf),
            MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH);
  EXPECT_EQ(mbedtls_aes_crypt_cbc(&ctx, 7, 16, iv, buf, buf), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
  EXPECT_EQ(mbedtls_aes_crypt_cbc(&ctx, MBEDTLS_AES_DECRYPT, 16, iv, buf, buf),
            MBEDTLS_ERR_AES_BAD_INPUT_DATA);
  EXPECT_EQ(mbedtls_aes_crypt_cbc(&ctx, MBEDTLS_AES_ENCRYPT, 0, iv, buf, buf), 0);
  mbedtls_aes_free(&ctx);
}

// mbedtls_aes_free leaves no byte of the key schedule behind.
TEST(AesCt, FreeWipesTheSchedule) {
  uint8_t key[16];
  for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(0xa5 ^ i);
  for (int direction = 0; direction < 2; ++direction) {
    mbedtls_aes_context ctx;
    mbedtls_aes_init(&ctx);
    ASSERT_EQ(direction == 0 ? mbedtls_aes_setkey_enc(&ctx, key, 128)
                             : mbedtls_aes_setkey_dec(&ctx, key, 128), 0);
    mbedtls_aes_free(&ctx);
    const uint8_t* raw = reinterpret_cast<const uint8_t*>(&ctx);
    for (size_t i = 0; i < sizeof ctx; ++i) ASSERT_EQ(raw[i], 0) << "byte " << i;
  }
}

}  // namespace
